/* tui_draw - all curses output of the TUI: bars, the tree and detail panes, the certificate,
 * matrix, learn, help and picker views, and the prompts.
 *
 * Contract: every string reaches the screen through put(), which decodes by the locale, crops
 * by wcwidth and replaces anything unprintable, so no control byte and no over-long text can
 * leave its box. Colours are roles; without colours (or with NO_COLOR) roles become
 * bold/reverse/dim/underline. The layout reflows from LINES/COLS on every draw. */
#include "tui_int.h"
#include "escape.h"
#include "tui_keys.h"
#include "tui_learn.h"
#include "tui_lesson.h"
#include "view_cert.h"
#include "view_detail.h"
#include "present.h"
#include "view_matrix.h"
#include "view_small.h"
#include "problem.h"
#include "xalloc.h"
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MIN_COLS 40
#define MIN_LINES 10
#define TWO_PANE_COLS 70

static attr_t role_attr[TR_ROLE_COUNT];

void tui_draw_init(struct tui *t)
{
    static const attr_t mono[TR_ROLE_COUNT] = {
        [TR_NORMAL] = A_NORMAL, [TR_DIM] = A_DIM, [TR_BOLD] = A_BOLD,
        [TR_TITLE] = A_BOLD | A_UNDERLINE, [TR_HEADER] = A_REVERSE, [TR_OK] = A_NORMAL,
        [TR_WARN] = A_BOLD, [TR_FAIL] = A_BOLD | A_UNDERLINE, [TR_NA] = A_DIM,
        [TR_RUNNING] = A_BOLD, [TR_SELECTED] = A_REVERSE, [TR_KEY] = A_BOLD,
        [TR_MARK] = A_BOLD | A_REVERSE,
    };
    memcpy(role_attr, mono, sizeof role_attr);
    t->color = !t->c->no_color && has_colors();
    if (!t->color)
        return;
    start_color();
    use_default_colors();
    static const struct { enum tui_role role; short fg, bg; attr_t extra; } pairs[] = {
        {TR_TITLE, COLOR_CYAN, -1, A_BOLD},   {TR_HEADER, COLOR_WHITE, COLOR_BLUE, A_BOLD},
        {TR_OK, COLOR_GREEN, -1, 0},          {TR_WARN, COLOR_YELLOW, -1, A_BOLD},
        {TR_FAIL, COLOR_RED, -1, A_BOLD},     {TR_RUNNING, COLOR_CYAN, -1, 0},
        {TR_KEY, COLOR_YELLOW, -1, 0},        {TR_MARK, COLOR_MAGENTA, -1, A_BOLD | A_REVERSE},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        short n = (short)(i + 1);
        if (init_pair(n, pairs[i].fg, pairs[i].bg) == OK)
            role_attr[pairs[i].role] = COLOR_PAIR(n) | pairs[i].extra;
    }
}

/* put - draw s at (y, x) in at most w columns; returns the columns used. */
static int put(int y, int x, int w, attr_t attr, const char *s)
{
    wchar_t buf[512];
    if (w <= 0 || y < 0 || y >= LINES || x >= COLS)
        return 0;
    if (x + w > COLS)
        w = COLS - x;
    char *ascii = NULL; /* outside a UTF-8 locale, non-ASCII bytes as \xHH (escape.h) */
    if (!escape_terminal_utf8() && s)
        s = ascii = escape_to_ascii(s, strlen(s), NULL);
    int used = tui_text_decode(s, w, buf, sizeof buf / sizeof buf[0]);
    free(ascii);
    attrset(attr);
    mvaddwstr(y, x, buf);
    attrset(A_NORMAL);
    return used;
}

/* put_cut - put, but a text too long for w columns ends in an ellipsis, so a cut word
 * ("senders mus") is never read as the whole. */
static int put_cut(int y, int x, int w, attr_t attr, const char *s, bool utf8)
{
    if (w <= 1 || tui_text_width(s) <= w)
        return put(y, x, w, attr, s);
    int used = put(y, x, w - 1, attr, s);
    return used + put(y, x + used, 1, attr, utf8 ? "…" : "~");
}

static int putr(int y, int x, int w, enum tui_role role, const char *s)
{
    return put(y, x, w, role_attr[role], s);
}

/* fill - blank w columns in attr (bars and the cursor row). */
static void fill(int y, int x, int w, attr_t attr)
{
    if (y < 0 || y >= LINES || w <= 0)
        return;
    if (x + w > COLS)
        w = COLS - x;
    attrset(attr);
    mvhline(y, x, ' ', w);
    attrset(A_NORMAL);
}

static enum step_state verdict_state(enum verdict v)
{
    switch (v) {
    case VERDICT_PENDING: return ST_RUNNING;
    case VERDICT_PASS: return ST_PASS;
    case VERDICT_WARN: return ST_WARN;
    case VERDICT_FAIL: return ST_FAIL;
    case VERDICT_NONE: return ST_NA;
    case VERDICT_INCOMPLETE: return ST_NA;
    }
    return ST_WAITING;
}

