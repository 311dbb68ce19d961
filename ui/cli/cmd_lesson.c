/* cmd_lesson - `mxray lesson`: a class over the built-in lab (contract in cmd_lesson.h).
 *
 *   mxray lesson [NAME]             the TUI asks each case's question before it reveals
 *   mxray lesson --handout [NAME]   the whole lesson as Markdown (answers in an appendix)
 *   mxray lesson --lab [NAME] [N]   serve the cases for dig, curl and openssl s_client
 *   mxray lesson --list             the lessons
 *
 * Every case is served under its neutral name (caseN.mxray.test, lab_start_renamed), so
 * neither the screen nor a command line gives the scenario's name away. */
#include "cmd_lesson.h"
#include "cmd_lab.h"
#include "diag.h"
#include "exit_status.h"
#include "lab/lab.h"
#include "lesson_edit.h"
#include "lesson_handout.h"
#include "loop.h"
#include "mx_limits.h"
#include "problem.h"
#include "proc.h"
#include "tui.h"
#include "xalloc.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(FILE *f, int rc)
{
    fputs("usage: mxray lesson [--no-color] [NAME]\n"
          "       mxray lesson --handout [NAME] > lesson.md\n"
          "       mxray lesson --lab [NAME] [CASE]\n"
          "       mxray lesson --list\n"
          "A class over the built-in lab: each case asks a question (keys 1-4) before the\n"
          "walk-through shows verdicts, problems and fixes. Default lesson: " LAB_LESSON_DEFAULT
          ".\n"
          "  --handout  print the lesson as Markdown: questions, commands, room for notes,\n"
          "             answers with explanations in an appendix\n"
          "  --lab      serve the lesson's cases (or case CASE) and print commands to explore\n",
          f);
    return rc;
}

static int list(void)
{
    char **names;
    size_t n = lab_lessons(&names);
    if (!n) {
        fprintf(stderr, "mxray lesson: no lessons found (set MXRAY_ASSETS)\n");
        return EX_UNAVAILABLE;
    }
    for (size_t i = 0; i < n; i++) {
        char err[300];
        struct lab_lesson *l = lab_lesson_load(names[i], err, sizeof err);
        printf("%-20s %s\n", names[i], l ? l->title : err);
        lab_lesson_free(l);
        free(names[i]);
    }
    free(names);
    return 0;
}

struct lesson_lab *lesson_lab_start(const struct lab_lesson *l, char *err, size_t errlen)
{
    const char *dir = lab_asset_dir();
    if (!dir) {
        snprintf(err, errlen, "no scenario directory (set MXRAY_ASSETS)");
        return NULL;
    }
    struct lesson_lab *ll = xcalloc(1, sizeof *ll);
    ll->loop = loop_new();
    const char **names = xcalloc(l->ncases, sizeof *names);
    const char **domains = xcalloc(l->ncases, sizeof *domains);
    for (size_t i = 0; i < l->ncases; i++) {
        names[i] = l->cases[i].scenario;
        domains[i] = l->cases[i].domain;
    }
    ll->lab = lab_start_renamed(ll->loop, dir, names, domains, l->ncases, err, errlen);
    free(names);
    free(domains);
    if (!ll->lab) {
        loop_free(ll->loop);
        free(ll);
        return NULL;
    }
    return ll;
}

void lesson_lab_stop(struct lesson_lab *ll)
{
    if (!ll)
        return;
    lab_stop(ll->lab);
    loop_free(ll->loop);
    free(ll);
}

static void on_signal(void *arg, int sig)
{
    *(int *)arg = sig;
}

/* serve - --lab: the cases (or case `only`, 1-based) with the commands for each, until Ctrl-C. */
static int serve(const struct lab_lesson *l, size_t only)
{
    char err[512];
    struct lesson_lab *ll = lesson_lab_start(l, err, sizeof err);
    if (!ll) {
        fprintf(stderr, "mxray lesson: %s\n", err);
        return EX_UNAVAILABLE;
    }
    printf("mxray lesson %s: %s\nServed on 127.0.0.1 until Ctrl-C (resolver %s, CA file %s)\n",
           l->name, l->title, lab_resolver(ll->lab), lab_ca_file(ll->lab));
    for (size_t i = 0; i < l->ncases; i++) {
        if (only && i + 1 != only)
            continue;
        printf("\nCase %zu (%s): %s\n", i + 1, l->cases[i].domain, l->cases[i].question);
        struct lab_cmd *c;
        size_t n = lab_scenario_commands(ll->lab, i, true, &c);
        for (size_t j = 0; j < n; j++)
            printf("  # %s\n  %s\n", c[j].why, c[j].cmd);
        lab_cmds_free(c, n);
    }
    int stop_signal = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) { /* nobody can learn how to reach it */
        proc_write_failed(errno ? errno : EIO);
        stop_signal = -1;
    }
    /* INT, TERM, HUP and QUIT as loop events, as for mxray lab (loop_signals). */
    loop_signals(ll->loop, loop_stop_signals, LOOP_STOP_SIGNALS_N, on_signal, &stop_signal);
    while (!stop_signal)
        if (loop_run_once(ll->loop, -1) < 0)
            break;
    loop_signals_off(ll->loop);
    lesson_lab_stop(ll);
    return stop_signal < 0 ? EX_IOERR : 0;
}

