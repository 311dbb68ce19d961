/* tui_learn - the "learn" texts: what a step is in MTA-STS and why, with RFC references.
 *
 * Contract: texts live in assets/learn/<name>.txt (name from tui_node_learn_name), read
 * through assets.h ($MXRAY_ASSETS, else the copy built into mxray). Lines starting "# " are
 * titles. Every line is escaped on load, like any other outside text. */
#ifndef MXRAY_TUI_LEARN_H
#define MXRAY_TUI_LEARN_H
#include "tui_text.h"

/* tui_learn_load - append the text of name to out; returns 0, or -1 after appending a line
 * that says why it could not be read. name must be a plain word ([a-z_]). */
int tui_learn_load(const char *name, struct tui_lines *out);

#endif
