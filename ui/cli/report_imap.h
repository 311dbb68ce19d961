/* report_imap - `mxray report imaps://user@host/FOLDER`: every message of an IMAP folder,
 * read-only (EXAMINE; BODY.PEEK, so nothing is marked seen, moved or deleted), through
 * libcurl's IMAP. The password comes from ~/.netrc (libcurl) or, on a terminal, a prompt. */
#ifndef MXRAY_REPORT_IMAP_H
#define MXRAY_REPORT_IMAP_H
#include "tlsrpt_input.h"

void report_imap_read(const char *url, const struct tlsrpt_sink *sink,
                      struct tlsrpt_read_stats *st);

#endif
