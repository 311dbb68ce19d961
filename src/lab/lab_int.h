/* lab_int - types shared by the lab's own files (scenario model, CA, servers, connections).
 * Not for the engine or the faces: they use lab.h only. */
#ifndef MXRAY_LAB_INT_H
#define MXRAY_LAB_INT_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <time.h>
#include <openssl/ssl.h>
#include "lab.h"

#define LAB_TTL 300              /* TTL of every lab record */
#define LAB_RR_MAX 512           /* records in one scenario file */
#define LAB_LINE_MAX 1024        /* bytes of one scenario file line */
#define LAB_FILE_MAX (256 * 1024) /* bytes of one scenario file */
#define LAB_CONN_IN_MAX 8192     /* bytes buffered from one client */
#define LAB_CONN_OUT_MAX 131072  /* bytes queued to one client */
#define LAB_CONNS_MAX 256        /* open client connections, all servers together */
#define LAB_IDLE_MS 30000        /* a silent client is dropped after this */

enum lab_cert_kind {
    LAB_CERT_GOOD,        /* issued by the lab CA for the host, valid 90 days */
    LAB_CERT_EXPIRED,     /* notAfter yesterday */
    LAB_CERT_EXPIRING,    /* notAfter in 5 days */
    LAB_CERT_SELF_SIGNED, /* signed by its own key, not the lab CA */
    LAB_CERT_WRONG_NAME   /* issued by the lab CA, for other names ("names:" or www.DOMAIN) */
};

/* One resource record, rdata already in wire form. */
struct lab_rr {
    char *owner;           /* lower case, no trailing dot */
    uint16_t type;
    unsigned char *rdata;
    size_t rdlen;
    char *target;          /* CNAME target (lower case), else NULL */
    uint32_t ttl;          /* seconds; 0 = LAB_TTL */
};

struct lab_policy {
    bool present;          /* a policy host is served */
    char *host;            /* mta-sts.DOMAIN unless "host:" says otherwise */
    int status;            /* HTTP status */
    char *content_type;    /* NULL = no header */
    char *location;        /* NULL = no header */
    char *body;            /* bytes served */
    size_t body_len;
    enum lab_cert_kind cert;
    char **names;          /* SAN names; empty = host */
    size_t nnames;
};

/* A TLSA record a scenario publishes for an MX host (RFC 6698), computed at lab start from the
 * certificates made then: "leaf" the served certificate, "ca" the lab CA, "next" and "old" a
 * certificate with a fresh key that the server does not use (the next key of a rollover, or
 * the key before a rotation). */
enum lab_tlsa_ref { LAB_TLSA_LEAF, LAB_TLSA_CA, LAB_TLSA_NEXT, LAB_TLSA_OLD };
struct lab_tlsa {
    uint8_t usage, selector, mtype;
    enum lab_tlsa_ref ref;
};

struct lab_mx {
    char *host;            /* lower case, no trailing dot */
    enum lab_cert_kind cert;
    char **names;
    size_t nnames;
    bool starttls;
    int tls_max;           /* TLS1_VERSION .. TLS1_3_VERSION */
    char *banner;          /* text after "220 " */
    struct lab_tlsa *tlsa; /* "tlsa:" lines, published at _25._tcp.HOST */
    size_t ntlsa;
    bool tlsa_servfail;    /* "tlsa_lookup: servfail": the TLSA lookup fails as a validating
                            * resolver fails bogus data (RFC 4035 5.5) */
};

struct lab_scn {
    struct lab_scenario_info info;
    int order;
    struct lab_rr *rr;
    size_t nrr;
    struct lab_policy policy;
    struct lab_mx *mx;
    size_t nmx;
    bool signed_zone;      /* "dnssec: signed": the lab DNS sets AD on answers in the domain */
};

/* lab.c: the scenario model of served scenario i (NULL out of range), and the TLSA records
 * the lab publishes for MX host (0 when none). */
const struct lab_scn *lab_scn_of(const struct lab *lab, size_t i);
/* lab_reload_dns - after scenario records changed: the DNS serves them, TLSA included. */
void lab_reload_dns(struct lab *lab);
struct lab_scn *lab_scn_mut(struct lab *lab, size_t i);
size_t lab_host_tlsa(const struct lab *lab, const char *host, const struct lab_rr **rr);

/* lab_scn.c */
/* lab_scn_load - parse one file; name is the scenario name (file name without .scn).
 * Returns NULL with "FILE:LINE: reason" in err. */
