/* test_tui_view - the detail, certificate and export views on hand-made reports: what a person
 * must see is there (problems with fix and RFC, evidence, every certificate field), and nothing
 * a hostile server sent can reach the terminal as a control byte. */
#include "testlib.h"
#include "report_fixtures.h"
#include "tui_export.h"
#include "tui_learn.h"
#include "tui_model.h"
#include "view_cert.h"
#include "view_detail.h"
#include "present.h"
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

/* has - true when some line contains needle. */
static bool has(const struct tui_lines *l, const char *needle)
{
    for (size_t i = 0; i < l->n; i++)
        if (strstr(l->v[i].text, needle))
            return true;
    return false;
}

static void detail_of(struct tui_lines *out, const struct report *r, const char *key)
{
    struct tui_model m = {0};
    tui_model_build(&m, r, r->duration_ms, time(NULL));
    long k = tui_model_find(&m, key);
    ck_assert_msg(k >= 0, "no row %s", key);
    struct view_ctx v = {.r = r, .now_ms = r->duration_ms, .now = time(NULL), .utf8 = true};
    view_detail_build(out, &v, &m.rows[k]);
    tui_model_free(&m);
}

/* cert_row - a TN_CERT row for a chain outside any MX address (the policy host's). */
static const struct tui_row *cert_row(const struct tls_info *tls, const struct cert_info *c)
{
    static struct tui_row row;
    row = (struct tui_row){.node = TN_CERT, .tls = tls, .cert = c, .cert_owner = "mta-sts.example.com",
                           .cert_where = "192.0.2.1"};
    return &row;
}

START_TEST(problem_explained)
{
    struct report *r = fx_expired();
    struct tui_lines l = {0};
    detail_of(&l, r, "tls:mx.expired.example|192.0.2.29");
    ck_assert(has(&l, "tls.cert.expired"));
    ck_assert(has(&l, "RFC 8461 4.2"));
    ck_assert(has(&l, "What it means: The MX certificate is expired"));
    ck_assert(has(&l, "Fix: Renew the certificate"));
    ck_assert(has(&l, "certificate-expired"));           /* what a sender reports */
    ck_assert(has(&l, "the certificate expired 3 days ago")); /* the concrete message */
    ck_assert(has(&l, "TLSv1.3"));
    ck_assert(has(&l, "chain verified: no"));
    ck_assert(has(&l, "#0 CN=mx.expired.example"));      /* chain listed leaf to root */
    ck_assert(has(&l, "#1 CN="));
    tui_lines_clear(&l);
    /* the SMTP row of the same address has no TLS problem */
    detail_of(&l, r, "smtp:mx.expired.example|192.0.2.29");
    ck_assert(!has(&l, "tls.cert.expired"));
    ck_assert(has(&l, "C: EHLO mxray.invalid"));
    ck_assert(has(&l, "    13 C: EHLO mxray.invalid"));  /* with its timestamp */
    ck_assert(has(&l, "S: 220 2.0.0 Ready to start TLS"));
    ck_assert(has(&l, "STARTTLS offered: yes"));
    tui_lines_clear(&l);
    report_free(r);
}
END_TEST

START_TEST(domain_placeholder_replaced)
{
    struct report *r = fx_no_record();
    struct tui_lines l = {0};
    detail_of(&l, r, "sts");
    ck_assert(has(&l, "sts.record.missing"));
    ck_assert(has(&l, "_mta-sts.norecord.example IN TXT"));
    ck_assert(!has(&l, "DOMAIN"));
    ck_assert(has(&l, "google-site-verification=abc"));
    tui_lines_clear(&l);
    free(r->domain);
    r->domain = xstrdup("a.example");
    char *s = present_fill("at DOMAIN and mta-sts.DOMAIN.", r, NULL);
    ck_assert_str_eq(s, "at a.example and mta-sts.a.example.");
    free(s);
    report_free(r);
}
END_TEST

START_TEST(policy_evidence)
{
    struct report *r = fx_all_good();
    free(r->policy.body_text);
    r->policy.body_text = xstrdup("version: STSv1\\r\\nmode: enforce\\r\\nmx: a\\\\b\\r\\n");
    struct tui_lines l = {0};
    detail_of(&l, r, "policy");
    ck_assert(has(&l, "HTTP/1.1 200 OK"));
    ck_assert(has(&l, "Cache-Control: max-age=60"));
    ck_assert(has(&l, "mx: *.backup.example.com"));
    ck_assert(has(&l, "mode: enforce"));
    ck_assert(has(&l, "max_age: 604800"));
    ck_assert(has(&l, "line endings: CRLF"));
    ck_assert(has(&l, "mx: a\\\\b")); /* other escapes are kept as escapes */
    tui_lines_clear(&l);

    view_split_escaped(&l, "a\\r\\nb\\nc", TR_NORMAL, 0);
    ck_assert_uint_eq(l.n, 3);
    ck_assert_str_eq(l.v[0].text, "a");
    ck_assert_str_eq(l.v[2].text, "c");
    tui_lines_clear(&l);
    report_free(r);
}
END_TEST

