/* diag - the step graph of one domain's diagnosis (contract in diag.h).
 *
 * t=0: TXT _mta-sts, TXT _smtp._tls, MX, and the policy host's A/AAAA (then the HTTPS fetch)
 * all start at once. The MX answer starts each host's A/AAAA lookups; each address starts its
 * SMTP probe as soon as it is known. Judgments that need two results (policy = TXT + fetch,
 * policy match = policy + MX, deliverability = policy + probe) run when the later one lands,
 * in diag_judge.c. The diagnosis is done when no operation is pending. */
#include "diag_internal.h"
#include "history.h"
#include "state.h"
#include "escape.h"
#include "mx_limits.h"
#include "loop.h"
#include "xalloc.h"
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void maybe_finish(struct diag *d);
static void start_fetch(struct diag *d);

int64_t diag_now(const struct diag *d)
{
    return loop_now_ms() - d->t0;
}

static void emit(struct diag *d, enum diag_event_type t, const struct step *s, size_t pi)
{
    if (!d->cb)
        return;
    struct diag_event ev = {.type = t, .report = d->r, .step = s, .problem_index = pi};
    d->cb(d->arg, &ev);
}

void diag_emit_step(struct diag *d, const struct step *s)
{
    emit(d, DIAG_EV_STEP, s, 0);
}

void diag_emit_evidence(struct diag *d, const struct step *s)
{
    emit(d, DIAG_EV_EVIDENCE, s, 0);
}

void diag_emit_problems_from(struct diag *d, size_t first)
{
    for (size_t i = first; i < d->r->problems.n; i++)
        emit(d, DIAG_EV_PROBLEM, NULL, i);
}

static struct problem *add_problem(struct diag *d, enum problem_id id, int severity,
                                   enum step_kind step, const char *subject, const char *fmt,
                                   va_list ap)
{
    struct problem *p = problem_addv(&d->r->problems, id, step, subject, 0, fmt, ap);
    if (severity >= SEV_INFO && severity <= SEV_ERROR)
        p->severity = (enum severity)severity;
    return p;
}

struct problem *diag_problem(struct diag *d, enum problem_id id, int severity,
                             enum step_kind step, const char *subject, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_problem(d, id, severity, step, subject, fmt, ap);
    va_end(ap);
    emit(d, DIAG_EV_PROBLEM, NULL, d->r->problems.n - 1);
    return &d->r->problems.items[d->r->problems.n - 1];
}

struct problem *diag_problem_at(struct diag *d, enum problem_id id, int severity,
                                enum step_kind step, enum step_kind where_step,
                                const char *host, const char *address, const char *fmt, ...)
{
    char *subject = address ? xasprintf("%s [%s]", host, address) : xstrdup(host ? host : "");
    va_list ap;
    va_start(ap, fmt);
    struct problem *p = add_problem(d, id, severity, step, subject, fmt, ap);
    va_end(ap);
    free(subject);
    problem_set_where(p, where_step, host, address);
    emit(d, DIAG_EV_PROBLEM, NULL, d->r->problems.n - 1);
    return &d->r->problems.items[d->r->problems.n - 1];
}

int diag_worst_from(const struct diag *d, size_t first)
{
    int worst = -1;
    for (size_t i = first; i < d->r->problems.n; i++)
        if ((int)d->r->problems.items[i].severity > worst)
            worst = (int)d->r->problems.items[i].severity;
    return worst;
}

enum step_state diag_state_from(const struct diag *d, size_t first, enum step_state ok)
{
    int worst = diag_worst_from(d, first);
    return worst == SEV_ERROR ? ST_FAIL : worst == SEV_WARNING ? ST_WARN : ok;
}

void diag_end_step(struct diag *d, struct step *s, enum step_state st, char *note)
{
    free(s->note);
    s->note = note;
    step_end(s, st, diag_now(d));
    diag_emit_step(d, s);
}

enum step_state diag_worse(enum step_state a, enum step_state b)
{
    static const int rank[] = {[ST_WAITING] = 0, [ST_RUNNING] = 0, [ST_NA] = 0,
                               [ST_PASS] = 1,    [ST_WARN] = 2,    [ST_FAIL] = 3};
    return rank[b] > rank[a] ? b : a;
}

