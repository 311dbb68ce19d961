/* cmd_tui - `mxray [OPTIONS] [DOMAIN]`: the interactive diagnosis. */
#ifndef MXRAY_CMD_TUI_H
#define MXRAY_CMD_TUI_H
/* cmd_tui - argv[0] is the program; options and at most one domain follow. */
int cmd_tui(int argc, char **argv);
#endif
