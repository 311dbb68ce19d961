/* test_sts_policy - the policy body parser (RFC 8461 3.2): every rule of the field guide's
 * P1-P12 rows, real-world policies, line numbers, line endings, bounds and hostile bytes,
 * and the seed corpus in tests/data/lint. */
#include "testlib.h"
#include "sts.h"
#include "mx_limits.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct problem *find(const struct problem_list *pl, const char *code,
                                  const char *needle)
{
    for (size_t i = 0; i < pl->n; i++) {
        const struct problem *p = &pl->items[i];
        if (strcmp(problem_def(p->id)->code, code) == 0 &&
            (!needle || strstr(p->message, needle)))
            return p;
    }
    return NULL;
}

static size_t count(const struct problem_list *pl, const char *code)
{
    size_t n = 0;
    for (size_t i = 0; i < pl->n; i++)
        n += strcmp(problem_def(pl->items[i].id)->code, code) == 0;
    return n;
}

static void dump(const struct problem_list *pl)
{
    for (size_t i = 0; i < pl->n; i++)
        fprintf(stderr, "  [%d] %s %s: %s\n", pl->items[i].line,
                severity_name(pl->items[i].severity), problem_def(pl->items[i].id)->code,
                pl->items[i].message);
}

static void assert_clean_messages(const struct problem_list *pl)
{
    /* one assertion per message: Check records every assertion, so keep loops cheap */
    for (size_t i = 0; i < pl->n; i++) {
        const unsigned char *m = (const unsigned char *)pl->items[i].message;
        while (*m >= 0x20 && *m != 0x7f)
            m++;
        ck_assert_msg(*m == 0, "raw byte 0x%02x in '%s'", *m, pl->items[i].message);
    }
}

static int parse(const char *body, size_t len, struct sts_policy *p, struct problem_list *pl)
{
    return sts_policy_parse((const unsigned char *)body, len, p, pl, STEP_POLICY,
                            "mta-sts.example.com");
}

struct pcase {
    const char *body;
    size_t len;         /* 0 = strlen */
    bool valid;
    const char *code;   /* a problem expected, or NULL for "no warning or error at all" */
    enum severity sev;
    int line;
    const char *needle;
};

#define HEAD "version: STSv1\nmode: enforce\nmax_age: 604800\n"

