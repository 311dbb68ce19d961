/* version - the version string shown by --version and in reports. */
#include "version.h"
#include "linked.h"
#include "tui_version.h"

const char *mxray_version(void)
{
    return MXRAY_VERSION;
}

void version_write(FILE *f, const char *revision)
{
    fprintf(f, "mxray %s", MXRAY_VERSION);
    if (revision && *revision)
        fprintf(f, " (git %s)", revision);
    fputc('\n', f);
    struct linked_lib libs[8];
    size_t n = linked_libs(libs, sizeof libs / sizeof libs[0]);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "  %s %s\n", libs[i].name, libs[i].version ? libs[i].version : "?");
    fprintf(f, "  %s\n", tui_curses_version()); /* curses is the TUI library's own */
}
