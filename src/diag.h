/* diag - the step graph of one domain's MTA-STS diagnosis.
 *
 * The only place that knows the order of MTA-STS. Starts the _mta-sts, _smtp._tls and MX
 * lookups and the policy fetch at once; each MX host's address lookups when the MX answer
 * arrives; each address's SMTP probe when its address arrives. Fills a report and emits an
 * event per change. Faces observe events and read the report; they never change it. */
#ifndef MXRAY_DIAG_H
#define MXRAY_DIAG_H
#include <stddef.h>
#include <stdbool.h>
#include "report.h"

struct loop;
struct dns_ctx;
struct https_ctx;

/* Shared by every diagnosis running on one loop (batch mode runs many at once). */
struct engine {
    struct loop *loop;
    struct dns_ctx *dns;
    struct https_ctx *https;
};

struct diag_opts {
    const char *ca_file;           /* NULL = SSL_CERT_FILE or the system store */
    int timeout_ms;                /* per network step */
    int family;                    /* 0 both, 4, 6 */
    const char *const *connect_to; /* "HOST:PORT:ADDR:PORT" (curl's syntax) */
    size_t nconnect_to;
    const char *ehlo_name;         /* NULL = "mxray.invalid" */
    /* planned_hosts - A-label host names to probe like MX hosts (addresses, STARTTLS,
     * certificate) when the MX answer does not name them: the new hosts of a migration plan.
     * They land in report.planned. */
    const char *const *planned_hosts;
    size_t nplanned_hosts;
    int warn_days;                 /* tls.cert.expiring below this many days (0: 21) */
    int crit_days;                 /* monitoring critical below this many days (0: 7) */
    const char *state_dir;         /* keep and compare per-domain state here; NULL: none */
};

enum diag_event_type {
    DIAG_EV_STEP,     /* a step started or ended (step points at it) */
    DIAG_EV_EVIDENCE, /* evidence was added (a transcript line, an answer, ...) */
    DIAG_EV_PROBLEM,  /* problem_index is the new problem */
    DIAG_EV_DONE      /* every step ended; the report is final */
};

struct diag_event {
    enum diag_event_type type;
    const struct report *report;
    const struct step *step;  /* DIAG_EV_STEP / EVIDENCE, else NULL */
    size_t problem_index;     /* DIAG_EV_PROBLEM */
};

/* The event and everything it points to are valid only during the call; the report itself
 * lives until diag_free. Callbacks must not call diag_free or start a new diagnosis. */
typedef void (*diag_event_cb)(void *arg, const struct diag_event *ev);

struct diag;
/* diag_start - domain must already be a valid A-label name (see domain.h). */
struct diag *diag_start(struct engine *e, const struct diag_opts *o, const char *domain,
                        const char *input, diag_event_cb cb, void *arg);
bool diag_done(const struct diag *d);
const struct report *diag_report(const struct diag *d);
/* diag_stop - cancel everything still running; the report is marked interrupted and done. */
void diag_stop(struct diag *d);
/* diag_free - stops if needed and frees the report too. */
void diag_free(struct diag *d);

/* engine_init - loop, DNS (servers may be empty = system) and HTTPS contexts. */
int engine_init(struct engine *e, const char *const *servers, size_t nservers, int timeout_ms,
                char *err, size_t errlen);
/* engine_init_on - the same on an existing loop (the built-in lab must listen on the loop
 * before the DNS context learns its port). The engine takes the loop: engine_fini frees it,
 * also after a failure here (which leaves only e->loop set). */
int engine_init_on(struct engine *e, struct loop *l, const char *const *servers,
                   size_t nservers, int timeout_ms, char *err, size_t errlen);
void engine_fini(struct engine *e);

#endif
