/* diag_smtp_judge - problems and the sender's-eye verdict for one MX address and one MX host,
 * and --connect-to lookup. RFC 8461 4 (what a sender validates) and 5 (what each mode does). */
#include "diag_internal.h"
#include "mx_limits.h"
#include "xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* smtp_problems - problems of the SMTP dialog; returns false when TLS was never reached. */
static bool smtp_problems(struct diag *d, const struct smtp_result *s, const char *subj,
                          enum sts_mode mode)
{
    const char *err = s->error ? s->error : "";
    switch (s->fail) {
    case SMTP_FAIL_CONNECT:
        diag_problem(d, PROB_SMTP_CONNECT, STEP_SMTP, subj, "%s", err);
        return false;
    case SMTP_FAIL_BANNER:
        diag_problem(d, PROB_SMTP_BANNER, STEP_SMTP, subj, "%s", err);
        return false;
    case SMTP_FAIL_EHLO:
        diag_problem(d, PROB_SMTP_EHLO, STEP_SMTP, subj, "%s", err);
        return false;
    case SMTP_FAIL_NO_STARTTLS:
    case SMTP_FAIL_STARTTLS: {
        struct problem *p = diag_problem(d, PROB_SMTP_STARTTLS_MISSING, STEP_SMTP, subj, "%s",
                                         *err ? err : "STARTTLS not offered in the EHLO reply");
        if (mode != STS_MODE_ENFORCE)
            p->severity = SEV_WARNING;
        return false;
    }
    case SMTP_FAIL_HANDSHAKE:
        diag_problem(d, PROB_TLS_HANDSHAKE, STEP_TLS, subj, "%s", err);
        return false;
    default:
        return s->tls.present && s->tls.handshake_ok;
    }
}

/* tls_problems - certificate and protocol problems of a completed handshake. */
static void tls_problems(struct diag *d, const struct tls_info *t, const char *host,
                         const char *subj)
{
    if (t->version_num && t->version_num < 0x0303)
        diag_problem(d, PROB_TLS_VERSION, STEP_TLS, subj,
                     "negotiated %s; MTA-STS requires TLS 1.2 or later",
                     t->version ? t->version : "an old TLS version");
    const struct cert_info *leaf = t->nchain ? &t->chain[0] : NULL;
    if (t->expired)
        diag_problem(d, PROB_TLS_CERT_EXPIRED, STEP_TLS, subj, "certificate valid %s to %s",
                     leaf && leaf->not_before_str ? leaf->not_before_str : "?",
                     leaf && leaf->not_after_str ? leaf->not_after_str : "?");
    if (t->untrusted)
        diag_problem(d, PROB_TLS_CERT_UNTRUSTED, STEP_TLS, subj, "%s",
                     t->verify_error ? t->verify_error : "no path to a trusted root");
    if (!t->hostname_match)
        diag_problem(d, PROB_TLS_CERT_HOSTNAME, STEP_TLS, subj, "%s",
                     t->hostname_note ? t->hostname_note : host);
    if (!t->expired && leaf) {
        long days = cert_days_left(leaf, time(NULL));
        if (days < MX_EXPIRING_DAYS)
            diag_problem(d, PROB_TLS_CERT_EXPIRING, STEP_TLS, subj,
                         "certificate expires %s (in %ld day%s)",
                         leaf->not_after_str ? leaf->not_after_str : "soon", days,
                         days == 1 ? "" : "s");
    }
}

/* first_report_as - the RFC 8460 result type of the first error since index first. */
static const char *first_report_as(const struct diag *d, size_t first)
{
    for (size_t i = first; i < d->r->problems.n; i++) {
        const struct problem *p = &d->r->problems.items[i];
        const char *ra = problem_def(p->id)->report_as;
        if (p->severity == SEV_ERROR && ra)
            return ra;
    }
    return NULL;
}

