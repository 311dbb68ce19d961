/* test_sts_mx - RFC 8461 4.1 mx matching, pattern syntax, and the explanations a person
 * reads when an MX host is not covered. */
#include "testlib.h"
#include "sts.h"
#include <stdlib.h>
#include <string.h>

struct mcase {
    const char *pattern, *host;
    bool want;
};

static const struct mcase match_cases[] = {
    /* RFC 8461 4.1 examples */
    {"*.example.com", "mail.example.com", true},
    {"*.example.com", "example.com", false},
    {"*.example.com", "foo.bar.example.com", false},
    {"mail.example.com", "mail.example.com", true},
    /* case-insensitive, one trailing dot on the host */
    {"mail.example.com", "MAIL.Example.COM", true},
    {"MAIL.example.com", "mail.example.com", true},
    {"mail.example.com", "mail.example.com.", true},
    {"mail.example.com", "mail.example.com..", false},
    {"*.example.com", "MX1.EXAMPLE.COM.", true},
    {"*.example.com", "example.com.", false},
    /* suffixes that only look alike */
    {"*.example.com", "mail.badexample.com", false},
    {"*.example.com", "mail.example.com.evil", false},
    {"example.com", "mail.example.com", false},
    {"mail.example.com", "example.com", false},
    {"mail.example.com", "xmail.example.com", false},
    {"*.example.com", ".example.com", false},
    {"*.example.com", "a..example.com", false},
    /* real policies */
    {"*.mail.protection.outlook.com", "microsoft-com.mail.protection.outlook.com", true},
    {"*.mail.protection.outlook.com", "mail.protection.outlook.com", false},
    {"*.gmail-smtp-in.l.google.com", "alt1.gmail-smtp-in.l.google.com", true},
    {"gmail-smtp-in.l.google.com", "gmail-smtp-in.l.google.com", true},
    {"*.aspmx.l.google.com", "aspmx.l.google.com", false}, /* the Workspace trap */
    {"*.aspmx.l.google.com", "alt1.aspmx.l.google.com", true},
    {"*.pue.de", "firewall.pue.de", true},
    {"*.messagingengine.com", "in1-smtp.messagingengine.com", true},
    {"xn--bcher-kva.example", "XN--BCHER-KVA.example", true},
    /* degenerate input */
    {"", "mail.example.com", false},
    {"*.", "mail.", false},
    {"*", "mail", false},
    {"mail.example.com", "", false},
    {"mail.example.com", ".", false},
    {"*.com", "example.com", true},
};

START_TEST(match_table)
{
    const struct mcase *c = &match_cases[_i];
    ck_assert_msg(sts_mx_match(c->pattern, c->host) == c->want, "'%s' vs '%s': want %d",
                  c->pattern, c->host, c->want);
}
END_TEST

START_TEST(match_null)
{
    ck_assert(!sts_mx_match(NULL, "a.example"));
    ck_assert(!sts_mx_match("a.example", NULL));
}
END_TEST

struct vcase {
    const char *pattern;
    bool valid;
    const char *why; /* substring of the reason when invalid */
};

static const struct vcase valid_cases[] = {
    {"mail.example.com", true, NULL},
    {"*.example.com", true, NULL},
    {"*.mail.protection.outlook.com", true, NULL},
    {"xn--bcher-kva.example", true, NULL},
    {"mx-1.example.com", true, NULL},
    {"localhost", true, NULL}, /* RFC 5321 Domain allows one label */
    {"a", true, NULL},
    {"", false, "empty"},
    {"212.114.86.56", false, "IP address"},
    {"[212.114.86.56]", false, "IP address"},
    {"2001:db8::1", false, "IP address"},
    {"::1", false, "IP address"},
    {"mail.example.com:25", false, "port"},
    {"mail.example.com.", false, "ends with a dot"},
    {"*.example.com.", false, "ends with a dot"},
    {"a.example.com,b.example.com", false, "comma-separated"},
    {"a.example.com, b.example.com", false, "comma-separated"},
    {"mx*.example.com", false, "whole first label"},
    {"*mx.example.com", false, "whole first label"},
    {"*.*.example.com", false, "whole first label"},
    {"mail.*.example.com", false, "whole first label"},
    {"*", false, "whole first label"},
    {"*.", false, "empty"},
    {".example.com", false, "empty label"},
    {"mail..example.com", false, "empty label"},
    {"mail_1.example.com", false, "'_'"},
    {"-mail.example.com", false, "'-'"},
    {"mail-.example.com", false, "'-'"},
    {"m\xc3\xbcller.example", false, "A-label"},
    {"mail example.com", false, "whitespace"},
    {"mail.example.com\t", false, "whitespace"},
    {"mail/x.example.com", false, "other than letters"},
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example", false,
     "longer than 63"},
};

