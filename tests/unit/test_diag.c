/* test_diag - the step graph end to end, in process, against the built-in lab.
 *
 * Every scenario runs at once on one loop (as batch mode does); each must reach the verdict
 * and codes its scenario file declares, and the event stream must keep its contract: steps
 * end, DONE comes exactly once and last, problem indexes are valid. Stopping and freeing a
 * running diagnosis must be clean. */
#include "testlib.h"
#include "diag.h"
#include "lab/lab.h"
#include "loop.h"
#include "state.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct watch {
    const struct report *r;
    int done_events;
    int events_after_done;
    int bad_problem_index;
    int steps;
};

static void on_event(void *arg, const struct diag_event *ev)
{
    struct watch *w = arg;
    if (w->done_events)
        w->events_after_done++;
    switch (ev->type) {
    case DIAG_EV_DONE:
        w->done_events++;
        break;
    case DIAG_EV_PROBLEM:
        if (ev->problem_index >= ev->report->problems.n)
            w->bad_problem_index++;
        break;
    case DIAG_EV_STEP:
        w->steps++;
        break;
    default:
        break;
    }
}

struct fixture {
    struct engine e;
    struct lab *lab;
    struct diag_opts o;
};

static void fixture_up(struct fixture *f)
{
    char err[512] = "";
    memset(f, 0, sizeof *f);
    struct loop *l = loop_new();
    f->lab = lab_start(l, lab_asset_dir(), NULL, 0, err, sizeof err);
    ck_assert_msg(f->lab, "lab_start: %s", err);
    const char *servers[] = {lab_resolver(f->lab)};
    ck_assert_msg(engine_init_on(&f->e, l, servers, 1, 5000, err, sizeof err) == 0, "%s", err);
    f->o.ca_file = lab_ca_file(f->lab);
    f->o.timeout_ms = 5000;
    f->o.nconnect_to = lab_connect_to(f->lab, &f->o.connect_to);
}

static void fixture_down(struct fixture *f)
{
    lab_stop(f->lab);
    engine_fini(&f->e);
}

static void run_until(struct fixture *f, struct diag **d, size_t n, int64_t limit_ms)
{
    int64_t end = loop_now_ms() + limit_ms;
    for (;;) {
        size_t done = 0;
        for (size_t i = 0; i < n; i++)
            done += diag_done(d[i]);
        if (done == n || loop_now_ms() > end)
            return;
        loop_run_once(f->e.loop, 100);
    }
}

static bool has_code(const struct report *r, const char *alternatives)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", alternatives);
    for (char *c = strtok(buf, "|"); c; c = strtok(NULL, "|"))
        for (size_t i = 0; i < r->problems.n; i++)
            if (strcmp(problem_def(r->problems.items[i].id)->code, c) == 0)
                return true;
    return false;
}

static void assert_steps_ended(const struct report *r, const char *name)
{
    const struct step *top[] = {&r->sts.step, &r->tlsrpt.step, &r->policy.step, &r->mx.step};
    for (size_t i = 0; i < 4; i++)
        ck_assert_msg(top[i]->state != ST_RUNNING && top[i]->state != ST_WAITING,
                      "%s: top step %zu still %s", name, i, step_state_name(top[i]->state));
    for (size_t h = 0; h < r->mx.nhosts; h++) {
        const struct mx_host *mh = r->mx.hosts[h];
        ck_assert_msg(mh->step.state != ST_RUNNING, "%s: host %s running", name, mh->host);
        for (size_t a = 0; a < mh->naddrs; a++) {
            const struct step *s = &mh->addrs[a]->step;
            ck_assert_msg(s->state != ST_RUNNING && s->end_ms >= s->start_ms,
                          "%s: address step of %s not ended", name, mh->host);
        }
    }
}

