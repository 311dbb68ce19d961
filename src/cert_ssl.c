/* cert_ssl - X509 to struct cert_info, the verify recorder, and TLS session facts.
 *
 * Contract:
 * - cert_info_from_x509 fills a caller-owned struct cert_info; every string in it comes from
 *   the peer and is escaped (escape.h) and bounded (MX_CERT_FIELD_MAX bytes of input per
 *   field, MX_SAN_MAX SANs, CERT_URLS_MAX URLs per list). Free with cert_info_free.
 * - A cert_recorder is owned by its creator and must outlive every SSL / SSL_CTX it is
 *   attached to (ex_data holds a borrowed pointer). It holds one reference on each X509 of
 *   the chain it captured; cert_recorder_free drops them.
 * - tls_info_fill fills a caller-owned struct tls_info (free with tls_info_free); it borrows
 *   ssl, the recorder, host and handshake_error.
 * - OpenSSL's error queue is left as it was found by the parsing helpers (ERR_set_mark). */
#include "cert_ssl.h"
#include "escape.h"
#include "mx_limits.h"
#include "xalloc.h"
#include <arpa/inet.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ct.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>

#define CERT_ERRORS_MAX 32 /* distinct (depth, code) pairs kept per handshake */
#define CERT_URLS_MAX 16   /* OCSP / caIssuers / CRL URLs kept per certificate */
#define CERT_NOTE_SANS 8   /* SANs listed in a hostname_note before "and N more" */

struct cert_recorder {
    bool enforce;
    bool chain_taken;       /* the chain is copied on the first callback only */
    X509 *chain[MX_CHAIN_MAX];
    size_t nchain;
    size_t nsent;           /* certificates the peer sent (nchain keeps MX_CHAIN_MAX) */
    struct cert_error errors[CERT_ERRORS_MAX];
    size_t nerrors;
};

/* ---------- small text helpers ---------- */

/* field_text - escape at most MX_CERT_FIELD_MAX bytes of untrusted input, "..." when cut. */
static char *field_text(const void *p, size_t len)
{
    if (len <= MX_CERT_FIELD_MAX)
        return escape_bytes(p, len);
    char *cut = escape_bytes(p, MX_CERT_FIELD_MAX);
    char *s = xasprintf("%s...", cut);
    free(cut);
    return s;
}

/* bio_text - the contents of a memory BIO as field_text, or NULL when it is empty. */
static char *bio_text(BIO *b)
{
    char *data = NULL;
    long len = BIO_get_mem_data(b, &data);
    if (len <= 0 || !data)
        return NULL;
    return field_text(data, (size_t)len);
}

/* hex - bytes as upper-case hex with sep between bytes (0 for none). */
static char *hex(const unsigned char *p, size_t n, char sep, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char *s = xmalloc(n * 3 + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (sep && i)
            s[o++] = sep;
        s[o++] = digits[p[i] >> 4];
        s[o++] = digits[p[i] & 15];
    }
    s[o] = '\0';
    return s;
}

/* list_join - append a copy of s to a sep-joined list, bounded by MX_CERT_FIELD_MAX. */
static void list_join(char **list, const char *s, const char *sep)
{
    if (!*list) {
        *list = xstrdup(s);
        return;
    }
    if (strlen(*list) + strlen(sep) + strlen(s) > MX_CERT_FIELD_MAX)
        return;
    char *n = xasprintf("%s%s%s", *list, sep, s);
    free(*list);
    *list = n;
}

static void list_add(char **list, const char *s)
{
    list_join(list, s, ", ");
}

/* ---------- cert_info_from_x509 pieces ---------- */

static char *name_text(const X509_NAME *name)
{
    if (!name)
        return NULL;
    BIO *b = BIO_new(BIO_s_mem());
    if (!b)
        return NULL;
    /* RFC 2253 order, but keep UTF-8 as UTF-8 (escape_bytes makes it safe to print). */
    X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char *s = bio_text(b);
    BIO_free(b);
    return s ? s : xstrdup("");
}

