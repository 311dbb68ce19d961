/* test_smtp - the STARTTLS probe against scripted servers on loopback (fake_smtp.h), with
 * certificates from certgen.h. Each script is the server half of one dialogue; its exit
 * status says whether our client sent exactly what it should (EHLO, STARTTLS, QUIT, never
 * MAIL FROM). */
#include "testlib.h"
#include "certgen.h"
#include "fake_smtp.h"
#include "mx_limits.h"
#include "loop.h"
#include "smtp.h"
#include <openssl/err.h>
#include <poll.h>
#include <stdint.h>

#define EHLO_NAME "tester.example"
#define SLACK_MS 1500 /* scheduling slack on a busy 2-core CI machine */

/* ---- shared certificate material (made in the test process, inherited by the child) ---- */

static struct certgen_ca *ca;
static X509 *leaf;
static EVP_PKEY *leaf_key;
static char *tmpdir;
static char *ca_file;

static void certs_setup(void)
{
    const char *sans[] = {"mx1.example.com", "IP:127.0.0.1"};
    ca = certgen_ca_new("mxray smtp test CA");
    ck_assert_ptr_nonnull(ca);
    leaf = certgen_leaf(ca, &leaf_key, sans, 2, "mx1.example.com", -3600, 30 * 86400);
    ck_assert_ptr_nonnull(leaf);
    tmpdir = certgen_tmpdir();
    ck_assert_ptr_nonnull(tmpdir);
    ck_assert_int_eq(certgen_write_pem(tmpdir, "ca", ca->cert, NULL, NULL, 0), 0);
    ca_file = certgen_path(tmpdir, "ca", "crt");
}

static void certs_teardown(void)
{
    certgen_rmtree(tmpdir);
    free(tmpdir);
    free(ca_file);
    X509_free(leaf);
    EVP_PKEY_free(leaf_key);
    certgen_ca_free(ca);
}

/* ---- running one probe ---- */

struct run {
    struct smtp_result *res;
    int done_calls;
    int progress_calls;
    int64_t start_ms;
    int64_t done_at_ms;
};

static void on_progress(void *arg, const struct smtp_result *partial)
{
    struct run *r = arg;
    ck_assert_ptr_nonnull(partial);
    r->progress_calls++;
}

static void on_done(void *arg, struct smtp_result *res)
{
    struct run *r = arg;
    r->done_calls++;
    r->res = res;
    r->done_at_ms = loop_now_ms() - r->start_ms;
}

static struct smtp_opts opts_for(const char *addr, int port, int timeout_ms)
{
    return (struct smtp_opts){.host = "mx1.example.com", .addr = addr, .port = port,
                              .ehlo_name = EHLO_NAME, .ca_file = ca_file,
                              .timeout_ms = timeout_ms};
}

/* dump - MXRAY_TEST_DUMP=1 prints each result, to see what a scenario really did. */
static void dump(const struct smtp_result *res)
{
    if (!getenv("MXRAY_TEST_DUMP"))
        return;
    fprintf(stderr, "--- reached=%s fail=%d timed_out=%d total=%lldms error=%s\n",
            smtp_stage_name(res->reached), (int)res->fail, res->timed_out,
            (long long)res->total_ms, res->error ? res->error : "-");
    for (size_t i = 0; i < res->ntranscript; i++)
        fprintf(stderr, "%6lld %c %s\n", (long long)res->transcript[i].ms,
                res->transcript[i].dir, res->transcript[i].text);
    if (res->tls.present)
        fprintf(stderr, "tls: %s %s verified=%d name=%d hs_error=%s\n",
                res->tls.version ? res->tls.version : "-", res->tls.cipher ? res->tls.cipher : "-",
                res->tls.verified, res->tls.hostname_match,
                res->tls.handshake_error ? res->tls.handshake_error : "-");
}

/* run_probe - start the probe, run the loop until done, check the callback contract. */
static struct smtp_result *run_probe(const struct smtp_opts *o, struct run *r)
{
    memset(r, 0, sizeof *r);
    struct loop *l = loop_new();
    r->start_ms = loop_now_ms();
    struct smtp_probe *p = smtp_probe_start(l, o, on_progress, on_done, r);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(r->done_calls, 0); /* never synchronously */
    int64_t deadline = loop_now_ms() + 8 * (int64_t)o->timeout_ms + 5000;
    while (r->done_calls == 0 && loop_now_ms() < deadline)
        ck_assert_int_ge(loop_run_once(l, 100), 0);
    ck_assert_int_eq(r->done_calls, 1);
    /* The probe left nothing behind on the loop, and calls nothing more. */
    ck_assert(!loop_has_work(l));
    loop_run_once(l, 0);
    ck_assert_int_eq(r->done_calls, 1);
    loop_free(l);
    dump(r->res);
    return r->res;
}

/* transcript_has - a line of direction dir whose text contains needle. */
static bool transcript_has(const struct smtp_result *res, char dir, const char *needle)
{
    for (size_t i = 0; i < res->ntranscript; i++)
        if (res->transcript[i].dir == dir && strstr(res->transcript[i].text, needle))
            return true;
    return false;
}

