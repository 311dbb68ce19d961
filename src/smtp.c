/* smtp - one SMTP STARTTLS probe of one address, driven by the loop (contract in smtp.h).
 *
 * Shaped like OpenSMTPD smtp_client.c: smtp_enter() runs the entry action of a stage,
 * smtp_on_reply() makes the transitions, smtp_on_fd()/smtp_on_timer() feed both. Every stage has
 * its own deadline (loop timer, set on entry and never pushed back by incoming bytes), so a
 * server that drips one byte a second still ends at timeout_ms.
 *
 * Ownership: the probe owns its socket, SSL objects, cert recorder and result until done is
 * called; done receives the result (freed by the callee with smtp_result_free) and the probe is
 * freed right after done returns. smtp_probe_cancel frees everything without callbacks.
 *
 * Re-entrancy: internal functions never free the probe. When a stage fails they call
 * smtp_finish(), which closes everything and marks the probe finished; the loop callback at
 * the top of the stack then delivers the result (smtp_deliver). So done always runs from the
 * loop, never from smtp_probe_start. */
#include "smtp.h"
#include "cert_ssl.h"
#include "escape.h"
#include "mx_limits.h"
#include "loop.h"
#include "xalloc.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define SMTP_QUIT_WAIT_MS 1000  /* bound on flushing QUIT to a peer that does not read */
#define SMTP_NOTE_RESERVE 16    /* transcript lines kept for our notes once data is cut */
#define SMTP_READ_CHUNK 4096
#define SMTP_DRAIN_MAX 65536    /* plaintext bytes we discard after the STARTTLS 220 */
#define SMTP_EHLO_NAME_MAX 255

static const char *const smtp_stage_names[SMTP_ST_COUNT] = {
    "connect", "banner", "ehlo", "starttls", "handshake", "quit", "done",
};

struct smtp_probe {
    struct loop *loop;
    char *host, *addr, *ehlo_name, *ca_file;
    char *host_esc, *addr_esc;   /* for our own notes and errors */
    int port, timeout_ms;
    smtp_progress_cb progress;
    smtp_done_cb done;
    void *arg;

    struct smtp_result *res;
    enum smtp_stage st;
    int64_t t0, stage_t0;
    uint64_t stage_timer;        /* deadline of the current stage */
    uint64_t wake_timer;         /* delivers a failure found inside smtp_probe_start */
    int fd;
    bool starting;               /* inside smtp_probe_start: no callbacks yet */
    bool finished;               /* result complete; deliver from the loop callback */

    struct smtp_lines lines;
    struct smtp_reply reply;
    size_t reply_bytes;          /* bytes of the reply being read (MX_SMTP_REPLY_BYTES_MAX) */
    bool saw_starttls;           /* EHLO listed the STARTTLS keyword */
    bool tls_next;               /* STARTTLS got its 220: start TLS once the rest is dropped */

    char out[SMTP_EHLO_NAME_MAX + 16];
    size_t outlen, outoff;

    SSL_CTX *ctx;
    SSL *ssl;
    struct cert_recorder *rec;
    bool tls;                    /* handshake done: I/O goes through ssl */
    int tls_events;              /* POLLIN or POLLOUT, as the last SSL call asked */
    enum smtp_fail quit_fail;    /* outcome once QUIT is over (NONE or NO_STARTTLS) */
    char *quit_error;
};

static void smtp_enter(struct smtp_probe *p, enum smtp_stage st);
static void smtp_on_fd(void *arg, int fd, int revents);

const char *smtp_stage_name(enum smtp_stage s)
{
    return (unsigned)s < SMTP_ST_COUNT ? smtp_stage_names[s] : "unknown";
}

void smtp_result_free(struct smtp_result *r)
{
    if (!r)
        return;
    free(r->error);
    free(r->banner);
    for (size_t i = 0; i < r->nehlo; i++)
        free(r->ehlo[i]);
    free(r->ehlo);
    for (size_t i = 0; i < r->ntranscript; i++)
        free(r->transcript[i].text);
    free(r->transcript);
    tls_info_free(&r->tls);
    free(r);
}

static int64_t smtp_elapsed(const struct smtp_probe *p)
{
    return loop_now_ms() - p->t0;
}

static void smtp_progress(struct smtp_probe *p)
{
    if (!p->starting && !p->finished && p->progress)
        p->progress(p->arg, p->res);
}

/* smtp_transcript_add - keep one line (text is taken over). Server and client lines stop at
 * MX_TRANSCRIPT_MAX - SMTP_NOTE_RESERVE so the notes that explain the end still fit. */
