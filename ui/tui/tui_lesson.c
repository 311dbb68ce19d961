/* tui_lesson - the class mode and fix-it editing (contract in tui_lesson.h). */
#include "tui_lesson.h"
#include "tui_int.h"
#include "view_detail.h"
#include "problem.h"
#include "xalloc.h"
#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum lesson_screen { LS_REVEAL, LS_SCORE, LS_EDIT };

struct tui_lesson_state {
    size_t cur;  /* the case on screen */
    int *chosen; /* per case: the key answered (1-4), 0 = not yet */
    enum lesson_screen screen;
    char *edit_msgs; /* the last refused edit's reasons, one per line */
    int esc;         /* inside an escape sequence curses did not decode: 1 after ESC, 2 after
                      * ESC [ or ESC O (its digits must not answer) */
};

static struct tui_lesson_state *st(const struct tui *t)
{
    return t->lesson;
}

void tui_lesson_init(struct tui *t)
{
    if (!t->c->lesson || !t->c->lesson->ncases)
        return;
    t->lesson = xcalloc(1, sizeof *t->lesson);
    t->lesson->chosen = xcalloc(t->c->lesson->ncases, sizeof *t->lesson->chosen);
}

void tui_lesson_free(struct tui *t)
{
    if (!t->lesson)
        return;
    free(t->lesson->chosen);
    free(t->lesson->edit_msgs);
    free(t->lesson);
    t->lesson = NULL;
}

static const struct tui_lesson_case *current(const struct tui *t)
{
    return st(t) ? &t->c->lesson->cases[st(t)->cur] : NULL;
}

bool tui_lesson_hiding(const struct tui *t)
{
    const struct tui_lesson_case *c = current(t);
    return c && !st(t)->chosen[st(t)->cur] && !strcasecmp(t->domain, c->domain);
}

/* ---- hiding ---- */

static bool is_word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/* has_word - w occurs in s as a whole word, case-insensitively. */
static bool has_word(const char *s, const char *w)
{
    size_t wl = strlen(w);
    for (const char *p = s; (p = strcasestr(p, w)); p++) {
        bool before = p == s || !is_word_char(p[-1]);
        bool after = !is_word_char(p[wl]);
        if (before && after)
            return true;
    }
    return false;
}

/* Words that judge: verdicts, severities, what a sender does, fixes. */
/* Evidence stays (dates, names, records, "expired 1 day ago"): finding the fault in it is the
 * exercise. */
static const char *const spoilers[] = {
    "pass",    "passed",   "warn",     "warning", "fail",         "failed", "fails",   "error",
    "ok",      "deliver",  "delivers", "defer",   "defers",       "refuse", "refuses", "fix",
    "problem", "problems", "would",    "verdict", "sender's eye", "RFC",
};

static bool spoils(const char *text)
{
    if (strstr(text, "\xe2\x9c\x97") || strstr(text, "\xe2\x9c\x93")) /* ✗ ✓ */
        return true;
    for (size_t i = 0; i < sizeof spoilers / sizeof spoilers[0]; i++)
        if (has_word(text, spoilers[i]))
            return true;
    for (int id = 0; id < PROB_COUNT; id++) {
        const struct problem_def *d = problem_def((enum problem_id)id);
        if (d && strstr(text, d->code))
            return true;
    }
    return false;
}

void tui_lesson_filter(const struct tui *t, struct tui_lines *lines)
{
    if (!tui_lesson_hiding(t))
        return;
    size_t o = 0;
    int drop_below = -1; /* dropping the lines that belong to a dropped one (deeper indent) */
    for (size_t i = 0; i < lines->n; i++) {
        struct tui_line *l = &lines->v[i];
        if (drop_below >= 0 && l->indent > drop_below && *l->text) {
            free(l->text);
            continue;
        }
        drop_below = -1;
        /* a line coloured as a judgment (a step's verdict and note, a problem) goes too */
        bool judged = l->role == TR_WARN || l->role == TR_FAIL || l->role == TR_OK;
        if (judged || spoils(l->text)) {
            drop_below = l->indent;
            free(l->text);
            continue;
        }
        if (l->role == TR_NA)
            l->role = TR_NORMAL;
        lines->v[o++] = *l;
    }
    lines->n = o;
}

/* ---- the question box ---- */

int tui_lesson_box_rows(const struct tui *t)
{
    const struct tui_lesson_case *c = current(t);
    if (!c || tui_top(t) != TV_MAIN || strcasecmp(t->domain, c->domain))
        return 0;
    if (st(t)->chosen[st(t)->cur])
        return 2;
    return (int)c->nchoices + 3 + (COLS < 100); /* title, question (2 when narrow), choices, keys */
}

