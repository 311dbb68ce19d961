/* cmd_lab - serve the built-in lab in the foreground (contract in cmd_lab.h).
 *
 * The lab runs on this process's own poll loop; INT, TERM, HUP and QUIT arrive as loop
 * events and end it, removing its temporary directory. Everything printed comes from the
 * lab's accessors, so the commands shown are exactly what reaches it. */
#include "cmd_lab.h"
#include "assets.h"
#include "escape.h"
#include "exit_status.h"
#include "problem.h"
#include "proc.h"
#include "lab/lab.h"
#include "loop.h"
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#define GUIDE_ALL_MAX 8 /* scenarios whose commands the guide prints in full */

static void on_signal(void *arg, int sig)
{
    *(int *)arg = sig;
}

static void usage(FILE *f)
{
    fputs("usage: mxray lab [--env] [--clones N] [SCENARIO...]\n"
          "       mxray lab [--env] PUBLISH... SCENARIO\n"
          "       mxray lab --list\n"
          "Serve the built-in MTA-STS teaching lab on 127.0.0.1 until Ctrl-C.\n"
          "  --env       print MXRAY_LAB_*=VALUE lines for scripts instead of the guide\n"
          "  --clones N  serve N copies of each scenario as NAME.cK.mxray.test (K = 1..N),\n"
          "              MX hosts on 127.1.x.y, reached with two connect-to mappings\n"
          "  --list      list the scenarios and exit\n"
          "PUBLISH (one scenario; a later step of an mxray plan, to try --verify on):\n"
          "  --policy FILE        serve FILE as the policy (a plan's policy text)\n"
          "  --no-policy          the policy URL answers 404\n"
          "  --sts-record TEXT    the _mta-sts TXT record, e.g. 'v=STSv1; id=2027...'\n"
          "  --no-sts-record      no _mta-sts TXT record\n"
          "  --mx 'PREF HOST'     the domain's MX records instead (repeatable; HOST as in\n"
          "                       the scenario file, e.g. mx3 or a name ending in '.')\n"
          "With no SCENARIO every scenario is served.\n",
          f);
}

int cmd_demo_list(void)
{
    const char *dir = lab_asset_dir();
    struct lab_scenario_info *v;
    size_t n = dir ? lab_scenarios(dir, &v) : 0;
    if (!n) {
        fprintf(stderr, "mxray: no lab scenarios found (searched %s)\n", asset_search_desc());
        return EX_UNAVAILABLE;
    }
    printf("%-24s %-8s %s\n", "SCENARIO", "EXPECT", "SUMMARY");
    for (size_t i = 0; i < n; i++)
        printf("%-24s %-8s %s\n", v[i].name, v[i].verdict, v[i].summary);
    printf("\nmxray demo SCENARIO opens one in the TUI; mxray lab SCENARIO serves it for other "
           "tools.\n");
    lab_scenarios_free(v, n);
    return 0;
}

static void print_commands(const struct lab *lab, size_t i)
{
    const char *dom = lab_scenario_domain(lab, i);
    const char *const *m;
    size_t n = lab_scenario_connect_to(lab, i, &m);
    printf("\n%s (%s):\n  mxray check --resolver %s --ca-file %s", lab_scenario_name(lab, i),
           dom, lab_resolver(lab), lab_ca_file(lab));
    for (size_t j = 0; j < n; j++)
        printf(" \\\n      --connect-to %s", m[j]);
    printf(" \\\n      %s\n", dom);
    struct lab_cmd *c;
    size_t nc = lab_scenario_commands(lab, i, false, &c);
    for (size_t j = 0; j < nc; j++)
        printf("  # %s\n  %s\n", c[j].why, c[j].cmd);
    lab_cmds_free(c, nc);
}

/* print_wrapped - text after a label, wrapped at 80 columns with a hanging indent. */
static void print_wrapped(const char *label, const char *text)
{
    int col = printf("    %s", label);
    bool first = true;
    for (const char *p = text; *p;) {
        while (*p == ' ')
            p++;
        size_t w = strcspn(p, " ");
        if (!w)
            break;
        if (!first && col + 1 + (int)w > 78) {
            printf("\n        ");
            col = 8;
        } else if (!first) {
            col += printf(" ");
        }
        col += printf("%.*s", (int)w, p);
        p += w;
        first = false;
    }
    printf("\n");
}

/* print_lesson - what the scenario teaches (its file's [teach] section). */
static void print_lesson(const struct lab_scenario_info *v, size_t nv, const char *name)
{
    for (size_t k = 0; k < nv; k++) {
        if (strcmp(v[k].name, name) != 0)
            continue;
        const char *labels[3] = {"What is going on: ", "What a sender does: ", "How to fix it: "};
        const char *texts[3] = {v[k].what, v[k].sender, v[k].fix};
        for (int i = 0; i < 3; i++) {
            if (!texts[i] || !*texts[i])
                continue;
            char *t = problem_text_fill(texts[i], v[k].domain, NULL);
            print_wrapped(labels[i], t);
            free(t);
        }
    }
}

