/* view_small - what the TUI says when the terminal is smaller than it can use.
 *
 * Contract: view_small_build fills out with at most lines rows, none wider than cols columns,
 * saying as much as fits of "terminal too small (CxL, need MxN)": the whole sentence wrapped
 * when there is room, else a shorter form, down to the needed size alone. Pure. */
#ifndef MXRAY_VIEW_SMALL_H
#define MXRAY_VIEW_SMALL_H
#include "tui_text.h"

void view_small_build(struct tui_lines *out, int cols, int lines, int min_cols, int min_lines);

#endif
