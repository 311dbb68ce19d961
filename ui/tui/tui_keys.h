/* tui_keys - the one key table: key codes to actions, which actions work on which screen,
 * and the help, the footer hints and the man page's key list generated from it.
 *
 * Contract: tui_keys_action maps a curses key (a character or a KEY_* code) to an action.
 * The sections say, per screen, which actions work there and what they do; tui.c ignores an
 * action that tui_keys_works denies, so the help (?), the footer hints (tui_keys_hints) and
 * the man page (a unit test compares it) cannot offer a key that does nothing. Pure apart
 * from curses' KEY_* constants. */
#ifndef MXRAY_TUI_KEYS_H
#define MXRAY_TUI_KEYS_H
#include <stdbool.h>
#include "tui_text.h"

enum tui_action {
    TA_NONE,
    TA_UP, TA_DOWN, TA_PGUP, TA_PGDN, TA_HOME, TA_END,
    TA_ENTER,    /* drill in: detail, certificate */
    TA_BACK,     /* close the current view; at the tree root, back to the picker */
    TA_TAB,      /* switch pane */
    TA_RERUN, TA_NEW, TA_EXPORT, TA_MATRIX, TA_LEARN,
    TA_PEM, TA_WRITE, TA_PREV_CERT, TA_NEXT_CERT,
    TA_PICKER,   /* back to the scenario picker (demo) */
    TA_PLAN,     /* migration plan for a typed target */
    TA_HELP, TA_REDRAW, TA_QUIT,
    TA_COUNT
};

/* What the user looks at; each takes its own keys. */
enum tui_screen {
    TS_PICKER,  /* mxray demo's scenario list */
    TS_TREE,    /* the walk-through, tree pane focused */
    TS_DETAIL,  /* the walk-through, detail pane focused */
    TS_CERT,    /* one certificate in full */
    TS_PEM,     /* its PEM (p) */
    TS_MATRIX, TS_LEARN, TS_HELP,
    TS_PLAN,    /* the migration plan (P) */
    TS_COUNT
};
#define TS_BIT(s) (1u << (s))

struct tui_key {
    int key;             /* character or KEY_* */
    const char *name;    /* shown in help: "j", "Down", "Enter" */
    enum tui_action action;
};

/* One action as a section documents it; fkey/word make its footer hint (NULL: none), prio
 * orders the hints (lower first: they are dropped from the end when the footer is full). */
struct tui_key_use {
    enum tui_action action;
    const char *help;
    int prio;
    const char *fkey, *word;
};

struct tui_key_section {
    const char *title;     /* as in the help and the man page */
    unsigned screens;      /* TS_BIT()s where these actions work */
    bool needs_report;     /* only once a diagnosis exists */
    const struct tui_key_use *uses;
    size_t n;
};

struct tui_hint {
    const char *key, *word;
};

enum tui_action tui_keys_action(int key);
/* tui_keys_table - the table and its length. */
const struct tui_key *tui_keys_table(size_t *n);
/* tui_keys_names - "j k Down" style list of every key of action (static buffer). */
const char *tui_keys_names(enum tui_action a);
/* tui_keys_sections - the sections, in the order the help shows them. */
const struct tui_key_section *tui_keys_sections(size_t *n);
/* tui_keys_works - whether action a does something on screen s. */
bool tui_keys_works(enum tui_screen s, enum tui_action a, bool has_report);
/* tui_keys_hints - the footer hints of screen s, most useful first; returns how many. b (the
 * picker) only when demo. */
size_t tui_keys_hints(enum tui_screen s, bool has_report, bool demo, struct tui_hint *out,
                      size_t max);
/* The lesson's keys (mxray lesson; E also in mxray demo --editable). tui_lesson_key takes
 * them before the table above, so they are documented here, not bound there. */
#define TUI_LESSON_SECTION "Lesson (mxray lesson; E also in mxray demo --editable)"
struct tui_key_note {
    const char *names; /* "1 2 3 4" */
    const char *help;
};
const struct tui_key_note *tui_keys_lesson(size_t *n);

/* tui_keys_help - every section: its title, then one line per action: keys, what it does;
 * the section of screen from first (TS_COUNT: the man page's order), then the lesson's keys
 * (first of all when lesson: the help opened in a class), the domain prompt's keys
 * (tui_prompt) last. */
void tui_keys_help(struct tui_lines *out, enum tui_screen from, bool lesson);

#endif