static void draw_header(struct tui *t)
{
    attr_t bar = role_attr[TR_HEADER];
    fill(0, 0, COLS, bar);
    int x = put(0, 0, COLS, bar | A_BOLD, " mxray ");
    const struct report *r = tui_report(t);
    if (!r || tui_top(t) == TV_PICKER) {
        put(0, x, COLS - x, bar, tui_top(t) == TV_PICKER ? " choose a scenario" : " no domain yet");
        return;
    }
    char buf[600], ms[32];
    enum verdict v = report_verdict(r);
    enum step_state vs = verdict_state(v);
    x += put(0, x, COLS - x, bar | A_BOLD, r->domain);
    x += put(0, x, COLS - x, bar, "  ");
    if (tui_lesson_hiding(t)) { /* a class: no verdict before the answer */
        put(0, x, COLS - x, bar, r->done ? "answer to see the verdict" : "checking ...");
        return;
    }
    /* the verdict right after the domain, so a narrow terminal still shows it */
    snprintf(buf, sizeof buf, "%s %s", tui_state_symbol(vs, t->utf8, t->spin), verdict_name(v));
    attr_t va = t->color ? (role_attr[tui_state_role(vs)] | A_REVERSE) : (bar | A_BOLD);
    if (vs == ST_NA || vs == ST_RUNNING)
        va = bar | A_BOLD;
    x += put(0, x, COLS - x, va, buf);
    if (tui_dane_unconfirmed(r)) { /* before the timings: it qualifies the verdict */
        x += put(0, x, COLS - x, bar, "  ");
        snprintf(buf, sizeof buf, "%s %s", tui_state_symbol(ST_WARN, t->utf8, 0),
                 TUI_DANE_UNCONFIRMED);
        x += put(0, x, COLS - x, t->color ? role_attr[TR_WARN] | A_REVERSE : bar | A_BOLD, buf);
    }
    /* "unknown" only while it is: once done, no mode means none published or none valid */
    enum sts_mode mode = report_policy_mode(r);
    const char *policy = mode != STS_MODE_UNKNOWN ? sts_mode_name(mode)
                         : !r->done                ? "pending"
                         : v == VERDICT_NONE       ? "not published"
                                                   : "no valid policy";
    snprintf(buf, sizeof buf, "  %s  policy: %s%s", tui_fmt_ms(tui_now_ms(t), ms, sizeof ms),
             policy, r->interrupted ? "  (interrupted)" : "");
    x += put(0, x, COLS - x, bar, buf);
    /* The resolver only when it fits whole: half an address misleads more than none. */
    snprintf(buf, sizeof buf, "  resolver: %s",
             t->c->resolver_desc ? t->c->resolver_desc : r->resolver ? r->resolver : "system");
    if (tui_text_width(buf) <= COLS - x)
        put(0, x, COLS - x, bar, buf);
}

/* draw_prompt - the domain prompt on row y, scrolled so the cursor shows, and above it the
 * reason the last name was refused (wrapped, at most PROMPT_ERR_ROWS rows) or how to use it. */
static void draw_prompt(struct tui *t, int y)
{
    bool plan = t->prompt == TP_PLAN;
    enum { PROMPT_ERR_ROWS = 5 };
    attr_t bar = role_attr[TR_HEADER];
    struct tui_lines in = {0}, out = {0};
    if (t->perr[0])
        tui_lines_add(&in, TR_FAIL, 0, "%s %s", tui_state_symbol(ST_FAIL, t->utf8, 0), t->perr);
    else if (plan)
        tui_lines_addn(&in, TR_DIM, 0, "the new MX hosts, space-separated, then optionally "
                                        "testing|enforce and via-testing; or: remove. Enter "
                                        "plans, Esc cancels");
    else
        tui_lines_addn(&in, TR_DIM, 0, "Enter diagnoses, Esc cancels, Up/Down: earlier names, "
                                        "Ctrl-U clears, Ctrl-A/E: start/end");
    tui_lines_wrap(&in, COLS - 2, 2, &out);
    int rows = out.n < PROMPT_ERR_ROWS ? (int)out.n : PROMPT_ERR_ROWS;
    if (rows > (y - 1) / 2) /* keep the header and half the body */
        rows = (y - 1) / 2;
    for (int i = 0; i < rows; i++) {
        const struct tui_line *l = &out.v[i];
        fill(y - rows + i, 0, COLS, A_NORMAL);
        putr(y - rows + i, 1 + l->indent, COLS - 2 - l->indent, l->role, l->text);
    }
    tui_lines_clear(&in);
    tui_lines_clear(&out);

    int x = put(y, 0, COLS, bar | A_BOLD, plan ? " Plan: " : " Domain: ");
    struct tui_edit_view v;
    tui_edit_view(&t->edit, COLS - x, &v);
    const char *more = t->utf8 ? "…" : "<";
    if (v.more_left)
        put(y, x, 1, bar | A_BOLD, more);
    char shown[TUI_PROMPT_MAX];
    memcpy(shown, t->edit.buf + v.from, v.to - v.from);
    shown[v.to - v.from] = '\0';
    put(y, x + v.lead, COLS - x - v.lead, bar, shown);
    if (v.more_right)
        put(y, COLS - 1, 1, bar | A_BOLD, t->utf8 ? "…" : ">");
    int cx = x + v.cursor_col;
    move(y, cx < COLS ? cx : COLS - 1);
}

