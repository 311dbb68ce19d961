/* lab_dns - an authoritative DNS responder for the lab zone (mxray.test), UDP and TCP.
 *
 * Answers A, AAAA, MX, TXT, CNAME, TLSA and DNSKEY (following CNAMEs inside the lab data, at
 * most 8 hops), with AA set and no recursion. NXDOMAIN when a name does not exist, NOERROR with
 * no answer (NODATA) when it exists, or is an empty non-terminal, but lacks the type; REFUSED
 * outside the zone. No NS or SOA: the lab is only ever asked directly. UDP replies above 512
 * bytes (or the client's EDNS size) are truncated with TC so clients retry over TCP, where
 * messages carry a two-byte length prefix (RFC 1035 4.2.2). The records belong to the
 * scenarios the caller keeps alive until lab_dns_free.
 *
 * DNSSEC: a scenario marked "dnssec: signed" is a signed zone for real. Its apex has a DNSKEY
 * (lab_sign.c), and a query with the DO bit (RFC 3225) gets an RRSIG beside every RRset of the
 * answer (RFC 4035 3.1.1), so `dig +dnssec` shows signatures that verify against that DNSKEY.
 * The lab also plays the validating resolver in front of it: for DO (or AD, RFC 6840 5.7) it
 * sets AD on NOERROR and NXDOMAIN answers in a signed zone. Denial of existence is not signed
 * (no NSEC): NODATA and NXDOMAIN answers carry no proof. "tlsa_lookup: servfail" answers
 * SERVFAIL for that MX host's TLSA name, as a validator does for bogus data (RFC 4035 5.5);
 * with CD (checking disabled, RFC 4035 3.2.2) it answers the records with a signature that
 * does not verify, which is what such a validator saw. */
#include "lab_int.h"
#include "mx_limits.h"
#include "loop.h"
#include "xalloc.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DNS_HDR 12
#define DNS_MSG_MAX 65535
#define DNS_UDP_DEFAULT 512
#define DNS_EDNS_MAX 4096
#define DNS_HOPS_MAX 8
#define DNS_UDP_BURST 64 /* datagrams handled per wake-up, so TCP clients are not starved */

enum {
    RCODE_OK = 0, RCODE_FORMERR = 1, RCODE_SERVFAIL = 2, RCODE_NXDOMAIN = 3, RCODE_NOTIMP = 4,
    RCODE_REFUSED = 5
};

struct lab_dns {
    struct loop *loop;
    struct lab_conn_set *conns;
    int udp, tcp, port;
    const struct lab_rr **rr; /* every record of every scenario served */
    size_t nrr;
    char **signed_zones;      /* domains of "dnssec: signed" scenarios (borrowed) */
    size_t nsigned;
    char **servfail;          /* names that answer SERVFAIL (owned) */
    size_t nservfail;
    struct lab_zone_key **keys; /* one per signed zone (owned) */
    size_t nkeys;
    struct lab_rr *dnskey;    /* the DNSKEY record of each signed zone (owned) */
};

#define DNS_T_RRSIG 46
#define DNS_T_DNSKEY 48
#define DNS_ANSWERS_MAX 64 /* records of one answer that get signed */

int lab_dns_port_of(const struct lab_dns *d)
{
    return d->port;
}

/* ---- the answer ---- */

struct msg {
    unsigned char *buf;
    size_t len, cap;
    bool overflow;
};

static void put(struct msg *m, const void *p, size_t n)
{
    if (m->len + n > m->cap) {
        m->overflow = true;
        return;
    }
    memcpy(m->buf + m->len, p, n);
    m->len += n;
}

static void put16(struct msg *m, unsigned v)
{
    unsigned char b[2] = {(unsigned char)(v >> 8), (unsigned char)v};
    put(m, b, 2);
}

static void put_name(struct msg *m, const char *name)
{
    unsigned char wire[DNS_HDR + 256];
    size_t n = 0;
    const char *p = name;
    while (*p && n < 250) {
        const char *dot = strchr(p, '.');
        size_t l = dot ? (size_t)(dot - p) : strlen(p);
        if (l == 0 || l > 63 || n + l + 1 > 254)
            break;
        wire[n++] = (unsigned char)l;
        memcpy(wire + n, p, l);
        n += l;
        p += l + (dot ? 1 : 0);
    }
    wire[n++] = 0;
    put(m, wire, n);
}

