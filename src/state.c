/* state - the state file as JSON, and its validation (contract in state.h).
 *
 * JSON with Jansson rather than a line format of our own: the snapshot is nested (hosts,
 * addresses, TLSA records, timeline entries with changes), a policy body holds any text, and
 * Jansson already rejects malformed UTF-8, deep nesting and trailing garbage. Everything read
 * is checked field by field; one bad field rejects the whole file (never half-trusted). */
#include "state.h"
#include "xalloc.h"
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STR_MAX 16384         /* any string field but the policy body (32 MX names fit) */
#define BODY_MAX (256 * 1024) /* the escaped policy body (64 KiB raw, escaped up to 4x) */
#define HOSTS_MAX 64
#define ADDRS_MAX 64
#define TLSA_MAX 64
#define CHANGES_MAX 256

static void addr_free(struct state_addr *a)
{
    free(a->address);
    free(a->cert_sha256);
    free(a->spki_sha256);
}

static void event_free(struct state_event *e)
{
    free(e->verdict);
    free(e->sts_id);
    free(e->mode);
    free(e->policy_sha256);
    free(e->mx);
    for (size_t i = 0; i < e->nchanges; i++) {
        free(e->changes[i].code);
        free(e->changes[i].severity);
        free(e->changes[i].subject);
        free(e->changes[i].message);
    }
    free(e->changes);
}

void state_free(struct domain_state *s)
{
    if (!s)
        return;
    free(s->domain);
    free(s->sts_id);
    free(s->policy_sha256);
    free(s->policy_body);
    free(s->mode);
    free(s->policy_host);
    addr_free(&s->policy_cert);
    for (size_t i = 0; i < s->nhosts; i++) {
        struct state_host *h = &s->hosts[i];
        free(h->host);
        for (size_t j = 0; j < h->naddrs; j++)
            addr_free(&h->addrs[j]);
        free(h->addrs);
        for (size_t j = 0; j < h->ntlsa; j++)
            free(h->tlsa[j]);
        free(h->tlsa);
    }
    free(s->hosts);
    for (size_t i = 0; i < s->ntimeline; i++)
        event_free(&s->timeline[i]);
    free(s->timeline);
    memset(s, 0, sizeof *s);
}

bool state_name_safe(const char *d)
{
    size_t n = d ? strlen(d) : 0;
    if (n == 0 || n > 253 || d[0] == '.' || strstr(d, ".."))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = d[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
              c == '_'))
            return false;
    }
    return true;
}

/* ---- writing ---- */

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *time_json(time_t t)
{
    char buf[32];
    struct tm tm;
    if (t <= 0 || !gmtime_r(&t, &tm))
        return json_null();
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return json_string(buf);
}

static json_t *addr_json(const struct state_addr *a)
{
    json_t *o = json_object();
    if (a->address)
        json_object_set_new(o, "address", json_string(a->address));
    json_object_set_new(o, "cert_sha256", str_or_null(a->cert_sha256));
    json_object_set_new(o, "spki_sha256", str_or_null(a->spki_sha256));
    json_object_set_new(o, "not_after", time_json(a->not_after));
    json_object_set_new(o, "dane_match", json_integer(a->dane_match));
    return o;
}