START_TEST(every_scenario_at_once)
{
    struct fixture f;
    fixture_up(&f);
    struct lab_scenario_info *info;
    size_t n = lab_scenarios(lab_asset_dir(), &info);
    ck_assert_uint_ge(n, 20);
    struct diag **d = calloc(n, sizeof *d);
    struct watch *w = calloc(n, sizeof *w);
    for (size_t i = 0; i < n; i++)
        d[i] = diag_start(&f.e, &f.o, info[i].domain, info[i].domain, on_event, &w[i]);
    run_until(&f, d, n, 20000);
    for (size_t i = 0; i < n; i++) {
        const struct report *r = diag_report(d[i]);
        ck_assert_msg(diag_done(d[i]), "%s did not finish", info[i].name);
        ck_assert_int_eq(w[i].done_events, 1);
        ck_assert_int_eq(w[i].events_after_done, 0);
        ck_assert_int_eq(w[i].bad_problem_index, 0);
        ck_assert_int_gt(w[i].steps, 4);
        ck_assert_msg(strcmp(verdict_name(report_verdict(r)), info[i].verdict) == 0,
                      "%s: verdict %s, expected %s", info[i].name,
                      verdict_name(report_verdict(r)), info[i].verdict);
        for (size_t c = 0; c < info[i].ncodes; c++)
            ck_assert_msg(has_code(r, info[i].codes[c]), "%s: missing %s", info[i].name,
                          info[i].codes[c]);
        for (size_t c = 0; c < info[i].nabsent; c++)
            ck_assert_msg(!has_code(r, info[i].absent[c]), "%s: unexpected %s", info[i].name,
                          info[i].absent[c]);
        assert_steps_ended(r, info[i].name);
        diag_free(d[i]);
    }
    free(d);
    free(w);
    lab_scenarios_free(info, n);
    fixture_down(&f);
}
END_TEST

START_TEST(stop_midway_is_clean)
{
    struct fixture f;
    fixture_up(&f);
    struct watch w = {0};
    struct diag *d = diag_start(&f.e, &f.o, "all-good.mxray.test", NULL, on_event, &w);
    loop_run_once(f.e.loop, 5); /* let some queries leave, not all answers arrive */
    diag_stop(d);
    ck_assert(diag_done(d));
    ck_assert(diag_report(d)->interrupted);
    ck_assert_int_eq(w.done_events, 1);
    assert_steps_ended(diag_report(d), "stopped");
    /* Nothing may call back into a stopped diagnosis. */
    for (int i = 0; i < 20; i++)
        loop_run_once(f.e.loop, 10);
    ck_assert_int_eq(w.events_after_done, 0);
    diag_free(d);
    fixture_down(&f);
}
END_TEST

START_TEST(free_while_running)
{
    struct fixture f;
    fixture_up(&f);
    struct watch w = {0};
    struct diag *d = diag_start(&f.e, &f.o, "expired-second-mx.mxray.test", NULL, on_event, &w);
    for (int i = 0; i < 3; i++)
        loop_run_once(f.e.loop, 5);
    diag_free(d);
    ck_assert_int_eq(w.done_events, 0); /* freeing is not finishing: no DONE to a dead owner */
    for (int i = 0; i < 20; i++)
        loop_run_once(f.e.loop, 10);
    fixture_down(&f);
}
END_TEST

START_TEST(unknown_domain_is_nxdomain_not_hang)
{
    struct fixture f;
    fixture_up(&f);
    struct watch w = {0};
    struct diag *d = diag_start(&f.e, &f.o, "nosuch.mxray.test", NULL, on_event, &w);
    run_until(&f, &d, 1, 10000);
    const struct report *r = diag_report(d);
    ck_assert(diag_done(d));
    ck_assert_str_eq(verdict_name(report_verdict(r)), "none");
    ck_assert(has_code(r, "sts.record.missing"));
    ck_assert(has_code(r, "mx.none"));
    ck_assert(!has_code(r, "sts.policy.fetch")); /* no record: no policy cascade */
    ck_assert_int_eq(r->policy.status, POL_NOT_FETCHED);
    diag_free(d);
    fixture_down(&f);
}
END_TEST

/* Planned hosts (a migration's new MX hosts) are probed beside the MX set, land in
 * report.planned (not in mx.hosts), are never matched against the policy, and a host the MX
 * answer already names is not probed twice. */
