/* smtp - one SMTP STARTTLS probe of one address: connect, 220 banner, EHLO, STARTTLS,
 * TLS handshake (non-blocking OpenSSL), then QUIT. Never sends MAIL FROM.
 *
 * State machine in the manner of OpenSMTPD smtp_client.c: smtp_enter() runs the entry action
 * of a state, the reply parser drives transitions, every line in and out is kept in the
 * transcript with its time. Every step is bounded in bytes and in time. */
#ifndef MXRAY_SMTP_H
#define MXRAY_SMTP_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "cert.h"
#include "mx_limits.h"

struct loop;

enum smtp_stage {
    SMTP_ST_CONNECT,
    SMTP_ST_BANNER,
    SMTP_ST_EHLO,
    SMTP_ST_STARTTLS,
    SMTP_ST_HANDSHAKE,
    SMTP_ST_QUIT,
    SMTP_ST_DONE,
    SMTP_ST_COUNT
};

enum smtp_fail {
    SMTP_FAIL_NONE,
    SMTP_FAIL_CONNECT,      /* refused, unreachable, or connect timeout */
    SMTP_FAIL_BANNER,       /* no 220 (other code, closed, garbage, timeout) */
    SMTP_FAIL_EHLO,         /* EHLO not accepted */
    SMTP_FAIL_NO_STARTTLS,  /* EHLO did not list STARTTLS */
    SMTP_FAIL_STARTTLS,     /* STARTTLS answered with something other than 220 */
    SMTP_FAIL_HANDSHAKE     /* TLS handshake failed */
};

struct smtp_line {
    int64_t ms;  /* since the probe started */
    char dir;    /* 'C' sent by us, 'S' from the server, '*' a note (connect, TLS, ...) */
    char *text;  /* escaped, without CRLF */
};

struct smtp_result {
    enum smtp_stage reached;    /* last stage entered */
    enum smtp_fail fail;
    bool timed_out;             /* the failing stage ran out of time */
    char *error;                /* escaped human text for fail, or NULL */
    char *banner;               /* escaped text of the first 220 greeting line (after "220 "),
                                 * or NULL */
    char **ehlo;                /* escaped EHLO keywords/lines after the first */
    size_t nehlo;
    bool starttls_offered;
    struct smtp_line *transcript;
    size_t ntranscript;
    bool transcript_truncated;
    int64_t stage_ms[SMTP_ST_COUNT]; /* duration of each stage, -1 when not reached */
    int64_t total_ms;
    struct tls_info tls;        /* present once STARTTLS was accepted */
};

struct smtp_opts {
    const char *host;       /* MX host name: SNI and certificate name (RFC 8461 4.2, 7.1) */
    const char *addr;       /* numeric IPv4 or IPv6 address to connect to */
    int port;               /* normally 25 */
    const char *ehlo_name;  /* name sent in EHLO */
    const char *ca_file;    /* NULL = system trust store */
    int timeout_ms;         /* per stage */
};

struct smtp_probe;
/* progress: called after each transcript line or stage change (result is partial, borrowed).
 * done: called exactly once; the callee owns res and frees it with smtp_result_free. */
typedef void (*smtp_progress_cb)(void *arg, const struct smtp_result *partial);
typedef void (*smtp_done_cb)(void *arg, struct smtp_result *res);

struct smtp_probe *smtp_probe_start(struct loop *l, const struct smtp_opts *o,
                                    smtp_progress_cb progress, smtp_done_cb done, void *arg);
/* The probe handle stays valid until done has been called (it is freed right after done
 * returns). Neither callback may call smtp_probe_cancel on its own probe. */
/* smtp_probe_cancel - close at once; no further callbacks. */
void smtp_probe_cancel(struct smtp_probe *p);
void smtp_result_free(struct smtp_result *r);
const char *smtp_stage_name(enum smtp_stage s); /* "connect", "banner", ... */

/* smtp_reply_parse - incremental SMTP reply parser (exported for tests and fuzzing).
 * Feed lines (without CRLF); it reports when a full reply is complete. */
struct smtp_reply {
    int code;          /* 3-digit code of the reply, -1 when malformed */
    bool complete;
    bool malformed;    /* a line without a valid "ddd" + ' '/'-' prefix, or codes differ */
    size_t nlines;
    char **lines;      /* escaped text after the code and separator (at most
                        * MX_SMTP_REPLY_LINES_MAX kept; a malformed line is kept whole) */
    size_t nseen;      /* lines fed, including those not kept */
};
void smtp_reply_init(struct smtp_reply *r);
/* smtp_reply_feed - add one line (raw bytes, len, no CRLF). Returns 1 when the reply is
 * complete, 0 when more lines are needed, -1 when malformed (reply then complete too). */
int smtp_reply_feed(struct smtp_reply *r, const char *line, size_t len);
void smtp_reply_clear(struct smtp_reply *r);

/* smtp_lines - splits a received byte stream into lines (exported for tests and fuzzing).
 * CRLF or a bare LF ends a line (the CR is removed). Bytes beyond MX_SMTP_LINE_MAX are dropped
 * up to the newline and the line is marked truncated. */
struct smtp_lines {
    char buf[MX_SMTP_LINE_MAX];
    size_t len;        /* bytes of the current line in buf */
    size_t dropped;    /* bytes dropped from the current line */
    bool cr_dropped;   /* the last dropped byte was a CR (a CRLF, not lost text) */
    bool done;         /* a full line is in buf; call smtp_lines_next before feeding more */
    bool truncated;    /* set with done when bytes were dropped */
};
void smtp_lines_init(struct smtp_lines *s);
/* smtp_lines_take - consume bytes of data until one line is done or data runs out. Returns
 * the number of bytes consumed; nothing is consumed while s->done is still set. */
size_t smtp_lines_take(struct smtp_lines *s, const char *data, size_t n);
/* smtp_lines_next - forget the finished line and start the next. */
void smtp_lines_next(struct smtp_lines *s);

#endif
