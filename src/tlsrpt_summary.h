/* tlsrpt_summary - what a set of RFC 8460 reports says, per policy domain, kept while the
 * reports stream past (one report in memory at a time, the summary grows with distinct
 * domains, reporters, days and failure groups only, each bounded).
 *
 * Judgments made here, once, for every face:
 * - A report read twice (same organization-name and report-id) counts once.
 * - Sessions are counted once per report and domain: a sender that lists the same sessions
 *   under several policy types (Microsoft: sts and tlsa) adds only its policy type with the
 *   most sessions to the domain's successful/failed/by_result (the first on a tie); types
 *   keeps each policy type's own exact totals.
 * - Failures are grouped by policy type, result type and receiving MX (with the receiving
 *   IPs seen); --check marks each group (tlsrpt_match.h) and every detail takes its
 *   group's mark.
 * - The trend is per UTC day of each report's start. */
#ifndef MXRAY_TLSRPT_SUMMARY_H
#define MXRAY_TLSRPT_SUMMARY_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "tlsrpt_report.h"

#define TLSRPT_DOMAINS_MAX 10000   /* policy domains summarised */
#define TLSRPT_REPORTERS_MAX 1000  /* organizations kept per domain */
#define TLSRPT_GROUPS_MAX 1000     /* failure groups kept per domain (rest: "other") */
#define TLSRPT_GROUP_IPS_MAX 16    /* receiving IPs kept per failure group */
#define TLSRPT_DAYS_MAX 3700       /* days kept in a domain's trend */
#define TLSRPT_ERRORS_MAX 10000    /* error entries kept (the rest only counted) */
#define TLSRPT_RESULT_TYPES_MAX 64 /* distinct result types kept per domain */
#define TLSRPT_CELLS_MAX 100000    /* reporter-day cells kept per domain */

struct report;

struct tlsrpt_count {
    char *key;
    long long n;
};

struct tlsrpt_group {
    char *policy_type, *result_type, *receiving_mx; /* receiving_mx may be NULL */
    char *ips[TLSRPT_GROUP_IPS_MAX];
    size_t nips;
    long long count;
    enum tlsrpt_now now;
};

struct tlsrpt_type_total {
    char *type;
    long long successful, failed;
    struct tlsrpt_count by_result[TLSRPT_RESULT_TYPES_MAX];
    size_t nby_result;
};

struct tlsrpt_day {
    time_t day; /* 00:00 UTC */
    long long successful, failed;
};

/* One reporter's sessions on one day (the TUI's reporters x days x result types). Pointers
 * point at the domain's reporters[] and by_result[].key strings. */
struct tlsrpt_cell_count {
    const char *type;
    long long n;
};

struct tlsrpt_cell {
    time_t day;
    const char *reporter;
    long long successful, failed;
    struct tlsrpt_cell_count *res;
    size_t nres;
};

struct tlsrpt_domain {
    char *domain;
    time_t from, to;
    char **reporters;
    size_t nreporters;
    long long successful, failed;
    struct tlsrpt_count by_result[TLSRPT_RESULT_TYPES_MAX];
    size_t nby_result;
    struct tlsrpt_type_total *types;
    size_t ntypes;
    struct tlsrpt_group *groups;
    size_t ngroups;
    long long other_failures; /* in groups beyond TLSRPT_GROUPS_MAX */
    struct tlsrpt_day *days;
    size_t ndays;
    struct tlsrpt_cell *cells; /* unordered; cell_index finds them (private) */
    size_t ncells, cells_cap;
    size_t *cell_index, cell_index_cap;
    const struct report *check; /* the live check with --check (borrowed), or NULL */
};

struct tlsrpt_error {
    char *source, *message;
};

struct tlsrpt_summary {
    struct tlsrpt_domain *domains;
    size_t ndomains;
    size_t domains_dropped;
    struct tlsrpt_error *errors;
    size_t nerrors, errors_dropped;
    size_t reports, duplicates, skipped;
    long long failed_sessions; /* over every domain: exit status 1 when > 0 */
    /* the set of organization + report-id seen (open addressing) */
    char **seen;
    size_t seen_cap, nseen;
};

struct tlsrpt_summary *tlsrpt_summary_new(void);
void tlsrpt_summary_free(struct tlsrpt_summary *s);
/* tlsrpt_summary_add - 1 when added, 0 when it is a duplicate (nothing counted). */
int tlsrpt_summary_add(struct tlsrpt_summary *s, const struct tlsrpt_report *r);
void tlsrpt_summary_error(struct tlsrpt_summary *s, const char *source, const char *message);
/* tlsrpt_summary_sort - domains by name, groups by count (largest first) with their receiving
 * addresses in numeric order, days by date. */
void tlsrpt_summary_sort(struct tlsrpt_summary *s);
/* tlsrpt_summary_find - the domain entry, or NULL. */
struct tlsrpt_domain *tlsrpt_summary_find(const struct tlsrpt_summary *s, const char *domain);
/* tlsrpt_summary_mark - every failure detail of r takes its group's mark (--check). */
void tlsrpt_summary_mark(const struct tlsrpt_summary *s, struct tlsrpt_report *r);

#endif
