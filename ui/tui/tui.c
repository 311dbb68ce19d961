/* tui - the interactive face: owns the terminal and the loop turn (see tui.h).
 *
 * One turn: draw if something changed, loop_run_once (network, timers, keyboard), advance the
 * spinner, then read every pending key (wget_wch in nodelay mode until ERR) and apply it.
 * Diag callbacks only set the dirty flag; keys that restart a diagnosis run here, outside any
 * callback. INT, TERM, HUP and QUIT arrive as loop events (loop_signals): they end the run,
 * and the terminal is restored on the way out.
 * Exit status: 0 after q, 128+N after signal N, EX_USAGE when the terminal cannot be used
 * (not a terminal, TERM unset, "dumb" or unknown). */
#include "tui.h"
#include "tui_int.h"
#include "tui_export.h"
#include "tui_keys.h"
#include "tui_lesson.h"
#include "view_cert.h"
#include "domain.h"
#include "escape.h"
#include "loop.h"
#include "plan_store.h"
#include "state.h"
#include "xalloc.h"
#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <sysexits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SPIN_MS 100
#define IDLE_WAIT_MS 500 /* the spinner and clock; signals wake the loop themselves */

static bool g_in_curses;
static int g_signal; /* the signal that ended the run, or 0 */

static void on_signal(void *arg, int sig)
{
    (void)arg;
    if (!g_signal)
        g_signal = sig;
}

static void restore_terminal(void)
{
    if (g_in_curses && !isendwin())
        endwin();
    g_in_curses = false;
}

enum tui_screen tui_screen_of(const struct tui *t)
{
    return tui_screen_in(t, tui_top(t));
}

enum tui_screen tui_screen_in(const struct tui *t, enum tui_view v)
{
    switch (v) {
    case TV_PICKER: return TS_PICKER;
    case TV_MAIN: return t->focus_detail ? TS_DETAIL : TS_TREE;
    case TV_CERT: return t->show_pem ? TS_PEM : TS_CERT;
    case TV_MATRIX: return TS_MATRIX;
    case TV_LEARN: return TS_LEARN;
    case TV_HELP: return TS_HELP;
    case TV_PLAN: return TS_PLAN;
    case TV_LESSON: return TS_LEARN; /* a text to scroll, like learn */
    }
    return TS_TREE;
}

const struct report *tui_report(const struct tui *t)
{
    return t->diag ? diag_report(t->diag) : NULL;
}

int64_t tui_now_ms(const struct tui *t)
{
    const struct report *r = tui_report(t);
    if (!r)
        return 0;
    if (r->done)
        return r->duration_ms;
    return loop_now_ms() - t->t0;
}

void tui_refresh_model(struct tui *t)
{
    const struct report *r = tui_report(t);
    if (!r) {
        t->model.n = 0;
        t->sel = 0;
        return;
    }
    tui_model_build(&t->model, r, tui_now_ms(t), time(NULL));
    if (t->want_key[0] && tui_model_find(&t->model, t->want_key) >= 0) {
        snprintf(t->sel_key, sizeof t->sel_key, "%s", t->want_key);
        t->want_key[0] = '\0';
    }
    long k = tui_model_find(&t->model, t->sel_key);
    if (k >= 0)
        t->sel = (size_t)k;
    if (t->sel >= t->model.n)
        t->sel = t->model.n ? t->model.n - 1 : 0;
    if (t->model.n)
        snprintf(t->sel_key, sizeof t->sel_key, "%s", t->model.rows[t->sel].key);
}

const struct cert_info *tui_open_cert(struct tui *t, const struct tls_info **tls, const struct tui_row **row)
{
    char key[400];
    snprintf(key, sizeof key, "cert:%s|%zu", t->cert_base, t->cert_index);
    long k = tui_model_find(&t->model, key);
    if (k < 0)
        return NULL;
    const struct tui_row *r = &t->model.rows[k];
    *tls = r->tls;
    *row = r;
    return r->cert;
}

