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
#include "cert.h"
#include "exit_status.h"
#include "outbuf.h"
#include "proc.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

struct run {
    struct diag **diags;
    size_t n;
    bool *printed;
    size_t done;
    const struct cli_opts *o;
    struct outbuf *out;
    bool color;
    int signals;       /* INT, TERM, HUP or QUIT received */
    bool draining;     /* the reports are printed; waiting for the reader */
    volatile bool drain_stop; /* a signal while draining: give up on the reader */
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
    const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");
    return !o->no_color && !(nc && *nc) && isatty(fd) && !cmd_term_dumb(term);
}

bool cmd_term_dumb(const char *term)
{
    return !term || !*term || strcmp(term, "dumb") == 0;
}

/* fd_headroom - raise the open-file limit towards need; the limit reached. */
static rlim_t fd_headroom(rlim_t need)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        return need;
    if (rl.rlim_cur < need) {
        rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need ? need : rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    return rl.rlim_cur;
}

size_t cmd_fd_room(size_t want)
{
    rlim_t need = (rlim_t)(want * CMD_FDS_PER_DIAG + CMD_FDS_RESERVE);
    rlim_t have = fd_headroom(need);
    if (have >= need)
        return want;
    return have > CMD_FDS_RESERVE ? (size_t)(have - CMD_FDS_RESERVE) / CMD_FDS_PER_DIAG : 0;
}

int cmd_preflight(const struct cli_opts *o, const char *cmd)
{
    char why[256];
    if (o->ca_file && cert_ca_file_check(o->ca_file, why, sizeof why) < 0) {
        char *f = escape_term(o->ca_file);
        fprintf(stderr, "mxray%s%s: --ca-file %s: %s\n", *cmd ? " " : "", cmd, f, why);
        free(f);
        return EX_NOINPUT;
    }
    if (cmd_fd_room(1) < 1) {
        struct rlimit rl = {0};
        getrlimit(RLIMIT_NOFILE, &rl);
        fprintf(stderr,
                "mxray: the open-file limit (%lu) is too low: one diagnosis needs %d "
                "descriptors (raise it with ulimit -n)\n",
                (unsigned long)rl.rlim_cur, CMD_FDS_PER_DIAG + CMD_FDS_RESERVE);
        return EX_SOFTWARE;
    }
    return 0;
}