static void begin(struct diag *d, struct step *s)
{
    step_begin(s, diag_now(d));
    diag_emit_step(d, s);
}

/* ---- TXT lookups ---- */

static void on_sts_txt(void *arg, struct dns_answer *ans)
{
    struct diag *d = arg;
    d->q_sts = NULL;
    d->r->sts.answer = ans;
    judge_sts_record(d);
    d->sts_done = true;
    if (d->fetch_done)
        judge_policy(d);
    d->pending--;
    maybe_finish(d);
}

static void on_tlsrpt_txt(void *arg, struct dns_answer *ans)
{
    struct diag *d = arg;
    d->q_tlsrpt = NULL;
    d->r->tlsrpt.answer = ans;
    judge_tlsrpt(d);
    if (d->r->tlsrpt.status == TXT_OK)
        rua_checks_start(d);
    d->pending--;
    maybe_finish(d);
}

static void start_txt(struct diag *d)
{
    char name[MX_DOMAIN_MAX + 32];
    begin(d, &d->r->sts.step);
    snprintf(name, sizeof name, "_mta-sts.%s", d->r->domain);
    d->pending++;
    d->q_sts = dns_query(d->e->dns, name, DNS_T_TXT, on_sts_txt, d);
    begin(d, &d->r->tlsrpt.step);
    snprintf(name, sizeof name, "_smtp._tls.%s", d->r->domain);
    d->pending++;
    d->q_tlsrpt = dns_query(d->e->dns, name, DNS_T_TXT, on_tlsrpt_txt, d);
}

/* ---- policy fetch ---- */

static void on_fetch(void *arg, struct https_result *res)
{
    struct diag *d = arg;
    d->fetch = NULL;
    d->r->policy.http = res;
    d->fetch_done = true;
    diag_emit_evidence(d, &d->r->policy.step);
    if (d->sts_done)
        judge_policy(d);
    d->pending--;
    maybe_finish(d);
}

static void on_policy_addr(void *arg, struct dns_answer *ans)
{
    struct diag *d = arg;
    if (ans->qtype == DNS_T_A) {
        d->q_pol_a = NULL;
        d->r->policy.host_a = ans;
    } else {
        d->q_pol_aaaa = NULL;
        d->r->policy.host_aaaa = ans;
    }
    diag_emit_evidence(d, &d->r->policy.step);
    if (--d->pol_lookups_left == 0)
        start_fetch(d);
    d->pending--;
    maybe_finish(d);
}

/* pin_addresses - "HOST:443:ADDR,ADDR" from our own lookups, so curl never resolves. */
static char *pin_addresses(const struct diag *d)
{
    const struct dns_answer *as[2] = {d->r->policy.host_a, d->r->policy.host_aaaa};
    size_t cap = 64 + strlen(d->r->policy.host), len;
    char *pin = xmalloc(cap);
    len = (size_t)snprintf(pin, cap, "%s:443:", d->r->policy.host);
    size_t count = 0;
    for (int i = 0; i < 2; i++) {
        for (size_t j = 0; as[i] && j < as[i]->nrr; j++) {
            const struct dns_rr *rr = &as[i]->rr[j];
            if (!rr->addr || (rr->type != DNS_T_A && rr->type != DNS_T_AAAA))
                continue;
            bool v6 = rr->type == DNS_T_AAAA;
            cap += strlen(rr->addr) + 4;
            pin = xrealloc(pin, cap);
            len += (size_t)snprintf(pin + len, cap - len, "%s%s%s%s", count ? "," : "",
                                    v6 ? "[" : "", rr->addr, v6 ? "]" : "");
            count++;
        }
    }
    if (!count) {
        free(pin);
        return NULL;
    }
    return pin;
}

static bool policy_host_mapped(const struct diag *d)
{
    char addr[300];
    int port;
    return diag_connect_to_for(d, d->r->policy.host, 443, addr, sizeof addr, &port) != NULL;
}

