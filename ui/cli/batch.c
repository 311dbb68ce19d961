/* batch - many diagnoses on one loop, a bounded number at a time (contract in batch.h).
 *
 * Slots: one per domain in flight. The DONE event prints the report into the output queue
 * and marks the slot; the main loop (never a diag callback, see diag.h) frees finished slots
 * and starts the next domains, taken from the front of the list that the reader fills as the
 * input arrives. Nothing here blocks: the output is written when stdout is writable
 * (outbuf.h), and while too much of it waits, no new domain starts (the ones in flight run
 * on, so a slow reader never changes a verdict). Signals arrive as loop events. */
#include "batch.h"
#include "batch_reader.h"
#include "batch_table.h"
#include "cmd_check.h"
#include "escape.h"
#include "exit_status.h"
#include "loop.h"
#include "outbuf.h"
#include "proc.h"
#include "report_json.h"
#include "report_nagios.h"
#include "xalloc.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BATCH_PROGRESS_MS 200 /* progress line refresh */

struct slot {
    struct batch_run *run;
    struct diag *d; /* NULL when free */
    struct batch_item item;
    bool done;
};

struct batch_run {
    struct engine *e;
    const struct cli_opts *o;
    struct batch_list *list;
    struct batch_reader *reader;
    struct outbuf *out;
    struct diag_opts dopt;
    struct slot *slots;
    size_t nslots, started, inflight, finished_unswept;
    int sigint_count, stop_signals;
    bool draining, stopping, color, progress, progress_shown, header_done;
    int width, exit_code;
    volatile bool drain_stop;
    struct batch_stats stats;
    int64_t started_ms, drawn_ms;
};

static size_t planned(const struct batch_run *run)
{
    return run->list->kept;
}

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
    batch_progress_line(line, sizeof line, run->stats.finished, planned(run), fails,
                        now - run->started_ms);
    fprintf(stderr, "\r\033[K%s%s%s", line, batch_reader_done(run->reader) ? "" : "+",
            run->draining ? "  (finishing, Ctrl-C again stops)" : "");
    fflush(stderr);
    run->progress_shown = true;
    run->drawn_ms = now;
}

/* header - the table header, once, before the first row: its width fits the domains read
 * by then (a longer one pushes its row, it is never cut). */
static void header(struct batch_run *run)
{
    if (run->header_done || run->o->json || run->o->format == CLI_FMT_NAGIOS)
        return;
    run->header_done = true;
    run->width = batch_table_width(run->list->longest);
    batch_table_header(outbuf_file(run->out), run->width, run->color);
}

static void print_report(struct batch_run *run, const struct report *r)
{
    progress_clear(run);
    FILE *f = outbuf_file(run->out);
    header(run);
    cmd_state_notice(r);
    bool nagios = run->o->format == CLI_FMT_NAGIOS;
    enum mon_state st = MON_OK;
    if (nagios)
        st = report_nagios_write(f, r, run->o->require_sts);
    else if (run->o->json)
        report_json_write(f, r, false);
    else
        batch_table_row(f, r, run->width, run->color);
    fflush(f);
    batch_stats_add(&run->stats, r);
    run->exit_code = nagios
                         ? monitor_combine(run->exit_code, st)
                         : report_exit_combine(run->exit_code, report_exit_code(report_verdict(r)));
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

static bool may_start(const struct batch_run *run)
{
    return !run->draining && !run->stopping && !outbuf_backlog(run->out) &&
           !outbuf_error(run->out) && batch_list_waiting(run->list);
}

/* sweep - free finished slots and refill them (outside any diag callback). */
static void sweep(struct batch_run *run)
{
    for (size_t i = 0; i < run->nslots; i++) {
        struct slot *s = &run->slots[i];
        if (s->d && s->done) {
            diag_free(s->d);
            batch_item_free(&s->item);
            s->d = NULL;
            run->inflight--;
        }
        if (!s->d && may_start(run) && batch_list_take(run->list, &s->item)) {
            s->done = false;
            s->d = diag_start(run->e, &run->dopt, s->item.domain, s->item.input, on_event, s);
            run->inflight++;
            run->started++;
        }
    }
    run->finished_unswept = 0;
    batch_reader_poke(run->reader);
}

/* on_signal - first Ctrl-C: start nothing new and read no more; a second one, or TERM, HUP
 * or QUIT: stop. While only the output is left, any signal gives up on the reader. */
static void on_signal(void *arg, int sig)
{
    struct batch_run *run = arg;
    if (sig == SIGINT)
        run->sigint_count++;
    else
        run->stop_signals++;
    run->drain_stop = true;
    if (!run->draining) {
        run->draining = true;
        batch_reader_stop(run->reader);
        progress_clear(run);
        if (run->inflight && sig == SIGINT)
            fprintf(stderr,
                    "mxray: interrupted; finishing %zu domain%s in flight (Ctrl-C again "
                    "stops them)\n",
                    run->inflight, run->inflight == 1 ? "" : "s");
    }
    if (run->sigint_count > 1 || run->stop_signals)
        run->stopping = true;
}

/* stop_all - stop what runs; returns how many were stopped. */
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
        batch_item_free(&s->item);
        s->d = NULL;
    }
    run->inflight = 0;
    return stopped;
}

