/* cmd_plan - `mxray plan` (contract in cmd_plan.h).
 *
 * The plan's own options (--mx, --mode, --via-testing, --remove, --step, --verify) are taken
 * out first; everything else goes to the one argument parser of `check`, so the live check
 * runs with exactly check's options (--state DIR and --no-state included: the check keeps its
 * history there as check does, the plan reads it for the longest max_age seen, and plans are
 * saved in DIR/plans). The check probes the target hosts too
 * (diag_opts.planned_hosts). Then the engine plans (src/plan.c) or verifies a step of the
 * saved plan (src/plan_verify.c), and a writer prints it. */
#include "cmd_plan.h"
#include "cli.h"
#include "cmd_check.h"
#include "domain.h"
#include "escape.h"
#include "loop.h"
#include "plan.h"
#include "plan_json.h"
#include "plan_store.h"
#include "plan_text.h"
#include "state.h"
#include "usage.h"
#include "xalloc.h"
#include <arpa/inet.h>
#include <signal.h>
#include <sysexits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* on_signal - INT, TERM, HUP or QUIT during the live check (the loop's signal events). */
static void on_signal(void *arg, int sig)
{
    *(int *)arg = sig;
}

struct plan_args {
    struct plan_target target;
    char *mx[PLAN_TARGETS_MAX]; /* normalized */
    long step;
    bool verify;
    bool json;
};

/* usage_err - "mxray plan: WHAT[ ARG][: WHY]" on stderr (ARG escaped); returns 64. */
static int usage_err(const char *what, const char *arg, const char *why)
{
    char *safe = arg ? escape_str(arg) : NULL;
    fprintf(stderr, "mxray plan: %s%s%s%s%s (see mxray plan --help)\n", what, safe ? " " : "",
            safe ? safe : "", why ? ": " : "", why ? why : "");
    free(safe);
    return EX_USAGE;
}

static bool is_address(const char *s)
{
    unsigned char buf[16];
    char tmp[64];
    if (*s == '[') { /* [v6] or [v4] */
        size_t n = strcspn(s + 1, "]");
        snprintf(tmp, sizeof tmp, "%.*s", (int)(n < 63 ? n : 63), s + 1);
        s = tmp;
    }
    return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* add_target - one --mx value: a host name (never an address), normalized, not twice. */
static int add_target(struct plan_args *a, const char *v)
{
    char buf[MX_DOMAIN_MAX + 2], err[160];
    if (is_address(v))
        return usage_err(
            "--mx", v,
            "an MX record names a host, not an address (RFC 5321 5.1); give the host name");
    if (domain_normalize(v, buf, sizeof buf, err, sizeof err) < 0 || !strchr(buf, '.'))
        return usage_err("--mx", v, "not a host name");
    if (a->target.nmx == PLAN_TARGETS_MAX) {
        _Static_assert(PLAN_TARGETS_MAX == 16, "the message below says 16");
        return usage_err("at most 16 --mx hosts", NULL, NULL);
    }
    for (size_t i = 0; i < a->target.nmx; i++)
        if (strcmp(a->mx[i], buf) == 0)
            return usage_err("--mx", v, "given twice");
    a->mx[a->target.nmx] = xstrdup(buf);
    a->target.mx[a->target.nmx] = a->mx[a->target.nmx];
    a->target.nmx++;
    return 0;
}

static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    return *i + 1 < argc ? argv[++*i] : NULL;
}

static bool is_opt(const char *a, const char *name)
{
    size_t n = strlen(name);
    return strncmp(a, name, n) == 0 && (a[n] == '\0' || a[n] == '=');
}

/* split_args - the plan's options into a; the rest into rest (for cli_parse). Returns 0 or an
 * exit status. */