/* last_cn - the last commonName of the subject (shown only, never matched: RFC 8461 4.2). */
static char *last_cn(const X509_NAME *name)
{
    int idx = -1, i = -1;
    if (!name)
        return NULL;
    while ((i = X509_NAME_get_index_by_NID(name, NID_commonName, i)) >= 0)
        idx = i;
    if (idx < 0)
        return NULL;
    const ASN1_STRING *d = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
    if (!d)
        return NULL;
    unsigned char *utf8 = NULL;
    int n = ASN1_STRING_to_UTF8(&utf8, d);
    if (n < 0) /* odd string type: show the raw bytes, escaped */
        return field_text(ASN1_STRING_get0_data(d), (size_t)ASN1_STRING_length(d));
    char *s = field_text(utf8, (size_t)n);
    OPENSSL_free(utf8);
    return s;
}

static char *ip_text(const ASN1_OCTET_STRING *ip)
{
    char buf[INET6_ADDRSTRLEN];
    const unsigned char *p = ASN1_STRING_get0_data(ip);
    int len = ASN1_STRING_length(ip);
    if (len == 4 && inet_ntop(AF_INET, p, buf, sizeof buf))
        return xstrdup(buf);
    if (len == 16 && inet_ntop(AF_INET6, p, buf, sizeof buf))
        return xstrdup(buf);
    /* Not an address (name constraints use 8/32 bytes; garbage is possible): show hex. */
    char *h = hex(p, len > 0 ? (size_t)(len > 64 ? 64 : len) : 0, 0, true);
    char *s = xasprintf("invalid(%d bytes):%s", len, h);
    free(h);
    return s;
}

static void fill_sans(X509 *x, struct cert_info *out)
{
    GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    if (!gens)
        return;
    int n = sk_GENERAL_NAME_num(gens);
    out->nsan_total = n > 0 ? (size_t)n : 0;
    for (int i = 0; i < n; i++) {
        if (out->nsan_dns + out->nsan_ip >= MX_SAN_MAX)
            break;
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
        if (g->type == GEN_DNS) {
            const ASN1_IA5STRING *s = g->d.dNSName;
            xptr_push((void ***)&out->san_dns, &out->nsan_dns,
                      field_text(ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s)));
        } else if (g->type == GEN_IPADD) {
            xptr_push((void ***)&out->san_ip, &out->nsan_ip, ip_text(g->d.iPAddress));
        }
    }
    GENERAL_NAMES_free(gens);
}

static char *time_iso(const ASN1_TIME *t, time_t *out)
{
    struct tm tm;
    char buf[32];
    *out = 0;
    if (!t || !ASN1_TIME_to_tm(t, &tm))
        return NULL;
    *out = timegm(&tm);
    if (!strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm))
        return NULL;
    return xstrdup(buf);
}

static char *serial_text(X509 *x)
{
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    if (!bn)
        return NULL;
    char *h = BN_bn2hex(bn); /* upper case, no colons; "-" for a (malformed) negative */
    BN_free(bn);
    if (!h)
        return NULL;
    char *s = field_text(h, strlen(h));
    OPENSSL_free(h);
    return s;
}

static char *key_text(X509 *x)
{
    EVP_PKEY *pk = X509_get0_pubkey(x);
    if (!pk) {
        /* An algorithm this OpenSSL cannot load: name its OID. */
        ASN1_OBJECT *alg = NULL;
        char oid[80];
        if (X509_PUBKEY_get0_param(&alg, NULL, NULL, NULL, X509_get_X509_PUBKEY(x)) != 1 ||
            !alg || OBJ_obj2txt(oid, sizeof oid, alg, 0) <= 0)
            return xstrdup("unknown");
        return xasprintf("unknown (%s)", oid);
    }
    int bits = EVP_PKEY_get_bits(pk);
    switch (EVP_PKEY_get_base_id(pk)) {
    case EVP_PKEY_RSA:
        return xasprintf("RSA %d", bits);
    case EVP_PKEY_RSA_PSS:
        return xasprintf("RSA-PSS %d", bits);
    case EVP_PKEY_DSA:
        return xasprintf("DSA %d", bits);
    case EVP_PKEY_ED25519:
        return xstrdup("Ed25519");
    case EVP_PKEY_ED448:
        return xstrdup("Ed448");
    case EVP_PKEY_EC: {
        char group[80];
        size_t glen = 0;
        if (!EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group,
                                            sizeof group, &glen))
            return xasprintf("EC %d", bits);
        int nid = OBJ_sn2nid(group);
        const char *nist = nid != NID_undef ? EC_curve_nid2nist(nid) : NULL;
        return xasprintf("EC %s", nist ? nist : group);
    }
    default: {
        const char *name = EVP_PKEY_get0_type_name(pk);
        return xasprintf("%s %d", name ? name : "unknown", bits);
    }
    }
}

