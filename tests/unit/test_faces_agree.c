/* test_faces_agree - one judgment, every face (issue 10's "done when").
 *
 * Every built-in lab scenario runs in process (the lab on the test's loop, the engine pointed
 * at it like any user would), then its report is rendered through the text report, the
 * Markdown report and the TUI's detail view of every tree row. For each address the faces
 * must show the engine's marks and the same sender's-eye sentences (MTA-STS and DANE), an
 * address's mark must never contradict its sentences, and no output may hold an unfilled
 * placeholder (HOST, DOMAIN, a printf conversion). Then one test per fixed item of the issue
 * on the scenario that showed it. */
#include "testlib.h"
#include "diag.h"
#include "lab/lab.h"
#include "loop.h"
#include "present.h"
#include "report_md.h"
#include "report_text.h"
#include "tui_model.h"
#include "view_detail.h"
#include "view_matrix.h"
#include "xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* seen - the severity of each problem as its DIAG_EV_PROBLEM event announced it. */
struct seen {
    int sev[256];
    size_t n;
};

static void on_event(void *arg, const struct diag_event *ev)
{
    struct seen *s = arg;
    if (ev->type == DIAG_EV_PROBLEM && ev->problem_index < 256) {
        s->sev[ev->problem_index] = (int)ev->report->problems.items[ev->problem_index].severity;
        if (ev->problem_index + 1 > s->n)
            s->n = ev->problem_index + 1;
    }
}

struct run {
    struct engine e;
    struct lab *lab;
    struct diag_opts o;
    struct lab_scenario_info *info;
    size_t n;
    struct diag **d;
    struct seen *seen;
};

static struct run R; /* every scenario once, shared by the tests of this suite */

static void run_all(void)
{
    char err[512] = "";
    struct loop *l = loop_new();
    R.lab = lab_start(l, lab_asset_dir(), NULL, 0, err, sizeof err);
    ck_assert_msg(R.lab, "lab_start: %s", err);
    const char *servers[] = {lab_resolver(R.lab)};
    ck_assert_msg(engine_init_on(&R.e, l, servers, 1, 5000, err, sizeof err) == 0, "%s", err);
    R.o.ca_file = lab_ca_file(R.lab);
    R.o.timeout_ms = 5000;
    R.o.nconnect_to = lab_connect_to(R.lab, &R.o.connect_to);
    R.n = lab_scenarios(lab_asset_dir(), &R.info);
    ck_assert_uint_ge(R.n, 20);
    R.d = xcalloc(R.n, sizeof *R.d);
    R.seen = xcalloc(R.n, sizeof *R.seen);
    for (size_t i = 0; i < R.n; i++)
        R.d[i] = diag_start(&R.e, &R.o, R.info[i].domain, R.info[i].domain, on_event, &R.seen[i]);
    int64_t end = loop_now_ms() + 30000;
    for (;;) {
        size_t done = 0;
        for (size_t i = 0; i < R.n; i++)
            done += diag_done(R.d[i]);
        if (done == R.n || loop_now_ms() > end)
            break;
        loop_run_once(R.e.loop, 100);
    }
    for (size_t i = 0; i < R.n; i++)
        ck_assert_msg(diag_done(R.d[i]), "%s did not finish", R.info[i].name);
}

static void stop_all(void)
{
    for (size_t i = 0; i < R.n; i++)
        diag_free(R.d[i]);
    free(R.d);
    free(R.seen);
    lab_scenarios_free(R.info, R.n);
    lab_stop(R.lab);
    engine_fini(&R.e);
    memset(&R, 0, sizeof R);
}

static const struct report *scenario(const char *name)
{
    for (size_t i = 0; i < R.n; i++)
        if (strcmp(R.info[i].name, name) == 0)
            return diag_report(R.d[i]);
    ck_abort_msg("no scenario %s", name);
    return NULL;
}

/* ---- the three faces as text ---- */

