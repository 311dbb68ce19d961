/* tui_export - the TUI's e key: write the report as JSON, Markdown (for tickets) or text.
 *
 * Contract: JSON, text and Markdown come from the shared writers (report_json_write,
 * report_text_write, report_md_write) so every face says the same. Files are created
 * new (never overwritten) as DIR/mxray-DOMAIN-YYYYmmdd-HHMMSS.EXT (-2, -3... when taken). */
#ifndef MXRAY_TUI_EXPORT_H
#define MXRAY_TUI_EXPORT_H
#include <stdio.h>
#include <stddef.h>
#include <time.h>
#include "report.h"

enum tui_export_fmt { TX_JSON, TX_MARKDOWN, TX_TEXT };

/* tui_export - write r in fmt under dir (NULL = "."); path receives the file written.
 * Returns 0, or -1 with the reason in err. */
int tui_export(const struct report *r, enum tui_export_fmt fmt, const char *dir, time_t now,
               char *path, size_t pathlen, char *err, size_t errlen);
/* tui_write_new - create DIR/BASE.EXT, or BASE-2.EXT, BASE-3.EXT... when it exists, and write
 * data to it. A failed write (a full disk) removes the file and says why in err ("cannot
 * write PATH: No space left on device (nothing kept)"). Returns 0 or -1. */
int tui_write_new(const char *dir, const char *base, const char *ext, const char *data,
                  size_t len, char *path, size_t pathlen, char *err, size_t errlen);
/* tui_export_markdown - report_md_write (kept for callers of the TUI's API). */
void tui_export_markdown(FILE *f, const struct report *r, time_t now);

#endif
