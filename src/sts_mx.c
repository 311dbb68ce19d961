/* sts_mx - mx: pattern syntax and the RFC 8461 4.1 MX host matcher, with explanations.
 *
 * Patterns are policy mx: values, ["*."] Domain in A-labels (RFC 8461 3.2). A wildcard
 * "may only be used to match the entire left-most label": *.example.com matches
 * mail.example.com, never example.com nor a.b.example.com (RFC 8461 4.1).
 * Contract: sts_policy_match_mx's explanation is allocated (caller frees) and escaped; the
 * other functions allocate nothing. */
#include "sts.h"
#include "sts_text.h"
#include "escape.h"
#include "mx_limits.h"
#include "xalloc.h"
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define EXPLAIN_LIST_MAX 6 /* patterns named in a "matches none of" sentence */

/* looks_like_ip - an IPv4 or IPv6 literal, bracketed or not (RFC 8461 3.2: names only). */
static bool looks_like_ip(const char *s)
{
    unsigned char buf[16];
    char tmp[64];
    size_t n = strlen(s);
    if (s[0] == '[')
        return true;
    if (n >= sizeof tmp)
        return false;
    memcpy(tmp, s, n + 1);
    return inet_pton(AF_INET, tmp, buf) == 1 || inet_pton(AF_INET6, tmp, buf) == 1;
}

/* has_port - "host:25" */
static bool has_port(const char *s)
{
    const char *colon = strrchr(s, ':');
    if (!colon || !colon[1] || strchr(s, ':') != colon)
        return false;
    for (const char *p = colon + 1; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    return true;
}

/* domain_why - RFC 5321 Domain: Let-dig [Ldh-str] labels, each 1..63, total <= 253. */
static bool domain_why(const char *d, const char **why)
{
    size_t total = strlen(d);
    if (total == 0) {
        *why = "the name after '*.' is empty";
        return false;
    }
    if (total > MX_DOMAIN_MAX) {
        *why = "the name is longer than 253 characters";
        return false;
    }
    const char *p = d;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (n == 0) {
            *why = "it has an empty label (two dots in a row, or a leading dot)";
            return false;
        }
        if (n > MX_LABEL_MAX) {
            *why = "a label is longer than 63 characters";
            return false;
        }
        for (size_t i = 0; i < n; i++) {
            if (p[i] == '_') {
                *why = "it contains '_': host names allow only letters, digits and '-'";
                return false;
            }
            if (!sts_is_alnum((unsigned char)p[i]) && p[i] != '-') {
                *why = "it contains a character other than letters, digits, '-' and '.'";
                return false;
            }
        }
        if (p[0] == '-' || p[n - 1] == '-') {
            *why = "a label begins or ends with '-'";
            return false;
        }
        if (!dot)
            return true;
        p = dot + 1;
    }
}

bool sts_mx_pattern_valid(const char *pattern, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    *why = NULL;
    if (!pattern || !*pattern) {
        *why = "the mx value is empty";
        return false;
    }
    /* RFC 8461 3.2: "each MX MUST have its own mx: key" */
    if (strchr(pattern, ',')) {
        *why = "it is a comma-separated list: each MX needs its own 'mx:' line";
        return false;
    }
    for (const unsigned char *p = (const unsigned char *)pattern; *p; p++) {
        if (*p >= 0x80) {
            *why = "it contains non-ASCII characters: write the A-label (xn--...)";
            return false;
        }
        if (*p < 0x21 || *p == 0x7f) {
            *why = "it contains whitespace or a control character";
            return false;
        }
    }
    if (looks_like_ip(pattern)) {
        *why = "it is an IP address: mx values must be host names";
        return false;
    }
    if (has_port(pattern)) {
        *why = "it has a port: mx values are host names only (port 25 is implied)";
        return false;
    }
    const char *name = pattern;
    if (strncmp(pattern, "*.", 2) == 0)
        name = pattern + 2;
    size_t n = strlen(name);
    if (n && name[n - 1] == '.') {
        *why = "it ends with a dot: write the name without the trailing dot";
        return false;
    }
    if (strchr(name, '*')) {
        *why = "'*' is only allowed as the whole first label, as in *.example.com";
        return false;
    }
    return domain_why(name, why);
}

/* host_len - length of host without one trailing dot. */
static size_t host_len(const char *host)
{
    size_t n = strlen(host);
    return n && host[n - 1] == '.' ? n - 1 : n;
}

/* wildcard_match - RFC 8461 4.1: "*.base" matches exactly one extra left-most label. */
static bool wildcard_match(const char *base, size_t bl, const char *host, size_t hl)
{
    if (hl < bl + 2 || host[hl - bl - 1] != '.')
        return false;
    if (strncasecmp(host + hl - bl, base, bl) != 0)
        return false;
    size_t pl = hl - bl - 1; /* the extra label must be one, non-empty label */
    return pl > 0 && memchr(host, '.', pl) == NULL;
}

bool sts_mx_match(const char *pattern, const char *host)
{
    if (!pattern || !host || !*pattern || !*host)
        return false;
    size_t hl = host_len(host);
    if (hl == 0)
        return false;
    if (strncmp(pattern, "*.", 2) == 0) {
        const char *base = pattern + 2;
        return *base && wildcard_match(base, strlen(base), host, hl);
    }
    return strlen(pattern) == hl && strncasecmp(pattern, host, hl) == 0;
}

