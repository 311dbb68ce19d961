/* cert - certificate name matching and the plain-data side of cert.h (no OpenSSL here).
 *
 * Contract: struct cert_info and struct tls_info own every pointer they hold (allocated with
 * xalloc.h / escape.h); cert_info_free and tls_info_free release the members, never the
 * struct itself, and leave it zeroed so a second free is harmless. The matcher only reads
 * its arguments. */
#include "cert.h"
#include "mx_limits.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* name_char_ok - bytes a DNS-ID may hold for matching: LDH, '_' (seen in real SANs) and '.'.
 * Anything else (non-ASCII U-labels, escapes, spaces, NUL) can never match: RFC 8461 4.2 and
 * RFC 6125 6.4.2 compare A-labels only. */
static bool name_char_ok(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.';
}

/* name_len - length of a reference or presented name without one trailing dot (RFC 6125
 * 6.4.1: a trailing dot does not change the name), or 0 when the name is unusable: empty,
 * too long, an empty label, a label over 63 bytes, or a byte name_char_ok refuses. */
static size_t name_len(const char *s)
{
    size_t len = strnlen(s, MX_DOMAIN_MAX + 2);
    if (len > 0 && s[len - 1] == '.')
        len--;
    if (len == 0 || len > MX_DOMAIN_MAX)
        return 0;
    size_t label = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!name_char_ok(c))
            return 0;
        if (c == '.') {
            if (label == 0)
                return 0;
            label = 0;
        } else if (++label > MX_LABEL_MAX) {
            return 0;
        }
    }
    return label == 0 ? 0 : len;
}

bool cert_name_match_one(const char *san_pattern, const char *host)
{
    if (!san_pattern || !host)
        return false;
    size_t hlen = name_len(host);
    if (hlen == 0)
        return false; /* never match an empty or malformed host */

    /* RFC 8461 4.2 / RFC 6125 6.4.3: "*" only as the complete left-most label. */
    if (san_pattern[0] == '*' && san_pattern[1] == '.') {
        const char *base = san_pattern + 2;
        size_t blen = name_len(base);
        /* The base needs two labels at least: "*.com" must not match "example.com". */
        if (blen == 0 || !memchr(base, '.', blen))
            return false;
        const char *dot = memchr(host, '.', hlen);
        if (!dot || dot == host)
            return false; /* host has no left-most label to stand in for the "*" */
        size_t rest = hlen - (size_t)(dot + 1 - host);
        /* Exactly one label: what follows the host's first dot must be the whole base. */
        return rest == blen && strncasecmp(dot + 1, base, blen) == 0;
    }

    size_t plen = name_len(san_pattern); /* refuses any other '*' (name_char_ok) */
    return plen != 0 && plen == hlen && strncasecmp(san_pattern, host, hlen) == 0;
}

bool cert_name_match(const struct cert_info *leaf, const char *host, const char **matched)
{
    if (matched)
        *matched = NULL;
    if (!leaf || !host)
        return false;
    /* RFC 8461 4.2: SAN dNSName only; the subject CN is never consulted. */
    for (size_t i = 0; i < leaf->nsan_dns; i++) {
        if (leaf->san_dns[i] && cert_name_match_one(leaf->san_dns[i], host)) {
            if (matched)
                *matched = leaf->san_dns[i];
            return true;
        }
    }
    return false;
}

long cert_days_left(const struct cert_info *c, time_t now)
{
    if (!c)
        return 0;
    double secs = difftime(c->not_after, now);
    long whole = (long)(secs / 86400.0);
    /* Round toward minus infinity, so a certificate expired an hour ago gives -1, not 0. */
    if (secs < 0 && (double)whole * 86400.0 != secs)
        whole--;
    return whole;
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void cert_info_free(struct cert_info *c)
{
    if (!c)
        return;
    free(c->subject);
    free(c->issuer);
    free_strv(c->san_dns, c->nsan_dns);
    free_strv(c->san_ip, c->nsan_ip);
    free(c->common_name);
    free(c->serial);
    free(c->not_before_str);
    free(c->not_after_str);
    free(c->key);
    free(c->signature);
    free(c->sha256);
    free(c->sha1);
    free(c->spki_sha256);
    free(c->key_usage);
    free(c->ext_key_usage);
    free_strv(c->ocsp, c->nocsp);
    free_strv(c->ca_issuers, c->nca_issuers);
    free_strv(c->crl, c->ncrl);
    free(c->der);
    free(c->pem);
    memset(c, 0, sizeof *c);
}

void tls_info_free(struct tls_info *t)
{
    if (!t)
        return;
    free(t->version);
    free(t->cipher);
    free(t->group);
    free(t->sni);
    free(t->verify_error);
    for (size_t i = 0; i < t->nerrors; i++)
        free(t->errors[i].text);
    free(t->errors);
    free(t->hostname_note);
    for (size_t i = 0; i < t->nchain; i++)
        cert_info_free(&t->chain[i]);
    free(t->chain);
    free(t->handshake_error);
    memset(t, 0, sizeof *t);
}
