/* test_cmd_lint - `mxray lint`: exit status over the whole lint corpus (tests/data/lint,
 * good/bad in each file name), compiler-style lines, JSON shape, stdin, the size bound and
 * usage errors. */
#include "testlib.h"
#include "cmd_lint.h"
#include "mx_limits.h"
#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct run {
    int rc;
    char *out;
    char *err;
};

/* lint - run cmd_lint_run on a NULL-terminated argument list, stdin fed from in (may be NULL). */
static struct run lint(const char *in, size_t inlen, const char *a0, ...)
{
    char *argv[16];
    int argc = 0;
    va_list ap;
    argv[argc++] = "lint";
    va_start(ap, a0);
    for (const char *a = a0; a && argc < 15; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;

    struct run r;
    size_t olen, elen;
    FILE *out = open_memstream(&r.out, &olen);
    FILE *err = open_memstream(&r.err, &elen);
    FILE *fin = in ? fmemopen((void *)in, inlen, "r") : fopen("/dev/null", "r");
    ck_assert(out && err && fin);
    r.rc = cmd_lint_run(argc, argv, fin, out, err);
    fclose(fin);
    fclose(out);
    fclose(err);
    return r;
}

static void run_free(struct run *r)
{
    free(r->out);
    free(r->err);
}

/* write_tmp - a temporary file with these bytes; returns its path (static). */
static const char *write_tmp(const void *data, size_t len)
{
    static char path[64];
    strcpy(path, "/tmp/mxray-lint-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
    close(fd);
    return path;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char *buf = malloc(MX_POLICY_BODY_MAX + 2);
    *len = fread(buf, 1, MX_POLICY_BODY_MAX + 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

START_TEST(corpus_exit_codes)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", testlib_data_path("lint"));
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    int seen = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        bool good = strstr(n, "-good-") != NULL;
        if (!good && !strstr(n, "-bad-"))
            continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, n);
        struct run r;
        if (strncmp(n, "policy-", 7) == 0) {
            r = lint(NULL, 0, "policy", path, NULL);
        } else {
            size_t len;
            char *text = slurp(path, &len);
            if (memchr(text, '\0', len)) { /* argv cannot carry a NUL */
                free(text);
                continue;
            }
            r = lint(NULL, 0, strncmp(n, "record-", 7) == 0 ? "sts-record" : "tlsrpt-record",
                     text, NULL);
            free(text);
        }
        ck_assert_msg(r.rc == (good ? 0 : 2), "%s: exit %d\n%s%s", n, r.rc, r.out, r.err);
        const char *last = r.out + strlen(r.out);
        ck_assert_str_eq(last - (good ? 6 : 8), good ? "valid\n" : "invalid\n");
        ck_assert_str_eq(r.err, "");
        run_free(&r);
        seen++;
    }
    closedir(d);
    ck_assert_int_ge(seen, 20);
}
END_TEST

static const char gmail[] = "version: STSv1\r\nmode: enforce\r\nmx: gmail-smtp-in.l.google.com\r\n"
                            "mx: *.gmail-smtp-in.l.google.com\r\nmax_age: 86400\r\n";
static const char microsoft[] = "version: STSv1\r\nmode: enforce\r\n"
                                "mx: *.mail.protection.outlook.com\r\nmax_age: 604800\r\n";

START_TEST(gmail_and_microsoft_json)
{
    const char *path = write_tmp(gmail, sizeof gmail - 1);
    struct run r = lint(NULL, 0, "--json", "policy", path, NULL);
    unlink(path);
    ck_assert_int_eq(r.rc, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "\"valid\": true"));
    ck_assert_ptr_nonnull(strstr(r.out, "\"version\": \"STSv1\""));
    ck_assert_ptr_nonnull(strstr(r.out, "\"mode\": \"enforce\""));
    ck_assert_ptr_nonnull(strstr(r.out, "\"max_age\": 86400"));
    ck_assert_ptr_nonnull(strstr(r.out, "\"*.gmail-smtp-in.l.google.com\""));
    ck_assert_ptr_nonnull(strstr(r.out, "\"problems\": ["));
    run_free(&r);

    /* --json after the operand too; stdin as "-" */
    r = lint(microsoft, sizeof microsoft - 1, "policy", "-", "--json", NULL);
    ck_assert_int_eq(r.rc, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "\"mx\": [\n    \"*.mail.protection.outlook.com\"\n  ]"));
    ck_assert_ptr_nonnull(strstr(r.out, "\"max_age\": 604800"));
    ck_assert_ptr_nonnull(strstr(r.out, "\"input\": \"<stdin>\""));
    run_free(&r);
}
END_TEST

START_TEST(nmx_typo_text)
{
    static const char nmx[] = "version: STSv1\nmode: enforce\nnmx: mx0.sc-host.de\nmax_age: 86400\n";
    const char *path = write_tmp(nmx, sizeof nmx - 1);
    char want[128];
    snprintf(want, sizeof want, "%s:3: info: sts.policy.unknown_key: ", path);
    struct run r = lint(NULL, 0, "policy", "--no-color", path, NULL);
    unlink(path);
    ck_assert_int_eq(r.rc, 2);
    ck_assert_msg(strstr(r.out, want) != NULL, "no \"%s\" in:\n%s", want, r.out);
    snprintf(want, sizeof want, "%s: error: sts.policy.syntax: ", path);
    ck_assert_msg(strstr(r.out, want) != NULL, "no \"%s\" in:\n%s", want, r.out);
    ck_assert_ptr_null(strstr(r.out, ": line 3: ")); /* the parser's prefix is not repeated */
    ck_assert_ptr_null(strchr(r.out, '\033'));        /* no colour off a terminal */
    ck_assert_str_eq(r.out + strlen(r.out) - 8, "invalid\n");
    run_free(&r);
}
END_TEST