START_TEST(redirect_and_null_mx)
{
    struct report *r = fx_redirect();
    struct tui_lines l = {0};
    detail_of(&l, r, "policy");
    ck_assert(has(&l, "sts.policy.redirect"));
    ck_assert(has(&l, "redirect to https://www.redirect.example/ (not followed"));
    ck_assert(has(&l, "HTTP/1.1 301 Moved"));
    tui_lines_clear(&l);
    report_free(r);
    r = fx_null_mx();
    detail_of(&l, r, "mx");
    ck_assert(has(&l, "null MX (MX 0 .)"));
    ck_assert(has(&l, "mx.null"));
    ck_assert(has(&l, "not applicable"));
    tui_lines_clear(&l);
    report_free(r);
}
END_TEST

START_TEST(host_and_mismatch)
{
    struct report *r = fx_mismatch();
    struct tui_lines l = {0};
    detail_of(&l, r, "host:old-mx.mismatch.example");
    ck_assert(has(&l, "mx.policy_mismatch"));
    ck_assert(has(&l, "policy match: no"));
    tui_lines_clear(&l);
    detail_of(&l, r, "addr:old-mx.mismatch.example|192.0.2.28");
    ck_assert(has(&l, "would NOT deliver"));
    ck_assert(has(&l, "validation-failure"));
    tui_lines_clear(&l);
    report_free(r);
}
END_TEST

