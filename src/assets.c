/* assets - the asset search order (see assets.h). */
#include "assets.h"
#include "xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

char *asset_find(const char *rel)
{
    const char *bases[] = {getenv("MXRAY_ASSETS"), MXRAY_ASSET_DIR, MXRAY_INSTALLED_ASSET_DIR};
    for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++) {
        if (!bases[i] || !bases[i][0])
            continue;
        char *p = xasprintf("%s/%s", bases[i], rel);
        struct stat st;
        if (stat(p, &st) == 0)
            return p;
        free(p);
    }
    return NULL;
}

const char *asset_search_desc(void)
{
    return "$MXRAY_ASSETS, " MXRAY_ASSET_DIR " and " MXRAY_INSTALLED_ASSET_DIR;
}
