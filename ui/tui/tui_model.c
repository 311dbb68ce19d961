/* tui_model - builds the walk-through tree rows from a report (see tui_model.h).
 *
 * The report keeps one step per address; the SMTP and TLS rows below an address derive their
 * states from the probe result, its live stage and the problems filed against the address, so
 * "not reached" (n/a) never looks like "failed". */
#include "tui_model.h"
#include "mx_limits.h"
#include "tui_text.h"
#include "xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct tui_row *add_row(struct tui_model *m, int depth, enum tui_node node,
                               enum step_state st, int64_t ms)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 32;
        m->rows = xreallocarray(m->rows, m->cap, sizeof *m->rows);
    }
    struct tui_row *row = &m->rows[m->n++];
    memset(row, 0, sizeof *row);
    row->depth = depth;
    row->node = node;
    row->state = st;
    row->ms = ms;
    return row;
}

void tui_model_free(struct tui_model *m)
{
    free(m->rows);
    m->rows = NULL;
    m->n = m->cap = 0;
}

long tui_model_find(const struct tui_model *m, const char *key)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->rows[i].key, key) == 0)
            return (long)i;
    return -1;
}

/* at_host / at_addr - the problem's structured subject names this host / this address. */
static bool at_host(const struct problem *p, const struct mx_host *h)
{
    return p->where.host && strcmp(p->where.host, h->host) == 0;
}

static bool at_addr(const struct problem *p, const struct mx_host *h, const struct mx_addr *a)
{
    return at_host(p, h) && p->where.address && strcmp(p->where.address, a->address) == 0;
}

bool tui_problem_matches(const struct report *r, const struct problem *p, const struct tui_row *row)
{
    (void)r;
    enum step_kind w = p->where.step;
    switch (row->node) {
    case TN_STS: return w == STEP_STS_RECORD;
    case TN_POLICY: return w == STEP_POLICY;
    case TN_TLSRPT: return w == STEP_TLSRPT;
    /* the MX row has the domain's MX problems; a host's (policy match, lookup, TLSA) are its own */
    case TN_MX: return w == STEP_MX && !p->where.host;
    case TN_HOST: return at_host(p, row->host) && !p->where.address;
    case TN_ADDR: return at_addr(p, row->host, row->addr);
    case TN_SMTP: return w == STEP_SMTP && at_addr(p, row->host, row->addr);
    /* the TLS row carries the DANE verification of the chain too */
    case TN_TLS: return (w == STEP_TLS || w == STEP_DANE) && at_addr(p, row->host, row->addr);
    case TN_CERT: return false; /* the TLS row carries the problems of its chain */
    }
    return false;
}

int tui_row_worst(const struct report *r, const struct tui_row *row)
{
    int worst = -1;
    for (size_t i = 0; i < r->problems.n; i++) {
        const struct problem *p = &r->problems.items[i];
        if ((int)p->severity > worst && tui_problem_matches(r, p, row))
            worst = (int)p->severity;
    }
    return worst;
}

enum step_state tui_smtp_state(const struct report *r, const struct mx_host *h,
                               const struct mx_addr *a)
{
    (void)r, (void)h;
    return a->smtp_state; /* judged by the engine (live while the probe runs) */
}

enum step_state tui_tls_state(const struct report *r, const struct mx_host *h,
                              const struct mx_addr *a)
{
    (void)r, (void)h;
    return a->tls_state;
}

enum step_state tui_cert_row_state(const struct tui_row *row, time_t now, const char **why)
{
    return report_cert_state(row->tls, row->cert, now, row->addr ? "MX host" : "policy host",
                             why);
}

const struct cert_info *tui_addr_leaf(const struct mx_addr *a)
{
    if (!a || !a->smtp || !a->smtp->tls.present || a->smtp->tls.nchain == 0)
        return NULL;
    return &a->smtp->tls.chain[0];
}

bool tui_host_certs_differ(const struct mx_host *h)
{
    const char *first = NULL;
    for (size_t i = 0; i < h->naddrs; i++) {
        const struct cert_info *leaf = tui_addr_leaf(h->addrs[i]);
        if (!leaf || !leaf->sha256)
            continue;
        if (!first)
            first = leaf->sha256;
        else if (strcmp(first, leaf->sha256) != 0)
            return true;
    }
    return false;
}

enum step_kind tui_node_step(enum tui_node n)
{
    switch (n) {
    case TN_STS: return STEP_STS_RECORD;
    case TN_POLICY: return STEP_POLICY;
    case TN_MX: return STEP_MX;
    case TN_HOST: return STEP_MX_HOST;
    case TN_ADDR: return STEP_SMTP;
    case TN_SMTP: return STEP_SMTP;
    case TN_TLS: return STEP_TLS;
    case TN_CERT: return STEP_TLS;
    case TN_TLSRPT: return STEP_TLSRPT;
    }
    return STEP_MX;
}

const char *tui_node_learn_name(enum tui_node n)
{
    if (n == TN_CERT)
        return "cert";
    return step_kind_name(tui_node_step(n));
}