/* transcript_clean - no raw control byte anywhere the faces will print. */
static void assert_clean(const struct smtp_result *res)
{
    for (size_t i = 0; i < res->ntranscript; i++) {
        for (const unsigned char *c = (const unsigned char *)res->transcript[i].text; *c; c++)
            ck_assert_msg(*c >= 0x20 && *c != 0x7f, "raw byte 0x%02x in transcript", *c);
        ck_assert(i == 0 || res->transcript[i].ms >= res->transcript[i - 1].ms);
    }
    if (res->error)
        for (const unsigned char *c = (const unsigned char *)res->error; *c; c++)
            ck_assert(*c >= 0x20 && *c != 0x7f);
}

/* ---- server scripts ---- */

struct script {
    const char *banner;       /* sent first (raw bytes, NUL allowed via banner_len) */
    size_t banner_len;
    const char *ehlo_reply;
    const char *starttls_reply;
    const char *after_starttls; /* extra plaintext sent in the same write as the 220 */
    SSL_CTX *tls;              /* server context for the handshake, or NULL */
    bool reset_in_handshake;   /* read the ClientHello, then RST */
    bool close_in_handshake;   /* read the ClientHello, then FIN */
    bool silent_in_handshake;  /* read the ClientHello, then say nothing */
    int drip_ms;               /* send the banner one byte at a time with this pause */
    size_t big_ehlo_lines;     /* send this many "250-" lines before ehlo_reply */
    bool big_lines_long;      /* "250-KEYWORD-00001\r\n" instead of "250-X\n" */
};

/* script_quit - the client must end with QUIT, never MAIL FROM (RFC 5321 4.1.1.10). */
static int script_quit(int fd)
{
    char line[512];
    if (fake_read_line(fd, line, sizeof line) < 0)
        return 20;
    if (strcmp(line, "QUIT") != 0)
        return 21;
    fake_send(fd, "221 2.0.0 bye\r\n");
    return 0;
}

static int script_tls(int fd, const struct script *s)
{
    SSL *ssl = SSL_new(s->tls);
    if (!ssl)
        return 30;
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) != 1)
        return 31;
    char line[512];
    int n = SSL_read(ssl, line, sizeof line - 1);
    if (n <= 0)
        return 32;
    line[n] = '\0';
    if (strcmp(line, "QUIT\r\n") != 0)
        return 33;
    SSL_write(ssl, "221 2.0.0 bye\r\n", 15);
    SSL_shutdown(ssl);
    SSL_free(ssl);
    return 0;
}

static int send_banner(int fd, const struct script *s)
{
    size_t len = s->banner_len ? s->banner_len : strlen(s->banner);
    if (!s->drip_ms)
        return fake_sendn(fd, s->banner, len);
    for (size_t i = 0; i < len; i++) {
        if (fake_sendn(fd, s->banner + i, 1) < 0)
            return -1;
        usleep((useconds_t)s->drip_ms * 1000);
    }
    return 0;
}

static int send_big_ehlo(int fd, const struct script *s)
{
    size_t cap = s->big_ehlo_lines * 32 + 64;
    char *buf = malloc(cap);
    size_t len = (size_t)snprintf(buf, cap, "250-mx1.example.com\r\n");
    for (size_t i = 0; i < s->big_ehlo_lines; i++)
        len += s->big_lines_long
                   ? (size_t)snprintf(buf + len, cap - len, "250-KEYWORD-%05zu\r\n", i)
                   : (size_t)snprintf(buf + len, cap - len, "250-X\n");
    int rc = fake_sendn(fd, buf, len);
    free(buf);
    return rc;
}

static int script_run(int fd, void *arg)
{
    const struct script *s = arg;
    if (!s->banner) { /* silent: accept and say nothing */
        fake_wait_close(fd);
        return 0;
    }
    if (send_banner(fd, s) < 0)
        return 10;
    if (!s->ehlo_reply) { /* read EHLO, then close (FIN: nothing left unread) */
        char line[512];
        fake_read_line(fd, line, sizeof line);
        return 0;
    }
    if (fake_expect(fd, "EHLO " EHLO_NAME) < 0)
        return 11;
    if (s->big_ehlo_lines && send_big_ehlo(fd, s) < 0)
        return 12;
    fake_send(fd, s->ehlo_reply);
    if (!s->starttls_reply)
        return script_quit(fd);
    char line[512];
    if (fake_read_line(fd, line, sizeof line) < 0 || strcmp(line, "STARTTLS") != 0)
        return 13;
    char both[1024];
    snprintf(both, sizeof both, "%s%s", s->starttls_reply,
             s->after_starttls ? s->after_starttls : "");
    fake_send(fd, both); /* one write: the injected text arrives with the 220 */
    if (strncmp(s->starttls_reply, "220", 3) != 0)
        return script_quit(fd);
    if (s->reset_in_handshake) {
        char hello[64];
        if (recv(fd, hello, sizeof hello, 0) <= 0)
            return 14;
        fake_reset(fd);
        return 0;
    }
    if (s->close_in_handshake || s->silent_in_handshake) {
        char hello[64];
        if (recv(fd, hello, sizeof hello, 0) <= 0)
            return 14;
        if (s->silent_in_handshake) {
            fake_wait_close(fd);
            return 0;
        }
        /* Read all of the ClientHello: closing with unread data would send RST, not FIN. */
        usleep(100000);
        while (recv(fd, hello, sizeof hello, MSG_DONTWAIT) > 0)
            ;
        return 0; /* the caller closes: FIN */
    }
    return script_tls(fd, s);
}

