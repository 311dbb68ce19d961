/* batch - many diagnoses on one loop, a bounded number at a time (contract in batch.h).
 *
 * Slots: one per domain in flight. The DONE event prints the report and marks the slot; the
 * main loop (never a diag callback, see diag.h) frees finished slots and starts the next
 * domains. Signal handlers only count signals; the loop looks at the counts after every turn
 * (poll returns EINTR at once: no SA_RESTART). */
#include "batch.h"
#include "batch_table.h"
#include "cmd_check.h"
#include "loop.h"
#include "report_json.h"
#include "report_nagios.h"
#include "xalloc.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define BATCH_FDS_PER_DOMAIN 24 /* sockets one diagnosis may hold at once, generously */
#define BATCH_PROGRESS_MS 200   /* progress line refresh */

static volatile sig_atomic_t sigint_count, sigterm_seen;

static void on_sigint(int sig)
{
    (void)sig;
    sigint_count++;
}

static void on_sigterm(int sig)
{
    (void)sig;
    sigterm_seen = 1;
}

struct slot {
    struct batch_run *run;
    struct diag *d; /* NULL when free */
    bool done;
};

struct batch_run {
    struct engine *e;
    const struct cli_opts *o;
    const struct batch_list *list;
    struct diag_opts dopt;
    struct slot *slots;
    size_t nslots, next, inflight, finished_unswept;
    bool draining, stopping, write_failed, color, progress, progress_shown;
    int width, exit_code;
    struct batch_stats stats;
    int64_t started_ms, drawn_ms;
};


static void progress_clear(struct batch_run *run)
{
    if (run->progress_shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        run->progress_shown = false;
    }
}

static void progress_draw(struct batch_run *run, int64_t now)
{
    char line[160];
    size_t fails = run->stats.verdicts[VERDICT_FAIL];
    batch_progress_line(line, sizeof line, run->stats.finished, run->list->n, fails,
                        now - run->started_ms);
    fprintf(stderr, "\r\033[K%s%s", line, run->draining ? "  (finishing, Ctrl-C again stops)" : "");
    fflush(stderr);
    run->progress_shown = true;
    run->drawn_ms = now;
}

static void print_report(struct batch_run *run, const struct report *r)
{
    progress_clear(run);
    cmd_state_notice(r);
    bool nagios = run->o->format == CLI_FMT_NAGIOS;
    enum mon_state st = MON_OK;
    if (nagios)
        st = report_nagios_write(stdout, r, run->o->require_sts);
    else if (run->o->json)
        report_json_write(stdout, r, false);
    else
        batch_table_row(stdout, r, run->width, run->color);
    if (fflush(stdout) != 0 || ferror(stdout))
        run->write_failed = true;
    batch_stats_add(&run->stats, r);
    run->exit_code = nagios ? monitor_combine(run->exit_code, st)
                            : report_exit_combine(run->exit_code,
                                                  report_exit_code(report_verdict(r)));
}

static void on_event(void *arg, const struct diag_event *ev)
{
    struct slot *s = arg;
    if (ev->type != DIAG_EV_DONE || s->done)
        return;
    s->done = true;
    s->run->finished_unswept++;
    /* A diagnosis we stopped is not finished: it is counted, never printed. */
    if (!s->run->stopping && !ev->report->interrupted)
        print_report(s->run, ev->report);
}

static void start_next(struct batch_run *run, struct slot *s)
{
    const struct batch_item *it = &run->list->items[run->next++];
    s->done = false;
    s->d = diag_start(run->e, &run->dopt, it->domain, it->input, on_event, s);
    run->inflight++;
}

/* sweep - free finished slots and refill them (outside any diag callback). */
static void sweep(struct batch_run *run)
{
    for (size_t i = 0; i < run->nslots; i++) {
        struct slot *s = &run->slots[i];
        if (s->d && s->done) {
            diag_free(s->d);
            s->d = NULL;
            run->inflight--;
        }
        if (!s->d && !run->draining && !run->stopping && run->next < run->list->n)
            start_next(run, s);
    }
    run->finished_unswept = 0;
}

/* raise_fd_limit - room for the sockets of every domain in flight; may lower concurrency. */
static size_t raise_fd_limit(size_t want)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        return want;
    rlim_t need = (rlim_t)(want * BATCH_FDS_PER_DOMAIN + 64);
    if (rl.rlim_cur < need) {
        rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need ? need : rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur >= need)
        return want;
    size_t fit = rl.rlim_cur > 64 ? (size_t)(rl.rlim_cur - 64) / BATCH_FDS_PER_DOMAIN : 1;
    fit = fit ? fit : 1;
    fprintf(stderr, "mxray: open-file limit %lu allows %zu domains in flight, not %zu\n",
            (unsigned long)rl.rlim_cur, fit, want);
    return fit;
}

