/* test_dane - DANE verification (dane.c, OpenSSL's DANE code on a captured chain), record
 * usability, and the lab's part of DNSSEC: AD on answers of signed scenarios for DO queries,
 * SERVFAIL for a bogus TLSA name, TLSA records made from the served certificate. */
#include "testlib.h"
#include "certgen.h"
#include "cert_ssl.h"
#include "dane.h"
#include "dns.h"
#include "lab/lab_int.h"
#include "loop.h"
#include <ares.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400L

/* ---- chains and records ---- */

struct chain {
    struct cert_info c[3];
    size_t n;
};

static void chain_add(struct chain *ch, X509 *x)
{
    ck_assert_int_eq(cert_info_from_x509(x, (int)ch->n, &ch->c[ch->n]), 0);
    ch->n++;
}

static void chain_free(struct chain *ch)
{
    for (size_t i = 0; i < ch->n; i++)
        cert_info_free(&ch->c[i]);
}

/* tlsa_of - selector 0 (certificate) or 1 (SPKI), matching type 1 (SHA-256) of x. */
static struct dane_rec tlsa_of(X509 *x, uint8_t usage, uint8_t selector, unsigned char *md)
{
    unsigned char *der = NULL;
    int n = selector ? i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der) : i2d_X509(x, &der);
    ck_assert_int_gt(n, 0);
    unsigned mdlen = 0;
    ck_assert(EVP_Digest(der, (size_t)n, md, &mdlen, EVP_sha256(), NULL));
    OPENSSL_free(der);
    return (struct dane_rec){usage, selector, 1, md, mdlen};
}

static struct certgen_ca *ca;
static X509 *leaf, *expired, *other;
static EVP_PKEY *k1, *k2, *k3;

static void setup(void)
{
    ca = certgen_ca_new("dane test CA");
    const char *sans[] = {"mx1.example.com"};
    leaf = certgen_leaf(ca, &k1, sans, 1, "mx1.example.com", -DAY, 30 * DAY);
    expired = certgen_leaf(ca, &k2, sans, 1, "mx1.example.com", -30 * DAY, -DAY);
    const char *wrong[] = {"www.example.net"};
    other = certgen_leaf(ca, &k3, wrong, 1, "www.example.net", -DAY, 30 * DAY);
    ck_assert(ca && leaf && expired && other);
}

static void teardown(void)
{
    X509_free(leaf), X509_free(expired), X509_free(other);
    EVP_PKEY_free(k1), EVP_PKEY_free(k2), EVP_PKEY_free(k3);
    certgen_ca_free(ca);
}

/* 3 1 1 of the leaf: authenticated at depth 0; a second, unrelated record is ignored. */
START_TEST(test_ee_match)
{
    struct chain ch = {0};
    chain_add(&ch, leaf);
    unsigned char m1[64], m2[64];
    struct dane_rec recs[2] = {tlsa_of(other, 3, 1, m2), tlsa_of(leaf, 3, 1, m1)};
    struct dane_result r;
    ck_assert_int_eq(dane_verify(ch.c, ch.n, recs, 2, "mx1.example.com", "mx1.example.com", &r),
                     0);
    ck_assert(r.ok);
    ck_assert_int_eq(r.matched, 1);
    ck_assert_int_eq(r.depth, 0);
    ck_assert_ptr_null(r.error);
    dane_result_clear(&r);
    chain_free(&ch);
}
END_TEST

/* RFC 7672 3.1.1: DANE-EE checks neither the name nor the expiry. */
START_TEST(test_ee_no_name_no_expiry)
{
    struct chain ch = {0};
    chain_add(&ch, expired);
    unsigned char m[64];
    struct dane_rec rec = tlsa_of(expired, 3, 1, m);
    struct dane_result r;
    ck_assert_int_eq(dane_verify(ch.c, ch.n, &rec, 1, "mx9.other.test", "mx9.other.test", &r), 0);
    ck_assert_msg(r.ok, "%s", r.error ? r.error : "");
    dane_result_clear(&r);
    chain_free(&ch);
}
END_TEST

/* A record for another key: no match, OpenSSL's reason kept. */
START_TEST(test_ee_mismatch)
{
    struct chain ch = {0};
    chain_add(&ch, leaf);
    unsigned char m[64];
    struct dane_rec rec = tlsa_of(other, 3, 1, m);
    struct dane_result r;
    ck_assert_int_eq(dane_verify(ch.c, ch.n, &rec, 1, "mx1.example.com", "mx1.example.com", &r),
                     0);
    ck_assert(!r.ok);
    ck_assert_int_eq(r.matched, -1);
    ck_assert_ptr_nonnull(r.error);
    dane_result_clear(&r);
    chain_free(&ch);
}
END_TEST

