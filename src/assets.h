/* assets - where mxray's data files live (teaching texts, lab scenarios).
 *
 * The search order, in one place: $MXRAY_ASSETS, then the source tree (MXRAY_ASSET_DIR, for
 * a build run in place), then the installed copy (MXRAY_INSTALLED_ASSET_DIR). */
#ifndef MXRAY_ASSETS_H
#define MXRAY_ASSETS_H
#include <stddef.h>

/* asset_find - the first "<base>/<rel>" that exists, as a new string (caller frees), or
 * NULL. rel is relative, e.g. "scenarios" or "learn/tls.txt". */
char *asset_find(const char *rel);

/* asset_read - the contents of file `name` (relative, e.g. "lessons/x.lesson"),
 * NUL-terminated (caller frees), its length in *len (may be NULL). NULL with a reason in err
 * when it does not exist, is not a regular file, cannot be read or is larger than max bytes.
 * (The same contract as issue 11's compiled-in assets, so readers need not change.) */
char *asset_read(const char *name, size_t max, size_t *len, char *err, size_t errlen);

/* asset_list - the file names directly in directory `dir` that end in suffix ("" for any),
 * without the directory, sorted. *names is an array of new strings (caller frees each and the
 * array); returns the count (0 with *names NULL when there is none). */
size_t asset_list(const char *dir, const char *suffix, char ***names);

/* asset_search_desc - the bases tried, for error messages (static storage). */
const char *asset_search_desc(void);

#endif
