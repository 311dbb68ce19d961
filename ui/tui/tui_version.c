/* tui_version - see tui_version.h. */
#include "tui_version.h"
#include <curses.h>

const char *tui_curses_version(void)
{
    return curses_version();
}
