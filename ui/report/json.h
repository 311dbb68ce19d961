/* json - a small streaming JSON emitter (objects, arrays, strings, integers, booleans, null).
 *
 * Contract: the caller writes values in document order; the emitter places commas, colons,
 * newlines and indentation itself (pretty) or none of them (compact). Inside an object every
 * value must be preceded by json_key (or use the json_kv_* shortcuts). Strings are always
 * written as valid JSON: '"', '\\' and every byte below 0x20 (and DEL) are escaped, and bytes
 * that are not well-formed UTF-8 become U+FFFD, so even unexpected input cannot break a
 * consumer. Nesting deeper than JSON_DEPTH_MAX is a programming error (abort). */
#ifndef MXRAY_JSON_H
#define MXRAY_JSON_H
#include <stdbool.h>
#include <stdio.h>

#define JSON_DEPTH_MAX 32

/* Jansson (the engine's state files) exports a json_null() of its own; ours is linked under
 * another name so that neither library's calls can land in the other's function. */
#define json_null mxray_json_null

struct json;

/* json_new - a writer to f; pretty = two-space indentation and one member per line. */
struct json *json_new(FILE *f, bool pretty);
/* json_free - ends the document with a newline (when anything was written) and frees w;
 * NULL allowed. Containers still open are a programming error (abort). */
void json_free(struct json *w);

void json_obj_begin(struct json *w);
void json_obj_end(struct json *w);
void json_arr_begin(struct json *w);
void json_arr_end(struct json *w);
void json_key(struct json *w, const char *key);

void json_str(struct json *w, const char *s); /* NULL writes null */
void json_strn(struct json *w, const char *s, size_t len);
void json_int(struct json *w, long long v);
void json_bool(struct json *w, bool v);
void json_null(struct json *w);

/* Shortcuts for object members. */
void json_kv_str(struct json *w, const char *key, const char *s); /* NULL writes null */
void json_kv_int(struct json *w, const char *key, long long v);
void json_kv_bool(struct json *w, const char *key, bool v);
void json_kv_null(struct json *w, const char *key);
/* json_kv_strv - an array of n strings (an empty array when n is 0). */
void json_kv_strv(struct json *w, const char *key, char *const *v, size_t n);

/* json_write_string - one quoted, escaped JSON string to f (used by json_str). */
void json_write_string(FILE *f, const char *s, size_t len);

#endif
