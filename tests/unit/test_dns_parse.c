/* test_dns_parse - dns_parse_answer on hand-built DNS messages, table-driven, plus random and
 * mutated input that must never crash. */
#include "testlib.h"
#include "dns.h"
#include "mx_limits.h"
#include <stdlib.h>
#include <string.h>

/* --- a tiny message builder --------------------------------------------------------------- */

struct pkt {
    unsigned char b[70000];
    size_t n;
};

static void put8(struct pkt *p, unsigned v)
{
    p->b[p->n++] = (unsigned char)v;
}

static void put16(struct pkt *p, unsigned v)
{
    put8(p, v >> 8);
    put8(p, v & 0xff);
}

static void put32(struct pkt *p, unsigned long v)
{
    put16(p, (unsigned)(v >> 16));
    put16(p, (unsigned)(v & 0xffff));
}

/* put_name - "a.b.c" as labels and a root byte; "" is the root. */
static void put_name(struct pkt *p, const char *name)
{
    while (*name) {
        const char *dot = strchr(name, '.');
        size_t n = dot ? (size_t)(dot - name) : strlen(name);
        put8(p, (unsigned)n);
        memcpy(p->b + p->n, name, n);
        p->n += n;
        name += n + (dot ? 1 : 0);
    }
    put8(p, 0);
}

static void put_ptr(struct pkt *p, size_t off)
{
    put16(p, 0xc000 | (unsigned)off);
}

/* hdr - response header; flags2 is the second flags byte (RA, AD, rcode). */
static void hdr(struct pkt *p, unsigned flags1, unsigned flags2, unsigned qd, unsigned an)
{
    p->n = 0;
    put16(p, 0x1234);
    put8(p, 0x80 | flags1);
    put8(p, flags2);
    put16(p, qd);
    put16(p, an);
    put16(p, 0);
    put16(p, 0);
}

#define QOFF 12 /* offset of the question name, for compression pointers */

static void question(struct pkt *p, const char *name, unsigned type)
{
    put_name(p, name);
    put16(p, type);
    put16(p, 1);
}

/* rr_begin - owner (NULL = pointer to the question name); returns where rdlength goes. */
static size_t rr_begin(struct pkt *p, const char *owner, unsigned type)
{
    if (owner)
        put_name(p, owner);
    else
        put_ptr(p, QOFF);
    put16(p, type);
    put16(p, 1);
    put32(p, 300);
    put16(p, 0);
    return p->n - 2;
}

static void rr_end(struct pkt *p, size_t at)
{
    size_t len = p->n - at - 2;
    p->b[at] = (unsigned char)(len >> 8);
    p->b[at + 1] = (unsigned char)len;
}

static void txt_str(struct pkt *p, const char *s, size_t n)
{
    put8(p, (unsigned)n);
    memcpy(p->b + p->n, s, n);
    p->n += n;
}

/* --- the cases ---------------------------------------------------------------------------- */

static void b_a(struct pkt *p)
{
    hdr(p, 0, 0x80, 1, 1);
    question(p, "Example.COM", DNS_T_A);
    size_t at = rr_begin(p, NULL, DNS_T_A);
    put8(p, 192), put8(p, 0), put8(p, 2), put8(p, 1);
    rr_end(p, at);
}

static void b_aaaa(struct pkt *p)
{
    static const unsigned char a6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
    hdr(p, 0, 0x80, 1, 1);
    question(p, "example.com", DNS_T_AAAA);
    size_t at = rr_begin(p, NULL, DNS_T_AAAA);
    memcpy(p->b + p->n, a6, 16);
    p->n += 16;
    rr_end(p, at);
}