static const struct pcase cases[] = {
    /* P1 version */
    {"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 604800\n", 0, true, NULL, 0, 0,
     NULL},
    {"version: STSV1\nmode: enforce\nmx: a.example\nmax_age: 604800\n", 0, false,
     "sts.policy.syntax", SEV_ERROR, 1, "line 1: version value 'STSV1' must be exactly STSv1"},
    {"version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 604800\n", 0, false,
     "sts.policy.syntax", SEV_ERROR, 1, "is not STSv1"},
    {"version:\nmode: enforce\nmx: a.example\nmax_age: 604800\n", 0, false,
     "sts.policy.syntax", SEV_ERROR, 1, "version has no value"},
    {"mode: enforce\nmx: a.example\nmax_age: 604800\n", 0, false, "sts.policy.syntax",
     SEV_ERROR, 0, "no 'version' line"},
    {"Version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 604800\n", 0, false,
     "sts.policy.unknown_key", SEV_INFO, 1, "did you mean version? keys are case-sensitive"},
    {"versoin: STSv1\nmode: enforce\nmx: a.example\nmax_age: 604800\n", 0, false,
     "sts.policy.syntax", SEV_ERROR, 0, "line 1 has 'versoin:', a misspelling of version?"},
    /* P2 mode */
    {"version: STSv1\nmode: Enforce\nmx: a.example\nmax_age: 604800\n", 0, false,
     "sts.policy.syntax", SEV_ERROR, 2,
     "line 2: mode value 'Enforce' is not one of enforce, testing, none (values are "
     "case-sensitive)"},
    {"version: STSv1\nmode: report\nmx: a.example\nmax_age: 604800\n", 0, false,
     "sts.policy.syntax", SEV_ERROR, 2, "'report' was a draft value"},
    {"version: STSv1\nmode:\nmx: a.example\nmax_age: 604800\n", 0, false,
     "sts.policy.syntax", SEV_ERROR, 2, "mode has no value"},
    {"version: STSv1\nmode: testing\nmx: a.example\nmax_age: 604800\n", 0, true,
     "sts.policy.mode_testing", SEV_INFO, 2, "only report"},
    {"version: STSv1\nmode: none\nmax_age: 86400\n", 0, true, "sts.policy.mode_none",
     SEV_INFO, 2, "no MTA-STS policy"},
    {"version: STSv1\nmx: a.example\nmax_age: 604800\n", 0, false, "sts.policy.syntax",
     SEV_ERROR, 0, "no 'mode' line"},
    /* P3 max_age */
    {"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557600\n", 0, true, NULL, 0, 0,
     NULL},
    {"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601\n", 0, false,
     "sts.policy.syntax", SEV_ERROR, 4, "above the limit of 31557600"},
    {"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 00000086400\n", 0, false,
     "sts.policy.syntax", SEV_ERROR, 4, "has 11 digits"},
    {"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 0000086400\n", 0, true, NULL, 0,
     0, NULL},
    {"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n", 0, false,
     "sts.policy.syntax", SEV_ERROR, 4, "not a number of seconds"},
    {"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1w\n", 0, false,
     "sts.policy.syntax", SEV_ERROR, 4, "'1w' is not a number"},
    {"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 3600\n", 0, true,
     "sts.policy.max_age_short", SEV_WARNING, 4, "max_age 3600 is less than one day"},
    {"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 0\n", 0, true,
     "sts.policy.max_age_short", SEV_WARNING, 4, "max_age 0"},
    {"version: STSv1\nmode: none\nmax_age: 0\n", 0, true, "sts.policy.mode_none", SEV_INFO,
     2, NULL}, /* withdrawal (8.3): short max_age is expected, no warning */
    {"version: STSv1\nmode: enforce\nmx: a.example\n", 0, false, "sts.policy.syntax",
     SEV_ERROR, 0, "no 'max_age' line"},
    {"version: STSv1\nmode: enforce\nmx: a.example\nmax-age: 604800\n", 0, false,
     "sts.policy.unknown_key", SEV_INFO, 4, "did you mean max_age?"},
    /* P4 mx required unless none; the nmx typo (postfix-tlspol#95) */
    {"version: STSv1\nmode: enforce\nnmx: mx0.sc-host.de\nmax_age: 86400\n", 0, false,
     "sts.policy.syntax", SEV_ERROR, 0,
     "no 'mx' line: mode enforce requires at least one 'mx:' line (line 3 has 'nmx:', a "
     "misspelling of mx?)"},
    {"version: STSv1\nmode: enforce\nnmx: mx0.sc-host.de\nmax_age: 86400\n", 0, false,
     "sts.policy.unknown_key", SEV_INFO, 3, "unknown key 'nmx' is ignored by senders (did "
     "you mean mx?)"},
    {HEAD, 0, false, "sts.policy.syntax", SEV_ERROR, 0, "mode enforce requires"},
    {"version: STSv1\nmode: testing\nmax_age: 604800\n", 0, false, "sts.policy.syntax",
     SEV_ERROR, 0, "mode testing requires"},
    {HEAD "mx: mx1.example.com, mx2.example.com\n", 0, false, "sts.policy.mx_invalid",
     SEV_ERROR, 4, "comma-separated list: each MX needs its own 'mx:' line"},
    {HEAD "mx: mx1.example.com, mx2.example.com\n", 0, false, "sts.policy.syntax", SEV_ERROR,
     0, "no valid 'mx' line"},
    /* P5 mx syntax */
    {HEAD "mx: 212.114.86.56\n", 0, false, "sts.policy.mx_invalid", SEV_ERROR, 4,
     "IP address"},
    {HEAD "mx: [2001:db8::1]\n", 0, false, "sts.policy.mx_invalid", SEV_ERROR, 4,
     "IP address"},
    {HEAD "mx: 2001:db8::25\n", 0, false, "sts.policy.mx_invalid", SEV_ERROR, 4, "IP address"},
    {HEAD "mx: mail.example.com:25\n", 0, false, "sts.policy.mx_invalid", SEV_ERROR, 4,
     "has a port"},
    {HEAD "mx: mail.example.com.\n", 0, false, "sts.policy.mx_invalid", SEV_ERROR, 4,
     "ends with a dot"},
    {HEAD "mx: mx*.example.com\n", 0, false, "sts.policy.mx_invalid", SEV_ERROR, 4,
     "whole first label"},
    {HEAD "mx: *.*.example.com\n", 0, false, "sts.policy.mx_invalid", SEV_ERROR, 4,
     "whole first label"},
    {HEAD "mx: *\n", 0, false, "sts.policy.mx_invalid", SEV_ERROR, 4, "whole first label"},
    {HEAD "mx: *.\n", 0, false, "sts.policy.mx_invalid", SEV_ERROR, 4, "empty"},
    {HEAD "mx: mail.*.example.com\n", 0, false, "sts.policy.mx_invalid", SEV_ERROR, 4,
     "whole first label"},
    {HEAD "mx:\n", 0, false, "sts.policy.mx_invalid", SEV_ERROR, 4, "mx has no value"},
    {HEAD "mx: mail..example.com\n", 0, false, "sts.policy.mx_invalid", SEV_ERROR, 4,
     "empty label"},
    {HEAD "mx: mail_1.example.com\n", 0, false, "sts.policy.mx_invalid", SEV_ERROR, 4,
     "contains '_'"},
    {HEAD "mx: -mail.example.com\n", 0, false, "sts.policy.mx_invalid", SEV_ERROR, 4,
     "begins or ends with '-'"},
    {HEAD "mx: a.example\nmx: 1.2.3.4\n", 0, false, "sts.policy.mx_invalid", SEV_ERROR, 5,
     "line 5: mx '1.2.3.4'"}, /* invalid lines make the policy invalid */
    /* P6 U-labels */
    {HEAD "mx: mail.b\xc3\xbc" "cher.example\n", 0, false, "sts.policy.mx_ulabel", SEV_ERROR,
     4, "'mx: mail.xn--bcher-kva.example'"},
    {HEAD "mx: *.b\xc3\xbc" "cher.example\n", 0, false, "sts.policy.mx_ulabel", SEV_ERROR, 4,
     "'mx: *.xn--bcher-kva.example'"},
    {HEAD "mx: a\xff.example\n", 0, false, "sts.policy.mx_ulabel", SEV_ERROR, 4,
     "not a valid internationalised name"},
    /* mx values are kept lower-cased; A-labels are plain LDH */
    {HEAD "mx: MAIL.Example.COM\nmx: xn--bcher-kva.example\n", 0, true, NULL, 0, 0, NULL},
    /* P7 line endings */
    {"version: STSv1\r\nmode: enforce\r\nmx: a.example\r\nmax_age: 604800\r\n", 0, true, NULL,
     0, 0, NULL},
    {"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 604800\n", 0, true,
     "sts.policy.line_endings", SEV_INFO, 1, "LF only"},
    {"version: STSv1\nmode: enforce\nmax_age: 1296000\nmx: mailu.example.com\r\n", 0, true,
     "sts.policy.line_endings", SEV_INFO, 4, "mixed: line 1 ends in LF, line 4 in CRLF"},
    {"version: STSv1\rmode: enforce\rmx: a.example\rmax_age: 604800\r", 0, false,
     "sts.policy.syntax", SEV_ERROR, 1, "line 1 ends in a bare CR"},
    {"version: STSv1\r\nmode: enforce\r\nmx: a.example\r\r\nmax_age: 604800\r\n", 0, false,
     "sts.policy.syntax", SEV_ERROR, 3, "(1 bare CR in the file)"},
    /* P8 values may contain ':' */
    {HEAD "mx: a.example\nx-note: see https://example.com:8443/x\n", 0, true,
     "sts.policy.unknown_key", SEV_INFO, 5, "'x-note'"},
    /* P9 unknown and duplicate keys */
    {HEAD "mx: a.example\nfoo: bar\n", 0, true, "sts.policy.unknown_key", SEV_INFO, 5,
     "line 5: unknown key 'foo' is ignored by senders"},
    {"version: STSv1\nmode: testing\nmode: enforce\nmx: a.example\nmax_age: 604800\n", 0,
     true, "sts.policy.duplicate_key", SEV_WARNING, 3,
     "line 3: a second 'mode' line is ignored; senders use the first one, on line 2"},
    {"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 604800\nmax_age: 1\n", 0, true,
     "sts.policy.duplicate_key", SEV_WARNING, 5, "second 'max_age'"},
    {"version: STSv1\nversion: STSv1\nmode: enforce\nmx: a.example\nmax_age: 604800\n", 0,
     true, "sts.policy.duplicate_key", SEV_WARNING, 2, "on line 1"},
    {"version: STSv1\nmode: bogus\nmode: enforce\nmx: a.example\nmax_age: 604800\n", 0,
     false, "sts.policy.duplicate_key", SEV_WARNING, 3, NULL}, /* first wins, even if bad */
    /* P10 extension names and values */
    {HEAD "mx: a.example\nfoo bar: x\n", 0, false, "sts.policy.syntax", SEV_ERROR, 5,
     "'foo bar' is not a valid key"},
    {HEAD "mx: a.example\n_x: y\n", 0, false, "sts.policy.syntax", SEV_ERROR, 5,
     "not a valid key"},
    {HEAD "mx: a.example\nabcdefghijklmnopqrstuvwxyz0123456: y\n", 0, false,
     "sts.policy.syntax", SEV_ERROR, 5, "not a valid key"},
    {HEAD "mx: a.example\nfoo:\n", 0, false, "sts.policy.syntax", SEV_ERROR, 5,
     "'foo' has no value"},
    {HEAD "mx: a.example\nfoo: a\tb\n", 0, false, "sts.policy.syntax", SEV_ERROR, 5, "tab"},
    {HEAD "mx: a.example\nfoo: \xc3(\n", 0, false, "sts.policy.syntax", SEV_ERROR, 5,
     "not valid UTF-8"},
    {HEAD "mx: a.example\nnote: gr\xc3\xbc\xc3\x9f" "e\n", 0, true, "sts.policy.unknown_key",
     SEV_INFO, 5, NULL},
    /* P11 blank lines; one final newline is fine, a second is not */
    {"version: STSv1\nmode: enforce\n\nmx: a.example\nmax_age: 604800\n", 0, true,
     "sts.policy.syntax", SEV_WARNING, 3, "line 3 is empty"},
    {"version: STSv1\nmode: enforce\n  \t\nmx: a.example\nmax_age: 604800\n", 0, true,
     "sts.policy.syntax", SEV_WARNING, 3, "whitespace only"},
    {"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 604800\n\n", 0, true,
     "sts.policy.syntax", SEV_WARNING, 5, "not an extra empty line"},
    {"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 604800", 0, true,
     "sts.policy.line_endings", SEV_INFO, 1, NULL},
    /* general line shape */
    {HEAD "mx: a.example\njunk line\n", 0, false, "sts.policy.syntax", SEV_ERROR, 5,
     "line 5: 'junk line' is not a 'key: value' field (no ':')"},
    {HEAD "mx : a.example\n", 0, false, "sts.policy.syntax", SEV_ERROR, 4,
     "whitespace between 'mx' and ':'"},
    {HEAD " mx: a.example\n", 0, false, "sts.policy.syntax", SEV_ERROR, 4,
     "begins with whitespace"},
    {HEAD "mx:a.example   \t\n", 0, true, NULL, 0, 0, NULL}, /* *WSP on both sides */
    {HEAD ": a.example\nmx: a.example\n", 0, false, "sts.policy.syntax", SEV_ERROR, 4,
     "no key"},
    {HEAD "mx: a.example\x1b[2J\n", 0, false, "sts.policy.syntax", SEV_ERROR, 4,
     "control byte 0x1b at column 14"},
    /* P12 broad wildcards */
    {HEAD "mx: *.example.com\n", 0, true, "sts.policy.wildcard_broad", SEV_INFO, 4,
     "covers every host directly under example.com"},
    {HEAD "mx: *.com\n", 0, true, "sts.policy.wildcard_broad", SEV_INFO, 4,
     "every host directly under com"},
    {HEAD "mx: *.mail.example.com\n", 0, true, NULL, 0, 0, NULL}, /* three labels: fine */
    /* edge sizes */
    {"", 0, false, "sts.policy.syntax", SEV_ERROR, 0, "the policy is empty"},
    {"v", 0, false, "sts.policy.syntax", SEV_ERROR, 1, "'v' is not a 'key: value' field"},
    {"\n", 0, false, "sts.policy.syntax", SEV_WARNING, 1, "line 1 is empty"},
    {"\r", 0, false, "sts.policy.syntax", SEV_ERROR, 1, "bare CR"},
    {":", 0, false, "sts.policy.syntax", SEV_ERROR, 1, "no key"},
    {"version: STSv1\0\nmode: enforce\nmx: a.example\nmax_age: 604800\n", 61, false,
     "sts.policy.syntax", SEV_ERROR, 1, "control byte 0x00 at column 15"},
};

