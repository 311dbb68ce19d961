/* escape - untrusted bytes to printable text (contract in escape.h). */
#include "escape.h"
#include "mx_limits.h"
#include "xalloc.h"
#include <stdlib.h>
#include <string.h>

size_t utf8_decode(const unsigned char *s, size_t len, unsigned *cp)
{
    unsigned c = s[0];
    size_t n;
    unsigned min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        n = 2, min = 0x80, c &= 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3, min = 0x800, c &= 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4, min = 0x10000, c &= 0x07;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return n;
}

/* Code points that must not reach a terminal as themselves: C1 controls, and format
 * characters that reorder or hide text (bidi overrides, zero-width, BOM). */
static int cp_is_unsafe(unsigned cp)
{
    return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x200b && cp <= 0x200f) ||
           (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff ||
           cp == 0x2028 || cp == 0x2029;
}

/* escape_one - writes the escaped form of the item at s into out (>= 17 bytes); returns the
 * number of input bytes consumed and sets *outn. */
static size_t escape_one(const unsigned char *s, size_t len, char *out, size_t *outn)
{
    static const char hex[] = "0123456789abcdef";
    unsigned c = s[0], cp;
    if (c == '\\') {
        memcpy(out, "\\\\", 2), *outn = 2;
        return 1;
    }
    if (c >= 0x20 && c < 0x7f) {
        out[0] = (char)c, *outn = 1;
        return 1;
    }
    if (c == '\t' || c == '\r' || c == '\n') {
        out[0] = '\\', out[1] = c == '\t' ? 't' : c == '\r' ? 'r' : 'n', *outn = 2;
        return 1;
    }
    size_t n = c >= 0x80 ? utf8_decode(s, len, &cp) : 0;
    if (n && !cp_is_unsafe(cp)) {
        memcpy(out, s, n), *outn = n;
        return n;
    }
    if (!n)
        n = 1;
    for (size_t i = 0; i < n; i++) {
        out[4 * i] = '\\', out[4 * i + 1] = 'x';
        out[4 * i + 2] = hex[s[i] >> 4], out[4 * i + 3] = hex[s[i] & 15];
    }
    *outn = 4 * n;
    return n;
}

/* plain_prefix - the leading bytes escape_one keeps as they are (printable ASCII but '\\'). */
static size_t plain_prefix(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len && s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\')
        i++;
    return i;
}

char *escape_bytes(const void *sv, size_t len)
{
    const unsigned char *s = sv;
    if (len <= MX_ESCAPED_MAX - 3 && plain_prefix(s, len) == len) {
        char *copy = xmalloc(len + 1); /* the common case: nothing to escape */
        memcpy(copy, s, len);
        copy[len] = '\0';
        return copy;
    }
    size_t cap = len < MX_ESCAPED_MAX / 4 ? len * 4 + 1 : MX_ESCAPED_MAX + 1;
    char *out = xmalloc(cap);
    size_t o = 0, i = 0;
    char tmp[17];
    while (i < len) {
        size_t tn;
        size_t used = escape_one(s + i, len - i, tmp, &tn);
        if (o + tn > MX_ESCAPED_MAX - 3) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        memcpy(out + o, tmp, tn);
        o += tn;
        i += used;
    }
    out[o] = '\0';
    return out;
}

char *escape_str(const char *s)
{
    return s ? escape_bytes(s, strlen(s)) : NULL;
}

int escape_is_clean(const void *sv, size_t len)
{
    const unsigned char *s = sv;
    char tmp[17];
    for (size_t i = 0; i < len;) {
        size_t tn, used = escape_one(s + i, len - i, tmp, &tn);
        if (tn != used || memcmp(tmp, s + i, tn) != 0)
            return 0;
        i += used;
    }
    return len <= MX_ESCAPED_MAX - 3;
}

int escape_is_text(const void *sv, size_t len)
{
    const unsigned char *s = sv;
    char tmp[17];
    for (size_t i = 0; i < len;) {
        if (s[i] == '\\' || s[i] == '\t') { /* escaped as "\\" "\t", harmless raw */
            i++;
            continue;
        }
        size_t tn, used = escape_one(s + i, len - i, tmp, &tn);
        if (tn != used || memcmp(tmp, s + i, tn) != 0)
            return 0;
        i += used;
    }
    return 1;
}

static int terminal_utf8 = 1;

void escape_set_terminal_utf8(int utf8)
{
    terminal_utf8 = utf8;
}

int escape_terminal_utf8(void)
{
    return terminal_utf8;
}

char *escape_to_ascii(const void *sv, size_t len, size_t *outlen)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = sv;
    size_t extra = 0;
    for (size_t i = 0; i < len; i++)
        extra += s[i] >= 0x80 ? 3 : 0;
    char *out = xmalloc(len + extra + 1), *o = out;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < 0x80) {
            *o++ = (char)s[i];
            continue;
        }
        *o++ = '\\';
        *o++ = 'x';
        *o++ = hex[s[i] >> 4];
        *o++ = hex[s[i] & 15];
    }
    *o = '\0';
    if (outlen)
        *outlen = (size_t)(o - out);
    return out;
}

char *escape_term(const char *s)
{
    if (!s)
        return NULL;
    char *e = escape_str(s);
    if (terminal_utf8)
        return e;
    char *a = escape_to_ascii(e, strlen(e), NULL);
    free(e);
    return a;
}
