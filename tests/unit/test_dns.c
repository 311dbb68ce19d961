/* test_dns - dns_query through c-ares on the loop, against fake_dns.h on 127.0.0.1. */
#include "testlib.h"
#include "dns.h"
#include "mx_limits.h"
#include "fake_dns.h"
#include "loop.h"
#include <ares.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RESULTS 160

struct results {
    struct dns_answer *ans[MAX_RESULTS];
    const char *order[MAX_RESULTS]; /* tags in completion order */
    int n;
    int64_t at_ms[MAX_RESULTS];
    struct dns_ctx *free_in_cb; /* when set, the first callback frees this context */
};

struct tagged {
    struct results *r;
    const char *tag;
};

static void on_answer(void *arg, struct dns_answer *a)
{
    struct tagged *t = arg;
    struct results *r = t->r;
    ck_assert_int_lt(r->n, MAX_RESULTS);
    r->order[r->n] = t->tag;
    r->at_ms[r->n] = loop_now_ms();
    r->ans[r->n++] = a;
    if (r->free_in_cb) {
        dns_free(r->free_in_cb);
        r->free_in_cb = NULL;
    }
}

static void results_free(struct results *r)
{
    for (int i = 0; i < r->n; i++)
        dns_answer_free(r->ans[i]);
}

/* run_until - turn the loop until want results arrived or max_ms passed. */
static void run_until(struct loop *l, struct results *r, int want, int max_ms)
{
    int64_t end = loop_now_ms() + max_ms;
    while (r->n < want && loop_now_ms() < end)
        loop_run_once(l, 50);
}

/* run_for - turn the loop for ms (to see that nothing more arrives). */
static void run_for(struct loop *l, int ms)
{
    int64_t end = loop_now_ms() + ms;
    while (loop_now_ms() < end)
        loop_run_once(l, 20);
}

static struct loop *loop;
static struct fake_dns fake;

static void setup(void)
{
    loop = loop_new();
    ck_assert_int_eq(fake_dns_start(&fake, loop), 0);
    fake_dns_add(&fake, &(struct fake_dns_zone){
        .name = "a.test", .type = DNS_T_A, .rr = {{DNS_T_A, "192.0.2.1"}, {DNS_T_A, "192.0.2.2"}}});
    fake_dns_add(&fake, &(struct fake_dns_zone){
        .name = "mx.test", .type = DNS_T_MX, .rr = {{DNS_T_MX, "10 mx1.mx.test"}}});
    fake_dns_add(&fake, &(struct fake_dns_zone){
        .name = "_mta-sts.txt.test", .type = DNS_T_TXT,
        .rr = {{DNS_T_TXT, "v=STSv1; |id=20240101"}}});
    fake_dns_add(&fake, &(struct fake_dns_zone){.name = "fail.test", .rcode = 2});
    fake_dns_add(&fake, &(struct fake_dns_zone){.name = "refused.test", .rcode = 5});
    fake_dns_add(&fake, &(struct fake_dns_zone){.name = "silent.test", .mode = FAKE_DNS_SILENT});
    fake_dns_add(&fake, &(struct fake_dns_zone){
        .name = "slow.test", .type = DNS_T_A, .delay_ms = 700, .rr = {{DNS_T_A, "192.0.2.9"}}});
    static char big[3][301];
    for (int i = 0; i < 3; i++) {
        memset(big[i], 'a' + i, 300);
        big[i][300] = '\0';
    }
    fake_dns_add(&fake, &(struct fake_dns_zone){
        .name = "big.test", .type = DNS_T_TXT, .mode = FAKE_DNS_TC_UDP,
        .rr = {{DNS_T_TXT, big[0]}, {DNS_T_TXT, big[1]}, {DNS_T_TXT, big[2]}}});
}

static void teardown(void)
{
    fake_dns_stop(&fake);
    loop_free(loop);
}