static char *render_text(const struct report *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct text_opts o = {.color = false, .width = 1000, .verbose = true}; /* no wrapping */
    report_text_write(f, r, &o);
    fclose(f);
    return buf;
}

static char *render_md(const struct report *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    report_md_write(f, r);
    fclose(f);
    return buf;
}

/* detail - the TUI's detail view of the row with key. */
static void detail(struct tui_lines *out, const struct report *r, const struct tui_model *m,
                   const char *key)
{
    long k = tui_model_find(m, key);
    ck_assert_msg(k >= 0, "no row %s", key);
    struct view_ctx v = {.r = r, .now_ms = r->duration_ms, .now = time(NULL), .utf8 = true};
    view_detail_build(out, &v, &m->rows[k]);
}

static const char *text_marker(enum step_state s)
{
    switch (s) {
    case ST_PASS:
        return "[ OK ]";
    case ST_WARN:
        return "[WARN]";
    case ST_FAIL:
        return "[FAIL]";
    default:
        return "[ -- ]";
    }
}

static const char *md_word(enum step_state s)
{
    switch (s) {
    case ST_PASS:
        return "pass";
    case ST_WARN:
        return "warn";
    case ST_FAIL:
        return "fail";
    case ST_NA:
        return "n/a";
    case ST_RUNNING:
        return "running";
    default:
        return "waiting";
    }
}

/* line_with - the line of text holding needle (whole line copied to buf), or NULL. */
static const char *line_with(const char *text, const char *needle, char *buf, size_t n)
{
    const char *p = strstr(text, needle);
    if (!p)
        return NULL;
    const char *start = p;
    while (start > text && start[-1] != '\n')
        start--;
    size_t len = strcspn(start, "\n");
    snprintf(buf, n, "%.*s", (int)len, start);
    return buf;
}

/* tui_role_of - the role of the first TUI line holding needle, or -1. */
static int tui_role_of(const struct tui_lines *l, const char *needle)
{
    for (size_t i = 0; i < l->n; i++)
        if (strstr(l->v[i].text, needle))
            return (int)l->v[i].role;
    return -1;
}

static void no_placeholder(const char *scn, const char *face, const char *text)
{
    char *copy = xstrdup(text);
    for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n"))
        ck_assert_msg(!problem_text_has_placeholder(line), "%s, %s: unfilled placeholder in: %s",
                      scn, face, line);
    free(copy);
}

