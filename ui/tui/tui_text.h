/* tui_text - lines of text with a colour role, display-width measuring, cropping and word
 * wrapping, and the symbols for step states. Pure (no curses), so the views built on it can
 * be tested; widths follow wcwidth() in the current locale (setlocale must have run).
 *
 * Contract: every function here treats its input as untrusted: a byte sequence that does not
 * decode, or a character without a printable width, counts as one column and is drawn as '?'
 * by the drawing code, so no control byte can reach the terminal. */
#ifndef MXRAY_TUI_TEXT_H
#define MXRAY_TUI_TEXT_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <wchar.h>
#include "report.h"

/* Colour roles; tui_draw maps them to colour pairs or to monochrome attributes. */
enum tui_role {
    TR_NORMAL,
    TR_DIM,
    TR_BOLD,
    TR_TITLE,    /* section titles in the detail pane */
    TR_HEADER,   /* the header and footer bars */
    TR_OK,
    TR_WARN,
    TR_FAIL,
    TR_NA,
    TR_RUNNING,
    TR_SELECTED, /* the cursor row */
    TR_KEY,      /* key names in help and footer */
    TR_MARK,     /* something that must stand out (certificates differ) */
    TR_ROLE_COUNT
};

struct tui_line {
    char *text;      /* owned, UTF-8 */
    enum tui_role role;
    int indent;      /* columns before the text; wrapped continuations add 2 */
};

struct tui_lines {
    struct tui_line *v;
    size_t n, cap;
};

void tui_lines_add(struct tui_lines *l, enum tui_role role, int indent, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* tui_lines_addn - add text as is (no format), NULL shown as "-". */
void tui_lines_addn(struct tui_lines *l, enum tui_role role, int indent, const char *text);
void tui_lines_clear(struct tui_lines *l);

/* tui_text_width - display columns of s (undecodable bytes and unprintables count 1 each). */
int tui_text_width(const char *s);
/* tui_text_fit - bytes of s that fit in cols columns; *used receives their width. */
size_t tui_text_fit(const char *s, int cols, int *used);
/* tui_text_decode - decode s into at most outn-1 wide characters that fit in cols columns,
 * replacing anything unprintable with '?'; NUL-terminates out and returns the columns used. */
int tui_text_decode(const char *s, int cols, wchar_t *out, size_t outn);

/* tui_lines_wrap - word-wrap every line of in to width columns into out (cleared first).
 * Continuation lines keep the role and get the indent plus hang (2 for evidence, 0 for prose). */
void tui_lines_wrap(const struct tui_lines *in, int width, int hang, struct tui_lines *out);

/* tui_state_symbol - fixed-width symbol of a state: UTF-8 ("✓", "⚠", "✗", "·", "⊘" and a
 * braille spinner) or ASCII ("[ok]" "[!!]" "[XX]" "[..]" "[na]" "[|] "). */
const char *tui_state_symbol(enum step_state s, bool utf8, unsigned spin);
enum tui_role tui_state_role(enum step_state s);
/* tui_state_word - "waiting", "running", "pass", "warn", "fail", "not applicable". */
const char *tui_state_word(enum step_state s);
/* tui_fmt_ms - "850ms", "1.2s", "12s"; empty for ms < 0. Returns buf. */
char *tui_fmt_ms(int64_t ms, char *buf, size_t n);
/* tui_step_ms - duration of a step: end-start, now-start while running, else -1. */
int64_t tui_step_ms(const struct step *s, int64_t now_ms);

#endif
