/* lab_smtp - an SMTP server for one lab MX host, enough to be diagnosed: 220 banner, EHLO/HELO
 * (STARTTLS advertised or not, per scenario), STARTTLS -> 220 -> TLS with the host's
 * certificate and TLS version ceiling, then EHLO/NOOP/RSET/QUIT again. It never accepts mail.
 *
 * Each MX host has its own listening port because the certificate and the EHLO answer differ
 * per host, and an SMTP client names the host only after STARTTLS (SNI). Lines are bounded
 * (over-long ones are answered 500 and skipped), commands per session are bounded, and input
 * pipelined after STARTTLS is discarded. The lab_mx is borrowed from its scenario. */
#include "lab_int.h"
#include "loop.h"
#include "xalloc.h"
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define SMTP_LINE_MAX 1000   /* RFC 5321 4.5.3.1.4: 1000 octets with CRLF */
#define SMTP_COMMANDS_MAX 100

struct lab_smtp {
    struct loop *loop;
    struct lab_conn_set *conns;
    const struct lab_mx *mx;
    int fd, port;
    SSL_CTX *ctx;
    struct lab_rr *tlsa;   /* this host's TLSA records (lab_dane.c) */
    size_t ntlsa;
};

struct sess {
    struct lab_smtp *srv;
    bool skipping;    /* inside an over-long line: drop bytes until its end */
    int commands;
};

size_t lab_smtp_tlsa(const struct lab_smtp *s, const struct lab_rr **rr)
{
    *rr = s->tlsa;
    return s->ntlsa;
}

int lab_smtp_port_of(const struct lab_smtp *s)
{
    return s->port;
}

const char *lab_smtp_mx_host(const struct lab_smtp *s)
{
    return s->mx->host;
}

static bool verb_is(const char *line, const char *verb)
{
    size_t n = strlen(verb);
    return !strncasecmp(line, verb, n) && (line[n] == '\0' || line[n] == ' ');
}

static void ehlo(struct sess *ss, struct lab_conn *c, const char *line)
{
    const struct lab_mx *mx = ss->srv->mx;
    if (!line[4]) {
        lab_conn_printf(c, "501 5.5.4 EHLO needs a domain\r\n");
        return;
    }
    bool tls_offer = mx->starttls && !lab_conn_is_tls(c);
    lab_conn_printf(c, "250-%s greets you\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n", mx->host);
    if (tls_offer)
        lab_conn_printf(c, "250-STARTTLS\r\n");
    lab_conn_printf(c, "250-ENHANCEDSTATUSCODES\r\n250 8BITMIME\r\n");
}

/* command - one line; returns false when no more lines of this read may be obeyed. */
static bool command(struct sess *ss, struct lab_conn *c, const char *line)
{
    const struct lab_mx *mx = ss->srv->mx;
    if (++ss->commands > SMTP_COMMANDS_MAX) {
        lab_conn_printf(c, "421 4.7.0 %s too many commands, closing\r\n", mx->host);
        lab_conn_close_after_flush(c);
        return false;
    }
    if (verb_is(line, "EHLO")) {
        ehlo(ss, c, line);
    } else if (verb_is(line, "HELO")) {
        lab_conn_printf(c, "250 %s\r\n", mx->host);
    } else if (verb_is(line, "STARTTLS")) {
        if (lab_conn_is_tls(c)) {
            lab_conn_printf(c, "503 5.5.1 TLS already active\r\n");
        } else if (!mx->starttls) {
            lab_conn_printf(c, "502 5.5.1 STARTTLS not available\r\n");
        } else {
            lab_conn_printf(c, "220 2.0.0 Ready to start TLS\r\n");
            lab_conn_start_tls(c, ss->srv->ctx);
            return false;
        }
    } else if (verb_is(line, "QUIT")) {
        lab_conn_printf(c, "221 2.0.0 %s closing connection\r\n", mx->host);
        lab_conn_close_after_flush(c);
        return false;
    } else if (verb_is(line, "NOOP") || verb_is(line, "RSET")) {
        lab_conn_printf(c, "250 2.0.0 OK\r\n");
    } else if (verb_is(line, "MAIL") || verb_is(line, "RCPT") || verb_is(line, "DATA") ||
               verb_is(line, "VRFY") || verb_is(line, "EXPN")) {
        lab_conn_printf(c, "554 5.7.0 mxray lab: this server accepts no mail\r\n");
    } else {
        lab_conn_printf(c, "500 5.5.2 command not recognized\r\n");
    }
    return true;
}

