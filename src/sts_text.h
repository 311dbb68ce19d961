/* sts_text - text helpers shared by the MTA-STS and TLS-RPT parsers (sts_record.c,
 * tlsrpt.c, sts_policy.c): whitespace, the "did you mean" distance, and the field grammar
 * of both TXT records, `field *(*WSP ";" *WSP field) [*WSP ";"]` (RFC 8461 3.1, RFC 8460 3).
 * Pure functions; no allocation. */
#ifndef MXRAY_STS_TEXT_H
#define MXRAY_STS_TEXT_H
#include <stdbool.h>
#include <stddef.h>

/* sts_is_wsp - ABNF WSP: space or horizontal tab. */
bool sts_is_wsp(unsigned char c);

/* sts_is_alnum - ABNF ALPHA / DIGIT (ASCII only, whatever the locale). */
bool sts_is_alnum(unsigned char c);

/* sts_snip - escaped copy of at most 64 bytes of s for a message, "..." when cut (caller
 * frees). */
char *sts_snip(const unsigned char *s, size_t n);

/* sts_describe_char - a short human name for an offending byte ("a tab", "control byte
 * 0x1b", "non-ASCII byte 0xc3", "';'") into buf. */
void sts_describe_char(unsigned char c, char *buf, size_t n);

/* sts_osa_distance - optimal string alignment distance, case-insensitive, used to suggest
 * the key a typo meant ("nmx" -> "mx"); 9 when either string is longer than 16. */
int sts_osa_distance(const char *a, size_t la, const char *b, size_t lb);

/* What sts_fields_split reports, in record order. */
enum sts_field_event {
    STS_LEADING_WSP,  /* the record begins with whitespace (skipped) */
    STS_FIELD,        /* a field, trimmed; index 0 is the version field (may be empty) */
    STS_EMPTY_FIELD,  /* ";;" after the first field: offset says where */
    STS_TRAILING_WSP  /* whitespace after the last field without a ';' */
};

struct sts_field {
    const unsigned char *text; /* trimmed field text (not NUL-terminated) */
    size_t len;
    size_t offset;             /* of the field in the record */
    size_t index;              /* 0 for the first field */
    bool wsp_before_semi;      /* whitespace between the field and the ';' that ends it */
};

typedef void (*sts_field_cb)(void *ctx, enum sts_field_event ev, const struct sts_field *f);

/* sts_fields_split - walk the fields of s (len > 0); a trailing ';' and WSP after it are
 * allowed and not reported. */
void sts_fields_split(const unsigned char *s, size_t len, sts_field_cb cb, void *ctx);

#endif
