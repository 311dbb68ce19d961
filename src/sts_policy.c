/* sts_policy - parser for the MTA-STS policy body (RFC 8461 3.2).
 *
 *   sts-policy-record = sts-policy-field *WSP *(sts-policy-term sts-policy-field *WSP)
 *                       [sts-policy-term]
 *   sts-policy-term   = LF / CRLF          field-delim = ":" *WSP
 *   version: STSv1 / mode: enforce|testing|none / max_age: 1*10DIGIT / mx: ["*."] Domain
 *
 * Every problem carries the 1-based line it was found on (0 for "missing" problems) and its
 * message starts with "line N: " so `mxray lint` can print it as is. Errors make the policy
 * invalid (a sender would not apply it); warnings and infos do not.
 * Contract: sts_policy_parse clears *out and fills it; the caller releases it with
 * sts_policy_free (also after a failed parse). Every stored string is escaped. pl may be NULL. */
#include "sts.h"
#include "sts_text.h"
#include "escape.h"
#include "mx_limits.h"
#include "xalloc.h"
#include <idn2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LINE_PROBLEMS_MAX 32 /* per-line problems listed before the rest are summed up */
#define EXT_NAME_MAX 32      /* sts-policy-ext-name: (ALPHA / DIGIT) *31(...) */
#define MAX_AGE_DIGITS 10    /* 1*10DIGIT */

enum key { KEY_VERSION, KEY_MODE, KEY_MAX_AGE, KEY_MX, KEY_COUNT };
static const char *const key_names[KEY_COUNT] = {"version", "mode", "max_age", "mx"};
/* Largest edit distance at which an unknown key is taken for a misspelling. */
static const int key_slack[KEY_COUNT] = {2, 1, 2, 1};

enum term { TERM_NONE, TERM_LF, TERM_CRLF, TERM_CR };

struct pctx {
    struct problem_list *pl;
    enum step_kind step;
    const char *subject;
    struct sts_policy *out;
    bool bad;                     /* an error was reported */
    int nline_problems, suppressed;
    int first_line[KEY_COUNT];    /* line of the first occurrence of each key, 0 none */
    bool key_ok[KEY_COUNT];       /* the first occurrence had a valid value */
    size_t mx_lines;              /* mx: lines seen, valid or not */
    bool mx_over;                 /* MX_POLICY_MX_MAX exceeded (reported once) */
    int typo_line[KEY_COUNT];     /* first unknown key that looks like a misspelling */
    char *typo_key[KEY_COUNT];
    int lf_line, crlf_line, cr_line; /* first line with each ending */
    size_t ncr;
};

static void pol_note(struct pctx *c, enum problem_id id, enum severity sev, int line,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* pol_note - add a problem; per-line ones beyond LINE_PROBLEMS_MAX are only counted, so a
 * 64 KiB HTML page gives a readable list, not thousands of lines. */
static void pol_note(struct pctx *c, enum problem_id id, enum severity sev, int line,
                     const char *fmt, ...)
{
    if (sev == SEV_ERROR)
        c->bad = true;
    if (line > 0 && c->nline_problems++ >= LINE_PROBLEMS_MAX) {
        c->suppressed++;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    struct problem *p = problem_addv(c->pl, id, c->step, c->subject, line, fmt, ap);
    va_end(ap);
    p->severity = sev;
}

/* utf8_valid - well-formed UTF-8 (RFC 3629), no overlongs or surrogates. */
static bool utf8_valid(const unsigned char *s, size_t n)
{
    unsigned cp;
    for (size_t i = 0, k; i < n; i += k)
        if ((k = utf8_decode(s + i, n - i, &cp)) == 0)
            return false;
    return true;
}

static bool has_non_ascii(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] >= 0x80)
            return true;
    return false;
}

/* first_seen - true (and remembers the line) for the first occurrence of a non-mx key;
 * otherwise reports the duplicate (RFC 8461 3.2: first wins, the rest are ignored). */
static bool first_seen(struct pctx *c, enum key k, int line)
{
    if (!c->first_line[k]) {
        c->first_line[k] = line;
        return true;
    }
    pol_note(c, PROB_STS_POLICY_DUPLICATE_KEY, SEV_WARNING, line,
             "line %d: a second '%s' line is ignored; senders use the first one, on line %d",
             line, key_names[k], c->first_line[k]);
    return false;
}

