/* tui_version - the curses library the TUI runs with (curses stays inside ui/tui/). */
#ifndef MXRAY_TUI_VERSION_H
#define MXRAY_TUI_VERSION_H

/* tui_curses_version - e.g. "ncurses 6.4.20221231", asked at run time; static storage. */
const char *tui_curses_version(void);

#endif