/* serve - start the script on a fresh loopback port. */
static void serve(struct fake_smtp *f, int family, struct script *s)
{
    ck_assert_int_eq(fake_smtp_start(f, family, script_run, s), 0);
}

static const char *const EHLO_TLS = "250-mx1.example.com hello\r\n250-PIPELINING\r\n"
                                    "250-SIZE 10240000\r\n250-starttls\r\n250 8BITMIME\r\n";

static SSL_CTX *server_ctx(void)
{
    SSL_CTX *c = certgen_server_ctx(leaf, leaf_key, NULL, 0);
    ck_assert_ptr_nonnull(c);
    return c;
}

/* ---- tests ---- */

START_TEST(starttls_ok_verified)
{
    struct script s = {.banner = "220 mx1.example.com ESMTP test\r\n", .ehlo_reply = EHLO_TLS,
                       .starttls_reply = "220 2.0.0 ready\r\n", .tls = server_ctx()};
    struct fake_smtp f;
    serve(&f, AF_INET, &s);
    struct smtp_opts o = opts_for(f.addr, f.port, 5000);
    struct run r;
    struct smtp_result *res = run_probe(&o, &r);
    ck_assert_msg(res->fail == SMTP_FAIL_NONE, "error: %s", res->error ? res->error : "-");
    ck_assert_int_eq(res->reached, SMTP_ST_DONE);
    ck_assert_ptr_null(res->error);
    ck_assert_str_eq(res->banner, "mx1.example.com ESMTP test");
    ck_assert(res->starttls_offered);
    ck_assert_uint_eq(res->nehlo, 4);
    ck_assert_str_eq(res->ehlo[2], "starttls");
    ck_assert(res->tls.present);
    ck_assert(res->tls.handshake_ok);
    ck_assert(res->tls.verified);
    ck_assert(res->tls.hostname_match);
    ck_assert_str_eq(res->tls.sni, "mx1.example.com");
    ck_assert_uint_ge(res->tls.nchain, 1);
    ck_assert_str_eq(res->tls.version, "TLSv1.3");
    ck_assert(transcript_has(res, 'C', "EHLO " EHLO_NAME));
    ck_assert(transcript_has(res, 'C', "STARTTLS"));
    ck_assert(transcript_has(res, 'C', "QUIT"));
    /* QUIT ends the probe: no round trip is spent waiting for the 221. */
    ck_assert(!transcript_has(res, 'S', "221 2.0.0 bye"));
    ck_assert(transcript_has(res, '*', "closing without waiting for the 221"));
    ck_assert(transcript_has(res, '*', "connected to 127.0.0.1 port"));
    ck_assert(transcript_has(res, '*', "TLS handshake: TLSv1.3 TLS_"));
    ck_assert(!transcript_has(res, 'C', "MAIL"));
    for (int i = 0; i < SMTP_ST_COUNT; i++)
        ck_assert_int_ge(res->stage_ms[i], 0);
    ck_assert_int_ge(res->total_ms, res->stage_ms[SMTP_ST_HANDSHAKE]);
    ck_assert_int_gt(r.progress_calls, 8);
    assert_clean(res);
    smtp_result_free(res);
    ck_assert_int_eq(fake_smtp_stop(&f), 0); /* the server got QUIT over TLS */
    SSL_CTX_free(s.tls);
}
END_TEST

START_TEST(starttls_name_mismatch)
{
    struct script s = {.banner = "220 mx1.example.com ESMTP\r\n", .ehlo_reply = EHLO_TLS,
                       .starttls_reply = "220 go ahead\r\n", .tls = server_ctx()};
    struct fake_smtp f;
    serve(&f, AF_INET, &s);
    struct smtp_opts o = opts_for(f.addr, f.port, 5000);
    o.host = "mx2.example.org";
    struct run r;
    struct smtp_result *res = run_probe(&o, &r);
    /* The probe reports; judging is the policy's job (RFC 8461 4.2). */
    ck_assert_int_eq(res->fail, SMTP_FAIL_NONE);
    ck_assert(res->tls.handshake_ok);
    ck_assert(res->tls.verified);
    ck_assert(!res->tls.hostname_match);
    ck_assert_str_eq(res->tls.sni, "mx2.example.org");
    smtp_result_free(res);
    ck_assert_int_eq(fake_smtp_stop(&f), 0);
    SSL_CTX_free(s.tls);
}
END_TEST

START_TEST(starttls_untrusted_without_ca)
{
    /* The system store does not know the throwaway CA: the handshake still completes and the
     * chain is reported untrusted (the recorder never aborts it). */
    struct script s = {.banner = "220 mx1.example.com ESMTP\r\n", .ehlo_reply = EHLO_TLS,
                       .starttls_reply = "220 go ahead\r\n", .tls = server_ctx()};
    struct fake_smtp f;
    serve(&f, AF_INET, &s);
    struct smtp_opts o = opts_for(f.addr, f.port, 5000);
    o.ca_file = NULL;
    struct run r;
    struct smtp_result *res = run_probe(&o, &r);
    ck_assert_int_eq(res->fail, SMTP_FAIL_NONE);
    ck_assert(res->tls.handshake_ok);
    ck_assert(!res->tls.verified);
    ck_assert(res->tls.hostname_match);
    ck_assert(transcript_has(res, '*', "not verified"));
    smtp_result_free(res);
    ck_assert_int_eq(fake_smtp_stop(&f), 0);
    SSL_CTX_free(s.tls);
}
END_TEST

