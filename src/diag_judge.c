/* diag_judge - the rules that turn evidence into problems, step states and the sender's-eye
 * verdict. Each judge_* runs once, when the evidence it needs is complete; a missing
 * prerequisite gives "not applicable", never a cascade of follow-on errors. */
#include "diag_internal.h"
#include "escape.h"
#include "mx_limits.h"
#include "xalloc.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *dns_failure_text(const struct dns_answer *a)
{
    return a->error ? a->error : dns_status_name(a->status);
}

/* collect_txt - every TXT record at the name, escaped for display; raw texts in raw[]. */
static size_t collect_txt(const struct dns_answer *a, char ***records, size_t *nrecords,
                          const struct dns_rr **raw, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < a->nrr; i++) {
        const struct dns_rr *rr = &a->rr[i];
        if (rr->type != DNS_T_TXT || !rr->txt)
            continue;
        xptr_push((void ***)records, nrecords, escape_bytes(rr->txt, rr->txt_len));
        if (n < max)
            raw[n++] = rr;
    }
    return n;
}

void judge_sts_record(struct diag *d)
{
    struct sts_section *s = &d->r->sts;
    const struct dns_answer *a = s->answer;
    const char *subj = a->qname;
    size_t first = d->r->problems.n;
    s->cname_chain = dns_answer_cname_chain(a);
    if (s->cname_chain)
        diag_problem(d, PROB_STS_RECORD_CNAME, PROBLEM_SEV_DEFAULT, STEP_STS_RECORD, subj, "%s", s->cname_chain);
    if (a->status != DNS_OK && a->status != DNS_NODATA && a->status != DNS_NXDOMAIN) {
        s->status = TXT_ERROR;
        diag_problem(d, PROB_STS_RECORD_DNS, PROBLEM_SEV_DEFAULT, STEP_STS_RECORD, subj, "TXT lookup failed: %s",
                     dns_failure_text(a));
        diag_end_step(d, &s->step, ST_FAIL, xstrdup("lookup failed"));
        return;
    }
    const struct dns_rr *raw[MX_DNS_RR_MAX];
    size_t ntxt = collect_txt(a, &s->records, &s->nrecords, raw, MX_DNS_RR_MAX);
    const struct dns_rr *cand = NULL;
    size_t ncand = 0;
    for (size_t i = 0; i < ntxt; i++)
        if (sts_record_is_candidate(raw[i]->txt, raw[i]->txt_len))
            cand = raw[i], ncand++;
    if (ncand == 0) {
        s->status = TXT_MISSING;
        diag_problem(d, PROB_STS_RECORD_MISSING, PROBLEM_SEV_DEFAULT, STEP_STS_RECORD, subj, "%s",
                     a->status == DNS_NXDOMAIN ? "the name does not exist (NXDOMAIN)"
                     : ntxt ? "TXT records exist, but none begins with v=STSv1"
                            : "no TXT record at this name");
        diag_end_step(d, &s->step, ST_WARN, xstrdup("no MTA-STS record: MTA-STS not deployed"));
        return;
    }
    if (ncand > 1) {
        s->status = TXT_MULTIPLE;
        diag_problem(d, PROB_STS_RECORD_MULTIPLE, PROBLEM_SEV_DEFAULT, STEP_STS_RECORD, subj,
                     "%zu records begin with v=STSv1; senders ignore them all", ncand);
        diag_end_step(d, &s->step, ST_FAIL, xstrdup("several v=STSv1 records"));
        return;
    }
    int rc = sts_record_parse(cand->txt, cand->txt_len, &s->parsed, &d->r->problems,
                              STEP_STS_RECORD, subj);
    diag_emit_problems_from(d, first);
    s->status = rc == 0 ? TXT_OK : TXT_INVALID;
    diag_end_step(d, &s->step, diag_state_from(d, first, ST_PASS),
             rc == 0 ? xasprintf("id=%s", s->parsed.id ? s->parsed.id : "")
                     : xstrdup("record invalid: senders ignore it"));
}

