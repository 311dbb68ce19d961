/* test_tui_model - the walk-through tree and the matrix built from hand-made reports:
 * row order, derived states (n/a is not fail), problem attribution, live progress, and the
 * "different leaf certificates" marker. */
#include "testlib.h"
#include "report_fixtures.h"
#include "tui_model.h"
#include "view_matrix.h"
#include <string.h>

static long row_of(const struct tui_model *m, const char *key)
{
    long k = tui_model_find(m, key);
    ck_assert_msg(k >= 0, "no row %s", key);
    return k;
}

START_TEST(tree_order_all_good)
{
    struct report *r = fx_all_good();
    struct tui_model m = {0};
    tui_model_build(&m, r, r->duration_ms, time(NULL));
    static const enum tui_node want[] = {TN_STS, TN_POLICY, TN_CERT, TN_CERT, TN_MX, TN_HOST, TN_ADDR, TN_SMTP,
                                         TN_TLS, TN_CERT, TN_CERT, TN_ADDR, TN_SMTP, TN_TLS,
                                         TN_CERT, TN_CERT, TN_TLSRPT};
    ck_assert_uint_eq(m.n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < m.n; i++) {
        ck_assert_int_eq(m.rows[i].node, want[i]);
        ck_assert_int_eq(m.rows[i].state, ST_PASS);
        for (size_t j = 0; j < i; j++)
            ck_assert_str_ne(m.rows[i].key, m.rows[j].key);
    }
    ck_assert_ptr_nonnull(strstr(m.rows[0].label, "_mta-sts.example.com"));
    /* the policy host's chain sits under the policy row (PEM and save work there too) */
    ck_assert_int_eq(m.rows[2].depth, 1);
    ck_assert_ptr_nonnull(m.rows[2].tls);
    ck_assert_ptr_null(m.rows[2].addr);
    ck_assert_int_eq(m.rows[5].depth, 1);
    ck_assert_int_eq(m.rows[9].depth, 4);
    ck_assert_ptr_nonnull(strstr(m.rows[9].label, "(leaf)"));
    /* SMTP row sums connect..STARTTLS (3+9+4+2), TLS row is the handshake */
    ck_assert_int_eq(m.rows[7].ms, 18);
    ck_assert_int_eq(m.rows[8].ms, 15);
    ck_assert_int_eq(m.rows[5].mark, false);
    ck_assert_int_eq(row_of(&m, "cert:mx1.example.com|2001:db8::25|1"), 15);
    tui_model_free(&m);
    report_free(r);
}
END_TEST

START_TEST(no_starttls_is_warn_then_na)
{
    struct report *r = fx_no_starttls();
    struct tui_model m = {0};
    tui_model_build(&m, r, r->duration_ms, time(NULL));
    const struct tui_row *smtp = &m.rows[row_of(&m, "smtp:mx.plain.example|192.0.2.30")];
    const struct tui_row *tls = &m.rows[row_of(&m, "tls:mx.plain.example|192.0.2.30")];
    ck_assert_int_eq(smtp->state, ST_WARN); /* testing mode lowered the problem */
    ck_assert_int_eq(tls->state, ST_NA);    /* never reached: not applicable, not failed */
    ck_assert_int_eq(tui_row_worst(r, smtp), SEV_WARNING);
    ck_assert_int_eq(tui_row_worst(r, tls), -1);
    ck_assert_int_eq(tui_model_find(&m, "cert:mx.plain.example|192.0.2.30|0"), -1);

    struct view_matrix vm = {0};
    view_matrix_build(&vm, r, r->duration_ms, true);
    ck_assert_uint_eq(vm.n, 1);
    ck_assert_int_eq(vm.rows[0].cell[VM_EHLO].state, ST_PASS);
    ck_assert_int_eq(vm.rows[0].cell[VM_EHLO].ms, 4);
    ck_assert_int_eq(vm.rows[0].cell[VM_STARTTLS].state, ST_WARN); /* the engine's mark: testing */
    ck_assert_int_eq(vm.rows[0].cell[VM_HANDSHAKE].state, ST_NA);
    ck_assert_int_eq(vm.rows[0].cell[VM_CERT].state, ST_NA);
    ck_assert_int_eq(vm.rows[0].cell[VM_POLICY].state, ST_PASS);
    view_matrix_free(&vm);
    tui_model_free(&m);
    report_free(r);
}
END_TEST

