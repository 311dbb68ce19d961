/* test_tlsrpt - the _smtp._tls TXT record parser (RFC 8460 3): version, rua URIs,
 * extensions, real-world records and typos, hostile bytes, and the lint seed corpus. */
#include "testlib.h"
#include "sts.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct problem *find(const struct problem_list *pl, const char *needle)
{
    for (size_t i = 0; i < pl->n; i++) {
        const struct problem *p = &pl->items[i];
        if (strcmp(problem_def(p->id)->code, "tlsrpt.syntax") == 0 &&
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

struct tcase {
    const char *txt;
    size_t len;
    bool valid;
    size_t nrua;         /* URIs kept */
    enum severity sev;   /* of the expected problem */
    const char *needle;  /* NULL: no problem at all */
};

static const struct tcase cases[] = {
    /* valid */
    {"v=TLSRPTv1; rua=mailto:tlsrpt@example.com", 0, true, 1, 0, NULL},
    {"v=TLSRPTv1;rua=mailto:tlsrpt@jwilleke.com;", 0, true, 1, 0, NULL}, /* no spaces */
    {"v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt", 0, true, 1, 0, NULL},
    {"v=TLSRPTv1; rua=mailto:a@example.com,https://r.example.com/x", 0, true, 2, 0, NULL},
    {"v=TLSRPTv1; rua=mailto:a@example.com , \tmailto:b@example.com", 0, true, 2, 0, NULL},
    {"v=TLSRPTv1; rua=MAILTO:a@example.com,HTTPS://r.example.com", 0, true, 2, 0, NULL},
    {"v=TLSRPTv1; rua=mailto:a%2Cb@example.com", 0, true, 1, 0, NULL},
    {"v=TLSRPTv1; rua=mailto:a@example.com; ruf=mailto:b@example.com", 0, true, 1, 0, NULL},
    {"v=TLSRPTv1; ext.1=x; rua=mailto:a@example.com;  ", 0, true, 1, 0, NULL},
    /* version */
    {"v=TSLRPTv1; rua=mailto:a@example.com", 0, false, 1, SEV_ERROR,
     "'v=TSLRPTv1', a misspelling of v=TLSRPTv1"},
    {"v=tlsrptv1; rua=mailto:a@example.com", 0, false, 1, SEV_ERROR, "case-sensitive"},
    {"v=TLSRPTv1 rua=mailto:a@example.com", 0, false, 0, SEV_ERROR,
     "must be followed by ';'"},
    {"v=STSv1; id=1", 0, false, 0, SEV_ERROR, "must begin with v=TLSRPTv1"},
    {"rua=mailto:a@example.com; v=TLSRPTv1", 0, false, 1, SEV_ERROR,
     "v= appears after another field"},
    {" v=TLSRPTv1; rua=mailto:a@example.com", 0, false, 1, SEV_ERROR,
     "begins with whitespace"},
    {"", 0, false, 0, SEV_ERROR, "empty"},
    {"v", 0, false, 0, SEV_ERROR, "begins with 'v'"},
    /* rua */
    {"v=TLSRPTv1", 0, false, 0, SEV_ERROR, "no rua= field"},
    {"v=TLSRPTv1;", 0, false, 0, SEV_ERROR, "no rua= field"},
    {"v=TLSRPTv1; RUA=mailto:a@example.com", 0, false, 0, SEV_ERROR, "found 'RUA='"},
    {"v=TLSRPTv1; ruf=mailto:a@example.com", 0, false, 0, SEV_ERROR, "found 'ruf='"},
    {"v=TLSRPTv1; rua=", 0, false, 0, SEV_ERROR, "rua= is empty"},
    {"v=TLSRPTv1; rua=mailto:a@example.com,", 0, false, 1, SEV_ERROR, "empty URI"},
    {"v=TLSRPTv1; rua=mailto:a@example.com,,mailto:b@example.com", 0, false, 2, SEV_ERROR,
     "empty URI"},
    {"v=TLSRPTv1; rua=http://r.example.com/", 0, false, 0, SEV_ERROR,
     "other than mailto: or https:"},
    {"v=TLSRPTv1; rua=ftp://r.example.com/", 0, false, 0, SEV_ERROR,
     "other than mailto: or https:"},
    {"v=TLSRPTv1; rua=tls@example.com", 0, false, 0, SEV_ERROR,
     "has no scheme: write mailto:tls@example.com"},
    {"v=TLSRPTv1; rua=mailto:", 0, false, 0, SEV_ERROR, "not a mail address"},
    {"v=TLSRPTv1; rua=mailto:reports", 0, false, 0, SEV_ERROR, "not a mail address"},
    {"v=TLSRPTv1; rua=https:reports.example.com", 0, false, 0, SEV_ERROR, "has no host"},
    {"v=TLSRPTv1; rua=https://", 0, false, 0, SEV_ERROR, "has no host"},
    {"v=TLSRPTv1; rua=mailto:a!b@example.com", 0, false, 0, SEV_ERROR, "%21"},
    {"v=TLSRPTv1; rua=mailto:a%2@example.com", 0, false, 0, SEV_ERROR, "two hex digits"},
    {"v=TLSRPTv1; rua=mailto:a@example.com%", 0, false, 0, SEV_ERROR, "two hex digits"},
    {"v=TLSRPTv1; rua=mailto:a b@example.com", 0, false, 0, SEV_ERROR, "contains a space"},
    {"v=TLSRPTv1; rua=mailto:<a@example.com>", 0, false, 0, SEV_ERROR, "contains '<'"},
    {"v=TLSRPTv1; rua=mailto:a@example.com; mailto:b@example.com", 0, false, 1, SEV_ERROR,
     "separate them with ',' not ';'"},
    {"v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com", 0, true, 1,
     SEV_WARNING, "second rua= field is ignored"},
    {"v=TLSRPTv1; rua=mailto:a@example.com,ftp://x", 0, false, 1, SEV_ERROR,
     "'ftp://x' uses a scheme"}, /* one bad URI spoils the record */
    /* delimiters, extensions */
    {"v=TLSRPTv1;; rua=mailto:a@example.com", 0, false, 1, SEV_ERROR, "two ';' in a row"},
    {"v=TLSRPTv1 ; rua=mailto:a@example.com", 0, true, 1, SEV_WARNING,
     "between v=TLSRPTv1 and ';'"},
    {"v=TLSRPTv1; rua=mailto:a@example.com ", 0, true, 1, SEV_WARNING, "after the last"},
    {"v=TLSRPTv1; rua=mailto:a@example.com; x=a=b", 0, false, 1, SEV_ERROR, "contains '='"},
    {"v=TLSRPTv1; rua=mailto:a@example.com; _x=1", 0, false, 1, SEV_ERROR,
     "field name '_x' is not valid"},
    {"v=TLSRPTv1; rua=mailto:a@example.com; x=", 0, false, 1, SEV_ERROR, "empty value"},
    {"v=TLSRPTv1; rua=mailto:a@example.com; v=TLSRPTv1", 0, true, 1, SEV_WARNING,
     "second v="},
    /* raw bytes */
    {"v=TLSRPTv1; rua=mailto:a@ex\xc3\xa4mple.com", 0, false, 0, SEV_ERROR,
     "non-ASCII byte 0xc3"},
    {"v=TLSRPTv1; rua=mailto:a@example.com\0", 38, false, 0, SEV_ERROR, "control byte 0x00"},
};

START_TEST(table)
{
    const struct tcase *tc = &cases[_i];
    size_t len = tc->len ? tc->len : strlen(tc->txt);
    struct problem_list pl = {0};
    struct tlsrpt_record r;
    int rc = tlsrpt_record_parse((const unsigned char *)tc->txt, len, &r, &pl, STEP_TLSRPT,
                                 "_smtp._tls.example.com");
    const struct problem *p = tc->needle ? find(&pl, tc->needle) : NULL;
    if (r.valid != tc->valid || (tc->needle && !p) || (!tc->needle && pl.n))
        dump(&pl);
    ck_assert_msg(r.valid == tc->valid, "case %d '%s': valid=%d", _i, tc->txt, r.valid);
    ck_assert_int_eq(rc, tc->valid ? 0 : -1);
    ck_assert_msg(r.nrua == tc->nrua, "case %d: nrua=%zu", _i, r.nrua);
    if (tc->needle) {
        ck_assert_msg(p != NULL, "case %d '%s': no problem with '%s'", _i, tc->txt,
                      tc->needle);
        ck_assert_int_eq(p->severity, tc->sev);
        ck_assert_int_eq(p->step, STEP_TLSRPT);
        ck_assert_str_eq(p->subject, "_smtp._tls.example.com");
    } else {
        ck_assert_msg(pl.n == 0, "case %d: %zu unexpected problems", _i, pl.n);
    }
    for (size_t i = 0; i < pl.n; i++) {
        const unsigned char *m = (const unsigned char *)pl.items[i].message;
        while (*m >= 0x20 && *m != 0x7f)
            m++;
        ck_assert_msg(*m == 0, "raw byte in '%s'", pl.items[i].message);
    }
    tlsrpt_record_free(&r);
    problem_list_clear(&pl);
}
END_TEST

START_TEST(uris_stored)
{
    const char *t = "v=TLSRPTv1; rua=mailto:a@example.com , https://r.example.com/x?y=1";
    struct tlsrpt_record r;
    ck_assert_int_eq(tlsrpt_record_parse((const unsigned char *)t, strlen(t), &r, NULL,
                                         STEP_TLSRPT, NULL), 0);
    ck_assert_uint_eq(r.nrua, 2);
    ck_assert_str_eq(r.rua[0], "mailto:a@example.com");
    ck_assert_str_eq(r.rua[1], "https://r.example.com/x?y=1");
    tlsrpt_record_free(&r);
    ck_assert_ptr_null(r.rua);
    tlsrpt_record_free(&r);
    tlsrpt_record_free(NULL);
}
END_TEST

START_TEST(candidate_filter)
{
    static const struct { const char *t; bool want; } c[] = {
        {"v=TLSRPTv1;", true}, {"v=TLSRPTv1", true}, {"v=TLSRPTv1 ;rua=x", true},
        {"v=TLSRPTv1; rua=mailto:a@b.c", true}, {"v=TSLRPTv1; rua=mailto:a@b.c", false},
        {"v=TLSRPTv10;", false}, {"V=TLSRPTv1;", false}, {"v=tlsrptv1;", false},
        {" v=TLSRPTv1;", false}, {"", false}, {"v=STSv1; id=1", false},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        ck_assert_msg(tlsrpt_record_is_candidate((const unsigned char *)c[i].t,
                                                 strlen(c[i].t)) == c[i].want, "'%s'", c[i].t);
    ck_assert(!tlsrpt_record_is_candidate(NULL, 0));
}
END_TEST

START_TEST(hostile_input)
{
    static const char alpha[] = "v=TLSRPTv1;rua mailto:https://@,!%2 \t\0\xff";
    unsigned char buf[600];
    unsigned seed = 4242;
    for (int round = 0; round < 3000; round++) {
        size_t len = (size_t)(round % 300);
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            buf[i] = (seed >> 16) & 3 ? (unsigned char)alpha[(seed >> 18) % (sizeof alpha - 1)]
                                      : (unsigned char)(seed >> 22);
        }
        if (round % 2)
            memcpy(buf, "v=TLSRPTv1;rua=", len < 15 ? len : 15);
        struct problem_list pl = {0};
        struct tlsrpt_record r;
        tlsrpt_record_parse(buf, len, &r, &pl, STEP_LINT, "fuzz");
        bool clean = true;
        for (size_t i = 0; i < pl.n; i++)
            for (const unsigned char *m = (const unsigned char *)pl.items[i].message; *m; m++)
                clean = clean && *m >= 0x20 && *m != 0x7f;
        ck_assert_msg(clean, "round %d: raw byte in a message", round);
        tlsrpt_record_free(&r);
        problem_list_clear(&pl);
    }
    /* a 4 KiB list of URIs: every one kept, linear work */
    char big[4200];
    size_t n = (size_t)snprintf(big, sizeof big, "v=TLSRPTv1; rua=");
    for (int i = 0; n < 4000; i++)
        n += (size_t)snprintf(big + n, sizeof big - n, "%smailto:r%d@example.com", i ? "," : "",
                              i);
    struct tlsrpt_record r;
    ck_assert_int_eq(tlsrpt_record_parse((const unsigned char *)big, n, &r, NULL, STEP_LINT,
                                         "x"), 0);
    ck_assert_uint_gt(r.nrua, 100);
    tlsrpt_record_free(&r);
}
END_TEST

/* Every tests/data/lint/tlsrpt-* and record-* file parses as its name says. */
START_TEST(seed_corpus)
{
    DIR *d = opendir(testlib_data_path("lint"));
    ck_assert_msg(d != NULL, "no tests/data/lint");
    int seen = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        bool tls = strncmp(e->d_name, "tlsrpt-", 7) == 0;
        bool rec = strncmp(e->d_name, "record-", 7) == 0;
        if (!tls && !rec)
            continue;
        bool good = strncmp(e->d_name + 7, "good-", 5) == 0;
        char name[512];
        snprintf(name, sizeof name, "lint/%s", e->d_name);
        FILE *f = fopen(testlib_data_path(name), "rb");
        ck_assert_ptr_nonnull(f);
        unsigned char b[4096];
        size_t len = fread(b, 1, sizeof b, f);
        fclose(f);
        struct problem_list pl = {0};
        int rc;
        if (tls) {
            struct tlsrpt_record r;
            rc = tlsrpt_record_parse(b, len, &r, &pl, STEP_LINT, e->d_name);
            tlsrpt_record_free(&r);
        } else {
            struct sts_record r;
            rc = sts_record_parse(b, len, &r, &pl, STEP_LINT, e->d_name);
            sts_record_free(&r);
        }
        if ((rc == 0) != good)
            dump(&pl);
        ck_assert_msg((rc == 0) == good, "%s: rc=%d", e->d_name, rc);
        problem_list_clear(&pl);
        seen++;
    }
    closedir(d);
    ck_assert_int_ge(seen, 10);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("tlsrpt");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, table, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, uris_stored);
    tcase_add_test(tc, candidate_filter);
    tcase_add_test(tc, hostile_input);
    tcase_add_test(tc, seed_corpus);
    suite_add_tcase(s, tc);
    return s;
}
