/* tlsrpt_json - `mxray report --json`: one "mxray.tlsrpt.v1" object, streamed.
 *
 * Binding contract (issue 16; fields may be added, never renamed): schema, reports[]
 * (source, organization, report_id, contact, start, end, policies[] (type, domain, strings,
 * mx_host, successful, failed, failures[] (result_type, count, sending_ip, receiving_mx,
 * receiving_ip, receiving_helo, reason_code, info, now))), domains[] (domain, from, to,
 * reporters, successful, failed, by_result_type, check), errors[] (source, message),
 * skipped. Added: duplicates, and per domain by_policy_type {type: {successful, failed,
 * by_result_type}}. Absent values are null; dates RFC 3339 UTC. Only reads. */
#ifndef MXRAY_TLSRPT_JSON_H
#define MXRAY_TLSRPT_JSON_H
#include "tlsrpt_report.h"
#include "tlsrpt_summary.h"

struct json;

#define TLSRPT_JSON_SCHEMA "mxray.tlsrpt.v1"

/* tlsrpt_json_begin - '{ "schema": ..., "reports": [' */
void tlsrpt_json_begin(struct json *w);
/* tlsrpt_json_report - one element of reports[]. */
void tlsrpt_json_report(struct json *w, const char *source, const struct tlsrpt_report *r);
/* tlsrpt_json_end - '], "domains": [...], "errors": [...], ... }' */
void tlsrpt_json_end(struct json *w, const struct tlsrpt_summary *s);

#endif
