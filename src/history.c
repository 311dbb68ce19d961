/* history - compare the previous state with a finished report, and save (see history.h).
 *
 * Only definite observations are compared: a policy that could not be fetched, an MX lookup
 * that failed or an address that did not complete TLS say nothing about change, and what the
 * previous check saw there is carried over to the next state instead. Every string taken from
 * a state file was validated by state.c and is escaped again before it reaches a message. */
#include "history.h"
#include "escape.h"
#include "xalloc.h"
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool history_is_change(enum problem_id id)
{
    return id == PROB_STS_POLICY_CHANGED_WITHOUT_ID || id == PROB_STS_POLICY_CHANGED ||
           id == PROB_MX_CHANGED || id == PROB_TLS_CERT_CHANGED ||
           id == PROB_DANE_ROLLOVER_MISSING;
}

static const char *rfc3339(time_t t, char *buf, size_t len)
{
    struct tm tm;
    if (t <= 0 || !gmtime_r(&t, &tm))
        return "an unknown time";
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* ---- what the report saw ---- */

static char *sha256_hex(const unsigned char *p, size_t n)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (!EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL))
        return NULL;
    char *out = xmalloc(2 * mdlen + 1);
    for (unsigned i = 0; i < mdlen; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
    return out;
}

static const char *report_sts_id(const struct report *r)
{
    return r->sts.status == TXT_OK && r->sts.parsed.valid ? r->sts.parsed.id : NULL;
}

/* report_policy_body - the fetched 200 body (valid or not), or NULL. */
static const struct https_result *report_policy_body(const struct report *r)
{
    const struct https_result *h = r->policy.http;
    bool fetched = r->policy.status == POL_OK || r->policy.status == POL_INVALID;
    return fetched && h && h->body ? h : NULL;
}

static bool report_mx_known(const struct report *r)
{
    return r->mx.answer && (r->mx.answer->status == DNS_OK || r->mx.null_mx ||
                            (r->mx.implicit && r->mx.nhosts));
}

static const struct cert_info *leaf_of(const struct tls_info *t)
{
    return t && t->present && t->handshake_ok && t->nchain ? &t->chain[0] : NULL;
}

static void addr_from_leaf(struct state_addr *a, const struct cert_info *leaf)
{
    a->cert_sha256 = leaf && leaf->sha256 ? xstrdup(leaf->sha256) : NULL;
    a->spki_sha256 = leaf && leaf->spki_sha256 ? xstrdup(leaf->spki_sha256) : NULL;
    a->not_after = leaf ? leaf->not_after : 0;
}

static void addr_copy(struct state_addr *dst, const struct state_addr *src)
{
    dst->address = xstrdup(src->address);
    dst->cert_sha256 = xstrdup(src->cert_sha256);
    dst->spki_sha256 = xstrdup(src->spki_sha256);
    dst->not_after = src->not_after;
    dst->dane_match = src->dane_match;
}

static const struct state_host *old_host(const struct domain_state *old, const char *host)
{
    for (size_t i = 0; old && old->mx_known && i < old->nhosts; i++)
        if (strcmp(old->hosts[i].host, host) == 0)
            return &old->hosts[i];
    return NULL;
}

static const struct state_addr *old_addr(const struct state_host *h, const char *address)
{
    for (size_t i = 0; h && i < h->naddrs; i++)
        if (strcmp(h->addrs[i].address, address) == 0)
            return &h->addrs[i];
    return NULL;
}