static char *signature_text(X509 *x)
{
    int nid = X509_get_signature_nid(x);
    const char *ln = nid != NID_undef ? OBJ_nid2ln(nid) : NULL;
    if (ln)
        return xstrdup(ln);
    const X509_ALGOR *alg = NULL;
    const ASN1_OBJECT *obj = NULL;
    char oid[80];
    X509_get0_signature(NULL, &alg, x);
    if (alg)
        X509_ALGOR_get0(&obj, NULL, NULL, alg);
    if (!obj || OBJ_obj2txt(oid, sizeof oid, obj, 1) <= 0)
        return NULL;
    return xstrdup(oid);
}

static char *digest_text(X509 *x, const EVP_MD *md)
{
    unsigned char buf[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!X509_digest(x, md, buf, &n))
        return NULL;
    return hex(buf, n, ':', true);
}

/* spki_text - SHA-256 of the whole SubjectPublicKeyInfo DER (what DANE "3 1 1" hashes;
 * X509_pubkey_digest would hash the key bits only). */
static char *spki_text(X509 *x)
{
    unsigned char *der = NULL;
    int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
    if (len <= 0)
        return NULL;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    char *s = NULL;
    if (EVP_Digest(der, (size_t)len, md, &n, EVP_sha256(), NULL))
        s = hex(md, n, 0, false);
    OPENSSL_free(der);
    return s;
}

static void fill_basic_constraints(X509 *x, struct cert_info *out)
{
    out->path_len = -1;
    BASIC_CONSTRAINTS *bc = X509_get_ext_d2i(x, NID_basic_constraints, NULL, NULL);
    if (!bc)
        return;
    out->is_ca = bc->ca != 0;
    if (bc->pathlen) {
        long v = ASN1_INTEGER_get(bc->pathlen);
        out->path_len = v >= 0 && v < 1000000 ? (int)v : -1;
    }
    BASIC_CONSTRAINTS_free(bc);
}

static char *key_usage_text(X509 *x)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } ku[] = {
        {KU_DIGITAL_SIGNATURE, "Digital Signature"}, {KU_NON_REPUDIATION, "Non Repudiation"},
        {KU_KEY_ENCIPHERMENT, "Key Encipherment"},   {KU_DATA_ENCIPHERMENT, "Data Encipherment"},
        {KU_KEY_AGREEMENT, "Key Agreement"},         {KU_KEY_CERT_SIGN, "Certificate Sign"},
        {KU_CRL_SIGN, "CRL Sign"},                   {KU_ENCIPHER_ONLY, "Encipher Only"},
        {KU_DECIPHER_ONLY, "Decipher Only"},
    };
    if (!(X509_get_extension_flags(x) & EXFLAG_KUSAGE))
        return NULL;
    uint32_t bits = X509_get_key_usage(x);
    char *list = NULL;
    for (size_t i = 0; i < sizeof ku / sizeof ku[0]; i++)
        if (bits & ku[i].bit)
            list_add(&list, ku[i].name);
    return list ? list : xstrdup("(none)");
}

static char *eku_text(X509 *x)
{
    EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
    if (!eku)
        return NULL;
    char *list = NULL;
    for (int i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
        const ASN1_OBJECT *o = sk_ASN1_OBJECT_value(eku, i);
        int nid = OBJ_obj2nid(o);
        char oid[80];
        const char *name = nid != NID_undef ? OBJ_nid2ln(nid) : NULL;
        if (!name) {
            if (OBJ_obj2txt(oid, sizeof oid, o, 1) <= 0)
                continue;
            name = oid;
        }
        list_add(&list, name);
    }
    EXTENDED_KEY_USAGE_free(eku);
    return list;
}