START_TEST(no_starttls)
{
    struct script s = {.banner = "220 mx1.example.com ESMTP\r\n",
                       .ehlo_reply = "250-mx1.example.com\r\n250-PIPELINING\r\n"
                                     "250-XSTARTTLS\r\n250 8BITMIME\r\n"};
    struct fake_smtp f;
    serve(&f, AF_INET, &s);
    struct smtp_opts o = opts_for(f.addr, f.port, 5000);
    struct run r;
    struct smtp_result *res = run_probe(&o, &r);
    ck_assert_int_eq(res->fail, SMTP_FAIL_NO_STARTTLS);
    ck_assert(!res->starttls_offered);
    ck_assert_ptr_nonnull(res->error);
    ck_assert(strstr(res->error, "STARTTLS not offered"));
    ck_assert_uint_eq(res->nehlo, 3);
    ck_assert_str_eq(res->ehlo[2], "8BITMIME");
    ck_assert(!res->tls.present);
    ck_assert(transcript_has(res, 'C', "QUIT"));
    ck_assert(!transcript_has(res, 'C', "STARTTLS"));
    ck_assert_int_eq(res->stage_ms[SMTP_ST_HANDSHAKE], -1);
    smtp_result_free(res);
    ck_assert_int_eq(fake_smtp_stop(&f), 0); /* QUIT in clear, nothing else */
}
END_TEST

START_TEST(starttls_refused)
{
    struct script s = {.banner = "220 mx1.example.com ESMTP\r\n", .ehlo_reply = EHLO_TLS,
                       .starttls_reply = "454 4.7.0 TLS not available\r\n"};
    struct fake_smtp f;
    serve(&f, AF_INET, &s);
    struct smtp_opts o = opts_for(f.addr, f.port, 5000);
    struct run r;
    struct smtp_result *res = run_probe(&o, &r);
    ck_assert_int_eq(res->fail, SMTP_FAIL_STARTTLS);
    ck_assert_int_eq(res->reached, SMTP_ST_STARTTLS);
    ck_assert_str_eq(res->error, "STARTTLS refused: 454 4.7.0 TLS not available");
    ck_assert(res->starttls_offered);
    ck_assert(!res->timed_out);
    smtp_result_free(res);
    fake_smtp_stop(&f);
}
END_TEST

START_TEST(banner_554)
{
    struct script s = {.banner = "554 5.7.1 no thanks\r\n"};
    struct fake_smtp f;
    serve(&f, AF_INET, &s);
    struct smtp_opts o = opts_for(f.addr, f.port, 5000);
    struct run r;
    struct smtp_result *res = run_probe(&o, &r);
    ck_assert_int_eq(res->fail, SMTP_FAIL_BANNER);
    ck_assert_str_eq(res->error, "banner: 554 5.7.1 no thanks");
    ck_assert_ptr_null(res->banner);
    ck_assert(!transcript_has(res, 'C', "EHLO"));
    smtp_result_free(res);
    fake_smtp_stop(&f);
}
END_TEST

START_TEST(ehlo_refused)
{
    struct script s = {.banner = "220 mx ESMTP\r\n", .ehlo_reply = "550 5.7.1 go away\r\n"};
    struct fake_smtp f;
    serve(&f, AF_INET, &s);
    struct smtp_opts o = opts_for(f.addr, f.port, 5000);
    struct run r;
    struct smtp_result *res = run_probe(&o, &r);
    ck_assert_int_eq(res->fail, SMTP_FAIL_EHLO);
    ck_assert_str_eq(res->error, "EHLO refused: 550 5.7.1 go away");
    smtp_result_free(res);
    fake_smtp_stop(&f);
}
END_TEST

START_TEST(closed_after_ehlo)
{
    struct script s = {.banner = "220 mx ESMTP\r\n"}; /* closes after the banner */
    struct fake_smtp f;
    serve(&f, AF_INET, &s);
    struct smtp_opts o = opts_for(f.addr, f.port, 5000);
    struct run r;
    struct smtp_result *res = run_probe(&o, &r);
    ck_assert_int_eq(res->fail, SMTP_FAIL_EHLO);
    ck_assert_str_eq(res->error, "server closed the connection after EHLO");
    smtp_result_free(res);
    fake_smtp_stop(&f);
}
END_TEST

START_TEST(silent_server_times_out)
{
    struct script s = {0};
    struct fake_smtp f;
    serve(&f, AF_INET, &s);
    struct smtp_opts o = opts_for(f.addr, f.port, 400);
    struct run r;
    struct smtp_result *res = run_probe(&o, &r);
    ck_assert_int_eq(res->fail, SMTP_FAIL_BANNER);
    ck_assert(res->timed_out);
    ck_assert_str_eq(res->error, "timed out after 400 ms waiting for the 220 banner");
    ck_assert_int_ge(r.done_at_ms, 400);
    ck_assert_int_lt(r.done_at_ms, 400 + SLACK_MS);
    smtp_result_free(res);
    fake_smtp_stop(&f);
}
END_TEST

