/* tui_keys - the key table (nnn bindings[], htop Action_setBindings) and help from it. */
#include "tui_keys.h"
#include <curses.h>
#include <stdio.h>
#include <string.h>

#define CTRL(c) ((c) & 0x1f)

static const struct tui_key keys[] = {
    {KEY_UP, "Up", TA_UP, "move up"},
    {'k', "k", TA_UP, NULL},
    {KEY_DOWN, "Down", TA_DOWN, "move down"},
    {'j', "j", TA_DOWN, NULL},
    {KEY_PPAGE, "PgUp", TA_PGUP, "scroll the detail up a page"},
    {KEY_NPAGE, "PgDn", TA_PGDN, "scroll the detail down a page"},
    {' ', "Space", TA_PGDN, NULL},
    {KEY_HOME, "Home", TA_HOME, "first row"},
    {'g', "g", TA_HOME, NULL},
    {KEY_END, "End", TA_END, "last row"},
    {'G', "G", TA_END, NULL},
    {'\n', "Enter", TA_ENTER, "drill in: open the detail, a certificate"},
    {KEY_ENTER, "Enter", TA_ENTER, NULL},
    {KEY_RIGHT, "Right", TA_ENTER, NULL},
    {'l', "l", TA_ENTER, NULL},
    {27, "Esc", TA_BACK, "back (at the tree root: back to the picker)"},
    {KEY_BACKSPACE, "Backspace", TA_BACK, NULL},
    {127, "Backspace", TA_BACK, NULL},
    {KEY_LEFT, "Left", TA_BACK, NULL},
    {'h', "h", TA_BACK, NULL},
    {'\t', "Tab", TA_TAB, "switch pane (tree / detail)"},
    {'r', "r", TA_RERUN, "re-run the diagnosis"},
    {'n', "n", TA_NEW, "diagnose a new domain (Up/Down: history)"},
    {'e', "e", TA_EXPORT, "export: j JSON, m Markdown, t text"},
    {'m', "m", TA_MATRIX, "matrix: addresses x stages, live"},
    {'L', "L", TA_LEARN, "learn: what this step is in MTA-STS"},
    {'p', "p", TA_PEM, "certificate: show / hide the PEM"},
    {'w', "w", TA_WRITE, "certificate: write PEM + fingerprints to a file"},
    {'[', "[", TA_PREV_CERT, "certificate: previous in the chain"},
    {']', "]", TA_NEXT_CERT, "certificate: next in the chain"},
    {'b', "b", TA_PICKER, "back to the scenario picker (demo)"},
    {'P', "P", TA_PLAN, "plan a migration: type the new MX hosts (or: remove); w saves a policy"},
    {'?', "?", TA_HELP, "this help"},
    {KEY_F(1), "F1", TA_HELP, NULL},
    {CTRL('l'), "Ctrl-L", TA_REDRAW, "redraw the screen"},
    {'q', "q", TA_QUIT, "close the open view; quit at the top"},
};

const struct tui_key *tui_keys_table(size_t *n)
{
    *n = sizeof keys / sizeof keys[0];
    return keys;
}

enum tui_action tui_keys_action(int key)
{
    if (key == '\r')
        key = '\n';
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (keys[i].key == key)
            return keys[i].action;
    return TA_NONE;
}

/* named_before - Enter and Backspace have two codes each; name them once. */
static bool named_before(size_t i)
{
    for (size_t j = 0; j < i; j++)
        if (keys[j].action == keys[i].action && strcmp(keys[j].name, keys[i].name) == 0)
            return true;
    return false;
}

const char *tui_keys_names(enum tui_action a)
{
    static char buf[128];
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (keys[i].action != a)
            continue;
        if (named_before(i))
            continue;
        int w = snprintf(buf + len, sizeof buf - len, "%s%s", len ? " " : "", keys[i].name);
        if (w < 0 || (size_t)w >= sizeof buf - len)
            break;
        len += (size_t)w;
    }
    return buf;
}

void tui_keys_help(struct tui_lines *out)
{
    tui_lines_add(out, TR_TITLE, 0, "mxray keys (q or Esc closes this help)");
    tui_lines_add(out, TR_NORMAL, 0, "%s", "");
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (!keys[i].help)
            continue;
        tui_lines_add(out, TR_NORMAL, 2, "%-22s %s", tui_keys_names(keys[i].action), keys[i].help);
    }
    tui_lines_add(out, TR_NORMAL, 0, "%s", "");
    tui_lines_add(out, TR_DIM, 2, "Mouse: a click selects a row or focuses the detail pane.");
    tui_lines_add(out, TR_DIM, 2, "States: pass, warn, fail, running, waiting, and n/a (not applicable:");
    tui_lines_add(out, TR_DIM, 2, "the step could not run because an earlier one failed) - n/a is not a failure.");
}