static void print_guide(const struct lab *lab)
{
    const char *const *m;
    size_t n = lab_connect_to(lab, &m), ns = lab_nscenarios(lab);
    printf("mxray lab: %zu scenario%s served on 127.0.0.1 (Ctrl-C stops it and removes %s)\n\n",
           ns, ns == 1 ? "" : "s", lab_dir(lab));
    printf("  resolver    %s  (UDP and TCP, authoritative for %s)\n", lab_resolver(lab),
           LAB_ZONE);
    printf("  CA file     %s\n", lab_ca_file(lab));
    printf("  HTTPS       127.0.0.1:%d  (every policy host; SNI picks the certificate)\n",
           lab_https_port(lab));
    printf("  connect-to  HOST:PORT:ADDR:PORT, for mxray --connect-to and curl --connect-to:\n");
    for (size_t j = 0; j < n; j++)
        printf("    %s\n", m[j]);
    printf("\nScenarios (domain = NAME.%s):\n", LAB_ZONE);
    for (size_t i = 0; i < ns; i++)
        printf("  %s\n", lab_scenario_name(lab, i));
    printf("\nTry it:\n");
    struct lab_scenario_info *v = NULL;
    const char *dir = lab_asset_dir();
    size_t nv = dir ? lab_scenarios(dir, &v) : 0;
    size_t shown = ns <= GUIDE_ALL_MAX ? ns : 3; /* a few named scenarios: all; every one: 3 */
    for (size_t i = 0; i < shown; i++) {
        print_commands(lab, i);
        print_lesson(v, nv, lab_scenario_name(lab, i));
    }
    lab_scenarios_free(v, nv);
    if (ns > shown)
        printf("\n(mxray lab SCENARIO prints these commands for that scenario.)\n");
    fflush(stdout);
}

static void print_env(const struct lab *lab)
{
    const char *const *m;
    size_t n = lab_connect_to(lab, &m);
    printf("MXRAY_LAB_RESOLVER=%s\nMXRAY_LAB_DNS_PORT=%d\nMXRAY_LAB_HTTPS_PORT=%d\n",
           lab_resolver(lab), lab_dns_port(lab), lab_https_port(lab));
    printf("MXRAY_LAB_CA=%s\nMXRAY_LAB_DIR=%s\n", lab_ca_file(lab), lab_dir(lab));
    for (size_t j = 0; j < n; j++)
        printf("MXRAY_LAB_CONNECT_TO=%s\n", m[j]);
    for (size_t i = 0; i < lab_nscenarios(lab); i++) {
        size_t k = lab_scenario_connect_to(lab, i, &m);
        printf("MXRAY_LAB_SCENARIO=%s %s ", lab_scenario_name(lab, i),
               lab_scenario_domain(lab, i));
        for (size_t j = 0; j < k; j++)
            printf("%s%s", j ? "," : "", m[j]);
        printf("\n");
    }
    printf("MXRAY_LAB_READY=1\n");
    fflush(stdout);
}

int cmd_lab_check_names(const char *dir, const char *const *names, size_t n, const char *cmd)
{
    struct lab_scenario_info *v = NULL;
    size_t nv = dir ? lab_scenarios(dir, &v) : 0;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        size_t k = 0;
        while (k < nv && strcmp(v[k].name, names[i]) != 0)
            k++;
        if (k == nv) {
            char *shown = escape_term(names[i]);
            fprintf(stderr, "mxray %s: unknown scenario '%.80s' (mxray demo --list shows them)\n",
                    cmd, shown);
            free(shown);
            rc = EX_USAGE;
        }
    }
    lab_scenarios_free(v, nv);
    return rc;
}

/* parse_clones - 1..LAB_CLONES_MAX, or 0 when v is not such a number. */
static size_t parse_clones(const char *v)
{
    char *end;
    long n = v ? strtol(v, &end, 10) : 0;
    return v && *v && !*end && n >= 1 && n <= LAB_CLONES_MAX ? (size_t)n : 0;
}

