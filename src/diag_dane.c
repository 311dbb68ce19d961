/* diag_dane - DANE for SMTP (RFC 7672) beside MTA-STS: the TLSA lookup of each MX host, its
 * DNSSEC status from the resolver's AD bit, the verification of each address's chain (dane.c,
 * OpenSSL), the dane.* problems and what a DANE-capable sender does (RFC 8461 2: a failing
 * DANE validation is not overridden by MTA-STS).
 *
 * Timing: the TLSA lookup of _25._tcp.HOST starts with the host's A/AAAA lookups. When an
 * address answer shows that HOST is a CNAME whose expansion is secure (AD), a second lookup at
 * _25._tcp.TARGET starts; RFC 7672 2.2.3 prefers the expanded name, then the original. The
 * host's DANE state is final once its TLSA and address lookups have all ended; the addresses
 * are judged after that (judge_address waits through dane_ready), so their step states and the
 * host's include the DANE problems. The SMTP probe never waits for any of this (see dane.h). */
#include "dane.h"
#include "diag_internal.h"
#include "escape.h"
#include "mx_limits.h"
#include "xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void try_final(struct diag *d, struct host_ctx *hc);

/* ---- lookups ---- */

static void on_tlsa(void *arg, struct dns_answer *ans)
{
    struct host_ctx *hc = arg;
    struct diag *d = hc->d;
    hc->q_tlsa = NULL;
    hc->host->dane.answer = ans;
    hc->tlsa_left--;
    diag_emit_evidence(d, &hc->host->step);
    try_final(d, hc);
    d->pending--;
    diag_maybe_finish(d);
}

static void on_tlsa_cname(void *arg, struct dns_answer *ans)
{
    struct host_ctx *hc = arg;
    struct diag *d = hc->d;
    hc->q_tlsa_cname = NULL;
    hc->host->dane.cname_answer = ans;
    hc->tlsa_left--;
    diag_emit_evidence(d, &hc->host->step);
    try_final(d, hc);
    d->pending--;
    diag_maybe_finish(d);
}

static void start_lookup(struct diag *d, struct host_ctx *hc, const char *base, bool cname)
{
    char name[MX_DOMAIN_MAX + 16];
    snprintf(name, sizeof name, "_25._tcp.%s", base); /* RFC 7672 2.2.3 */
    hc->tlsa_left++;
    d->pending++;
    if (cname)
        hc->q_tlsa_cname = dns_query(d->e->dns, name, DNS_T_TLSA, on_tlsa_cname, hc);
    else
        hc->q_tlsa = dns_query(d->e->dns, name, DNS_T_TLSA, on_tlsa, hc);
}

void dane_start(struct diag *d, struct host_ctx *hc)
{
    hc->dane_worst = -1;
    start_lookup(d, hc, hc->host->host, false);
}

/* cname_target - the end of the CNAME chain that starts at host in ans, or NULL. */
static const char *cname_target(const struct dns_answer *ans, const char *host)
{
    const char *cur = host;
    for (size_t hop = 0; hop < ans->nrr; hop++) {
        const char *next = NULL;
        for (size_t i = 0; i < ans->nrr && !next; i++)
            if (ans->rr[i].type == DNS_T_CNAME && ans->rr[i].target &&
                strcasecmp(ans->rr[i].name, cur) == 0)
                next = ans->rr[i].target;
        if (!next)
            break;
        cur = next;
    }
    return cur == host ? NULL : cur;
}

void dane_on_addr_answer(struct diag *d, struct host_ctx *hc, const struct dns_answer *ans)
{
    struct dane_host *dh = &hc->host->dane;
    const char *target = ans->ad ? cname_target(ans, hc->host->host) : NULL;
    /* RFC 7672 2.2.3: only a secure expansion gives a TLSA base domain of its own. */
    if (target && !dh->cname_target && !hc->dane_final && !d->stopped &&
        strcmp(hc->lookup_name, hc->host->host) == 0) {
        dh->cname_target = xstrdup(target);
        start_lookup(d, hc, target, true);
    }
    try_final(d, hc);
}

bool dane_ready(const struct host_ctx *hc)
{
    return hc->dane_final;
}

static bool ad(const struct dns_answer *a)
{
    return a && a->ad;
}

