/* test_smtp_reply - the SMTP line splitter and reply parser (RFC 5321 4.2), fed whole and split
 * at every byte boundary (expat _XML_Parse_SINGLE_BYTES style). */
#include "testlib.h"
#include "smtp.h"
#include "mx_limits.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One reply parsed from a byte stream: the lines split by smtp_lines, fed to smtp_reply. */
struct parsed {
    struct smtp_reply r;
    int rc;               /* last smtp_reply_feed result */
    size_t consumed;      /* bytes consumed up to the end of the reply */
    size_t ntrunc;        /* lines reported truncated */
};

/* parse_stream - split data into chunks of at most chunk bytes and parse one reply from it. */
static void parse_stream(struct parsed *p, const char *data, size_t n, size_t chunk)
{
    struct smtp_lines s;
    smtp_lines_init(&s);
    smtp_reply_init(&p->r);
    p->rc = 0;
    p->consumed = 0;
    p->ntrunc = 0;
    size_t off = 0;
    while (off < n && !p->r.complete) {
        size_t end = off + chunk < n ? off + chunk : n;
        while (off < end && !p->r.complete) {
            off += smtp_lines_take(&s, data + off, end - off);
            if (!s.done)
                continue;
            p->ntrunc += s.truncated;
            p->rc = smtp_reply_feed(&p->r, s.buf, s.len);
            smtp_lines_next(&s);
        }
    }
    p->consumed = off;
}

/* same_everywhere - the result must not depend on how the bytes were split. */
static void check_all_splits(const char *data, size_t n, int want_rc, int want_code,
                             size_t want_lines, const char *want_last)
{
    static const size_t chunks[] = {1, 2, 3, 5, 7, 64, 100000};
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        struct parsed p;
        parse_stream(&p, data, n, chunks[i]);
        ck_assert_msg(p.rc == want_rc, "chunk %zu: rc %d want %d", chunks[i], p.rc, want_rc);
        ck_assert_int_eq(p.r.code, want_code);
        ck_assert_uint_eq(p.r.nlines, want_lines);
        ck_assert(p.r.complete == (want_rc != 0));
        if (want_last)
            ck_assert_str_eq(p.r.lines[p.r.nlines - 1], want_last);
        smtp_reply_clear(&p.r);
    }
}

START_TEST(single_line)
{
    const char *in = "220 mx.example.com ESMTP ready\r\n";
    check_all_splits(in, strlen(in), 1, 220, 1, "mx.example.com ESMTP ready");
}
END_TEST

START_TEST(multi_line_ehlo)
{
    const char *in = "250-mx.example.com hello\r\n"
                     "250-PIPELINING\r\n"
                     "250-SIZE 10240000\r\n"
                     "250-starttls\r\n"
                     "250 8BITMIME\r\n"
                     "221 not part of it\r\n";
    check_all_splits(in, strlen(in), 1, 250, 5, "8BITMIME");
    struct parsed p;
    parse_stream(&p, in, strlen(in), 1);
    ck_assert_str_eq(p.r.lines[0], "mx.example.com hello");
    ck_assert_str_eq(p.r.lines[3], "starttls");
    /* The parser stops at the end of the reply: the next line is not consumed. */
    ck_assert_uint_eq(p.consumed, strlen(in) - strlen("221 not part of it\r\n"));
    smtp_reply_clear(&p.r);
}
END_TEST

START_TEST(bare_code_and_bare_lf)
{
    check_all_splits("250\n", 4, 1, 250, 1, "");
    check_all_splits("250-a\n250-b\r\n250\n", 17, 1, 250, 3, "");
    /* A bare CR inside a line is text, not an end of line; it is escaped. */
    check_all_splits("220 a\rb\r\n", 9, 1, 220, 1, "a\\rb");
}
END_TEST

START_TEST(incomplete_needs_more)
{
    const char *in = "250-first\r\n250-second\r\n";
    check_all_splits(in, strlen(in), 0, 250, 2, "second");
    /* A last line without its newline is not a line yet. */
    check_all_splits("250-a\r\n250 b", 12, 0, 250, 1, "a");
}
END_TEST

START_TEST(malformed)
{
    /* Garbage, short codes, wrong separators, codes out of the RFC 5321 range. */
    check_all_splits("hello\r\n", 7, -1, -1, 1, "hello");
    check_all_splits("22\r\n", 4, -1, -1, 1, "22");
    check_all_splits("220_x\r\n", 7, -1, -1, 1, "220_x");
    check_all_splits("620 x\r\n", 7, -1, -1, 1, "620 x");
    check_all_splits("290 x\r\n", 7, -1, -1, 1, "290 x");
    check_all_splits("\r\n", 2, -1, -1, 1, "");
    /* RFC 5321 4.2.1: a continuation with another code is malformed. */
    check_all_splits("250-a\r\n251 b\r\n", 14, -1, -1, 2, "251 b");
    /* The bad line is escaped like everything else. */
    check_all_splits("\x1b[2J\r\n", 6, -1, -1, 1, "\\x1b[2J");
}
END_TEST

START_TEST(feed_after_complete)
{
    struct smtp_reply r;
    smtp_reply_init(&r);
    ck_assert_int_eq(smtp_reply_feed(&r, "220 a", 5), 1);
    ck_assert_int_eq(smtp_reply_feed(&r, "hello", 5), 1);
    ck_assert_uint_eq(r.nlines, 1);
    smtp_reply_clear(&r);
    ck_assert_uint_eq(r.nlines, 0);
    ck_assert(!r.complete);
    ck_assert_int_eq(smtp_reply_feed(&r, "bad", 3), -1);
    ck_assert_int_eq(smtp_reply_feed(&r, "250 ok", 6), -1);
    smtp_reply_clear(&r);
}
END_TEST