static void put_rr(struct msg *m, const struct lab_rr *r)
{
    put_name(m, r->owner);
    put16(m, r->type);
    put16(m, 1); /* IN */
    uint32_t ttl = r->ttl ? r->ttl : LAB_TTL;
    put16(m, ttl >> 16);
    put16(m, ttl & 0xffff);
    put16(m, (unsigned)r->rdlen);
    put(m, r->rdata, r->rdlen);
}

/* name_exists - the name owns a record or is an empty non-terminal above one. */
static bool name_exists(const struct lab_dns *d, const char *name)
{
    for (size_t i = 0; i < d->nrr; i++)
        if (lab_name_under(d->rr[i]->owner, name))
            return true;
    return false;
}

static const struct lab_rr *find_cname(const struct lab_dns *d, const char *name)
{
    for (size_t i = 0; i < d->nrr; i++)
        if (d->rr[i]->type == 5 && !strcasecmp(d->rr[i]->owner, name))
            return d->rr[i];
    return NULL;
}

/* add_answers - the records for name/type, following CNAMEs; returns the rcode, which
 * (RFC 6604) describes the last name of the chain. */
static int add_answers(const struct lab_dns *d, struct msg *m, const char *qname, unsigned qtype,
                       unsigned *count, const struct lab_rr **added, size_t *nadded)
{
    const char *name = qname;
    for (int hop = 0; hop <= DNS_HOPS_MAX; hop++) {
        if (!lab_name_under(name, LAB_ZONE))
            return RCODE_OK; /* a CNAME leading out of the zone: the client asks elsewhere */
        unsigned found = 0;
        for (size_t i = 0; i < d->nrr; i++) {
            const struct lab_rr *r = d->rr[i];
            if (!strcasecmp(r->owner, name) && (r->type == qtype || qtype == 255)) {
                put_rr(m, r);
                found++;
                if (*nadded < DNS_ANSWERS_MAX)
                    added[(*nadded)++] = r;
            }
        }
        *count += found;
        if (found)
            return RCODE_OK;
        const struct lab_rr *cn = qtype == 5 ? NULL : find_cname(d, name);
        if (!cn)
            return name_exists(d, name) ? RCODE_OK : RCODE_NXDOMAIN;
        put_rr(m, cn);
        (*count)++;
        if (*nadded < DNS_ANSWERS_MAX)
            added[(*nadded)++] = cn;
        name = cn->target;
    }
    return RCODE_OK;
}

/* parse_question - qname (lower case, dotted) and the offset after the question; -1 bad. */
static long parse_question(const unsigned char *q, size_t qlen, char *name, unsigned *qtype,
                           unsigned *qclass)
{
    size_t pos = DNS_HDR, n = 0;
    for (;;) {
        if (pos >= qlen)
            return -1;
        unsigned l = q[pos++];
        if (l == 0)
            break;
        if (l > 63 || pos + l > qlen || n + l + 1 > MX_DOMAIN_MAX)
            return -1; /* compression pointers have no place in a question */
        if (n)
            name[n++] = '.';
        for (unsigned i = 0; i < l; i++)
            name[n++] = (char)tolower(q[pos + i]);
        pos += l;
    }
    name[n] = '\0';
    if (pos + 4 > qlen)
        return -1;
    *qtype = (unsigned)q[pos] << 8 | q[pos + 1];
    *qclass = (unsigned)q[pos + 2] << 8 | q[pos + 3];
    return (long)pos + 4;
}

/* edns_size - the UDP size an OPT record right after the question asks for, or 0. */
static size_t edns_size(const unsigned char *q, size_t qlen, size_t qend)
{
    unsigned arcount = (unsigned)q[10] << 8 | q[11];
    if (!arcount || qend + 11 > qlen || q[qend] != 0 || q[qend + 1] != 0 || q[qend + 2] != 41)
        return 0;
    size_t sz = (size_t)q[qend + 3] << 8 | q[qend + 4];
    return sz < DNS_UDP_DEFAULT ? DNS_UDP_DEFAULT : sz > DNS_EDNS_MAX ? DNS_EDNS_MAX : sz;
}

