/* certgen - throwaway certificates for tests: a CA, intermediates, leaves with chosen SANs,
 * CN, validity window and key type, PEM files in a temp dir, and ready SSL_CTXs.
 *
 * Header-only (every function is static): tests/CMakeLists.txt builds each test_*.c with
 * testlib.c only, so include this from any test file. Nothing here touches the network.
 *
 *   struct certgen_ca *ca = certgen_ca_new("mxray test CA");      // root, EC P-256, 10 years
 *   const char *sans[] = {"mx1.example.com", "*.example.net", "IP:127.0.0.1"};
 *   EVP_PKEY *key;
 *   X509 *leaf = certgen_leaf(ca, &key, sans, 3, "mx1.example.com",
 *                             -3600, 30 * 86400);   // valid from 1 h ago for 30 days
 *   char *dir = certgen_tmpdir();                     // /tmp/mxray-certgen-XXXXXX
 *   certgen_write_pem(dir, "mx1", leaf, key, NULL, 0); // dir/mx1.crt and dir/mx1.key
 *   certgen_write_pem(dir, "ca", ca->cert, NULL, NULL, 0); // dir/ca.crt, a --ca-file
 *   char *crt = certgen_path(dir, "mx1", "crt");       // caller frees
 *   SSL_CTX *srv = certgen_server_ctx(leaf, key, NULL, 0);
 *   SSL_CTX *cli = certgen_client_ctx(ca);             // trusts ca only
 *   ...
 *   SSL_CTX_free(srv); SSL_CTX_free(cli); X509_free(leaf); EVP_PKEY_free(key);
 *   certgen_ca_free(ca); certgen_rmtree(dir); free(dir); free(crt);
 *
 * Validity offsets are seconds relative to now: expired = (-30 * 86400, -86400); expiring in
 * 5 days = (-86400, 5 * 86400); not yet valid = (86400, 30 * 86400).
 * SAN strings: "name" or "DNS:name" (dNSName, bytes taken verbatim, so odd names work),
 * "IP:127.0.0.1" / "IP:::1" (iPAddress), "URI:..." (uniformResourceIdentifier).
 * ca == NULL for a leaf makes it self-signed. certgen_leaf_ex takes every option (key type,
 * AIA OCSP / caIssuers, CRL distribution point, embedded SCTs, no EKU, CA flag, serial).
 * Ownership: every X509 / EVP_PKEY / SSL_CTX / struct certgen_ca returned is the caller's;
 * functions taking them only borrow (SSL_CTX helpers take their own references).
 * Failures return NULL / -1; tests should assert on them. */
#ifndef MXRAY_TEST_CERTGEN_H
#define MXRAY_TEST_CERTGEN_H
#include <arpa/inet.h>
#include <dirent.h>
#include <openssl/ct.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Every helper is static (one copy per test executable); unused ones must not warn. */
#define CERTGEN_API static __attribute__((unused))

enum certgen_keytype {
    CERTGEN_EC_P256 = 0, /* the default: fast to generate */
    CERTGEN_EC_P384,
    CERTGEN_RSA2048,
    CERTGEN_RSA1024,     /* for "weak key" scenarios */
    CERTGEN_ED25519,
};

struct certgen_ca {
    X509 *cert;
    EVP_PKEY *key;
};

struct certgen_opts {
    const char *cn;                /* subject CN, NULL for none */
    const char *org;               /* subject O, NULL for none */
    const char *const *sans;       /* see the header comment; nsans 0 = no SAN extension */
    size_t nsans;
    long not_before;               /* seconds relative to now */
    long not_after;
    enum certgen_keytype key;
    const char *ocsp;              /* AIA OCSP URL, or NULL */
    const char *ca_issuers;        /* AIA caIssuers URL, or NULL */
    const char *crl;               /* CRL distribution point URL, or NULL */
    bool is_ca;                    /* basicConstraints CA:TRUE + keyCertSign */
    int path_len;                  /* with is_ca: pathlen, -1 for none */
    bool no_eku;                   /* omit extendedKeyUsage serverAuth */
    long serial;                   /* 0 = random */
    int scts;                      /* embedded SCTs (fake log ids and signatures), 0 = none */
};