static struct dns_ctx *ctx_new(int timeout_ms)
{
    const char *servers[] = {fake.addr};
    struct dns_opts o = {.servers = servers, .nservers = 1, .timeout_ms = timeout_ms};
    char err[256] = "";
    struct dns_ctx *d = dns_new(loop, &o, err, sizeof err);
    ck_assert_msg(d != NULL, "dns_new: %s", err);
    return d;
}

START_TEST(test_answer_a)
{
    struct dns_ctx *d = ctx_new(2000);
    struct results r = {0};
    struct tagged t = {&r, "a"};
    ck_assert_ptr_nonnull(dns_query(d, "A.test", DNS_T_A, on_answer, &t));
    ck_assert_int_eq(r.n, 0); /* never synchronously */
    run_until(loop, &r, 1, 3000);
    ck_assert_int_eq(r.n, 1);
    struct dns_answer *a = r.ans[0];
    ck_assert_int_eq(a->status, DNS_OK);
    ck_assert_int_eq(a->rcode, 0);
    ck_assert_uint_eq(a->nrr, 2);
    ck_assert_str_eq(a->rr[0].addr, "192.0.2.1");
    ck_assert_str_eq(a->rr[1].addr, "192.0.2.2");
    ck_assert_str_eq(a->rr[0].name, "a.test");
    ck_assert_str_eq(a->qname, "A.test");
    ck_assert_str_eq(a->resolver, fake.addr);
    ck_assert_int_ge(a->duration_ms, 0);
    ck_assert_int_lt(a->duration_ms, 2000);
    run_for(loop, 100);
    ck_assert_int_eq(r.n, 1); /* exactly once */
    results_free(&r);
    dns_free(d);
}
END_TEST

START_TEST(test_answer_mx_txt)
{
    struct dns_ctx *d = ctx_new(2000);
    struct results r = {0};
    struct tagged t1 = {&r, "mx"}, t2 = {&r, "txt"};
    dns_query(d, "mx.test", DNS_T_MX, on_answer, &t1);
    dns_query(d, "_mta-sts.txt.test", DNS_T_TXT, on_answer, &t2);
    run_until(loop, &r, 2, 3000);
    ck_assert_int_eq(r.n, 2);
    for (int i = 0; i < 2; i++) {
        struct dns_answer *a = r.ans[i];
        ck_assert_int_eq(a->status, DNS_OK);
        if (strcmp(r.order[i], "mx") == 0) {
            ck_assert_str_eq(a->rr[0].text, "10 mx1.mx.test");
            ck_assert_int_eq(a->rr[0].pref, 10);
        } else {
            ck_assert_str_eq((char *)a->rr[0].txt, "v=STSv1; id=20240101");
            ck_assert_int_eq(a->rr[0].txt_nstrings, 2);
        }
    }
    results_free(&r);
    dns_free(d);
}
END_TEST

START_TEST(test_nxdomain_nodata)
{
    struct dns_ctx *d = ctx_new(2000);
    struct results r = {0};
    struct tagged t1 = {&r, "nx"}, t2 = {&r, "nodata"};
    dns_query(d, "nothing.test", DNS_T_TXT, on_answer, &t1);
    dns_query(d, "a.test", DNS_T_AAAA, on_answer, &t2);
    run_until(loop, &r, 2, 3000);
    ck_assert_int_eq(r.n, 2);
    for (int i = 0; i < 2; i++) {
        struct dns_answer *a = r.ans[i];
        bool nx = strcmp(r.order[i], "nx") == 0;
        ck_assert_int_eq(a->status, nx ? DNS_NXDOMAIN : DNS_NODATA);
        ck_assert_int_eq(a->rcode, nx ? 3 : 0); /* the buffer was parsed, rcode kept */
        ck_assert_ptr_nonnull(a->error);
    }
    results_free(&r);
    dns_free(d);
}
END_TEST