/* agree_addr - one address on every face. */
static void agree_addr(const char *scn, const struct report *r, const struct tui_model *m,
                       const char *text, const char *md, const struct mx_host *h,
                       const struct mx_addr *a)
{
    char line[2048], want[1400], key[400];
    struct present_sentence sts, dane;
    present_sts_sender(a, &sts);
    present_dane_sender(a, r->done, &dane);

    /* the wording carries the engine's marks, never its own */
    ck_assert_int_eq(sts.mark, a->sts_state);
    if (a->dane.judged)
        ck_assert_int_eq(dane.mark, a->dane_state);
    /* the engine: a mark never contradicts the sentences beside it */
    ck_assert_msg(a->sts_outcome != STS_OUT_PENDING, "%s %s: MTA-STS outcome not judged", scn,
                  h->host);
    if (a->step.state == ST_PASS)
        ck_assert_msg(a->sts_state != ST_FAIL && a->dane_state != ST_FAIL &&
                          a->sts_state != ST_WARN && a->dane_state != ST_WARN,
                      "%s %s: address passes but a sender does not deliver cleanly", scn, h->host);
    if (a->sts_state == ST_FAIL || a->dane_state == ST_FAIL)
        ck_assert_msg(a->step.state == ST_FAIL, "%s %s: a sender refuses, the address is %s", scn,
                      h->host, step_state_name(a->step.state));

    /* text: the address line and both senders' lines carry the engine's marks */
    snprintf(want, sizeof want, "%s port %d", a->address, a->port);
    ck_assert_msg(line_with(text, want, line, sizeof line), "%s: text lacks %s", scn, want);
    ck_assert_msg(strncmp(line, text_marker(a->step.state), 6) == 0,
                  "%s: text marks %s with %.6s, the engine says %s", scn, want, line,
                  step_state_name(a->step.state));
    snprintf(want, sizeof want, "sender's view: %s", sts.text);
    ck_assert_msg(line_with(text, want, line, sizeof line), "%s: text lacks '%s'", scn, want);
    ck_assert_msg(strncmp(line, text_marker(sts.mark), 6) == 0, "%s: text marks '%s' %.6s", scn,
                  want, line);
    if (a->dane.judged) {
        snprintf(want, sizeof want, "DANE sender: %s", dane.text);
        ck_assert_msg(line_with(text, want, line, sizeof line), "%s: text lacks '%s'", scn, want);
        ck_assert_msg(strncmp(line, text_marker(dane.mark), 6) == 0, "%s: text marks '%s' %.6s",
                      scn, want, line);
    }

    /* Markdown: the sender table's row, word for word */
    snprintf(want, sizeof want, "| %s | %s | %s | %s: %s | %s: %s |", h->host, a->address,
             md_word(a->step.state), md_word(sts.mark), sts.text, md_word(dane.mark), dane.text);
    ck_assert_msg(strstr(md, want), "%s: Markdown lacks the row %s", scn, want);

    /* TUI: the row's state and the detail's sentences with the same marks */
    snprintf(key, sizeof key, "addr:%s|%s", h->host, a->address);
    long k = tui_model_find(m, key);
    ck_assert_msg(k >= 0, "%s: no tree row %s", scn, key);
    ck_assert_int_eq(m->rows[k].state, a->step.state);
    snprintf(key, sizeof key, "smtp:%s|%s", h->host, a->address);
    ck_assert_int_eq(m->rows[tui_model_find(m, key)].state, a->smtp_state);
    snprintf(key, sizeof key, "tls:%s|%s", h->host, a->address);
    ck_assert_int_eq(m->rows[tui_model_find(m, key)].state, a->tls_state);
    struct tui_lines l = {0};
    snprintf(key, sizeof key, "addr:%s|%s", h->host, a->address);
    detail(&l, r, m, key);
    snprintf(want, sizeof want, "sender's eye: %s", sts.text);
    ck_assert_msg(tui_role_of(&l, want) == (int)tui_state_role(sts.mark),
                  "%s: TUI shows '%s' with role %d", scn, want, tui_role_of(&l, want));
    snprintf(want, sizeof want, "sender's eye: %s", dane.text);
    ck_assert_msg(tui_role_of(&l, want) == (int)tui_state_role(dane.mark),
                  "%s: TUI shows '%s' with role %d", scn, want, tui_role_of(&l, want));
    tui_lines_clear(&l);
}

