/* test_problems_doc - docs/problems.md is exactly what problems_markdown_write produces, and
 * the output names every code of the table. */
#include "testlib.h"
#include "problem.h"
#include "problems_doc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *generate(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    problems_markdown_write(f);
    fclose(f);
    return buf;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char *buf = NULL;
    size_t cap = 0, len = 0, got;
    do {
        buf = realloc(buf, cap += 65536);
        got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
    } while (got > 0);
    fclose(f);
    buf[len] = '\0';
    return buf;
}

START_TEST(every_code_documented)
{
    char *doc = generate();
    for (int i = 0; i < PROB_COUNT; i++) {
        const struct problem_def *d = problem_def((enum problem_id)i);
        char head[128];
        snprintf(head, sizeof head, "\n## %s\n", d->code);
        ck_assert_msg(strstr(doc, head) != NULL, "no section for %s", d->code);
        ck_assert_ptr_nonnull(strstr(doc, d->fix));
    }
    ck_assert_ptr_nonnull(strstr(doc, "`certificate-expired`"));
    free(doc);
}
END_TEST

START_TEST(checked_in_copy_matches)
{
    char *doc = generate();
    char *disk = slurp(testlib_data_path("../../docs/problems.md"));
    ck_assert_msg(strcmp(doc, disk) == 0,
                  "docs/problems.md is stale: regenerate with mxray --list-problems");
    free(doc);
    free(disk);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("problems_doc");
    TCase *tc = tcase_create("markdown");
    tcase_add_test(tc, every_code_documented);
    tcase_add_test(tc, checked_in_copy_matches);
    suite_add_tcase(s, tc);
    return s;
}
