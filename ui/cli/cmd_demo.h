/* cmd_demo - `mxray demo [--no-color] [--list] [SCENARIO]`: the TUI against the built-in lab.
 *
 * Starts the lab (every scenario) on the engine's own loop and opens the TUI on a scenario
 * picker, or directly on SCENARIO's domain. The engine is pointed at the lab only through
 * ordinary options: the lab's resolver, its CA file and its connect-to mappings.
 * main.c dispatches: `if (!strcmp(cmd, "demo")) return cmd_demo(argc - 1, argv + 1);`
 * (argv[0] is then "demo"). */
#ifndef MXRAY_CMD_DEMO_H
#define MXRAY_CMD_DEMO_H

/* cmd_demo - the TUI's exit status; 64 on bad usage, 69 when the lab cannot start. */
int cmd_demo(int argc, char **argv);

#endif
