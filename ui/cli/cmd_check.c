/* cmd_check - run the engine over one or more domains and print text or JSON.
 *
 * One domain: the full report (text or one JSON object). Ctrl-C stops the diagnosis, prints
 * what is known so far and exits 130. Several domains, or --batch FILE: batch mode (batch.h),
 * a table or JSON Lines, a bounded number of domains in flight on the same loop. */
#include "cmd_check.h"
#include "batch.h"
#include "batch_input.h"
#include "domain.h"
#include "escape.h"
#include "loop.h"
#include "report_json.h"
#include "report_md.h"
#include "report_nagios.h"
#include "state.h"
#include "report_text.h"
#include "usage.h"
#include "xalloc.h"
#include <errno.h>
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

const char *cmd_state_dir(const struct cli_opts *o)
{
    static char dflt[4096];
    static bool said;
    if (o->no_state)
        return NULL;
    if (o->state_dir)
        return o->state_dir;
    if (state_default_dir(dflt, sizeof dflt) == 0)
        return dflt;
    if (!said)
        fprintf(stderr, "mxray: no state kept: neither XDG_STATE_HOME nor HOME is an absolute "
                        "path (use --state DIR or --no-state)\n");
    said = true;
    return NULL;
}

void cmd_state_notice(const struct report *r)
{
    static bool said;
    if (said || !r->history.error)
        return;
    said = true;
    fprintf(stderr, "mxray: state not kept: %s (the check itself ran; --no-state skips "
                    "state)\n",
            r->history.error);
}

void cmd_diag_opts(const struct cli_opts *o, struct diag_opts *d)
{
    memset(d, 0, sizeof *d);
    d->warn_days = o->warn_days;
    d->crit_days = o->crit_days;
    d->state_dir = cmd_state_dir(o);
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


static void print_report(struct run *run, const struct report *r)
{
    cmd_state_notice(r);
    if (run->o->format == CLI_FMT_NAGIOS) {
        enum mon_state st = report_nagios_write(stdout, r, run->o->require_sts);
        fflush(stdout);
        run->exit_code = monitor_combine(run->exit_code, st);
        return;
    }
    if (run->o->format == CLI_FMT_JSON) {
        report_json_write(stdout, r, run->n == 1);
    } else if (run->o->format == CLI_FMT_MARKDOWN) {
        if (run->done > 1)
            fputs("\n---\n\n", stdout); /* one document per domain, in the order they end */
        report_md_write(stdout, r);
    } else {
        struct text_opts to = {.color = run->color, .width = 80, .verbose = run->o->verbose};
        report_text_write(stdout, r, &to);
        if (run->n > 1)
            fputc('\n', stdout);
    }
    fflush(stdout);
    run->exit_code = report_exit_combine(run->exit_code, report_exit_code(report_verdict(r)));
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
        return o->format == CLI_FMT_NAGIOS ? MON_UNKNOWN : 130;
    }
    return run.exit_code < 0 ? 70 : run.exit_code;
}

/* read_batch - command-line domains, then the --batch file, into list. Returns 0, or an
 * exit status when the file cannot be read. */
static int read_batch(const struct cli_opts *o, struct batch_list *list)
{
    batch_list_init(list, o->shard_k, o->shard_n);
    for (size_t i = 0; i < o->ndomains; i++)
        batch_list_add(list, o->domains[i], strlen(o->domains[i]), NULL, i + 1, stderr);
    if (!o->batch_file)
        return 0;
    bool is_stdin = strcmp(o->batch_file, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(o->batch_file, "r");
    char *name = escape_str(is_stdin ? "stdin" : o->batch_file);
    int rc = 0;
    if (!f) {
        fprintf(stderr, "mxray: %s: %s\n", name, strerror(errno));
        rc = 66; /* EX_NOINPUT */
    } else if (batch_list_read(list, f, name, stderr) < 0) {
        fprintf(stderr, "mxray: %s: %s\n", name, strerror(errno));
        rc = 74; /* EX_IOERR */
    }
    if (f && !is_stdin)
        fclose(f);
    free(name);
    return rc;
}

static int run_batch(const struct cli_opts *o)
{
    struct batch_list list;
    int rc = read_batch(o, &list);
    if (!rc && list.unique == 0) {
        fprintf(stderr, "mxray check: no valid domain in the input\n");
        rc = 64;
    }
    char err[256];
    struct engine e;
    bool nagios = o->format == CLI_FMT_NAGIOS;
    if (rc && nagios) {
        rc = report_nagios_unknown(stdout, NULL, rc == 64 ? "no valid domain in the input"
                                                          : "the domain list cannot be read");
    } else if (!rc &&
               engine_init(&e, o->resolvers, o->nresolvers, o->timeout_ms, err, sizeof err) < 0) {
        fprintf(stderr, "mxray: %s\n", err);
        rc = nagios ? report_nagios_unknown(stdout, NULL, err) : 70;
    } else if (!rc) {
        rc = batch_run(&e, o, &list);
        engine_fini(&e);
    }
    batch_list_free(&list);
    return rc;
}

int cmd_check(int argc, char **argv)
{
    struct cli_opts o;
    char err[256];
    if (cli_parse(argc, argv, 1, &o, err, sizeof err) < 0) {
        fprintf(stderr, "mxray check: %s (see mxray check --help)\n", err);
        if (cli_wants_nagios(argc, argv, 1))
            return report_nagios_unknown(stdout, NULL, err);
        return 64;
    }
    if (o.help) {
        usage_check(stdout);
        return 0;
    }
    if (o.batch_file || o.ndomains > 1)
        return run_batch(&o);
    bool nagios = o.format == CLI_FMT_NAGIOS;
    if (o.ndomains == 0) {
        fprintf(stderr, "mxray check: no domain given (usage: mxray check [OPTIONS] DOMAIN... "
                        "or --batch FILE)\n");
        return nagios ? report_nagios_unknown(stdout, NULL, "no domain given") : 64;
    }
    char **domains = xcalloc(o.ndomains, sizeof *domains);
    if (cmd_normalize_domains(o.domains, o.ndomains, domains) < 0) {
        free(domains);
        return nagios ? report_nagios_unknown(stdout, o.domains[0], "not a valid domain name")
                      : 64;
    }
    struct engine e;
    int rc;
    if (engine_init(&e, o.resolvers, o.nresolvers, o.timeout_ms, err, sizeof err) < 0) {
        fprintf(stderr, "mxray: %s\n", err);
        rc = nagios ? report_nagios_unknown(stdout, domains[0], err) : 70;
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
