/* dane - DANE verification of a captured chain with OpenSSL (contract and design in dane.h).
 *
 * One throwaway SSL_CTX + SSL carries the DANE state (base domain, extra reference name,
 * records); an X509_STORE_CTX over an empty store verifies the chain with that state attached,
 * exactly as OpenSSL's ssl_verify_cert_chain does during a handshake. Nothing is cached; every
 * object is freed before returning. */
#include "dane.h"
#include "escape.h"
#include "mx_limits.h"
#include "xalloc.h"
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <string.h>
#include <strings.h>

const char *dane_unusable(uint8_t usage, uint8_t selector, uint8_t mtype)
{
    if (usage == 0 || usage == 1)
        return "PKIX usage (0/1) is unusable for SMTP (RFC 7672 3.1.3)";
    if (usage != 2 && usage != 3)
        return "unknown certificate usage";
    if (selector > 1)
        return "unknown selector";
    if (mtype > 2)
        return "unknown matching type";
    return NULL;
}

/* dane_ssl_new - a client SSL with DANE enabled for base (and mx_host as a second name). */
static SSL *dane_ssl_new(SSL_CTX **ctx, const char *base, const char *mx_host)
{
    *ctx = SSL_CTX_new(TLS_client_method());
    if (!*ctx || SSL_CTX_dane_enable(*ctx) <= 0)
        return NULL;
    SSL *ssl = SSL_new(*ctx);
    if (!ssl)
        return NULL;
    if (SSL_dane_enable(ssl, base && *base ? base : NULL) <= 0) {
        SSL_free(ssl);
        return NULL;
    }
    /* RFC 7672 3.2.2: the MX host name is a reference identifier beside the base domain. */
    if (mx_host && *mx_host && (!base || strcasecmp(base, mx_host) != 0))
        SSL_add1_host(ssl, mx_host);
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    /* RFC 7672 3.1.1: DANE-EE(3) authenticates the key alone: no name check. */
    SSL_dane_set_flags(ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
    return ssl;
}

bool dane_accepts(const struct dane_rec *r)
{
    if (dane_unusable(r->usage, r->selector, r->mtype))
        return false;
    SSL_CTX *ctx = NULL;
    SSL *ssl = dane_ssl_new(&ctx, "dane.invalid", NULL);
    bool ok = ssl && SSL_dane_tlsa_add(ssl, r->usage, r->selector, r->mtype, r->data, r->len) > 0;
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    ERR_clear_error();
    return ok;
}

/* chain_load - the DER chain as X509 objects: leaf in *leaf, the rest in *rest. */
static int chain_load(const struct cert_info *chain, size_t nchain, X509 **leaf,
                      STACK_OF(X509) **rest)
{
    *leaf = NULL;
    *rest = sk_X509_new_null();
    for (size_t i = 0; i < nchain && i < MX_CHAIN_MAX; i++) {
        const unsigned char *p = chain[i].der;
        X509 *x = p ? d2i_X509(NULL, &p, (long)chain[i].der_len) : NULL;
        if (!x)
            return i == 0 ? -1 : 0; /* verify with what parsed */
        if (i == 0)
            *leaf = x;
        else
            sk_X509_push(*rest, x);
    }
    return *leaf ? 0 : -1;
}

/* matched_index - which of recs OpenSSL reports as the match (same fields and data). */
static int matched_index(SSL *ssl, const struct dane_rec *recs, size_t n, int *depth)
{
    uint8_t u, s, m;
    const unsigned char *data = NULL;
    size_t dlen = 0;
    *depth = SSL_get0_dane_tlsa(ssl, &u, &s, &m, &data, &dlen);
    if (*depth < 0 || !data)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (recs[i].usage == u && recs[i].selector == s && recs[i].mtype == m &&
            recs[i].len == dlen && memcmp(recs[i].data, data, dlen) == 0)
            return (int)i;
    return -1;
}

static void set_error(struct dane_result *out, const char *why)
{
    free(out->error);
    out->error = escape_str(why);
}

/* run_verify - X509_verify_cert with the SSL's DANE state, as ssl_verify_cert_chain does. */
static int run_verify(SSL *ssl, X509 *leaf, STACK_OF(X509) *rest, struct dane_result *out)
{
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *sctx = X509_STORE_CTX_new();
    int rc = -1;
    if (!store || !sctx || !X509_STORE_CTX_init(sctx, store, leaf, rest)) {
        set_error(out, "out of memory");
        goto done;
    }
    X509_STORE_CTX_set0_dane(sctx, SSL_get0_dane(ssl));
    X509_STORE_CTX_set_default(sctx, "ssl_server");
    X509_VERIFY_PARAM_set1(X509_STORE_CTX_get0_param(sctx), SSL_get0_param(ssl));
    int ok = X509_verify_cert(sctx);
    int err = X509_STORE_CTX_get_error(sctx);
    SSL_set_verify_result(ssl, ok > 0 ? X509_V_OK : err);
    out->ok = ok > 0 && err == X509_V_OK;
    if (!out->ok)
        set_error(out, X509_verify_cert_error_string(err ? err : X509_V_ERR_UNSPECIFIED));
    rc = 0;
done:
    X509_STORE_CTX_free(sctx);
    X509_STORE_free(store);
    return rc;
}

int dane_verify(const struct cert_info *chain, size_t nchain, const struct dane_rec *recs,
                size_t n, const char *base, const char *mx_host, struct dane_result *out)
{
    memset(out, 0, sizeof *out);
    out->matched = out->depth = -1;
    X509 *leaf = NULL;
    STACK_OF(X509) *rest = NULL;
    SSL_CTX *ctx = NULL;
    SSL *ssl = NULL;
    int rc = -1, added = 0;
    if (chain_load(chain, nchain, &leaf, &rest) < 0) {
        set_error(out, "no certificate to verify");
        goto done;
    }
    if (!(ssl = dane_ssl_new(&ctx, base, mx_host))) {
        set_error(out, "OpenSSL DANE setup failed");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        if (!dane_unusable(recs[i].usage, recs[i].selector, recs[i].mtype) &&
            SSL_dane_tlsa_add(ssl, recs[i].usage, recs[i].selector, recs[i].mtype,
                              recs[i].data, recs[i].len) > 0)
            added++;
    if (!added) {
        set_error(out, "no usable TLSA record");
        goto done;
    }
    rc = run_verify(ssl, leaf, rest, out);
    if (rc == 0 && out->ok)
        out->matched = matched_index(ssl, recs, n, &out->depth);
done:
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    X509_free(leaf);
    sk_X509_pop_free(rest, X509_free);
    ERR_clear_error();
    return rc;
}

void dane_result_clear(struct dane_result *r)
{
    free(r->error);
    r->error = NULL;
}
