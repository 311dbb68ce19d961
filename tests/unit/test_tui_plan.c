/* test_tui_plan - the TUI's plan view without curses: what a typed target means, the lines
 * (the selected step opened, the others one line each), and w writing the policy as published
 * without overwriting. */
#include "testlib.h"
#include "view_plan.h"
#include "xalloc.h"
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

START_TEST(parse_targets)
{
    struct plan_target t;
    char *hosts[PLAN_TARGETS_MAX] = {0}, err[200];
    ck_assert_int_eq(view_plan_parse("MX1.Example.com, mx2.example.com enforce via-testing", &t,
                                     hosts, err, sizeof err),
                     0);
    ck_assert_uint_eq(t.nmx, 2);
    ck_assert_str_eq(t.mx[0], "mx1.example.com");
    ck_assert_int_eq(t.mode, STS_MODE_ENFORCE);
    ck_assert(t.via_testing && !t.remove);
    for (size_t i = 0; i < t.nmx; i++)
        free(hosts[i]);
    ck_assert_int_eq(view_plan_parse("remove", &t, hosts, err, sizeof err), 0);
    ck_assert(t.remove);
    ck_assert_int_eq(view_plan_parse("192.0.2.1", &t, hosts, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "address"));
    ck_assert_int_eq(view_plan_parse("2001:db8::1", &t, hosts, err, sizeof err), -1);
    ck_assert_int_eq(view_plan_parse("remove mx1.example.com", &t, hosts, err, sizeof err), -1);
    ck_assert_int_eq(view_plan_parse("   ", &t, hosts, err, sizeof err), -1);
    ck_assert_int_eq(view_plan_parse("not_a host!", &t, hosts, err, sizeof err), -1);
    ck_assert_ptr_null(hosts[0]); /* nothing kept after a refusal */
}
END_TEST

/* a two-step plan by hand: a policy, then an MX change */
static void fill(struct view_plan *v)
{
    memset(v, 0, sizeof *v);
    struct plan *p = &v->plan;
    p->domain = xstrdup("example.com");
    p->now = 1800000000;
    p->nsteps = 2;
    p->steps[0] =
        (struct plan_step){.n = 1,
                           .action = PLAN_PUBLISH_POLICY,
                           .not_before = p->now,
                           .why = xstrdup("first"),
                           .policy = xstrdup("version: STSv1\r\nmode: testing\r\n"
                                             "mx: mx9.example.com\r\nmax_age: 86400\r\n")};
    p->steps[1] = (struct plan_step){
        .n = 2, .action = PLAN_CHANGE_MX, .not_before = p->now + 900, .why = xstrdup("then")};
    p->steps[1].mx = xcalloc(1, sizeof *p->steps[1].mx);
    p->steps[1].mx[0] = (struct plan_mx){xstrdup("mx9.example.com"), 10};
    p->steps[1].nmx = 1;
    p->txt_ttl = 900, p->mx_ttl = 1800, p->max_age_seen = 86400;
    v->ready = true;
}

static bool has_line(const struct tui_lines *l, const char *needle, enum tui_role *role)
{
    for (size_t i = 0; i < l->n; i++)
        if (strstr(l->v[i].text, needle)) {
            if (role)
                *role = l->v[i].role;
            return true;
        }
    return false;
}

START_TEST(lines_open_the_selected_step)
{
    struct view_plan v;
    fill(&v);
    struct tui_lines l = {0};
    int sel;
    enum tui_role role;
    view_plan_lines(&v, v.plan.now, &l, &sel);
    ck_assert(has_line(&l, "1. Publish the policy file", &role));
    ck_assert_int_eq(role, TR_SELECTED);
    ck_assert(has_line(&l, "mx: mx9.example.com", NULL));
    ck_assert(has_line(&l, "2. Change the MX records", NULL));
    ck_assert(has_line(&l, "(in 15 min)", NULL));
    ck_assert(!has_line(&l, "MX 10 mx9.example.com", NULL)); /* step 2 closed */
    ck_assert_ptr_nonnull(strstr(l.v[sel].text, "1. Publish"));
    tui_lines_clear(&l);
    v.sel = 1;
    view_plan_lines(&v, v.plan.now, &l, &sel);
    ck_assert(has_line(&l, "example.com MX 10 mx9.example.com", NULL));
    ck_assert(!has_line(&l, "mx: mx9.example.com", NULL));
    tui_lines_clear(&l);

    char dir[] = "/tmp/mxray-tui-plan.XXXXXX", path[512], err[600];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(view_plan_write(&v, dir, path, sizeof path, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "no policy"));
    v.sel = 0;
    ck_assert_msg(view_plan_write(&v, dir, path, sizeof path, err, sizeof err) == 0, "%s", err);
    FILE *f = fopen(path, "rb");
    char buf[256] = "";
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    ck_assert_uint_eq(n, strlen(v.plan.steps[0].policy));
    ck_assert_str_eq(buf, v.plan.steps[0].policy);
    ck_assert_int_eq(view_plan_write(&v, dir, path, sizeof path, err, sizeof err), -1);
    unlink(path);
    rmdir(dir);
    view_plan_reset(&v);
}
END_TEST

Suite *test_suite(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    Suite *s = suite_create("tui_plan");
    TCase *tc = tcase_create("plan");
    tcase_add_test(tc, parse_targets);
    tcase_add_test(tc, lines_open_the_selected_step);
    suite_add_tcase(s, tc);
    return s;
}