/* any_ad - did any answer so far carry AD (RFC 4035 3.2.3)? */
static bool any_ad(const struct report *r)
{
    bool any = ad(r->sts.answer) || ad(r->tlsrpt.answer) || ad(r->mx.answer) ||
               ad(r->policy.host_a) || ad(r->policy.host_aaaa);
    for (size_t i = 0; i < r->mx.nhosts; i++) {
        const struct mx_host *h = r->mx.hosts[i];
        any |= ad(h->a) || ad(h->aaaa) || ad(h->dane.answer) || ad(h->dane.cname_answer);
    }
    return any;
}

/* ---- the host: status, records, host problems ---- */

/* picked - the TLSA answer that counts: the expanded name's when it has records or failed,
 * else the original name's (RFC 7672 2.2.3). */
static const struct dns_answer *picked(const struct dane_host *dh, const char **base,
                                       const char *host)
{
    const struct dns_answer *c = dh->cname_answer;
    if (c && c->status != DNS_NODATA && c->status != DNS_NXDOMAIN) {
        *base = dh->cname_target;
        return c;
    }
    *base = host;
    return dh->answer;
}

static char *hex(const unsigned char *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    char *s = xmalloc(2 * n + 1);
    for (size_t i = 0; i < n; i++) {
        s[2 * i] = digits[p[i] >> 4];
        s[2 * i + 1] = digits[p[i] & 15];
    }
    s[2 * n] = '\0';
    return s;
}

/* rec_of - the i-th TLSA record of ans as dane.c wants it; NULL past the end. */
static const struct dns_rr *tlsa_rr(const struct dns_answer *a, size_t i)
{
    size_t k = 0;
    for (size_t j = 0; a && j < a->nrr; j++)
        if (a->rr[j].type == DNS_T_TLSA && k++ == i)
            return &a->rr[j];
    return NULL;
}

static bool same_rr(const struct dns_rr *x, const struct dns_rr *y)
{
    return x->tlsa_usage == y->tlsa_usage && x->tlsa_selector == y->tlsa_selector &&
           x->tlsa_mtype == y->tlsa_mtype && x->tlsa_len == y->tlsa_len &&
           memcmp(x->tlsa_data, y->tlsa_data, x->tlsa_len) == 0;
}

/* judge_record - usable or not, and why (RFC 7672 3.1; duplicates fake no rollover). */
static void judge_record(struct dane_tlsa *t, const struct dns_answer *a, size_t i)
{
    const struct dns_rr *rr = tlsa_rr(a, i);
    struct dane_rec rec = {rr->tlsa_usage, rr->tlsa_selector, rr->tlsa_mtype, rr->tlsa_data,
                           rr->tlsa_len};
    t->usage = rr->tlsa_usage, t->selector = rr->tlsa_selector, t->mtype = rr->tlsa_mtype;
    t->data = hex(rr->tlsa_data, rr->tlsa_len);
    t->text = xstrdup(rr->text ? rr->text : "");
    const char *why = dane_unusable(rec.usage, rec.selector, rec.mtype);
    for (size_t j = 0; j < i && !why; j++)
        if (same_rr(tlsa_rr(a, j), rr))
            why = "duplicate of an earlier record";
    if (!why && rr->tlsa_truncated)
        why = "association data too long";
    if (!why && !dane_accepts(&rec))
        why = "malformed association data (wrong digest length or unparsable)";
    t->usable = why == NULL;
    if (why)
        t->note = xstrdup(why);
    else if (rec.mtype == 0)
        t->note = xstrdup("matching type 0 (Full) is discouraged: publish a SHA-256 digest");
}

/* host_problem - one problem of the host's TLSA RRset; msg is taken over. */
static void host_problem(struct diag *d, struct host_ctx *hc, enum problem_id id, char *msg)
{
    struct problem *p = diag_problem_at(d, id, PROBLEM_SEV_DEFAULT, STEP_MX_HOST, STEP_DANE,
                                        hc->host->host, NULL, "%s", msg);
    if ((int)p->severity > hc->dane_worst)
        hc->dane_worst = (int)p->severity;
    free(msg);
}

