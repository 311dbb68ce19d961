/* tui_keys - the one key table: key codes to actions, and the help generated from it.
 *
 * Contract: tui_keys_action maps a curses key (a character or a KEY_* code) to an action;
 * the help screen and the footer hints are generated from the same table, so they cannot
 * drift from what the keys do. Pure apart from curses' KEY_* constants. */
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

struct tui_key {
    int key;             /* character or KEY_* */
    const char *name;    /* shown in help: "j", "Down", "Enter" */
    enum tui_action action;
    const char *help;    /* one line; the first key of an action carries it */
};

enum tui_action tui_keys_action(int key);
/* tui_keys_table - the table and its length. */
const struct tui_key *tui_keys_table(size_t *n);
/* tui_keys_names - "j k Down" style list of every key of action (static buffer). */
const char *tui_keys_names(enum tui_action a);
/* tui_keys_help - one line per action: keys, then what it does. */
void tui_keys_help(struct tui_lines *out);

#endif
