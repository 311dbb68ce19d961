/* diag_rua - where would TLS-RPT reports go? (RFC 8460 3, field guide R5)
 *
 * Once the _smtp._tls record is valid, each rua (at most MX_RUA_CHECKS_MAX) is looked up:
 * a mailto: domain needs an MX record, or an address when it has no MX (RFC 5321 5.1); an
 * https: host needs an address. A report address that cannot work is tlsrpt.rua_unreachable
 * (a warning: mail still flows, only the reports are lost). mxray never sends a report or
 * contacts the endpoint; it only asks DNS. */
#include "diag_internal.h"
#include "domain.h"
#include "escape.h"
#include "xalloc.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct rua_check {
    struct diag *d;
    int slot;        /* index into d->q_rua */
    char *uri;       /* as published (escaped) */
    char *name;      /* the domain or host looked up */
    bool mailto;
};

/* rua_target - the domain of a mailto: URI or the host of an https: one, or NULL. */
static char *rua_target(const char *uri, bool *mailto)
{
    const char *p;
    size_t n;
    if (strncasecmp(uri, "mailto:", 7) == 0) {
        *mailto = true;
        p = strrchr(uri, '@');
        if (!p)
            return NULL;
        p++;
        n = strcspn(p, "?");
    } else if (strncasecmp(uri, "https://", 8) == 0) {
        *mailto = false;
        p = uri + 8;
        n = strcspn(p, ":/?#");
    } else {
        return NULL;
    }
    char *name = xstrndup(p, n);
    if (!domain_is_hostname(name)) { /* e.g. an IP literal: nothing to look up */
        free(name);
        return NULL;
    }
    return name;
}

static void rua_free(struct rua_check *c)
{
    free(c->uri);
    free(c->name);
    free(c);
}

static void on_rua_answer(void *arg, struct dns_answer *ans);

static void rua_query(struct rua_check *c, uint16_t type)
{
    struct diag *d = c->d;
    d->pending++;
    d->q_rua[c->slot] = dns_query(d->e->dns, c->name, type, on_rua_answer, c);
}

/* rua_problem - the report address cannot work: say why, and mark the TLS-RPT step. */
static void rua_problem(struct diag *d, const struct rua_check *c, const struct dns_answer *a)
{
    const char *why = a->status == DNS_NXDOMAIN ? "does not exist (NXDOMAIN)"
                      : c->mailto ? "has neither MX nor address records"
                                  : "has no address record";
    diag_problem(d, PROB_TLSRPT_RUA_UNREACHABLE, PROBLEM_SEV_DEFAULT, STEP_TLSRPT, d->r->tlsrpt.answer->qname,
                 "reports to %s cannot be delivered: %s %s", c->uri, c->name, why);
    struct step *s = &d->r->tlsrpt.step;
    if (s->state == ST_PASS)
        s->state = ST_WARN;
    diag_emit_step(d, s);
}

/* null_mx_only - every MX record is "0 ." (RFC 7505): the domain takes no mail. */
static bool null_mx_only(const struct dns_answer *a)
{
    size_t mx = 0, null = 0;
    for (size_t i = 0; i < a->nrr; i++) {
        if (a->rr[i].type != DNS_T_MX)
            continue;
        mx++;
        const char *t = a->rr[i].target ? a->rr[i].target : "";
        null += !*t || strcmp(t, ".") == 0;
    }
    return mx && mx == null;
}

static void on_rua_answer(void *arg, struct dns_answer *ans)
{
    struct rua_check *c = arg;
    struct diag *d = c->d;
    d->q_rua[c->slot] = NULL;
    struct tlsrpt_section *t = &d->r->tlsrpt;
    xptr_push((void ***)&t->rua_dns, &t->nrua_dns, ans);
    diag_emit_evidence(d, &t->step);
    bool ok = ans->status == DNS_OK;
    if (ok && c->mailto && ans->qtype == DNS_T_MX && null_mx_only(ans)) {
        diag_problem(d, PROB_TLSRPT_RUA_UNREACHABLE, PROBLEM_SEV_DEFAULT, STEP_TLSRPT, t->answer->qname,
                     "reports to %s cannot be delivered: %s publishes a null MX (RFC 7505)",
                     c->uri, c->name);
        if (t->step.state == ST_PASS)
            t->step.state = ST_WARN;
        diag_emit_step(d, &t->step);
    } else if (!ok && c->mailto && ans->qtype == DNS_T_MX && ans->status == DNS_NODATA) {
        rua_query(c, DNS_T_A); /* RFC 5321 5.1: no MX, the domain's address is the mail host */
        c = NULL;
    } else if (ans->status == DNS_NXDOMAIN || ans->status == DNS_NODATA) {
        /* Only a definite answer says the address cannot work; a lookup that failed or timed
         * out says nothing about it (and the zone's own problems show elsewhere). */
        rua_problem(d, c, ans);
    }
    if (c)
        rua_free(c);
    d->pending--;
    diag_maybe_finish(d);
}

void rua_checks_start(struct diag *d)
{
    const struct tlsrpt_record *rec = &d->r->tlsrpt.parsed;
    int slot = 0;
    for (size_t i = 0; i < rec->nrua && slot < MX_RUA_CHECKS_MAX; i++) {
        bool mailto = false;
        char *name = rua_target(rec->rua[i], &mailto);
        if (!name)
            continue;
        struct rua_check *c = xcalloc(1, sizeof *c);
        *c = (struct rua_check){d, slot++, xstrdup(rec->rua[i]), name, mailto};
        rua_query(c, mailto ? DNS_T_MX : DNS_T_A);
    }
}

void rua_checks_cancel(struct diag *d)
{
    /* A cancelled query never calls back, so its rua_check would leak: dns_query_cancel
     * cannot hand it back, hence the callback argument is looked up before cancelling. */
    for (int i = 0; i < MX_RUA_CHECKS_MAX; i++) {
        if (!d->q_rua[i])
            continue;
        struct rua_check *c = dns_query_arg(d->q_rua[i]);
        dns_query_cancel(d->q_rua[i]);
        d->q_rua[i] = NULL;
        rua_free(c);
    }
}
