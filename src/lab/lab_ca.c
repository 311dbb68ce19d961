/* lab_ca - the lab's ephemeral certificate authority, made with the OpenSSL API at start.
 *
 * EC P-256 keys (fast to generate). The CA lives only in memory and in the PEM file the lab
 * writes for clients; it signs one leaf per policy host and MX host, of the kind a scenario
 * asks for (good, expired, expiring in 5 days, self-signed, wrong name). lab_ca_server_ctx
 * returns an SSL_CTX the caller owns (SSL_CTX_free). */
#include "lab_int.h"
#include "xalloc.h"
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#define DAY (24L * 3600)

struct lab_ca {
    EVP_PKEY *key;
    X509 *cert;
};

static void ssl_err(char *err, size_t errlen, const char *what)
{
    char buf[256] = "";
    unsigned long e = ERR_get_error();
    if (e)
        ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    snprintf(err, errlen, "%s failed%s%s", what, buf[0] ? ": " : "", buf);
}

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (!ext)
        return -1;
    int rc = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return rc == 1 ? 0 : -1;
}

/* new_cert - subject CN, random serial, validity [now+from, now+to] seconds, public key. */
static X509 *new_cert(const char *cn, long from, long to, EVP_PKEY *key)
{
    X509 *x = X509_new();
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f; /* positive */
    BIGNUM *bn = BN_bin2bn(serial, sizeof serial, NULL);
    X509_set_version(x, 2);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(x), from);
    X509_gmtime_adj(X509_getm_notAfter(x), to);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"mxray lab", -1,
                               -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
    X509_set_pubkey(x, key);
    return x;
}

struct lab_ca *lab_ca_new(char *err, size_t errlen)
{
    struct lab_ca *ca = xcalloc(1, sizeof *ca);
    ca->key = EVP_EC_gen("P-256");
    if (!ca->key) {
        ssl_err(err, errlen, "CA key generation");
        lab_ca_free(ca);
        return NULL;
    }
    ca->cert = new_cert("mxray lab CA (throwaway)", -DAY, 30 * DAY, ca->key);
    X509_set_issuer_name(ca->cert, X509_get_subject_name(ca->cert));
    if (add_ext(ca->cert, ca->cert, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
        add_ext(ca->cert, ca->cert, NID_key_usage, "critical,keyCertSign,cRLSign") ||
        add_ext(ca->cert, ca->cert, NID_subject_key_identifier, "hash") ||
        !X509_sign(ca->cert, ca->key, EVP_sha256())) {
        ssl_err(err, errlen, "CA certificate");
        lab_ca_free(ca);
        return NULL;
    }
    return ca;
}

void lab_ca_free(struct lab_ca *ca)
{
    if (!ca)
        return;
    EVP_PKEY_free(ca->key);
    X509_free(ca->cert);
    free(ca);
}

int lab_ca_write_pem(const struct lab_ca *ca, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int ok = PEM_write_X509(f, ca->cert);
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* validity - [from, to] relative to now for a kind (RFC 8461 4.2 checks expiry). */
static void validity(enum lab_cert_kind kind, long *from, long *to)
{
    *from = -DAY;
    *to = 90 * DAY;
    if (kind == LAB_CERT_EXPIRED) {
        *from = -60 * DAY;
        *to = -DAY;
    } else if (kind == LAB_CERT_EXPIRING) {
        *from = -80 * DAY;
        *to = 5 * DAY;
    }
}

static X509 *issue(const struct lab_ca *ca, enum lab_cert_kind kind, const char *const *names,
                   size_t n, EVP_PKEY *key)
{
    long from, to;
    validity(kind, &from, &to);
    X509 *x = new_cert(names[0], from, to, key);
    bool self = kind == LAB_CERT_SELF_SIGNED;
    X509 *issuer = self ? x : ca->cert;
    X509_set_issuer_name(x, X509_get_subject_name(issuer));
    size_t cap = 16;
    for (size_t i = 0; i < n; i++)
        cap += strlen(names[i]) + 5;
    char *san = xcalloc(1, cap);
    for (size_t i = 0; i < n; i++)
        snprintf(san + strlen(san), cap - strlen(san), "%sDNS:%s", i ? "," : "", names[i]);
    int bad = add_ext(x, issuer, NID_basic_constraints, "critical,CA:FALSE") ||
              add_ext(x, issuer, NID_key_usage, "critical,digitalSignature") ||
              add_ext(x, issuer, NID_ext_key_usage, "serverAuth") ||
              add_ext(x, issuer, NID_subject_alt_name, san) ||
              add_ext(x, issuer, NID_subject_key_identifier, "hash") ||
              (!self && add_ext(x, issuer, NID_authority_key_identifier, "keyid:always")) ||
              !X509_sign(x, self ? key : ca->key, EVP_sha256());
    free(san);
    if (bad) {
        X509_free(x);
        return NULL;
    }
    return x;
}

X509 *lab_ca_cert(const struct lab_ca *ca)
{
    return ca->cert;
}

X509 *lab_ca_spare(const struct lab_ca *ca, const char *host)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    const char *names[] = {host};
    X509 *x = key ? issue(ca, LAB_CERT_GOOD, names, 1, key) : NULL;
    EVP_PKEY_free(key);
    return x;
}

static int set_versions(SSL_CTX *ctx, int tls_max)
{
    if (tls_max < TLS1_2_VERSION) {
        /* OpenSSL 3 allows TLS 1.0/1.1 only at security level 0 */
        if (!SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0"))
            return -1;
        SSL_CTX_set_security_level(ctx, 0);
        if (!SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION))
            return -1;
    } else if (!SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION)) {
        return -1;
    }
    return SSL_CTX_set_max_proto_version(ctx, tls_max) ? 0 : -1;
}

SSL_CTX *lab_ca_server_ctx(const struct lab_ca *ca, enum lab_cert_kind kind,
                           const char *const *names, size_t nnames, int tls_max, char *err,
                           size_t errlen)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = key && nnames ? issue(ca, kind, names, nnames, key) : NULL;
    SSL_CTX *ctx = x ? SSL_CTX_new(TLS_server_method()) : NULL;
    if (!ctx || SSL_CTX_use_certificate(ctx, x) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
        set_versions(ctx, tls_max)) {
        ssl_err(err, errlen, "server certificate");
        SSL_CTX_free(ctx);
        ctx = NULL;
    } else {
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    }
    X509_free(x);
    EVP_PKEY_free(key);
    return ctx;
}
