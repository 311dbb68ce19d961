#ifndef MXRAY_UI_VERSION_H
#define MXRAY_UI_VERSION_H
#include <stdio.h>

const char *mxray_version(void);

/* version_write - what `mxray --version` prints: "mxray VERSION", " (git REVISION)" when
 * revision is not empty, then one line per library actually linked (c-ares, libcurl,
 * OpenSSL, libidn2, ncurses), each "  NAME VERSION". */
void version_write(FILE *f, const char *revision);
#endif