static void push_uri(char ***v, size_t *n, const GENERAL_NAME *g)
{
    if (!g || g->type != GEN_URI || *n >= CERT_URLS_MAX)
        return;
    const ASN1_IA5STRING *s = g->d.uniformResourceIdentifier;
    xptr_push((void ***)v, n, field_text(ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s)));
}

static void fill_aia(X509 *x, struct cert_info *out)
{
    AUTHORITY_INFO_ACCESS *aia = X509_get_ext_d2i(x, NID_info_access, NULL, NULL);
    if (!aia)
        return;
    for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(aia); i++) {
        const ACCESS_DESCRIPTION *ad = sk_ACCESS_DESCRIPTION_value(aia, i);
        int nid = OBJ_obj2nid(ad->method);
        if (nid == NID_ad_OCSP)
            push_uri(&out->ocsp, &out->nocsp, ad->location);
        else if (nid == NID_ad_ca_issuers)
            push_uri(&out->ca_issuers, &out->nca_issuers, ad->location);
    }
    AUTHORITY_INFO_ACCESS_free(aia);
}

static void fill_crl(X509 *x, struct cert_info *out)
{
    CRL_DIST_POINTS *dps = X509_get_ext_d2i(x, NID_crl_distribution_points, NULL, NULL);
    if (!dps)
        return;
    for (int i = 0; i < sk_DIST_POINT_num(dps); i++) {
        const DIST_POINT *dp = sk_DIST_POINT_value(dps, i);
        if (!dp->distpoint || dp->distpoint->type != 0) /* 0 = fullName */
            continue;
        GENERAL_NAMES *names = dp->distpoint->name.fullname;
        for (int j = 0; j < sk_GENERAL_NAME_num(names); j++)
            push_uri(&out->crl, &out->ncrl, sk_GENERAL_NAME_value(names, j));
    }
    CRL_DIST_POINTS_free(dps);
}

/* sct_count - embedded SCTs: 0 when the extension is absent, -1 when it does not parse. */
static int sct_count(X509 *x)
{
    if (X509_get_ext_by_NID(x, NID_ct_precert_scts, -1) < 0)
        return 0;
    STACK_OF(SCT) *scts = X509_get_ext_d2i(x, NID_ct_precert_scts, NULL, NULL);
    if (!scts)
        return -1;
    int n = sk_SCT_num(scts);
    SCT_LIST_free(scts);
    return n;
}

/* self_signed - subject equals issuer and the signature verifies with the certificate's own
 * key (X509_check_issued would also demand keyCertSign, which many self-signed leaves lack). */
static bool self_signed(X509 *x)
{
    if (X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)) != 0)
        return false;
    EVP_PKEY *pk = X509_get0_pubkey(x);
    return pk && X509_verify(x, pk) == 1;
}

static int fill_der_pem(X509 *x, struct cert_info *out)
{
    unsigned char *der = NULL;
    int len = i2d_X509(x, &der);
    if (len <= 0)
        return -1;
    out->der = xmalloc((size_t)len);
    memcpy(out->der, der, (size_t)len);
    out->der_len = (size_t)len;
    OPENSSL_free(der);

    BIO *b = BIO_new(BIO_s_mem());
    if (!b)
        return -1;
    char *data = NULL;
    long plen;
    if (PEM_write_bio_X509(b, x) == 1 && (plen = BIO_get_mem_data(b, &data)) > 0)
        out->pem = xstrndup(data, (size_t)plen); /* base64 we wrote ourselves */
    BIO_free(b);
    return out->pem ? 0 : -1;
}