/* do_version - RFC 8461 3.2: version is exactly %s"STSv1". */
static void do_version(struct pctx *c, int line, const unsigned char *v, size_t n)
{
    if (!first_seen(c, KEY_VERSION, line))
        return;
    c->out->version = escape_bytes(v, n);
    if (n == 5 && memcmp(v, "STSv1", 5) == 0) {
        c->key_ok[KEY_VERSION] = true;
        return;
    }
    char *q = sts_snip(v, n);
    if (n == 0)
        pol_note(c, PROB_STS_POLICY_SYNTAX, SEV_ERROR, line,
                 "line %d: version has no value: write 'version: STSv1'", line);
    else if (n == 5 && strncasecmp((const char *)v, "STSv1", 5) == 0)
        pol_note(c, PROB_STS_POLICY_SYNTAX, SEV_ERROR, line,
                 "line %d: version value '%s' must be exactly STSv1 (values are "
                 "case-sensitive)", line, q);
    else
        pol_note(c, PROB_STS_POLICY_SYNTAX, SEV_ERROR, line,
                 "line %d: version value '%s' is not STSv1, the only version RFC 8461 defines",
                 line, q);
    free(q);
}

/* do_mode - RFC 8461 3.2: %s"testing" / %s"enforce" / %s"none". */
static void do_mode(struct pctx *c, int line, const unsigned char *v, size_t n)
{
    static const struct { const char *name; enum sts_mode mode; } modes[] = {
        {"enforce", STS_MODE_ENFORCE}, {"testing", STS_MODE_TESTING}, {"none", STS_MODE_NONE}};
    if (!first_seen(c, KEY_MODE, line))
        return;
    c->out->mode_text = escape_bytes(v, n);
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        if (strlen(modes[i].name) == n && memcmp(v, modes[i].name, n) == 0) {
            c->out->mode = modes[i].mode;
            c->key_ok[KEY_MODE] = true;
        }
    }
    char *q = sts_snip(v, n);
    if (c->out->mode == STS_MODE_TESTING)
        pol_note(c, PROB_STS_POLICY_MODE_TESTING, SEV_INFO, line,
                 "line %d: mode testing: senders deliver even when TLS validation fails, and "
                 "only report the failure (TLS-RPT)", line);
    else if (c->out->mode == STS_MODE_NONE)
        pol_note(c, PROB_STS_POLICY_MODE_NONE, SEV_INFO, line,
                 "line %d: mode none: senders treat the domain as having no MTA-STS policy",
                 line);
    else if (n == 0)
        pol_note(c, PROB_STS_POLICY_SYNTAX, SEV_ERROR, line,
                 "line %d: mode has no value: write 'mode: enforce', 'mode: testing' or "
                 "'mode: none'", line);
    else if (c->out->mode == STS_MODE_UNKNOWN)
        pol_note(c, PROB_STS_POLICY_SYNTAX, SEV_ERROR, line,
                 "line %d: mode value '%s' is not one of enforce, testing, none (values are "
                 "case-sensitive)%s", line, q,
                 n == 6 && memcmp(v, "report", 6) == 0
                     ? "; 'report' was a draft value, use testing" : "");
    free(q);
}

/* do_max_age - RFC 8461 3.2: 1*10DIGIT, at most 31557600 (one year). */
static void do_max_age(struct pctx *c, int line, const unsigned char *v, size_t n)
{
    if (!first_seen(c, KEY_MAX_AGE, line))
        return;
    size_t i = 0;
    long long val = 0;
    while (i < n && v[i] >= '0' && v[i] <= '9') {
        if (i < MAX_AGE_DIGITS)
            val = val * 10 + (v[i] - '0');
        i++;
    }
    char *q = sts_snip(v, n);
    if (n == 0)
        pol_note(c, PROB_STS_POLICY_SYNTAX, SEV_ERROR, line,
                 "line %d: max_age has no value: write the lifetime in seconds, e.g. "
                 "'max_age: 604800'", line);
    else if (i < n)
        pol_note(c, PROB_STS_POLICY_SYNTAX, SEV_ERROR, line,
                 "line %d: max_age value '%s' is not a number of seconds (digits only, no "
                 "sign, unit or decimal point)", line, q);
    else if (n > MAX_AGE_DIGITS)
        pol_note(c, PROB_STS_POLICY_SYNTAX, SEV_ERROR, line,
                 "line %d: max_age value '%s' has %zu digits: at most 10 are allowed, and the "
                 "value may not exceed 31557600", line, q, n);
    else if (val > MX_MAX_AGE_LIMIT)
        pol_note(c, PROB_STS_POLICY_SYNTAX, SEV_ERROR, line,
                 "line %d: max_age %lld is above the limit of 31557600 seconds (about one "
                 "year)", line, val);
    else {
        c->out->max_age = val;
        c->key_ok[KEY_MAX_AGE] = true;
    }
    free(q);
}

