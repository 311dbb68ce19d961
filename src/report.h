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
    /* Where the reports would go: the lookups of each rua's domain or host (evidence). */
    struct dns_answer **rua_dns;
    size_t nrua_dns;
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

/* ---- DANE for SMTP (RFC 7672) beside MTA-STS ---- */

/* dane_status - of one MX host's TLSA RRset, from the validating resolver's AD bit:
 * none (no TLSA record), insecure (records without AD: senders ignore them), secure (records
 * with AD), bogus (SERVFAIL or another lookup failure: a DANE sender defers, RFC 7672 2.1). */
enum dane_status { DANE_PENDING, DANE_NONE, DANE_INSECURE, DANE_SECURE, DANE_BOGUS };
const char *dane_status_name(enum dane_status s); /* "none", "insecure", "secure", "bogus",
                                                   * "pending" */

/* One published TLSA record and how a DANE sender takes it. */
struct dane_tlsa {
    int usage, selector, mtype;
    char *data;          /* association data, lower-case hex */
    char *text;          /* "3 1 1 ab12..." */
    bool usable;         /* usage 2 or 3 with a known selector and matching type that OpenSSL
                          * accepted (RFC 7672 3.1); duplicates of an earlier record are not */
    char *note;          /* why not usable or discouraged, or NULL */
};

struct dane_host {
    char *base;                  /* TLSA base domain (RFC 7672 2.2.3), once final */
    char *name;                  /* "_25._tcp.BASE" */
    struct dns_answer *answer;   /* TLSA at the MX host name; NULL until it ends */
    struct dns_answer *cname_answer; /* TLSA at the secure CNAME expansion, or NULL */
    char *cname_target;          /* that expansion, or NULL */
    enum dane_status status;
    struct dane_tlsa *tlsa;
    size_t ntlsa;
    size_t nusable;
    /* the host's DANE mark, judged with status: pass secure with a usable record, warn secure
     * with none usable (TLS forced, nothing authenticated), fail bogus, n/a insecure or no
     * TLSA; waiting while pending */
    enum step_state state;
    char *note;                  /* one line for faces, or NULL */
};

/* What a DANE-capable sender (one that implements DANE and MTA-STS) does with one address. */
enum dane_action {
    DANE_ACT_PENDING,  /* not judged yet */
    DANE_ACT_NO_DANE,  /* no secure TLSA: it applies MTA-STS (or opportunistic TLS) instead */
    DANE_ACT_DELIVER,  /* DANE authenticated the server (or: TLS with unusable records only) */
    DANE_ACT_DEFER     /* DANE failed or bogus: it does NOT deliver, and MTA-STS must not
                        * override that (RFC 8461 2) */
};
const char *dane_action_name(enum dane_action a); /* "pending", "no_dane", "deliver", "defer" */

struct dane_addr {
    bool judged;
    int match;           /* -1 not applicable, 0 no record authenticated the chain, 1 one did */
    int matched_tlsa;    /* index into the host's tlsa of the record OpenSSL matched, or -1 */
    int matched_depth;   /* depth in the chain of the certificate it matched, or -1 */
    int *tlsa_depth;     /* per host record: depth it authenticates alone, -1 none */
    size_t ntlsa_depth;
    char *error;         /* why verification failed (OpenSSL's reason), or NULL */
    enum dane_action action;
    char *action_note;   /* the sentence that explains action */
};

/* What an MTA-STS sender does with one address (RFC 8461 5), judged once by the engine. */
enum sts_outcome {
    STS_OUT_PENDING,        /* not judged yet (probe running, or interrupted before) */
    STS_OUT_NO_POLICY,      /* no valid policy in testing or enforce mode applies: senders
                             * use opportunistic TLS, MTA-STS says nothing about this address */
    STS_OUT_DELIVER,        /* the policy is satisfied: it delivers */
    STS_OUT_DELIVER_REPORT, /* testing mode: validation fails, it delivers anyway and reports
                             * report_as (RFC 8460) */
    STS_OUT_REFUSE,         /* enforce mode: validation fails, it does NOT deliver and
                             * reports report_as */
    STS_OUT_UNREACHABLE     /* a policy applies but the address never answered SMTP: no
                             * sender delivers here (it tries the next MX or queues) */
};
const char *sts_outcome_name(enum sts_outcome o); /* "pending", "no_policy", "deliver",
                                                   * "deliver_report", "refuse", "unreachable" */
/* sts_outcome_state - the mark of an outcome: deliver pass, deliver_report warn, refuse and
 * unreachable fail, no_policy n/a, pending waiting. The engine stores it in sts_state. */
enum step_state sts_outcome_state(enum sts_outcome o);

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
    bool tls_valid;           /* STARTTLS, TLS 1.2 or later and a certificate a sender accepts
                               * for the MX host name (RFC 8461 4.2), whatever the policy says */
    const char *report_as;    /* RFC 8460 result type a sender would report, or NULL */
    struct dane_addr dane;    /* DANE verification of this address (additive) */
    /* The judgments of this address, each made once by the engine; faces only render them.
     * step.state is the worst of the sub-step states, the two sender outcomes and the
     * address's own problems, so the address's mark never contradicts its sentences. */
    enum sts_outcome sts_outcome;
    enum sts_mode sts_mode;     /* the policy mode sts_outcome was judged under */
    enum step_state sts_state;  /* mark of sts_outcome (sts_outcome_state) */
    enum step_state dane_state; /* mark of the DANE sender: pass authenticated, warn delivers
                                 * unauthenticated (only unusable records), fail defers, n/a no
                                 * DANE; waiting/running until judged */
    enum step_state smtp_state; /* sub-step connect, banner, EHLO, STARTTLS (live while it runs;
                                 * a missing STARTTLS is warn unless the policy enforces) */
    enum step_state tls_state;  /* sub-step handshake and certificate; n/a when never reached */
};