static void set_msg(struct tui *t, enum tui_role role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_msg(struct tui *t, enum tui_role role, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    snprintf(t->msg, sizeof t->msg, " %s", s);
    free(s);
    t->msg_role = role;
    t->dirty = true;
}

static void push(struct tui *t, enum tui_view v)
{
    if (tui_top(t) == v || t->depth >= TUI_STACK_MAX)
        return;
    t->stack[t->depth++] = v;
    t->view_scroll = 0;
}

static void pop(struct tui *t)
{
    if (t->depth > 1)
        t->depth--;
    t->view_scroll = 0;
}

static void on_event(void *arg, const struct diag_event *ev)
{
    struct tui *t = arg;
    t->dirty = true;
    if (ev->type == DIAG_EV_DONE && tui_lesson_done_msg(t)) {
        set_msg(t, TR_DIM, "%s", tui_lesson_done_msg(t));
    } else if (ev->type == DIAG_EV_DONE) {
        char ms[32];
        enum verdict v = report_verdict(ev->report);
        set_msg(t, v == VERDICT_FAIL ? TR_FAIL : v == VERDICT_WARN ? TR_WARN : TR_OK,
                "%s: done in %s, verdict %s", ev->report->domain,
                tui_fmt_ms(ev->report->duration_ms, ms, sizeof ms), verdict_name(v));
    }
}

static void remember(struct tui *t, const char *domain)
{
    for (size_t i = 0; i < t->nhistory; i++) {
        if (strcmp(t->history[i], domain) == 0) {
            char *keep = t->history[i];
            memmove(&t->history[i], &t->history[i + 1], (t->nhistory - i - 1) * sizeof *t->history);
            t->history[t->nhistory - 1] = keep;
            return;
        }
    }
    if (t->nhistory == TUI_HISTORY_MAX) {
        free(t->history[0]);
        memmove(&t->history[0], &t->history[1], (t->nhistory - 1) * sizeof *t->history);
        t->nhistory--;
    }
    t->history[t->nhistory++] = xstrdup(domain);
}

static void scroll_by(int *v, int delta);
static int page(const struct tui *t);

/* ---- the migration plan (P) ---- */

static void on_plan_event(void *arg, const struct diag_event *ev)
{
    struct tui *t = arg;
    t->dirty = true;
    if (ev->type != DIAG_EV_DONE)
        return;
    struct view_plan *v = &t->plan;
    time_t now = time(NULL), until = 0;
    struct domain_state st;
    char why[256];
    if (t->c->opts->state_dir &&
        state_read(t->c->opts->state_dir, ev->report->domain, &st, why, sizeof why) == STATE_OK) {
        until = plan_history_until(&st, now); /* the longest max_age the history saw */
        state_free(&st);
    }
    plan_make(ev->report, &v->target, now, until, &v->plan);
    v->ready = true;
    char *dir = plan_store_dir(t->c->opts->state_dir), err[512] = "no state directory";
    if (dir && plan_store_save(dir, &v->plan, err, sizeof err) == 0)
        set_msg(t, v->plan.blocked ? TR_FAIL : TR_OK, "plan of %s: %zu steps%s; saved for --verify",
                v->plan.domain, v->plan.nsteps, v->plan.blocked ? ", BLOCKED" : "");
    else
        set_msg(t, TR_WARN, "plan of %s made, not saved: %s", v->plan.domain, err);
    free(dir);
}

/* plan_submit - check the domain again with the typed target hosts probed, then plan. */
static void plan_submit(struct tui *t)
{
    struct plan_target target;
    char *hosts[PLAN_TARGETS_MAX] = {0};
    if (view_plan_parse(t->edit.buf, &target, hosts, t->perr, sizeof t->perr) < 0)
        return;
    t->prompt = TP_NONE;
    view_plan_reset(&t->plan);
    struct view_plan *v = &t->plan;
    v->target = target;
    memcpy(v->hosts, hosts, sizeof hosts);
    snprintf(v->typed, sizeof v->typed, "%.200s", t->edit.buf);
    struct diag_opts o = *t->c->opts;
    o.planned_hosts = v->target.mx;
    o.nplanned_hosts = v->target.nmx;
    v->diag = diag_start(t->c->engine, &o, t->domain, t->domain, on_plan_event, t);
    push(t, TV_PLAN);
    set_msg(t, TR_RUNNING, "checking %s with the target hosts ...", t->domain);
}

static void plan_key(struct tui *t, enum tui_action a)
{
    struct view_plan *v = &t->plan;
    size_t n = v->ready ? v->plan.nsteps : 0;
    switch (a) {
    case TA_UP: if (v->sel > 0) v->sel--; break;
    case TA_DOWN: if (v->sel + 1 < n) v->sel++; break;
    case TA_HOME: v->sel = 0; break;
    case TA_END: v->sel = n ? n - 1 : 0; break;
    case TA_PGUP: scroll_by(&t->view_scroll, -page(t)); break;
    case TA_PGDN: scroll_by(&t->view_scroll, page(t)); break;
    case TA_WRITE: {
        char path[4096], err[4200];
        if (view_plan_write(v, t->c->export_dir, path, sizeof path, err, sizeof err) == 0)
            set_msg(t, TR_OK, "wrote the policy of step %zu to %s", v->sel + 1, path);
        else
            set_msg(t, TR_FAIL, "could not write: %s", err);
        break;
    }
    case TA_BACK: pop(t); break;
    default: break;
    }
    if (a == TA_UP || a == TA_DOWN || a == TA_HOME || a == TA_END)
        t->view_scroll = -1; /* follow the selection when drawn */
}

static void start(struct tui *t, const char *domain_arg, const char *input_arg)
{
    /* copy first: a re-run passes t->domain and the old report's input, freed below */
    char domain[sizeof t->domain], input[TUI_PROMPT_MAX];
    snprintf(domain, sizeof domain, "%s", domain_arg);
    snprintf(input, sizeof input, "%s", input_arg ? input_arg : domain_arg);
    if (t->diag) {
        diag_free(t->diag);
        t->diag = NULL;
        t->model.n = 0;
    }
    view_plan_reset(&t->plan); /* a plan belongs to the domain it was made for */
    snprintf(t->domain, sizeof t->domain, "%s", domain);
    remember(t, domain);
    t->t0 = loop_now_ms();
    t->diag = diag_start(t->c->engine, t->c->opts, domain, input, on_event, t);
    if (!t->diag)
        set_msg(t, TR_FAIL, "could not start the diagnosis of %s", domain);
    else
        set_msg(t, TR_RUNNING, "diagnosing %s ...", domain);
    snprintf(t->sel_key, sizeof t->sel_key, "sts");
    t->want_key[0] = '\0';
    if (t->c->select_host && t->c->domain && strcmp(domain, t->c->domain) == 0)
        snprintf(t->want_key, sizeof t->want_key, "host:%s", t->c->select_host);
    t->sel = 0;
    t->detail_scroll = 0;
    t->focus_detail = false;
    while (t->depth > 1 && tui_top(t) != TV_MAIN)
        pop(t);
    push(t, TV_MAIN);
    t->dirty = true;
}

void tui_start(struct tui *t, const char *domain)
{
    start(t, domain, domain);
}

void tui_restart(struct tui *t)
{
    if (t->diag)
        start(t, t->domain, diag_report(t->diag)->input);
}

void tui_push(struct tui *t, enum tui_view v)
{
    push(t, v);
}

void tui_set_msg(struct tui *t, enum tui_role role, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    set_msg(t, role, "%s", s);
    free(s);
}

static bool running(const struct tui *t)
{
    const struct report *r = tui_report(t);
    return r && !r->done;
}

/* ---- prompts ---- */

static void prompt_open(struct tui *t, enum tui_prompt p)
{
    t->prompt = p;
    tui_edit_set(&t->edit, "");
    t->perr[0] = '\0';
    t->hist_pos = (long)t->nhistory;
    t->dirty = true;
}

static void prompt_submit(struct tui *t)
{
    char out[256], err[sizeof t->perr];
    if (tui_prompt_domain(t->c, t->edit.buf, out, sizeof out, err, sizeof err) != 0) {
        snprintf(t->perr, sizeof t->perr, "%s", err);
        return;
    }
    t->prompt = TP_NONE;
    start(t, out, t->edit.buf); /* start copies it before anything else */
}

static void prompt_domain_key(struct tui *t, int rc, wint_t wc)
{
    enum tui_edit e = tui_edit_of(rc == KEY_CODE_YES, wc);
    t->dirty = true;
    if (t->prompt == TP_PLAN && (e == TE_HIST_PREV || e == TE_HIST_NEXT))
        return; /* the history holds domains, not targets */
    switch (e) {
    case TE_SUBMIT:
        if (t->prompt == TP_PLAN)
            plan_submit(t);
        else
            prompt_submit(t);
        return;
    case TE_CANCEL: t->prompt = TP_NONE; return;
    case TE_HIST_PREV:
    case TE_HIST_NEXT: {
        long pos = t->hist_pos + (e == TE_HIST_PREV ? -1 : 1);
        if (pos >= 0 && pos <= (long)t->nhistory) {
            t->hist_pos = pos;
            tui_edit_set(&t->edit, pos < (long)t->nhistory ? t->history[pos] : "");
        }
        return;
    }
    default:
        if (tui_edit_apply(&t->edit, e, wc))
            t->perr[0] = '\0'; /* the reason was about the text as it was */
        return;
    }
}

static void prompt_export_key(struct tui *t, int rc, wint_t wc)
{
    t->prompt = TP_NONE;
    t->dirty = true;
    enum tui_export_fmt fmt;
    if (rc == OK && (wc == 'j' || wc == 'J'))
        fmt = TX_JSON;
    else if (rc == OK && (wc == 'm' || wc == 'M'))
        fmt = TX_MARKDOWN;
    else if (rc == OK && (wc == 't' || wc == 'T'))
        fmt = TX_TEXT;
    else {
        set_msg(t, TR_DIM, "export cancelled");
        return;
    }
    const struct report *r = tui_report(t);
    char path[4096], err[4200];
    if (tui_export(r, fmt, t->c->export_dir, time(NULL), path, sizeof path, err, sizeof err) != 0)
        set_msg(t, TR_FAIL, "export failed: %s", err);
    else
        set_msg(t, TR_OK, "exported%s to %s", r->done ? "" : " (still running)", path);
}

/* ---- keys per view ---- */

static void move_sel(struct tui *t, long delta)
{
    if (!t->model.n)
        return;
    long s = (long)t->sel + delta;
    if (s < 0)
        s = 0;
    if (s >= (long)t->model.n)
        s = (long)t->model.n - 1;
    if ((size_t)s != t->sel)
        t->detail_scroll = 0;
    t->sel = (size_t)s;
    snprintf(t->sel_key, sizeof t->sel_key, "%s", t->model.rows[t->sel].key);
}

static int page(const struct tui *t)
{
    return t->lay.list_h > 2 ? t->lay.list_h - 1 : 1;
}

static void open_cert(struct tui *t, const struct tui_row *row, size_t index)
{
    snprintf(t->cert_base, sizeof t->cert_base, "%s|%s", row->cert_owner, row->cert_where);
    t->cert_index = index;
    t->show_pem = false;
    push(t, TV_CERT);
}

static void enter(struct tui *t)
{
    if (!t->model.n)
        return;
    const struct tui_row *row = &t->model.rows[t->sel];
    if (row->node == TN_CERT) {
        open_cert(t, row, row->cert_index);
    } else if ((row->node == TN_TLS || row->node == TN_POLICY) && t->sel + 1 < t->model.n &&
               t->model.rows[t->sel + 1].node == TN_CERT) {
        open_cert(t, &t->model.rows[t->sel + 1], 0); /* the chain's rows follow */
    } else {
        t->focus_detail = true;
    }
}

static void scroll_by(int *v, int delta)
{
    *v += delta;
    if (*v < 0)
        *v = 0; /* the upper bound is clamped when drawing */
}

static void main_key(struct tui *t, enum tui_action a)
{
    bool det = t->focus_detail;
    switch (a) {
    case TA_UP: if (det) scroll_by(&t->detail_scroll, -1); else move_sel(t, -1); break;
    case TA_DOWN: if (det) scroll_by(&t->detail_scroll, 1); else move_sel(t, 1); break;
    case TA_HOME: if (det) t->detail_scroll = 0; else move_sel(t, -(long)t->model.n); break;
    case TA_END: if (det) t->detail_scroll = t->detail_total; else move_sel(t, (long)t->model.n); break;
    case TA_PGUP: scroll_by(&t->detail_scroll, -page(t)); break;
    case TA_PGDN: scroll_by(&t->detail_scroll, page(t)); break;
    case TA_ENTER: enter(t); break;
    case TA_TAB: t->focus_detail = !t->focus_detail; break;
    case TA_BACK:
        if (t->focus_detail)
            t->focus_detail = false;
        else if (t->c->nchoices)
            pop(t);
        break;
    default: break;
    }
}

static void cert_key(struct tui *t, enum tui_action a)
{
    const struct tls_info *tls = NULL;
    const struct tui_row *row = NULL;
    const struct cert_info *c = tui_open_cert(t, &tls, &row);
    switch (a) {
    case TA_UP: scroll_by(&t->view_scroll, -1); break;
    case TA_DOWN: scroll_by(&t->view_scroll, 1); break;
    case TA_PGUP: scroll_by(&t->view_scroll, -page(t)); break;
    case TA_PGDN: scroll_by(&t->view_scroll, page(t)); break;
    case TA_HOME: t->view_scroll = 0; break;
    case TA_END: t->view_scroll = 1 << 20; break;
    case TA_PEM:
        t->show_pem = !t->show_pem;
        t->view_scroll = 0; /* the PEM screen and the fields scroll apart */
        break;
    case TA_PREV_CERT:
        if (t->cert_index > 0) {
            t->cert_index--;
            t->view_scroll = 0;
        }
        break;
    case TA_NEXT_CERT:
        if (tls && t->cert_index + 1 < tls->nchain) {
            t->cert_index++;
            t->view_scroll = 0;
        }
        break;
    case TA_WRITE: {
        if (!c)
            break;
        char name[300], path[4096], err[4200];
        view_cert_file_name(name, sizeof name, row->cert_owner, row->cert_where, t->cert_index);
        if (view_cert_write(t->c->export_dir, name, c, path, sizeof path, err, sizeof err) == 0)
            set_msg(t, TR_OK, "wrote PEM and fingerprints to %s", path);
        else
            set_msg(t, TR_FAIL, "could not write: %s", err);
        break;
    }
    case TA_ENTER: break;
    case TA_TAB: break;
    case TA_BACK:
        if (t->show_pem) /* the PEM covers the certificate: back to it first */
            t->show_pem = false;
        else
            pop(t);
        break;
    default: break;
    }
}

static void scroll_key(struct tui *t, enum tui_action a)
{
    switch (a) {
    case TA_UP: scroll_by(&t->view_scroll, -1); break;
    case TA_DOWN: scroll_by(&t->view_scroll, 1); break;
    case TA_PGUP: scroll_by(&t->view_scroll, -page(t)); break;
    case TA_PGDN: scroll_by(&t->view_scroll, page(t)); break;
    case TA_HOME: t->view_scroll = 0; break;
    case TA_END: t->view_scroll = 1 << 20; break;
    case TA_BACK: pop(t); break;
    default: break;
    }
}

static void picker_key(struct tui *t, enum tui_action a)
{
    size_t n = t->c->nchoices;
    switch (a) {
    case TA_UP: if (t->pick_sel > 0) t->pick_sel--; break;
    case TA_DOWN: if (t->pick_sel + 1 < n) t->pick_sel++; break;
    case TA_HOME: t->pick_sel = 0; break;
    case TA_END: t->pick_sel = n ? n - 1 : 0; break;
    case TA_PGUP:
        t->pick_sel = t->pick_sel > (size_t)t->lay.pick_h ? t->pick_sel - (size_t)t->lay.pick_h : 0;
        break;
    case TA_PGDN:
        t->pick_sel += (size_t)(t->lay.pick_h > 0 ? t->lay.pick_h : 1);
        if (t->pick_sel >= n)
            t->pick_sel = n ? n - 1 : 0;
        break;
    case TA_ENTER: {
        const struct tui_choice *ch = &t->c->choices[t->pick_sel];
        char out[256], err[160];
        if (domain_normalize(ch->domain, out, sizeof out, err, sizeof err) != 0)
            set_msg(t, TR_FAIL, "%s: %s", ch->domain, err);
        else
            start(t, out, ch->domain);
        break;
    }
    default: break; /* Esc does not quit from here: a stray escape sequence must not end it */
    }
}

/* global_key - keys that mean the same in every view; returns true when handled. */
static bool global_key(struct tui *t, enum tui_action a)
{
    enum tui_view top = tui_top(t);
    switch (a) {
    case TA_QUIT:
        if (top == TV_MAIN && t->focus_detail)
            t->focus_detail = false;
        else if (top == TV_MAIN || top == TV_PICKER)
            t->quit = true;
        else if (top == TV_CERT && t->show_pem)
            t->show_pem = false;
        else
            pop(t);
        return true;
    case TA_HELP:
        if (top == TV_HELP)
            pop(t);
        else
            push(t, TV_HELP);
        return true;
    case TA_REDRAW: clearok(curscr, TRUE); return true;
    case TA_NEW:
        if (!t->c->lesson) /* in a class, n is the next case (tui_lesson_key) */
            prompt_open(t, TP_DOMAIN);
        return true;
    case TA_PICKER:
        if (t->c->nchoices) {
            t->depth = 1; /* the picker is always at the bottom when there are choices */
            t->view_scroll = 0;
        }
        return true;
    default: break;
    }
    if (top == TV_PICKER || !tui_report(t))
        return false;
    switch (a) {
    case TA_RERUN: start(t, t->domain, diag_report(t->diag)->input); return true;
    case TA_EXPORT: prompt_open(t, TP_EXPORT); return true;
    case TA_PLAN:
        if (running(t))
            set_msg(t, TR_DIM, "wait for the check to end, then P plans a migration");
        else
            prompt_open(t, TP_PLAN);
        return true;
    case TA_MATRIX:
        if (top == TV_MATRIX)
            pop(t);
        else
            push(t, TV_MATRIX);
        return true;
    case TA_LEARN:
        if (top == TV_LEARN) {
            pop(t);
        } else if (t->model.n) {
            t->learn_node = t->model.rows[t->sel].node;
            push(t, TV_LEARN);
        }
        return true;
    default: return false;
    }
}

static void mouse(struct tui *t)
{
    MEVENT ev;
    if (getmouse(&ev) != OK)
        return;
    const struct tui_layout *L = &t->lay;
    int wheel = 0;
#ifdef BUTTON5_PRESSED
    if (ev.bstate & BUTTON5_PRESSED)
        wheel = 3;
#endif
    if (ev.bstate & BUTTON4_PRESSED)
        wheel = -3;
    enum tui_view top = tui_top(t);
    if (top == TV_PICKER) {
        size_t k = L->pick_top + (size_t)(ev.y - L->list_y);
        if (ev.y >= L->list_y && ev.y < L->list_y + L->pick_h && k < t->c->nchoices)
            t->pick_sel = k;
        return;
    }
    if (top != TV_MAIN || L->too_small)
        return;
    bool in_tree = L->one_pane ? !t->focus_detail : ev.x < L->tree_x + L->tree_w;
    if (wheel) {
        if (in_tree)
            move_sel(t, wheel);
        else
            scroll_by(&t->detail_scroll, wheel);
        return;
    }
    if (in_tree && ev.y >= L->list_y && ev.y < L->list_y + L->list_h) {
        size_t k = L->tree_top + (size_t)(ev.y - L->list_y);
        if (k < t->model.n)
            move_sel(t, (long)k - (long)t->sel);
        t->focus_detail = false;
    } else if (!in_tree) {
        t->focus_detail = true;
    }
}

static void key(struct tui *t, int rc, wint_t wc)
{
    t->dirty = true;
    if (rc == KEY_CODE_YES && wc == KEY_RESIZE)
        return;
    if (t->prompt == TP_DOMAIN || t->prompt == TP_PLAN) {
        prompt_domain_key(t, rc, wc);
        return;
    }
    if (t->prompt == TP_EXPORT) {
        prompt_export_key(t, rc, wc);
        return;
    }
    if (rc == KEY_CODE_YES && wc == KEY_MOUSE) {
        mouse(t);
        return;
    }
    t->msg[0] = '\0';
    if (tui_lesson_key(t, rc, wc))
        return;
    enum tui_action a = tui_keys_action((int)wc);
    if (rc == OK && wc >= KEY_MIN)
        a = TA_NONE; /* a character that happens to equal a KEY_* code */
    if (t->lay.too_small && a != TA_QUIT && a != TA_REDRAW)
        return;
    if (!tui_keys_works(tui_screen_of(t), a, tui_report(t) != NULL))
        return; /* what the help and the footer do not offer here does nothing */
    if (global_key(t, a))
        return;
    switch (tui_top(t)) {
    case TV_PICKER: picker_key(t, a); break;
    case TV_MAIN: main_key(t, a); break;
    case TV_CERT: cert_key(t, a); break;
    case TV_MATRIX: case TV_LEARN: case TV_HELP: case TV_LESSON: scroll_key(t, a); break;
    case TV_PLAN: plan_key(t, a); break;
    }
}

static void read_keys(struct tui *t)
{
    wint_t wc;
    int rc;
    /* bounded, so a flood of input cannot starve the network */
    for (int i = 0; i < 256 && (rc = wget_wch(stdscr, &wc)) != ERR; i++) {
        tui_refresh_model(t);
        key(t, rc, wc);
    }
}

static void on_stdin(void *arg, int fd, int revents)
{
    struct tui *t = arg;
    (void)fd;
    if (revents & (POLLHUP | POLLERR | POLLNVAL))
        t->quit = true; /* the terminal went away */
}

static int curses_start(struct tui *t)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "mxray: the interactive view needs a terminal (use mxray check)\n");
        return -1;
    }
    const char *term = getenv("TERM");
    /* A dumb terminal cannot move the cursor: the screen would be garbage. */
    if (!term || !*term || strcmp(term, "dumb") == 0 || !newterm(NULL, stdout, stdin)) {
        char *shown = escape_term(term && *term ? term : "(unset)");
        fprintf(stderr, "mxray: cannot use terminal type %s for the interactive view (use "
                        "mxray check, or set TERM, e.g. TERM=xterm)\n", shown);
        free(shown);
        return -1;
    }
    g_in_curses = true;
    static bool registered;
    if (!registered && atexit(restore_terminal) == 0)
        registered = true;
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
              | BUTTON5_PRESSED
