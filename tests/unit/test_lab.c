/* test_lab - the built-in lab: scenario files parse, and its DNS, HTTPS and SMTP servers answer
 * real clients on loopback.
 *
 * Clients run in a forked child (plain blocking code: raw UDP/TCP DNS, an OpenSSL client that
 * verifies with the lab CA) and write what they saw into a pipe; the parent runs the lab on its
 * loop until the pipe closes. So the servers are exercised exactly as in `mxray lab`. */
#include "testlib.h"
#include "lab/lab.h"
#include "lab/lab_int.h"
#include "loop.h"
#include "problem.h"
#include "xalloc.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <ftw.h>
#include <unistd.h>

/* ---- harness: a child client, the parent serving ---- */

struct sink {
    char buf[16384];
    size_t len;
    bool eof;
};

static void sink_read(void *arg, int fd, int revents)
{
    struct sink *s = arg;
    ssize_t n = read(fd, s->buf + s->len, sizeof s->buf - 1 - s->len);
    if (n <= 0)
        s->eof = true;
    else
        s->len += (size_t)n;
    s->buf[s->len] = '\0';
}

typedef void (*client_fn)(struct lab *lab, FILE *out, const void *arg);

/* run_client - fork fn as a client, serve until it is done; returns what it printed (static). */
static const char *run_client(struct loop *l, struct lab *lab, client_fn fn, const void *arg)
{
    static struct sink s;
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(p[0]);
        FILE *out = fdopen(p[1], "w");
        fn(lab, out, arg);
        fclose(out);
        _exit(0);
    }
    close(p[1]);
    memset(&s, 0, sizeof s);
    loop_watch(l, p[0], POLLIN, sink_read, &s);
    int64_t end = loop_now_ms() + 20000;
    while (!s.eof && loop_now_ms() < end)
        loop_run_once(l, 100);
    loop_watch(l, p[0], 0, NULL, NULL);
    close(p[0]);
    waitpid(pid, NULL, 0);
    ck_assert_msg(s.eof, "client timed out");
    return s.buf;
}

/* Labs write into $TMPDIR. A failed assertion ends a test without lab_stop, so the suite points
 * TMPDIR at its own directory and removes it, whatever is left inside, when the runner exits. */
static char tmp_root[] = "/tmp/mxray-test-lab-XXXXXX";
static pid_t runner_pid;

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

