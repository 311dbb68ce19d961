/* test_assets - the compiled-in assets and the $MXRAY_ASSETS override (src/assets.h). */
#define _XOPEN_SOURCE 700
#include "testlib.h"
#include "assets.h"
#include "xalloc.h"
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* the source tree's assets/ (tests/data is MXRAY_TEST_DATA) */
static char *src_assets(void)
{
    const char *data = getenv("MXRAY_TEST_DATA");
    ck_assert_ptr_nonnull(data);
    char *rel = xasprintf("%s/../../assets", data), *abs = realpath(rel, NULL);
    ck_assert_msg(abs != NULL, "%s", rel);
    free(rel);
    return abs;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s", path);
    char *buf = xmalloc(1 << 20);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

static size_t root_len, files_seen;
static int compare_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    const char *name = path + root_len + 1;
    if (type != FTW_F || strstr(path + root_len, "/.") || path[strlen(path) - 1] == '~')
        return 0;
    size_t want_len, got_len;
    char *want = slurp(path, &want_len), err[512];
    char *got = asset_read(name, 1 << 20, &got_len, err, sizeof err);
    ck_assert_msg(got != NULL, "assets/%s is not compiled in: %s", name, err);
    ck_assert_uint_eq(got_len, want_len);
    ck_assert_msg(!memcmp(got, want, want_len), "assets/%s differs from the built-in copy", name);
    ck_assert_int_eq(got[got_len], '\0');
    free(want);
    free(got);
    files_seen++;
    return 0;
}

START_TEST(every_source_file_is_built_in)
{
    unsetenv("MXRAY_ASSETS");
    char *root = src_assets();
    root_len = strlen(root);
    files_seen = 0;
    ck_assert_int_eq(nftw(root, compare_one, 16, FTW_PHYS), 0);
    ck_assert_uint_ge(files_seen, 30); /* learn texts and scenarios at least */
    free(root);
}
END_TEST

START_TEST(list_builtin)
{
    unsetenv("MXRAY_ASSETS");
    char **names;
    size_t n = asset_list("scenarios", ".scn", &names);
    ck_assert_uint_ge(n, 20);
    for (size_t i = 0; i < n; i++) {
        ck_assert_ptr_null(strchr(names[i], '/'));
        ck_assert_ptr_nonnull(strstr(names[i], ".scn"));
        if (i)
            ck_assert_int_lt(strcmp(names[i - 1], names[i]), 0);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    ck_assert_uint_eq(asset_list("learn", ".scn", &names), 0);
    ck_assert_ptr_null(names);
    ck_assert_uint_eq(asset_list("nothing-here", "", &names), 0);
    ck_assert_str_eq(asset_origin("scenarios"), "built in");
    ck_assert_str_eq(asset_origin("learn/tls.txt"), "built in");
    ck_assert_ptr_null(asset_origin("learn/none.txt"));
}
END_TEST

START_TEST(names_stay_inside)
{
    char err[256], **names;
    static const char *const bad[] = {"../CMakeLists.txt",
                                      "/etc/passwd",
                                      "learn/../learn/tls.txt",
                                      "./learn/tls.txt",
                                      "learn//tls.txt",
                                      "learn/",
                                      ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(asset_read(bad[i], 1 << 20, NULL, err, sizeof err) == NULL, "%s", bad[i]);
        ck_assert(!asset_exists(bad[i]));
    }
    ck_assert_uint_eq(asset_list("..", "", &names), 0);
    ck_assert_ptr_null(asset_read(NULL, 10, NULL, err, sizeof err));
}
END_TEST

START_TEST(size_bound)
{
    unsetenv("MXRAY_ASSETS");
    char err[256];
    size_t len;
    char *all = asset_read("learn/tls.txt", 1 << 20, &len, err, sizeof err);
    ck_assert_ptr_nonnull(all);
    ck_assert_ptr_null(asset_read("learn/tls.txt", len - 1, NULL, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "larger than"));
    free(all);
}
END_TEST

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

START_TEST(override_wins)
{
    char dir[] = "/tmp/mxray-assets-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char *learn = xasprintf("%s/learn", dir), *tls = xasprintf("%s/learn/tls.txt", dir);
    char *sub = xasprintf("%s/learn/sub", dir), *hidden = xasprintf("%s/learn/.x.txt", dir);
    ck_assert_int_eq(mkdir(learn, 0700), 0);
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    put(tls, "# mine\n");
    put(hidden, "hidden\n");
    setenv("MXRAY_ASSETS", dir, 1);
    char err[256], **names;
    size_t len;
    char *t = asset_read("learn/tls.txt", 1024, &len, err, sizeof err);
    ck_assert_str_eq(t, "# mine\n");
    ck_assert_uint_eq(len, 7);
    free(t);
    ck_assert_str_eq(asset_origin("learn/tls.txt"), tls);
    /* a file the override lacks comes from the built-in copy */
    t = asset_read("learn/mx.txt", 1 << 20, NULL, err, sizeof err);
    ck_assert_ptr_nonnull(t);
    free(t);
    ck_assert_str_eq(asset_origin("scenarios"), "built in");
    /* a directory the override has is listed from there only: files, no dot files */
    ck_assert_uint_eq(asset_list("learn", ".txt", &names), 1);
    ck_assert_str_eq(names[0], "tls.txt");
    free(names[0]);
    free(names);
    ck_assert_ptr_null(asset_read("learn/sub", 1024, NULL, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "not a regular file") ? err : strstr(err, "no such"));
    unsetenv("MXRAY_ASSETS");
    unlink(tls);
    unlink(hidden);
    rmdir(sub);
    rmdir(learn);
    rmdir(dir);
    free(learn);
    free(tls);
    free(sub);
    free(hidden);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("assets");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, every_source_file_is_built_in);
    tcase_add_test(tc, list_builtin);
    tcase_add_test(tc, names_stay_inside);
    tcase_add_test(tc, size_bound);
    tcase_add_test(tc, override_wins);
    suite_add_tcase(s, tc);
    return s;
}