static void b_mx(struct pkt *p)
{
    hdr(p, 0, 0x80, 1, 2);
    question(p, "example.com", DNS_T_MX);
    size_t at = rr_begin(p, NULL, DNS_T_MX);
    put16(p, 10);
    put8(p, 3), memcpy(p->b + p->n, "MX1", 3), p->n += 3;
    put_ptr(p, QOFF); /* mx1 + compressed example.com */
    rr_end(p, at);
    at = rr_begin(p, NULL, DNS_T_MX);
    put16(p, 20);
    put_name(p, "mx2.example.com.");
    rr_end(p, at);
}

static void b_txt_multi(struct pkt *p)
{
    hdr(p, 0, 0x80, 1, 1);
    question(p, "_mta-sts.example.com", DNS_T_TXT);
    size_t at = rr_begin(p, NULL, DNS_T_TXT);
    txt_str(p, "v=STSv1; id=1", 13);
    txt_str(p, "part2", 5);
    rr_end(p, at);
}

static void b_txt_quote(struct pkt *p)
{
    hdr(p, 0, 0x80, 1, 1);
    question(p, "q.example.com", DNS_T_TXT);
    size_t at = rr_begin(p, NULL, DNS_T_TXT);
    txt_str(p, "a\"b\\c\x01", 6);
    rr_end(p, at);
}

static void b_cname_chain(struct pkt *p)
{
    hdr(p, 0, 0x80, 1, 3);
    question(p, "_mta-sts.example.com", DNS_T_TXT);
    size_t at = rr_begin(p, NULL, DNS_T_CNAME);
    put_name(p, "_mta-sts.Provider.net");
    rr_end(p, at);
    at = rr_begin(p, "_mta-sts.provider.net", DNS_T_CNAME);
    put_name(p, "x.provider.net");
    rr_end(p, at);
    at = rr_begin(p, "x.provider.net", DNS_T_TXT);
    txt_str(p, "v=STSv1; id=2", 13);
    rr_end(p, at);
}

static void b_cname_dangling(struct pkt *p)
{
    hdr(p, 0, 0x80, 1, 2);
    question(p, "www.example.com", DNS_T_A);
    size_t at = rr_begin(p, NULL, DNS_T_CNAME);
    put_name(p, "cdn.example.net");
    rr_end(p, at);
    at = rr_begin(p, "other.example.org", DNS_T_A); /* not on the chain */
    put32(p, 0x7f000001);
    rr_end(p, at);
}

static void b_nxdomain(struct pkt *p)
{
    hdr(p, 0, 0x83, 1, 1);
    question(p, "_mta-sts.example.com", DNS_T_TXT);
    size_t at = rr_begin(p, NULL, DNS_T_CNAME);
    put_name(p, "gone.example.net");
    rr_end(p, at);
}

static void b_nodata(struct pkt *p)
{
    hdr(p, 0, 0x80, 1, 0);
    question(p, "example.com", DNS_T_AAAA);
}

static void b_ad(struct pkt *p)
{
    b_a(p);
    p->b[3] |= 0x20;
}

static void b_servfail(struct pkt *p)
{
    hdr(p, 0, 0x82, 1, 0);
    question(p, "example.com", DNS_T_A);
}

static void b_refused(struct pkt *p)
{
    hdr(p, 0, 0x85, 1, 0);
    question(p, "example.com", DNS_T_A);
}

static void b_rcode_notimp(struct pkt *p)
{
    hdr(p, 0, 0x84, 1, 0);
    question(p, "example.com", DNS_T_A);
}

static void b_ptr_loop(struct pkt *p)
{
    hdr(p, 0, 0x80, 1, 1);
    question(p, "example.com", DNS_T_A);
    size_t self = p->n;
    put_ptr(p, self); /* owner name points at itself */
    put16(p, DNS_T_A), put16(p, 1), put32(p, 1), put16(p, 4), put32(p, 1);
}

static void b_ptr_forward(struct pkt *p)
{
    hdr(p, 0, 0x80, 1, 1);
    size_t here = p->n;
    put_ptr(p, here + 2); /* question name points forward */
    put_name(p, "example.com");
    put16(p, DNS_T_A), put16(p, 1);
}