const char *tui_node_learn_extra(enum tui_node n)
{
    /* DANE has no step of its own: the TLSA lookup belongs to the host, the verification to
     * the address's TLS, so its text follows theirs */
    return n == TN_HOST || n == TN_ADDR || n == TN_TLS ? "dane" : NULL;
}

/* ---- DANE (RFC 7672) ---- */

static void badge_set(struct tui_badge *b, enum step_state st, const char *shortw,
                      const char *text)
{
    b->state = st;
    snprintf(b->short_text, sizeof b->short_text, "%s", shortw);
    snprintf(b->text, sizeof b->text, "%s", text);
}

void tui_dane_host_badge(const struct mx_host *h, struct tui_badge *b)
{
    const struct dane_host *dh = &h->dane;
    char text[64];
    memset(b, 0, sizeof *b);
    switch (dh->status) {
    case DANE_SECURE: /* the mark is the engine's (dh->state): warn when none is usable */
        snprintf(text, sizeof text, "DANE secure, %zu usable", dh->nusable);
        badge_set(b, dh->state, "DANE secure", text);
        break;
    case DANE_INSECURE: /* not DNSSEC-signed: every sender ignores the records */
        badge_set(b, dh->state, "DANE insecure", "DANE insecure, ignored");
        break;
    case DANE_BOGUS:
        badge_set(b, dh->state, "DANE bogus", "DANE bogus, senders defer");
        break;
    case DANE_PENDING:
    case DANE_NONE:
        break;
    }
}

enum step_state tui_dane_addr_state(const struct report *r, const struct mx_host *h,
                                    const struct mx_addr *a)
{
    if (a->dane.judged)
        return a->dane_state; /* judged by the engine */
    if (r->done || a->step.state == ST_NA)
        return ST_NA;
    return h->dane.status == DANE_PENDING || a->step.state == ST_RUNNING ? ST_RUNNING
                                                                         : ST_WAITING;
}

void tui_dane_addr_badge(const struct mx_host *h, const struct mx_addr *a, struct tui_badge *b)
{
    memset(b, 0, sizeof *b);
    if (!a->dane.judged || h->dane.status == DANE_NONE || h->dane.status == DANE_PENDING)
        return; /* a host without TLSA: MTA-STS alone, nothing to add beside every address */
    if (a->dane.action == DANE_ACT_NO_DANE) {
        badge_set(b, ST_NA, "no DANE", "no DANE: MTA-STS applies");
        return;
    }
    enum step_state st = a->dane_state;
    badge_set(b, st, "DANE", st == ST_FAIL ? "DANE defer" : "DANE deliver");
    b->symbol = true;
}

bool tui_dane_has_tlsa(const struct report *r)
{
    for (size_t i = 0; i < r->mx.nhosts; i++)
        if (r->mx.hosts[i]->dane.ntlsa > 0)
            return true;
    return false;
}

bool tui_dane_unconfirmed(const struct report *r)
{
    return r->done && !r->dnssec_any_ad && tui_dane_has_tlsa(r);
}

static void add_addr(struct tui_model *m, const struct report *r, const struct mx_host *h,
                     const struct mx_addr *a, int64_t now_ms, time_t now)
{
    struct tui_row *row = add_row(m, 2, TN_ADDR, a->step.state, tui_step_ms(&a->step, now_ms));
    row->host = h;
    row->addr = a;
    if (a->port && a->port != 25)
        snprintf(row->label, sizeof row->label, "%s port %d", a->address, a->port);
    else
        snprintf(row->label, sizeof row->label, "%s", a->address);
    snprintf(row->key, sizeof row->key, "addr:%s|%s", h->host, a->address);
    tui_dane_addr_badge(h, a, &row->badge);

    const struct smtp_result *s = a->smtp;
    int64_t smtp_ms = -1, tls_ms = -1;
    if (s) {
        smtp_ms = 0;
        for (int st = SMTP_ST_CONNECT; st <= SMTP_ST_STARTTLS; st++)
            if (s->stage_ms[st] > 0)
                smtp_ms += s->stage_ms[st];
        tls_ms = s->stage_ms[SMTP_ST_HANDSHAKE];
    }
    row = add_row(m, 3, TN_SMTP, tui_smtp_state(r, h, a), smtp_ms);
    row->host = h;
    row->addr = a;
    snprintf(row->label, sizeof row->label, "SMTP connect, EHLO, STARTTLS");
    snprintf(row->key, sizeof row->key, "smtp:%s|%s", h->host, a->address);

    const struct tls_info *tls = s && s->tls.present ? &s->tls : NULL;
    row = add_row(m, 3, TN_TLS, tui_tls_state(r, h, a), tls_ms);
    row->host = h;
    row->addr = a;
    if (tls && tls->version)
        snprintf(row->label, sizeof row->label, "TLS %s, chain of %zu", tls->version, tls->nchain);
    else
        snprintf(row->label, sizeof row->label, "TLS handshake and certificate");
    snprintf(row->key, sizeof row->key, "tls:%s|%s", h->host, a->address);

    for (size_t i = 0; tls && i < tls->nchain; i++) {
        const struct cert_info *c = &tls->chain[i];
        row = add_row(m, 4, TN_CERT, report_cert_state(tls, c, now, "MX host", NULL), -1);
        row->host = h;
        row->addr = a;
        row->cert = c;
        row->cert_index = i;
        row->tls = tls;
        row->cert_owner = h->host;
        row->cert_where = a->address;
        const char *name = c->common_name ? c->common_name : c->subject;
        snprintf(row->label, sizeof row->label, "#%zu %s%s", i, name ? name : "(no subject)",
                 i == 0 ? " (leaf)" : c->self_signed ? " (root)" : "");
        snprintf(row->key, sizeof row->key, "cert:%s|%s|%zu", h->host, a->address, i);
    }
}

