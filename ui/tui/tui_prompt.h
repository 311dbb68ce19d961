/* tui_prompt - the one-line editor behind the TUI's domain prompt, and what the prompt accepts.
 *
 * Contract: a line holds at most TUI_PROMPT_MAX-1 bytes of UTF-8 with a cursor on a character
 * boundary. tui_edit_of maps what wget_wch returned (a character, or a KEY_* code when is_key)
 * to an edit, with the keys a shell user expects (readline's emacs bindings); tui_edit_apply
 * changes the line. tui_edit_view says which part of the line fits in a number of columns,
 * scrolled horizontally so the cursor stays visible. tui_prompt_domain turns what was typed
 * into the A-label to diagnose, or a reason shown under the prompt. Pure apart from curses'
 * KEY_* constants, so every key can be unit-tested. */
#ifndef MXRAY_TUI_PROMPT_H
#define MXRAY_TUI_PROMPT_H
#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>
#include "tui.h"

#define TUI_PROMPT_MAX 1024 /* longer than any domain, so a pasted one is refused whole */

struct tui_edit_line {
    char buf[TUI_PROMPT_MAX];
    size_t len, cur; /* bytes; cur is where the next character goes */
    size_t off;      /* first byte shown (horizontal scroll), kept by tui_edit_view */
};

enum tui_edit {
    TE_NONE,
    TE_INSERT,     /* the character itself */
    TE_SUBMIT,     /* Enter, keypad Enter */
    TE_CANCEL,     /* Esc, Ctrl-C, Ctrl-G */
    TE_BACKSPACE,  /* Backspace, Ctrl-H */
    TE_DELETE,     /* Delete, Ctrl-D */
    TE_LEFT,       /* Left, Ctrl-B */
    TE_RIGHT,      /* Right, Ctrl-F */
    TE_HOME,       /* Home, Ctrl-A */
    TE_END,        /* End, Ctrl-E */
    TE_KILL_START, /* Ctrl-U: delete from the start of the line to the cursor */
    TE_KILL_END,   /* Ctrl-K: delete from the cursor to the end */
    TE_KILL_WORD,  /* Ctrl-W: delete the label (or word) before the cursor */
    TE_HIST_PREV,  /* Up, Ctrl-P */
    TE_HIST_NEXT,  /* Down, Ctrl-N */
};

/* tui_edit_of - the edit for a key; is_key is true when wget_wch returned KEY_CODE_YES. */
enum tui_edit tui_edit_of(bool is_key, wint_t wc);

/* The prompt's keys as the help and the man page list them (one table with tui_edit_of). */
#define TUI_EDIT_SECTION "Domain prompt (n)"
struct tui_edit_help {
    enum tui_edit edit;
    const char *help;
};
const struct tui_edit_help *tui_edit_helps(size_t *n);
/* tui_edit_names - "Home Ctrl-A" style list of the keys of an edit (static buffer). */
const char *tui_edit_names(enum tui_edit e);
/* tui_edit_apply - apply e (wc is the character of TE_INSERT); returns true when the text
 * changed. Undecodable or control characters are never inserted. */
bool tui_edit_apply(struct tui_edit_line *l, enum tui_edit e, wint_t wc);
/* tui_edit_set - replace the text (history), cursor at the end. */
void tui_edit_set(struct tui_edit_line *l, const char *s);

/* What of the line fits in cols columns: bytes [from, to), the cursor's column counted from
 * the first column of the area, and whether text is hidden on either side (the drawing shows
 * a marker in the first or last column then, which the columns given here leave free). */
struct tui_edit_view {
    size_t from, to;
    int lead; /* 1 when the first column is the "more on the left" marker */
    int cursor_col;
    bool more_left, more_right;
};
void tui_edit_view(struct tui_edit_line *l, int cols, struct tui_edit_view *v);

/* tui_prompt_domain - the A-label to diagnose for what was typed (out >= 254 bytes), or -1
 * with a reason in err. Inside the demo (c->zone set) only names under the lab's zone are
 * served; a bare scenario name stands for its domain. */
int tui_prompt_domain(const struct tui_config *c, const char *typed, char *out, size_t outn,
                      char *err, size_t errn);

#endif
