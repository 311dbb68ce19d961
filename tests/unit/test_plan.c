/* test_plan - the migration planner, its verifier and its store, on hand-built reports (no
 * network): steps, times from the TTLs and max_age, patterns, ids, policy texts that the
 * linter accepts, bad targets, and the saved plan read back. */
#include "plan.h"
#include "plan_store.h"
#include "state.h"
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function" /* only some fixtures are used here */
#include "report_fixtures.h"
#pragma GCC diagnostic pop
#include "testlib.h"
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NOW ((time_t)1800000000) /* 2027-01-15T08:00:00Z */

static struct dns_answer *answer(const char *qname, uint16_t type, uint32_t ttl, size_t n)
{
    struct dns_answer *a = dns_answer_new(qname, type);
    a->status = DNS_OK;
    a->rr = xcalloc(n, sizeof *a->rr);
    a->nrr = n;
    for (size_t i = 0; i < n; i++) {
        a->rr[i].type = type;
        a->rr[i].ttl = ttl;
    }
    return a;
}

/* live - a domain with valid TXT (TTL txt_ttl), a policy of mode over mx1/mx2, the MX set
 * mx1 (10), mx2 (20) with TTL mx_ttl, each host valid over STARTTLS. */
static struct report *live(enum sts_mode mode, uint32_t txt_ttl, uint32_t mx_ttl)
{
    static const char *const pats[] = {"mx1.example.com", "mx2.example.com"};
    struct report *r = fx_base("example.com");
    fx_sts_ok(r, "20260101000000");
    r->sts.answer = answer("_mta-sts.example.com", DNS_T_TXT, txt_ttl, 1);
    fx_policy(r, mode, pats, 2);
    r->mx.answer = answer("example.com", DNS_T_MX, mx_ttl, 2);
    for (int i = 0; i < 2; i++) {
        struct mx_host *h = fx_host(r, pats[i], 10 * (i + 1), true, true);
        fx_addr(h, "192.0.2.25", true, 80, true, NULL)->tls_valid = true;
    }
    return r;
}

/* planned - a target host probed beside the MX set: starttls false = no STARTTLS;
 * naddr 0 = it does not resolve. */
static void planned(struct report *r, const char *name, bool starttls, int naddr)
{
    struct mx_host *h = xcalloc(1, sizeof *h);
    h->host = xstrdup(name);
    h->preference = -2;
    h->planned = true;
    xptr_push((void ***)&r->planned, &r->nplanned, h);
    if (naddr)
        fx_addr(h, "192.0.2.99", starttls, 80, starttls, NULL)->tls_valid = starttls;
}

static struct plan_target target(const char *a, const char *b)
{
    struct plan_target t = {0};
    t.mx[t.nmx++] = a;
    if (b)
        t.mx[t.nmx++] = b;
    return t;
}

/* lint_ok - the policy text parses as valid with no warning or error. */
static void lint_ok(const char *text)
{
    struct sts_policy p;
    struct problem_list pl = {0};
    ck_assert_int_eq(
        sts_policy_parse((const unsigned char *)text, strlen(text), &p, &pl, STEP_LINT, "plan"), 0);
    ck_assert_int_lt(problem_list_worst(&pl), SEV_WARNING);
    sts_policy_free(&p);
    problem_list_clear(&pl);
}

static void every_policy_lints(const struct plan *p)
{
    for (size_t i = 0; i < p->nsteps; i++)
        if (p->steps[i].policy)
            lint_ok(p->steps[i].policy);
}

/* ids_valid_distinct - 1-32 alphanumerics (RFC 8461 3.1), distinct, never the live id. */
static void ids_valid_distinct(const struct plan *p, const char *live_id)
{
    for (size_t i = 0; i < p->nsteps; i++) {
        const char *id = p->steps[i].id;
        if (!id)
            continue;
        size_t n = strlen(id);
        ck_assert(n >= 1 && n <= 32);
        for (size_t k = 0; k < n; k++)
            ck_assert(isalnum((unsigned char)id[k]));
        ck_assert_str_ne(id, live_id);
        char rec[64];
        snprintf(rec, sizeof rec, "v=STSv1; id=%s", id);
        ck_assert_str_eq(p->steps[i].sts_record, rec);
        for (size_t j = 0; j < i; j++)
            if (p->steps[j].id)
                ck_assert_str_ne(p->steps[j].id, id);
    }
}

