/* test_json - the streaming JSON emitter: commas, nesting, escaping, pretty and compact. */
#include "testlib.h"
#include "json.h"
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

/* Capture what a writer produces into a string. */
struct capture {
    FILE *f;
    char *buf;
    size_t len;
};

static struct json *cap_open(struct capture *c, bool pretty)
{
    c->buf = NULL;
    c->len = 0;
    c->f = open_memstream(&c->buf, &c->len);
    ck_assert_ptr_nonnull(c->f);
    return json_new(c->f, pretty);
}

static char *cap_close(struct capture *c, struct json *w)
{
    json_free(w);
    fclose(c->f);
    return c->buf;
}

/* python_valid - does python's json module accept doc (and, when expr is not NULL, is the
 * Python expression over d true)? */
static bool python_valid(const char *doc, const char *expr)
{
    /* the expression travels in the environment, so no shell quoting applies to it */
    setenv("MXRAY_PYEXPR", expr ? expr : "True", 1);
    /* Debian's interpreter directly: a version-manager shim costs a second per call */
    const char *py = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s -c 'import json,os,sys; "
                    "d=json.loads(sys.stdin.buffer.read().decode(\"utf-8\")); "
                    "sys.exit(0 if eval(os.environ[\"MXRAY_PYEXPR\"]) else 1)'", py);
    FILE *p = popen(cmd, "w");
    ck_assert_ptr_nonnull(p);
    fputs(doc, p);
    return pclose(p) == 0;
}

static void write_sample(struct json *w)
{
    json_obj_begin(w);
    json_kv_str(w, "a", "x");
    json_kv_int(w, "n", -42);
    json_kv_bool(w, "t", true);
    json_kv_null(w, "z");
    json_key(w, "arr");
    json_arr_begin(w);
    json_int(w, 1);
    json_obj_begin(w);
    json_obj_end(w);
    json_arr_begin(w);
    json_arr_end(w);
    json_str(w, NULL);
    json_arr_end(w);
    json_obj_end(w);
}

START_TEST(compact_exact)
{
    struct capture c;
    struct json *w = cap_open(&c, false);
    write_sample(w);
    char *out = cap_close(&c, w);
    ck_assert_str_eq(out, "{\"a\":\"x\",\"n\":-42,\"t\":true,\"z\":null,\"arr\":[1,{},[],null]}\n");
    free(out);
}
END_TEST

START_TEST(pretty_exact)
{
    struct capture c;
    struct json *w = cap_open(&c, true);
    write_sample(w);
    char *out = cap_close(&c, w);
    ck_assert_str_eq(out, "{\n"
                          "  \"a\": \"x\",\n"
                          "  \"n\": -42,\n"
                          "  \"t\": true,\n"
                          "  \"z\": null,\n"
                          "  \"arr\": [\n"
                          "    1,\n"
                          "    {},\n"
                          "    [],\n"
                          "    null\n"
                          "  ]\n"
                          "}\n");
    ck_assert(python_valid(out, "d['arr'][0] == 1 and d['z'] is None"));
    free(out);
}
END_TEST

START_TEST(string_escaping)
{
    struct capture c;
    struct json *w = cap_open(&c, false);
    json_arr_begin(w);
    json_str(w, "q\"b\\s/");
    json_str(w, "tab\tnl\ncr\resc\x1b" "del\x7f");
    json_str(w, "M\xc3\xbcller \xe2\x9c\x93 \xf0\x9f\x93\xa7");
    json_str(w, "bad\xff\xc3(\xed\xa0\x80");
    json_strn(w, "nul\0byte", 8);
    json_arr_end(w);
    char *out = cap_close(&c, w);
    ck_assert_str_eq(out, "[\"q\\\"b\\\\s/\","
                          "\"tab\\u0009nl\\u000acr\\u000desc\\u001bdel\\u007f\","
                          "\"M\xc3\xbcller \xe2\x9c\x93 \xf0\x9f\x93\xa7\","
                          "\"bad\\ufffd\\ufffd(\\ufffd\\ufffd\\ufffd\","
                          "\"nul\\u0000byte\"]\n");
    for (const char *p = out; *p; p++)
        ck_assert_msg((unsigned char)*p >= 0x20 || *p == '\n', "control byte in output");
    ck_assert(python_valid(out, "d[0] == 'q\"b\\\\s/' and d[1].startswith('tab\\t')"
                                " and d[2].startswith('M\\u00fcller') and d[4][3] == '\\0'"));
    free(out);
}
END_TEST

START_TEST(top_level_scalars_and_deep)
{
    struct capture c;
    struct json *w = cap_open(&c, true);
    for (int i = 0; i < JSON_DEPTH_MAX; i++)
        json_arr_begin(w);
    json_int(w, 7);
    for (int i = 0; i < JSON_DEPTH_MAX; i++)
        json_arr_end(w);
    char *out = cap_close(&c, w);
    ck_assert(python_valid(out, "d" "[0]" "[0]" "[0]" " is not None"));
    free(out);

    w = cap_open(&c, false);
    json_str(w, "alone");
    out = cap_close(&c, w);
    ck_assert_str_eq(out, "\"alone\"\n");
    free(out);

    w = cap_open(&c, false);
    out = cap_close(&c, w);
    ck_assert_str_eq(out, ""); /* nothing written, not even a newline */
    free(out);
}
END_TEST

START_TEST(strv_and_empty_strv)
{
    struct capture c;
    struct json *w = cap_open(&c, false);
    char *v[] = {"a", "b"};
    json_obj_begin(w);
    json_kv_strv(w, "two", v, 2);
    json_kv_strv(w, "none", NULL, 0);
    json_obj_end(w);
    char *out = cap_close(&c, w);
    ck_assert_str_eq(out, "{\"two\":[\"a\",\"b\"],\"none\":[]}\n");
    free(out);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("json");
    TCase *tc = tcase_create("emit");
    tcase_add_test(tc, compact_exact);
    tcase_add_test(tc, pretty_exact);
    tcase_add_test(tc, string_escaping);
    tcase_add_test(tc, top_level_scalars_and_deep);
    tcase_add_test(tc, strv_and_empty_strv);
    suite_add_tcase(s, tc);
    return s;
}
