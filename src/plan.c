/* plan - the migration planner (contract and rules in plan.h). */
#include "plan.h"
#include "state.h"
#include "xalloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const action_names[] = {"publish_policy", "publish_sts_record", "change_mx",
                                           "wait",           "delete_sts_record",  "delete_policy"};

const char *plan_action_name(enum plan_action a)
{
    return (unsigned)a < sizeof action_names / sizeof *action_names ? action_names[a] : "?";
}

int plan_action_parse(const char *s)
{
    for (size_t i = 0; i < sizeof action_names / sizeof *action_names; i++)
        if (strcmp(s, action_names[i]) == 0)
            return (int)i;
    return -1;
}

/* Provider suffixes whose operator documents one wildcard pattern for every tenant host.
 * mail.protection.mxray.test is the built-in lab's model of Exchange Online
 * (assets/scenarios/exchange-online.scn); .test is reserved (RFC 6761) and never real. */
static const char *const wildcard_suffixes[] = {"mail.protection.outlook.com",
                                                "mail.protection.mxray.test"};

char *plan_pattern_for(const char *host)
{
    size_t hl = strlen(host);
    for (size_t i = 0; i < sizeof wildcard_suffixes / sizeof *wildcard_suffixes; i++) {
        const char *s = wildcard_suffixes[i];
        size_t sl = strlen(s);
        /* exactly one label more: RFC 8461 4.1 wildcards match one label */
        if (hl > sl + 1 && host[hl - sl - 1] == '.' && strcasecmp(host + hl - sl, s) == 0 &&
            !memchr(host, '.', hl - sl - 1))
            return xasprintf("*.%s", s);
    }
    return xstrdup(host);
}

char *plan_policy_text(enum sts_mode mode, char *const *mx, size_t nmx, long long max_age)
{
    size_t cap = 128;
    for (size_t i = 0; i < nmx; i++)
        cap += strlen(mx[i]) + 8;
    char *t = xmalloc(cap);
    size_t len = (size_t)snprintf(t, cap, "version: STSv1\r\nmode: %s\r\n", sts_mode_name(mode));
    for (size_t i = 0; i < nmx; i++)
        len += (size_t)snprintf(t + len, cap - len, "mx: %s\r\n", mx[i]);
    snprintf(t + len, cap - len, "max_age: %lld\r\n", max_age);
    return t;
}

/* ---- string sets ---- */

struct strset {
    char **v;
    size_t n;
};

static bool set_has(const struct strset *s, const char *x)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcasecmp(s->v[i], x) == 0)
            return true;
    return false;
}

static void set_add(struct strset *s, const char *x)
{
    if (!set_has(s, x))
        xptr_push((void ***)&s->v, &s->n, xstrdup(x));
}