static void smtp_transcript_add(struct smtp_probe *p, char dir, char *text)
{
    struct smtp_result *r = p->res;
    size_t limit = dir == '*' ? MX_TRANSCRIPT_MAX : MX_TRANSCRIPT_MAX - SMTP_NOTE_RESERVE;
    if (r->ntranscript >= limit) {
        free(text);
        if (r->transcript_truncated)
            return;
        r->transcript_truncated = true;
        if (r->ntranscript >= MX_TRANSCRIPT_MAX)
            return;
        text = xasprintf("transcript cut at %d lines; later lines not kept",
                         MX_TRANSCRIPT_MAX - SMTP_NOTE_RESERVE);
        dir = '*';
    }
    r->transcript = xreallocarray(r->transcript, r->ntranscript + 1, sizeof *r->transcript);
    r->transcript[r->ntranscript++] = (struct smtp_line){smtp_elapsed(p), dir, text};
    smtp_progress(p);
}

__attribute__((format(printf, 2, 3)))
static void smtp_note(struct smtp_probe *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    smtp_transcript_add(p, '*', s);
}

/* smtp_errno_text - short lower-case text for socket errors, as a person would say them. */
static const char *smtp_errno_text(int e)
{
    switch (e) {
    case ECONNREFUSED: return "connection refused";
    case EHOSTUNREACH: return "no route to host";
    case ENETUNREACH: return "network unreachable";
    case ETIMEDOUT: return "connection timed out";
    case ECONNRESET: return "connection reset by peer";
    case EPIPE: return "connection closed by peer";
    case EADDRNOTAVAIL: return "address not available";
    case EAFNOSUPPORT: return "address family not supported";
    case EACCES:
    case EPERM: return "connection not permitted";
    default: return strerror(e);
    }
}

/* smtp_duration - "10 s", "2.5 s" or "300 ms" for messages. */
static char *smtp_duration(int ms)
{
    if (ms < 1000)
        return xasprintf("%d ms", ms);
    if (ms % 1000 == 0)
        return xasprintf("%d s", ms / 1000);
    return xasprintf("%.1f s", ms / 1000.0);
}

/* smtp_close - release the connection and every timer and SSL object; keeps the result. */
static void smtp_close(struct smtp_probe *p)
{
    loop_timer_cancel(p->loop, p->stage_timer);
    loop_timer_cancel(p->loop, p->wake_timer);
    p->stage_timer = p->wake_timer = 0;
    if (p->ssl) {
        if (p->tls)
            SSL_shutdown(p->ssl); /* one close_notify, never waited for */
        SSL_free(p->ssl);         /* frees the BIO too */
        p->ssl = NULL;
    }
    SSL_CTX_free(p->ctx);
    p->ctx = NULL;
    cert_recorder_free(p->rec);
    p->rec = NULL;
    if (p->fd >= 0) {
        loop_watch(p->loop, p->fd, 0, NULL, NULL);
        close(p->fd);
        p->fd = -1;
    }
    smtp_reply_clear(&p->reply);
    ERR_clear_error(); /* leave no stale errors for the next user of this thread's queue */
}

/* smtp_finish - the outcome is known: stop timing, close, and mark the probe for delivery. */
static void smtp_finish(struct smtp_probe *p)
{
    if (p->finished)
        return;
    struct smtp_result *r = p->res;
    int64_t now = loop_now_ms();
    r->stage_ms[p->st] = now - p->stage_t0;
    if (r->fail == SMTP_FAIL_NONE && p->quit_fail != SMTP_FAIL_NONE) {
        r->fail = p->quit_fail;
        r->error = p->quit_error;
        p->quit_error = NULL;
    }
    if (r->fail == SMTP_FAIL_NONE) {
        r->reached = SMTP_ST_DONE;
        r->stage_ms[SMTP_ST_DONE] = 0;
    }
    r->total_ms = now - p->t0;
    smtp_close(p);
    smtp_progress(p);
    p->finished = true;
}

static void smtp_probe_free(struct smtp_probe *p)
{
    free(p->host);
    free(p->addr);
    free(p->ehlo_name);
    free(p->ca_file);
    free(p->host_esc);
    free(p->addr_esc);
    free(p->quit_error);
    smtp_result_free(p->res);
    free(p);
}