static void add_host(struct tui_model *m, const struct report *r, const struct mx_host *h,
                     int64_t now_ms, time_t now)
{
    struct tui_row *row = add_row(m, 1, TN_HOST, h->step.state, tui_step_ms(&h->step, now_ms));
    row->host = h;
    row->mark = tui_host_certs_differ(h);
    if (h->preference < 0)
        snprintf(row->label, sizeof row->label, "%s (implicit MX)", h->host);
    else
        snprintf(row->label, sizeof row->label, "%s pref %d", h->host, h->preference);
    snprintf(row->key, sizeof row->key, "host:%s", h->host);
    tui_dane_host_badge(h, &row->badge);
    for (size_t i = 0; i < h->naddrs; i++)
        add_addr(m, r, h, h->addrs[i], now_ms, now);
}

/* add_policy_certs - the policy host's chain under the policy row, so its certificates open,
 * show their PEM (p) and save (w) like an MX host's. */
static void add_policy_certs(struct tui_model *m, const struct report *r, time_t now)
{
    const struct https_result *h = r->policy.http;
    const struct tls_info *tls = h && h->tls.present ? &h->tls : NULL;
    for (size_t i = 0; tls && i < tls->nchain; i++) {
        const struct cert_info *c = &tls->chain[i];
        struct tui_row *row =
            add_row(m, 1, TN_CERT, report_cert_state(tls, c, now, "policy host", NULL), -1);
        row->cert = c;
        row->cert_index = i;
        row->tls = tls;
        row->cert_owner = r->policy.host ? r->policy.host : r->domain;
        row->cert_where = h->primary_ip ? h->primary_ip : "https";
        const char *name = c->common_name ? c->common_name : c->subject;
        snprintf(row->label, sizeof row->label, "#%zu %s%s", i, name ? name : "(no subject)",
                 i == 0 ? " (leaf)" : c->self_signed ? " (root)" : "");
        snprintf(row->key, sizeof row->key, "cert:%s|%s|%zu", row->cert_owner, row->cert_where,
                 i);
    }
}

void tui_model_build(struct tui_model *m, const struct report *r, int64_t now_ms, time_t now)
{
    m->n = 0;
    struct tui_row *row;
    row = add_row(m, 0, TN_STS, r->sts.step.state, tui_step_ms(&r->sts.step, now_ms));
    snprintf(row->label, sizeof row->label, "1 TXT _mta-sts.%s", r->domain);
    snprintf(row->key, sizeof row->key, "sts");

    row = add_row(m, 0, TN_POLICY, r->policy.step.state, tui_step_ms(&r->policy.step, now_ms));
    snprintf(row->label, sizeof row->label, "2 Policy %s",
             r->policy.host ? r->policy.host : r->domain);
    snprintf(row->key, sizeof row->key, "policy");
    add_policy_certs(m, r, now);

    row = add_row(m, 0, TN_MX, r->mx.step.state, tui_step_ms(&r->mx.step, now_ms));
    if (r->mx.null_mx)
        snprintf(row->label, sizeof row->label, "3 MX records (null MX)");
    else if (r->mx.implicit)
        snprintf(row->label, sizeof row->label, "3 MX records (none: implicit MX)");
    else if (r->mx.nhosts)
        snprintf(row->label, sizeof row->label, "3 MX records (%zu host%s)", r->mx.nhosts,
                 r->mx.nhosts == 1 ? "" : "s");
    else
        snprintf(row->label, sizeof row->label, "3 MX records");
    snprintf(row->key, sizeof row->key, "mx");
    for (size_t i = 0; i < r->mx.nhosts; i++)
        add_host(m, r, r->mx.hosts[i], now_ms, now);

    row = add_row(m, 0, TN_TLSRPT, r->tlsrpt.step.state, tui_step_ms(&r->tlsrpt.step, now_ms));
    snprintf(row->label, sizeof row->label, "4 TLS-RPT _smtp._tls.%s", r->domain);
    snprintf(row->key, sizeof row->key, "tlsrpt");
}
