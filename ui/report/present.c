/* present - the wording every face shares (contract in present.h). */
#include "present.h"
#include "history.h"
#include "monitor.h"
#include "xalloc.h"
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- numbers, plurals, dates ---- */

const char *present_plural(long n, const char *one, const char *many)
{
    return n == 1 || n == -1 ? one : many;
}

char *present_count(char *buf, size_t n, long count, const char *one, const char *many)
{
    snprintf(buf, n, "%ld %s", count, present_plural(count, one, many));
    return buf;
}

char *present_days_rel(char *buf, size_t n, long days)
{
    if (days == 0)
        snprintf(buf, n, "today");
    else if (days > 0)
        snprintf(buf, n, "in %ld %s", days, present_plural(days, "day", "days"));
    else
        snprintf(buf, n, "%ld %s ago", -days, present_plural(days, "day", "days"));
    return buf;
}

char *present_ms(int64_t ms, char *buf, size_t n)
{
    if (ms < 0)
        snprintf(buf, n, "unknown");
    else if (ms < 1000)
        snprintf(buf, n, "%lldms", (long long)ms);
    else if (ms < 10000)
        snprintf(buf, n, "%lld.%llds", (long long)(ms / 1000), (long long)(ms % 1000 / 100));
    else
        snprintf(buf, n, "%llds", (long long)(ms / 1000));
    return buf;
}

char *present_date(time_t t, char *buf, size_t n)
{
    struct tm tm;
    if (!t || !gmtime_r(&t, &tm) || !strftime(buf, n, "%Y-%m-%d %H:%M:%SZ", &tm))
        snprintf(buf, n, "unknown");
    return buf;
}

/* ---- problems ---- */

/* host_of - the MX host a HOST placeholder stands for. */
static const char *host_of(const struct report *r, const struct problem *p)
{
    if (p && p->where.host)
        return p->where.host;
    if (r && r->mx.nhosts == 1)
        return r->mx.hosts[0]->host;
    return "the MX host";
}

char *present_fill(const char *text, const struct report *r, const struct problem *p)
{
    return problem_text_fill(text, r && r->domain ? r->domain : "the domain", host_of(r, p));
}

char *present_problem_what(const struct report *r, const struct problem *p)
{
    const struct problem_def *d = problem_def(p->id);
    return present_fill(d ? d->what : "", r, p);
}

/* tlsrpt_fix_null_mx - a domain with a null MX takes no mail, so its TLS reports must go to a
 * mailbox elsewhere (the table's generic fix would propose the very address that
 * tlsrpt.rua_unreachable flags). */
static bool tlsrpt_fix_null_mx(const struct report *r, const struct problem *p)
{
    return r && r->mx.null_mx &&
           (p->id == PROB_TLSRPT_MISSING || p->id == PROB_TLSRPT_SYNTAX ||
            p->id == PROB_TLSRPT_RUA_UNREACHABLE);
}

char *present_problem_fix(const struct report *r, const struct problem *p)
{
    const struct problem_def *d = problem_def(p->id);
    if (tlsrpt_fix_null_mx(r, p))
        return present_fill(
            "DOMAIN publishes a null MX and receives no mail, so TLS reports cannot be sent to "
            "an address in it: point rua= at a mailbox in a domain that accepts mail "
            "(v=TLSRPTv1; rua=mailto:...), or publish no TLS-RPT record, since mail is never "
            "delivered to DOMAIN.",
            r, p);
    return present_fill(d ? d->fix : "", r, p);
}

char *present_problem_ref(const struct problem *p, char *buf, size_t n)
{
    const struct problem_def *d = problem_def(p->id);
    if (!d)
        snprintf(buf, n, "-");
    else if (d->report_as)
        snprintf(buf, n, "%s; senders report %s", d->rfc, d->report_as);
    else
        snprintf(buf, n, "%s", d->rfc);
    return buf;
}

char *present_problem_where(const struct problem *p, char *buf, size_t n)
{
    if (p->where.host && p->where.address)
        snprintf(buf, n, "%s [%s]%s", p->where.host, p->where.address,
                 p->where.step == STEP_DANE ? " (DANE)" : "");
    else if (p->where.host)
        snprintf(buf, n, "%s%s", p->where.host, p->where.step == STEP_DANE ? " (DANE)" : "");
    else
        snprintf(buf, n, "%s", p->subject ? p->subject : "");
    return buf;
}

/* ---- the sender's eye ---- */