static void start_fetch(struct diag *d)
{
    char *pin = NULL;
    if (!policy_host_mapped(d)) {
        pin = pin_addresses(d);
        if (!pin) {
            /* No address: the fetch cannot start. judge_policy explains from the answers. */
            d->fetch_done = true;
            if (d->sts_done)
                judge_policy(d);
            return;
        }
    }
    const char *resolve[1] = {pin};
    int t = d->o.timeout_ms < MX_POLICY_TIMEOUT_MAX_MS ? d->o.timeout_ms : MX_POLICY_TIMEOUT_MAX_MS;
    struct https_request req = {
        .url = d->r->policy.url,
        .host = d->r->policy.host,
        .ca_file = d->ca_file,
        .connect_to = d->o.connect_to,
        .nconnect_to = d->o.nconnect_to,
        .resolve = resolve,
        .nresolve = pin ? 1 : 0,
        .ip_family = d->o.family,
        .timeout_ms = t,
        .max_body = MX_POLICY_BODY_MAX,
    };
    d->pending++;
    d->fetch = https_get(d->e->https, &req, on_fetch, d);
    free(pin);
}

static void start_policy(struct diag *d)
{
    struct policy_section *p = &d->r->policy;
    p->host = xasprintf("mta-sts.%s", d->r->domain);
    p->url = xasprintf("https://%s/.well-known/mta-sts.txt", p->host);
    begin(d, &p->step);
    if (policy_host_mapped(d)) {
        start_fetch(d);
        return;
    }
    /* RFC 8461 3.3: the policy host is resolved like any other name; we resolve it ourselves
     * so --resolver applies and "no such host" is told apart from "no answer". */
    d->pol_lookups_left = (d->o.family != 6) + (d->o.family != 4);
    if (d->o.family != 6) {
        d->pending++;
        d->q_pol_a = dns_query(d->e->dns, p->host, DNS_T_A, on_policy_addr, d);
    }
    if (d->o.family != 4) {
        d->pending++;
        d->q_pol_aaaa = dns_query(d->e->dns, p->host, DNS_T_AAAA, on_policy_addr, d);
    }
}

/* ---- MX, hosts, addresses ---- */

/* live_sub_states - the SMTP and TLS sub-steps of a running probe, from the stage reached. */
static void live_sub_states(struct mx_addr *a)
{
    a->smtp_state = a->live_stage <= SMTP_ST_STARTTLS ? ST_RUNNING : ST_PASS;
    a->tls_state = a->live_stage >= SMTP_ST_HANDSHAKE ? ST_RUNNING : ST_WAITING;
}

static void on_probe_progress(void *arg, const struct smtp_result *partial)
{
    struct addr_ctx *ac = arg;
    ac->addr->live_stage = partial->reached;
    live_sub_states(ac->addr);
    diag_emit_evidence(ac->d, &ac->addr->step);
}

static void on_probe_done(void *arg, struct smtp_result *res)
{
    struct addr_ctx *ac = arg;
    struct diag *d = ac->d;
    ac->probe = NULL;
    ac->addr->smtp = res;
    ac->addr->live_stage = res->reached;
    diag_emit_evidence(d, &ac->addr->step);
    if (d->policy_final)
        judge_address(d, ac); /* else judge_policy judges it when the policy is known */
    if (--ac->hc->probes_left == 0 && ac->hc->lookups_left == 0 && d->policy_final)
        judge_host_done(d, ac->hc);
    d->pending--;
    maybe_finish(d);
}

static void start_probe(struct diag *d, struct host_ctx *hc, const char *address, int family)
{
    struct mx_host *h = hc->host;
    if (h->naddrs >= 2 * MX_ADDRS_PER_HOST_MAX)
        return;
    struct mx_addr *a = xcalloc(1, sizeof *a);
    a->address = xstrdup(address);
    a->family = family;
    a->port = hc->port;
    a->step.start_ms = a->step.end_ms = -1;
    if (strcmp(hc->lookup_name, h->host) != 0) /* --connect-to named another host */
        a->connect_addr = escape_str(hc->lookup_name);
    xptr_push((void ***)&h->addrs, &h->naddrs, a);
    struct addr_ctx *ac = xcalloc(1, sizeof *ac);
    ac->d = d, ac->hc = hc, ac->addr = a;
    xptr_push((void ***)&d->addrs, &d->naddrs, ac);
    live_sub_states(a);
    begin(d, &a->step);
    struct smtp_opts so = {
        .host = h->host,
        .addr = address,
        .port = hc->port,
        .ehlo_name = d->o.ehlo_name ? d->o.ehlo_name : "mxray.invalid",
        .ca_file = d->ca_file,
        .timeout_ms = d->o.timeout_ms,
    };
    hc->probes_left++;
    d->pending++;
    ac->probe = smtp_probe_start(d->e->loop, &so, on_probe_progress, on_probe_done, ac);
}