/* smtp_deliver - hand the result over (done runs exactly once) and free the probe. */
static void smtp_deliver(struct smtp_probe *p)
{
    struct smtp_result *r = p->res;
    p->res = NULL;
    if (p->done)
        p->done(p->arg, r);
    else
        smtp_result_free(r);
    smtp_probe_free(p);
}

__attribute__((format(printf, 3, 4)))
static void smtp_fail(struct smtp_probe *p, enum smtp_fail kind, const char *fmt, ...)
{
    if (p->finished)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    p->res->fail = kind;
    p->res->error = s;
    smtp_note(p, "%s", s);
    smtp_finish(p);
}

static enum smtp_fail smtp_stage_fail(enum smtp_stage st)
{
    switch (st) {
    case SMTP_ST_CONNECT: return SMTP_FAIL_CONNECT;
    case SMTP_ST_BANNER: return SMTP_FAIL_BANNER;
    case SMTP_ST_EHLO: return SMTP_FAIL_EHLO;
    case SMTP_ST_STARTTLS: return SMTP_FAIL_STARTTLS;
    case SMTP_ST_HANDSHAKE: return SMTP_FAIL_HANDSHAKE;
    default: return SMTP_FAIL_NONE;
    }
}

/* smtp_stage_when - where in the dialogue a plaintext stage is, for error text. */
static const char *smtp_stage_when(enum smtp_stage st)
{
    switch (st) {
    case SMTP_ST_BANNER: return "before the 220 banner";
    case SMTP_ST_EHLO: return "after EHLO";
    case SMTP_ST_STARTTLS: return "after STARTTLS";
    case SMTP_ST_HANDSHAKE: return "during the TLS handshake";
    default: return "";
    }
}

/* ---- output ---- */

static void smtp_update_watch(struct smtp_probe *p)
{
    if (p->finished || p->fd < 0)
        return;
    int ev;
    if (p->ssl)
        ev = p->tls_events ? p->tls_events : POLLIN;
    else
        ev = POLLIN | (p->outoff < p->outlen ? POLLOUT : 0);
    loop_watch(p->loop, p->fd, ev, smtp_on_fd, p);
}

/* smtp_io_error - the socket failed or closed in a plaintext stage or in QUIT. */
static void smtp_io_error(struct smtp_probe *p, int err)
{
    if (p->st == SMTP_ST_QUIT) { /* we were leaving anyway */
        smtp_finish(p);
        return;
    }
    if (err == 0)
        smtp_fail(p, smtp_stage_fail(p->st), "server closed the connection %s",
                  smtp_stage_when(p->st));
    else
        smtp_fail(p, smtp_stage_fail(p->st), "%s %s", smtp_errno_text(err),
                  smtp_stage_when(p->st));
}

static void smtp_tls_io(struct smtp_probe *p);

/* smtp_quit_sent - QUIT is on the wire: we are done. Waiting for the 221 would add a round
 * trip to every check for nothing a sender needs. What already arrived (a TLS 1.3 session
 * ticket, say) is read first, so closing sends a FIN, not a reset that could make the server
 * drop our QUIT unread. */
static void smtp_quit_sent(struct smtp_probe *p)
{
    char buf[SMTP_READ_CHUNK];
    for (int i = 0; i < 16; i++) { /* bounded: a flood is not our business any more */
        ERR_clear_error();
        ssize_t n = p->ssl ? SSL_read(p->ssl, buf, sizeof buf)
                           : recv(p->fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n <= 0)
            break;
    }
    smtp_note(p, "QUIT sent; closing without waiting for the 221");
    smtp_finish(p);
}

static void smtp_flush(struct smtp_probe *p)
{
    if (p->ssl) {
        smtp_tls_io(p);
        return;
    }
    while (p->outoff < p->outlen) {
        ssize_t n = send(p->fd, p->out + p->outoff, p->outlen - p->outoff,
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                smtp_io_error(p, errno);
            break;
        }
        p->outoff += (size_t)n;
    }
    if (p->st == SMTP_ST_QUIT && p->outoff == p->outlen && !p->finished) {
        smtp_quit_sent(p);
        return;
    }
    smtp_update_watch(p);
}

/* smtp_send - send one command line; it is kept in the transcript as sent. */
static void smtp_send(struct smtp_probe *p, const char *cmd)
{
    int n = snprintf(p->out, sizeof p->out, "%s\r\n", cmd);
    p->outlen = n > 0 && (size_t)n < sizeof p->out ? (size_t)n : 0;
    p->outoff = 0;
    smtp_transcript_add(p, 'C', escape_str(cmd));
    smtp_flush(p);
}

