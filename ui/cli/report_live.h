/* report_live - the live side of `mxray report` (and `mxray demo --reports`): the normal
 * check of every policy domain of a summary, each failure group marked by the engine's
 * matcher (tlsrpt_match.h), and in a terminal the report view whose Enter opens the
 * walk-through on the reported MX host. The engine is the caller's. */
#ifndef MXRAY_REPORT_LIVE_H
#define MXRAY_REPORT_LIVE_H
#include <signal.h>
#include <stdbool.h>
#include "diag.h"
#include "tlsrpt_summary.h"

#define REPORT_CHECKS_IN_FLIGHT 16

struct report_live {
    struct tlsrpt_summary *s;
    struct engine *e;
    const struct diag_opts *dopt;
    volatile sig_atomic_t *stop;
    /* private */
    struct diag **diags; /* per summary domain; NULL when its name is not valid */
    size_t next, running, done;
};

/* report_live_check - check every domain (at most REPORT_CHECKS_IN_FLIGHT at once), then set
 * each domain's check and each group's mark. 0, or 70 when the loop failed. */
int report_live_check(struct report_live *l);
/* report_live_view - the report view until q; Enter runs the walk-through. Returns 0, or the
 * walk-through's signal status (128 + n). */
int report_live_view(struct report_live *l, bool checked, const char *resolver_desc, bool no_color);
/* report_live_free - the checks (the summary's domains then point at nothing). */
void report_live_free(struct report_live *l);

#endif