struct lab_scn *lab_scn_load(const char *path, const char *name, char *err, size_t errlen);
struct lab_scn *lab_scn_parse(const char *text, size_t len, const char *name, char *err,
                              size_t errlen);
void lab_scn_free(struct lab_scn *s);
/* lab_scn_publish - serve what pub says instead of the file's policy, _mta-sts record and MX
 * records (lab.h). Returns 0, or -1 with a reason in err. */
int lab_scn_publish(struct lab_scn *s, const struct lab_publish *pub, char *err, size_t errlen);
/* lab_scn_list - every NAME.scn in dir, sorted by order then name (names only; caller frees
 * each and the array). */
size_t lab_scn_list(const char *dir, char ***names);
void lab_info_free(struct lab_scenario_info *i);
void lab_info_copy(struct lab_scenario_info *dst, const struct lab_scenario_info *src);
const char *lab_cert_kind_name(enum lab_cert_kind k);
/* lab_name_under - true when name equals zone or ends with "." zone (case-insensitive). */
bool lab_name_under(const char *name, const char *zone);

/* lab_ca.c */
struct lab_ca;
struct lab_ca *lab_ca_new(char *err, size_t errlen);
void lab_ca_free(struct lab_ca *ca);
int lab_ca_write_pem(const struct lab_ca *ca, const char *path);
/* lab_ca_server_ctx - a server SSL_CTX holding a new certificate of kind for names
 * (names[0] is the CN), limited to TLS versions min..max. NULL with err on failure. */
/* lab_ca_cert - the CA certificate (borrowed). */
X509 *lab_ca_cert(const struct lab_ca *ca);
/* lab_ca_spare - a new good certificate for host with a key of its own (a key the servers do
 * not use); the caller frees it. NULL on failure. */
X509 *lab_ca_spare(const struct lab_ca *ca, const char *host);
SSL_CTX *lab_ca_server_ctx(const struct lab_ca *ca, enum lab_cert_kind kind,
                           const char *const *names, size_t nnames, int tls_max, char *err,
                           size_t errlen);

/* lab_conn.c - a non-blocking client connection, plain or TLS, with bounded buffers.
 * The owner embeds nothing: it gets callbacks with its arg and must not touch the conn after
 * lab_conn_close (the on_close callback runs inside it, then the conn is freed). */
struct lab_conn;
struct lab_conn_ops {
    /* New bytes are in the input buffer: consume them with lab_conn_consume. */
    void (*on_data)(void *arg, struct lab_conn *c);
    void (*on_close)(void *arg);
};
struct lab_conn_set; /* every open conn, so the lab can close them all */
struct lab_conn_set *lab_conn_set_new(void);
void lab_conn_set_free(struct lab_conn_set *s); /* closes every conn */
/* lab_conn_new - take fd (non-blocking). ctx non-NULL: TLS from the first byte. */
struct lab_conn *lab_conn_new(struct lab_conn_set *s, struct loop *l, int fd, SSL_CTX *ctx,
                              const struct lab_conn_ops *ops, void *arg);