START_TEST(table)
{
    const struct pcase *tc = &cases[_i];
    size_t len = tc->len ? tc->len : strlen(tc->body);
    struct problem_list pl = {0};
    struct sts_policy p;
    int rc = parse(tc->body, len, &p, &pl);
    const struct problem *f = tc->code ? find(&pl, tc->code, tc->needle) : NULL;
    if (p.valid != tc->valid || (tc->code && (!f || f->line != tc->line)))
        dump(&pl);
    ck_assert_msg(p.valid == tc->valid, "case %d: valid=%d", _i, p.valid);
    ck_assert_int_eq(rc, tc->valid ? 0 : -1);
    if (tc->code) {
        ck_assert_msg(f != NULL, "case %d: no %s with '%s'", _i, tc->code, tc->needle);
        ck_assert_msg(f->severity == tc->sev, "case %d: severity %d", _i, f->severity);
        ck_assert_msg(f->line == tc->line, "case %d: line %d, want %d", _i, f->line, tc->line);
        ck_assert_int_eq(f->step, STEP_POLICY);
        ck_assert_str_eq(f->subject, "mta-sts.example.com");
    } else {
        int worst = problem_list_worst(&pl);
        if (worst > SEV_INFO)
            dump(&pl);
        ck_assert_msg(worst <= SEV_INFO, "case %d: unexpected warning or error", _i);
    }
    assert_clean_messages(&pl);
    sts_policy_free(&p);
    problem_list_clear(&pl);
}
END_TEST