START_TEST(drip_bounded_by_stage_deadline)
{
    /* One byte every 100 ms: each byte is progress, but the stage deadline is not moved. */
    struct script s = {.banner = "220 a very slow banner indeed\r\n", .drip_ms = 100};
    struct fake_smtp f;
    serve(&f, AF_INET, &s);
    struct smtp_opts o = opts_for(f.addr, f.port, 700);
    struct run r;
    struct smtp_result *res = run_probe(&o, &r);
    ck_assert_int_eq(res->fail, SMTP_FAIL_BANNER);
    ck_assert(res->timed_out);
    ck_assert_int_lt(r.done_at_ms, 700 + SLACK_MS);
    smtp_result_free(res);
    fake_smtp_stop(&f);
}
END_TEST

START_TEST(drip_banner_byte_split)
{
    /* A short banner split into 1-byte segments still parses (line assembly across reads). */
    struct script s = {.banner = "220-mx1\r\n220 ok\n", .drip_ms = 5,
                       .ehlo_reply = "250 mx1\r\n"};
    struct fake_smtp f;
    serve(&f, AF_INET, &s);
    struct smtp_opts o = opts_for(f.addr, f.port, 5000);
    struct run r;
    struct smtp_result *res = run_probe(&o, &r);
    ck_assert_int_eq(res->fail, SMTP_FAIL_NO_STARTTLS);
    ck_assert_str_eq(res->banner, "mx1");
    ck_assert_uint_eq(res->nehlo, 0);
    smtp_result_free(res);
    ck_assert_int_eq(fake_smtp_stop(&f), 0);
}
END_TEST

START_TEST(connection_refused)
{
    int port = fake_closed_port();
    ck_assert_int_gt(port, 0);
    struct smtp_opts o = opts_for("127.0.0.1", port, 2000);
    struct run r;
    struct smtp_result *res = run_probe(&o, &r);
    ck_assert_int_eq(res->fail, SMTP_FAIL_CONNECT);
    ck_assert_int_eq(res->reached, SMTP_ST_CONNECT);
    ck_assert_str_eq(res->error, "connection refused");
    ck_assert_int_eq(res->stage_ms[SMTP_ST_BANNER], -1);
    smtp_result_free(res);
}
END_TEST

START_TEST(bad_address_fails_from_loop)
{
    struct smtp_opts o = opts_for("mx1.example.com", 25, 2000);
    struct run r;
    struct smtp_result *res = run_probe(&o, &r); /* asserts done was not synchronous */
    ck_assert_int_eq(res->fail, SMTP_FAIL_CONNECT);
    ck_assert_str_eq(res->error, "not a numeric IP address: mx1.example.com");
    smtp_result_free(res);

    o = opts_for("127.0.0.1", 25, 2000);
    o.ehlo_name = "bad\r\nMAIL FROM:<x>";
    res = run_probe(&o, &r);
    ck_assert_int_eq(res->fail, SMTP_FAIL_CONNECT);
    ck_assert(strstr(res->error, "invalid EHLO name"));
    smtp_result_free(res);
}
END_TEST

START_TEST(hostile_banner_escaped)
{
    static const char b[] = "220 evil\x1b[31m\0red\xff\xfe \xe2\x80\xae!\r\n";
    struct script s = {.banner = b, .banner_len = sizeof b - 1,
                       .ehlo_reply = "250-mx\x1b]0;x\x07\r\n250-\x01STARTTLS\r\n250 X\r\n"};
    struct fake_smtp f;
    serve(&f, AF_INET, &s);
    struct smtp_opts o = opts_for(f.addr, f.port, 5000);
    struct run r;
    struct smtp_result *res = run_probe(&o, &r);
    ck_assert_str_eq(res->banner, "evil\\x1b[31m\\x00red\\xff\\xfe \\xe2\\x80\\xae!");
    ck_assert_str_eq(res->ehlo[0], "\\x01STARTTLS");
    ck_assert(!res->starttls_offered); /* "\x01STARTTLS" is not the keyword */
    ck_assert_int_eq(res->fail, SMTP_FAIL_NO_STARTTLS);
    assert_clean(res);
    smtp_result_free(res);
    fake_smtp_stop(&f);
}
END_TEST

START_TEST(ehlo_10000_lines_within_bytes)
{
    /* 10,000 six-byte lines (60 KB, under MX_SMTP_REPLY_BYTES_MAX) then STARTTLS: the reply is
     * accepted, only MX_SMTP_REPLY_LINES_MAX lines kept, the keyword found anyway. */
    struct script s = {.banner = "220 mx ESMTP\r\n", .big_ehlo_lines = 10000,
                       .ehlo_reply = "250 STARTTLS\r\n",
                       .starttls_reply = "454 4.7.0 not now\r\n"};
    struct fake_smtp f;
    serve(&f, AF_INET, &s);
    struct smtp_opts o = opts_for(f.addr, f.port, 5000);
    struct run r;
    struct smtp_result *res = run_probe(&o, &r);
    ck_assert_int_eq(res->fail, SMTP_FAIL_STARTTLS);
    ck_assert(res->starttls_offered);
    ck_assert_uint_eq(res->nehlo, MX_SMTP_REPLY_LINES_MAX - 1);
    ck_assert(res->transcript_truncated);
    ck_assert_uint_le(res->ntranscript, MX_TRANSCRIPT_MAX);
    ck_assert(transcript_has(res, '*', "STARTTLS refused: 454"));
    ck_assert_int_le(r.progress_calls, MX_TRANSCRIPT_MAX + SMTP_ST_COUNT + 2);
    smtp_result_free(res);
    fake_smtp_stop(&f);
}
END_TEST

