/* mail_headers - the part of an e-mail that decides its MIME structure.
 *
 * Finding a report needs only an e-mail's MIME tree, yet GMime makes a GObject of every
 * top-level header (Received, DKIM-Signature, ARC-...: often thirty of them), and building
 * and freeing those was the largest share of reading a Maildir. mail_mime_view drops the
 * fields that cannot change the tree before GMime sees the message. It is not a MIME parser:
 * it only recognises header lines, and on anything it does not fully recognise it declines,
 * and the caller hands GMime the message as it is. */
#ifndef MXRAY_MAIL_HEADERS_H
#define MXRAY_MAIL_HEADERS_H
#include <stdbool.h>
#include <stddef.h>

/* mail_mime_view - when buf starts with a well-formed header block (fields "Name: value",
 * continuation lines starting with a space or tab, lines ending in LF or CRLF, no NUL or bare
 * CR) ended by an empty line, writes to out (room for len bytes) the Content-* and
 * MIME-Version fields in their order, then the empty line and the body unchanged, sets
 * *outlen and returns true. Otherwise returns false (out's content undefined). */
bool mail_mime_view(const char *buf, size_t len, char *out, size_t *outlen);

#endif
