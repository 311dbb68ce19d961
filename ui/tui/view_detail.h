/* view_detail - the right pane: everything known about the selected tree row.
 *
 * Contract: view_detail_build appends lines (text + role) to out, reading only the report and
 * the row (whose pointers borrow from the same report). Sections: the verdict, the problems
 * with what they mean, the RFC section, the fix and what a sender would report (from
 * problem_def), then the evidence. Pure: no curses, no clock (the caller passes times). */
#ifndef MXRAY_VIEW_DETAIL_H
#define MXRAY_VIEW_DETAIL_H
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include "report.h"
#include "tui_model.h"
#include "tui_text.h"

struct view_ctx {
    const struct report *r;
    int64_t now_ms; /* since the diagnosis started */
    time_t now;     /* wall clock, for certificate validity */
    bool utf8;
};

void view_detail_build(struct tui_lines *out, const struct view_ctx *v, const struct tui_row *row);

/* view_detail_problem - the lines of one problem (used by the detail and the export). */
void view_detail_problem(struct tui_lines *out, const struct view_ctx *v, const struct problem *p,
                         int indent);
/* view_split_escaped - split escaped text at its "\n" escapes into lines (dropping "\r"),
 * appending each to out with role and indent. */
void view_split_escaped(struct tui_lines *out, const char *text, enum tui_role role, int indent);

#endif
