/* report_md - the Markdown report: what a ticket needs (`mxray check --format markdown` and
 * the TUI's Markdown export write the same thing).
 *
 * Contract: reads a finished (or interrupted) report and writes, in order: a title, the
 * verdict block, the sender's view of every MX address (both senders' outcomes with the
 * engine's marks), the steps with their states, the problems with where, fix and RFC, and the
 * evidence that matters (records, policy, the transcripts of addresses that did not pass).
 * All wording comes from present.h; table cells have '|' escaped and fenced blocks cannot be
 * closed by the evidence they quote. No curses; the TUI links it from here. */
#ifndef MXRAY_REPORT_MD_H
#define MXRAY_REPORT_MD_H
#include <stdio.h>
#include "report.h"

/* report_md_write - write r as Markdown to f. */
void report_md_write(FILE *f, const struct report *r);

#endif
