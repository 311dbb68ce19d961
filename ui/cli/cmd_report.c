/* cmd_report - read reports, summarise, optionally check live, print (cmd_report.h).
 *
 * Streamed: each report is parsed, added to the summary and dropped. With --json the
 * accepted reports are spooled (parsed) to an unlinked temporary file, because reports[] comes
 * before domains[] yet every failure's "now" needs the live checks that only start once
 * every input is read; the spool is replayed one report at a time. */
#include "cmd_report.h"
#include "loop.h"
#include "proc.h"
#include "cli.h"
#include "cmd_check.h"
#include "diag.h"
#include "escape.h"
#include "json.h"
#include "tlsrpt_imap.h"
#include "tlsrpt_input.h"
#include "tlsrpt_json.h"
#include "tlsrpt_report.h"
#include "tlsrpt_spool.h"
#include "tlsrpt_summary.h"
#include "tlsrpt_text.h"
#include "usage.h"
#include "report_live.h"
#include "dns.h"
#include "xalloc.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <termios.h>
#include <fcntl.h>
#include <unistd.h>

/* Reports are read (files, IMAP) before any loop runs, so an interrupt is a plain flag here,
 * tested between reports and by the live checks, instead of the loop's signal events. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    interrupted = sig;
}

struct reading {
    struct tlsrpt_summary *s;
    const struct cli_opts *o;
    FILE *spool; /* --json: the accepted reports, parsed (tlsrpt_spool.h) */
};

static int on_report(void *arg, const char *source, const char *json, size_t len)
{
    struct reading *rd = arg;
    struct tlsrpt_report r;
    char err[256];
    if (tlsrpt_report_parse(json, len, &r, err, sizeof err) < 0) {
        tlsrpt_summary_error(rd->s, source, err);
    } else if (tlsrpt_summary_add(rd->s, &r) && rd->spool) {
        tlsrpt_spool_write(rd->spool, source, &r); /* a write error shows at the replay */
    }
    tlsrpt_report_free(&r);
    return interrupted != 0;
}

static void on_error(void *arg, const char *source, const char *message)
{
    struct reading *rd = arg;
    tlsrpt_summary_error(rd->s, source, message);
}

static void on_skipped(void *arg, const char *source)
{
    struct reading *rd = arg;
    rd->s->skipped++;
}

/* ask_password - the IMAP password from the terminal, not echoed; NULL without one. */
static char *ask_password(void *arg, const char *user, const char *host)
{
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    char *u = escape_str(user), *h = escape_str(host);
    dprintf(fd, "IMAP password for %s at %s: ", u, h);
    free(u);
    free(h);
    struct termios old, quiet;
    bool tty = tcgetattr(fd, &old) == 0;
    if (tty) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    char buf[512];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    if (tty)
        tcsetattr(fd, TCSAFLUSH, &old);
    dprintf(fd, "\n");
    close(fd);
    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0';
    char *pw = xstrdup(buf);
    memset(buf, 0, sizeof buf);
    return pw;
}

static bool is_imap(const char *in)
{
    return strncmp(in, "imap://", 7) == 0 || strncmp(in, "imaps://", 8) == 0;
}

static void read_input(const char *in, const struct tlsrpt_sink *sink, struct reading *rd)
{
    struct tlsrpt_read_stats st = {0};
    struct stat sb;
    bool named_file = false;
    char *shown = escape_str(in);
    if (strcmp(in, "-") == 0) {
        tlsrpt_read_fd(0, "stdin", sink, &st);
        named_file = true;
    } else if (is_imap(in)) {
        struct tlsrpt_imap_opts io = {
            .ca_file = rd->o->ca_file,
            .connect_to = rd->o->connect_to,
            .nconnect_to = rd->o->nconnect_to,
            .timeout_ms = rd->o->timeout_ms,
            .password = ask_password,
            .stop = &interrupted,
        };
        tlsrpt_read_imap(in, &io, sink, &st);
    } else {
        named_file = stat(in, &sb) == 0 && !S_ISDIR(sb.st_mode);
        tlsrpt_read_path(in, sink, &st);
    }
    if (named_file && st.reports == 0 && st.errors == 0) {
        rd->s->skipped -= st.skipped; /* reported as this error instead */
        tlsrpt_summary_error(rd->s, strcmp(in, "-") == 0 ? "stdin" : shown,
                             "no TLS report in it (neither a report nor an e-mail or mbox "
                             "with a report attached)");
    } else if (st.stopped && !interrupted) {
        tlsrpt_summary_error(rd->s, shown,
                             "more reports than the limit for one input; "
                             "the rest was not read");
    }
    free(shown);
}

/* ---- output ---- */

