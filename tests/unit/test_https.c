/* test_https - the policy fetch through curl on the loop, against fake_https.h on 127.0.0.1
 * with certgen.h certificates. The URL host is mta-sts.example.test; CURLOPT_CONNECT_TO (or a
 * CURLOPT_RESOLVE pin) sends the traffic to the test server. */
#include "testlib.h"
#include "certgen.h"
#include "fake_https.h"
#include "https.h"
#include "loop.h"
#include "mx_limits.h"
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#define HOST "mta-sts.example.test"

/* Certificates are made once per test case (before Check forks each test). */
static struct certgen_ca *ca;
static X509 *good, *wrong, *selfsig;
static EVP_PKEY *good_key, *wrong_key, *selfsig_key;
static char *dir, *ca_file;

static void certs_setup(void)
{
    const char *good_sans[] = {HOST, "localhost"};
    const char *wrong_sans[] = {"other.example.test"};
    ca = certgen_ca_new("mxray https test CA");
    ck_assert_ptr_nonnull(ca);
    good = certgen_leaf(ca, &good_key, good_sans, 2, HOST, -3600, 30 * 86400);
    wrong = certgen_leaf(ca, &wrong_key, wrong_sans, 1, HOST, -3600, 30 * 86400);
    selfsig = certgen_leaf(NULL, &selfsig_key, good_sans, 2, HOST, -3600, 30 * 86400);
    ck_assert(good && wrong && selfsig);
    dir = certgen_tmpdir();
    ck_assert_ptr_nonnull(dir);
    ck_assert_int_eq(certgen_write_pem(dir, "ca", ca->cert, NULL, NULL, 0), 0);
    ca_file = certgen_path(dir, "ca", "crt");
}

static void certs_teardown(void)
{
    X509_free(good), X509_free(wrong), X509_free(selfsig);
    EVP_PKEY_free(good_key), EVP_PKEY_free(wrong_key), EVP_PKEY_free(selfsig_key);
    certgen_ca_free(ca);
    certgen_rmtree(dir);
    free(dir);
    free(ca_file);
}

static struct loop *loop;
static struct https_ctx *hc;
static struct fake_https srv;

static void start_server(X509 *cert, EVP_PKEY *key)
{
    SSL_CTX *ctx = certgen_server_ctx(cert, key, NULL, 0);
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(fake_https_start(&srv, ctx), 0);
    SSL_CTX_free(ctx); /* the child has its copy */
}

static void setup(void)
{
    loop = loop_new();
    hc = https_new(loop);
    ck_assert_ptr_nonnull(hc);
    srv.pid = 0;
}

static void teardown(void)
{
    fake_https_stop(&srv);
    https_free(hc);
    loop_free(loop);
}

struct got {
    struct https_result *res[4];
    int n;
    int64_t at_ms;
};

static void on_result(void *arg, struct https_result *r)
{
    struct got *g = arg;
    ck_assert_int_lt(g->n, 4);
    g->res[g->n++] = r;
    g->at_ms = loop_now_ms();
}

static void got_free(struct got *g)
{
    for (int i = 0; i < g->n; i++)
        https_result_free(g->res[i]);
}

static void run_until(struct got *g, int want, int max_ms)
{
    int64_t end = loop_now_ms() + max_ms;
    while (g->n < want && loop_now_ms() < end)
        loop_run_once(loop, 50);
}

/* request - a GET of path on HOST, sent to the test server. Strings live in statics. */
static struct https_request request(const char *path, int timeout_ms, size_t max_body)
{
    static char url[256], map[128];
    static const char *connect_to[1];
    snprintf(url, sizeof url, "https://" HOST "%s", path);
    snprintf(map, sizeof map, HOST ":443:127.0.0.1:%d", srv.port);
    connect_to[0] = map;
    return (struct https_request){
        .url = url, .host = HOST, .ca_file = ca_file, .connect_to = connect_to,
        .nconnect_to = 1, .timeout_ms = timeout_ms, .max_body = max_body,
    };
}

static struct https_result *fetch(const char *path, int timeout_ms, size_t max_body,
                                  struct got *g)
{
    struct https_request req = request(path, timeout_ms, max_body);
    ck_assert_ptr_nonnull(https_get(hc, &req, on_result, g));
    ck_assert_int_eq(g->n, 0); /* never synchronously */
    run_until(g, 1, timeout_ms + 5000);
    ck_assert_int_eq(g->n, 1);
    return g->res[0];
}

