/* report_nagios - the monitoring line (contract in report_nagios.h). */
#include "report_nagios.h"
#include "escape.h"
#include "history.h"
#include "xalloc.h"
#include <stdlib.h>
#include <string.h>

#define SUMMARY_MAX 400 /* characters of the summary: one readable line in a dashboard */

/* put_summary - s without '|' or line breaks (the escaped report has no raw control bytes,
 * but "\n" escapes and '|' can occur in messages), cut at SUMMARY_MAX. */
static void put_summary(FILE *f, const char *s)
{
    size_t n = 0;
    for (; *s && n < SUMMARY_MAX; s++, n++)
        fputc(*s == '|' ? '/' : (*s == '\n' || *s == '\r') ? ' ' : *s, f);
    if (*s)
        fputs("...", f);
}

static char *verdict_summary(const struct report *r, const struct mon_result *m)
{
    if (m->reason == MON_R_NOT_RUN)
        return xasprintf("check could not run: %s", m->why);
    if (m->reason == MON_R_NO_STS)
        return xstrdup(m->state == MON_OK ? "no MTA-STS published (not required)"
                                          : "no MTA-STS published, but it is required");
    if (m->reason == MON_R_CERT_DAYS) {
        long n = m->cert_days < 0 ? -m->cert_days : m->cert_days;
        return xasprintf("certificate of %s %s %ld day%s%s (warning below %d, critical below "
                         "%d days)",
                         m->cert_subject ? m->cert_subject : "a host",
                         m->cert_days < 0 ? "expired" : "expires in", n, n == 1 ? "" : "s",
                         m->cert_days < 0 ? " ago" : "", r->warn_days, r->crit_days);
    }
    if (m->state != MON_OK && m->problem) {
        const struct problem_def *d = problem_def(m->problem->id);
        size_t more = m->errors + m->warnings - 1;
        char tail[64] = "";
        if (more)
            snprintf(tail, sizeof tail, " (+%zu more problem%s)", more, more == 1 ? "" : "s");
        return xasprintf("%s at %s: %s%s", d ? d->code : "?", m->problem->subject,
                         m->problem->message, tail);
    }
    char days[64] = "";
    if (m->cert_known)
        snprintf(days, sizeof days, ", certificates valid %ld+ days", m->cert_days);
    return xasprintf("%s mode, %zu/%zu MX addresses pass%s",
                     sts_mode_name(report_policy_mode(r)), m->mx_ok, m->mx_total, days);
}

enum mon_state report_nagios_write(FILE *f, const struct report *r, bool require_sts)
{
    struct mon_result m;
    monitor_judge(r, require_sts, &m);
    char *sum = verdict_summary(r, &m);
    fprintf(f, "MTA-STS %s - %s: ", mon_state_name(m.state), r->domain);
    put_summary(f, sum);
    free(sum);
    if (m.changes && r->history.compared) {
        char when[32];
        struct tm tm;
        gmtime_r(&r->history.previous, &tm);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
        fprintf(f, "; %zu change%s since %s", m.changes, m.changes == 1 ? "" : "s", when);
    }
    fprintf(f, " | time=%.3fs;;;0 ", (double)r->duration_ms / 1000.0);
    if (m.cert_known)
        fprintf(f, "cert_days=%ld;%d:;%d: ", m.cert_days, r->warn_days, r->crit_days);
    else
        fprintf(f, "cert_days=U;%d:;%d: ", r->warn_days, r->crit_days);
    fprintf(f, "mx_ok=%zu;;;0;%zu\n", m.mx_ok, m.mx_total);
    return m.state;
}

enum mon_state report_nagios_unknown(FILE *f, const char *domain, const char *why)
{
    char *d = domain ? escape_str(domain) : NULL, *w = escape_str(why ? why : "");
    fprintf(f, "MTA-STS UNKNOWN - %s%s", d ? d : "", d ? ": " : "");
    put_summary(f, w);
    fputc('\n', f);
    free(d);
    free(w);
    return MON_UNKNOWN;
}