/* certgen_key - a new key of the given type, or NULL. */
CERTGEN_API EVP_PKEY *certgen_key(enum certgen_keytype t)
{
    switch (t) {
    case CERTGEN_EC_P384:
        return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    case CERTGEN_RSA2048:
        return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    case CERTGEN_RSA1024:
        return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
    case CERTGEN_ED25519:
        return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    case CERTGEN_EC_P256:
    default:
        return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    }
}

CERTGEN_API int certgen_add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (!ext)
        return -1;
    int ok = X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    return ok ? 0 : -1;
}

/* certgen_add_sans - SANs built by hand so names with commas or odd bytes survive. */
CERTGEN_API int certgen_add_sans(X509 *x, const char *const *sans, size_t n)
{
    GENERAL_NAMES *gens = sk_GENERAL_NAME_new_null();
    int rc = -1;
    if (!gens)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const char *s = sans[i];
        GENERAL_NAME *g = GENERAL_NAME_new();
        ASN1_STRING *v = NULL;
        int type = GEN_DNS;
        if (!g)
            goto out;
        if (strncmp(s, "IP:", 3) == 0) {
            unsigned char buf[16];
            int len = strchr(s + 3, ':') ? 16 : 4;
            if (inet_pton(len == 16 ? AF_INET6 : AF_INET, s + 3, buf) != 1) {
                GENERAL_NAME_free(g);
                goto out;
            }
            type = GEN_IPADD;
            v = ASN1_OCTET_STRING_new();
            if (v)
                ASN1_STRING_set(v, buf, len);
        } else {
            if (strncmp(s, "URI:", 4) == 0)
                type = GEN_URI, s += 4;
            else if (strncmp(s, "DNS:", 4) == 0)
                s += 4;
            v = ASN1_IA5STRING_new();
            if (v)
                ASN1_STRING_set(v, s, (int)strlen(s));
        }
        if (!v) {
            GENERAL_NAME_free(g);
            goto out;
        }
        GENERAL_NAME_set0_value(g, type, v);
        if (!sk_GENERAL_NAME_push(gens, g)) {
            GENERAL_NAME_free(g);
            goto out;
        }
    }
    rc = X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0, X509V3_ADD_DEFAULT) == 1 ? 0 : -1;
out:
    GENERAL_NAMES_free(gens);
    return rc;
}

/* certgen_add_scts - n syntactically valid SCTs in the precertificate SCT list extension;
 * nothing verifies them, which is all a parser test needs. */
CERTGEN_API int certgen_add_scts(X509 *x, int n)
{
    STACK_OF(SCT) *sk = sk_SCT_new_null();
    int rc = -1;
    if (!sk)
        return -1;
    for (int i = 0; i < n; i++) {
        unsigned char id[32] = {(unsigned char)i, 0x5c}, sig[8] = {1, 2, 3, 4, 5, 6, 7, 8};
        SCT *sct = SCT_new();
        if (!sct)
            goto out;
        if (!SCT_set_version(sct, SCT_VERSION_V1) || !SCT_set1_log_id(sct, id, sizeof id) ||
            !SCT_set1_signature(sct, sig, sizeof sig) || !sk_SCT_push(sk, sct)) {
            SCT_free(sct);
            goto out;
        }
        SCT_set_timestamp(sct, 1700000000000ULL + (uint64_t)i);
        SCT_set_signature_nid(sct, NID_ecdsa_with_SHA256);
    }
    rc = X509_add1_ext_i2d(x, NID_ct_precert_scts, sk, 0, X509V3_ADD_DEFAULT) == 1 ? 0 : -1;
out:
    SCT_LIST_free(sk);
    return rc;
}

CERTGEN_API int certgen_set_name(X509_NAME *name, const char *cn, const char *org)
{
    if (org && !X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)org,
                                           -1, -1, 0))
        return -1;
    if (cn && !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn,
                                          -1, -1, 0))
        return -1;
    return 0;
}

CERTGEN_API int certgen_set_serial(X509 *x, long serial)
{
    ASN1_INTEGER *ai = X509_get_serialNumber(x);
    if (serial > 0)
        return ASN1_INTEGER_set(ai, serial) ? 0 : -1;
    BIGNUM *bn = BN_new();
    int rc = bn && BN_rand(bn, 63, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) &&
             BN_to_ASN1_INTEGER(bn, ai) ? 0 : -1;
    BN_free(bn);
    return rc;
}

