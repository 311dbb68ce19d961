/* fake_dns - a tiny authoritative-looking DNS server for unit tests, on 127.0.0.1, UDP and TCP
 * on the same ephemeral port, driven by the caller's loop (header-only: tests/CMakeLists.txt
 * builds each test_*.c with testlib.c only).
 *
 * Usage: fake_dns_start(&f, loop); fake_dns_add(&f, &(struct fake_dns_zone){...}); point
 * dns_opts.servers at f.addr; fake_dns_stop(&f). Names are compared case-insensitively without
 * a trailing dot. A name not in the table gets NXDOMAIN; a known name asked for a type it does
 * not have gets NOERROR with no records (NODATA). Records: A/AAAA "address", MX "10 host",
 * CNAME "host", TXT "text" (split into 255-byte strings; '|' separates explicit strings). */
#ifndef MXRAY_FAKE_DNS_H
#define MXRAY_FAKE_DNS_H
#include "loop.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define FAKE_DNS_ZONES_MAX 32
#define FAKE_DNS_RRS_MAX 8
#define FAKE_DNS_CONNS_MAX 8
#define FAKE_DNS_DELAYED_MAX 16

enum fake_dns_mode {
    FAKE_DNS_ANSWER,  /* answer from the records */
    FAKE_DNS_SILENT,  /* never answer */
    FAKE_DNS_TC_UDP,  /* over UDP: TC bit and no records; over TCP: the full answer */
};

struct fake_dns_zone {
    const char *name;
    uint16_t type;            /* records below answer this type; others get NODATA */
    int rcode;                /* 0 unless testing an error */
    enum fake_dns_mode mode;
    int delay_ms;             /* answer after this long (UDP only) */
    struct { uint16_t type; const char *data; } rr[FAKE_DNS_RRS_MAX];
};

struct fake_dns_conn {
    int fd;
    unsigned char buf[4096];
    size_t len;
};

struct fake_dns_delayed {
    struct fake_dns *f;
    unsigned char msg[4096];
    size_t len;
    struct sockaddr_storage to;
    socklen_t tolen;
    bool used;
};

struct fake_dns {
    struct loop *loop;
    int udp, tcp, port;
    char addr[32];            /* "127.0.0.1:PORT" */
    struct fake_dns_zone zones[FAKE_DNS_ZONES_MAX];
    int nzones;
    struct fake_dns_conn conns[FAKE_DNS_CONNS_MAX];
    struct fake_dns_delayed delayed[FAKE_DNS_DELAYED_MAX];
    uint64_t timers[FAKE_DNS_DELAYED_MAX];
    int udp_queries, tcp_queries;
};

static inline void fake_dns_add(struct fake_dns *f, const struct fake_dns_zone *z)
{
    if (f->nzones < FAKE_DNS_ZONES_MAX)
        f->zones[f->nzones++] = *z;
}

/* fake_dns_qname - the question name as text and the offset past the question. */
static inline int fake_dns_qname(const unsigned char *m, size_t n, char *out, size_t outlen,
                                 uint16_t *qtype, size_t *end)
{
    size_t pos = 12, o = 0;
    if (n < 12)
        return -1;
    while (pos < n && m[pos]) {
        size_t l = m[pos];
        if (l > 63 || pos + 1 + l >= n || o + l + 2 > outlen)
            return -1;
        if (o)
            out[o++] = '.';
        memcpy(out + o, m + pos + 1, l);
        o += l;
        pos += 1 + l;
    }
    if (pos + 5 > n)
        return -1;
    out[o] = '\0';
    *qtype = (uint16_t)(m[pos + 1] << 8 | m[pos + 2]);
    *end = pos + 5;
    return 0;
}

static inline void fake_dns_put16(unsigned char *m, size_t *o, unsigned v)
{
    m[(*o)++] = (unsigned char)(v >> 8);
    m[(*o)++] = (unsigned char)v;
}

static inline void fake_dns_put_name(unsigned char *m, size_t *o, const char *name)
{
    while (*name) {
        const char *dot = strchr(name, '.');
        size_t l = dot ? (size_t)(dot - name) : strlen(name);
        m[(*o)++] = (unsigned char)l;
        memcpy(m + *o, name, l);
        *o += l;
        name += l + (dot ? 1 : 0);
    }
    m[(*o)++] = 0;
}