START_TEST(every_scenario_every_face)
{
    size_t addrs = 0, rows = 0;
    for (size_t i = 0; i < R.n; i++) {
        const char *scn = R.info[i].name;
        const struct report *r = diag_report(R.d[i]);
        char *text = render_text(r), *md = render_md(r);
        no_placeholder(scn, "text", text);
        no_placeholder(scn, "markdown", md);
        struct tui_model m = {0};
        tui_model_build(&m, r, r->duration_ms, time(NULL));
        for (size_t k = 0; k < m.n; k++) { /* the detail of every row */
            struct tui_lines l = {0};
            struct view_ctx v = {.r = r, .now_ms = r->duration_ms, .now = time(NULL), .utf8 = true};
            view_detail_build(&l, &v, &m.rows[k]);
            for (size_t j = 0; j < l.n; j++)
                ck_assert_msg(!problem_text_has_placeholder(l.v[j].text),
                              "%s, TUI row %s: unfilled placeholder in: %s", scn, m.rows[k].key,
                              l.v[j].text);
            tui_lines_clear(&l);
            rows++;
        }
        for (size_t h = 0; h < r->mx.nhosts; h++) { /* a host's DANE mark: the engine's */
            const struct dane_host *dh = &r->mx.hosts[h]->dane;
            struct tui_badge b;
            tui_dane_host_badge(r->mx.hosts[h], &b);
            if (b.text[0])
                ck_assert_msg(b.state == dh->state, "%s: TUI DANE badge %d, engine %d", scn,
                              b.state, dh->state);
            if (dh->status != DANE_PENDING && dh->note && dh->state != ST_NA) {
                char want[400], line[600];
                snprintf(want, sizeof want, "DANE: %s", dh->note);
                ck_assert_msg(line_with(text, want, line, sizeof line), "%s: text lacks %s", scn,
                              want);
                ck_assert_msg(strncmp(line, text_marker(dh->state), 6) == 0,
                              "%s: text marks '%s' %.6s", scn, want, line);
            }
        }
        for (size_t h = 0; h < r->mx.nhosts; h++)
            for (size_t a = 0; a < r->mx.hosts[h]->naddrs; a++, addrs++)
                agree_addr(scn, r, &m, text, md, r->mx.hosts[h], r->mx.hosts[h]->addrs[a]);
        tui_model_free(&m);
        free(text);
        free(md);
    }
    ck_assert_uint_ge(addrs, R.n); /* nearly every scenario has an address; all were compared */
    ck_assert_uint_ge(rows, 8 * R.n);
}
END_TEST

/* ---- one test per fixed item ---- */

/* item 1: the fix of a host problem names the host, on every face */
START_TEST(placeholders_filled_with_the_host)
{
    const struct report *r = scenario("mx-not-covered");
    char *text = render_text(r), *md = render_md(r);
    ck_assert_ptr_nonnull(strstr(text, "fix: Add 'mx: backup.mx-not-covered.mxray.test'"));
    ck_assert_ptr_nonnull(strstr(md, "Fix: Add 'mx: backup.mx-not-covered.mxray.test'"));
    free(text);
    free(md);
    r = scenario("dane-bogus");
    text = render_text(r);
    ck_assert_ptr_nonnull(strstr(text, "_25._tcp.mx1.dane-bogus.mxray.test"));
    ck_assert_ptr_null(strstr(text, "_25._tcp.HOST"));
    free(text);
}
END_TEST

/* item 2: without a valid policy no face says an MTA-STS sender would deliver */
START_TEST(no_policy_is_no_policy_everywhere)
{
    static const char *const scns[] = {"two-txt-records", "bad-id", "policy-redirect",
                                       "policy-wrong-cert", "policy-no-max-age"};
    for (size_t i = 0; i < sizeof scns / sizeof *scns; i++) {
        const struct report *r = scenario(scns[i]);
        const struct mx_addr *a = r->mx.hosts[0]->addrs[0];
        ck_assert_msg(a->sts_outcome == STS_OUT_NO_POLICY, "%s: %s", scns[i],
                      sts_outcome_name(a->sts_outcome));
        struct tui_model m = {0};
        tui_model_build(&m, r, r->duration_ms, time(NULL));
        struct tui_lines l = {0};
        char key[400];
        snprintf(key, sizeof key, "addr:%s|%s", r->mx.hosts[0]->host, a->address);
        detail(&l, r, &m, key);
        ck_assert_msg(tui_role_of(&l, "MTA-STS sender would deliver") < 0, "%s", scns[i]);
        ck_assert(tui_role_of(&l, "no MTA-STS policy applies") >= 0);
        tui_lines_clear(&l);
        snprintf(key, sizeof key, "host:%s", r->mx.hosts[0]->host);
        detail(&l, r, &m, key);
        ck_assert_msg(tui_role_of(&l, "MTA-STS sender would deliver") < 0, "%s host", scns[i]);
        tui_lines_clear(&l);
        tui_model_free(&m);
    }
}
END_TEST

