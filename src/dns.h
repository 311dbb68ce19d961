/* dns - asynchronous DNS queries through c-ares, driven by the loop.
 *
 * Answers are parsed by our own bounded parser (dns_parse.c) so TTLs, CNAME chains, the AD bit
 * and every record type look the same. Every string in an answer is escaped. */
#ifndef MXRAY_DNS_H
#define MXRAY_DNS_H
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

struct loop;

enum dns_type {
    DNS_T_A = 1, DNS_T_CNAME = 5, DNS_T_MX = 15, DNS_T_TXT = 16, DNS_T_AAAA = 28,
    DNS_T_RRSIG = 46, /* RFC 4034 3: never kept in an answer, only counted (nrrsig) */
    DNS_T_TLSA = 52   /* RFC 6698 2 */
};

enum dns_status {
    DNS_OK,       /* NOERROR with at least one record of the asked type */
    DNS_NODATA,   /* NOERROR, name exists, no record of that type */
    DNS_NXDOMAIN, /* the name does not exist */
    DNS_SERVFAIL,
    DNS_REFUSED,
    DNS_TIMEOUT,
    DNS_ERROR     /* anything else: malformed answer, network error, ... */
};

struct dns_rr {
    char *name;      /* owner name, escaped */
    uint16_t type;
    uint32_t ttl;
    char *text;      /* presentation form of the data, escaped (for display) */
    /* MX */
    uint16_t pref;
    /* MX exchange / CNAME target, as received lower-cased, no trailing dot; escaped */
    char *target;
    /* A / AAAA: numeric address */
    char *addr;
    /* TXT: the character-strings concatenated (raw bytes, NUL-terminated for convenience) */
    unsigned char *txt;
    size_t txt_len;
    int txt_nstrings;
    bool txt_truncated; /* more than MX_DNS_TXT_MAX bytes; the rest dropped */
    /* TLSA (RFC 6698 2.1): certificate usage, selector, matching type and the raw association
     * data (at most MX_DNS_TXT_MAX bytes kept; tlsa_truncated when more were published). */
    uint8_t tlsa_usage, tlsa_selector, tlsa_mtype;
    unsigned char *tlsa_data;
    size_t tlsa_len;
    bool tlsa_truncated;
};

struct dns_answer {
    char *qname;          /* as asked */
    uint16_t qtype;
    enum dns_status status;
    int rcode;            /* -1 when no answer arrived */
    bool ad;              /* Authenticated Data bit set by the resolver (every query asks with
                           * the EDNS DO bit, RFC 3225 / RFC 4035 3.2.1, so a validating
                           * resolver reports what it validated) */
    bool tc;              /* TC bit: the server cut the answer (records kept are complete) */
    bool truncated_rrs;   /* more than MX_DNS_RR_MAX records; the rest dropped */
    char *error;          /* human text for non-OK status, or NULL */
    struct dns_rr *rr;    /* every answer-section record (CNAMEs included), in order */
    size_t nrr;
    int64_t duration_ms;
    char *resolver;       /* resolver(s) asked, e.g. "127.0.0.1:53" */
    size_t nrrsig;        /* RRSIG records in the answer section (dropped, not in rr) */
};

struct dns_ctx;

struct dns_opts {
    const char *const *servers; /* "ADDR" or "ADDR:PORT" or "[V6]:PORT"; NULL/empty = system */
    size_t nservers;
    int timeout_ms;             /* whole-query deadline; c-ares retries within it */
};

/* dns_new - NULL on error with the reason in err. */
struct dns_ctx *dns_new(struct loop *l, const struct dns_opts *o, char *err, size_t errlen);
/* dns_free - pending queries are dropped; their callbacks are NOT called. */
void dns_free(struct dns_ctx *d);
/* dns_resolver_desc - the resolver list in use, "127.0.0.1:53,..." (borrowed). */
const char *dns_resolver_desc(const struct dns_ctx *d);

/* The callback owns ans and must free it with dns_answer_free. */
typedef void (*dns_cb)(void *arg, struct dns_answer *ans);
struct dns_query;
/* dns_query - ask name (no search list) for type. cb is called exactly once, from the loop,
 * unless the query is cancelled first. Returns a handle valid until the callback or cancel. */
struct dns_query *dns_query(struct dns_ctx *d, const char *name, uint16_t type, dns_cb cb,
                           void *arg);
/* dns_build_query - the query message dns_query sends: RD set, an EDNS OPT record
 * (RFC 6891) with the DO bit (RFC 3225), so a validating resolver sets AD on validated
 * answers. *buf is freed with ares_free_string. Returns 0, or -1 for a bad name. Exported for
 * tests. */
int dns_build_query(const char *name, uint16_t type, unsigned char **buf, int *len);
/* dns_query_cancel - the callback will not be called. */
void dns_query_cancel(struct dns_query *q);
/* dns_query_arg - the arg given to dns_query (so a canceller can free what it points to). */
void *dns_query_arg(const struct dns_query *q);

/* dns_parse_answer - parse a raw DNS message (exported for tests and fuzzing). Fills the
 * records, rcode, ad and status of ans (qname/qtype must be set). Returns 0 or -1 (malformed;
 * status DNS_ERROR with error set). */
int dns_parse_answer(const unsigned char *buf, size_t len, struct dns_answer *ans);

/* dns_answer_new - an empty answer for qname/qtype. */
struct dns_answer *dns_answer_new(const char *qname, uint16_t qtype);
void dns_answer_free(struct dns_answer *a);
const char *dns_status_name(enum dns_status s); /* "ok", "nodata", "nxdomain", ... */
const char *dns_type_name(uint16_t t);          /* "A", "MX", ..., "TYPE65" */

/* dns_answer_cname_chain - writes "a -> b -> c" for CNAMEs in the answer (caller frees) or NULL. */
char *dns_answer_cname_chain(const struct dns_answer *a);

#endif
