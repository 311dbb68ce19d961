/* report - the report model: construction, teardown and derived values (see report.h). */
#include "report.h"
#include "escape.h"
#include "mx_limits.h"
#include "xalloc.h"
#include "mx_limits.h"
#include <stdlib.h>
#include <string.h>

const char *step_state_name(enum step_state s)
{
    static const char *const names[] = {"waiting", "running", "pass", "warn", "fail", "n/a"};
    return (unsigned)s < 6 ? names[s] : "?";
}

const char *txt_status_name(enum txt_status s)
{
    static const char *const names[] = {"pending", "ok", "missing", "invalid", "multiple", "error"};
    return (unsigned)s < 6 ? names[s] : "?";
}

const char *policy_status_name(enum policy_status s)
{
    static const char *const names[] = {"pending", "ok", "not_fetched", "fetch_error", "invalid"};
    return (unsigned)s < 5 ? names[s] : "?";
}

const char *verdict_name(enum verdict v)
{
    static const char *const names[] = {"pending", "pass", "warn", "fail", "none", "incomplete"};
    return (unsigned)v < 6 ? names[v] : "?";
}

const char *sts_outcome_name(enum sts_outcome o)
{
    static const char *const names[] = {"pending", "no_policy", "deliver", "deliver_report",
                                        "refuse", "unreachable"};
    return (unsigned)o < 6 ? names[o] : "?";
}

enum step_state sts_outcome_state(enum sts_outcome o)
{
    switch (o) {
    case STS_OUT_DELIVER: return ST_PASS;
    case STS_OUT_DELIVER_REPORT: return ST_WARN;
    case STS_OUT_REFUSE:
    case STS_OUT_UNREACHABLE: return ST_FAIL;
    case STS_OUT_NO_POLICY: return ST_NA;
    case STS_OUT_PENDING: break;
    }
    return ST_WAITING;
}

static void step_init(struct step *s)
{
    s->state = ST_WAITING;
    s->start_ms = s->end_ms = -1;
    s->note = NULL;
}

void step_begin(struct step *s, int64_t now_ms)
{
    s->state = ST_RUNNING;
    s->start_ms = now_ms;
}

void step_end(struct step *s, enum step_state st, int64_t now_ms)
{
    s->state = st;
    if (s->start_ms < 0)
        s->start_ms = now_ms;
    s->end_ms = now_ms;
}