static void draw_footer(struct tui *t)
{
    int y = LINES - 1;
    attr_t bar = role_attr[TR_HEADER];
    fill(y, 0, COLS, bar);
    if (t->prompt == TP_DOMAIN || t->prompt == TP_PLAN) {
        draw_prompt(t, y);
        return;
    }
    if (t->prompt == TP_EXPORT) {
        put(y, 0, COLS, bar | A_BOLD, " Export as: j JSON, m Markdown (tickets), t plain text - Esc cancels");
        return;
    }
    int x = 1;
    if (t->msg[0]) { /* the message first; the hints it leaves room for after it */
        x = put(y, 0, COLS, t->color ? role_attr[t->msg_role] | A_REVERSE : bar | A_BOLD, t->msg);
        x += put(y, x, COLS - x, bar, "  ");
    }
    /* this screen's keys, most useful first; a hint is drawn only when it fits whole */
    struct tui_hint hints[24];
    size_t n = tui_keys_hints(tui_screen_of(t), tui_report(t) != NULL, t->c->nchoices > 0, hints,
                              sizeof hints / sizeof hints[0]);
    for (size_t i = 0; i < n; i++) {
        int w = tui_text_width(hints[i].key) + 1 + tui_text_width(hints[i].word);
        if (x + w > COLS)
            break;
        x += put(y, x, COLS - x, bar | A_BOLD, hints[i].key);
        x += put(y, x, COLS - x, bar, " ");
        x += put(y, x, COLS - x, bar, hints[i].word);
        x += put(y, x, COLS - x, bar, "  ");
    }
}

/* draw_box - wrap in to w columns (continuations indented by hang), clamp *scroll to what
 * fits in h rows and draw from it; returns the number of wrapped lines. */
static int draw_box(const struct tui_lines *in, int hang, int y, int x, int w, int h, int *scroll)
{
    struct tui_lines wrapped = {0};
    tui_lines_wrap(in, w, hang, &wrapped);
    int total = (int)wrapped.n;
    if (*scroll > total - h)
        *scroll = total - h;
    if (*scroll < 0)
        *scroll = 0;
    for (int i = 0; i < h && *scroll + i < total; i++) {
        const struct tui_line *l = &wrapped.v[*scroll + i];
        putr(y + i, x + l->indent, w - l->indent, l->role, l->text);
    }
    tui_lines_clear(&wrapped);
    return total;
}

static void pane_title(struct tui *t, int y, int x, int w, bool focus, const char *title, int scroll,
                       int total, int h)
{
    attr_t a = focus ? role_attr[TR_SELECTED] | A_BOLD : role_attr[TR_BOLD];
    fill(y, x, w, focus ? role_attr[TR_SELECTED] : A_NORMAL);
    char pos[48] = "";
    if (total > h)
        snprintf(pos, sizeof pos, " %d-%d/%d ", scroll + 1, scroll + h < total ? scroll + h : total, total);
    int pw = tui_text_width(pos);
    if (pw && w - pw >= 12) { /* the position stays; a long title gives way (with an ellipsis) */
        put_cut(y, x, w - pw, a, title, t->utf8);
        put(y, x + w - pw, pw, a, pos);
    } else {
        put_cut(y, x, w, a, title, t->utf8);
    }
}

/* badge_fit - the DANE badge to draw beside a label of lw columns within room: the full text
 * when both fit, else the short one (the label gives way, down to a readable stub), else
 * none. Returns the columns it takes, the space before it included (0: no badge). */
static int badge_fit(const struct tui *t, const struct tui_badge *b, int lw, int room, char *buf,
                     size_t n)
{
    enum { LABEL_MIN = 12 };
    if (!b->text[0])
        return 0;
    const char *sym = b->symbol ? tui_state_symbol(b->state, t->utf8, 0) : NULL;
    snprintf(buf, n, "%s%s%s", b->text, sym ? " " : "", sym ? sym : "");
    int bw = 1 + tui_text_width(buf);
    if (lw + bw <= room)
        return bw;
    snprintf(buf, n, "%s%s%s", b->short_text, sym ? " " : "", sym ? sym : "");
    bw = 1 + tui_text_width(buf);
    return room - bw >= LABEL_MIN || lw + bw <= room ? bw : 0;
}