static int split_args(int argc, char **argv, struct plan_args *a, char **rest, int *nrest)
{
    *nrest = 0;
    rest[(*nrest)++] = argv[0];
    bool only_args = false;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i], *v;
        if (only_args || s[0] != '-') {
            rest[(*nrest)++] = argv[i];
            continue;
        }
        if (strcmp(s, "--") == 0) {
            only_args = true;
            rest[(*nrest)++] = argv[i];
        } else if (is_opt(s, "--mx")) {
            if (!(v = opt_value(argc, argv, &i, "--mx")))
                return usage_err("--mx needs a host name", NULL, NULL);
            int rc = add_target(a, v);
            if (rc)
                return rc;
        } else if (is_opt(s, "--mode")) {
            if (!(v = opt_value(argc, argv, &i, "--mode")))
                return usage_err("--mode needs testing or enforce", NULL, NULL);
            if (strcmp(v, "testing") == 0)
                a->target.mode = STS_MODE_TESTING;
            else if (strcmp(v, "enforce") == 0)
                a->target.mode = STS_MODE_ENFORCE;
            else
                return usage_err("--mode", v,
                                 "testing or enforce (to remove MTA-STS use --remove)");
        } else if (strcmp(s, "--via-testing") == 0) {
            a->target.via_testing = true;
        } else if (strcmp(s, "--remove") == 0) {
            a->target.remove = true;
        } else if (strcmp(s, "--verify") == 0) {
            a->verify = true;
        } else if (is_opt(s, "--step")) {
            char *end;
            if (!(v = opt_value(argc, argv, &i, "--step")))
                return usage_err("--step needs a number", NULL, NULL);
            a->step = strtol(v, &end, 10);
            if (*end || end == v || a->step < 1 || a->step > PLAN_STEPS_MAX)
                return usage_err("--step", v, "a step number");
        } else {
            rest[(*nrest)++] = argv[i];
        }
    }
    return 0;
}

static int check_combination(const struct plan_args *a, const struct cli_opts *o)
{
    if (o->batch_file)
        return usage_err("plans one domain at a time (no --batch)", NULL, NULL);
    if (o->ndomains != 1)
        return usage_err(o->ndomains ? "one DOMAIN only" : "no DOMAIN given", NULL, NULL);
    if (a->target.remove && (a->target.nmx || a->target.mode || a->target.via_testing))
        return usage_err("--remove takes no --mx, --mode or --via-testing", NULL, NULL);
    if (!a->target.remove && !a->target.nmx)
        return usage_err("give the target MX set (--mx HOST...) or --remove", NULL, NULL);
    if (a->verify != (a->step > 0))
        return usage_err("--step N and --verify go together", NULL, NULL);
    return 0;
}

/* again_line - the command that repeats this plan, for the --verify hint. */
static char *again_line(int argc, char **argv)
{
    char *s = xstrdup("mxray plan");
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            continue;
        bool quote = strpbrk(argv[i], " \t'\"$`\\") != NULL;
        char *n = xasprintf("%s %s%s%s", s, quote ? "'" : "", argv[i], quote ? "'" : "");
        free(s);
        s = n;
    }
    return s;
}

struct live_run {
    bool done;
};

static void on_event(void *arg, const struct diag_event *ev)
{
    if (ev->type == DIAG_EV_DONE)
        ((struct live_run *)arg)->done = true;
}

/* run_check - the live check with the target hosts probed too; returns the diag (done or
 * interrupted) or NULL with an exit status in *rc. */
static struct diag *run_check(struct engine *e, const struct cli_opts *o, const struct plan_args *a,
                              const char *domain, int *rc)
{
    struct diag_opts dopt;
    cmd_diag_opts(o, &dopt);
    dopt.planned_hosts = a->target.mx;
    dopt.nplanned_hosts = a->target.nmx;
    struct live_run run = {0};
    int interrupted = 0;
    loop_signals(e->loop, loop_stop_signals, LOOP_STOP_SIGNALS_N, on_signal, &interrupted);
    struct diag *d = diag_start(e, &dopt, domain, o->domains[0], on_event, &run);
    while (!run.done && !interrupted) {
        if (loop_run_once(e->loop, -1) < 0) {
            perror("mxray: poll");
            loop_signals_off(e->loop);
            *rc = EX_SOFTWARE;
            diag_free(d);
            return NULL;
        }
    }
    loop_signals_off(e->loop);
    if (interrupted) {
        diag_free(d);
        fprintf(stderr, "mxray plan: interrupted before the live check ended; no plan\n");
        *rc = 130;
        return NULL;
    }
    return d;
}

static int do_verify(const struct plan_args *a, const struct plan *saved, const struct report *r,
                     bool color)
{
    struct plan_check c;
    if (plan_verify(saved, (size_t)a->step, r, &c) < 0) {
        char n[32];
        snprintf(n, sizeof n, "%ld", a->step);
        fprintf(stderr, "mxray plan: the saved plan has %zu step%s, not %s\n", saved->nsteps,
                saved->nsteps == 1 ? "" : "s", n);
        return EX_USAGE;
    }
    if (a->json)
        plan_verify_json_write(stdout, saved, (size_t)a->step, &c);
    else
        plan_verify_text_write(stdout, saved, (size_t)a->step, &c, time(NULL), color);
    int rc = c.live ? 0 : 2;
    plan_check_free(&c);
    return rc;
}