#endif
              , NULL);
    mouseinterval(0);
    curs_set(0);
    tui_draw_init(t);
    return 0;
}

static void first_screen(struct tui *t)
{
    const struct tui_config *c = t->c;
    if (c->nchoices) {
        t->stack[t->depth++] = TV_PICKER;
    } else {
        t->stack[t->depth++] = TV_MAIN;
    }
    if (c->domain)
        start(t, c->domain, c->input);
    else if (!c->nchoices)
        prompt_open(t, TP_DOMAIN);
}

static void turn(struct tui *t)
{
    if (t->dirty) {
        t->dirty = false;
        tui_draw(t);
    }
    int wait = IDLE_WAIT_MS;
    int64_t now = loop_now_ms();
    if (running(t)) {
        int64_t left = t->last_spin + SPIN_MS - now;
        wait = left < 0 ? 0 : (int)left;
    }
    if (loop_run_once(t->c->engine->loop, wait) < 0 && errno != EINTR) {
        set_msg(t, TR_FAIL, "poll failed: %s", strerror(errno));
        t->quit = true;
    }
    now = loop_now_ms();
    if (running(t) && now - t->last_spin >= SPIN_MS) {
        t->spin++;
        t->last_spin = now;
        t->dirty = true;
    }
    read_keys(t);
}

