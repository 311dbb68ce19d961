/* tui_keys - the key table (nnn bindings[], htop Action_setBindings), the sections saying
 * which actions work where, and the help and footer hints generated from them. */
#include "tui_keys.h"
#include "tui_prompt.h"
#include <curses.h>
#include <stdio.h>
#include <string.h>

#define CTRL(c) ((c) & 0x1f)
#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct tui_key keys[] = {
    {KEY_UP, "Up", TA_UP},
    {'k', "k", TA_UP},
    {KEY_DOWN, "Down", TA_DOWN},
    {'j', "j", TA_DOWN},
    {KEY_PPAGE, "PgUp", TA_PGUP},
    {KEY_NPAGE, "PgDn", TA_PGDN},
    {' ', "Space", TA_PGDN},
    {KEY_HOME, "Home", TA_HOME},
    {'g', "g", TA_HOME},
    {KEY_END, "End", TA_END},
    {'G', "G", TA_END},
    {'\n', "Enter", TA_ENTER},
    {KEY_ENTER, "Enter", TA_ENTER},
    {KEY_RIGHT, "Right", TA_ENTER},
    {'l', "l", TA_ENTER},
    {27, "Esc", TA_BACK},
    {KEY_BACKSPACE, "Backspace", TA_BACK},
    {127, "Backspace", TA_BACK},
    {KEY_LEFT, "Left", TA_BACK},
    {'h', "h", TA_BACK},
    {'\t', "Tab", TA_TAB},
    {'r', "r", TA_RERUN},
    {'n', "n", TA_NEW},
    {'e', "e", TA_EXPORT},
    {'m', "m", TA_MATRIX},
    {'L', "L", TA_LEARN},
    {'p', "p", TA_PEM},
    {'w', "w", TA_WRITE},
    {'[', "[", TA_PREV_CERT},
    {']', "]", TA_NEXT_CERT},
    {'b', "b", TA_PICKER},
    {'P', "P", TA_PLAN},
    {'?', "?", TA_HELP},
    {KEY_F(1), "F1", TA_HELP},
    {CTRL('l'), "Ctrl-L", TA_REDRAW},
    {'q', "q", TA_QUIT},
};

/* ---- which actions work where: the one source of the help, the footer and the dispatch ---- */

static const struct tui_key_use everywhere[] = {
    {TA_HELP, "this help (again, or q or Esc, closes it)", 1, "?", "help"},
    {TA_QUIT, "close what is open (PEM, certificate, matrix, learn, help, the detail pane); "
              "quit from the tree or the picker", 2, "q", "quit"},
    {TA_NEW, "diagnose another domain: a prompt, its keys below", 30, "n", "new"},
    {TA_REDRAW, "redraw the screen", 0, NULL, NULL},
};

static const struct tui_key_use diagnosed[] = {
    {TA_RERUN, "re-run the diagnosis of this domain", 20, "r", "re-run"},
    {TA_EXPORT, "export the report: then j JSON, m Markdown, t plain text", 21, "e", "export"},
    {TA_MATRIX, "matrix: every MX address x every stage, live (m again closes it)", 22, "m",
     "matrix"},
    {TA_LEARN, "learn: what the selected step is in MTA-STS (L again closes it)", 23, "L",
     "learn"},
    {TA_PICKER, "back to the scenario picker (mxray demo)", 31, "b", "scenarios"},
    {TA_PLAN, "plan a migration: type the new MX hosts (or: remove), then the steps", 24, "P",
     "plan"},
};

static const struct tui_key_use picker[] = {
    {TA_UP, "previous scenario", 0, NULL, NULL},
    {TA_DOWN, "next scenario", 4, "j/k", "move"},
    {TA_PGUP, "a page up", 0, NULL, NULL},
    {TA_PGDN, "a page down", 0, NULL, NULL},
    {TA_HOME, "first scenario", 0, NULL, NULL},
    {TA_END, "last scenario", 0, NULL, NULL},
    {TA_ENTER, "diagnose the highlighted scenario", 3, "Enter", "start"},
};

static const struct tui_key_use tree[] = {
    {TA_UP, "previous row (step, MX host, address, certificate)", 0, NULL, NULL},
    {TA_DOWN, "next row", 0, NULL, NULL},
    {TA_HOME, "first row", 0, NULL, NULL},
    {TA_END, "last row", 0, NULL, NULL},
    {TA_PGUP, "scroll the detail pane up a page", 0, NULL, NULL},
    {TA_PGDN, "scroll the detail pane down a page", 0, NULL, NULL},
    {TA_ENTER, "open: the detail pane, or on a policy, TLS or certificate row the certificate",
     3, "Enter", "open"},
    {TA_TAB, "switch to the detail pane", 4, "Tab", "detail"},
    {TA_BACK, "back to the scenario picker (mxray demo)", 0, NULL, NULL},
};

