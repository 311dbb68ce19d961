/* dane - DANE for SMTP (RFC 7672): verify a certificate chain against TLSA records with
 * OpenSSL's own DANE code (SSL_dane_enable, SSL_dane_tlsa_add, X509_verify_cert); no TLSA
 * matching is written here.
 *
 * Design: the SMTP probe never waits for DNS. It records the chain as the server sent it (DER,
 * struct cert_info); once both the probe and the TLSA answer are in, the step graph calls
 * dane_verify on that chain. So the TLSA lookup runs in parallel with the A/AAAA lookups and
 * never lengthens the critical path (MX -> address -> SMTP session), and the probe stays one
 * handshake that serves MTA-STS and DANE alike. The verification is the one a DANE sender's
 * OpenSSL runs inside its handshake (ssl_verify_cert_chain): the same X509_STORE_CTX with the
 * SSL's DANE state attached (X509_STORE_CTX_set0_dane), so SSL_get0_dane_tlsa says which
 * record matched which certificate. One difference is stated, not hidden: the probe's SNI is
 * the MX host name even when the TLSA base domain is its CNAME target (RFC 7672 8.1).
 *
 * Rules applied (RFC 7672 3.1): DANE-EE(3) without name or expiry checks
 * (DANE_FLAG_NO_DANE_EE_NAMECHECKS; OpenSSL skips expiry for an EE match), DANE-TA(2) with
 * name checks against the TLSA base domain and the MX host name (3.2.2), PKIX-TA(0) and
 * PKIX-EE(1) unusable for SMTP (3.1.3) and never handed to OpenSSL.
 * No OpenSSL type appears here; faces never include this header. */
#ifndef MXRAY_DANE_H
#define MXRAY_DANE_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "cert.h"

struct dane_rec {
    uint8_t usage, selector, mtype;
    const unsigned char *data;
    size_t len;
};

struct dane_result {
    bool ok;          /* a record authenticated the chain */
    int matched;      /* index (into the records given) of the record OpenSSL matched, or -1 */
    int depth;        /* chain depth of the certificate it matched, or -1 */
    char *error;      /* escaped reason when !ok (X509 verify error text), else NULL */
};

/* dane_unusable - NULL when a DANE sender can use the record, else why not (static text).
 * RFC 7672 3.1.3: usages 0 and 1 are unusable; RFC 6698 2.1.2-2.1.3: selector 0/1 and matching
 * type 0/1/2 are the known ones. */
const char *dane_unusable(uint8_t usage, uint8_t selector, uint8_t mtype);

/* dane_accepts - true when OpenSSL accepts the record for DANE (SSL_dane_tlsa_add > 0): a
 * digest of the right length, a parsable certificate or key for matching type 0. */
bool dane_accepts(const struct dane_rec *r);

/* dane_verify - verify chain (as sent, leaf first, DER in each cert_info) against the usable
 * records recs[0..n). base is the TLSA base domain, mx_host the MX host name (both are DANE-TA
 * reference identifiers). Fills out (caller frees out->error). Returns 0, or -1 when nothing
 * could be verified (no chain, no usable record, out of memory) with out->error set. */
int dane_verify(const struct cert_info *chain, size_t nchain, const struct dane_rec *recs,
                size_t n, const char *base, const char *mx_host, struct dane_result *out);

void dane_result_clear(struct dane_result *r);

#endif
