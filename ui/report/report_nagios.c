/* report_nagios - the monitoring line (contract in report_nagios.h). */
#include "report_nagios.h"
#include "escape.h"
#include "present.h"
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

enum mon_state report_nagios_write(FILE *f, const struct report *r, bool require_sts)
{
    struct mon_result m;
    monitor_judge(r, require_sts, &m);
    char *sum = present_monitor_summary(r, &m);
    fprintf(f, "MTA-STS %s - %s: ", mon_state_name(m.state), r->domain);
    put_summary(f, sum);
    free(sum);
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