static json_t *strv_json(char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

static json_t *event_json(const struct state_event *e)
{
    json_t *o = json_object();
    json_object_set_new(o, "first_seen", time_json(e->first_seen));
    json_object_set_new(o, "last_seen", time_json(e->last_seen));
    json_object_set_new(o, "checks", json_integer((json_int_t)e->checks));
    json_object_set_new(o, "verdict", str_or_null(e->verdict));
    json_object_set_new(o, "sts_id", str_or_null(e->sts_id));
    json_object_set_new(o, "mode", str_or_null(e->mode));
    json_object_set_new(o, "max_age", json_integer(e->max_age));
    json_object_set_new(o, "policy_sha256", str_or_null(e->policy_sha256));
    json_object_set_new(o, "mx", str_or_null(e->mx));
    json_t *ch = json_array();
    for (size_t i = 0; i < e->nchanges; i++) {
        const struct state_change *c = &e->changes[i];
        json_array_append_new(ch, json_pack("{s:s, s:s, s:s, s:s}", "code", c->code,
                                            "severity", c->severity, "subject", c->subject,
                                            "message", c->message));
    }
    json_object_set_new(o, "changes", ch);
    return o;
}

char *state_to_json(const struct domain_state *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "format", json_string(STATE_FORMAT));
    json_object_set_new(o, "domain", json_string(s->domain));
    json_object_set_new(o, "seen", time_json(s->seen));
    json_object_set_new(o, "sts_id", str_or_null(s->sts_id));
    if (s->policy_known) {
        json_t *p = json_object();
        json_object_set_new(p, "fetched", time_json(s->policy_fetched));
        json_object_set_new(p, "sha256", str_or_null(s->policy_sha256));
        json_object_set_new(p, "body", str_or_null(s->policy_body));
        json_object_set_new(p, "mode", str_or_null(s->mode));
        json_object_set_new(p, "max_age", json_integer(s->max_age));
        json_object_set_new(p, "host", str_or_null(s->policy_host));
        json_object_set_new(p, "cert", addr_json(&s->policy_cert));
        json_object_set_new(o, "policy", p);
    } else {
        json_object_set_new(o, "policy", json_null());
    }
    if (s->mx_known) {
        json_t *hosts = json_array();
        for (size_t i = 0; i < s->nhosts; i++) {
            const struct state_host *h = &s->hosts[i];
            json_t *ho = json_object(), *as = json_array();
            json_object_set_new(ho, "host", json_string(h->host));
            json_object_set_new(ho, "preference", json_integer(h->preference));
            for (size_t j = 0; j < h->naddrs; j++)
                json_array_append_new(as, addr_json(&h->addrs[j]));
            json_object_set_new(ho, "addresses", as);
            json_object_set_new(ho, "tlsa", strv_json(h->tlsa, h->ntlsa));
            json_array_append_new(hosts, ho);
        }
        json_object_set_new(o, "mx", hosts);
    } else {
        json_object_set_new(o, "mx", json_null());
    }
    json_t *tl = json_array();
    for (size_t i = 0; i < s->ntimeline; i++)
        json_array_append_new(tl, event_json(&s->timeline[i]));
    json_object_set_new(o, "timeline", tl);
    char *text = json_dumps(o, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    json_decref(o);
    char *out = xstrdup(text);
    free(text);
    return out;
}

/* ---- reading: every field checked ---- */

struct rd {
    char *why;
    size_t whylen;
    bool bad;
};

static void fail(struct rd *rd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct rd *rd, const char *fmt, ...)
{
    if (rd->bad)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rd->why, rd->whylen, fmt, ap);
    va_end(ap);
    rd->bad = true;
}

/* The character set a field may use ("text" = any valid UTF-8 Jansson accepted, no control
 * bytes; the escaped report strings never have any). */
enum charset { CS_TEXT, CS_HEX, CS_FPR, CS_NAME, CS_ADDR, CS_TLSA, CS_WORD, CS_TIME };

static bool chars_ok(const char *s, enum charset cs)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        bool ok;
        switch (cs) {
        case CS_HEX: ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); break;
        case CS_FPR: ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || c == ':'; break;
        case CS_NAME: ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                           c == '-' || c == '_';
            break;
        case CS_ADDR: ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
                           (c >= 'A' && c <= 'F') || c == '.' || c == ':';
            break;
        case CS_TIME: ok = (c >= '0' && c <= '9') || c == '-' || c == ':' || c == 'T' || c == 'Z';
            break;
        case CS_TLSA: ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ' '; break;
        case CS_WORD: ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
            break;
        default: ok = c >= 0x20 && c != 0x7f; break;
        }
        if (!ok)
            return false;
    }
    return true;
}

/* get_str - optional string member (absent or null gives NULL). */
static char *get_str(struct rd *rd, json_t *o, const char *key, enum charset cs, size_t max)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_string(v)) {
        fail(rd, "\"%s\" is not a string", key);
        return NULL;
    }
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    /* a name is a whole DNS name (or "." of a null MX), not just its characters */
    bool name_ok = cs != CS_NAME || strcmp(s, ".") == 0 || state_name_safe(s);
    if (n > max || strlen(s) != n || !chars_ok(s, cs) || !name_ok) {
        fail(rd, "\"%s\" is too long or has characters it may not have", key);
        return NULL;
    }
    return xstrdup(s);
}

static time_t parse_time(const char *s)
{
    struct tm tm = {0};
    const char *end = s ? strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;
    if (!end || *end)
        return -1;
    return timegm(&tm);
}

