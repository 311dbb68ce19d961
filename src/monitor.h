/* monitor - the monitoring-plugin judgment of a finished report (engine only; the line itself
 * is written by ui/report/report_nagios.c).
 *
 * Monitoring Plugins guidelines: OK 0, WARNING 1, CRITICAL 2, UNKNOWN 3. UNKNOWN only when
 * the check itself could not run: interrupted, or the resolver never answered (the _mta-sts
 * and MX lookups both timed out or were refused: no verdict about the domain is possible).
 * Otherwise the verdict decides (fail CRITICAL, warn WARNING, pass OK; a domain without
 * MTA-STS is OK, or CRITICAL when it is required), and the certificate with the fewest days
 * left (MX addresses and the policy host) raises it: below crit_days CRITICAL, below
 * warn_days WARNING. */
#ifndef MXRAY_MONITOR_H
#define MXRAY_MONITOR_H
#include <stdbool.h>
#include <stddef.h>
#include "report.h"

enum mon_state { MON_OK = 0, MON_WARNING = 1, MON_CRITICAL = 2, MON_UNKNOWN = 3 };
const char *mon_state_name(enum mon_state s); /* "OK", "WARNING", "CRITICAL", "UNKNOWN" */

enum mon_reason {
    MON_R_VERDICT,     /* the verdict decided (problem = its worst problem, or NULL) */
    MON_R_NO_STS,      /* no MTA-STS published (OK, or CRITICAL when required) */
    MON_R_CERT_DAYS,   /* a certificate's remaining days raised the state */
    MON_R_NOT_RUN      /* UNKNOWN: the check could not run (why says so) */
};

struct mon_result {
    enum mon_state state;
    enum mon_reason reason;
    const struct problem *problem; /* the problem that decided, or NULL (borrowed) */
    const char *why;               /* MON_R_NOT_RUN: a static sentence */
    bool cert_known;               /* some certificate was seen */
    long cert_days;                /* fewest whole days left over MX and policy host leaves */
    const char *cert_subject;      /* whose certificate that is (borrowed), or NULL */
    size_t mx_ok, mx_total;        /* addresses that passed (no error) / addresses probed */
    size_t errors, warnings, changes; /* problem counts (changes: since the previous check) */
};

void monitor_judge(const struct report *r, bool require_sts, struct mon_result *out);
/* monitor_combine - worst of several checks: CRITICAL > WARNING > UNKNOWN > OK (the
 * guidelines' order for aggregating; acc < 0 means none yet). */
int monitor_combine(int acc, enum mon_state s);

#endif
