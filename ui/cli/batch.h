/* batch - `mxray check --batch FILE` and several domains at once: many diagnoses on one loop.
 *
 * At most o->concurrency domains are in flight; a finished one is printed at once (a table
 * row, or one JSON Lines object with --json) and flushed, so a killed run loses nothing
 * already printed, and its report is freed before the next domain starts (memory stays
 * bounded by the concurrency, not by the list). Progress goes to stderr only when stderr is
 * a terminal. Ctrl-C stops starting new domains and lets those in flight finish; a second
 * Ctrl-C (or SIGTERM, SIGHUP, SIGQUIT) stops them too. Either way the summary of what
 * finished is printed and the status is 130 (2 when a failure was found). */
#ifndef MXRAY_BATCH_H
#define MXRAY_BATCH_H
#include "batch_input.h"
#include "cli.h"
#include "diag.h"

/* batch_run - check every item of list on e, then every domain read from in_fd (named
 * in_name, escaped; in_fd < 0: none) as it arrives. Returns the exit status (exit_status.h):
 * EX_IOERR when stdout fails, EX_DATAERR / EX_IOERR when the input was given up or could not
 * be read (after checking what was read), EX_USAGE when it held no valid domain; otherwise
 * the worst verdict's, with an interrupt counted as 130 (a failure found still gives 2). */
int batch_run(struct engine *e, const struct cli_opts *o, struct batch_list *list, int in_fd,
              const char *in_name);

#endif