struct mx_host {
    char *host;          /* A-label, lower case, no trailing dot */
    int preference;      /* -1 for the implicit MX, -2 for a planned host */
    bool planned;        /* not from DNS: probed on request (diag_opts.planned_hosts) */
    struct step step;    /* the whole host: resolve + every address */
    struct step resolve;
    struct dns_answer *a, *aaaa;
    bool policy_checked; /* a valid policy existed to match against */
    bool policy_match;
    int matched_pattern; /* index into policy mx, -1 */
    char *match_note;    /* which pattern matched or why none did */
    bool sts_deliverable;
    /* Judged once by the engine, like an address's: */
    enum sts_outcome sts_outcome; /* the best outcome over its addresses (deliver beats
                                   * deliver_report beats refuse/unreachable); refuse when
                                   * enforce and the host matches no mx: pattern */
    enum step_state match_state;  /* the policy match: pass, warn (testing), fail (enforce),
                                   * n/a (no policy to match against) */
    struct mx_addr **addrs;
    size_t naddrs;
    struct dane_host dane;  /* TLSA lookup of this host (additive) */
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

/* VERDICT_INCOMPLETE: interrupted before every step ended, with no error found so far (an
 * error already seen still makes it a fail). */
enum verdict {
    VERDICT_PENDING,
    VERDICT_PASS,
    VERDICT_WARN,
    VERDICT_FAIL,
    VERDICT_NONE,
    VERDICT_INCOMPLETE
};
const char *verdict_name(enum verdict v); /* "pass", "warn", "fail", "none", "pending",
                                           * "incomplete" */

/* What the previous check of the domain saw, compared with this one (history.c). The
 * changes themselves are problems (history_is_change tells which). */
struct history_section {
    bool kept;          /* state is kept for this check (not --no-state) */
    bool compared;      /* a valid previous state existed and was compared */
    time_t previous;    /* when that previous check ran (0: none) */
    char *note;         /* the previous file was rejected and replaced: why, escaped; or NULL */
    char *error;        /* the state could not be read or saved: why, escaped; or NULL */
};

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
    /* Hosts probed beside the MX set on request (diag_opts.planned_hosts): a migration's new
     * MX hosts before DNS names them. Never matched against the policy; their problems are in
     * problems like any other, with the host as subject. */
    struct mx_host **planned;
    size_t nplanned;
    struct problem_list problems;
    /* DNSSEC as the resolver reported it (AD bit, RFC 4035 3.2.3), final once done: */
    bool dnssec_any_ad;  /* at least one answer of this check carried AD; when false the
                          * zones are unsigned or the resolver does not validate, and DANE
                          * cannot be confirmed from here */
    int warn_days, crit_days; /* certificate expiry thresholds this check used */
    struct history_section history;
};

struct report *report_new(const char *domain, const char *input);
void report_free(struct report *r);

/* report_verdict - derived, never stored: none when no _mta-sts record; else fail when any
 * problem is an error, warn when any is a warning, else pass (pending while running). */
enum verdict report_verdict(const struct report *r);
/* report_exit_code - 0 pass, 1 warn, 2 fail, 3 none, 130 incomplete (mxray check's status). */
int report_exit_code(enum verdict v);
/* report_exit_combine - the status of a run of several domains: fail (2) beats incomplete
 * (130) beats none (3) beats warn (1) beats pass (0). acc < 0 means no domain yet. */
int report_exit_combine(int acc, int code);
/* report_policy_mode - the mode of a valid fetched policy, else STS_MODE_UNKNOWN. */
enum sts_mode report_policy_mode(const struct report *r);
/* report_worst_problem - the most severe problem (first of equals), or NULL. */
const struct problem *report_worst_problem(const struct report *r);

/* report_cert_state - the mark of one certificate of a chain as the engine judges it: fail
 * (a verification error at its depth, expired, not yet valid, or the leaf not covering the
 * name: "no SAN matches the <role> name", role being "MX host" or "policy host"), warn
 * (expires within MX_EXPIRING_DAYS), else pass. why receives a short reason (static). */
enum step_state report_cert_state(const struct tls_info *tls, const struct cert_info *c,
                                  time_t now, const char *role, const char **why);
/* dns_answer_sec - "secure" (AD), "insecure", "bogus" (SERVFAIL), "error" (other failure),
 * or NULL for a missing answer: the DNSSEC status of one answer for display. */
const char *dns_answer_sec(const struct dns_answer *a);
/* dane_host_free / dane_addr_free - members only (called by report_free). */
void dane_host_free(struct dane_host *h);
void dane_addr_free(struct dane_addr *a);

void step_begin(struct step *s, int64_t now_ms);
void step_end(struct step *s, enum step_state st, int64_t now_ms);

#endif
