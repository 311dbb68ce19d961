/* tui_lesson - the class mode of the TUI (mxray lesson) and fix-it editing.
 *
 * A lesson walks its cases in order. While a case is unanswered the walk-through runs as usual,
 * but nothing judges on screen: no verdict in the header or the footer, neutral marks in the
 * tree, and the detail and certificate panes without problem codes, fixes or verdict words
 * (tui_lesson_filter); the matrix and export wait for the answer. A box under the panes asks the
 * case's question; keys 1-4 answer it. Then the reveal view says right or not, lists the
 * problems the check found (explanation, RFC section, fix) and the scenario's lesson text; the
 * walk-through shows everything; n goes to the next case, and after the last one to the score.
 * E (when the case is a fix-it exercise, or in mxray demo --editable) hands the terminal to
 * the configured editor hook and re-runs the check when the lab serves the edit. */
#ifndef MXRAY_TUI_LESSON_H
#define MXRAY_TUI_LESSON_H
#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>
#include "tui_text.h"

struct tui;

/* tui_lesson_init - state for t->c->lesson (nothing without one); tui_lesson_free ends it. */
void tui_lesson_init(struct tui *t);
void tui_lesson_free(struct tui *t);
/* tui_lesson_hiding - judgments are hidden now: a lesson case is on screen, unanswered. */
bool tui_lesson_hiding(const struct tui *t);
/* tui_lesson_key - lesson and edit keys (1-4, n, E; m and e while hiding); true when taken. */
bool tui_lesson_key(struct tui *t, int rc, wint_t wc);
/* tui_lesson_filter - while hiding, drop every line that names a problem code, a fix or a
 * verdict word (pass, warn, fail, error, deliver, ...). */
void tui_lesson_filter(const struct tui *t, struct tui_lines *lines);
/* tui_lesson_box - the question box under the panes: rows it needs (0: none) and its lines. */
int tui_lesson_box_rows(const struct tui *t);
void tui_lesson_box(const struct tui *t, struct tui_lines *out, char *title, size_t tn);
/* tui_lesson_view - the lesson view (TV_LESSON): the reveal, the score, or an edit's errors. */
void tui_lesson_view(const struct tui *t, struct tui_lines *out, char *title, size_t tn);
/* tui_lesson_done_msg - the footer message when a check ends, or NULL for the usual one. */
const char *tui_lesson_done_msg(const struct tui *t);

#endif
