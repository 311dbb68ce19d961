/* test_sts_record - the _mta-sts TXT record parser (RFC 8461 3.1): RFC and real-world
 * records, every grammar rule, first-wins duplicates, and hostile bytes. */
#include "testlib.h"
#include "sts.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* find - the first problem with that code whose message contains needle (NULL = any). */
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

static void dump(const struct problem_list *pl)
{
    for (size_t i = 0; i < pl->n; i++)
        fprintf(stderr, "  %s %s: %s\n", severity_name(pl->items[i].severity),
                problem_def(pl->items[i].id)->code, pl->items[i].message);
}

/* No message may carry a raw control byte: everything quoted was escaped. */
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

struct rcase {
    const char *txt;
    size_t len;          /* 0 = strlen(txt) */
    bool valid;
    const char *code;    /* NULL: no problem at all expected */
    enum severity sev;
    const char *needle;  /* substring of that problem's message */
};

static const struct rcase cases[] = {
    /* valid: RFC 8461 3.1 example and real-world records from the field guide */
    {"v=STSv1; id=20160831085700Z;", 0, true, NULL, 0, NULL},
    {"v=STSv1;id=1577377920599;", 0, true, NULL, 0, NULL}, /* jwilleke.com, no spaces */
    {"v=STSv1; id=1", 0, true, NULL, 0, NULL},              /* Mailu example */
    {"v=STSv1; id=18139500144460329770", 0, true, NULL, 0, NULL}, /* tb.pro, 20 digits */
    {"v=STSv1; id=20260106T000000Z", 0, true, NULL, 0, NULL},
    {"v=STSv1; id=202211231428;", 0, true, NULL, 0, NULL},
    {"v=STSv1;\tid=abc\t;\t", 0, true, NULL, 0, NULL},       /* WSP around ';' is delim */
    {"v=STSv1; id=abcdefghijklmnopqrstuvwxyz012345", 0, true, NULL, 0, NULL}, /* 32 */
    /* extensions are ignored (info) */
    {"v=STSv1; id=1; foo=bar", 0, true, "sts.record.extension", SEV_INFO,
     "unknown field 'foo=bar' is ignored"},
    {"v=STSv1; id=1; x.y-z_1=a:b<c>", 0, true, "sts.record.extension", SEV_INFO, "x.y-z_1"},
    /* warnings that keep the record usable */
    {"v=STSv1 ; id=1", 0, true, "sts.record.syntax", SEV_WARNING, "between v=STSv1 and ';'"},
    {"v=STSv1; id=1; id=2", 0, true, "sts.record.syntax", SEV_WARNING,
     "second id field (id=2) is ignored"},
    {"v=STSv1; id=1 ", 0, true, "sts.record.syntax", SEV_WARNING, "after the last field"},
    {"v=STSv1; id=1; v=STSv1", 0, true, "sts.record.syntax", SEV_WARNING, "second v="},
    /* version field, T3 */
    {"", 0, false, "sts.record.syntax", SEV_ERROR, "empty"},
    {"v", 0, false, "sts.record.syntax", SEV_ERROR, "begins with 'v'"},
    {"V=STSv1; id=1", 0, false, "sts.record.syntax", SEV_ERROR, "case-sensitive"},
    {"v=stsv1; id=1", 0, false, "sts.record.syntax", SEV_ERROR, "exactly v=STSv1"},
    {"v=STSv1 id=1", 0, false, "sts.record.syntax", SEV_ERROR, "must be followed by ';'"},
    {"v=STSv1,id=1", 0, false, "sts.record.syntax", SEV_ERROR, "must be followed by ';'"},
    {"v=STSv2; id=1", 0, false, "sts.record.syntax", SEV_ERROR, "only version is v=STSv1"},
    {"id=1; v=STSv1", 0, false, "sts.record.syntax", SEV_ERROR,
     "v= appears after another field"},
    {" v=STSv1; id=1", 0, false, "sts.record.syntax", SEV_ERROR, "begins with whitespace"},
    {"v=spf1 include:_spf.google.com ~all", 0, false, "sts.record.syntax", SEV_ERROR,
     "only version is v=STSv1"},
    /* id, T4 */
    {"v=STSv1", 0, false, "sts.record.syntax", SEV_ERROR, "no id field"},
    {"v=STSv1;", 0, false, "sts.record.syntax", SEV_ERROR, "no id field"},
    {"v=STSv1; id=", 0, false, "sts.record.syntax", SEV_ERROR, "id is empty"},
    {"v=STSv1; id=2026-01-01", 0, false, "sts.record.syntax", SEV_ERROR, "contains '-'"},
    {"v=STSv1; id=2026_01", 0, false, "sts.record.syntax", SEV_ERROR, "contains '_'"},
    {"v=STSv1; id=2026.01", 0, false, "sts.record.syntax", SEV_ERROR, "contains '.'"},
    {"v=STSv1; id=20:00", 0, false, "sts.record.syntax", SEV_ERROR, "contains ':'"},
    {"v=STSv1; id=1 2", 0, false, "sts.record.syntax", SEV_ERROR, "contains a space"},
    {"v=STSv1; id=abcdefghijklmnopqrstuvwxyz0123456", 0, false, "sts.record.syntax",
     SEV_ERROR, "33 characters long"},
    {"v=STSv1; ID=123", 0, false, "sts.record.syntax", SEV_ERROR, "found 'ID='"},
    {"v=STSv1; id=a-b; id=ab", 0, false, "sts.record.syntax", SEV_WARNING, "(id=ab)"},
    /* delimiters and fields, T5/T6 */
    {"v=STSv1;; id=1", 0, false, "sts.record.syntax", SEV_ERROR, "two ';' in a row"},
    {"v=STSv1; id=1; junk", 0, false, "sts.record.syntax", SEV_ERROR, "has no '='"},
    {"v=STSv1; id=1; bad name=x", 0, false, "sts.record.syntax", SEV_ERROR,
     "contains a space"},
    {"v=STSv1; id=1; _x=y", 0, false, "sts.record.syntax", SEV_ERROR, "field name '_x'"},
    {"v=STSv1; id=1; x=a=b", 0, false, "sts.record.syntax", SEV_ERROR, "contains '='"},
    {"v=STSv1; id=1; x=", 0, false, "sts.record.syntax", SEV_ERROR, "empty value"},
    {"v=STSv1; id=1; =x", 0, false, "sts.record.syntax", SEV_ERROR, "no name"},
    {"v=STSv1; id=1; abcdefghijklmnopqrstuvwxyz0123456=1", 0, false, "sts.record.syntax",
     SEV_ERROR, "at most 32"},
    /* US-ASCII only, T9, and raw bytes */
    {"v=STSv1; id=caf\xc3\xa9", 0, false, "sts.record.syntax", SEV_ERROR,
     "non-ASCII byte 0xc3"},
    {"v=STSv1; id=1\0", 14, false, "sts.record.syntax", SEV_ERROR, "control byte 0x00"},
    {"v=STSv1\0; id=1", 14, false, "sts.record.syntax", SEV_ERROR, "control byte 0x00"},
    {"v=STSv1; id=1\x1b[2J", 0, false, "sts.record.syntax", SEV_ERROR, "control byte 0x1b"},
};

