/* cmd_tui - start the curses face on the engine with the command-line options. */
#include "cmd_tui.h"
#include "cmd_check.h"
#include "cli.h"
#include "dns.h"
#include "escape.h"
#include "exit_status.h"
#include "tui.h"
#include "usage.h"
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int cmd_tui(int argc, char **argv)
{
    struct cli_opts o;
    char err[256];
    if (cli_parse(argc, argv, 1, &o, err, sizeof err) < 0) {
        fprintf(stderr, "mxray: %s (see mxray --help)\n", err);
        return EX_USAGE;
    }
    if (o.help) {
        usage_main(stdout);
        return 0;
    }
    if (o.batch_file || o.concurrency_set || o.shard_n > 1) {
        fprintf(stderr, "mxray: --batch, --concurrency and --shard belong to mxray check\n");
        return EX_USAGE;
    }
    if (o.ndomains > 1) {
        fprintf(stderr, "mxray: the interactive view takes one domain; use mxray check for "
                        "several\n");
        return EX_USAGE;
    }
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        char *shown = escape_term(o.ndomains ? o.domains[0] : "DOMAIN");
        fprintf(stderr, "mxray: the interactive view needs a terminal; for a report use: "
                        "mxray check %.80s\n",
                shown);
        free(shown);
        return EX_USAGE;
    }
    int rc = cmd_preflight(&o, "");
    if (rc)
        return rc;
    char *domain = NULL;
    if (o.ndomains && cmd_normalize_domains(o.domains, 1, &domain) < 0)
        return EX_USAGE;
    struct engine e;
    if (engine_init(&e, o.resolvers, o.nresolvers, o.timeout_ms, err, sizeof err) < 0) {
        fprintf(stderr, "mxray: %s\n", err);
        free(domain);
        return EX_SOFTWARE;
    }
    struct diag_opts dopt;
    cmd_diag_opts(&o, &dopt);
    const char *nc = getenv("NO_COLOR");
    struct tui_config c = {
        .engine = &e,
        .opts = &dopt,
        .domain = domain,
        .input = o.ndomains ? o.domains[0] : NULL,
        .no_color = o.no_color || (nc && *nc),
        .resolver_desc = dns_resolver_desc(e.dns),
    };
    rc = tui_run(&c);
    engine_fini(&e);
    free(domain);
    return rc;
}