START_TEST(test_servfail_refused)
{
    struct dns_ctx *d = ctx_new(2000);
    struct results r = {0};
    struct tagged t1 = {&r, "servfail"}, t2 = {&r, "refused"};
    dns_query(d, "fail.test", DNS_T_A, on_answer, &t1);
    dns_query(d, "refused.test", DNS_T_A, on_answer, &t2);
    run_until(loop, &r, 2, 3000);
    ck_assert_int_eq(r.n, 2);
    for (int i = 0; i < 2; i++) {
        bool sf = strcmp(r.order[i], "servfail") == 0;
        ck_assert_msg(r.ans[i]->status == (sf ? DNS_SERVFAIL : DNS_REFUSED), "%s: %s (%s)",
                      r.order[i], dns_status_name(r.ans[i]->status), r.ans[i]->error);
        ck_assert_ptr_nonnull(r.ans[i]->error);
        ck_assert_int_eq(r.ans[i]->rcode, sf ? 2 : 5); /* the resolver's own rcode */
    }
    results_free(&r);
    dns_free(d);
}
END_TEST

START_TEST(test_timeout)
{
    struct dns_ctx *d = ctx_new(600);
    struct results r = {0};
    struct tagged t = {&r, "silent"};
    int64_t start = loop_now_ms();
    dns_query(d, "silent.test", DNS_T_A, on_answer, &t);
    run_until(loop, &r, 1, 3000);
    ck_assert_int_eq(r.n, 1);
    ck_assert_int_eq(r.ans[0]->status, DNS_TIMEOUT);
    ck_assert_int_eq(r.ans[0]->rcode, -1);
    int64_t took = r.at_ms[0] - start;
    ck_assert_msg(took >= 550 && took <= 600 + 400, "timeout after %lld ms", (long long)took);
    ck_assert_int_ge(fake.udp_queries, 1);
    run_for(loop, 400); /* c-ares' own late ETIMEOUT must not call back again */
    ck_assert_int_eq(r.n, 1);
    results_free(&r);
    dns_free(d);
}
END_TEST

/* Several queries in flight complete independently, in the order the answers come. */
START_TEST(test_parallel)
{
    struct dns_ctx *d = ctx_new(3000);
    struct results r = {0};
    struct tagged ts = {&r, "slow"}, ta = {&r, "a"}, tn = {&r, "nx"}, tm = {&r, "mx"};
    dns_query(d, "slow.test", DNS_T_A, on_answer, &ts);
    dns_query(d, "a.test", DNS_T_A, on_answer, &ta);
    dns_query(d, "nx.test", DNS_T_A, on_answer, &tn);
    dns_query(d, "mx.test", DNS_T_MX, on_answer, &tm);
    run_until(loop, &r, 4, 4000);
    ck_assert_int_eq(r.n, 4);
    ck_assert_str_eq(r.order[3], "slow");
    ck_assert_int_eq(r.ans[3]->status, DNS_OK);
    ck_assert_str_eq(r.ans[3]->rr[0].addr, "192.0.2.9");
    ck_assert_int_ge(r.ans[3]->duration_ms, 650);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_lt(r.ans[i]->duration_ms, 600);
        ck_assert_int_eq(r.ans[i]->status, strcmp(r.order[i], "nx") ? DNS_OK : DNS_NXDOMAIN);
    }
    results_free(&r);
    dns_free(d);
}
END_TEST

/* More queries than MX_DNS_INFLIGHT_MAX at once (batch mode): the rest wait for a slot, all
 * are answered, and a waiting query can be cancelled without ever being sent. */
START_TEST(test_many_queued)
{
    struct dns_ctx *d = ctx_new(3000);
    struct results r = {0};
    struct tagged t = {&r, "many"}, tc = {&r, "cancelled"};
    int n = MX_DNS_INFLIGHT_MAX * 2 + 5;
    int sent_before = fake.udp_queries;
    for (int i = 0; i < n; i++)
        dns_query(d, "a.test", DNS_T_A, on_answer, &t);
    struct dns_query *last = dns_query(d, "mx.test", DNS_T_MX, on_answer, &tc);
    dns_query_cancel(last); /* queued: never sent, never answered */
    loop_run_once(loop, 0);
    ck_assert_int_le(fake.udp_queries - sent_before, MX_DNS_INFLIGHT_MAX);
    run_until(loop, &r, n, 5000);
    run_for(loop, 100);
    ck_assert_int_eq(r.n, n);
    for (int i = 0; i < r.n; i++) {
        ck_assert_str_eq(r.order[i], "many");
        ck_assert_int_eq(r.ans[i]->status, DNS_OK);
    }
    ck_assert_int_eq(fake.udp_queries - sent_before, n);
    results_free(&r);
    dns_free(d);
}
END_TEST

