/* tlsrpt - parser for the _smtp._tls TXT record (RFC 8460 3).
 *
 *   tlsrpt-record = tlsrpt-version 1*(field-delim tlsrpt-field) [field-delim]
 *   field-delim   = *WSP ";" *WSP
 *   tlsrpt-version = %s"v=TLSRPTv1"
 *   tlsrpt-rua    = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
 *   tlsrpt-uri    = URI (RFC 3986); ',' '!' ';' inside a URI MUST be percent-encoded
 *   tlsrpt-extension = tlsrpt-ext-name "=" tlsrpt-ext-value   (ignored by senders)
 *
 * Contract: tlsrpt_record_parse clears *out and fills it; the caller releases it with
 * tlsrpt_record_free (also after a failed parse). out->rua holds the escaped, well-formed
 * mailto:/https: URIs of the first rua field, as written. pl may be NULL. */
#include "sts.h"
#include "sts_text.h"
#include "escape.h"
#include "xalloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define EXT_NAME_MAX 32

static const char tlsrpt_version[] = "v=TLSRPTv1";

struct tctx {
    struct problem_list *pl;
    enum step_kind step;
    const char *subject;
    struct tlsrpt_record *out;
    bool bad;
    bool version_ok;
    bool have_rua, rua_ok;
    char *rua_hint; /* escaped name of a field that looks like a misspelt rua */
};

static bool is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

