/* assets - where mxray's data files live (teaching texts, lab scenarios).
 *
 * The search order, in one place: $MXRAY_ASSETS, then the source tree (MXRAY_ASSET_DIR, for
 * a build run in place), then the installed copy (MXRAY_INSTALLED_ASSET_DIR). */
#ifndef MXRAY_ASSETS_H
#define MXRAY_ASSETS_H

/* asset_find - the first "<base>/<rel>" that exists, as a new string (caller frees), or
 * NULL. rel is relative, e.g. "scenarios" or "learn/tls.txt". */
char *asset_find(const char *rel);

/* asset_search_desc - the bases tried, for error messages (static storage). */
const char *asset_search_desc(void);

#endif