static const struct tui_key_use detail[] = {
    {TA_UP, "scroll up a line", 0, NULL, NULL},
    {TA_DOWN, "scroll down a line", 4, "j/k", "scroll"},
    {TA_PGUP, "scroll up a page", 0, NULL, NULL},
    {TA_PGDN, "scroll down a page", 0, NULL, NULL},
    {TA_HOME, "top", 0, NULL, NULL},
    {TA_END, "bottom", 0, NULL, NULL},
    {TA_ENTER, "on a policy, TLS or certificate row: open the certificate", 0, NULL, NULL},
    {TA_TAB, "back to the tree", 0, NULL, NULL},
    {TA_BACK, "back to the tree", 2, "Esc", "tree"},
};

static const struct tui_key_use cert[] = {
    {TA_UP, "scroll up a line", 0, NULL, NULL},
    {TA_DOWN, "scroll down a line", 7, "j/k", "scroll"},
    {TA_PGUP, "scroll up a page", 0, NULL, NULL},
    {TA_PGDN, "scroll down a page", 0, NULL, NULL},
    {TA_HOME, "top", 0, NULL, NULL},
    {TA_END, "bottom", 0, NULL, NULL},
    {TA_PEM, "show the PEM over the whole screen, unwrapped, for copying", 3, "p", "PEM"},
    {TA_WRITE, "write the PEM and fingerprints to a file in the current directory", 4, "w",
     "save"},
    {TA_PREV_CERT, "previous certificate of the chain (towards the leaf)", 0, NULL, NULL},
    {TA_NEXT_CERT, "next certificate of the chain (towards the root)", 5, "[/]", "chain"},
    {TA_BACK, "back to the walk-through", 2, "Esc", "back"},
};

static const struct tui_key_use pem[] = {
    {TA_UP, "scroll up a line", 0, NULL, NULL},
    {TA_DOWN, "scroll down a line", 7, "j/k", "scroll"},
    {TA_PGUP, "scroll up a page", 0, NULL, NULL},
    {TA_PGDN, "scroll down a page", 0, NULL, NULL},
    {TA_HOME, "top", 0, NULL, NULL},
    {TA_END, "bottom", 0, NULL, NULL},
    {TA_PEM, "back to the certificate's fields", 0, NULL, NULL},
    {TA_WRITE, "write the PEM and fingerprints to a file in the current directory", 4, "w",
     "save"},
    {TA_PREV_CERT, "the PEM of the previous certificate of the chain", 0, NULL, NULL},
    {TA_NEXT_CERT, "the PEM of the next certificate of the chain", 5, "[/]", "chain"},
    {TA_BACK, "back to the certificate's fields", 2, "Esc", "back"},
};

static const struct tui_key_use pages[] = {
    {TA_UP, "scroll up a line", 0, NULL, NULL},
    {TA_DOWN, "scroll down a line", 7, "j/k", "scroll"},
    {TA_PGUP, "scroll up a page", 0, NULL, NULL},
    {TA_PGDN, "scroll down a page", 0, NULL, NULL},
    {TA_HOME, "top", 0, NULL, NULL},
    {TA_END, "bottom", 0, NULL, NULL},
    {TA_BACK, "close", 2, "Esc", "close"},
};

static const struct tui_key_note lesson_keys[] = {
    {"1 2 3 4", "answer the case's question (before the answer nothing on screen judges)"},
    {"a", "the answer again, once given"},
    {"n", "the next case, once answered; after the last one, the score"},
    {"q", "on the score: end the class"},
    {"E", "fix-it: edit what the domain publishes in $VISUAL or $EDITOR, then check it again "
          "(a fix-it case, or mxray demo --editable)"},
};

static const struct tui_key_use plan_keys[] = {
    {TA_UP, "previous step", 0, NULL, NULL},
    {TA_DOWN, "next step (the selected one shows what to publish and why)", 4, "j/k", "step"},
    {TA_PGUP, "scroll up a page", 0, NULL, NULL},
    {TA_PGDN, "scroll down a page", 0, NULL, NULL},
    {TA_HOME, "first step", 0, NULL, NULL},
    {TA_END, "last step", 0, NULL, NULL},
    {TA_WRITE, "write the selected step's policy file, as published, to the current directory",
     3, "w", "save policy"},
    {TA_BACK, "back to the walk-through", 2, "Esc", "back"},
};

#define ALL_SCREENS (TS_BIT(TS_COUNT) - 1)
static const struct tui_key_section sections[] = {
    {"Everywhere", ALL_SCREENS, false, everywhere, N(everywhere)},
    {"Once a domain is diagnosed (every screen but the picker)", ALL_SCREENS & ~TS_BIT(TS_PICKER),
     true, diagnosed, N(diagnosed)},
    {"Scenario picker (mxray demo)", TS_BIT(TS_PICKER), false, picker, N(picker)},
    {"Walk-through, tree pane", TS_BIT(TS_TREE), false, tree, N(tree)},
    {"Walk-through, detail pane (Tab or a click)", TS_BIT(TS_DETAIL), false, detail, N(detail)},
    {"Certificate (Enter on a policy, TLS or certificate row)", TS_BIT(TS_CERT), false, cert,
     N(cert)},
    {"PEM (p in a certificate)", TS_BIT(TS_PEM), false, pem, N(pem)},
    {"Matrix (m), learn (L) and help (?)", TS_BIT(TS_MATRIX) | TS_BIT(TS_LEARN) | TS_BIT(TS_HELP),
     false, pages, N(pages)},
    {"Migration plan (P)", TS_BIT(TS_PLAN), false, plan_keys, N(plan_keys)},
};