static bool tlsa_text_ok(const struct dane_tlsa *t)
{
    if (!t->data || strlen(t->data) > 1000)
        return false;
    for (const char *p = t->data; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

static void host_snapshot(const struct mx_host *h, const struct state_host *prev,
                          struct state_host *out)
{
    out->host = xstrdup(h->host);
    out->preference = h->preference;
    out->addrs = xcalloc(h->naddrs + 1, sizeof *out->addrs);
    for (size_t j = 0; j < h->naddrs; j++) {
        const struct mx_addr *a = h->addrs[j];
        const struct cert_info *leaf = leaf_of(a->smtp ? &a->smtp->tls : NULL);
        const struct state_addr *pa = old_addr(prev, a->address);
        struct state_addr *sa = &out->addrs[out->naddrs++];
        if (!leaf && pa) { /* no TLS this time: keep what was last seen there */
            addr_copy(sa, pa);
            continue;
        }
        sa->address = xstrdup(a->address);
        addr_from_leaf(sa, leaf);
        sa->dane_match = a->dane.judged ? a->dane.match : -1;
    }
    out->tlsa = xcalloc(h->dane.ntlsa + 1, sizeof *out->tlsa);
    for (size_t j = 0; j < h->dane.ntlsa; j++) {
        const struct dane_tlsa *t = &h->dane.tlsa[j];
        if (tlsa_text_ok(t) && t->usage >= 0 && t->usage < 256 && t->selector >= 0 &&
            t->selector < 256 && t->mtype >= 0 && t->mtype < 256)
            out->tlsa[out->ntlsa++] = xasprintf("%d %d %d %s", t->usage, t->selector, t->mtype,
                                                t->data);
    }
}

static char *mx_summary(const struct domain_state *s)
{
    if (!s->mx_known)
        return NULL;
    size_t cap = 1, n = 0;
    for (size_t i = 0; i < s->nhosts; i++)
        cap += strlen(s->hosts[i].host) + 16;
    char *out = xmalloc(cap);
    out[0] = '\0';
    for (size_t i = 0; i < s->nhosts; i++)
        n += (size_t)snprintf(out + n, cap - n, "%s%d %s", i ? ", " : "",
                              s->hosts[i].preference, s->hosts[i].host);
    return out;
}

static void timeline_extend(const struct report *r, const struct domain_state *old,
                            struct domain_state *s)
{
    size_t nold = old ? old->ntimeline : 0;
    s->timeline = xcalloc(nold + 1, sizeof *s->timeline);
    for (size_t i = 0; i < nold; i++) { /* deep copy: old is freed by the caller */
        const struct state_event *o = &old->timeline[i];
        struct state_event *e = &s->timeline[s->ntimeline++];
        *e = *o;
        e->verdict = xstrdup(o->verdict);
        e->sts_id = xstrdup(o->sts_id);
        e->mode = xstrdup(o->mode);
        e->policy_sha256 = xstrdup(o->policy_sha256);
        e->mx = xstrdup(o->mx);
        e->changes = xcalloc(o->nchanges + 1, sizeof *e->changes);
        for (size_t j = 0; j < o->nchanges; j++) {
            e->changes[j].code = xstrdup(o->changes[j].code);
            e->changes[j].severity = xstrdup(o->changes[j].severity);
            e->changes[j].subject = xstrdup(o->changes[j].subject);
            e->changes[j].message = xstrdup(o->changes[j].message);
        }
    }
    struct state_event now = {
        .first_seen = s->seen,
        .last_seen = s->seen,
        .checks = 1,
        .verdict = xstrdup(verdict_name(report_verdict(r))),
        .sts_id = xstrdup(s->sts_id),
        .mode = xstrdup(s->mode),
        .max_age = s->max_age,
        .policy_sha256 = xstrdup(s->policy_sha256),
        .mx = mx_summary(s),
    };
    now.changes = xcalloc(r->problems.n + 1, sizeof *now.changes);
    for (size_t i = 0; i < r->problems.n; i++) {
        const struct problem *p = &r->problems.items[i];
        if (!history_is_change(p->id))
            continue;
        struct state_change *c = &now.changes[now.nchanges++];
        c->code = xstrdup(problem_def(p->id)->code);
        c->severity = xstrdup(severity_name(p->severity));
        c->subject = xstrdup(p->subject);
        c->message = xstrdup(p->message);
    }
    struct state_event *last = s->ntimeline ? &s->timeline[s->ntimeline - 1] : NULL;
    if (last && !now.nchanges && same(last->verdict, now.verdict) &&
        same(last->sts_id, now.sts_id) && same(last->mode, now.mode) &&
        last->max_age == now.max_age && same(last->policy_sha256, now.policy_sha256) &&
        same(last->mx, now.mx)) {
        /* nothing new: the current stretch goes on (two checks at once may end in either
         * order, so the later start wins) */
        if (now.last_seen > last->last_seen)
            last->last_seen = now.last_seen;
        last->checks++;
        free(now.verdict), free(now.sts_id), free(now.mode), free(now.policy_sha256);
        free(now.mx), free(now.changes);
        return;
    }
    if (s->ntimeline == STATE_TIMELINE_MAX) { /* drop the oldest */
        struct domain_state gone = {.timeline = xmalloc(sizeof *gone.timeline), .ntimeline = 1};
        gone.timeline[0] = s->timeline[0];
        state_free(&gone);
        memmove(s->timeline, s->timeline + 1, (s->ntimeline - 1) * sizeof *s->timeline);
        s->ntimeline--;
    }
    s->timeline = xreallocarray(s->timeline, s->ntimeline + 1, sizeof *s->timeline);
    s->timeline[s->ntimeline++] = now;
}

void history_snapshot(const struct report *r, const struct domain_state *old,
                      struct domain_state *s)
{
    memset(s, 0, sizeof *s);
    s->domain = xstrdup(r->domain);
    s->seen = r->started;
    s->sts_id = xstrdup(report_sts_id(r));
    s->max_age = -1;
    s->policy_cert.dane_match = -1;
    const struct https_result *h = report_policy_body(r);
    if (h) {
        s->policy_known = true;
        s->policy_fetched = r->started;
        s->policy_sha256 = sha256_hex(h->body, h->body_len);
        s->policy_body = xstrdup(r->policy.body_text ? r->policy.body_text : "");
        if (r->policy.parsed.valid) {
            s->mode = xstrdup(sts_mode_name(r->policy.parsed.mode));
            s->max_age = r->policy.parsed.max_age;
        }
        s->policy_host = xstrdup(r->policy.host);
        addr_from_leaf(&s->policy_cert, leaf_of(&h->tls));
        if (!s->policy_sha256)
            s->policy_known = false;
    }
    if (!s->policy_known && old && old->policy_known) { /* not fetched now: keep the last */
        s->policy_known = true;
        s->policy_fetched = old->policy_fetched;
        s->policy_sha256 = xstrdup(old->policy_sha256);
        s->policy_body = xstrdup(old->policy_body);
        s->mode = xstrdup(old->mode);
        s->max_age = old->max_age;
        s->policy_host = xstrdup(old->policy_host);
        addr_copy(&s->policy_cert, &old->policy_cert);
    }
    if (report_mx_known(r)) {
        s->mx_known = true;
        s->hosts = xcalloc(r->mx.nhosts + 1, sizeof *s->hosts);
        for (size_t i = 0; i < r->mx.nhosts; i++)
            host_snapshot(r->mx.hosts[i], old_host(old, r->mx.hosts[i]->host),
                          &s->hosts[s->nhosts++]);
    } else if (old && old->mx_known) {
        s->mx_known = true;
        s->hosts = xcalloc(old->nhosts + 1, sizeof *s->hosts);
        for (size_t i = 0; i < old->nhosts; i++) {
            const struct state_host *o = &old->hosts[i];
            struct state_host *n = &s->hosts[s->nhosts++];
            n->host = xstrdup(o->host);
            n->preference = o->preference;
            n->addrs = xcalloc(o->naddrs + 1, sizeof *n->addrs);
            for (size_t j = 0; j < o->naddrs; j++)
                addr_copy(&n->addrs[n->naddrs++], &o->addrs[j]);
            n->tlsa = xcalloc(o->ntlsa + 1, sizeof *n->tlsa);
            for (size_t j = 0; j < o->ntlsa; j++)
                n->tlsa[n->ntlsa++] = xstrdup(o->tlsa[j]);
        }
    }
    timeline_extend(r, old, s);
}

/* ---- the comparison ---- */

static void short_fpr(const char *fpr, char *buf, size_t len)
{
    char *e = escape_str(fpr ? fpr : "?");
    snprintf(buf, len, "%.23s%s", e, strlen(e) > 23 ? "..." : "");
    free(e);
}

static void compare_policy(struct report *r, const struct domain_state *old)
{
    const struct https_result *h = report_policy_body(r);
    if (!old->policy_known || !h)
        return;
    char *sha = sha256_hex(h->body, h->body_len);
    if (!sha || strcmp(sha, old->policy_sha256) == 0) {
        free(sha);
        return;
    }
    free(sha);
    char t1[32], t2[32];
    const char *new_id = report_sts_id(r);
    char *oid = escape_str(old->sts_id ? old->sts_id : "(none)");
    const char *subj = r->policy.url ? r->policy.url : r->domain;
    if (old->sts_id && new_id && strcmp(old->sts_id, new_id) == 0) {
        if (old->max_age >= 0)
            problem_add(&r->problems, PROB_STS_POLICY_CHANGED_WITHOUT_ID, STEP_POLICY, subj, 0,
                        "the policy body changed since %s but the TXT id is still %s: senders "
                        "holding the old policy keep it until it expires, up to %s",
                        rfc3339(old->policy_fetched, t1, sizeof t1), new_id,
                        rfc3339(old->policy_fetched + (time_t)old->max_age, t2, sizeof t2));
        else
            problem_add(&r->problems, PROB_STS_POLICY_CHANGED_WITHOUT_ID, STEP_POLICY, subj, 0,
                        "the policy body changed since %s but the TXT id is still %s: senders "
                        "holding the old policy never fetch the new one",
                        rfc3339(old->policy_fetched, t1, sizeof t1), new_id);
    } else {
        char *omode = escape_str(old->mode ? old->mode : "invalid");
        const char *nmode = r->policy.parsed.valid ? sts_mode_name(r->policy.parsed.mode)
                                                    : "invalid";
        if (old->max_age >= 0)
            problem_add(&r->problems, PROB_STS_POLICY_CHANGED, STEP_POLICY, subj, 0,
                        "policy changed (id %s -> %s, mode %s -> %s); senders that fetched the "
                        "old one (last seen %s, max_age %lld) may apply it until %s",
                        oid, new_id ? new_id : "(none)", omode, nmode,
                        rfc3339(old->policy_fetched, t1, sizeof t1), old->max_age,
                        rfc3339(old->policy_fetched + (time_t)old->max_age, t2, sizeof t2));
        else
            problem_add(&r->problems, PROB_STS_POLICY_CHANGED, STEP_POLICY, subj, 0,
                        "policy changed (id %s -> %s, mode %s -> %s); the old one had no valid "
                        "max_age, so senders did not cache it",
                        oid, new_id ? new_id : "(none)", omode, nmode);
        free(omode);
    }
    free(oid);
}

static const char *coverage(const struct report *r, const char *host, char *buf, size_t len)
{
    if (report_policy_mode(r) == STS_MODE_UNKNOWN)
        return "no valid policy to cover it";
    int i = sts_policy_match_mx(&r->policy.parsed, host, NULL);
    if (i < 0)
        return "the policy does NOT cover it";
    snprintf(buf, len, "the policy covers it (mx: %s)", r->policy.parsed.mx[i]);
    return buf;
}

static void compare_mx(struct report *r, const struct domain_state *old)
{
    if (!old->mx_known || !report_mx_known(r))
        return;
    char cov[600];
    for (size_t i = 0; i < r->mx.nhosts; i++) {
        const struct mx_host *h = r->mx.hosts[i];
        const struct state_host *o = old_host(old, h->host);
        struct problem *p = NULL;
        if (!o)
            p = problem_add(&r->problems, PROB_MX_CHANGED, STEP_MX, h->host, 0,
                        "MX host added (preference %d); %s", h->preference,
                        coverage(r, h->host, cov, sizeof cov));
        else if (o->preference != h->preference)
            p = problem_add(&r->problems, PROB_MX_CHANGED, STEP_MX, h->host, 0,
                            "MX preference %d -> %d; %s", o->preference, h->preference,
                            coverage(r, h->host, cov, sizeof cov));
        if (p)
            problem_set_where(p, STEP_MX, h->host, NULL);
    }
    for (size_t i = 0; i < old->nhosts; i++) {
        const struct state_host *o = &old->hosts[i];
        bool still = false;
        for (size_t j = 0; j < r->mx.nhosts && !still; j++)
            still = strcmp(r->mx.hosts[j]->host, o->host) == 0;
        if (still)
            continue;
        struct problem *p =
            problem_add(&r->problems, PROB_MX_CHANGED, STEP_MX, o->host, 0,
                        "MX host removed (was preference %d); %s", o->preference,
                        report_policy_mode(r) == STS_MODE_UNKNOWN
                            ? "no valid policy now"
                        : sts_policy_match_mx(&r->policy.parsed, o->host, NULL) >= 0
                            ? "the policy still lists it"
                            : "the policy does not list it either");
        problem_set_where(p, STEP_MX, o->host, NULL);
    }
}

static void cert_changed(struct report *r, enum step_kind step, const char *subj,
                         const char *host, const char *address, const struct state_addr *o,
                         const struct cert_info *leaf)
{
    char f1[32], f2[32], t1[32], t2[32];
    short_fpr(o->cert_sha256, f1, sizeof f1);
    short_fpr(leaf->sha256, f2, sizeof f2);
    bool new_key = !same(o->spki_sha256, leaf->spki_sha256);
    struct problem *p =
        problem_add(&r->problems, PROB_TLS_CERT_CHANGED, step, subj, 0,
                    "leaf certificate replaced (SHA-256 %s -> %s), %s; expiry %s -> %s", f1, f2,
                    new_key ? "with a new key" : "same key",
                    rfc3339(o->not_after, t1, sizeof t1), rfc3339(leaf->not_after, t2, sizeof t2));
    problem_set_where(p, step, host, address);
}

static void compare_certs(struct report *r, const struct domain_state *old)
{
    const struct https_result *h = r->policy.http;
    const struct cert_info *pl = leaf_of(h ? &h->tls : NULL);
    if (pl && pl->sha256 && old->policy_known && old->policy_cert.cert_sha256 &&
        same(old->policy_host, r->policy.host) &&
        strcmp(old->policy_cert.cert_sha256, pl->sha256) != 0)
        cert_changed(r, STEP_POLICY, r->policy.host, NULL, NULL, &old->policy_cert, pl);
    for (size_t i = 0; i < r->mx.nhosts; i++) {
        const struct mx_host *mh = r->mx.hosts[i];
        const struct state_host *oh = old_host(old, mh->host);
        for (size_t j = 0; oh && j < mh->naddrs; j++) {
            const struct mx_addr *a = mh->addrs[j];
            const struct state_addr *oa = old_addr(oh, a->address);
            const struct cert_info *leaf = leaf_of(a->smtp ? &a->smtp->tls : NULL);
            if (!oa || !oa->cert_sha256 || !leaf || !leaf->sha256 ||
                strcmp(oa->cert_sha256, leaf->sha256) == 0)
                continue;
            char subj[600];
            snprintf(subj, sizeof subj, "%s [%s]", mh->host, a->address);
            cert_changed(r, STEP_TLS, subj, mh->host, a->address, oa, leaf);
            if (!(oa->dane_match == 1 && a->dane.judged && a->dane.match == 0))
                continue;
            struct problem *p =
                problem_add(&r->problems, PROB_DANE_ROLLOVER_MISSING, STEP_TLS, subj, 0,
                            "the new key (SPKI SHA-256 %.16s...) matches none of the %zu TLSA "
                            "record(s) at %s; the previous key matched: publish "
                            "\"3 1 1 %s\"",
                            leaf->spki_sha256 ? leaf->spki_sha256 : "?", mh->dane.ntlsa,
                            mh->dane.name ? mh->dane.name : mh->host,
                            leaf->spki_sha256 ? leaf->spki_sha256 : "<SHA-256 of the key>");
            problem_set_where(p, STEP_DANE, mh->host, a->address);
        }
    }
}

void history_compare(struct report *r, const struct domain_state *old)
{
    r->history.compared = true;
    r->history.previous = old->seen;
    compare_policy(r, old);
    compare_mx(r, old);
    compare_certs(r, old);
}

void history_not_kept(struct report *r, const char *why)
{
    r->history.kept = true;
    r->history.error = escape_str(why);
}

void history_update(struct report *r, const char *dir)
{
    char err[512];
    if (r->interrupted) {
        history_not_kept(r, "interrupted: not compared with the previous check, nothing saved");
        return;
    }
    int lock = state_lock(dir, r->domain, err, sizeof err);
    if (lock < 0)
        history_not_kept(r, err);
    else
        history_update_locked(r, dir, lock);
}

void history_update_locked(struct report *r, const char *dir, int lock)
{
    char err[512], why[512];
    r->history.kept = true;
    struct domain_state old, now;
    enum state_read_result rr = state_read(dir, r->domain, &old, why, sizeof why);
    if (rr == STATE_OK) {
        history_compare(r, &old);
    } else if (rr == STATE_BAD) {
        char *e = escape_str(why);
        r->history.note = xasprintf("the previous state file was rejected (%s) and is replaced",
                                    e);
        free(e);
    } else if (rr == STATE_IOERR) {
        r->history.error = escape_str(why);
        state_unlock(lock); /* never overwrite what could not even be read */
        return;
    }
    history_snapshot(r, rr == STATE_OK ? &old : NULL, &now);
    if (state_write(dir, &now, err, sizeof err) < 0)
        r->history.error = escape_str(err);
    state_unlock(lock);
    state_free(&now);
    if (rr == STATE_OK)
        state_free(&old);
}