static void b_cut(struct pkt *p)
{
    b_txt_multi(p);
    p->n -= 3; /* cut inside the rdata */
}

static void b_cut_tc(struct pkt *p)
{
    hdr(p, 0x02, 0x80, 1, 2);
    question(p, "example.com", DNS_T_A);
    size_t at = rr_begin(p, NULL, DNS_T_A);
    put32(p, 0xc0000201);
    rr_end(p, at);
    at = rr_begin(p, NULL, DNS_T_A);
    put32(p, 0xc0000202);
    rr_end(p, at);
    p->n -= 6;
}

static void b_txt_500(struct pkt *p)
{
    hdr(p, 0, 0x80, 1, 1);
    question(p, "many.example.com", DNS_T_TXT);
    size_t at = rr_begin(p, NULL, DNS_T_TXT);
    for (int i = 0; i < 500; i++)
        txt_str(p, "x", 1);
    rr_end(p, at);
}

static void b_txt_big(struct pkt *p)
{
    char s[255];
    memset(s, 'y', sizeof s);
    hdr(p, 0, 0x80, 1, 1);
    question(p, "big.example.com", DNS_T_TXT);
    size_t at = rr_begin(p, NULL, DNS_T_TXT);
    for (int i = 0; i < 20; i++) /* 5100 bytes > MX_DNS_TXT_MAX */
        txt_str(p, s, sizeof s);
    rr_end(p, at);
}

static void b_label64(struct pkt *p)
{
    hdr(p, 0, 0x80, 1, 0);
    put8(p, 64);
    memset(p->b + p->n, 'a', 64);
    p->n += 64;
    put8(p, 0);
    put16(p, DNS_T_A), put16(p, 1);
}

static void b_name256(struct pkt *p)
{
    hdr(p, 0, 0x80, 1, 0);
    for (int i = 0; i < 5; i++) { /* 5 * 52 = 260 wire bytes */
        put8(p, 51);
        memset(p->b + p->n, 'b', 51);
        p->n += 51;
    }
    put8(p, 0);
    put16(p, DNS_T_A), put16(p, 1);
}

static void b_many_rrs(struct pkt *p)
{
    hdr(p, 0, 0x80, 1, 70);
    question(p, "example.com", DNS_T_A);
    for (unsigned i = 0; i < 70; i++) {
        size_t at = rr_begin(p, NULL, DNS_T_A);
        put32(p, 0x0a000000u + i);
        rr_end(p, at);
    }
}

static void b_unknown(struct pkt *p)
{
    hdr(p, 0, 0x80, 1, 1);
    question(p, "example.com", 65);
    size_t at = rr_begin(p, NULL, 65);
    put8(p, 3), put8(p, 1), put8(p, 0xab);
    rr_end(p, at);
}

/* b_tlsa - "3 1 1 <32 bytes>" then "2 0 1 <32 bytes>", AD set (a validated answer). */
static void b_tlsa(struct pkt *p)
{
    hdr(p, 0, 0x80 | 0x20, 1, 2);
    question(p, "_25._tcp.mx.example.com", DNS_T_TLSA);
    for (int r = 0; r < 2; r++) {
        size_t at = rr_begin(p, NULL, DNS_T_TLSA);
        put8(p, r ? 2 : 3), put8(p, r ? 0 : 1), put8(p, 1);
        for (int i = 0; i < 32; i++)
            put8(p, (unsigned)(r * 0x40 + i));
        rr_end(p, at);
    }
}

/* b_tlsa_short - a TLSA record without association data (RFC 6698 2.1.4: malformed). */
static void b_tlsa_short(struct pkt *p)
{
    hdr(p, 0, 0x80, 1, 1);
    question(p, "_25._tcp.mx.example.com", DNS_T_TLSA);
    size_t at = rr_begin(p, NULL, DNS_T_TLSA);
    put8(p, 3), put8(p, 1), put8(p, 1);
    rr_end(p, at);
}

