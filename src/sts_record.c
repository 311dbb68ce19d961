/* sts_record - parser for the _mta-sts TXT record (RFC 8461 3.1).
 *
 *   sts-text-record = sts-version 1*(sts-field-delim sts-field) [sts-field-delim]
 *   sts-field-delim = *WSP ";" *WSP
 *   sts-version     = %s"v=STSv1"
 *   sts-id          = %s"id=" 1*32(ALPHA / DIGIT)
 *   sts-extension   = sts-ext-name "=" sts-ext-value
 *
 * Contract: sts_record_parse clears *out, then fills it; the caller releases it with
 * sts_record_free (also after a failed parse). Every string stored in *out or quoted in a
 * problem message is escaped. pl may be NULL when only the verdict matters. */
#include "sts.h"
#include "sts_text.h"
#include "escape.h"
#include "xalloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define STS_ID_MAX 32   /* RFC 8461 3.1: 1*32(ALPHA / DIGIT) */
#define EXT_NAME_MAX 32 /* (ALPHA / DIGIT) *31(...) */

static const char sts_version[] = "v=STSv1";

struct rctx {
    struct problem_list *pl;
    enum step_kind step;
    const char *subject;
    struct sts_record *out;
    bool bad;           /* an error was reported: the record is unusable */
    bool version_ok;    /* the first field is exactly v=STSv1 */
    bool have_id;       /* an id field was seen (the first one counts) */
    bool id_ok;
    char *id_hint;      /* name of a field that looks like a misspelt id, escaped */
};

/* is_ext_value_char - %x21-3A / %x3C / %x3E-7E: visible ASCII except ';' and '='. */
static bool is_ext_value_char(unsigned char c)
{
    return c >= 0x21 && c <= 0x7e && c != ';' && c != '=';
}

static bool is_raw_bad_byte(unsigned char c)
{
    return c >= 0x7f || (c < 0x20 && c != '\t');
}

