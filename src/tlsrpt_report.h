/* tlsrpt_report - one RFC 8460 aggregate TLS report (section 4), parsed from its JSON.
 *
 * Contract: tlsrpt_report_parse reads len bytes of untrusted JSON (Jansson does the JSON;
 * this file checks the RFC 8460 shape) and fills *out, or returns -1 with a one-line reason
 * naming the field ("policies[0].summary.total-failure-session-count: expected a number,
 * got a string"). Required: organization-name, date-range (start-datetime, end-datetime),
 * report-id, policies; per policy: policy.policy-type, policy.policy-domain, the summary
 * counts; per failure detail: result-type and failed-session-count. contact-info and
 * everything else may be absent (NULL). Every string kept is escaped (escape.h) and
 * bounded; counts are integers 0..2^53. tlsrpt_report_free releases *out, also after a
 * failed parse. Bounds: TLSRPT_JSON_MAX bytes, TLSRPT_DEPTH_MAX nesting (checked before
 * Jansson sees the text), TLSRPT_POLICIES_MAX policies, TLSRPT_FAILURES_MAX details. */
#ifndef MXRAY_TLSRPT_REPORT_H
#define MXRAY_TLSRPT_REPORT_H
#include <stddef.h>
#include <time.h>

#define TLSRPT_JSON_MAX (16u << 20)         /* bytes of one report's JSON (after gunzip) */
#define TLSRPT_DEPTH_MAX 32                 /* JSON nesting; a report needs 5 */
#define TLSRPT_POLICIES_MAX 1000            /* policies in one report */
#define TLSRPT_FAILURES_MAX 10000           /* failure details in one policy */
#define TLSRPT_STRINGS_MAX 1000             /* policy-string / mx-host entries kept per policy */
#define TLSRPT_COUNT_MAX 9007199254740992LL /* 2^53: what a JSON consumer can hold exactly */

/* What the live check says about one reported failure (--check). */
enum tlsrpt_now { NOW_NOT_CHECKED, NOW_REPRODUCED, NOW_NOT_REPRODUCED };
const char *tlsrpt_now_name(enum tlsrpt_now n); /* "not_checked", "reproduced", ... */

struct tlsrpt_failure {
    char *result_type; /* e.g. "certificate-expired" */
    long long count;   /* failed-session-count */
    char *sending_ip, *receiving_mx, *receiving_ip, *receiving_helo, *reason_code, *info;
    enum tlsrpt_now now; /* NOW_NOT_CHECKED until tlsrpt_match marks it */
};

struct tlsrpt_policy {
    char *type;     /* "sts", "tlsa", "no-policy-found" (or what the sender wrote) */
    char *domain;   /* policy-domain, lower case, no trailing dot */
    char **strings; /* policy-string */
    size_t nstrings;
    char **mx_host; /* mx-host (a string or an array in the wild) */
    size_t nmx_host;
    long long successful, failed;
    struct tlsrpt_failure *failures;
    size_t nfailures;
};

struct tlsrpt_report {
    char *organization, *report_id, *contact;
    time_t start, end; /* UTC */
    struct tlsrpt_policy *policies;
    size_t npolicies;
};

int tlsrpt_report_parse(const char *json, size_t len, struct tlsrpt_report *out, char *err,
                        size_t errlen);
void tlsrpt_report_free(struct tlsrpt_report *r);

/* tlsrpt_json_depth_ok - false when brackets nest deeper than max (strings skipped). */
int tlsrpt_json_depth_ok(const char *s, size_t len, int max);

/* tlsrpt_parse_time - RFC 3339 date-time ("2026-01-02T00:00:00Z", fraction and offset
 * allowed) to UTC; 0 or -1. */
int tlsrpt_parse_time(const char *s, time_t *out);
/* tlsrpt_format_time - "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 21 bytes). */
void tlsrpt_format_time(time_t t, char *buf, size_t len);

#endif
