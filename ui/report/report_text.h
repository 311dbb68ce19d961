/* report_text - the human report of one domain (what `mxray check` prints).
 *
 * Groups by step: 1 TXT record, 2 policy, 3 MX (then each MX host and each address with
 * banner, STARTTLS, TLS, certificate, verification, policy match and the sender's-eye
 * verdict), 4 TLS-RPT, then the problems with their fix and RFC section, then one verdict
 * line with the exit status. Every line carries a marker: [ OK ] [WARN] [FAIL] [INFO], or
 * [ -- ] for "not applicable / skipped", which never reads as a failure.
 *
 * Output contract: lines fit o->width columns (UTF-8 counted by character, long text wraps
 * with a hanging indent); no control byte is ever printed except '\n', and ESC only when
 * o->color is set (ANSI SGR colours). The report is only read. */
#ifndef MXRAY_REPORT_TEXT_H
#define MXRAY_REPORT_TEXT_H
#include <stdbool.h>
#include <stdio.h>
#include "report.h"

struct text_opts {
    bool color;   /* ANSI SGR colours on markers and headings */
    int width;    /* columns; <= 0 means 80; at least 40 is used */
    bool verbose; /* add SMTP transcripts, DNS answers with TTLs, HTTP headers, policy body */
};

void report_text_write(FILE *f, const struct report *r, const struct text_opts *o);

/* report_text_verdict_line - "PASS - ... (exit 0)" as one sentence, without marker or
 * newline (static storage); shared with batch summaries. */
const char *report_text_verdict_line(enum verdict v);

#endif
