/* diag_smtp_judge - problems and the sender's-eye verdict for one MX address and one MX host,
 * and --connect-to lookup. RFC 8461 4 (what a sender validates) and 5 (what each mode does). */
#include "diag_internal.h"
#include "mx_limits.h"
#include "xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* addr_problem - one problem of the address ac, filed under step (the structured subject is
 * the same step, the MX host and the address). */
#define addr_problem(d, ac, id, sev, step, ...)                                               \
    diag_problem_at(d, id, sev, step, step, (ac)->hc->host->host, (ac)->addr->address,        \
                    __VA_ARGS__)

/* smtp_problems - problems of the SMTP dialog; returns false when TLS was never reached. */
static bool smtp_problems(struct diag *d, struct addr_ctx *ac, enum sts_mode mode)
{
    const struct smtp_result *s = ac->addr->smtp;
    const char *err = s->error ? s->error : "";
    switch (s->fail) {
    case SMTP_FAIL_CONNECT:
        addr_problem(d, ac, PROB_SMTP_CONNECT, PROBLEM_SEV_DEFAULT, STEP_SMTP, "%s", err);
        return false;
    case SMTP_FAIL_BANNER:
        addr_problem(d, ac, PROB_SMTP_BANNER, PROBLEM_SEV_DEFAULT, STEP_SMTP, "%s", err);
        return false;
    case SMTP_FAIL_EHLO:
        addr_problem(d, ac, PROB_SMTP_EHLO, PROBLEM_SEV_DEFAULT, STEP_SMTP, "%s", err);
        return false;
    case SMTP_FAIL_NO_STARTTLS:
    case SMTP_FAIL_STARTTLS:
        /* RFC 8461 5: only an enforcing sender refuses a host without STARTTLS */
        addr_problem(d, ac, PROB_SMTP_STARTTLS_MISSING,
                     mode == STS_MODE_ENFORCE ? PROBLEM_SEV_DEFAULT : SEV_WARNING, STEP_SMTP,
                     "%s", *err ? err : "STARTTLS not offered in the EHLO reply");
        return false;
    case SMTP_FAIL_HANDSHAKE:
        addr_problem(d, ac, PROB_TLS_HANDSHAKE, PROBLEM_SEV_DEFAULT, STEP_TLS, "%s", err);
        return false;
    default:
        return s->tls.present && s->tls.handshake_ok;
    }
}

/* tls_problems - certificate and protocol problems of a completed handshake. */
static void tls_problems(struct diag *d, struct addr_ctx *ac)
{
    const struct tls_info *t = &ac->addr->smtp->tls;
    const char *host = ac->hc->host->host;
    const int def = PROBLEM_SEV_DEFAULT;
    if (t->version_num && t->version_num < 0x0303)
        addr_problem(d, ac, PROB_TLS_VERSION, def, STEP_TLS,
                     "negotiated %s; MTA-STS requires TLS 1.2 or later",
                     t->version ? t->version : "an old TLS version");
    const struct cert_info *leaf = t->nchain ? &t->chain[0] : NULL;
    if (t->expired)
        addr_problem(d, ac, PROB_TLS_CERT_EXPIRED, def, STEP_TLS, "certificate valid %s to %s",
                     leaf && leaf->not_before_str ? leaf->not_before_str : "?",
                     leaf && leaf->not_after_str ? leaf->not_after_str : "?");
    if (t->untrusted)
        addr_problem(d, ac, PROB_TLS_CERT_UNTRUSTED, def, STEP_TLS, "%s",
                     t->verify_error ? t->verify_error : "no path to a trusted root");
    if (!t->hostname_match)
        addr_problem(d, ac, PROB_TLS_CERT_HOSTNAME, def, STEP_TLS, "%s",
                     t->hostname_note ? t->hostname_note : host);
    if (!t->expired && leaf) {
        long days = cert_days_left(leaf, time(NULL));
        if (days < d->r->warn_days)
            addr_problem(d, ac, PROB_TLS_CERT_EXPIRING, def, STEP_TLS,
                         "certificate expires %s (in %ld day%s)",
                         leaf->not_after_str ? leaf->not_after_str : "soon", days,
                         days == 1 ? "" : "s");
    }
}

/* first_report_as - the RFC 8460 result type of the first problem at least as severe as min
 * since index first. */
static const char *first_report_as(const struct diag *d, size_t first, enum severity min)
{
    for (size_t i = first; i < d->r->problems.n; i++) {
        const struct problem *p = &d->r->problems.items[i];
        const char *ra = problem_def(p->id)->report_as;
        if (p->severity >= min && ra)
            return ra;
    }
    return NULL;
}