/* unusable_list - "0 1 1 ab.. (why); ..." for the records that draw dane.unusable. */
static char *unusable_list(const struct dane_host *dh)
{
    char *out = NULL;
    for (size_t i = 0; i < dh->ntlsa; i++) {
        const struct dane_tlsa *t = &dh->tlsa[i];
        bool bad = !t->usable && t->note && strncmp(t->note, "duplicate", 9) != 0;
        if (!bad && !(t->usable && t->mtype == 0))
            continue;
        char *one = xasprintf("%d %d %d (%s)", t->usage, t->selector, t->mtype, t->note);
        char *joined = out ? xasprintf("%s; %s", out, one) : xstrdup(one);
        free(out);
        free(one);
        out = joined;
    }
    return out;
}

static void host_problems(struct diag *d, struct host_ctx *hc, const struct dns_answer *a)
{
    struct dane_host *dh = &hc->host->dane;
    if (dh->status == DANE_BOGUS) {
        host_problem(d, hc, PROB_DANE_BOGUS,
                     xasprintf("TLSA lookup at %s: %s; a DANE sender defers", dh->name,
                               a->error ? a->error : dns_status_name(a->status)));
        return;
    }
    if (dh->status == DANE_INSECURE) {
        host_problem(d, hc, PROB_DANE_INSECURE,
                     xasprintf("%s has TLSA records without the AD bit: senders ignore them%s",
                               dh->name, any_ad(d->r) ? "" : " (no answer so far was "
                               "validated: the resolver may not validate DNSSEC)"));
        return;
    }
    if (dh->status != DANE_SECURE)
        return;
    char *list = unusable_list(dh);
    if (list)
        host_problem(d, hc, PROB_DANE_UNUSABLE,
                     xasprintf("%s%s", list, dh->nusable ? "" : "; no usable record: TLS is "
                               "still mandatory, but unauthenticated"));
    free(list);
    if (dh->nusable == 1)
        host_problem(d, hc, PROB_DANE_NO_ROLLOVER,
                     xasprintf("%s publishes one usable record and no next key", dh->name));
}

static void judge_host(struct diag *d, struct host_ctx *hc)
{
    struct dane_host *dh = &hc->host->dane;
    const char *base = hc->host->host;
    const struct dns_answer *a = picked(dh, &base, hc->host->host);
    dh->base = xstrdup(base);
    dh->name = xasprintf("_25._tcp.%s", base);
    if (!a) {
        dh->status = DANE_NONE;
        dh->state = ST_NA;
        dh->note = xstrdup("TLSA not looked up (interrupted)");
        return;
    }
    if (a->status == DNS_OK) {
        dh->status = a->ad ? DANE_SECURE : DANE_INSECURE;
        size_t n = 0;
        while (tlsa_rr(a, n))
            n++;
        dh->tlsa = xcalloc(n ? n : 1, sizeof *dh->tlsa);
        for (size_t i = 0; i < n; i++, dh->ntlsa++) {
            judge_record(&dh->tlsa[i], a, i);
            dh->nusable += dh->tlsa[i].usable;
        }
    } else {
        dh->status = a->status == DNS_NODATA || a->status == DNS_NXDOMAIN ? DANE_NONE
                                                                          : DANE_BOGUS;
    }
    dh->state = dh->status == DANE_SECURE ? (dh->nusable ? ST_PASS : ST_WARN)
                : dh->status == DANE_BOGUS ? ST_FAIL
                                           : ST_NA;
    host_problems(d, hc, a);
    dh->note = dh->status == DANE_NONE ? xasprintf("no TLSA record at %s%s", dh->name,
                                                   a->ad ? " (secure denial)" : "")
               : dh->status == DANE_BOGUS ? xasprintf("TLSA lookup at %s failed: DANE senders "
                                                      "defer", dh->name)
               : xasprintf("%s TLSA at %s: %zu record(s), %zu usable",
                           dane_status_name(dh->status), dh->name, dh->ntlsa, dh->nusable);
}

static void try_final(struct diag *d, struct host_ctx *hc)
{
    if (hc->dane_final || hc->tlsa_left > 0 || hc->lookups_left > 0)
        return;
    judge_host(d, hc);
    hc->dane_final = true;
    diag_emit_evidence(d, &hc->host->step);
    if (!d->policy_final)
        return; /* judge_policy judges the addresses and the host */
    for (size_t i = 0; i < d->naddrs; i++)
        if (d->addrs[i]->hc == hc && !d->addrs[i]->judged && d->addrs[i]->addr->smtp)
            judge_address(d, d->addrs[i]);
    if (hc->probes_left == 0)
        judge_host_done(d, hc);
}

