/* fuzz_cli - the command-line parser. Input: argv words separated by NUL bytes (argv[0] is
 * "mxray", parsing starts at 1 as cmd_check does). Properties: -1 always gives a reason;
 * 0 gives bounded lists, a family of 0/4/6, a positive timeout, and pointers into argv. */
#include "fuzz.h"
#include "cli.h"

#define ARGS_MAX 256

static int in_argv(const char *p, char **argv, int argc)
{
    for (int i = 0; i < argc; i++)
        if (p >= argv[i] && p <= argv[i] + strlen(argv[i]))
            return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = fuzz_strndup(data, size); /* NUL after the last word */
    char *argv[ARGS_MAX + 2];
    int argc = 0;
    argv[argc++] = "mxray";
    for (size_t off = 0; off < size && argc <= ARGS_MAX; off += strlen(buf + off) + 1)
        argv[argc++] = buf + off;
    argv[argc] = NULL;

    struct cli_opts o;
    char err[256] = "";
    int rc = cli_parse(argc, argv, 1, &o, err, sizeof err);
    FUZZ_CHECK(rc == 0 || rc == -1);
    if (rc < 0) {
        FUZZ_CHECK(err[0] != '\0');
    } else {
        FUZZ_CHECK(o.nresolvers <= MX_RESOLVERS_MAX && o.nconnect_to <= MX_CONNECT_TO_MAX);
        FUZZ_CHECK(o.ndomains <= CLI_DOMAINS_MAX);
        FUZZ_CHECK(o.family == 0 || o.family == 4 || o.family == 6);
        FUZZ_CHECK(o.timeout_ms > 0);
        for (size_t i = 0; i < o.nresolvers; i++)
            FUZZ_CHECK(in_argv(o.resolvers[i], argv, argc) && cli_valid_resolver(o.resolvers[i]));
        for (size_t i = 0; i < o.nconnect_to; i++)
            FUZZ_CHECK(in_argv(o.connect_to[i], argv, argc) &&
                       cli_valid_connect_to(o.connect_to[i]));
        for (size_t i = 0; i < o.ndomains; i++)
            FUZZ_CHECK(in_argv(o.domains[i], argv, argc));
    }
    free(buf);
    return 0;
}
