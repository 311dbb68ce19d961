/* dns - c-ares 1.18 on the loop (contract in dns.h).
 *
 * c-ares names the sockets to watch through ARES_OPT_SOCK_STATE_CB (-> loop_watch) and its
 * retransmit deadline through ares_timeout() (-> one loop timer, re-armed after every c-ares
 * call). Each query also has our own deadline timer (dns_opts.timeout_ms) that delivers
 * DNS_TIMEOUT; c-ares still holds the query's arg, so the struct lives until c-ares calls
 * back, and that late callback is a no-op.
 *
 * Every query is built here (ares_create_query with an EDNS OPT record, RFC 6891 6.1.2) and
 * sent with ares_send, because c-ares 1.18's ares_query cannot set the DO bit: with DO
 * (RFC 3225 3, RFC 4035 3.2.1) a validating resolver sets AD on what it validated, which is
 * how the DNSSEC status of each answer is known (DANE, RFC 7672 2.1). c-ares still retries
 * without the OPT record when a server answers FORMERR.
 *
 * Results are never delivered from inside c-ares: its callback parses the answer and a 0 ms
 * timer hands it to the user on the next turn. So a user callback may start queries, cancel
 * others or call dns_free, and dns_query never calls back synchronously.
 * Ownership: dns_ctx owns every dns_query until it is freed; the user owns delivered answers. */
#include "dns.h"
#include "escape.h"
#include "mx_limits.h"
#include "loop.h"
#include "xalloc.h"
#include <ares.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <sys/random.h>
#include <stdlib.h>
#include <string.h>

#define DNS_TRIES 2             /* per server; c-ares doubles the timeout each round */
#define DNS_TRY_MIN_MS 200      /* shortest per-try timeout we hand to c-ares */
#define DNS_EDNS_PAYLOAD 1232   /* DNS flag day 2020 recommendation */
#define DNS_OPT_LEN 11          /* RFC 6891 6.1.2: root name, TYPE, CLASS, TTL, RDLEN */
#define DNS_T_OPT 41

struct dns_ctx {
    struct loop *loop;
    ares_channel ch;
    uint64_t ares_timer;     /* c-ares retransmit deadline, 0 when none */
    int timeout_ms;
    char *desc;              /* "127.0.0.1:53,[::1]:53" */
    struct dns_query *queries; /* every live struct, doubly linked */
    bool destroying;         /* inside ares_destroy: callbacks are EDESTRUCTION, drop them */
    int inflight;            /* handed to c-ares and not yet called back */
    struct dns_query *wait_head, *wait_tail; /* not sent yet: MX_DNS_INFLIGHT_MAX reached */
    uint64_t pump_timer;     /* sends waiting queries from the loop, not from c-ares' callback */
};

struct dns_query {
    struct dns_ctx *d;
    struct dns_query *prev, *next;
    dns_cb cb;
    void *arg;
    struct dns_answer *ans;  /* filled by c-ares' callback or by the deadline */
    int64_t start_ms;
    uint64_t deadline_timer; /* our own per-query deadline */
    uint64_t deliver_timer;  /* 0 ms timer that hands ans to the user */
    bool ares_done;          /* c-ares called back; it no longer holds this struct */
    bool finished;           /* the user got a callback or cancelled: nothing more for them */
    bool queued;             /* waiting for a free slot; c-ares has not seen it */
    struct dns_query *wnext; /* next in the wait queue */
    char *qname;             /* kept while queued */
    uint16_t qtype;
};

static void rearm_ares_timer(struct dns_ctx *d);

/* --- servers ------------------------------------------------------------------------------ */

/* server_norm - "ADDR", "ADDR:PORT", "[V6]:PORT" or a bare V6 to "ADDR:PORT" / "[V6]:PORT".
 * Returns a new string or NULL when invalid. */