void judge_tlsrpt(struct diag *d)
{
    struct tlsrpt_section *t = &d->r->tlsrpt;
    const struct dns_answer *a = t->answer;
    const char *subj = a->qname;
    size_t first = d->r->problems.n;
    if (a->status != DNS_OK && a->status != DNS_NODATA && a->status != DNS_NXDOMAIN) {
        t->status = TXT_ERROR;
        diag_problem(d, PROB_TLSRPT_DNS, PROBLEM_SEV_DEFAULT, STEP_TLSRPT, subj, "TXT lookup failed: %s",
                     dns_failure_text(a));
        diag_end_step(d, &t->step, ST_WARN, xstrdup("lookup failed"));
        return;
    }
    const struct dns_rr *raw[MX_DNS_RR_MAX];
    size_t ntxt = collect_txt(a, &t->records, &t->nrecords, raw, MX_DNS_RR_MAX);
    const struct dns_rr *cand = NULL;
    size_t ncand = 0;
    for (size_t i = 0; i < ntxt; i++)
        if (tlsrpt_record_is_candidate(raw[i]->txt, raw[i]->txt_len))
            cand = raw[i], ncand++;
    if (ncand == 0) {
        t->status = TXT_MISSING;
        diag_problem(d, PROB_TLSRPT_MISSING, PROBLEM_SEV_DEFAULT, STEP_TLSRPT, subj, "%s",
                     ntxt ? "TXT records exist, but none begins with v=TLSRPTv1"
                          : "no TLS-RPT record");
        diag_end_step(d, &t->step, ST_WARN, xstrdup("no TLS-RPT record"));
        return;
    }
    if (ncand > 1) {
        t->status = TXT_MULTIPLE;
        diag_problem(d, PROB_TLSRPT_MULTIPLE, PROBLEM_SEV_DEFAULT, STEP_TLSRPT, subj,
                     "%zu records begin with v=TLSRPTv1", ncand);
        diag_end_step(d, &t->step, ST_FAIL, xstrdup("several v=TLSRPTv1 records"));
        return;
    }
    int rc = tlsrpt_record_parse(cand->txt, cand->txt_len, &t->parsed, &d->r->problems,
                                 STEP_TLSRPT, subj);
    diag_emit_problems_from(d, first);
    t->status = rc == 0 ? TXT_OK : TXT_INVALID;
    diag_end_step(d, &t->step, diag_state_from(d, first, ST_PASS),
             rc == 0 ? xasprintf("%zu report address(es)", t->parsed.nrua)
                     : xstrdup("record invalid"));
}

/* ---- policy ---- */

static bool content_type_plain(const char *ct)
{
    if (!ct)
        return false;
    while (*ct == ' ')
        ct++;
    size_t n = strcspn(ct, "; ");
    return n == 10 && strncasecmp(ct, "text/plain", 10) == 0;
}

/* no_address_reason - why the policy host could not be reached by name, or NULL. */
static char *no_address_reason(const struct policy_section *p)
{
    const struct dns_answer *as[2] = {p->host_a, p->host_aaaa};
    for (int i = 0; i < 2; i++)
        if (as[i] && as[i]->status == DNS_NXDOMAIN)
            return xasprintf("%s does not exist in DNS (NXDOMAIN)", p->host);
    for (int i = 0; i < 2; i++)
        if (as[i] && as[i]->status != DNS_OK && as[i]->status != DNS_NODATA)
            return xasprintf("looking up %s failed: %s", p->host, dns_failure_text(as[i]));
    return xasprintf("%s has no A or AAAA record", p->host);
}

/* judge_fetch - problems of the HTTPS exchange; returns true when a 200 body is usable. */
static bool judge_fetch(struct diag *d)
{
    struct policy_section *p = &d->r->policy;
    const struct https_result *h = p->http;
    if (!h) {
        char *why = no_address_reason(p);
        diag_problem(d, PROB_STS_POLICY_FETCH, PROBLEM_SEV_DEFAULT, STEP_POLICY, p->url, "%s", why);
        free(why);
        return false;
    }
    if (h->tls.present && h->tls.chain && (!h->tls.verified || !h->tls.hostname_match)) {
        const char *why = !h->tls.hostname_match
                              ? (h->tls.hostname_note ? h->tls.hostname_note : "name mismatch")
                              : (h->tls.verify_error ? h->tls.verify_error : "not trusted");
        diag_problem(d, PROB_STS_POLICY_TLS, PROBLEM_SEV_DEFAULT, STEP_POLICY, p->host, "certificate of %s: %s",
                     p->host, why);
        return false;
    }
    const struct cert_info *leaf = h->tls.present && h->tls.nchain ? &h->tls.chain[0] : NULL;
    if (leaf && leaf->not_after && !h->tls.expired) {
        long days = cert_days_left(leaf, time(NULL));
        if (days < d->r->warn_days) /* a lapsing policy host silently turns MTA-STS off */
            diag_problem(d, PROB_TLS_CERT_EXPIRING, PROBLEM_SEV_DEFAULT, STEP_POLICY, p->host,
                         "certificate of %s expires %s (in %ld day%s)", p->host,
                         leaf->not_after_str ? leaf->not_after_str : "soon", days,
                         days == 1 ? "" : "s");
    }
    if (!h->ok) {
        if (h->body_too_large) {
            diag_problem(d, PROB_STS_POLICY_SIZE, PROBLEM_SEV_DEFAULT, STEP_POLICY, p->url,
                         "body larger than %d bytes", MX_POLICY_BODY_MAX);
            return false;
        }
        diag_problem(d, PROB_STS_POLICY_FETCH, PROBLEM_SEV_DEFAULT, STEP_POLICY, p->url, "%s%s",
                     h->timed_out ? "timed out: " : "",
                     h->error ? h->error : "the request failed");
        return false;
    }
    if (h->status >= 300 && h->status < 400) {
        diag_problem(d, PROB_STS_POLICY_REDIRECT, PROBLEM_SEV_DEFAULT, STEP_POLICY, p->url,
                     "HTTP %ld redirect to %s (not followed, RFC 8461 3.3)", h->status,
                     h->location ? h->location : "(no Location header)");
        return false;
    }
    if (h->status != 200) {
        diag_problem(d, PROB_STS_POLICY_FETCH, PROBLEM_SEV_DEFAULT, STEP_POLICY, p->url, "%s (only 200 counts)",
                     h->status_line ? h->status_line : "unexpected HTTP status");
        return false;
    }
    if (h->body_too_large) {
        diag_problem(d, PROB_STS_POLICY_SIZE, PROBLEM_SEV_DEFAULT, STEP_POLICY, p->url, "body larger than %d bytes",
                     MX_POLICY_BODY_MAX);
        return false;
    }
    if (!content_type_plain(h->content_type))
        diag_problem(d, PROB_STS_POLICY_CONTENT_TYPE, PROBLEM_SEV_DEFAULT, STEP_POLICY, p->url,
                     "Content-Type is %s, expected text/plain",
                     h->content_type ? h->content_type : "missing");
    return true;
}