/* item 3: marks agree with their text; dane-bogus and dane-rotated alike */
START_TEST(marks_agree_with_their_text)
{
    const struct report *r = scenario("mx-not-covered");
    const struct mx_host *backup = r->mx.hosts[1];
    ck_assert_int_eq(backup->addrs[0]->sts_outcome, STS_OUT_REFUSE);
    ck_assert_int_eq(backup->addrs[0]->step.state, ST_FAIL);
    const struct mx_addr *bogus = scenario("dane-bogus")->mx.hosts[0]->addrs[0];
    const struct mx_addr *rotated = scenario("dane-rotated")->mx.hosts[0]->addrs[0];
    ck_assert_int_eq(bogus->dane.action, DANE_ACT_DEFER);
    ck_assert_int_eq(rotated->dane.action, DANE_ACT_DEFER);
    ck_assert_int_eq(bogus->step.state, rotated->step.state);
    ck_assert_int_eq(bogus->dane_state, ST_FAIL);
    /* the host's DANE mark is judged once, by the engine */
    ck_assert_int_eq(scenario("dane-bogus")->mx.hosts[0]->dane.state, ST_FAIL);
    ck_assert_int_eq(scenario("dane-ee")->mx.hosts[0]->dane.state, ST_PASS);
    ck_assert_int_eq(scenario("dane-unsigned")->mx.hosts[0]->dane.state, ST_NA);
}
END_TEST

/* item 4: the policy host's chain is in the tree, and speaks of the policy host */
START_TEST(policy_chain_rows)
{
    const struct report *r = scenario("policy-wrong-cert");
    struct tui_model m = {0};
    tui_model_build(&m, r, r->duration_ms, time(NULL));
    long pol = tui_model_find(&m, "policy");
    ck_assert_int_ge(pol, 0);
    const struct tui_row *leaf = &m.rows[pol + 1];
    ck_assert_int_eq(leaf->node, TN_CERT);
    ck_assert_ptr_null(leaf->addr);
    ck_assert_ptr_nonnull(leaf->cert->pem); /* p and w have something to show */
    const char *why = NULL;
    ck_assert_int_eq(tui_cert_row_state(leaf, time(NULL), &why), ST_FAIL);
    ck_assert_str_eq(why, "no SAN matches the policy host name");
    struct tui_lines l = {0};
    detail(&l, r, &m, "policy");
    ck_assert_int_lt(tui_role_of(&l, "-1ms"), 0);
    ck_assert_int_lt(tui_role_of(&l, "MX host name"), 0);
    ck_assert_int_ge(tui_role_of(&l, "policy host name"), 0);
    tui_lines_clear(&l);
    tui_model_free(&m);
}
END_TEST

/* item 5: --connect-to addresses: no "no answer yet" after the run, no resolve time */
START_TEST(connect_to_says_dns_not_used)
{
    const struct report *r = scenario("all-good");
    const struct mx_host *h = r->mx.hosts[0];
    ck_assert_int_eq(h->resolve.state, ST_NA);
    struct tui_model m = {0};
    tui_model_build(&m, r, r->duration_ms, time(NULL));
    struct tui_lines l = {0};
    char key[400];
    snprintf(key, sizeof key, "host:%s", h->host);
    detail(&l, r, &m, key);
    ck_assert_int_lt(tui_role_of(&l, "no answer yet"), 0);
    ck_assert_int_ge(tui_role_of(&l, "DNS: not looked up: --connect-to"), 0);
    tui_lines_clear(&l);
    tui_model_free(&m);
    struct view_matrix vm = {0};
    view_matrix_build(&vm, r, r->duration_ms, true);
    ck_assert_int_eq(vm.rows[0].cell[VM_RESOLVE].state, ST_NA);
    ck_assert_int_eq(vm.rows[0].cell[VM_RESOLVE].ms, -1);
    view_matrix_free(&vm);
}
END_TEST