const char *lab_conn_data(const struct lab_conn *c, size_t *len);
void lab_conn_consume(struct lab_conn *c, size_t n);
void lab_conn_write(struct lab_conn *c, const void *buf, size_t len);
void lab_conn_printf(struct lab_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* lab_conn_start_tls - after queued plaintext is sent, drop unread input (no command
 * injection, CVE-2011-0411 style) and run a TLS server handshake with ctx. */
void lab_conn_start_tls(struct lab_conn *c, SSL_CTX *ctx);
bool lab_conn_is_tls(const struct lab_conn *c);
const char *lab_conn_sni(const struct lab_conn *c); /* server name the client sent, or NULL */
/* lab_conn_close_after_flush - send what is queued, then close. */
void lab_conn_close_after_flush(struct lab_conn *c);
bool lab_conn_set_full(const struct lab_conn_set *s);
/* lab_conn_set_max - raise the open-connection bound (default LAB_CONNS_MAX; clones). */
void lab_conn_set_max(struct lab_conn_set *s, size_t max);

/* lab_net.c - listening sockets on 127.0.0.1 */
/* lab_listen - bind 127.0.0.1:port (0 = any) of type SOCK_STREAM or SOCK_DGRAM, non-blocking.
 * Returns the fd and the bound port in *bound, or -1 with err. */
int lab_listen(int type, int port, int *bound, char *err, size_t errlen);
/* lab_listen_at - the same on addr (host byte order, e.g. 127.1.0.1 for a clone). */
int lab_listen_at(int type, uint32_t addr, int port, int *bound, char *err, size_t errlen);
/* lab_accept - accept one client non-blocking; -1 when none. */
int lab_accept(int lfd);

/* lab_dns.c */
struct lab_dns;
struct lab_dns *lab_dns_new(struct loop *l, struct lab_conn_set *conns, struct lab_scn *const *s,
                            size_t n, char *err, size_t errlen);
int lab_dns_port_of(const struct lab_dns *d);
void lab_dns_free(struct lab_dns *d);
/* lab_dns_reload - serve the scenarios' records anew (after an edit changed their arrays);
 * lab_dns_add's records must be added again afterwards. */
void lab_dns_reload(struct lab_dns *d, struct lab_scn *const *s, size_t n);
/* lab_dns_add - serve one more record (borrowed; it must outlive the DNS server). */
void lab_dns_add(struct lab_dns *d, const struct lab_rr *rr);

/* lab_dane.c - the TLSA records of one MX host (DANE, RFC 7672) */
/* lab_dane_records - the records mx->tlsa asks for, from leaf (the served certificate) and the
 * lab CA; *rr is an array the caller frees with lab_dane_free. Returns 0, -1 with err. */
int lab_dane_records(const struct lab_ca *ca, const struct lab_mx *mx, X509 *leaf,
                     struct lab_rr **rr, size_t *n, char *err, size_t errlen);
void lab_dane_free(struct lab_rr *rr, size_t n);
/* lab_dane_wants_ca - the host publishes a DANE-TA record for the lab CA: serve it in the chain
 * (RFC 7672 3.1.2: the server must send the trust anchor). */
bool lab_dane_wants_ca(const struct lab_mx *mx);
/* lab_dns_answer - build the reply to query q (exported for tests). Returns its length, 0 to
 * stay silent. udp: limit to 512 bytes or the query's EDNS size, setting TC when cut. */
size_t lab_dns_answer(const struct lab_dns *d, const unsigned char *q, size_t qlen,
                      unsigned char *out, size_t outcap, bool udp);

/* lab_sign.c - DNSSEC for "dnssec: signed" zones: one ECDSA P-256 key (algorithm 13) each */
struct lab_zone_key;
struct lab_zone_key *lab_sign_key_new(const char *zone); /* NULL when OpenSSL fails */
void lab_sign_key_free(struct lab_zone_key *z);
const char *lab_sign_zone(const struct lab_zone_key *z);
/* lab_sign_dnskey - the DNSKEY RDATA (RFC 4034 2.1) of the zone's key. */
const unsigned char *lab_sign_dnskey(const struct lab_zone_key *z, size_t *len);
uint16_t lab_sign_key_tag(const struct lab_zone_key *z);
/* lab_sign_rrset - the RRSIG RDATA (RFC 4034 3.1) over the n records of one RRset (same owner
 * and type), valid from an hour before now for a week; corrupt: a signature that does not
 * verify (bogus data). *out is the caller's to free. 0, or -1 on failure. */
int lab_sign_rrset(const struct lab_zone_key *z, const struct lab_rr *const *set, size_t n,
                   time_t now, bool corrupt, unsigned char **out, size_t *outlen);

/* lab_https.c */
struct lab_https;
struct lab_https *lab_https_new(struct loop *l, struct lab_conn_set *conns,
                                const struct lab_ca *ca, struct lab_scn *const *s, size_t n,
                                char *err, size_t errlen);
int lab_https_port_of(const struct lab_https *h);
void lab_https_free(struct lab_https *h);

/* lab_smtp.c - one listening port per MX host */
struct lab_smtp;
struct lab_smtp *lab_smtp_new(struct loop *l, struct lab_conn_set *conns, const struct lab_ca *ca,
                              const struct lab_mx *mx, char *err, size_t errlen);
/* lab_smtp_new_at - the same listening on addr:port (host byte order; port 0 = any). */
struct lab_smtp *lab_smtp_new_at(struct loop *l, struct lab_conn_set *conns,
                                 const struct lab_ca *ca, const struct lab_mx *mx, uint32_t addr,
                                 int port, char *err, size_t errlen);
int lab_smtp_port_of(const struct lab_smtp *s);
const char *lab_smtp_mx_host(const struct lab_smtp *s);
void lab_smtp_free(struct lab_smtp *s);
/* lab_smtp_tlsa - the TLSA records of this server's host (see lab_dane_records). */
size_t lab_smtp_tlsa(const struct lab_smtp *s, const struct lab_rr **rr);

#endif
