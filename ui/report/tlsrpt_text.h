/* tlsrpt_text - `mxray report` for people: per policy domain the period, the reporters,
 * sessions ok/failed with percentages (and per policy type when there are several),
 * failures grouped by result type and receiving MX with its IPs (and, after --check, what
 * the live check says now), a trend by day when the reports span several days; then the
 * inputs that could not be read and one line of totals. Only reads the summary; every
 * string in it is already escaped. */
#ifndef MXRAY_TLSRPT_TEXT_H
#define MXRAY_TLSRPT_TEXT_H
#include <stdbool.h>
#include <stdio.h>
#include "tlsrpt_summary.h"

void tlsrpt_text_write(FILE *f, const struct tlsrpt_summary *s, bool checked);

/* tlsrpt_text_now - how a mark reads: "still failing now", "not seen now", "not checked". */
const char *tlsrpt_text_now(enum tlsrpt_now n);

#endif