static void tls_note(struct tctx *c, enum severity sev, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* tls_note - every TLS-RPT finding is tlsrpt.syntax; errors make the record unusable. */
static void tls_note(struct tctx *c, enum severity sev, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct problem *p = problem_addv(c->pl, PROB_TLSRPT_SYNTAX, c->step, c->subject, 0, fmt, ap);
    va_end(ap);
    p->severity = sev;
    if (sev == SEV_ERROR)
        c->bad = true;
}

/* is_uri_char - RFC 3986 unreserved / reserved / '%' (checked separately), minus the
 * characters RFC 8460 3 requires to be encoded (',' and ';' are delimiters here, '!'). */
static bool is_uri_char(unsigned char c)
{
    return sts_is_alnum(c) || (c && strchr("-._~:/?#[]@$&'()*+=%", c));
}

/* check_uri_chars - returns false (and reports) on the first character a URI may not hold. */
static bool check_uri_chars(struct tctx *c, const unsigned char *u, size_t n, const char *q)
{
    char what[32];
    for (size_t i = 0; i < n; i++) {
        if (u[i] == '!') {
            tls_note(c, SEV_ERROR, "rua URI '%s' contains '!', which RFC 8460 3 requires to "
                     "be percent-encoded as %%21", q);
            return false;
        }
        if (u[i] == '%' && (i + 2 >= n || !is_hex(u[i + 1]) || !is_hex(u[i + 2]))) {
            tls_note(c, SEV_ERROR, "rua URI '%s' has a '%%' not followed by two hex digits",
                     q);
            return false;
        }
        if (!is_uri_char(u[i])) {
            sts_describe_char(u[i], what, sizeof what);
            tls_note(c, SEV_ERROR, "rua URI '%s' contains %s, which is not allowed in a URI",
                     q, what);
            return false;
        }
    }
    return true;
}

/* check_uri - RFC 8460 3: mailto: or https: (scheme case-insensitive), well-formed. */
static bool check_uri(struct tctx *c, const unsigned char *u, size_t n)
{
    char *q = sts_snip(u, n);
    bool ok = false;
    if (n == 0) {
        tls_note(c, SEV_ERROR, "rua has an empty URI (two commas in a row, or a comma at "
                 "the end)");
    } else if (!check_uri_chars(c, u, n, q)) {
        /* reported */
    } else if (n >= 7 && strncasecmp((const char *)u, "mailto:", 7) == 0) {
        const unsigned char *at = memchr(u + 7, '@', n - 7);
        if (!at || at == u + 7 || at == u + n - 1)
            tls_note(c, SEV_ERROR, "rua URI '%s' is not a mail address: write "
                     "mailto:user@domain", q);
        else
            ok = true;
    } else if (n >= 6 && strncasecmp((const char *)u, "https:", 6) == 0) {
        if (n < 9 || memcmp(u + 6, "//", 2) != 0 || u[8] == '/')
            tls_note(c, SEV_ERROR, "rua URI '%s' has no host: write https://host/path", q);
        else
            ok = true;
    } else {
        const unsigned char *colon = memchr(u, ':', n);
        if (!colon)
            tls_note(c, SEV_ERROR, "rua URI '%s' has no scheme: write mailto:%s or "
                     "https://...", q, q);
        else
            tls_note(c, SEV_ERROR, "rua URI '%s' uses a scheme other than mailto: or "
                     "https:, which are the only ones RFC 8460 3 allows", q);
    }
    if (ok)
        xptr_push((void ***)&c->out->rua, &c->out->nrua, escape_bytes(u, n));
    free(q);
    return ok;
}

/* check_rua - the URI list: tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri). First rua wins. */
static void check_rua(struct tctx *c, const unsigned char *v, size_t n)
{
    if (c->have_rua) {
        tls_note(c, SEV_WARNING, "a second rua= field is ignored: senders use the first one "
                 "(put several URIs in one rua=, separated by commas)");
        return;
    }
    c->have_rua = true;
    if (n == 0) {
        tls_note(c, SEV_ERROR, "rua= is empty: give at least one mailto: or https: URI");
        return;
    }
    bool all = true;
    size_t i = 0;
    for (;;) {
        const unsigned char *comma = memchr(v + i, ',', n - i);
        size_t stop = comma ? (size_t)(comma - v) : n, s = i, e = stop;
        while (s < e && sts_is_wsp(v[s]))
            s++;
        while (e > s && sts_is_wsp(v[e - 1]))
            e--;
        all = check_uri(c, v + s, e - s) && all;
        if (!comma)
            break;
        i = stop + 1;
    }
    c->rua_ok = all;
}

static bool is_ext_name_char(unsigned char c)
{
    return sts_is_alnum(c) || c == '_' || c == '-' || c == '.';
}

static bool is_ext_value_char(unsigned char c)
{
    return c >= 0x21 && c <= 0x7e && c != ';' && c != '=';
}

/* check_extension - RFC 8460 3: unknown fields are ignored when well-formed (no problem). */
static void check_extension(struct tctx *c, const unsigned char *name, size_t nl,
                            const unsigned char *v, size_t vn)
{
    char *qn = sts_snip(name, nl);
    char what[32];
    size_t bn = 0, bv = 0;
    while (bn < nl && is_ext_name_char(name[bn]))
        bn++;
    while (bv < vn && is_ext_value_char(v[bv]))
        bv++;
    if (nl == 0) {
        tls_note(c, SEV_ERROR, "a field has no name before '='");
    } else if (!sts_is_alnum(name[0]) || bn < nl || nl > EXT_NAME_MAX) {
        tls_note(c, SEV_ERROR, "field name '%s' is not valid (a letter or digit, then up to "
                 "31 letters, digits, '_', '-' or '.')", qn);
    } else if (vn == 0) {
        tls_note(c, SEV_ERROR, "field %s= has an empty value", qn);
    } else if (bv < vn) {
        sts_describe_char(v[bv], what, sizeof what);
        tls_note(c, SEV_ERROR, "value of field %s contains %s, which is not allowed in a "
                 "field value", qn, what);
    } else if (!c->rua_hint && sts_osa_distance((const char *)name, nl, "rua", 3) <= 1) {
        c->rua_hint = xstrdup(qn);
    }
    free(qn);
}

static void check_field(struct tctx *c, const unsigned char *f, size_t n)
{
    const unsigned char *eq = memchr(f, '=', n);
    if (!eq) {
        char *q = sts_snip(f, n);
        bool uri = (n >= 7 && strncasecmp((const char *)f, "mailto:", 7) == 0) ||
                   (n >= 6 && strncasecmp((const char *)f, "https:", 6) == 0);
        tls_note(c, SEV_ERROR, "field '%s' has no '='%s", q,
                 uri ? "; to list several rua URIs, separate them with ',' not ';'"
                     : ": fields are name=value, separated by ';'");
        free(q);
        return;
    }
    size_t nl = (size_t)(eq - f);
    if (nl == 3 && memcmp(f, "rua", 3) == 0)
        check_rua(c, eq + 1, n - 4);
    else if (nl == 1 && f[0] == 'v')
        tls_note(c, c->version_ok ? SEV_WARNING : SEV_ERROR,
                 c->version_ok ? "a second v= field is ignored: senders use the first one"
                               : "v= appears after another field: v=TLSRPTv1 must come first");
    else
        check_extension(c, f, nl, eq + 1, n - nl - 1);
}

/* check_version - RFC 8460 3: the record begins with %s"v=TLSRPTv1". */
static void check_version(struct tctx *c, const unsigned char *f, size_t n)
{
    size_t vl = sizeof tlsrpt_version - 1;
    if (n == vl && memcmp(f, tlsrpt_version, vl) == 0) {
        c->version_ok = true;
        return;
    }
    char *q = sts_snip(f, n);
    if (n == vl && strncasecmp((const char *)f, tlsrpt_version, vl) == 0)
        tls_note(c, SEV_ERROR, "the record begins with '%s'; it must be exactly v=TLSRPTv1 "
                 "(case-sensitive)", q);
    else if (n > vl && strncasecmp((const char *)f, tlsrpt_version, vl) == 0)
        tls_note(c, SEV_ERROR, "the record begins with '%s'; v=TLSRPTv1 must be followed by "
                 "';' before the next field", q);
    else if (n >= 2 && (f[0] | 0x20) == 'v' && f[1] == '=' &&
             sts_osa_distance((const char *)f + 2, n - 2, "TLSRPTv1", 8) <= 2)
        tls_note(c, SEV_ERROR, "the record begins with '%s', a misspelling of v=TLSRPTv1: "
                 "senders ignore this record", q);
    else
        tls_note(c, SEV_ERROR, "the record must begin with v=TLSRPTv1, but begins with '%s'",
                 q);
    free(q);
}

/* scan_bytes - the record is ASCII text; report the first raw control or 8-bit byte once. */
static void scan_bytes(struct tctx *c, const unsigned char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] >= 0x7f || (s[i] < 0x20 && s[i] != '\t')) {
            char what[32];
            sts_describe_char(s[i], what, sizeof what);
            tls_note(c, SEV_ERROR, "%s at offset %zu: the record must be printable ASCII",
                     what, i);
            return;
        }
    }
}