START_TEST(expired_cert_fails)
{
    struct report *r = fx_expired();
    struct tui_model m = {0};
    tui_model_build(&m, r, r->duration_ms, time(NULL));
    const struct tui_row *tls = &m.rows[row_of(&m, "tls:mx.expired.example|192.0.2.29")];
    const struct tui_row *leaf = &m.rows[row_of(&m, "cert:mx.expired.example|192.0.2.29|0")];
    const struct tui_row *inter = &m.rows[row_of(&m, "cert:mx.expired.example|192.0.2.29|1")];
    ck_assert_int_eq(tls->state, ST_FAIL);
    ck_assert_int_eq(leaf->state, ST_FAIL);
    ck_assert_int_eq(inter->state, ST_PASS);
    const char *why = NULL;
    tui_cert_row_state(leaf, time(NULL), &why);
    ck_assert_str_eq(why, "certificate has expired");

    struct view_matrix vm = {0};
    view_matrix_build(&vm, r, r->duration_ms, false);
    ck_assert_int_eq(vm.rows[0].cell[VM_HANDSHAKE].state, ST_PASS);
    ck_assert_int_eq(vm.rows[0].cell[VM_CERT].state, ST_FAIL);
    view_matrix_free(&vm);
    tui_model_free(&m);
    report_free(r);
}
END_TEST

START_TEST(problems_land_on_their_rows)
{
    struct report *r = fx_mismatch();
    struct tui_model m = {0};
    tui_model_build(&m, r, r->duration_ms, time(NULL));
    const struct tui_row *mx = &m.rows[row_of(&m, "mx")];
    const struct tui_row *host = &m.rows[row_of(&m, "host:old-mx.mismatch.example")];
    ck_assert_int_eq(tui_row_worst(r, mx), -1);
    ck_assert_int_eq(tui_row_worst(r, host), SEV_ERROR);
    tui_model_free(&m);
    report_free(r);

    r = fx_expired();
    tui_model_build(&m, r, r->duration_ms, time(NULL));
    const struct problem *p = &r->problems.items[0];
    ck_assert(tui_problem_matches(r, p, &m.rows[row_of(&m, "addr:mx.expired.example|192.0.2.29")]));
    ck_assert(tui_problem_matches(r, p, &m.rows[row_of(&m, "tls:mx.expired.example|192.0.2.29")]));
    ck_assert(!tui_problem_matches(r, p, &m.rows[row_of(&m, "smtp:mx.expired.example|192.0.2.29")]));
    ck_assert(!tui_problem_matches(r, p, &m.rows[row_of(&m, "sts")]));
    tui_model_free(&m);
    report_free(r);
}
END_TEST

START_TEST(null_mx_is_na)
{
    struct report *r = fx_null_mx();
    struct tui_model m = {0};
    tui_model_build(&m, r, r->duration_ms, time(NULL));
    ck_assert_uint_eq(m.n, 4); /* sts, policy, mx, tlsrpt: no hosts */
    ck_assert_int_eq(m.rows[2].state, ST_NA);
    ck_assert_ptr_nonnull(strstr(m.rows[2].label, "null MX"));
    ck_assert_int_eq(m.rows[1].state, ST_NA);
    tui_model_free(&m);
    report_free(r);
}
END_TEST

/* live - a report in flight: policy still running, one address in EHLO, one waiting. */
START_TEST(live_progress)
{
    struct report *r = report_new("live.example", "live.example");
    step_end(&r->sts.step, ST_PASS, 8);
    step_begin(&r->policy.step, 0);
    step_end(&r->mx.step, ST_PASS, 15);
    struct mx_host *h = xcalloc(1, sizeof *h);
    h->host = xstrdup("mx.live.example");
    h->preference = 10;
    h->step.start_ms = h->step.end_ms = -1;
    h->resolve.end_ms = -1;
    step_begin(&h->step, 15);
    step_end(&h->resolve, ST_PASS, 25);
    h->resolve.start_ms = 15;
    xptr_push((void ***)&r->mx.hosts, &r->mx.nhosts, h);
    struct mx_addr *a = xcalloc(1, sizeof *a);
    a->address = xstrdup("192.0.2.40");
    a->family = 4;
    a->port = 25;
    a->step.end_ms = -1;
    step_begin(&a->step, 25);
    a->live_stage = SMTP_ST_EHLO;
    a->smtp_state = ST_RUNNING; /* what the engine sets while the probe runs (diag.c) */
    xptr_push((void ***)&h->addrs, &h->naddrs, a);
    struct mx_addr *b = xcalloc(1, sizeof *b);
    b->address = xstrdup("192.0.2.41");
    b->family = 4;
    b->step.start_ms = b->step.end_ms = -1;
    xptr_push((void ***)&h->addrs, &h->naddrs, b);

    struct tui_model m = {0};
    tui_model_build(&m, r, 100, time(NULL));
    ck_assert_int_eq(m.rows[row_of(&m, "policy")].state, ST_RUNNING);
    ck_assert_int_eq(m.rows[row_of(&m, "policy")].ms, 100); /* running: now - start */
    ck_assert_int_eq(m.rows[row_of(&m, "sts")].ms, 0);
    ck_assert_int_eq(m.rows[row_of(&m, "smtp:mx.live.example|192.0.2.40")].state, ST_RUNNING);
    ck_assert_int_eq(m.rows[row_of(&m, "tls:mx.live.example|192.0.2.40")].state, ST_WAITING);
    ck_assert_int_eq(m.rows[row_of(&m, "smtp:mx.live.example|192.0.2.41")].state, ST_WAITING);
    ck_assert_int_eq(m.rows[row_of(&m, "addr:mx.live.example|192.0.2.40")].ms, 75);

    struct view_matrix vm = {0};
    view_matrix_build(&vm, r, 100, true);
    ck_assert_uint_eq(vm.n, 2);
    ck_assert_int_eq(vm.rows[0].cell[VM_RESOLVE].state, ST_PASS);
    ck_assert_int_eq(vm.rows[0].cell[VM_RESOLVE].ms, 10);
    ck_assert_int_eq(vm.rows[0].cell[VM_CONNECT].state, ST_PASS);
    ck_assert_int_eq(vm.rows[0].cell[VM_BANNER].state, ST_PASS);
    ck_assert_int_eq(vm.rows[0].cell[VM_EHLO].state, ST_RUNNING);
    ck_assert_int_eq(vm.rows[0].cell[VM_STARTTLS].state, ST_WAITING);
    ck_assert_int_eq(vm.rows[0].cell[VM_POLICY].state, ST_WAITING);
    ck_assert_int_eq(vm.rows[1].cell[VM_CONNECT].state, ST_WAITING);
    view_matrix_free(&vm);
    tui_model_free(&m);
    report_free(r);
}
END_TEST