static void policy_became_final(struct diag *d)
{
    d->policy_final = true;
    for (size_t i = 0; i < d->nhosts; i++)
        judge_host_match(d, d->hosts[i]);
    for (size_t i = 0; i < d->naddrs; i++)
        if (!d->addrs[i]->judged && d->addrs[i]->addr->smtp)
            judge_address(d, d->addrs[i]);
    for (size_t i = 0; i < d->nhosts; i++) {
        struct host_ctx *hc = d->hosts[i];
        if (hc->lookups_left == 0 && hc->probes_left == 0)
            judge_host_done(d, hc);
    }
}

void judge_policy(struct diag *d)
{
    struct policy_section *p = &d->r->policy;
    if (d->policy_final)
        return;
    if (p->http && p->http->body)
        p->body_text = escape_bytes(p->http->body, p->http->body_len);
    if (!d->sts_done || d->r->sts.status != TXT_OK) {
        /* RFC 8461 3.3: senders fetch the policy only after a valid TXT record. */
        p->status = POL_NOT_FETCHED;
        diag_end_step(d, &p->step, ST_NA,
                 xstrdup("no valid _mta-sts record, so senders do not fetch the policy"));
        policy_became_final(d);
        return;
    }
    size_t first = d->r->problems.n;
    if (!judge_fetch(d)) {
        p->status = POL_FETCH_ERROR;
        diag_end_step(d, &p->step, diag_state_from(d, first, ST_FAIL),
                 xstrdup("fetch failed: senders without a cached policy skip MTA-STS"));
        policy_became_final(d);
        return;
    }
    const struct https_result *h = p->http;
    int rc = sts_policy_parse(h->body, h->body_len, &p->parsed, &d->r->problems, STEP_POLICY,
                              p->url);
    diag_emit_problems_from(d, first);
    p->status = rc == 0 && p->parsed.valid ? POL_OK : POL_INVALID;
    diag_end_step(d, &p->step, p->status == POL_OK ? diag_state_from(d, first, ST_PASS) : ST_FAIL,
             p->status == POL_OK ? xasprintf("mode %s, max_age %lld, %zu mx pattern(s)",
                                             sts_mode_name(p->parsed.mode), p->parsed.max_age,
                                             p->parsed.nmx)
                                 : xstrdup("policy invalid: senders treat it as no policy"));
    policy_became_final(d);
}

/* ---- MX ---- */

static int host_cmp(const void *a, const void *b)
{
    const struct mx_host *x = *(struct mx_host *const *)a, *y = *(struct mx_host *const *)b;
    return x->preference - y->preference;
}

static struct mx_host *new_host(const char *name, int pref)
{
    struct mx_host *h = xcalloc(1, sizeof *h);
    h->host = xstrdup(name);
    h->preference = pref;
    h->matched_pattern = -1;
    h->step.start_ms = h->step.end_ms = h->resolve.start_ms = h->resolve.end_ms = -1;
    return h;
}

static bool have_host(const struct mx_section *m, const char *name)
{
    for (size_t i = 0; i < m->nhosts; i++)
        if (strcasecmp(m->hosts[i]->host, name) == 0)
            return true;
    return false;
}

