/* test_lesson - lesson files (assets/lessons/NAME.lesson): every shipped lesson parses, names
 * scenarios that exist, and the lab serves all of its cases at once under neutral names; the
 * parser rejects incomplete cases and bad answers with FILE:LINE. */
#include "testlib.h"
#include "lab/lab.h"
#include "loop.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool scenario_exists(const struct lab_scenario_info *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i].name, name))
            return true;
    return false;
}

START_TEST(shipped_lessons)
{
    char **names;
    size_t n = lab_lessons(&names);
    ck_assert_uint_ge(n, 1);
    struct lab_scenario_info *v;
    size_t nv = lab_scenarios(lab_asset_dir(), &v);
    bool found_default = false;
    for (size_t i = 0; i < n; i++) {
        char err[300];
        struct lab_lesson *l = lab_lesson_load(names[i], err, sizeof err);
        ck_assert_msg(l != NULL, "%s: %s", names[i], err);
        found_default |= !strcmp(names[i], LAB_LESSON_DEFAULT);
        for (size_t k = 0; k < l->ncases; k++) {
            ck_assert_msg(scenario_exists(v, nv, l->cases[k].scenario), "%s case %zu: %s", names[i],
                          k + 1, l->cases[k].scenario);
            char want[40];
            snprintf(want, sizeof want, "case%zu.mxray.test", k + 1);
            ck_assert_str_eq(l->cases[k].domain, want);
        }
        if (!strcmp(names[i], LAB_LESSON_DEFAULT))
            ck_assert_uint_ge(l->ncases, 10);
        /* the lab serves every case at once, renamed */
        const char **sn = calloc(l->ncases, sizeof *sn), **dn = calloc(l->ncases, sizeof *dn);
        for (size_t k = 0; k < l->ncases; k++)
            sn[k] = l->cases[k].scenario, dn[k] = l->cases[k].domain;
        struct loop *lp = loop_new();
        struct lab *lab =
            lab_start_renamed(lp, lab_asset_dir(), sn, dn, l->ncases, err, sizeof err);
        ck_assert_msg(lab != NULL, "%s: %s", names[i], err);
        for (size_t k = 0; k < l->ncases; k++)
            ck_assert_str_eq(lab_scenario_domain(lab, k), dn[k]);
        lab_stop(lab);
        loop_free(lp);
        free(sn);
        free(dn);
        lab_lesson_free(l);
        free(names[i]);
    }
    free(names);
    lab_scenarios_free(v, nv);
    ck_assert(found_default);
}
END_TEST

static void bad(const char *text, const char *want)
{
    char err[300] = "";
    struct lab_lesson *l = lab_lesson_parse(text, strlen(text), "t", err, sizeof err);
    ck_assert_msg(l == NULL, "accepted: %s", text);
    ck_assert_msg(strstr(err, want) != NULL, "error '%s' lacks '%s'", err, want);
}

START_TEST(parse_errors)
{
    bad("[case]\nscenario: all-good\n", "no title");
    bad("title: x\n", "no [case]");
    bad("title: x\n[case]\nscenario: a\nquestion: q\nchoice: a\nchoice: b\n", "answer");
    bad("title: x\n[case]\nscenario: a\nquestion: q\nchoice: a\nchoice: b\nanswer: 3\n",
        "only 2 choices");
    bad("title: x\n[case]\nscenario: a\nquestion: q\nchoice: a\nchoice: b\nanswer: 9\n",
        "t.lesson:7: answer must be 1 to 4");
    bad("title: x\n[case]\nchoice: 1\nchoice: 2\nchoice: 3\nchoice: 4\nchoice: 5\n",
        "more than 4 choices");
    bad("title: x\nfoo: y\n", "t.lesson:2: unknown key");
    bad("  continued\n", "continuation");
    /* a lesson's texts are printed as written (--list, --handout, the TUI): no escape codes */
    bad("title: x \x1b]0;owned\x07\n", "t.lesson:1: a control byte");
    bad("title: x\n[case]\nscenario: a\nquestion: q\n  \x1b[2J\n", "t.lesson:5: a control byte");
    const char ok[] = "title: x\nabout: a\n  b\n[case]\nscenario: s\nquestion: q\n  more\n"
                      "choice: a\nchoice: b\nanswer: 2\nedit: yes\n";
    char err[300];
    struct lab_lesson *l = lab_lesson_parse(ok, strlen(ok), "t", err, sizeof err);
    ck_assert_msg(l != NULL, "%s", err);
    ck_assert_str_eq(l->about, "a b");
    ck_assert_str_eq(l->cases[0].question, "q more");
    ck_assert_int_eq(l->cases[0].answer, 2);
    ck_assert(l->cases[0].editable);
    lab_lesson_free(l);
}
END_TEST

/* Fix-it: what a served scenario publishes, read, changed and served back. */
START_TEST(published_roundtrip)
{
    char err[300];
    const char *names[] = {"exo-migration"}, *domains[] = {"case1.mxray.test"};
    struct loop *lp = loop_new();
    struct lab *lab = lab_start_renamed(lp, lab_asset_dir(), names, domains, 1, err, sizeof err);
    ck_assert_msg(lab != NULL, "%s", err);
    ck_assert_int_eq(lab_scenario_find(lab, "CASE1.mxray.test"), 0);
    ck_assert_int_eq(lab_scenario_find(lab, "exo-migration.mxray.test"), -1);
    struct lab_published p;
    ck_assert_int_eq(lab_published_get(lab, 0, &p), 0);
    ck_assert_uint_eq(p.nsts, 1);
    ck_assert_uint_eq(p.nmx, 2);
    ck_assert(p.has_policy);
    ck_assert_ptr_nonnull(strstr(p.policy, "mode: enforce\r\n"));
    /* a host the lab does not serve is refused, and nothing changes */
    free(p.mx[0].host);
    p.mx[0].host = strdup("elsewhere.example");
    ck_assert_int_eq(lab_published_set(lab, 0, &p, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "elsewhere.example"));
    /* keep the second MX only, a new id, a testing policy */
    free(p.mx[0].host);
    p.mx[0] = p.mx[1];
    p.nmx = 1;
    free(p.sts[0]);
    p.sts[0] = strdup("v=STSv1; id=2");
    free(p.policy);
    p.policy = strdup("version: STSv1\r\nmode: testing\r\n");
    p.policy_len = strlen(p.policy);
    ck_assert_int_eq(lab_published_set(lab, 0, &p, err, sizeof err), 0);
    char *kept = strdup(p.mx[0].host);
    lab_published_free(&p);
    ck_assert_int_eq(lab_published_get(lab, 0, &p), 0);
    ck_assert_uint_eq(p.nmx, 1);
    ck_assert_str_eq(p.mx[0].host, kept);
    ck_assert_str_eq(p.sts[0], "v=STSv1; id=2");
    ck_assert_uint_eq(p.ntlsrpt, 1);
    ck_assert_str_eq(p.policy, "version: STSv1\r\nmode: testing\r\n");
    free(kept);
    lab_published_free(&p);
    lab_stop(lab);
    loop_free(lp);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("lesson");
    TCase *tc = tcase_create("lesson");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, shipped_lessons);
    tcase_add_test(tc, parse_errors);
    tcase_add_test(tc, published_roundtrip);
    suite_add_tcase(s, tc);
    return s;
}
