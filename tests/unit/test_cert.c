/* test_cert - RFC 6125 6.4 name matching as RFC 8461 4.2 restricts it, cert_name_match on a
 * certificate (SAN only, never the CN), cert_days_left, and the free functions. */
#include "testlib.h"
#include "cert.h"
#include <stdlib.h>
#include <string.h>

struct name_case {
    const char *pattern;
    const char *host;
    bool want;
};

static const struct name_case name_cases[] = {
    /* exact, case-insensitive (RFC 6125 6.4.1) */
    {"mx1.example.com", "mx1.example.com", true},
    {"MX1.Example.COM", "mx1.example.com", true},
    {"mx1.example.com", "MX1.EXAMPLE.COM", true},
    {"mx1.example.com", "mx2.example.com", false},
    {"example.com", "mx1.example.com", false},
    {"mx1.example.com", "example.com", false},
    {"mx1.example.com", "mx1.example.com.evil", false},
    {"mx1.example.com", "xmx1.example.com", false},
    {"mx1.example.co", "mx1.example.com", false},
    {"mx1.example.com", "mx1.example.co", false},
    /* trailing dots ignored on either side */
    {"mx1.example.com.", "mx1.example.com", true},
    {"mx1.example.com", "mx1.example.com.", true},
    {"mx1.example.com.", "mx1.example.com.", true},
    {"mx1.example.com..", "mx1.example.com", false},
    {"mx1.example.com", "mx1.example.com..", false},
    /* wildcard: complete left-most label, exactly one label (RFC 8461 4.2, RFC 6125 6.4.3) */
    {"*.example.com", "mx1.example.com", true},
    {"*.example.com", "MX1.EXAMPLE.COM", true},
    {"*.EXAMPLE.com", "a.example.com", true},
    {"*.example.com", "mx1.example.com.", true},
    {"*.example.com.", "mx1.example.com", true},
    {"*.example.com", "example.com", false},
    {"*.example.com", "a.b.example.com", false},
    {"*.example.com", ".example.com", false},
    {"*.example.com", "mx1.example.org", false},
    {"*.example.com", "mx1.xexample.com", false},
    {"*.example.com", "mx1example.com", false},
    {"*.mail.protection.outlook.com", "contoso-com.mail.protection.outlook.com", true},
    {"*.example.com", "xn--bcher-kva.example.com", true},
    /* wildcards anywhere else never match */
    {"m*.example.com", "mx1.example.com", false},
    {"*x1.example.com", "mx1.example.com", false},
    {"*foo.example.com", "foo.example.com", false},
    {"mx*.example.com", "mx1.example.com", false},
    {"a.*.example.com", "a.b.example.com", false},
    {"mx1.*.com", "mx1.example.com", false},
    {"*.*.example.com", "a.b.example.com", false},
    {"**.example.com", "a.example.com", false},
    {"*", "localhost", false},
    {"*", "example.com", false},
    {"*.", "example.com", false},
    {"*.com", "example.com", false},
    {"*.com.", "example.com", false},
    {"*.example.com", "*.example.com", false},
    {"mx1.example.com", "*.example.com", false},
    {"xn--*.example.com", "xn--bcher-kva.example.com", false},
    /* IDN: A-labels compare as ASCII; U-labels never match */
    {"xn--bcher-kva.example", "xn--bcher-kva.example", true},
    {"XN--BCHER-KVA.example", "xn--bcher-kva.example", true},
    {"b\xc3\xbc" "cher.example", "xn--bcher-kva.example", false},
    {"xn--bcher-kva.example", "b\xc3\xbc" "cher.example", false},
    {"b\xc3\xbc" "cher.example", "b\xc3\xbc" "cher.example", false},
    /* empty and malformed names never match */
    {"", "", false},
    {"", "mx1.example.com", false},
    {"mx1.example.com", "", false},
    {".", ".", false},
    {"*.", ".", false},
    {"mx1..example.com", "mx1..example.com", false},
    {".mx1.example.com", ".mx1.example.com", false},
    {"mx1.example.com\\x00.evil", "mx1.example.com", false},
    {"mx 1.example.com", "mx 1.example.com", false},
    {"127.0.0.1", "127.0.0.1", true}, /* a dNSName spelling an address is just a name */
    {"mx1_x.example.com", "mx1_x.example.com", true},
};

START_TEST(name_match_table)
{
    const struct name_case *c = &name_cases[_i];
    ck_assert_msg(cert_name_match_one(c->pattern, c->host) == c->want,
                  "pattern \"%s\" host \"%s\": want %s", c->pattern, c->host,
                  c->want ? "match" : "no match");
}
END_TEST