static void draw_tree_row(struct tui *t, const struct tui_row *row, int y, int x, int w, bool selected)
{
    enum { MS_COLS = 6 }; /* "9999ms", "12.3s", "n/a" right-aligned */
    bool focus = selected && !t->focus_detail;
    attr_t base = focus ? role_attr[TR_SELECTED] : selected ? A_BOLD : A_NORMAL;
    fill(y, x, w, base);
    char ms[32];
    if (row->state == ST_NA)
        snprintf(ms, sizeof ms, "n/a");
    else
        tui_fmt_ms(row->ms, ms, sizeof ms);
    int cx = x + put(y, x, w, base, selected && !focus ? ">" : " ");
    cx += row->depth * 2;
    const char *sym = tui_state_symbol(row->state, t->utf8, t->spin);
    attr_t sa = focus ? base : role_attr[tui_state_role(row->state)] | base;
    bool hide = tui_lesson_hiding(t) && row->state != ST_RUNNING && row->state != ST_WAITING;
    if (hide) { /* a class before the answer: a neutral mark, no colour, no badge */
        sym = t->utf8 ? "\u2022" : "*";
        sa = base;
        if (row->state == ST_NA)
            ms[0] = '\0';
    }
    cx += put(y, cx, x + w - cx, sa, sym);
    cx += put(y, cx, x + w - cx, base, " ");
    int room = x + w - cx - MS_COLS - 1 - (row->mark ? 2 : 0);
    char badge[96];
    int lw = tui_text_width(row->label);
    int bw = hide ? 0 : badge_fit(t, &row->badge, lw, room, badge, sizeof badge);
    int lroom = room - bw;
    cx += put_cut(y, cx, lroom, base, row->label, t->utf8); /* cut by the badge or the pane */
    if (row->mark)
        cx += 1 + put(y, cx + 1, 2, focus ? base : role_attr[TR_MARK], t->utf8 ? "≠" : "<>");
    if (bw)
        put(y, cx + 1, bw - 1, focus ? base : role_attr[tui_state_role(row->badge.state)], badge);
    int msw = tui_text_width(ms);
    if (msw && msw <= MS_COLS)
        put(y, x + w - msw - 1, msw, focus ? base : role_attr[TR_DIM], ms);
}

static void draw_tree(struct tui *t, int x, int w, bool focus)
{
    struct tui_layout *L = &t->lay;
    int h = L->list_h;
    if (t->sel < L->tree_top)
        L->tree_top = t->sel;
    if (h > 0 && t->sel >= L->tree_top + (size_t)h)
        L->tree_top = t->sel - (size_t)h + 1;
    if (L->tree_top + (size_t)h > t->model.n)
        L->tree_top = t->model.n > (size_t)h ? t->model.n - (size_t)h : 0;
    pane_title(t, L->body_y, x, w, focus, L->one_pane ? " Walk-through (Tab: detail)" : " Walk-through",
               (int)L->tree_top, (int)t->model.n, h);
    for (int i = 0; i < h && L->tree_top + (size_t)i < t->model.n; i++) {
        size_t k = L->tree_top + (size_t)i;
        draw_tree_row(t, &t->model.rows[k], L->list_y + i, x, w, k == t->sel);
    }
}

static struct view_ctx ctx_of(const struct tui *t)
{
    struct view_ctx v = {.r = tui_report(t), .now_ms = tui_now_ms(t), .now = time(NULL), .utf8 = t->utf8};
    return v;
}

static void draw_detail(struct tui *t, int x, int w, bool focus)
{
    struct tui_layout *L = &t->lay;
    struct tui_lines lines = {0};
    struct view_ctx v = ctx_of(t);
    if (t->model.n && v.r)
        view_detail_build(&lines, &v, &t->model.rows[t->sel]);
    tui_lesson_filter(t, &lines);
    t->detail_total = draw_box(&lines, 2, L->list_y, x + 1, w - 1, L->list_h, &t->detail_scroll);
    pane_title(t, L->body_y, x, w, focus, L->one_pane ? " Detail (Tab: tree)" : " Detail",
               t->detail_scroll, t->detail_total, L->list_h);
    tui_lines_clear(&lines);
}

static void draw_cert(struct tui *t, int x, int w)
{
    struct tui_layout *L = &t->lay;
    const struct tls_info *tls = NULL;
    const struct tui_row *row = NULL;
    const struct cert_info *c = tui_open_cert(t, &tls, &row);
    struct tui_lines lines = {0};
    char title[400];
    if (!c) {
        snprintf(title, sizeof title, " Certificate");
        tui_lines_add(&lines, TR_DIM, 0, "this certificate is no longer in the report (Esc goes back)");
    } else {
        struct view_ctx v = ctx_of(t);
        snprintf(title, sizeof title, " Certificate %zu/%zu of %s [%s]", t->cert_index + 1,
                 tls->nchain, row->cert_owner, row->cert_where);
        view_cert_build(&lines, &v, row);
        tui_lesson_filter(t, &lines);
    }
    int total = draw_box(&lines, 2, L->list_y, x + 1, w - 1, L->list_h, &t->view_scroll);
    pane_title(t, L->body_y, x, w, true, title, t->view_scroll, total, L->list_h);
    tui_lines_clear(&lines);
}