static time_t get_time(struct rd *rd, json_t *o, const char *key)
{
    char *s = get_str(rd, o, key, CS_TIME, 32);
    if (!s)
        return 0;
    time_t t = parse_time(s);
    free(s);
    if (t <= 0)
        fail(rd, "\"%s\" is not an RFC 3339 UTC time", key);
    return t > 0 ? t : 0;
}

static long long get_int(struct rd *rd, json_t *o, const char *key, long long lo, long long hi,
                         long long dflt)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return dflt;
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        fail(rd, "\"%s\" is not an integer from %lld to %lld", key, lo, hi);
        return dflt;
    }
    return json_integer_value(v);
}

/* get_arr - array member (absent gives NULL); more than max elements is an error. */
static json_t *get_arr(struct rd *rd, json_t *o, const char *key, size_t max)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_array(v) || json_array_size(v) > max) {
        fail(rd, "\"%s\" is not an array of at most %zu elements", key, max);
        return NULL;
    }
    return v;
}

static void read_addr(struct rd *rd, json_t *o, struct state_addr *a, bool need_address)
{
    if (!json_is_object(o)) {
        fail(rd, "an address entry is not an object");
        return;
    }
    a->address = get_str(rd, o, "address", CS_ADDR, 64);
    if (need_address && !a->address)
        fail(rd, "an address entry has no address");
    a->cert_sha256 = get_str(rd, o, "cert_sha256", CS_FPR, 128);
    a->spki_sha256 = get_str(rd, o, "spki_sha256", CS_HEX, 128);
    a->not_after = get_time(rd, o, "not_after");
    a->dane_match = (int)get_int(rd, o, "dane_match", -1, 1, -1);
}

static void read_host(struct rd *rd, json_t *o, struct state_host *h)
{
    if (!json_is_object(o)) {
        fail(rd, "an MX entry is not an object");
        return;
    }
    h->host = get_str(rd, o, "host", CS_NAME, 253);
    if (!h->host)
        fail(rd, "an MX entry has no host");
    h->preference = (int)get_int(rd, o, "preference", -1, 65535, -1);
    json_t *as = get_arr(rd, o, "addresses", ADDRS_MAX), *v;
    size_t i;
    if (as) {
        h->addrs = xcalloc(json_array_size(as) + 1, sizeof *h->addrs);
        json_array_foreach(as, i, v) {
            h->addrs[h->naddrs].dane_match = -1;
            read_addr(rd, v, &h->addrs[h->naddrs++], true);
        }
    }
    json_t *tl = get_arr(rd, o, "tlsa", TLSA_MAX);
    if (tl) {
        h->tlsa = xcalloc(json_array_size(tl) + 1, sizeof *h->tlsa);
        json_array_foreach(tl, i, v) {
            if (!json_is_string(v) || json_string_length(v) > 1024 ||
                !chars_ok(json_string_value(v), CS_TLSA)) {
                fail(rd, "a TLSA entry is not \"U S M hex\"");
                break;
            }
            h->tlsa[h->ntlsa++] = xstrdup(json_string_value(v));
        }
    }
}

static void read_event(struct rd *rd, json_t *o, struct state_event *e)
{
    if (!json_is_object(o)) {
        fail(rd, "a timeline entry is not an object");
        return;
    }
    e->first_seen = get_time(rd, o, "first_seen");
    e->last_seen = get_time(rd, o, "last_seen");
    if (!e->first_seen || e->last_seen < e->first_seen)
        fail(rd, "a timeline entry has no valid first_seen/last_seen");
    e->checks = (size_t)get_int(rd, o, "checks", 1, 1000000000, 1);
    e->verdict = get_str(rd, o, "verdict", CS_WORD, 32);
    e->sts_id = get_str(rd, o, "sts_id", CS_TEXT, 64);
    e->mode = get_str(rd, o, "mode", CS_WORD, 32);
    e->max_age = get_int(rd, o, "max_age", -1, 1000000000000LL, -1);
    e->policy_sha256 = get_str(rd, o, "policy_sha256", CS_HEX, 64);
    e->mx = get_str(rd, o, "mx", CS_TEXT, STR_MAX);
    json_t *ch = get_arr(rd, o, "changes", CHANGES_MAX), *v;
    size_t i;
    if (!ch)
        return;
    e->changes = xcalloc(json_array_size(ch) + 1, sizeof *e->changes);
    json_array_foreach(ch, i, v) {
        if (!json_is_object(v)) {
            fail(rd, "a change is not an object");
            return;
        }
        struct state_change *c = &e->changes[e->nchanges++];
        c->code = get_str(rd, v, "code", CS_WORD, 64);
        c->severity = get_str(rd, v, "severity", CS_WORD, 16);
        c->subject = get_str(rd, v, "subject", CS_TEXT, STR_MAX);
        c->message = get_str(rd, v, "message", CS_TEXT, STR_MAX);
        if (!c->code || !c->severity || !c->subject || !c->message)
            fail(rd, "a change lacks code, severity, subject or message");
    }
}