START_TEST(test_policy_200)
{
    start_server(good, good_key);
    struct got g = {0};
    struct https_result *r = fetch("/.well-known/mta-sts.txt", 5000, 0, &g);
    ck_assert_msg(r->ok, "error: %s", r->error ? r->error : "");
    ck_assert_int_eq(r->curl_code, CURLE_OK);
    ck_assert_ptr_null(r->error);
    ck_assert_int_eq(r->status, 200);
    ck_assert_str_eq(r->status_line, "HTTP/1.1 200 OK");
    ck_assert_str_eq(r->content_type, "text/plain");
    ck_assert_ptr_null(r->location);
    ck_assert_uint_eq(r->body_len, strlen(FAKE_HTTPS_POLICY));
    ck_assert_str_eq((char *)r->body, FAKE_HTTPS_POLICY);
    ck_assert(!r->body_too_large && !r->timed_out);
    ck_assert_uint_eq(r->nheaders, 3);
    ck_assert_str_eq(r->headers[0], "Content-Type: text/plain");
    ck_assert_str_eq(r->primary_ip, "127.0.0.1");
    ck_assert_int_eq(r->primary_port, srv.port);
    ck_assert(r->connect_ms >= 0 && r->total_ms >= 0 && r->tls_ms >= r->connect_ms);
    ck_assert(r->first_byte_ms >= r->tls_ms && r->total_ms >= r->first_byte_ms);
    /* TLS evidence */
    ck_assert(r->tls.present && r->tls.handshake_ok && r->tls.verified);
    ck_assert(r->tls.hostname_match);
    ck_assert(!r->tls.untrusted && !r->tls.expired);
    ck_assert_uint_eq(r->tls.nerrors, 0);
    ck_assert_uint_eq(r->tls.nchain, 1);
    ck_assert_str_eq(r->tls.chain[0].san_dns[0], HOST);
    ck_assert_ptr_nonnull(r->tls.version);
    ck_assert_ptr_nonnull(r->tls.cipher);
    ck_assert_str_eq(r->tls.sni, HOST);
    got_free(&g);
}
END_TEST

START_TEST(test_request_head)
{
    start_server(good, good_key);
    struct got g = {0};
    struct https_result *r = fetch("/echo", 5000, 0, &g);
    ck_assert(r->ok);
    const char *b = (const char *)r->body;
    ck_assert_msg(strstr(b, "User-Agent: mxray") != NULL, "%s", b);
    ck_assert_ptr_null(strstr(b, "Cookie"));
    ck_assert_ptr_null(strcasestr(b, "Accept-Encoding"));
    got_free(&g);
}
END_TEST

/* RFC 8461 3.3: a redirect is reported, never followed. */
START_TEST(test_redirect_not_followed)
{
    start_server(good, good_key);
    struct got g = {0};
    struct https_result *r = fetch("/redirect", 5000, 0, &g);
    ck_assert(r->ok);
    ck_assert_int_eq(r->status, 301);
    ck_assert_str_eq(r->location, "https://elsewhere.example.test/policy");
    ck_assert_str_eq((char *)r->body, "moved");
    got_free(&g);
}
END_TEST

START_TEST(test_404_and_html)
{
    start_server(good, good_key);
    struct got g = {0};
    struct https_result *r = fetch("/missing", 5000, 0, &g);
    ck_assert(r->ok);
    ck_assert_int_eq(r->status, 404);
    ck_assert_str_eq(r->status_line, "HTTP/1.1 404 Not Found");
    got_free(&g);
    struct got g2 = {0};
    r = fetch("/html", 5000, 0, &g2);
    ck_assert_int_eq(r->status, 200);
    ck_assert_str_eq(r->content_type, "text/html; charset=utf-8");
    got_free(&g2);
}
END_TEST

START_TEST(test_body_too_large)
{
    start_server(good, good_key);
    struct got g = {0};
    int64_t t0 = loop_now_ms();
    struct https_result *r = fetch("/big", 5000, 1000, &g);
    ck_assert(!r->ok);
    ck_assert(r->body_too_large);
    ck_assert_uint_eq(r->body_len, 1000);
    ck_assert_int_eq(r->status, 200);
    ck_assert_str_eq(r->content_type, "text/plain");
    ck_assert_int_eq(r->curl_code, CURLE_WRITE_ERROR);
    ck_assert_ptr_nonnull(strstr(r->error, "1000"));
    ck_assert(!r->timed_out);
    ck_assert_int_lt(g.at_ms - t0, 3000);
    got_free(&g);
}
END_TEST