static int replay_spool(FILE *spool, struct json *w, const struct tlsrpt_summary *s)
{
    if (fflush(spool) != 0 || ferror(spool))
        return -1;
    rewind(spool);
    char *source;
    struct tlsrpt_report r;
    int rc;
    while ((rc = tlsrpt_spool_read(spool, &source, &r)) == 1) {
        tlsrpt_summary_mark(s, &r);
        tlsrpt_json_report(w, source, &r);
        tlsrpt_report_free(&r);
        free(source);
    }
    return rc;
}

/* take_check - removes every "--check" before "--" from argv (cli_parse knows only
 * check's options); true when one was there. */
static bool take_check(int *argc, char **argv)
{
    bool found = false;
    int j = 0;
    for (int i = 0; i < *argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            while (i < *argc)
                argv[j++] = argv[i++];
            break;
        }
        if (strcmp(argv[i], "--check") == 0)
            found = true;
        else
            argv[j++] = argv[i];
    }
    *argc = j;
    return found;
}

int cmd_report(int argc, char **argv)
{
    char **args = xcalloc((size_t)argc + 1, sizeof *args);
    memcpy(args, argv, (size_t)argc * sizeof *args);
    bool check = take_check(&argc, args);
    struct cli_opts o;
    char err[256];
    int rc = 0;
    if (cli_parse(argc, args, 1, &o, err, sizeof err) < 0) {
        fprintf(stderr, "mxray report: %s (see mxray report --help)\n", err);
        rc = EX_USAGE;
    } else if (o.help) {
        usage_report(stdout);
    } else if (o.batch_file || o.concurrency_set || o.shard_n != 1) {
        fprintf(stderr, "mxray report: --batch, --concurrency and --shard belong to check\n");
        rc = EX_USAGE;
    } else if (o.ndomains == 0) {
        fprintf(stderr, "mxray report: no input given (usage: mxray report [--json] "
                        "[--check] [OPTIONS] INPUT...)\n");
        rc = EX_USAGE;
    }
    if (rc || o.help) {
        free(args);
        return rc;
    }
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < LOOP_STOP_SIGNALS_N; i++) /* INT, TERM, HUP, QUIT as everywhere */
        sigaction(loop_stop_signals[i], &sa, NULL);

    struct reading rd = {.s = tlsrpt_summary_new(), .o = &o};
    if (o.json && !(rd.spool = tmpfile())) {
        perror("mxray report: temporary file");
        tlsrpt_summary_free(rd.s);
        free(args);
        return EX_SOFTWARE;
    }
    struct tlsrpt_sink sink = {on_report, on_error, on_skipped, &rd};
    for (size_t i = 0; i < o.ndomains && !interrupted; i++)
        read_input(o.domains[i], &sink, &rd);
    tlsrpt_summary_sort(rd.s);

    /* the engine: for --check, or for the report view's walk-throughs */
    bool view = !o.json && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) && rd.s->ndomains;
    struct engine e = {0};
    struct diag_opts dopt;
    cmd_diag_opts(&o, &dopt);
    struct report_live live = {.s = rd.s, .e = &e, .dopt = &dopt, .stop = &interrupted};
    bool have_engine = false;
    if ((check || view) && !interrupted) {
        if (engine_init(&e, o.resolvers, o.nresolvers, o.timeout_ms, err, sizeof err) < 0) {
            fprintf(stderr, "mxray: %s\n", err);
            rc = EX_SOFTWARE;
        } else {
            have_engine = true;
        }
    }
    if (!rc && check && !interrupted)
        rc = report_live_check(&live);
    if (!rc && o.json) {
        struct json *w = json_new(stdout, true);
        tlsrpt_json_begin(w);
        if (replay_spool(rd.spool, w, rd.s) < 0)
            tlsrpt_summary_error(rd.s, "(spool)",
                                 "the temporary file that holds the reports for --json "
                                 "could not be written or read back (a full disk?)");
        tlsrpt_json_end(w, rd.s);
        json_free(w);
    } else if (!rc && view) {
        const char *nc = getenv("NO_COLOR");
        rc = report_live_view(&live, check, dns_resolver_desc(e.dns), o.no_color || (nc && *nc));
    } else if (!rc) {
        proc_stdout_ascii(); /* the view above needs the real stdout; text may take this one */
        tlsrpt_text_write(stdout, rd.s, check);
    }
    fflush(stdout);
    if (!rc && rd.s->nerrors && view)
        for (size_t i = 0; i < rd.s->nerrors; i++) /* the view does not show them */
            fprintf(stderr, "mxray: %s: %s\n", rd.s->errors[i].source, rd.s->errors[i].message);
    if (!rc)
        rc = interrupted ? 130 : rd.s->nerrors ? EX_DATAERR : rd.s->failed_sessions > 0 ? 1 : 0;
    if (rc == 130)
        fprintf(stderr, "mxray: interrupted; the summary shows what was read\n");
    report_live_free(&live);
    if (have_engine)
        engine_fini(&e);
    if (rd.spool)
        fclose(rd.spool);
    tlsrpt_summary_free(rd.s);
    free(args);
    return rc;
}
