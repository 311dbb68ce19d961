/* tlsrpt_report - the RFC 8460 section 4 report shape over Jansson's JSON (tlsrpt_report.h). */
#include "tlsrpt_report.h"
#include "json_arena.h"
#include "escape.h"
#include "xalloc.h"
#include <ctype.h>
#include <stdbool.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *tlsrpt_now_name(enum tlsrpt_now n)
{
    switch (n) {
    case NOW_REPRODUCED:
        return "reproduced";
    case NOW_NOT_REPRODUCED:
        return "not_reproduced";
    default:
        return "not_checked";
    }
}

int tlsrpt_json_depth_ok(const char *s, size_t len, int max)
{
    int depth = 0;
    bool in_str = false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = false;
        } else if (c == '"') {
            in_str = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max)
                return 0;
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return 1;
}

static int digits(const char *s, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        *v = *v * 10 + (s[i] - '0');
    }
    return 0;
}

int tlsrpt_parse_time(const char *s, time_t *out)
{
    /* date-time = full-date "T" full-time (RFC 3339 5.6); "t", " " tolerated as separator */
    int y, mo, d, h, mi, sec;
    if (strlen(s) < 20 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
        digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
        digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' ||
        digits(s + 17, 2, &sec))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return -1;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return -1;
        while (isdigit((unsigned char)*p))
            p++;
    }
    long off = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 || om > 59)
            return -1;
        off = (oh * 60L + om) * 60L * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return -1;
    }
    if (*p)
        return -1;
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = sec > 59 ? 59 : sec};
    *out = timegm(&tm) - off;
    return 0;
}

void tlsrpt_format_time(time_t t, char *buf, size_t len)
{
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, len, "?");
}

/* ---- shape checking; every error names the field path ---- */

struct pctx {
    char *err;
    size_t errlen;
    char path[160];
};

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

static int fail(struct pctx *c, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct pctx *c, const char *key, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(c->err, c->errlen, "%s%s%s: %s", c->path, *c->path && *key ? "." : "", key, msg);
    return -1;
}

/* get_str - member key as an escaped string; absent (or null) is an error when required. */
static int get_str(struct pctx *c, const json_t *obj, const char *key, bool required, char **out)
{
    *out = NULL;
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return required ? fail(c, key, "missing") : 0;
    if (!json_is_string(v))
        return fail(c, key, "expected a string, got %s", type_name(v));
    *out = escape_bytes(json_string_value(v), json_string_length(v));
    return 0;
}

static int get_count(struct pctx *c, const json_t *obj, const char *key, long long *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return fail(c, key, "missing");
    if (!json_is_integer(v))
        return fail(c, key, "expected a whole number, got %s", type_name(v));
    json_int_t n = json_integer_value(v);
    if (n < 0 || n > TLSRPT_COUNT_MAX)
        return fail(c, key, "%lld is out of range", (long long)n);
    *out = (long long)n;
    return 0;
}

static int get_obj(struct pctx *c, const json_t *obj, const char *key, const json_t **out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return fail(c, key, "missing");
    if (!json_is_object(v))
        return fail(c, key, "expected an object, got %s", type_name(v));
    *out = v;
    return 0;
}

/* get_strv - an array of strings; a single string is taken as a one-element array (seen in
 * the wild for mx-host). Absent gives an empty list. */
static int get_strv(struct pctx *c, const json_t *obj, const char *key, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    const json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return 0;
    if (json_is_string(v)) {
        *out = xcalloc(1, sizeof **out);
        (*out)[(*n)++] = escape_bytes(json_string_value(v), json_string_length(v));
        return 0;
    }
    if (!json_is_array(v))
        return fail(c, key, "expected an array of strings, got %s", type_name(v));
    size_t len = json_array_size(v);
    if (len > TLSRPT_STRINGS_MAX)
        len = TLSRPT_STRINGS_MAX;
    *out = xcalloc(len ? len : 1, sizeof **out);
    for (size_t i = 0; i < len; i++) {
        const json_t *e = json_array_get(v, i);
        if (!json_is_string(e))
            return fail(c, key, "element %zu: expected a string, got %s", i, type_name(e));
        (*out)[(*n)++] = escape_bytes(json_string_value(e), json_string_length(e));
    }
    return 0;
}