/* 2 0 1 of the CA sent in the chain: matched at depth 1, with the name checked (3.2.2). */
START_TEST(test_ta_match_and_name)
{
    struct chain ch = {0};
    chain_add(&ch, leaf);
    chain_add(&ch, ca->cert);
    unsigned char m[64];
    struct dane_rec rec = tlsa_of(ca->cert, 2, 0, m);
    struct dane_result r;
    ck_assert_int_eq(dane_verify(ch.c, ch.n, &rec, 1, "mx1.example.com", "mx1.example.com", &r),
                     0);
    ck_assert_msg(r.ok, "%s", r.error ? r.error : "");
    ck_assert_int_eq(r.depth, 1);
    ck_assert_int_eq(r.matched, 0);
    dane_result_clear(&r);
    /* the same anchor, but the certificate does not name the MX host or the base domain */
    ck_assert_int_eq(dane_verify(ch.c, ch.n, &rec, 1, "mx2.example.com", "mx2.example.com", &r),
                     0);
    ck_assert(!r.ok);
    dane_result_clear(&r);
    /* the MX host name is a reference identifier beside a CNAME target base (3.2.2) */
    ck_assert_int_eq(dane_verify(ch.c, ch.n, &rec, 1, "cname.example.org", "mx1.example.com",
                                 &r), 0);
    ck_assert(r.ok);
    dane_result_clear(&r);
    chain_free(&ch);
}
END_TEST

/* PKIX usages never reach OpenSSL (RFC 7672 3.1.3); bad digests are refused by OpenSSL. */
START_TEST(test_usable)
{
    ck_assert_ptr_nonnull(dane_unusable(0, 0, 1));
    ck_assert_ptr_nonnull(dane_unusable(1, 1, 1));
    ck_assert_ptr_nonnull(dane_unusable(4, 1, 1));
    ck_assert_ptr_nonnull(dane_unusable(3, 2, 1));
    ck_assert_ptr_nonnull(dane_unusable(3, 1, 3));
    ck_assert_ptr_null(dane_unusable(3, 1, 1));
    ck_assert_ptr_null(dane_unusable(2, 0, 2));
    unsigned char m[64];
    struct dane_rec good = tlsa_of(leaf, 3, 1, m);
    ck_assert(dane_accepts(&good));
    struct dane_rec short_digest = {3, 1, 1, m, 20};
    ck_assert(!dane_accepts(&short_digest));
    struct dane_rec pkix = {1, 1, 1, m, 32};
    ck_assert(!dane_accepts(&pkix));
    /* verify with only an unusable record: nothing to verify */
    struct chain ch = {0};
    chain_add(&ch, leaf);
    struct dane_result r;
    ck_assert_int_eq(dane_verify(ch.c, ch.n, &pkix, 1, "mx1.example.com", NULL, &r), -1);
    ck_assert(!r.ok);
    dane_result_clear(&r);
    ck_assert_int_eq(dane_verify(NULL, 0, &good, 1, "mx1.example.com", NULL, &r), -1);
    dane_result_clear(&r);
    chain_free(&ch);
}
END_TEST

/* ---- the lab as a validating resolver ---- */

static const char *scn_signed =
    "summary: s\ndnssec: signed\n[teach]\nwhat: a\nsender: b\nfix: c\n"
    "[dns]\n@ MX 10 mx1\nmx1 A 127.0.0.1\n"
    "[mx mx1]\ntlsa: 3 1 1 leaf\ntlsa: 2 0 1 ca\n"
    "[mx mx2]\ntlsa: 3 1 1 leaf\ntlsa_lookup: servfail\n"
    "[expect]\nverdict: none\n";
static const char *scn_plain =
    "summary: s\n[teach]\nwhat: a\nsender: b\nfix: c\n"
    "[dns]\n@ MX 10 mx1\nmx1 A 127.0.0.1\n"
    "[expect]\nverdict: none\n";

/* ask - the lab's reply to a query made by dns_build_query (DO set) or without DO. */
static struct dns_answer *ask(struct lab_dns *d, const char *name, uint16_t type, bool dobit)
{
    unsigned char *q = NULL, out[4096];
    int qlen = 0;
    ck_assert_int_eq(dns_build_query(name, type, &q, &qlen), 0);
    if (!dobit)
        q[qlen - 4] &= 0x7f;
    size_t n = lab_dns_answer(d, q, (size_t)qlen, out, sizeof out, true);
    ares_free_string(q);
    ck_assert_uint_gt(n, 12);
    struct dns_answer *a = dns_answer_new(name, type);
    ck_assert_int_eq(dns_parse_answer(out, n, a), 0);
    return a;
}

