/* report - the report model of one domain's diagnosis.
 *
 * The engine (diag.c) is the only writer; faces (text, JSON, TUI) only read it, during an
 * event callback or after the diagnosis is done. Every string is escaped. Arrays of pointers
 * keep elements at stable addresses while the report grows. */
#ifndef MXRAY_REPORT_H
#define MXRAY_REPORT_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <time.h>
#include "problem.h"
#include "dns.h"
#include "https.h"
#include "smtp.h"
#include "sts.h"
#include "cert.h"

enum step_state { ST_WAITING, ST_RUNNING, ST_PASS, ST_WARN, ST_FAIL, ST_NA };
const char *step_state_name(enum step_state s); /* "waiting", "running", "pass", ... */

struct step {
    enum step_state state;
    int64_t start_ms, end_ms; /* since the diagnosis started; -1 when not yet */
    char *note;               /* one-line summary for faces, escaped, or NULL */
};

enum txt_status { TXT_PENDING, TXT_OK, TXT_MISSING, TXT_INVALID, TXT_MULTIPLE, TXT_ERROR };
const char *txt_status_name(enum txt_status s); /* "ok", "missing", ... ("pending" in flight) */

struct sts_section {
    struct step step;
    struct dns_answer *answer; /* NULL until the lookup ends */
    enum txt_status status;
    char **records;            /* every TXT record at the name, concatenated, escaped */
    size_t nrecords;
    struct sts_record parsed;  /* the one STSv1 record when exactly one exists */
    char *cname_chain;         /* "a -> b" when the name is a CNAME, else NULL */
};

struct tlsrpt_section {
    struct step step;
    struct dns_answer *answer;
    enum txt_status status;
    char **records;
    size_t nrecords;
    struct tlsrpt_record parsed;
};

enum policy_status { POL_PENDING, POL_OK, POL_NOT_FETCHED, POL_FETCH_ERROR, POL_INVALID };
const char *policy_status_name(enum policy_status s); /* "ok", "not_fetched", ... */

struct policy_section {
    struct step step;
    enum policy_status status;
    char *url;
    char *host;                     /* mta-sts.DOMAIN */
    struct dns_answer *host_a, *host_aaaa; /* our lookups of the policy host (NULL if skipped) */
    struct https_result *http;      /* NULL until fetched */
    char *body_text;                /* escaped body for display, or NULL */
    struct sts_policy parsed;
};

struct mx_addr {
    char *address;     /* numeric */
    int family;        /* 4 or 6 */
    int port;          /* 25 unless --connect-to says otherwise */
    char *connect_addr; /* where we actually connected (connect-to), escaped */
    struct step step;
    struct smtp_result *smtp; /* NULL until the probe ends */
    /* live view while the probe runs: stage reached and transcript length */
    enum smtp_stage live_stage;
    bool sts_deliverable;     /* would an MTA-STS sender deliver here (policy mode applied) */
    const char *report_as;    /* RFC 8460 result type a sender would report, or NULL */
};

struct mx_host {
    char *host;          /* A-label, lower case, no trailing dot */
    int preference;      /* -1 for the implicit MX */
    struct step step;    /* the whole host: resolve + every address */
    struct step resolve;
    struct dns_answer *a, *aaaa;
    bool policy_checked; /* a valid policy existed to match against */
    bool policy_match;
    int matched_pattern; /* index into policy mx, -1 */
    char *match_note;    /* which pattern matched or why none did */
    bool sts_deliverable;
    struct mx_addr **addrs;
    size_t naddrs;
};

struct mx_section {
    struct step step;
    struct dns_answer *answer;
    struct dns_answer *implicit_a, *implicit_aaaa; /* when no MX: the domain's own addresses */
    bool implicit;
    bool null_mx;
    struct mx_host **hosts; /* preference order */
    size_t nhosts;
};

enum verdict { VERDICT_PENDING, VERDICT_PASS, VERDICT_WARN, VERDICT_FAIL, VERDICT_NONE };
const char *verdict_name(enum verdict v); /* "pass", "warn", "fail", "none", "pending" */

struct report {
    char *domain;        /* A-label, lower case */
    char *input;         /* as the user typed it, escaped */
    time_t started;      /* wall clock */
    int64_t duration_ms;
    bool done;
    bool interrupted;    /* stopped before every step ended */
    char *resolver;
    struct sts_section sts;
    struct tlsrpt_section tlsrpt;
    struct policy_section policy;
    struct mx_section mx;
    struct problem_list problems;
};

struct report *report_new(const char *domain, const char *input);
void report_free(struct report *r);

/* report_verdict - derived, never stored: none when no _mta-sts record; else fail when any
 * problem is an error, warn when any is a warning, else pass (pending while running). */
enum verdict report_verdict(const struct report *r);
/* report_exit_code - 0 pass, 1 warn, 2 fail, 3 none (mxray check's documented status). */
int report_exit_code(enum verdict v);
/* report_policy_mode - the mode of a valid fetched policy, else STS_MODE_UNKNOWN. */
enum sts_mode report_policy_mode(const struct report *r);
/* report_worst_problem - the most severe problem (first of equals), or NULL. */
const struct problem *report_worst_problem(const struct report *r);

void step_begin(struct step *s, int64_t now_ms);
void step_end(struct step *s, enum step_state st, int64_t now_ms);

#endif