START_TEST(valid_table)
{
    const struct vcase *c = &valid_cases[_i];
    const char *why = "unset";
    bool v = sts_mx_pattern_valid(c->pattern, &why);
    ck_assert_msg(v == c->valid, "'%s': valid=%d (%s)", c->pattern, v, why ? why : "-");
    if (c->valid) {
        ck_assert_ptr_null(why);
    } else {
        ck_assert_ptr_nonnull(why);
        ck_assert_msg(strstr(why, c->why) != NULL, "'%s': reason '%s' lacks '%s'", c->pattern,
                      why, c->why);
    }
}
END_TEST

START_TEST(valid_limits)
{
    char name[300];
    /* 4 labels of 63 + 3 dots = 255 > 253 */
    memset(name, 'a', sizeof name);
    name[63] = name[127] = name[191] = '.';
    name[255] = '\0';
    const char *why;
    ck_assert(!sts_mx_pattern_valid(name, &why));
    ck_assert_ptr_nonnull(strstr(why, "253"));
    name[253] = '\0'; /* 253: allowed */
    ck_assert(sts_mx_pattern_valid(name, NULL));
    ck_assert(!sts_mx_pattern_valid(NULL, &why));
}
END_TEST

/* policy_of - a policy with the given patterns (borrowed strings; do not free). */
static struct sts_policy policy_of(const char **pats, size_t n)
{
    struct sts_policy p = {0};
    p.valid = true;
    p.mode = STS_MODE_ENFORCE;
    p.mx = (char **)pats;
    p.nmx = n;
    return p;
}

static void expect_explain(const struct sts_policy *p, const char *host, int want_index,
                           const char *want)
{
    char *e = NULL;
    int i = sts_policy_match_mx(p, host, &e);
    ck_assert_msg(i == want_index, "%s: index %d, want %d (%s)", host, i, want_index, e);
    ck_assert_ptr_nonnull(e);
    ck_assert_msg(strcmp(e, want) == 0, "%s:\n got  '%s'\n want '%s'", host, e, want);
    free(e);
}

START_TEST(explain_matches)
{
    const char *pats[] = {"mail.example.com", "*.mail.protection.outlook.com",
                          "*.example.com"};
    struct sts_policy p = policy_of(pats, 3);
    expect_explain(&p, "microsoft-com.mail.protection.outlook.com", 1,
                   "matched mx: *.mail.protection.outlook.com");
    expect_explain(&p, "MAIL.example.com.", 0, "matched mx: mail.example.com");
    expect_explain(&p, "backup.example.com", 2, "matched mx: *.example.com");
    ck_assert_int_eq(sts_policy_match_mx(&p, "backup.example.com", NULL), 2);
}
END_TEST

START_TEST(explain_wildcards)
{
    const char *pats[] = {"*.example.com"};
    struct sts_policy p = policy_of(pats, 1);
    expect_explain(&p, "mx1.eu.example.com", -1,
                   "no mx: pattern matches; *.example.com covers only one label before "
                   "example.com, but mx1.eu.example.com has two");
    expect_explain(&p, "a.b.c.example.com", -1,
                   "no mx: pattern matches; *.example.com covers only one label before "
                   "example.com, but a.b.c.example.com has three");
    expect_explain(&p, "example.com", -1,
                   "no mx: pattern matches; example.com is not covered by *.example.com (a "
                   "wildcard never matches the bare domain)");
    expect_explain(&p, "Example.COM.", -1,
                   "no mx: pattern matches; Example.COM is not covered by *.example.com (a "
                   "wildcard never matches the bare domain)");
}
END_TEST

/* The Google Workspace trap from field-guide (d): one pattern, several kinds of miss. */
START_TEST(explain_workspace_trap)
{
    const char *pats[] = {"*.aspmx.l.google.com"};
    struct sts_policy p = policy_of(pats, 1);
    expect_explain(&p, "alt1.aspmx.l.google.com", 0, "matched mx: *.aspmx.l.google.com");
    expect_explain(&p, "aspmx.l.google.com", -1,
                   "no mx: pattern matches; aspmx.l.google.com is not covered by "
                   "*.aspmx.l.google.com (a wildcard never matches the bare domain)");
    expect_explain(&p, "aspmx2.googlemail.com", -1,
                   "no mx: pattern matches; aspmx2.googlemail.com matches none of "
                   "*.aspmx.l.google.com (add 'mx: aspmx2.googlemail.com' to the policy)");
}
END_TEST