static void set_free(struct strset *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

static bool set_equal(const struct strset *a, char *const *b, size_t nb)
{
    struct strset sb = {0};
    for (size_t i = 0; i < nb; i++)
        set_add(&sb, b[i]);
    bool eq = sb.n == a->n;
    for (size_t i = 0; eq && i < a->n; i++)
        eq = set_has(&sb, a->v[i]);
    set_free(&sb);
    return eq;
}

static bool covered(const struct strset *patterns, const char *host)
{
    for (size_t i = 0; i < patterns->n; i++)
        if (sts_mx_match(patterns->v[i], host))
            return true;
    return false;
}

/* ---- the live values ---- */

struct live {
    bool txt_ok;      /* exactly one valid _mta-sts record */
    bool txt_present; /* some v=STSv1 record exists (valid or not) */
    const char *id;
    long long txt_ttl;  /* -1 unknown */
    bool policy_ok;     /* a valid policy a sender applies */
    bool policy_served; /* the policy URL answers 200 (valid or not) */
    enum sts_mode mode;
    long long max_age;
    struct strset patterns;
    struct strset old_hosts;
    long long mx_ttl;
    bool mx_ttl_assumed;     /* no MX TTL was seen: PLAN_UNKNOWN_TTL is used */
};

static long long answer_ttl(const struct dns_answer *a, uint16_t type)
{
    long long ttl = -1;
    for (size_t i = 0; a && i < a->nrr; i++)
        if (a->rr[i].type == type && (long long)a->rr[i].ttl > ttl)
            ttl = a->rr[i].ttl; /* the longest: the last cache to expire */
    return ttl;
}

static void live_from_report(const struct report *r, struct live *l)
{
    memset(l, 0, sizeof *l);
    l->txt_ok = r->sts.status == TXT_OK;
    l->txt_present =
        r->sts.status == TXT_OK || r->sts.status == TXT_INVALID || r->sts.status == TXT_MULTIPLE;
    l->id = l->txt_ok ? r->sts.parsed.id : NULL;
    l->txt_ttl = answer_ttl(r->sts.answer, DNS_T_TXT);
    const struct https_result *h = r->policy.http;
    l->policy_served = h && h->ok && h->status == 200;
    l->policy_ok = r->policy.status == POL_OK;
    l->mode = l->policy_ok ? r->policy.parsed.mode : STS_MODE_UNKNOWN;
    l->max_age = l->policy_ok ? r->policy.parsed.max_age : -1;
    if (l->policy_ok && l->mode != STS_MODE_NONE)
        for (size_t i = 0; i < r->policy.parsed.nmx; i++)
            set_add(&l->patterns, r->policy.parsed.mx[i]);
    if (!r->mx.null_mx)
        for (size_t i = 0; i < r->mx.nhosts; i++)
            set_add(&l->old_hosts, r->mx.hosts[i]->host);
    l->mx_ttl = answer_ttl(r->mx.answer, DNS_T_MX);
    /* no MX record (the implicit MX) or no answer: how long resolvers keep what they have is
     * not known from here, so a day is assumed (a common SOA minimum / TTL ceiling) */
    l->mx_ttl_assumed = l->mx_ttl < 0 && l->old_hosts.n > 0;
    if (l->mx_ttl_assumed)
        l->mx_ttl = PLAN_UNKNOWN_TTL;
}

/* ---- building the plan ---- */

static struct plan_step *add_step(struct plan *p, enum plan_action a, time_t when, char *why)
{
    if (p->nsteps >= PLAN_STEPS_MAX) {
        free(why);
        return NULL;
    }
    struct plan_step *s = &p->steps[p->nsteps++];
    memset(s, 0, sizeof *s);
    s->n = (int)p->nsteps;
    s->action = a;
    s->not_before = when;
    s->why = why;
    return s;
}

static void add_note(struct plan *p, enum problem_id id, enum severity sev, const char *subject,
                     bool blocks, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void add_note(struct plan *p, enum problem_id id, enum severity sev, const char *subject,
                     bool blocks, const char *fmt, ...)
{
    p->notes = xreallocarray(p->notes, p->nnotes + 1, sizeof *p->notes);
    struct plan_note *n = &p->notes[p->nnotes++];
    va_list ap;
    va_start(ap, fmt);
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    n->code = xstrdup(problem_def(id)->code);
    n->severity = sev;
    n->subject = xstrdup(subject ? subject : "");
    n->message = xstrdup(buf);
    n->blocks = blocks;
    if (blocks)
        p->blocked = true;
}

/* new_id - YYYYMMDDhhmmss of when, then the step number: unique in the plan, and never the
 * live id. */
static char *new_id(time_t when, int n, const char *live_id)
{
    struct tm tm;
    char stamp[32];
    gmtime_r(&when, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm);
    char *id = xasprintf("%s%02d", stamp, n % 100);
    if (live_id && strcmp(id, live_id) == 0) {
        char *other = xasprintf("%sx", id);
        free(id);
        id = other;
    }
    return id;
}

static void publish(struct plan *p, const struct live *l, time_t when, enum sts_mode mode,
                    const struct strset *patterns, long long max_age, const char *why_policy,
                    const char *why_txt)
{
    struct plan_step *s = add_step(p, PLAN_PUBLISH_POLICY, when, xstrdup(why_policy));
    if (s)
        s->policy = plan_policy_text(mode, patterns->v, patterns->n, max_age);
    s = add_step(p, PLAN_PUBLISH_STS_RECORD, when, xstrdup(why_txt));
    if (s) {
        s->id = new_id(when, s->n, l->id);
        s->sts_record = xasprintf("v=STSv1; id=%s", s->id);
    }
}

static const char *ttl_words(long long ttl, char *buf, size_t len)
{
    if (ttl < 0)
        snprintf(buf, len, "unknown");
    else if (ttl >= 3600 && ttl % 3600 == 0)
        snprintf(buf, len, "%lld s = %lld h", ttl, ttl / 3600);
    else if (ttl >= 60 && ttl % 60 == 0)
        snprintf(buf, len, "%lld s = %lld min", ttl, ttl / 60);
    else
        snprintf(buf, len, "%lld s", ttl);
    return buf;
}

static const char *duration_words(long long s, char *buf, size_t len)
{
    if (s >= 86400 && s % 86400 == 0)
        snprintf(buf, len, "%lld s = %lld day%s", s, s / 86400, s == 86400 ? "" : "s");
    else
        return ttl_words(s, buf, len);
    return buf;
}

/* target_notes - what the check found about each target host: a host that does not resolve
 * is planned with a warning; no STARTTLS or a certificate a sender refuses must be fixed
 * first (under testing it is a warning: senders deliver and report). */
static void target_notes(struct plan *p, const struct report *r, bool enforce_ahead)
{
    for (size_t i = 0; i < p->target.nmx; i++) {
        const char *name = p->target.mx[i];
        const struct mx_host *h = NULL;
        for (size_t j = 0; j < r->mx.nhosts && !h; j++)
            if (strcasecmp(r->mx.hosts[j]->host, name) == 0)
                h = r->mx.hosts[j];
        for (size_t j = 0; j < r->nplanned && !h; j++)
            if (strcasecmp(r->planned[j]->host, name) == 0)
                h = r->planned[j];
        if (!h) {
            add_note(p, PROB_PLAN_TARGET_UNCHECKED, SEV_WARNING, name, false,
                     "%s was not checked (the check ended early)", name);
            continue;
        }
        if (!h->naddrs) {
            add_note(p, PROB_MX_RESOLVE, SEV_WARNING, name, false,
                     "%s has no A or AAAA record yet: planned anyway; it must resolve and "
                     "offer STARTTLS with a valid certificate before the MX change",
                     name);
            continue;
        }
        for (size_t k = 0; k < h->naddrs; k++) {
            const struct mx_addr *a = h->addrs[k];
            const struct smtp_result *s = a->smtp;
            if (!s || a->tls_valid)
                continue;
            if (s->fail == SMTP_FAIL_CONNECT || s->fail == SMTP_FAIL_BANNER) {
                add_note(p, s->fail == SMTP_FAIL_CONNECT ? PROB_SMTP_CONNECT : PROB_SMTP_BANNER,
                         SEV_WARNING, name, false,
                         "%s [%s] could not be checked from here (%s): check it from a host "
                         "that can reach port 25 before the MX change",
                         name, a->address, s->error ? s->error : "no answer");
            } else if (s->fail == SMTP_FAIL_NO_STARTTLS || s->fail == SMTP_FAIL_STARTTLS) {
                add_note(p, PROB_SMTP_STARTTLS_MISSING, SEV_ERROR, name, true,
                         "%s [%s] does not offer STARTTLS: fix it first (MTA-STS senders "
                         "never deliver to it, RFC 8461 4)",
                         name, a->address);
            } else {
                const struct tls_info *t = &s->tls;
                const char *why = s->fail == SMTP_FAIL_HANDSHAKE ? (s->error ? s->error : "")
                                  : !t->hostname_match
                                      ? (t->hostname_note ? t->hostname_note : "name mismatch")
                                  : t->expired      ? "certificate expired"
                                  : t->verify_error ? t->verify_error
                                                    : "TLS older than 1.2 or not trusted";
                add_note(p, PROB_TLS_CERT_UNTRUSTED, enforce_ahead ? SEV_ERROR : SEV_WARNING, name,
                         enforce_ahead, "%s [%s]: a sender refuses its TLS (%s): %s", name,
                         a->address, why,
                         enforce_ahead ? "fix it first" : "testing senders deliver and report");
            }
        }
    }
}

static int pref_of(const struct report *r, const char *host)
{
    for (size_t i = 0; i < r->mx.nhosts; i++)
        if (strcasecmp(r->mx.hosts[i]->host, host) == 0 && r->mx.hosts[i]->preference >= 0)
            return r->mx.hosts[i]->preference;
    return -1;
}

/* mx_set_same - the live MX set already is the target (hosts and preferences). */
static bool mx_set_same(const struct report *r, const struct plan_step *s)
{
    if (r->mx.implicit || r->mx.null_mx || r->mx.nhosts != s->nmx)
        return false;
    for (size_t i = 0; i < s->nmx; i++)
        if (pref_of(r, s->mx[i].host) != s->mx[i].preference)
            return false;
    return true;
}

static void plan_change(struct plan *p, const struct report *r, const struct live *l,
                        time_t history_until)
{
    char b1[64], b2[64];
    const struct plan_target *t = &p->target;
    bool live_active = l->txt_ok && l->policy_ok && l->mode != STS_MODE_NONE;
    enum sts_mode final = t->mode != STS_MODE_UNKNOWN ? t->mode
                          : live_active               ? l->mode
                                                      : STS_MODE_TESTING;
    enum sts_mode during = t->via_testing ? STS_MODE_TESTING : live_active ? l->mode : final;
    long long max_age = l->policy_ok && l->max_age >= PLAN_NONE_MAX_AGE ? l->max_age
                        : l->policy_ok                                  ? PLAN_NONE_MAX_AGE
                                                                        : PLAN_DEFAULT_MAX_AGE;
    target_notes(p, r, during == STS_MODE_ENFORCE || final == STS_MODE_ENFORCE);
    if (!live_active)
        add_note(p, PROB_PLAN_NO_LIVE_POLICY, SEV_INFO, r->domain, false,
                 "no MTA-STS policy is in force (%s): no sender holds one, so nothing needs "
                 "to be waited out before the MX change",
                 !l->txt_ok      ? "no valid _mta-sts record"
                 : !l->policy_ok ? "no valid policy"
                                 : "mode none");
    if (r->mx.implicit)
        add_note(p, PROB_MX_IMPLICIT, SEV_INFO, r->domain, false,
                 "no MX record today: senders use %s itself until the MX change", r->domain);
    if (during == STS_MODE_TESTING && final == STS_MODE_ENFORCE && r->tlsrpt.status != TXT_OK)
        add_note(p, PROB_TLSRPT_MISSING, SEV_WARNING, r->domain, false,
                 "no usable TLS-RPT record: publish _smtp._tls.%s (RFC 8460) before the testing "
                 "phase, or no sender reports what would have failed under enforce",
                 r->domain);
    if (l->mx_ttl_assumed)
        add_note(p, PROB_PLAN_TTL_ASSUMED, SEV_WARNING, r->domain, false,
                 "no MX TTL was seen: the plan assumes %d s; use the real TTL of what senders "
                 "cache now if it is longer",
                 PLAN_UNKNOWN_TTL);

    struct strset target_pat = {0}, during_pat = {0}, target_hosts = {0};
    for (size_t i = 0; i < t->nmx; i++) {
        char *pat = plan_pattern_for(t->mx[i]);
        set_add(&target_pat, pat);
        set_add(&target_hosts, t->mx[i]);
        free(pat);
    }
    for (size_t i = 0; i < l->patterns.n; i++)
        set_add(&during_pat, l->patterns.v[i]);
    for (size_t i = 0; i < l->old_hosts.n; i++)
        if (!covered(&during_pat, l->old_hosts.v[i]))
            set_add(&during_pat, l->old_hosts.v[i]);
    for (size_t i = 0; i < target_pat.n; i++)
        set_add(&during_pat, target_pat.v[i]);

    /* 1. the policy that covers old and new hosts, body before TXT id (8.1) */
    time_t t_mx = p->now;
    bool published = false;
    bool same_during = live_active && l->mode == during && l->max_age == max_age &&
                       set_equal(&during_pat, l->patterns.v, l->patterns.n);
    if (!same_during) {
        char *why_p = xasprintf(
            "the policy for the migration: mode %s, every old MX host and every new one, so a "
            "sender that fetches it accepts both before, during and after the MX change. "
            "Publish the body first (RFC 8461 8.1); check it with mxray lint policy",
            sts_mode_name(during));
        char *why_t = xasprintf(
            "the new id tells senders the policy changed (RFC 8461 3.1); only once the new body "
            "is served, so no sender caches the old body under the new id (8.1)");
        publish(p, l, p->now, during, &during_pat, max_age, why_p, why_t);
        free(why_p);
        free(why_t);
        published = true;
        /* a sender may hold a policy from before the record broke or went to none too */
        if ((live_active || l->txt_present) && l->txt_ttl > 0)
            t_mx = p->now + l->txt_ttl;
    }
    /* --via-testing: no sender may still hold the enforce policy at the MX change */
    long long enforce_hold = 0;
    if (t->via_testing && live_active && l->mode == STS_MODE_ENFORCE) {
        enforce_hold = l->max_age;
        if (history_until > p->now + enforce_hold)
            enforce_hold = history_until - p->now;
        if (p->now + enforce_hold > t_mx)
            t_mx = p->now + enforce_hold;
    }

    /* 2. the MX change */
    struct plan_step mx = {0};
    int next_pref = 0;
    for (size_t i = 0; i < r->mx.nhosts; i++)
        if (r->mx.hosts[i]->preference > next_pref)
            next_pref = r->mx.hosts[i]->preference;
    next_pref = (next_pref / 10 + 1) * 10;
    mx.mx = xcalloc(t->nmx ? t->nmx : 1, sizeof *mx.mx);
    for (size_t i = 0; i < t->nmx; i++) {
        int pref = pref_of(r, t->mx[i]);
        if (pref < 0) {
            pref = next_pref;
            next_pref += 10;
        }
        mx.mx[mx.nmx].host = xstrdup(t->mx[i]);
        mx.mx[mx.nmx++].preference = pref;
    }
    bool changed = !mx_set_same(r, &mx);
    time_t t_final = p->now;
    if (changed) {
        char *why;
        if (enforce_hold > 0 && p->now + enforce_hold >= t_mx)
            why = xasprintf("every sender now applies the testing policy: the enforce policy "
                            "they held expires %s after step 2 (its max_age); a mistake is "
                            "now reported (TLS-RPT), not refused. Keep the old servers "
                            "accepting mail until the old MX records' TTL (%s) has passed",
                            duration_words(enforce_hold, b1, sizeof b1),
                            ttl_words(l->mx_ttl, b2, sizeof b2));
        else if (published && (live_active || l->txt_present))
            why = xasprintf("senders holding the old policy see the new id once the old TXT "
                            "record's TTL (%s, as %s answered) has passed after step 2; from "
                            "then a sender that meets a new host refetches the policy and "
                            "finds it. Keep the old servers accepting mail until the old MX "
                            "records' TTL (%s) has passed",
                            ttl_words(l->txt_ttl, b1, sizeof b1),
                            r->resolver ? r->resolver : "the resolver",
                            ttl_words(l->mx_ttl, b2, sizeof b2));
        else
            why = xasprintf("the policy senders can fetch already lists every new host. Keep "
                            "the old servers accepting mail until the old MX records' TTL "
                            "(%s) has passed",
                            ttl_words(l->mx_ttl, b2, sizeof b2));
        struct plan_step *s = add_step(p, PLAN_CHANGE_MX, t_mx, why);
        if (s) {
            s->mx = mx.mx;
            s->nmx = mx.nmx;
            mx.mx = NULL;
        }
        t_final = t_mx;
    }
    for (size_t i = 0; mx.mx && i < mx.nmx; i++)
        free(mx.mx[i].host);
    free(mx.mx);

    /* 3. the final policy: only the new hosts, in the target mode */
    bool same_final = final == during && set_equal(&target_pat, during_pat.v, during_pat.n);
    if (!same_final) {
        bool old_leave = false;
        for (size_t i = 0; i < l->old_hosts.n; i++)
            if (!covered(&target_pat, l->old_hosts.v[i]))
                old_leave = true;
        time_t when = t_final;
        char *why_p;
        if (changed && old_leave && l->mx_ttl > 0)
            when = t_final + l->mx_ttl;
        if (during == STS_MODE_TESTING && final == STS_MODE_ENFORCE) {
            char *w = xasprintf("read the TLS-RPT reports (RFC 8460, sent daily) for at least "
                                "%s: the new hosts must show no failures before mode enforce",
                                duration_words(PLAN_TESTING_WATCH, b1, sizeof b1));
            add_step(p, PLAN_WAIT, t_final, w);
            if (t_final + PLAN_TESTING_WATCH > when)
                when = t_final + PLAN_TESTING_WATCH;
        }
        if (changed && old_leave)
            why_p = xasprintf("the final policy, mode %s, only the new hosts: safe once the old "
                              "MX records' TTL (%s) has passed after the MX change, so no "
                              "sender still routes to an old host this policy no longer lists",
                              sts_mode_name(final), ttl_words(l->mx_ttl, b1, sizeof b1));
        else
            why_p =
                xasprintf("the final policy, mode %s, only the target hosts", sts_mode_name(final));
        publish(p, l, when, final, &target_pat, max_age, why_p,
                "the new id makes senders fetch the final policy (RFC 8461 3.1); publish it "
                "after the body (8.1)");
        free(why_p);
    }
    if (!p->nsteps)
        add_note(p, PROB_PLAN_NOTHING_TO_DO, SEV_INFO, r->domain, false,
                 "the live MX set and policy already are the target");
    set_free(&target_pat);
    set_free(&during_pat);
    set_free(&target_hosts);
}

static void plan_remove(struct plan *p, const struct report *r, const struct live *l,
                        time_t history_until)
{
    char b1[64], b2[64];
    time_t hold = p->now;
    if (l->txt_ok && l->policy_ok && l->mode != STS_MODE_NONE) {
        struct strset none = {0};
        publish(p, l, p->now, STS_MODE_NONE, &none, PLAN_NONE_MAX_AGE,
                "mode none with a small max_age (RFC 8461 8.3): senders that fetch it stop "
                "applying MTA-STS. Publish the body first (8.1)",
                "the new id makes senders fetch the mode none policy (RFC 8461 3.1, 8.3)");
        hold = p->now + (time_t)l->max_age;
    } else if (l->txt_ok && l->policy_ok) {
        add_note(p, PROB_PLAN_ALREADY_NONE, SEV_WARNING, r->domain, false,
                 "the live policy is already mode none; without the history of earlier checks "
                 "mxray cannot tell when it replaced the last enforce or testing policy: delete "
                 "only once that policy's max_age has passed since then");
    } else if (l->txt_present || l->policy_served) {
        add_note(p, PROB_PLAN_NO_LIVE_POLICY, SEV_WARNING, r->domain, false,
                 "no valid MTA-STS record and policy pair is published, so senders fetch "
                 "nothing new; senders that fetched a policy earlier keep it for its max_age");
    }
    if (history_until > hold)
        hold = history_until;
    if (l->txt_present) {
        char *why = hold > p->now
                        ? xasprintf("every sender's cached policy has expired: the longest "
                                    "max_age seen (%s) has passed since step 2; only now may "
                                    "the record go (RFC 8461 8.3: deleting it earlier leaves "
                                    "senders with the old policy, 3.1, 5.1)",
                                    duration_words((long long)(hold - p->now), b1, sizeof b1))
                        : xstrdup("delete the _mta-sts TXT record");
        add_step(p, PLAN_DELETE_STS_RECORD, hold, why);
    }
    if (l->policy_served) {
        time_t when = hold + (l->txt_present && l->txt_ttl > 0 ? l->txt_ttl : 0);
        char *why = xasprintf("the TXT record's TTL (%s) has passed after its deletion, so no "
                              "sender still looks for the policy; remove "
                              "https://mta-sts.%s/.well-known/mta-sts.txt",
                              ttl_words(l->txt_ttl, b2, sizeof b2), r->domain);
        add_step(p, PLAN_DELETE_POLICY, when, why);
    }
    if (!p->nsteps)
        add_note(p, PROB_PLAN_NOTHING_TO_DO, SEV_INFO, r->domain, false,
                 "no MTA-STS record or policy is published");
}

int plan_make(const struct report *r, const struct plan_target *t, time_t now, time_t history_until,
              struct plan *out)
{
    memset(out, 0, sizeof *out);
    out->domain = xstrdup(r->domain);
    out->now = now;
    out->target = *t;
    for (size_t i = 0; i < t->nmx && i < PLAN_TARGETS_MAX; i++) {
        out->target_mx[i] = xstrdup(t->mx[i]);
        out->target.mx[i] = out->target_mx[i];
    }
    out->resolver = r->resolver ? xstrdup(r->resolver) : NULL;
    struct live l;
    live_from_report(r, &l);
    out->txt_ttl = l.txt_ttl;
    out->mx_ttl = l.mx_ttl;
    out->max_age_seen = l.max_age;
    if (history_until > now && (history_until - now) > out->max_age_seen)
        out->max_age_seen = (long long)(history_until - now);
    if (t->remove)
        plan_remove(out, r, &l, history_until);
    else
        plan_change(out, r, &l, history_until);
    set_free(&l.patterns);
    set_free(&l.old_hosts);
    return 0;
}

void plan_free(struct plan *p)
{
    if (!p)
        return;
    free(p->domain);
    free(p->resolver);
    for (size_t i = 0; i < PLAN_TARGETS_MAX; i++)
        free(p->target_mx[i]);
    for (size_t i = 0; i < p->nsteps; i++) {
        struct plan_step *s = &p->steps[i];
        free(s->why);
        free(s->policy);
        free(s->sts_record);
        free(s->id);
        for (size_t j = 0; j < s->nmx; j++)
            free(s->mx[j].host);
        free(s->mx);
    }
    for (size_t i = 0; i < p->nnotes; i++) {
        free(p->notes[i].code);
        free(p->notes[i].subject);
        free(p->notes[i].message);
    }
    free(p->notes);
    memset(p, 0, sizeof *p);
}

bool plan_same_target(const struct plan *p, const struct plan_target *t)
{
    if (p->target.remove != t->remove || p->target.via_testing != t->via_testing ||
        p->target.mode != t->mode || p->target.nmx != t->nmx)
        return false;
    for (size_t i = 0; i < t->nmx; i++)
        if (strcasecmp(p->target.mx[i], t->mx[i]) != 0)
            return false;
    return true;
}

int plan_exit_code(const struct plan *p)
{
    if (p->blocked)
        return 2;
    for (size_t i = 0; i < p->nnotes; i++)
        if (p->notes[i].severity >= SEV_WARNING)
            return 1;
    return 0;
}

time_t plan_history_until(const struct domain_state *s, time_t now)
{
    time_t until = 0;
    for (size_t i = 0; s && i < s->ntimeline; i++) {
        const struct state_event *e = &s->timeline[i];
        if (!e->mode || e->max_age <= 0 ||
            (strcmp(e->mode, "enforce") != 0 && strcmp(e->mode, "testing") != 0))
            continue;
        /* served from first_seen until at most the next change was first seen */
        time_t served = i + 1 < s->ntimeline ? s->timeline[i + 1].first_seen : now;
        if (served < e->last_seen)
            served = e->last_seen;
        time_t t = served + (time_t)e->max_age;
        if (t > until)
            until = t;
    }
    if (s && s->policy_known && s->mode && s->max_age > 0 &&
        (!strcmp(s->mode, "enforce") || !strcmp(s->mode, "testing"))) {
        time_t t = (s->policy_fetched > s->seen ? s->policy_fetched : s->seen) + (time_t)s->max_age;
        if (t > until)
            until = t;
    }
    return until;
}
