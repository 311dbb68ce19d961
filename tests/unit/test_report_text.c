/* test_report_text - the human report: markers, width (UTF-8 counted by character), no
 * control bytes from data, colour only when asked, skipped vs failed, verbose evidence. */
#include "testlib.h"
#include "report_fixtures.h"
#include "report_text.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *render(const struct report *r, bool color, int width, bool verbose)
{
    struct text_opts o = {.color = color, .width = width, .verbose = verbose};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    report_text_write(f, r, &o);
    fclose(f);
    return buf;
}

/* columns - display columns of one line: UTF-8 continuation bytes and SGR sequences do not
 * count; the CJK test character (3 bytes) counts 2. */
static int columns(const char *s, size_t len)
{
    int cols = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0x1b) {
            while (i < len && s[i] != 'm')
                i++;
            continue;
        }
        if ((c & 0xc0) == 0x80)
            continue;
        cols += c == 0xe5 ? 2 : 1;
    }
    return cols;
}

/* check_layout - every line fits, and no control byte except '\n' (ESC only with colour). */
static void check_layout(const char *out, int width, bool color)
{
    const char *line = out;
    while (*line) {
        const char *nl = strchr(line, '\n');
        ck_assert_ptr_nonnull(nl); /* output ends with a newline */
        int cols = columns(line, (size_t)(nl - line));
        ck_assert_msg(cols <= width, "line of %d columns > %d: %.*s", cols, width,
                      (int)(nl - line), line);
        for (const char *p = line; p < nl; p++) {
            unsigned char c = (unsigned char)*p;
            ck_assert_msg(c >= 0x20 || (color && c == 0x1b), "control byte 0x%02x in: %.*s", c,
                          (int)(nl - line), line);
            ck_assert_msg(c != 0x7f, "DEL in output");
        }
        line = nl + 1;
    }
}

/* render_checked - plain render at 80 columns with layout checks, also verbose and narrow. */
static char *render_checked(struct report *r)
{
    char *v = render(r, false, 80, true);
    check_layout(v, 80, false);
    free(v);
    char *narrow = render(r, false, 40, true);
    check_layout(narrow, 40, false);
    free(narrow);
    char *c = render(r, true, 80, true);
    check_layout(c, 80, true);
    free(c);
    char *out = render(r, false, 80, false);
    check_layout(out, 80, false);
    ck_assert_ptr_null(strchr(out, 0x1b));
    return out;
}

/* has - s occurs in out as printed, or once wrapped lines are joined again ("\n" plus the
 * hanging indent read as one space), so checks do not depend on where a line breaks. */