/* history_until - from the history earlier checks kept (read after this check added itself):
 * until when a policy seen earlier may still be cached; 0 when none is known. */
static time_t history_until(const struct cli_opts *o, const char *domain, time_t now)
{
    const char *sdir = cmd_state_dir(o);
    struct domain_state st;
    char why[256];
    if (!sdir || state_read(sdir, domain, &st, why, sizeof why) != STATE_OK)
        return 0;
    time_t until = plan_history_until(&st, now);
    state_free(&st);
    return until;
}

static int do_plan(int argc, char **argv, const struct plan_args *a, const struct cli_opts *o,
                   const char *dir, const struct report *r, bool color)
{
    struct plan p;
    time_t now = time(NULL);
    plan_make(r, &a->target, now, history_until(o, r->domain, now), &p);
    char err[512];
    bool saved = dir && plan_store_save(dir, &p, err, sizeof err) == 0;
    if (a->json) {
        plan_json_write(stdout, &p);
    } else {
        char *again = again_line(argc, argv);
        plan_text_write(stdout, &p, saved ? again : NULL, color);
        free(again);
    }
    if (!saved) {
        char *safe = escape_str(
            dir ? err : "no state directory (--no-state, or set HOME, or use --state DIR)");
        fprintf(stderr, "mxray plan: the plan was not saved, so --verify cannot check it: %s\n",
                safe);
        free(safe);
    }
    int rc = plan_exit_code(&p);
    plan_free(&p);
    return rc;
}

int cmd_plan(int argc, char **argv)
{
    struct plan_args a = {0};
    char **rest = xcalloc((size_t)argc + 1, sizeof *rest);
    int nrest, rc = split_args(argc, argv, &a, rest, &nrest);
    struct cli_opts o;
    char err[512], domain[MX_DOMAIN_MAX + 2];
    char *dir = NULL;
    struct plan saved = {0};
    bool have_saved = false;
    if (!rc && cli_parse(nrest, rest, 1, &o, err, sizeof err) < 0) {
        fprintf(stderr, "mxray plan: %s (see mxray plan --help)\n", err);
        rc = EX_USAGE;
    }
    if (!rc && o.help) {
        usage_plan(stdout);
        goto out;
    }
    if (!rc)
        rc = check_combination(&a, &o);
    if (!rc && domain_normalize(o.domains[0], domain, sizeof domain, err, sizeof err) < 0)
        rc = usage_err("DOMAIN", o.domains[0], "not a domain name");
    a.json = !rc && o.json;
    if (!rc)
        dir = o.no_state ? NULL : plan_store_dir(o.state_dir);
    if (!rc && a.verify) {
        if (!dir || plan_store_load(dir, domain, &saved, err, sizeof err) < 0) {
            char *safe = escape_str(
                dir ? err : "no state directory (--no-state, or set HOME, or use --state DIR)");
            fprintf(stderr, "mxray plan: %s\n", safe);
            free(safe);
            rc = EX_USAGE;
        } else if (!(have_saved = true) || !plan_same_target(&saved, &a.target)) {
            fprintf(stderr,
                    "mxray plan: the saved plan of %s is for another target; run the "
                    "same mxray plan command without --step/--verify first\n",
                    domain);
            rc = EX_USAGE;
        }
    }
    if (!rc) {
        struct engine e;
        if (engine_init(&e, o.resolvers, o.nresolvers, o.timeout_ms, err, sizeof err) < 0) {
            fprintf(stderr, "mxray: %s\n", err);
            rc = EX_SOFTWARE;
        } else {
            struct diag *d = run_check(&e, &o, &a, domain, &rc);
            if (d) {
                bool color = cmd_use_color(&o, 1);
                rc = a.verify ? do_verify(&a, &saved, diag_report(d), color)
                              : do_plan(argc, argv, &a, &o, dir, diag_report(d), color);
                diag_free(d);
            }
            engine_fini(&e);
        }
    }
out:
    if (have_saved)
        plan_free(&saved);
    free(dir);
    for (size_t i = 0; i < a.target.nmx; i++)
        free(a.mx[i]);
    free(rest);
    return rc;
}