/* wants_dnssec - the query asks for DNSSEC: DO in the OPT record right after the question
 * (RFC 3225 3: the top bit of the flags in the OPT TTL), or AD in the header (RFC 6840 5.7). */
static bool wants_dnssec(const unsigned char *q, size_t qlen, size_t qend)
{
    if (q[3] & 0x20)
        return true;
    return edns_size(q, qlen, qend) && (q[qend + 7] & 0x80);
}

static bool is_signed(const struct lab_dns *d, const char *name)
{
    for (size_t i = 0; i < d->nsigned; i++)
        if (lab_name_under(name, d->signed_zones[i]))
            return true;
    return false;
}

/* do_bit - the query's OPT record asks for DNSSEC records (RFC 3225 3). */
static bool do_bit(const unsigned char *q, size_t qlen, size_t qend)
{
    return edns_size(q, qlen, qend) && (q[qend + 7] & 0x80);
}

/* zone_key - the key of the innermost signed zone holding name, or NULL. */
static const struct lab_zone_key *zone_key(const struct lab_dns *d, const char *name)
{
    const struct lab_zone_key *best = NULL;
    for (size_t i = 0; i < d->nkeys; i++) {
        const char *z = lab_sign_zone(d->keys[i]);
        if (lab_name_under(name, z) && (!best || strlen(z) > strlen(lab_sign_zone(best))))
            best = d->keys[i];
    }
    return best;
}

/* add_signatures - an RRSIG after the answer for each RRset in it that lies in a signed zone
 * (records of one RRset are consecutive: add_answers emits them together). */
static void add_signatures(const struct lab_dns *d, struct msg *m, const struct lab_rr **rr,
                           size_t n, bool corrupt, unsigned *count)
{
    time_t now = time(NULL);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && rr[j]->type == rr[i]->type && !strcasecmp(rr[j]->owner, rr[i]->owner))
            j++;
        const struct lab_zone_key *k = zone_key(d, rr[i]->owner);
        unsigned char *sig;
        size_t siglen;
        if (k && !lab_sign_rrset(k, rr + i, j - i, now, corrupt, &sig, &siglen)) {
            struct lab_rr s = {.owner = rr[i]->owner, .type = DNS_T_RRSIG, .rdata = sig,
                               .rdlen = siglen};
            put_rr(m, &s);
            (*count)++;
            free(sig);
        }
        i = j;
    }
}

static bool is_servfail(const struct lab_dns *d, const char *name)
{
    for (size_t i = 0; i < d->nservfail; i++)
        if (!strcasecmp(name, d->servfail[i]))
            return true;
    return false;
}

/* put_opt - our OPT record; DO echoed when the query set it (RFC 3225 3). */
static void put_opt(struct msg *m, bool dnssec_ok)
{
    unsigned char opt[] = {0, 0, 41, DNS_EDNS_MAX >> 8, DNS_EDNS_MAX & 0xff,
                           0, 0, dnssec_ok ? 0x80 : 0, 0, 0, 0};
    put(m, opt, sizeof opt);
}