START_TEST(test_stall_times_out)
{
    start_server(good, good_key);
    struct got g = {0};
    int64_t t0 = loop_now_ms();
    struct https_result *r = fetch("/stall", 800, 0, &g);
    int64_t took = g.at_ms - t0;
    ck_assert(!r->ok);
    ck_assert(r->timed_out);
    ck_assert_int_eq(r->curl_code, CURLE_OPERATION_TIMEDOUT);
    ck_assert_int_eq(r->status, 200); /* the headers that came are still reported */
    ck_assert_ptr_nonnull(r->error);
    ck_assert_msg(took >= 700 && took <= 800 + 1000, "took %lld ms", (long long)took);
    got_free(&g);
}
END_TEST

START_TEST(test_wrong_name)
{
    start_server(wrong, wrong_key);
    struct got g = {0};
    struct https_result *r = fetch("/ok", 5000, 0, &g);
    ck_assert(!r->ok);
    ck_assert_int_eq(r->status, 0);
    ck_assert_int_eq(r->curl_code, CURLE_PEER_FAILED_VERIFICATION);
    ck_assert_msg(strstr(r->error, HOST) != NULL, "error: %s", r->error);
    ck_assert(r->tls.present);
    ck_assert(!r->tls.hostname_match);
    ck_assert_ptr_nonnull(r->tls.hostname_note);
    ck_assert_msg(strstr(r->tls.hostname_note, "other.example.test") != NULL, "%s",
                  r->tls.hostname_note);
    ck_assert_uint_eq(r->tls.nchain, 1);
    ck_assert_str_eq(r->tls.chain[0].san_dns[0], "other.example.test");
    ck_assert(!r->tls.untrusted);
    got_free(&g);
}
END_TEST