/* case_info - the scenario's declared teaching text, by file name. */
static const struct lab_scenario_info *case_info(const struct lab_scenario_info *v, size_t n,
                                                 const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i].name, name))
            return &v[i];
    return NULL;
}

/* run_tui - the class: the lab and the engine on one loop, the TUI in lesson mode. */
static int run_tui(const struct lab_lesson *l, bool no_color)
{
    char err[512] = "";
    struct lesson_lab *ll = lesson_lab_start(l, err, sizeof err);
    if (!ll) {
        fprintf(stderr, "mxray lesson: %s\n", err);
        return EX_UNAVAILABLE;
    }
    struct engine e;
    const char *servers[] = {lab_resolver(ll->lab)};
    if (engine_init_on(&e, ll->loop, servers, 1, MX_TIMEOUT_DEFAULT_MS, err, sizeof err) < 0) {
        fprintf(stderr, "mxray lesson: %s\n", err);
        lab_stop(ll->lab);
        free(ll);
        return EX_UNAVAILABLE;
    }
    struct lab_scenario_info *info;
    size_t ninfo = lab_scenarios(lab_asset_dir(), &info);
    struct tui_lesson_case *cases = xcalloc(l->ncases, sizeof *cases);
    char **titles = xcalloc(l->ncases, sizeof *titles);
    char **texts = xcalloc(l->ncases * 3, sizeof *texts);
    for (size_t i = 0; i < l->ncases; i++) {
        const struct lab_lesson_case *c = &l->cases[i];
        const struct lab_scenario_info *si = case_info(info, ninfo, c->scenario);
        titles[i] = xasprintf("Case %zu", i + 1);
        const char *raw[3] = {si ? si->what : NULL, si ? si->sender : NULL, si ? si->fix : NULL};
        for (int k = 0; k < 3; k++)
            texts[i * 3 + k] = raw[k] ? lesson_neutral_text(raw[k], c->scenario, c->domain) : NULL;
        cases[i] = (struct tui_lesson_case){.title = titles[i],
                                            .domain = c->domain,
                                            .question = c->question,
                                            .choices = (const char *const *)c->choices,
                                            .nchoices = c->nchoices,
                                            .answer = c->answer,
                                            .editable = c->editable,
                                            .what = texts[i * 3],
                                            .sender = texts[i * 3 + 1],
                                            .fix = texts[i * 3 + 2]};
    }
    struct tui_lesson tl = {.title = l->title, .cases = cases, .ncases = l->ncases};
    struct lesson_editor ed = {.lab = ll->lab};
    struct diag_opts opts = {.ca_file = lab_ca_file(ll->lab), .timeout_ms = MX_TIMEOUT_DEFAULT_MS};
    opts.nconnect_to = lab_connect_to(ll->lab, &opts.connect_to);
    struct tui_config tc = {.engine = &e,
                            .opts = &opts,
                            .no_color = no_color,
                            .resolver_desc = lab_resolver(ll->lab),
                            .lesson = &tl,
                            .domain = cases[0].domain,
                            .input = cases[0].domain,
                            .edit = lesson_edit,
                            .edit_arg = &ed};
    int rc = tui_run(&tc);
    lab_stop(ll->lab); /* before engine_fini: the lab's watches live on the engine's loop */
    free(ll);
    engine_fini(&e); /* frees the loop */
    for (size_t i = 0; i < l->ncases; i++) {
        free(titles[i]);
        for (int k = 0; k < 3; k++)
            free(texts[i * 3 + k]);
    }
    free(titles);
    free(texts);
    free(cases);
    lab_scenarios_free(info, ninfo);
    return rc;
}

int cmd_lesson(int argc, char **argv)
{
    bool no_color = getenv("NO_COLOR") && getenv("NO_COLOR")[0], handout = false, labmode = false;
    const char *name = NULL, *casearg = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--list"))
            return list();
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return usage(stdout, 0);
        if (!strcmp(argv[i], "--no-color"))
            no_color = true;
        else if (!strcmp(argv[i], "--handout"))
            handout = true;
        else if (!strcmp(argv[i], "--lab"))
            labmode = true;
        else if (argv[i][0] == '-')
            return usage(stderr, EX_USAGE);
        else if (!name)
            name = argv[i];
        else if (labmode && !casearg)
            casearg = argv[i];
        else
            return usage(stderr, EX_USAGE);
    }
    if (handout && labmode)
        return usage(stderr, EX_USAGE);
    char err[512];
    struct lab_lesson *l = lab_lesson_load(name ? name : LAB_LESSON_DEFAULT, err, sizeof err);
    if (!l) {
        fprintf(stderr, "mxray lesson: %s\n", err);
        return strstr(err, "unknown lesson") || strstr(err, "bad lesson") ? EX_USAGE
                                                                          : EX_UNAVAILABLE;
    }
    int rc;
    if (handout) {
        rc = lesson_handout(l, stdout, err, sizeof err);
        if (rc)
            fprintf(stderr, "mxray lesson: %s\n", err);
    } else if (labmode) {
        char *end;
        long k = casearg ? strtol(casearg, &end, 10) : 0;
        if (casearg && (*end || k < 1 || (size_t)k > l->ncases)) {
            fprintf(stderr, "mxray lesson: CASE must be 1 to %zu\n", l->ncases);
            rc = EX_USAGE;
        } else {
            rc = serve(l, (size_t)k);
        }
    } else {
        rc = run_tui(l, no_color);
    }
    lab_lesson_free(l);
    return rc;
}