START_TEST(add_an_mx)
{
    struct report *r = live(STS_MODE_ENFORCE, 300, 3600);
    planned(r, "mx3.example.com", true, 1);
    struct plan_target t = {.mx = {"mx1.example.com", "mx2.example.com", "mx3.example.com"},
                            .nmx = 3};
    struct plan p;
    plan_make(r, &t, NOW, 0, &p);
    ck_assert_int_eq(p.nsteps, 3); /* policy, TXT, MX: the final policy is the same */
    ck_assert_int_eq(p.steps[0].action, PLAN_PUBLISH_POLICY);
    ck_assert_int_eq(p.steps[1].action, PLAN_PUBLISH_STS_RECORD);
    ck_assert_int_eq(p.steps[2].action, PLAN_CHANGE_MX);
    ck_assert(p.steps[0].not_before == NOW && p.steps[1].not_before == NOW);
    ck_assert(p.steps[2].not_before == NOW + 300); /* the TXT TTL */
    ck_assert_ptr_nonnull(strstr(p.steps[0].policy, "mx: mx3.example.com\r\n"));
    ck_assert_ptr_nonnull(strstr(p.steps[0].policy, "mx: mx1.example.com\r\n"));
    ck_assert_ptr_nonnull(strstr(p.steps[0].policy, "mode: enforce\r\n"));
    ck_assert_int_eq(p.steps[2].nmx, 3);
    ck_assert_str_eq(p.steps[2].mx[2].host, "mx3.example.com");
    ck_assert_int_eq(p.steps[2].mx[0].preference, 10);
    ck_assert_int_eq(p.steps[2].mx[2].preference, 30);
    ck_assert_str_eq(p.steps[1].id, "2027011508000002");
    ck_assert_int_eq(plan_exit_code(&p), 0);
    every_policy_lints(&p);
    ids_valid_distinct(&p, "20260101000000");
    plan_free(&p);
    report_free(r);
}
END_TEST

START_TEST(move_every_mx_to_exchange_online)
{
    struct report *r = live(STS_MODE_ENFORCE, 600, 3600);
    planned(r, "contoso-com.mail.protection.outlook.com", true, 1);
    struct plan_target t = target("contoso-com.mail.protection.outlook.com", NULL);
    struct plan p;
    plan_make(r, &t, NOW, 0, &p);
    ck_assert_int_eq(p.nsteps, 5);
    /* the policy before the MX change covers old and new hosts, with Microsoft's wildcard */
    const char *pol = p.steps[0].policy;
    ck_assert_ptr_nonnull(strstr(pol, "mx: mx1.example.com\r\n"));
    ck_assert_ptr_nonnull(strstr(pol, "mx: mx2.example.com\r\n"));
    ck_assert_ptr_nonnull(strstr(pol, "mx: *.mail.protection.outlook.com\r\n"));
    ck_assert_int_eq(p.steps[2].action, PLAN_CHANGE_MX);
    ck_assert(p.steps[2].not_before == NOW + 600);
    ck_assert_int_eq(p.steps[2].nmx, 1);
    /* the old hosts leave the policy once the old MX records' TTL has passed */
    ck_assert_int_eq(p.steps[3].action, PLAN_PUBLISH_POLICY);
    ck_assert(p.steps[3].not_before == NOW + 600 + 3600);
    ck_assert_str_eq(p.steps[3].policy,
                     "version: STSv1\r\nmode: enforce\r\nmx: *.mail.protection.outlook.com\r\n"
                     "max_age: 604800\r\n");
    ck_assert_int_eq(p.steps[4].action, PLAN_PUBLISH_STS_RECORD);
    ck_assert(p.steps[4].not_before == p.steps[3].not_before);
    every_policy_lints(&p);
    ids_valid_distinct(&p, "20260101000000");
    plan_free(&p);
    report_free(r);
}
END_TEST