int cert_info_from_x509(X509 *x, int depth, struct cert_info *out)
{
    memset(out, 0, sizeof *out);
    out->depth = depth;
    out->path_len = -1;
    out->sct_count = -1;
    if (!x)
        return -1;
    ERR_set_mark(); /* whatever fails below must not pollute the caller's error queue */
    int rc = 0;
    out->subject = name_text(X509_get_subject_name(x));
    out->issuer = name_text(X509_get_issuer_name(x));
    fill_sans(x, out);
    out->common_name = last_cn(X509_get_subject_name(x));
    out->serial = serial_text(x);
    out->not_before_str = time_iso(X509_get0_notBefore(x), &out->not_before);
    out->not_after_str = time_iso(X509_get0_notAfter(x), &out->not_after);
    if (!out->not_before_str || !out->not_after_str)
        rc = -1;
    out->key = key_text(x);
    out->signature = signature_text(x);
    out->sha256 = digest_text(x, EVP_sha256());
    out->sha1 = digest_text(x, EVP_sha1());
    out->spki_sha256 = spki_text(x);
    out->version = (int)X509_get_version(x) + 1;
    fill_basic_constraints(x, out);
    out->key_usage = key_usage_text(x);
    out->ext_key_usage = eku_text(x);
    fill_aia(x, out);
    fill_crl(x, out);
    out->sct_count = sct_count(x);
    out->self_signed = self_signed(x);
    if (fill_der_pem(x, out) < 0 || !out->sha256)
        rc = -1;
    ERR_pop_to_mark();
    return rc;
}

/* ---------- the verify recorder ---------- */

static int ssl_idx = -1, ctx_idx = -1;
static CRYPTO_ONCE idx_once = CRYPTO_ONCE_STATIC_INIT;

static void idx_init(void)
{
    ssl_idx = SSL_get_ex_new_index(0, "mxray cert_recorder", NULL, NULL, NULL);
    ctx_idx = SSL_CTX_get_ex_new_index(0, "mxray cert_recorder", NULL, NULL, NULL);
}

static bool idx_ready(void)
{
    return CRYPTO_THREAD_run_once(&idx_once, idx_init) && ssl_idx >= 0 && ctx_idx >= 0;
}

/* recorder_of - the SSL's own recorder, else its SSL_CTX's (curl attaches to the CTX). */
static struct cert_recorder *recorder_of(const SSL *ssl)
{
    if (!ssl || !idx_ready())
        return NULL;
    struct cert_recorder *r = SSL_get_ex_data(ssl, ssl_idx);
    if (!r) {
        SSL_CTX *ctx = SSL_get_SSL_CTX(ssl);
        r = ctx ? SSL_CTX_get_ex_data(ctx, ctx_idx) : NULL;
    }
    return r;
}

static void recorder_take_chain(struct cert_recorder *r, X509_STORE_CTX *st)
{
    r->chain_taken = true;
    /* The untrusted stack is the chain exactly as the peer sent it, leaf first. */
    STACK_OF(X509) *sk = X509_STORE_CTX_get0_untrusted(st);
    int n = sk ? sk_X509_num(sk) : 0;
    if (n <= 0) {
        X509 *leaf = X509_STORE_CTX_get0_cert(st);
        if (leaf && X509_up_ref(leaf))
            r->chain[r->nchain++] = leaf;
        r->nsent = r->nchain;
        return;
    }
    r->nsent = (size_t)n;
    for (int i = 0; i < n && r->nchain < MX_CHAIN_MAX; i++) {
        X509 *c = sk_X509_value(sk, i);
        if (c && X509_up_ref(c))
            r->chain[r->nchain++] = c;
    }
}

static void recorder_add_error(struct cert_recorder *r, int depth, int code)
{
    for (size_t i = 0; i < r->nerrors; i++)
        if (r->errors[i].depth == depth && r->errors[i].code == code)
            return; /* OpenSSL may report the same error twice; keep one */
    if (r->nerrors >= CERT_ERRORS_MAX)
        return;
    struct cert_error *e = &r->errors[r->nerrors++];
    e->depth = depth;
    e->code = code;
    e->text = xstrdup(X509_verify_cert_error_string(code));
}

/* recorder_verify_cb - note the chain and every error; abort only when enforcing (Postfix
 * tls_verify.c: the handshake is judged afterwards, against the policy). */
