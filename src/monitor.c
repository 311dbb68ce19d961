/* monitor - the monitoring-plugin judgment (contract in monitor.h). */
#include "monitor.h"
#include "history.h"
#include <string.h>

const char *mon_state_name(enum mon_state s)
{
    static const char *const names[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
    return (unsigned)s < 4 ? names[s] : "UNKNOWN";
}

static bool no_answer(const struct dns_answer *a)
{
    return a && (a->status == DNS_TIMEOUT || a->status == DNS_REFUSED || a->rcode < 0);
}

static void consider_cert(struct mon_result *m, const struct tls_info *t, const char *subject,
                          time_t now)
{
    if (!t || !t->present || !t->nchain || !t->chain[0].not_after)
        return;
    long days = cert_days_left(&t->chain[0], now);
    if (!m->cert_known || days < m->cert_days) {
        m->cert_known = true;
        m->cert_days = days;
        m->cert_subject = subject;
    }
}

static int rank(int s)
{
    return s == MON_CRITICAL ? 3 : s == MON_WARNING ? 2 : s == MON_UNKNOWN ? 1 : 0;
}

int monitor_combine(int acc, enum mon_state s)
{
    if (acc < 0)
        return (int)s;
    return rank((int)s) > rank(acc) ? (int)s : acc;
}

void monitor_judge(const struct report *r, bool require_sts, struct mon_result *m)
{
    memset(m, 0, sizeof *m);
    time_t now = time(NULL);
    if (r->policy.http)
        consider_cert(m, &r->policy.http->tls, r->policy.host, now);
    for (size_t i = 0; i < r->mx.nhosts; i++) {
        const struct mx_host *h = r->mx.hosts[i];
        for (size_t j = 0; j < h->naddrs; j++) {
            const struct mx_addr *a = h->addrs[j];
            m->mx_total++;
            if (a->step.state == ST_PASS || a->step.state == ST_WARN)
                m->mx_ok++;
            if (a->smtp)
                consider_cert(m, &a->smtp->tls, h->host, now);
        }
    }
    for (size_t i = 0; i < r->problems.n; i++) {
        const struct problem *p = &r->problems.items[i];
        m->errors += p->severity == SEV_ERROR;
        m->warnings += p->severity == SEV_WARNING;
        m->changes += history_is_change(p->id);
    }
    enum verdict v = report_verdict(r);
    if (v == VERDICT_INCOMPLETE || v == VERDICT_PENDING) {
        m->state = MON_UNKNOWN, m->reason = MON_R_NOT_RUN;
        m->why = "the check was interrupted before it ended";
        return;
    }
    if (no_answer(r->sts.answer) && no_answer(r->mx.answer)) {
        m->state = MON_UNKNOWN, m->reason = MON_R_NOT_RUN;
        m->why = "the resolver did not answer (the _mta-sts and MX lookups both failed)";
        return;
    }
    m->problem = report_worst_problem(r);
    switch (v) {
    case VERDICT_FAIL: m->state = MON_CRITICAL; break;
    case VERDICT_WARN: m->state = MON_WARNING; break;
    case VERDICT_NONE:
        m->state = require_sts ? MON_CRITICAL : MON_OK;
        m->reason = MON_R_NO_STS;
        m->problem = NULL;
        break;
    default: m->state = MON_OK; break;
    }
    if (m->cert_known && v != VERDICT_NONE) {
        enum mon_state by_days = m->cert_days < r->crit_days   ? MON_CRITICAL
                                 : m->cert_days < r->warn_days ? MON_WARNING
                                                               : MON_OK;
        if (rank((int)by_days) > rank((int)m->state)) {
            m->state = by_days;
            m->reason = MON_R_CERT_DAYS;
        }
    }
}