/* b_tlsa_rrsig - asked with DO: the TLSA record, then its RRSIG (dropped and counted). */
static void b_tlsa_rrsig(struct pkt *p)
{
    hdr(p, 0, 0x80 | 0x20, 1, 2);
    question(p, "_25._tcp.mx.example.com", DNS_T_TLSA);
    size_t at = rr_begin(p, NULL, DNS_T_TLSA);
    put8(p, 3), put8(p, 1), put8(p, 1), put8(p, 0xaa);
    rr_end(p, at);
    at = rr_begin(p, NULL, DNS_T_RRSIG);
    for (int i = 0; i < 40; i++)
        put8(p, 0x11);
    rr_end(p, at);
}

/* b_big_tlsa - a 3 0 0 record (a whole certificate) larger than MX_DNS_TXT_MAX. */
static void b_big_tlsa(struct pkt *p)
{
    hdr(p, 0, 0x80, 1, 1);
    question(p, "_25._tcp.mx.example.com", DNS_T_TLSA);
    size_t at = rr_begin(p, NULL, DNS_T_TLSA);
    put8(p, 3), put8(p, 0), put8(p, 0);
    for (int i = 0; i < MX_DNS_TXT_MAX + 10; i++)
        put8(p, 0x30);
    rr_end(p, at);
}

static void b_null_mx(struct pkt *p)
{
    hdr(p, 0, 0x80, 1, 1);
    question(p, "example.com", DNS_T_MX);
    size_t at = rr_begin(p, NULL, DNS_T_MX);
    put16(p, 0);
    put8(p, 0);
    rr_end(p, at);
}

static void b_dot_label(struct pkt *p)
{
    hdr(p, 0, 0x80, 1, 1);
    question(p, "example.com", DNS_T_CNAME);
    size_t at = rr_begin(p, NULL, DNS_T_CNAME);
    put8(p, 3), memcpy(p->b + p->n, "a.b", 3), p->n += 3;
    put_ptr(p, QOFF);
    rr_end(p, at);
}

static void b_bad_a_len(struct pkt *p)
{
    hdr(p, 0, 0x80, 1, 1);
    question(p, "example.com", DNS_T_A);
    size_t at = rr_begin(p, NULL, DNS_T_A);
    put32(p, 1), put8(p, 1);
    rr_end(p, at);
}

static void b_mx_overrun(struct pkt *p)
{
    hdr(p, 0, 0x80, 1, 1);
    question(p, "example.com", DNS_T_MX);
    size_t at = rr_begin(p, NULL, DNS_T_MX);
    put16(p, 5);
    put_name(p, "mx.example.com");
    rr_end(p, at);
    p->b[at + 1] -= 2; /* rdlength ends inside the exchange name */
}

static void b_short(struct pkt *p)
{
    hdr(p, 0, 0x80, 1, 0);
    p->n = 5;
}

struct parse_case {
    const char *label;
    void (*build)(struct pkt *);
    const char *qname;
    uint16_t qtype;
    int ret;
    enum dns_status status;
    int rcode;
    size_t nrr;
    const char *name0;  /* expected rr[0].name, or NULL to skip */
    const char *text0;  /* expected rr[0].text, or NULL to skip */
    const char *textlast; /* expected text of the last record, or NULL */
};