/* step_worst - the state from the problems since first filed under one step (where.step). */
static enum step_state step_worst(const struct diag *d, size_t first, enum step_kind step,
                                  enum step_state ok)
{
    int worst = -1;
    for (size_t i = first; i < d->r->problems.n; i++) {
        const struct problem *p = &d->r->problems.items[i];
        if (p->where.step == step && (int)p->severity > worst)
            worst = (int)p->severity;
    }
    return worst == SEV_ERROR ? ST_FAIL : worst == SEV_WARNING ? ST_WARN : ok;
}

/* sub_states - the address's SMTP and TLS sub-steps once the probe ended. A failure before
 * STARTTLS is the SMTP step's (TLS never happened: n/a); a missing STARTTLS carries the
 * severity its problem got from the policy mode. */
static void sub_states(const struct diag *d, struct mx_addr *a, size_t first)
{
    const struct smtp_result *s = a->smtp;
    bool before_tls = s->fail != SMTP_FAIL_NONE && s->fail != SMTP_FAIL_HANDSHAKE;
    a->smtp_state = step_worst(d, first, STEP_SMTP, ST_PASS);
    if (before_tls && a->smtp_state == ST_PASS)
        a->smtp_state = ST_FAIL;
    if (before_tls || !s->tls.present)
        a->tls_state = ST_NA;
    else if (s->fail == SMTP_FAIL_HANDSHAKE || !s->tls.handshake_ok)
        a->tls_state = ST_FAIL;
    else
        a->tls_state = diag_worse(step_worst(d, first, STEP_TLS, ST_PASS),
                                  step_worst(d, first, STEP_DANE, ST_PASS));
}

/* sts_outcome - what an MTA-STS sender does with the address (RFC 8461 5): enforce refuses
 * hosts that fail validation or match no mx pattern; testing delivers anyway and reports. */
static enum sts_outcome sts_outcome_of(const struct mx_host *h, const struct mx_addr *a,
                                       enum sts_mode mode, bool valid, bool reachable)
{
    if (!h->policy_checked || (mode != STS_MODE_ENFORCE && mode != STS_MODE_TESTING))
        return STS_OUT_NO_POLICY;
    if (!reachable)
        return STS_OUT_UNREACHABLE;
    bool ok = valid && h->policy_match && a->report_as == NULL;
    if (ok)
        return STS_OUT_DELIVER;
    return mode == STS_MODE_ENFORCE ? STS_OUT_REFUSE : STS_OUT_DELIVER_REPORT;
}

/* dane_state_of - the mark of the DANE sender's outcome (after judge_dane_address). */
static enum step_state dane_state_of(const struct dane_addr *da)
{
    switch (da->action) {
    case DANE_ACT_DELIVER: return da->match == 1 ? ST_PASS : ST_WARN;
    case DANE_ACT_DEFER: return ST_FAIL;
    default: return ST_NA;
    }
}

void judge_address(struct diag *d, struct addr_ctx *ac)
{
    struct mx_addr *a = ac->addr;
    struct mx_host *h = ac->hc->host;
    const struct smtp_result *s = a->smtp;
    if (ac->judged || !s || !dane_ready(ac->hc))
        return; /* dane_ready: the host's TLSA answer is judged first (diag_dane.c) */
    ac->judged = true;
    enum sts_mode mode = report_policy_mode(d->r);
    size_t first = d->r->problems.n;
    bool tls_ok = smtp_problems(d, ac, mode);
    if (tls_ok)
        tls_problems(d, ac);
    bool valid = tls_ok && s->tls.verified && s->tls.hostname_match && !s->tls.expired &&
                 !s->tls.untrusted && (s->tls.version_num == 0 || s->tls.version_num >= 0x0303);
    bool reachable = s->fail != SMTP_FAIL_CONNECT && s->fail != SMTP_FAIL_BANNER;
    a->tls_valid = valid;
    if (mode == STS_MODE_ENFORCE)
        a->sts_deliverable = valid && (h->policy_match || h->planned); /* planned: once listed */
    else
        a->sts_deliverable = reachable;
    /* under a policy a testing-mode failure (a warning) is reported too */
    a->report_as = first_report_as(d, first, h->policy_checked ? SEV_WARNING : SEV_ERROR);
    if (!a->report_as && h->policy_checked && (!h->policy_match || (!valid && reachable)))
        a->report_as = "validation-failure";
    a->sts_mode = mode;
    a->sts_outcome = sts_outcome_of(h, a, mode, valid, reachable);
    a->sts_state = sts_outcome_state(a->sts_outcome);
    judge_dane_address(d, ac); /* after the MTA-STS verdict, before the step state */
    a->dane_state = dane_state_of(&a->dane);
    sub_states(d, a, first);
    /* the address's mark: its own problems, its sub-steps and both senders' outcomes */
    enum step_state st = diag_state_from(d, first, ST_PASS);
    st = diag_worse(st, a->smtp_state);
    st = diag_worse(st, a->tls_state);
    st = diag_worse(st, a->sts_state);
    st = diag_worse(st, a->dane_state);
    diag_end_step(d, &a->step, st,
                  tls_ok ? xasprintf("%s %s", s->tls.version ? s->tls.version : "TLS",
                                     s->tls.cipher ? s->tls.cipher : "")
                         : xstrdup(s->error ? s->error : "no TLS"));
}