/* on_field - check each field of the record in order (sts_fields_split). */
static void on_field(void *arg, enum sts_field_event ev, const struct sts_field *f)
{
    struct tctx *c = arg;
    switch (ev) {
    case STS_LEADING_WSP:
        tls_note(c, SEV_ERROR, "the record begins with whitespace: it must begin with "
                 "v=TLSRPTv1");
        break;
    case STS_EMPTY_FIELD:
        tls_note(c, SEV_ERROR, "empty field at offset %zu: two ';' in a row", f->offset);
        break;
    case STS_TRAILING_WSP:
        tls_note(c, SEV_WARNING, "whitespace after the last field: the grammar allows "
                 "it only before a ';'");
        break;
    case STS_FIELD:
        if (f->index > 0) {
            check_field(c, f->text, f->len);
            break;
        }
        check_version(c, f->text, f->len);
        if (c->version_ok && f->wsp_before_semi)
            tls_note(c, SEV_WARNING, "whitespace between v=TLSRPTv1 and ';': the grammar "
                     "allows it, but senders that look for 'v=TLSRPTv1;' may discard "
                     "the record");
        else if (!c->version_ok && f->len && memchr(f->text, '=', f->len) &&
                 !(f->len >= 2 && (f->text[0] | 0x20) == 'v' && f->text[1] == '='))
            check_field(c, f->text, f->len);
        break;
    }
}

bool tlsrpt_record_is_candidate(const unsigned char *txt, size_t len)
{
    size_t vl = sizeof tlsrpt_version - 1;
    if (!txt || len < vl || memcmp(txt, tlsrpt_version, vl) != 0)
        return false;
    return len == vl || txt[vl] == ';' || sts_is_wsp(txt[vl]);
}

int tlsrpt_record_parse(const unsigned char *txt, size_t len, struct tlsrpt_record *out,
                        struct problem_list *pl, enum step_kind step, const char *subject)
{
    struct problem_list scratch = {0};
    struct tctx c = {.pl = pl ? pl : &scratch, .step = step, .subject = subject, .out = out};
    memset(out, 0, sizeof *out);
    if (!txt || len == 0) {
        tls_note(&c, SEV_ERROR, "the record is empty: it must be 'v=TLSRPTv1; "
                 "rua=mailto:...'");
    } else {
        scan_bytes(&c, txt, len);
        sts_fields_split(txt, len, on_field, &c);
        if (c.version_ok && !c.have_rua) {
            if (c.rua_hint)
                tls_note(&c, SEV_ERROR, "no rua= field (found '%s=': the report address "
                         "field is named exactly rua, case-sensitive)", c.rua_hint);
            else
                tls_note(&c, SEV_ERROR, "no rua= field: the record needs "
                         "rua=mailto:user@domain or rua=https://host/path");
        }
    }
    out->valid = c.version_ok && c.rua_ok && !c.bad;
    free(c.rua_hint);
    problem_list_clear(&scratch);
    return out->valid ? 0 : -1;
}

void tlsrpt_record_free(struct tlsrpt_record *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nrua; i++)
        free(r->rua[i]);
    free(r->rua);
    memset(r, 0, sizeof *r);
}