static bool interrupted(const struct batch_run *run)
{
    return run->sigint_count || run->stop_signals;
}

static void finish(struct batch_run *run, size_t stopped)
{
    progress_clear(run);
    const struct batch_list *l = run->list;
    struct batch_summary m = {
        .planned = planned(run),
        .stopped = stopped,
        .not_started = planned(run) - run->started,
        .duplicates = l->duplicates,
        .malformed = l->malformed,
        .elapsed_ms = loop_now_ms() - run->started_ms,
        .interrupted = interrupted(run),
    };
    if (run->o->format == CLI_FMT_NAGIOS) {
        if (isatty(2)) /* stdout holds only plugin lines */
            batch_summary_write(stderr, &run->stats, &m, cmd_use_color(run->o, 2));
    } else if (!run->o->json && !outbuf_error(run->out)) {
        header(run);
        batch_summary_write(outbuf_file(run->out), &run->stats, &m, run->color);
    } else if (run->o->json && isatty(2)) {
        batch_summary_write(stderr, &run->stats, &m, cmd_use_color(run->o, 2));
    }
    if (l->said > BATCH_SAY_MAX)
        fprintf(stderr, "mxray: %zu input lines skipped in all (%zu repeated, %zu malformed)\n",
                l->duplicates + l->malformed, l->duplicates, l->malformed);
}

static int run_loop(struct batch_run *run)
{
    sweep(run);
    while (!run->stopping && !outbuf_error(run->out) &&
           (run->inflight || (!run->draining && !batch_reader_done(run->reader)) ||
            (!run->draining && batch_list_waiting(run->list)))) {
        int64_t now = loop_now_ms();
        if (run->progress && now - run->drawn_ms >= BATCH_PROGRESS_MS)
            progress_draw(run, now);
        if (loop_run_once(run->e->loop, run->progress ? BATCH_PROGRESS_MS : -1) < 0) {
            perror("mxray: poll");
            return EX_SOFTWARE;
        }
        sweep(run);
    }
    return 0;
}

int batch_run(struct engine *e, const struct cli_opts *o, struct batch_list *list, int in_fd,
              const char *in_name)
{
    struct batch_run run = {.e = e, .o = o, .list = list, .exit_code = -1};
    cmd_diag_opts(o, &run.dopt);
    size_t want = o->concurrency > 0 ? (size_t)o->concurrency : 1;
    run.nslots = cmd_fd_room(want);
    if (run.nslots < want)
        fprintf(stderr, "mxray: the open-file limit allows %zu domain%s in flight, not %zu\n",
                run.nslots, run.nslots == 1 ? "" : "s", want);
    run.nslots = run.nslots ? run.nslots : 1; /* cmd_preflight made sure one fits */
    run.slots = xcalloc(run.nslots, sizeof *run.slots);
    for (size_t i = 0; i < run.nslots; i++)
        run.slots[i].run = &run;
    run.color = cmd_use_color(o, 1);
    run.progress = isatty(2);
    run.out =
        outbuf_new(e->loop, STDOUT_FILENO, o->format != CLI_FMT_JSON && !escape_terminal_utf8());
    if (in_fd >= 0)
        run.reader = batch_reader_new(e->loop, in_fd, in_name, list, stderr);
    loop_signals(e->loop, loop_stop_signals, LOOP_STOP_SIGNALS_N, on_signal, &run);
    run.started_ms = loop_now_ms();
    int rc = run_loop(&run);
    run.stopping = true;
    size_t stopped = stop_all(&run);
    batch_reader_stop(run.reader);
    int in_status = batch_reader_status(run.reader);
    bool empty = list->unique == 0 && !in_status && !interrupted(&run);
    if (!empty)
        finish(&run, stopped);
    /* After a stop signal, one last try at the output but no waiting for a stalled reader. */
    run.drain_stop = run.stop_signals || run.sigint_count > 1;
    outbuf_drain(run.out, &run.drain_stop);
    int werr = outbuf_error(run.out);
    outbuf_free(run.out);
    loop_signals_off(e->loop);
    batch_reader_free(run.reader);
    free(run.slots);
    /* Precedence (exit_status.h): local failures, then the verdicts with the interrupt. */
    if (werr) {
        proc_write_failed(werr);
        return EX_IOERR;
    }
    if (rc)
        return rc;
    if (in_status)
        return in_status;
    if (empty) {
        fprintf(stderr, "mxray check: no valid domain in the input\n");
        return EX_USAGE;
    }
    int status = run.exit_code < 0 ? 0 : run.exit_code;
    if (interrupted(&run)) /* the plugin guidelines: an interrupted check is UNKNOWN */
        return o->format == CLI_FMT_NAGIOS ? MON_UNKNOWN
                                           : report_exit_combine(status, MX_EXIT_INTERRUPTED);
    return status;
}