/* fake_dns_rdata - encode one record's data; returns its length. */
static inline size_t fake_dns_rdata(unsigned char *m, uint16_t type, const char *data)
{
    size_t o = 0;
    switch (type) {
    case 1:
        inet_pton(AF_INET, data, m);
        return 4;
    case 28:
        inet_pton(AF_INET6, data, m);
        return 16;
    case 15:
        fake_dns_put16(m, &o, (unsigned)atoi(data));
        fake_dns_put_name(m, &o, strchr(data, ' ') + 1);
        return o;
    case 5:
        fake_dns_put_name(m, &o, data);
        return o;
    default: { /* TXT */
        const char *s = data;
        for (;;) {
            const char *bar = strchr(s, '|');
            size_t l = bar ? (size_t)(bar - s) : strlen(s);
            do {
                size_t part = l > 255 ? 255 : l;
                m[o++] = (unsigned char)part;
                memcpy(m + o, s, part);
                o += part, s += part, l -= part;
            } while (l > 0);
            if (!bar)
                return o;
            s = bar + 1;
        }
    }
    }
}

/* fake_dns_reply - build the reply to query q into r; returns its length, 0 for no reply. */
static inline size_t fake_dns_reply(struct fake_dns *f, const unsigned char *q, size_t qn,
                                    bool tcp, unsigned char *r, int *delay_ms)
{
    char name[300];
    uint16_t qtype;
    size_t end;
    *delay_ms = 0;
    if (fake_dns_qname(q, qn, name, sizeof name, &qtype, &end) < 0)
        return 0;
    struct fake_dns_zone *z = NULL;
    bool known = false;
    for (int i = 0; i < f->nzones; i++) {
        if (strcasecmp(f->zones[i].name, name) != 0)
            continue;
        known = true;
        if (f->zones[i].type == qtype || f->zones[i].rcode || f->zones[i].mode != FAKE_DNS_ANSWER)
            z = &f->zones[i];
    }
    if (z && z->mode == FAKE_DNS_SILENT)
        return 0;
    memcpy(r, q, end);                 /* id, flags, counts and the question, echoed */
    r[2] = (unsigned char)(0x80 | (q[2] & 0x01)); /* QR, RD as asked */
    r[3] = 0x80 | (unsigned char)(z ? z->rcode : known ? 0 : 3);
    r[4] = 0, r[5] = 1, r[6] = r[7] = r[8] = r[9] = r[10] = r[11] = 0;
    size_t o = end;
    if (!z || z->rcode)
        return o;
    if (z->mode == FAKE_DNS_TC_UDP && !tcp) {
        r[2] |= 0x02;
        return o;
    }
    *delay_ms = tcp ? 0 : z->delay_ms;
    int an = 0;
    for (int i = 0; i < FAKE_DNS_RRS_MAX && z->rr[i].data; i++) {
        fake_dns_put16(r, &o, 0xc00c);           /* owner: the question name */
        fake_dns_put16(r, &o, z->rr[i].type);
        fake_dns_put16(r, &o, 1);
        fake_dns_put16(r, &o, 0), fake_dns_put16(r, &o, 60);
        size_t at = o;
        o += 2;
        size_t len = fake_dns_rdata(r + o, z->rr[i].type, z->rr[i].data);
        r[at] = (unsigned char)(len >> 8), r[at + 1] = (unsigned char)len;
        o += len;
        an++;
    }
    r[7] = (unsigned char)an;
    return o;
}

static inline void fake_dns_send_delayed(void *arg)
{
    struct fake_dns_delayed *d = arg;
    struct fake_dns *f = d->f;
    sendto(f->udp, d->msg, d->len, 0, (struct sockaddr *)&d->to, d->tolen);
    d->used = false;
    f->timers[d - f->delayed] = 0;
}

static inline void fake_dns_on_udp(void *arg, int fd, int revents)
{
    struct fake_dns *f = arg;
    unsigned char q[4096], r[4096];
    struct sockaddr_storage from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(fd, q, sizeof q, 0, (struct sockaddr *)&from, &fl);
    if (n <= 0)
        return;
    f->udp_queries++;
    int delay;
    size_t rn = fake_dns_reply(f, q, (size_t)n, false, r, &delay);
    if (!rn)
        return;
    if (!delay) {
        sendto(fd, r, rn, 0, (struct sockaddr *)&from, fl);
        return;
    }
    for (int i = 0; i < FAKE_DNS_DELAYED_MAX; i++) {
        struct fake_dns_delayed *d = &f->delayed[i];
        if (d->used)
            continue;
        *d = (struct fake_dns_delayed){.f = f, .len = rn, .to = from, .tolen = fl, .used = true};
        memcpy(d->msg, r, rn);
        f->timers[i] = loop_timer_set(f->loop, delay, fake_dns_send_delayed, d);
        return;
    }
}

