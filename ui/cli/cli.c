/* cli - argument parsing for check and the TUI (contract in cli.h). */
#include "cli.h"
#include "escape.h"
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool valid_port(const char *s, size_t n, bool allow_empty)
{
    if (n == 0)
        return allow_empty;
    if (n > 5)
        return false;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    return v >= 1 && v <= 65535;
}

static bool numeric_addr(const char *s, size_t n, int af)
{
    char buf[64];
    unsigned char out[16];
    if (n == 0 || n >= sizeof buf)
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return inet_pton(af, buf, out) == 1;
}

bool cli_valid_resolver(const char *s)
{
    if (*s == '[') {
        const char *end = strchr(s, ']');
        if (!end || !numeric_addr(s + 1, (size_t)(end - s - 1), AF_INET6))
            return false;
        return end[1] == '\0' || (end[1] == ':' && valid_port(end + 2, strlen(end + 2), false));
    }
    const char *colon = strchr(s, ':');
    if (colon && strchr(colon + 1, ':')) /* bare IPv6 without brackets: no port possible */
        return numeric_addr(s, strlen(s), AF_INET6);
    if (!colon)
        return numeric_addr(s, strlen(s), AF_INET);
    return numeric_addr(s, (size_t)(colon - s), AF_INET) &&
           valid_port(colon + 1, strlen(colon + 1), false);
}

static bool valid_name_part(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '.' && s[i] != '_')
            return false;
    return n <= 253;
}

bool cli_valid_connect_to(const char *s)
{
    /* HOST:PORT:ADDR:PORT; ADDR may be [v6]. */
    const char *p1 = strchr(s, ':');
    if (!p1 || !valid_name_part(s, (size_t)(p1 - s)))
        return false;
    const char *p2 = strchr(p1 + 1, ':');
    if (!p2 || !valid_port(p1 + 1, (size_t)(p2 - p1 - 1), true))
        return false;
    const char *a = p2 + 1, *p3;
    if (*a == '[') {
        const char *end = strchr(a, ']');
        if (!end || !numeric_addr(a + 1, (size_t)(end - a - 1), AF_INET6) || end[1] != ':')
            return false;
        p3 = end + 1;
    } else {
        /* A name here was looked up through the resolver under test and blamed the domain for
         * a typo ("localhost", "999.1.1.1"): the target is a numeric address, or empty (keep
         * the address DNS gives, change only the port). */
        p3 = strchr(a, ':');
        if (!p3 || (p3 > a && !numeric_addr(a, (size_t)(p3 - a), AF_INET)))
            return false;
    }
    return valid_port(p3 + 1, strlen(p3 + 1), true);
}

bool cli_valid_ehlo(const char *s)
{
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '[' && s[n - 1] == ']') { /* address literal, RFC 5321 4.1.3 */
        if (strncasecmp(s + 1, "IPv6:", 5) == 0)
            return numeric_addr(s + 6, n - 7, AF_INET6);
        return numeric_addr(s + 1, n - 2, AF_INET);
    }
    if (n == 0 || n > 253)
        return false;
    /* RFC 5321 4.1.2 Domain: dot-separated labels of letters, digits and inner hyphens. */
    size_t label = 0;
    for (size_t i = 0; i <= n; i++) {
        char c = s[i];
        if (c == '.' || c == '\0') {
            if (label == 0 || label > 63 || s[i - 1] == '-')
                return false;
            label = 0;
        } else if (isalnum((unsigned char)c) || (c == '-' && label > 0)) {
            label++;
        } else {
            return false;
        }
    }
    return true;
}

/* shown - an untrusted option value for an error message: escaped, at most 80 bytes. */
static const char *shown(const char *v, char *buf, size_t len)
{
    char *e = escape_term(v);
    snprintf(buf, len, "%.80s%s", e, strlen(e) > 80 ? "..." : "");
    free(e);
    return buf;
}

static int parse_timeout(const char *v, int *ms)
{
    char *end;
    errno = 0;
    double s = strtod(v, &end);
    if (errno || end == v || *end || !(s >= 0.1 && s <= 600))
        return -1;
    *ms = (int)(s * 1000);
    return 0;
}

