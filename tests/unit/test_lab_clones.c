/* test_lab_clones - `mxray lab --clones N`: N copies of a scenario under distinct names, each
 * clone MX host on its own loopback address (its A record says which) with one shared SMTP
 * port, reached through the two wildcard connect-to mappings. Real sockets on loopback, the
 * lab on this process's loop. */
#include "testlib.h"
#include "lab/lab.h"
#include "loop.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static struct lab *start(struct loop *l, const char *const *names, size_t n, size_t clones)
{
    char err[512] = "";
    const char *dir = lab_asset_dir();
    ck_assert_ptr_nonnull(dir);
    struct lab *lab = lab_start_clones(l, dir, names, n, clones, err, sizeof err);
    ck_assert_msg(lab != NULL, "lab: %s", err);
    return lab;
}

/* serve_until - run the lab's loop until fd is readable (bounded: 5 s). */
static void serve_until(struct loop *l, int fd)
{
    int64_t end = loop_now_ms() + 5000;
    while (loop_now_ms() < end) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 0) == 1)
            return;
        loop_run_once(l, 20);
    }
    ck_abort_msg("no answer within 5 s");
}

/* query_a - the first A record of name from the lab's DNS over UDP, as dotted text. */
static void query_a(struct loop *l, struct lab *lab, const char *name, char *out, size_t len)
{
    unsigned char q[300] = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
    size_t n = 12;
    for (const char *p = name; *p;) {
        size_t ll = strcspn(p, ".");
        q[n++] = (unsigned char)ll;
        memcpy(q + n, p, ll);
        n += ll;
        p += ll + (p[ll] == '.');
    }
    memcpy(q + n, "\0\0\1\0\1", 5);
    n += 5;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)lab_dns_port(lab))};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(sendto(fd, q, n, 0, (struct sockaddr *)&sa, sizeof sa), (ssize_t)n);
    serve_until(l, fd);
    unsigned char a[512];
    ssize_t got = recv(fd, a, sizeof a, 0);
    close(fd);
    ck_assert_int_gt(got, (ssize_t)n + 4);
    ck_assert_int_eq(a[7], 1); /* one answer */
    inet_ntop(AF_INET, a + got - 4, out, (socklen_t)len);
}

/* banner - the first line an SMTP server at addr:port sends. */
static void banner(struct loop *l, const char *addr, int port, char *out, size_t len)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    ck_assert_int_eq(inet_pton(AF_INET, addr, &sa.sin_addr), 1);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    serve_until(l, fd);
    ssize_t got = recv(fd, out, len - 1, 0);
    close(fd);
    ck_assert_int_gt(got, 0);
    out[got] = '\0';
    out[strcspn(out, "\r\n")] = '\0';
}

START_TEST(clones_have_distinct_names_and_addresses)
{
    struct loop *l = loop_new();
    const char *names[] = {"all-good", "exchange-online"};
    struct lab *lab = start(l, names, 2, 3);
    ck_assert_uint_eq(lab_nscenarios(lab), 6);
    ck_assert_str_eq(lab_scenario_name(lab, 0), "all-good");
    ck_assert_str_eq(lab_scenario_domain(lab, 0), "all-good.c1.mxray.test");
    ck_assert_str_eq(lab_scenario_domain(lab, 2), "all-good.c3.mxray.test");
    ck_assert_str_eq(lab_scenario_name(lab, 4), "exchange-online");
    ck_assert_str_eq(lab_scenario_domain(lab, 4), "exchange-online.c2.mxray.test");
    /* names outside the domain are rewritten too, so clones never share an MX host */
    ck_assert_int_gt(
        lab_smtp_port(lab, "exchange-online-mxray-test.mail.protection.c2.mxray.test"), 0);
    int port = lab_clone_smtp_port(lab);
    ck_assert_int_gt(port, 0);
    const char *const *m;
    ck_assert_uint_eq(lab_connect_to(lab, &m), 2);
    char want[64];
    snprintf(want, sizeof want, ":443:127.0.0.1:%d", lab_https_port(lab));
    ck_assert_str_eq(m[0], want);
    snprintf(want, sizeof want, ":25::%d", port);
    ck_assert_str_eq(m[1], want);
    ck_assert_uint_eq(lab_scenario_connect_to(lab, 5, &m), 2);

    char a1[64], a2[64], b[256];
    query_a(l, lab, "mx1.all-good.c1.mxray.test", a1, sizeof a1);
    query_a(l, lab, "mx1.all-good.c2.mxray.test", a2, sizeof a2);
    ck_assert_str_eq(a1, "127.1.0.1");
    ck_assert_str_ne(a1, a2);
    ck_assert(strncmp(a2, "127.1.", 6) == 0);
    banner(l, a2, port, b, sizeof b);
    ck_assert_str_eq(b, "220 mx1.all-good.c2.mxray.test ESMTP mxray-lab");
    banner(l, a1, port, b, sizeof b);
    ck_assert_str_eq(b, "220 mx1.all-good.c1.mxray.test ESMTP mxray-lab");
    lab_stop(lab);
    loop_free(l);
}
END_TEST

START_TEST(no_clones_is_the_plain_lab)
{
    struct loop *l = loop_new();
    const char *names[] = {"all-good"};
    struct lab *lab = start(l, names, 1, 0);
    ck_assert_uint_eq(lab_nscenarios(lab), 1);
    ck_assert_str_eq(lab_scenario_domain(lab, 0), "all-good.mxray.test");
    ck_assert_int_eq(lab_clone_smtp_port(lab), -1);
    const char *const *m;
    ck_assert_uint_eq(lab_connect_to(lab, &m), 3); /* policy host, mx1, mx2 */
    lab_stop(lab);
    loop_free(l);
}
END_TEST

START_TEST(too_many_clones_refused)
{
    struct loop *l = loop_new();
    char err[256] = "";
    const char *names[] = {"all-good"};
    ck_assert_ptr_null(lab_start_clones(l, lab_asset_dir(), names, 1, LAB_CLONES_MAX + 1, err,
                                        sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "clones"));
    loop_free(l);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("lab_clones");
    TCase *tc = tcase_create("clones");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, clones_have_distinct_names_and_addresses);
    tcase_add_test(tc, no_clones_is_the_plain_lab);
    tcase_add_test(tc, too_many_clones_refused);
    suite_add_tcase(s, tc);
    return s;
}
