/* sts - pure parsers for MTA-STS and TLS-RPT text, and the RFC 8461 4.1 mx matcher.
 *
 * No network here: the engine and `mxray lint` use the same functions. Parsers take raw bytes
 * and report problems into a problem_list (with line numbers for policies); every string they
 * store is escaped. Grammar references are to RFC 8461 3.1 / 3.2 and RFC 8460 3. */
#ifndef MXRAY_STS_H
#define MXRAY_STS_H
#include <stddef.h>
#include <stdbool.h>
#include "problem.h"

/* ---- _mta-sts TXT record, RFC 8461 3.1 ---- */
struct sts_record {
    bool valid;       /* usable by a sender: v=STSv1 first, valid id, grammar ok */
    char *id;         /* escaped id value, or NULL */
    char **extensions; /* escaped "name=value" of unknown fields */
    size_t nextensions;
};
/* is_sts_record - true when the raw TXT text begins with "v=STSv1" followed by ';', WSP or
 * end (the filter senders apply before counting records, RFC 8461 3.1). */
bool sts_record_is_candidate(const unsigned char *txt, size_t len);
/* sts_record_parse - returns 0 when valid, -1 when not; problems go to pl with step/subject. */
int sts_record_parse(const unsigned char *txt, size_t len, struct sts_record *out,
                     struct problem_list *pl, enum step_kind step, const char *subject);
void sts_record_free(struct sts_record *r);

/* ---- policy body, RFC 8461 3.2 ---- */
enum sts_mode { STS_MODE_UNKNOWN = 0, STS_MODE_ENFORCE, STS_MODE_TESTING, STS_MODE_NONE };
const char *sts_mode_name(enum sts_mode m); /* "enforce", "testing", "none", "unknown" */

struct sts_policy {
    bool valid;          /* a sender would apply it */
    char *version;       /* escaped, or NULL */
    enum sts_mode mode;
    char *mode_text;     /* escaped mode value as written, or NULL */
    long long max_age;   /* -1 when missing or invalid */
    char **mx;           /* escaped mx patterns, lower-cased, in order (valid ones only) */
    size_t nmx;
    size_t nlines;
    bool crlf, lf;       /* which line endings occur */
};
/* sts_policy_parse - returns 0 when valid, -1 when not. Problems carry line numbers. */
int sts_policy_parse(const unsigned char *body, size_t len, struct sts_policy *out,
                     struct problem_list *pl, enum step_kind step, const char *subject);
void sts_policy_free(struct sts_policy *p);

/* ---- mx patterns, RFC 8461 4.1 ---- */
/* sts_mx_pattern_valid - syntax of one mx value: ["*."] Domain in A-labels. When invalid,
 * why receives a short reason. */
bool sts_mx_pattern_valid(const char *pattern, const char **why);
/* sts_mx_match - does host (an A-label MX name, trailing dot allowed) match pattern?
 * Case-insensitive; "*.example.com" matches exactly one extra left-most label. */
bool sts_mx_match(const char *pattern, const char *host);
/* sts_policy_match_mx - index of the first pattern matching host, or -1. explain (may be
 * NULL) receives an allocated sentence saying which pattern matched or why none did. */
int sts_policy_match_mx(const struct sts_policy *p, const char *host, char **explain);

/* ---- _smtp._tls TXT record, RFC 8460 3 ---- */
struct tlsrpt_record {
    bool valid;
    char **rua;         /* escaped URIs as written */
    size_t nrua;
};
bool tlsrpt_record_is_candidate(const unsigned char *txt, size_t len);
int tlsrpt_record_parse(const unsigned char *txt, size_t len, struct tlsrpt_record *out,
                        struct problem_list *pl, enum step_kind step, const char *subject);
void tlsrpt_record_free(struct tlsrpt_record *r);

#endif
