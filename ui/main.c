/* main - mxray's entry point: dispatch to a subcommand or the interactive TUI. */
#include "cmd_check.h"
#include "usage.h"
#include "version.h"
#include <locale.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    if (argc < 2) {
        usage_main(stderr);
        return 64;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage_main(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("mxray %s\n", mxray_version());
        return 0;
    }
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 1, argv + 1);
    fprintf(stderr, "mxray: unknown command %.80s (see mxray --help)\n", cmd);
    return 64;
}