int tui_run(const struct tui_config *c)
{
    struct tui *t = xcalloc(1, sizeof *t);
    t->c = c;
    t->utf8 = escape_terminal_utf8(); /* main set the locale */
    g_signal = 0;
    /* Before curses, so ncurses keeps ours for INT and TERM (it installs its own only over
     * the default disposition). */
    loop_signals(c->engine->loop, loop_stop_signals, LOOP_STOP_SIGNALS_N, on_signal, t);
    if (curses_start(t) != 0) {
        loop_signals_off(c->engine->loop);
        free(t);
        return EX_USAGE;
    }
    loop_watch(c->engine->loop, STDIN_FILENO, POLLIN, on_stdin, t);
    tui_lesson_init(t);
    first_screen(t);
    t->dirty = true;
    while (!t->quit && !g_signal)
        turn(t);
    loop_watch(c->engine->loop, STDIN_FILENO, 0, NULL, NULL);
    restore_terminal();
    loop_signals_off(c->engine->loop);
    view_plan_reset(&t->plan);
    if (t->diag)
        diag_free(t->diag);
    tui_model_free(&t->model);
    tui_lesson_free(t);
    free(t->edit_msgs);
    for (size_t i = 0; i < t->nhistory; i++)
        free(t->history[i]);
    int status = g_signal ? 128 + g_signal : 0;
    free(t);
    return status;
}
