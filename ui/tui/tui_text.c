/* tui_text - role-tagged lines, width-aware cropping and wrapping, state symbols.
 *
 * Contract: see tui_text.h. Decoding uses mbrtowc in the current locale; a failed decode
 * consumes one byte and counts one column, so malformed input can neither hang nor overflow. */
#include "tui_text.h"
#include "escape.h"
#include "present.h"
#include "xalloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tui_lines_addn(struct tui_lines *l, enum tui_role role, int indent, const char *text)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
    }
    /* Outside a UTF-8 locale every non-ASCII byte is shown as \xHH (escape.h): the bytes of
     * a UTF-8 character mean something else there (0x9b is an 8-bit CSI). */
    text = text ? text : "-";
    l->v[l->n].text = escape_terminal_utf8() ? xstrdup(text)
                                             : escape_to_ascii(text, strlen(text), NULL);
    l->v[l->n].role = role;
    l->v[l->n].indent = indent < 0 ? 0 : indent;
    l->n++;
}

void tui_lines_add(struct tui_lines *l, enum tui_role role, int indent, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    tui_lines_addn(l, role, indent, s);
    free(s);
}

void tui_lines_clear(struct tui_lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].text);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

/* next_char - decode one character at s: returns bytes consumed (>= 1), the character
 * (or '?' when undecodable or unprintable) and its width (>= 0). */
static size_t next_char(const char *s, wchar_t *wc, int *w)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t n = mbrtowc(wc, s, MB_CUR_MAX, &st);
    if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
        *wc = L'?';
        *w = 1;
        return 1;
    }
    int cw = wcwidth(*wc);
    if (cw < 0) { /* control or unprintable: never reaches the terminal */
        *wc = L'?';
        cw = 1;
    }
    *w = cw;
    return n;
}

int tui_text_width(const char *s)
{
    int total = 0;
    while (s && *s) {
        wchar_t wc;
        int w;
        s += next_char(s, &wc, &w);
        total += w;
    }
    return total;
}

size_t tui_text_fit(const char *s, int cols, int *used)
{
    size_t off = 0;
    int width = 0;
    while (s && s[off]) {
        wchar_t wc;
        int w;
        size_t n = next_char(s + off, &wc, &w);
        if (width + w > cols)
            break;
        width += w;
        off += n;
    }
    if (used)
        *used = width;
    return off;
}

int tui_text_decode(const char *s, int cols, wchar_t *out, size_t outn)
{
    size_t k = 0;
    int width = 0;
    while (s && *s && k + 1 < outn) {
        wchar_t wc;
        int w;
        size_t n = next_char(s, &wc, &w);
        if (width + w > cols)
            break;
        if (w == 0 && k == 0) { /* a combining mark with nothing to combine with */
            s += n;
            continue;
        }
        out[k++] = wc;
        width += w;
        s += n;
    }
    if (outn)
        out[k] = L'\0';
    return width;
}

/* wrap_one - append text (one logical line) wrapped to width, breaking after spaces (within a
 * long token, after ':' or '/'). */
static void wrap_one(const struct tui_line *in, int width, int hang, struct tui_lines *out)
{
    const char *s = in->text;
    int indent = in->indent;
    do {
        int avail = width - indent;
        if (avail < 8) /* too narrow to wrap usefully: let the drawing crop */
            avail = 8;
        int used;
        size_t fit = tui_text_fit(s, avail, &used);
        size_t take = fit;
        if (s[fit] != '\0') {
            /* break after the last space within the fitting part, if any */
            size_t sp = fit;
            while (sp > 0 && s[sp - 1] != ' ')
                sp--;
            if (sp > 0) {
                take = sp;
            } else if (fit == 0) {
                take = 1; /* a character wider than the line: emit it alone */
            } else { /* one long token: after a ':' or '/' in its second half if there is one,
                      * so a fingerprint breaks between bytes and a URL between its parts */
                size_t cut = fit;
                while (cut > fit / 2 && s[cut - 1] != ':' && s[cut - 1] != '/')
                    cut--;
                if (cut > fit / 2)
                    take = cut;
            }
        }
        char *piece = xstrndup(s, take);
        size_t len = strlen(piece);
        while (len > 0 && piece[len - 1] == ' ')
            piece[--len] = '\0';
        tui_lines_addn(out, in->role, indent, piece);
        free(piece);
        s += take;
        while (*s == ' ')
            s++;
        indent = in->indent + hang;
    } while (*s);
}

void tui_lines_wrap(const struct tui_lines *in, int width, int hang, struct tui_lines *out)
{
    tui_lines_clear(out);
    for (size_t i = 0; i < in->n; i++) {
        if (in->v[i].text[0] == '\0')
            tui_lines_addn(out, in->v[i].role, in->v[i].indent, "");
        else
            wrap_one(&in->v[i], width, hang, out);
    }
}

const char *tui_state_symbol(enum step_state s, bool utf8, unsigned spin)
{
    static const char *const uspin[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
    static const char *const aspin[] = {"[|] ", "[/] ", "[-] ", "[\\] "};
    switch (s) {
    case ST_WAITING: return utf8 ? "·" : "[..]";
    case ST_RUNNING: return utf8 ? uspin[spin % 10] : aspin[spin % 4];
    case ST_PASS: return utf8 ? "✓" : "[ok]";
    case ST_WARN: return utf8 ? "⚠" : "[!!]";
    case ST_FAIL: return utf8 ? "✗" : "[XX]";
    case ST_NA: return utf8 ? "⊘" : "[na]";
    }
    return "?";
}

enum tui_role tui_state_role(enum step_state s)
{
    switch (s) {
    case ST_WAITING: return TR_DIM;
    case ST_RUNNING: return TR_RUNNING;
    case ST_PASS: return TR_OK;
    case ST_WARN: return TR_WARN;
    case ST_FAIL: return TR_FAIL;
    case ST_NA: return TR_NA;
    }
    return TR_NORMAL;
}

const char *tui_state_word(enum step_state s)
{
    switch (s) {
    case ST_WAITING: return "waiting";
    case ST_RUNNING: return "running";
    case ST_PASS: return "pass";
    case ST_WARN: return "warn";
    case ST_FAIL: return "fail";
    case ST_NA: return "not applicable";
    }
    return "?";
}

char *tui_fmt_ms(int64_t ms, char *buf, size_t n)
{
    if (ms < 0) { /* never measured: a blank column, not present_ms's "unknown" */
        if (n)
            buf[0] = '\0';
        return buf;
    }
    return present_ms(ms, buf, n);
}

int64_t tui_step_ms(const struct step *s, int64_t now_ms)
{
    if (s->start_ms < 0)
        return -1;
    if (s->end_ms >= s->start_ms)
        return s->end_ms - s->start_ms;
    if (s->state == ST_RUNNING && now_ms >= s->start_ms)
        return now_ms - s->start_ms;
    return -1;
}