START_TEST(explain_siblings_and_lists)
{
    const char *pats[] = {"mx1.example.com", "mx2.example.com"};
    struct sts_policy p = policy_of(pats, 2);
    expect_explain(&p, "mx3.example.com", -1,
                   "no mx: pattern matches; mx3.example.com is not listed, although "
                   "mx1.example.com and mx2.example.com in the same domain are (add "
                   "'mx: mx3.example.com')");
    const char *one[] = {"x.eu.example.com", "*.example.com"};
    struct sts_policy o = policy_of(one, 2);
    expect_explain(&o, "y.eu.example.com", -1,
                   "no mx: pattern matches; *.example.com covers only one label before "
                   "example.com, but y.eu.example.com has two; y.eu.example.com is not "
                   "listed, although x.eu.example.com in the same domain is (add "
                   "'mx: y.eu.example.com')");
    const char *many[] = {"a.one.net", "b.two.net", "c.three.net", "d.four.net",
                          "e.five.net", "f.six.net", "g.seven.net", "h.eight.net"};
    struct sts_policy q = policy_of(many, 8);
    expect_explain(&q, "mail.other.org", -1,
                   "no mx: pattern matches; mail.other.org matches none of a.one.net, "
                   "b.two.net, c.three.net, d.four.net, e.five.net, f.six.net and 2 more "
                   "(add 'mx: mail.other.org' to the policy)");
}
END_TEST

START_TEST(explain_degenerate)
{
    struct sts_policy empty = policy_of(NULL, 0);
    expect_explain(&empty, "mail.example.com", -1,
                   "no mx: pattern matches; the policy lists no mx patterns, so "
                   "mail.example.com cannot match");
    expect_explain(NULL, "mail.example.com", -1,
                   "no mx: pattern matches; the policy lists no mx patterns, so "
                   "mail.example.com cannot match");
    const char *pats[] = {"mail.example.com"};
    struct sts_policy p = policy_of(pats, 1);
    expect_explain(&p, "", -1, "no mx: pattern matches; the MX host name is empty");
    expect_explain(&p, ".", -1, "no mx: pattern matches; the MX host name is empty");
    expect_explain(&p, NULL, -1, "no mx: pattern matches; the MX host name is empty");
    /* a hostile host name is escaped in the sentence */
    char *e = NULL;
    ck_assert_int_eq(sts_policy_match_mx(&p, "evil\x1b[2J.example.com", &e), -1);
    ck_assert_ptr_null(strchr(e, '\x1b'));
    ck_assert_ptr_nonnull(strstr(e, "evil\\x1b[2J.example.com"));
    free(e);
}
END_TEST

/* The parser's output feeds the matcher: a parsed real policy. */
START_TEST(parsed_policy)
{
    const char *b = "version: STSv1\nmode: enforce\nmx: gmail-smtp-in.l.google.com\n"
                    "mx: *.gmail-smtp-in.l.google.com\nmax_age: 86400\n";
    struct sts_policy p;
    ck_assert_int_eq(sts_policy_parse((const unsigned char *)b, strlen(b), &p, NULL,
                                      STEP_POLICY, "gmail.com"), 0);
    ck_assert_int_eq(sts_policy_match_mx(&p, "gmail-smtp-in.l.google.com.", NULL), 0);
    ck_assert_int_eq(sts_policy_match_mx(&p, "alt4.gmail-smtp-in.l.google.com", NULL), 1);
    ck_assert_int_eq(sts_policy_match_mx(&p, "smtp.google.com", NULL), -1);
    sts_policy_free(&p);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("sts_mx");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, match_table, 0, (int)(sizeof match_cases / sizeof match_cases[0]));
    tcase_add_test(tc, match_null);
    tcase_add_loop_test(tc, valid_table, 0, (int)(sizeof valid_cases / sizeof valid_cases[0]));
    tcase_add_test(tc, valid_limits);
    tcase_add_test(tc, explain_matches);
    tcase_add_test(tc, explain_wildcards);
    tcase_add_test(tc, explain_workspace_trap);
    tcase_add_test(tc, explain_siblings_and_lists);
    tcase_add_test(tc, explain_degenerate);
    tcase_add_test(tc, parsed_policy);
    suite_add_tcase(s, tc);
    return s;
}
