/* cmd_check - run the engine over one or more domains and print text or JSON.
 *
 * All domains run at once on one loop. Each report is printed as soon as it is done (JSON
 * Lines when more than one domain with --json). Ctrl-C stops every diagnosis, prints what is
 * known so far and exits 130. */
#include "cmd_check.h"
#include "domain.h"
#include "escape.h"
#include "loop.h"
#include "report_json.h"
#include "report_text.h"
#include "usage.h"
#include "xalloc.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    interrupted = sig;
}

struct run {
    struct diag **diags;
    size_t n;
    bool *printed;
    size_t done;
    const struct cli_opts *o;
    bool color;
    int exit_code;
};

void cmd_diag_opts(const struct cli_opts *o, struct diag_opts *d)
{
    memset(d, 0, sizeof *d);
    d->ca_file = o->ca_file;
    d->timeout_ms = o->timeout_ms;
    d->family = o->family;
    d->connect_to = o->connect_to;
    d->nconnect_to = o->nconnect_to;
    d->ehlo_name = o->ehlo_name;
}

bool cmd_use_color(const struct cli_opts *o, int fd)
{
    const char *nc = getenv("NO_COLOR");
    return !o->no_color && !(nc && *nc) && isatty(fd);
}

int cmd_normalize_domains(const char *const *in, size_t n, char **out)
{
    for (size_t i = 0; i < n; i++) {
        char buf[MX_DOMAIN_MAX + 2], err[160];
        if (domain_normalize(in[i], buf, sizeof buf, err, sizeof err) < 0) {
            char *shown = escape_str(in[i]);
            fprintf(stderr, "mxray: %.80s: %s\n", shown, err);
            free(shown);
            for (size_t j = 0; j < i; j++)
                free(out[j]);
            return -1;
        }
        out[i] = xstrdup(buf);
    }
    return 0;
}

/* combine - the run's exit status: fail beats none beats warn beats pass. */
static int combine(int acc, int code)
{
    static const int rank[4] = {0, 1, 3, 2}; /* index: exit code 0..3 */
    if (acc < 0)
        return code;
    return rank[code] > rank[acc] ? code : acc;
}

static void print_report(struct run *run, const struct report *r)
{
    if (run->o->json) {
        report_json_write(stdout, r, run->n == 1);
    } else {
        struct text_opts to = {.color = run->color, .width = 80, .verbose = run->o->verbose};
        report_text_write(stdout, r, &to);
        if (run->n > 1)
            fputc('\n', stdout);
    }
    fflush(stdout);
    run->exit_code = combine(run->exit_code, report_exit_code(report_verdict(r)));
}

static void on_event(void *arg, const struct diag_event *ev)
{
    struct run *run = arg;
    if (ev->type != DIAG_EV_DONE)
        return;
    for (size_t i = 0; i < run->n; i++) {
        if (run->diags[i] && diag_report(run->diags[i]) == ev->report && !run->printed[i]) {
            run->printed[i] = true;
            run->done++;
            print_report(run, ev->report);
        }
    }
}

static void install_signals(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static int run_all(struct engine *e, const struct cli_opts *o, char **domains)
{
    struct diag_opts dopt;
    cmd_diag_opts(o, &dopt);
    struct run run = {.n = o->ndomains, .o = o, .color = cmd_use_color(o, 1), .exit_code = -1};
    run.diags = xcalloc(run.n, sizeof *run.diags);
    run.printed = xcalloc(run.n, sizeof *run.printed);
    for (size_t i = 0; i < run.n; i++)
        run.diags[i] = diag_start(e, &dopt, domains[i], o->domains[i], on_event, &run);
    while (run.done < run.n && !interrupted) {
        if (loop_run_once(e->loop, -1) < 0) {
            perror("mxray: poll");
            break;
        }
    }
    /* Interrupted (or poll failed): stop what runs; diag_stop emits DONE for each. */
    for (size_t i = 0; i < run.n; i++)
        diag_stop(run.diags[i]);
    for (size_t i = 0; i < run.n; i++)
        diag_free(run.diags[i]);
    free(run.diags);
    free(run.printed);
    if (interrupted) {
        fprintf(stderr, "mxray: interrupted; the report above shows what was known\n");
        return 130;
    }
    return run.exit_code < 0 ? 70 : run.exit_code;
}

int cmd_check(int argc, char **argv)
{
    struct cli_opts o;
    char err[256];
    if (cli_parse(argc, argv, 1, &o, err, sizeof err) < 0) {
        fprintf(stderr, "mxray check: %s (see mxray check --help)\n", err);
        return 64;
    }
    if (o.help) {
        usage_check(stdout);
        return 0;
    }
    if (o.ndomains == 0) {
        fprintf(stderr, "mxray check: no domain given (usage: mxray check [OPTIONS] DOMAIN...)\n");
        return 64;
    }
    char **domains = xcalloc(o.ndomains, sizeof *domains);
    if (cmd_normalize_domains(o.domains, o.ndomains, domains) < 0) {
        free(domains);
        return 64;
    }
    struct engine e;
    int rc;
    if (engine_init(&e, o.resolvers, o.nresolvers, o.timeout_ms, err, sizeof err) < 0) {
        fprintf(stderr, "mxray: %s\n", err);
        rc = 70;
    } else {
        install_signals();
        rc = run_all(&e, &o, domains);
        engine_fini(&e);
    }
    for (size_t i = 0; i < o.ndomains; i++)
        free(domains[i]);
    free(domains);
    return rc;
}
