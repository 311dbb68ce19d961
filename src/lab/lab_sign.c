/* lab_sign - real DNSSEC signatures for the lab's signed zones (contract in lab_int.h).
 *
 * One ECDSA P-256 key per signed zone (algorithm 13, RFC 6605), made at lab start, published
 * as the zone's DNSKEY (flags 257: one key signs everything, a "CSK"). RRSIGs are made when an
 * answer is built, so records the lab serves later (TLSA made at start, fix-it edits) are
 * signed like the rest. Wire formats follow RFC 4034: the RRSIG RDATA (3.1), the data signed
 * (3.1.8.1: the RDATA without the signature, then every RR of the set in canonical form and
 * canonical order, 6.2 and 6.3), the key tag (appendix B); an ECDSA signature is r then s,
 * 32 bytes each (RFC 6605 4). Names in the lab are stored lower case and uncompressed, which
 * is their canonical form already. */
#include "lab_int.h"
#include "xalloc.h"
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SIGN_ALG 13                 /* ECDSAP256SHA256 */
#define SIGN_INCEPTION_S (3600)     /* valid from an hour ago (clock skew) */
#define SIGN_VALIDITY_S (7 * 86400) /* for a week */

struct lab_zone_key {
    char *zone;
    EVP_PKEY *key;
    unsigned char dnskey[4 + 64]; /* flags, protocol, algorithm, public key X then Y */
    uint16_t tag;
};

/* key_tag - RFC 4034 appendix B. */
static uint16_t key_tag(const unsigned char *rd, size_t len)
{
    unsigned long ac = 0;
    for (size_t i = 0; i < len; i++)
        ac += i & 1 ? rd[i] : (unsigned long)rd[i] << 8;
    ac += (ac >> 16) & 0xffff;
    return (uint16_t)(ac & 0xffff);
}

struct lab_zone_key *lab_sign_key_new(const char *zone)
{
    EVP_PKEY *k = EVP_EC_gen("P-256");
    unsigned char pub[65];
    size_t publen = 0;
    if (!k ||
        !EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub, &publen) ||
        publen != 65 || pub[0] != 0x04) {
        EVP_PKEY_free(k);
        return NULL;
    }
    struct lab_zone_key *z = xcalloc(1, sizeof *z);
    z->zone = xstrdup(zone);
    z->key = k;
    z->dnskey[0] = 0x01, z->dnskey[1] = 0x01; /* 257: zone key, secure entry point */
    z->dnskey[2] = 3, z->dnskey[3] = SIGN_ALG;
    memcpy(z->dnskey + 4, pub + 1, 64);
    z->tag = key_tag(z->dnskey, sizeof z->dnskey);
    return z;
}

void lab_sign_key_free(struct lab_zone_key *z)
{
    if (!z)
        return;
    EVP_PKEY_free(z->key);
    free(z->zone);
    free(z);
}

const char *lab_sign_zone(const struct lab_zone_key *z)
{
    return z->zone;
}

const unsigned char *lab_sign_dnskey(const struct lab_zone_key *z, size_t *len)
{
    *len = sizeof z->dnskey;
    return z->dnskey;
}

uint16_t lab_sign_key_tag(const struct lab_zone_key *z)
{
    return z->tag;
}

/* wire_name - name (dotted, no trailing dot, lower case) in uncompressed wire form. */
static size_t wire_name(const char *name, unsigned char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = name; *p;) {
        const char *dot = strchr(p, '.');
        size_t l = dot ? (size_t)(dot - p) : strlen(p);
        if (!l || l > 63 || n + l + 2 > cap)
            return 0;
        out[n++] = (unsigned char)l;
        memcpy(out + n, p, l);
        n += l;
        p += l + (dot ? 1 : 0);
    }
    if (n + 1 > cap)
        return 0;
    out[n++] = 0;
    return n;
}

static unsigned labels(const char *name)
{
    unsigned n = *name ? 1 : 0;
    for (const char *p = name; *p; p++)
        n += *p == '.';
    return n;
}

struct buf {
    unsigned char *p;
    size_t len, cap;
};

static void add(struct buf *b, const void *d, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2;
        b->p = xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, d, n);
    b->len += n;
}

static void add16(struct buf *b, unsigned v)
{
    unsigned char x[2] = {(unsigned char)(v >> 8), (unsigned char)v};
    add(b, x, 2);
}

static void add32(struct buf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    add(b, x, 4);
}

/* cmp_rdata - RFC 4034 6.3: RDATA compared as left-justified unsigned octet strings. */
static int cmp_rdata(const void *a, const void *b)
{
    const struct lab_rr *x = *(const struct lab_rr *const *)a,
                        *y = *(const struct lab_rr *const *)b;
    size_t n = x->rdlen < y->rdlen ? x->rdlen : y->rdlen;
    int c = memcmp(x->rdata, y->rdata, n);
    return c ? c : x->rdlen < y->rdlen ? -1 : x->rdlen > y->rdlen;
}

int lab_sign_rrset(const struct lab_zone_key *z, const struct lab_rr *const *set, size_t n,
                   time_t now, bool corrupt, unsigned char **out, size_t *outlen)
{
    if (!n)
        return -1;
    const char *owner = set[0]->owner;
    struct buf rd = {0};
    add16(&rd, set[0]->type);
    unsigned char alg_labels[2] = {SIGN_ALG, (unsigned char)labels(owner)};
    add(&rd, alg_labels, 2);
    add32(&rd, LAB_TTL);
    add32(&rd, (uint32_t)(now + SIGN_VALIDITY_S));
    add32(&rd, (uint32_t)(now - SIGN_INCEPTION_S));
    add16(&rd, z->tag);
    unsigned char wn[256];
    size_t wl = wire_name(z->zone, wn, sizeof wn), ol;
    if (!wl)
        goto fail;
    add(&rd, wn, wl);
    /* the data signed: this RDATA, then the set in canonical order */
    struct buf data = {0};
    add(&data, rd.p, rd.len);
    const struct lab_rr **sorted = xcalloc(n, sizeof *sorted);
    memcpy(sorted, set, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_rdata);
    unsigned char on[256];
    ol = wire_name(owner, on, sizeof on);
    for (size_t i = 0; i < n && ol; i++) {
        add(&data, on, ol);
        add16(&data, sorted[i]->type);
        add16(&data, 1);
        add32(&data, LAB_TTL);
        add16(&data, (unsigned)sorted[i]->rdlen);
        add(&data, sorted[i]->rdata, sorted[i]->rdlen);
    }
    free(sorted);
    unsigned char der[128], rs[64] = {0};
    size_t derlen = sizeof der;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int ok = ol && md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, z->key) == 1 &&
             EVP_DigestSign(md, der, &derlen, data.p, data.len) == 1;
    EVP_MD_CTX_free(md);
    free(data.p);
    const unsigned char *dp = der;
    ECDSA_SIG *sig = ok ? d2i_ECDSA_SIG(NULL, &dp, (long)derlen) : NULL;
    if (!sig)
        goto fail;
    ok = BN_bn2binpad(ECDSA_SIG_get0_r(sig), rs, 32) == 32 &&
         BN_bn2binpad(ECDSA_SIG_get0_s(sig), rs + 32, 32) == 32;
    ECDSA_SIG_free(sig);
    if (!ok)
        goto fail;
    if (corrupt) /* a signature that does not verify: what a bogus answer carries */
        rs[5] ^= 0x5a;
    add(&rd, rs, sizeof rs);
    *out = rd.p;
    *outlen = rd.len;
    return 0;
fail:
    free(rd.p);
    return -1;
}
