/* view_reports - the TUI view of `mxray report` in a terminal: per policy domain, reporters
 * x days x result types (rows: days, for all reporters or one; columns: sessions ok, failed,
 * then each result type), and below it the failures by result type and receiving MX with
 * --check's mark. Enter on a failure asks for the live check of that domain with that MX
 * host selected (the caller runs the walk-through and may call this again).
 *
 * Contract: reads only the summary (strings already escaped); owns the terminal while it
 * runs and restores it before returning. Keys: Left/Right domain, r next reporter (all
 * first), Tab days/failures, Up/Down/PgUp/PgDn, Enter check, q quit. */
#ifndef MXRAY_VIEW_REPORTS_H
#define MXRAY_VIEW_REPORTS_H
#include <stdbool.h>
#include <stddef.h>
#include "tlsrpt_summary.h"

struct reports_pick {
    char domain[256];  /* the policy domain to check */
    char mx_host[256]; /* the reported receiving MX, or "" */
};

/* reports_view_state - where the cursor was, kept across a live check. */
struct reports_view_state {
    size_t domain, reporter; /* reporter 0 = all, i = reporters[i - 1] */
    size_t day_top, fail_sel;
    bool on_failures;
};

/* reports_view_run - true with *pick filled when Enter chose a failure, false on quit. */
bool reports_view_run(const struct tlsrpt_summary *s, bool checked, bool no_color,
                      struct reports_view_state *st, struct reports_pick *pick);

#endif