/* draw_pem - the open certificate's PEM over the whole body, from the first column and never
 * wrapped or indented, so a selection copied from the screen is a PEM that parses. When the
 * terminal is narrower than the lines, it says so above them instead of breaking them. */
static bool draw_pem(struct tui *t)
{
    struct tui_layout *L = &t->lay;
    const struct tls_info *tls = NULL;
    const struct tui_row *row = NULL;
    const struct cert_info *c = tui_open_cert(t, &tls, &row);
    if (!c || !c->pem)
        return false;
    char title[400];
    snprintf(title, sizeof title, " PEM of certificate %zu/%zu of %s [%s] (p or Esc: back, w saves)",
             t->cert_index + 1, tls->nchain, row->cert_owner, row->cert_where);
    pane_title(t, L->body_y, 0, COLS, true, title, 0, 0, 0);
    struct tui_lines pem = {0};
    int widest = view_cert_pem(&pem, c), y = L->list_y, h = L->list_h;
    if (widest > COLS) {
        struct tui_lines note = {0};
        tui_lines_add(&note, TR_WARN, 0,
                      "%s PEM lines are %d columns, the terminal %d: the lines below are cut, do "
                      "not copy them. Widen the terminal, or press w to save the PEM to a file.",
                      tui_state_symbol(ST_WARN, t->utf8, 0), widest, COLS);
        int scroll = 0, rows = draw_box(&note, 2, y, 0, COLS, h / 2, &scroll);
        rows = rows < h / 2 ? rows : h / 2;
        y += rows;
        h -= rows;
        tui_lines_clear(&note);
    }
    if (t->view_scroll > (int)pem.n - h)
        t->view_scroll = (int)pem.n - h;
    if (t->view_scroll < 0)
        t->view_scroll = 0;
    for (int i = 0; i < h && t->view_scroll + i < (int)pem.n; i++)
        putr(y + i, 0, COLS, TR_NORMAL, pem.v[t->view_scroll + i].text);
    tui_lines_clear(&pem);
    return true;
}

static void draw_main(struct tui *t, enum tui_view top)
{
    struct tui_layout *L = &t->lay;
    bool cert = top == TV_CERT;
    if (cert && t->show_pem && draw_pem(t))
        return;
    if (L->one_pane) {
        L->tree_x = 0;
        L->tree_w = COLS;
        L->det_x = 0;
        L->det_w = COLS;
        if (cert)
            draw_cert(t, 0, COLS);
        else if (t->focus_detail)
            draw_detail(t, 0, COLS, true);
        else
            draw_tree(t, 0, COLS, true);
        return;
    }
    int tw = COLS * 45 / 100;
    if (tw < 34)
        tw = 34;
    if (tw > 60)
        tw = 60;
    L->tree_x = 0;
    L->tree_w = tw;
    L->det_x = tw + 1;
    L->det_w = COLS - tw - 1;
    draw_tree(t, 0, tw, !t->focus_detail && !cert);
    /* a plain character, not ACS: some terminals (and tmux captures) show ACS as letters */
    for (int y = L->body_y; y < L->body_y + L->body_h; y++)
        put(y, tw, 1, role_attr[TR_DIM], t->utf8 ? "│" : "|");
    if (cert)
        draw_cert(t, L->det_x, L->det_w);
    else
        draw_detail(t, L->det_x, L->det_w, t->focus_detail);
}

/* draw_lesson_box - a class: the case's question under the panes (tui_lesson.c). */
static void draw_lesson_box(struct tui *t, int rows)
{
    struct tui_lines l = {0};
    char title[400];
    int y = LINES - 1 - rows, scroll = 0;
    tui_lesson_box(t, &l, title, sizeof title);
    pane_title(t, y, 0, COLS, true, title, 0, 0, 0);
    draw_box(&l, 5, y + 1, 1, COLS - 2, rows - 1, &scroll);
    tui_lines_clear(&l);
}

static void draw_cell(struct tui *t, int y, int x, int w, const struct view_matrix_cell *c)
{
    static const char *const ascii[] = {[ST_WAITING] = "..", [ST_RUNNING] = "", [ST_PASS] = "ok",
                                        [ST_WARN] = "!!", [ST_FAIL] = "XX", [ST_NA] = "na"};
    static const char *const aspin[] = {"|", "/", "-", "\\"};
    char buf[48], ms[32];
    if (c->mark) { /* says more than the state alone (the DANE column) */
        put(y, x, w - 1, role_attr[tui_state_role(c->state)], c->mark);
        return;
    }
    const char *sym = t->utf8 ? tui_state_symbol(c->state, true, t->spin)
                      : c->state == ST_RUNNING ? aspin[t->spin % 4] : ascii[c->state];
    if (c->state == ST_NA)
        snprintf(buf, sizeof buf, "%s n/a", t->utf8 ? sym : "");
    else
        snprintf(buf, sizeof buf, "%s %s", sym, tui_fmt_ms(c->ms, ms, sizeof ms));
    const char *text = c->state == ST_NA && !t->utf8 ? buf + 1 : buf;
    if (tui_text_width(text) > w - 1 && c->state != ST_NA) { /* never a cut number: "11m" */
        snprintf(buf, sizeof buf, "%s%s", sym, ms);
        text = tui_text_width(buf) <= w - 1 ? buf : sym;
    }
    put(y, x, w - 1, role_attr[tui_state_role(c->state)], text);
}

