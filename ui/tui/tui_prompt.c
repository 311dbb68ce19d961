/* tui_prompt - line editing, horizontal scrolling and domain acceptance (see tui_prompt.h).
 *
 * Widths come from tui_text (wcwidth in the locale); the cursor and the scroll offset only
 * ever rest on the first byte of a UTF-8 sequence, so an edit never splits a character. */
#include "tui_prompt.h"
#include "tui_text.h"
#include "domain.h"
#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define CTRL(c) ((c)&0x1f)

/* The keys, as a shell's readline (emacs mode) has them; a character not listed is typed. */
static const struct {
    bool is_key; /* a KEY_* code, not a character */
    int code;
    const char *name;
    enum tui_edit edit;
} edit_keys[] = {
    {false, '\n', "Enter", TE_SUBMIT},
    {false, '\r', "Enter", TE_SUBMIT},
    {true, KEY_ENTER, "Enter", TE_SUBMIT}, /* the keypad's */
    {false, 27, "Esc", TE_CANCEL},
    {false, CTRL('g'), "Ctrl-G", TE_CANCEL},
    {true, KEY_UP, "Up", TE_HIST_PREV},
    {false, CTRL('p'), "Ctrl-P", TE_HIST_PREV},
    {true, KEY_DOWN, "Down", TE_HIST_NEXT},
    {false, CTRL('n'), "Ctrl-N", TE_HIST_NEXT},
    {true, KEY_LEFT, "Left", TE_LEFT},
    {false, CTRL('b'), "Ctrl-B", TE_LEFT},
    {true, KEY_RIGHT, "Right", TE_RIGHT},
    {false, CTRL('f'), "Ctrl-F", TE_RIGHT},
    {true, KEY_HOME, "Home", TE_HOME},
    {false, CTRL('a'), "Ctrl-A", TE_HOME},
    {true, KEY_END, "End", TE_END},
    {false, CTRL('e'), "Ctrl-E", TE_END},
    {true, KEY_BACKSPACE, "Backspace", TE_BACKSPACE},
    {false, 127, "Backspace", TE_BACKSPACE},
    {false, CTRL('h'), "Ctrl-H", TE_BACKSPACE},
    {true, KEY_DC, "Delete", TE_DELETE},
    {false, CTRL('d'), "Ctrl-D", TE_DELETE},
    {false, CTRL('u'), "Ctrl-U", TE_KILL_START},
    {false, CTRL('k'), "Ctrl-K", TE_KILL_END},
    {false, CTRL('w'), "Ctrl-W", TE_KILL_WORD},
};

static const struct tui_edit_help edit_helps[] = {
    {TE_SUBMIT, "diagnose the name typed (inside mxray demo: a scenario's name will do)"},
    {TE_CANCEL, "cancel"},
    {TE_HIST_PREV, "the previous name diagnosed (history)"},
    {TE_HIST_NEXT, "the next name diagnosed"},
    {TE_LEFT, "cursor left"},
    {TE_RIGHT, "cursor right"},
    {TE_HOME, "cursor to the start"},
    {TE_END, "cursor to the end"},
    {TE_BACKSPACE, "delete the character before the cursor"},
    {TE_DELETE, "delete the character under the cursor"},
    {TE_KILL_START, "delete from the start to the cursor (clears the line)"},
    {TE_KILL_END, "delete from the cursor to the end"},
    {TE_KILL_WORD, "delete the label (or word) before the cursor"},
};

enum tui_edit tui_edit_of(bool is_key, wint_t wc)
{
    for (size_t i = 0; i < sizeof edit_keys / sizeof edit_keys[0]; i++)
        if (edit_keys[i].is_key == is_key && (wint_t)edit_keys[i].code == wc)
            return edit_keys[i].edit;
    if (!is_key && wc >= 0x20 && wc != 0x7f && !(wc >= 0x80 && wc < 0xa0))
        return TE_INSERT;
    return TE_NONE;
}

const struct tui_edit_help *tui_edit_helps(size_t *n)
{
    *n = sizeof edit_helps / sizeof edit_helps[0];
    return edit_helps;
}

const char *tui_edit_names(enum tui_edit e)
{
    static char buf[96];
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof edit_keys / sizeof edit_keys[0]; i++) {
        if (edit_keys[i].edit != e || (len && strstr(buf, edit_keys[i].name)))
            continue; /* Enter and Backspace have several codes: name them once */
        int w = snprintf(buf + len, sizeof buf - len, "%s%s", len ? " " : "", edit_keys[i].name);
        if (w < 0 || (size_t)w >= sizeof buf - len)
            break;
        len += (size_t)w;
    }
    return buf;
}

static bool is_cont(char c)
{
    return ((unsigned char)c & 0xC0) == 0x80;
}

static bool is_sep(char c)
{
    return c == ' ' || c == '.';
}

static size_t prev_char(const struct tui_edit_line *l, size_t i)
{
    if (i == 0)
        return 0;
    i--;
    while (i > 0 && is_cont(l->buf[i]))
        i--;
    return i;
}

static size_t next_char(const struct tui_edit_line *l, size_t i)
{
    if (i >= l->len)
        return l->len;
    i++;
    while (i < l->len && is_cont(l->buf[i]))
        i++;
    return i;
}

/* cut - remove bytes [a, b) and put the cursor at a. */
static bool cut(struct tui_edit_line *l, size_t a, size_t b)
{
    if (a >= b)
        return false;
    memmove(l->buf + a, l->buf + b, l->len - b + 1);
    l->len -= b - a;
    l->cur = a;
    return true;
}

