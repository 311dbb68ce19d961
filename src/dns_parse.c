/* dns_parse - our own bounded parser of a DNS response message (contract in dns.h).
 *
 * c-ares 1.18 has no parser for the AD bit or for arbitrary types and accepts 64..127-byte
 * labels, so the answer section is read here: names are decoded with strictly backward
 * compression pointers (no loops possible), labels <= 63 bytes and names <= 255 bytes on the
 * wire (RFC 1035 2.3.4, 4.1.4). At most MX_DNS_RR_MAX records are kept. Every string put in a
 * dns_rr is escaped (escape.h); dns_answer_free frees the answer and everything it holds. */
#include "dns.h"
#include "escape.h"
#include "mx_limits.h"
#include "xalloc.h"
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DNS_HDR_LEN 12
#define DNS_NAME_WIRE_MAX 255 /* RFC 1035 2.3.4 */
#define DNS_PTR_HOPS_MAX 127  /* each hop points strictly backward; this only bounds work */

/* A growing string; every piece appended has been escaped already. */
struct sbuf {
    char *s;
    size_t len, cap;
};

static void sb_add(struct sbuf *b, const char *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = xrealloc(b->s, b->cap);
    }
    memcpy(b->s + b->len, p, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_str(struct sbuf *b, const char *p)
{
    sb_add(b, p, strlen(p));
}

static char *sb_take(struct sbuf *b)
{
    if (!b->s)
        return xstrdup("");
    return b->s;
}

static uint16_t get16(const unsigned char *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* add_label - append one label, lower-cased and escaped; a '.' inside a label becomes "\x2e"
 * so it cannot pass for a label separator. */
static void add_label(struct sbuf *b, const unsigned char *p, size_t n)
{
    unsigned char low[MX_LABEL_MAX];
    for (size_t i = 0; i < n; i++)
        low[i] = (unsigned char)tolower(p[i]);
    char *e = escape_bytes(low, n);
    for (const char *c = e; *c; c++) {
        if (*c == '.')
            sb_str(b, "\\x2e");
        else
            sb_add(b, c, 1);
    }
    free(e);
}

/* name_read - decode the name at off. *next receives the offset just past the name as it sits
 * at off (the first pointer ends it). *out (may be NULL) receives the escaped, lower-cased name
 * without trailing dot ("." for the root). Returns 0, or -1 when malformed. */
static int name_read(const unsigned char *buf, size_t len, size_t off, size_t *next, char **out)
{
    struct sbuf b = {0};
    size_t wire = 0, hops = 0, pos = off;
    bool jumped = false;
    for (;;) {
        if (pos >= len)
            goto bad;
        unsigned c = buf[pos];
        if ((c & 0xc0) == 0xc0) {
            if (pos + 1 >= len)
                goto bad;
            size_t target = (size_t)(c & 0x3f) << 8 | buf[pos + 1];
            /* RFC 1035 4.1.4: a pointer refers to a prior occurrence; forward or self
             * pointers could loop, so they are rejected. */
            if (target >= pos || ++hops > DNS_PTR_HOPS_MAX)
                goto bad;
            if (!jumped)
                *next = pos + 2;
            jumped = true;
            pos = target;
            continue;
        }
        if (c & 0xc0)
            goto bad; /* 0x40 and 0x80: extended label types, or a label over 63 bytes */
        wire += c + 1;
        if (wire > DNS_NAME_WIRE_MAX)
            goto bad;
        if (c == 0) {
            if (!jumped)
                *next = pos + 1;
            break;
        }
        if (pos + 1 + c > len)
            goto bad;
        if (b.len)
            sb_add(&b, ".", 1);
        add_label(&b, buf + pos + 1, c);
        pos += 1 + c;
    }
    if (out && b.len) {
        *out = b.s;
        return 0;
    }
    free(b.s);
    if (out)
        *out = xstrdup("."); /* the root, e.g. a null MX (RFC 7505) */
    return 0;
bad:
    free(b.s);
    return -1;
}

/* name_in_rdata - a name that must end exactly at the end of its rdata. */
static int name_in_rdata(const unsigned char *buf, size_t len, size_t off, size_t end, char **out)
{
    size_t next = 0;
    if (name_read(buf, end < len ? end : len, off, &next, out) < 0)
        return -1;
    if (next != end) {
        free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

/* txt_quoted - one character-string in presentation form: escaped, then quotes escaped. */
static void txt_quoted(struct sbuf *b, const unsigned char *p, size_t n)
{
    char *e = escape_bytes(p, n);
    sb_add(b, "\"", 1);
    for (const char *c = e; *c; c++) {
        if (*c == '"')
            sb_add(b, "\\\"", 2);
        else
            sb_add(b, c, 1);
    }
    sb_add(b, "\"", 1);
    free(e);
}

/* parse_txt - RFC 1035 3.3.14: one or more <character-string>s, concatenated for use
 * (RFC 8461 3.1 / RFC 8460 3: "concatenated without spaces"). */
static int parse_txt(const unsigned char *p, size_t n, struct dns_rr *rr)
{
    struct sbuf text = {0};
    rr->txt = xmalloc(MX_DNS_TXT_MAX + 1);
    rr->txt_len = 0;
    for (size_t i = 0; i < n;) {
        size_t sl = p[i];
        if (i + 1 + sl > n) {
            free(text.s);
            return -1;
        }
        if (rr->txt_nstrings >= MX_DNS_TXT_STRINGS_MAX) {
            rr->txt_truncated = true;
            break;
        }
        size_t room = MX_DNS_TXT_MAX - rr->txt_len;
        size_t take = sl < room ? sl : room;
        if (take < sl)
            rr->txt_truncated = true;
        memcpy(rr->txt + rr->txt_len, p + i + 1, take);
        rr->txt_len += take;
        if (text.len)
            sb_add(&text, " ", 1);
        txt_quoted(&text, p + i + 1, take);
        rr->txt_nstrings++;
        i += 1 + sl;
        if (take < sl)
            break;
    }
    rr->txt[rr->txt_len] = '\0';
    rr->text = sb_take(&text);
    return 0;
}

/* parse_unknown - RFC 3597 5 generic form "\# len hex"; at most MX_DNS_TXT_MAX rdata bytes are
 * shown (display bound), then "...". */
static void parse_unknown(const unsigned char *p, size_t n, struct dns_rr *rr)
{
    static const char hex[] = "0123456789abcdef";
    size_t show = n < MX_DNS_TXT_MAX ? n : MX_DNS_TXT_MAX;
    char *t = xmalloc(32 + 2 * show + 4);
    int k = snprintf(t, 32, "\\# %zu%s", n, n ? " " : "");
    size_t o = (size_t)k;
    for (size_t i = 0; i < show; i++) {
        t[o++] = hex[p[i] >> 4];
        t[o++] = hex[p[i] & 15];
    }
    if (show < n)
        memcpy(t + o, "...", 3), o += 3;
    t[o] = '\0';
    rr->text = t;
}

/* parse_tlsa - RFC 6698 2.1: usage, selector, matching type (one octet each), then the
 * certificate association data; presentation form "U S M HEX" (2.2). At most MX_DNS_TXT_MAX
 * data bytes are kept and shown. */
static int parse_tlsa(const unsigned char *p, size_t n, struct dns_rr *rr)
{
    static const char hex[] = "0123456789abcdef";
    if (n < 4)
        return -1; /* RFC 6698 2.1.4: the data field is not empty */
    rr->tlsa_usage = p[0];
    rr->tlsa_selector = p[1];
    rr->tlsa_mtype = p[2];
    size_t keep = n - 3 < MX_DNS_TXT_MAX ? n - 3 : MX_DNS_TXT_MAX;
    rr->tlsa_truncated = keep < n - 3;
    rr->tlsa_data = xmalloc(keep);
    memcpy(rr->tlsa_data, p + 3, keep);
    rr->tlsa_len = keep;
    char *t = xmalloc(16 + 2 * keep + 4);
    size_t o = (size_t)snprintf(t, 16, "%u %u %u ", p[0], p[1], p[2]);
    for (size_t i = 0; i < keep; i++) {
        t[o++] = hex[rr->tlsa_data[i] >> 4];
        t[o++] = hex[rr->tlsa_data[i] & 15];
    }
    if (rr->tlsa_truncated)
        memcpy(t + o, "...", 3), o += 3;
    t[o] = '\0';
    rr->text = t;
    return 0;
}

static int parse_addr(const unsigned char *p, size_t n, int af, struct dns_rr *rr)
{
    char a[INET6_ADDRSTRLEN];
    if (n != (af == AF_INET ? 4u : 16u) || !inet_ntop(af, p, a, sizeof a))
        return -1;
    rr->addr = xstrdup(a);
    rr->text = xstrdup(a);
    return 0;
}

/* parse_rdata - fill the type-specific fields of rr from rdata at [off, off+n). */
static int parse_rdata(const unsigned char *buf, size_t len, size_t off, size_t n,
                       struct dns_rr *rr)
{
    const unsigned char *p = buf + off;
    switch (rr->type) {
    case DNS_T_A:
        return parse_addr(p, n, AF_INET, rr);
    case DNS_T_AAAA:
        return parse_addr(p, n, AF_INET6, rr);
    case DNS_T_CNAME:
        if (name_in_rdata(buf, len, off, off + n, &rr->target) < 0)
            return -1;
        rr->text = xstrdup(rr->target);
        return 0;
    case DNS_T_MX:
        if (n < 3)
            return -1;
        rr->pref = get16(p);
        if (name_in_rdata(buf, len, off + 2, off + n, &rr->target) < 0)
            return -1;
        rr->text = xasprintf("%u %s", (unsigned)rr->pref, rr->target);
        return 0;
    case DNS_T_TXT:
        return parse_txt(p, n, rr);
    case DNS_T_TLSA:
        return parse_tlsa(p, n, rr);
    default:
        parse_unknown(p, n, rr);
        return 0;
    }
}

static void rr_free(struct dns_rr *rr)
{
    free(rr->name);
    free(rr->text);
    free(rr->target);
    free(rr->addr);
    free(rr->txt);
    free(rr->tlsa_data);
}

static void answer_clear_rrs(struct dns_answer *a)
{
    for (size_t i = 0; i < a->nrr; i++)
        rr_free(&a->rr[i]);
    free(a->rr);
    a->rr = NULL;
    a->nrr = 0;
}

/* norm_eq - compare a name as asked (maybe upper case, maybe a trailing dot) with a parsed
 * owner name. */
static bool norm_eq(const char *asked, const char *parsed)
{
    size_t n = strlen(asked);
    if (n > 1 && asked[n - 1] == '.')
        n--;
    return strlen(parsed) == n && strncasecmp(asked, parsed, n) == 0;
}

/* has_answer - is there a record of qtype for qname, directly or at the end of the CNAME chain
 * starting at qname (RFC 1034 3.6.2)? When no owner in the answer equals qname (names that do
 * not compare as text), any record of qtype counts. */
static bool has_answer(const struct dns_answer *a)
{
    const char *cur = a->qname ? a->qname : "";
    bool owner_seen = false;
    for (size_t i = 0; i < a->nrr; i++)
        if (norm_eq(cur, a->rr[i].name))
            owner_seen = true;
    if (!owner_seen) {
        for (size_t i = 0; i < a->nrr; i++)
            if (a->rr[i].type == a->qtype)
                return true;
        return false;
    }
    for (size_t hop = 0; hop <= a->nrr; hop++) {
        const char *next = NULL;
        for (size_t i = 0; i < a->nrr; i++) {
            if (!norm_eq(cur, a->rr[i].name))
                continue;
            if (a->rr[i].type == a->qtype)
                return true;
            if (a->rr[i].type == DNS_T_CNAME)
                next = a->rr[i].target;
        }
        if (!next)
            return false;
        cur = next;
    }
    return false; /* a CNAME loop */
}

static void set_status(struct dns_answer *a)
{
    free(a->error);
    a->error = NULL;
    switch (a->rcode) {
    case 0:
        a->status = has_answer(a) ? DNS_OK : DNS_NODATA;
        if (a->status == DNS_NODATA)
            a->error = xasprintf("no %s record", dns_type_name(a->qtype));
        break;
    case 2:
        a->status = DNS_SERVFAIL;
        a->error = xstrdup("server failure (SERVFAIL)");
        break;
    case 3:
        a->status = DNS_NXDOMAIN;
        a->error = xstrdup("the name does not exist (NXDOMAIN)");
        break;
    case 5:
        a->status = DNS_REFUSED;
        a->error = xstrdup("query refused (REFUSED)");
        break;
    default:
        a->status = DNS_ERROR;
        a->error = xasprintf("response code %d", a->rcode);
        break;
    }
}

static int malformed(struct dns_answer *a, const char *why)
{
    answer_clear_rrs(a);
    a->status = DNS_ERROR;
    free(a->error);
    a->error = xasprintf("malformed DNS answer: %s", why);
    return -1;
}

/* read_rr - one resource record at *off. Returns 1 when kept in rr, 0 when the message ended
 * cleanly inside a TC-truncated answer, -1 when malformed. */
static int read_rr(const unsigned char *buf, size_t len, size_t *off, struct dns_rr *rr,
                   bool tc, const char **why)
{
    size_t next = 0;
    char *name = NULL;
    if (name_read(buf, len, *off, &next, &name) < 0 || next + 10 > len) {
        free(name);
        *why = "bad record name or header";
        return tc ? 0 : -1;
    }
    size_t rdlen = get16(buf + next + 8);
    if (next + 10 + rdlen > len) {
        free(name);
        *why = "record data past the end of the message";
        return tc ? 0 : -1;
    }
    memset(rr, 0, sizeof *rr);
    rr->name = name;
    rr->type = get16(buf + next);
    rr->ttl = get32(buf + next + 4);
    if (parse_rdata(buf, len, next + 10, rdlen, rr) < 0) {
        rr_free(rr);
        *why = "bad record data";
        return -1;
    }
    *off = next + 10 + rdlen;
    return 1;
}

int dns_parse_answer(const unsigned char *buf, size_t len, struct dns_answer *ans)
{
    answer_clear_rrs(ans);
    ans->truncated_rrs = false;
    ans->nrrsig = 0;
    if (!buf || len < DNS_HDR_LEN)
        return malformed(ans, "shorter than a header");
    ans->rcode = buf[3] & 0x0f;
    ans->ad = (buf[3] & 0x20) != 0;
    ans->tc = (buf[2] & 0x02) != 0;
    size_t qd = get16(buf + 4), an = get16(buf + 6), off = DNS_HDR_LEN;
    for (size_t i = 0; i < qd; i++) {
        size_t next = 0;
        if (name_read(buf, len, off, &next, NULL) < 0 || next + 4 > len)
            return malformed(ans, "bad question section");
        off = next + 4;
    }
    size_t keep = an < MX_DNS_RR_MAX ? an : MX_DNS_RR_MAX;
    ans->truncated_rrs = an > keep;
    ans->rr = xcalloc(keep ? keep : 1, sizeof *ans->rr);
    for (size_t i = 0; i < keep; i++) {
        const char *why = NULL;
        int r = read_rr(buf, len, &off, &ans->rr[ans->nrr], ans->tc, &why);
        if (r < 0)
            return malformed(ans, why);
        if (r == 0)
            break; /* TC: the rest was cut by the server (RFC 1035 4.1.1) */
        if (ans->rr[ans->nrr].type == DNS_T_RRSIG) {
            /* Asked with DO, a resolver adds signatures; the AD bit is what we judge by. */
            rr_free(&ans->rr[ans->nrr]);
            ans->nrrsig++;
            continue;
        }
        ans->nrr++;
    }
    set_status(ans);
    return 0;
}

struct dns_answer *dns_answer_new(const char *qname, uint16_t qtype)
{
    struct dns_answer *a = xcalloc(1, sizeof *a);
    a->qname = xstrdup(qname ? qname : "");
    a->qtype = qtype;
    a->rcode = -1;
    a->status = DNS_ERROR;
    return a;
}

void dns_answer_free(struct dns_answer *a)
{
    if (!a)
        return;
    answer_clear_rrs(a);
    free(a->qname);
    free(a->error);
    free(a->resolver);
    free(a);
}

const char *dns_status_name(enum dns_status s)
{
    switch (s) {
    case DNS_OK: return "ok";
    case DNS_NODATA: return "nodata";
    case DNS_NXDOMAIN: return "nxdomain";
    case DNS_SERVFAIL: return "servfail";
    case DNS_REFUSED: return "refused";
    case DNS_TIMEOUT: return "timeout";
    case DNS_ERROR: return "error";
    }
    return "error";
}

const char *dns_type_name(uint16_t t)
{
    static const struct {
        uint16_t t;
        const char *name;
    } names[] = {
        {1, "A"},     {2, "NS"},      {5, "CNAME"}, {6, "SOA"},     {12, "PTR"},
        {15, "MX"},   {16, "TXT"},    {28, "AAAA"}, {33, "SRV"},    {43, "DS"},
        {46, "RRSIG"}, {47, "NSEC"},  {48, "DNSKEY"}, {52, "TLSA"}, {257, "CAA"},
    };
    static char other[16][12];
    static unsigned slot;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].t == t)
            return names[i].name;
    /* Unnamed types: a small ring of static buffers so a few can be used in one printf. */
    char *o = other[slot++ % 16];
    snprintf(o, sizeof other[0], "TYPE%u", (unsigned)t);
    return o;
}

char *dns_answer_cname_chain(const struct dns_answer *a)
{
    struct sbuf b = {0};
    const char *last = NULL;
    for (size_t i = 0; i < a->nrr; i++) {
        const struct dns_rr *rr = &a->rr[i];
        if (rr->type != DNS_T_CNAME)
            continue;
        if (!last) {
            sb_str(&b, rr->name);
        } else if (strcmp(last, rr->name) != 0) {
            continue; /* not a link of the chain we are following */
        }
        sb_str(&b, " -> ");
        sb_str(&b, rr->target);
        last = rr->target;
    }
    return b.s;
}