START_TEST(cert_every_field)
{
    struct report *r = fx_all_good();
    struct cert_info *c = &r->mx.hosts[0]->addrs[0]->smtp->tls.chain[0];
    c->key_usage = xstrdup("Digital Signature");
    c->ext_key_usage = xstrdup("TLS Web Server Authentication");
    xptr_push((void ***)&c->ocsp, &c->nocsp, xstrdup("http://ocsp.example/"));
    xptr_push((void ***)&c->crl, &c->ncrl, xstrdup("http://crl.example/ca.crl"));
    xptr_push((void ***)&c->san_ip, &c->nsan_ip, xstrdup("192.0.2.25"));
    c->sct_count = 2;
    c->pem = xstrdup("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    struct view_ctx v = {.r = r, .now = time(NULL), .utf8 = false};
    const struct tls_info *tls = &r->mx.hosts[0]->addrs[0]->smtp->tls;
    struct tui_lines l = {0};
    view_cert_build(&l, &v, cert_row(tls, c));
    static const char *const want[] = {
        "subject: CN=mx1.example.com", "DNS:mx1.example.com", "IP:192.0.2.25",
        "issuer:  CN=", "not before:", "days ago)", "not after:", "(in 80 days)",
        "serial: 0A1B2C", "key: EC P-256", "signature: ecdsa-with-SHA256", "SHA-256: AB:CD:EF:01",
        "SHA-1: 01:02", "SPKI SHA-256: deadbeef", "basic constraints: CA:FALSE",
        "key usage: Digital Signature", "extended key usage: TLS Web Server Authentication",
        "http://ocsp.example/", "CA issuers: none", "http://crl.example/ca.crl",
        "embedded SCTs (certificate transparency): 2", "[ok] pass"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_msg(has(&l, want[i]), "missing %s", want[i]);
    ck_assert(!has(&l, "BEGIN CERTIFICATE"));
    tui_lines_clear(&l);
    /* p: the PEM line for line, nothing added, nothing indented (copying it must work) */
    free(c->pem);
    c->pem = xstrdup("-----BEGIN CERTIFICATE-----\n"
                     "MIIBszCCAVmgAwIBAgIUQ0FfVGVzdF9DZXJ0X0Zvcl9NeHJheV9UdWlfUGVtMAoG\n"
                     "SM49BAMCMA==\n-----END CERTIFICATE-----\n");
    ck_assert_int_eq(view_cert_pem(&l, c), 64);
    ck_assert_uint_eq(l.n, 4);
    ck_assert_str_eq(l.v[0].text, "-----BEGIN CERTIFICATE-----");
    ck_assert_str_eq(l.v[1].text, "MIIBszCCAVmgAwIBAgIUQ0FfVGVzdF9DZXJ0X0Zvcl9NeHJheV9UdWlfUGVtMAoG");
    ck_assert_str_eq(l.v[2].text, "SM49BAMCMA==");
    ck_assert_str_eq(l.v[3].text, "-----END CERTIFICATE-----");
    for (size_t i = 0; i < l.n; i++)
        ck_assert_int_eq(l.v[i].indent, 0);
    tui_lines_clear(&l);

    /* w: a file with fingerprints and the PEM, never overwriting */
    char dir[] = "/tmp/mxray-tui-XXXXXX", name[300], path[512], err[600];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    view_cert_file_name(name, sizeof name, "mx1.example.com", "2001:db8::25", 0);
    ck_assert_str_eq(name, "mxray-cert-mx1.example.com-2001_db8__25-0.pem");
    ck_assert_int_eq(view_cert_write(dir, name, c, path, sizeof path, err, sizeof err), 0);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    char buf[1024] = {0};
    size_t got = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    ck_assert_uint_gt(got, 0);
    ck_assert_ptr_nonnull(strstr(buf, "SHA-256 fingerprint: AB:CD:EF:01"));
    ck_assert_ptr_nonnull(strstr(buf, "-----END CERTIFICATE-----\n"));
    /* issue 12: w twice said "File exists"; now a new name, as the exports get */
    char path2[512];
    ck_assert_int_eq(view_cert_write(dir, name, c, path2, sizeof path2, err, sizeof err), 0);
    ck_assert_ptr_nonnull(strstr(path2, "-0-2.pem"));
    unlink(path);
    unlink(path2);
    rmdir(dir);
    report_free(r);
}
END_TEST

START_TEST(cert_expired_relative)
{
    struct report *r = fx_expired();
    const struct tls_info *tls = &r->mx.hosts[0]->addrs[0]->smtp->tls;
    struct view_ctx v = {.r = r, .now = time(NULL), .utf8 = true};
    struct tui_lines l = {0};
    view_cert_build(&l, &v, cert_row(tls, &tls->chain[0]));
    ck_assert(has(&l, "expired 2 days ago")); /* fixture: 3 days minus one hour */
    ck_assert(has(&l, "✗ fail"));
    tui_lines_clear(&l);
    char b[100];
    view_cert_validity(b, sizeof b, "X", 1000 + 86400 * 5, 1000);
    ck_assert_str_eq(b, "X (in 5 days)");
    view_cert_validity(b, sizeof b, "X", 1000, 1000 + 86400);
    ck_assert_str_eq(b, "X (1 day ago)");
    report_free(r);
}
END_TEST

/* Whatever a hostile server sent, once drawn through tui_text_decode no control character
 * remains, on every row of the tree and for every width. */
START_TEST(hostile_strings_are_drawable)
{
    ck_assert_ptr_nonnull(setlocale(LC_ALL, "C.UTF-8"));
    struct report *r = fx_hostile();
    struct tui_model m = {0};
    tui_model_build(&m, r, r->duration_ms, time(NULL));
    struct view_ctx v = {.r = r, .now = time(NULL), .utf8 = true};
    bool saw_banner = false;
    for (size_t i = 0; i < m.n; i++) {
        struct tui_lines l = {0}, w = {0};
        view_detail_build(&l, &v, &m.rows[i]);
        if (m.rows[i].node == TN_CERT) {
            view_cert_build(&l, &v, &m.rows[i]);
            view_cert_pem(&l, m.rows[i].cert);
        }
        saw_banner |= has(&l, "banner: say");
        for (int width = 20; width <= 100; width += 40) {
            tui_lines_wrap(&l, width, 2, &w);
            for (size_t j = 0; j < w.n; j++) {
                wchar_t out[512];
                int used = tui_text_decode(w.v[j].text, width, out, 512);
                ck_assert_int_le(used, width);
                for (size_t k = 0; out[k]; k++)
                    ck_assert(out[k] >= 0x20 && out[k] != 0x7f && !(out[k] >= 0x80 && out[k] < 0xa0));
            }
        }
        tui_lines_clear(&l);
        tui_lines_clear(&w);
    }
    ck_assert(saw_banner);
    tui_model_free(&m);
    report_free(r);
}
END_TEST

START_TEST(markdown_export)
{
    struct report *r = fx_no_starttls();
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    tui_export_markdown(f, r, time(NULL));
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "# MTA-STS check of plain.example"));
    ck_assert_ptr_nonnull(strstr(buf, "Verdict: **warn**"));
    ck_assert_ptr_nonnull(strstr(buf, "Policy mode: testing"));
    ck_assert_ptr_nonnull(strstr(buf, "`smtp.starttls_missing`"));
    ck_assert_ptr_nonnull(strstr(buf, "Fix: Enable STARTTLS"));
    /* the sender's view with the engine's marks, then the sub-steps */
    ck_assert_ptr_nonnull(strstr(buf, "| mx.plain.example | 192.0.2.30 | warn | warn: a sender "
                                      "delivers here in testing mode but reports "
                                      "starttls-not-supported"));
    ck_assert_ptr_nonnull(strstr(buf, "- **warn** SMTP connect, EHLO, STARTTLS"));
    ck_assert_ptr_nonnull(strstr(buf, "- **n/a** TLS handshake and certificate"));
    ck_assert_ptr_nonnull(strstr(buf, "SMTP transcript of mx.plain.example [192.0.2.30]"));
    ck_assert_ptr_nonnull(strstr(buf, "```\nv=STSv1; id=4\n```"));
    free(buf);
    report_free(r);
}
END_TEST

