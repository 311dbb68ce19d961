/* lab_conn - one non-blocking client connection of a lab server, plain or TLS.
 *
 * Bounded input (LAB_CONN_IN_MAX) and output (LAB_CONN_OUT_MAX) buffers, an idle timeout, and
 * the OpenSSL WANT_READ / WANT_WRITE dance (OpenSMTPD ioev.c style: re-arm POLLIN or POLLOUT as
 * the library asks). Input is read only when all queued output has been sent, so a client that
 * never reads cannot make the server buffer without bound. The conn closes itself on EOF,
 * error, timeout or after lab_conn_close_after_flush; the owner learns it through on_close and
 * must not use the conn afterwards. Owners never free a conn themselves. */
#include "lab_int.h"
#include "loop.h"
#include "xalloc.h"
#include <errno.h>
#include <openssl/err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct lab_conn {
    struct lab_conn_set *set;
    struct lab_conn *prev, *next;
    struct loop *loop;
    int fd;
    SSL *ssl;
    SSL_CTX *pending_ctx;  /* start TLS once the queued plaintext is out */
    bool handshaking;
    bool tls_up;           /* handshake completed: a close_notify may be sent */
    bool want_write;       /* the last SSL call asked for POLLOUT */
    bool closing;          /* close once output is flushed */
    char in[LAB_CONN_IN_MAX];
    size_t nin;
    char *out;
    size_t nout, outoff;
    uint64_t timer;
    const struct lab_conn_ops *ops;
    void *arg;
};

struct lab_conn_set {
    struct lab_conn *head;
    size_t n, max;
};

static void conn_arm(struct lab_conn *c);

struct lab_conn_set *lab_conn_set_new(void)
{
    struct lab_conn_set *s = xcalloc(1, sizeof(struct lab_conn_set));
    s->max = LAB_CONNS_MAX;
    return s;
}

bool lab_conn_set_full(const struct lab_conn_set *s)
{
    return s->n >= s->max;
}

void lab_conn_set_max(struct lab_conn_set *s, size_t max)
{
    s->max = max > LAB_CONNS_MAX ? max : LAB_CONNS_MAX;
}

static void conn_destroy(struct lab_conn *c)
{
    loop_watch(c->loop, c->fd, 0, NULL, NULL);
    loop_timer_cancel(c->loop, c->timer);
    if (c->ssl) {
        if (c->tls_up)
            SSL_shutdown(c->ssl); /* best effort close_notify; never waits */
        SSL_free(c->ssl);
    }
    close(c->fd);
    if (c->prev)
        c->prev->next = c->next;
    else
        c->set->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    c->set->n--;
    c->ops->on_close(c->arg);
    free(c->out);
    free(c);
}

void lab_conn_set_free(struct lab_conn_set *s)
{
    if (!s)
        return;
    while (s->head)
        conn_destroy(s->head);
    free(s);
}

/* ssl_want - map an SSL error to 0 (wait; want_write set) or -1 (the conn is finished). */
static int ssl_want(struct lab_conn *c, int rc)
{
    switch (SSL_get_error(c->ssl, rc)) {
    case SSL_ERROR_WANT_READ:
        c->want_write = false;
        return 0;
    case SSL_ERROR_WANT_WRITE:
        c->want_write = true;
        return 0;
    default:
        ERR_clear_error(); /* a client's bad handshake must not leak into the engine's queue */
        return -1;
    }
}

static int handshake(struct lab_conn *c)
{
    int rc = SSL_accept(c->ssl);
    if (rc == 1) {
        c->handshaking = false;
        c->tls_up = true;
        c->want_write = false;
        return 1;
    }
    return ssl_want(c, rc);
}

/* flush - send queued output; 0 when all sent or blocked, -1 on error. */
static int flush(struct lab_conn *c)
{
    while (c->outoff < c->nout) {
        size_t left = c->nout - c->outoff;
        ssize_t n;
        if (c->ssl) {
            int rc = SSL_write(c->ssl, c->out + c->outoff, (int)(left > 16384 ? 16384 : left));
            if (rc <= 0)
                return ssl_want(c, rc);
            n = rc;
        } else {
            n = send(c->fd, c->out + c->outoff, left, MSG_NOSIGNAL);
            if (n < 0)
                return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
        }
        c->outoff += (size_t)n;
    }
    c->outoff = c->nout = 0;
    return 0;
}

