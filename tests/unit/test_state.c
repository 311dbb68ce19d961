/* test_state - per-domain state (state.c, state_file.c), the comparison (history.c) and the
 * monitoring judgment (monitor.c) on hand-built reports; the CLI options they add. */
#include "testlib.h"
#include "cli.h"
#include "history.h"
#include "monitor.h"
/* Only some of the shared fixtures are used here. */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "report_fixtures.h"
#include "state.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct report *good(const char *id)
{
    struct report *r = fx_all_good();
    r->started = time(NULL) - 60;
    free(r->sts.parsed.id);
    r->sts.parsed.id = xstrdup(id);
    r->mx.answer = dns_answer_new("example.com", 15);
    r->mx.answer->status = DNS_OK;
    return r;
}

static struct domain_state snapshot(const struct report *r)
{
    struct domain_state s;
    history_snapshot(r, NULL, &s);
    return s;
}

static bool has(const struct report *r, enum problem_id id, const char *in_message)
{
    for (size_t i = 0; i < r->problems.n; i++)
        if (r->problems.items[i].id == id &&
            (!in_message || strstr(r->problems.items[i].message, in_message)))
            return true;
    return false;
}

START_TEST(names_that_leave_the_directory)
{
    const char *bad[] = {"", "..", "../x", "a/b", "/etc", ".hidden", "a..b", "A.example",
                         "a b", "a\\b", "a\nb"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        ck_assert_msg(!state_name_safe(bad[i]), "%s accepted", bad[i]);
    ck_assert(state_name_safe("example.com"));
    ck_assert(state_name_safe("xn--mller-kva.example"));
    char buf[512];
    ck_assert_int_eq(state_file_path("/s", "../x", buf, sizeof buf), -1);
    ck_assert_int_eq(state_file_path("/s", "example.com", buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "/s/example.com.json");
}
END_TEST

START_TEST(default_dir)
{
    char buf[512];
    setenv("XDG_STATE_HOME", "/x/state", 1);
    ck_assert_int_eq(state_default_dir(buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "/x/state/mxray");
    setenv("XDG_STATE_HOME", "relative", 1); /* invalid per the XDG spec: ignored */
    setenv("HOME", "/home/u", 1);
    ck_assert_int_eq(state_default_dir(buf, sizeof buf), 0);
    ck_assert_str_eq(buf, "/home/u/.local/state/mxray");
    unsetenv("XDG_STATE_HOME");
    unsetenv("HOME");
    ck_assert_int_eq(state_default_dir(buf, sizeof buf), -1);
}
END_TEST

START_TEST(round_trip)
{
    struct report *r = good("1");
    struct domain_state s = snapshot(r), back;
    char *text = state_to_json(&s), why[256];
    bool older;
    ck_assert_int_eq(state_from_json(text, strlen(text), "example.com", &back, &older, why,
                                     sizeof why),
                     0);
    ck_assert_str_eq(back.sts_id, "1");
    ck_assert_str_eq(back.policy_sha256, s.policy_sha256);
    ck_assert_str_eq(back.mode, "enforce");
    ck_assert_int_eq(back.max_age, 604800);
    ck_assert_uint_eq(back.nhosts, 1);
    ck_assert_uint_eq(back.hosts[0].naddrs, 2);
    ck_assert_str_eq(back.hosts[0].addrs[1].address, "2001:db8::25");
    ck_assert_str_eq(back.hosts[0].addrs[0].cert_sha256, "AB:CD:EF:01");
    ck_assert_int_eq(back.seen, s.seen);
    ck_assert_uint_eq(back.ntimeline, 1);
    ck_assert_str_eq(back.timeline[0].verdict, "pass");
    free(text);
    state_free(&s);
    state_free(&back);
    report_free(r);
}
END_TEST

/* reject - text must be refused for example.com, with why containing want. */
static void reject(const char *text, const char *want, bool want_older)
{
    struct domain_state s;
    char why[256] = "";
    bool older = !want_older;
    ck_assert_int_eq(state_from_json(text, strlen(text), "example.com", &s, &older, why,
                                     sizeof why),
                     -1);
    ck_assert_msg(strstr(why, want), "why '%s' lacks '%s' for %s", why, want, text);
    ck_assert_int_eq(older, want_older);
}

START_TEST(untrusted_files_rejected)
{
    struct report *r = good("1");
    struct domain_state s = snapshot(r);
    char *text = state_to_json(&s);
    char *cut = xstrndup(text, strlen(text) / 2);
    reject(cut, "not valid JSON", false);
    reject("[1, 2]", "not a JSON object", false);
    reject("{\"format\": \"mxray.state.v0\", \"domain\": \"example.com\"}", "older mxray", true);
    reject("{\"format\": \"something else\"}", "not an mxray state file", false);
    reject("{\"format\": \"mxray.state.v1\", \"domain\": \"other.example\", \"seen\": "
           "\"2026-01-01T00:00:00Z\"}",
           "another domain", false);
    reject("{\"format\": \"mxray.state.v1\", \"domain\": \"example.com\", \"seen\": \"yesterday\"}",
           "\"seen\"", false);
    reject("{\"format\": \"mxray.state.v1\", \"domain\": \"example.com\", \"domain\": "
           "\"example.com\"}",
           "JSON", false);
    reject("{\"format\": \"mxray.state.v1\", \"domain\": \"example.com\", \"seen\": "
           "\"2026-01-01T00:00:00Z\", \"mx\": [{\"host\": \"../../etc\"}]}",
           "\"host\"", false);
    reject("{\"format\": \"mxray.state.v1\", \"domain\": \"example.com\", \"seen\": "
           "\"2026-01-01T00:00:00Z\", \"mx\": [{\"host\": \"mx.example.com\", \"preference\": "
           "\"ten\"}]}",
           "preference", false);
    reject("{\"format\": \"mxray.state.v1\", \"domain\": \"example.com\", \"seen\": "
           "\"2026-01-01T00:00:00Z\", \"sts_id\": \"a\\u001bb\"}",
           "sts_id", false);
    free(cut);
    free(text);
    state_free(&s);
    report_free(r);
}
END_TEST

START_TEST(write_read_atomic)
{
    char dir[] = "/tmp/test-state.XXXXXX", sub[600], err[256], why[256];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(sub, sizeof sub, "%s/a/b", dir); /* parents are created */
    struct report *r = good("1");
    struct domain_state s = snapshot(r), back;
    int fd = state_lock(sub, "example.com", err, sizeof err);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(state_write(sub, &s, err, sizeof err), 0);
    state_unlock(fd);
    ck_assert_int_eq(state_read(sub, "example.com", &back, why, sizeof why), STATE_OK);
    ck_assert_str_eq(back.sts_id, "1");
    state_free(&back);
    ck_assert_int_eq(state_read(sub, "other.example", &back, why, sizeof why), STATE_ABSENT);
    state_free(&back);
    ck_assert_int_eq(state_lock(sub, "../x", err, sizeof err), -1);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
    state_free(&s);
    report_free(r);
}
END_TEST

START_TEST(body_changed_same_id)
{
    struct report *old = good("1"), *r = good("1");
    struct domain_state s = snapshot(old);
    free(r->policy.http->body);
    r->policy.http->body = (unsigned char *)xstrdup("version: STSv1\r\nmode: testing\r\n");
    r->policy.http->body_len = strlen((char *)r->policy.http->body);
    history_compare(r, &s);
    ck_assert(r->history.compared);
    ck_assert(has(r, PROB_STS_POLICY_CHANGED_WITHOUT_ID, "still 1"));
    ck_assert(!has(r, PROB_STS_POLICY_CHANGED, NULL));
    ck_assert(!has(r, PROB_MX_CHANGED, NULL) && !has(r, PROB_TLS_CERT_CHANGED, NULL));
    ck_assert_int_eq(report_verdict(r), VERDICT_FAIL);
    state_free(&s);
    report_free(old);
    report_free(r);
}
END_TEST

START_TEST(body_and_id_changed)
{
    struct report *old = good("1"), *r = good("2");
    struct domain_state s = snapshot(old);
    r->policy.http->body[0] = 'V';
    history_compare(r, &s);
    char until[32];
    time_t t = s.policy_fetched + 604800;
    strftime(until, sizeof until, "until %Y-%m-%dT%H:%M:%SZ", gmtime(&t));
    ck_assert(has(r, PROB_STS_POLICY_CHANGED, until));
    ck_assert(has(r, PROB_STS_POLICY_CHANGED, "id 1 -> 2"));
    ck_assert_int_eq(report_verdict(r), VERDICT_PASS);
    state_free(&s);
    report_free(old);
    report_free(r);
}
END_TEST

START_TEST(mx_and_cert_changes)
{
    struct report *old = good("1"), *r = good("1");
    struct domain_state s = snapshot(old);
    struct mx_host *h = fx_host(r, "mx9.example.com", 30, true, false);
    fx_addr(h, "192.0.2.99", true, 80, true, NULL);
    free(r->mx.hosts[0]->addrs[0]->smtp->tls.chain[0].sha256);
    r->mx.hosts[0]->addrs[0]->smtp->tls.chain[0].sha256 = xstrdup("11:22:33");
    history_compare(r, &s);
    ck_assert(has(r, PROB_MX_CHANGED, "added (preference 30); the policy does NOT cover it"));
    ck_assert(has(r, PROB_TLS_CERT_CHANGED, "same key"));
    ck_assert(!has(r, PROB_DANE_ROLLOVER_MISSING, NULL));
    size_t certs = 0;
    for (size_t i = 0; i < r->problems.n; i++)
        certs += r->problems.items[i].id == PROB_TLS_CERT_CHANGED;
    ck_assert_uint_eq(certs, 1); /* the other address kept its certificate */
    state_free(&s);
    report_free(old);
    report_free(r);
}
END_TEST

START_TEST(dane_rollover_missing)
{
    struct report *old = good("1"), *r = good("1");
    old->mx.hosts[0]->addrs[0]->dane.judged = true;
    old->mx.hosts[0]->addrs[0]->dane.match = 1;
    struct domain_state s = snapshot(old);
    struct mx_addr *a = r->mx.hosts[0]->addrs[0];
    struct cert_info *leaf = &a->smtp->tls.chain[0];
    free(leaf->sha256), free(leaf->spki_sha256);
    leaf->sha256 = xstrdup("99:88");
    leaf->spki_sha256 = xstrdup("cafe");
    a->dane.judged = true;
    a->dane.match = 0;
    history_compare(r, &s);
    ck_assert(has(r, PROB_TLS_CERT_CHANGED, "new key"));
    ck_assert(has(r, PROB_DANE_ROLLOVER_MISSING, "3 1 1 cafe"));
    state_free(&s);
    report_free(old);
    report_free(r);
}
END_TEST

START_TEST(nothing_changed_extends_the_timeline)
{
    struct report *old = good("1"), *r = good("1");
    struct domain_state s = snapshot(old), next;
    history_compare(r, &s);
    ck_assert_uint_eq(r->problems.n, 0);
    history_snapshot(r, &s, &next);
    ck_assert_uint_eq(next.ntimeline, 1);
    ck_assert_uint_eq(next.timeline[0].checks, 2);
    state_free(&s);
    state_free(&next);
    report_free(old);
    report_free(r);
}
END_TEST

START_TEST(failed_fetch_carries_the_policy_over)
{
    struct report *old = good("1"), *r = good("1");
    struct domain_state s = snapshot(old), next;
    r->policy.status = POL_FETCH_ERROR;
    history_compare(r, &s);
    ck_assert(!has(r, PROB_STS_POLICY_CHANGED, NULL) &&
              !has(r, PROB_STS_POLICY_CHANGED_WITHOUT_ID, NULL));
    history_snapshot(r, &s, &next);
    ck_assert(next.policy_known);
    ck_assert_str_eq(next.policy_sha256, s.policy_sha256);
    ck_assert_int_eq(next.policy_fetched, s.policy_fetched);
    state_free(&s);
    state_free(&next);
    report_free(old);
    report_free(r);
}
END_TEST

START_TEST(monitor_states)
{
    struct report *r = good("1");
    struct mon_result m;
    monitor_judge(r, false, &m);
    ck_assert_int_eq(m.state, MON_OK);
    ck_assert(m.cert_known);
    ck_assert_int_eq(m.cert_days, 80);
    ck_assert_uint_eq(m.mx_ok, 2);
    ck_assert_uint_eq(m.mx_total, 2);
    r->warn_days = 90;
    monitor_judge(r, false, &m);
    ck_assert_int_eq(m.state, MON_WARNING);
    ck_assert_int_eq(m.reason, MON_R_CERT_DAYS);
    r->crit_days = 85;
    monitor_judge(r, false, &m);
    ck_assert_int_eq(m.state, MON_CRITICAL);
    report_free(r);
    r = fx_no_record();
    monitor_judge(r, false, &m);
    ck_assert_int_eq(m.state, MON_OK);
    monitor_judge(r, true, &m);
    ck_assert_int_eq(m.state, MON_CRITICAL);
    r->interrupted = true;
    monitor_judge(r, true, &m);
    ck_assert_int_eq(m.state, MON_UNKNOWN);
    report_free(r);
    ck_assert_int_eq(monitor_combine(-1, MON_OK), MON_OK);
    ck_assert_int_eq(monitor_combine(MON_UNKNOWN, MON_WARNING), MON_WARNING);
    ck_assert_int_eq(monitor_combine(MON_OK, MON_UNKNOWN), MON_UNKNOWN);
    ck_assert_int_eq(monitor_combine(MON_CRITICAL, MON_UNKNOWN), MON_CRITICAL);
}
END_TEST

static int parse(struct cli_opts *o, const char *line, char *err)
{
    static char buf[1024];
    char *argv[64];
    int argc = 0;
    snprintf(buf, sizeof buf, "%s", line);
    for (char *t = strtok(buf, " "); t && argc < 63; t = strtok(NULL, " "))
        argv[argc++] = t;
    argv[argc] = NULL;
    return cli_parse(argc, argv, 1, o, err, 256);
}

START_TEST(cli_options)
{
    struct cli_opts o;
    char err[256];
    ck_assert_int_eq(parse(&o, "check a.example", err), 0);
    ck_assert_int_eq(o.warn_days, 21);
    ck_assert_int_eq(o.crit_days, 7);
    ck_assert_int_eq(o.format, CLI_FMT_TEXT);
    ck_assert(!o.no_state && !o.state_dir && !o.require_sts);
    ck_assert_int_eq(parse(&o, "check --format nagios --state /s --warn-days 30 --crit-days=10 "
                               "--require-sts a.example",
                           err),
                     0);
    ck_assert_int_eq(o.format, CLI_FMT_NAGIOS);
    ck_assert_str_eq(o.state_dir, "/s");
    ck_assert_int_eq(o.warn_days, 30);
    ck_assert_int_eq(o.crit_days, 10);
    ck_assert(o.require_sts);
    ck_assert_int_eq(parse(&o, "check --format=json --no-state a.example", err), 0);
    ck_assert(o.json && o.no_state);
    ck_assert_int_eq(parse(&o, "check --format xml a.example", err), -1);
    ck_assert_int_eq(parse(&o, "check --warn-days 5 --crit-days 6 a.example", err), -1);
    ck_assert_int_eq(parse(&o, "check --warn-days -1 a.example", err), -1);
    ck_assert_int_eq(parse(&o, "check --state= a.example", err), -1);
    char *argv[] = {"check", "--timeout", "x", "--format", "nagios", NULL};
    ck_assert(cli_wants_nagios(5, argv, 1));
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("state");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, names_that_leave_the_directory);
    tcase_add_test(tc, default_dir);
    tcase_add_test(tc, round_trip);
    tcase_add_test(tc, untrusted_files_rejected);
    tcase_add_test(tc, write_read_atomic);
    tcase_add_test(tc, body_changed_same_id);
    tcase_add_test(tc, body_and_id_changed);
    tcase_add_test(tc, mx_and_cert_changes);
    tcase_add_test(tc, dane_rollover_missing);
    tcase_add_test(tc, nothing_changed_extends_the_timeline);
    tcase_add_test(tc, failed_fetch_carries_the_policy_over);
    tcase_add_test(tc, monitor_states);
    tcase_add_test(tc, cli_options);
    suite_add_tcase(s, tc);
    return s;
}