static int parse_uint(const char *s, size_t n, long max, long *out)
{
    long v = 0;
    if (n == 0 || n > 9)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    if (v > max)
        return -1;
    *out = v;
    return 0;
}

int cli_parse_shard(const char *s, int *k, int *n)
{
    const char *slash = strchr(s, '/');
    long kv, nv;
    if (!slash || parse_uint(s, (size_t)(slash - s), CLI_SHARD_MAX, &kv) < 0 ||
        parse_uint(slash + 1, strlen(slash + 1), CLI_SHARD_MAX, &nv) < 0 || kv < 1 || kv > nv)
        return -1;
    *k = (int)kv;
    *n = (int)nv;
    return 0;
}

/* take_value - the value of an option given as "--opt VALUE" or "--opt=VALUE". */
static const char *take_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (*i + 1 >= argc)
        return NULL;
    return argv[++*i];
}

static bool is_opt(const char *arg, const char *name)
{
    size_t n = strlen(name);
    return strncmp(arg, name, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

static int parse_option(int argc, char **argv, int *i, struct cli_opts *o, char *err,
                        size_t errlen)
{
    const char *a = argv[*i], *v;
    char sv[96];
#define VALUE(name)                                                                             \
    do {                                                                                        \
        if (!(v = take_value(argc, argv, i, name))) {                                           \
            snprintf(err, errlen, "%s needs a value", name);                                    \
            return -1;                                                                          \
        }                                                                                       \
    } while (0)
    if (strcmp(a, "-4") == 0 || strcmp(a, "-6") == 0) {
        o->family = a[1] - '0';
    } else if (strcmp(a, "--json") == 0) {
        o->format = CLI_FMT_JSON;
    } else if (is_opt(a, "--format")) {
        VALUE("--format");
        if (strcmp(v, "text") == 0)
            o->format = CLI_FMT_TEXT;
        else if (strcmp(v, "json") == 0)
            o->format = CLI_FMT_JSON;
        else if (strcmp(v, "markdown") == 0 || strcmp(v, "md") == 0)
            o->format = CLI_FMT_MARKDOWN;
        else if (strcmp(v, "nagios") == 0)
            o->format = CLI_FMT_NAGIOS;
        else {
            snprintf(err, errlen, "--format %.40s: expected text, json, markdown or nagios", v);
            return -1;
        }
    } else if (strcmp(a, "--no-color") == 0 || strcmp(a, "--no-colour") == 0) {
        o->no_color = true;
    } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
        o->verbose = true;
    } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
        o->help = true;
    } else if (is_opt(a, "--resolver")) {
        VALUE("--resolver");
        if (!cli_valid_resolver(v)) {
            snprintf(err, errlen, "--resolver %s: expected a numeric ADDR or ADDR:PORT",
                     shown(v, sv, sizeof sv));
            return -1;
        }
        if (o->nresolvers == MX_RESOLVERS_MAX) {
            snprintf(err, errlen, "at most %d --resolver options", MX_RESOLVERS_MAX);
            return -1;
        }
        o->resolvers[o->nresolvers++] = v;
    } else if (is_opt(a, "--ca-file")) {
        VALUE("--ca-file");
        o->ca_file = v;
    } else if (is_opt(a, "--timeout")) {
        VALUE("--timeout");
        if (parse_timeout(v, &o->timeout_ms) < 0) {
            snprintf(err, errlen, "--timeout %s: expected seconds between 0.1 and 600",
                     shown(v, sv, sizeof sv));
            return -1;
        }
    } else if (is_opt(a, "--connect-to")) {
        VALUE("--connect-to");
        if (!cli_valid_connect_to(v)) {
            snprintf(err, errlen, "--connect-to %s: expected HOST:PORT:ADDR:PORT with a numeric ADDR",
                     shown(v, sv, sizeof sv));
            return -1;
        }
        if (o->nconnect_to == MX_CONNECT_TO_MAX) {
            snprintf(err, errlen, "at most %d --connect-to options", MX_CONNECT_TO_MAX);
            return -1;
        }
        o->connect_to[o->nconnect_to++] = v;
    } else if (is_opt(a, "--ehlo")) {
        VALUE("--ehlo");
        if (!cli_valid_ehlo(v)) {
            snprintf(err, errlen,
                     "--ehlo %s: expected a host name (letters, digits, hyphens, dots; at "
                     "most 253 bytes) or an address literal like [192.0.2.1]",
                     shown(v, sv, sizeof sv));
            return -1;
        }
        o->ehlo_name = v;
    } else if (is_opt(a, "--batch")) {
        VALUE("--batch");
        if (o->batch_file) {
            snprintf(err, errlen, "--batch given twice");
            return -1;
        }
        o->batch_file = v;
    } else if (is_opt(a, "--concurrency")) {
        VALUE("--concurrency");
        long n;
        if (parse_uint(v, strlen(v), CLI_CONCURRENCY_MAX, &n) < 0 || n < 1) {
            snprintf(err, errlen, "--concurrency %s: expected a number from 1 to %d",
                     shown(v, sv, sizeof sv), CLI_CONCURRENCY_MAX);
            return -1;
        }
        o->concurrency = (int)n;
        o->concurrency_set = true;
    } else if (is_opt(a, "--state")) {
        VALUE("--state");
        if (!*v) {
            snprintf(err, errlen, "--state needs a directory");
            return -1;
        }
        o->state_dir = v;
    } else if (strcmp(a, "--no-state") == 0) {
        o->no_state = true;
    } else if (strcmp(a, "--require-sts") == 0) {
        o->require_sts = true;
    } else if (is_opt(a, "--warn-days") || is_opt(a, "--crit-days")) {
        bool warn = is_opt(a, "--warn-days");
        const char *name = warn ? "--warn-days" : "--crit-days";
        VALUE(name);
        long n;
        if (parse_uint(v, strlen(v), MX_DAYS_MAX, &n) < 0) {
            snprintf(err, errlen, "%s %.40s: expected days from 0 to %d", name, v, MX_DAYS_MAX);
            return -1;
        }
        *(warn ? &o->warn_days : &o->crit_days) = (int)n;
    } else if (is_opt(a, "--shard")) {
        VALUE("--shard");
        if (cli_parse_shard(v, &o->shard_k, &o->shard_n) < 0) {
            snprintf(err, errlen, "--shard %s: expected K/N with 1 <= K <= N",
                     shown(v, sv, sizeof sv));
            return -1;
        }
    } else {
        snprintf(err, errlen, "unknown option %s", shown(a, sv, sizeof sv));
        return -1;
    }
#undef VALUE
    return 0;
}