START_TEST(patterns_exact_unless_provider)
{
    char *s = plan_pattern_for("contoso-com.mail.protection.outlook.com");
    ck_assert_str_eq(s, "*.mail.protection.outlook.com");
    free(s);
    s = plan_pattern_for("a.b.mail.protection.outlook.com"); /* two labels: exact */
    ck_assert_str_eq(s, "a.b.mail.protection.outlook.com");
    free(s);
    s = plan_pattern_for("mx9.example.com");
    ck_assert_str_eq(s, "mx9.example.com");
    free(s);
    s = plan_pattern_for("t.mail.protection.mxray.test"); /* the lab's model of it */
    ck_assert_str_eq(s, "*.mail.protection.mxray.test");
    free(s);
}
END_TEST

START_TEST(enforce_via_testing)
{
    struct report *r = live(STS_MODE_ENFORCE, 300, 3600);
    planned(r, "new.example.net", true, 1);
    struct plan_target t = target("new.example.net", NULL);
    t.via_testing = true;
    t.mode = STS_MODE_ENFORCE;
    struct plan p;
    plan_make(r, &t, NOW, 0, &p);
    ck_assert_int_eq(p.nsteps, 6);
    ck_assert_ptr_nonnull(strstr(p.steps[0].policy, "mode: testing\r\n"));
    /* the enforce policy's max_age is waited out before the MX change */
    ck_assert_int_eq(p.steps[2].action, PLAN_CHANGE_MX);
    ck_assert(p.steps[2].not_before == NOW + 604800);
    ck_assert_int_eq(p.steps[3].action, PLAN_WAIT);
    ck_assert(p.steps[3].not_before == NOW + 604800);
    ck_assert_int_eq(p.steps[4].action, PLAN_PUBLISH_POLICY);
    ck_assert(p.steps[4].not_before == NOW + 604800 + PLAN_TESTING_WATCH);
    ck_assert_ptr_nonnull(strstr(p.steps[4].policy, "mode: enforce\r\n"));
    ck_assert_ptr_null(strstr(p.steps[4].policy, "mx1.example.com"));
    ck_assert_int_eq(plan_exit_code(&p), 1); /* the fixture has no TLS-RPT record */
    ck_assert_str_eq(p.notes[p.nnotes - 1].code, "tlsrpt.missing");
    every_policy_lints(&p);
    ids_valid_distinct(&p, "20260101000000");
    plan_free(&p);
    report_free(r);
}
END_TEST

START_TEST(history_extends_the_wait)
{
    struct report *r = live(STS_MODE_ENFORCE, 300, 3600);
    struct plan_target t = {.remove = true};
    struct plan p;
    plan_make(r, &t, NOW, NOW + 2 * 604800, &p);
    ck_assert_int_eq(p.nsteps, 4);
    ck_assert(p.steps[2].not_before == NOW + 2 * 604800);
    ck_assert_int_eq(p.max_age_seen, 2 * 604800);
    plan_free(&p);
    report_free(r);
}
END_TEST

/* The history of earlier checks: an enforce policy with a long max_age, replaced by a short
 * one, is still cached by senders until the replacement was seen plus the old max_age. */
START_TEST(history_from_state)
{
    struct domain_state st = {0};
    struct state_event ev[3] = {
        {.first_seen = NOW - 10 * 86400, .last_seen = NOW - 5 * 86400, .mode = "enforce",
         .max_age = 31536000},
        {.first_seen = NOW - 4 * 86400, .last_seen = NOW, .mode = "testing", .max_age = 86400},
        {.first_seen = NOW, .last_seen = NOW, .mode = "none", .max_age = 86400},
    };
    st.timeline = ev;
    st.ntimeline = 3;
    /* the year-long enforce policy was served until the testing one was first seen */
    ck_assert(plan_history_until(&st, NOW) == NOW - 4 * 86400 + 31536000);
    st.ntimeline = 0;
    ck_assert(plan_history_until(&st, NOW) == 0);
    ev[0].mode = "none";
    st.ntimeline = 1;
    ck_assert(plan_history_until(&st, NOW) == 0); /* mode none caches are harmless */
    /* used by the plan: the removal waits for it */
    st.ntimeline = 3;
    ev[0].mode = "enforce";
    struct report *r = live(STS_MODE_ENFORCE, 300, 3600);
    struct plan_target t = {.remove = true};
    struct plan p;
    plan_make(r, &t, NOW, plan_history_until(&st, NOW), &p);
    ck_assert(p.steps[2].not_before == NOW - 4 * 86400 + 31536000);
    plan_free(&p);
    report_free(r);
}
END_TEST