static int recorder_verify_cb(int preverify_ok, X509_STORE_CTX *st)
{
    SSL *ssl = X509_STORE_CTX_get_ex_data(st, SSL_get_ex_data_X509_STORE_CTX_idx());
    struct cert_recorder *r = recorder_of(ssl);
    if (!r)
        return preverify_ok;
    if (!r->chain_taken)
        recorder_take_chain(r, st);
    if (!preverify_ok)
        recorder_add_error(r, X509_STORE_CTX_get_error_depth(st), X509_STORE_CTX_get_error(st));
    return r->enforce ? preverify_ok : 1;
}

struct cert_recorder *cert_recorder_new(bool enforce)
{
    struct cert_recorder *r = xcalloc(1, sizeof *r);
    r->enforce = enforce;
    return r;
}

void cert_recorder_free(struct cert_recorder *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nchain; i++)
        X509_free(r->chain[i]);
    for (size_t i = 0; i < r->nerrors; i++)
        free(r->errors[i].text);
    free(r);
}

void cert_recorder_attach_ssl(struct cert_recorder *r, SSL *ssl)
{
    if (!r || !ssl || !idx_ready())
        return;
    SSL_set_ex_data(ssl, ssl_idx, r);
    SSL_set_verify(ssl, SSL_VERIFY_PEER, recorder_verify_cb);
}

void cert_recorder_attach_ctx(struct cert_recorder *r, SSL_CTX *ctx)
{
    if (!r || !ctx || !idx_ready())
        return;
    SSL_CTX_set_ex_data(ctx, ctx_idx, r);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, recorder_verify_cb);
}

/* ---------- tls_info_fill ---------- */

/* error_untrusted - codes that mean "no path to a trusted root" (RFC 8460 4.3
 * certificate-not-trusted). */
static bool error_untrusted(int code)
{
    switch (code) {
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_REJECTED:
    case X509_V_ERR_CERT_CHAIN_TOO_LONG:
    case X509_V_ERR_INVALID_CA:
    case X509_V_ERR_PATH_LENGTH_EXCEEDED:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
    case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
    case X509_V_ERR_INVALID_PURPOSE:
    case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
    case X509_V_ERR_CA_KEY_TOO_SMALL:
    case X509_V_ERR_EE_KEY_TOO_SMALL:
    case X509_V_ERR_CA_MD_TOO_WEAK:
        return true;
    default:
        return false;
    }
}

/* error_expired - RFC 8461 4.2 "not expired", at any depth (RFC 8460 certificate-expired). */
static bool error_expired(int code)
{
    return code == X509_V_ERR_CERT_HAS_EXPIRED || code == X509_V_ERR_CERT_NOT_YET_VALID;
}

static void fill_chain(struct tls_info *t, SSL *ssl, const struct cert_recorder *r)
{
    if (r && r->nchain > 0) {
        t->chain = xcalloc(r->nchain, sizeof *t->chain);
        for (size_t i = 0; i < r->nchain; i++)
            cert_info_from_x509(r->chain[i], (int)i, &t->chain[t->nchain++]);
        t->nchain_sent = r->nsent > r->nchain ? r->nsent : r->nchain;
        return;
    }
    /* No callback ran (no recorder, or a resumed session): the client's peer chain
     * includes the leaf. */
    STACK_OF(X509) *sk = SSL_get_peer_cert_chain(ssl);
    int n = sk ? sk_X509_num(sk) : 0;
    if (n <= 0)
        return;
    size_t keep = (size_t)n < MX_CHAIN_MAX ? (size_t)n : MX_CHAIN_MAX;
    t->nchain_sent = (size_t)n;
    t->chain = xcalloc(keep, sizeof *t->chain);
    for (size_t i = 0; i < keep; i++)
        cert_info_from_x509(sk_X509_value(sk, (int)i), (int)i, &t->chain[t->nchain++]);
}

static void add_error(struct tls_info *t, int depth, int code, const char *text)
{
    t->errors = xreallocarray(t->errors, t->nerrors + 1, sizeof *t->errors);
    struct cert_error *e = &t->errors[t->nerrors++];
    e->depth = depth;
    e->code = code;
    e->text = xstrdup(text);
}