START_TEST(test_self_signed)
{
    start_server(selfsig, selfsig_key);
    struct got g = {0};
    struct https_result *r = fetch("/ok", 5000, 0, &g);
    ck_assert(!r->ok);
    ck_assert_int_eq(r->status, 0);
    ck_assert(r->tls.present);
    ck_assert(!r->tls.handshake_ok && !r->tls.verified);
    ck_assert(r->tls.untrusted);
    ck_assert_uint_ge(r->tls.nerrors, 1);
    ck_assert_int_eq(r->tls.verify_code, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
    ck_assert_uint_eq(r->tls.nchain, 1);
    ck_assert(r->tls.chain[0].self_signed);
    ck_assert(r->tls.hostname_match); /* the name is right; the trust is not */
    ck_assert_ptr_nonnull(r->tls.handshake_error);
    ck_assert_ptr_nonnull(r->error);
    got_free(&g);
}
END_TEST

/* A CURLOPT_RESOLVE pin instead of connect-to; and curl's own resolver for "localhost". */
START_TEST(test_resolve_pin_and_system_resolver)
{
    start_server(good, good_key);
    char url[128], pin[128];
    const char *pins[1] = {pin};
    snprintf(url, sizeof url, "https://" HOST ":%d/ok", srv.port);
    snprintf(pin, sizeof pin, HOST ":%d:127.0.0.1", srv.port);
    struct https_request req = {.url = url, .ca_file = ca_file, .resolve = pins, .nresolve = 1,
                                .timeout_ms = 5000, .ip_family = 4};
    struct got g = {0};
    https_get(hc, &req, on_result, &g);
    run_until(&g, 1, 6000);
    ck_assert_int_eq(g.n, 1);
    ck_assert_msg(g.res[0]->ok, "%s", g.res[0]->error ? g.res[0]->error : "");
    ck_assert_int_eq(g.res[0]->status, 200);
    ck_assert(g.res[0]->tls.hostname_match); /* host taken from the URL */

    snprintf(url, sizeof url, "https://localhost:%d/ok", srv.port);
    struct https_request req2 = {.url = url, .ca_file = ca_file, .timeout_ms = 5000,
                                 .ip_family = 4};
    https_get(hc, &req2, on_result, &g);
    run_until(&g, 2, 6000);
    ck_assert_int_eq(g.n, 2);
    ck_assert_msg(g.res[1]->ok, "%s", g.res[1]->error ? g.res[1]->error : "");
    ck_assert_int_eq(g.res[1]->status, 200);
    got_free(&g);
}
END_TEST

START_TEST(test_many_headers_escaped)
{
    start_server(good, good_key);
    struct got g = {0};
    struct https_result *r = fetch("/many", 5000, 0, &g);
    ck_assert(r->ok);
    ck_assert_uint_eq(r->nheaders, MX_HTTP_HEADERS_MAX);
    ck_assert(r->headers_truncated);
    ck_assert_str_eq(r->headers[0], "X-Evil: a\\x1b[31mb");
    ck_assert_str_eq(r->content_type, "text/plain"); /* found past the kept headers */
    got_free(&g);
}
END_TEST

START_TEST(test_parallel)
{
    start_server(good, good_key);
    struct got g = {0};
    const char *paths[] = {"/ok", "/missing", "/html"};
    for (int i = 0; i < 3; i++) {
        struct https_request req = request(paths[i], 5000, 0);
        https_get(hc, &req, on_result, &g);
    }
    run_until(&g, 3, 8000);
    ck_assert_int_eq(g.n, 3);
    int seen200 = 0, seen404 = 0;
    for (int i = 0; i < 3; i++) {
        ck_assert(g.res[i]->ok);
        seen200 += g.res[i]->status == 200;
        seen404 += g.res[i]->status == 404;
    }
    ck_assert_int_eq(seen200, 2);
    ck_assert_int_eq(seen404, 1);
    got_free(&g);
}
END_TEST

START_TEST(test_cancel_and_free)
{
    start_server(good, good_key);
    struct got g = {0};
    struct https_request req = request("/stall", 5000, 0);
    struct https_fetch *f = https_get(hc, &req, on_result, &g);
    for (int i = 0; i < 5; i++)
        loop_run_once(loop, 20);
    https_cancel(f);
    req = request("/ok", 5000, 0);
    https_get(hc, &req, on_result, &g);
    run_until(&g, 1, 6000);
    ck_assert_int_eq(g.n, 1);
    ck_assert_int_eq(g.res[0]->status, 200);
    /* Freed with a transfer in flight: no callback. */
    req = request("/stall", 5000, 0);
    https_get(hc, &req, on_result, &g);
    for (int i = 0; i < 5; i++)
        loop_run_once(loop, 20);
    https_free(hc);
    hc = NULL;
    for (int i = 0; i < 10; i++)
        loop_run_once(loop, 20);
    ck_assert_int_eq(g.n, 1);
    got_free(&g);
}
END_TEST

START_TEST(test_connect_refused)
{
    /* A port nobody listens on: bind, note, close. */
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
    socklen_t al = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert(bind(fd, (struct sockaddr *)&a, sizeof a) == 0);
    getsockname(fd, (struct sockaddr *)&a, &al);
    close(fd);
    srv.port = ntohs(a.sin_port);
    struct got g = {0};
    struct https_result *r = fetch("/ok", 3000, 0, &g);
    ck_assert(!r->ok);
    ck_assert_int_eq(r->curl_code, CURLE_COULDNT_CONNECT);
    ck_assert(!r->tls.present);
    ck_assert_int_eq(r->status, 0);
    ck_assert_ptr_nonnull(r->error);
    got_free(&g);
}
END_TEST

/* The peer hangs up after the ClientHello: no alert, no certificate, still a TLS record. */
START_TEST(test_hangup_in_handshake)
{
    ck_assert_int_eq(fake_https_start(&srv, NULL), 0);
    struct got g = {0};
    struct https_result *r = fetch("/ok", 3000, 0, &g);
    ck_assert(!r->ok);
    ck_assert_int_eq(r->curl_code, CURLE_SSL_CONNECT_ERROR);
    ck_assert(r->tls.present);
    ck_assert(!r->tls.handshake_ok);
    ck_assert_uint_eq(r->tls.nchain, 0);
    ck_assert_ptr_nonnull(r->tls.handshake_error);
    got_free(&g);
}
END_TEST

START_TEST(test_not_https)
{
    struct got g = {0};
    struct https_request req = {.url = "http://" HOST "/x", .timeout_ms = 1000};
    https_get(hc, &req, on_result, &g);
    ck_assert_int_eq(g.n, 0);
    run_until(&g, 1, 2000);
    ck_assert_int_eq(g.n, 1);
    ck_assert(!g.res[0]->ok);
    ck_assert_int_eq(g.res[0]->curl_code, CURLE_UNSUPPORTED_PROTOCOL);
    got_free(&g);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("https");
    TCase *tc = tcase_create("https");
    tcase_add_unchecked_fixture(tc, certs_setup, certs_teardown);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_policy_200);
    tcase_add_test(tc, test_request_head);
    tcase_add_test(tc, test_redirect_not_followed);
    tcase_add_test(tc, test_404_and_html);
    tcase_add_test(tc, test_body_too_large);
    tcase_add_test(tc, test_stall_times_out);
    tcase_add_test(tc, test_wrong_name);
    tcase_add_test(tc, test_self_signed);
    tcase_add_test(tc, test_resolve_pin_and_system_resolver);
    tcase_add_test(tc, test_many_headers_escaped);
    tcase_add_test(tc, test_parallel);
    tcase_add_test(tc, test_cancel_and_free);
    tcase_add_test(tc, test_connect_refused);
    tcase_add_test(tc, test_hangup_in_handshake);
    tcase_add_test(tc, test_not_https);
    suite_add_tcase(s, tc);
    return s;
}