static struct problem *rec_note(struct rctx *c, enum problem_id id, enum severity sev,
                                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* rec_note - add a problem with an explicit severity; errors make the record unusable. */
static struct problem *rec_note(struct rctx *c, enum problem_id id, enum severity sev,
                                const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct problem *p = problem_addv(c->pl, id, c->step, c->subject, 0, fmt, ap);
    va_end(ap);
    p->severity = sev;
    if (sev == SEV_ERROR)
        c->bad = true;
    return p;
}

/* scan_bytes - RFC 8461 3.1: the record is US-ASCII. Reports the first offending byte once. */
static void scan_bytes(struct rctx *c, const unsigned char *s, size_t len)
{
    size_t nbad = 0, first = 0;
    for (size_t i = 0; i < len; i++) {
        if (is_raw_bad_byte(s[i]) && nbad++ == 0)
            first = i;
    }
    if (!nbad)
        return;
    char what[32];
    sts_describe_char(s[first], what, sizeof what);
    rec_note(c, PROB_STS_RECORD_SYNTAX, SEV_ERROR,
             "%s at offset %zu: the record must be printable US-ASCII (RFC 8461 3.1)%s", what,
             first, nbad > 1 ? "; more such bytes follow" : "");
}

/* first_bad - index of the first byte of s[0..n) failing ok(), or n. */
static size_t first_bad(const unsigned char *s, size_t n, bool (*ok)(unsigned char))
{
    size_t i = 0;
    while (i < n && ok(s[i]))
        i++;
    return i;
}

/* check_version - the first field must be exactly v=STSv1 (RFC 8461 3.1, %s = case-sensitive). */
static void check_version(struct rctx *c, const unsigned char *f, size_t n)
{
    size_t vl = sizeof sts_version - 1;
    if (n == vl && memcmp(f, sts_version, vl) == 0) {
        c->version_ok = true;
        return;
    }
    char *q = sts_snip(f, n);
    if (n == vl && strncasecmp((const char *)f, sts_version, vl) == 0)
        rec_note(c, PROB_STS_RECORD_SYNTAX, SEV_ERROR,
                 "the record begins with '%s'; it must be exactly v=STSv1 (case-sensitive)", q);
    else if (n > vl && strncasecmp((const char *)f, sts_version, vl) == 0)
        rec_note(c, PROB_STS_RECORD_SYNTAX, SEV_ERROR,
                 "the record begins with '%s'; v=STSv1 must be followed by ';' before the "
                 "next field", q);
    else if (n >= 2 && (f[0] | 0x20) == 'v' && f[1] == '=')
        rec_note(c, PROB_STS_RECORD_SYNTAX, SEV_ERROR,
                 "the record begins with '%s'; the only version is v=STSv1 (case-sensitive)", q);
    else
        rec_note(c, PROB_STS_RECORD_SYNTAX, SEV_ERROR,
                 "the record must begin with v=STSv1, but begins with '%s'", q);
    free(q);
}

/* check_id - RFC 8461 3.1: id = 1*32(ALPHA / DIGIT); only the first id field counts. */
static void check_id(struct rctx *c, const unsigned char *v, size_t n)
{
    char *q = sts_snip(v, n);
    if (c->have_id) {
        rec_note(c, PROB_STS_RECORD_SYNTAX, SEV_WARNING,
                 "a second id field (id=%s) is ignored: senders use the first one", q);
        free(q);
        return;
    }
    c->have_id = true;
    c->out->id = escape_bytes(v, n);
    size_t bad = first_bad(v, n, sts_is_alnum);
    char what[32];
    if (n == 0) {
        rec_note(c, PROB_STS_RECORD_SYNTAX, SEV_ERROR,
                 "id is empty: it must be 1 to 32 letters or digits");
    } else if (bad < n) {
        if (!is_raw_bad_byte(v[bad])) { /* raw bytes were reported by scan_bytes */
            sts_describe_char(v[bad], what, sizeof what);
            rec_note(c, PROB_STS_RECORD_SYNTAX, SEV_ERROR,
                     "id '%s' contains %s: only letters and digits are allowed (write a "
                     "timestamp as digits only, e.g. 20260101120000)", q, what);
        } else {
            c->bad = true;
        }
    } else if (n > STS_ID_MAX) {
        rec_note(c, PROB_STS_RECORD_SYNTAX, SEV_ERROR,
                 "id is %zu characters long: at most 32 letters or digits are allowed", n);
    } else {
        c->id_ok = true;
    }
    free(q);
}

static bool is_ext_name_char(unsigned char c)
{
    return sts_is_alnum(c) || c == '_' || c == '-' || c == '.';
}

/* check_extension - RFC 8461 3.1: other fields are allowed and ignored if well-formed. */
static void check_extension(struct rctx *c, const unsigned char *name, size_t nl,
                            const unsigned char *v, size_t vn)
{
    char *qn = sts_snip(name, nl), *qv = sts_snip(v, vn);
    char what[32];
    size_t bn = first_bad(name, nl, is_ext_name_char);
    size_t bv = first_bad(v, vn, is_ext_value_char);
    if (nl == 0) {
        rec_note(c, PROB_STS_RECORD_SYNTAX, SEV_ERROR,
                 "field '=%s' has no name before '='", qv);
    } else if (!sts_is_alnum(name[0]) || bn < nl) {
        size_t at = !sts_is_alnum(name[0]) ? 0 : bn;
        sts_describe_char(name[at], what, sizeof what);
        if (is_raw_bad_byte(name[at]))
            c->bad = true;
        else
            rec_note(c, PROB_STS_RECORD_SYNTAX, SEV_ERROR,
                     "field name '%s' contains %s: names start with a letter or digit and "
                     "contain only letters, digits, '_', '-' and '.'", qn, what);
    } else if (nl > EXT_NAME_MAX) {
        rec_note(c, PROB_STS_RECORD_SYNTAX, SEV_ERROR,
                 "field name '%s' is %zu characters long: at most 32 are allowed", qn, nl);
    } else if (vn == 0) {
        rec_note(c, PROB_STS_RECORD_SYNTAX, SEV_ERROR, "field %s= has an empty value", qn);
    } else if (bv < vn) {
        sts_describe_char(v[bv], what, sizeof what);
        if (is_raw_bad_byte(v[bv]))
            c->bad = true;
        else
            rec_note(c, PROB_STS_RECORD_SYNTAX, SEV_ERROR,
                     "value of field %s contains %s, which is not allowed in a field value "
                     "(no spaces, ';' or '=')", qn, what);
    } else {
        bool like_id = sts_osa_distance((const char *)name, nl, "id", 2) <= 1 && nl <= 3;
        rec_note(c, PROB_STS_RECORD_EXTENSION, SEV_INFO,
                 "unknown field '%s=%s' is ignored by senders%s", qn, qv,
                 like_id ? " (did you mean id? field names are case-sensitive)" : "");
        xptr_push((void ***)&c->out->extensions, &c->out->nextensions,
                  xasprintf("%s=%s", qn, qv));
        if (like_id && !c->id_hint)
            c->id_hint = xstrdup(qn);
    }
    free(qn);
    free(qv);
}

/* check_field - one field after the version: id, a repeated v, or an extension. */
static void check_field(struct rctx *c, const unsigned char *f, size_t n)
{
    const unsigned char *eq = memchr(f, '=', n);
    if (!eq) {
        char *q = sts_snip(f, n);
        rec_note(c, PROB_STS_RECORD_SYNTAX, SEV_ERROR,
                 "field '%s' has no '=': fields are name=value, separated by ';'", q);
        free(q);
        return;
    }
    size_t nl = (size_t)(eq - f);
    const unsigned char *v = eq + 1;
    size_t vn = n - nl - 1;
    if (nl == 2 && memcmp(f, "id", 2) == 0) {
        check_id(c, v, vn);
    } else if (nl == 1 && f[0] == 'v') {
        /* RFC 8461 3.1: only the first of a repeated field counts; v must come first. */
        if (c->version_ok)
            rec_note(c, PROB_STS_RECORD_SYNTAX, SEV_WARNING,
                     "a second v= field is ignored: senders use the first one");
        else
            rec_note(c, PROB_STS_RECORD_SYNTAX, SEV_ERROR,
                     "v= appears after another field: v=STSv1 must be the very first field");
    } else {
        check_extension(c, f, nl, v, vn);
    }
}

/* on_field - check each field of the record in order (sts_fields_split). */
static void on_field(void *arg, enum sts_field_event ev, const struct sts_field *f)
{
    struct rctx *c = arg;
    switch (ev) {
    case STS_LEADING_WSP:
        rec_note(c, PROB_STS_RECORD_SYNTAX, SEV_ERROR,
                 "the record begins with whitespace: it must begin with v=STSv1");
        break;
    case STS_EMPTY_FIELD:
        rec_note(c, PROB_STS_RECORD_SYNTAX, SEV_ERROR,
                 "empty field at offset %zu: two ';' in a row", f->offset);
        break;
    case STS_TRAILING_WSP:
        rec_note(c, PROB_STS_RECORD_SYNTAX, SEV_WARNING,
                 "whitespace after the last field: the grammar allows it only "
                 "before a ';', so strict senders may discard the record");
        break;
    case STS_FIELD:
        if (f->index > 0) {
            check_field(c, f->text, f->len);
            break;
        }
        check_version(c, f->text, f->len);
        if (!c->version_ok && f->len && memchr(f->text, '=', f->len) &&
            !(f->len >= 2 && (f->text[0] | 0x20) == 'v' && f->text[1] == '='))
            check_field(c, f->text, f->len); /* still check an id written first */
        else if (c->version_ok && f->wsp_before_semi)
            /* RFC 8461 3.1 prose: records "begin with v=STSv1;", the ABNF allows WSP */
            rec_note(c, PROB_STS_RECORD_SYNTAX, SEV_WARNING,
                     "whitespace between v=STSv1 and ';': the grammar allows it, but "
                     "senders that look for a record beginning with 'v=STSv1;' may "
                     "discard it; write 'v=STSv1;'");
        break;
    }
}

bool sts_record_is_candidate(const unsigned char *txt, size_t len)
{
    size_t vl = sizeof sts_version - 1;
    if (!txt || len < vl || memcmp(txt, sts_version, vl) != 0)
        return false;
    return len == vl || txt[vl] == ';' || sts_is_wsp(txt[vl]);
}

int sts_record_parse(const unsigned char *txt, size_t len, struct sts_record *out,
                     struct problem_list *pl, enum step_kind step, const char *subject)
{
    struct problem_list scratch = {0};
    struct rctx c = {.pl = pl ? pl : &scratch, .step = step, .subject = subject, .out = out};
    memset(out, 0, sizeof *out);
    if (!txt || len == 0) {
        rec_note(&c, PROB_STS_RECORD_SYNTAX, SEV_ERROR,
                 "the record is empty: it must be 'v=STSv1; id=<1-32 letters or digits>'");
    } else {
        scan_bytes(&c, txt, len);
        sts_fields_split(txt, len, on_field, &c);
        if (c.version_ok && !c.have_id) {
            if (c.id_hint)
                rec_note(&c, PROB_STS_RECORD_SYNTAX, SEV_ERROR,
                         "no id field (found '%s=', but the name is case-sensitive and must "
                         "be exactly id)", c.id_hint);
            else
                rec_note(&c, PROB_STS_RECORD_SYNTAX, SEV_ERROR,
                         "no id field: the record needs id=<1-32 letters or digits>");
        }
    }
    out->valid = c.version_ok && c.id_ok && !c.bad;
    free(c.id_hint);
    problem_list_clear(&scratch);
    return out->valid ? 0 : -1;
}

void sts_record_free(struct sts_record *r)
{
    if (!r)
        return;
    free(r->id);
    for (size_t i = 0; i < r->nextensions; i++)
        free(r->extensions[i]);
    free(r->extensions);
    memset(r, 0, sizeof *r);
}