/* ---- input ---- */

static void smtp_on_reply(struct smtp_probe *p);

/* smtp_is_starttls - RFC 3207 4: the EHLO keyword STARTTLS (case-insensitive, RFC 5321 2.4). */
static bool smtp_is_starttls(const char *line, size_t len)
{
    if (len < 12 || (line[3] != '-' && line[3] != ' '))
        return false;
    if (strncasecmp(line + 4, "STARTTLS", 8) != 0)
        return false;
    return len == 12 || line[12] == ' ' || line[12] == '\t';
}

static void smtp_on_line(struct smtp_probe *p)
{
    struct smtp_lines *s = &p->lines;
    smtp_transcript_add(p, 'S', escape_bytes(s->buf, s->len));
    if (s->truncated)
        smtp_note(p, "line cut at %d bytes, %zu more bytes dropped", MX_SMTP_LINE_MAX,
                  s->dropped);
    /* The first EHLO line is the greeting (RFC 5321 4.1.1.1), keywords follow. Look at every
     * line, not only the ones the parser keeps. */
    if (p->st == SMTP_ST_EHLO && p->reply.nseen > 0 && smtp_is_starttls(s->buf, s->len))
        p->saw_starttls = true;
    int rc = smtp_reply_feed(&p->reply, s->buf, s->len);
    if (rc == 0)
        return;
    p->reply_bytes = 0;
    smtp_on_reply(p);
    smtp_reply_clear(&p->reply);
}

/* smtp_drain_plaintext - after the STARTTLS 220, anything still unread was sent in the clear
 * and must not be taken as part of the TLS session (CVE-2011-0411, RFC 3207 5 + 6). The server
 * cannot send TLS bytes before our ClientHello, so whatever is queued now is plaintext. */
