/* cli - parsing of `mxray check` / `mxray [OPTIONS] [DOMAIN]` arguments (no side effects).
 *
 * The option set is binding (issue #2): --resolver ADDR[:PORT] (repeatable), --ca-file PATH,
 * --timeout SECONDS, -4, -6, --json, --no-color, --connect-to HOST:PORT:ADDR:PORT
 * (repeatable). Added: --verbose, --ehlo NAME. Pointers in the result borrow from argv. */
#ifndef MXRAY_CLI_H
#define MXRAY_CLI_H
#include <stdbool.h>
#include <stddef.h>
#include "limits.h"

#define CLI_DOMAINS_MAX 1024

struct cli_opts {
    const char *resolvers[MX_RESOLVERS_MAX];
    size_t nresolvers;
    const char *ca_file;
    int timeout_ms;
    int family; /* 0, 4 or 6 */
    bool json;
    bool no_color;
    bool verbose;
    const char *ehlo_name;
    const char *connect_to[MX_CONNECT_TO_MAX];
    size_t nconnect_to;
    const char *domains[CLI_DOMAINS_MAX];
    size_t ndomains;
    bool help;
};

/* cli_parse - parse argv[first..argc). Returns 0, or -1 with a one-line reason in err
 * (the caller prints it and exits 64). */
int cli_parse(int argc, char **argv, int first, struct cli_opts *o, char *err, size_t errlen);

/* cli_valid_resolver - "ADDR", "ADDR:PORT", "[V6]" or "[V6]:PORT" with a numeric address. */
bool cli_valid_resolver(const char *s);
/* cli_valid_connect_to - curl's HOST:PORT:ADDR:PORT (HOST/ports may be empty, ADDR may be a
 * bracketed IPv6 address or a name). */
bool cli_valid_connect_to(const char *s);

#endif
