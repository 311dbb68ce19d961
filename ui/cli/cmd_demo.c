/* cmd_demo - the TUI over the built-in lab (contract in cmd_demo.h).
 *
 * The lab must share the engine's loop, and the engine's DNS context must know the lab's
 * resolver port, which exists only once the lab listens: so the loop comes first, then the
 * lab, then engine_init_on. engine_fini frees it all, after lab_stop removed the lab's
 * watches. */
#include "cmd_demo.h"
#include "assets.h"
#include "cmd_lab.h"
#include "lesson_edit.h"
#include "diag.h"
#include "exit_status.h"
#include "dns.h"
#include "https.h"
#include "lab/lab.h"
#include "mx_limits.h"
#include "loop.h"
#include "tui.h"
#include "xalloc.h"
#include "assets.h"
#include "report_live.h"
#include "tlsrpt_input.h"
#include "tlsrpt_report.h"
#include "tlsrpt_summary.h"
#include "tlsrpt_text.h"
#include <unistd.h>
#include <errno.h>
#include <sysexits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(FILE *f, int rc)
{
    fputs("usage: mxray demo [--no-color] [--no-spoilers] [SCENARIO]\n"
          "       mxray demo --editable SCENARIO\n"
          "       mxray demo --reports [--no-color]\n"
          "       mxray demo --list\n"
          "Open the TUI on the built-in MTA-STS lab: a picker of scenarios, or one directly.\n"
          "  --no-spoilers  the picker shows names only: no summaries, no lesson texts\n"
          "  --editable     E opens what the domain publishes (TXT records, MX set, policy)\n"
          "                 in $EDITOR; the lab serves the edit and the check runs again\n"
          "  --reports      the sample TLS reports about lab scenarios (assets/reports) in\n"
          "                 the report view, each failure checked against the lab (text\n"
          "                 when not on a terminal)\n",
          f);
    return rc;
}

/* engine_on_lab - the lab on a new loop, then the engine on it, asking only the lab. */
static struct lab *engine_on_lab(struct engine *e, const char *dir, char *err, size_t errlen)
{
    struct loop *l = loop_new();
    struct lab *lab = lab_start(l, dir, NULL, 0, err, errlen);
    if (!lab) {
        memset(e, 0, sizeof *e);
        e->loop = l; /* engine_fini frees it */
        return NULL;
    }
    const char *servers[] = {lab_resolver(lab)};
    if (engine_init_on(e, l, servers, 1, MX_TIMEOUT_DEFAULT_MS, err, errlen) < 0) {
        lab_stop(lab);
        return NULL;
    }
    return lab;
}

/* find_choice - the index of a scenario name, or -1. */
static long find_choice(const struct lab_scenario_info *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i].name, name))
            return (long)i;
    return -1;
}

static int run(const char *dir, const char *scenario, bool no_color, bool no_spoilers,
               bool editable)
{
    struct lab_scenario_info *info;
    size_t n = lab_scenarios(dir, &info);
    long pick = scenario ? find_choice(info, n, scenario) : -1;
    if (scenario && pick < 0) {
        lab_scenarios_free(info, n);
        return cmd_lab_check_names(dir, &scenario, 1, "demo");
    }
    struct engine e;
    char err[512] = "";
    struct lab *lab = engine_on_lab(&e, dir, err, sizeof err);
    if (!lab) {
        int why = errno;
        fprintf(stderr, "mxray demo: %s\n", err);
        engine_fini(&e);
        lab_scenarios_free(info, n);
        return why == EMFILE ? EX_SOFTWARE : EX_UNAVAILABLE;
    }
    struct tui_choice *choices = xcalloc(n ? n : 1, sizeof *choices);
    for (size_t i = 0; i < n; i++)
        choices[i] = (struct tui_choice){info[i].name, info[i].summary, info[i].domain,
                                         info[i].what, info[i].sender,  info[i].fix};
    struct diag_opts opts = {.ca_file = lab_ca_file(lab), .timeout_ms = MX_TIMEOUT_DEFAULT_MS};
    opts.nconnect_to = lab_connect_to(lab, &opts.connect_to);
    struct tui_config c = {
        .engine = &e, .opts = &opts, .no_color = no_color, .choices = choices, .nchoices = n,
        .resolver_desc = lab_resolver(lab), .zone = LAB_ZONE,
        .domain = pick >= 0 ? info[pick].domain : NULL,
        .input = pick >= 0 ? info[pick].domain : NULL, .no_spoilers = no_spoilers};
    struct lesson_editor ed = {.lab = lab};
    if (editable) {
        c.edit = lesson_edit;
        c.edit_arg = &ed;
    }
    int rc = tui_run(&c);
    lab_stop(lab); /* before engine_fini: the lab's watches live on the engine's loop */
    engine_fini(&e);
    free(choices);
    lab_scenarios_free(info, n);
    return rc;
}

