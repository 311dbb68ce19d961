/* test_cert_ssl - certificates read into struct cert_info (every field, checked against values
 * computed independently here), and the verify recorder in real TLS handshakes between an
 * SSL client and server joined by an in-memory BIO pair (no sockets, no network). */
#include "testlib.h"
#include "certgen.h"
#include "cert_ssl.h"
#include "mx_limits.h"
#include <openssl/err.h>
#include <time.h>

/* ---------- helpers ---------- */

static struct certgen_ca *test_ca;

static void ca_setup(void)
{
    test_ca = certgen_ca_new("mxray test CA");
    ck_assert_ptr_nonnull(test_ca);
}

static void ca_teardown(void)
{
    certgen_ca_free(test_ca);
    test_ca = NULL;
}

/* colon_hex - the fingerprint format, computed here without cert_ssl.c's helper. */
static void colon_hex(const unsigned char *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 3 * i, "%02X%s", p[i], i + 1 < n ? ":" : "");
}

static void expect_fingerprints(X509 *x, EVP_PKEY *key, const struct cert_info *ci)
{
    unsigned char *der = NULL;
    int len = i2d_X509(x, &der);
    ck_assert_int_gt(len, 0);
    ck_assert_uint_eq(ci->der_len, (size_t)len);
    ck_assert_mem_eq(ci->der, der, (size_t)len);

    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n;
    char want[EVP_MAX_MD_SIZE * 3 + 1];
    ck_assert(EVP_Digest(der, (size_t)len, md, &n, EVP_sha256(), NULL));
    colon_hex(md, n, want);
    ck_assert_str_eq(ci->sha256, want);
    ck_assert(EVP_Digest(der, (size_t)len, md, &n, EVP_sha1(), NULL));
    colon_hex(md, n, want);
    ck_assert_str_eq(ci->sha1, want);
    OPENSSL_free(der);

    /* SPKI from the key itself (i2d_PUBKEY), lower-case hex without colons (DANE 3 1 1). */
    unsigned char *spki = NULL;
    len = i2d_PUBKEY(key, &spki);
    ck_assert_int_gt(len, 0);
    ck_assert(EVP_Digest(spki, (size_t)len, md, &n, EVP_sha256(), NULL));
    for (unsigned i = 0; i < n; i++)
        sprintf(want + 2 * i, "%02x", md[i]);
    ck_assert_str_eq(ci->spki_sha256, want);
    OPENSSL_free(spki);

    /* The PEM reads back to the same certificate. */
    BIO *b = BIO_new_mem_buf(ci->pem, -1);
    X509 *back = PEM_read_bio_X509(b, NULL, NULL, NULL);
    BIO_free(b);
    ck_assert_ptr_nonnull(back);
    ck_assert_int_eq(X509_cmp(back, x), 0);
    X509_free(back);
}

static bool has_str(char **v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return true;
    return false;
}

/* ---------- cert_info_from_x509 ---------- */

START_TEST(info_every_field_rsa_leaf)
{
    const char *sans[] = {"mx1.example.com", "*.Example.NET", "IP:192.0.2.7", "IP:2001:db8::25",
                          "URI:https://example.com/"};
    struct certgen_opts o = {
        .cn = "mx1.example.com", .org = "Example Mail", .sans = sans, .nsans = 5,
        .not_before = -3600, .not_after = 30L * 86400, .key = CERTGEN_RSA2048,
        .ocsp = "http://ocsp.example.com/", .ca_issuers = "http://ca.example.com/ca.der",
        .crl = "http://crl.example.com/ca.crl", .path_len = -1, .serial = 0x1234abcd,
    };
    EVP_PKEY *key = NULL;
    time_t now = time(NULL);
    X509 *x = certgen_leaf_ex(test_ca, &key, &o);
    ck_assert_ptr_nonnull(x);
    struct cert_info ci;
    ck_assert_int_eq(cert_info_from_x509(x, 0, &ci), 0);

    ck_assert_int_eq(ci.depth, 0);
    ck_assert_str_eq(ci.subject, "CN=mx1.example.com,O=Example Mail");
    ck_assert_str_eq(ci.issuer, "CN=mxray test CA,O=mxray test");
    ck_assert_uint_eq(ci.nsan_dns, 2);
    ck_assert_str_eq(ci.san_dns[0], "mx1.example.com");
    ck_assert_str_eq(ci.san_dns[1], "*.Example.NET");
    ck_assert_uint_eq(ci.nsan_ip, 2);
    ck_assert_str_eq(ci.san_ip[0], "192.0.2.7");
    ck_assert_str_eq(ci.san_ip[1], "2001:db8::25");
    ck_assert_uint_eq(ci.nsan_total, 5);
    ck_assert_str_eq(ci.common_name, "mx1.example.com");
    ck_assert_str_eq(ci.serial, "1234ABCD");

    ck_assert(ci.not_before >= now - 3600 - 5 && ci.not_before <= now - 3600 + 5);
    ck_assert(ci.not_after >= now + 30L * 86400 - 5 && ci.not_after <= now + 30L * 86400 + 5);
    char iso[32];
    struct tm tm;
    strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&ci.not_before, &tm));
    ck_assert_str_eq(ci.not_before_str, iso);
    strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&ci.not_after, &tm));
    ck_assert_str_eq(ci.not_after_str, iso);
    ck_assert_int_eq(cert_days_left(&ci, now), 30); /* now was taken before signing */

    ck_assert_str_eq(ci.key, "RSA 2048");
    ck_assert_str_eq(ci.signature, "ecdsa-with-SHA256"); /* the CA's key is EC */
    expect_fingerprints(x, key, &ci);
    ck_assert_int_eq(ci.version, 3);
    ck_assert(!ci.is_ca);
    ck_assert_int_eq(ci.path_len, -1);
    ck_assert_str_eq(ci.key_usage, "Digital Signature, Key Encipherment");
    ck_assert_str_eq(ci.ext_key_usage, "TLS Web Server Authentication");
    ck_assert_uint_eq(ci.nocsp, 1);
    ck_assert_str_eq(ci.ocsp[0], "http://ocsp.example.com/");
    ck_assert_uint_eq(ci.nca_issuers, 1);
    ck_assert_str_eq(ci.ca_issuers[0], "http://ca.example.com/ca.der");
    ck_assert_uint_eq(ci.ncrl, 1);
    ck_assert_str_eq(ci.crl[0], "http://crl.example.com/ca.crl");
    ck_assert_int_eq(ci.sct_count, 0);
    ck_assert(!ci.self_signed);
    ck_assert(strncmp(ci.pem, "-----BEGIN CERTIFICATE-----\n", 28) == 0);

    cert_info_free(&ci);
    ck_assert_ptr_null(ci.subject);
    X509_free(x);
    EVP_PKEY_free(key);
}
END_TEST