START_TEST(removal)
{
    struct report *r = live(STS_MODE_ENFORCE, 300, 3600);
    struct plan_target t = {.remove = true};
    struct plan p;
    plan_make(r, &t, NOW, 0, &p);
    ck_assert_int_eq(p.nsteps, 4);
    ck_assert_str_eq(p.steps[0].policy, "version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n");
    ck_assert_int_eq(p.steps[1].action, PLAN_PUBLISH_STS_RECORD);
    ck_assert(p.steps[1].not_before == NOW);
    ck_assert_int_eq(p.steps[2].action, PLAN_DELETE_STS_RECORD);
    ck_assert(p.steps[2].not_before == NOW + 604800); /* the old max_age */
    ck_assert_int_eq(p.steps[3].action, PLAN_DELETE_POLICY);
    ck_assert(p.steps[3].not_before == NOW + 604800 + 300); /* then the TXT TTL */
    every_policy_lints(&p);
    ids_valid_distinct(&p, "20260101000000");
    plan_free(&p);
    report_free(r);
}
END_TEST

START_TEST(target_without_starttls_blocks)
{
    struct report *r = live(STS_MODE_ENFORCE, 300, 3600);
    planned(r, "mx3.example.com", false, 1);
    struct plan_target t = target("mx1.example.com", "mx3.example.com");
    struct plan p;
    plan_make(r, &t, NOW, 0, &p);
    ck_assert(p.blocked);
    ck_assert_int_eq(plan_exit_code(&p), 2);
    bool found = false;
    for (size_t i = 0; i < p.nnotes; i++)
        found |= p.notes[i].blocks && !strcmp(p.notes[i].code, "smtp.starttls_missing") &&
                 !strcmp(p.notes[i].subject, "mx3.example.com");
    ck_assert(found);
    plan_free(&p);
    report_free(r);
}
END_TEST

START_TEST(unresolved_target_warns)
{
    struct report *r = live(STS_MODE_TESTING, 300, 3600);
    planned(r, "later.example.com", true, 0);
    struct plan_target t = target("later.example.com", NULL);
    struct plan p;
    plan_make(r, &t, NOW, 0, &p);
    ck_assert(!p.blocked);
    ck_assert_int_eq(plan_exit_code(&p), 1);
    ck_assert_int_gt(p.nsteps, 0);
    ck_assert_str_eq(p.notes[0].code, "mx.resolve");
    plan_free(&p);
    report_free(r);
}
END_TEST

START_TEST(nothing_to_do)
{
    struct report *r = live(STS_MODE_ENFORCE, 300, 3600);
    struct plan_target t = target("mx1.example.com", "mx2.example.com");
    struct plan p;
    plan_make(r, &t, NOW, 0, &p);
    ck_assert_int_eq(p.nsteps, 0);
    plan_free(&p);
    report_free(r);
}
END_TEST

START_TEST(no_policy_yet)
{
    struct report *r = fx_base("example.com");
    r->sts.status = TXT_MISSING;
    r->policy.status = POL_NOT_FETCHED;
    r->mx.answer = answer("example.com", DNS_T_MX, 3600, 1);
    fx_addr(fx_host(r, "old.example.com", 10, false, false), "192.0.2.1", true, 80, true, NULL);
    planned(r, "new.example.com", true, 1);
    struct plan_target t = target("new.example.com", NULL);
    struct plan p;
    plan_make(r, &t, NOW, 0, &p);
    /* no sender holds a policy: the MX may change at once; testing by default */
    ck_assert_int_eq(p.steps[2].action, PLAN_CHANGE_MX);
    ck_assert(p.steps[2].not_before == NOW);
    ck_assert_ptr_nonnull(strstr(p.steps[0].policy, "mode: testing\r\n"));
    ck_assert_ptr_nonnull(strstr(p.steps[0].policy, "mx: old.example.com\r\n"));
    ck_assert_int_eq(p.steps[3].action, PLAN_PUBLISH_POLICY);
    ck_assert(p.steps[3].not_before == NOW + 3600);
    every_policy_lints(&p);
    plan_free(&p);
    report_free(r);
}
END_TEST