/* matrix_line - line i of the matrix body: a host title, an address row or a note. */
struct matrix_line {
    const struct view_matrix_row *row; /* address row, or NULL */
    const char *text;                  /* host title or note */
    enum tui_role role;
    int indent;
};

/* matrix_columns - x of each column and of the right edge (cx[VM_NCOLS]). Each column is as
 * wide as its full name, at least a cell, when that leaves the address column
 * ADDR_MIN; else all share one narrow width and the short names. Returns true for full names. */
static bool matrix_columns(int cx[VM_NCOLS + 1])
{
    enum { ADDR_MIN = 20, CELL_MIN = 7 }; /* "✓ 999ms"; from 1000 ms on it reads "✓ 1.2s" */
    int w[VM_NCOLS], sum = 0;
    for (int c = 0; c < VM_NCOLS; c++) {
        int nw = tui_text_width(view_matrix_col_name((enum view_matrix_col)c));
        w[c] = (nw > CELL_MIN ? nw : CELL_MIN) + 1;
        sum += w[c];
    }
    bool full = COLS - sum >= ADDR_MIN;
    if (!full) { /* 17: "  127.0.0.1:25025" whole, and at 80 columns cells of "✓ 12ms" */
        int cellw = (COLS - 17) / VM_NCOLS;
        cellw = cellw > 10 ? 10 : cellw < 4 ? 4 : cellw;
        for (int c = 0; c < VM_NCOLS; c++)
            w[c] = cellw;
        sum = cellw * VM_NCOLS;
    }
    cx[0] = COLS - sum;
    for (int c = 0; c < VM_NCOLS; c++)
        cx[c + 1] = cx[c] + w[c];
    return full;
}

static void draw_matrix(struct tui *t)
{
    struct tui_layout *L = &t->lay;
    const struct report *r = tui_report(t);
    pane_title(t, L->body_y, 0, COLS, true, " Matrix: MX addresses x stages (m or Esc closes)", 0, 0, 0);
    if (!r)
        return;
    struct view_matrix m = {0};
    view_matrix_build(&m, r, tui_now_ms(t), t->utf8);
    int cx[VM_NCOLS + 1];
    bool full = matrix_columns(cx);
    int addrw = cx[0];
    int y = L->list_y, h = L->list_h - 1;
    put(y, 0, addrw - 1, role_attr[TR_BOLD], full ? " MX host / address" : "MX host, address");
    for (int c = 0; c < VM_NCOLS; c++)
        put(y, cx[c], cx[c + 1] - cx[c] - 1, role_attr[TR_BOLD],
            full ? view_matrix_col_name((enum view_matrix_col)c)
                 : view_matrix_col_short((enum view_matrix_col)c));
    y++;

    size_t cap = m.n * 2 + m.notes.n + 4, n = 0;
    struct matrix_line *lines = xcalloc(cap, sizeof *lines);
    for (size_t i = 0; i < m.n; i++) {
        if (i == 0 || m.rows[i].host != m.rows[i - 1].host)
            lines[n++] = (struct matrix_line){.text = m.rows[i].host->host, .role = TR_BOLD,
                                              .indent = full ? 1 : 0};
        lines[n++] = (struct matrix_line){.row = &m.rows[i]};
    }
    lines[n++] = (struct matrix_line){.text = ""};
    for (size_t i = 0; i < m.notes.n; i++)
        lines[n++] = (struct matrix_line){.text = m.notes.v[i].text, .role = m.notes.v[i].role,
                                          .indent = m.notes.v[i].indent + 1};
    lines[n++] = (struct matrix_line){.text = m.n ? "n/a = not applicable: an earlier stage failed or "
                                               "was skipped (not a failure)"
                                           : "no MX address yet",
                                      .role = TR_DIM, .indent = 1};
    if (t->view_scroll > (int)n - h)
        t->view_scroll = (int)n - h;
    if (t->view_scroll < 0)
        t->view_scroll = 0;
    for (int i = 0; i < h && t->view_scroll + i < (int)n; i++) {
        const struct matrix_line *ml = &lines[t->view_scroll + i];
        if (!ml->row) {
            putr(y + i, ml->indent, COLS - ml->indent, ml->role, ml->text);
            continue;
        }
        char label[320];
        const struct mx_addr *a = ml->row->addr;
        if (a && a->port && a->port != 25)
            snprintf(label, sizeof label, "%s:%d%s", a->address, a->port,
                     ml->row->cert_differs ? (t->utf8 ? " ≠" : " <>") : "");
        else
            snprintf(label, sizeof label, "%s%s", a ? a->address : "(no address)",
                     ml->row->cert_differs ? (t->utf8 ? " ≠" : " <>") : "");
        put(y + i, full ? 3 : 1, addrw - (full ? 4 : 2),
            ml->row->cert_differs ? role_attr[TR_MARK] : A_NORMAL, label);
        for (int c = 0; c < VM_NCOLS; c++)
            draw_cell(t, y + i, cx[c], cx[c + 1] - cx[c], &ml->row->cell[c]);
    }
    free(lines);
    view_matrix_free(&m);
}

