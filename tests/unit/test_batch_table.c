/* test_batch_table - batch table rows, the summary and the progress line, from hand-built
 * reports (report_fixtures.h): columns, counts, top problem codes, no stray control bytes. */
#include "testlib.h"
#include "batch_table.h"
#include "report_fixtures.h"
#include <stdio.h>
#include <string.h>

static char out[8192];

static FILE *open_out(void)
{
    memset(out, 0, sizeof out);
    FILE *f = fmemopen(out, sizeof out - 1, "w");
    ck_assert_ptr_nonnull(f);
    return f;
}

static bool clean(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 && *s != '\n')
            return false;
    return true;
}

START_TEST(rows_have_the_columns)
{
    struct report *good = fx_all_good(), *plain = fx_no_starttls(), *null = fx_null_mx();
    int w = batch_table_width(strlen("nullmx.example"));
    FILE *f = open_out();
    batch_table_header(f, w, false);
    batch_table_row(f, good, w, false);
    batch_table_row(f, plain, w, false);
    batch_table_row(f, null, w, false);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(out, "DOMAIN          VERDICT  MODE       MX  WORST PROBLEM\n"));
    ck_assert_ptr_nonnull(strstr(out, "example.com     PASS     enforce     1  -\n"));
    ck_assert_ptr_nonnull(
        strstr(out, "plain.example   WARN     testing     1  smtp.starttls_missing (+1)\n"));
    ck_assert_ptr_nonnull(strstr(out, "nullmx.example  NONE     -        null  mx.null\n"));
    ck_assert(clean(out));
    report_free(good);
    report_free(plain);
    report_free(null);
}
END_TEST

START_TEST(every_fixture_row_is_clean)
{
    struct report *rs[] = {fx_redirect(), fx_hostile(), fx_mismatch()};
    for (size_t i = 0; i < sizeof rs / sizeof *rs; i++) {
        FILE *f = open_out();
        batch_table_row(f, rs[i], 30, false);
        fclose(f);
        ck_assert_msg(clean(out), "row %zu: %s", i, out);
        ck_assert_int_eq((int)strlen(out) - (int)strlen(strchr(out, '\n')), (int)strlen(out) - 1);
        report_free(rs[i]);
    }
}
END_TEST

START_TEST(width_is_bounded)
{
    ck_assert_int_eq(batch_table_width(0), 6);
    ck_assert_int_eq(batch_table_width(12), 12);
    ck_assert_int_eq(batch_table_width(200), BATCH_DOMAIN_COL_MAX);
}
END_TEST

START_TEST(color_only_when_asked)
{
    struct report *r = fx_expired();
    FILE *f = open_out();
    batch_table_row(f, r, 20, true);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(out, "\033[1;31mFAIL   \033[0m"));
    f = open_out();
    batch_table_row(f, r, 20, false);
    fclose(f);
    ck_assert(clean(out));
    report_free(r);
}
END_TEST

START_TEST(summary_counts_and_top_codes)
{
    struct batch_stats st = {0};
    struct report *rs[] = {fx_all_good(), fx_no_record(), fx_no_record(), fx_mismatch(),
                           fx_expired(), fx_no_starttls()};
    for (size_t i = 0; i < sizeof rs / sizeof *rs; i++)
        batch_stats_add(&st, rs[i]);
    ck_assert_uint_eq(st.finished, 6);
    ck_assert_uint_eq(st.verdicts[VERDICT_PASS], 1);
    ck_assert_uint_eq(st.verdicts[VERDICT_NONE], 2);
    ck_assert_uint_eq(st.verdicts[VERDICT_FAIL], 2);
    ck_assert_uint_eq(st.verdicts[VERDICT_WARN], 1);
    ck_assert_uint_eq(st.code_domains[PROB_STS_RECORD_MISSING], 2);
    struct batch_summary m = {.planned = 8, .not_started = 2, .duplicates = 1, .malformed = 2,
                              .elapsed_ms = 2000, .interrupted = true};
    FILE *f = open_out();
    batch_summary_write(f, &st, &m, false);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(out, "Summary: 6 of 8 domains checked in 2.0 s (3.0 domains/s)"));
    ck_assert_ptr_nonnull(strstr(out, "PASS   1   WARN   1   FAIL   2   NONE   2\n"));
    /* most domains first: the two missing-record domains share two codes */
    const char *a = strstr(out, "     2  sts.record.missing\n");
    const char *b = strstr(out, "     1  mx.policy_mismatch\n");
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert(a < b);
    ck_assert_ptr_nonnull(strstr(out, "Skipped input: 1 duplicate and 2 malformed lines"));
    ck_assert_ptr_nonnull(strstr(out, "Interrupted: 0 stopped in flight, 2 not started"));
    ck_assert(clean(out));
    for (size_t i = 0; i < sizeof rs / sizeof *rs; i++)
        report_free(rs[i]);
}
END_TEST

START_TEST(progress_line)
{
    char buf[160];
    batch_progress_line(buf, sizeof buf, 0, 1000, 0, 0);
    ck_assert_str_eq(buf, "0/1000  0%  -/s  ETA --:--  fail 0");
    batch_progress_line(buf, sizeof buf, 250, 1000, 7, 10000);
    ck_assert_str_eq(buf, "250/1000  25%  25.0/s  ETA 0:30  fail 7");
    batch_progress_line(buf, sizeof buf, 1, 1000000, 0, 10000);
    ck_assert_str_eq(buf, "1/1000000  0%  0.1/s  ETA 2777:46:30  fail 0");
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("batch_table");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, rows_have_the_columns);
    tcase_add_test(tc, every_fixture_row_is_clean);
    tcase_add_test(tc, width_is_bounded);
    tcase_add_test(tc, color_only_when_asked);
    tcase_add_test(tc, summary_counts_and_top_codes);
    tcase_add_test(tc, progress_line);
    suite_add_tcase(s, tc);
    return s;
}