/* host_outcome - the best outcome over the addresses; a host outside an enforced policy is
 * refused whatever its addresses do. */
static enum sts_outcome host_outcome(const struct report *r, const struct mx_host *h)
{
    if (!h->policy_checked)
        return STS_OUT_NO_POLICY;
    if (!h->policy_match && report_policy_mode(r) == STS_MODE_ENFORCE)
        return STS_OUT_REFUSE;
    static const int rank[] = {[STS_OUT_PENDING] = 0,        [STS_OUT_NO_POLICY] = 1,
                               [STS_OUT_UNREACHABLE] = 2,    [STS_OUT_REFUSE] = 3,
                               [STS_OUT_DELIVER_REPORT] = 4, [STS_OUT_DELIVER] = 5};
    enum sts_outcome best = h->naddrs ? STS_OUT_PENDING : STS_OUT_UNREACHABLE;
    for (size_t i = 0; i < h->naddrs; i++)
        if (rank[h->addrs[i]->sts_outcome] > rank[best])
            best = h->addrs[i]->sts_outcome;
    return best;
}

void judge_host_done(struct diag *d, struct host_ctx *hc)
{
    struct mx_host *h = hc->host;
    if (h->step.state != ST_RUNNING || !dane_ready(hc))
        return;
    size_t first = d->r->problems.n;
    if (!h->naddrs) {
        const struct dns_answer *as[2] = {h->a, h->aaaa};
        const char *why = "no A or AAAA record";
        for (int i = 0; i < 2; i++)
            if (as[i] && as[i]->status != DNS_OK && as[i]->status != DNS_NODATA)
                why = as[i]->error ? as[i]->error : dns_status_name(as[i]->status);
        if (d->r->mx.implicit && !h->planned)
            diag_problem_at(d, PROB_MX_NONE, PROBLEM_SEV_DEFAULT, STEP_MX_HOST, STEP_MX_HOST,
                            h->host, NULL, "no MX record and no address for the domain (%s)",
                            why);
        else
            diag_problem_at(d, PROB_MX_RESOLVE, PROBLEM_SEV_DEFAULT, STEP_MX_HOST, STEP_MX_HOST,
                            h->host, NULL, "%s: %s", hc->lookup_name, why);
    }
    bool any = false;
    enum step_state st = h->naddrs ? ST_PASS : ST_FAIL;
    for (size_t i = 0; i < h->naddrs; i++) {
        any |= h->addrs[i]->sts_deliverable;
        st = diag_worse(st, h->addrs[i]->step.state);
    }
    st = diag_worse(st, h->match_state);
    if (d->r->problems.n > first)
        st = ST_FAIL;
    st = dane_host_state(hc, st);
    h->sts_deliverable = any;
    h->sts_outcome = host_outcome(d->r, h);
    diag_end_step(d, &h->step, st,
                  h->naddrs ? xasprintf("%zu address%s", h->naddrs, h->naddrs == 1 ? "" : "es")
                            : xstrdup("no address"));
}

/* split_field - copy the text up to the next ':' (or the end) of *s into out; IPv6 addresses
 * may be bracketed. Advances *s past the ':'. */
static void split_field(const char **s, char *out, size_t outlen)
{
    const char *p = *s;
    size_t n;
    if (*p == '[') {
        const char *end = strchr(p, ']');
        n = end ? (size_t)(end - p - 1) : strlen(p + 1);
        p++;
        snprintf(out, outlen, "%.*s", (int)n, p);
        p += n + (end ? 1 : 0);
    } else {
        n = strcspn(p, ":");
        snprintf(out, outlen, "%.*s", (int)n, p);
        p += n;
    }
    *s = *p == ':' ? p + 1 : p;
}

const char *diag_connect_to_for(const struct diag *d, const char *host, int port,
                                char *addr_out, size_t addr_len, int *port_out)
{
    for (size_t i = 0; i < d->o.nconnect_to; i++) {
        const char *s = d->o.connect_to[i];
        char h[300], p1[16], a[300], p2[16];
        split_field(&s, h, sizeof h);
        split_field(&s, p1, sizeof p1);
        split_field(&s, a, sizeof a);
        split_field(&s, p2, sizeof p2);
        if (*h && strcasecmp(h, host) != 0)
            continue;
        if (*p1 && atoi(p1) != port)
            continue;
        snprintf(addr_out, addr_len, "%s", *a ? a : host);
        *port_out = *p2 ? atoi(p2) : port;
        return d->o.connect_to[i];
    }
    return NULL;
}