const struct tui_key *tui_keys_table(size_t *n)
{
    *n = N(keys);
    return keys;
}

const struct tui_key_section *tui_keys_sections(size_t *n)
{
    *n = N(sections);
    return sections;
}

const struct tui_key_note *tui_keys_lesson(size_t *n)
{
    *n = N(lesson_keys);
    return lesson_keys;
}

enum tui_action tui_keys_action(int key)
{
    if (key == '\r')
        key = '\n';
    for (size_t i = 0; i < N(keys); i++)
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
    for (size_t i = 0; i < N(keys); i++) {
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

/* use_of - how action a is documented on screen s, or NULL when it does nothing there. */
static const struct tui_key_use *use_of(enum tui_screen s, enum tui_action a, bool has_report)
{
    for (size_t i = 0; i < N(sections); i++) {
        const struct tui_key_section *sec = &sections[i];
        if (!(sec->screens & TS_BIT(s)) || (sec->needs_report && !has_report))
            continue;
        for (size_t k = 0; k < sec->n; k++)
            if (sec->uses[k].action == a)
                return &sec->uses[k];
    }
    return NULL;
}

bool tui_keys_works(enum tui_screen s, enum tui_action a, bool has_report)
{
    return a != TA_NONE && use_of(s, a, has_report) != NULL;
}

size_t tui_keys_hints(enum tui_screen s, bool has_report, bool demo, struct tui_hint *out,
                      size_t max)
{
    size_t n = 0;
    for (int prio = 1; prio <= 40 && n < max; prio++) {
        for (int a = TA_NONE + 1; a < TA_COUNT && n < max; a++) {
            const struct tui_key_use *u = use_of(s, (enum tui_action)a, has_report);
            if (!u || u->prio != prio || !u->word)
                continue;
            if (a == TA_PICKER && !demo)
                continue;
            if (a == TA_QUIT && s != TS_PICKER && s != TS_TREE)
                continue; /* there Esc (back, close) is the hint; q does the same */
            out[n++] = (struct tui_hint){u->fkey, u->word};
        }
    }
    return n;
}

static void help_section(struct tui_lines *out, const struct tui_key_section *sec, bool here)
{
    tui_lines_add(out, TR_NORMAL, 0, "%s", "");
    tui_lines_add(out, here ? TR_TITLE : TR_BOLD, 0, "%s%s", sec->title, here ? " - here" : "");
    for (size_t k = 0; k < sec->n; k++)
        tui_lines_add(out, TR_NORMAL, 2, "%-22s %s", tui_keys_names(sec->uses[k].action),
                      sec->uses[k].help);
}

static void help_lesson(struct tui_lines *out, bool here)
{
    tui_lines_add(out, TR_NORMAL, 0, "%s", "");
    tui_lines_add(out, here ? TR_TITLE : TR_BOLD, 0, "%s%s", TUI_LESSON_SECTION,
                  here ? " - here" : "");
    for (size_t k = 0; k < N(lesson_keys); k++)
        tui_lines_add(out, TR_NORMAL, 2, "%-22s %s", lesson_keys[k].names, lesson_keys[k].help);
}

void tui_keys_help(struct tui_lines *out, enum tui_screen from, bool lesson)
{
    tui_lines_add(out, TR_TITLE, 0, "mxray keys (q or Esc closes this help)");
    if (lesson)
        help_lesson(out, true);
    /* the keys of the screen the help was opened from first, then the rest in order */
    for (size_t i = 0; i < N(sections); i++)
        if (from < TS_COUNT && sections[i].screens == TS_BIT(from))
            help_section(out, &sections[i], true);
    for (size_t i = 0; i < N(sections); i++)
        if (from >= TS_COUNT || sections[i].screens != TS_BIT(from))
            help_section(out, &sections[i], false);
    if (!lesson)
        help_lesson(out, false);
    tui_lines_add(out, TR_NORMAL, 0, "%s", "");
    tui_lines_add(out, TR_BOLD, 0, "%s", TUI_EDIT_SECTION);
    size_t n;
    const struct tui_edit_help *h = tui_edit_helps(&n);
    for (size_t i = 0; i < n; i++)
        tui_lines_add(out, TR_NORMAL, 2, "%-22s %s", tui_edit_names(h[i].edit), h[i].help);
    tui_lines_add(out, TR_NORMAL, 0, "%s", "");
    tui_lines_add(out, TR_DIM, 2, "Mouse: a click selects a row or focuses the detail pane.");
    tui_lines_add(out, TR_DIM, 2, "States: pass, warn, fail, running, waiting, and n/a (not applicable:");
    tui_lines_add(out, TR_DIM, 2, "the step could not run because an earlier one failed) - n/a is not a failure.");
}
