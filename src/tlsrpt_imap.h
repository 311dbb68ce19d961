/* tlsrpt_imap - every message of one IMAP folder into the report reader, read-only.
 *
 * URL: imap[s]://[user@]host[:port]/FOLDER (FOLDER defaults to INBOX). Through libcurl's
 * IMAP on one connection: EXAMINE (read-only select, RFC 3501 6.3.2), UID SEARCH ALL, then
 * UID FETCH n BODY.PEEK[] per message, so nothing is marked seen, moved or deleted; mxray
 * never sends SELECT, STORE, COPY, MOVE or EXPUNGE. The password comes from ~/.netrc
 * (libcurl), the URL, or - when the server refuses the login and a password callback is
 * given - from that callback (the command line prompts on a terminal). Bounded: each
 * message at most TLSRPT_FILE_MAX bytes, at most TLSRPT_REPORTS_PER_INPUT_MAX messages,
 * each request the timeout. Blocking: `mxray report` reads its inputs before any check
 * starts, so no poll loop is running yet; *stop (set by SIGINT) aborts a transfer. */
#ifndef MXRAY_TLSRPT_IMAP_H
#define MXRAY_TLSRPT_IMAP_H
#include <signal.h>
#include <stddef.h>
#include "tlsrpt_input.h"

struct tlsrpt_imap_opts {
    const char *ca_file;           /* NULL = system store */
    const char *const *connect_to; /* curl's HOST:PORT:ADDR:PORT */
    size_t nconnect_to;
    int timeout_ms; /* per request */
    /* password - asked when the login fails and none was given; NULL = do not ask. Returns
     * a malloc'd password or NULL. */
    char *(*password)(void *arg, const char *user, const char *host);
    void *password_arg;
    volatile sig_atomic_t *stop;
};

void tlsrpt_read_imap(const char *url, const struct tlsrpt_imap_opts *o,
                      const struct tlsrpt_sink *sink, struct tlsrpt_read_stats *st);

/* tlsrpt_imap_literal - the message text of a "* n FETCH (... BODY[] {len}\r\n<len bytes>"
 * response in buf; NULL when there is none (exposed for the fuzz target). */
const char *tlsrpt_imap_literal(const char *buf, size_t n, size_t *len);

#endif