/* A TC answer over UDP makes c-ares retry over TCP on the same port. */
START_TEST(test_truncated_retry_tcp)
{
    struct dns_ctx *d = ctx_new(3000);
    struct results r = {0};
    struct tagged t = {&r, "big"};
    dns_query(d, "big.test", DNS_T_TXT, on_answer, &t);
    run_until(loop, &r, 1, 4000);
    ck_assert_int_eq(r.n, 1);
    struct dns_answer *a = r.ans[0];
    ck_assert_int_eq(a->status, DNS_OK);
    ck_assert_uint_eq(a->nrr, 3);
    ck_assert_uint_eq(a->rr[2].txt_len, 300);
    ck_assert_int_eq(a->rr[2].txt_nstrings, 2);
    ck_assert_int_eq(a->rr[2].txt[0], 'c');
    ck_assert(!a->tc);
    ck_assert_int_ge(fake.udp_queries, 1);
    ck_assert_int_ge(fake.tcp_queries, 1);
    results_free(&r);
    dns_free(d);
}
END_TEST

START_TEST(test_cancel)
{
    struct dns_ctx *d = ctx_new(2000);
    struct results r = {0};
    struct tagged t1 = {&r, "slow"}, t2 = {&r, "a"};
    struct dns_query *q = dns_query(d, "slow.test", DNS_T_A, on_answer, &t1);
    dns_query(d, "a.test", DNS_T_A, on_answer, &t2);
    dns_query_cancel(q);
    run_for(loop, 1000);
    ck_assert_int_eq(r.n, 1);
    ck_assert_str_eq(r.order[0], "a");
    /* cancelled with the question already sent: the answer that comes is dropped */
    struct dns_query *q2 = dns_query(d, "a.test", DNS_T_A, on_answer, &t2);
    dns_query_cancel(q2);
    run_for(loop, 300);
    ck_assert_int_eq(r.n, 1);
    ck_assert_int_ge(fake.udp_queries, 3);
    results_free(&r);
    dns_free(d);
}
END_TEST

/* dns_free with queries in flight: no callback, no leak (run under ASan). */
START_TEST(test_free_pending)
{
    struct dns_ctx *d = ctx_new(2000);
    struct results r = {0};
    struct tagged t = {&r, "x"};
    dns_query(d, "slow.test", DNS_T_A, on_answer, &t);
    dns_query(d, "silent.test", DNS_T_A, on_answer, &t);
    dns_query(d, "a.test", DNS_T_A, on_answer, &t);
    loop_run_once(loop, 10);
    dns_free(d);
    run_for(loop, 600);
    ck_assert_int_eq(r.n, 0);
}
END_TEST

/* A user callback may free the whole context while other queries are pending. */
START_TEST(test_free_in_callback)
{
    struct dns_ctx *d = ctx_new(2000);
    struct results r = {0};
    struct tagged t1 = {&r, "a"}, t2 = {&r, "slow"};
    dns_query(d, "a.test", DNS_T_A, on_answer, &t1);
    dns_query(d, "slow.test", DNS_T_A, on_answer, &t2);
    r.free_in_cb = d;
    run_for(loop, 1000);
    ck_assert_int_eq(r.n, 1);
    ck_assert_str_eq(r.order[0], "a");
    results_free(&r);
}
END_TEST

START_TEST(test_bad_name)
{
    struct dns_ctx *d = ctx_new(2000);
    struct results r = {0};
    struct tagged t = {&r, "bad"};
    char name[400];
    memset(name, 'x', 300);
    name[300] = '\0';
    dns_query(d, name, DNS_T_A, on_answer, &t);
    ck_assert_int_eq(r.n, 0);
    run_until(loop, &r, 1, 1000);
    ck_assert_int_eq(r.n, 1);
    ck_assert_int_eq(r.ans[0]->status, DNS_ERROR);
    ck_assert_ptr_nonnull(r.ans[0]->error);
    results_free(&r);
    dns_free(d);
}
END_TEST