size_t lab_dns_answer(const struct lab_dns *d, const unsigned char *q, size_t qlen,
                      unsigned char *out, size_t outcap, bool udp)
{
    if (qlen < DNS_HDR || (q[2] & 0x80) || outcap < DNS_HDR + 4)
        return 0; /* too short, or a response: never answer those */
    char name[MX_DOMAIN_MAX + 3];
    unsigned qtype = 0, qclass = 0;
    unsigned qdcount = (unsigned)q[4] << 8 | q[5];
    long qend = qdcount == 1 ? parse_question(q, qlen, name, &qtype, &qclass) : -1;
    int opcode = (q[2] >> 3) & 0xf;
    size_t edns = qend > 0 ? edns_size(q, qlen, (size_t)qend) : 0;
    size_t limit = !udp ? outcap : edns ? edns : DNS_UDP_DEFAULT;

    struct msg m = {out, 0, outcap < limit ? outcap : limit, false};
    put(&m, q, 2); /* id */
    unsigned char flags[2] = {(unsigned char)(0x84 | (q[2] & 0x79)), 0}; /* QR AA opcode RD */
    put(&m, flags, 2);
    put16(&m, qend > 0 ? 1 : 0);
    put16(&m, 0);
    put16(&m, 0);
    put16(&m, 0);
    int rcode;
    unsigned count = 0;
    size_t head = m.len;
    const struct lab_rr *added[DNS_ANSWERS_MAX];
    size_t nadded = 0;
    bool dok = qend > 0 && do_bit(q, qlen, (size_t)qend);
    bool cd = (q[3] & 0x10) != 0, bogus = false;
    if (qend < 0) {
        rcode = RCODE_FORMERR;
    } else {
        put(&m, q + DNS_HDR, (size_t)qend - DNS_HDR); /* the question as asked (0x20 case) */
        head = m.len;
        if (opcode != 0)
            rcode = RCODE_NOTIMP;
        else if (qclass != 1 || !lab_name_under(name, LAB_ZONE))
            rcode = RCODE_REFUSED;
        else if ((bogus = is_servfail(d, name)) && !cd)
            rcode = RCODE_SERVFAIL;
        else
            rcode = add_answers(d, &m, name, qtype, &count, added, &nadded);
    }
    if (dok && nadded)
        add_signatures(d, &m, added, nadded, bogus, &count);
    bool ad = qend > 0 && (rcode == RCODE_OK || rcode == RCODE_NXDOMAIN) && !bogus &&
              wants_dnssec(q, qlen, (size_t)qend) && is_signed(d, name);
    if (m.overflow) { /* too big for this transport: no answers, TC set, client retries TCP */
        m.overflow = false;
        m.len = head;
        count = 0;
        out[2] |= 0x02;
    }
    bool opt = edns && m.len + 11 <= m.cap;
    if (opt)
        put_opt(&m, dok);
    out[3] = (unsigned char)(rcode | (ad ? 0x20 : 0));
    out[6] = (unsigned char)(count >> 8);
    out[7] = (unsigned char)count;
    out[11] = opt ? 1 : 0;
    return m.len;
}

/* ---- UDP ---- */

static void udp_event(void *arg, int fd, int revents)
{
    struct lab_dns *d = arg;
    unsigned char q[DNS_EDNS_MAX], out[DNS_EDNS_MAX];
    for (int i = 0; i < DNS_UDP_BURST; i++) {
        struct sockaddr_storage from;
        socklen_t flen = sizeof from;
        ssize_t n = recvfrom(fd, q, sizeof q, 0, (struct sockaddr *)&from, &flen);
        if (n < 0)
            return;
        size_t len = lab_dns_answer(d, q, (size_t)n, out, sizeof out, true);
        if (len)
            sendto(fd, out, len, 0, (struct sockaddr *)&from, flen);
    }
}

/* ---- TCP: length-prefixed messages, several per connection ---- */

static void tcp_data(void *arg, struct lab_conn *c)
{
    const struct lab_dns *d = arg;
    size_t len;
    const unsigned char *p = (const unsigned char *)lab_conn_data(c, &len);
    while (len >= 2) {
        size_t mlen = (size_t)p[0] << 8 | p[1];
        if (mlen + 2 > LAB_CONN_IN_MAX) {
            lab_conn_close_after_flush(c); /* no sane query is this long */
            return;
        }
        if (len < mlen + 2)
            return;
        unsigned char *out = xmalloc(DNS_MSG_MAX + 2);
        size_t olen = lab_dns_answer(d, p + 2, mlen, out + 2, DNS_MSG_MAX, false);
        if (olen) {
            out[0] = (unsigned char)(olen >> 8);
            out[1] = (unsigned char)olen;
            lab_conn_write(c, out, olen + 2);
        }
        free(out);
        lab_conn_consume(c, mlen + 2);
        p = (const unsigned char *)lab_conn_data(c, &len);
    }
}

static void tcp_closed(void *arg)
{
    (void)arg;
}

static const struct lab_conn_ops tcp_ops = {tcp_data, tcp_closed};

static void tcp_accept(void *arg, int fd, int revents)
{
    struct lab_dns *d = arg;
    int cfd;
    while ((cfd = lab_accept(fd)) >= 0) {
        if (lab_conn_set_full(d->conns))
            close(cfd);
        else
            lab_conn_new(d->conns, d->loop, cfd, NULL, &tcp_ops, d);
    }
}

