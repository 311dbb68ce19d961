/* cert - certificates as plain data, name matching, and TLS session facts.
 *
 * No OpenSSL type appears in this header: faces see struct cert_info and struct tls_info only.
 * The OpenSSL side lives in cert_ssl.h (engine only). All strings are escaped (escape.h). */
#ifndef MXRAY_CERT_H
#define MXRAY_CERT_H
#include <stddef.h>
#include <stdbool.h>
#include <time.h>

struct cert_info {
    int depth;            /* 0 = leaf, as sent by the peer */
    char *subject;        /* RFC 2253 style, escaped */
    char *issuer;
    char **san_dns;       /* subjectAltName dNSName entries */
    size_t nsan_dns;
    char **san_ip;        /* subjectAltName iPAddress entries, text form */
    size_t nsan_ip;
    size_t nsan_total;    /* SAN entries in the certificate (may exceed what was kept) */
    char *common_name;    /* last CN of the subject, or NULL (shown, never used to match) */
    char *serial;         /* hex, colon-free, upper case */
    time_t not_before, not_after;
    char *not_before_str; /* "2026-01-31T12:00:00Z" */
    char *not_after_str;
    char *key;            /* "RSA 2048", "EC P-256", "Ed25519" */
    char *signature;      /* "sha256WithRSAEncryption" */
    char *sha256;         /* fingerprint of the DER, "AB:CD:..." */
    char *sha1;
    char *spki_sha256;    /* SHA-256 of the SubjectPublicKeyInfo, hex (DANE 3 1 1 style) */
    int version;          /* X.509 version 1..3 */
    bool is_ca;
    int path_len;         /* -1 when absent */
    char *key_usage;      /* "Digital Signature, Key Encipherment" or NULL */
    char *ext_key_usage;  /* "TLS Web Server Authentication, ..." or NULL */
    char **ocsp;          /* AIA OCSP URLs */
    size_t nocsp;
    char **ca_issuers;    /* AIA caIssuers URLs */
    size_t nca_issuers;
    char **crl;           /* CRL distribution point URLs */
    size_t ncrl;
    int sct_count;        /* embedded SCTs (certificate transparency), -1 when unknown */
    bool self_signed;     /* subject == issuer and the signature verifies with its own key */
    unsigned char *der;   /* the certificate as sent */
    size_t der_len;
    char *pem;            /* PEM of der */
};

/* One verification error seen in the chain (the handshake is never aborted for these). */
struct cert_error {
    int depth;
    int code;      /* X509_V_ERR_* */
    char *text;    /* X509_verify_cert_error_string */
};

struct tls_info {
    bool present;          /* a handshake was attempted and this was filled */
    bool handshake_ok;
    char *version;         /* "TLSv1.3" */
    int version_num;       /* 0x0304 style, 0 when unknown */
    char *cipher;          /* "TLS_AES_256_GCM_SHA384" */
    char *group;           /* key exchange group, e.g. "X25519", or NULL */
    char *sni;             /* server name sent */
    bool verified;         /* chain verified to a trusted root, expiry included */
    int verify_code;       /* first X509_V_ERR_* or 0 */
    char *verify_error;    /* text of the first error, or NULL */
    struct cert_error *errors;
    size_t nerrors;
    bool untrusted;        /* an error says no path to a trusted root */
    bool expired;          /* leaf or chain outside its validity period */
    bool hostname_match;   /* leaf SAN dNSName matches the expected name (RFC 8461 4.2) */
    char *hostname_note;   /* why it (did not) match, e.g. "matched SAN *.example.com" */
    struct cert_info *chain; /* as sent, leaf first */
    size_t nchain;
    char *handshake_error; /* OpenSSL error text when the handshake failed, else NULL */
    size_t nchain_sent;    /* certificates the peer sent; more than nchain when it was cut */
};

/* cert_name_match_one - RFC 6125 6.4 as RFC 8461 4.2 restricts it: case-insensitive, trailing
 * dots ignored, a wildcard only as the complete left-most label ("*.example.com"), matching
 * exactly one label. host must be an A-label name. */
bool cert_name_match_one(const char *san_pattern, const char *host);

/* cert_name_match - true when any SAN dNSName of leaf matches host (the CN is never used).
 * When matched is non-NULL it receives the matching SAN (borrowed) or NULL. */
bool cert_name_match(const struct cert_info *leaf, const char *host, const char **matched);

/* cert_days_left - whole days from now until not_after (negative when expired). */
long cert_days_left(const struct cert_info *c, time_t now);

void cert_info_free(struct cert_info *c); /* frees members, not c itself */
void tls_info_free(struct tls_info *t);   /* frees members, not t itself */

/* cert_ca_file_check - path is a readable regular file of at most CERT_CA_FILE_MAX bytes
 * holding at least one PEM certificate (what --ca-file must be). Returns 0, or -1 with the
 * reason in err ("No such file or directory", "is a directory", "holds no PEM certificate"). */
#define CERT_CA_FILE_MAX (64 * 1024 * 1024)
int cert_ca_file_check(const char *path, char *err, size_t errlen);

#endif