static bool has(const char *out, const char *s)
{
    if (strstr(out, s))
        return true;
    char *flat = malloc(strlen(out) + 1), *o = flat;
    for (const char *p = out; *p; p++) {
        if (*p == '\n' && p[1] == ' ') {
            while (p[1] == ' ')
                p++;
            *o++ = ' ';
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    bool found = strstr(flat, s) != NULL;
    free(flat);
    return found;
}

#define HAS(out, s) ck_assert_msg(has(out, s), "missing \"%s\" in:\n%s", s, out)
#define HASNT(out, s) ck_assert_msg(strstr(out, s) == NULL, "unexpected \"%s\" in:\n%s", s, out)

START_TEST(all_good)
{
    struct report *r = fx_all_good();
    char *out = render_checked(r);
    HAS(out, "1. MTA-STS record");
    HAS(out, "[ OK ] one v=STSv1 record, id 20260101000000");
    HAS(out, "[ OK ] HTTP 200, text/plain");
    HAS(out, "[ OK ] valid policy: mode enforce, max_age 604800 (7 days)");
    HAS(out, "mx: *.backup.example.com");
    HAS(out, "MX 10 mx1.example.com");
    HAS(out, "[ OK ] policy: mx1.example.com matches mx: mx1.example.com");
    HAS(out, "[ OK ] 2001:db8::25 port 25");
    HAS(out, "[ OK ]   banner: 220 mx1.example.com ESMTP Postfix");
    HAS(out, "STARTTLS offered");
    HAS(out, "TLSv1.3, TLS_AES_256_GCM_SHA384 (X25519)");
    HAS(out, "SAN: mx1.example.com");
    HAS(out, "(in 80 days)");
    HAS(out, "chain verified to a trusted root");
    HAS(out, "an MTA-STS sender would deliver here (mode enforce)");
    HAS(out, "rua: mailto:tls@example.com");
    HAS(out, "Problems: none");
    HAS(out, "[ OK ] Verdict: PASS -");
    HAS(out, "(exit 0)");
    HASNT(out, "[FAIL]");
    HASNT(out, "[WARN]");
    HASNT(out, "S: 220"); /* transcript only with --verbose */
    free(out);
    report_free(r);
}
END_TEST

START_TEST(no_record_skips_without_cascade)
{
    struct report *r = fx_no_record();
    char *out = render_checked(r);
    HAS(out, "[INFO] no v=STSv1 record: the domain does not publish MTA-STS");
    HAS(out, "\"google-site-verification=abc\"");
    HAS(out, "[ -- ] skipped: no valid _mta-sts record");
    HAS(out, "[ -- ] policy match: skipped, no valid policy");
    HAS(out, "[ -- ]   sender's view: no MTA-STS policy applies");
    HAS(out, "[WARN] no v=TLSRPTv1 record");
    HAS(out, "[INFO] sts.record.missing (info)");
    HAS(out, "fix: Publish a policy at https://mta-sts.norecord.example/");
    HAS(out, "Verdict: NONE");
    HAS(out, "(exit 3)");
    HASNT(out, "[FAIL]"); /* nothing failed: not applicable is not failure */
    free(out);
    report_free(r);
}
END_TEST

START_TEST(redirect)
{
    struct report *r = fx_redirect();
    char *out = render_checked(r);
    HAS(out, "[FAIL] HTTP 301 redirect to https://www.redirect.example/");
    HAS(out, "[FAIL] sts.policy.redirect (error): HTTP 301");
    HAS(out, "RFC 8461 3.3; senders report sts-policy-fetch-error");
    HAS(out, "Verdict: FAIL");
    HAS(out, "(exit 2)");
    free(out);
    report_free(r);
}
END_TEST

START_TEST(mismatch)
{
    struct report *r = fx_mismatch();
    char *out = render_checked(r);
    HAS(out, "[FAIL] 20 old-mx.mismatch.example");
    HAS(out, "[FAIL] policy: old-mx.mismatch.example matches no mx: pattern");
    HAS(out, "[FAIL]   sender's view: an enforcing MTA-STS sender would NOT deliver here");
    HAS(out, "validation-failure)");
    HAS(out, "fix: Add 'mx: old-mx.mismatch.example'");
    free(out);
    report_free(r);
}
END_TEST

START_TEST(expired)
{
    struct report *r = fx_expired();
    char *out = render_checked(r);
    HAS(out, "days ago)");
    HAS(out, "[FAIL]   chain not verified: certificate has expired");
    HAS(out, "an enforcing MTA-STS sender would NOT deliver here");
    HAS(out, "(reports certificate-expired)");
    free(out);
    report_free(r);
}
END_TEST

START_TEST(no_starttls_testing)
{
    struct report *r = fx_no_starttls();
    char *out = render_checked(r);
    HAS(out, "[WARN]   STARTTLS not offered");
    HAS(out, "testing mode but reports starttls-not-supported");
    HAS(out, "[INFO] valid policy: mode testing");
    HAS(out, "line 2");
    HAS(out, "Verdict: WARN");
    HASNT(out, "[ OK ]   TLSv1.3"); /* no handshake, no TLS line for the MX address */
    free(out);
    report_free(r);
}
END_TEST

START_TEST(null_mx)
{
    struct report *r = fx_null_mx();
    char *out = render_checked(r);
    HAS(out, "[INFO] null MX (MX 0 .)");
    HASNT(out, "no MX host");
    free(out);
    report_free(r);
}
END_TEST

START_TEST(hostile)
{
    struct report *r = fx_hostile();
    char *out = render_checked(r);
    HAS(out, "say \"hi\" \\ M\xc3\xbcller \xe5\x90\x8d ?[2J?X?"); /* controls become '?' */
    HAS(out, "CN=\"quoted\\\",O=\xd0\x9f");
    free(out);
    report_free(r);
}
END_TEST

START_TEST(color_and_verbose)
{
    struct report *r = fx_all_good();
    char *c = render(r, true, 80, false);
    HAS(c, "\033[32m[ OK ]\033[0m");
    free(c);
    r->problems.n = 0;
    problem_add(&r->problems, PROB_TLS_CERT_EXPIRING, STEP_TLS, "mx1.example.com", 0, "soon");
    c = render(r, true, 80, false);
    HAS(c, "\033[33m[WARN]\033[0m");
    free(c);
    char *v = render(r, false, 80, true);
    HAS(v, "S: 220 mx ESMTP Postfix");
    HAS(v, "C: EHLO mxray.invalid");
    HAS(v, "+12ms");
    HAS(v, "Cache-Control: max-age=60");
    HAS(v, "  1 | version: STSv1");
    HAS(v, "chain 1: CN=Fixture Intermediate");
    free(v);
    report_free(r);
}
END_TEST

START_TEST(long_text_wraps)
{
    struct report *r = fx_all_good();
    problem_add(&r->problems, PROB_MX_RESOLVE, STEP_MX_HOST, "mx1.example.com", 0,
                "%s", "word word word word word word word word word word word word word word "
                      "word word word word word word word word word word word word word end");
    char *out = render(r, false, 60, false);
    check_layout(out, 60, false);
    /* the continuation line hangs under the text, not under the marker */
    HAS(out, "\n         word");
    HAS(out, "word end\n");
    free(out);
    report_free(r);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("report_text");
    TCase *tc = tcase_create("scenarios");
    tcase_add_test(tc, all_good);
    tcase_add_test(tc, no_record_skips_without_cascade);
    tcase_add_test(tc, redirect);
    tcase_add_test(tc, mismatch);
    tcase_add_test(tc, expired);
    tcase_add_test(tc, no_starttls_testing);
    tcase_add_test(tc, null_mx);
    tcase_add_test(tc, hostile);
    tcase_add_test(tc, color_and_verbose);
    tcase_add_test(tc, long_text_wraps);
    suite_add_tcase(s, tc);
    return s;
}
