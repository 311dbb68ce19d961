/* test_batch_input - the batch domain list: comments, blanks, CR LF, malformed and duplicate
 * lines (reported with their number, never fatal), bounded lines, and sharding. */
#include "testlib.h"
#include "batch_input.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* read_text - run batch_list_read over text; diagnostics into diag (static, NUL-terminated). */
static void read_text(struct batch_list *l, const char *text, size_t len, int k, int n,
                      char *diag, size_t dlen)
{
    batch_list_init(l, k, n);
    FILE *in = fmemopen((void *)text, len, "r");
    FILE *d = fmemopen(diag, dlen, "w");
    ck_assert_ptr_nonnull(in);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(batch_list_read(l, in, "list.txt", d), 0);
    fclose(in);
    fclose(d);
}

START_TEST(comments_blanks_and_crlf)
{
    static const char text[] = "# migration list\n"
                               "\n"
                               "   example.com   \r\n"
                               "Example.ORG.  # trailing comment\n"
                               "\t\n"
                               "b\xc3\xbc\x63her.example\n" /* IDN -> A-label */
                               "last.example";              /* no final newline */
    struct batch_list l;
    char diag[1024] = "";
    read_text(&l, text, sizeof text - 1, 1, 1, diag, sizeof diag);
    ck_assert_uint_eq(l.n, 4);
    ck_assert_str_eq(l.items[0].domain, "example.com");
    ck_assert_str_eq(l.items[0].input, "example.com");
    ck_assert_str_eq(l.items[1].domain, "example.org");
    ck_assert_str_eq(l.items[2].domain, "xn--bcher-kva.example");
    ck_assert_str_eq(l.items[3].domain, "last.example");
    ck_assert_uint_eq(l.malformed + l.duplicates, 0);
    ck_assert_str_eq(diag, "");
    batch_list_free(&l);
}
END_TEST

START_TEST(malformed_and_duplicates_named_by_line)
{
    static const char text[] = "a.example\n"
                               "two words.example\n"
                               "x..y\n"
                               "A.EXAMPLE.\n"
                               "b.example\n"
                               "bad\x1b[31m.example\n"
                               "a.example\n";
    struct batch_list l;
    char diag[2048] = "";
    read_text(&l, text, sizeof text - 1, 1, 1, diag, sizeof diag);
    ck_assert_uint_eq(l.n, 2);
    ck_assert_uint_eq(l.unique, 2);
    ck_assert_uint_eq(l.duplicates, 2);
    ck_assert_uint_eq(l.malformed, 3);
    ck_assert_ptr_nonnull(strstr(diag, "mxray: list.txt:2: 'two words.example' is more than"));
    ck_assert_ptr_nonnull(strstr(diag, "mxray: list.txt:3: 'x..y': "));
    ck_assert_ptr_nonnull(strstr(diag, "mxray: list.txt:4: a.example repeats line 1; skipped"));
    ck_assert_ptr_nonnull(strstr(diag, "mxray: list.txt:6: "));
    ck_assert_ptr_nonnull(strstr(diag, "mxray: list.txt:7: a.example repeats line 1; skipped"));
    ck_assert_ptr_null(strchr(diag, '\x1b')); /* the escape byte is shown escaped, not sent */
    batch_list_free(&l);
}
END_TEST

START_TEST(overlong_line_and_nul)
{
    char text[3000];
    memset(text, 'a', 2000);
    memcpy(text + 2000, "\nok.example\nnul\0byte.example\nlater.example\n", 42);
    struct batch_list l;
    batch_list_init(&l, 1, 1);
    char diag[1024] = "";
    FILE *in = fmemopen(text, 2042, "r"), *d = fmemopen(diag, sizeof diag, "w");
    /* a NUL byte: binary input, not a list; what was read before it stays */
    ck_assert_int_eq(batch_list_read(&l, in, "list.txt", d), -2);
    fclose(in);
    fclose(d);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_str_eq(l.items[0].domain, "ok.example");
    ck_assert_uint_eq(l.malformed, 1);
    ck_assert_ptr_nonnull(strstr(diag, "list.txt:1: line longer than 1024 bytes"));
    ck_assert_ptr_nonnull(strstr(diag, "list.txt:3: a NUL byte: not a text list of domains"));
    batch_list_free(&l);
}
END_TEST

