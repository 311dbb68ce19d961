/* cert_ssl - the OpenSSL side of cert.h, for the engine's probes only (never for faces).
 *
 * A verify recorder is attached to an SSL (or to an SSL_CTX, for curl's connections): its
 * verify callback records every chain error and the chain as sent, and never aborts the
 * handshake itself unless asked to (Postfix tls_verify.c: "never terminate the handshake"). */
#ifndef MXRAY_CERT_SSL_H
#define MXRAY_CERT_SSL_H
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include "cert.h"

struct cert_recorder; /* opaque; owned by whoever created it */

/* cert_recorder_new - enforce: when true, the callback returns the verification result (the
 * handshake fails on a bad chain, as curl and a real sender would); when false it returns 1. */
struct cert_recorder *cert_recorder_new(bool enforce);
void cert_recorder_free(struct cert_recorder *r);
/* Attach to one SSL (SMTP) or to every SSL of a CTX (curl's CURLOPT_SSL_CTX_FUNCTION). Both
 * install the verify callback with SSL_VERIFY_PEER. */
void cert_recorder_attach_ssl(struct cert_recorder *r, SSL *ssl);
void cert_recorder_attach_ctx(struct cert_recorder *r, SSL_CTX *ctx);

/* cert_info_from_x509 - fill out from x (depth as given). Returns 0, or -1 on a parse failure
 * (out then still holds what could be read). */
int cert_info_from_x509(X509 *x, int depth, struct cert_info *out);

/* tls_info_fill - after a handshake attempt on ssl: protocol, cipher, group, the recorded chain
 * (or SSL_get_peer_cert_chain when nothing was recorded), the recorded errors, and the name
 * match of the leaf against host. handshake_error may be NULL. now is used for expiry. */
void tls_info_fill(struct tls_info *t, SSL *ssl, const struct cert_recorder *r, const char *host,
                   bool handshake_ok, const char *handshake_error);

/* cert_ssl_error_text - drain OpenSSL's error queue into one line (caller frees), or NULL. */
char *cert_ssl_error_text(void);

#endif