/* A record whose policy no longer fetches: senders may still hold the old policy, so the MX
 * change still waits the TXT TTL after the new id. */
START_TEST(broken_policy_still_waits_the_ttl)
{
    struct report *r = live(STS_MODE_ENFORCE, 450, 3600);
    r->policy.status = POL_FETCH_ERROR;
    planned(r, "new.example.net", true, 1);
    struct plan_target t = target("new.example.net", NULL);
    struct plan p;
    plan_make(r, &t, NOW, 0, &p);
    ck_assert_int_eq(p.steps[2].action, PLAN_CHANGE_MX);
    ck_assert(p.steps[2].not_before == NOW + 450);
    plan_free(&p);
    report_free(r);
}
END_TEST

/* No MX record today (implicit MX): the TTL senders hold is unknown, a day is assumed. */
START_TEST(implicit_mx_assumes_a_day)
{
    struct report *r = fx_base("example.com");
    fx_sts_ok(r, "1");
    r->sts.answer = answer("_mta-sts.example.com", DNS_T_TXT, 300, 1);
    static const char *const pats[] = {"example.com"};
    fx_policy(r, STS_MODE_ENFORCE, pats, 1);
    r->mx.implicit = true;
    fx_addr(fx_host(r, "example.com", -1, true, true), "192.0.2.1", true, 80, true, NULL)
        ->tls_valid = true;
    planned(r, "mx.example.net", true, 1);
    struct plan_target t = target("mx.example.net", NULL);
    struct plan p;
    plan_make(r, &t, NOW, 0, &p);
    ck_assert_int_eq(p.steps[2].action, PLAN_CHANGE_MX);
    ck_assert_int_eq(p.steps[2].mx[0].preference, 10);
    ck_assert(p.steps[3].not_before == NOW + 300 + PLAN_UNKNOWN_TTL);
    ck_assert_int_eq(plan_exit_code(&p), 1);
    plan_free(&p);
    report_free(r);
}
END_TEST

START_TEST(verify_steps)
{
    struct report *r = live(STS_MODE_ENFORCE, 300, 3600);
    planned(r, "mx3.example.com", true, 1);
    struct plan_target t = {.mx = {"mx1.example.com", "mx2.example.com", "mx3.example.com"},
                            .nmx = 3};
    struct plan p;
    plan_make(r, &t, NOW, 0, &p);
    struct plan_check c;
    /* before: the live policy lacks mx3 */
    ck_assert_int_eq(plan_verify(&p, 1, r, &c), 0);
    ck_assert(!c.live);
    ck_assert_int_eq(c.nbad, 1);
    plan_check_free(&c);
    /* the lab publishes step 1: the same policy, in LF and another order */
    static const char *const pats[] = {"mx3.example.com", "mx2.example.com", "mx1.example.com"};
    struct report *r2 = live(STS_MODE_ENFORCE, 300, 3600);
    planned(r2, "mx3.example.com", true, 1);
    https_result_free(r2->policy.http);
    r2->policy.http = NULL;
    sts_policy_free(&r2->policy.parsed);
    free(r2->policy.url), free(r2->policy.host), free(r2->policy.body_text);
    fx_policy(r2, STS_MODE_ENFORCE, pats, 3);
    ck_assert_int_eq(plan_verify(&p, 1, r2, &c), 0);
    ck_assert_msg(c.live, "%s", c.nbad ? c.bad[0] : "");
    plan_check_free(&c);
    /* step 2 needs the new id too */
    ck_assert_int_eq(plan_verify(&p, 2, r2, &c), 0);
    ck_assert(!c.live);
    ck_assert_ptr_nonnull(strstr(c.bad[0], p.steps[1].id));
    plan_check_free(&c);
    free(r2->sts.parsed.id);
    r2->sts.parsed.id = xstrdup(p.steps[1].id);
    ck_assert_int_eq(plan_verify(&p, 2, r2, &c), 0);
    ck_assert(c.live);
    plan_check_free(&c);
    /* step 3: the MX set is not changed yet */
    ck_assert_int_eq(plan_verify(&p, 3, r2, &c), 0);
    ck_assert(!c.live);
    plan_check_free(&c);
    ck_assert_int_eq(plan_verify(&p, 4, r2, &c), -1);
    plan_free(&p);
    report_free(r);
    report_free(r2);
}
END_TEST