/* ulabel_hint - the A-label a U-label mx value should have been, or NULL. */
static char *ulabel_hint(const unsigned char *v, size_t n)
{
    if (!utf8_valid(v, n))
        return NULL;
    bool wild = n > 2 && v[0] == '*' && v[1] == '.';
    char *u = xstrndup((const char *)v + (wild ? 2 : 0), n - (wild ? 2 : 0));
    char *a = NULL;
    char *r = NULL;
    if (strlen(u) == n - (wild ? 2 : 0) &&
        idn2_to_ascii_8z(u, &a, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT) == IDN2_OK) {
        char *e = escape_str(a);
        r = xasprintf("%s%s", wild ? "*." : "", e);
        free(e);
    }
    idn2_free(a);
    free(u);
    return r;
}

/* do_mx - RFC 8461 3.2: one ["*."] Domain per line, in A-labels; repeated lines allowed. */
static void do_mx(struct pctx *c, int line, const unsigned char *v, size_t n)
{
    c->mx_lines++;
    char *q = sts_snip(v, n);
    if (has_non_ascii(v, n)) {
        char *hint = ulabel_hint(v, n);
        if (hint)
            pol_note(c, PROB_STS_POLICY_MX_ULABEL, SEV_ERROR, line,
                     "line %d: mx '%s' is written as a Unicode U-label; policies must use the "
                     "A-label: 'mx: %s'", line, q, hint);
        else
            pol_note(c, PROB_STS_POLICY_MX_ULABEL, SEV_ERROR, line,
                     "line %d: mx '%s' contains non-ASCII bytes that are not a valid "
                     "internationalised name; policies must use A-labels (xn--...)", line, q);
        free(hint);
        free(q);
        return;
    }
    char *pat = xstrndup((const char *)v, n);
    const char *why = NULL;
    if (n == 0) {
        pol_note(c, PROB_STS_POLICY_MX_INVALID, SEV_ERROR, line,
                 "line %d: mx has no value: write one host name (or *.domain) per mx line",
                 line);
    } else if (strlen(pat) != n || !sts_mx_pattern_valid(pat, &why)) {
        pol_note(c, PROB_STS_POLICY_MX_INVALID, SEV_ERROR, line,
                 "line %d: mx '%s' is invalid: %s", line, q,
                 why ? why : "it contains a NUL byte");
    } else {
        for (char *p = pat; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        const char *base = pat[0] == '*' ? pat + 2 : NULL;
        /* RFC 8461 10.4: a wildcard at the registered domain admits every host below it. */
        if (base && (!strchr(base, '.') || !strchr(strchr(base, '.') + 1, '.')))
            pol_note(c, PROB_STS_POLICY_WILDCARD_BROAD, SEV_INFO, line,
                     "line %d: mx '%s' covers every host directly under %s: any of them with "
                     "a valid certificate counts as an MX (RFC 8461 10.4)", line, pat, base);
        if (c->out->nmx < MX_POLICY_MX_MAX) {
            xptr_push((void ***)&c->out->mx, &c->out->nmx, escape_str(pat));
        } else if (!c->mx_over) {
            c->mx_over = true;
            pol_note(c, PROB_STS_POLICY_SYNTAX, SEV_WARNING, line,
                     "line %d: more than %d mx lines; mxray keeps only the first %d", line,
                     MX_POLICY_MX_MAX, MX_POLICY_MX_MAX);
        }
    }
    free(pat);
    free(q);
}

/* nearest_key - the known key an unknown one is probably a misspelling of, or -1. */
static int nearest_key(const unsigned char *k, size_t n)
{
    int best = -1, bestd = 99;
    for (int i = 0; i < KEY_COUNT; i++) {
        int d = sts_osa_distance((const char *)k, n, key_names[i], strlen(key_names[i]));
        if (n >= 2 && d <= key_slack[i] && d < bestd)
            best = i, bestd = d;
    }
    return best;
}

static bool is_ext_name_char(unsigned char c)
{
    return sts_is_alnum(c) || c == '_' || c == '-' || c == '.';
}

/* check_ext_value - sts-policy-ext-value: VCHAR or UTF-8, inner spaces only, no CTLs. */
static void check_ext_value(struct pctx *c, int line, const char *qk,
                            const unsigned char *v, size_t n)
{
    if (n == 0) {
        pol_note(c, PROB_STS_POLICY_SYNTAX, SEV_ERROR, line,
                 "line %d: '%s' has no value after ':'", line, qk);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (v[i] == '\t') {
            pol_note(c, PROB_STS_POLICY_SYNTAX, SEV_ERROR, line,
                     "line %d: the value of '%s' contains a tab (only spaces may separate "
                     "words in a value)", line, qk);
            return;
        }
    }
    if (!utf8_valid(v, n))
        pol_note(c, PROB_STS_POLICY_SYNTAX, SEV_ERROR, line,
                 "line %d: the value of '%s' is not valid UTF-8", line, qk);
}

/* do_extension - RFC 8461 3.2: unknown keys are ignored by senders; say if one is a typo. */
static void do_extension(struct pctx *c, int line, const unsigned char *k, size_t kn,
                         const unsigned char *v, size_t vn)
{
    char *qk = sts_snip(k, kn);
    size_t bad = 0;
    while (bad < kn && is_ext_name_char(k[bad]))
        bad++;
    if (kn == 0) {
        pol_note(c, PROB_STS_POLICY_SYNTAX, SEV_ERROR, line,
                 "line %d: the line begins with ':' and has no key", line);
    } else if (bad < kn || !sts_is_alnum(k[0]) || kn > EXT_NAME_MAX) {
        pol_note(c, PROB_STS_POLICY_SYNTAX, SEV_ERROR, line,
                 "line %d: '%s' is not a valid key (a letter or digit, then up to 31 letters, "
                 "digits, '_', '-' or '.')", line, qk);
    } else {
        int near = nearest_key(k, kn);
        char hint[64] = "";
        if (near >= 0) {
            bool same_case = strlen(key_names[near]) == kn &&
                             strncasecmp((const char *)k, key_names[near], kn) == 0;
            snprintf(hint, sizeof hint, " (did you mean %s?%s)", key_names[near],
                     same_case ? " keys are case-sensitive" : "");
            if (!c->typo_line[near]) {
                c->typo_line[near] = line;
                c->typo_key[near] = xstrdup(qk);
            }
        }
        pol_note(c, PROB_STS_POLICY_UNKNOWN_KEY, SEV_INFO, line,
                 "line %d: unknown key '%s' is ignored by senders%s", line, qk, hint);
        check_ext_value(c, line, qk, v, vn);
    }
    free(qk);
}

/* first_ctl - column (0-based) of the first control byte other than TAB, or n. */
static size_t first_ctl(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((s[i] < 0x20 && s[i] != '\t' && s[i] != '\r') || s[i] == 0x7f)
            return i;
    return n;
}

/* do_line - one line without its terminator: "key:" *WSP value *WSP. */
static void do_line(struct pctx *c, int line, const unsigned char *s, size_t n, bool last)
{
    size_t ws = 0;
    while (ws < n && sts_is_wsp(s[ws]))
        ws++;
    if (ws == n) {
        /* RFC 8461 3.2 (P11): every line is a field; most senders skip blank lines. */
        pol_note(c, PROB_STS_POLICY_SYNTAX, SEV_WARNING, line,
                 "line %d is %s: under RFC 8461 3.2 every line must be a 'key: value' "
                 "field%s; most senders skip it, strict ones reject the policy", line,
                 n ? "whitespace only" : "empty",
                 last ? " (the file may end with one line break, not an extra empty line)" : "");
        return;
    }
    size_t ctl = first_ctl(s, n);
    if (ctl < n) {
        pol_note(c, PROB_STS_POLICY_SYNTAX, SEV_ERROR, line,
                 "line %d: control byte 0x%02x at column %zu; the line does not parse", line,
                 s[ctl], ctl + 1);
        return;
    }
    if (ws > 0) {
        pol_note(c, PROB_STS_POLICY_SYNTAX, SEV_ERROR, line,
                 "line %d begins with whitespace: the key must start in the first column",
                 line);
        s += ws, n -= ws;
    }
    const unsigned char *colon = memchr(s, ':', n);
    if (!colon) {
        char *q = sts_snip(s, n);
        pol_note(c, PROB_STS_POLICY_SYNTAX, SEV_ERROR, line,
                 "line %d: '%s' is not a 'key: value' field (no ':')", line, q);
        free(q);
        return;
    }
    size_t kn = (size_t)(colon - s);
    if (kn && sts_is_wsp(s[kn - 1])) {
        while (kn && sts_is_wsp(s[kn - 1]))
            kn--;
        char *q = sts_snip(s, kn);
        pol_note(c, PROB_STS_POLICY_SYNTAX, SEV_ERROR, line,
                 "line %d: whitespace between '%s' and ':'; write '%s:' with no space", line,
                 q, q);
        free(q);
    }
    const unsigned char *v = colon + 1, *end = s + n;
    while (v < end && sts_is_wsp(*v))
        v++;
    while (end > v && sts_is_wsp(end[-1]))
        end--;
    size_t vn = (size_t)(end - v);
    int k = -1;
    for (int i = 0; i < KEY_COUNT; i++)
        if (strlen(key_names[i]) == kn && memcmp(s, key_names[i], kn) == 0)
            k = i;
    switch (k) {
    case KEY_VERSION: do_version(c, line, v, vn); break;
    case KEY_MODE: do_mode(c, line, v, vn); break;
    case KEY_MAX_AGE: do_max_age(c, line, v, vn); break;
    case KEY_MX: do_mx(c, line, v, vn); break;
    default: do_extension(c, line, s, kn, v, vn); break;
    }
}

/* split_lines - RFC 8461 3.2: lines end in LF or CRLF; a bare CR is reported and treated as
 * a line end, so the rest of the file still gets sensible diagnostics. */
static int split_lines(struct pctx *c, const unsigned char *s, size_t len)
{
    int line = 0;
    size_t i = 0;
    while (i < len) {
        line++;
        size_t j = i;
        while (j < len && s[j] != '\n' && s[j] != '\r')
            j++;
        size_t start = i;
        if (j == len) {
            i = len;
        } else if (s[j] == '\n') {
            if (!c->lf_line)
                c->lf_line = line;
            i = j + 1;
        } else if (j + 1 < len && s[j + 1] == '\n') {
            if (!c->crlf_line)
                c->crlf_line = line;
            i = j + 2;
        } else {
            if (!c->ncr++)
                c->cr_line = line;
            i = j + 1;
        }
        do_line(c, line, s + start, j - start, i == len);
    }
    return line;
}

/* missing - a required key never appeared; mention a likely misspelling. */
static void missing(struct pctx *c, enum key k, const char *what)
{
    if (c->typo_line[k])
        pol_note(c, PROB_STS_POLICY_SYNTAX, SEV_ERROR, 0,
                 "no '%s' line: %s (line %d has '%s:', a misspelling of %s?)", key_names[k],
                 what, c->typo_line[k], c->typo_key[k], key_names[k]);
    else
        pol_note(c, PROB_STS_POLICY_SYNTAX, SEV_ERROR, 0, "no '%s' line: %s", key_names[k],
                 what);
}

/* finish - whole-file checks: line endings, required keys, max_age advice. */
static void finish(struct pctx *c)
{
    struct sts_policy *o = c->out;
    if (c->ncr)
        pol_note(c, PROB_STS_POLICY_SYNTAX, SEV_ERROR, c->cr_line,
                 "line %d ends in a bare CR (carriage return without line feed), which RFC "
                 "8461 3.2 does not allow: lines end in LF or CRLF (%zu bare CR%s in the file)",
                 c->cr_line, c->ncr, c->ncr > 1 ? "s" : "");
    if (c->lf_line && c->crlf_line) {
        int later = c->lf_line > c->crlf_line ? c->lf_line : c->crlf_line;
        pol_note(c, PROB_STS_POLICY_LINE_ENDINGS, SEV_INFO, later,
                 "line endings are mixed: line %d ends in LF, line %d in CRLF; use one style",
                 c->lf_line, c->crlf_line);
    } else if (c->lf_line) {
        pol_note(c, PROB_STS_POLICY_LINE_ENDINGS, SEV_INFO, c->lf_line,
                 "lines end in LF only: RFC 8461 3.2 prose says CRLF, but the grammar and "
                 "senders accept LF");
    }
    if (!c->first_line[KEY_VERSION])
        missing(c, KEY_VERSION, "'version: STSv1' is required");
    if (!c->first_line[KEY_MODE])
        missing(c, KEY_MODE, "add 'mode: enforce', 'mode: testing' or 'mode: none'");
    if (!c->first_line[KEY_MAX_AGE])
        missing(c, KEY_MAX_AGE, "add the policy lifetime in seconds, e.g. 'max_age: 604800'");
    /* RFC 8461 3.2: mx is required at least once unless the mode is none. */
    if (o->mode != STS_MODE_NONE && c->mx_lines == 0)
        missing(c, KEY_MX, o->mode == STS_MODE_UNKNOWN
                               ? "at least one 'mx:' line is required unless the mode is none"
                               : o->mode == STS_MODE_ENFORCE
                                     ? "mode enforce requires at least one 'mx:' line"
                                     : "mode testing requires at least one 'mx:' line");
    else if (o->mode != STS_MODE_NONE && o->nmx == 0)
        pol_note(c, PROB_STS_POLICY_SYNTAX, SEV_ERROR, 0,
                 "no valid 'mx' line: every mx value is invalid, so the policy lists no MX "
                 "host");
    /* RFC 8461 3.2, 10.2: weeks or more; a short max_age is expected only while withdrawing
     * the policy with mode none (8.3), so that case is not flagged. */
    if (c->key_ok[KEY_MAX_AGE] && o->max_age < MX_MAX_AGE_SHORT && o->mode != STS_MODE_NONE)
        pol_note(c, PROB_STS_POLICY_MAX_AGE_SHORT, SEV_WARNING, c->first_line[KEY_MAX_AGE],
                 "line %d: max_age %lld is less than one day (86400 seconds); use weeks, e.g. "
                 "604800", c->first_line[KEY_MAX_AGE], o->max_age);
    if (c->suppressed)
        pol_note(c, PROB_STS_POLICY_SYNTAX, SEV_INFO, 0,
                 "%d more problems on later lines are not listed", c->suppressed);
}

const char *sts_mode_name(enum sts_mode m)
{
    switch (m) {
    case STS_MODE_ENFORCE: return "enforce";
    case STS_MODE_TESTING: return "testing";
    case STS_MODE_NONE: return "none";
    default: return "unknown";
    }
}

int sts_policy_parse(const unsigned char *body, size_t len, struct sts_policy *out,
                     struct problem_list *pl, enum step_kind step, const char *subject)
{
    struct problem_list scratch = {0};
    struct pctx c = {.pl = pl ? pl : &scratch, .step = step, .subject = subject, .out = out};
    memset(out, 0, sizeof *out);
    out->max_age = -1;
    if (!body || len == 0) {
        pol_note(&c, PROB_STS_POLICY_SYNTAX, SEV_ERROR, 0,
                 "the policy is empty: it needs version, mode, max_age and mx lines");
    } else {
        if (len > MX_POLICY_BODY_MAX) {
            pol_note(&c, PROB_STS_POLICY_SIZE, SEV_ERROR, 0,
                     "the policy is %zu bytes; only the first %d are read (RFC 8461 3.3)", len,
                     MX_POLICY_BODY_MAX);
            len = MX_POLICY_BODY_MAX;
        }
        out->nlines = (size_t)split_lines(&c, body, len);
        out->lf = c.lf_line != 0;
        out->crlf = c.crlf_line != 0;
        finish(&c);
    }
    bool need_mx = out->mode != STS_MODE_NONE;
    out->valid = !c.bad && c.key_ok[KEY_VERSION] && c.key_ok[KEY_MODE] &&
                 c.key_ok[KEY_MAX_AGE] && (!need_mx || out->nmx > 0);
    for (int i = 0; i < KEY_COUNT; i++)
        free(c.typo_key[i]);
    problem_list_clear(&scratch);
    return out->valid ? 0 : -1;
}

void sts_policy_free(struct sts_policy *p)
{
    if (!p)
        return;
    free(p->version);
    free(p->mode_text);
    for (size_t i = 0; i < p->nmx; i++)
        free(p->mx[i]);
    free(p->mx);
    memset(p, 0, sizeof *p);
    p->max_age = -1;
}