static const struct parse_case cases[] = {
    {"A", b_a, "Example.COM.", DNS_T_A, 0, DNS_OK, 0, 1, "example.com", "192.0.2.1", NULL},
    {"AAAA", b_aaaa, "example.com", DNS_T_AAAA, 0, DNS_OK, 0, 1, NULL, "2001:db8::1", NULL},
    {"MX", b_mx, "example.com", DNS_T_MX, 0, DNS_OK, 0, 2, "example.com", "10 mx1.example.com",
     "20 mx2.example.com"},
    {"TXT multi", b_txt_multi, "_mta-sts.example.com", DNS_T_TXT, 0, DNS_OK, 0, 1, NULL,
     "\"v=STSv1; id=1\" \"part2\"", NULL},
    {"TXT quote", b_txt_quote, "q.example.com", DNS_T_TXT, 0, DNS_OK, 0, 1, NULL,
     "\"a\\\"b\\\\c\\x01\"", NULL},
    {"CNAME chain", b_cname_chain, "_mta-sts.example.com", DNS_T_TXT, 0, DNS_OK, 0, 3,
     "_mta-sts.example.com", "_mta-sts.provider.net", "\"v=STSv1; id=2\""},
    {"CNAME dangling", b_cname_dangling, "www.example.com", DNS_T_A, 0, DNS_NODATA, 0, 2, NULL,
     "cdn.example.net", NULL},
    {"NXDOMAIN", b_nxdomain, "_mta-sts.example.com", DNS_T_TXT, 0, DNS_NXDOMAIN, 3, 1, NULL,
     "gone.example.net", NULL},
    {"NODATA", b_nodata, "example.com", DNS_T_AAAA, 0, DNS_NODATA, 0, 0, NULL, NULL, NULL},
    {"AD", b_ad, "example.com", DNS_T_A, 0, DNS_OK, 0, 1, NULL, "192.0.2.1", NULL},
    {"SERVFAIL", b_servfail, "example.com", DNS_T_A, 0, DNS_SERVFAIL, 2, 0, NULL, NULL, NULL},
    {"REFUSED", b_refused, "example.com", DNS_T_A, 0, DNS_REFUSED, 5, 0, NULL, NULL, NULL},
    {"NOTIMP", b_rcode_notimp, "example.com", DNS_T_A, 0, DNS_ERROR, 4, 0, NULL, NULL, NULL},
    {"pointer loop", b_ptr_loop, "example.com", DNS_T_A, -1, DNS_ERROR, 0, 0, NULL, NULL, NULL},
    {"forward pointer", b_ptr_forward, "example.com", DNS_T_A, -1, DNS_ERROR, 0, 0, NULL, NULL,
     NULL},
    {"cut packet", b_cut, "_mta-sts.example.com", DNS_T_TXT, -1, DNS_ERROR, 0, 0, NULL, NULL,
     NULL},
    {"cut with TC", b_cut_tc, "example.com", DNS_T_A, 0, DNS_OK, 0, 1, NULL, "192.0.2.1",
     NULL},
    {"500 TXT strings", b_txt_500, "many.example.com", DNS_T_TXT, 0, DNS_OK, 0, 1, NULL, NULL,
     NULL},
    {"TXT over 4096", b_txt_big, "big.example.com", DNS_T_TXT, 0, DNS_OK, 0, 1, NULL, NULL,
     NULL},
    {"label 64", b_label64, "x", DNS_T_A, -1, DNS_ERROR, 0, 0, NULL, NULL, NULL},
    {"name 260", b_name256, "x", DNS_T_A, -1, DNS_ERROR, 0, 0, NULL, NULL, NULL},
    {"70 records", b_many_rrs, "example.com", DNS_T_A, 0, DNS_OK, 0, MX_DNS_RR_MAX, NULL,
     "10.0.0.0", "10.0.0.63"},
    {"unknown type", b_unknown, "example.com", 65, 0, DNS_OK, 0, 1, NULL, "\\# 3 0301ab",
     NULL},
    {"TLSA", b_tlsa, "_25._tcp.mx.example.com", DNS_T_TLSA, 0, DNS_OK, 0, 2, NULL,
     "3 1 1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
     "2 0 1 404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"},
    {"TLSA without data", b_tlsa_short, "_25._tcp.mx.example.com", DNS_T_TLSA, -1, DNS_ERROR,
     0, 0, NULL, NULL, NULL},
    {"TLSA + RRSIG", b_tlsa_rrsig, "_25._tcp.mx.example.com", DNS_T_TLSA, 0, DNS_OK, 0, 1,
     NULL, "3 1 1 aa", NULL},
    {"null MX", b_null_mx, "example.com", DNS_T_MX, 0, DNS_OK, 0, 1, NULL, "0 .", NULL},
    {"dot in label", b_dot_label, "example.com", DNS_T_CNAME, 0, DNS_OK, 0, 1, NULL,
     "a\\x2eb.example.com", NULL},
    {"A rdlen 5", b_bad_a_len, "example.com", DNS_T_A, -1, DNS_ERROR, 0, 0, NULL, NULL, NULL},
    {"MX past rdata", b_mx_overrun, "example.com", DNS_T_MX, -1, DNS_ERROR, 0, 0, NULL, NULL,
     NULL},
    {"short header", b_short, "example.com", DNS_T_A, -1, DNS_ERROR, -1, 0, NULL, NULL, NULL},
};

