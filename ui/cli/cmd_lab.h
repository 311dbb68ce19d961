/* cmd_lab - `mxray lab [--env] [--list] [SCENARIO...]` and `mxray demo --list`.
 *
 * mxray lab serves the built-in lab (src/lab/lab.h) in the foreground, prints how to reach it
 * (resolver, CA file, connect-to mappings and ready-made mxray check / dig / curl / openssl
 * command lines), and runs until SIGINT or SIGTERM, then closes every socket and removes the
 * temporary directory it wrote. --env prints machine-readable KEY=VALUE lines instead (for
 * scripts and tests), ending with MXRAY_LAB_READY=1 once every server listens.
 *
 * main.c dispatches: `if (!strcmp(cmd, "lab")) return cmd_lab(argc - 1, argv + 1);`
 * (argv[0] is then "lab"), and for `mxray demo --list`: `return cmd_demo_list();`. */
#ifndef MXRAY_CMD_LAB_H
#define MXRAY_CMD_LAB_H

/* cmd_lab - returns 0 after a clean stop by signal, 64 on bad usage, 69 when the lab cannot
 * start (unknown scenario, no asset directory, bind failure). */
int cmd_lab(int argc, char **argv);

/* cmd_demo_list - print every scenario: name, expected verdict, summary. 0, or 69 when the
 * scenario directory is missing. */
int cmd_demo_list(void);

#endif