START_TEST(name_match_null_and_long)
{
    ck_assert(!cert_name_match_one(NULL, "a.example.com"));
    ck_assert(!cert_name_match_one("a.example.com", NULL));
    /* a label over 63 bytes and a name over 253 bytes are not host names */
    char label[80], longname[400];
    memset(label, 'a', 64);
    strcpy(label + 64, ".example.com");
    ck_assert(!cert_name_match_one(label, label));
    label[63] = '.'; /* 63-byte label: fine */
    memmove(label + 63, label + 64, strlen(label + 64) + 1);
    ck_assert(cert_name_match_one(label, label));
    size_t o = 0;
    while (o < 300) {
        memcpy(longname + o, "abcdefghi.", 10);
        o += 10;
    }
    strcpy(longname + o, "com");
    ck_assert(!cert_name_match_one(longname, longname));
}
END_TEST

START_TEST(cert_match_uses_san_only)
{
    char *sans[] = {"a.example.net", "*.example.com"};
    struct cert_info leaf = {.san_dns = sans, .nsan_dns = 2, .common_name = "mx1.example.org"};
    const char *matched = "unchanged";
    ck_assert(cert_name_match(&leaf, "mx1.example.com", &matched));
    ck_assert_str_eq(matched, "*.example.com");
    ck_assert(cert_name_match(&leaf, "A.EXAMPLE.NET.", &matched));
    ck_assert_str_eq(matched, "a.example.net");
    /* The CN names the host, but RFC 8461 4.2 never falls back to it. */
    ck_assert(!cert_name_match(&leaf, "mx1.example.org", &matched));
    ck_assert_ptr_null(matched);
    ck_assert(!cert_name_match(&leaf, "example.com", NULL));
    struct cert_info cn_only = {.common_name = "mx1.example.com"};
    ck_assert(!cert_name_match(&cn_only, "mx1.example.com", &matched));
    ck_assert_ptr_null(matched);
    ck_assert(!cert_name_match(NULL, "mx1.example.com", &matched));
    ck_assert(!cert_name_match(&leaf, NULL, &matched));
}
END_TEST

START_TEST(days_left)
{
    struct cert_info c = {.not_after = 1000000};
    ck_assert_int_eq(cert_days_left(&c, 1000000), 0);
    ck_assert_int_eq(cert_days_left(&c, 1000000 - 86400 * 5), 5);
    ck_assert_int_eq(cert_days_left(&c, 1000000 - 86400 * 5 + 1), 4);
    ck_assert_int_eq(cert_days_left(&c, 1000000 + 3600), -1); /* expired an hour ago */
    ck_assert_int_eq(cert_days_left(&c, 1000000 + 86400), -1);
    ck_assert_int_eq(cert_days_left(&c, 1000000 + 86401), -2);
}
END_TEST

static char **strv(size_t n)
{
    char **v = calloc(n, sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = strdup("x");
    return v;
}

START_TEST(free_functions)
{
    /* Run under ASan/valgrind this proves every member is released; here it proves the
     * structs are zeroed and a second free is harmless. */
    struct tls_info t = {.present = true, .version = strdup("TLSv1.3"), .cipher = strdup("c"),
                         .group = strdup("X25519"), .sni = strdup("mx"),
                         .verify_error = strdup("e"), .hostname_note = strdup("n"),
                         .handshake_error = strdup("h")};
    t.errors = calloc(2, sizeof *t.errors);
    t.errors[0].text = strdup("a");
    t.errors[1].text = strdup("b");
    t.nerrors = 2;
    t.chain = calloc(1, sizeof *t.chain);
    t.nchain = 1;
    struct cert_info *c = &t.chain[0];
    c->subject = strdup("CN=x");
    c->san_dns = strv(3), c->nsan_dns = 3;
    c->san_ip = strv(1), c->nsan_ip = 1;
    c->ocsp = strv(1), c->nocsp = 1;
    c->ca_issuers = strv(1), c->nca_issuers = 1;
    c->crl = strv(2), c->ncrl = 2;
    c->der = malloc(4), c->der_len = 4;
    c->pem = strdup("-----");
    tls_info_free(&t);
    ck_assert_ptr_null(t.chain);
    ck_assert_uint_eq(t.nchain, 0);
    ck_assert(!t.present);
    tls_info_free(&t);
    tls_info_free(NULL);
    cert_info_free(NULL);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("cert");
    TCase *tc = tcase_create("names");
    tcase_add_loop_test(tc, name_match_table, 0, sizeof name_cases / sizeof name_cases[0]);
    tcase_add_test(tc, name_match_null_and_long);
    tcase_add_test(tc, cert_match_uses_san_only);
    suite_add_tcase(s, tc);
    tc = tcase_create("data");
    tcase_add_test(tc, days_left);
    tcase_add_test(tc, free_functions);
    suite_add_tcase(s, tc);
    return s;
}