static char *server_norm(const char *s)
{
    char host[INET6_ADDRSTRLEN + 1];
    const char *port = NULL;
    unsigned char bin[16];
    size_t hl;
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close)
            return NULL;
        hl = (size_t)(close - s - 1);
        if (close[1] == ':')
            port = close + 2;
        else if (close[1] != '\0')
            return NULL;
        s++;
    } else {
        const char *colon = strchr(s, ':');
        if (colon && strchr(colon + 1, ':'))
            colon = NULL; /* a bare IPv6 address */
        hl = colon ? (size_t)(colon - s) : strlen(s);
        port = colon ? colon + 1 : NULL;
    }
    if (hl == 0 || hl >= sizeof host)
        return NULL;
    memcpy(host, s, hl);
    host[hl] = '\0';
    unsigned long p = 53;
    if (port) {
        char *end;
        p = strtoul(port, &end, 10);
        if (!*port || *end || p == 0 || p > 65535)
            return NULL;
    }
    if (inet_pton(AF_INET, host, bin) == 1)
        return xasprintf("%s:%lu", host, p);
    if (inet_pton(AF_INET6, host, bin) == 1)
        return xasprintf("[%s]:%lu", host, p);
    return NULL;
}

/* servers_csv - the user's list for ares_set_servers_ports_csv; NULL with err on a bad one. */
static char *servers_csv(const struct dns_opts *o, char *err, size_t errlen)
{
    char *csv = NULL;
    if (o->nservers > MX_RESOLVERS_MAX) {
        snprintf(err, errlen, "at most %d resolvers", MX_RESOLVERS_MAX);
        return NULL;
    }
    for (size_t i = 0; i < o->nservers; i++) {
        char *n = server_norm(o->servers[i] ? o->servers[i] : "");
        if (!n) {
            char *e = escape_str(o->servers[i] ? o->servers[i] : "");
            snprintf(err, errlen, "bad resolver address \"%s\" (want ADDR, ADDR:PORT or "
                     "[V6]:PORT)", e);
            free(e);
            free(csv);
            return NULL;
        }
        char *joined = csv ? xasprintf("%s,%s", csv, n) : xstrdup(n);
        free(csv);
        free(n);
        csv = joined;
    }
    return csv;
}

/* servers_desc - what c-ares will actually ask, from ares_get_servers_ports. */
static char *servers_desc(ares_channel ch, size_t *count)
{
    struct ares_addr_port_node *list = NULL;
    char *desc = NULL;
    *count = 0;
    if (ares_get_servers_ports(ch, &list) != ARES_SUCCESS)
        return xstrdup("");
    for (struct ares_addr_port_node *n = list; n; n = n->next) {
        char a[INET6_ADDRSTRLEN] = "?";
        int port = n->udp_port ? n->udp_port : 53;
        inet_ntop(n->family, &n->addr, a, sizeof a);
        char *one = n->family == AF_INET6 ? xasprintf("[%s]:%d", a, port)
                                          : xasprintf("%s:%d", a, port);
        char *joined = desc ? xasprintf("%s,%s", desc, one) : xstrdup(one);
        free(desc);
        free(one);
        desc = joined;
        (*count)++;
    }
    ares_free_data(list);
    return desc ? desc : xstrdup("");
}

/* --- c-ares on the loop ------------------------------------------------------------------- */

static void on_fd(void *arg, int fd, int revents)
{
    struct dns_ctx *d = arg;
    /* Errors and hang-ups are reported as readable so c-ares reads, sees the error and
     * fails the server over. */
    ares_socket_t r = revents & (POLLIN | POLLERR | POLLHUP | POLLNVAL) ? fd : ARES_SOCKET_BAD;
    ares_socket_t w = revents & POLLOUT ? fd : ARES_SOCKET_BAD;
    ares_process_fd(d->ch, r, w);
    rearm_ares_timer(d);
}

static void on_sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
    struct dns_ctx *d = data;
    loop_watch(d->loop, fd, (readable ? POLLIN : 0) | (writable ? POLLOUT : 0), on_fd, d);
}