void tui_lesson_box(const struct tui *t, struct tui_lines *out, char *title, size_t tn)
{
    const struct tui_lesson_case *c = current(t);
    const struct tui_lesson *l = t->c->lesson;
    snprintf(title, tn, " %s of %zu: %s", c->title, l->ncases, c->domain);
    int chosen = st(t)->chosen[st(t)->cur];
    if (chosen) {
        tui_lines_add(out, chosen == c->answer ? TR_OK : TR_WARN, 0,
                      "You answered %d (%s). a: the answer again  n: next case%s", chosen,
                      chosen == c->answer ? "right" : "not quite",
                      c->editable && t->c->edit ? "  E: fix it in your editor" : "");
        return;
    }
    tui_lines_add(out, TR_BOLD, 0, "%s", c->question);
    for (size_t k = 0; k < c->nchoices; k++)
        tui_lines_add(out, TR_NORMAL, 2, "%zu  %s", k + 1, c->choices[k]);
    tui_lines_add(
        out, TR_DIM, 0, "Explore the walk-through (Enter, Tab, L), then answer with 1-%zu.%s",
        c->nchoices, c->editable && t->c->edit ? " E: edit what the domain publishes." : "");
}

/* ---- the lesson view ---- */

static void lesson_text(struct tui_lines *out, const struct tui_lesson_case *c)
{
    const char *parts[3][2] = {{"What is going on: ", c->what},
                               {"What a sender does: ", c->sender},
                               {"How to fix it: ", c->fix}};
    for (int i = 0; i < 3; i++)
        if (parts[i][1] && *parts[i][1])
            tui_lines_add(out, i == 2 ? TR_OK : TR_NORMAL, 0, "%s%s", parts[i][0], parts[i][1]);
}

static void reveal(const struct tui *t, struct tui_lines *out, char *title, size_t tn)
{
    const struct tui_lesson_case *c = current(t);
    int chosen = st(t)->chosen[st(t)->cur];
    snprintf(title, tn, " %s: the answer (Esc: the walk-through, n: next case)", c->title);
    if (chosen == c->answer)
        tui_lines_add(out, TR_OK, 0, "Right: %d  %s", chosen, c->choices[chosen - 1]);
    else
        tui_lines_add(out, TR_FAIL, 0, "Not quite: you chose %d (%s). The answer is %d  %s", chosen,
                      c->choices[chosen - 1], c->answer, c->choices[c->answer - 1]);
    tui_lines_add(out, TR_NORMAL, 0, "%s", "");
    const struct report *r = tui_report(t);
    if (r && !strcasecmp(r->domain, c->domain)) {
        struct view_ctx v = {.r = r, .utf8 = t->utf8};
        tui_lines_add(out, TR_TITLE, 0, "What the check found: verdict %s, %zu problem%s",
                      verdict_name(report_verdict(r)), r->problems.n,
                      r->problems.n == 1 ? "" : "s");
        for (size_t i = 0; i < r->problems.n; i++)
            view_detail_problem(out, &v, &r->problems.items[i], 2);
        tui_lines_add(out, TR_NORMAL, 0, "%s", "");
    }
    tui_lines_add(out, TR_TITLE, 0, "The lesson");
    lesson_text(out, c);
    tui_lines_add(out, TR_NORMAL, 0, "%s", "");
    tui_lines_add(out, TR_DIM, 0, "%s",
                  st(t)->cur + 1 < t->c->lesson->ncases ? "n: the next case" : "n: your score");
    if (c->editable && t->c->edit)
        tui_lines_add(out, TR_DIM, 0,
                      "E: fix it yourself: edit what the domain publishes, "
                      "the check re-runs on save");
}

static void score(const struct tui *t, struct tui_lines *out, char *title, size_t tn)
{
    const struct tui_lesson *l = t->c->lesson;
    size_t right = 0;
    for (size_t i = 0; i < l->ncases; i++)
        right += st(t)->chosen[i] == l->cases[i].answer;
    snprintf(title, tn, " %s: the score (q quits)", l->title);
    tui_lines_add(out, TR_TITLE, 0, "Score: %zu of %zu right", right, l->ncases);
    tui_lines_add(out, TR_NORMAL, 0, "%s", "");
    for (size_t i = 0; i < l->ncases; i++) {
        const struct tui_lesson_case *c = &l->cases[i];
        int ch = st(t)->chosen[i];
        if (!ch)
            tui_lines_add(out, TR_DIM, 2, "%s: not answered", c->title);
        else
            tui_lines_add(out, ch == c->answer ? TR_OK : TR_FAIL, 2,
                          "%s: %s (answered %d, answer %d)", c->title,
                          ch == c->answer ? "right" : "wrong", ch, c->answer);
    }
}

