/* diag_internal - state shared by diag.c (the step graph) and diag_judge.c (the rules that turn
 * evidence into problems and verdicts). Not for faces. */
#ifndef MXRAY_DIAG_INTERNAL_H
#define MXRAY_DIAG_INTERNAL_H
#include "diag.h"
#include "dns.h"
#include "https.h"
#include "smtp.h"
#include "mx_limits.h"

struct diag;

/* One MX host's address lookups. */
struct host_ctx {
    struct diag *d;
    struct mx_host *host;
    char *lookup_name;         /* the MX name, or a --connect-to target name */
    int port;                  /* 25, or the --connect-to port */
    struct dns_query *qa, *qaaaa;
    int lookups_left;
    int probes_left;
    bool matched;              /* policy match applied */
    struct dns_query *q_tlsa, *q_tlsa_cname; /* TLSA at the MX name / at its CNAME target */
    int tlsa_left;             /* TLSA lookups still running */
    bool dane_final;           /* the host's TLSA answer is judged: addresses may be judged */
    int dane_worst;            /* worst severity of the host's DANE problems, -1 none */
};

/* One address's SMTP probe. */
struct addr_ctx {
    struct diag *d;
    struct host_ctx *hc;
    struct mx_addr *addr;
    struct smtp_probe *probe;
    bool judged;
};

struct diag {
    struct engine *e;
    struct diag_opts o;
    const char *ca_file;       /* o.ca_file, else SSL_CERT_FILE, else NULL */
    struct report *r;
    int64_t t0;
    diag_event_cb cb;
    void *arg;
    int pending;               /* async operations still running */
    bool stopped;
    struct dns_query *q_sts, *q_tlsrpt, *q_mx, *q_pol_a, *q_pol_aaaa;
    struct dns_query *q_rua[MX_RUA_CHECKS_MAX]; /* diag_rua.c */
    int pol_lookups_left;
    struct https_fetch *fetch;
    bool sts_done, fetch_done, policy_final;
    struct host_ctx **hosts;
    size_t nhosts;
    struct addr_ctx **addrs;
    size_t naddrs;
    bool finishing;      /* judged; waiting for the state file's lock (history) */
    uint64_t lock_timer; /* the next try for that lock, 0 when none */
    int64_t lock_since;  /* diag_now() of the first try */
};

int64_t diag_now(const struct diag *d);
void diag_emit_step(struct diag *d, const struct step *s);
void diag_emit_evidence(struct diag *d, const struct step *s);
/* ---- the step graph's bookkeeping (diag.c alone changes problems and step states) ---- */

/* diag_problem - add a problem of the domain (or of one of its names: URL, TXT name) with its
 * final severity (PROBLEM_SEV_DEFAULT: the table's) and emit it. Nothing lowers or raises a
 * severity afterwards: the event a face receives is the truth. Returns the problem (valid
 * until the next add). */
struct problem *diag_problem(struct diag *d, enum problem_id id, int severity,
                             enum step_kind step, const char *subject, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* diag_problem_at - the same for a problem of one MX host (address NULL) or one address: the
 * structured subject (problem.where) is where_step, host, address; the subject string is
 * "host" or "host [address]". */
struct problem *diag_problem_at(struct diag *d, enum problem_id id, int severity,
                                enum step_kind step, enum step_kind where_step,
                                const char *host, const char *address, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));
/* diag_emit_problems_from - emit events for problems a parser added to the list since index
 * first (the parsers file domain-level problems with their final severities). */
void diag_emit_problems_from(struct diag *d, size_t first);
/* diag_worst_from - highest severity of the problems added since index first, or -1. */
int diag_worst_from(const struct diag *d, size_t first);
/* diag_state_from - ok when nothing worse than info was added since first, else warn/fail. */
enum step_state diag_state_from(const struct diag *d, size_t first, enum step_state ok);
/* diag_end_step - end s with state st and note (taken over), and emit it. */
void diag_end_step(struct diag *d, struct step *s, enum step_state st, char *note);
/* diag_worse - the worse of two states (fail > warn > pass; n/a and waiting lose to all). */
enum step_state diag_worse(enum step_state a, enum step_state b);

/* diag_rua.c: look up where TLS-RPT reports would go, once the record is judged valid. */
void rua_checks_start(struct diag *d);
void rua_checks_cancel(struct diag *d);

/* diag_judge.c */
void judge_sts_record(struct diag *d);
void judge_tlsrpt(struct diag *d);
void judge_policy(struct diag *d);      /* needs the TXT result and the fetch result */
void judge_mx_answer(struct diag *d);   /* fills hosts from the MX answer; may add problems */
void judge_host_match(struct diag *d, struct host_ctx *hc); /* needs policy_final */
void judge_address(struct diag *d, struct addr_ctx *ac);    /* needs policy_final + probe */
void judge_host_done(struct diag *d, struct host_ctx *hc);  /* every address judged */
/* diag.c */
void diag_maybe_finish(struct diag *d); /* finish when nothing is pending */

/* diag_dane.c - DANE (RFC 7672) beside MTA-STS */
void dane_start(struct diag *d, struct host_ctx *hc); /* TLSA lookup, beside the A/AAAA ones */
/* dane_on_addr_answer - after each A/AAAA answer of hc (CNAME expansion, RFC 7672 2.2.3). */
void dane_on_addr_answer(struct diag *d, struct host_ctx *hc, const struct dns_answer *ans);
bool dane_ready(const struct host_ctx *hc); /* TLSA judged; the addresses may be judged */
/* judge_dane_address - from judge_address, after the MTA-STS verdict of the address. */
void judge_dane_address(struct diag *d, struct addr_ctx *ac);
/* dane_host_state - the host step state with its DANE problems folded in. */
enum step_state dane_host_state(const struct host_ctx *hc, enum step_state st);
void dane_cancel(struct diag *d);  /* stopping: cancel TLSA lookups, every host final */
void dane_finish(struct diag *d);  /* report-level DNSSEC facts, when the check ends */

const char *diag_connect_to_for(const struct diag *d, const char *host, int port,
                                char *addr_out, size_t addr_len, int *port_out);

#endif
