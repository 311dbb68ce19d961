/* plan_verify - is one step of a plan live? (contract in plan.h)
 *
 * The state after step N is the last policy, TXT record and MX set that steps 1..N publish
 * (or delete). The live report must show each: the policy served with the same mode, max_age
 * and mx patterns (line endings and order may differ), the TXT record with the planned id, the
 * MX set with the planned preferences; and every MX host, and every target host, must present
 * a certificate a sender accepts. Pure: no network, no clock. */
#include "plan.h"
#include "xalloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void say(char ***v, size_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char ***v, size_t *n, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    xptr_push((void ***)v, n, xstrdup(buf));
}

#define OK(c, ...) say(&(c)->ok, &(c)->nok, __VA_ARGS__)
#define BAD(c, ...) say(&(c)->bad, &(c)->nbad, __VA_ARGS__)

static bool has_pattern(const struct sts_policy *p, const char *pat)
{
    for (size_t i = 0; i < p->nmx; i++)
        if (strcasecmp(p->mx[i], pat) == 0)
            return true;
    return false;
}

static void check_policy(const char *planned, const struct report *r, struct plan_check *c)
{
    const struct https_result *h = r->policy.http;
    if (!h || !h->ok || h->status != 200 || !h->body) {
        BAD(c, "the policy is not served (%s)",
            !h               ? "no answer"
            : h->error       ? h->error
            : h->status_line ? h->status_line
                             : "no body");
        return;
    }
    struct sts_policy want, got;
    sts_policy_parse((const unsigned char *)planned, strlen(planned), &want, NULL, STEP_LINT,
                     "plan");
    sts_policy_parse(h->body, h->body_len, &got, NULL, STEP_POLICY, r->policy.url);
    size_t before = c->nbad;
    if (!got.valid)
        BAD(c, "the served policy is invalid (mxray check shows why)");
    if (got.mode != want.mode)
        BAD(c, "the served policy has mode %s, the plan mode %s", sts_mode_name(got.mode),
            sts_mode_name(want.mode));
    if (got.max_age != want.max_age)
        BAD(c, "the served policy has max_age %lld, the plan %lld", got.max_age, want.max_age);
    for (size_t i = 0; i < want.nmx; i++)
        if (!has_pattern(&got, want.mx[i]))
            BAD(c, "the served policy lacks mx: %s", want.mx[i]);
    for (size_t i = 0; i < got.nmx; i++)
        if (!has_pattern(&want, got.mx[i]))
            BAD(c, "the served policy has mx: %s, which the plan does not", got.mx[i]);
    if (c->nbad == before)
        OK(c, "the policy is served as planned (mode %s, %zu mx pattern%s, max_age %lld)",
           sts_mode_name(got.mode), got.nmx, got.nmx == 1 ? "" : "s", got.max_age);
    sts_policy_free(&want);
    sts_policy_free(&got);
}

static void check_policy_gone(const struct report *r, struct plan_check *c)
{
    const struct https_result *h = r->policy.http;
    if (h && h->ok && h->status == 200)
        BAD(c, "the policy is still served at %s", r->policy.url);
    else
        OK(c, "no policy is served (%s)",
           !h               ? "no answer"
           : h->status_line ? h->status_line
           : h->error       ? h->error
                            : "gone");
}

static void check_id(const char *id, const struct report *r, struct plan_check *c)
{
    if (r->sts.status != TXT_OK)
        BAD(c, "no valid _mta-sts record is published (%s); the plan has id=%s",
            txt_status_name(r->sts.status), id);
    else if (!r->sts.parsed.id || strcmp(r->sts.parsed.id, id) != 0)
        BAD(c, "the _mta-sts record has id=%s, the plan id=%s",
            r->sts.parsed.id ? r->sts.parsed.id : "", id);
    else
        OK(c, "the _mta-sts record has the planned id=%s", id);
}

static void check_id_gone(const struct report *r, struct plan_check *c)
{
    if (r->sts.status == TXT_MISSING)
        OK(c, "no _mta-sts record is published");
    else
        BAD(c, "the _mta-sts record is still published (%s)", txt_status_name(r->sts.status));
}