START_TEST(info_key_types_and_ca)
{
    static const struct {
        enum certgen_keytype kt;
        const char *want;
    } keys[] = {
        {CERTGEN_EC_P256, "EC P-256"}, {CERTGEN_EC_P384, "EC P-384"},
        {CERTGEN_ED25519, "Ed25519"},  {CERTGEN_RSA1024, "RSA 1024"},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *sans[] = {"mx.example.com"};
        struct certgen_opts o = {.sans = sans, .nsans = 1, .not_after = 86400, .key = keys[i].kt,
                                 .path_len = -1, .no_eku = true};
        EVP_PKEY *key = NULL;
        X509 *x = certgen_leaf_ex(test_ca, &key, &o);
        ck_assert_ptr_nonnull(x);
        struct cert_info ci;
        ck_assert_int_eq(cert_info_from_x509(x, 1, &ci), 0);
        ck_assert_str_eq(ci.key, keys[i].want);
        ck_assert_int_eq(ci.depth, 1);
        ck_assert_ptr_null(ci.common_name); /* no CN in the subject */
        ck_assert_str_eq(ci.subject, "");
        ck_assert_ptr_null(ci.ext_key_usage);
        expect_fingerprints(x, key, &ci);
        cert_info_free(&ci);
        X509_free(x);
        EVP_PKEY_free(key);
    }

    /* The root: a self-signed CA without path length; an Ed25519 intermediate with one. */
    struct cert_info ci;
    ck_assert_int_eq(cert_info_from_x509(test_ca->cert, 2, &ci), 0);
    ck_assert(ci.is_ca);
    ck_assert(ci.self_signed);
    ck_assert_int_eq(ci.path_len, -1);
    ck_assert_str_eq(ci.key_usage, "Certificate Sign, CRL Sign");
    ck_assert_str_eq(ci.subject, ci.issuer);
    cert_info_free(&ci);

    struct certgen_opts io = {.cn = "Intermediate", .not_after = 86400, .key = CERTGEN_ED25519,
                              .is_ca = true, .path_len = 0};
    EVP_PKEY *ikey = NULL;
    X509 *inter = certgen_leaf_ex(test_ca, &ikey, &io);
    ck_assert_ptr_nonnull(inter);
    struct certgen_ca ica = {.cert = inter, .key = ikey};
    ck_assert_int_eq(cert_info_from_x509(inter, 1, &ci), 0);
    ck_assert(ci.is_ca);
    ck_assert(!ci.self_signed);
    ck_assert_int_eq(ci.path_len, 0);
    cert_info_free(&ci);
    const char *sans[] = {"mx.example.com"};
    X509 *leaf = certgen_leaf(&ica, NULL, sans, 1, NULL, -60, 86400);
    ck_assert_ptr_nonnull(leaf);
    ck_assert_int_eq(cert_info_from_x509(leaf, 0, &ci), 0);
    ck_assert_str_eq(ci.signature, "ED25519");
    cert_info_free(&ci);
    X509_free(leaf);
    X509_free(inter);
    EVP_PKEY_free(ikey);
}
END_TEST