/* ---- --reports: the sample TLS reports in the report view, checked against the lab ---- */

static int on_sample(void *arg, const char *source, const char *json, size_t len)
{
    struct tlsrpt_report r;
    char err[256];
    if (tlsrpt_report_parse(json, len, &r, err, sizeof err) < 0)
        tlsrpt_summary_error(arg, source, err);
    else
        tlsrpt_summary_add(arg, &r);
    tlsrpt_report_free(&r);
    return 0;
}

static void on_sample_error(void *arg, const char *source, const char *message)
{
    tlsrpt_summary_error(arg, source, message);
}

static void on_sample_skipped(void *arg, const char *source) {}

static int run_reports(const char *dir, bool no_color)
{
    char **names;
    size_t n = asset_list("reports", ".json", &names);
    if (n == 0) {
        fprintf(stderr, "mxray demo: no sample reports (looked in %s)\n", asset_search_desc());
        return EX_UNAVAILABLE;
    }
    struct tlsrpt_summary *s = tlsrpt_summary_new();
    struct tlsrpt_sink sink = {on_sample, on_sample_error, on_sample_skipped, s};
    for (size_t i = 0; i < n; i++) {
        char *name = xasprintf("reports/%s", names[i]), err[256];
        size_t len;
        char *data = asset_read(name, TLSRPT_FILE_MAX, &len, err, sizeof err);
        struct tlsrpt_read_stats st = {0};
        if (data)
            tlsrpt_read_buffer(data, len, name, &sink, &st);
        else
            tlsrpt_summary_error(s, name, err);
        free(data);
        free(name);
        free(names[i]);
    }
    free(names);
    tlsrpt_summary_sort(s);
    struct engine e;
    char err[512] = "";
    struct lab *lab = engine_on_lab(&e, dir, err, sizeof err);
    if (!lab) {
        fprintf(stderr, "mxray demo: %s\n", err);
        engine_fini(&e);
        tlsrpt_summary_free(s);
        return EX_UNAVAILABLE;
    }
    struct diag_opts opts = {.ca_file = lab_ca_file(lab), .timeout_ms = MX_TIMEOUT_DEFAULT_MS};
    opts.nconnect_to = lab_connect_to(lab, &opts.connect_to);
    struct report_live live = {.s = s, .e = &e, .dopt = &opts};
    int rc = report_live_check(&live);
    if (!rc && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
        rc = report_live_view(&live, true, lab_resolver(lab), no_color);
    else if (!rc)
        tlsrpt_text_write(stdout, s, true);
    report_live_free(&live);
    lab_stop(lab);
    engine_fini(&e);
    tlsrpt_summary_free(s);
    return rc;
}

int cmd_demo(int argc, char **argv)
{
    bool no_color = getenv("NO_COLOR") && getenv("NO_COLOR")[0];
    const char *scenario = NULL;
    bool no_spoilers = false, editable = false;
    bool reports = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--reports")) {
            reports = true;
            continue;
        }
        if (!strcmp(argv[i], "--list"))
            return cmd_demo_list();
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return usage(stdout, 0);
        if (!strcmp(argv[i], "--no-color"))
            no_color = true;
        else if (!strcmp(argv[i], "--no-spoilers"))
            no_spoilers = true;
        else if (!strcmp(argv[i], "--editable"))
            editable = true;
        else if (argv[i][0] == '-' || scenario)
            return usage(stderr, EX_USAGE);
        else
            scenario = argv[i];
    }
    const char *dir = lab_asset_dir();
    if (!dir) {
        fprintf(stderr, "mxray demo: no scenarios (searched %s)\n", asset_search_desc());
        return EX_UNAVAILABLE;
    }
    if (reports && (scenario || editable))
        return usage(stderr, EX_USAGE);
    if (editable && !scenario) {
        fprintf(stderr, "mxray demo: --editable needs a SCENARIO\n");
        return usage(stderr, EX_USAGE);
    }
    if (reports)
        return run_reports(dir, no_color);
    return run(dir, scenario, no_color, no_spoilers, editable);
}
