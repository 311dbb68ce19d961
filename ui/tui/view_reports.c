/* view_reports - reporters x days x result types in curses (view_reports.h). */
#include "view_reports.h"
#include "present.h"
#include "tlsrpt_text.h"
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define COL_W 12 /* width of one result-type column */

enum { PAIR_HEAD = 1, PAIR_FAIL, PAIR_OK, PAIR_DIM };

/* day_totals - one day's row for all reporters (reporter NULL) or one. */
static void day_totals(const struct tlsrpt_domain *d, time_t day, const char *reporter,
                       long long *ok, long long *failed, long long *by /* nby_result */)
{
    *ok = *failed = 0;
    memset(by, 0, sizeof(long long) * d->nby_result);
    for (size_t i = 0; i < d->ncells; i++) {
        const struct tlsrpt_cell *c = &d->cells[i];
        if (c->day != day || (reporter && c->reporter != reporter))
            continue;
        *ok += c->successful;
        *failed += c->failed;
        for (size_t j = 0; j < c->nres; j++)
            for (size_t k = 0; k < d->nby_result; k++)
                if (d->by_result[k].key == c->res[j].type)
                    by[k] += c->res[j].n;
    }
}

static void put(int y, int x, int attr, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void put(int y, int x, int attr, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (y >= LINES || x >= COLS)
        return;
    attron(attr);
    mvaddnstr(y, x, buf, COLS - x);
    attroff(attr);
}

static void draw(const struct tlsrpt_summary *s, bool checked, const struct reports_view_state *st,
                 bool color)
{
    erase();
    const struct tlsrpt_domain *d = &s->domains[st->domain];
    const char *rep = st->reporter ? d->reporters[st->reporter - 1] : NULL;
    int head = color ? COLOR_PAIR(PAIR_HEAD) | A_BOLD : A_REVERSE;
    put(0, 0, head, " mxray report  %s  (%zu/%zu, Left/Right)   reporter: %s (r)%*s", d->domain,
        st->domain + 1, s->ndomains, rep ? rep : "all", COLS, "");
    long long all = d->successful + d->failed;
    put(1, 0, 0, " %lld sessions: %lld ok, %lld failed (%.2f%%); %zu %s", all, d->successful,
        d->failed, all ? 100.0 * (double)d->failed / (double)all : 0.0, d->nreporters,
        present_plural((long)d->nreporters, "reporter", "reporters"));
    /* days x result types */
    int fail_rows = (int)d->ngroups < 8 ? (int)d->ngroups + 2 : 10;
    int rows = LINES - 5 - fail_rows;
    if (rows < 3)
        rows = 3;
    int x = 0;
    put(3, x, A_BOLD, " %-11s %10s %8s", "day", "ok", "failed");
    x = 34;
    for (size_t k = 0; k < d->nby_result && x + COL_W < COLS; k++, x += COL_W + 1)
        put(3, x, A_BOLD, "%-*.*s", COL_W, COL_W, d->by_result[k].key);
    long long by[TLSRPT_RESULT_TYPES_MAX];
    for (int i = 0; i < rows && st->day_top + (size_t)i < d->ndays; i++) {
        const struct tlsrpt_day *day = &d->days[st->day_top + (size_t)i];
        long long ok, failed;
        day_totals(d, day->day, rep, &ok, &failed, by);
        char date[32];
        struct tm tm;
        gmtime_r(&day->day, &tm);
        strftime(date, sizeof date, "%Y-%m-%d", &tm);
        int attr = (!st->on_failures && i == 0) ? A_REVERSE : 0;
        int fattr = failed && color ? COLOR_PAIR(PAIR_FAIL) : 0;
        put(4 + i, 0, attr, " %-11s %10lld", date, ok);
        put(4 + i, 23, attr | fattr, " %8lld", failed);
        x = 34;
        for (size_t k = 0; k < d->nby_result && x + COL_W < COLS; k++, x += COL_W + 1)
            put(4 + i, x, attr | (by[k] && color ? COLOR_PAIR(PAIR_FAIL) : 0), "%*lld", COL_W,
                by[k]);
    }
    /* failures by result type and receiving MX */
    int y = 4 + rows + 1;
    put(y++, 0, A_BOLD, " failures by result type and receiving MX%s",
        d->ngroups ? "  (Tab here, Enter: live check with that MX selected)" : ": none");
    size_t first =
        st->fail_sel >= (size_t)(fail_rows - 2) ? st->fail_sel - (size_t)(fail_rows - 3) : 0;
    for (size_t g = first; g < d->ngroups && y < LINES - 1; g++) {
        const struct tlsrpt_group *gr = &d->groups[g];
        int attr = st->on_failures && g == st->fail_sel ? A_REVERSE : 0;
        put(y++, 0, attr, " %-26s %8lld  %-15s %-30s %s", gr->result_type, gr->count,
            gr->policy_type, gr->receiving_mx ? gr->receiving_mx : "(MX not named)",
            checked ? tlsrpt_text_now(gr->now) : "");
    }
    put(LINES - 1, 0, color ? COLOR_PAIR(PAIR_DIM) : A_DIM,
        " Up/Down scroll  Tab days/failures  Enter check  r reporter  Left/Right domain  q quit");
    refresh();
}

bool reports_view_run(const struct tlsrpt_summary *s, bool checked, bool no_color,
                      struct reports_view_state *st, struct reports_pick *pick)
{
    if (s->ndomains == 0)
        return false;
    /* a screen of its own each time: the walk-through (tui.c) makes its own with newterm and
     * leaves stdscr in nodelay mode */
    SCREEN *scr = newterm(NULL, stdout, stdin);
    if (!scr)
        return false;
    set_term(scr);
    nodelay(stdscr, FALSE);
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);
    bool color = !no_color && has_colors();
    if (color) {
        start_color();
        use_default_colors();
        init_pair(PAIR_HEAD, COLOR_WHITE, COLOR_BLUE);
        init_pair(PAIR_FAIL, COLOR_RED, -1);
        init_pair(PAIR_OK, COLOR_GREEN, -1);
        init_pair(PAIR_DIM, COLOR_CYAN, -1);
    }
    bool picked = false;
    int errs = 0;
    for (;;) {
        if (st->domain >= s->ndomains)
            st->domain = 0;
        const struct tlsrpt_domain *d = &s->domains[st->domain];
        if (st->reporter > d->nreporters)
            st->reporter = 0;
        if (d->ndays && st->day_top >= d->ndays)
            st->day_top = d->ndays - 1;
        if (d->ngroups && st->fail_sel >= d->ngroups)
            st->fail_sel = d->ngroups - 1;
        draw(s, checked, st, color);
        int ch = getch();
        if (ch == 'q' || ch == 'Q' || ch == 27 || (ch == ERR && ++errs > 100))
            break; /* many ERRs in a row: standard input is gone */
        if (ch != ERR)
            errs = 0;
        switch (ch) {
        case KEY_LEFT:
            st->domain = st->domain ? st->domain - 1 : s->ndomains - 1;
            st->day_top = st->fail_sel = st->reporter = 0;
            break;
        case KEY_RIGHT:
            st->domain = (st->domain + 1) % s->ndomains;
            st->day_top = st->fail_sel = st->reporter = 0;
            break;
        case 'r':
            st->reporter = (st->reporter + 1) % (d->nreporters + 1);
            break;
        case '\t':
            st->on_failures = !st->on_failures && d->ngroups;
            break;
        case KEY_UP:
        case 'k':
            if (st->on_failures && st->fail_sel)
                st->fail_sel--;
            else if (!st->on_failures && st->day_top)
                st->day_top--;
            break;
        case KEY_DOWN:
        case 'j':
            if (st->on_failures && st->fail_sel + 1 < d->ngroups)
                st->fail_sel++;
            else if (!st->on_failures && st->day_top + 1 < d->ndays)
                st->day_top++;
            break;
        case KEY_NPAGE:
            st->day_top += 10;
            break;
        case KEY_PPAGE:
            st->day_top = st->day_top > 10 ? st->day_top - 10 : 0;
            break;
        case '\n':
        case '\r':
        case KEY_ENTER:
            if (st->on_failures && d->ngroups) {
                snprintf(pick->domain, sizeof pick->domain, "%s", d->domain);
                snprintf(pick->mx_host, sizeof pick->mx_host, "%s",
                         d->groups[st->fail_sel].receiving_mx ? d->groups[st->fail_sel].receiving_mx
                                                              : "");
                picked = true;
            }
            break;
        default:
            break;
        }
        if (picked)
            break;
    }
    endwin();
    delscreen(scr);
    return picked;
}
