/* fuzz_escape - the one escaping function (escape.h) on arbitrary bytes.
 * Properties: output bounded by MX_ESCAPED_MAX; no C0 control, DEL or C1 control and no
 * invalid UTF-8 reaches the output; clean input comes back unchanged; escape_str agrees with
 * escape_bytes up to the first NUL. */
#include "fuzz.h"
#include "escape.h"
#include "mx_limits.h"

/* utf8_ok - well-formed UTF-8 (no overlongs, surrogates, or values above U+10FFFF), and no
 * C1 control or bidi/format character the terminal could act on. */
static int utf8_ok(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7f)
                return 0;
            i++;
            continue;
        }
        size_t k = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        unsigned cp = c & (k == 4 ? 0x07 : k == 3 ? 0x0f : 0x1f);
        if (c < 0xc2 || c > 0xf4 || i + k > n)
            return 0;
        for (size_t j = 1; j < k; j++) {
            if ((s[i + j] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + j] & 0x3f);
        }
        if ((k == 3 && cp < 0x800) || (k == 4 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f) ||
            (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
            (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff)
            return 0;
        i += k;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *out = escape_bytes(data, size);
    size_t n = strlen(out);
    FUZZ_CHECK(n <= MX_ESCAPED_MAX);
    FUZZ_CHECK(utf8_ok((const unsigned char *)out, n));
    if (escape_is_clean(data, size))
        FUZZ_CHECK(n == size && memcmp(out, data, size) == 0);
    char *c = fuzz_strndup(data, size);
    char *viastr = escape_str(c);
    size_t cl = strlen(c);
    char *direct = escape_bytes(c, cl);
    FUZZ_CHECK(strcmp(viastr, direct) == 0);
    free(direct);
    free(viastr);
    free(c);
    free(out);
    return 0;
}