static void remove_tmp_root(void)
{
    if (getpid() == runner_pid) /* forked tests exit too; only the runner cleans up */
        nftw(tmp_root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void stop(struct lab *lab)
{
    lab_stop(lab);
}

static struct lab *start(struct loop *l, const char *const *names, size_t n)
{
    char err[512] = "";
    const char *dir = lab_asset_dir();
    ck_assert_ptr_nonnull(dir);
    struct lab *lab = lab_start(l, dir, names, n, err, sizeof err);
    ck_assert_msg(lab != NULL, "lab_start: %s", err);
    return lab;
}

static int tcp_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* ---- scenario files ---- */

START_TEST(scenarios_parse)
{
    const char *dir = lab_asset_dir();
    ck_assert_ptr_nonnull(dir);
    char **names;
    size_t n = lab_scn_list(dir, &names);
    ck_assert_uint_ge(n, 20);
    for (size_t i = 0; i < n; i++) {
        char err[512] = "", *path = xasprintf("%s/%s.scn", dir, names[i]);
        struct lab_scn *s = lab_scn_load(path, names[i], err, sizeof err);
        ck_assert_msg(s != NULL, "%s", err);
        /* every expected code is a real problem code */
        for (size_t j = 0; j < s->info.ncodes + s->info.nabsent; j++) {
            char *list = xstrdup(j < s->info.ncodes ? s->info.codes[j]
                                                    : s->info.absent[j - s->info.ncodes]);
            char *save = NULL;
            for (char *c = strtok_r(list, "|", &save); c; c = strtok_r(NULL, "|", &save))
                ck_assert_msg(problem_lookup(c) >= 0, "%s: unknown code %s", names[i], c);
            free(list);
        }
        ck_assert_msg(s->info.verdict && s->info.what && s->info.fix, "%s", names[i]);
        lab_scn_free(s);
        free(path);
        free(names[i]);
    }
    free(names);
}
END_TEST

START_TEST(scenarios_required)
{
    static const char *const need[] = {
        "all-good", "not-published", "two-txt-records", "bad-id", "testing-mode",
        "policy-redirect", "policy-wrong-cert", "policy-text-html", "policy-no-max-age",
        "mx-not-covered", "mx-not-covered-testing", "wildcard-bare-name", "expired-second-mx",
        "cert-expiring", "self-signed-mx", "no-starttls", "tls10-only", "null-mx", "no-tlsrpt",
        "exchange-online"};
    struct lab_scenario_info *v;
    size_t n = lab_scenarios(lab_asset_dir(), &v);
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
        size_t j = 0;
        while (j < n && strcmp(v[j].name, need[i]))
            j++;
        ck_assert_msg(j < n, "missing scenario %s", need[i]);
    }
    ck_assert_str_eq(v[0].name, "all-good"); /* listing order follows order: */
    ck_assert_str_eq(v[0].domain, "all-good.mxray.test");
    ck_assert_str_eq(v[0].verdict, "pass");
    lab_scenarios_free(v, n);
}
END_TEST

START_TEST(parse_errors)
{
    char err[256];
    static const struct {
        const char *text, *want;
    } bad[] = {
        {"summary: x\n[dns]\n@ SRV 1 2 3\n", ":3: unsupported record type"},
        {"summary: x\n[nope]\n", ":2: unknown section"},
        {"summary: x\n[dns]\nfoo.example. A 127.0.0.1\n", "outside mxray.test"},
        {"summary: x\n[dns]\nmx1 A 999.1.1.1\n", "bad address"},
        {"[expect]\nverdict: pass\n", "missing summary"},
        {"summary: x\n[teach]\nwhat: a\nsender: b\nfix: c\n[expect]\nverdict: maybe\n",
         "verdict is"},
        {"summary: x\n[mx mx1]\ncert: rotten\n", "unknown cert kind"},
        /* teaching texts are printed as written (demo --list, the picker, learn) */
        {"summary: x \x1b[31mred\n", ":1: a control byte"},
        {"summary: x\n[teach]\nwhat: a\n  \xe2\x80\xae b\n", ":4: a control byte"},
        {"summary: x\nbad\x1b[31m: y\n", ":2: unknown key bad\\x1b[31m"}, /* quoted escaped */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        struct lab_scn *s = lab_scn_parse(bad[i].text, strlen(bad[i].text), "t", err, sizeof err);
        ck_assert_ptr_null(s);
        ck_assert_msg(strstr(err, bad[i].want), "case %zu: got '%s'", i, err);
    }
    const char *ok = "summary: s\n[teach]\nwhat: a\n  more\nsender: b\nfix: c\n"
                     "[dns]\n@ MX 0 .\n_x TXT \"a\\\"b\" \"c\"\n"
                     "[policy]\nline_endings: lf\n| version: STSv1\n|\n"
                     "[expect]\nverdict: none\ncodes: mx.null tls.version|tls.handshake\n";
    struct lab_scn *s = lab_scn_parse(ok, strlen(ok), "t", err, sizeof err);
    ck_assert_msg(s != NULL, "%s", err);
    ck_assert_str_eq(s->info.what, "a more");
    ck_assert_uint_eq(s->nrr, 2);
    ck_assert_uint_eq(s->rr[0].rdlen, 3); /* pref 0 + root name */
    ck_assert_mem_eq(s->rr[1].rdata, "\x03" "a\"b" "\x01" "c", 6);
    ck_assert_str_eq(s->policy.body, "version: STSv1\n\n");
    ck_assert_str_eq(s->policy.host, "mta-sts.t.mxray.test");
    ck_assert_uint_eq(s->info.ncodes, 2);
    lab_scn_free(s);
}
END_TEST

/* A TTL column, and a later plan step published instead of the file's data. */
START_TEST(ttl_and_publish)
{
    char err[256];
    const char *text = "summary: s\n[teach]\nwhat: a\nsender: b\nfix: c\n"
                       "[dns]\n_mta-sts 900 TXT \"v=STSv1; id=1\"\n@ 1800 MX 10 mx1\n"
                       "@ MX 20 mx2\nmx1 A 127.0.0.1\n"
                       "[policy]\n| version: STSv1\n[expect]\nverdict: pass\n";
    struct lab_scn *s = lab_scn_parse(text, strlen(text), "t", err, sizeof err);
    ck_assert_msg(s != NULL, "%s", err);
    ck_assert_uint_eq(s->rr[0].ttl, 900);
    ck_assert_uint_eq(s->rr[1].ttl, 1800);
    ck_assert_uint_eq(s->rr[2].ttl, 0); /* LAB_TTL */
    const char *mx[] = {"5 new.example.mxray.test."};
    const char *body = "version: STSv1\r\nmode: none\r\n";
    struct lab_publish pub = {.scenario = "t", .policy = body,
                              .policy_len = strlen(body), .sts_record = "v=STSv1; id=2", .mx = mx,
                              .nmx = 1};
    ck_assert_msg(lab_scn_publish(s, &pub, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(s->nrr, 3); /* mx1 A, the new TXT, one MX */
    size_t ntxt = 0, nmx = 0;
    for (size_t i = 0; i < s->nrr; i++) {
        if (s->rr[i].type == 16) {
            ntxt++;
            ck_assert_uint_eq(s->rr[i].ttl, 900); /* the replaced record's TTL */
            ck_assert_mem_eq(s->rr[i].rdata, "\x0dv=STSv1; id=2", 14);
        } else if (s->rr[i].type == 15) {
            nmx++;
            ck_assert_uint_eq(s->rr[i].ttl, 1800);
        }
    }
    ck_assert_uint_eq(ntxt, 1);
    ck_assert_uint_eq(nmx, 1);
    ck_assert_str_eq(s->policy.body, "version: STSv1\r\nmode: none\r\n");
    struct lab_publish gone = {.scenario = "t", .no_policy = 1, .no_sts_record = 1};
    ck_assert_int_eq(lab_scn_publish(s, &gone, err, sizeof err), 0);
    ck_assert_int_eq(s->policy.status, 404);
    for (size_t i = 0; i < s->nrr; i++)
        ck_assert_uint_ne(s->rr[i].type, 16);
    lab_scn_free(s);
    const char *bad = "summary: x\n[dns]\n@ 0 MX 10 mx1\n";
    ck_assert_ptr_null(lab_scn_parse(bad, strlen(bad), "t", err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "TTL"));
}
END_TEST

/* ---- DNS ---- */

static size_t make_query(unsigned char *q, const char *name, unsigned type, uint16_t id)
{
    size_t n = 12;
    memset(q, 0, 12);
    q[0] = (unsigned char)(id >> 8);
    q[1] = (unsigned char)id;
    q[2] = 0x01; /* RD */
    q[5] = 1;
    for (const char *p = name; *p;) {
        const char *dot = strchr(p, '.');
        size_t l = dot ? (size_t)(dot - p) : strlen(p);
        q[n++] = (unsigned char)l;
        memcpy(q + n, p, l);
        n += l;
        p += l + (dot ? 1 : 0);
    }
    q[n++] = 0;
    q[n++] = (unsigned char)(type >> 8);
    q[n++] = (unsigned char)type;
    q[n++] = 0;
    q[n++] = 1;
    return n;
}

struct dns_case {
    const char *name;
    unsigned type;
    bool tcp;
};

/* dns_client - prints "rcode=R aa=A tc=T an=N" and whether the reply contains "v=STSv1". */
static void dns_client(struct lab *lab, FILE *out, const void *arg)
{
    const struct dns_case *c = arg;
    unsigned char q[512], r[4096];
    size_t qlen = make_query(q, c->name, c->type, 0x1234);
    ssize_t n;
    if (c->tcp) {
        int fd = tcp_connect(lab_dns_port(lab));
        unsigned char pre[2] = {(unsigned char)(qlen >> 8), (unsigned char)qlen};
        if (fd < 0 || write(fd, pre, 2) != 2 || write(fd, q, qlen) != (ssize_t)qlen)
            return;
        unsigned char len[2];
        if (recv(fd, len, 2, MSG_WAITALL) != 2)
            return;
        n = recv(fd, r, (size_t)len[0] << 8 | len[1], MSG_WAITALL);
        close(fd);
    } else {
        int fd = socket(AF_INET, SOCK_DGRAM, 0);
        struct sockaddr_in sa = {.sin_family = AF_INET,
                                 .sin_port = htons((uint16_t)lab_dns_port(lab))};
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        struct timeval tv = {5, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        sendto(fd, "\x01", 1, 0, (struct sockaddr *)&sa, sizeof sa); /* junk first: ignored */
        sendto(fd, q, qlen, 0, (struct sockaddr *)&sa, sizeof sa);
        n = recv(fd, r, sizeof r, 0);
        close(fd);
    }
    if (n < 12 || r[0] != 0x12 || r[1] != 0x34)
        return;
    fprintf(out, "rcode=%d aa=%d tc=%d an=%d sts=%d", r[3] & 0xf, !!(r[2] & 0x04),
            !!(r[2] & 0x02), r[6] << 8 | r[7], memmem(r, (size_t)n, "v=STSv1", 7) != NULL);
    if (memmem(r, (size_t)n, "\x00\x01\x00\x01\x00\x00\x01\x2c\x00\x04\x7f\x00\x00\x01", 14))
        fprintf(out, " a=127.0.0.1");
}

START_TEST(dns_answers)
{
    struct loop *l = loop_new();
    const char *names[] = {"all-good", "null-mx"};
    struct lab *lab = start(l, names, 2);
    static const struct {
        struct dns_case c;
        const char *want;
    } cases[] = {
        {{"_mta-sts.all-good.mxray.test", 16, false}, "rcode=0 aa=1 tc=0 an=1 sts=1"},
        {{"_MTA-STS.All-Good.mxray.test", 16, true}, "rcode=0 aa=1 tc=0 an=1 sts=1"},
        {{"mx1.all-good.mxray.test", 1, false}, "rcode=0 aa=1 tc=0 an=1 sts=0 a=127.0.0.1"},
        {{"mx1.all-good.mxray.test", 28, false}, "rcode=0 aa=1 tc=0 an=0 sts=0"},  /* NODATA */
        {{"_tls.all-good.mxray.test", 16, false}, "rcode=0 aa=1 tc=0 an=0 sts=0"}, /* ENT */
        {{"nope.all-good.mxray.test", 1, false}, "rcode=3 aa=1 tc=0 an=0 sts=0"},
        {{"_mta-sts.policy-redirect.mxray.test", 16, false}, "rcode=3"}, /* not served */
        {{"example.com", 1, false}, "rcode=5 aa=1 tc=0 an=0"},
        {{"all-good.mxray.test", 15, true}, "rcode=0 aa=1 tc=0 an=2"},
        {{"null-mx.mxray.test", 15, false}, "rcode=0 aa=1 tc=0 an=1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = run_client(l, lab, dns_client, &cases[i].c);
        ck_assert_msg(!strncmp(got, cases[i].want, strlen(cases[i].want)), "%s: got '%s'",
                      cases[i].c.name, got);
    }
    stop(lab);
    loop_free(l);
}
END_TEST

/* ---- TLS clients ---- */

struct tls_case {
    const char *host; /* SNI and name to verify */
    const char *mx;   /* MX host to talk SMTP to, or NULL for HTTPS */
    const char *sni;  /* override SNI (NULL: host) */
};

static SSL *tls_client(struct lab *lab, int fd, const char *sni, const char *verify_name)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx, lab_ca_file(lab), NULL);
    SSL_CTX_set_security_level(ctx, 0); /* so the TLS 1.0 server can be seen */
    SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
    SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
    SSL *ssl = SSL_new(ctx);
    SSL_CTX_free(ctx);
    SSL_set_tlsext_host_name(ssl, sni);
    SSL_set1_host(ssl, verify_name);
    SSL_set_verify(ssl, SSL_VERIFY_NONE, NULL); /* record the result, do not abort */
    SSL_set_fd(ssl, fd);
    return ssl;
}

static void print_tls(FILE *out, SSL *ssl)
{
    long v = SSL_get_verify_result(ssl);
    fprintf(out, "tls=%s verify=%s\n", SSL_get_version(ssl),
            v == X509_V_OK ? "ok" : X509_verify_cert_error_string(v));
}

static void https_client(struct lab *lab, FILE *out, const void *arg)
{
    const struct tls_case *c = arg;
    int fd = tcp_connect(lab_https_port(lab));
    SSL *ssl = tls_client(lab, fd, c->sni ? c->sni : c->host, c->host);
    if (SSL_connect(ssl) != 1) {
        fprintf(out, "handshake failed\n");
        return;
    }
    print_tls(out, ssl);
    char req[512], buf[4096];
    snprintf(req, sizeof req, "GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: %s\r\n\r\n",
             c->host);
    SSL_write(ssl, req, (int)strlen(req));
    int n, total = 0;
    while ((n = SSL_read(ssl, buf + total, (int)sizeof buf - 1 - total)) > 0)
        total += n;
    buf[total] = '\0';
    fputs(buf, out);
}

static void smtp_send(FILE *out, SSL *ssl, int fd, const char *cmd)
{
    char buf[2048];
    if (cmd) {
        fprintf(out, "C: %s", cmd);
        if (ssl)
            SSL_write(ssl, cmd, (int)strlen(cmd));
        else if (write(fd, cmd, strlen(cmd)) < 0)
            return;
    }
    /* read until a line with "ddd " (last line of the reply) */
    size_t len = 0;
    for (;;) {
        int n = ssl ? SSL_read(ssl, buf + len, 1) : (int)read(fd, buf + len, 1);
        if (n <= 0 || len + 2 >= sizeof buf)
            break;
        if (buf[len++] != '\n')
            continue;
        buf[len] = '\0';
        fprintf(out, "S: %s", buf);
        bool last = len >= 4 && buf[3] == ' ';
        len = 0;
        if (last)
            break;
    }
}

static void smtp_client(struct lab *lab, FILE *out, const void *arg)
{
    const struct tls_case *c = arg;
    int fd = tcp_connect(lab_smtp_port(lab, c->mx));
    smtp_send(out, NULL, fd, NULL);
    smtp_send(out, NULL, fd, "EHLO client.test\r\n");
    smtp_send(out, NULL, fd, "STARTTLS\r\n");
    SSL *ssl = tls_client(lab, fd, c->mx, c->host);
    if (SSL_connect(ssl) != 1) {
        fprintf(out, "handshake failed\n");
        return;
    }
    print_tls(out, ssl);
    smtp_send(out, ssl, fd, "EHLO client.test\r\n");
    smtp_send(out, ssl, fd, "MAIL FROM:<a@b.test>\r\n");
    smtp_send(out, ssl, fd, "QUIT\r\n");
}

START_TEST(https_policy)
{
    struct loop *l = loop_new();
    const char *names[] = {"all-good", "policy-redirect", "policy-wrong-cert", "policy-text-html"};
    struct lab *lab = start(l, names, 4);
    static const struct {
        struct tls_case c;
        const char *want[3];
    } cases[] = {
        {{"mta-sts.all-good.mxray.test", NULL, NULL},
         {"verify=ok", "HTTP/1.1 200 OK", "\r\n\r\nversion: STSv1\r\nmode: enforce\r\n"}},
        {{"mta-sts.policy-redirect.mxray.test", NULL, NULL},
         {"verify=ok", "HTTP/1.1 301",
          "Location: https://www.policy-redirect.mxray.test/.well-known/mta-sts.txt"}},
        {{"mta-sts.policy-wrong-cert.mxray.test", NULL, NULL},
         {"verify=hostname mismatch", "200 OK", "mode: enforce"}},
        {{"mta-sts.policy-text-html.mxray.test", NULL, NULL},
         {"verify=ok", "Content-Type: text/html", "mx: mx1.policy-text-html.mxray.test"}},
        {{"mta-sts.all-good.mxray.test", NULL, "mta-sts.unknown.mxray.test"},
         {"handshake failed", "", ""}}, /* unknown SNI: alert 112 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = run_client(l, lab, https_client, &cases[i].c);
        for (int j = 0; j < 3; j++)
            ck_assert_msg(strstr(got, cases[i].want[j]), "%s: want '%s' in:\n%s",
                          cases[i].c.host, cases[i].want[j], got);
    }
    stop(lab);
    loop_free(l);
}
END_TEST

START_TEST(smtp_starttls)
{
    struct loop *l = loop_new();
    const char *names[] = {"all-good", "expired-second-mx", "self-signed-mx", "tls10-only",
                           "exchange-online"};
    struct lab *lab = start(l, names, 5);
    static const struct {
        struct tls_case c;
        const char *want[3];
    } cases[] = {
        {{"mx1.all-good.mxray.test", "mx1.all-good.mxray.test", NULL},
         {"S: 250-STARTTLS", "verify=ok", "S: 221 2.0.0"}},
        {{"mx2.expired-second-mx.mxray.test", "mx2.expired-second-mx.mxray.test", NULL},
         {"S: 220 2.0.0", "verify=certificate has expired", "S: 554 5.7.0"}},
        {{"mx1.self-signed-mx.mxray.test", "mx1.self-signed-mx.mxray.test", NULL},
         {"S: 220 mx1.self-signed-mx.mxray.test", "verify=self-signed certificate", "221"}},
        {{"mx1.tls10-only.mxray.test", "mx1.tls10-only.mxray.test", NULL},
         {"tls=TLSv1 ", "verify=ok", "221"}},
        {{"exchange-online-mxray-test.mail.protection.mxray.test",
          "exchange-online-mxray-test.mail.protection.mxray.test", NULL},
         {"250-STARTTLS", "verify=ok", "221"}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = run_client(l, lab, smtp_client, &cases[i].c);
        for (int j = 0; j < 3; j++)
            ck_assert_msg(strstr(got, cases[i].want[j]), "%s: want '%s' in:\n%s", cases[i].c.mx,
                          cases[i].want[j], got);
        /* after TLS, EHLO no longer offers STARTTLS */
        const char *tls = strstr(got, "verify=");
        ck_assert_ptr_null(strstr(tls, "STARTTLS"));
    }
    stop(lab);
    loop_free(l);
}
END_TEST

static void plain_smtp_client(struct lab *lab, FILE *out, const void *arg)
{
    int fd = tcp_connect(lab_smtp_port(lab, arg));
    smtp_send(out, NULL, fd, NULL);
    smtp_send(out, NULL, fd, "EHLO client.test\r\n");
    smtp_send(out, NULL, fd, "STARTTLS\r\n");
    char longline[3000];
    memset(longline, 'x', sizeof longline);
    longline[sizeof longline - 2] = '\r';
    longline[sizeof longline - 1] = '\n';
    if (write(fd, longline, sizeof longline) < 0)
        return;
    smtp_send(out, NULL, fd, NULL);
    smtp_send(out, NULL, fd, "NOOP\r\n");
    smtp_send(out, NULL, fd, "QUIT\r\n");
}

START_TEST(smtp_no_starttls_and_long_line)
{
    struct loop *l = loop_new();
    const char *names[] = {"no-starttls"};
    struct lab *lab = start(l, names, 1);
    const char *got = run_client(l, lab, plain_smtp_client, "mx1.no-starttls.mxray.test");
    ck_assert_ptr_nonnull(strstr(got, "S: 250 8BITMIME"));
    ck_assert_ptr_null(strstr(got, "STARTTLS\r\nS: 250"));
    ck_assert_ptr_null(strstr(got, "250-STARTTLS"));
    ck_assert_ptr_nonnull(strstr(got, "S: 502 5.5.1"));
    ck_assert_ptr_nonnull(strstr(got, "S: 500 5.5.6 line too long"));
    ck_assert_ptr_nonnull(strstr(got, "S: 250 2.0.0 OK"));
    ck_assert_ptr_nonnull(strstr(got, "S: 221"));
    stop(lab);
    loop_free(l);
}
END_TEST

START_TEST(connect_to_and_cleanup)
{
    struct loop *l = loop_new();
    const char *names[] = {"all-good", "exchange-online", "null-mx"};
    struct lab *lab = start(l, names, 3);
    const char *const *list;
    size_t n = lab_connect_to(lab, &list);
    ck_assert_uint_eq(n, 2 + 1 + 1 + 1); /* two policy hosts, mx1, mx2, the EXO host */
    char want[128];
    snprintf(want, sizeof want, "mta-sts.all-good.mxray.test:443:127.0.0.1:%d",
             lab_https_port(lab));
    ck_assert_str_eq(list[0], want);
    snprintf(want, sizeof want, "mx2.all-good.mxray.test:25:127.0.0.1:%d",
             lab_smtp_port(lab, "mx2.all-good.mxray.test"));
    ck_assert_str_eq(list[2], want);
    ck_assert_uint_eq(lab_scenario_connect_to(lab, 1, &list), 2);
    ck_assert_uint_eq(lab_scenario_connect_to(lab, 2, &list), 0);
    ck_assert_str_eq(lab_scenario_domain(lab, 1), "exchange-online.mxray.test");
    ck_assert_ptr_nonnull(strstr(lab_resolver(lab), "127.0.0.1:"));
    char *dir = xstrdup(lab_dir(lab));
    struct stat st;
    ck_assert_int_eq(stat(lab_ca_file(lab), &st), 0);
    stop(lab);
    ck_assert_int_ne(stat(dir, &st), 0); /* the temp dir is gone */
    free(dir);
    char err[256] = "";
    const char *bad[] = {"no-such-scenario"};
    ck_assert_ptr_null(lab_start(l, lab_asset_dir(), bad, 1, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "unknown scenario"));
    loop_free(l);
}
END_TEST

START_TEST(all_scenarios_start)
{
    struct loop *l = loop_new();
    struct lab *lab = start(l, NULL, 0);
    ck_assert_uint_ge(lab_nscenarios(lab), 20);
    const char *const *list;
    ck_assert_uint_gt(lab_connect_to(lab, &list), 30);
    stop(lab);
    loop_free(l);
}
END_TEST

Suite *test_suite(void)
{
    runner_pid = getpid();
    if (mkdtemp(tmp_root)) {
        setenv("TMPDIR", tmp_root, 1);
        atexit(remove_tmp_root);
    }
    Suite *s = suite_create("lab");
    TCase *tc = tcase_create("scenarios");
    tcase_add_test(tc, scenarios_parse);
    tcase_add_test(tc, scenarios_required);
    tcase_add_test(tc, parse_errors);
    tcase_add_test(tc, ttl_and_publish);
    suite_add_tcase(s, tc);
    tc = tcase_create("servers");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, dns_answers);
    tcase_add_test(tc, https_policy);
    tcase_add_test(tc, smtp_starttls);
    tcase_add_test(tc, smtp_no_starttls_and_long_line);
    tcase_add_test(tc, connect_to_and_cleanup);
    tcase_add_test(tc, all_scenarios_start);
    suite_add_tcase(s, tc);
    return s;
}