START_TEST(ehlo_10000_lines_over_bytes)
{
    struct script s = {.banner = "220 mx ESMTP\r\n", .big_ehlo_lines = 10000,
                       .big_lines_long = true, .ehlo_reply = "250 END\r\n"};
    struct fake_smtp f;
    serve(&f, AF_INET, &s);
    struct smtp_opts o = opts_for(f.addr, f.port, 5000);
    struct run r;
    struct smtp_result *res = run_probe(&o, &r);
    ck_assert_int_eq(res->fail, SMTP_FAIL_EHLO);
    ck_assert_str_eq(res->error, "EHLO reply longer than 65536 bytes; gave up");
    ck_assert(res->transcript_truncated);
    ck_assert_uint_le(res->ntranscript, MX_TRANSCRIPT_MAX);
    ck_assert(transcript_has(res, '*', "65536 bytes"));
    smtp_result_free(res);
    fake_smtp_stop(&f);
}
END_TEST

static char *long_banner(size_t n)
{
    char *b = malloc(n + 8);
    memcpy(b, "220 ", 4);
    memset(b + 4, 'A', n);
    memcpy(b + 4 + n, "\r\n", 3);
    return b;
}

START_TEST(banner_100k_line)
{
    char *b = long_banner(100 * 1024);
    struct script s = {.banner = b};
    struct fake_smtp f;
    serve(&f, AF_INET, &s);
    struct smtp_opts o = opts_for(f.addr, f.port, 5000);
    struct run r;
    struct smtp_result *res = run_probe(&o, &r);
    ck_assert_int_eq(res->fail, SMTP_FAIL_BANNER);
    ck_assert_str_eq(res->error, "banner reply longer than 65536 bytes; gave up");
    ck_assert_ptr_null(res->banner);
    smtp_result_free(res);
    fake_smtp_stop(&f);
    free(b);
}
END_TEST

START_TEST(banner_5k_line_truncated)
{
    char *b = long_banner(5000);
    struct script s = {.banner = b, .ehlo_reply = "250 mx\r\n"};
    struct fake_smtp f;
    serve(&f, AF_INET, &s);
    struct smtp_opts o = opts_for(f.addr, f.port, 5000);
    struct run r;
    struct smtp_result *res = run_probe(&o, &r);
    ck_assert_int_eq(res->fail, SMTP_FAIL_NO_STARTTLS);
    ck_assert_uint_eq(strlen(res->banner), MX_SMTP_LINE_MAX - 4);
    ck_assert(transcript_has(res, '*', "line cut at 1024 bytes"));
    smtp_result_free(res);
    ck_assert_int_eq(fake_smtp_stop(&f), 0);
    free(b);
}
END_TEST

START_TEST(plaintext_injection_discarded)
{
    /* CVE-2011-0411 style: text after the STARTTLS 220 must not be read as a TLS-era reply. */
    struct script s = {.banner = "220 mx1.example.com ESMTP\r\n", .ehlo_reply = EHLO_TLS,
                       .starttls_reply = "220 ready\r\n",
                       .after_starttls = "250 INJECTED\r\n", .tls = server_ctx()};
    struct fake_smtp f;
    serve(&f, AF_INET, &s);
    struct smtp_opts o = opts_for(f.addr, f.port, 5000);
    struct run r;
    struct smtp_result *res = run_probe(&o, &r);
    ck_assert_msg(res->fail == SMTP_FAIL_NONE, "%s", res->error ? res->error : "");
    ck_assert(res->tls.handshake_ok);
    ck_assert(!transcript_has(res, 'S', "INJECTED"));
    ck_assert(transcript_has(res, '*', "discarded 14 plaintext bytes"));
    smtp_result_free(res);
    ck_assert_int_eq(fake_smtp_stop(&f), 0);
    SSL_CTX_free(s.tls);
}
END_TEST

START_TEST(reset_during_handshake)
{
    struct script s = {.banner = "220 mx ESMTP\r\n", .ehlo_reply = EHLO_TLS,
                       .starttls_reply = "220 ready\r\n", .reset_in_handshake = true};
    struct fake_smtp f;
    serve(&f, AF_INET, &s);
    struct smtp_opts o = opts_for(f.addr, f.port, 5000);
    struct run r;
    struct smtp_result *res = run_probe(&o, &r);
    ck_assert_int_eq(res->fail, SMTP_FAIL_HANDSHAKE);
    ck_assert_int_eq(res->reached, SMTP_ST_HANDSHAKE);
    ck_assert(!res->timed_out);
    ck_assert_msg(strncmp(res->error, "TLS handshake failed: ", 22) == 0, "%s", res->error);
    ck_assert_msg(strstr(res->error, "reset"), "%s", res->error);
    ck_assert(res->tls.present);
    ck_assert(!res->tls.handshake_ok);
    assert_clean(res);
    smtp_result_free(res);
    ck_assert_int_eq(fake_smtp_stop(&f), 0);
}
END_TEST