static void smtp_drain_plaintext(struct smtp_probe *p, size_t already)
{
    size_t total = already;
    char buf[SMTP_READ_CHUNK];
    while (total < SMTP_DRAIN_MAX) {
        ssize_t n = recv(p->fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        total += (size_t)n;
    }
    if (total)
        smtp_note(p, "warning: discarded %zu plaintext bytes sent after the STARTTLS 220 "
                  "(possible command injection)", total);
}

/* smtp_consume - split received bytes into lines and replies, within the reply byte bound. */
static void smtp_consume(struct smtp_probe *p, const char *data, size_t n)
{
    size_t off = 0;
    while (off < n && !p->finished && !p->tls_next) {
        size_t used = smtp_lines_take(&p->lines, data + off, n - off);
        off += used;
        p->reply_bytes += used;
        if (p->reply_bytes > MX_SMTP_REPLY_BYTES_MAX) {
            if (p->st == SMTP_ST_QUIT) {
                smtp_finish(p);
                return;
            }
            smtp_fail(p, smtp_stage_fail(p->st), "%s reply longer than %d bytes; gave up",
                      p->st == SMTP_ST_BANNER ? "banner" :
                      p->st == SMTP_ST_EHLO ? "EHLO" : "STARTTLS",
                      MX_SMTP_REPLY_BYTES_MAX);
            return;
        }
        if (p->lines.done) {
            smtp_on_line(p);
            smtp_lines_next(&p->lines);
        }
    }
    if (p->tls_next && !p->finished) {
        p->tls_next = false;
        smtp_drain_plaintext(p, n - off);
        smtp_enter(p, SMTP_ST_HANDSHAKE);
    }
}

static void smtp_read_plain(struct smtp_probe *p)
{
    char buf[SMTP_READ_CHUNK];
    ssize_t n = recv(p->fd, buf, sizeof buf, 0);
    if (n > 0)
        smtp_consume(p, buf, (size_t)n);
    else if (n == 0)
        smtp_io_error(p, 0);
    else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        smtp_io_error(p, errno);
}

/* smtp_reply_text - "454 4.7.0 TLS not available" from the parsed reply. */
static char *smtp_reply_text(const struct smtp_reply *r)
{
    const char *first = r->nlines ? r->lines[0] : "";
    if (r->malformed)
        return xasprintf("malformed reply: %s", r->nlines ? r->lines[r->nlines - 1] : "");
    return xasprintf("%d%s%s", r->code, *first ? " " : "", first);
}

static void smtp_on_ehlo(struct smtp_probe *p)
{
    struct smtp_reply *r = &p->reply;
    struct smtp_result *res = p->res;
    for (size_t i = 1; i < r->nlines; i++)
        xptr_push((void ***)&res->ehlo, &res->nehlo, xstrdup(r->lines[i]));
    res->starttls_offered = p->saw_starttls;
    if (p->saw_starttls) {
        smtp_enter(p, SMTP_ST_STARTTLS);
        return;
    }
    /* RFC 3207 4: no STARTTLS keyword; an MTA-STS sender cannot deliver (RFC 8461 5). */
    p->quit_fail = SMTP_FAIL_NO_STARTTLS;
    p->quit_error = xstrdup("STARTTLS not offered in the EHLO reply");
    smtp_note(p, "%s", p->quit_error);
    smtp_enter(p, SMTP_ST_QUIT);
}

static void smtp_on_reply(struct smtp_probe *p)
{
    struct smtp_reply *r = &p->reply;
    char *text;
    switch (p->st) {
    case SMTP_ST_BANNER:
        if (r->code == 220) { /* RFC 5321 4.2: 220 <domain> Service ready */
            p->res->banner = xstrdup(r->nlines ? r->lines[0] : "");
            smtp_enter(p, SMTP_ST_EHLO);
            return;
        }
        text = smtp_reply_text(r);
        smtp_fail(p, SMTP_FAIL_BANNER, "banner: %s", text);
        free(text);
        return;
    case SMTP_ST_EHLO:
        if (r->code == 250) {
            smtp_on_ehlo(p);
            return;
        }
        text = smtp_reply_text(r);
        smtp_fail(p, SMTP_FAIL_EHLO, "EHLO refused: %s", text);
        free(text);
        return;
    case SMTP_ST_STARTTLS:
        if (r->code == 220) { /* RFC 3207 4: 220 Ready to start TLS */
            p->tls_next = true;
            return;
        }
        text = smtp_reply_text(r);
        smtp_fail(p, SMTP_FAIL_STARTTLS, "STARTTLS refused: %s", text);
        free(text);
        return;
    case SMTP_ST_QUIT:
        smtp_finish(p);
        return;
    default:
        return;
    }
}

/* ---- TLS ---- */

/* A socket BIO that sends with MSG_NOSIGNAL: a peer reset mid-handshake must not raise
 * SIGPIPE in whatever program embeds the engine (OpenSSL's own socket BIO uses write()). */
static int smtp_bio_write(BIO *b, const char *buf, int len)
{
    int fd = (int)(intptr_t)BIO_get_data(b);
    BIO_clear_retry_flags(b);
    ssize_t n = send(fd, buf, (size_t)len, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        BIO_set_retry_write(b);
    return (int)n;
}

static int smtp_bio_read(BIO *b, char *buf, int len)
{
    int fd = (int)(intptr_t)BIO_get_data(b);
    BIO_clear_retry_flags(b);
    ssize_t n = recv(fd, buf, (size_t)len, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        BIO_set_retry_read(b);
    return (int)n;
}

static long smtp_bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

static int smtp_bio_create(BIO *b)
{
    BIO_set_init(b, 1);
    return 1;
}

/* smtp_bio_new - one method for the process (the engine is single-threaded; BIO type indices
 * are a small finite space, so it is made once and kept). */
static BIO *smtp_bio_new(struct smtp_probe *p)
{
    static BIO_METHOD *meth;
    if (!meth) {
        meth = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "mxray smtp socket");
        if (!meth)
            return NULL;
        BIO_meth_set_write(meth, smtp_bio_write);
        BIO_meth_set_read(meth, smtp_bio_read);
        BIO_meth_set_ctrl(meth, smtp_bio_ctrl);
        BIO_meth_set_create(meth, smtp_bio_create);
    }
    BIO *b = BIO_new(meth);
    if (b)
        BIO_set_data(b, (void *)(intptr_t)p->fd);
    return b;
}

/* smtp_tls_fail - the handshake failed: record what the session showed, then fail. The
 * error names OpenSSL's reason ("tlsv1 alert protocol version"); the full queue, with codes,
 * goes into the transcript for whoever wants the detail. */
static void smtp_tls_fail(struct smtp_probe *p, int sslerr, int err)
{
    const char *reason = ERR_reason_error_string(ERR_peek_error());
    char *why = reason ? escape_str(reason) : NULL;
    char *full = cert_ssl_error_text(); /* drains the queue */
    if (!why && full)
        why = xstrdup(full);
    if (!why) {
        if (sslerr == SSL_ERROR_SYSCALL && err != 0)
            why = xstrdup(smtp_errno_text(err));
        else if (sslerr == SSL_ERROR_SYSCALL || sslerr == SSL_ERROR_ZERO_RETURN)
            why = xstrdup("server closed the connection");
        else
            why = xasprintf("OpenSSL error %d", sslerr);
    }
    if (full && strcmp(full, why) != 0)
        smtp_note(p, "OpenSSL: %s", full);
    tls_info_fill(&p->res->tls, p->ssl, p->rec, p->host, false, why);
    smtp_fail(p, SMTP_FAIL_HANDSHAKE, "TLS handshake failed: %s", why);
    free(why);
    free(full);
}

static void smtp_tls_ok(struct smtp_probe *p)
{
    struct tls_info *t = &p->res->tls;
    tls_info_fill(t, p->ssl, p->rec, p->host, true, NULL);
    p->tls = true;
    smtp_note(p, "TLS handshake: %s %s", t->version ? t->version : "?",
              t->cipher ? t->cipher : "?");
    if (t->verified)
        smtp_note(p, "certificate chain verified");
    else
        smtp_note(p, "certificate chain not verified: %s",
                  t->verify_error ? t->verify_error : "no certificate");
    if (t->hostname_note)
        smtp_note(p, "certificate name: %s", t->hostname_note);
    smtp_enter(p, SMTP_ST_QUIT);
}

/* smtp_tls_want - map a WANT_* to the one poll event it needs (OpenSMTPD ioev.c). */
static bool smtp_tls_want(struct smtp_probe *p, int sslerr)
{
    if (sslerr == SSL_ERROR_WANT_READ)
        p->tls_events = POLLIN;
    else if (sslerr == SSL_ERROR_WANT_WRITE)
        p->tls_events = POLLOUT;
    else
        return false;
    smtp_update_watch(p);
    return true;
}

static void smtp_handshake_step(struct smtp_probe *p)
{
    ERR_clear_error();
    errno = 0;
    int rc = SSL_connect(p->ssl);
    int err = errno;
    if (rc == 1) {
        smtp_tls_ok(p);
        return;
    }
    int sslerr = SSL_get_error(p->ssl, rc);
    if (!smtp_tls_want(p, sslerr))
        smtp_tls_fail(p, sslerr, err);
}

static void smtp_tls_start(struct smtp_probe *p)
{
    p->ctx = SSL_CTX_new(TLS_client_method());
    if (!p->ctx)
        goto fail;
    /* Let old servers finish the handshake so their TLS version can be reported. Anonymous
     * suites stay off: a server choosing one would show no certificate, and an MTA-STS sender
     * must see and verify one (RFC 8461 4.2). */
    SSL_CTX_set_min_proto_version(p->ctx, TLS1_VERSION);
    SSL_CTX_set_cipher_list(p->ctx, "ALL:!aNULL:!eNULL:@SECLEVEL=0");
    if (p->ca_file) {
        if (SSL_CTX_load_verify_locations(p->ctx, p->ca_file, NULL) != 1) {
            char *e = cert_ssl_error_text();
            char *f = escape_str(p->ca_file);
            smtp_note(p, "could not load CA file %s: %s", f, e ? e : "unknown error");
            free(f);
            free(e);
        }
    } else {
        SSL_CTX_set_default_verify_paths(p->ctx); /* honours SSL_CERT_FILE / SSL_CERT_DIR */
    }
    p->ssl = SSL_new(p->ctx);
    BIO *b = p->ssl ? smtp_bio_new(p) : NULL;
    if (!b)
        goto fail;
    SSL_set_bio(p->ssl, b, b);
    /* RFC 8461 4.2 / RFC 6066 3: SNI carries the MX host name, never an address. */
    unsigned char tmp[sizeof(struct in6_addr)];
    if (p->host[0] && inet_pton(AF_INET, p->host, tmp) != 1 &&
        inet_pton(AF_INET6, p->host, tmp) != 1)
        SSL_set_tlsext_host_name(p->ssl, p->host);
    /* Collect every chain error; never abort the handshake (Postfix tls_verify.c). The name
     * check is tls_info_fill's (SAN only), so no X509_VERIFY_PARAM host is set. */
    p->rec = cert_recorder_new(false);
    cert_recorder_attach_ssl(p->rec, p->ssl);
    SSL_set_connect_state(p->ssl);
    smtp_handshake_step(p);
    return;
fail:;
    char *e = cert_ssl_error_text();
    smtp_fail(p, SMTP_FAIL_HANDSHAKE, "TLS setup failed: %s", e ? e : "out of memory");
    free(e);
}

/* smtp_tls_io - QUIT over TLS: write it, then close (smtp_quit_sent). */
static void smtp_tls_io(struct smtp_probe *p)
{
    char buf[SMTP_READ_CHUNK];
    while (!p->finished) {
        ERR_clear_error();
        int rc, sslerr;
        if (p->outoff < p->outlen) {
            rc = SSL_write(p->ssl, p->out + p->outoff, (int)(p->outlen - p->outoff));
            if (rc > 0) {
                p->outoff += (size_t)rc;
                continue;
            }
        } else if (p->st == SMTP_ST_QUIT) {
            smtp_quit_sent(p);
            return;
        } else {
            rc = SSL_read(p->ssl, buf, sizeof buf);
            if (rc > 0) {
                smtp_consume(p, buf, (size_t)rc);
                continue;
            }
        }
        sslerr = SSL_get_error(p->ssl, rc);
        if (!smtp_tls_want(p, sslerr))
            smtp_finish(p); /* closed or broken: we were leaving anyway */
        return;
    }
}

/* ---- stages ---- */

static void smtp_on_timer(void *arg)
{
    struct smtp_probe *p = arg;
    p->stage_timer = 0;
    p->res->timed_out = p->st != SMTP_ST_QUIT;
    char *d = smtp_duration(p->timeout_ms);
    switch (p->st) {
    case SMTP_ST_CONNECT:
        smtp_fail(p, SMTP_FAIL_CONNECT, "timed out after %s connecting to %s port %d", d,
                  p->addr_esc, p->port);
        break;
    case SMTP_ST_BANNER:
        smtp_fail(p, SMTP_FAIL_BANNER, "timed out after %s waiting for the 220 banner", d);
        break;
    case SMTP_ST_EHLO:
    case SMTP_ST_STARTTLS:
        smtp_fail(p, smtp_stage_fail(p->st), "timed out after %s waiting for the reply to %s",
                  d, p->st == SMTP_ST_EHLO ? "EHLO" : "STARTTLS");
        break;
    case SMTP_ST_HANDSHAKE: {
        char *why = xasprintf("timed out after %s", d);
        tls_info_fill(&p->res->tls, p->ssl, p->rec, p->host, false, why);
        smtp_fail(p, SMTP_FAIL_HANDSHAKE, "TLS handshake %s", why);
        free(why);
        break;
    }
    default: /* QUIT: the peer would not even take the QUIT line */
        smtp_finish(p);
        break;
    }
    free(d);
    if (p->finished)
        smtp_deliver(p);
}

static void smtp_enter(struct smtp_probe *p, enum smtp_stage st)
{
    if (p->finished)
        return;
    int64_t now = loop_now_ms();
    p->res->stage_ms[p->st] = now - p->stage_t0;
    p->st = st;
    p->stage_t0 = now;
    p->res->reached = st;
    loop_timer_cancel(p->loop, p->stage_timer);
    int wait = p->timeout_ms;
    if (st == SMTP_ST_QUIT && wait > SMTP_QUIT_WAIT_MS)
        wait = SMTP_QUIT_WAIT_MS;
    p->stage_timer = loop_timer_set(p->loop, wait, smtp_on_timer, p);
    smtp_progress(p);
    switch (st) {
    case SMTP_ST_EHLO: {
        char cmd[SMTP_EHLO_NAME_MAX + 8];
        snprintf(cmd, sizeof cmd, "EHLO %s", p->ehlo_name);
        smtp_send(p, cmd);
        break;
    }
    case SMTP_ST_STARTTLS:
        smtp_send(p, "STARTTLS");
        break;
    case SMTP_ST_HANDSHAKE:
        smtp_tls_start(p);
        break;
    case SMTP_ST_QUIT:
        smtp_send(p, "QUIT"); /* never MAIL FROM: mxray sends no mail */
        break;
    default:
        smtp_update_watch(p);
        break;
    }
}

static void smtp_on_connect(struct smtp_probe *p)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
        err = errno;
    if (err) {
        smtp_fail(p, SMTP_FAIL_CONNECT, "%s", smtp_errno_text(err));
        return;
    }
    smtp_note(p, "connected to %s port %d", p->addr_esc, p->port);
    smtp_enter(p, SMTP_ST_BANNER);
}

static void smtp_on_fd(void *arg, int fd, int revents)
{
    struct smtp_probe *p = arg;
    switch (p->st) {
    case SMTP_ST_CONNECT:
        smtp_on_connect(p);
        break;
    case SMTP_ST_HANDSHAKE:
        smtp_handshake_step(p);
        break;
    default:
        if (p->tls) {
            smtp_tls_io(p);
            break;
        }
        if ((revents & POLLOUT) && p->outoff < p->outlen)
            smtp_flush(p);
        if (!p->finished && (revents & (POLLIN | POLLHUP | POLLERR)))
            smtp_read_plain(p);
        break;
    }
    if (p->finished)
        smtp_deliver(p);
}

static void smtp_on_wake(void *arg)
{
    struct smtp_probe *p = arg;
    p->wake_timer = 0;
    smtp_deliver(p);
}

/* smtp_ehlo_name_ok - printable ASCII without spaces: it goes on the wire verbatim. */
static bool smtp_ehlo_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > SMTP_EHLO_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] <= 0x20 || s[i] >= 0x7f)
            return false;
    return true;
}

