/* batch_table - what a batch run prints without --json: one row per domain as it completes,
 * a summary at the end, and the progress line for a terminal.
 *
 * Row: DOMAIN VERDICT MODE MX WORST-PROBLEM, where MODE is the policy mode ("-" without a
 * valid policy), MX the number of MX hosts ("null" for a null MX) and WORST-PROBLEM the code
 * of the most severe problem with "(+N)" for the others. Summary: counts per verdict, the
 * most frequent problem codes by domains affected, what was skipped or not finished, and the
 * rate. No control byte is printed except '\n' and, with color, ANSI SGR sequences.
 * Reports are only read; the stats keep counts, never pointers into reports. */
#ifndef MXRAY_BATCH_TABLE_H
#define MXRAY_BATCH_TABLE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "report.h"

#define BATCH_DOMAIN_COL_MAX 40 /* wider domains push the row, they are never cut */
#define BATCH_TOP_CODES 5       /* problem codes listed in the summary */

struct batch_stats {
    size_t verdicts[5];            /* indexed by enum verdict */
    size_t finished;               /* reports counted */
    size_t code_domains[PROB_COUNT]; /* domains with at least one problem of that code */
};

/* What the summary says beyond the stats. */
struct batch_summary {
    size_t planned;      /* domains this run was given */
    size_t stopped;      /* stopped in flight (second Ctrl-C / SIGTERM), not printed */
    size_t not_started;  /* never started (Ctrl-C) */
    size_t duplicates, malformed; /* input lines skipped */
    int64_t elapsed_ms;
    bool interrupted;
};

void batch_stats_add(struct batch_stats *s, const struct report *r);

/* batch_table_width - the domain column for these domain lengths (at least "DOMAIN"). */
int batch_table_width(size_t longest);
void batch_table_header(FILE *f, int width, bool color);
void batch_table_row(FILE *f, const struct report *r, int width, bool color);
void batch_summary_write(FILE *f, const struct batch_stats *s, const struct batch_summary *m,
                         bool color);

/* batch_progress_line - "  120/1000  12%  35.2/s  ETA 0:25  fail 12" into buf (no line end,
 * no control byte). ETA is "--:--" until something finished. */
void batch_progress_line(char *buf, size_t len, size_t done, size_t total, size_t failures,
                         int64_t elapsed_ms);

#endif
