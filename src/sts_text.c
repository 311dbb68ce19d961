/* sts_text - shared text helpers of the record and policy parsers (see sts_text.h). */
#include "sts_text.h"
#include "escape.h"
#include "xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SNIP_MAX 64 /* bytes of input quoted in one message */

bool sts_is_wsp(unsigned char c)
{
    return c == ' ' || c == '\t';
}

bool sts_is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char *sts_snip(const unsigned char *s, size_t n)
{
    char *e = escape_bytes(s, n > SNIP_MAX ? SNIP_MAX : n);
    if (n <= SNIP_MAX)
        return e;
    char *r = xasprintf("%s...", e);
    free(e);
    return r;
}

void sts_describe_char(unsigned char c, char *buf, size_t n)
{
    if (c == ' ')
        snprintf(buf, n, "a space");
    else if (c == '\t')
        snprintf(buf, n, "a tab");
    else if (c < 0x20 || c == 0x7f)
        snprintf(buf, n, "control byte 0x%02x", c);
    else if (c >= 0x80)
        snprintf(buf, n, "non-ASCII byte 0x%02x", c);
    else
        snprintf(buf, n, "'%c'", c);
}

static int lower(char c)
{
    return (unsigned char)c | 0x20;
}

int sts_osa_distance(const char *a, size_t la, const char *b, size_t lb)
{
    if (la > 16 || lb > 16)
        return 9;
    int d[17][17];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            int cost = lower(a[i - 1]) != lower(b[j - 1]);
            int v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
                lower(a[i - 2]) == lower(b[j - 1]) && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1; /* a transposition counts as one edit */
            d[i][j] = v;
        }
    }
    return d[la][lb];
}

void sts_fields_split(const unsigned char *s, size_t len, sts_field_cb cb, void *ctx)
{
    size_t i = 0;
    if (len && sts_is_wsp(s[0])) {
        cb(ctx, STS_LEADING_WSP, NULL);
        while (i < len && sts_is_wsp(s[i]))
            i++;
    }
    for (size_t k = 0;; k++) {
        const unsigned char *semi = memchr(s + i, ';', len - i);
        size_t stop = semi ? (size_t)(semi - s) : len, end = stop;
        while (end > i && sts_is_wsp(s[end - 1]))
            end--;
        struct sts_field f = {s + i, end - i, i, k, semi && end < stop};
        if (end == i && !semi && k > 0)
            break; /* a trailing ';' (and WSP) is allowed */
        cb(ctx, end == i && k > 0 ? STS_EMPTY_FIELD : STS_FIELD, &f);
        if (!semi) {
            if (end < len)
                cb(ctx, STS_TRAILING_WSP, &f);
            break;
        }
        i = stop + 1;
        while (i < len && sts_is_wsp(s[i]))
            i++;
    }
}