static void on_ares_timer(void *arg)
{
    struct dns_ctx *d = arg;
    d->ares_timer = 0;
    ares_process_fd(d->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    rearm_ares_timer(d);
}

static void rearm_ares_timer(struct dns_ctx *d)
{
    struct timeval tv, *t;
    loop_timer_cancel(d->loop, d->ares_timer);
    d->ares_timer = 0;
    t = ares_timeout(d->ch, NULL, &tv);
    if (!t)
        return;
    int64_t ms = (int64_t)t->tv_sec * 1000 + (t->tv_usec + 999) / 1000;
    d->ares_timer = loop_timer_set(d->loop, ms, on_ares_timer, d);
}

/* channel_init - one channel whose c-ares retries fit the deadline across nservers. */
static int channel_init(struct dns_ctx *d, const char *csv, size_t nservers, char *err,
                        size_t errlen)
{
    struct ares_options o;
    memset(&o, 0, sizeof o);
    /* Try k waits timeout << (k / nservers): DNS_TRIES rounds cost (1 + 2) * n * t. */
    int per = d->timeout_ms / (3 * (int)(nservers ? nservers : 1));
    o.timeout = per < DNS_TRY_MIN_MS ? DNS_TRY_MIN_MS : per;
    o.tries = DNS_TRIES;
    /* ares_query never searches; NOSEARCH/NOALIASES make that explicit. EDNS so the DO bit
     * can be asked for later and big TXT sets fit in UDP. NOCHECKRESP: c-ares 1.18 otherwise
     * drops SERVFAIL/REFUSED/NOTIMP answers and ends with "Could not contact DNS servers";
     * a diagnostic must show the resolver's own rcode (at the cost of no failover to the
     * next resolver on those rcodes). */
    o.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES | ARES_FLAG_EDNS | ARES_FLAG_NOCHECKRESP;
    o.ednspsz = DNS_EDNS_PAYLOAD;
    o.sock_state_cb = on_sock_state;
    o.sock_state_cb_data = d;
    int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_EDNSPSZ |
               ARES_OPT_SOCK_STATE_CB;
    int rc = ares_init_options(&d->ch, &o, mask);
    if (rc != ARES_SUCCESS) {
        snprintf(err, errlen, "c-ares init: %s", ares_strerror(rc));
        return -1;
    }
    if (csv && (rc = ares_set_servers_ports_csv(d->ch, csv)) != ARES_SUCCESS) {
        snprintf(err, errlen, "c-ares servers: %s", ares_strerror(rc));
        ares_destroy(d->ch);
        return -1;
    }
    return 0;
}

struct dns_ctx *dns_new(struct loop *l, const struct dns_opts *o, char *err, size_t errlen)
{
    static bool lib_ready;
    if (!lib_ready) {
        int rc = ares_library_init(ARES_LIB_INIT_ALL);
        if (rc != ARES_SUCCESS) {
            snprintf(err, errlen, "c-ares: %s", ares_strerror(rc));
            return NULL;
        }
        lib_ready = true;
    }
    struct dns_ctx *d = xcalloc(1, sizeof *d);
    d->loop = l;
    d->timeout_ms = o && o->timeout_ms > 0 ? o->timeout_ms : MX_TIMEOUT_DEFAULT_MS;
    char *csv = NULL;
    if (o && o->nservers && !(csv = servers_csv(o, err, errlen)))
        goto fail;
    if (channel_init(d, csv, o ? o->nservers : 0, err, errlen) < 0)
        goto fail;
    size_t n;
    d->desc = servers_desc(d->ch, &n);
    if (n == 0) {
        snprintf(err, errlen, "no DNS resolver configured");
        ares_destroy(d->ch);
        goto fail;
    }
    if (!csv && n > 1) {
        /* The system list had several servers: size the per-try timeout for all of them. */
        ares_destroy(d->ch);
        if (channel_init(d, NULL, n, err, errlen) < 0)
            goto fail;
    }
    free(csv);
    return d;
fail:
    free(csv);
    free(d->desc);
    free(d);
    return NULL;
}

const char *dns_resolver_desc(const struct dns_ctx *d)
{
    return d->desc;
}

/* --- queries ------------------------------------------------------------------------------ */

static void query_unlink_free(struct dns_query *q)
{
    struct dns_ctx *d = q->d;
    if (q->prev)
        q->prev->next = q->next;
    else
        d->queries = q->next;
    if (q->next)
        q->next->prev = q->prev;
    loop_timer_cancel(d->loop, q->deadline_timer);
    loop_timer_cancel(d->loop, q->deliver_timer);
    dns_answer_free(q->ans);
    free(q->qname);
    free(q);
}

/* deliver - hand the answer to the user once; the struct stays while c-ares holds it. */
static void deliver(struct dns_query *q)
{
    struct dns_answer *a = q->ans;
    q->ans = NULL;
    q->finished = true;
    loop_timer_cancel(q->d->loop, q->deadline_timer);
    loop_timer_cancel(q->d->loop, q->deliver_timer);
    q->deadline_timer = q->deliver_timer = 0;
    a->duration_ms = loop_now_ms() - q->start_ms;
    dns_cb cb = q->cb;
    void *arg = q->arg;
    if (q->ares_done)
        query_unlink_free(q); /* before cb: the user may call dns_free in it */
    cb(arg, a);
}

static void on_deliver(void *arg)
{
    struct dns_query *q = arg;
    q->deliver_timer = 0;
    deliver(q);
}

static void on_deadline(void *arg)
{
    struct dns_query *q = arg;
    q->deadline_timer = 0;
    if (!q->ares_done) {
        struct dns_answer *a = q->ans;
        a->status = DNS_TIMEOUT;
        free(a->error);
        a->error = xasprintf("no answer within %d ms", q->d->timeout_ms);
    } /* else the answer came in this very turn and waits for on_deliver: hand it over now */
    deliver(q);
}

static enum dns_status map_status(int st)
{
    switch (st) {
    case ARES_ENOTFOUND: return DNS_NXDOMAIN;
    case ARES_ENODATA: return DNS_NODATA;
    case ARES_ESERVFAIL: return DNS_SERVFAIL;
    case ARES_EREFUSED: return DNS_REFUSED;
    case ARES_ETIMEOUT: return DNS_TIMEOUT;
    default: return DNS_ERROR;
    }
}

/* on_ares - c-ares' callback. Parses whatever buffer came (so NXDOMAIN and NODATA keep their
 * rcode and CNAMEs) and schedules delivery; never calls the user directly. */
static void schedule_pump(struct dns_ctx *d);

static void on_ares(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
    struct dns_query *q = arg;
    q->ares_done = true;
    if (status == ARES_EDESTRUCTION || q->d->destroying)
        return; /* dns_free frees it */
    q->d->inflight--;
    if (q->d->wait_head)
        schedule_pump(q->d);
    if (q->finished) {
        query_unlink_free(q); /* timed out or cancelled earlier */
        return;
    }
    struct dns_answer *a = q->ans;
    if (abuf && alen > 0) {
        dns_parse_answer(abuf, (size_t)alen, a);
    } else {
        a->status = map_status(status);
        a->error = xstrdup(ares_strerror(status));
    }
    if (!q->deliver_timer)
        q->deliver_timer = loop_timer_set(q->d->loop, 0, on_deliver, q);
}

/* query_id - c-ares 1.18 replaces the id with its own random one; ours is random anyway. */
static unsigned short query_id(void)
{
    unsigned short id = 0;
    if (getrandom(&id, sizeof id, GRND_NONBLOCK) != (ssize_t)sizeof id)
        id = (unsigned short)(loop_now_ms() * 2654435761u >> 16);
    return id;
}

int dns_build_query(const char *name, uint16_t type, unsigned char **buf, int *len)
{
    *buf = NULL;
    *len = 0;
    if (ares_create_query(name, 1 /* class IN */, type, query_id(), 1 /* RD */, buf, len,
                          DNS_EDNS_PAYLOAD) != ARES_SUCCESS)
        return -1;
    unsigned char *opt = *buf + *len - DNS_OPT_LEN;
    if (*len < 12 + DNS_OPT_LEN || opt[0] != 0 || opt[1] != 0 || opt[2] != DNS_T_OPT) {
        ares_free_string(*buf);
        *buf = NULL;
        return -1;
    }
    opt[7] |= 0x80; /* TTL = extended RCODE, VERSION, then the flags: DO is their top bit */
    return 0;
}

/* query_send - hand q to c-ares; its deadline starts now. */
static void query_send(struct dns_query *q)
{
    struct dns_ctx *d = q->d;
    q->queued = false;
    q->start_ms = loop_now_ms();
    q->deadline_timer = loop_timer_set(d->loop, d->timeout_ms, on_deadline, q);
    d->inflight++;
    /* on_ares may run synchronously here (bad name, no servers): it only schedules. */
    unsigned char *qbuf = NULL;
    int qlen = 0;
    if (dns_build_query(q->qname ? q->qname : "", q->qtype, &qbuf, &qlen) == 0) {
        ares_send(d->ch, qbuf, qlen, on_ares, q);
        ares_free_string(qbuf);
    } else {
        on_ares(q, ARES_EBADNAME, 0, NULL, 0);
    }
    rearm_ares_timer(d);
}

/* on_pump - send waiting queries while slots are free (batch mode can ask for thousands at
 * once; a burst that large overflows socket buffers and turns into timeouts). */
static void on_pump(void *arg)
{
    struct dns_ctx *d = arg;
    d->pump_timer = 0;
    while (d->wait_head && d->inflight < MX_DNS_INFLIGHT_MAX) {
        struct dns_query *q = d->wait_head;
        d->wait_head = q->wnext;
        if (!d->wait_head)
            d->wait_tail = NULL;
        q->wnext = NULL;
        query_send(q);
    }
}

static void schedule_pump(struct dns_ctx *d)
{
    if (!d->pump_timer)
        d->pump_timer = loop_timer_set(d->loop, 0, on_pump, d);
}

static void wait_remove(struct dns_ctx *d, struct dns_query *q)
{
    struct dns_query **pp = &d->wait_head, *prev = NULL;
    while (*pp && *pp != q)
        prev = *pp, pp = &(*pp)->wnext;
    if (!*pp)
        return;
    *pp = q->wnext;
    if (d->wait_tail == q)
        d->wait_tail = prev;
}

struct dns_query *dns_query(struct dns_ctx *d, const char *name, uint16_t type, dns_cb cb,
                            void *arg)
{
    struct dns_query *q = xcalloc(1, sizeof *q);
    q->d = d;
    q->cb = cb;
    q->arg = arg;
    q->qname = xstrdup(name ? name : "");
    q->qtype = type;
    q->start_ms = loop_now_ms();
    q->ans = dns_answer_new(name, type);
    q->ans->resolver = xstrdup(d->desc);
    q->next = d->queries;
    if (q->next)
        q->next->prev = q;
    d->queries = q;
    if (d->inflight < MX_DNS_INFLIGHT_MAX && !d->wait_head) {
        query_send(q);
        return q;
    }
    q->queued = true;
    if (d->wait_tail)
        d->wait_tail->wnext = q;
    else
        d->wait_head = q;
    d->wait_tail = q;
    return q;
}

void *dns_query_arg(const struct dns_query *q)
{
    return q->arg;
}

void dns_query_cancel(struct dns_query *q)
{
    if (!q || q->finished)
        return;
    q->finished = true;
    if (q->queued) { /* never sent: nothing else holds it */
        wait_remove(q->d, q);
        query_unlink_free(q);
        return;
    }
    if (q->ares_done) {
        query_unlink_free(q);
        return;
    }
    loop_timer_cancel(q->d->loop, q->deadline_timer);
    q->deadline_timer = 0;
}

void dns_free(struct dns_ctx *d)
{
    if (!d)
        return;
    d->destroying = true;
    loop_timer_cancel(d->loop, d->ares_timer);
    loop_timer_cancel(d->loop, d->pump_timer);
    d->wait_head = d->wait_tail = NULL; /* the queued ones are on d->queries, freed below */
    ares_destroy(d->ch); /* calls back with ARES_EDESTRUCTION; on_ares drops those */
    while (d->queries)
        query_unlink_free(d->queries);
    free(d->desc);
    free(d);
}
