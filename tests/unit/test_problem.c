/* test_problem - the problem table's integrity and the placeholder filling of its texts. */
#include "testlib.h"
#include "problem.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

START_TEST(table_is_well_formed)
{
    for (int i = 0; i < PROB_COUNT; i++) {
        const struct problem_def *d = problem_def((enum problem_id)i);
        ck_assert_ptr_nonnull(d);
        ck_assert_msg(d->what && strlen(d->what) > 20, "%s: no explanation", d->code);
        ck_assert_msg(d->fix && strlen(d->fix) > 10, "%s: no fix", d->code);
        ck_assert_msg(d->rfc && strncmp(d->rfc, "RFC ", 4) == 0, "%s: no RFC section", d->code);
        for (const char *c = d->code; *c; c++)
            ck_assert_msg(islower((unsigned char)*c) || *c == '.' || *c == '_' ||
                              isdigit((unsigned char)*c),
                          "%s: code must be lower-case dotted", d->code);
        ck_assert_int_eq(problem_lookup(d->code), i); /* unique and found */
    }
    ck_assert_int_eq(problem_lookup("no.such.code"), -1);
    ck_assert_ptr_null(problem_def(PROB_COUNT));
}
END_TEST

START_TEST(binding_codes_exist)
{
    /* Codes the engine issue names as binding: removing or renaming one breaks users. */
    static const char *const binding[] = {
        "sts.record.missing", "sts.record.multiple", "sts.record.syntax", "sts.policy.fetch",
        "sts.policy.redirect", "sts.policy.tls", "sts.policy.content_type", "sts.policy.syntax",
        "sts.policy.max_age_short", "sts.policy.mode_testing", "mx.implicit", "mx.none",
        "mx.null", "mx.policy_mismatch", "mx.resolve", "smtp.connect", "smtp.starttls_missing",
        "tls.handshake", "tls.version", "tls.cert.untrusted", "tls.cert.hostname",
        "tls.cert.expired", "tls.cert.expiring", "tlsrpt.missing", "tlsrpt.syntax"};
    for (size_t i = 0; i < sizeof binding / sizeof *binding; i++)
        ck_assert_msg(problem_lookup(binding[i]) >= 0, "missing %s", binding[i]);
    ck_assert_int_eq(problem_def(PROB_STS_RECORD_MISSING)->severity, SEV_INFO);
    ck_assert_int_eq(problem_def(PROB_TLSRPT_MISSING)->severity, SEV_WARNING);
    ck_assert_int_eq(problem_def(PROB_TLS_CERT_EXPIRING)->severity, SEV_WARNING);
    ck_assert_str_eq(problem_def(PROB_TLS_CERT_EXPIRED)->report_as, "certificate-expired");
}
END_TEST

START_TEST(text_fill_whole_words_only)
{
    char *s = problem_text_fill("dig TXT _mta-sts.DOMAIN answers NOERROR or NXDOMAIN; HOST.",
                                "example.com", "mx1.example.com");
    ck_assert_str_eq(s, "dig TXT _mta-sts.example.com answers NOERROR or NXDOMAIN; mx1.example.com.");
    free(s);
    s = problem_text_fill("DOMAIN HOSTNAME DOMAINS", "a.b", NULL);
    ck_assert_str_eq(s, "a.b HOSTNAME DOMAINS");
    free(s);
    s = problem_text_fill("HOST and DOMAIN", NULL, NULL);
    ck_assert_str_eq(s, "HOST and DOMAIN");
    free(s);
    char many[400] = "";
    for (int i = 0; i < 40; i++)
        strcat(many, "DOMAIN ");
    s = problem_text_fill(many, "a-very-long-domain-name.example", NULL);
    ck_assert_uint_eq(strlen(s), 40 * (strlen("a-very-long-domain-name.example") + 1));
    free(s);
}
END_TEST

START_TEST(list_worst_and_has)
{
    struct problem_list l = {0};
    ck_assert_int_eq(problem_list_worst(&l), -1);
    problem_add(&l, PROB_STS_POLICY_MODE_TESTING, STEP_POLICY, "u", 3, "line %d", 3);
    ck_assert_int_eq(problem_list_worst(&l), SEV_INFO);
    struct problem *p = problem_add(&l, PROB_MX_POLICY_MISMATCH, STEP_MX, "mx", 0, "x");
    p->severity = SEV_WARNING;
    ck_assert_int_eq(problem_list_worst(&l), SEV_WARNING);
    ck_assert(problem_list_has(&l, PROB_MX_POLICY_MISMATCH));
    ck_assert(!problem_list_has(&l, PROB_MX_NULL));
    ck_assert_str_eq(l.items[0].message, "line 3");
    ck_assert_int_eq(l.items[0].line, 3);
    problem_list_clear(&l);
    ck_assert_uint_eq(l.n, 0);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("problem");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, table_is_well_formed);
    tcase_add_test(tc, binding_codes_exist);
    tcase_add_test(tc, text_fill_whole_words_only);
    tcase_add_test(tc, list_worst_and_has);
    suite_add_tcase(s, tc);
    return s;
}