/* issue 12: /dev/zero never ended, /dev/urandom wrote 146 MB of messages in 5 s. */
static size_t feed_until_stop(struct batch_list *l, struct batch_feed *f, char fill, FILE *d)
{
    char buf[65536];
    memset(buf, fill, sizeof buf);
    for (size_t i = 0; i < 64; i++) /* 4 MiB at most */
        if (batch_feed(l, f, buf, sizeof buf, d) < 0)
            return i + 1;
    return 0;
}

START_TEST(endless_line_and_garbage_are_given_up)
{
    struct batch_list l;
    batch_list_init(&l, 1, 1);
    struct batch_feed f;
    batch_feed_init(&f, "in");
    char diag[4096] = "";
    FILE *d = fmemopen(diag, sizeof diag, "w");
    size_t chunks = feed_until_stop(&l, &f, 'x', d); /* one line, never ending */
    ck_assert_uint_gt(chunks, 0);
    ck_assert_uint_le(chunks, 17); /* 1 MiB plus the line cap */
    ck_assert_ptr_nonnull(strstr(f.stopped, "longer than 1 MiB"));
    fclose(d);
    batch_list_free(&l);

    /* lines of garbage: BATCH_SAY_MAX named, one line about the rest, then given up */
    batch_list_init(&l, 1, 1);
    batch_feed_init(&f, "in");
    static char many[1 << 16];
    memset(diag, 0, sizeof diag);
    d = fmemopen(diag, sizeof diag, "w");
    int stopped = 0;
    for (int round = 0; round < 200 && !stopped; round++) {
        size_t o = 0;
        while (o + 8 < sizeof many) {
            memcpy(many + o, "a..b!c\n", 7);
            o += 7;
        }
        stopped = batch_feed(&l, &f, many, o, d) < 0;
    }
    fclose(d);
    ck_assert(stopped);
    ck_assert_uint_eq(l.malformed, BATCH_BAD_RUN_MAX);
    size_t lines = 0;
    for (const char *p = diag; (p = strchr(p, '\n')); p++)
        lines++;
    ck_assert_uint_eq(lines, BATCH_SAY_MAX + 2); /* named ones, "more lines", given up */
    ck_assert_ptr_nonnull(strstr(diag, "counted in the summary"));
    batch_list_free(&l);
}
END_TEST

/* issue 12: 100k duplicate lines printed 99,999 stderr lines. */
START_TEST(duplicates_are_summarised)
{
    struct batch_list l;
    batch_list_init(&l, 1, 1);
    char diag[8192] = "";
    FILE *d = fmemopen(diag, sizeof diag, "w");
    for (size_t i = 1; i <= 100000; i++)
        batch_list_add(&l, "dup.example", 11, "in", i, d);
    fclose(d);
    ck_assert_uint_eq(l.n, 1);
    ck_assert_uint_eq(l.duplicates, 99999);
    size_t lines = 0;
    for (const char *p = diag; (p = strchr(p, '\n')); p++)
        lines++;
    ck_assert_uint_eq(lines, BATCH_SAY_MAX + 1);
    batch_list_free(&l);
}
END_TEST

/* The batch takes domains from the front while the reader adds at the back. */
START_TEST(streamed_pieces_and_take)
{
    struct batch_list l;
    batch_list_init(&l, 1, 1);
    struct batch_feed f;
    batch_feed_init(&f, "in");
    ck_assert_int_eq(batch_feed(&l, &f, "one.exa", 7, NULL), 0);
    ck_assert_uint_eq(batch_list_waiting(&l), 0); /* no line end yet */
    ck_assert_int_eq(batch_feed(&l, &f, "mple\ntwo.example\nthree.ex", 25, NULL), 0);
    ck_assert_uint_eq(batch_list_waiting(&l), 2);
    struct batch_item it;
    ck_assert(batch_list_take(&l, &it));
    ck_assert_str_eq(it.domain, "one.example");
    batch_item_free(&it);
    batch_feed_end(&l, &f, NULL); /* "three.ex": a last line without its end */
    ck_assert_uint_eq(l.kept, 3);
    ck_assert(batch_list_take(&l, &it));
    ck_assert_str_eq(it.domain, "two.example");
    batch_item_free(&it);
    ck_assert(batch_list_take(&l, &it));
    ck_assert_str_eq(it.domain, "three.ex");
    batch_item_free(&it);
    ck_assert(!batch_list_take(&l, &it));
    batch_list_free(&l);
}
END_TEST