static void set(struct present_sentence *out, enum step_state mark, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set(struct present_sentence *out, enum step_state mark, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    out->mark = mark;
    vsnprintf(out->text, sizeof out->text, fmt, ap);
    va_end(ap);
}

void present_sts_sender(const struct mx_addr *a, struct present_sentence *out)
{
    const char *why = a->report_as ? a->report_as : "validation-failure";
    bool testing = a->sts_mode == STS_MODE_TESTING;
    switch (a->sts_outcome) {
    case STS_OUT_PENDING:
        if (a->step.state == ST_NA) /* interrupted: it never will be known */
            set(out, ST_NA, "an MTA-STS sender: not judged (the probe did not finish)");
        else
            set(out, a->sts_state, "an MTA-STS sender: not known until the probe ends");
        break;
    case STS_OUT_NO_POLICY:
        set(out, a->sts_state, "no MTA-STS policy applies; senders use opportunistic TLS here");
        break;
    case STS_OUT_DELIVER:
        if (testing)
            set(out, a->sts_state,
                "an MTA-STS sender would deliver here (testing mode; "
                "enforce would too)");
        else
            set(out, a->sts_state, "an MTA-STS sender would deliver here (mode enforce)");
        break;
    case STS_OUT_DELIVER_REPORT:
        set(out, a->sts_state,
            "a sender delivers here in testing mode but reports %s; under "
            "enforce it would NOT deliver",
            why);
        break;
    case STS_OUT_REFUSE:
        set(out, a->sts_state,
            "an enforcing MTA-STS sender would NOT deliver here (reports "
            "%s)",
            why);
        break;
    case STS_OUT_UNREACHABLE:
        set(out, a->sts_state,
            "the address does not answer SMTP: no sender delivers here (it "
            "tries another MX or queues the mail)");
        break;
    }
}

void present_dane_sender(const struct mx_addr *a, bool done, struct present_sentence *out)
{
    const struct dane_addr *da = &a->dane;
    if (!da->judged) {
        set(out, done ? ST_NA : a->dane_state,
            done ? "a DANE sender: not judged (the check ended first)"
                 : "a DANE sender: not known until the TLSA lookup and the probe end");
        return;
    }
    switch (da->action) {
    case DANE_ACT_DELIVER:
        set(out, a->dane_state, "a DANE sender would deliver here%s",
            a->dane_state == ST_PASS ? " (DANE authenticated the server)"
                                     : " (TLS required, not authenticated)");
        break;
    case DANE_ACT_DEFER:
        set(out, a->dane_state, "a DANE sender would NOT deliver here: it defers");
        break;
    default:
        set(out, a->dane_state, "a DANE sender finds no DANE here and falls back to MTA-STS");
        break;
    }
}

void present_host_sender(const struct mx_host *h, struct present_sentence *out)
{
    enum step_state mark = sts_outcome_state(h->sts_outcome);
    switch (h->sts_outcome) {
    case STS_OUT_PENDING:
        set(out, mark, "an MTA-STS sender: not known until every address was probed");
        break;
    case STS_OUT_NO_POLICY:
        set(out, mark, "no MTA-STS policy applies to this host; senders use opportunistic TLS");
        break;
    case STS_OUT_DELIVER:
        set(out, mark, "an MTA-STS sender would deliver to this host");
        break;
    case STS_OUT_DELIVER_REPORT:
        set(out, mark,
            "a sender delivers to this host in testing mode but reports failures; "
            "under enforce it would NOT deliver");
        break;
    case STS_OUT_REFUSE:
        set(out, mark, "an enforcing MTA-STS sender would NOT deliver to this host");
        break;
    case STS_OUT_UNREACHABLE:
        set(out, mark, "no address of this host answers SMTP: no sender delivers here");
        break;
    }
}

const char *present_verdict_line(enum verdict v)
{
    switch (v) {
    case VERDICT_PASS:
        return "PASS - MTA-STS is deployed and every check passed (exit 0)";
    case VERDICT_WARN:
        return "WARN - MTA-STS works, with warnings worth fixing (exit 1)";
    case VERDICT_FAIL:
        return "FAIL - errors break or weaken MTA-STS for this domain (exit 2)";
    case VERDICT_NONE:
        return "NONE - the domain does not publish MTA-STS (exit 3)";
    case VERDICT_INCOMPLETE:
        return "INCOMPLETE - interrupted before every step ended; no error so far (exit 130)";
    default:
        return "PENDING - the diagnosis is still running";
    }
}

/* ---- migration plans ---- */

const char *present_plan_action(enum plan_action a)
{
    switch (a) {
    case PLAN_PUBLISH_POLICY: return "Publish the policy file";
    case PLAN_PUBLISH_STS_RECORD: return "Publish the _mta-sts TXT record";
    case PLAN_CHANGE_MX: return "Change the MX records";
    case PLAN_WAIT: return "Wait and watch the TLS reports";
    case PLAN_DELETE_STS_RECORD: return "Delete the _mta-sts TXT record";
    case PLAN_DELETE_POLICY: return "Delete the policy file";
    }
    return "?";
}

char *present_when(time_t t, time_t now, char *buf, size_t n)
{
    char stamp[32];
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    long long d = (long long)(t - now);
    if (d <= 0)
        snprintf(buf, n, "%s (now)", stamp);
    else if (d < 3600)
        snprintf(buf, n, "%s (in %lld min)", stamp, (d + 59) / 60);
    else if (d < 2 * 86400)
        snprintf(buf, n, "%s (in %lld h %lld min)", stamp, d / 3600, (d % 3600 + 59) / 60);
    else
        snprintf(buf, n, "%s (in %lld days %lld h)", stamp, d / 86400, (d % 86400) / 3600);
    return buf;
}

/* ---- since the previous check, and monitoring ---- */

size_t present_history(const struct report *r, struct present_sentence out[3])
{
    const struct history_section *h = &r->history;
    size_t n = 0, changes = 0;
    bool error = false;
    if (!h->kept)
        return 0;
    for (size_t i = 0; i < r->problems.n; i++)
        if (history_is_change(r->problems.items[i].id)) {
            changes++;
            error |= r->problems.items[i].severity == SEV_ERROR;
        }
    char when[40];
    present_date(h->previous, when, sizeof when);
    if (h->compared && changes) {
        out[n].mark = error ? ST_FAIL : ST_NA;
        snprintf(out[n++].text, sizeof out->text,
                 "Since the previous check (%s): %zu %s (see problems)", when, changes,
                 present_plural((long)changes, "change", "changes"));
    } else if (h->compared) {
        out[n].mark = ST_PASS;
        snprintf(out[n++].text, sizeof out->text, "Since the previous check (%s): nothing "
                 "changed", when);
    } else if (!h->note && !h->error) {
        out[n].mark = ST_NA;
        snprintf(out[n++].text, sizeof out->text, "First check of this domain recorded; the "
                 "next one reports what changed");
    }
    if (h->note) {
        out[n].mark = ST_WARN;
        snprintf(out[n++].text, sizeof out->text, "History: %s", h->note);
    }
    if (h->error) {
        out[n].mark = ST_WARN;
        snprintf(out[n++].text, sizeof out->text, "History: state not kept: %s", h->error);
    }
    return n;
}

char *present_monitor_summary(const struct report *r, const struct mon_result *m)
{
    char *out;
    if (m->reason == MON_R_NOT_RUN)
        return xasprintf("check could not run: %s", m->why);
    if (m->reason == MON_R_NO_STS)
        return xstrdup(m->state == MON_OK ? "no MTA-STS published (not required)"
                                          : "no MTA-STS published, but it is required");
    if (m->reason == MON_R_CERT_DAYS) {
        long d = m->cert_days < 0 ? -m->cert_days : m->cert_days;
        return xasprintf("certificate of %s %s %ld %s%s (warning below %d, critical below "
                         "%d days)",
                         m->cert_subject ? m->cert_subject : "a host",
                         m->cert_days < 0 ? "expired" : "expires in", d,
                         present_plural(d, "day", "days"), m->cert_days < 0 ? " ago" : "",
                         r->warn_days, r->crit_days);
    }
    if (m->state != MON_OK && m->problem) {
        const struct problem_def *d = problem_def(m->problem->id);
        size_t more = m->errors + m->warnings - 1;
        char where[400], tail[64] = "";
        if (more)
            snprintf(tail, sizeof tail, " (+%zu more %s)", more,
                     present_plural((long)more, "problem", "problems"));
        return xasprintf("%s at %s: %s%s", d ? d->code : "?",
                         present_problem_where(m->problem, where, sizeof where),
                         m->problem->message, tail);
    }
    char days[64] = "";
    if (m->cert_known)
        snprintf(days, sizeof days, ", certificates valid %ld+ days", m->cert_days);
    out = xasprintf("%s mode, %zu/%zu MX addresses pass%s",
                    sts_mode_name(report_policy_mode(r)), m->mx_ok, m->mx_total, days);
    if (m->changes && r->history.compared) {
        char when[40], *with;
        with = xasprintf("%s; %zu %s since %s", out, m->changes,
                         present_plural((long)m->changes, "change", "changes"),
                         present_date(r->history.previous, when, sizeof when));
        free(out);
        out = with;
    }
    return out;
}