struct report *report_new(const char *domain, const char *input)
{
    struct report *r = xcalloc(1, sizeof *r);
    r->domain = xstrdup(domain);
    r->input = escape_str(input ? input : domain);
    r->started = time(NULL);
    step_init(&r->sts.step);
    step_init(&r->tlsrpt.step);
    step_init(&r->policy.step);
    step_init(&r->mx.step);
    r->policy.parsed.max_age = -1;
    r->warn_days = MX_EXPIRING_DAYS;
    r->crit_days = MX_CRITICAL_DAYS;
    return r;
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void mx_addr_free(struct mx_addr *a)
{
    free(a->address);
    free(a->connect_addr);
    free(a->step.note);
    if (a->smtp)
        smtp_result_free(a->smtp);
    dane_addr_free(&a->dane);
    free(a);
}

static void mx_host_free(struct mx_host *h)
{
    free(h->host);
    free(h->step.note);
    free(h->resolve.note);
    dns_answer_free(h->a);
    dns_answer_free(h->aaaa);
    free(h->match_note);
    for (size_t i = 0; i < h->naddrs; i++)
        mx_addr_free(h->addrs[i]);
    free(h->addrs);
    dane_host_free(&h->dane);
    free(h);
}

void report_free(struct report *r)
{
    if (!r)
        return;
    free(r->domain);
    free(r->input);
    free(r->resolver);
    free(r->sts.step.note);
    dns_answer_free(r->sts.answer);
    free_strv(r->sts.records, r->sts.nrecords);
    sts_record_free(&r->sts.parsed);
    free(r->sts.cname_chain);
    free(r->tlsrpt.step.note);
    dns_answer_free(r->tlsrpt.answer);
    free_strv(r->tlsrpt.records, r->tlsrpt.nrecords);
    tlsrpt_record_free(&r->tlsrpt.parsed);
    for (size_t i = 0; i < r->tlsrpt.nrua_dns; i++)
        dns_answer_free(r->tlsrpt.rua_dns[i]);
    free(r->tlsrpt.rua_dns);
    free(r->policy.step.note);
    free(r->policy.url);
    free(r->policy.host);
    dns_answer_free(r->policy.host_a);
    dns_answer_free(r->policy.host_aaaa);
    if (r->policy.http)
        https_result_free(r->policy.http);
    free(r->policy.body_text);
    sts_policy_free(&r->policy.parsed);
    free(r->mx.step.note);
    dns_answer_free(r->mx.answer);
    dns_answer_free(r->mx.implicit_a);
    dns_answer_free(r->mx.implicit_aaaa);
    for (size_t i = 0; i < r->mx.nhosts; i++)
        mx_host_free(r->mx.hosts[i]);
    free(r->mx.hosts);
    for (size_t i = 0; i < r->nplanned; i++)
        mx_host_free(r->planned[i]);
    free(r->planned);
    problem_list_clear(&r->problems);
    free(r->history.note);
    free(r->history.error);
    free(r);
}

enum verdict report_verdict(const struct report *r)
{
    if (!r->done)
        return VERDICT_PENDING;
    int worst = problem_list_worst(&r->problems);
    if (r->interrupted && worst != SEV_ERROR)
        return VERDICT_INCOMPLETE; /* what did not finish may still have failed */
    if (r->sts.status == TXT_MISSING)
        return VERDICT_NONE;
    switch (worst) {
    case SEV_ERROR:
        return VERDICT_FAIL;
    case SEV_WARNING:
        return VERDICT_WARN;
    default:
        return VERDICT_PASS;
    }
}

int report_exit_code(enum verdict v)
{
    switch (v) {
    case VERDICT_PASS:
        return 0;
    case VERDICT_WARN:
        return 1;
    case VERDICT_NONE:
        return 3;
    case VERDICT_INCOMPLETE:
        return 130;
    default:
        return 2;
    }
}

static int exit_rank(int code)
{
    switch (code) {
    case 0: return 0;
    case 1: return 1;
    case 3: return 2;
    case 130: return 3;
    default: return 4; /* 2 and anything unexpected */
    }
}

int report_exit_combine(int acc, int code)
{
    if (acc < 0)
        return code;
    return exit_rank(code) > exit_rank(acc) ? code : acc;
}

enum sts_mode report_policy_mode(const struct report *r)
{
    return r->policy.status == POL_OK && r->policy.parsed.valid ? r->policy.parsed.mode
                                                                : STS_MODE_UNKNOWN;
}

const struct problem *report_worst_problem(const struct report *r)
{
    const struct problem *worst = NULL;
    for (size_t i = 0; i < r->problems.n; i++)
        if (!worst || r->problems.items[i].severity > worst->severity)
            worst = &r->problems.items[i];
    return worst;
}

enum step_state report_cert_state(const struct tls_info *tls, const struct cert_info *c,
                                  time_t now, const char *role, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    for (size_t i = 0; tls && i < tls->nerrors; i++) {
        if (tls->errors[i].depth == c->depth) {
            *why = tls->errors[i].text ? tls->errors[i].text : "verification error";
            return ST_FAIL;
        }
    }
    if (c->not_after && now > c->not_after) {
        *why = "expired";
        return ST_FAIL;
    }
    if (c->not_before && now < c->not_before) {
        *why = "not yet valid";
        return ST_FAIL;
    }
    if (c->depth == 0 && tls && tls->handshake_ok && !tls->hostname_match) {
        *why = role && strcmp(role, "policy host") == 0
                   ? "no SAN matches the policy host name"
                   : "no SAN matches the MX host name";
        return ST_FAIL;
    }
    if (c->not_after && cert_days_left(c, now) < MX_EXPIRING_DAYS) {
        *why = "expires soon";
        return ST_WARN;
    }
    *why = "valid, no problem found";
    return ST_PASS;
}