/* fill - read what is available; 1 read, 0 nothing now, -1 EOF or error. */
static int fill(struct lab_conn *c)
{
    size_t room = sizeof c->in - c->nin;
    if (!room)
        return -1; /* the owner could not make sense of a full buffer */
    if (c->ssl) {
        int rc = SSL_read(c->ssl, c->in + c->nin, (int)room);
        if (rc <= 0)
            return ssl_want(c, rc);
        c->nin += (size_t)rc;
        return 1;
    }
    ssize_t n = read(c->fd, c->in + c->nin, room);
    if (n == 0)
        return -1;
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
    c->nin += (size_t)n;
    return 1;
}

static void begin_tls(struct lab_conn *c)
{
    c->ssl = SSL_new(c->pending_ctx);
    c->pending_ctx = NULL;
    SSL_set_fd(c->ssl, c->fd);
    SSL_set_mode(c->ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_set_accept_state(c->ssl);
    c->handshaking = true;
    c->nin = 0; /* plaintext sent after STARTTLS is never obeyed */
}

/* pump - make as much progress as possible; -1 when the conn must close. */
static int pump(struct lab_conn *c)
{
    for (int round = 0; round < 64; round++) {
        if (c->handshaking) {
            int rc = handshake(c);
            if (rc <= 0)
                return rc;
        }
        if (flush(c) < 0)
            return -1;
        if (c->outoff < c->nout)
            return 0;
        if (c->pending_ctx) {
            begin_tls(c);
            continue;
        }
        if (c->closing)
            return -1;
        int rc = fill(c);
        if (rc <= 0)
            return rc;
        c->ops->on_data(c->arg, c);
    }
    return 0;
}

static void conn_idle(void *arg)
{
    struct lab_conn *c = arg;
    c->timer = 0;
    conn_destroy(c);
}

static void conn_event(void *arg, int fd, int revents)
{
    struct lab_conn *c = arg;
    if (pump(c) < 0) {
        conn_destroy(c);
        return;
    }
    loop_timer_cancel(c->loop, c->timer);
    c->timer = loop_timer_set(c->loop, LAB_IDLE_MS, conn_idle, c);
    conn_arm(c);
}

/* conn_arm - watch for what the next step needs: output first, then TLS wants, then input. */
static void conn_arm(struct lab_conn *c)
{
    int ev = POLLIN;
    if (c->outoff < c->nout || c->want_write)
        ev = POLLOUT;
    loop_watch(c->loop, c->fd, ev, conn_event, c);
}

struct lab_conn *lab_conn_new(struct lab_conn_set *s, struct loop *l, int fd, SSL_CTX *ctx,
                              const struct lab_conn_ops *ops, void *arg)
{
    struct lab_conn *c = xcalloc(1, sizeof *c);
    c->set = s;
    c->loop = l;
    c->fd = fd;
    c->ops = ops;
    c->arg = arg;
    c->next = s->head;
    if (s->head)
        s->head->prev = c;
    s->head = c;
    s->n++;
    if (ctx) {
        c->pending_ctx = ctx;
        begin_tls(c);
    }
    c->timer = loop_timer_set(l, LAB_IDLE_MS, conn_idle, c);
    conn_arm(c);
    return c;
}

const char *lab_conn_data(const struct lab_conn *c, size_t *len)
{
    *len = c->nin;
    return c->in;
}

void lab_conn_consume(struct lab_conn *c, size_t n)
{
    if (n >= c->nin) {
        c->nin = 0;
        return;
    }
    memmove(c->in, c->in + n, c->nin - n);
    c->nin -= n;
}

void lab_conn_write(struct lab_conn *c, const void *buf, size_t len)
{
    if (c->closing && !c->nout)
        return;
    if (c->nout + len > LAB_CONN_OUT_MAX) {
        c->closing = true; /* a reply this large is a bug or abuse: stop talking */
        return;
    }
    c->out = xrealloc(c->out, c->nout + len + 1);
    memcpy(c->out + c->nout, buf, len);
    c->nout += len;
    conn_arm(c); /* output queued outside a read (a banner) must not wait for the client */
}

void lab_conn_printf(struct lab_conn *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    lab_conn_write(c, s, strlen(s));
    free(s);
}

void lab_conn_start_tls(struct lab_conn *c, SSL_CTX *ctx)
{
    if (!c->ssl)
        c->pending_ctx = ctx;
}

bool lab_conn_is_tls(const struct lab_conn *c)
{
    return c->ssl != NULL || c->pending_ctx != NULL;
}

const char *lab_conn_sni(const struct lab_conn *c)
{
    return c->ssl ? SSL_get_servername(c->ssl, TLSEXT_NAMETYPE_host_name) : NULL;
}

void lab_conn_close_after_flush(struct lab_conn *c)
{
    c->closing = true;
}
