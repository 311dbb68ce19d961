/* linked - the versions of the libraries the engine runs with, asked at run time (what a bug
 * report needs: the shared library actually loaded, not the headers mxray was built with). */
#ifndef MXRAY_LINKED_H
#define MXRAY_LINKED_H
#include <stddef.h>

struct linked_lib {
    const char *name;    /* "c-ares", "libcurl", "OpenSSL", "libidn2" */
    const char *version; /* as the library reports it; static storage */
};

/* linked_libs - fill up to max entries; returns how many. */
size_t linked_libs(struct linked_lib *out, size_t max);

#endif