/* smtp_connect - start a non-blocking connect; returns 0 or an errno value. */
static int smtp_connect(struct smtp_probe *p)
{
    struct sockaddr_storage ss;
    socklen_t sslen;
    memset(&ss, 0, sizeof ss);
    struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, p->addr, &sin->sin_addr) == 1) {
        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t)p->port);
        sslen = sizeof *sin;
    } else if (inet_pton(AF_INET6, p->addr, &sin6->sin6_addr) == 1) {
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((uint16_t)p->port);
        sslen = sizeof *sin6;
    } else {
        return EINVAL;
    }
    p->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (p->fd < 0)
        return errno;
    if (connect(p->fd, (struct sockaddr *)&ss, sslen) < 0 && errno != EINPROGRESS)
        return errno;
    /* Even an immediate success waits for POLLOUT, so callbacks only run from the loop. */
    loop_watch(p->loop, p->fd, POLLOUT, smtp_on_fd, p);
    return 0;
}

/* smtp_start_error - why the probe cannot start, or NULL. */
static char *smtp_start_error(struct smtp_probe *p)
{
    if (!p->addr[0])
        return xstrdup("no address to connect to");
    if (p->port < 1 || p->port > 65535)
        return xasprintf("invalid port %d", p->port);
    if (!smtp_ehlo_name_ok(p->ehlo_name))
        return xstrdup("invalid EHLO name (printable ASCII without spaces expected)");
    int err = smtp_connect(p);
    if (err == EINVAL)
        return xasprintf("not a numeric IP address: %s", p->addr_esc);
    if (err)
        return xstrdup(smtp_errno_text(err));
    return NULL;
}