START_TEST(info_validity_windows)
{
    const char *sans[] = {"mx.example.com"};
    time_t now = time(NULL);
    X509 *expired = certgen_leaf(test_ca, NULL, sans, 1, "x", -30L * 86400, -2L * 86400);
    X509 *soon = certgen_leaf(test_ca, NULL, sans, 1, "x", -86400, 5L * 86400);
    X509 *future = certgen_leaf(test_ca, NULL, sans, 1, "x", 86400, 30L * 86400);
    ck_assert(expired && soon && future);
    struct cert_info a, b, c;
    ck_assert_int_eq(cert_info_from_x509(expired, 0, &a), 0);
    ck_assert_int_eq(cert_info_from_x509(soon, 0, &b), 0);
    ck_assert_int_eq(cert_info_from_x509(future, 0, &c), 0);
    ck_assert(a.not_after < now);
    ck_assert_int_eq(cert_days_left(&a, now), -2);
    ck_assert_int_eq(cert_days_left(&b, now), 5);
    ck_assert(b.not_after > now && b.not_before < now);
    ck_assert(c.not_before > now);
    cert_info_free(&a);
    cert_info_free(&b);
    cert_info_free(&c);
    X509_free(expired);
    X509_free(soon);
    X509_free(future);
}
END_TEST

START_TEST(info_self_signed_detection)
{
    const char *sans[] = {"mx.example.com"};
    X509 *self = certgen_leaf(NULL, NULL, sans, 1, "mx.example.com", -60, 86400);
    /* Same subject as the CA, but signed by the CA's key: not self-signed. */
    struct certgen_opts o = {.cn = "mxray test CA", .org = "mxray test", .sans = sans, .nsans = 1,
                             .not_after = 86400, .path_len = -1};
    X509 *lookalike = certgen_leaf_ex(test_ca, NULL, &o);
    ck_assert(self && lookalike);
    struct cert_info a, b;
    ck_assert_int_eq(cert_info_from_x509(self, 0, &a), 0);
    ck_assert_int_eq(cert_info_from_x509(lookalike, 0, &b), 0);
    ck_assert(a.self_signed);
    ck_assert_str_eq(a.subject, a.issuer);
    ck_assert(!b.self_signed);
    ck_assert_str_eq(b.subject, b.issuer);
    cert_info_free(&a);
    cert_info_free(&b);
    X509_free(self);
    X509_free(lookalike);
}
END_TEST

START_TEST(info_hostile_names_bounded_and_escaped)
{
    enum { N = 1000 };
    static char names[N][32];
    static const char *sans[N + 2];
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "h%d.example.com", i);
        sans[i + 2] = names[i];
    }
    sans[0] = "evil\x1b[31m.example.com";
    sans[1] = "IP:10.0.0.1";
    struct certgen_opts o = {.cn = "M\xc3\xbcller \x1b]0;pwn\x07", .sans = sans, .nsans = N + 2,
                             .not_after = 86400, .path_len = -1};
    X509 *x = certgen_leaf_ex(test_ca, NULL, &o);
    ck_assert_ptr_nonnull(x);
    struct cert_info ci;
    ck_assert_int_eq(cert_info_from_x509(x, 0, &ci), 0);
    ck_assert_uint_eq(ci.nsan_total, N + 2);
    ck_assert_uint_eq(ci.nsan_dns + ci.nsan_ip, MX_SAN_MAX);
    ck_assert_uint_eq(ci.nsan_ip, 1);
    ck_assert_str_eq(ci.san_dns[0], "evil\\x1b[31m.example.com");
    ck_assert(has_str(ci.san_dns, ci.nsan_dns, "h0.example.com"));
    ck_assert(!has_str(ci.san_dns, ci.nsan_dns, "h999.example.com"));
    /* UTF-8 survives the RFC 2253 printing; control bytes do not. */
    ck_assert_str_eq(ci.common_name, "M\xc3\xbcller \\x1b]0;pwn\\x07");
    ck_assert_ptr_nonnull(strstr(ci.subject, "M\xc3\xbcller"));
    ck_assert_ptr_null(strchr(ci.subject, '\x1b'));
    /* An escaped SAN can never match a host name. */
    ck_assert(!cert_name_match(&ci, "evil.example.com", NULL));
    cert_info_free(&ci);
    X509_free(x);
}
END_TEST

/* SAN types mxray does not show still count; an iPAddress of odd length is shown as hex. */
START_TEST(info_odd_san_types)
{
    const char *sans[] = {"URI:https://example.com/", "mx.example.com"};
    struct certgen_opts o = {.sans = sans, .nsans = 2, .not_after = 86400, .path_len = -1};
    X509 *x = certgen_leaf_ex(test_ca, NULL, &o);
    ck_assert_ptr_nonnull(x);
    /* Replace the SAN extension with one holding an 8-byte "address" and an email. */
    GENERAL_NAMES *gens = sk_GENERAL_NAME_new_null();
    GENERAL_NAME *ip = GENERAL_NAME_new(), *mail = GENERAL_NAME_new();
    ASN1_OCTET_STRING *raw = ASN1_OCTET_STRING_new();
    ASN1_IA5STRING *addr = ASN1_IA5STRING_new();
    ck_assert(gens && ip && mail && raw && addr);
    ck_assert(ASN1_OCTET_STRING_set(raw, (const unsigned char *)"\x0a\0\0\0\xff\0\0\0", 8));
    ck_assert(ASN1_STRING_set(addr, "postmaster@example.com", -1));
    GENERAL_NAME_set0_value(ip, GEN_IPADD, raw);
    GENERAL_NAME_set0_value(mail, GEN_EMAIL, addr);
    sk_GENERAL_NAME_push(gens, ip);
    sk_GENERAL_NAME_push(gens, mail);
    ck_assert_int_eq(X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0, X509V3_ADD_REPLACE), 1);
    GENERAL_NAMES_free(gens);
    struct cert_info ci;
    ck_assert_int_eq(cert_info_from_x509(x, 0, &ci), 0);
    ck_assert_uint_eq(ci.nsan_total, 2);
    ck_assert_uint_eq(ci.nsan_dns, 0);
    ck_assert_uint_eq(ci.nsan_ip, 1);
    ck_assert_str_eq(ci.san_ip[0], "invalid(8 bytes):0A000000FF000000");
    cert_info_free(&ci);
    X509_free(x);
}
END_TEST