/* ---- one address ---- */

/* recs_of - the usable records of the picked answer, in the order of dh->tlsa. */
static size_t recs_of(const struct dane_host *dh, const struct dns_answer *a,
                      struct dane_rec *recs, int *index)
{
    size_t n = 0;
    for (size_t i = 0; i < dh->ntlsa; i++) {
        const struct dns_rr *rr = tlsa_rr(a, i);
        if (!dh->tlsa[i].usable || !rr)
            continue;
        recs[n] = (struct dane_rec){rr->tlsa_usage, rr->tlsa_selector, rr->tlsa_mtype,
                                    rr->tlsa_data, rr->tlsa_len};
        index[n++] = (int)i;
    }
    return n;
}

/* verify - the whole RRset as a sender uses it, then each record alone (which certificate
 * each one authenticates: current + next in a rollover). */
static void verify(const struct mx_host *h, const struct tls_info *t, struct dane_addr *da)
{
    const struct dane_host *dh = &h->dane;
    const char *base = NULL;
    const struct dns_answer *a = picked(dh, &base, h->host);
    struct dane_rec recs[MX_DNS_RR_MAX];
    int index[MX_DNS_RR_MAX];
    size_t n = recs_of(dh, a, recs, index);
    da->tlsa_depth = xcalloc(dh->ntlsa ? dh->ntlsa : 1, sizeof *da->tlsa_depth);
    da->ntlsa_depth = dh->ntlsa;
    for (size_t i = 0; i < dh->ntlsa; i++)
        da->tlsa_depth[i] = -1;
    if (!n || !t->nchain)
        return;
    struct dane_result res;
    if (dane_verify(t->chain, t->nchain, recs, n, dh->base, h->host, &res) == 0) {
        da->match = res.ok;
        da->matched_tlsa = res.matched >= 0 ? index[res.matched] : -1;
        da->matched_depth = res.depth;
        da->error = res.error;
        res.error = NULL;
    }
    dane_result_clear(&res);
    for (size_t k = 0; k < n; k++) {
        if (dane_verify(t->chain, t->nchain, &recs[k], 1, dh->base, h->host, &res) == 0 && res.ok)
            da->tlsa_depth[index[k]] = res.depth;
        dane_result_clear(&res);
    }
}

static const char *depth_name(int depth)
{
    return depth == 0 ? "the server certificate" : depth > 0 ? "an issuer certificate" : "?";
}

/* no_dane_note - a DANE-capable sender without secure TLSA applies MTA-STS; what MTA-STS
 * then does is the address's sts_outcome, said once beside this note. */
static char *no_dane_note(const struct dane_host *dh)
{
    return xasprintf("no DANE (%s): it applies MTA-STS, or opportunistic TLS where no policy "
                     "applies", dh->status == DANE_INSECURE ? "TLSA records are not "
                                                              "DNSSEC-validated"
                                                            : "no TLSA record");
}

/* secure_action - RFC 7672 2.2: with usable secure TLSA, STARTTLS is mandatory and
 * authentication must succeed; with only unusable records TLS is mandatory, unauthenticated. */