START_TEST(different_leaf_certs_stand_out)
{
    struct report *r = fx_all_good();
    struct tui_model m = {0};
    struct view_matrix vm = {0};
    view_matrix_build(&vm, r, r->duration_ms, true);
    ck_assert(!vm.rows[0].cert_differs);
    ck_assert_uint_eq(vm.notes.n, 0);
    view_matrix_free(&vm);

    struct cert_info *leaf = &r->mx.hosts[0]->addrs[1]->smtp->tls.chain[0];
    free(leaf->sha256);
    leaf->sha256 = xstrdup("99:88:77");
    tui_model_build(&m, r, r->duration_ms, time(NULL));
    ck_assert(m.rows[row_of(&m, "host:mx1.example.com")].mark);
    view_matrix_build(&vm, r, r->duration_ms, true);
    ck_assert(vm.rows[0].cert_differs && vm.rows[1].cert_differs);
    ck_assert_uint_ge(vm.notes.n, 3);
    ck_assert_ptr_nonnull(strstr(vm.notes.v[0].text, "different leaf certificates"));
    ck_assert_ptr_nonnull(strstr(vm.notes.v[2].text, "99:88:77"));
    view_matrix_free(&vm);
    tui_model_free(&m);
    report_free(r);
}
END_TEST

/* every fixture gives the four numbered steps, first and last, and labels for every row */
START_TEST(every_fixture_builds)
{
    struct report *(*const fx[])(void) = {fx_all_good, fx_no_record, fx_redirect, fx_mismatch,
                                          fx_expired, fx_no_starttls, fx_null_mx, fx_hostile};
    for (size_t i = 0; i < sizeof fx / sizeof fx[0]; i++) {
        struct report *r = fx[i]();
        struct tui_model m = {0};
        tui_model_build(&m, r, r->duration_ms, time(NULL));
        ck_assert_uint_ge(m.n, 4);
        ck_assert_int_eq(m.rows[0].node, TN_STS);
        ck_assert_int_eq(m.rows[m.n - 1].node, TN_TLSRPT);
        for (size_t j = 0; j < m.n; j++)
            ck_assert(m.rows[j].label[0] && m.rows[j].key[0]);
        tui_model_free(&m);
        report_free(r);
    }
}
END_TEST

START_TEST(learn_names)
{
    ck_assert_str_eq(tui_node_learn_name(TN_STS), "sts_record");
    ck_assert_str_eq(tui_node_learn_name(TN_POLICY), "policy");
    ck_assert_str_eq(tui_node_learn_name(TN_MX), "mx");
    ck_assert_str_eq(tui_node_learn_name(TN_HOST), "mx_host");
    ck_assert_str_eq(tui_node_learn_name(TN_SMTP), "smtp");
    ck_assert_str_eq(tui_node_learn_name(TN_TLS), "tls");
    ck_assert_str_eq(tui_node_learn_name(TN_CERT), "cert");
    ck_assert_str_eq(tui_node_learn_name(TN_TLSRPT), "tlsrpt");
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("tui_model");
    TCase *tc = tcase_create("model");
    tcase_add_test(tc, tree_order_all_good);
    tcase_add_test(tc, no_starttls_is_warn_then_na);
    tcase_add_test(tc, expired_cert_fails);
    tcase_add_test(tc, problems_land_on_their_rows);
    tcase_add_test(tc, null_mx_is_na);
    tcase_add_test(tc, live_progress);
    tcase_add_test(tc, different_leaf_certs_stand_out);
    tcase_add_test(tc, every_fixture_builds);
    tcase_add_test(tc, learn_names);
    suite_add_tcase(s, tc);
    return s;
}