START_TEST(table)
{
    const struct rcase *tc = &cases[_i];
    size_t len = tc->len ? tc->len : strlen(tc->txt);
    struct problem_list pl = {0};
    struct sts_record r;
    int rc = sts_record_parse((const unsigned char *)tc->txt, len, &r, &pl, STEP_STS_RECORD,
                              "example.com");
    if (r.valid != tc->valid || (tc->code && !find(&pl, tc->code, tc->needle)) ||
        (!tc->code && pl.n))
        dump(&pl);
    ck_assert_msg(r.valid == tc->valid, "case %d '%s': valid=%d", _i, tc->txt, r.valid);
    ck_assert_int_eq(rc, tc->valid ? 0 : -1);
    if (tc->code) {
        const struct problem *p = find(&pl, tc->code, tc->needle);
        ck_assert_msg(p != NULL, "case %d '%s': no %s with '%s'", _i, tc->txt, tc->code,
                      tc->needle);
        ck_assert_msg(p->severity == tc->sev, "case %d: severity %d", _i, p->severity);
        ck_assert_int_eq(p->step, STEP_STS_RECORD);
        ck_assert_str_eq(p->subject, "example.com");
    } else {
        ck_assert_msg(pl.n == 0, "case %d '%s': %zu unexpected problems", _i, tc->txt, pl.n);
    }
    assert_clean_messages(&pl);
    sts_record_free(&r);
    problem_list_clear(&pl);
}
END_TEST