void judge_address(struct diag *d, struct addr_ctx *ac)
{
    struct mx_addr *a = ac->addr;
    struct mx_host *h = ac->hc->host;
    const struct smtp_result *s = a->smtp;
    if (ac->judged || !s || !dane_ready(ac->hc))
        return; /* dane_ready: the host's TLSA answer is judged first (diag_dane.c) */
    ac->judged = true;
    enum sts_mode mode = report_policy_mode(d->r);
    char subj[MX_DOMAIN_MAX + 64];
    snprintf(subj, sizeof subj, "%s [%s]", h->host, a->address);
    size_t first = d->r->problems.n;
    bool tls_ok = smtp_problems(d, s, subj, mode);
    if (tls_ok)
        tls_problems(d, &s->tls, h->host, subj);
    bool valid = tls_ok && s->tls.verified && s->tls.hostname_match && !s->tls.expired &&
                 !s->tls.untrusted && (s->tls.version_num == 0 || s->tls.version_num >= 0x0303);
    bool reachable = s->fail != SMTP_FAIL_CONNECT && s->fail != SMTP_FAIL_BANNER;
    a->tls_valid = valid;
    /* RFC 8461 5: enforce refuses hosts that fail validation or match no mx pattern; testing
     * and none deliver anyway (testing reports the failure). */
    if (mode == STS_MODE_ENFORCE)
        a->sts_deliverable = valid && (h->policy_match || h->planned); /* planned: once listed */
    else
        a->sts_deliverable = reachable;
    a->report_as = first_report_as(d, first);
    if (!a->report_as && h->policy_checked && !h->policy_match)
        a->report_as = "validation-failure";
    judge_dane_address(d, ac, subj); /* after the MTA-STS verdict, before the step state */
    int worst = -1;
    for (size_t i = first; i < d->r->problems.n; i++)
        if ((int)d->r->problems.items[i].severity > worst)
            worst = (int)d->r->problems.items[i].severity;
    enum step_state st = worst == SEV_ERROR ? ST_FAIL : worst == SEV_WARNING ? ST_WARN : ST_PASS;
    free(a->step.note);
    a->step.note = tls_ok ? xasprintf("%s %s", s->tls.version ? s->tls.version : "TLS",
                                      s->tls.cipher ? s->tls.cipher : "")
                          : xstrdup(s->error ? s->error : "no TLS");
    step_end(&a->step, st, diag_now(d));
    diag_emit_step(d, &a->step);
}

void judge_host_done(struct diag *d, struct host_ctx *hc)
{
    struct mx_host *h = hc->host;
    if (h->step.state != ST_RUNNING || !dane_ready(hc))
        return;
    size_t first = d->r->problems.n;
    if (!h->naddrs) {
        const struct dns_answer *as[2] = {h->a, h->aaaa};
        const char *why = "no A or AAAA record";
        for (int i = 0; i < 2; i++)
            if (as[i] && as[i]->status != DNS_OK && as[i]->status != DNS_NODATA)
                why = as[i]->error ? as[i]->error : dns_status_name(as[i]->status);
        if (d->r->mx.implicit && !h->planned)
            diag_problem(d, PROB_MX_NONE, STEP_MX_HOST, h->host,
                         "no MX record and no address for the domain (%s)", why);
        else
            diag_problem(d, PROB_MX_RESOLVE, STEP_MX_HOST, h->host, "%s: %s", hc->lookup_name,
                         why);
    }
    bool any = false;
    enum step_state st = h->naddrs ? ST_PASS : ST_FAIL;
    for (size_t i = 0; i < h->naddrs; i++) {
        any |= h->addrs[i]->sts_deliverable;
        if (h->addrs[i]->step.state == ST_FAIL)
            st = ST_FAIL;
        else if (h->addrs[i]->step.state == ST_WARN && st == ST_PASS)
            st = ST_WARN;
    }
    if (h->policy_checked && !h->policy_match)
        st = report_policy_mode(d->r) == STS_MODE_ENFORCE ? ST_FAIL : (st == ST_FAIL ? st : ST_WARN);
    if (d->r->problems.n > first)
        st = ST_FAIL;
    st = dane_host_state(hc, st);
    h->sts_deliverable = any;
    free(h->step.note);
    h->step.note = h->naddrs ? xasprintf("%zu address(es); an MTA-STS sender would %s", h->naddrs,
                                         any ? "deliver" : "NOT deliver")
                             : xstrdup("no address");
    step_end(&h->step, st, diag_now(d));
    diag_emit_step(d, &h->step);
}

/* split_field - copy the text up to the next ':' (or the end) of *s into out; IPv6 addresses
 * may be bracketed. Advances *s past the ':'. */
static void split_field(const char **s, char *out, size_t outlen)
{
    const char *p = *s;
    size_t n;
    if (*p == '[') {
        const char *end = strchr(p, ']');
        n = end ? (size_t)(end - p - 1) : strlen(p + 1);
        p++;
        snprintf(out, outlen, "%.*s", (int)n, p);
        p += n + (end ? 1 : 0);
    } else {
        n = strcspn(p, ":");
        snprintf(out, outlen, "%.*s", (int)n, p);
        p += n;
    }
    *s = *p == ':' ? p + 1 : p;
}

const char *diag_connect_to_for(const struct diag *d, const char *host, int port,
                                char *addr_out, size_t addr_len, int *port_out)
{
    for (size_t i = 0; i < d->o.nconnect_to; i++) {
        const char *s = d->o.connect_to[i];
        char h[300], p1[16], a[300], p2[16];
        split_field(&s, h, sizeof h);
        split_field(&s, p1, sizeof p1);
        split_field(&s, a, sizeof a);
        split_field(&s, p2, sizeof p2);
        if (*h && strcasecmp(h, host) != 0)
            continue;
        if (*p1 && atoi(p1) != port)
            continue;
        snprintf(addr_out, addr_len, "%s", *a ? a : host);
        *port_out = *p2 ? atoi(p2) : port;
        return d->o.connect_to[i];
    }
    return NULL;
}