/* Real-world policies from field-guide section (d): fields come out right. */
START_TEST(gmail_fields)
{
    const char *b = "version: STSv1\nmode: enforce\nmx: gmail-smtp-in.l.google.com\n"
                    "mx: *.gmail-smtp-in.l.google.com\nmax_age: 86400\n";
    struct sts_policy p;
    ck_assert_int_eq(parse(b, strlen(b), &p, NULL), 0);
    ck_assert(p.valid);
    ck_assert_str_eq(p.version, "STSv1");
    ck_assert_int_eq(p.mode, STS_MODE_ENFORCE);
    ck_assert_str_eq(p.mode_text, "enforce");
    ck_assert_int_eq(p.max_age, 86400);
    ck_assert_uint_eq(p.nmx, 2);
    ck_assert_str_eq(p.mx[0], "gmail-smtp-in.l.google.com");
    ck_assert_str_eq(p.mx[1], "*.gmail-smtp-in.l.google.com");
    ck_assert_uint_eq(p.nlines, 5);
    ck_assert(p.lf && !p.crlf);
    sts_policy_free(&p);
    ck_assert_ptr_null(p.mx);
    ck_assert_int_eq(p.max_age, -1);
    sts_policy_free(&p);
    sts_policy_free(NULL);
}
END_TEST

