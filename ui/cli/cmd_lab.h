/* cmd_lab - `mxray lab [--env] [--list] [SCENARIO...]` and `mxray demo --list`.
 *
 * mxray lab serves the built-in lab (src/lab/lab.h) in the foreground, prints how to reach it
 * (resolver, CA file, connect-to mappings and ready-made mxray check / dig / curl / openssl
 * command lines), and runs until SIGINT, SIGTERM, SIGHUP or SIGQUIT, then closes every socket
 * and removes the
 * temporary directory it wrote. --env prints machine-readable KEY=VALUE lines instead (for
 * scripts and tests), ending with MXRAY_LAB_READY=1 once every server listens.
 *
 * main.c dispatches: `if (!strcmp(cmd, "lab")) return cmd_lab(argc - 1, argv + 1);`
 * (argv[0] is then "lab"), and for `mxray demo --list`: `return cmd_demo_list();`. */
#ifndef MXRAY_CMD_LAB_H
#define MXRAY_CMD_LAB_H
#include <stddef.h>

/* cmd_lab - returns 0 after a clean stop by signal, EX_USAGE on bad usage or an unknown
 * scenario, EX_UNAVAILABLE when the lab cannot start (no asset directory, bind failure),
 * EX_SOFTWARE when the open-file limit is too low, EX_IOERR when its guide cannot be written. */
int cmd_lab(int argc, char **argv);

/* cmd_demo_list - print every scenario: name, expected verdict, summary. 0, or
 * EX_UNAVAILABLE when the scenario directory is missing. */
int cmd_demo_list(void);

/* cmd_lab_check_names - every name is a scenario of dir; else one line on stderr per the
 * first unknown one ("mxray CMD: unknown scenario ...", escaped) and EX_USAGE. */
int cmd_lab_check_names(const char *dir, const char *const *names, size_t n, const char *cmd);

#endif