static void draw_text_view(struct tui *t, const char *title, const struct tui_lines *lines, int hang)
{
    struct tui_layout *L = &t->lay;
    int total = draw_box(lines, hang, L->list_y, 1, COLS - 2, L->list_h, &t->view_scroll);
    pane_title(t, L->body_y, 0, COLS, true, title, t->view_scroll, total, L->list_h);
}

/* draw_plan - the plan of the checked domain; the selected step stays in view. */
static void draw_plan(struct tui *t)
{
    struct tui_lines raw = {0}, l = {0};
    int sel_line;
    view_plan_lines(&t->plan, time(NULL), &raw, &sel_line);
    tui_lines_wrap(&raw, COLS - 2, 2, &l); /* as drawn, so the selection's row is known */
    tui_lines_clear(&raw);
    if (t->view_scroll < 0) { /* the selection moved: bring it near the top */
        t->view_scroll = 0;
        for (size_t i = 0; i < l.n; i++)
            if (l.v[i].role == TR_SELECTED) {
                t->view_scroll = i > 2 ? (int)i - 2 : 0;
                break;
            }
    }
    char title[600];
    snprintf(title, sizeof title, " Plan for %s: %s", t->domain, t->plan.typed);
    draw_text_view(t, title, &l, 2);
    tui_lines_clear(&l);
}

static void choice_lesson(const struct tui_choice *ch, struct tui_lines *l);
static const struct tui_choice *choice_of(const struct tui *t, const struct report *r);

static void draw_learn(struct tui *t)
{
    struct tui_lines raw = {0}, l = {0};
    const char *name = tui_node_learn_name(t->learn_node);
    const char *extra = tui_node_learn_extra(t->learn_node);
    tui_learn_load(name, &raw);
    if (extra) { /* DANE is judged at this node too: its text follows, after a blank line */
        tui_lines_addn(&raw, TR_NORMAL, 0, "");
        tui_learn_load(extra, &raw);
    }
    const struct report *r = tui_report(t);
    for (size_t i = 0; i < raw.n; i++) { /* the texts say DOMAIN; show the one being checked */
        char *s = present_fill(raw.v[i].text, r, NULL);
        tui_lines_addn(&l, raw.v[i].role, raw.v[i].indent, s);
        free(s);
    }
    const struct tui_choice *ch = t->c->no_spoilers ? NULL : choice_of(t, r);
    if (ch) { /* a demo scenario: what this one is about, after the step's general text */
        tui_lines_addn(&l, TR_NORMAL, 0, "");
        tui_lines_add(&l, TR_TITLE, 0, "This scenario: %s", ch->name);
        choice_lesson(ch, &l);
    }
    char title[80];
    snprintf(title, sizeof title, " Learn: %s%s%s (L or Esc closes)", name, extra ? " and " : "",
             extra ? extra : "");
    draw_text_view(t, title, &l, 0);
    tui_lines_clear(&raw);
    tui_lines_clear(&l);
}

/* choice_lesson - the teaching text of a scenario as lines (what, sender, fix), with the
 * scenario's own domain where the text says DOMAIN. */
static void choice_lesson(const struct tui_choice *ch, struct tui_lines *l)
{
    const char *parts[3][2] = {{"What is going on: ", ch->what},
                               {"What a sender does: ", ch->sender},
                               {"How to fix it: ", ch->fix}};
    for (int i = 0; i < 3; i++) {
        if (!parts[i][1] || !*parts[i][1])
            continue;
        char *s = problem_text_fill(parts[i][1], ch->domain, NULL);
        tui_lines_add(l, i == 2 ? TR_OK : TR_NORMAL, 0, "%s%s", parts[i][0], s);
        free(s);
    }
}

/* choice_of - the demo scenario whose domain is being diagnosed, or NULL. */
static const struct tui_choice *choice_of(const struct tui *t, const struct report *r)
{
    for (size_t i = 0; r && i < t->c->nchoices; i++)
        if (t->c->choices[i].domain && strcasecmp(t->c->choices[i].domain, r->domain) == 0)
            return &t->c->choices[i];
    return NULL;
}