START_TEST(info_sct_count)
{
    const char *sans[] = {"mx.example.com"};
    struct certgen_opts o = {.sans = sans, .nsans = 1, .not_after = 86400, .path_len = -1,
                             .scts = 3};
    X509 *x = certgen_leaf_ex(test_ca, NULL, &o);
    ck_assert_ptr_nonnull(x);
    struct cert_info ci;
    ck_assert_int_eq(cert_info_from_x509(x, 0, &ci), 0);
    ck_assert_int_eq(ci.sct_count, 3);
    cert_info_free(&ci);
    X509_free(x);

    /* An SCT extension that does not parse: the count is unknown, not zero. */
    o.scts = 0;
    x = certgen_leaf_ex(test_ca, NULL, &o);
    ck_assert_ptr_nonnull(x);
    ASN1_OCTET_STRING *junk = ASN1_OCTET_STRING_new();
    ck_assert(ASN1_OCTET_STRING_set(junk, (const unsigned char *)"\x04\x02\xff\xff", 4));
    X509_EXTENSION *ext = X509_EXTENSION_create_by_NID(NULL, NID_ct_precert_scts, 0, junk);
    ck_assert_ptr_nonnull(ext);
    ck_assert(X509_add_ext(x, ext, -1));
    X509_EXTENSION_free(ext);
    ASN1_OCTET_STRING_free(junk);
    ck_assert_int_eq(cert_info_from_x509(x, 0, &ci), 0);
    ck_assert_int_eq(ci.sct_count, -1);
    ck_assert_int_eq(ERR_peek_error(), 0); /* the parse failure did not leak into the queue */
    cert_info_free(&ci);
    X509_free(x);
}
END_TEST

/* A bare version 1 certificate: no extensions at all. */
START_TEST(info_v1_without_extensions)
{
    EVP_PKEY *key = certgen_key(CERTGEN_EC_P256);
    X509 *x = X509_new();
    ck_assert(key && x);
    ck_assert(X509_set_version(x, X509_VERSION_1));
    ck_assert(ASN1_INTEGER_set(X509_get_serialNumber(x), 1));
    ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notBefore(x), -60));
    ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notAfter(x), 86400));
    ck_assert(X509_set_pubkey(x, key));
    ck_assert(X509_sign(x, key, EVP_sha256()));
    struct cert_info ci;
    ck_assert_int_eq(cert_info_from_x509(x, 0, &ci), 0);
    ck_assert_int_eq(ci.version, 1);
    ck_assert_uint_eq(ci.nsan_total, 0);
    ck_assert_uint_eq(ci.nsan_dns, 0);
    ck_assert_ptr_null(ci.common_name);
    ck_assert_ptr_null(ci.key_usage);
    ck_assert_ptr_null(ci.ext_key_usage);
    ck_assert(!ci.is_ca);
    ck_assert_int_eq(ci.path_len, -1);
    ck_assert_uint_eq(ci.nocsp + ci.nca_issuers + ci.ncrl, 0);
    ck_assert_int_eq(ci.sct_count, 0);
    ck_assert_str_eq(ci.serial, "01");
    ck_assert(ci.self_signed); /* empty subject == empty issuer, own signature */
    cert_info_free(&ci);
    X509_free(x);
    EVP_PKEY_free(key);

    ck_assert_int_eq(cert_info_from_x509(NULL, 0, &ci), -1);
    cert_info_free(&ci);
}
END_TEST

/* ---------- handshakes through a BIO pair ---------- */

struct hs {
    SSL *c, *s;
    bool ok;
    char *err;
};

/* handshake - drive client and server until both finish or one fails (bounded: no hang). */
static void handshake(struct hs *h, SSL_CTX *cctx, SSL_CTX *sctx, const char *sni,
                      struct cert_recorder *r)
{
    BIO *bc = NULL, *bs = NULL;
    memset(h, 0, sizeof *h);
    h->c = SSL_new(cctx);
    h->s = SSL_new(sctx);
    ck_assert(h->c && h->s);
    ck_assert(BIO_new_bio_pair(&bc, 0, &bs, 0));
    SSL_set_bio(h->c, bc, bc);
    SSL_set_bio(h->s, bs, bs);
    if (sni)
        ck_assert(SSL_set_tlsext_host_name(h->c, sni));
    if (r)
        cert_recorder_attach_ssl(r, h->c);
    ERR_clear_error();
    bool cdone = false, sdone = false, failed = false;
    for (int i = 0; i < 100 && !(cdone && sdone) && !failed; i++) {
        if (!cdone) {
            int rc = SSL_connect(h->c);
            int e = SSL_get_error(h->c, rc);
            if (rc == 1)
                cdone = true;
            else if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
                failed = true, h->err = cert_ssl_error_text();
        }
        if (!sdone && !failed) {
            int rs = SSL_accept(h->s);
            int e = SSL_get_error(h->s, rs);
            if (rs == 1)
                sdone = true;
            else if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
                failed = true, ERR_clear_error();
        }
    }
    h->ok = cdone && sdone && !failed;
}