static void check_mx(const struct plan_step *s, const struct report *r, struct plan_check *c)
{
    size_t before = c->nbad;
    for (size_t i = 0; i < s->nmx; i++) {
        const struct mx_host *h = NULL;
        for (size_t j = 0; j < r->mx.nhosts && !h; j++)
            if (strcasecmp(r->mx.hosts[j]->host, s->mx[i].host) == 0)
                h = r->mx.hosts[j];
        if (!h)
            BAD(c, "MX %d %s is not published", s->mx[i].preference, s->mx[i].host);
        else if (h->preference != s->mx[i].preference)
            BAD(c, "MX %s has preference %d, the plan %d", h->host, h->preference,
                s->mx[i].preference);
    }
    for (size_t j = 0; j < r->mx.nhosts; j++) {
        bool planned = false;
        for (size_t i = 0; i < s->nmx && !planned; i++)
            planned = strcasecmp(r->mx.hosts[j]->host, s->mx[i].host) == 0;
        if (!planned && !r->mx.implicit)
            BAD(c, "MX %d %s is still published", r->mx.hosts[j]->preference, r->mx.hosts[j]->host);
    }
    if (c->nbad == before)
        OK(c, "the MX records are as planned (%zu host%s)", s->nmx, s->nmx == 1 ? "" : "s");
}

/* check_hosts - every address of host presents a certificate a sender accepts. */
static void check_host(const struct mx_host *h, struct plan_check *c)
{
    if (!h->naddrs) {
        BAD(c, "%s has no address", h->host);
        return;
    }
    size_t good = 0;
    for (size_t k = 0; k < h->naddrs; k++) {
        const struct mx_addr *a = h->addrs[k];
        if (a->tls_valid)
            good++;
        else
            BAD(c, "%s [%s] does not present a valid certificate over STARTTLS (%s)", h->host,
                a->address,
                a->smtp && a->smtp->error                 ? a->smtp->error
                : a->smtp && a->smtp->tls.verify_error    ? a->smtp->tls.verify_error
                : a->smtp && !a->smtp->tls.hostname_match ? "name mismatch"
                                                          : "not checked");
    }
    if (good == h->naddrs)
        OK(c, "%s presents a valid certificate on %zu address%s", h->host, good,
           good == 1 ? "" : "es");
}

int plan_verify(const struct plan *p, size_t n, const struct report *r, struct plan_check *out)
{
    memset(out, 0, sizeof *out);
    if (n < 1 || n > p->nsteps)
        return -1;
    const char *policy = NULL, *id = NULL;
    const struct plan_step *mx = NULL;
    bool policy_gone = false, id_gone = false;
    for (size_t i = 0; i < n; i++) {
        const struct plan_step *s = &p->steps[i];
        switch (s->action) {
        case PLAN_PUBLISH_POLICY:
            policy = s->policy, policy_gone = false;
            break;
        case PLAN_PUBLISH_STS_RECORD:
            id = s->id, id_gone = false;
            break;
        case PLAN_CHANGE_MX:
            mx = s;
            break;
        case PLAN_DELETE_STS_RECORD:
            id_gone = true, id = NULL;
            break;
        case PLAN_DELETE_POLICY:
            policy_gone = true, policy = NULL;
            break;
        case PLAN_WAIT:
            break;
        }
    }
    if (policy)
        check_policy(policy, r, out);
    else if (policy_gone)
        check_policy_gone(r, out);
    if (id)
        check_id(id, r, out);
    else if (id_gone)
        check_id_gone(r, out);
    if (mx)
        check_mx(mx, r, out);
    if (!p->target.remove) {
        for (size_t j = 0; j < r->mx.nhosts; j++)
            check_host(r->mx.hosts[j], out);
        for (size_t j = 0; j < r->nplanned; j++)
            check_host(r->planned[j], out);
    }
    out->live = out->nbad == 0;
    return 0;
}

void plan_check_free(struct plan_check *c)
{
    for (size_t i = 0; i < c->nok; i++)
        free(c->ok[i]);
    for (size_t i = 0; i < c->nbad; i++)
        free(c->bad[i]);
    free(c->ok);
    free(c->bad);
    memset(c, 0, sizeof *c);
}
