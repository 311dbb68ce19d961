/* view_cert - certificate lines and PEM export (see view_cert.h).
 *
 * Dates are shown as given (UTC, ISO 8601) plus a relative "in N days" / "expired N days ago"
 * computed from the caller's clock, so tests can pin the time. */
#include "view_cert.h"
#include "tui_export.h"
#include "present.h"
#include "tui_model.h"
#include "mx_limits.h"
#include "xalloc.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ADD(...) tui_lines_add(out, __VA_ARGS__)
#define S(x) ((x) ? (x) : "-")

void view_cert_validity(char *buf, size_t n, const char *when, time_t t, time_t now)
{
    if (!t) {
        snprintf(buf, n, "%s", S(when));
        return;
    }
    long long diff = (long long)t - (long long)now;
    char rel[48]; /* "in 3 days", "1 day ago": the plural rule lives in present.c */
    present_days_rel(rel, sizeof rel, (long)(diff / 86400));
    snprintf(buf, n, "%s (%s)", S(when), rel);
}

static void add_list(struct tui_lines *out, const char *title, char *const *v, size_t n)
{
    if (n == 0) {
        ADD(TR_DIM, 2, "%s: none", title);
        return;
    }
    ADD(TR_NORMAL, 2, "%s:", title);
    for (size_t i = 0; i < n; i++)
        ADD(TR_NORMAL, 4, "%s", S(v[i]));
}

static void add_validity(struct tui_lines *out, const struct view_ctx *v, const struct cert_info *c)
{
    char b[160];
    view_cert_validity(b, sizeof b, c->not_before_str, c->not_before, v->now);
    ADD(c->not_before && v->now < c->not_before ? TR_FAIL : TR_NORMAL, 2, "not before: %s", b);
    view_cert_validity(b, sizeof b, c->not_after_str, c->not_after, v->now);
    bool expired = c->not_after && v->now > c->not_after;
    if (expired) {
        char rel[48];
        present_days_rel(rel, sizeof rel, -(long)(((long long)v->now - (long long)c->not_after) / 86400));
        ADD(TR_FAIL, 2, "not after:  %s - expired %s", S(c->not_after_str), rel);
    } else {
        ADD(c->not_after && cert_days_left(c, v->now) < MX_EXPIRING_DAYS ? TR_WARN : TR_NORMAL, 2,
            "not after:  %s", b);
    }
}

static void add_sans(struct tui_lines *out, const struct cert_info *c)
{
    size_t kept = c->nsan_dns + c->nsan_ip;
    ADD(TR_NORMAL, 2, "subjectAltName (%zu DNS, %zu IP%s):", c->nsan_dns, c->nsan_ip,
        c->nsan_total > kept ? ", more not kept" : "");
    for (size_t i = 0; i < c->nsan_dns; i++)
        ADD(TR_BOLD, 4, "DNS:%s", S(c->san_dns[i]));
    for (size_t i = 0; i < c->nsan_ip; i++)
        ADD(TR_BOLD, 4, "IP:%s", S(c->san_ip[i]));
    if (kept == 0)
        ADD(TR_WARN, 4, "none: RFC 8461 4.2 needs a DNS-ID, the CN is never used");
}

int view_cert_pem(struct tui_lines *out, const struct cert_info *c)
{
    int widest = 0;
    for (const char *pem = c->pem ? c->pem : ""; *pem;) {
        size_t len = strcspn(pem, "\n");
        char *line = xstrndup(pem, len);
        tui_lines_addn(out, TR_NORMAL, 0, line);
        int w = tui_text_width(line);
        widest = w > widest ? w : widest;
        free(line);
        pem += len;
        if (*pem == '\n')
            pem++;
    }
    return widest;
}

void view_cert_summary(struct tui_lines *out, const struct view_ctx *v, const struct cert_info *c)
{
    ADD(TR_NORMAL, 2, "subject: %s", S(c->subject));
    add_sans(out, c);
    ADD(TR_NORMAL, 2, "issuer:  %s", S(c->issuer));
    add_validity(out, v, c);
    ADD(TR_DIM, 2, "SHA-256: %s", S(c->sha256));
}