static void hs_free(struct hs *h)
{
    SSL_free(h->c);
    SSL_free(h->s);
    free(h->err);
}

static bool has_error(const struct tls_info *t, int depth, int code)
{
    for (size_t i = 0; i < t->nerrors; i++)
        if (t->errors[i].depth == depth && t->errors[i].code == code)
            return true;
    return false;
}

/* server - a server context presenting a new leaf (signed by ca, self-signed when NULL). */
static SSL_CTX *server(const struct certgen_ca *ca, const char *san, const char *cn, long nb,
                       long na, X509 *const chain[], size_t nchain)
{
    EVP_PKEY *key = NULL;
    X509 *leaf = certgen_leaf(ca, &key, &san, 1, cn, nb, na);
    ck_assert_ptr_nonnull(leaf);
    SSL_CTX *ctx = certgen_server_ctx(leaf, key, chain, nchain);
    ck_assert_ptr_nonnull(ctx);
    X509_free(leaf);
    EVP_PKEY_free(key);
    return ctx;
}

START_TEST(tls_trusted_chain_verified)
{
    struct certgen_ca *inter = certgen_ca_new_ex("mxray intermediate", test_ca, CERTGEN_EC_P256,
                                                 -86400, 365L * 86400);
    ck_assert_ptr_nonnull(inter);
    SSL_CTX *sctx = server(inter, "*.example.com", "mx1.example.com", -60, 90L * 86400,
                           &inter->cert, 1);
    SSL_CTX *cctx = certgen_client_ctx(test_ca);
    struct cert_recorder *r = cert_recorder_new(false);
    struct hs h;
    handshake(&h, cctx, sctx, "mx1.example.com", r);
    ck_assert_msg(h.ok, "handshake failed: %s", h.err ? h.err : "?");

    struct tls_info t;
    tls_info_fill(&t, h.c, r, "MX1.example.com.", h.ok, NULL);
    ck_assert(t.present && t.handshake_ok);
    ck_assert_uint_eq(t.nerrors, 0);
    ck_assert(t.verified);
    ck_assert(!t.untrusted && !t.expired);
    ck_assert_int_eq(t.verify_code, 0);
    ck_assert_ptr_null(t.verify_error);
    ck_assert_str_eq(t.version, "TLSv1.3");
    ck_assert_int_eq(t.version_num, TLS1_3_VERSION);
    ck_assert_ptr_nonnull(t.cipher);
    ck_assert(strncmp(t.cipher, "TLS_", 4) == 0);
    ck_assert_ptr_nonnull(t.group);
    ck_assert_str_eq(t.group, "x25519"); /* OpenSSL 3.0's default first group */
    ck_assert_str_eq(t.sni, "mx1.example.com");
    /* The chain as sent: leaf and intermediate, not the root the client holds. */
    ck_assert_uint_eq(t.nchain, 2);
    ck_assert_int_eq(t.chain[0].depth, 0);
    ck_assert_str_eq(t.chain[0].san_dns[0], "*.example.com");
    ck_assert_int_eq(t.chain[1].depth, 1);
    ck_assert_str_eq(t.chain[1].subject, "CN=mxray intermediate,O=mxray test");
    ck_assert(t.chain[1].is_ca);
    ck_assert(t.hostname_match);
    ck_assert_str_eq(t.hostname_note, "matched SAN *.example.com");
    ck_assert_ptr_null(t.handshake_error);
    tls_info_free(&t);

    /* A name one label deeper does not match the same leaf (RFC 8461 4.2). */
    tls_info_fill(&t, h.c, r, "a.mx1.example.com", h.ok, NULL);
    ck_assert(t.verified);
    ck_assert(!t.hostname_match);
    ck_assert_ptr_nonnull(strstr(t.hostname_note, "no SAN dNSName matches a.mx1.example.com"));
    tls_info_free(&t);

    hs_free(&h);
    cert_recorder_free(r);
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
    certgen_ca_free(inter);
}
END_TEST

START_TEST(tls_self_signed_untrusted_chain_kept)
{
    SSL_CTX *sctx = server(NULL, "mx1.example.com", "mx1.example.com", -60, 86400, NULL, 0);
    SSL_CTX *cctx = certgen_client_ctx(test_ca);
    struct cert_recorder *r = cert_recorder_new(false);
    struct hs h;
    handshake(&h, cctx, sctx, "mx1.example.com", r);
    ck_assert(h.ok); /* not enforcing: the recorder let the handshake finish */
    struct tls_info t;
    tls_info_fill(&t, h.c, r, "mx1.example.com", h.ok, NULL);
    ck_assert(t.handshake_ok);
    ck_assert(!t.verified);
    ck_assert(t.untrusted);
    ck_assert(!t.expired);
    ck_assert(has_error(&t, 0, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT));
    ck_assert_int_eq(t.verify_code, t.errors[0].code);
    ck_assert_str_eq(t.verify_error, t.errors[0].text);
    ck_assert_uint_eq(t.nchain, 1);
    ck_assert(t.chain[0].self_signed);
    ck_assert(t.hostname_match); /* the name is right; the trust is not */
    tls_info_free(&t);
    hs_free(&h);
    cert_recorder_free(r);
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
}
END_TEST