/* bind_pair - UDP and TCP on the same port number (resolvers expect both). */
static int bind_pair(struct lab_dns *d, char *err, size_t errlen)
{
    for (int attempt = 0; attempt < 20; attempt++) {
        d->udp = lab_listen(SOCK_DGRAM, 0, &d->port, err, errlen);
        if (d->udp < 0)
            return -1;
        int port;
        d->tcp = lab_listen(SOCK_STREAM, d->port, &port, err, errlen);
        if (d->tcp >= 0)
            return 0;
        close(d->udp); /* that port is taken for TCP: try another */
        d->udp = -1;
    }
    return -1;
}

/* make_keys - a key and a DNSKEY record for every signed zone. */
static int make_keys(struct lab_dns *d, char *err, size_t errlen)
{
    d->dnskey = xcalloc(d->nsigned ? d->nsigned : 1, sizeof *d->dnskey);
    for (size_t i = 0; i < d->nsigned; i++) {
        struct lab_zone_key *k = lab_sign_key_new(d->signed_zones[i]);
        if (!k) {
            snprintf(err, errlen, "cannot make a DNSSEC key for %s", d->signed_zones[i]);
            return -1;
        }
        xptr_push((void ***)&d->keys, &d->nkeys, k);
        struct lab_rr *r = &d->dnskey[i];
        size_t len;
        const unsigned char *rd = lab_sign_dnskey(k, &len);
        r->owner = xstrdup(d->signed_zones[i]);
        r->type = DNS_T_DNSKEY;
        r->rdata = xmalloc(len);
        memcpy(r->rdata, rd, len);
        r->rdlen = len;
        xptr_push((void ***)&d->rr, &d->nrr, r);
    }
    return 0;
}

struct lab_dns *lab_dns_new(struct loop *l, struct lab_conn_set *conns, struct lab_scn *const *s,
                            size_t n, char *err, size_t errlen)
{
    struct lab_dns *d = xcalloc(1, sizeof *d);
    d->loop = l;
    d->conns = conns;
    d->udp = d->tcp = -1;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < s[i]->nrr; j++)
            xptr_push((void ***)&d->rr, &d->nrr, &s[i]->rr[j]);
        if (s[i]->signed_zone)
            xptr_push((void ***)&d->signed_zones, &d->nsigned, s[i]->info.domain);
        for (size_t j = 0; j < s[i]->nmx; j++)
            if (s[i]->mx[j].tlsa_servfail)
                xptr_push((void ***)&d->servfail, &d->nservfail,
                          xasprintf("_25._tcp.%s", s[i]->mx[j].host));
    }
    if (make_keys(d, err, errlen) || bind_pair(d, err, errlen)) {
        lab_dns_free(d);
        return NULL;
    }
    loop_watch(l, d->udp, POLLIN, udp_event, d);
    loop_watch(l, d->tcp, POLLIN, tcp_accept, d);
    return d;
}

void lab_dns_free(struct lab_dns *d)
{
    if (!d)
        return;
    if (d->udp >= 0) {
        loop_watch(d->loop, d->udp, 0, NULL, NULL);
        close(d->udp);
    }
    if (d->tcp >= 0) {
        loop_watch(d->loop, d->tcp, 0, NULL, NULL);
        close(d->tcp);
    }
    free(d->rr);
    free(d->signed_zones);
    for (size_t i = 0; i < d->nservfail; i++)
        free(d->servfail[i]);
    free(d->servfail);
    for (size_t i = 0; i < d->nkeys; i++) {
        lab_sign_key_free(d->keys[i]);
        free(d->dnskey[i].owner);
        free(d->dnskey[i].rdata);
    }
    free(d->keys);
    free(d->dnskey);
    free(d);
}

void lab_dns_reload(struct lab_dns *d, struct lab_scn *const *s, size_t n)
{
    d->nrr = 0; /* the array stays; its pointers are replaced */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < s[i]->nrr; j++)
            xptr_push((void ***)&d->rr, &d->nrr, &s[i]->rr[j]);
    for (size_t i = 0; i < d->nkeys; i++)
        xptr_push((void ***)&d->rr, &d->nrr, &d->dnskey[i]);
}

void lab_dns_add(struct lab_dns *d, const struct lab_rr *rr)
{
    xptr_push((void ***)&d->rr, &d->nrr, (void *)rr);
}