static void fill_errors(struct tls_info *t, SSL *ssl, const struct cert_recorder *r)
{
    if (r)
        for (size_t i = 0; i < r->nerrors; i++)
            add_error(t, r->errors[i].depth, r->errors[i].code, r->errors[i].text);
    long vr = SSL_get_verify_result(ssl);
    /* Nothing recorded but OpenSSL kept a failure (no recorder, resumed session): keep it,
     * with depth -1 because OpenSSL no longer says where it was. */
    if (t->nerrors == 0 && vr != X509_V_OK && t->nchain > 0)
        add_error(t, -1, (int)vr, X509_verify_cert_error_string(vr));
    for (size_t i = 0; i < t->nerrors; i++) {
        t->untrusted |= error_untrusted(t->errors[i].code);
        t->expired |= error_expired(t->errors[i].code);
    }
    if (t->nerrors > 0) {
        t->verify_code = t->errors[0].code;
        t->verify_error = xstrdup(t->errors[0].text);
    }
    t->verified = t->handshake_ok && t->nchain > 0 && t->nerrors == 0 && vr == X509_V_OK;
}

/* hostname_note_miss - "no SAN dNSName matches H; SANs: a, b; CN c is not used (...)". */
static char *hostname_note_miss(const struct cert_info *leaf, const char *ehost)
{
    char *sans = NULL;
    size_t shown = leaf->nsan_dns < CERT_NOTE_SANS ? leaf->nsan_dns : CERT_NOTE_SANS;
    for (size_t i = 0; i < shown; i++)
        list_add(&sans, leaf->san_dns[i]);
    size_t total = leaf->nsan_total > leaf->nsan_dns ? leaf->nsan_total : leaf->nsan_dns;
    char *more = total > shown ? xasprintf(" and %zu more SAN entries", total - shown)
                               : xstrdup("");
    char *cn = leaf->common_name
                   ? xasprintf("; CN %s is not used (RFC 8461 4.2)", leaf->common_name)
                   : xstrdup("");
    char *note = sans ? xasprintf("no SAN dNSName matches %s; SANs: %s%s%s", ehost, sans, more, cn)
                      : xasprintf("no SAN dNSName matches %s; the certificate has no SAN "
                                  "dNSName%s", ehost, cn);
    free(sans);
    free(more);
    free(cn);
    return note;
}

/* x509_san_match - scan every SAN dNSName of x, not only the MX_SAN_MAX kept for display: a
 * sender matches against the whole list. The match is copied (escaped) into *matched. */
static bool x509_san_match(X509 *x, const char *host, char **matched)
{
    GENERAL_NAMES *names = x ? X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL) : NULL;
    bool ok = false;
    for (int i = 0; names && !ok && i < sk_GENERAL_NAME_num(names); i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
        if (g->type != GEN_DNS)
            continue;
        const unsigned char *d = ASN1_STRING_get0_data(g->d.dNSName);
        int n = ASN1_STRING_length(g->d.dNSName);
        if (n <= 0 || n > 255 || memchr(d, '\0', (size_t)n)) /* embedded NUL: never a name */
            continue;
        char name[256];
        memcpy(name, d, (size_t)n);
        name[n] = '\0';
        if (cert_name_match_one(name, host)) {
            *matched = escape_str(name);
            ok = true;
        }
    }
    GENERAL_NAMES_free(names);
    return ok;
}