/* item 6: null MX: the TLS-RPT fix proposes no address at the null-MX domain */
START_TEST(null_mx_tlsrpt_fix)
{
    const struct report *r = scenario("null-mx");
    bool seen = false;
    for (size_t i = 0; i < r->problems.n; i++) {
        const struct problem *p = &r->problems.items[i];
        if (p->id != PROB_TLSRPT_MISSING)
            continue;
        seen = true;
        char *fix = present_problem_fix(r, p);
        ck_assert_msg(!strstr(fix, "@null-mx.mxray.test"), "%s", fix);
        free(fix);
    }
    ck_assert(seen);
}
END_TEST

/* item 6: the exo-migration lesson is true about preference (the old MX is 10, EXO 0) */
START_TEST(exo_migration_lesson_true)
{
    const struct report *r = scenario("exo-migration");
    ck_assert_int_gt(r->mx.hosts[1]->preference, r->mx.hosts[0]->preference);
    for (size_t i = 0; i < R.n; i++)
        if (strcmp(R.info[i].name, "exo-migration") == 0)
            ck_assert_msg(!strstr(R.info[i].sender, "try it first"), "%s", R.info[i].sender);
}
END_TEST

/* diag_problem takes the final severity: what the event announced is what the report keeps
 * (the testing-mode mismatch used to be sent as an error and lowered afterwards) */
START_TEST(events_carry_final_severities)
{
    for (size_t i = 0; i < R.n; i++) {
        const struct report *r = diag_report(R.d[i]);
        ck_assert_uint_eq(R.seen[i].n, r->problems.n);
        for (size_t k = 0; k < r->problems.n && k < 256; k++)
            ck_assert_msg(R.seen[i].sev[k] == (int)r->problems.items[k].severity,
                          "%s: %s announced as %s, kept as %s", R.info[i].name,
                          problem_def(r->problems.items[k].id)->code,
                          severity_name((enum severity)R.seen[i].sev[k]),
                          severity_name(r->problems.items[k].severity));
    }
    const struct report *r = scenario("mx-not-covered-testing");
    ck_assert(problem_list_has(&r->problems, PROB_MX_POLICY_MISMATCH));
    ck_assert_int_eq(problem_list_worst(&r->problems), SEV_WARNING);
}
END_TEST

/* item 7 (plurals belong to present): "1 day ago", never "1 days ago" */
START_TEST(plurals)
{
    char b[48];
    ck_assert_str_eq(present_days_rel(b, sizeof b, -1), "1 day ago");
    ck_assert_str_eq(present_days_rel(b, sizeof b, -3), "3 days ago");
    ck_assert_str_eq(present_days_rel(b, sizeof b, 1), "in 1 day");
    ck_assert_str_eq(present_days_rel(b, sizeof b, 0), "today");
    ck_assert_str_eq(present_ms(-1, b, sizeof b), "unknown");
}
END_TEST

static void setup(void)
{
    run_all();
}

static void teardown(void)
{
    stop_all();
}

Suite *test_suite(void)
{
    Suite *s = suite_create("faces_agree");
    TCase *tc = tcase_create("lab");
    tcase_set_timeout(tc, 120);
    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_add_test(tc, every_scenario_every_face);
    tcase_add_test(tc, placeholders_filled_with_the_host);
    tcase_add_test(tc, no_policy_is_no_policy_everywhere);
    tcase_add_test(tc, marks_agree_with_their_text);
    tcase_add_test(tc, policy_chain_rows);
    tcase_add_test(tc, connect_to_says_dns_not_used);
    tcase_add_test(tc, null_mx_tlsrpt_fix);
    tcase_add_test(tc, exo_migration_lesson_true);
    tcase_add_test(tc, plurals);
    tcase_add_test(tc, events_carry_final_severities);
    suite_add_tcase(s, tc);
    return s;
}
