/* batch - `mxray check --batch FILE` and several domains at once: many diagnoses on one loop.
 *
 * At most o->concurrency domains are in flight; a finished one is printed at once (a table
 * row, or one JSON Lines object with --json) and flushed, so a killed run loses nothing
 * already printed, and its report is freed before the next domain starts (memory stays
 * bounded by the concurrency, not by the list). Progress goes to stderr only when stderr is
 * a terminal. Ctrl-C stops starting new domains and lets those in flight finish; a second
 * Ctrl-C (or SIGTERM) stops them too. Either way the summary of what finished is printed
 * and the status is 130. */
#ifndef MXRAY_BATCH_H
#define MXRAY_BATCH_H
#include "batch_input.h"
#include "cli.h"
#include "diag.h"

/* batch_run - check every item of list on e. Returns the exit status: the worst verdict's
 * (fail, then none, then warn, then pass; 0 for an empty list), 74 when stdout fails, 130
 * when interrupted. */
int batch_run(struct engine *e, const struct cli_opts *o, const struct batch_list *list);

#endif