START_TEST(planned_hosts_are_probed)
{
    struct fixture f;
    fixture_up(&f);
    struct watch w = {0};
    const char *planned[] = {"mx1.no-starttls.mxray.test", "mx1.all-good.mxray.test",
                             "exchange-online-mxray-test.mail.protection.mxray.test",
                             "nosuch.all-good.mxray.test"};
    f.o.planned_hosts = planned;
    f.o.nplanned_hosts = 4;
    struct diag *d = diag_start(&f.e, &f.o, "all-good.mxray.test", NULL, on_event, &w);
    run_until(&f, &d, 1, 10000);
    const struct report *r = diag_report(d);
    ck_assert(diag_done(d));
    ck_assert_int_eq(r->mx.nhosts, 2);
    ck_assert_int_eq(r->nplanned, 3); /* mx1.all-good is an MX already */
    const struct mx_host *nostls = r->planned[0], *exo = r->planned[1], *none = r->planned[2];
    ck_assert_str_eq(nostls->host, planned[0]);
    ck_assert(nostls->planned && !nostls->policy_checked);
    ck_assert_int_eq(nostls->naddrs, 1);
    ck_assert(!nostls->addrs[0]->tls_valid);
    ck_assert_int_eq(nostls->addrs[0]->smtp->fail, SMTP_FAIL_NO_STARTTLS);
    ck_assert_int_eq(exo->naddrs, 1);
    ck_assert(exo->addrs[0]->tls_valid);
    ck_assert_int_eq(none->naddrs, 0);
    ck_assert(r->mx.hosts[0]->addrs[0]->tls_valid);
    ck_assert_int_eq(w.done_events, 1);
    diag_free(d);
    fixture_down(&f);
}
END_TEST

/* another check holds the domain's state lock: this one waits on a loop timer (other timers
 * keep firing), then keeps its history once the lock is free; held too long, it ends with the
 * reason; stopped while waiting, it ends at once */
struct lock_holder {
    int fd, ticks;
    int64_t release_at;
};

static void tick(void *arg)
{
    struct lock_holder *h = arg;
    h->ticks++;
    if (h->fd >= 0 && h->release_at && loop_now_ms() >= h->release_at) {
        state_unlock(h->fd);
        h->fd = -1;
    }
}

static void lock_case(int64_t hold_ms, bool stop, const char *want_error)
{
    struct fixture f;
    fixture_up(&f);
    char dir[] = "/tmp/mxray-lock-XXXXXX", err[512];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    f.o.state_dir = dir;
    struct lock_holder h = {.fd = state_lock(dir, "all-good.mxray.test", err, sizeof err)};
    ck_assert_msg(h.fd >= 0, "%s", err);
    struct watch w = {0};
    struct diag *d = diag_start(&f.e, &f.o, "all-good.mxray.test", NULL, on_event, &w);
    const struct report *r = diag_report(d);
    int64_t end = loop_now_ms() + 10000, judged = 0;
    while (!diag_done(d) && loop_now_ms() < end) {
        if (!judged && r->duration_ms > 0) { /* judged: now it waits for the lock */
            judged = loop_now_ms();
            if (hold_ms >= 0)
                h.release_at = judged + hold_ms;
            if (stop)
                diag_stop(d);
        }
        loop_timer_set(f.e.loop, 5, tick, &h);
        loop_run_once(f.e.loop, 100);
    }
    ck_assert(diag_done(d));
    ck_assert_int_eq(w.done_events, 1);
    ck_assert(r->history.kept);
    if (want_error) {
        ck_assert_msg(r->history.error && strstr(r->history.error, want_error), "%s",
                      r->history.error ? r->history.error : "(no error)");
    } else {
        ck_assert_msg(!r->history.error, "%s", r->history.error);
        ck_assert_int_eq(h.fd, -1);
        ck_assert_msg(loop_now_ms() - judged >= hold_ms, "done before the lock was free");
        ck_assert_msg(h.ticks > 10, "the loop stood still while waiting (%d ticks)", h.ticks);
        char path[600];
        snprintf(path, sizeof path, "%s/all-good.mxray.test.json", dir);
        ck_assert_msg(access(path, F_OK) == 0, "no state saved");
    }
    diag_free(d);
    state_unlock(h.fd);
    fixture_down(&f);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

START_TEST(state_lock_waits_on_the_loop)
{
    lock_case(300, false, NULL);
}
END_TEST

START_TEST(state_lock_held_too_long)
{
    lock_case(-1, false, "stayed locked by another check");
}
END_TEST

START_TEST(state_lock_wait_stopped)
{
    lock_case(-1, true, "interrupted while waiting");
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("diag");
    TCase *tc = tcase_create("lab");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, every_scenario_at_once);
    tcase_add_test(tc, stop_midway_is_clean);
    tcase_add_test(tc, free_while_running);
    tcase_add_test(tc, unknown_domain_is_nxdomain_not_hang);
    tcase_add_test(tc, planned_hosts_are_probed);
    tcase_add_test(tc, state_lock_waits_on_the_loop);
    tcase_add_test(tc, state_lock_held_too_long);
    tcase_add_test(tc, state_lock_wait_stopped);
    suite_add_tcase(s, tc);
    return s;
}