START_TEST(fields_stored)
{
    struct sts_record r;
    const char *t = "v=STSv1; id=20160831085700Z; ext=1; id=2";
    ck_assert_int_eq(sts_record_parse((const unsigned char *)t, strlen(t), &r, NULL,
                                      STEP_STS_RECORD, NULL), 0);
    ck_assert_str_eq(r.id, "20160831085700Z"); /* first id wins */
    ck_assert_uint_eq(r.nextensions, 1);
    ck_assert_str_eq(r.extensions[0], "ext=1");
    sts_record_free(&r);
    ck_assert_ptr_null(r.id);
    sts_record_free(&r); /* twice is harmless */
    sts_record_free(NULL);
}
END_TEST

START_TEST(stored_id_is_escaped)
{
    struct sts_record r;
    const char t[] = "v=STSv1; id=a\x1b[31m";
    ck_assert_int_eq(sts_record_parse((const unsigned char *)t, sizeof t - 1, &r, NULL,
                                      STEP_STS_RECORD, NULL), -1);
    ck_assert_str_eq(r.id, "a\\x1b[31m");
    sts_record_free(&r);
}
END_TEST

START_TEST(id_hint_for_typos)
{
    struct problem_list pl = {0};
    struct sts_record r;
    const char *t = "v=STSv1; di=1";
    sts_record_parse((const unsigned char *)t, strlen(t), &r, &pl, STEP_LINT, "x");
    ck_assert_ptr_nonnull(find(&pl, "sts.record.extension", "did you mean id?"));
    ck_assert_ptr_nonnull(find(&pl, "sts.record.syntax", "found 'di='"));
    sts_record_free(&r);
    problem_list_clear(&pl);
}
END_TEST

START_TEST(candidate_filter)
{
    static const struct { const char *t; bool want; } c[] = {
        {"v=STSv1;", true}, {"v=STSv1", true}, {"v=STSv1 ;id=1", true},
        {"v=STSv1\tid", true}, {"v=STSv1; id=1", true}, {"v=STSv10; id=1", false},
        {"V=STSv1; id=1", false}, {"v=stsv1; id=1", false}, {" v=STSv1; id=1", false},
        {"v=STSv", false}, {"", false}, {"v=TLSRPTv1; rua=mailto:a@b", false},
        {"v=STSv1:id=1", false},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        ck_assert_msg(sts_record_is_candidate((const unsigned char *)c[i].t,
                                              strlen(c[i].t)) == c[i].want, "'%s'", c[i].t);
    ck_assert(!sts_record_is_candidate(NULL, 0));
}
END_TEST

/* Random and pathological input never crashes, and messages stay printable. */
START_TEST(hostile_input)
{
    unsigned char buf[4096];
    unsigned seed = 12345;
    for (int round = 0; round < 3000; round++) {
        size_t len = (size_t)(round % 97);
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            static const char alpha[] = "v=STSv1;id= \t\0\x80\xff;=a-_.Z9";
            buf[i] = (seed >> 16) & 1 ? (unsigned char)alpha[(seed >> 17) % (sizeof alpha - 1)]
                                      : (unsigned char)(seed >> 20);
        }
        if (round % 2)
            memcpy(buf, "v=STSv1;", len < 8 ? len : 8);
        struct problem_list pl = {0};
        struct sts_record r;
        sts_record_parse(buf, len, &r, &pl, STEP_LINT, "fuzz");
        assert_clean_messages(&pl);
        sts_record_free(&r);
        problem_list_clear(&pl);
    }
    /* 4 KiB of ';' and one of 'a': bounded work, still invalid */
    memset(buf, ';', sizeof buf);
    memcpy(buf, "v=STSv1", 7);
    struct problem_list pl = {0};
    struct sts_record r;
    ck_assert_int_eq(sts_record_parse(buf, sizeof buf, &r, &pl, STEP_LINT, "x"), -1);
    sts_record_free(&r);
    problem_list_clear(&pl);
    memset(buf, 'a', sizeof buf);
    memcpy(buf, "v=STSv1; id=", 12);
    ck_assert_int_eq(sts_record_parse(buf, sizeof buf, &r, &pl, STEP_LINT, "x"), -1);
    ck_assert_ptr_nonnull(find(&pl, "sts.record.syntax", "4084 characters long"));
    sts_record_free(&r);
    problem_list_clear(&pl);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("sts_record");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, table, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, fields_stored);
    tcase_add_test(tc, stored_id_is_escaped);
    tcase_add_test(tc, id_hint_for_typos);
    tcase_add_test(tc, candidate_filter);
    tcase_add_test(tc, hostile_input);
    suite_add_tcase(s, tc);
    return s;
}