void tui_lesson_view(const struct tui *t, struct tui_lines *out, char *title, size_t tn)
{
    if (st(t) && st(t)->screen == LS_SCORE) {
        score(t, out, title, tn);
        return;
    }
    if (st(t) && st(t)->screen == LS_REVEAL) {
        reveal(t, out, title, tn);
        return;
    }
    snprintf(title, tn, " The edit was not served (Esc: back, E: edit again)");
    const char *m = st(t) && st(t)->edit_msgs ? st(t)->edit_msgs : t->edit_msgs;
    for (const char *p = m; p && *p;) {
        size_t n = strcspn(p, "\n");
        char *line = xstrndup(p, n);
        tui_lines_add(out, TR_FAIL, 0, "%s", line);
        free(line);
        p += n + (p[n] == '\n');
    }
}

const char *tui_lesson_done_msg(const struct tui *t)
{
    return tui_lesson_hiding(t) ? "the walk-through is complete: explore it, then answer with 1-4"
                                : NULL;
}

/* ---- keys ---- */

static void show(struct tui *t, enum lesson_screen s)
{
    if (t->lesson)
        t->lesson->screen = s;
    while (t->depth > 1 && tui_top(t) != TV_MAIN)
        t->depth--;
    tui_push(t, TV_LESSON);
}

/* edit - E: the editor hook with the terminal given back; re-run when the lab took it. */
static void edit(struct tui *t)
{
    char *msgs = NULL;
    def_prog_mode();
    endwin();
    int rc = t->c->edit(t->c->edit_arg, t->domain, &msgs);
    reset_prog_mode();
    clearok(curscr, TRUE);
    free(t->edit_msgs);
    t->edit_msgs = msgs;
    if (t->lesson) {
        free(t->lesson->edit_msgs);
        t->lesson->edit_msgs = msgs ? xstrdup(msgs) : NULL;
    }
    if (rc < 0) {
        show(t, LS_EDIT);
    } else if (rc > 0) {
        while (t->depth > 1 && tui_top(t) != TV_MAIN)
            t->depth--;
        tui_restart(t);
        tui_set_msg(t, TR_RUNNING, "the lab serves your edit: checking %s again ...", t->domain);
    } else {
        tui_set_msg(t, TR_DIM, "nothing changed");
    }
}

static bool editable_now(const struct tui *t)
{
    if (!t->c->edit || !tui_report(t))
        return false;
    const struct tui_lesson_case *c = current(t);
    return !c || (c->editable && !strcasecmp(t->domain, c->domain));
}

static void next_case(struct tui *t)
{
    struct tui_lesson_state *s = t->lesson;
    if (s->cur + 1 >= t->c->lesson->ncases) {
        show(t, LS_SCORE);
        return;
    }
    s->cur++;
    while (t->depth > 1)
        t->depth--;
    const struct tui_lesson_case *c = current(t);
    tui_start(t, c->domain);
}

/* in_escape - swallow the rest of an undecoded escape sequence (ESC [ 1 ~ is Home on some
 * terminals); true when wc belongs to one. */
static bool in_escape(struct tui_lesson_state *s, int rc, wint_t wc)
{
    int was = s->esc;
    s->esc = 0;
    if (rc == OK && wc == 27) {
        s->esc = 1;
        return false; /* Esc itself still goes back */
    }
    if (rc != OK || !was)
        return false;
    if (was == 1 && (wc == '[' || wc == 'O'))
        s->esc = 2;
    else if (was == 2 && ((wc >= '0' && wc <= '9') || wc == ';'))
        s->esc = 2;
    else if (was == 1)
        return false; /* Alt+key: the key is a key */
    return true;
}

bool tui_lesson_key(struct tui *t, int rc, wint_t wc)
{
    if (t->lesson && in_escape(t->lesson, rc, wc))
        return true;
    if (rc != OK)
        return false;
    if (wc == 'E' && editable_now(t)) {
        edit(t);
        return true;
    }
    struct tui_lesson_state *s = t->lesson;
    if (!s)
        return false;
    const struct tui_lesson_case *c = current(t);
    bool on_case = !strcasecmp(t->domain, c->domain);
    if (wc >= '1' && wc < (wint_t)('1' + c->nchoices) && on_case && !s->chosen[s->cur]) {
        s->chosen[s->cur] = (int)(wc - '0');
        show(t, LS_REVEAL);
        return true;
    }
    if (wc == 'a' && s->chosen[s->cur]) {
        show(t, LS_REVEAL);
        return true;
    }
    bool at_score = s->screen == LS_SCORE && tui_top(t) == TV_LESSON;
    if (wc == 'q' && at_score) { /* the class is over */
        t->quit = true;
        return true;
    }
    if (wc == 'n') {
        if (at_score)
            return true;
        if (!s->chosen[s->cur])
            tui_set_msg(t, TR_WARN, "answer first: keys 1-%zu", c->nchoices);
        else
            next_case(t);
        return true;
    }
    if ((wc == 'm' || wc == 'e' || wc == 'b') && tui_lesson_hiding(t)) {
        tui_set_msg(t, TR_WARN, "answer first (1-%zu): the %s shows verdicts", c->nchoices,
                    wc == 'm' ? "matrix" : "export");
        return true;
    }
    return false;
}
