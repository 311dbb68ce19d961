/* report_json - the report of one domain as one JSON object ("mxray.report.v1").
 *
 * Binding contract (names are stable; fields may be added, never renamed):
 * schema, domain, verdict, duration_ms, sts_record, policy, mx[], tlsrpt, problems[].
 * Unknown or not-applicable values are null (tls without a handshake, policy mode when no
 * policy was parsed, policy_match when there was no valid policy). Dates are ISO 8601 UTC.
 * The report is only read. */
#ifndef MXRAY_REPORT_JSON_H
#define MXRAY_REPORT_JSON_H
#include <stdbool.h>
#include <stdio.h>
#include "report.h"

struct json;

#define REPORT_JSON_SCHEMA "mxray.report.v1"

/* report_json_write - the whole object, followed by a newline. */
void report_json_write(FILE *f, const struct report *r, bool pretty);

/* report_json_emit - the same object into an open writer (batch mode puts several in an array). */
void report_json_emit(struct json *w, const struct report *r);

/* report_json_tls - the TLS object (null when nothing was attempted); shared with lint/export. */
void report_json_tls(struct json *w, const struct tls_info *t);

#endif