static void install_signals(void)
{
    struct sigaction sa = {0};
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_sigint; /* no SA_RESTART: poll returns EINTR at once */
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_sigterm;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* check_signals - first Ctrl-C: start nothing new; second, SIGTERM or a failed write: stop. */
static void check_signals(struct batch_run *run)
{
    if (sigint_count && !run->draining) {
        run->draining = true;
        progress_clear(run);
        if (run->inflight)
            fprintf(stderr, "mxray: interrupted; finishing %zu domain%s in flight (Ctrl-C again "
                            "stops them)\n",
                    run->inflight, run->inflight == 1 ? "" : "s");
    }
    if ((sigint_count > 1 || sigterm_seen || run->write_failed) && !run->stopping) {
        run->stopping = true;
        run->draining = true;
    }
}

static size_t longest_domain(const struct batch_list *l)
{
    size_t m = 0;
    for (size_t i = 0; i < l->n; i++) {
        size_t n = strlen(l->items[i].domain);
        m = n > m ? n : m;
    }
    return m;
}

/* stop_all - the second Ctrl-C: stop what runs; returns how many were stopped. */
static size_t stop_all(struct batch_run *run)
{
    size_t stopped = 0;
    for (size_t i = 0; i < run->nslots; i++) {
        struct slot *s = &run->slots[i];
        if (!s->d)
            continue;
        if (!s->done)
            stopped++;
        diag_free(s->d); /* stops it first; the DONE it emits is not printed (stopping) */
        s->d = NULL;
    }
    run->inflight = 0;
    return stopped;
}

static void finish(struct batch_run *run, size_t stopped)
{
    progress_clear(run);
    bool interrupted = sigint_count || sigterm_seen;
    struct batch_summary m = {
        .planned = run->list->n,
        .stopped = stopped,
        .not_started = run->list->n - run->next,
        .duplicates = run->list->duplicates,
        .malformed = run->list->malformed,
        .elapsed_ms = loop_now_ms() - run->started_ms,
        .interrupted = interrupted,
    };
    if (run->o->format == CLI_FMT_NAGIOS) {
        if (isatty(2)) /* stdout holds only plugin lines */
            batch_summary_write(stderr, &run->stats, &m, cmd_use_color(run->o, 2));
    } else if (!run->o->json && !run->write_failed) {
        batch_summary_write(stdout, &run->stats, &m, run->color);
        fflush(stdout);
    } else if (run->o->json && isatty(2)) {
        batch_summary_write(stderr, &run->stats, &m, cmd_use_color(run->o, 2));
    }
}

int batch_run(struct engine *e, const struct cli_opts *o, const struct batch_list *list)
{
    struct batch_run run = {.e = e, .o = o, .list = list, .exit_code = -1};
    cmd_diag_opts(o, &run.dopt);
    run.nslots = list->n < (size_t)o->concurrency ? list->n : (size_t)o->concurrency;
    run.nslots = raise_fd_limit(run.nslots ? run.nslots : 1);
    run.slots = xcalloc(run.nslots, sizeof *run.slots);
    for (size_t i = 0; i < run.nslots; i++)
        run.slots[i].run = &run;
    run.color = cmd_use_color(o, 1);
    run.progress = isatty(2) && list->n > 0;
    run.width = batch_table_width(longest_domain(list));
    sigint_count = sigterm_seen = 0;
    install_signals();
    run.started_ms = loop_now_ms();
    if (!o->json && o->format != CLI_FMT_NAGIOS) {
        batch_table_header(stdout, run.width, run.color);
        fflush(stdout);
    }
    sweep(&run);
    while (run.inflight && !run.stopping) {
        int64_t now = loop_now_ms();
        if (run.progress && now - run.drawn_ms >= BATCH_PROGRESS_MS)
            progress_draw(&run, now);
        if (loop_run_once(e->loop, run.progress ? BATCH_PROGRESS_MS : -1) < 0 && errno != EINTR) {
            perror("mxray: poll");
            break;
        }
        check_signals(&run);
        if (run.finished_unswept)
            sweep(&run);
    }
    run.stopping = true;
    size_t stopped = stop_all(&run);
    finish(&run, stopped);
    free(run.slots);
    if (run.write_failed) {
        if (errno != EPIPE)
            fprintf(stderr, "mxray: writing the output failed\n");
        return 74;
    }
    if (sigint_count || sigterm_seen)
        return o->format == CLI_FMT_NAGIOS ? MON_UNKNOWN : 130;
    return run.exit_code < 0 ? 0 : run.exit_code;
}