START_TEST(test_lab_ad_and_tlsa)
{
    char err[256] = "";
    struct loop *l = loop_new();
    struct lab_conn_set *conns = lab_conn_set_new();
    struct lab_scn *s[2];
    s[0] = lab_scn_parse(scn_signed, strlen(scn_signed), "sig", err, sizeof err);
    ck_assert_msg(s[0] != NULL, "%s", err);
    s[1] = lab_scn_parse(scn_plain, strlen(scn_plain), "plain", err, sizeof err);
    ck_assert_msg(s[1] != NULL, "%s", err);
    ck_assert(s[0]->signed_zone && !s[1]->signed_zone);
    ck_assert_uint_eq(s[0]->mx[0].ntlsa, 2);
    ck_assert(s[0]->mx[1].tlsa_servfail);
    struct lab_dns *d = lab_dns_new(l, conns, s, 2, err, sizeof err);
    ck_assert_msg(d != NULL, "%s", err);
    struct lab_ca *lca = lab_ca_new(err, sizeof err);
    ck_assert_msg(lca != NULL, "%s", err);
    struct lab_smtp *smtp = lab_smtp_new(l, conns, lca, &s[0]->mx[0], err, sizeof err);
    ck_assert_msg(smtp != NULL, "%s", err);
    const struct lab_rr *rr;
    size_t n = lab_smtp_tlsa(smtp, &rr);
    ck_assert_uint_eq(n, 2);
    for (size_t i = 0; i < n; i++)
        lab_dns_add(d, &rr[i]);

    struct dns_answer *a = ask(d, "sig.mxray.test", DNS_T_MX, true);
    ck_assert_int_eq(a->status, DNS_OK);
    ck_assert(a->ad); /* signed zone, DO asked */
    dns_answer_free(a);
    a = ask(d, "sig.mxray.test", DNS_T_MX, false);
    ck_assert(!a->ad); /* no DO, no AD (RFC 6840 5.7) */
    dns_answer_free(a);
    a = ask(d, "nope.sig.mxray.test", DNS_T_A, true);
    ck_assert_int_eq(a->status, DNS_NXDOMAIN);
    ck_assert(a->ad); /* a validated denial */
    dns_answer_free(a);
    a = ask(d, "plain.mxray.test", DNS_T_MX, true);
    ck_assert_int_eq(a->status, DNS_OK);
    ck_assert(!a->ad); /* unsigned zone */
    dns_answer_free(a);

    a = ask(d, "_25._tcp.mx1.sig.mxray.test", DNS_T_TLSA, true);
    ck_assert_int_eq(a->status, DNS_OK);
    ck_assert(a->ad);
    ck_assert_uint_eq(a->nrr, 2);
    ck_assert_uint_eq(a->rr[0].tlsa_usage, 3);
    ck_assert_uint_eq(a->rr[1].tlsa_usage, 2);
    ck_assert_uint_eq(a->rr[0].tlsa_len, 32); /* SHA-256 of the served key (end to end:
                                                * integration.builtin_lab, dane-* scenarios) */
    dns_answer_free(a);

    a = ask(d, "_25._tcp.mx2.sig.mxray.test", DNS_T_TLSA, true);
    ck_assert_int_eq(a->status, DNS_SERVFAIL);
    ck_assert(!a->ad);
    dns_answer_free(a);

    lab_smtp_free(smtp);
    lab_ca_free(lca);
    lab_dns_free(d);
    lab_scn_free(s[0]);
    lab_scn_free(s[1]);
    lab_conn_set_free(conns);
    loop_free(l);
}
END_TEST

START_TEST(test_lab_scn_errors)
{
    char err[256];
    const char *bad[] = {
        "summary: s\ndnssec: maybe\n",
        "summary: s\n[mx mx1]\ntlsa: 3 1 1\n",
        "summary: s\n[mx mx1]\ntlsa: 3 2 1 leaf\n",
        "summary: s\n[mx mx1]\ntlsa: 3 1 1 someone\n",
        "summary: s\n[mx mx1]\ntlsa_lookup: maybe\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct lab_scn *s = lab_scn_parse(bad[i], strlen(bad[i]), "t", err, sizeof err);
        ck_assert_msg(s == NULL, "accepted: %s", bad[i]);
    }
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("dane");
    TCase *tc = tcase_create("verify");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_ee_match);
    tcase_add_test(tc, test_ee_no_name_no_expiry);
    tcase_add_test(tc, test_ee_mismatch);
    tcase_add_test(tc, test_ta_match_and_name);
    tcase_add_test(tc, test_usable);
    suite_add_tcase(s, tc);
    TCase *lab = tcase_create("lab");
    tcase_set_timeout(lab, 20);
    tcase_add_test(lab, test_lab_ad_and_tlsa);
    tcase_add_test(lab, test_lab_scn_errors);
    suite_add_tcase(s, lab);
    return s;
}