struct smtp_probe *smtp_probe_start(struct loop *l, const struct smtp_opts *o,
                                    smtp_progress_cb progress, smtp_done_cb done, void *arg)
{
    struct smtp_probe *p = xcalloc(1, sizeof *p);
    p->loop = l;
    p->host = xstrdup(o->host ? o->host : "");
    p->addr = xstrdup(o->addr ? o->addr : "");
    p->ehlo_name = xstrdup(o->ehlo_name ? o->ehlo_name : "localhost");
    p->ca_file = xstrdup(o->ca_file);
    p->host_esc = escape_str(p->host);
    p->addr_esc = escape_str(p->addr);
    p->port = o->port;
    p->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : MX_TIMEOUT_DEFAULT_MS;
    p->progress = progress;
    p->done = done;
    p->arg = arg;
    p->fd = -1;
    p->starting = true;
    p->t0 = p->stage_t0 = loop_now_ms();
    smtp_lines_init(&p->lines);
    smtp_reply_init(&p->reply);
    p->res = xcalloc(1, sizeof *p->res);
    for (int i = 0; i < SMTP_ST_COUNT; i++)
        p->res->stage_ms[i] = -1;
    p->st = p->res->reached = SMTP_ST_CONNECT;

    char *why = smtp_start_error(p);
    if (why) {
        smtp_fail(p, SMTP_FAIL_CONNECT, "%s", why);
        free(why);
        p->wake_timer = loop_timer_set(l, 0, smtp_on_wake, p); /* done runs from the loop */
    } else {
        p->stage_timer = loop_timer_set(l, p->timeout_ms, smtp_on_timer, p);
    }
    p->starting = false;
    return p;
}

void smtp_probe_cancel(struct smtp_probe *p)
{
    if (!p)
        return;
    smtp_close(p);
    smtp_probe_free(p);
}
