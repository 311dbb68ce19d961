/* report_nagios - the one-line output of a monitoring plugin (Monitoring Plugins guidelines):
 *     MTA-STS OK|WARNING|CRITICAL|UNKNOWN - DOMAIN: summary | time=0.532s;;;0
 *         cert_days=85;21:;7: mx_ok=2;;;0;2
 * The state and every fact come from the engine (monitor.h); this only words them. The
 * summary never holds '|' (it would start the perfdata) nor a line break. cert_days uses the
 * guidelines' range syntax: "21:" alerts below 21; "U" when no certificate was seen. */
#ifndef MXRAY_REPORT_NAGIOS_H
#define MXRAY_REPORT_NAGIOS_H
#include <stdbool.h>
#include <stdio.h>
#include "monitor.h"

/* report_nagios_write - the line for a finished report; returns the state (the exit code). */
enum mon_state report_nagios_write(FILE *f, const struct report *r, bool require_sts);
/* report_nagios_unknown - "MTA-STS UNKNOWN - why" for a check that could not start (usage,
 * resolver setup); domain may be NULL. Returns MON_UNKNOWN. */
enum mon_state report_nagios_unknown(FILE *f, const char *domain, const char *why);

#endif
