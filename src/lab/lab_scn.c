/* lab_scn - parse scenario files (assets/scenarios/NAME.scn; format in that directory's
 * README.md) into struct lab_scn, and list a scenario directory.
 *
 * The format is line-based "key: value" in [sections]; no external parser. Every bound is
 * checked (line length, file size, record count), and every error names FILE:LINE. The caller
 * owns what lab_scn_load returns and frees it with lab_scn_free. */
#include "lab_int.h"
#include "escape.h"
#include "assets.h"
#include "xalloc.h"
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum section { SEC_TOP, SEC_TEACH, SEC_DNS, SEC_POLICY, SEC_MX, SEC_EXPECT };

struct parser {
    struct lab_scn *s;
    enum section sec;
    int lineno;
    char *err;
    size_t errlen;
    char **last_text;    /* teaching text a continuation line extends */
    char *body;          /* policy body being built */
    size_t body_len;
    bool crlf;
    uint32_t ttl;        /* TTL of the record being parsed, 0 = LAB_TTL */
};

static int fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parser *p, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char *shown = escape_str(msg); /* it may quote the file: a key, a name */
    snprintf(p->err, p->errlen, "%s.scn:%d: %s", p->s->info.name, p->lineno, shown);
    free(shown);
    return -1;
}

const char *lab_cert_kind_name(enum lab_cert_kind k)
{
    static const char *const names[] = {"good", "expired", "expiring-5d", "self-signed",
                                        "wrong-name"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

static int cert_kind_parse(const char *v, enum lab_cert_kind *k)
{
    for (int i = LAB_CERT_GOOD; i <= LAB_CERT_WRONG_NAME; i++) {
        if (!strcmp(v, lab_cert_kind_name((enum lab_cert_kind)i))) {
            *k = (enum lab_cert_kind)i;
            return 0;
        }
    }
    return -1;
}

bool lab_name_under(const char *name, const char *zone)
{
    size_t n = strlen(name), z = strlen(zone);
    if (n == z)
        return !strcasecmp(name, zone);
    return n > z && name[n - z - 1] == '.' && !strcasecmp(name + n - z, zone);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

static void lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

/* abs_name - zone-file style: "@" is the domain, a trailing dot is absolute, else relative. */
static char *abs_name(const struct lab_scn *s, const char *n)
{
    char *r;
    size_t len = strlen(n);
    if (!strcmp(n, "@"))
        r = xstrdup(s->info.domain);
    else if (!strcmp(n, "."))
        r = xstrdup("");
    else if (len && n[len - 1] == '.')
        r = xstrndup(n, len - 1);
    else
        r = xasprintf("%s.%s", n, s->info.domain);
    lower(r);
    return r;
}

/* name_wire - append name in DNS wire form (uncompressed); -1 when a label is bad. */
static int name_wire(const char *name, unsigned char *out, size_t cap, size_t *len)
{
    const char *p = name;
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t l = dot ? (size_t)(dot - p) : strlen(p);
        if (l == 0 || l > 63 || *len + l + 2 > cap)
            return -1;
        out[(*len)++] = (unsigned char)l;
        memcpy(out + *len, p, l);
        *len += l;
        p += l + (dot ? 1 : 0);
    }
    if (*len + 1 > cap)
        return -1;
    out[(*len)++] = 0;
    return 0;
}

/* next_token - a word, or a "quoted string" with \" and \\ escapes; NULL at end of line. */
static char *next_token(char **pp, char *buf, size_t cap, bool *quoted)
{
    char *p = *pp;
    size_t n = 0;
    while (*p == ' ' || *p == '\t')
        p++;
    if (!*p)
        return NULL;
    *quoted = *p == '"';
    if (*quoted) {
        for (p++; *p && *p != '"'; p++) {
            if (*p == '\\' && p[1])
                p++;
            if (n + 1 < cap)
                buf[n++] = *p;
        }
        if (*p == '"')
            p++;
    } else {
        for (; *p && *p != ' ' && *p != '\t'; p++)
            if (n + 1 < cap)
                buf[n++] = *p;
    }
    buf[n] = '\0';
    *pp = p;
    return buf;
}

static int add_rr(struct parser *p, const char *owner, uint16_t type, const unsigned char *rd,
                  size_t rdlen, const char *target)
{
    uint32_t ttl = p->ttl;
    p->ttl = 0;
    struct lab_scn *s = p->s;
    if (s->nrr >= LAB_RR_MAX)
        return fail(p, "more than %d records", LAB_RR_MAX);
    s->rr = xreallocarray(s->rr, s->nrr + 1, sizeof *s->rr);
    struct lab_rr *r = &s->rr[s->nrr++];
    r->owner = abs_name(s, owner);
    r->type = type;
    r->rdata = xmalloc(rdlen ? rdlen : 1);
    memcpy(r->rdata, rd, rdlen);
    r->rdlen = rdlen;
    r->target = target ? abs_name(s, target) : NULL;
    r->ttl = ttl;
    if (!lab_name_under(r->owner, LAB_ZONE))
        return fail(p, "record owner %s is outside %s", r->owner, LAB_ZONE);
    return 0;
}

static int parse_txt(struct parser *p, const char *owner, char *rest)
{
    unsigned char rd[4096];
    size_t len = 0;
    char tok[LAB_LINE_MAX];
    bool q;
    while (next_token(&rest, tok, sizeof tok, &q)) {
        size_t n = strlen(tok);
        do { /* strings longer than 255 bytes are split, as zone files do */
            size_t chunk = n > 255 ? 255 : n;
            if (len + chunk + 1 > sizeof rd)
                return fail(p, "TXT record too long");
            rd[len++] = (unsigned char)chunk;
            memcpy(rd + len, tok + strlen(tok) - n, chunk);
            len += chunk;
            n -= chunk;
        } while (n);
    }
    if (!len)
        return fail(p, "TXT needs at least one string");
    return add_rr(p, owner, 16, rd, len, NULL);
}

static int parse_dns(struct parser *p, char *line)
{
    char owner[LAB_LINE_MAX], type[16], a[LAB_LINE_MAX], b[LAB_LINE_MAX];
    unsigned char rd[512];
    size_t len = 0;
    bool q;
    char *rest = line;
    if (!next_token(&rest, owner, sizeof owner, &q) || !next_token(&rest, type, sizeof type, &q))
        return fail(p, "record needs OWNER [TTL] TYPE DATA");
    p->ttl = 0;
    if (isdigit((unsigned char)type[0])) { /* zone-file style: OWNER TTL TYPE DATA */
        char *end;
        unsigned long ttl = strtoul(type, &end, 10);
        if (*end || ttl < 1 || ttl > 2147483647UL) /* RFC 2181 8 */
            return fail(p, "TTL %s: 1 to 2147483647 seconds", type);
        if (!next_token(&rest, type, sizeof type, &q))
            return fail(p, "record needs OWNER [TTL] TYPE DATA");
        p->ttl = (uint32_t)ttl;
    }
    if (!strcasecmp(type, "TXT"))
        return parse_txt(p, owner, rest);
    if (!next_token(&rest, a, sizeof a, &q))
        return fail(p, "%s record needs data", type);
    if (!strcasecmp(type, "A") || !strcasecmp(type, "AAAA")) {
        bool v6 = type[1] != '\0';
        if (inet_pton(v6 ? AF_INET6 : AF_INET, a, rd) != 1)
            return fail(p, "bad address %s", a);
        return add_rr(p, owner, v6 ? 28 : 1, rd, v6 ? 16 : 4, NULL);
    }
    if (!strcasecmp(type, "CNAME")) {
        char *t = abs_name(p->s, a);
        int rc = name_wire(t, rd, sizeof rd, &len);
        free(t);
        return rc ? fail(p, "bad name %s", a) : add_rr(p, owner, 5, rd, len, a);
    }
    if (!strcasecmp(type, "MX")) {
        char *end;
        long pref = strtol(a, &end, 10);
        if (*end || pref < 0 || pref > 65535 || !next_token(&rest, b, sizeof b, &q))
            return fail(p, "MX needs PREFERENCE HOST");
        rd[0] = (unsigned char)(pref >> 8);
        rd[1] = (unsigned char)pref;
        len = 2;
        char *t = abs_name(p->s, b);
        int rc = name_wire(t, rd, sizeof rd, &len);
        free(t);
        return rc ? fail(p, "bad name %s", b) : add_rr(p, owner, 15, rd, len, NULL);
    }
    return fail(p, "unsupported record type %s (A, AAAA, MX, TXT, CNAME)", type);
}

/* split_words - space-separated words of v into a new array. */
static size_t split_words(const char *v, char ***out)
{
    char *copy = xstrdup(v), *save = NULL;
    size_t n = 0;
    for (char *w = strtok_r(copy, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save))
        xptr_push((void ***)out, &n, xstrdup(w));
    free(copy);
    return n;
}

static int replace(char **dst, char *v)
{
    free(*dst);
    *dst = v;
    return 0;
}

static int set_text(struct parser *p, char **dst, const char *v)
{
    /* teaching texts reach terminals as written: no control byte, no invalid UTF-8 */
    if (!escape_is_text(v, strlen(v)))
        return fail(p, "a control byte, invalid UTF-8 or a bidi control in a text");
    p->last_text = dst;
    return replace(dst, xstrdup(v));
}

static int parse_tls_max(const char *v, int *out)
{
    static const struct { const char *name; int v; } t[] = {
        {"1.0", TLS1_VERSION}, {"1.1", TLS1_1_VERSION}, {"1.2", TLS1_2_VERSION},
        {"1.3", TLS1_3_VERSION}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        if (!strcmp(v, t[i].name)) {
            *out = t[i].v;
            return 0;
        }
    }
    return -1;
}

static int kv_top(struct parser *p, const char *k, const char *v)
{
    struct lab_scn *s = p->s;
    if (!strcmp(k, "summary"))
        return set_text(p, &s->info.summary, v);
    if (!strcmp(k, "order")) {
        s->order = atoi(v);
        return 0;
    }
    if (!strcmp(k, "dnssec")) {
        if (strcmp(v, "signed") && strcmp(v, "unsigned"))
            return fail(p, "dnssec is signed or unsigned");
        s->signed_zone = !strcmp(v, "signed");
        return 0;
    }
    if (!strcmp(k, "domain")) {
        if (s->nrr || s->nmx || s->policy.present)
            return fail(p, "domain: must come before the records");
        free(s->info.domain);
        s->info.domain = xstrndup(v, strlen(v) - (v[0] && v[strlen(v) - 1] == '.'));
        lower(s->info.domain);
        return lab_name_under(s->info.domain, LAB_ZONE) ? 0 : fail(p, "domain outside %s", LAB_ZONE);
    }
    return fail(p, "unknown key %s", k);
}

static int kv_teach(struct parser *p, const char *k, const char *v)
{
    struct lab_scenario_info *i = &p->s->info;
    if (!strcmp(k, "what"))
        return set_text(p, &i->what, v);
    if (!strcmp(k, "sender"))
        return set_text(p, &i->sender, v);
    if (!strcmp(k, "fix"))
        return set_text(p, &i->fix, v);
    return fail(p, "unknown teaching key %s (what, sender, fix)", k);
}

static int kv_cert(struct parser *p, const char *k, const char *v, enum lab_cert_kind *kind,
                   char ***names, size_t *nnames)
{
    if (!strcmp(k, "cert"))
        return cert_kind_parse(v, kind) ? fail(p, "unknown cert kind %s", v) : 0;
    if (!strcmp(k, "names")) {
        size_t n = split_words(v, names);
        for (size_t i = 0; i < n; i++)
            lower((*names)[i]);
        *nnames = n;
        return 0;
    }
    return 1; /* not a certificate key */
}

static int kv_policy(struct parser *p, const char *k, const char *v)
{
    struct lab_policy *pol = &p->s->policy;
    int rc = kv_cert(p, k, v, &pol->cert, &pol->names, &pol->nnames);
    if (rc <= 0)
        return rc;
    if (!strcmp(k, "status")) {
        pol->status = atoi(v);
        return pol->status >= 100 && pol->status <= 599 ? 0 : fail(p, "bad status %s", v);
    }
    if (!strcmp(k, "content_type"))
        return replace(&pol->content_type, v[0] ? xstrdup(v) : NULL); /* empty: no header */
    if (!strcmp(k, "location"))
        return replace(&pol->location, xstrdup(v));
    if (!strcmp(k, "host"))
        return replace(&pol->host, abs_name(p->s, v));
    if (!strcmp(k, "line_endings")) {
        if (strcmp(v, "crlf") && strcmp(v, "lf"))
            return fail(p, "line_endings is crlf or lf");
        p->crlf = !strcmp(v, "crlf");
        return 0;
    }
    return fail(p, "unknown policy key %s", k);
}

/* parse_tlsa_spec - "USAGE SELECTOR MTYPE leaf|ca|next|old" (see lab_int.h). */
static int parse_tlsa_spec(struct parser *p, struct lab_mx *m, const char *v)
{
    static const char *const refs[] = {"leaf", "ca", "next", "old"};
    unsigned u, sel, mt;
    char ref[16];
    if (sscanf(v, "%u %u %u %15s", &u, &sel, &mt, ref) != 4 || u > 255 || sel > 1 || mt > 2)
        return fail(p, "tlsa is USAGE SELECTOR(0|1) MTYPE(0|1|2) leaf|ca|next|old");
    for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++) {
        if (strcmp(ref, refs[i]) != 0)
            continue;
        m->tlsa = xreallocarray(m->tlsa, m->ntlsa + 1, sizeof *m->tlsa);
        m->tlsa[m->ntlsa++] = (struct lab_tlsa){(uint8_t)u, (uint8_t)sel, (uint8_t)mt,
                                                (enum lab_tlsa_ref)i};
        return 0;
    }
    return fail(p, "tlsa certificate is leaf, ca, next or old");
}

static int kv_mx(struct parser *p, const char *k, const char *v)
{
    struct lab_mx *m = &p->s->mx[p->s->nmx - 1];
    int rc = kv_cert(p, k, v, &m->cert, &m->names, &m->nnames);
    if (rc <= 0)
        return rc;
    if (!strcmp(k, "starttls")) {
        if (strcmp(v, "yes") && strcmp(v, "no"))
            return fail(p, "starttls is yes or no");
        m->starttls = !strcmp(v, "yes");
        return 0;
    }
    if (!strcmp(k, "tls_max"))
        return parse_tls_max(v, &m->tls_max) ? fail(p, "tls_max is 1.0, 1.1, 1.2 or 1.3") : 0;
    if (!strcmp(k, "banner"))
        return replace(&m->banner, xstrdup(v));
    if (!strcmp(k, "tlsa"))
        return parse_tlsa_spec(p, m, v);
    if (!strcmp(k, "tlsa_lookup")) {
        if (strcmp(v, "servfail") && strcmp(v, "answer"))
            return fail(p, "tlsa_lookup is answer or servfail");
        m->tlsa_servfail = !strcmp(v, "servfail");
        return 0;
    }
    return fail(p, "unknown mx key %s", k);
}

static int kv_expect(struct parser *p, const char *k, const char *v)
{
    struct lab_scenario_info *i = &p->s->info;
    if (!strcmp(k, "verdict")) {
        if (strcmp(v, "pass") && strcmp(v, "warn") && strcmp(v, "fail") && strcmp(v, "none"))
            return fail(p, "verdict is pass, warn, fail or none");
        free(i->verdict);
        i->verdict = xstrdup(v);
        return 0;
    }
    if (!strcmp(k, "codes"))
        return i->ncodes = split_words(v, &i->codes), 0;
    if (!strcmp(k, "absent"))
        return i->nabsent = split_words(v, &i->absent), 0;
    return fail(p, "unknown expect key %s", k);
}

static int open_section(struct parser *p, char *line)
{
    char *end = strchr(line, ']');
    if (!end || trim(end + 1)[0])
        return fail(p, "bad section header");
    *end = '\0';
    char *name = trim(line + 1);
    p->last_text = NULL;
    if (!strcmp(name, "teach"))
        p->sec = SEC_TEACH;
    else if (!strcmp(name, "dns"))
        p->sec = SEC_DNS;
    else if (!strcmp(name, "expect"))
        p->sec = SEC_EXPECT;
    else if (!strcmp(name, "policy")) {
        struct lab_policy *pol = &p->s->policy;
        if (pol->present)
            return fail(p, "only one [policy]");
        pol->present = true;
        pol->host = xasprintf("mta-sts.%s", p->s->info.domain);
        pol->status = 200;
        pol->content_type = xstrdup("text/plain");
        p->sec = SEC_POLICY;
    } else if (!strncmp(name, "mx ", 3)) {
        struct lab_scn *s = p->s;
        if (s->nmx >= 32)
            return fail(p, "more than 32 [mx] hosts");
        s->mx = xreallocarray(s->mx, s->nmx + 1, sizeof *s->mx);
        s->mx[s->nmx++] = (struct lab_mx){.host = abs_name(s, trim(name + 3)),
                                          .starttls = true, .tls_max = TLS1_3_VERSION};
        if (!lab_name_under(s->mx[s->nmx - 1].host, LAB_ZONE))
            return fail(p, "mx host outside %s", LAB_ZONE);
        p->sec = SEC_MX;
    } else
        return fail(p, "unknown section [%s]", name);
    return 0;
}

static int body_line(struct parser *p, const char *text)
{
    size_t n = strlen(text);
    if (p->body_len + n + 2 > LAB_FILE_MAX)
        return fail(p, "policy body too long");
    p->body = xrealloc(p->body, p->body_len + n + 3);
    memcpy(p->body + p->body_len, text, n);
    p->body_len += n;
    p->body[p->body_len++] = '\r';
    p->body[p->body_len++] = '\n';
    return 0;
}

static int parse_line(struct parser *p, char *raw)
{
    if (p->sec == SEC_POLICY && raw[0] == '|')
        return body_line(p, raw[1] == ' ' ? raw + 2 : raw + 1);
    if ((raw[0] == ' ' || raw[0] == '\t') && p->last_text && trim(raw)[0]) {
        if (!escape_is_text(trim(raw), strlen(trim(raw))))
            return fail(p, "a control byte, invalid UTF-8 or a bidi control in a text");
        char *joined = xasprintf("%s %s", *p->last_text, trim(raw)); /* folded text */
        free(*p->last_text);
        *p->last_text = joined;
        return 0;
    }
    char *line = trim(raw);
    if (!line[0] || line[0] == '#')
        return 0;
    if (line[0] == '[')
        return open_section(p, line);
    if (p->sec == SEC_DNS)
        return parse_dns(p, line);
    char *colon = strchr(line, ':');
    if (!colon)
        return fail(p, "expected key: value");
    *colon = '\0';
    const char *k = trim(line), *v = trim(colon + 1);
    p->last_text = NULL;
    switch (p->sec) {
    case SEC_TOP: return kv_top(p, k, v);
    case SEC_TEACH: return kv_teach(p, k, v);
    case SEC_POLICY: return kv_policy(p, k, v);
    case SEC_MX: return kv_mx(p, k, v);
    case SEC_EXPECT: return kv_expect(p, k, v);
    default: return fail(p, "unexpected line");
    }
}

/* finish - store the body with the chosen line endings; check required keys. */
static int finish(struct parser *p)
{
    struct lab_scn *s = p->s;
    p->lineno = 0;
    if (s->policy.present) {
        s->policy.body = xmalloc(p->body_len + 1);
        size_t j = 0;
        for (size_t i = 0; i < p->body_len; i++)
            if (p->crlf || p->body[i] != '\r')
                s->policy.body[j++] = p->body[i];
        s->policy.body[j] = '\0';
        s->policy.body_len = j;
    }
    if (!s->info.summary)
        return fail(p, "missing summary:");
    if (!s->info.verdict)
        return fail(p, "missing [expect] verdict:");
    if (!s->info.what || !s->info.sender || !s->info.fix)
        return fail(p, "[teach] needs what:, sender: and fix:");
    return 0;
}

static bool valid_name(const char *n)
{
    size_t len = strlen(n);
    if (!len || len > 40 || n[0] == '-')
        return false;
    for (; *n; n++)
        if (!islower((unsigned char)*n) && !isdigit((unsigned char)*n) && *n != '-')
            return false;
    return true;
}

struct lab_scn *lab_scn_parse(const char *text, size_t len, const char *name, char *err,
                              size_t errlen)
{
    struct lab_scn *s = xcalloc(1, sizeof *s);
    struct parser p = {.s = s, .err = err, .errlen = errlen, .crlf = true};
    s->info.name = xstrdup(name);
    s->info.domain = xasprintf("%s.%s", name, LAB_ZONE);
    s->order = 1000;
    int rc = valid_name(name) ? 0 : fail(&p, "scenario names are 1-40 of a-z, 0-9, -");
    const char *pos = text, *end = text + len;
    char line[LAB_LINE_MAX + 1];
    while (!rc && pos < end) {
        const char *nl = memchr(pos, '\n', (size_t)(end - pos));
        size_t n = nl ? (size_t)(nl - pos) : (size_t)(end - pos);
        p.lineno++;
        if (n > LAB_LINE_MAX || memchr(pos, '\0', n)) {
            rc = fail(&p, "line too long or contains NUL");
            break;
        }
        memcpy(line, pos, n);
        line[n] = '\0';
        rc = parse_line(&p, line);
        pos += n + 1;
    }
    if (!rc)
        rc = finish(&p);
    free(p.body);
    if (rc) {
        lab_scn_free(s);
        return NULL;
    }
    return s;
}

struct lab_scn *lab_scn_load(const char *path, const char *name, char *err, size_t errlen)
{
    size_t n;
    char *buf = asset_read(path, LAB_FILE_MAX, &n, err, errlen);
    struct lab_scn *s = buf ? lab_scn_parse(buf, n, name, err, errlen) : NULL;
    free(buf);
    return s;
}

static void free_words(char **w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(w[i]);
    free(w);
}

void lab_info_free(struct lab_scenario_info *i)
{
    free(i->name);
    free(i->summary);
    free(i->domain);
    free(i->verdict);
    free_words(i->codes, i->ncodes);
    free_words(i->absent, i->nabsent);
    free(i->what);
    free(i->sender);
    free(i->fix);
    memset(i, 0, sizeof *i);
}

static char **copy_words(char **w, size_t n)
{
    char **r = n ? xcalloc(n, sizeof *r) : NULL;
    for (size_t i = 0; i < n; i++)
        r[i] = xstrdup(w[i]);
    return r;
}

void lab_info_copy(struct lab_scenario_info *d, const struct lab_scenario_info *s)
{
    *d = (struct lab_scenario_info){
        .name = xstrdup(s->name), .summary = xstrdup(s->summary), .domain = xstrdup(s->domain),
        .verdict = xstrdup(s->verdict), .codes = copy_words(s->codes, s->ncodes),
        .ncodes = s->ncodes, .absent = copy_words(s->absent, s->nabsent),
        .nabsent = s->nabsent, .what = xstrdup(s->what), .sender = xstrdup(s->sender),
        .fix = xstrdup(s->fix)};
}

void lab_scn_free(struct lab_scn *s)
{
    if (!s)
        return;
    lab_info_free(&s->info);
    for (size_t i = 0; i < s->nrr; i++) {
        free(s->rr[i].owner);
        free(s->rr[i].rdata);
        free(s->rr[i].target);
    }
    free(s->rr);
    free(s->policy.host);
    free(s->policy.content_type);
    free(s->policy.location);
    free(s->policy.body);
    free_words(s->policy.names, s->policy.nnames);
    for (size_t i = 0; i < s->nmx; i++) {
        free(s->mx[i].host);
        free(s->mx[i].banner);
        free(s->mx[i].tlsa);
        free_words(s->mx[i].names, s->mx[i].nnames);
    }
    free(s->mx);
    free(s);
}

/* ---- directory listing ---- */

struct listed {
    char *name;
    int order;
};

static int cmp_listed(const void *a, const void *b)
{
    const struct listed *x = a, *y = b;
    if (x->order != y->order)
        return x->order < y->order ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* peek_order - the "order:" of a file without a full parse (listing only): the header
 * lines before the first section. */
static int peek_order(const char *path)
{
    char err[256];
    char *text = asset_read(path, LAB_FILE_MAX, NULL, err, sizeof err);
    int order = 1000;
    for (const char *line = text; line && *line && *line != '[';) {
        if (!strncmp(line, "order:", 6))
            order = atoi(line + 6);
        const char *nl = strchr(line, '\n');
        line = nl ? nl + 1 : "";
    }
    free(text);
    return order;
}

size_t lab_scn_list(const char *dir, char ***names)
{
    *names = NULL;
    char **files;
    size_t nfiles = dir ? asset_list(dir, ".scn", &files) : 0;
    struct listed *v = nfiles ? xcalloc(nfiles, sizeof *v) : NULL;
    size_t n = 0;
    for (size_t i = 0; i < nfiles; i++) {
        size_t len = strlen(files[i]);
        if (len > 4 && n < 1024) {
            char *path = xasprintf("%s/%s", dir, files[i]);
            v[n++] = (struct listed){xstrndup(files[i], len - 4), peek_order(path)};
            free(path);
        }
        free(files[i]);
    }
    free(files);
    if (n)
        qsort(v, n, sizeof *v, cmp_listed);
    *names = n ? xcalloc(n, sizeof **names) : NULL;
    for (size_t i = 0; i < n; i++)
        (*names)[i] = v[i].name;
    free(v);
    return n;
}

size_t lab_scenarios(const char *dir, struct lab_scenario_info **out)
{
    char **names;
    size_t n = lab_scn_list(dir, &names), k = 0;
    *out = n ? xcalloc(n, sizeof **out) : NULL;
    for (size_t i = 0; i < n; i++) {
        char err[256];
        char *path = xasprintf("%s/%s.scn", dir, names[i]);
        struct lab_scn *s = lab_scn_load(path, names[i], err, sizeof err);
        if (s)
            lab_info_copy(&(*out)[k++], &s->info);
        lab_scn_free(s);
        free(path);
        free(names[i]);
    }
    free(names);
    if (!k) {
        free(*out);
        *out = NULL;
    }
    return k;
}

void lab_scenarios_free(struct lab_scenario_info *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        lab_info_free(&v[i]);
    free(v);
}

/* ---- what a scenario publishes instead (lab_publish, for plans) ---- */

/* drop_rrs - remove the records of type at owner; returns the TTL the first one had. */
static uint32_t drop_rrs(struct lab_scn *s, const char *owner, uint16_t type)
{
    uint32_t ttl = 0;
    size_t j = 0;
    for (size_t i = 0; i < s->nrr; i++) {
        struct lab_rr *r = &s->rr[i];
        if (r->type == type && !strcasecmp(r->owner, owner)) {
            if (!ttl)
                ttl = r->ttl ? r->ttl : LAB_TTL;
            free(r->owner);
            free(r->rdata);
            free(r->target);
        } else {
            s->rr[j++] = *r;
        }
    }
    s->nrr = j;
    return ttl;
}

/* quoted - text as one quoted TXT string of a [dns] line. */
static char *quoted(const char *text)
{
    size_t n = strlen(text), o = 0;
    char *q = xmalloc(2 * n + 3);
    q[o++] = '"';
    for (size_t i = 0; i < n; i++) {
        if (text[i] == '"' || text[i] == '\\')
            q[o++] = '\\';
        q[o++] = text[i];
    }
    q[o++] = '"';
    q[o] = '\0';
    return q;
}

int lab_scn_publish(struct lab_scn *s, const struct lab_publish *pub, char *err, size_t errlen)
{
    struct parser p = {.s = s, .sec = SEC_DNS, .err = err, .errlen = errlen};
    char line[LAB_LINE_MAX];
    if (pub->policy || pub->no_policy) {
        if (!s->policy.present)
            return snprintf(err, errlen, "%s has no policy host", s->info.name), -1;
        free(s->policy.body);
        s->policy.body = xmalloc(pub->policy_len + 1);
        if (pub->policy)
            memcpy(s->policy.body, pub->policy, pub->policy_len);
        s->policy.body_len = pub->no_policy ? 0 : pub->policy_len;
        s->policy.body[s->policy.body_len] = '\0';
        s->policy.status = pub->no_policy ? 404 : 200;
    }
    if (pub->sts_record || pub->no_sts_record) {
        char *owner = xasprintf("_mta-sts.%s", s->info.domain);
        uint32_t ttl = drop_rrs(s, owner, 16);
        free(owner);
        if (pub->sts_record) {
            if (strlen(pub->sts_record) > 1000 || strpbrk(pub->sts_record, "\r\n"))
                return snprintf(err, errlen, "the TXT record is too long or has a line break"), -1;
            char *q = quoted(pub->sts_record);
            snprintf(line, sizeof line, "_mta-sts %u TXT %s", ttl ? ttl : LAB_TTL, q);
            free(q);
            if (parse_dns(&p, line))
                return -1;
        }
    }
    if (pub->nmx) {
        uint32_t ttl = drop_rrs(s, s->info.domain, 15);
        for (size_t i = 0; i < pub->nmx; i++) {
            if (strlen(pub->mx[i]) > 300 || strpbrk(pub->mx[i], "\r\n\""))
                return snprintf(err, errlen, "bad MX %s", pub->mx[i]), -1;
            snprintf(line, sizeof line, "@ %u MX %s", ttl ? ttl : LAB_TTL, pub->mx[i]);
            if (parse_dns(&p, line))
                return -1;
        }
    }
    return 0;
}