int state_from_json(const char *text, size_t len, const char *domain, struct domain_state *out,
                    bool *older, char *why, size_t whylen)
{
    memset(out, 0, sizeof *out);
    *older = false;
    struct rd rd = {.why = why, .whylen = whylen};
    json_error_t jerr;
    json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!o) {
        snprintf(why, whylen, "not valid JSON (line %d: %s)", jerr.line, jerr.text);
        return -1;
    }
    json_t *v;
    size_t i;
    if (!json_is_object(o)) {
        fail(&rd, "not a JSON object");
        goto done;
    }
    json_t *fmt = json_object_get(o, "format");
    const char *f = json_is_string(fmt) ? json_string_value(fmt) : NULL;
    if (!f || strcmp(f, STATE_FORMAT) != 0) {
        *older = f && strncmp(f, "mxray.state.v", 13) == 0 && strcmp(f, STATE_FORMAT) < 0;
        fail(&rd, *older ? "written by an older mxray (format \"%.20s\")"
                         : "not an mxray state file (no \"format\": \"" STATE_FORMAT "\")",
             f ? f : "");
        goto done;
    }
    out->domain = get_str(&rd, o, "domain", CS_NAME, 253);
    if (!rd.bad && (!out->domain || strcmp(out->domain, domain) != 0)) {
        fail(&rd, "the state of another domain");
        goto done;
    }
    out->seen = get_time(&rd, o, "seen");
    if (!out->seen)
        fail(&rd, "no \"seen\" time");
    out->sts_id = get_str(&rd, o, "sts_id", CS_TEXT, 64);
    json_t *p = json_object_get(o, "policy");
    if (p && json_is_object(p)) {
        out->policy_known = true;
        out->policy_fetched = get_time(&rd, p, "fetched");
        out->policy_sha256 = get_str(&rd, p, "sha256", CS_HEX, 64);
        out->policy_body = get_str(&rd, p, "body", CS_TEXT, BODY_MAX);
        out->mode = get_str(&rd, p, "mode", CS_WORD, 16);
        out->max_age = get_int(&rd, p, "max_age", -1, 1000000000000LL, -1);
        out->policy_host = get_str(&rd, p, "host", CS_NAME, 253);
        json_t *c = json_object_get(p, "cert");
        out->policy_cert.dane_match = -1;
        if (c)
            read_addr(&rd, c, &out->policy_cert, false);
        if (!out->policy_sha256 || !out->policy_fetched)
            fail(&rd, "the policy has no sha256 or fetch time");
    } else if (p && !json_is_null(p)) {
        fail(&rd, "\"policy\" is not an object");
    }
    json_t *mx = json_object_get(o, "mx");
    if (mx && !json_is_null(mx)) {
        json_t *hosts = get_arr(&rd, o, "mx", HOSTS_MAX);
        out->mx_known = hosts != NULL;
        if (hosts) {
            out->hosts = xcalloc(json_array_size(hosts) + 1, sizeof *out->hosts);
            json_array_foreach(hosts, i, v) {
                read_host(&rd, v, &out->hosts[out->nhosts++]);
            }
        }
    }
    json_t *tl = get_arr(&rd, o, "timeline", STATE_TIMELINE_MAX);
    if (tl) {
        out->timeline = xcalloc(json_array_size(tl) + 1, sizeof *out->timeline);
        json_array_foreach(tl, i, v) {
            read_event(&rd, v, &out->timeline[out->ntimeline++]);
        }
    }
done:
    json_decref(o);
    if (rd.bad) {
        state_free(out);
        return -1;
    }
    return 0;
}