/* raise_fd_limit - clones hold a listening socket per MX host, plus the connections. */
static void raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* read_policy - the file for --policy, at most 64 KiB (RFC 8461 3.3). NULL on error. */
static char *read_policy(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(65537);
    *len = buf ? fread(buf, 1, 65537, f) : 0;
    fclose(f);
    if (buf && *len > 65536) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* publish_opt - one PUBLISH option into pub; 1 not one, 0 taken, 64 bad. */
static int publish_opt(int argc, char **argv, int *i, struct lab_publish *pub, char **policy,
                       const char **mx, size_t mxcap)
{
    const char *a = argv[*i];
    const char *v = *i + 1 < argc ? argv[*i + 1] : NULL;
    if (!strcmp(a, "--no-policy")) {
        pub->no_policy = 1;
        return 0;
    }
    if (!strcmp(a, "--no-sts-record")) {
        pub->no_sts_record = 1;
        return 0;
    }
    if (strcmp(a, "--policy") && strcmp(a, "--sts-record") && strcmp(a, "--mx"))
        return 1;
    if (!v) {
        fprintf(stderr, "mxray lab: %s needs a value\n", a);
        return EX_USAGE;
    }
    ++*i;
    if (!strcmp(a, "--policy")) {
        free(*policy);
        if (!(*policy = read_policy(v, &pub->policy_len))) {
            fprintf(stderr, "mxray lab: cannot read %.200s (or larger than 64 KiB)\n", v);
            return EX_USAGE;
        }
        pub->policy = *policy;
    } else if (!strcmp(a, "--sts-record")) {
        pub->sts_record = v;
    } else if (pub->nmx < mxcap) {
        mx[pub->nmx++] = v;
    } else {
        fprintf(stderr, "mxray lab: at most %zu --mx\n", mxcap);
        return EX_USAGE;
    }
    return 0;
}

int cmd_lab(int argc, char **argv)
{
    bool env = false;
    size_t clones = 0;
    int first = 1, rc;
    struct lab_publish pub = {0};
    char *policy = NULL;
    const char *mx[32];
    bool publishing = false;
    for (; first < argc && argv[first][0] == '-'; first++) {
        if ((rc = publish_opt(argc, argv, &first, &pub, &policy, mx, 32)) != 1) {
            if (rc) {
                free(policy);
                return rc;
            }
            publishing = true;
        } else if (!strcmp(argv[first], "--env")) {
            env = true;
        } else if (!strcmp(argv[first], "--clones")) {
            if (!(clones = parse_clones(first + 1 < argc ? argv[++first] : NULL))) {
                fprintf(stderr, "mxray lab: --clones needs a number from 1 to %d\n",
                        LAB_CLONES_MAX);
                return EX_USAGE;
            }
            raise_fd_limit();
        } else if (!strcmp(argv[first], "--list")) {
            return cmd_demo_list();
        } else if (!strcmp(argv[first], "--help") || !strcmp(argv[first], "-h")) {
            usage(stdout);
            return 0;
        } else {
            char *shown = escape_term(argv[first]);
            fprintf(stderr, "mxray lab: unknown option %.80s\n", shown);
            free(shown);
            usage(stderr);
            return EX_USAGE;
        }
    }
    pub.mx = mx;
    if (publishing && (argc - first != 1 || clones)) {
        fprintf(stderr, "mxray lab: --policy, --sts-record, --mx and --no-* publish in one "
                        "SCENARIO (no --clones)\n");
        free(policy);
        return EX_USAGE;
    }
    pub.scenario = publishing ? argv[first] : NULL;
    const char *dir = lab_asset_dir();
    if (!dir) {
        fprintf(stderr, "mxray lab: no scenarios (searched %s)\n", asset_search_desc());
        free(policy);
        return EX_UNAVAILABLE;
    }
    rc = cmd_lab_check_names(dir, (const char *const *)argv + first, (size_t)(argc - first),
                             "lab");
    if (rc) {
        free(policy);
        return rc;
    }
    struct loop *l = loop_new();
    char err[512];
    struct lab *lab =
        publishing ? lab_start_published(l, dir, (const char *const *)argv + first, 1, &pub, err,
                                         sizeof err)
                   : lab_start_clones(l, dir, (const char *const *)argv + first,
                                      (size_t)(argc - first), clones, err, sizeof err);
    free(policy);
    if (!lab) {
        int e = errno;
        fprintf(stderr, "mxray lab: %s\n", err);
        loop_free(l);
        return e == EMFILE ? EX_SOFTWARE : EX_UNAVAILABLE;
    }
    int stop_signal = 0;
    loop_signals(l, loop_stop_signals, LOOP_STOP_SIGNALS_N, on_signal, &stop_signal);
    if (env)
        print_env(lab);
    else
        print_guide(lab);
    if (fflush(stdout) != 0 || ferror(stdout)) { /* nobody can learn how to reach it */
        proc_write_failed(errno ? errno : EIO);
        stop_signal = -1;
    }
    while (!stop_signal)
        if (loop_run_once(l, -1) < 0)
            break;
    loop_signals_off(l);
    lab_stop(lab);
    loop_free(l);
    if (!env && stop_signal > 0)
        fprintf(stderr, "\nmxray lab: stopped; temporary files removed\n");
    return stop_signal < 0 ? EX_IOERR : 0;
}