static void sess_data(void *arg, struct lab_conn *c)
{
    struct sess *ss = arg;
    size_t len;
    const char *data = lab_conn_data(c, &len);
    while (len) {
        const char *nl = memchr(data, '\n', len);
        if (!nl) {
            if (len >= SMTP_LINE_MAX) { /* over-long: answer once, skip to its end */
                if (!ss->skipping)
                    lab_conn_printf(c, "500 5.5.6 line too long\r\n");
                ss->skipping = true;
                lab_conn_consume(c, len);
            }
            return;
        }
        size_t n = (size_t)(nl - data);
        bool skip = ss->skipping || n >= SMTP_LINE_MAX;
        if (skip && !ss->skipping)
            lab_conn_printf(c, "500 5.5.6 line too long\r\n");
        ss->skipping = false;
        char line[SMTP_LINE_MAX + 1];
        bool more = true;
        if (!skip) {
            if (n && data[n - 1] == '\r')
                n--;
            memcpy(line, data, n);
            line[n] = '\0';
            more = command(ss, c, line);
        }
        lab_conn_consume(c, (size_t)(nl - data) + 1);
        if (!more)
            return;
        data = lab_conn_data(c, &len);
    }
}

static void sess_closed(void *arg)
{
    free(arg);
}

static const struct lab_conn_ops sess_ops = {sess_data, sess_closed};

static void on_accept(void *arg, int fd, int revents)
{
    struct lab_smtp *s = arg;
    int cfd;
    while ((cfd = lab_accept(fd)) >= 0) {
        if (lab_conn_set_full(s->conns)) {
            close(cfd);
            continue;
        }
        struct sess *ss = xcalloc(1, sizeof *ss);
        ss->srv = s;
        struct lab_conn *c = lab_conn_new(s->conns, s->loop, cfd, NULL, &sess_ops, ss);
        if (s->mx->banner)
            lab_conn_printf(c, "220 %s\r\n", s->mx->banner);
        else
            lab_conn_printf(c, "220 %s ESMTP mxray-lab\r\n", s->mx->host);
    }
}

struct lab_smtp *lab_smtp_new(struct loop *l, struct lab_conn_set *conns, const struct lab_ca *ca,
                              const struct lab_mx *mx, char *err, size_t errlen)
{
    return lab_smtp_new_at(l, conns, ca, mx, INADDR_LOOPBACK, 0, err, errlen);
}

struct lab_smtp *lab_smtp_new_at(struct loop *l, struct lab_conn_set *conns,
                                 const struct lab_ca *ca, const struct lab_mx *mx, uint32_t addr,
                                 int port, char *err, size_t errlen)
{
    struct lab_smtp *s = xcalloc(1, sizeof *s);
    s->loop = l;
    s->conns = conns;
    s->mx = mx;
    s->fd = -1;
    const char *self[] = {mx->host};
    const char *const *names = mx->nnames ? (const char *const *)mx->names : self;
    size_t n = mx->nnames ? mx->nnames : 1;
    char *wrong = NULL;
    if (!mx->nnames && mx->cert == LAB_CERT_WRONG_NAME) {
        const char *dot = strchr(mx->host, '.');
        wrong = xasprintf("mail.%s", dot ? dot + 1 : LAB_ZONE); /* a sibling's name */
        self[0] = wrong;
    }
    s->ctx = lab_ca_server_ctx(ca, mx->cert, names, n, mx->tls_max, err, errlen);
    free(wrong);
    if (s->ctx && lab_dane_wants_ca(mx))
        SSL_CTX_add1_chain_cert(s->ctx, lab_ca_cert(ca)); /* DANE-TA: send the anchor */
    if (s->ctx && lab_dane_records(ca, mx, SSL_CTX_get0_certificate(s->ctx), &s->tlsa,
                                   &s->ntlsa, err, errlen)) {
        SSL_CTX_free(s->ctx);
        s->ctx = NULL;
    }
    if (!s->ctx || (s->fd = lab_listen_at(SOCK_STREAM, addr, port, &s->port, err, errlen)) < 0) {
        lab_smtp_free(s);
        return NULL;
    }
    loop_watch(l, s->fd, POLLIN, on_accept, s);
    return s;
}

void lab_smtp_free(struct lab_smtp *s)
{
    if (!s)
        return;
    if (s->fd >= 0) {
        loop_watch(s->loop, s->fd, 0, NULL, NULL);
        close(s->fd);
    }
    SSL_CTX_free(s->ctx);
    lab_dane_free(s->tlsa, s->ntlsa);
    free(s);
}