static void fill_hostname(struct tls_info *t, const char *host, X509 *leaf_x)
{
    if (t->nchain == 0) {
        t->hostname_note = xstrdup("no certificate received");
        return;
    }
    if (!host || !*host) {
        t->hostname_note = xstrdup("no host name to match");
        return;
    }
    const char *matched = NULL;
    /* RFC 8461 4.2: a SAN DNS-ID must match the MX (or policy) host; no CN fallback. */
    t->hostname_match = cert_name_match(&t->chain[0], host, &matched);
    if (t->hostname_match) {
        t->hostname_note = xasprintf("matched SAN %s", matched);
        return;
    }
    char *late = NULL;
    if (t->chain[0].nsan_total > t->chain[0].nsan_dns + t->chain[0].nsan_ip &&
        x509_san_match(leaf_x, host, &late)) {
        t->hostname_match = true;
        t->hostname_note = xasprintf("matched SAN %s (beyond the %d SANs kept for display)",
                                     late, MX_SAN_MAX);
        free(late);
        return;
    }
    char *ehost = escape_str(host); /* host came from DNS: untrusted too */
    t->hostname_note = hostname_note_miss(&t->chain[0], ehost);
    free(ehost);
}

static void fill_session(struct tls_info *t, SSL *ssl)
{
    int v = SSL_version(ssl);
    /* Before a ServerHello the version is still the method's "any version" marker. */
    if (v > 0 && v != TLS_ANY_VERSION) {
        t->version_num = v;
        t->version = xstrdup(SSL_get_version(ssl));
    }
    const SSL_CIPHER *c = SSL_get_current_cipher(ssl);
    if (c)
        t->cipher = xstrdup(SSL_CIPHER_get_name(c));
    int g = SSL_get_negotiated_group(ssl);
    if (g > 0) {
        const char *name = SSL_group_to_name(ssl, g);
        if (!name && !(g & TLSEXT_nid_unknown))
            name = OBJ_nid2sn(g);
        if (name)
            t->group = xstrdup(name);
    }
    const char *sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    if (sni)
        t->sni = escape_str(sni);
}

void tls_info_fill(struct tls_info *t, SSL *ssl, const struct cert_recorder *r, const char *host,
                   bool handshake_ok, const char *handshake_error)
{
    memset(t, 0, sizeof *t);
    t->present = true;
    t->handshake_ok = handshake_ok;
    if (handshake_error)
        t->handshake_error = escape_str(handshake_error);
    if (!ssl) {
        t->hostname_note = xstrdup("no certificate received");
        return;
    }
    ERR_set_mark();
    fill_session(t, ssl);
    fill_chain(t, ssl, r);
    fill_errors(t, ssl, r);
    X509 *leaf_x = r && r->nchain > 0 ? r->chain[0] : NULL;
    STACK_OF(X509) *sk = leaf_x ? NULL : SSL_get_peer_cert_chain(ssl);
    if (sk && sk_X509_num(sk) > 0)
        leaf_x = sk_X509_value(sk, 0);
    fill_hostname(t, host, leaf_x);
    ERR_pop_to_mark();
}

char *cert_ssl_error_text(void)
{
    char *line = NULL;
    unsigned long e;
    char buf[256];
    while ((e = ERR_get_error()) != 0) {
        ERR_error_string_n(e, buf, sizeof buf);
        char *esc = escape_str(buf);
        list_join(&line, esc, "; "); /* bounded; the rest of the queue is still drained */
        free(esc);
    }
    return line;
}

int cert_ca_file_check(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "is a directory (expected a file of PEM certificates)");
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "is not a regular file (expected a file of PEM certificates)");
        return -1;
    }
    if (st.st_size > CERT_CA_FILE_MAX) {
        snprintf(err, errlen, "is larger than %d MiB", CERT_CA_FILE_MAX >> 20);
        return -1;
    }
    BIO *b = BIO_new_file(path, "r");
    if (!b) {
        int e = errno;
        ERR_clear_error();
        snprintf(err, errlen, "%s", e ? strerror(e) : "cannot be opened");
        return -1;
    }
    STACK_OF(X509_INFO) *infos = PEM_X509_INFO_read_bio(b, NULL, NULL, NULL);
    BIO_free(b);
    int certs = 0;
    for (int i = 0; infos && i < sk_X509_INFO_num(infos); i++)
        certs += sk_X509_INFO_value(infos, i)->x509 != NULL;
    sk_X509_INFO_pop_free(infos, X509_INFO_free);
    ERR_clear_error();
    if (!certs) {
        snprintf(err, errlen, "holds no PEM certificate");
        return -1;
    }
    return 0;
}