int cmd_normalize_domains(const char *const *in, size_t n, char **out)
{
    for (size_t i = 0; i < n; i++) {
        char buf[MX_DOMAIN_MAX + 2], err[160];
        if (domain_normalize(in[i], buf, sizeof buf, err, sizeof err) < 0) {
            char *shown = escape_term(in[i]);
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
    FILE *f = outbuf_file(run->out);
    cmd_state_notice(r);
    if (run->o->format == CLI_FMT_NAGIOS) {
        enum mon_state st = report_nagios_write(f, r, run->o->require_sts);
        fflush(f);
        run->exit_code = monitor_combine(run->exit_code, st);
        return;
    }
    if (run->o->format == CLI_FMT_JSON) {
        report_json_write(f, r, run->n == 1);
    } else if (run->o->format == CLI_FMT_MARKDOWN) {
        if (run->done > 1)
            fputs("\n---\n\n", f); /* one document per domain, in the order they end */
        report_md_write(f, r);
    } else {
        struct text_opts to = {.color = run->color, .width = 80, .verbose = run->o->verbose};
        report_text_write(f, r, &to);
        if (run->n > 1)
            fputc('\n', f);
    }
    fflush(f);
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

static void on_signal(void *arg, int sig)
{
    struct run *run = arg;
    run->signals++;
    /* Ctrl-C: print what was known and wait for the reader; a second signal, or TERM, HUP or
     * QUIT: one last try at the output, no waiting for a stalled reader. */
    if (run->draining || sig != SIGINT || run->signals > 1)
        run->drain_stop = true;
}

static int run_all(struct engine *e, const struct cli_opts *o, char **domains)
{
    struct diag_opts dopt;
    cmd_diag_opts(o, &dopt);
    struct run run = {.n = o->ndomains, .o = o, .color = cmd_use_color(o, 1), .exit_code = -1};
    run.out = outbuf_new(e->loop, STDOUT_FILENO, o->format != CLI_FMT_JSON && !escape_terminal_utf8());
    loop_signals(e->loop, loop_stop_signals, LOOP_STOP_SIGNALS_N, on_signal, &run);
    run.diags = xcalloc(run.n, sizeof *run.diags);
    run.printed = xcalloc(run.n, sizeof *run.printed);
    for (size_t i = 0; i < run.n; i++)
        run.diags[i] = diag_start(e, &dopt, domains[i], o->domains[i], on_event, &run);
    bool poll_failed = false;
    while (run.done < run.n && !run.signals && !outbuf_error(run.out)) {
        if (loop_run_once(e->loop, -1) < 0) {
            perror("mxray: poll");
            poll_failed = true;
            break;
        }
    }
    /* Interrupted (or poll failed): stop what runs; diag_stop emits DONE for each, which
     * prints what was known. */
    for (size_t i = 0; i < run.n; i++)
        diag_stop(run.diags[i]);
    for (size_t i = 0; i < run.n; i++)
        diag_free(run.diags[i]);
    free(run.diags);
    free(run.printed);
    run.draining = true;
    if (run.signals > 1)
        run.drain_stop = true;
    outbuf_drain(run.out, &run.drain_stop);
    int werr = outbuf_error(run.out);
    bool unwritten = outbuf_pending(run.out) > 0;
    outbuf_free(run.out);
    loop_signals_off(e->loop);
    if (werr) {
        proc_write_failed(werr);
        return EX_IOERR;
    }
    if (run.signals) {
        fprintf(stderr, unwritten ? "mxray: interrupted while the output waited for its "
                                    "reader; the report was not written out\n"
                                  : "mxray: interrupted; the report above shows what was "
                                    "known\n");
        if (o->format == CLI_FMT_NAGIOS) /* the plugin guidelines: interrupted is UNKNOWN */
            return MON_UNKNOWN;
        /* The report's own verdict decides (JSON's exit_code says the same): a failure found
         * before the interrupt stays 2, otherwise the verdict is incomplete, 130. */
        return run.exit_code < 0 || unwritten ? MX_EXIT_INTERRUPTED : run.exit_code;
    }
    return run.exit_code < 0 || poll_failed ? EX_SOFTWARE : run.exit_code;
}

/* open_batch_input - the --batch source as a descriptor: 0 for "-", -1 with no --batch; or
 * an exit status (> 0 in *rc) after one line on stderr. */
static int open_batch_input(const struct cli_opts *o, int *rc)
{
    *rc = 0;
    if (!o->batch_file)
        return -1;
    if (strcmp(o->batch_file, "-") == 0)
        return STDIN_FILENO;
    int fd = open(o->batch_file, O_RDONLY | O_CLOEXEC);
    struct stat st;
    const char *why = NULL;
    if (fd < 0)
        why = strerror(errno);
    else if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
        why = "is a directory";
    if (why) {
        char *name = escape_term(o->batch_file);
        fprintf(stderr, "mxray: %s: %s\n", name, why);
        free(name);
        if (fd >= 0)
            close(fd);
        *rc = EX_NOINPUT;
        return -1;
    }
    return fd;
}

/* nagios_local - with --format nagios a local failure (rc) is UNKNOWN, said on stdout as a
 * plugin line; otherwise rc as it is. */
static int nagios_local(const struct cli_opts *o, int rc, const char *domain, const char *why)
{
    if (o->format != CLI_FMT_NAGIOS || !rc || rc == EX_IOERR)
        return rc;
    return report_nagios_unknown(stdout, domain, why);
}

static int run_batch(const struct cli_opts *o)
{
    int rc;
    int fd = open_batch_input(o, &rc);
    if (rc)
        return nagios_local(o, rc, NULL, "the domain list cannot be read");
    struct batch_list list;
    batch_list_init(&list, o->shard_k, o->shard_n);
    for (size_t i = 0; i < o->ndomains; i++)
        batch_list_add(&list, o->domains[i], strlen(o->domains[i]), NULL, i + 1, stderr);
    char err[256];
    struct engine e;
    if (engine_init(&e, o->resolvers, o->nresolvers, o->timeout_ms, err, sizeof err) < 0) {
        fprintf(stderr, "mxray: %s\n", err);
        rc = nagios_local(o, EX_SOFTWARE, NULL, err);
    } else {
        char *name = fd < 0 ? NULL : escape_term(fd == STDIN_FILENO ? "stdin" : o->batch_file);
        rc = batch_run(&e, o, &list, fd, name);
        if (rc == EX_USAGE || rc == EX_DATAERR)
            rc = nagios_local(o, rc, NULL,
                              rc == EX_USAGE ? "no valid domain in the input"
                                             : "the domain list is not a list of domains");
        free(name);
        engine_fini(&e);
    }
    if (fd > STDIN_FILENO)
        close(fd);
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
        return EX_USAGE;
    }
    if (o.help) {
        usage_check(stdout);
        return 0;
    }
    if (o.ndomains == 0 && !o.batch_file) {
        fprintf(stderr, "mxray check: no domain given (usage: mxray check [OPTIONS] DOMAIN... "
                        "or --batch FILE)\n");
        return nagios_local(&o, EX_USAGE, NULL, "no domain given");
    }
    int rc = cmd_preflight(&o, "check");
    if (rc)
        return nagios_local(&o, rc, o.ndomains ? o.domains[0] : NULL,
                            rc == EX_NOINPUT ? "the --ca-file cannot be used"
                                             : "too few file descriptors");
    /* A shard of one domain is a batch too: shard 2/2 of a single domain checks nothing. */
    if (o.batch_file || o.ndomains > 1 || o.shard_n > 1)
        return run_batch(&o);
    char **domains = xcalloc(o.ndomains, sizeof *domains);
    if (cmd_normalize_domains(o.domains, o.ndomains, domains) < 0) {
        free(domains);
        return nagios_local(&o, EX_USAGE, o.domains[0], "not a valid domain name");
    }
    struct engine e;
    if (engine_init(&e, o.resolvers, o.nresolvers, o.timeout_ms, err, sizeof err) < 0) {
        fprintf(stderr, "mxray: %s\n", err);
        rc = nagios_local(&o, EX_SOFTWARE, domains[0], err);
    } else {
        rc = run_all(&e, &o, domains);
        engine_fini(&e);
    }
    for (size_t i = 0; i < o.ndomains; i++)
        free(domains[i]);
    free(domains);
    return rc;
}
