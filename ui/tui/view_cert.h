/* view_cert - one certificate in full, a chain as a list, and saving a certificate's PEM.
 *
 * Contract: the line builders only read their arguments (borrowed from a report) and the
 * time passed in; view_cert_write is the one function here that touches the file system. */
#ifndef MXRAY_VIEW_CERT_H
#define MXRAY_VIEW_CERT_H
#include <stddef.h>
#include <stdbool.h>
#include <time.h>
#include "cert.h"
#include "tui_text.h"
#include "view_detail.h"

/* view_cert_build - every field of the certificate of a TN_CERT row. An MX address's
 * certificate (row->host and row->addr set) gets the DANE lines too. */
void view_cert_build(struct tui_lines *out, const struct view_ctx *v, const struct tui_row *row);
/* view_cert_pem - the PEM of c, one line per line, exactly as OpenSSL wrote it: to be drawn
 * from the first column, never wrapped, so what is copied from the screen is the PEM. Returns
 * the widest line's columns (64 for base64 bodies). */
int view_cert_pem(struct tui_lines *out, const struct cert_info *c);
/* view_cert_dane - what DANE (RFC 7672) made of certificate c of the chain a sent: "matched
 * TLSA U S M" on the certificate a DANE sender authenticated, and each record of h against
 * the chain (rollover: which record matches which certificate). Nothing without TLSA. */
void view_cert_dane(struct tui_lines *out, const struct view_ctx *v, const struct mx_host *h,
                    const struct mx_addr *a, const struct cert_info *c);
/* view_cert_summary - subject, SANs, issuer, validity, fingerprint (the short form). */
void view_cert_summary(struct tui_lines *out, const struct view_ctx *v, const struct cert_info *c);
/* view_cert_chain - one line per certificate, leaf to root, with its status; role names
 * whose name the leaf must cover ("MX host" or "policy host", see report_cert_state). */
void view_cert_chain(struct tui_lines *out, const struct view_ctx *v, const struct tls_info *tls,
                     const char *role, int indent);
/* view_cert_validity - "2026-01-31T12:00:00Z (in 45 days)" / "(expired 3 days ago)". */
void view_cert_validity(char *buf, size_t n, const char *when, time_t t, time_t now);
/* view_cert_file_name - "mxray-cert-HOST-ADDR-N.pem" with only [A-Za-z0-9.-_] kept. */
void view_cert_file_name(char *buf, size_t n, const char *host, const char *addr, size_t index);
/* view_cert_write - write the fingerprints and PEM of c to dir/name (dir NULL = "."); the
 * path written goes to path. Returns 0, or -1 with a reason in err. Refuses to overwrite. */
int view_cert_write(const char *dir, const char *name, const struct cert_info *c, char *path,
                    size_t pathlen, char *err, size_t errlen);

#endif