START_TEST(pue_de_ip_literal)
{
    const char *b = "version: STSv1\r\nmode: enforce\r\nmax_age: 15552000\r\nmx: mail.pue.de\r\n"
                    "mx: *.pue.de\r\nmx: mout.kundenserver.de\r\nmx: 212.114.86.56\r\n";
    struct problem_list pl = {0};
    struct sts_policy p;
    ck_assert_int_eq(parse(b, strlen(b), &p, &pl), -1);
    ck_assert_uint_eq(p.nmx, 3); /* the valid ones are kept, the IP literal is not */
    ck_assert_str_eq(p.mx[1], "*.pue.de");
    ck_assert(p.crlf && !p.lf);
    const struct problem *w = find(&pl, "sts.policy.wildcard_broad", NULL);
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(w->line, 5);
    ck_assert_uint_eq(count(&pl, "sts.policy.mx_invalid"), 1);
    ck_assert_uint_eq(count(&pl, "sts.policy.line_endings"), 0);
    sts_policy_free(&p);
    problem_list_clear(&pl);
}
END_TEST

START_TEST(microsoft_and_mixed_case)
{
    const char *b = "version: STSv1\r\nmode: enforce\r\nmx: *.Mail.Protection.Outlook.com\r\n"
                    "max_age: 604800\r\n";
    struct problem_list pl = {0};
    struct sts_policy p;
    ck_assert_int_eq(parse(b, strlen(b), &p, &pl), 0);
    ck_assert_str_eq(p.mx[0], "*.mail.protection.outlook.com");
    ck_assert_uint_eq(pl.n, 0); /* four labels: not broad; CRLF: no endings note */
    sts_policy_free(&p);
    problem_list_clear(&pl);
}
END_TEST