START_TEST(tls_expired_and_not_yet_valid)
{
    static const struct {
        long nb, na;
        int code;
    } cases[] = {
        {-30L * 86400, -86400, X509_V_ERR_CERT_HAS_EXPIRED},
        {86400, 30L * 86400, X509_V_ERR_CERT_NOT_YET_VALID},
    };
    for (size_t i = 0; i < 2; i++) {
        SSL_CTX *sctx = server(test_ca, "mx1.example.com", NULL, cases[i].nb, cases[i].na,
                               NULL, 0);
        SSL_CTX *cctx = certgen_client_ctx(test_ca);
        struct cert_recorder *r = cert_recorder_new(false);
        struct hs h;
        handshake(&h, cctx, sctx, "mx1.example.com", r);
        ck_assert(h.ok);
        struct tls_info t;
        tls_info_fill(&t, h.c, r, "mx1.example.com", h.ok, NULL);
        ck_assert(!t.verified);
        ck_assert(t.expired);
        ck_assert(!t.untrusted); /* the chain reaches the root */
        ck_assert(has_error(&t, 0, cases[i].code));
        ck_assert_uint_eq(t.nerrors, 1);
        ck_assert(t.hostname_match);
        tls_info_free(&t);
        hs_free(&h);
        cert_recorder_free(r);
        SSL_CTX_free(sctx);
        SSL_CTX_free(cctx);
    }
}
END_TEST

START_TEST(tls_wrong_name_cn_not_used)
{
    SSL_CTX *sctx = server(test_ca, "other.example.com", "mx1.example.com", -60, 86400, NULL, 0);
    SSL_CTX *cctx = certgen_client_ctx(test_ca);
    struct cert_recorder *r = cert_recorder_new(false);
    struct hs h;
    handshake(&h, cctx, sctx, "mx1.example.com", r);
    ck_assert(h.ok);
    struct tls_info t;
    tls_info_fill(&t, h.c, r, "mx1.example.com", h.ok, NULL);
    ck_assert(t.verified); /* the chain is fine ... */
    ck_assert(!t.hostname_match); /* ... the name is not, and the CN does not rescue it */
    ck_assert_str_eq(t.hostname_note, "no SAN dNSName matches mx1.example.com; SANs: "
                                      "other.example.com; CN mx1.example.com is not used "
                                      "(RFC 8461 4.2)");
    tls_info_free(&t);
    /* A host from DNS with a control byte is escaped in the note. */
    tls_info_fill(&t, h.c, r, "mx1\x1b.example.com", h.ok, NULL);
    ck_assert(!t.hostname_match);
    ck_assert_ptr_null(strchr(t.hostname_note, '\x1b'));
    ck_assert_ptr_nonnull(strstr(t.hostname_note, "mx1\\x1b.example.com"));
    tls_info_free(&t);
    hs_free(&h);
    cert_recorder_free(r);
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
}
END_TEST

START_TEST(tls_enforce_fails_but_records)
{
    SSL_CTX *sctx = server(NULL, "mx1.example.com", "mx1.example.com", -30L * 86400, -86400,
                           NULL, 0);
    SSL_CTX *cctx = certgen_client_ctx(test_ca);
    struct cert_recorder *r = cert_recorder_new(true);
    struct hs h;
    handshake(&h, cctx, sctx, "mx1.example.com", r);
    ck_assert(!h.ok);
    ck_assert_ptr_nonnull(h.err);
    ck_assert_ptr_nonnull(strstr(h.err, "certificate verify failed"));
    struct tls_info t;
    tls_info_fill(&t, h.c, r, "mx1.example.com", h.ok, h.err);
    ck_assert(!t.handshake_ok);
    ck_assert(!t.verified);
    ck_assert(t.untrusted);
    ck_assert_uint_eq(t.nchain, 1);
    ck_assert(t.chain[0].self_signed);
    ck_assert_uint_ge(t.nerrors, 1);
    ck_assert_int_eq(t.errors[0].depth, 0);
    ck_assert_str_eq(t.handshake_error, h.err);
    ck_assert(t.hostname_match);
    tls_info_free(&t);
    hs_free(&h);
    cert_recorder_free(r);
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
}
END_TEST

