/* tlsrpt_spool - parsed reports kept in a temporary file between reading and printing.
 *
 * `mxray report --json` prints every report before the summary, yet marks each failure with
 * what the live checks found, and those run after every input is read. The reports wait in
 * an unlinked temporary file, already parsed: length-prefixed fields in this process's own
 * byte order, read back without parsing the JSON a second time (that was a third of --json's
 * time). Only this process writes and reads it; the reader still checks every count against
 * the parser's bounds, so a damaged file ends the replay rather than the process. */
#ifndef MXRAY_TLSRPT_SPOOL_H
#define MXRAY_TLSRPT_SPOOL_H
#include "tlsrpt_report.h"
#include <stdio.h>

/* tlsrpt_spool_write - appends source and r; -1 on a write error (errno). */
int tlsrpt_spool_write(FILE *f, const char *source, const struct tlsrpt_report *r);
/* tlsrpt_spool_read - the next source (malloc'd) and report (tlsrpt_report_free): 1; 0 at the
 * end; -1 when the file is damaged or unreadable (nothing to free). */
int tlsrpt_spool_read(FILE *f, char **source, struct tlsrpt_report *r);

#endif
