/* test_domain - normalising what a user typed (A-labels via libidn2, one trailing dot,
 * lower case, LDH rules, refusals with one-line reasons) and domain_is_hostname. */
#include "testlib.h"
#include "domain.h"
#include <stdlib.h>
#include <string.h>

struct dcase {
    const char *in;
    const char *out; /* NULL: refused */
    const char *why; /* substring of the reason when refused */
};

static const struct dcase cases[] = {
    {"example.com", "example.com", NULL},
    {"Example.COM", "example.com", NULL},
    {"example.com.", "example.com", NULL},
    {"mail.sub.example.co.uk", "mail.sub.example.co.uk", NULL},
    {"xn--bcher-kva.example", "xn--bcher-kva.example", NULL},
    {"XN--BCHER-KVA.Example", "xn--bcher-kva.example", NULL},
    {"b\xc3\xbc" "cher.example", "xn--bcher-kva.example", NULL},
    {"M\xc3\xbcnchen.DE", "xn--mnchen-3ya.de", NULL},
    {"fa\xc3\x9f.de", "xn--fa-hia.de", NULL}, /* non-transitional: sharp s kept */
    {"\xe4\xbe\x8b\xe3\x81\x88.\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88", "xn--r8jz45g.xn--zckzah",
     NULL},
    {"example\xe3\x80\x82" "com", "example.com", NULL}, /* U+3002 ideographic full stop */
    {"example.com\xe3\x80\x82", "example.com", NULL},   /* ... also as the trailing dot */
    {"a-b.example", "a-b.example", NULL},
    {"1password.com", "1password.com", NULL},
    {"x.y", "x.y", NULL},
    /* refusals */
    {"", NULL, "empty domain"},
    {".", NULL, "empty domain"},
    {" example.com", NULL, "leading or trailing whitespace"},
    {"example.com ", NULL, "leading or trailing whitespace"},
    {"example.com\n", NULL, "leading or trailing whitespace"},
    {"exa mple.com", NULL, "whitespace inside"},
    {"exa\x01mple.com", NULL, "control character"},
    {"exa\x7fmple.com", NULL, "control character"},
    {"example.com..", NULL, "empty label"},
    {"a..example.com", NULL, "empty label"},
    {".example.com", NULL, "empty label"},
    {"com", NULL, "single label"},
    {"localhost.", NULL, "single label"},
    {"192.0.2.1", NULL, "IP address"},
    {"192.0.2.1.", NULL, "IP address"},
    {"2001:db8::1", NULL, "IP address"},
    {"[192.0.2.1]", NULL, "IP address"},
    {"1.2.3", NULL, "all digits"},
    {"ex_ample.com", NULL, "'_'"},
    {"_mta-sts.example.com", NULL, "'_'"},
    {"-example.com", NULL, "begins or ends with '-'"},
    {"example-.com", NULL, "begins or ends with '-'"},
    {"exa$mple.com", NULL, "other than letters"},
    {"xn--zz.com", NULL, "not a valid internationalised domain name"},
    {"\xe2\x98\x83.net", NULL, "not a valid internationalised domain name"}, /* snowman */
    {"a\xe2\x80\xae" "b.com", NULL, "not a valid internationalised domain name"},
    {"\xff\xfe.com", NULL, "not a valid internationalised domain name"},
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com", NULL,
     "longer than 63"},
};

START_TEST(table)
{
    const struct dcase *c = &cases[_i];
    char out[256], err[256];
    memset(out, 'X', sizeof out);
    err[0] = '\0';
    int rc = domain_normalize(c->in, out, sizeof out, err, sizeof err);
    if (c->out) {
        ck_assert_msg(rc == 0, "case %d: refused: %s", _i, err);
        ck_assert_str_eq(out, c->out);
        ck_assert(domain_is_hostname(out));
    } else {
        ck_assert_msg(rc == -1, "case %d: accepted as '%s'", _i, out);
        ck_assert_msg(strstr(err, c->why) != NULL, "case %d: reason '%s' lacks '%s'", _i, err,
                      c->why);
        ck_assert_ptr_null(strchr(err, '\n'));
        ck_assert_str_eq(out, ""); /* never half-written */
    }
}
END_TEST

START_TEST(length_limits)
{
    char in[400], out[256], err[128];
    /* 4 labels of 63 = 252 + 3 dots = 255 > 253 */
    memset(in, 'a', sizeof in);
    in[63] = in[127] = in[191] = '.';
    in[255] = '\0';
    ck_assert_int_eq(domain_normalize(in, out, sizeof out, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "longer than 253"));
    in[253] = '\0'; /* exactly 253 */
    ck_assert_int_eq(domain_normalize(in, out, sizeof out, err, sizeof err), 0);
    ck_assert_uint_eq(strlen(out), 253);
    in[253] = '.'; /* 253 plus the one trailing dot */
    in[254] = '\0';
    ck_assert_int_eq(domain_normalize(in, out, sizeof out, err, sizeof err), 0);
    ck_assert_uint_eq(strlen(out), 253);
    /* a huge input is refused, not copied */
    char *big = malloc(100001);
    memset(big, 'a', 100000);
    big[100000] = '\0';
    big[5] = '.';
    ck_assert_int_eq(domain_normalize(big, out, sizeof out, err, sizeof err), -1);
    free(big);
}
END_TEST

START_TEST(bad_arguments)
{
    char out[256], small[10], err[64];
    ck_assert_int_eq(domain_normalize(NULL, out, sizeof out, err, sizeof err), -1);
    ck_assert_str_eq(err, "empty domain");
    ck_assert_int_eq(domain_normalize("example.com", small, sizeof small, err, sizeof err), -1);
    ck_assert_int_eq(domain_normalize("", out, sizeof out, NULL, 0), -1); /* err optional */
    char tiny[8];
    ck_assert_int_eq(domain_normalize("ex_ample.com", out, sizeof out, tiny, sizeof tiny), -1);
    ck_assert_uint_eq(strlen(tiny), 7); /* reason cut to fit, still terminated */
}
END_TEST

START_TEST(is_hostname)
{
    static const struct { const char *s; int want; } c[] = {
        {"mail.example.com", 1}, {"MAIL.Example.com", 1}, {"localhost", 1},
        {"mail.example.com.", 1}, {"xn--bcher-kva.example", 1}, {"a", 1},
        {"", 0}, {".", 0}, {"mail..example.com", 0}, {".example.com", 0},
        {"mail.example.com..", 0}, {"-a.example", 0}, {"a-.example", 0},
        {"a_b.example", 0}, {"*.example.com", 0}, {"mail example.com", 0},
        {"b\xc3\xbc" "cher.example", 0}, {"mail.example.com:25", 0},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com", 0},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        ck_assert_msg(domain_is_hostname(c[i].s) == c[i].want, "'%s'", c[i].s);
    ck_assert_int_eq(domain_is_hostname(NULL), 0);
    char n[300];
    memset(n, 'a', sizeof n);
    n[63] = n[127] = n[191] = '.';
    n[254] = '\0';
    ck_assert_int_eq(domain_is_hostname(n), 0); /* 254 */
    n[253] = '\0';
    ck_assert_int_eq(domain_is_hostname(n), 1); /* 253 */
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("domain");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, table, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, length_limits);
    tcase_add_test(tc, bad_arguments);
    tcase_add_test(tc, is_hostname);
    suite_add_tcase(s, tc);
    return s;
}