static void on_host_addr(void *arg, struct dns_answer *ans)
{
    struct host_ctx *hc = arg;
    struct diag *d = hc->d;
    struct mx_host *h = hc->host;
    bool v4 = ans->qtype == DNS_T_A;
    if (v4)
        hc->qa = NULL, h->a = ans;
    else
        hc->qaaaa = NULL, h->aaaa = ans;
    size_t started = 0;
    for (size_t i = 0; i < ans->nrr && started < MX_ADDRS_PER_HOST_MAX; i++) {
        const struct dns_rr *rr = &ans->rr[i];
        if (rr->addr && rr->type == ans->qtype) {
            start_probe(d, hc, rr->addr, v4 ? 4 : 6);
            started++;
        }
    }
    diag_emit_evidence(d, &h->resolve);
    if (--hc->lookups_left == 0) {
        step_end(&h->resolve, h->naddrs ? ST_PASS : ST_FAIL, diag_now(d));
        diag_emit_step(d, &h->resolve);
        if (hc->probes_left == 0 && d->policy_final)
            judge_host_done(d, hc);
    }
    dane_on_addr_answer(d, hc, ans); /* may start the TLSA lookup of a CNAME target */
    d->pending--;
    maybe_finish(d);
}

/* start_host - begin the address lookups (or the --connect-to address) of one MX host. */
static void start_host(struct diag *d, struct mx_host *h)
{
    struct host_ctx *hc = xcalloc(1, sizeof *hc);
    hc->d = d, hc->host = h, hc->port = 25;
    xptr_push((void ***)&d->hosts, &d->nhosts, hc);
    begin(d, &h->step);
    begin(d, &h->resolve);
    dane_start(d, hc); /* TLSA beside A/AAAA: never on the critical path */
    char addr[300];
    int port = 25;
    if (diag_connect_to_for(d, h->host, 25, addr, sizeof addr, &port)) {
        hc->port = port;
        unsigned char buf[16];
        if (inet_pton(AF_INET, addr, buf) == 1 || inet_pton(AF_INET6, addr, buf) == 1) {
            hc->lookup_name = xstrdup(h->host);
            free(h->resolve.note);
            h->resolve.note = xasprintf("--connect-to %s port %d (DNS not used)", addr, port);
            start_probe(d, hc, addr, strchr(addr, ':') ? 6 : 4);
            /* no lookup happened: not applicable, never "pass" (the note says why) */
            step_end(&h->resolve, ST_NA, diag_now(d));
            diag_emit_step(d, &h->resolve);
            return;
        }
        hc->lookup_name = xstrdup(addr); /* a name: resolve it instead of the MX host */
    } else {
        hc->lookup_name = xstrdup(h->host);
    }
    hc->lookups_left = (d->o.family != 6) + (d->o.family != 4);
    if (d->o.family != 6) {
        d->pending++;
        hc->qa = dns_query(d->e->dns, hc->lookup_name, DNS_T_A, on_host_addr, hc);
    }
    if (d->o.family != 4) {
        d->pending++;
        hc->qaaaa = dns_query(d->e->dns, hc->lookup_name, DNS_T_AAAA, on_host_addr, hc);
    }
}