static inline void fake_dns_conn_close(struct fake_dns *f, struct fake_dns_conn *c)
{
    loop_watch(f->loop, c->fd, 0, NULL, NULL);
    close(c->fd);
    c->fd = -1;
}

static inline void fake_dns_on_conn(void *arg, int fd, int revents)
{
    struct fake_dns *f = arg;
    struct fake_dns_conn *c = NULL;
    for (int i = 0; i < FAKE_DNS_CONNS_MAX; i++)
        if (f->conns[i].fd == fd)
            c = &f->conns[i];
    if (!c)
        return;
    ssize_t n = read(fd, c->buf + c->len, sizeof c->buf - c->len);
    if (n <= 0) {
        fake_dns_conn_close(f, c);
        return;
    }
    c->len += (size_t)n;
    while (c->len >= 2) {
        size_t ml = (size_t)(c->buf[0] << 8 | c->buf[1]);
        if (c->len < 2 + ml)
            return;
        unsigned char r[4098];
        int delay;
        f->tcp_queries++;
        size_t rn = fake_dns_reply(f, c->buf + 2, ml, true, r + 2, &delay);
        if (rn) {
            r[0] = (unsigned char)(rn >> 8), r[1] = (unsigned char)rn;
            if (write(fd, r, rn + 2) < 0)
                return;
        }
        memmove(c->buf, c->buf + 2 + ml, c->len - 2 - ml);
        c->len -= 2 + ml;
    }
}

static inline void fake_dns_on_accept(void *arg, int fd, int revents)
{
    struct fake_dns *f = arg;
    int c = accept(fd, NULL, NULL);
    if (c < 0)
        return;
    for (int i = 0; i < FAKE_DNS_CONNS_MAX; i++) {
        if (f->conns[i].fd < 0) {
            f->conns[i].fd = c;
            f->conns[i].len = 0;
            loop_watch(f->loop, c, POLLIN, fake_dns_on_conn, f);
            return;
        }
    }
    close(c);
}

/* fake_dns_start - bind UDP and TCP on one free 127.0.0.1 port. Returns 0 or -1. */
static inline int fake_dns_start(struct fake_dns *f, struct loop *l)
{
    memset(f, 0, sizeof *f);
    f->loop = l;
    for (int i = 0; i < FAKE_DNS_CONNS_MAX; i++)
        f->conns[i].fd = -1;
    for (int attempt = 0; attempt < 20; attempt++) {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
        socklen_t al = sizeof a;
        f->udp = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (f->udp < 0 || bind(f->udp, (struct sockaddr *)&a, sizeof a) < 0 ||
            getsockname(f->udp, (struct sockaddr *)&a, &al) < 0)
            return -1;
        f->tcp = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        int one = 1;
        setsockopt(f->tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(f->tcp, (struct sockaddr *)&a, sizeof a) == 0 && listen(f->tcp, 8) == 0) {
            f->port = ntohs(a.sin_port);
            snprintf(f->addr, sizeof f->addr, "127.0.0.1:%d", f->port);
            loop_watch(l, f->udp, POLLIN, fake_dns_on_udp, f);
            loop_watch(l, f->tcp, POLLIN, fake_dns_on_accept, f);
            return 0;
        }
        close(f->udp);
        close(f->tcp);
    }
    return -1;
}

static inline void fake_dns_stop(struct fake_dns *f)
{
    for (int i = 0; i < FAKE_DNS_CONNS_MAX; i++)
        if (f->conns[i].fd >= 0)
            fake_dns_conn_close(f, &f->conns[i]);
    for (int i = 0; i < FAKE_DNS_DELAYED_MAX; i++)
        loop_timer_cancel(f->loop, f->timers[i]);
    loop_watch(f->loop, f->udp, 0, NULL, NULL);
    loop_watch(f->loop, f->tcp, 0, NULL, NULL);
    close(f->udp);
    close(f->tcp);
}

#endif