CERTGEN_API int certgen_add_exts(X509 *x, X509 *issuer, const struct certgen_opts *o)
{
    char buf[512];
    if (o->is_ca) {
        if (o->path_len >= 0)
            snprintf(buf, sizeof buf, "critical,CA:TRUE,pathlen:%d", o->path_len);
        else
            snprintf(buf, sizeof buf, "critical,CA:TRUE");
        if (certgen_add_ext(x, issuer, NID_basic_constraints, buf) ||
            certgen_add_ext(x, issuer, NID_key_usage, "critical,keyCertSign,cRLSign"))
            return -1;
    } else {
        if (certgen_add_ext(x, issuer, NID_basic_constraints, "critical,CA:FALSE") ||
            certgen_add_ext(x, issuer, NID_key_usage,
                            "critical,digitalSignature,keyEncipherment"))
            return -1;
        if (!o->no_eku && certgen_add_ext(x, issuer, NID_ext_key_usage, "serverAuth"))
            return -1;
    }
    if (certgen_add_ext(x, issuer, NID_subject_key_identifier, "hash"))
        return -1;
    if (issuer != x && certgen_add_ext(x, issuer, NID_authority_key_identifier, "keyid:always"))
        return -1;
    if (o->nsans && certgen_add_sans(x, o->sans, o->nsans))
        return -1;
    if (o->ocsp || o->ca_issuers) {
        snprintf(buf, sizeof buf, "%s%s%s%s%s", o->ocsp ? "OCSP;URI:" : "",
                 o->ocsp ? o->ocsp : "", o->ocsp && o->ca_issuers ? "," : "",
                 o->ca_issuers ? "caIssuers;URI:" : "", o->ca_issuers ? o->ca_issuers : "");
        if (certgen_add_ext(x, issuer, NID_info_access, buf))
            return -1;
    }
    if (o->crl) {
        snprintf(buf, sizeof buf, "URI:%s", o->crl);
        if (certgen_add_ext(x, issuer, NID_crl_distribution_points, buf))
            return -1;
    }
    if (o->scts > 0 && certgen_add_scts(x, o->scts))
        return -1;
    return 0;
}

/* certgen_leaf_ex - a certificate signed by ca (self-signed when ca is NULL). *key_out
 * receives its new key (caller frees); key_out may be NULL when the key is not wanted. */
CERTGEN_API X509 *certgen_leaf_ex(const struct certgen_ca *ca, EVP_PKEY **key_out,
                             const struct certgen_opts *o)
{
    EVP_PKEY *key = certgen_key(o->key);
    X509 *x = X509_new();
    if (key_out)
        *key_out = NULL;
    if (!key || !x)
        goto fail;
    X509 *issuer = ca ? ca->cert : x;
    EVP_PKEY *signer = ca ? ca->key : key;
    if (!X509_set_version(x, X509_VERSION_3) || certgen_set_serial(x, o->serial) ||
        !X509_gmtime_adj(X509_getm_notBefore(x), o->not_before) ||
        !X509_gmtime_adj(X509_getm_notAfter(x), o->not_after) || !X509_set_pubkey(x, key) ||
        certgen_set_name(X509_get_subject_name(x), o->cn, o->org))
        goto fail;
    if (!X509_set_issuer_name(x, X509_get_subject_name(issuer)) ||
        certgen_add_exts(x, issuer, o))
        goto fail;
    /* EdDSA signs without a separate digest. */
    const EVP_MD *md = EVP_PKEY_get_base_id(signer) == EVP_PKEY_ED25519 ? NULL : EVP_sha256();
    if (!X509_sign(x, signer, md))
        goto fail;
    if (key_out)
        *key_out = key;
    else
        EVP_PKEY_free(key);
    return x;
fail:
    X509_free(x);
    EVP_PKEY_free(key);
    return NULL;
}

/* certgen_leaf - the common case: a server certificate with SANs and a CN, EC P-256. */
CERTGEN_API X509 *certgen_leaf(const struct certgen_ca *ca, EVP_PKEY **key_out,
                          const char *const sans[], size_t nsans, const char *cn,
                          long not_before_offset_s, long not_after_offset_s)
{
    struct certgen_opts o = {
        .cn = cn, .sans = sans, .nsans = nsans, .not_before = not_before_offset_s,
        .not_after = not_after_offset_s, .path_len = -1,
    };
    return certgen_leaf_ex(ca, key_out, &o);
}

CERTGEN_API void certgen_ca_free(struct certgen_ca *ca)
{
    if (!ca)
        return;
    X509_free(ca->cert);
    EVP_PKEY_free(ca->key);
    free(ca);
}

