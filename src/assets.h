/* assets - mxray's data files (teaching texts, lab scenarios, anything under assets/).
 *
 * Every file under assets/ is compiled into the binary (cmake/assets.cmake), so a copied
 * binary needs nothing beside it. Authors override them with $MXRAY_ASSETS, a directory laid
 * out like assets/: a name found there wins over the built-in one. Names are relative
 * ("learn/tls.txt", "scenarios"), with no "." or ".." component. */
#ifndef MXRAY_ASSETS_H
#define MXRAY_ASSETS_H

#include <stdbool.h>
#include <stddef.h>

/* asset_read - the contents of file `name`, NUL-terminated (caller frees), its length in
 * *len (may be NULL). NULL with a reason in err when it does not exist, is not a regular
 * file, cannot be read or is larger than max bytes. */
char *asset_read(const char *name, size_t max, size_t *len, char *err, size_t errlen);

/* asset_exists - true when file `name` exists (in $MXRAY_ASSETS or built in). */
bool asset_exists(const char *name);

/* asset_list - the file names directly in directory `dir` that end in suffix ("" for any),
 * without the directory, sorted; from $MXRAY_ASSETS/dir when that directory exists, else
 * built in. *names is an array of new strings (caller frees each and the array); returns the
 * count (0 with *names NULL when there is none). */
size_t asset_list(const char *dir, const char *suffix, char ***names);

/* asset_origin - where `name` (file or directory) comes from: "$MXRAY_ASSETS/<name>" spelled
 * out, "built in", or NULL when it exists nowhere. Static storage, for messages. */
const char *asset_origin(const char *name);

/* asset_search_desc - the places searched, for error messages (static storage). */
const char *asset_search_desc(void);

#endif
