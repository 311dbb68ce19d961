/* tlsrpt_match - is a failure a sender reported still there? The judgment of --check.
 *
 * Given the live check of the policy domain (the normal diagnosis, diag.h), a reported
 * failure (policy type, RFC 8460 result type, receiving MX host or NULL) is
 * - reproduced: the check found a problem whose report_as (problem_table.h) is that result
 *   type, on that receiving MX host (subject "host" or "host [address]"), or anywhere in the
 *   domain for policy-level types (sts-policy-*, sts-webpki-invalid, and DANE types reported
 *   without a receiving MX). tlsa failures match only DANE problems (dane.*), sts and
 *   no-policy-found failures only the others; an address's report_as counts too
 *   (validation-failure of an MX the policy does not cover);
 * - not_reproduced: the check completed, probed that MX host (for per-host types) and found
 *   none;
 * - not_checked: no check, an interrupted one, a receiving MX the check did not probe
 *   (no longer in the MX set, unreachable before TLS) or a result type mxray cannot see. */
#ifndef MXRAY_TLSRPT_MATCH_H
#define MXRAY_TLSRPT_MATCH_H
#include "report.h"
#include "tlsrpt_report.h"

enum tlsrpt_now tlsrpt_match(const struct report *check, const char *policy_type,
                             const char *result_type, const char *receiving_mx);

/* tlsrpt_result_type_known - a result type some mxray problem reports (report_as). */
bool tlsrpt_result_type_known(const char *result_type);

#endif
