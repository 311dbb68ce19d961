/* domain - normalise what a user typed into an A-label domain name (contract in domain.h).
 *
 * Order: refuse empty input, whitespace and control bytes (nothing is trimmed silently),
 * strip ONE trailing dot, convert UTF-8 IDNs to A-labels with libidn2 (UTS #46,
 * non-transitional), lower-case, then require LDH labels (RFC 1035 2.3.1, RFC 5890 2.3.1):
 * 1..63 octets, no leading or trailing '-', total <= 253, at least two labels, and not an IP
 * address. Reasons are one line and never quote the input. */
#include "domain.h"
#include "mx_limits.h"
#include "xalloc.h"
#include <arpa/inet.h>
#include <idn2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool is_ldh(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-';
}

static int fail(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
    return -1;
}

/* label_why - reason why one label [s, s+n) is not an LDH label, or NULL. */
static const char *label_why(const char *s, size_t n)
{
    if (n == 0)
        return "empty label (two dots in a row, or a leading dot)";
    if (n > MX_LABEL_MAX)
        return "label longer than 63 characters";
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '_')
            return "label contains '_': host names allow only letters, digits and '-'";
        if (!is_ldh((unsigned char)s[i]))
            return "label contains a character other than letters, digits and '-'";
    }
    if (s[0] == '-' || s[n - 1] == '-')
        return "label begins or ends with '-'";
    return NULL;
}

/* labels_why - check every label of an ASCII name; *nlabels receives their count. */
static const char *labels_why(const char *name, size_t len, size_t *nlabels)
{
    *nlabels = 0;
    const char *p = name, *end = name + len;
    for (;;) {
        const char *dot = memchr(p, '.', (size_t)(end - p));
        size_t n = dot ? (size_t)(dot - p) : (size_t)(end - p);
        const char *why = label_why(p, n);
        if (why)
            return why;
        ++*nlabels;
        if (!dot)
            return NULL;
        p = dot + 1;
    }
}

static bool is_ip_literal(const char *s)
{
    unsigned char buf[16];
    return s[0] == '[' || inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* check_raw - what must be refused before any conversion. */
static const char *check_raw(const char *in, size_t n)
{
    if (n == 0)
        return "empty domain";
    if (in[0] == ' ' || in[0] == '\t' || in[n - 1] == ' ' || in[n - 1] == '\t' ||
        in[0] == '\n' || in[n - 1] == '\n' || in[n - 1] == '\r')
        return "leading or trailing whitespace in the domain";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == ' ' || c == '\t')
            return "whitespace inside the domain";
        if (c < 0x20 || c == 0x7f)
            return "control character in the domain";
    }
    if (is_ip_literal(in))
        return "an IP address is not a domain name";
    return NULL;
}

static bool has_non_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return true;
    return false;
}

/* has_alabel - a label starting with "xn--" (any case), which libidn2 must validate. */
static bool has_alabel(const char *s)
{
    for (const char *p = s; *p; p++)
        if ((p == s || p[-1] == '.') && strncasecmp(p, "xn--", 4) == 0)
            return true;
    return false;
}

/* to_ascii - copy of name in A-labels: UTF-8 is converted and existing A-labels are
 * validated by libidn2 (UTS #46 non-transitional); NULL + err on error. */
static char *to_ascii(const char *name, char *err, size_t errlen)
{
    if (!has_non_ascii(name) && !has_alabel(name))
        return xstrdup(name);
    char *a = NULL;
    int rc = idn2_to_ascii_8z(name, &a, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
    if (rc != IDN2_OK) {
        if (err && errlen)
            snprintf(err, errlen, "not a valid internationalised domain name: %s",
                     idn2_strerror(rc));
        return NULL;
    }
    char *r = xstrdup(a);
    idn2_free(a);
    return r;
}

/* all_digits - RFC 3696 2: a top-level label is never all-numeric. */
static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return n > 0;
}

int domain_normalize(const char *input, char *out, size_t out_len, char *err, size_t errlen)
{
    if (out && out_len)
        out[0] = '\0';
    if (!input)
        return fail(err, errlen, "empty domain");
    if (!out || out_len < MX_DOMAIN_MAX + 1)
        return fail(err, errlen, "internal error: output buffer too small");
    size_t n = strlen(input);
    const char *why = check_raw(input, n);
    if (why)
        return fail(err, errlen, why);
    bool stripped = input[n - 1] == '.';
    char *name = xstrndup(input, stripped ? n - 1 : n);
    char *ascii = to_ascii(name, err, errlen);
    free(name);
    if (!ascii)
        return -1;
    size_t alen = strlen(ascii);
    if (!stripped && alen && ascii[alen - 1] == '.') /* a trailing U+3002 etc. maps to '.' */
        ascii[alen - 1] = '\0';
    for (char *p = ascii; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    size_t len = strlen(ascii), nlabels = 0;
    const char *last = strrchr(ascii, '.');
    if (len == 0)
        why = "empty domain";
    else if (is_ip_literal(ascii))
        why = "an IP address is not a domain name";
    else if ((why = labels_why(ascii, len, &nlabels)) != NULL)
        ;
    else if (len > MX_DOMAIN_MAX)
        why = "domain longer than 253 characters";
    else if (nlabels < 2)
        why = "a single label is not a mail domain: give at least two labels, e.g. example.com";
    else if (all_digits(last + 1, strlen(last + 1)))
        why = "the last label is all digits, so this is not a domain name";
    if (!why)
        memcpy(out, ascii, len + 1);
    free(ascii);
    return why ? fail(err, errlen, why) : 0;
}

int domain_is_hostname(const char *name)
{
    if (!name || !*name)
        return 0;
    size_t len = strlen(name), nlabels;
    if (name[len - 1] == '.') /* one trailing dot: the absolute form of the same name */
        len--;
    if (len == 0 || len > MX_DOMAIN_MAX)
        return 0;
    return labels_why(name, len, &nlabels) == NULL;
}