int cli_parse(int argc, char **argv, int first, struct cli_opts *o, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    o->timeout_ms = MX_TIMEOUT_DEFAULT_MS;
    o->concurrency = CLI_CONCURRENCY_DEFAULT;
    o->shard_k = o->shard_n = 1;
    o->warn_days = MX_EXPIRING_DAYS;
    o->crit_days = MX_CRITICAL_DAYS;
    bool only_args = false;
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        if (!only_args && strcmp(a, "--") == 0) {
            only_args = true;
        } else if (!only_args && a[0] == '-' && a[1] != '\0') {
            if (parse_option(argc, argv, &i, o, err, errlen) < 0)
                return -1;
        } else {
            if (o->ndomains == CLI_DOMAINS_MAX) {
                snprintf(err, errlen, "at most %d domains on the command line", CLI_DOMAINS_MAX);
                return -1;
            }
            o->domains[o->ndomains++] = a;
        }
    }
    o->json = o->format == CLI_FMT_JSON;
    if (o->batch_file && o->format == CLI_FMT_MARKDOWN) {
        snprintf(err, errlen, "--format markdown does not combine with --batch (a batch writes "
                              "a table, or JSON Lines with --format json); check the domains "
                              "one by one for Markdown");
        return -1;
    }
    if (o->crit_days > o->warn_days) {
        snprintf(err, errlen, "--crit-days %d is above --warn-days %d", o->crit_days,
                 o->warn_days);
        return -1;
    }
    return 0;
}

bool cli_wants_nagios(int argc, char **argv, int first)
{
    bool nagios = false;
    for (int i = first; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
            nagios = strcmp(argv[++i], "nagios") == 0;
        else if (strncmp(argv[i], "--format=", 9) == 0)
            nagios = strcmp(argv[i] + 9, "nagios") == 0;
        else if (strcmp(argv[i], "--json") == 0)
            nagios = false;
    }
    return nagios;
}