/* start_planned - probe every planned host the MX answer did not name (diag_opts). */
static void start_planned(struct diag *d)
{
    for (size_t i = 0; i < d->o.nplanned_hosts && d->r->nplanned < MX_MX_HOSTS_MAX; i++) {
        const char *name = d->o.planned_hosts[i];
        bool known = false;
        for (size_t j = 0; j < d->r->mx.nhosts && !known; j++)
            known = strcasecmp(d->r->mx.hosts[j]->host, name) == 0;
        for (size_t j = 0; j < d->r->nplanned && !known; j++)
            known = strcasecmp(d->r->planned[j]->host, name) == 0;
        if (known)
            continue;
        struct mx_host *h = xcalloc(1, sizeof *h);
        h->host = xstrdup(name);
        h->preference = -2;
        h->planned = true;
        h->matched_pattern = -1;
        h->step.start_ms = h->step.end_ms = h->resolve.start_ms = h->resolve.end_ms = -1;
        xptr_push((void ***)&d->r->planned, &d->r->nplanned, h);
        start_host(d, h);
    }
}

static void on_mx(void *arg, struct dns_answer *ans)
{
    struct diag *d = arg;
    d->q_mx = NULL;
    d->r->mx.answer = ans;
    judge_mx_answer(d);
    for (size_t i = 0; i < d->r->mx.nhosts; i++)
        start_host(d, d->r->mx.hosts[i]);
    start_planned(d);
    if (d->policy_final)
        for (size_t i = 0; i < d->nhosts; i++)
            judge_host_match(d, d->hosts[i]);
    d->pending--;
    maybe_finish(d);
}

static void start_mx(struct diag *d)
{
    begin(d, &d->r->mx.step);
    d->pending++;
    d->q_mx = dns_query(d->e->dns, d->r->domain, DNS_T_MX, on_mx, d);
}

/* ---- lifecycle ---- */

/* complete - the check is over: the faces get DONE. */
static void complete(struct diag *d)
{
    d->r->done = true;
    emit(d, DIAG_EV_DONE, NULL, 0);
}

/* keep_history - compare with the previous check and remember this one, under the state
 * file's lock. Another check of the same domain may hold it: then try again on a loop timer,
 * so the keyboard and the other domains of a batch go on meanwhile, for at most
 * STATE_LOCK_WAIT_MS. */
static void keep_history(void *arg)
{
    struct diag *d = arg;
    struct report *r = d->r;
    char err[512];
    d->lock_timer = 0;
    int lock = state_lock_try(d->o.state_dir, r->domain, err, sizeof err);
    if (lock == STATE_LOCK_BUSY && diag_now(d) - d->lock_since < STATE_LOCK_WAIT_MS) {
        d->lock_timer = loop_timer_set(d->e->loop, 10, keep_history, d);
        return;
    }
    size_t first = r->problems.n;
    if (lock >= 0) {
        history_update_locked(r, d->o.state_dir, lock);
    } else {
        if (lock == STATE_LOCK_BUSY)
            state_lock_busy_reason(d->o.state_dir, r->domain, err, sizeof err);
        history_not_kept(r, err);
    }
    diag_emit_problems_from(d, first);
    complete(d);
}

static void finish(struct diag *d)
{
    struct report *r = d->r;
    if (d->finishing)
        return;
    d->finishing = true;
    if (!d->policy_final)
        judge_policy(d); /* stopped early: judge what arrived */
    for (size_t i = 0; i < d->naddrs; i++)
        if (!d->addrs[i]->judged && d->addrs[i]->addr->smtp)
            judge_address(d, d->addrs[i]);
    for (size_t i = 0; i < d->nhosts; i++)
        if (d->hosts[i]->host->step.state == ST_RUNNING)
            judge_host_done(d, d->hosts[i]);
    dane_finish(d);
    r->duration_ms = diag_now(d);
    if (d->o.state_dir && !r->interrupted) {
        d->lock_since = diag_now(d);
        keep_history(d);
        return;
    }
    if (d->o.state_dir)
        history_not_kept(r, "interrupted: not compared with the previous check, nothing saved");
    complete(d);
}

static void maybe_finish(struct diag *d)
{
    if (d->pending == 0 && !d->r->done)
        finish(d);
}

void diag_maybe_finish(struct diag *d)
{
    maybe_finish(d);
}