START_TEST(store_round_trip)
{
    char dir[] = "/tmp/mxray-plan-test.XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    struct report *r = live(STS_MODE_ENFORCE, 300, 3600);
    planned(r, "contoso-com.mail.protection.outlook.com", true, 1);
    struct plan_target t = target("contoso-com.mail.protection.outlook.com", NULL);
    t.mode = STS_MODE_ENFORCE;
    struct plan p, q;
    char err[512];
    plan_make(r, &t, NOW, 0, &p);
    ck_assert_int_eq(plan_store_save(dir, &p, err, sizeof err), 0);
    ck_assert_msg(plan_store_load(dir, "example.com", &q, err, sizeof err) == 0, "%s", err);
    ck_assert(plan_same_target(&q, &t));
    ck_assert_int_eq(q.nsteps, p.nsteps);
    for (size_t i = 0; i < p.nsteps; i++) {
        ck_assert_int_eq(q.steps[i].action, p.steps[i].action);
        ck_assert(q.steps[i].not_before == p.steps[i].not_before);
        if (p.steps[i].policy)
            ck_assert_str_eq(q.steps[i].policy, p.steps[i].policy);
        if (p.steps[i].id)
            ck_assert_str_eq(q.steps[i].id, p.steps[i].id);
        ck_assert_int_eq(q.steps[i].nmx, p.steps[i].nmx);
    }
    t.via_testing = true;
    ck_assert(!plan_same_target(&q, &t));
    plan_free(&q);
    /* a corrupt or foreign file is refused, never trusted */
    char *path = plan_store_path(dir, "example.com");
    FILE *f = fopen(path, "w");
    fputs("mxray-plan 1\ndomain example.com\nstep publish_policy 1\nid not-valid!\nend\n", f);
    fclose(f);
    ck_assert_int_eq(plan_store_load(dir, "example.com", &q, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "bad id"));
    f = fopen(path, "w");
    fputs("something else\n", f);
    fclose(f);
    ck_assert_int_eq(plan_store_load(dir, "example.com", &q, err, sizeof err), -1);
    ck_assert_int_eq(plan_store_load(dir, "other.example", &q, err, sizeof err), -1);
    ck_assert_ptr_null(plan_store_path(dir, "../x"));
    unlink(path);
    free(path);
    char *plans = xasprintf("%s/plans", dir);
    rmdir(plans);
    free(plans);
    rmdir(dir);
    plan_free(&p);
    report_free(r);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("plan");
    TCase *tc = tcase_create("plan");
    tcase_add_test(tc, add_an_mx);
    tcase_add_test(tc, move_every_mx_to_exchange_online);
    tcase_add_test(tc, patterns_exact_unless_provider);
    tcase_add_test(tc, enforce_via_testing);
    tcase_add_test(tc, history_extends_the_wait);
    tcase_add_test(tc, history_from_state);
    tcase_add_test(tc, removal);
    tcase_add_test(tc, target_without_starttls_blocks);
    tcase_add_test(tc, unresolved_target_warns);
    tcase_add_test(tc, nothing_to_do);
    tcase_add_test(tc, no_policy_yet);
    tcase_add_test(tc, broken_policy_still_waits_the_ttl);
    tcase_add_test(tc, implicit_mx_assumes_a_day);
    tcase_add_test(tc, verify_steps);
    tcase_add_test(tc, store_round_trip);
    suite_add_tcase(s, tc);
    return s;
}
