/* fuzz_json - the JSON writer with untrusted strings. Input: strings separated by NUL, used
 * alternately as keys and values in pretty and compact documents, plus the raw input as one
 * string. Property (checked on the output): a well-formed JSON text whose strings are valid
 * UTF-8 with every control byte escaped, so no report can break a consumer. */
#include "fuzz.h"
#include "json.h"

/* A tiny validator for what the writer emits: objects, arrays, strings, integers, literals. */
struct rd {
    const unsigned char *p, *end;
};

static void ws(struct rd *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\n'))
        r->p++;
}

static int lit(struct rd *r, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n) != 0)
        return 0;
    r->p += n;
    return 1;
}

static int string(struct rd *r)
{
    if (!lit(r, "\""))
        return 0;
    while (r->p < r->end) {
        unsigned c = *r->p++;
        if (c == '"')
            return 1;
        if (c < 0x20 || c == 0x7f)
            return 0;
        if (c == '\\') {
            if (r->p == r->end)
                return 0;
            c = *r->p++;
            if (c == 'u') {
                for (int i = 0; i < 4; i++)
                    if (r->p == r->end || !strchr("0123456789abcdefABCDEF", *r->p++))
                        return 0;
            } else if (!strchr("\"\\/bfnrt", (int)c) || c == 0) {
                return 0;
            }
        } else if (c >= 0x80) {
            size_t k = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
            unsigned cp = c & (k == 3 ? 0x07 : k == 2 ? 0x0f : 0x1f);
            if (c < 0xc2 || c > 0xf4 || (size_t)(r->end - r->p) < k)
                return 0;
            for (size_t j = 0; j < k; j++) {
                if ((r->p[j] & 0xc0) != 0x80)
                    return 0;
                cp = (cp << 6) | (r->p[j] & 0x3f);
            }
            if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) || cp > 0x10ffff ||
                (cp >= 0xd800 && cp <= 0xdfff))
                return 0;
            r->p += k;
        }
    }
    return 0;
}

static int value(struct rd *r, int depth)
{
    ws(r);
    if (r->p == r->end || depth > JSON_DEPTH_MAX + 1)
        return 0;
    unsigned c = *r->p;
    if (c == '"')
        return string(r);
    if (c == '{' || c == '[') {
        unsigned close = c == '{' ? '}' : ']';
        r->p++;
        ws(r);
        if (r->p < r->end && *r->p == close)
            return r->p++, 1;
        for (;;) {
            if (c == '{') {
                ws(r);
                if (!string(r))
                    return 0;
                ws(r);
                if (!lit(r, ":"))
                    return 0;
            }
            if (!value(r, depth + 1))
                return 0;
            ws(r);
            if (lit(r, ","))
                continue;
            return r->p < r->end && *r->p++ == close;
        }
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        r->p += c == '-';
        size_t n = 0;
        while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
            r->p++, n++;
        return n > 0;
    }
    return lit(r, "true") || lit(r, "false") || lit(r, "null");
}

static void write_doc(const uint8_t *data, size_t size, bool pretty)
{
    char *out = NULL;
    size_t outlen = 0;
    FILE *f = open_memstream(&out, &outlen);
    FUZZ_CHECK(f != NULL);
    struct json *w = json_new(f, pretty);
    json_obj_begin(w);
    json_key(w, "raw");
    json_strn(w, (const char *)data, size);
    json_key(w, "items");
    json_arr_begin(w);
    const char *key = NULL;
    size_t nstr = 0;
    for (size_t off = 0; off < size; off += strlen((const char *)data + off) + 1) {
        const char *s = (const char *)data + off;
        if (!memchr(s, '\0', size - off))
            break; /* the last piece has no NUL; it is in "raw" already */
        if (key == NULL) {
            key = s;
            continue;
        }
        json_obj_begin(w);
        json_kv_str(w, key, s);
        json_kv_int(w, "n", (long long)nstr++ * (s[0] == '-' ? -1 : 1));
        json_kv_bool(w, "b", s[0] & 1);
        json_kv_null(w, "z");
        char *v[2] = {(char *)key, (char *)s};
        json_kv_strv(w, "v", v, 2);
        json_obj_end(w);
        key = NULL;
    }
    json_arr_end(w);
    json_obj_end(w);
    json_free(w);
    fclose(f);
    struct rd r = {(const unsigned char *)out, (const unsigned char *)out + outlen};
    FUZZ_CHECK(value(&r, 0));
    ws(&r);
    FUZZ_CHECK(r.p == r.end);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    write_doc(data, size, true);
    write_doc(data, size, false);
    return 0;
}