struct diag *diag_start(struct engine *e, const struct diag_opts *o, const char *domain,
                        const char *input, diag_event_cb cb, void *arg)
{
    struct diag *d = xcalloc(1, sizeof *d);
    d->e = e;
    d->o = *o;
    if (d->o.timeout_ms <= 0)
        d->o.timeout_ms = MX_TIMEOUT_DEFAULT_MS;
    d->ca_file = o->ca_file ? o->ca_file : getenv("SSL_CERT_FILE");
    if (d->ca_file && !*d->ca_file)
        d->ca_file = NULL;
    d->r = report_new(domain, input);
    d->r->resolver = xstrdup(dns_resolver_desc(e->dns));
    if (o->warn_days > 0)
        d->r->warn_days = o->warn_days;
    if (o->crit_days > 0)
        d->r->crit_days = o->crit_days;
    d->cb = cb, d->arg = arg;
    d->t0 = loop_now_ms();
    start_txt(d);
    start_mx(d);
    start_policy(d);
    return d;
}

bool diag_done(const struct diag *d)
{
    return d->r->done;
}

const struct report *diag_report(const struct diag *d)
{
    return d->r;
}

static void cancel_all(struct diag *d)
{
    struct dns_query **qs[] = {&d->q_sts, &d->q_tlsrpt, &d->q_mx, &d->q_pol_a, &d->q_pol_aaaa};
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++)
        if (*qs[i])
            dns_query_cancel(*qs[i]), *qs[i] = NULL;
    rua_checks_cancel(d);
    if (d->fetch)
        https_cancel(d->fetch), d->fetch = NULL;
    for (size_t i = 0; i < d->nhosts; i++) {
        struct host_ctx *hc = d->hosts[i];
        if (hc->qa)
            dns_query_cancel(hc->qa), hc->qa = NULL;
        if (hc->qaaaa)
            dns_query_cancel(hc->qaaaa), hc->qaaaa = NULL;
    }
    for (size_t i = 0; i < d->naddrs; i++)
        if (d->addrs[i]->probe)
            smtp_probe_cancel(d->addrs[i]->probe), d->addrs[i]->probe = NULL;
    dane_cancel(d);
}

/* mark_unfinished - steps still running when stopped end as "not applicable" with a note. */
static void mark_unfinished(struct step *s, int64_t now)
{
    if (s->state == ST_RUNNING || s->state == ST_WAITING) {
        step_end(s, ST_NA, now);
        free(s->note);
        s->note = xstrdup("interrupted before it finished");
    }
}

void diag_stop(struct diag *d)
{
    if (d->r->done)
        return;
    if (d->finishing) { /* judged, only waiting for the state file's lock: give up on it */
        loop_timer_cancel(d->e->loop, d->lock_timer);
        d->lock_timer = 0;
        d->r->interrupted = true;
        history_not_kept(d->r, "interrupted while waiting for another check's lock on the "
                               "state file: not compared, nothing saved");
        complete(d);
        return;
    }
    cancel_all(d);
    d->pending = 0;
    d->stopped = true;
    d->r->interrupted = true;
    int64_t now = diag_now(d);
    mark_unfinished(&d->r->sts.step, now);
    mark_unfinished(&d->r->tlsrpt.step, now);
    mark_unfinished(&d->r->mx.step, now);
    for (size_t i = 0; i < d->naddrs; i++) {
        struct mx_addr *a = d->addrs[i]->addr;
        if (!a->smtp) {
            mark_unfinished(&a->step, now);
            a->smtp_state = a->tls_state = a->dane_state = ST_NA;
        }
    }
    for (size_t i = 0; i < d->nhosts; i++)
        mark_unfinished(&d->hosts[i]->host->resolve, now);
    if (!d->sts_done || !d->fetch_done)
        mark_unfinished(&d->r->policy.step, now);
    finish(d);
}

void diag_free(struct diag *d)
{
    if (!d)
        return;
    if (!d->r->done) {
        diag_event_cb cb = d->cb;
        d->cb = NULL; /* nobody listens to a diagnosis being freed */
        diag_stop(d);
        d->cb = cb;
    }
    for (size_t i = 0; i < d->nhosts; i++) {
        free(d->hosts[i]->lookup_name);
        free(d->hosts[i]);
    }
    free(d->hosts);
    for (size_t i = 0; i < d->naddrs; i++)
        free(d->addrs[i]);
    free(d->addrs);
    report_free(d->r);
    free(d);
}