/* record_against - where record i of h authenticates the chain a sent, seen from cert c. */
static void record_against(struct tui_lines *out, const struct view_ctx *v, const struct mx_host *h,
                           const struct mx_addr *a, const struct cert_info *c, size_t i)
{
    const struct dane_tlsa *t = &h->dane.tlsa[i];
    int depth = i < a->dane.ntlsa_depth ? a->dane.tlsa_depth[i] : -1;
    if (!t->usable)
        ADD(TR_DIM, 4, "TLSA %s: not used (%s)", S(t->text), S(t->note));
    else if (depth == c->depth)
        ADD(TR_OK, 4, "%s TLSA %s: matches this certificate", tui_state_symbol(ST_PASS, v->utf8, 0),
            S(t->text));
    else if (depth >= 0)
        ADD(TR_NORMAL, 4, "TLSA %s: matches certificate #%d of the chain", S(t->text), depth);
    else
        ADD(TR_DIM, 4, "TLSA %s: matches no certificate of this chain", S(t->text));
}

void view_cert_dane(struct tui_lines *out, const struct view_ctx *v, const struct mx_host *h,
                    const struct mx_addr *a, const struct cert_info *c)
{
    const struct dane_host *dh = h ? &h->dane : NULL;
    if (!dh || !a || !a->dane.judged || dh->ntlsa == 0)
        return;
    const struct dane_addr *da = &a->dane;
    bool secure = dh->status == DANE_SECURE;
    bool matched = da->match == 1 && da->matched_tlsa >= 0 && (size_t)da->matched_tlsa < dh->ntlsa;
    const struct dane_tlsa *m = matched ? &dh->tlsa[da->matched_tlsa] : NULL;
    if (m && da->matched_depth == c->depth) /* an insecure match is shown, no sender relies on it */
        ADD(secure ? TR_OK : TR_NA, 0, "%s matched TLSA %d %d %d%s",
            tui_state_symbol(secure ? ST_PASS : ST_NA, v->utf8, 0), m->usage, m->selector,
            m->mtype, secure ? ": a DANE sender authenticates the server by this certificate"
                             : " (not DNSSEC-signed: senders ignore it)");
    else if (m)
        ADD(TR_DIM, 0, "DANE: TLSA %d %d %d matched certificate #%d of this chain, not this one",
            m->usage, m->selector, m->mtype, da->matched_depth);
    if (da->match == 0 && secure)
        ADD(TR_FAIL, 0, "%s DANE: no TLSA record matches this chain (%s): a DANE sender defers",
            tui_state_symbol(ST_FAIL, v->utf8, 0), S(da->error));
    if (!da->tlsa_depth)
        return; /* the chain was never verified (no TLS, or the lookup failed) */
    if (dh->ntlsa == 1 && da->match == 1)
        return; /* the one record matched: the line above says it all */
    ADD(TR_NORMAL, 2, "DANE: the %zu TLSA record%s at %s against this chain:", dh->ntlsa,
        dh->ntlsa == 1 ? "" : "s", S(dh->name));
    for (size_t i = 0; i < dh->ntlsa; i++)
        record_against(out, v, h, a, c, i);
}