START_TEST(mode_none_needs_no_mx)
{
    const char *b = "version: STSv1\nmode: none\nmax_age: 86400\nmx: bad..name\n";
    struct problem_list pl = {0};
    struct sts_policy p;
    ck_assert_int_eq(parse(b, strlen(b), &p, &pl), -1); /* an invalid mx still counts */
    ck_assert_int_eq(p.mode, STS_MODE_NONE);
    sts_policy_free(&p);
    problem_list_clear(&pl);
    b = "version: STSv1\nmode: none\nmax_age: 86400\n";
    ck_assert_int_eq(parse(b, strlen(b), &p, NULL), 0);
    ck_assert_uint_eq(p.nmx, 0);
    sts_policy_free(&p);
}
END_TEST

START_TEST(escaped_values)
{
    const char b[] = "version: STSv1\nmode: enf\xe2\x80\xae" "orce\nmx: a.example\n"
                     "max_age: 604800\n";
    struct problem_list pl = {0};
    struct sts_policy p;
    ck_assert_int_eq(parse(b, sizeof b - 1, &p, &pl), -1);
    ck_assert_str_eq(p.mode_text, "enf\\xe2\\x80\\xaeorce"); /* bidi override escaped */
    ck_assert_ptr_nonnull(find(&pl, "sts.policy.syntax", "enf\\xe2\\x80\\xaeorce"));
    sts_policy_free(&p);
    problem_list_clear(&pl);
}
END_TEST

START_TEST(mx_bound)
{
    size_t cap = 200 * 32 + 100;
    char *b = malloc(cap);
    size_t n = (size_t)snprintf(b, cap, HEAD);
    for (int i = 0; i < 200; i++)
        n += (size_t)snprintf(b + n, cap - n, "mx: mx%d.example.com\n", i);
    struct problem_list pl = {0};
    struct sts_policy p;
    ck_assert_int_eq(parse(b, n, &p, &pl), 0);
    ck_assert_uint_eq(p.nmx, MX_POLICY_MX_MAX);
    ck_assert_str_eq(p.mx[MX_POLICY_MX_MAX - 1], "mx63.example.com");
    const struct problem *w = find(&pl, "sts.policy.syntax", "more than 64 mx lines");
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(w->severity, SEV_WARNING);
    ck_assert_int_eq(w->line, 4 + MX_POLICY_MX_MAX);
    ck_assert_uint_eq(count(&pl, "sts.policy.syntax"), 1);
    sts_policy_free(&p);
    problem_list_clear(&pl);
    free(b);
}
END_TEST

/* 64 KiB of junk: bounded problem list, nothing raw in messages, invalid. */
START_TEST(junk_64k)
{
    size_t n = MX_POLICY_BODY_MAX;
    unsigned char *b = malloc(n + 100);
    unsigned seed = 7;
    for (size_t i = 0; i < n + 100; i++) {
        seed = seed * 1103515245u + 12345u;
        b[i] = (unsigned char)(seed >> 16);
    }
    struct problem_list pl = {0};
    struct sts_policy p;
    ck_assert_int_eq(sts_policy_parse(b, n, &p, &pl, STEP_LINT, "junk"), -1);
    ck_assert_uint_le(pl.n, 45);
    ck_assert_ptr_nonnull(find(&pl, "sts.policy.syntax", "more problems on later lines"));
    assert_clean_messages(&pl);
    sts_policy_free(&p);
    problem_list_clear(&pl);
    /* more than the cap is reported and cut, not read */
    ck_assert_int_eq(sts_policy_parse(b, n + 100, &p, &pl, STEP_LINT, "junk"), -1);
    ck_assert_ptr_nonnull(find(&pl, "sts.policy.size", "65636 bytes"));
    sts_policy_free(&p);
    problem_list_clear(&pl);
    free(b);
}
END_TEST