static void lower_domain(char *s)
{
    if (!s)
        return;
    for (char *p = s; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    size_t n = strlen(s);
    if (n > 1 && s[n - 1] == '.')
        s[n - 1] = '\0';
}

static int parse_failure(struct pctx *c, const json_t *v, struct tlsrpt_failure *f)
{
    if (!json_is_object(v))
        return fail(c, "", "expected an object, got %s", type_name(v));
    if (get_str(c, v, "result-type", true, &f->result_type) < 0 ||
        get_count(c, v, "failed-session-count", &f->count) < 0 ||
        get_str(c, v, "sending-mta-ip", false, &f->sending_ip) < 0 ||
        get_str(c, v, "receiving-mx-hostname", false, &f->receiving_mx) < 0 ||
        get_str(c, v, "receiving-ip", false, &f->receiving_ip) < 0 ||
        get_str(c, v, "receiving-mx-helo", false, &f->receiving_helo) < 0 ||
        get_str(c, v, "failure-reason-code", false, &f->reason_code) < 0 ||
        get_str(c, v, "additional-information", false, &f->info) < 0)
        return -1;
    lower_domain(f->receiving_mx);
    return 0;
}

static int parse_policy(struct pctx *c, const json_t *v, struct tlsrpt_policy *p)
{
    const json_t *pol, *sum;
    if (!json_is_object(v))
        return fail(c, "", "expected an object, got %s", type_name(v));
    size_t base = strlen(c->path);
    if (get_obj(c, v, "policy", &pol) < 0)
        return -1;
    snprintf(c->path + base, sizeof c->path - base, ".policy");
    if (get_str(c, pol, "policy-type", true, &p->type) < 0 ||
        get_str(c, pol, "policy-domain", true, &p->domain) < 0 ||
        get_strv(c, pol, "policy-string", &p->strings, &p->nstrings) < 0 ||
        get_strv(c, pol, "mx-host", &p->mx_host, &p->nmx_host) < 0)
        return -1;
    lower_domain(p->domain);
    c->path[base] = '\0';
    if (get_obj(c, v, "summary", &sum) < 0)
        return -1;
    snprintf(c->path + base, sizeof c->path - base, ".summary");
    if (get_count(c, sum, "total-successful-session-count", &p->successful) < 0 ||
        get_count(c, sum, "total-failure-session-count", &p->failed) < 0)
        return -1;
    c->path[base] = '\0';
    const json_t *fd = json_object_get(v, "failure-details");
    if (!fd || json_is_null(fd))
        return 0;
    if (!json_is_array(fd))
        return fail(c, "failure-details", "expected an array, got %s", type_name(fd));
    size_t n = json_array_size(fd);
    if (n > TLSRPT_FAILURES_MAX)
        return fail(c, "failure-details", "%zu entries, more than the limit of %d", n,
                    TLSRPT_FAILURES_MAX);
    p->failures = xcalloc(n ? n : 1, sizeof *p->failures);
    for (size_t i = 0; i < n; i++) {
        snprintf(c->path + base, sizeof c->path - base, ".failure-details[%zu]", i);
        p->nfailures++;
        if (parse_failure(c, json_array_get(fd, i), &p->failures[i]) < 0)
            return -1;
    }
    c->path[base] = '\0';
    return 0;
}

static int parse_date(struct pctx *c, const json_t *range, const char *key, time_t *out)
{
    char *s;
    if (get_str(c, range, key, true, &s) < 0)
        return -1;
    int rc = tlsrpt_parse_time(s, out);
    if (rc < 0)
        fail(c, key, "\"%.40s\" is not an RFC 3339 date-time", s);
    free(s);
    return rc;
}

static int parse_root(struct pctx *c, const json_t *root, struct tlsrpt_report *r)
{
    const json_t *range, *pols;
    if (!json_is_object(root)) {
        snprintf(c->err, c->errlen, "not a TLS report: the JSON is %s, not an object",
                 type_name(root));
        return -1;
    }
    if (!json_object_get(root, "policies") && !json_object_get(root, "report-id") &&
        !json_object_get(root, "organization-name")) {
        snprintf(c->err, c->errlen,
                 "not a TLS report: JSON without organization-name, "
                 "report-id or policies");
        return -1;
    }
    if (get_str(c, root, "organization-name", true, &r->organization) < 0 ||
        get_str(c, root, "report-id", true, &r->report_id) < 0 ||
        get_str(c, root, "contact-info", false, &r->contact) < 0 ||
        get_obj(c, root, "date-range", &range) < 0)
        return -1;
    snprintf(c->path, sizeof c->path, "date-range");
    if (parse_date(c, range, "start-datetime", &r->start) < 0 ||
        parse_date(c, range, "end-datetime", &r->end) < 0)
        return -1;
    c->path[0] = '\0';
    pols = json_object_get(root, "policies");
    if (!pols || json_is_null(pols))
        return fail(c, "policies", "missing");
    if (!json_is_array(pols))
        return fail(c, "policies", "expected an array, got %s", type_name(pols));
    size_t n = json_array_size(pols);
    if (n > TLSRPT_POLICIES_MAX)
        return fail(c, "policies", "%zu entries, more than the limit of %d", n,
                    TLSRPT_POLICIES_MAX);
    r->policies = xcalloc(n ? n : 1, sizeof *r->policies);
    for (size_t i = 0; i < n; i++) {
        snprintf(c->path, sizeof c->path, "policies[%zu]", i);
        r->npolicies++;
        if (parse_policy(c, json_array_get(pols, i), &r->policies[i]) < 0)
            return -1;
    }
    return 0;
}

int tlsrpt_report_parse(const char *json, size_t len, struct tlsrpt_report *out, char *err,
                        size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (len > TLSRPT_JSON_MAX) {
        snprintf(err, errlen, "report larger than %u MiB", TLSRPT_JSON_MAX >> 20);
        return -1;
    }
    if (!tlsrpt_json_depth_ok(json, len, TLSRPT_DEPTH_MAX)) {
        snprintf(err, errlen, "JSON nested deeper than %d levels", TLSRPT_DEPTH_MAX);
        return -1;
    }
    json_error_t je;
    json_arena_begin(); /* the tree lives only in this function */
    json_t *root = json_loadb(json, len, 0, &je);
    int rc = -1;
    if (!root) {
        char *why = escape_str(je.text);
        snprintf(err, errlen, "not JSON: %s (line %d, column %d)", why, je.line, je.column);
        free(why);
    } else {
        struct pctx c = {.err = err, .errlen = errlen};
        rc = parse_root(&c, root, out);
        json_decref(root);
    }
    json_arena_end();
    return rc;
}

void tlsrpt_report_free(struct tlsrpt_report *r)
{
    if (!r)
        return;
    free(r->organization);
    free(r->report_id);
    free(r->contact);
    for (size_t i = 0; i < r->npolicies; i++) {
        struct tlsrpt_policy *p = &r->policies[i];
        free(p->type);
        free(p->domain);
        for (size_t j = 0; j < p->nstrings; j++)
            free(p->strings[j]);
        free(p->strings);
        for (size_t j = 0; j < p->nmx_host; j++)
            free(p->mx_host[j]);
        free(p->mx_host);
        for (size_t j = 0; j < p->nfailures; j++) {
            struct tlsrpt_failure *f = &p->failures[j];
            free(f->result_type);
            free(f->sending_ip);
            free(f->receiving_mx);
            free(f->receiving_ip);
            free(f->receiving_helo);
            free(f->reason_code);
            free(f->info);
        }
        free(p->failures);
    }
    free(r->policies);
    memset(r, 0, sizeof *r);
}
