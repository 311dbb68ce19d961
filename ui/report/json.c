/* json - streaming JSON emitter (contract in json.h).
 *
 * A stack of open containers remembers how many members each has so far; that decides
 * whether a comma goes before the next value. A key leaves the writer "after key", where the
 * next value follows the colon on the same line. */
#include "json.h"
#include "escape.h"
#include "xalloc.h"
#include <stdlib.h>
#include <string.h>

struct json {
    FILE *f;
    bool pretty;
    bool after_key; /* a key was written; the value comes next */
    bool any;       /* something was written (for the final newline) */
    int depth;
    struct {
        char close; /* '}' or ']' */
        int count;  /* values (or keys) written so far */
    } stack[JSON_DEPTH_MAX];
};

struct json *json_new(FILE *f, bool pretty)
{
    struct json *w = xcalloc(1, sizeof *w);
    w->f = f;
    w->pretty = pretty;
    return w;
}

void json_free(struct json *w)
{
    if (!w)
        return;
    if (w->depth != 0)
        abort(); /* unbalanced begin/end: a bug in the caller */
    if (w->any)
        fputc('\n', w->f);
    free(w);
}

static void indent(struct json *w)
{
    fputc('\n', w->f);
    for (int i = 0; i < w->depth; i++)
        fputs("  ", w->f);
}

/* before_value - comma and newline before a value (or a key) at the current level. */
static void before_value(struct json *w)
{
    w->any = true;
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth == 0)
        return;
    if (w->stack[w->depth - 1].count++ > 0)
        fputc(',', w->f);
    if (w->pretty)
        indent(w);
}

static void open_container(struct json *w, char open, char close)
{
    before_value(w);
    if (w->depth >= JSON_DEPTH_MAX)
        abort();
    fputc(open, w->f);
    w->stack[w->depth].close = close;
    w->stack[w->depth].count = 0;
    w->depth++;
}

static void close_container(struct json *w, char close)
{
    if (w->depth == 0 || w->stack[w->depth - 1].close != close || w->after_key)
        abort();
    int count = w->stack[w->depth - 1].count;
    w->depth--;
    if (w->pretty && count > 0)
        indent(w);
    fputc(close, w->f);
}

void json_obj_begin(struct json *w) { open_container(w, '{', '}'); }
void json_obj_end(struct json *w) { close_container(w, '}'); }
void json_arr_begin(struct json *w) { open_container(w, '[', ']'); }
void json_arr_end(struct json *w) { close_container(w, ']'); }

void json_key(struct json *w, const char *key)
{
    if (w->depth == 0 || w->stack[w->depth - 1].close != '}' || w->after_key)
        abort();
    before_value(w);
    json_write_string(w->f, key, strlen(key));
    fputs(w->pretty ? ": " : ":", w->f);
    w->after_key = true;
}

void json_write_string(FILE *f, const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    fputc('"', f);
    for (size_t i = 0; i < len;) {
        unsigned char c = s[i];
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc(c, f);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            fprintf(f, "\\u%04x", c);
            i++;
        } else if (c < 0x80) {
            size_t run = 1; /* plain ASCII goes out in one write */
            while (i + run < len && s[i + run] >= 0x20 && s[i + run] < 0x7f &&
                   s[i + run] != '"' && s[i + run] != '\\')
                run++;
            fwrite(s + i, 1, run, f);
            i += run;
        } else {
            unsigned cp;
            size_t n = utf8_decode(s + i, len - i, &cp);
            if (n == 0) {
                fputs("\\ufffd", f); /* never emit invalid UTF-8 */
                i++;
            } else {
                fwrite(s + i, 1, n, f);
                i += n;
            }
        }
    }
    fputc('"', f);
}

void json_strn(struct json *w, const char *s, size_t len)
{
    before_value(w);
    json_write_string(w->f, s, len);
}

void json_str(struct json *w, const char *s)
{
    if (!s) {
        json_null(w);
        return;
    }
    json_strn(w, s, strlen(s));
}

void json_int(struct json *w, long long v)
{
    before_value(w);
    fprintf(w->f, "%lld", v);
}

void json_bool(struct json *w, bool v)
{
    before_value(w);
    fputs(v ? "true" : "false", w->f);
}

void json_null(struct json *w)
{
    before_value(w);
    fputs("null", w->f);
}

void json_kv_str(struct json *w, const char *key, const char *s)
{
    json_key(w, key);
    json_str(w, s);
}

void json_kv_int(struct json *w, const char *key, long long v)
{
    json_key(w, key);
    json_int(w, v);
}

void json_kv_bool(struct json *w, const char *key, bool v)
{
    json_key(w, key);
    json_bool(w, v);
}

void json_kv_null(struct json *w, const char *key)
{
    json_key(w, key);
    json_null(w);
}

void json_kv_strv(struct json *w, const char *key, char *const *v, size_t n)
{
    json_key(w, key);
    json_arr_begin(w);
    for (size_t i = 0; i < n; i++)
        json_str(w, v[i]);
    json_arr_end(w);
}