START_TEST(export_files)
{
    struct report *r = fx_all_good();
    char dir[] = "/tmp/mxray-tui-XXXXXX", path[4096], path2[4096], err[4200];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    time_t when = 1767225600; /* 2026-01-01 00:00:00Z */
    ck_assert_int_eq(tui_export(r, TX_JSON, dir, when, path, sizeof path, err, sizeof err), 0);
    ck_assert_ptr_nonnull(strstr(path, "/mxray-example.com-20260101-000000.json"));
    ck_assert_int_eq(tui_export(r, TX_JSON, dir, when, path2, sizeof path2, err, sizeof err), 0);
    ck_assert_ptr_nonnull(strstr(path2, "-000000-2.json")); /* never overwrites */
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fgetc(f), '{');
    fclose(f);
    unlink(path);
    unlink(path2);
    ck_assert_int_eq(tui_export(r, TX_MARKDOWN, dir, when, path, sizeof path, err, sizeof err), 0);
    ck_assert_ptr_nonnull(strstr(path, ".md"));
    unlink(path);
    ck_assert_int_eq(tui_export(r, TX_TEXT, dir, when, path, sizeof path, err, sizeof err), 0);
    ck_assert_ptr_nonnull(strstr(path, ".txt"));
    unlink(path);
    rmdir(dir);
    ck_assert_int_eq(tui_export(r, TX_TEXT, "/nonexistent-dir", when, path, sizeof path, err,
                                sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "No such file"));
    report_free(r);
}
END_TEST

/* issue 12: on a full disk export said "write failed" and left a 0-byte file. A file-size
 * limit makes the write fail the same way without root (EFBIG instead of ENOSPC). */
START_TEST(export_failed_write_says_why_and_keeps_nothing)
{
    struct report *r = fx_all_good();
    char dir[] = "/tmp/mxray-tui-XXXXXX", path[4096], err[4200];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit old, small = {.rlim_cur = 16, .rlim_max = RLIM_INFINITY};
    getrlimit(RLIMIT_FSIZE, &old);
    small.rlim_max = old.rlim_max;
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
    int rc = tui_export(r, TX_JSON, dir, 1767225600, path, sizeof path, err, sizeof err);
    setrlimit(RLIMIT_FSIZE, &old);
    ck_assert_int_eq(rc, -1);
    ck_assert_ptr_nonnull(strstr(err, "File too large"));
    ck_assert_ptr_nonnull(strstr(err, "nothing kept"));
    ck_assert_int_eq(rmdir(dir), 0); /* empty: no 0-byte or partial file left */
    report_free(r);
}
END_TEST

START_TEST(learn_texts_exist)
{
    unsetenv("MXRAY_ASSETS");
    static const char *const names[] = {"sts_record", "policy", "mx", "mx_host", "smtp", "tls",
                                        "tlsrpt", "cert"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct tui_lines l = {0};
        ck_assert_msg(tui_learn_load(names[i], &l) == 0, "no learn text %s", names[i]);
        ck_assert_int_eq(l.v[0].role, TR_TITLE);
        ck_assert(has(&l, "RFC"));
        tui_lines_clear(&l);
    }
    struct tui_lines l = {0};
    ck_assert_int_eq(tui_learn_load("../etc/passwd", &l), -1);
    tui_lines_clear(&l);
    setenv("MXRAY_ASSETS", "/nonexistent", 1);
    ck_assert_int_eq(tui_learn_load("mx", &l), 0); /* falls back to the built-in path */
    tui_lines_clear(&l);
    unsetenv("MXRAY_ASSETS");
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("tui_view");
    TCase *tc = tcase_create("views");
    tcase_add_test(tc, problem_explained);
    tcase_add_test(tc, domain_placeholder_replaced);
    tcase_add_test(tc, policy_evidence);
    tcase_add_test(tc, redirect_and_null_mx);
    tcase_add_test(tc, host_and_mismatch);
    tcase_add_test(tc, cert_every_field);
    tcase_add_test(tc, cert_expired_relative);
    tcase_add_test(tc, hostile_strings_are_drawable);
    tcase_add_test(tc, markdown_export);
    tcase_add_test(tc, export_files);
    tcase_add_test(tc, export_failed_write_says_why_and_keeps_nothing);
    tcase_add_test(tc, learn_texts_exist);
    suite_add_tcase(s, tc);
    return s;
}