static void secure_action(struct diag *d, struct addr_ctx *ac)
{
    struct mx_addr *a = ac->addr;
    struct mx_host *h = ac->hc->host;
    struct dane_addr *da = &a->dane;
    const struct smtp_result *s = a->smtp;
    bool no_tls = s->fail == SMTP_FAIL_NO_STARTTLS || s->fail == SMTP_FAIL_STARTTLS;
    da->action = DANE_ACT_DEFER;
    if (no_tls) {
        diag_problem_at(d, PROB_DANE_STARTTLS_MISSING, PROBLEM_SEV_DEFAULT, STEP_TLS, STEP_DANE,
                        h->host, a->address, "%s has secure TLSA "
                     "records, but %s", h->dane.name, s->error ? s->error : "no STARTTLS");
        da->action_note = xstrdup("no STARTTLS: a DANE sender never falls back to cleartext; "
                                  "it defers (MTA-STS must not override, RFC 8461 2)");
        return;
    }
    if (s->fail == SMTP_FAIL_CONNECT || s->fail == SMTP_FAIL_BANNER || s->fail == SMTP_FAIL_EHLO) {
        da->action_note = xstrdup("not reachable: a DANE sender tries the next MX or defers");
        return;
    }
    verify(h, &s->tls, da);
    if (h->dane.nusable == 0) {
        bool ok = s->tls.present && s->tls.handshake_ok;
        da->action = ok ? DANE_ACT_DELIVER : DANE_ACT_DEFER;
        da->action_note = xstrdup(ok ? "only unusable TLSA records: it requires TLS (done) but "
                                       "does not authenticate, and delivers"
                                     : "only unusable TLSA records: TLS is mandatory, and the "
                                       "handshake failed: it defers");
        return;
    }
    if (da->match == 1 && s->tls.handshake_ok) {
        const struct dane_tlsa *t = da->matched_tlsa >= 0 ? &h->dane.tlsa[da->matched_tlsa] : NULL;
        da->action = DANE_ACT_DELIVER;
        da->action_note = t ? xasprintf("DANE authenticated: TLSA %d %d %d matched %s (depth %d); "
                                        "it delivers whatever MTA-STS says", t->usage, t->selector,
                                        t->mtype, depth_name(da->matched_depth), da->matched_depth)
                            : xstrdup("DANE authenticated; it delivers");
        return;
    }
    if (s->tls.nchain == 0) {
        da->action_note = xstrdup("the TLS handshake failed before a certificate was seen: a "
                                  "DANE sender defers");
        return;
    }
    diag_problem_at(d, PROB_DANE_MISMATCH, PROBLEM_SEV_DEFAULT, STEP_TLS, STEP_DANE, h->host,
                    a->address, "no TLSA record at %s authenticates "
                 "the chain (%s); leaf SPKI SHA-256 %s", h->dane.name,
                 da->error ? da->error : "no match",
                 s->tls.chain[0].spki_sha256 ? s->tls.chain[0].spki_sha256 : "?");
    da->action_note = xstrdup("DANE validation failed: a DANE sender does NOT deliver, and "
                              "MTA-STS must not override that (RFC 8461 2)");
}

void judge_dane_address(struct diag *d, struct addr_ctx *ac)
{
    struct mx_addr *a = ac->addr;
    struct mx_host *h = ac->hc->host;
    struct dane_addr *da = &a->dane;
    if (da->judged || !a->smtp)
        return;
    da->judged = true;
    da->match = -1;
    da->matched_tlsa = da->matched_depth = -1;
    switch (h->dane.status) {
    case DANE_SECURE:
        secure_action(d, ac);
        break;
    case DANE_BOGUS:
        da->action = DANE_ACT_DEFER;
        da->action_note = xstrdup("TLSA lookup failed (bogus): a DANE sender treats the host as "
                                  "unreachable and defers (RFC 7672 2.1)");
        break;
    case DANE_INSECURE:
        verify(h, &a->smtp->tls, da); /* shown for information only */
        /* fall through */
    default:
        da->action = DANE_ACT_NO_DANE;
        da->action_note = no_dane_note(&h->dane);
        break;
    }
}

enum step_state dane_host_state(const struct host_ctx *hc, enum step_state st)
{
    if (hc->dane_worst == SEV_ERROR)
        return ST_FAIL;
    if (hc->dane_worst == SEV_WARNING && st == ST_PASS)
        return ST_WARN;
    return st;
}

/* ---- stop and finish ---- */

void dane_cancel(struct diag *d)
{
    for (size_t i = 0; i < d->nhosts; i++) {
        struct host_ctx *hc = d->hosts[i];
        if (hc->q_tlsa)
            dns_query_cancel(hc->q_tlsa), hc->q_tlsa = NULL;
        if (hc->q_tlsa_cname)
            dns_query_cancel(hc->q_tlsa_cname), hc->q_tlsa_cname = NULL;
        hc->tlsa_left = 0;
        if (!hc->dane_final) {
            judge_host(d, hc);
            hc->dane_final = true;
        }
    }
}

void dane_finish(struct diag *d)
{
    d->r->dnssec_any_ad = any_ad(d->r);
}