/* Both defects at once: the recorder keeps every distinct error, not only the first. */
START_TEST(tls_self_signed_and_expired)
{
    SSL_CTX *sctx = server(NULL, "mx1.example.com", NULL, -30L * 86400, -86400, NULL, 0);
    SSL_CTX *cctx = certgen_client_ctx(NULL);
    struct cert_recorder *r = cert_recorder_new(false);
    struct hs h;
    handshake(&h, cctx, sctx, "mx1.example.com", r);
    ck_assert(h.ok);
    struct tls_info t;
    tls_info_fill(&t, h.c, r, "mx1.example.com", h.ok, NULL);
    ck_assert(t.untrusted && t.expired && !t.verified);
    ck_assert(has_error(&t, 0, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT));
    ck_assert(has_error(&t, 0, X509_V_ERR_CERT_HAS_EXPIRED));
    for (size_t i = 0; i < t.nerrors; i++)
        for (size_t j = i + 1; j < t.nerrors; j++)
            ck_assert(t.errors[i].depth != t.errors[j].depth ||
                      t.errors[i].code != t.errors[j].code);
    tls_info_free(&t);
    hs_free(&h);
    cert_recorder_free(r);
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
}
END_TEST

/* curl's way: the recorder sits on the SSL_CTX; the callback finds it through the SSL. */
START_TEST(tls_recorder_on_ctx_tls12)
{
    SSL_CTX *sctx = server(test_ca, "mta-sts.example.com", NULL, -60, 86400, NULL, 0);
    ck_assert(SSL_CTX_set_max_proto_version(sctx, TLS1_2_VERSION));
    SSL_CTX *cctx = certgen_client_ctx(NULL); /* trusts nothing */
    struct cert_recorder *r = cert_recorder_new(false);
    cert_recorder_attach_ctx(r, cctx);
    struct hs h;
    handshake(&h, cctx, sctx, "mta-sts.example.com", NULL);
    ck_assert(h.ok);
    struct tls_info t;
    tls_info_fill(&t, h.c, r, "mta-sts.example.com", h.ok, NULL);
    ck_assert_str_eq(t.version, "TLSv1.2");
    ck_assert_int_eq(t.version_num, TLS1_2_VERSION);
    ck_assert_ptr_nonnull(t.cipher);
    ck_assert_ptr_nonnull(t.group); /* ECDHE */
    ck_assert(t.untrusted);
    ck_assert(has_error(&t, 0, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY));
    ck_assert_uint_eq(t.nchain, 1);
    ck_assert(t.hostname_match);
    tls_info_free(&t);
    hs_free(&h);
    cert_recorder_free(r);
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
}
END_TEST

/* No recorder at all: the chain comes from the session, the error from the verify result. */
START_TEST(tls_without_recorder)
{
    SSL_CTX *sctx = server(NULL, "mx1.example.com", NULL, -60, 86400, NULL, 0);
    SSL_CTX *cctx = certgen_client_ctx(test_ca);
    struct hs h;
    handshake(&h, cctx, sctx, NULL, NULL); /* default SSL_VERIFY_NONE, no SNI */
    ck_assert(h.ok);
    struct tls_info t;
    tls_info_fill(&t, h.c, NULL, "mx1.example.com", h.ok, NULL);
    ck_assert_uint_eq(t.nchain, 1);
    ck_assert_uint_eq(t.nerrors, 1);
    ck_assert_int_eq(t.errors[0].depth, -1);
    ck_assert_int_eq(t.errors[0].code, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
    ck_assert(t.untrusted && !t.verified);
    ck_assert_ptr_null(t.sni);
    tls_info_free(&t);
    hs_free(&h);

    tls_info_fill(&t, NULL, NULL, "mx1.example.com", false, "connect: refused\r\n");
    ck_assert(t.present && !t.handshake_ok && !t.verified && !t.hostname_match);
    ck_assert_uint_eq(t.nchain, 0);
    ck_assert_str_eq(t.handshake_error, "connect: refused\\r\\n");
    ck_assert_str_eq(t.hostname_note, "no certificate received");
    tls_info_free(&t);
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
}
END_TEST

/* certgen's PEM files, as the SMTP and HTTPS tests use them: server chain file + key, and a
 * CA file for the client. */
START_TEST(certgen_pem_files_handshake)
{
    struct certgen_ca *inter = certgen_ca_new_ex("mxray intermediate", test_ca, CERTGEN_RSA2048,
                                                 -86400, 365L * 86400);
    const char *sans[] = {"mta-sts.example.com"};
    EVP_PKEY *key = NULL;
    X509 *leaf = certgen_leaf(inter, &key, sans, 1, NULL, -60, 86400);
    char *dir = certgen_tmpdir();
    ck_assert(inter && leaf && dir);
    ck_assert_int_eq(certgen_write_pem(dir, "leaf", leaf, key, &inter->cert, 1), 0);
    ck_assert_int_eq(certgen_write_pem(dir, "ca", test_ca->cert, NULL, NULL, 0), 0);
    char *crt = certgen_path(dir, "leaf", "crt"), *kf = certgen_path(dir, "leaf", "key");
    char *caf = certgen_path(dir, "ca", "crt");

    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    ck_assert_int_eq(SSL_CTX_use_certificate_chain_file(sctx, crt), 1);
    ck_assert_int_eq(SSL_CTX_use_PrivateKey_file(sctx, kf, SSL_FILETYPE_PEM), 1);
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    ck_assert_int_eq(SSL_CTX_load_verify_locations(cctx, caf, NULL), 1);
    struct cert_recorder *r = cert_recorder_new(true);
    struct hs h;
    handshake(&h, cctx, sctx, "mta-sts.example.com", r);
    ck_assert_msg(h.ok, "handshake failed: %s", h.err ? h.err : "?");
    struct tls_info t;
    tls_info_fill(&t, h.c, r, "mta-sts.example.com", h.ok, NULL);
    ck_assert(t.verified && t.hostname_match);
    ck_assert_uint_eq(t.nchain, 2);
    ck_assert_str_eq(t.chain[1].key, "RSA 2048");
    tls_info_free(&t);
    hs_free(&h);
    cert_recorder_free(r);
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);

    certgen_rmtree(dir);
    ck_assert_int_ne(access(dir, F_OK), 0);
    free(crt);
    free(kf);
    free(caf);
    free(dir);
    X509_free(leaf);
    EVP_PKEY_free(key);
    certgen_ca_free(inter);
}
END_TEST