START_TEST(close_during_handshake)
{
    struct script s = {.banner = "220 mx ESMTP\r\n", .ehlo_reply = EHLO_TLS,
                       .starttls_reply = "220 ready\r\n", .close_in_handshake = true};
    struct fake_smtp f;
    serve(&f, AF_INET, &s);
    struct smtp_opts o = opts_for(f.addr, f.port, 5000);
    struct run r;
    struct smtp_result *res = run_probe(&o, &r);
    ck_assert_int_eq(res->fail, SMTP_FAIL_HANDSHAKE);
    ck_assert_msg(strncmp(res->error, "TLS handshake failed: ", 22) == 0, "%s", res->error);
    ck_assert_msg(strstr(res->error, "eof") || strstr(res->error, "closed"), "%s", res->error);
    ck_assert(!res->tls.handshake_ok);
    assert_clean(res);
    smtp_result_free(res);
    ck_assert_int_eq(fake_smtp_stop(&f), 0);
}
END_TEST

START_TEST(silent_during_handshake)
{
    struct script s = {.banner = "220 mx ESMTP\r\n", .ehlo_reply = EHLO_TLS,
                       .starttls_reply = "220 ready\r\n", .silent_in_handshake = true};
    struct fake_smtp f;
    serve(&f, AF_INET, &s);
    struct smtp_opts o = opts_for(f.addr, f.port, 500);
    struct run r;
    struct smtp_result *res = run_probe(&o, &r);
    ck_assert_int_eq(res->fail, SMTP_FAIL_HANDSHAKE);
    ck_assert(res->timed_out);
    ck_assert_str_eq(res->error, "TLS handshake timed out after 500 ms");
    ck_assert(res->tls.present);
    ck_assert(!res->tls.handshake_ok);
    ck_assert_int_lt(res->stage_ms[SMTP_ST_HANDSHAKE], 500 + SLACK_MS);
    ck_assert_int_ge(res->stage_ms[SMTP_ST_HANDSHAKE], 500);
    smtp_result_free(res);
    fake_smtp_stop(&f);
}
END_TEST

/* tls10_possible - can this OpenSSL negotiate TLS 1.0 at all (build and config allowing)? */
static bool tls10_possible(SSL_CTX *c)
{
    SSL *ssl = SSL_new(c);
    if (!ssl)
        return false;
    STACK_OF(SSL_CIPHER) *ciphers = SSL_get1_supported_ciphers(ssl);
    bool ok = ciphers && sk_SSL_CIPHER_num(ciphers) > 0;
    sk_SSL_CIPHER_free(ciphers);
    SSL_free(ssl);
    return ok;
}

START_TEST(tls10_only_server)
{
    SSL_CTX *c = server_ctx();
    SSL_CTX_set_security_level(c, 0);
    ck_assert_int_eq(SSL_CTX_set_min_proto_version(c, TLS1_VERSION), 1);
    ck_assert_int_eq(SSL_CTX_set_max_proto_version(c, TLS1_VERSION), 1);
    SSL_CTX_set_cipher_list(c, "ALL:@SECLEVEL=0");
    if (!tls10_possible(c)) {
        fprintf(stderr, "test_smtp: skipping tls10_only_server: this OpenSSL has no TLS 1.0\n");
        ERR_clear_error();
        SSL_CTX_free(c);
        return;
    }
    struct script s = {.banner = "220 old.example.com ESMTP\r\n", .ehlo_reply = EHLO_TLS,
                       .starttls_reply = "220 ready\r\n", .tls = c};
    struct fake_smtp f;
    serve(&f, AF_INET, &s);
    struct smtp_opts o = opts_for(f.addr, f.port, 5000);
    struct run r;
    struct smtp_result *res = run_probe(&o, &r);
    ck_assert_msg(res->fail == SMTP_FAIL_NONE, "%s", res->error ? res->error : "");
    ck_assert(res->tls.handshake_ok);
    ck_assert_str_eq(res->tls.version, "TLSv1");
    ck_assert(transcript_has(res, '*', "TLS handshake: TLSv1 "));
    smtp_result_free(res);
    ck_assert_int_eq(fake_smtp_stop(&f), 0);
    SSL_CTX_free(c);
}
END_TEST