START_TEST(hostile_text_escaped)
{
    const char in[] = "220 evil\x1b]0;pwned\x07 \0nul \xff\xfe\r\n";
    struct parsed p;
    parse_stream(&p, in, sizeof in - 1, 1);
    ck_assert_int_eq(p.rc, 1);
    ck_assert_str_eq(p.r.lines[0], "evil\\x1b]0;pwned\\x07 \\x00nul \\xff\\xfe");
    smtp_reply_clear(&p.r);
}
END_TEST

START_TEST(lines_bounded)
{
    /* 5000 continuation lines: only MX_SMTP_REPLY_LINES_MAX kept, all counted. */
    size_t n = 5000;
    char *buf = malloc(n * 12 + 16);
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(buf + len, "250-K%zu\r\n", i);
    len += (size_t)sprintf(buf + len, "250 END\r\n");
    struct parsed p;
    parse_stream(&p, buf, len, 4096);
    ck_assert_int_eq(p.rc, 1);
    ck_assert_uint_eq(p.r.nlines, MX_SMTP_REPLY_LINES_MAX);
    ck_assert_uint_eq(p.r.nseen, n + 1);
    ck_assert_str_eq(p.r.lines[0], "K0");
    smtp_reply_clear(&p.r);

    /* A malformed line after the bound still replaces the last kept line. */
    len = 0;
    for (size_t i = 0; i < 200; i++)
        len += (size_t)sprintf(buf + len, "250-K%zu\r\n", i);
    len += (size_t)sprintf(buf + len, "junk\r\n");
    parse_stream(&p, buf, len, 7);
    ck_assert_int_eq(p.rc, -1);
    ck_assert_uint_eq(p.r.nlines, MX_SMTP_REPLY_LINES_MAX);
    ck_assert_str_eq(p.r.lines[p.r.nlines - 1], "junk");
    smtp_reply_clear(&p.r);
    free(buf);
}
END_TEST

START_TEST(long_line_truncated)
{
    size_t n = 100 * 1024;
    char *buf = malloc(n + 32);
    memcpy(buf, "220 ", 4);
    memset(buf + 4, 'A', n);
    memcpy(buf + 4 + n, "\r\n", 2);
    static const size_t chunks[] = {1, 1000, 1024, 4096, 200000};
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        struct parsed p;
        parse_stream(&p, buf, n + 6, chunks[i]);
        ck_assert_int_eq(p.rc, 1);
        ck_assert_uint_eq(p.ntrunc, 1);
        ck_assert_uint_eq(strlen(p.r.lines[0]), MX_SMTP_LINE_MAX - 4);
        ck_assert_uint_eq(p.consumed, n + 6);
        smtp_reply_clear(&p.r);
    }
    free(buf);
}
END_TEST

START_TEST(line_exactly_at_bound)
{
    /* MX_SMTP_LINE_MAX bytes then CRLF: the CR overflows but nothing is lost. */
    char buf[MX_SMTP_LINE_MAX + 8];
    memcpy(buf, "220 ", 4);
    memset(buf + 4, 'b', MX_SMTP_LINE_MAX - 4);
    memcpy(buf + MX_SMTP_LINE_MAX, "\r\n", 2);
    for (size_t chunk = 1; chunk <= 2048; chunk *= 2) {
        struct parsed p;
        parse_stream(&p, buf, MX_SMTP_LINE_MAX + 2, chunk);
        ck_assert_int_eq(p.rc, 1);
        ck_assert_uint_eq(p.ntrunc, 0);
        ck_assert_uint_eq(strlen(p.r.lines[0]), MX_SMTP_LINE_MAX - 4);
        smtp_reply_clear(&p.r);
    }
    /* One more byte of text is a real truncation. */
    buf[MX_SMTP_LINE_MAX] = 'c';
    memcpy(buf + MX_SMTP_LINE_MAX + 1, "\r\n", 2);
    struct parsed p;
    parse_stream(&p, buf, MX_SMTP_LINE_MAX + 3, 1);
    ck_assert_uint_eq(p.ntrunc, 1);
    smtp_reply_clear(&p.r);
}
END_TEST

START_TEST(lines_wait_for_next)
{
    struct smtp_lines s;
    smtp_lines_init(&s);
    ck_assert_uint_eq(smtp_lines_take(&s, "ab\ncd\n", 6), 3);
    ck_assert(s.done);
    ck_assert_uint_eq(s.len, 2);
    /* Nothing is consumed until the finished line is taken away. */
    ck_assert_uint_eq(smtp_lines_take(&s, "cd\n", 3), 0);
    smtp_lines_next(&s);
    ck_assert_uint_eq(smtp_lines_take(&s, "cd\n", 3), 3);
    ck_assert(memcmp(s.buf, "cd", 2) == 0);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("smtp_reply");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, single_line);
    tcase_add_test(tc, multi_line_ehlo);
    tcase_add_test(tc, bare_code_and_bare_lf);
    tcase_add_test(tc, incomplete_needs_more);
    tcase_add_test(tc, malformed);
    tcase_add_test(tc, feed_after_complete);
    tcase_add_test(tc, hostile_text_escaped);
    tcase_add_test(tc, lines_bounded);
    tcase_add_test(tc, long_line_truncated);
    tcase_add_test(tc, line_exactly_at_bound);
    tcase_add_test(tc, lines_wait_for_next);
    suite_add_tcase(s, tc);
    return s;
}