static bool insert(struct tui_edit_line *l, wint_t wc)
{
    char mb[MB_LEN_MAX];
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t n = wcrtomb(mb, (wchar_t)wc, &st);
    if (n == (size_t)-1 || n == 0 || l->len + n >= sizeof l->buf)
        return false;
    memmove(l->buf + l->cur + n, l->buf + l->cur, l->len - l->cur + 1);
    memcpy(l->buf + l->cur, mb, n);
    l->len += n;
    l->cur += n;
    return true;
}

bool tui_edit_apply(struct tui_edit_line *l, enum tui_edit e, wint_t wc)
{
    size_t k;
    switch (e) {
    case TE_INSERT:
        return tui_edit_of(false, wc) == TE_INSERT && insert(l, wc);
    case TE_BACKSPACE:
        return cut(l, prev_char(l, l->cur), l->cur);
    case TE_DELETE: {
        size_t at = l->cur;
        bool changed = cut(l, at, next_char(l, at));
        l->cur = at;
        return changed;
    }
    case TE_LEFT:
        l->cur = prev_char(l, l->cur);
        return false;
    case TE_RIGHT:
        l->cur = next_char(l, l->cur);
        return false;
    case TE_HOME:
        l->cur = 0;
        return false;
    case TE_END:
        l->cur = l->len;
        return false;
    case TE_KILL_START:
        return cut(l, 0, l->cur);
    case TE_KILL_END: {
        size_t at = l->cur;
        bool changed = cut(l, at, l->len);
        l->cur = at;
        return changed;
    }
    case TE_KILL_WORD: /* as readline, with the dot as a separator too: one label at a time */
        k = l->cur;
        while (k > 0 && is_sep(l->buf[k - 1]))
            k--;
        while (k > 0 && !is_sep(l->buf[k - 1]))
            k--;
        return cut(l, k, l->cur);
    default:
        return false;
    }
}

void tui_edit_set(struct tui_edit_line *l, const char *s)
{
    snprintf(l->buf, sizeof l->buf, "%s", s);
    l->len = strlen(l->buf);
    while (l->len > 0 && is_cont(l->buf[l->len - 1])) /* a sequence cut by the copy */
        l->len--;
    l->buf[l->len] = '\0';
    l->cur = l->len;
    l->off = 0;
}

/* width_of - display columns of bytes [a, b). */
static int width_of(const struct tui_edit_line *l, size_t a, size_t b)
{
    char tmp[TUI_PROMPT_MAX];
    memcpy(tmp, l->buf + a, b - a);
    tmp[b - a] = '\0';
    return tui_text_width(tmp);
}

void tui_edit_view(struct tui_edit_line *l, int cols, struct tui_edit_view *v)
{
    memset(v, 0, sizeof *v);
    if (cols < 4) { /* no room to scroll usefully: show the end */
        l->off = l->cur;
        v->from = v->to = l->cur;
        return;
    }
    if (l->off > l->cur)
        l->off = l->cur;
    if (width_of(l, 0, l->len) <= cols - 2) /* everything fits, the cursor after it */
        l->off = 0;
    /* room left of the cursor: the left marker, the cursor cell and a right marker aside */
    for (;;) {
        int lead = l->off > 0;
        if (width_of(l, l->off, l->cur) <= cols - lead - 2 || l->off >= l->cur)
            break;
        l->off = next_char(l, l->off);
    }
    v->lead = l->off > 0;
    v->more_left = v->lead;
    v->from = l->off;
    v->cursor_col = v->lead + width_of(l, l->off, l->cur);
    int room = cols - v->lead;
    if (width_of(l, l->off, l->len) > room - (l->cur == l->len)) /* the cursor cell at the end */
        room--, v->more_right = true;
    size_t to = l->off;
    int used = 0;
    while (to < l->len) {
        size_t nx = next_char(l, to);
        int w = width_of(l, to, nx);
        if (used + w > room)
            break;
        used += w;
        to = nx;
    }
    v->to = to;
}

/* under_zone - name is zone or ends in ".zone". */
static bool under_zone(const char *name, const char *zone)
{
    size_t n = strlen(name), z = strlen(zone);
    if (n == z)
        return strcasecmp(name, zone) == 0;
    return n > z && name[n - z - 1] == '.' && strcasecmp(name + n - z, zone) == 0;
}

int tui_prompt_domain(const struct tui_config *c, const char *typed, char *out, size_t outn,
                      char *err, size_t errn)
{
    for (size_t i = 0; c->zone && i < c->nchoices; i++) /* a scenario's name stands for it */
        if (c->choices[i].name && c->choices[i].domain && !strcmp(typed, c->choices[i].name))
            typed = c->choices[i].domain;
    if (domain_normalize(typed, out, outn, err, errn) != 0)
        return -1;
    if (c->zone && !under_zone(out, c->zone)) {
        char names[160] = "";
        size_t len = 0;
        for (size_t i = 0; i < c->nchoices && i < 3; i++) {
            int w = snprintf(names + len, sizeof names - len, "%s, ", c->choices[i].name);
            if (w < 0 || (size_t)w >= sizeof names - len)
                break;
            len += (size_t)w;
        }
        snprintf(err, errn,
                 "the demo serves only *.%s, not %.60s%s: type a scenario's name (%s...), or "
                 "Esc, then b to pick one",
                 c->zone, out, strlen(out) > 60 ? "..." : "", names);
        return -1;
    }
    return 0;
}