START_TEST(tls_no_shared_cipher)
{
    /* A TLS 1.2 server that only has anonymous suites: our client offers none (it must see a
     * certificate), so the handshake fails with OpenSSL's reason as the error. */
    SSL_CTX *c = server_ctx();
    SSL_CTX_set_max_proto_version(c, TLS1_2_VERSION);
    ck_assert_int_eq(SSL_CTX_set_cipher_list(c, "aNULL:@SECLEVEL=0"), 1);
    struct script s = {.banner = "220 mx ESMTP\r\n", .ehlo_reply = EHLO_TLS,
                       .starttls_reply = "220 ready\r\n", .tls = c};
    struct fake_smtp f;
    serve(&f, AF_INET, &s);
    struct smtp_opts o = opts_for(f.addr, f.port, 5000);
    struct run r;
    struct smtp_result *res = run_probe(&o, &r);
    ck_assert_int_eq(res->fail, SMTP_FAIL_HANDSHAKE);
    ck_assert_msg(strncmp(res->error, "TLS handshake failed: ", 22) == 0, "%s", res->error);
    ck_assert(strstr(res->error, "error:") == NULL); /* the reason, not the raw queue */
    ck_assert(!res->tls.handshake_ok);
    ck_assert_ptr_nonnull(res->tls.handshake_error);
    smtp_result_free(res);
    fake_smtp_stop(&f);
    SSL_CTX_free(c);
}
END_TEST

START_TEST(ipv6_loopback)
{
    struct script s = {.banner = "220 mx6 ESMTP\r\n", .ehlo_reply = "250 mx6\r\n"};
    struct fake_smtp f;
    if (fake_smtp_start(&f, AF_INET6, script_run, &s) < 0) {
        fprintf(stderr, "test_smtp: skipping ipv6_loopback: no ::1 on this machine\n");
        return;
    }
    struct smtp_opts o = opts_for(f.addr, f.port, 5000);
    struct run r;
    struct smtp_result *res = run_probe(&o, &r);
    ck_assert_int_eq(res->fail, SMTP_FAIL_NO_STARTTLS);
    ck_assert_str_eq(res->banner, "mx6 ESMTP");
    ck_assert(transcript_has(res, '*', "connected to ::1 port"));
    smtp_result_free(res);
    ck_assert_int_eq(fake_smtp_stop(&f), 0);
}
END_TEST

static void never(void *arg, const struct smtp_result *partial)
{
    (void)partial;
    (*(int *)arg)++;
}

static void never_done(void *arg, struct smtp_result *res)
{
    (*(int *)arg)++;
    smtp_result_free(res);
}

START_TEST(cancel_is_silent)
{
    struct script s = {0};
    struct fake_smtp f;
    serve(&f, AF_INET, &s);
    struct smtp_opts o = opts_for(f.addr, f.port, 5000);
    int calls = 0;
    struct loop *l = loop_new();
    struct smtp_probe *p = smtp_probe_start(l, &o, NULL, never_done, &calls);
    for (int i = 0; i < 5; i++)
        loop_run_once(l, 20);
    smtp_probe_cancel(p);
    ck_assert(!loop_has_work(l));
    loop_run_once(l, 50);
    ck_assert_int_eq(calls, 0);
    loop_free(l);
    fake_smtp_stop(&f);

    /* Cancelling an early failure before the loop ran also stays silent. */
    l = loop_new();
    o.addr = "not an address";
    p = smtp_probe_start(l, &o, never, never_done, &calls);
    smtp_probe_cancel(p);
    ck_assert(!loop_has_work(l));
    ck_assert_int_eq(calls, 0);
    loop_free(l);
}
END_TEST

START_TEST(stage_names)
{
    ck_assert_str_eq(smtp_stage_name(SMTP_ST_CONNECT), "connect");
    ck_assert_str_eq(smtp_stage_name(SMTP_ST_HANDSHAKE), "handshake");
    ck_assert_str_eq(smtp_stage_name(SMTP_ST_DONE), "done");
    ck_assert_str_eq(smtp_stage_name(SMTP_ST_COUNT), "unknown");
    smtp_result_free(NULL);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("smtp");
    TCase *tc = tcase_create("probe");
    tcase_add_checked_fixture(tc, certs_setup, certs_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, starttls_ok_verified);
    tcase_add_test(tc, starttls_name_mismatch);
    tcase_add_test(tc, starttls_untrusted_without_ca);
    tcase_add_test(tc, no_starttls);
    tcase_add_test(tc, starttls_refused);
    tcase_add_test(tc, banner_554);
    tcase_add_test(tc, ehlo_refused);
    tcase_add_test(tc, closed_after_ehlo);
    tcase_add_test(tc, silent_server_times_out);
    tcase_add_test(tc, drip_bounded_by_stage_deadline);
    tcase_add_test(tc, drip_banner_byte_split);
    tcase_add_test(tc, connection_refused);
    tcase_add_test(tc, bad_address_fails_from_loop);
    tcase_add_test(tc, hostile_banner_escaped);
    tcase_add_test(tc, ehlo_10000_lines_within_bytes);
    tcase_add_test(tc, ehlo_10000_lines_over_bytes);
    tcase_add_test(tc, banner_100k_line);
    tcase_add_test(tc, banner_5k_line_truncated);
    tcase_add_test(tc, plaintext_injection_discarded);
    tcase_add_test(tc, reset_during_handshake);
    tcase_add_test(tc, close_during_handshake);
    tcase_add_test(tc, silent_during_handshake);
    tcase_add_test(tc, tls10_only_server);
    tcase_add_test(tc, tls_no_shared_cipher);
    tcase_add_test(tc, ipv6_loopback);
    tcase_add_test(tc, cancel_is_silent);
    tcase_add_test(tc, stage_names);
    suite_add_tcase(s, tc);
    return s;
}