void view_cert_build(struct tui_lines *out, const struct view_ctx *v, const struct tui_row *row)
{
    const struct cert_info *c = row->cert;
    const struct mx_host *h = row->host;
    const struct mx_addr *a = row->addr;
    const char *why = NULL;
    enum step_state st = tui_cert_row_state(row, v->now, &why);
    ADD(TR_TITLE, 0, "Certificate #%d%s", c->depth, c->depth == 0 ? " (leaf)" : "");
    ADD(tui_state_role(st), 0, "%s %s: %s", tui_state_symbol(st, v->utf8, 0), tui_state_word(st), S(why));
    view_cert_dane(out, v, h, a, c);
    ADD(TR_KEY, 0, "p shows the PEM (full width, for copying), w saves PEM and fingerprints to a "
                   "file, [ ] other certificates");
    ADD(TR_NORMAL, 0, "%s", "");
    view_cert_summary(out, v, c);
    ADD(TR_NORMAL, 2, "common name: %s (shown only, never used to match)", S(c->common_name));
    ADD(TR_NORMAL, 2, "serial: %s   version: %d", S(c->serial), c->version);
    ADD(TR_NORMAL, 2, "key: %s   signature: %s", S(c->key), S(c->signature));
    ADD(TR_NORMAL, 2, "SHA-1: %s", S(c->sha1));
    ADD(TR_NORMAL, 2, "SPKI SHA-256: %s", S(c->spki_sha256));
    if (c->path_len >= 0)
        ADD(TR_NORMAL, 2, "basic constraints: CA:%s, pathlen:%d", c->is_ca ? "TRUE" : "FALSE", c->path_len);
    else
        ADD(TR_NORMAL, 2, "basic constraints: CA:%s", c->is_ca ? "TRUE" : "FALSE");
    ADD(TR_NORMAL, 2, "self-signed: %s", c->self_signed ? "yes" : "no");
    ADD(TR_NORMAL, 2, "key usage: %s", S(c->key_usage));
    ADD(TR_NORMAL, 2, "extended key usage: %s", S(c->ext_key_usage));
    add_list(out, "OCSP", c->ocsp, c->nocsp);
    add_list(out, "CA issuers", c->ca_issuers, c->nca_issuers);
    add_list(out, "CRL distribution points", c->crl, c->ncrl);
    if (c->sct_count >= 0)
        ADD(TR_NORMAL, 2, "embedded SCTs (certificate transparency): %d", c->sct_count);
    else
        ADD(TR_DIM, 2, "embedded SCTs: unknown");
    ADD(TR_DIM, 2, "DER: %zu bytes", c->der_len);
}

void view_cert_chain(struct tui_lines *out, const struct view_ctx *v, const struct tls_info *tls,
                     const char *role, int indent)
{
    for (size_t i = 0; i < tls->nchain; i++) {
        const struct cert_info *c = &tls->chain[i];
        const char *why = NULL;
        enum step_state st = report_cert_state(tls, c, v->now, role, &why);
        char b[160];
        view_cert_validity(b, sizeof b, c->not_after_str, c->not_after, v->now);
        ADD(tui_state_role(st), indent, "%s #%zu %s - %s", tui_state_symbol(st, v->utf8, 0), i,
            S(c->subject), S(why));
        ADD(TR_DIM, indent + 4, "issuer %s, until %s", S(c->issuer), b);
    }
}

void view_cert_file_name(char *buf, size_t n, const char *host, const char *addr, size_t index)
{
    char *raw = xasprintf("mxray-cert-%s-%s-%zu.pem", S(host), S(addr), index);
    size_t k = 0;
    for (size_t i = 0; raw[i] && k + 1 < n; i++) {
        char ch = raw[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                  ch == '.' || ch == '-' || ch == '_';
        buf[k++] = ok ? ch : '_';
    }
    if (n)
        buf[k] = '\0';
    free(raw);
}

int view_cert_write(const char *dir, const char *name, const struct cert_info *c, char *path,
                    size_t pathlen, char *err, size_t errlen)
{
    if (!c->pem) {
        snprintf(err, errlen, "no PEM for this certificate");
        return -1;
    }
    /* Text before BEGIN is ignored by PEM readers (openssl x509 -in FILE). */
    const char *pem = c->pem;
    char *data = xasprintf("subject: %s\nissuer: %s\nSHA-256 fingerprint: %s\nSHA-1 "
                           "fingerprint: %s\nSPKI SHA-256: %s\n%s%s",
                           S(c->subject), S(c->issuer), S(c->sha256), S(c->sha1),
                           S(c->spki_sha256), pem,
                           pem[0] && pem[strlen(pem) - 1] != '\n' ? "\n" : "");
    /* Saved twice: a new name, like the exports (name.pem, name-2.pem, ...). */
    char base[300];
    const char *dot = strrchr(name, '.');
    snprintf(base, sizeof base, "%.*s", dot ? (int)(dot - name) : (int)strlen(name), name);
    int rc = tui_write_new(dir, base, dot ? dot + 1 : "pem", data, strlen(data), path, pathlen,
                           err, errlen);
    free(data);
    return rc;
}