static struct dns_answer *run_case(const struct parse_case *c, int *ret)
{
    static struct pkt p;
    memset(&p, 0, sizeof p);
    c->build(&p);
    struct dns_answer *a = dns_answer_new(c->qname, c->qtype);
    *ret = dns_parse_answer(p.b, p.n, a);
    return a;
}

/* The TLSA fields (RFC 6698 2.1), the AD bit of a validated answer, and RRSIGs counted. */
START_TEST(test_tlsa_fields)
{
    struct parse_case c = {"TLSA", b_tlsa, "_25._tcp.mx.example.com", DNS_T_TLSA, 0, DNS_OK, 0,
                           2, NULL, NULL, NULL};
    int ret;
    struct dns_answer *a = run_case(&c, &ret);
    ck_assert_int_eq(ret, 0);
    ck_assert(a->ad);
    ck_assert_uint_eq(a->nrrsig, 0);
    ck_assert_uint_eq(a->rr[0].tlsa_usage, 3);
    ck_assert_uint_eq(a->rr[0].tlsa_selector, 1);
    ck_assert_uint_eq(a->rr[0].tlsa_mtype, 1);
    ck_assert_uint_eq(a->rr[0].tlsa_len, 32);
    ck_assert_uint_eq(a->rr[0].tlsa_data[31], 31);
    ck_assert(!a->rr[0].tlsa_truncated);
    ck_assert_uint_eq(a->rr[1].tlsa_usage, 2);
    ck_assert_uint_eq(a->rr[1].tlsa_selector, 0);
    ck_assert_uint_eq(a->rr[1].tlsa_data[0], 0x40);
    ck_assert_str_eq(dns_type_name(DNS_T_TLSA), "TLSA");
    dns_answer_free(a);
    struct parse_case c2 = {"TLSA + RRSIG", b_tlsa_rrsig, "_25._tcp.mx.example.com",
                            DNS_T_TLSA, 0, DNS_OK, 0, 1, NULL, NULL, NULL};
    a = run_case(&c2, &ret);
    ck_assert_int_eq(ret, 0);
    ck_assert(a->ad);
    ck_assert_uint_eq(a->nrr, 1);
    ck_assert_uint_eq(a->nrrsig, 1);
    ck_assert_uint_eq(a->rr[0].type, DNS_T_TLSA);
    dns_answer_free(a);
}
END_TEST

/* Association data over the bound is cut, flagged and shown with "...". */
START_TEST(test_tlsa_big)
{
    struct parse_case c = {"big TLSA", b_big_tlsa, "_25._tcp.mx.example.com", DNS_T_TLSA, 0,
                           DNS_OK, 0, 1, NULL, NULL, NULL};
    int ret;
    struct dns_answer *a = run_case(&c, &ret);
    ck_assert_int_eq(ret, 0);
    ck_assert_uint_eq(a->nrr, 1);
    ck_assert(a->rr[0].tlsa_truncated);
    ck_assert_uint_eq(a->rr[0].tlsa_len, MX_DNS_TXT_MAX);
    size_t n = strlen(a->rr[0].text);
    ck_assert_str_eq(a->rr[0].text + n - 3, "...");
    dns_answer_free(a);
}
END_TEST