/* certgen_ca_new_ex - a root (parent NULL) or an intermediate signed by parent. */
CERTGEN_API struct certgen_ca *certgen_ca_new_ex(const char *cn,
                                                 const struct certgen_ca *parent,
                                                 enum certgen_keytype kt, long not_before,
                                                 long not_after)
{
    struct certgen_ca *ca = calloc(1, sizeof *ca);
    struct certgen_opts o = {
        .cn = cn, .org = "mxray test", .not_before = not_before, .not_after = not_after,
        .key = kt, .is_ca = true, .path_len = -1,
    };
    if (!ca)
        return NULL;
    ca->cert = certgen_leaf_ex(parent, &ca->key, &o);
    if (!ca->cert) {
        certgen_ca_free(ca);
        return NULL;
    }
    return ca;
}

/* certgen_ca_new - a self-signed root CA, EC P-256, valid from a day ago for ten years. */
CERTGEN_API struct certgen_ca *certgen_ca_new(const char *cn)
{
    return certgen_ca_new_ex(cn, NULL, CERTGEN_EC_P256, -86400, 3650L * 86400);
}

/* certgen_tmpdir - a fresh private directory under /tmp (caller frees the string). */
CERTGEN_API char *certgen_tmpdir(void)
{
    char tmpl[] = "/tmp/mxray-certgen-XXXXXX";
    if (!mkdtemp(tmpl))
        return NULL;
    return strdup(tmpl);
}

/* certgen_path - "dir/name.ext" (caller frees). */
CERTGEN_API char *certgen_path(const char *dir, const char *name, const char *ext)
{
    size_t n = strlen(dir) + strlen(name) + strlen(ext) + 3;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s.%s", dir, name, ext);
    return p;
}

/* certgen_rmtree - remove the files of a flat directory made by certgen_tmpdir, then it. */
CERTGEN_API void certgen_rmtree(const char *dir)
{
    DIR *d = dir ? opendir(dir) : NULL;
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        char *p = malloc(n);
        if (p) {
            snprintf(p, n, "%s/%s", dir, e->d_name);
            unlink(p);
            free(p);
        }
    }
    closedir(d);
    rmdir(dir);
}

/* certgen_write_pem - dir/name.crt = cert then chain[0..nchain) (as a server sends them),
 * and dir/name.key when key is non-NULL (unencrypted PKCS#8). Returns 0 or -1. */
CERTGEN_API int certgen_write_pem(const char *dir, const char *name, X509 *cert, EVP_PKEY *key,
                             X509 *const chain[], size_t nchain)
{
    char *crt = certgen_path(dir, name, "crt");
    char *kf = certgen_path(dir, name, "key");
    int rc = -1;
    FILE *f = crt ? fopen(crt, "w") : NULL;
    if (!f)
        goto out;
    int ok = PEM_write_X509(f, cert);
    for (size_t i = 0; ok && i < nchain; i++)
        ok = PEM_write_X509(f, chain[i]);
    if (fclose(f) != 0 || !ok)
        goto out;
    if (key) {
        f = kf ? fopen(kf, "w") : NULL;
        if (!f)
            goto out;
        ok = PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
        if (fclose(f) != 0 || !ok)
            goto out;
    }
    rc = 0;
out:
    free(crt);
    free(kf);
    return rc;
}

/* certgen_server_ctx - a TLS server context presenting cert (+ chain) with key. */
CERTGEN_API SSL_CTX *certgen_server_ctx(X509 *cert, EVP_PKEY *key, X509 *const chain[],
                                       size_t nchain)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx)
        return NULL;
    if (SSL_CTX_use_certificate(ctx, cert) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1)
        goto fail;
    for (size_t i = 0; i < nchain; i++)
        if (SSL_CTX_add1_chain_cert(ctx, chain[i]) != 1)
            goto fail;
    return ctx;
fail:
    SSL_CTX_free(ctx);
    return NULL;
}

/* certgen_client_ctx - a TLS client context whose only trust anchor is trust (may be NULL:
 * trusts nothing). Verification mode is left to the caller (or to a cert_recorder). */
CERTGEN_API SSL_CTX *certgen_client_ctx(const struct certgen_ca *trust)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx)
        return NULL;
    if (trust && X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), trust->cert) != 1) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

#endif