START_TEST(test_servers)
{
    const char *good[] = {"[::1]:5353", "127.0.0.1", "::1", "192.0.2.7:10053"};
    struct dns_opts o = {.servers = good, .nservers = 4, .timeout_ms = 1000};
    char err[256] = "";
    struct dns_ctx *d = dns_new(loop, &o, err, sizeof err);
    ck_assert_msg(d != NULL, "%s", err);
    ck_assert_str_eq(dns_resolver_desc(d), "[::1]:5353,127.0.0.1:53,[::1]:53,192.0.2.7:10053");
    dns_free(d);

    const char *bad[][1] = {{"1.2.3.4:99999"}, {"example.com"}, {"[::1"}, {"1.2.3.4:"},
                            {"[::1]x"}, {""}, {"300.1.1.1"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct dns_opts b = {.servers = bad[i], .nservers = 1, .timeout_ms = 1000};
        err[0] = '\0';
        ck_assert_msg(dns_new(loop, &b, err, sizeof err) == NULL, "accepted %s", bad[i][0]);
        ck_assert_msg(strstr(err, "bad resolver") != NULL, "err: %s", err);
    }

    /* The system list (resolv.conf, or c-ares' default) is never empty. */
    struct dns_opts sys = {.timeout_ms = 1000};
    d = dns_new(loop, &sys, err, sizeof err);
    ck_assert_msg(d != NULL, "%s", err);
    ck_assert(strlen(dns_resolver_desc(d)) > 0);
    dns_free(d);
}
END_TEST

/* Every query carries an EDNS OPT record with the DO bit (RFC 3225 3), so a validating
 * resolver reports AD; RD is set, the question is the one asked. */
START_TEST(test_query_do_bit)
{
    unsigned char *q = NULL;
    int n = 0;
    ck_assert_int_eq(dns_build_query("_25._tcp.mx.example.com", DNS_T_TLSA, &q, &n), 0);
    ck_assert_ptr_nonnull(q);
    ck_assert_int_gt(n, 12 + 11);
    ck_assert(q[2] & 0x01);                          /* RD */
    ck_assert_int_eq(q[10] << 8 | q[11], 1);         /* ARCOUNT: the OPT record */
    const unsigned char *opt = q + n - 11;
    ck_assert_int_eq(opt[0], 0);                     /* root owner */
    ck_assert_int_eq(opt[1] << 8 | opt[2], 41);      /* OPT */
    ck_assert_int_ge(opt[3] << 8 | opt[4], 1232);    /* UDP payload size */
    ck_assert_int_eq(opt[7] & 0x80, 0x80);           /* DO */
    ck_assert_int_eq(opt[9] << 8 | opt[10], 0);      /* no options */
    ck_assert_int_eq(q[n - 11 - 4] << 8 | q[n - 11 - 3], DNS_T_TLSA); /* QTYPE */
    ares_free_string(q);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("dns");
    TCase *tc = tcase_create("dns");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, test_answer_a);
    tcase_add_test(tc, test_answer_mx_txt);
    tcase_add_test(tc, test_nxdomain_nodata);
    tcase_add_test(tc, test_servfail_refused);
    tcase_add_test(tc, test_timeout);
    tcase_add_test(tc, test_parallel);
    tcase_add_test(tc, test_truncated_retry_tcp);
    tcase_add_test(tc, test_cancel);
    tcase_add_test(tc, test_free_pending);
    tcase_add_test(tc, test_free_in_callback);
    tcase_add_test(tc, test_bad_name);
    tcase_add_test(tc, test_servers);
    tcase_add_test(tc, test_query_do_bit);
    tcase_add_test(tc, test_many_queued);
    suite_add_tcase(s, tc);
    return s;
}