START_TEST(test_table)
{
    const struct parse_case *c = &cases[_i];
    int ret;
    struct dns_answer *a = run_case(c, &ret);
    ck_assert_msg(ret == c->ret, "%s: ret %d", c->label, ret);
    ck_assert_msg(a->status == c->status, "%s: status %s", c->label, dns_status_name(a->status));
    if (c->ret == 0 || c->rcode == -1)
        ck_assert_msg(a->rcode == c->rcode, "%s: rcode %d", c->label, a->rcode);
    ck_assert_msg(a->nrr == c->nrr, "%s: nrr %zu", c->label, a->nrr);
    if (a->status != DNS_OK)
        ck_assert_msg(a->error != NULL, "%s: no error text", c->label);
    else
        ck_assert_ptr_null(a->error);
    if (c->name0)
        ck_assert_str_eq(a->rr[0].name, c->name0);
    if (c->text0)
        ck_assert_str_eq(a->rr[0].text, c->text0);
    if (c->textlast)
        ck_assert_str_eq(a->rr[a->nrr - 1].text, c->textlast);
    dns_answer_free(a);
}
END_TEST

static struct dns_answer *build_parse(void (*build)(struct pkt *), const char *q, uint16_t t)
{
    static struct pkt p;
    build(&p);
    struct dns_answer *a = dns_answer_new(q, t);
    ck_assert_int_eq(dns_parse_answer(p.b, p.n, a), 0);
    return a;
}

START_TEST(test_fields)
{
    struct dns_answer *a = build_parse(b_mx, "example.com", DNS_T_MX);
    ck_assert_int_eq(a->rr[0].pref, 10);
    ck_assert_str_eq(a->rr[0].target, "mx1.example.com");
    ck_assert_uint_eq(a->rr[0].ttl, 300);
    ck_assert(!a->ad);
    dns_answer_free(a);

    a = build_parse(b_ad, "example.com", DNS_T_A);
    ck_assert(a->ad);
    ck_assert_str_eq(a->rr[0].addr, "192.0.2.1");
    dns_answer_free(a);

    a = build_parse(b_txt_multi, "_mta-sts.example.com", DNS_T_TXT);
    ck_assert_int_eq(a->rr[0].txt_nstrings, 2);
    ck_assert_uint_eq(a->rr[0].txt_len, 18);
    ck_assert_str_eq((char *)a->rr[0].txt, "v=STSv1; id=1part2");
    ck_assert(!a->rr[0].txt_truncated);
    dns_answer_free(a);

    a = build_parse(b_txt_500, "many.example.com", DNS_T_TXT);
    ck_assert_int_eq(a->rr[0].txt_nstrings, MX_DNS_TXT_STRINGS_MAX);
    ck_assert_uint_eq(a->rr[0].txt_len, MX_DNS_TXT_STRINGS_MAX);
    ck_assert(a->rr[0].txt_truncated);
    dns_answer_free(a);

    a = build_parse(b_txt_big, "big.example.com", DNS_T_TXT);
    ck_assert_uint_eq(a->rr[0].txt_len, MX_DNS_TXT_MAX);
    ck_assert(a->rr[0].txt_truncated);
    ck_assert_uint_eq(strlen((char *)a->rr[0].txt), MX_DNS_TXT_MAX);
    dns_answer_free(a);

    a = build_parse(b_many_rrs, "example.com", DNS_T_A);
    ck_assert(a->truncated_rrs);
    dns_answer_free(a);

    a = build_parse(b_cut_tc, "example.com", DNS_T_A);
    ck_assert(a->tc);
    dns_answer_free(a);
}
END_TEST