START_TEST(arguments_then_file)
{
    struct batch_list l;
    char diag[1024] = "";
    batch_list_init(&l, 1, 1);
    FILE *d = fmemopen(diag, sizeof diag, "w");
    batch_list_add(&l, "one.example", 11, NULL, 1, d);
    batch_list_add(&l, "not a domain", 12, NULL, 2, d);
    batch_list_add(&l, "two.example", 11, "f", 3, d);
    batch_list_add(&l, "ONE.example", 11, "f", 4, d);
    fclose(d);
    ck_assert_uint_eq(l.n, 2);
    ck_assert_ptr_nonnull(strstr(diag, "mxray: argument 2: 'not a domain'"));
    ck_assert_ptr_nonnull(strstr(diag, "mxray: f:4: one.example repeats argument 1; skipped"));
    batch_list_free(&l);
}
END_TEST

START_TEST(shards_partition_the_unique_domains)
{
    /* 10 domains, d3 repeated and a malformed line in between: 3 shards together hold each
     * domain exactly once, in input order, numbered after duplicates are dropped. */
    static const char text[] = "d1.x\nd2.x\nd3.x\nd3.x\nbad..x\nd4.x\nd5.x\nd6.x\nd7.x\nd8.x\n"
                               "d9.x\nd10.x\n";
    size_t total = 0;
    char seen[11] = {0};
    for (int k = 1; k <= 3; k++) {
        struct batch_list l;
        char diag[1024];
        read_text(&l, text, sizeof text - 1, k, 3, diag, sizeof diag);
        ck_assert_uint_eq(l.unique, 10);
        ck_assert_uint_eq(l.duplicates, 1); /* every shard reports the same skipped lines */
        ck_assert_uint_eq(l.malformed, 1);
        for (size_t i = 0; i < l.n; i++) {
            int d = atoi(l.items[i].domain + 1);
            ck_assert_int_eq((d - 1) % 3, k - 1);
            seen[d]++;
        }
        total += l.n;
        batch_list_free(&l);
    }
    ck_assert_uint_eq(total, 10);
    for (int d = 1; d <= 10; d++)
        ck_assert_int_eq(seen[d], 1);
}
END_TEST

START_TEST(many_domains_grow_the_table)
{
    struct batch_list l;
    batch_list_init(&l, 1, 1);
    char name[64];
    for (int i = 0; i < 20000; i++) {
        int n = snprintf(name, sizeof name, "host%d.example", i % 15000);
        batch_list_add(&l, name, (size_t)n, "big", (size_t)i + 1, NULL);
    }
    ck_assert_uint_eq(l.n, 15000);
    ck_assert_uint_eq(l.duplicates, 5000);
    batch_list_free(&l);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("batch_input");
    TCase *tc = tcase_create("read");
    tcase_add_test(tc, comments_blanks_and_crlf);
    tcase_add_test(tc, malformed_and_duplicates_named_by_line);
    tcase_add_test(tc, overlong_line_and_nul);
    tcase_add_test(tc, endless_line_and_garbage_are_given_up);
    tcase_add_test(tc, duplicates_are_summarised);
    tcase_add_test(tc, streamed_pieces_and_take);
    tcase_add_test(tc, arguments_then_file);
    tcase_add_test(tc, shards_partition_the_unique_domains);
    tcase_add_test(tc, many_domains_grow_the_table);
    suite_add_tcase(s, tc);
    return s;
}
