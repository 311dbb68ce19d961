/* cmd_history - `mxray history DOMAIN [--json] [--state DIR]`: the timeline `mxray check`
 * kept for a domain (state.h): each stretch of checks that saw the same thing, and what
 * changed when. Reads only; never writes the state.
 * Exit status: 0 shown, 64 usage (a name that is not a domain, or one that could leave the
 * state directory), 65 the state file was rejected (why on stderr), 66 no history yet,
 * 74 the file could not be read. */
#ifndef MXRAY_CMD_HISTORY_H
#define MXRAY_CMD_HISTORY_H

int cmd_history(int argc, char **argv);

#endif