START_TEST(mixed_line_endings_json)
{
    static const char mailu[] = "version: STSv1\nmode: enforce\nmax_age: 1296000\n"
                                "mx: mailu.example.com\r\n";
    struct run r = lint(mailu, sizeof mailu - 1, "--json", "policy", "-", NULL);
    ck_assert_int_eq(r.rc, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "\"line_endings\": \"mixed\""));
    ck_assert_ptr_nonnull(strstr(r.out, "\"code\": \"sts.policy.line_endings\""));
    ck_assert_ptr_nonnull(strstr(r.out, "\"severity\": \"info\""));
    run_free(&r);
}
END_TEST

START_TEST(records_json)
{
    struct run r = lint(NULL, 0, "sts-record", "v=STSv1; id=20260101120000", "--json", NULL);
    ck_assert_int_eq(r.rc, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "\"id\": \"20260101120000\""));
    ck_assert_ptr_nonnull(strstr(r.out, "\"kind\": \"sts-record\""));
    run_free(&r);

    r = lint(NULL, 0, "sts-record", "v=STSv1; id=2026-01-01", NULL);
    ck_assert_int_eq(r.rc, 2);
    ck_assert_ptr_nonnull(strstr(r.out, "sts-record: error: sts.record.syntax: "));
    run_free(&r);

    r = lint(NULL, 0, "--json", "tlsrpt-record",
             "v=TLSRPTv1; rua=mailto:tls@example.com,https://r.example.com/tls", NULL);
    ck_assert_int_eq(r.rc, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "\"rua\": [\n    \"mailto:tls@example.com\",\n"
                                        "    \"https://r.example.com/tls\"\n  ]"));
    run_free(&r);

    r = lint(NULL, 0, "tlsrpt-record", "v=TSLRPTv1; rua=mailto:tls@example.com", NULL);
    ck_assert_int_eq(r.rc, 2);
    ck_assert_ptr_nonnull(strstr(r.out, "tlsrpt-record: error: tlsrpt.syntax: "));
    run_free(&r);
}
END_TEST

START_TEST(oversized_policy)
{
    size_t n = MX_POLICY_BODY_MAX + 100;
    char *big = malloc(n);
    memset(big, 'x', n);
    memcpy(big, "version: STSv1\n", 15);
    const char *path = write_tmp(big, n);
    struct run r = lint(NULL, 0, "policy", path, NULL);
    ck_assert_int_eq(r.rc, 2);
    ck_assert_ptr_nonnull(strstr(r.out, ": error: sts.policy.size: "));
    run_free(&r);
    unlink(path);

    /* exactly at the bound is read whole and parsed, not refused for size */
    path = write_tmp(big, MX_POLICY_BODY_MAX);
    r = lint(NULL, 0, "policy", path, NULL);
    ck_assert_int_eq(r.rc, 2);
    ck_assert_ptr_null(strstr(r.out, "sts.policy.size"));
    run_free(&r);
    unlink(path);
    free(big);
}
END_TEST

START_TEST(usage_errors)
{
    struct run r = lint(NULL, 0, "policy", "/nonexistent/x", NULL);
    ck_assert_int_eq(r.rc, 64);
    ck_assert_str_eq(r.err, "mxray lint: cannot read /nonexistent/x: No such file or directory\n");
    ck_assert_str_eq(r.out, "");
    run_free(&r);

    r = lint(NULL, 0, "policy", "/", NULL); /* a directory cannot be read */
    ck_assert_int_eq(r.rc, 64);
    ck_assert_ptr_nonnull(strstr(r.err, "mxray lint: cannot read /: "));
    run_free(&r);

    const char *cases[][3] = {
        {"bogus", "x", NULL}, {"policy", NULL, NULL}, {"sts-record", NULL, NULL},
        {NULL, NULL, NULL},   {"--frobnicate", "policy", "-"}, {"sts-record", "a", "b"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        r = lint(NULL, 0, cases[i][0], cases[i][1], cases[i][2], NULL);
        ck_assert_msg(r.rc == 64, "case %zu: exit %d", i, r.rc);
        ck_assert_msg(strncmp(r.err, "mxray lint: ", 12) == 0, "case %zu: %s", i, r.err);
        ck_assert_str_eq(r.out, "");
        run_free(&r);
    }

    r = lint(NULL, 0, "--help", NULL);
    ck_assert_int_eq(r.rc, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "usage: mxray lint policy FILE|-"));
    run_free(&r);

    /* "--" lets a record that starts with '-' through as an operand */
    r = lint(NULL, 0, "sts-record", "--", "-v=STSv1", NULL);
    ck_assert_int_eq(r.rc, 2);
    run_free(&r);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("cmd_lint");
    TCase *tc = tcase_create("lint");
    tcase_add_test(tc, corpus_exit_codes);
    tcase_add_test(tc, gmail_and_microsoft_json);
    tcase_add_test(tc, nmx_typo_text);
    tcase_add_test(tc, mixed_line_endings_json);
    tcase_add_test(tc, records_json);
    tcase_add_test(tc, oversized_policy);
    tcase_add_test(tc, usage_errors);
    suite_add_tcase(s, tc);
    return s;
}