/* One 60 KiB line: quoted text is cut, parse stays linear. */
START_TEST(long_line)
{
    size_t n = 60000;
    char *b = malloc(n + 1);
    memcpy(b, "mx: ", 4);
    memset(b + 4, 'a', n - 4);
    struct problem_list pl = {0};
    struct sts_policy p;
    ck_assert_int_eq(parse(b, n, &p, &pl), -1);
    const struct problem *m = find(&pl, "sts.policy.mx_invalid", "longer than 253");
    ck_assert_ptr_nonnull(m);
    ck_assert_uint_lt(strlen(m->message), 300);
    sts_policy_free(&p);
    problem_list_clear(&pl);
    free(b);
}
END_TEST

START_TEST(random_bytes)
{
    static const char alpha[] = "version: STSv1\nmode: enforce\r\nmx *.:\t max_age 0123\xc3\xbc";
    unsigned char buf[512];
    unsigned seed = 99;
    for (int round = 0; round < 3000; round++) {
        size_t len = (size_t)(round % 509);
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = (seed >> 16) & 7 ? (unsigned char)alpha[(seed >> 19) % (sizeof alpha - 1)]
                                      : (unsigned char)(seed >> 23);
        }
        struct problem_list pl = {0};
        struct sts_policy p;
        sts_policy_parse(buf, len, &p, &pl, STEP_LINT, "fuzz");
        assert_clean_messages(&pl);
        bool ok = true;
        for (size_t i = 0; i < pl.n; i++)
            ok = ok && pl.items[i].line <= (int)p.nlines;
        for (size_t i = 0; i < p.nmx; i++)
            ok = ok && sts_mx_pattern_valid(p.mx[i], NULL);
        ck_assert_msg(ok, "round %d: line beyond nlines or invalid mx kept", round);
        sts_policy_free(&p);
        problem_list_clear(&pl);
    }
}
END_TEST

START_TEST(mode_names)
{
    ck_assert_str_eq(sts_mode_name(STS_MODE_ENFORCE), "enforce");
    ck_assert_str_eq(sts_mode_name(STS_MODE_TESTING), "testing");
    ck_assert_str_eq(sts_mode_name(STS_MODE_NONE), "none");
    ck_assert_str_eq(sts_mode_name(STS_MODE_UNKNOWN), "unknown");
    ck_assert_str_eq(sts_mode_name((enum sts_mode)42), "unknown");
}
END_TEST

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char *b = malloc(MX_POLICY_BODY_MAX + 1);
    *len = fread(b, 1, MX_POLICY_BODY_MAX, f);
    fclose(f);
    return b;
}

/* Every tests/data/lint/policy-<good|bad>-*.txt parses as its name says. */
START_TEST(seed_corpus)
{
    DIR *d = opendir(testlib_data_path("lint"));
    ck_assert_msg(d != NULL, "no tests/data/lint");
    int seen = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        bool good = strncmp(e->d_name, "policy-good-", 12) == 0;
        if (!good && strncmp(e->d_name, "policy-bad-", 11) != 0)
            continue;
        char name[512];
        snprintf(name, sizeof name, "lint/%s", e->d_name);
        size_t len;
        char *b = slurp(testlib_data_path(name), &len);
        struct problem_list pl = {0};
        struct sts_policy p;
        int rc = parse(b, len, &p, &pl);
        if ((rc == 0) != good)
            dump(&pl);
        ck_assert_msg((rc == 0) == good, "%s: rc=%d", e->d_name, rc);
        ck_assert_msg(good || problem_list_worst(&pl) == SEV_ERROR, "%s", e->d_name);
        sts_policy_free(&p);
        problem_list_clear(&pl);
        free(b);
        seen++;
    }
    closedir(d);
    ck_assert_int_ge(seen, 15);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("sts_policy");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, table, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, gmail_fields);
    tcase_add_test(tc, pue_de_ip_literal);
    tcase_add_test(tc, microsoft_and_mixed_case);
    tcase_add_test(tc, mode_none_needs_no_mx);
    tcase_add_test(tc, escaped_values);
    tcase_add_test(tc, mx_bound);
    tcase_add_test(tc, junk_64k);
    tcase_add_test(tc, long_line);
    tcase_add_test(tc, random_bytes);
    tcase_add_test(tc, mode_names);
    tcase_add_test(tc, seed_corpus);
    suite_add_tcase(s, tc);
    return s;
}