/* A peer sending more than MX_CHAIN_MAX certificates: the recorder keeps the first ones. */
START_TEST(tls_long_chain_bounded)
{
    enum { DEPTH = MX_CHAIN_MAX + 3 };
    struct certgen_ca *cas[DEPTH];
    X509 *sent[DEPTH];
    const struct certgen_ca *parent = test_ca;
    for (int i = 0; i < DEPTH; i++) {
        char cn[32];
        snprintf(cn, sizeof cn, "intermediate %d", i);
        cas[i] = certgen_ca_new_ex(cn, parent, CERTGEN_EC_P256, -86400, 86400);
        ck_assert_ptr_nonnull(cas[i]);
        sent[DEPTH - 1 - i] = cas[i]->cert; /* as sent: nearest the leaf first */
        parent = cas[i];
    }
    SSL_CTX *sctx = server(parent, "mx1.example.com", NULL, -60, 86400, sent, DEPTH);
    SSL_CTX *cctx = certgen_client_ctx(test_ca);
    struct cert_recorder *r = cert_recorder_new(false);
    struct hs h;
    handshake(&h, cctx, sctx, "mx1.example.com", r);
    ck_assert(h.ok);
    struct tls_info t;
    tls_info_fill(&t, h.c, r, "mx1.example.com", h.ok, NULL);
    ck_assert_uint_eq(t.nchain, MX_CHAIN_MAX);
    ck_assert(t.verified);
    char want[64];
    snprintf(want, sizeof want, "CN=intermediate %d,O=mxray test", DEPTH - 1);
    ck_assert_str_eq(t.chain[1].subject, want);
    ck_assert_int_eq(t.chain[MX_CHAIN_MAX - 1].depth, MX_CHAIN_MAX - 1);
    tls_info_free(&t);
    hs_free(&h);
    cert_recorder_free(r);
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
    for (int i = 0; i < DEPTH; i++)
        certgen_ca_free(cas[i]);
}
END_TEST

START_TEST(error_text_drains_queue)
{
    OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS, NULL); /* as SSL_CTX_new would */
    ERR_clear_error();
    ck_assert_ptr_null(cert_ssl_error_text());
    BIO *b = BIO_new_mem_buf("not a certificate", -1);
    ck_assert_ptr_null(PEM_read_bio_X509(b, NULL, NULL, NULL));
    BIO_free(b);
    ERR_raise(ERR_LIB_SSL, SSL_R_CERTIFICATE_VERIFY_FAILED);
    char *s = cert_ssl_error_text();
    ck_assert_ptr_nonnull(s);
    ck_assert_msg(strstr(s, "certificate verify failed") && strstr(s, "; "), "got %s", s);
    ck_assert_int_eq(ERR_peek_error(), 0);
    free(s);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("cert_ssl");
    TCase *tc = tcase_create("cert_info");
    tcase_add_checked_fixture(tc, ca_setup, ca_teardown);
    tcase_add_test(tc, info_every_field_rsa_leaf);
    tcase_add_test(tc, info_key_types_and_ca);
    tcase_add_test(tc, info_validity_windows);
    tcase_add_test(tc, info_self_signed_detection);
    tcase_add_test(tc, info_hostile_names_bounded_and_escaped);
    tcase_add_test(tc, info_v1_without_extensions);
    tcase_add_test(tc, info_sct_count);
    tcase_add_test(tc, info_odd_san_types);
    suite_add_tcase(s, tc);
    tc = tcase_create("recorder");
    tcase_add_checked_fixture(tc, ca_setup, ca_teardown);
    tcase_add_test(tc, tls_trusted_chain_verified);
    tcase_add_test(tc, tls_self_signed_untrusted_chain_kept);
    tcase_add_test(tc, tls_expired_and_not_yet_valid);
    tcase_add_test(tc, tls_wrong_name_cn_not_used);
    tcase_add_test(tc, tls_enforce_fails_but_records);
    tcase_add_test(tc, tls_self_signed_and_expired);
    tcase_add_test(tc, tls_recorder_on_ctx_tls12);
    tcase_add_test(tc, tls_without_recorder);
    tcase_add_test(tc, certgen_pem_files_handshake);
    tcase_add_test(tc, tls_long_chain_bounded);
    tcase_add_test(tc, error_text_drains_queue);
    suite_add_tcase(s, tc);
    return s;
}
