/* cli - parsing of `mxray check` / `mxray [OPTIONS] [DOMAIN]` arguments (no side effects).
 *
 * The option set is binding (issue #2): --resolver ADDR[:PORT] (repeatable), --ca-file PATH,
 * --timeout SECONDS, -4, -6, --json, --no-color, --connect-to HOST:PORT:ADDR:PORT
 * (repeatable). Added: --verbose, --ehlo NAME; batch mode (issue #6): --batch FILE ("-" is
 * stdin), --concurrency N, --shard K/N; issue #10: --format text|json|markdown (--json is
 * --format json); history and monitoring (issue #13): --format nagios, --state DIR,
 * --no-state, --warn-days N, --crit-days N, --require-sts. Pointers in the result borrow
 * from argv. */
#ifndef MXRAY_CLI_H
#define MXRAY_CLI_H
#include <stdbool.h>
#include <stddef.h>
#include "mx_limits.h"

#define CLI_DOMAINS_MAX 1024
#define CLI_CONCURRENCY_DEFAULT 32  /* domains in flight: gentle on a home router's resolver */
#define CLI_CONCURRENCY_MAX 1000    /* each domain holds a few sockets at once */
#define CLI_SHARD_MAX 1000000

/* The report format of `mxray check`; nagios is one monitoring-plugin line per domain. */
enum cli_format { CLI_FMT_TEXT, CLI_FMT_JSON, CLI_FMT_MARKDOWN, CLI_FMT_NAGIOS };

struct cli_opts {
    const char *resolvers[MX_RESOLVERS_MAX];
    size_t nresolvers;
    const char *ca_file;
    int timeout_ms;
    int family; /* 0, 4 or 6 */
    enum cli_format format;
    bool json; /* format == CLI_FMT_JSON (kept for the callers that test it) */
    bool no_color;
    bool verbose;
    const char *ehlo_name;
    const char *connect_to[MX_CONNECT_TO_MAX];
    size_t nconnect_to;
    const char *domains[CLI_DOMAINS_MAX];
    size_t ndomains;
    const char *batch_file; /* NULL, a path, or "-" for stdin */
    int concurrency;        /* domains in flight (default CLI_CONCURRENCY_DEFAULT) */
    bool concurrency_set;   /* --concurrency was given */
    int shard_k, shard_n;   /* --shard K/N, 1 <= K <= N; 1/1 when not given */
    const char *state_dir;  /* --state DIR, or NULL for the default */
    bool no_state;          /* --no-state */
    int warn_days, crit_days; /* --warn-days (21), --crit-days (7) */
    bool require_sts;       /* --require-sts: no MTA-STS is CRITICAL (nagios) */
    bool help;
};

/* cli_parse - parse argv[first..argc). Returns 0, or -1 with a one-line reason in err
 * (the caller prints it and exits 64). */
int cli_parse(int argc, char **argv, int first, struct cli_opts *o, char *err, size_t errlen);

/* cli_valid_resolver - "ADDR", "ADDR:PORT", "[V6]" or "[V6]:PORT" with a numeric address. */
bool cli_valid_resolver(const char *s);
/* cli_valid_connect_to - curl's HOST:PORT:ADDR:PORT (HOST/ports may be empty, ADDR may be a
 * bracketed IPv6 address; it must be numeric or empty, a name is refused). */
bool cli_valid_connect_to(const char *s);
/* cli_valid_ehlo - a host name (RFC 5321 Domain) or an address literal [v4] / [IPv6:v6]. */
bool cli_valid_ehlo(const char *s);
/* cli_parse_shard - "K/N" with 1 <= K <= N <= CLI_SHARD_MAX; 0 or -1. */
int cli_parse_shard(const char *s, int *k, int *n);
/* cli_wants_nagios - argv asks for --format nagios (so even a usage error answers as a
 * monitoring plugin: UNKNOWN, exit 3). */
bool cli_wants_nagios(int argc, char **argv, int first);

#endif
