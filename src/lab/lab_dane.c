/* lab_dane - the TLSA records (RFC 6698 2.1) a lab MX host publishes, made at lab start from
 * the certificates made then, so a scenario can say "3 1 1 of the served key" without a fixed
 * digest: selector 0 takes the certificate's DER, selector 1 its SubjectPublicKeyInfo;
 * matching type 0 is that data, 1 its SHA-256, 2 its SHA-512. "next" and "old" name a fresh
 * certificate whose key no server uses. Owners are _25._tcp.HOST (RFC 7672 2.2.3). */
#include "lab_int.h"
#include "xalloc.h"
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LAB_DNS_T_TLSA 52

bool lab_dane_wants_ca(const struct lab_mx *mx)
{
    for (size_t i = 0; i < mx->ntlsa; i++)
        if (mx->tlsa[i].ref == LAB_TLSA_CA)
            return true;
    return false;
}

/* selected - DER of the certificate (selector 0) or of its public key (selector 1). */
static unsigned char *selected(X509 *x, uint8_t selector, size_t *len)
{
    unsigned char *der = NULL;
    int n = selector == 0 ? i2d_X509(x, &der) : i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
    if (n <= 0)
        return NULL;
    *len = (size_t)n;
    return der;
}

/* rdata - usage, selector, matching type, then the association data. */
static int rdata(const struct lab_tlsa *t, X509 *x, struct lab_rr *rr)
{
    size_t len = 0;
    unsigned char *der = selected(x, t->selector, &len);
    if (!der)
        return -1;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    const unsigned char *data = der;
    if (t->mtype == 1 || t->mtype == 2) {
        if (!EVP_Digest(der, len, md, &mdlen, t->mtype == 1 ? EVP_sha256() : EVP_sha512(), NULL)) {
            OPENSSL_free(der);
            return -1;
        }
        data = md;
        len = mdlen;
    }
    rr->rdlen = 3 + len;
    rr->rdata = xmalloc(rr->rdlen);
    rr->rdata[0] = t->usage, rr->rdata[1] = t->selector, rr->rdata[2] = t->mtype;
    memcpy(rr->rdata + 3, data, len);
    OPENSSL_free(der);
    return 0;
}

int lab_dane_records(const struct lab_ca *ca, const struct lab_mx *mx, X509 *leaf,
                     struct lab_rr **out, size_t *n, char *err, size_t errlen)
{
    *out = xcalloc(mx->ntlsa ? mx->ntlsa : 1, sizeof **out);
    *n = 0;
    for (size_t i = 0; i < mx->ntlsa; i++) {
        const struct lab_tlsa *t = &mx->tlsa[i];
        X509 *spare = NULL, *x = leaf;
        if (t->ref == LAB_TLSA_CA)
            x = lab_ca_cert(ca);
        else if (t->ref != LAB_TLSA_LEAF)
            x = spare = lab_ca_spare(ca, mx->host);
        struct lab_rr *rr = &(*out)[*n];
        int rc = x ? rdata(t, x, rr) : -1;
        X509_free(spare);
        if (rc) {
            snprintf(err, errlen, "TLSA record for %s", mx->host);
            lab_dane_free(*out, *n);
            *out = NULL;
            *n = 0;
            return -1;
        }
        rr->owner = xasprintf("_25._tcp.%s", mx->host);
        rr->type = LAB_DNS_T_TLSA;
        (*n)++;
    }
    return 0;
}

void lab_dane_free(struct lab_rr *rr, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(rr[i].owner);
        free(rr[i].rdata);
        free(rr[i].target);
    }
    free(rr);
}
