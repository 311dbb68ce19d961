/* plan - the migration planner: from one domain's live report, a target and the time, the
 * ordered steps that reach the target MX set (or remove MTA-STS) without a refused message.
 *
 * Pure functions, no network and no clock: the caller runs the check (with the target hosts
 * as diag_opts.planned_hosts, so their STARTTLS and certificates are known) and passes now.
 * The rules (RFC 8461):
 *  - 8.1: publish the policy body before the TXT record with the new id; senders may use the
 *    old policy until the TXT record's TTL has passed, so the MX change waits that long;
 *  - the policy published before the MX change covers the old and the new hosts; the old
 *    hosts leave it only once the old MX records' TTL has passed after the change;
 *  - 5.1 / 3.3: a sender keeps a fetched policy for its max_age; --via-testing waits out the
 *    enforce policy's max_age before the MX change, so no sender still enforces then;
 *  - 8.3: removal is a mode none policy with a new id, then, after the longest max_age seen,
 *    the TXT record is deleted, and the policy once the TXT record's TTL has passed.
 * Patterns: a host under a provider suffix that documents a wildcard (Exchange Online:
 * *.mail.protection.outlook.com) gets that wildcard; every other host its exact name.
 * Ids are the step's earliest time (YYYYMMDDhhmmss) and its number: 1-32 alphanumerics
 * (RFC 8461 3.1), distinct per step and from the live id. Every policy text uses CRLF. */
#ifndef MXRAY_PLAN_H
#define MXRAY_PLAN_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "report.h"

#define PLAN_TARGETS_MAX 16
#define PLAN_STEPS_MAX 16
#define PLAN_TESTING_WATCH 86400 /* a full day of TLS-RPT reports (RFC 8460 4.1: daily) */
#define PLAN_NONE_MAX_AGE 86400  /* RFC 8461 8.3: "a small max_age (e.g., one day)" */
#define PLAN_DEFAULT_MAX_AGE 604800
#define PLAN_UNKNOWN_TTL 86400   /* assumed when no MX TTL is known (implicit MX) */

enum plan_action {
    PLAN_PUBLISH_POLICY,
    PLAN_PUBLISH_STS_RECORD,
    PLAN_CHANGE_MX,
    PLAN_WAIT,
    PLAN_DELETE_STS_RECORD,
    PLAN_DELETE_POLICY
};
const char *plan_action_name(enum plan_action a); /* "publish_policy", ... */
int plan_action_parse(const char *s);             /* the enum, or -1 */

struct plan_mx {
    char *host;
    int preference;
};

struct plan_step {
    int n; /* 1-based */
    enum plan_action action;
    time_t not_before; /* earliest safe time */
    char *why;
    char *policy;       /* the whole policy file (publish_policy), else NULL */
    char *sts_record;   /* "v=STSv1; id=ID" (publish_sts_record), else NULL */
    char *id;           /* the id of sts_record, else NULL */
    struct plan_mx *mx; /* change_mx: the whole MX set, preference order */
    size_t nmx;
};

/* A finding about the live state or a target host: blocks = the plan must not go ahead
 * before it is fixed (a target host without STARTTLS or with a certificate a sender refuses). */
struct plan_note {
    char *code; /* a problem code (problem_table.h) or "plan.*" */
    enum severity severity;
    char *subject;
    char *message;
    bool blocks;
};

/* What to reach. mode STS_MODE_UNKNOWN: keep the live mode (testing when there is none). */
struct plan_target {
    const char *mx[PLAN_TARGETS_MAX]; /* A-labels, lower case, preference order */
    size_t nmx;
    enum sts_mode mode;
    bool via_testing;
    bool remove;
};

struct plan {
    char *domain;
    time_t now;
    struct plan_target target; /* strings owned (target_mx) */
    char *target_mx[PLAN_TARGETS_MAX];
    struct plan_step steps[PLAN_STEPS_MAX];
    size_t nsteps;
    struct plan_note *notes;
    size_t nnotes;
    bool blocked; /* a note blocks */
    /* the live values the times come from (shown by the writers) */
    long long txt_ttl, mx_ttl; /* -1 unknown */
    long long max_age_seen;    /* -1 no policy */
    char *resolver;
};

struct domain_state;
/* plan_history_until - from the state earlier checks kept (state.h): the latest time a sender
 * may still hold a policy seen then (each enforce or testing policy of the timeline was
 * served at most until the next change was seen, the last one until now; plus its max_age),
 * or 0 when the state knows of none. */
time_t plan_history_until(const struct domain_state *s, time_t now);

/* plan_make - plan for a finished report. history_until: the latest time a policy fetched
 * earlier may still be cached by a sender (from the state of earlier checks), 0 unknown.
 * Returns 0 (out filled; free with plan_free). */
int plan_make(const struct report *r, const struct plan_target *t, time_t now, time_t history_until,
              struct plan *out);
void plan_free(struct plan *p);

/* plan_policy_text - "version: STSv1\r\nmode: M\r\n(mx: P\r\n)*max_age: N\r\n" (caller frees). */
char *plan_policy_text(enum sts_mode mode, char *const *mx, size_t nmx, long long max_age);
/* plan_pattern_for - the mx pattern to publish for host (caller frees). */
char *plan_pattern_for(const char *host);
/* plan_same_target - the saved plan p was made for target t. */
bool plan_same_target(const struct plan *p, const struct plan_target *t);
/* plan_exit_code - 0 a plan without warnings, 1 with warnings, 2 blocked. */
int plan_exit_code(const struct plan *p);

/* ---- verification of one step against a new live report ---- */
struct plan_check {
    bool live; /* every reason below is satisfied */
    char **ok; /* what was found as planned */
    size_t nok;
    char **bad; /* what differs */
    size_t nbad;
};
/* plan_verify - is step n (1-based) of p live in r (the state after steps 1..n)? Returns 0,
 * -1 when n is not a step of p. */
int plan_verify(const struct plan *p, size_t n, const struct report *r, struct plan_check *out);
void plan_check_free(struct plan_check *c);

#endif