START_TEST(test_cname_chain_text)
{
    struct dns_answer *a = build_parse(b_cname_chain, "_mta-sts.example.com", DNS_T_TXT);
    char *c = dns_answer_cname_chain(a);
    ck_assert_str_eq(c, "_mta-sts.example.com -> _mta-sts.provider.net -> x.provider.net");
    free(c);
    dns_answer_free(a);
    a = build_parse(b_a, "example.com", DNS_T_A);
    ck_assert_ptr_null(dns_answer_cname_chain(a));
    dns_answer_free(a);
}
END_TEST

START_TEST(test_names)
{
    ck_assert_str_eq(dns_type_name(DNS_T_TXT), "TXT");
    ck_assert_str_eq(dns_type_name(DNS_T_AAAA), "AAAA");
    ck_assert_str_eq(dns_type_name(65), "TYPE65");
    ck_assert_str_eq(dns_status_name(DNS_NXDOMAIN), "nxdomain");
    ck_assert_str_eq(dns_status_name(DNS_TIMEOUT), "timeout");
    struct dns_answer *a = dns_answer_new("x.example", DNS_T_A);
    ck_assert_int_eq(a->rcode, -1);
    ck_assert_str_eq(a->qname, "x.example");
    dns_answer_free(a);
    dns_answer_free(NULL);
}
END_TEST

/* check_sane - a parsed answer must hold complete records whatever the input was. */
static void check_sane(const struct dns_answer *a, int ret)
{
    ck_assert(ret == 0 || ret == -1);
    ck_assert(a->nrr <= MX_DNS_RR_MAX);
    if (ret < 0) {
        ck_assert_int_eq(a->status, DNS_ERROR);
        ck_assert_ptr_nonnull(a->error);
        ck_assert_uint_eq(a->nrr, 0);
    }
    for (size_t i = 0; i < a->nrr; i++) {
        ck_assert_ptr_nonnull(a->rr[i].name);
        ck_assert_ptr_nonnull(a->rr[i].text);
    }
}

START_TEST(test_random_bytes)
{
    static unsigned char buf[600];
    srand(12345);
    for (int iter = 0; iter < 20000; iter++) {
        size_t n = (size_t)rand() % sizeof buf;
        for (size_t i = 0; i < n; i++)
            buf[i] = (unsigned char)rand();
        if (n > 12 && iter % 2) { /* plausible counts so the record loop is reached */
            buf[4] = 0, buf[5] = 1, buf[6] = 0, buf[7] = (unsigned char)(rand() % 8);
        }
        struct dns_answer *a = dns_answer_new("example.com", DNS_T_A);
        check_sane(a, dns_parse_answer(buf, n, a));
        dns_answer_free(a);
    }
}
END_TEST

/* Mutate every valid case: flip bytes and cut lengths; no crash, consistent results. */
START_TEST(test_mutations)
{
    static struct pkt p;
    srand(777);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (int iter = 0; iter < 400; iter++) {
            memset(&p, 0, sizeof p);
            cases[c].build(&p);
            if (p.n == 0)
                continue;
            for (int k = 0; k < 1 + iter % 4; k++)
                p.b[(size_t)rand() % p.n] = (unsigned char)rand();
            size_t n = iter % 3 ? p.n : (size_t)rand() % p.n;
            struct dns_answer *a = dns_answer_new(cases[c].qname, cases[c].qtype);
            check_sane(a, dns_parse_answer(p.b, n, a));
            dns_answer_free(a);
        }
    }
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("dns_parse");
    TCase *tc = tcase_create("parse");
    tcase_add_loop_test(tc, test_table, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, test_fields);
    tcase_add_test(tc, test_tlsa_fields);
    tcase_add_test(tc, test_tlsa_big);
    tcase_add_test(tc, test_cname_chain_text);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_random_bytes);
    tcase_add_test(tc, test_mutations);
    suite_add_tcase(s, tc);
    return s;
}