/* draw_picker_lesson - below the list: what the highlighted scenario teaches. */
static int draw_picker_lesson(struct tui *t, int list_rows)
{
    struct tui_layout *L = &t->lay;
    const struct tui_choice *ch = &t->c->choices[t->pick_sel];
    struct tui_lines l = {0};
    if (ch->summary && *ch->summary) /* whole here: the list may have cut it */
        tui_lines_addn(&l, TR_BOLD, 0, ch->summary);
    choice_lesson(ch, &l);
    int y = L->list_y + list_rows, h = L->list_y + L->list_h - y - 1, scroll = 0;
    if (l.n && h >= 3) {
        char title[96];
        snprintf(title, sizeof title, " %s", ch->name);
        pane_title(t, y, 0, COLS, false, title, 0, 0, 0);
        draw_box(&l, 2, y + 1, 1, COLS - 2, h, &scroll);
    }
    tui_lines_clear(&l);
    return 0;
}

static void draw_picker(struct tui *t)
{
    struct tui_layout *L = &t->lay;
    /* The list takes what it needs up to half the screen; the lesson gets the rest. */
    int h = L->list_h;
    if (h >= 16 && (size_t)h / 2 < t->c->nchoices)
        h = h / 2;
    else if ((size_t)h > t->c->nchoices + 7)
        h = (int)t->c->nchoices;
    L->pick_h = h;
    if (t->pick_sel < L->pick_top)
        L->pick_top = t->pick_sel;
    if (h > 0 && t->pick_sel >= L->pick_top + (size_t)h)
        L->pick_top = t->pick_sel - (size_t)h + 1;
    /* with the position, so it shows that more scenarios follow than fit */
    pane_title(t, L->body_y, 0, COLS, true, " Choose a scenario (Enter starts it, q quits)",
               (int)L->pick_top, (int)t->c->nchoices, h);
    int namew = 0;
    for (size_t i = 0; i < t->c->nchoices; i++) {
        int w = tui_text_width(t->c->choices[i].name);
        if (w > namew)
            namew = w;
    }
    if (namew > COLS / 3)
        namew = COLS / 3;
    for (int i = 0; i < h && L->pick_top + (size_t)i < t->c->nchoices; i++) {
        size_t k = L->pick_top + (size_t)i;
        const struct tui_choice *ch = &t->c->choices[k];
        attr_t a = k == t->pick_sel ? role_attr[TR_SELECTED] : A_NORMAL;
        fill(L->list_y + i, 0, COLS, a);
        put(L->list_y + i, 2, namew, a | A_BOLD, ch->name);
        if (!t->c->no_spoilers)
            put_cut(L->list_y + i, namew + 4, COLS - namew - 5, a,
                    ch->summary ? ch->summary : "", t->utf8);
    }
    if (h < L->list_h && !t->c->no_spoilers)
        draw_picker_lesson(t, h);
}

static void layout(struct tui *t)
{
    struct tui_layout *L = &t->lay;
    L->too_small = COLS < MIN_COLS || LINES < MIN_LINES;
    L->one_pane = COLS < TWO_PANE_COLS;
    L->body_y = 1;
    L->body_h = LINES - 2;
    L->list_y = 2;
    L->list_h = LINES - 3;
    int q = tui_lesson_box_rows(t); /* a class: the question box takes rows at the bottom */
    if (q && L->list_h - q >= 4) {
        L->body_h -= q;
        L->list_h -= q;
    }
}

void tui_draw(struct tui *t)
{
    erase();
    curs_set(0);
    layout(t);
    if (t->lay.too_small) {
        struct tui_lines l = {0};
        view_small_build(&l, COLS, LINES, MIN_COLS, MIN_LINES);
        for (size_t i = 0; i < l.n; i++)
            put((int)i, 0, COLS, A_BOLD, l.v[i].text);
        tui_lines_clear(&l);
        refresh();
        return;
    }
    tui_refresh_model(t);
    draw_header(t);
    enum tui_view top = tui_top(t);
    if (top == TV_PICKER) {
        draw_picker(t);
    } else if (top == TV_MAIN || top == TV_CERT) {
        draw_main(t, top);
        if (LINES - 3 - t->lay.list_h > 0)
            draw_lesson_box(t, LINES - 3 - t->lay.list_h);
    } else if (top == TV_MATRIX) {
        draw_matrix(t);
    } else if (top == TV_HELP) {
        struct tui_lines l = {0};
        /* the keys of the screen under the help first; continuations align with the text */
        enum tui_screen from = t->depth >= 2 ? tui_screen_in(t, t->stack[t->depth - 2]) : TS_COUNT;
        tui_keys_help(&l, from, t->c->lesson != NULL);
        draw_text_view(t, " Help", &l, 23);
        tui_lines_clear(&l);
    } else if (top == TV_LEARN) {
        draw_learn(t);
    } else if (top == TV_PLAN) {
        draw_plan(t);
    } else if (top == TV_LESSON) {
        struct tui_lines l = {0};
        char title[300];
        tui_lesson_view(t, &l, title, sizeof title);
        draw_text_view(t, title, &l, 2);
        tui_lines_clear(&l);
    }
    draw_footer(t);
    if (t->prompt == TP_DOMAIN || t->prompt == TP_PLAN)
        curs_set(1);
    refresh();
}