static void collect_mx(struct diag *d, size_t *nnull)
{
    struct mx_section *m = &d->r->mx;
    for (size_t i = 0; i < m->answer->nrr; i++) {
        const struct dns_rr *rr = &m->answer->rr[i];
        if (rr->type != DNS_T_MX)
            continue;
        const char *t = rr->target ? rr->target : "";
        if (!*t || strcmp(t, ".") == 0) { /* RFC 7505: "0 ." */
            (*nnull)++;
            continue;
        }
        if (m->nhosts >= MX_MX_HOSTS_MAX || have_host(m, t))
            continue;
        xptr_push((void ***)&m->hosts, &m->nhosts, new_host(t, rr->pref));
    }
    if (m->nhosts > 1)
        qsort(m->hosts, m->nhosts, sizeof *m->hosts, host_cmp);
}

void judge_mx_answer(struct diag *d)
{
    struct mx_section *m = &d->r->mx;
    const struct dns_answer *a = m->answer;
    const char *dom = d->r->domain;
    if (a->status == DNS_NXDOMAIN) {
        diag_problem(d, PROB_MX_NONE, PROBLEM_SEV_DEFAULT, STEP_MX, dom, "the domain does not exist (NXDOMAIN)");
        diag_end_step(d, &m->step, ST_FAIL, xstrdup("domain does not exist"));
        return;
    }
    if (a->status == DNS_NODATA) {
        /* RFC 5321 5.1: no MX means the domain itself is the (implicit) MX. */
        m->implicit = true;
        xptr_push((void ***)&m->hosts, &m->nhosts, new_host(dom, -1));
        diag_problem(d, PROB_MX_IMPLICIT, PROBLEM_SEV_DEFAULT, STEP_MX, dom,
                     "no MX record: senders use %s itself as the mail host", dom);
        diag_end_step(d, &m->step, ST_PASS, xstrdup("no MX: implicit MX is the domain itself"));
        return;
    }
    if (a->status != DNS_OK) {
        diag_problem(d, PROB_MX_DNS, PROBLEM_SEV_DEFAULT, STEP_MX, dom, "MX lookup failed: %s", dns_failure_text(a));
        diag_end_step(d, &m->step, ST_FAIL, xstrdup("lookup failed"));
        return;
    }
    size_t nnull = 0;
    collect_mx(d, &nnull);
    if (nnull && !m->nhosts) {
        m->null_mx = true;
        diag_problem(d, PROB_MX_NULL, PROBLEM_SEV_DEFAULT, STEP_MX, dom, "null MX (MX 0 .): the domain takes no mail");
        diag_end_step(d, &m->step, ST_PASS, xstrdup("null MX: no mail accepted"));
        return;
    }
    if (nnull)
        diag_problem(d, PROB_MX_NULL_MIXED, PROBLEM_SEV_DEFAULT, STEP_MX, dom,
                     "null MX published beside %zu other MX record(s)", m->nhosts);
    if (!m->nhosts) {
        diag_problem(d, PROB_MX_NONE, PROBLEM_SEV_DEFAULT, STEP_MX, dom, "the MX answer held no usable record");
        diag_end_step(d, &m->step, ST_FAIL, xstrdup("no MX host"));
        return;
    }
    diag_end_step(d, &m->step, nnull ? ST_FAIL : ST_PASS, xasprintf("%zu MX host(s)", m->nhosts));
}

void judge_host_match(struct diag *d, struct host_ctx *hc)
{
    struct mx_host *h = hc->host;
    if (hc->matched || !d->policy_final)
        return;
    hc->matched = true;
    if (h->planned)
        return; /* not an MX yet: the plan decides which pattern will cover it */
    enum sts_mode mode = report_policy_mode(d->r);
    if (mode != STS_MODE_ENFORCE && mode != STS_MODE_TESTING) {
        h->match_state = ST_NA; /* no policy to match against */
        return;
    }
    h->policy_checked = true;
    char *why = NULL;
    h->matched_pattern = sts_policy_match_mx(&d->r->policy.parsed, h->host, &why);
    h->policy_match = h->matched_pattern >= 0;
    h->match_note = why;
    /* RFC 8461 5: enforce refuses a host outside the policy; testing delivers and reports */
    h->match_state = h->policy_match ? ST_PASS : mode == STS_MODE_TESTING ? ST_WARN : ST_FAIL;
    if (!h->policy_match)
        diag_problem_at(d, PROB_MX_POLICY_MISMATCH,
                        mode == STS_MODE_TESTING ? SEV_WARNING : PROBLEM_SEV_DEFAULT, STEP_MX,
                        STEP_MX, h->host, NULL, "%s", why ? why : "no mx: pattern matches");
}