/* count_word - "two", "three", ... for label counts in explanations. */
static const char *count_word(size_t n, char *buf, size_t len)
{
    static const char *const words[] = {"zero", "one", "two", "three", "four", "five",
                                        "six", "seven", "eight", "nine", "ten"};
    if (n < sizeof words / sizeof words[0])
        return words[n];
    snprintf(buf, len, "%zu", n);
    return buf;
}

/* same_parent - do host and an exact pattern share everything after their first label? */
static bool same_parent(const char *pat, const char *host, size_t hl)
{
    const char *pd = strchr(pat, '.');
    const char *hd = memchr(host, '.', hl);
    if (!pd || !hd || !strchr(pd + 1, '.'))
        return false;
    size_t rest = hl - (size_t)(hd - host);
    return strlen(pd) == rest && strncasecmp(pd, hd, rest) == 0;
}

/* append - add "; sentence" (or the first sentence) to *acc. */
static void append(char **acc, char *sentence)
{
    if (!*acc) {
        *acc = sentence;
        return;
    }
    char *j = xasprintf("%s; %s", *acc, sentence);
    free(*acc);
    free(sentence);
    *acc = j;
}

/* sibling_sentence - "h is not listed, although a and b in the same domain are (...)". */
static char *sibling_sentence(const struct sts_policy *p, const char *h, size_t hl)
{
    char *names = NULL;
    size_t n = 0;
    for (size_t i = 0; i < p->nmx && n < EXPLAIN_LIST_MAX; i++) {
        if (strncmp(p->mx[i], "*.", 2) == 0 || !same_parent(p->mx[i], h, hl))
            continue;
        char *j = names ? xasprintf("%s and %s", names, p->mx[i]) : xstrdup(p->mx[i]);
        free(names);
        names = j;
        n++;
    }
    if (!names)
        return NULL;
    char *r = xasprintf("%s is not listed, although %s in the same domain %s (add 'mx: %s')",
                        h, names, n > 1 ? "are" : "is", h);
    free(names);
    return r;
}

/* near_miss - the specific reasons why patterns that almost cover host do not. */
static char *near_miss(const struct sts_policy *p, const char *h, size_t hl)
{
    char *acc = NULL, num[24];
    for (size_t i = 0; i < p->nmx; i++) {
        const char *pat = p->mx[i];
        if (strncmp(pat, "*.", 2) != 0)
            continue;
        const char *base = pat + 2;
        size_t bl = strlen(base);
        if (bl == hl && strncasecmp(base, h, hl) == 0) {
            append(&acc, xasprintf("%s is not covered by %s (a wildcard never matches the "
                                   "bare domain)", h, pat));
        } else if (hl > bl + 1 && h[hl - bl - 1] == '.' &&
                   strncasecmp(h + hl - bl, base, bl) == 0) {
            size_t labels = 1;
            for (size_t k = 0; k < hl - bl - 1; k++)
                labels += h[k] == '.';
            append(&acc, xasprintf("%s covers only one label before %s, but %s has %s", pat,
                                   base, h, count_word(labels, num, sizeof num)));
        }
    }
    char *sib = sibling_sentence(p, h, hl);
    if (sib)
        append(&acc, sib);
    return acc;
}

/* list_patterns - "a, b, *.c" (at most EXPLAIN_LIST_MAX, then "and N more"). */
static char *list_patterns(const struct sts_policy *p)
{
    char *acc = xstrdup("");
    for (size_t i = 0; i < p->nmx && i < EXPLAIN_LIST_MAX; i++) {
        char *j = xasprintf("%s%s%s", acc, i ? ", " : "", p->mx[i]);
        free(acc);
        acc = j;
    }
    if (p->nmx > EXPLAIN_LIST_MAX) {
        char *j = xasprintf("%s and %zu more", acc, p->nmx - EXPLAIN_LIST_MAX);
        free(acc);
        acc = j;
    }
    return acc;
}

static char *explain_none(const struct sts_policy *p, const char *host)
{
    if (!host || !*host || host_len(host) == 0)
        return xstrdup("no mx: pattern matches; the MX host name is empty");
    char *h = escape_bytes(host, host_len(host));
    char *r;
    if (!p || p->nmx == 0) {
        r = xasprintf("no mx: pattern matches; the policy lists no mx patterns, so %s "
                      "cannot match", h);
    } else {
        char *why = near_miss(p, h, strlen(h));
        if (why) {
            r = xasprintf("no mx: pattern matches; %s", why);
        } else {
            char *list = list_patterns(p);
            r = xasprintf("no mx: pattern matches; %s matches none of %s (add 'mx: %s' to "
                          "the policy)", h, list, h);
            free(list);
        }
        free(why);
    }
    free(h);
    return r;
}

int sts_policy_match_mx(const struct sts_policy *p, const char *host, char **explain)
{
    if (explain)
        *explain = NULL;
    if (p && host) {
        for (size_t i = 0; i < p->nmx; i++) {
            if (sts_mx_match(p->mx[i], host)) {
                if (explain)
                    *explain = xasprintf("matched mx: %s", p->mx[i]);
                return (int)i;
            }
        }
    }
    if (explain)
        *explain = explain_none(p, host);
    return -1;
}
