/* tui_learn - loads assets/learn/<name>.txt (see tui_learn.h). */
#include "tui_learn.h"
#include "escape.h"
#include "assets.h"
#include "xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MXRAY_ASSET_DIR
#define MXRAY_ASSET_DIR "assets"
#endif
#ifndef MXRAY_INSTALLED_ASSET_DIR
#define MXRAY_INSTALLED_ASSET_DIR "/usr/local/share/mxray"
#endif

#define LEARN_MAX_BYTES 65536 /* our own short texts; a bound all the same */

static bool name_ok(const char *name)
{
    if (!name || !*name)
        return false;
    for (const char *s = name; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || *s == '_'))
            return false;
    return true;
}

static int load_file(const char *path, struct tui_lines *out)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[1024];
    size_t total = 0;
    while (total < LEARN_MAX_BYTES && fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        total += len;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        bool title = strncmp(line, "# ", 2) == 0;
        char *text = escape_bytes(title ? line + 2 : line, title ? len - 2 : len);
        tui_lines_addn(out, title ? TR_TITLE : TR_NORMAL, 0, text);
        free(text);
    }
    fclose(f);
    return 0;
}

int tui_learn_load(const char *name, struct tui_lines *out)
{
    if (!name_ok(name)) {
        tui_lines_add(out, TR_FAIL, 0, "no learn text for this step");
        return -1;
    }
    char *rel = xasprintf("learn/%s.txt", name);
    char *path = asset_find(rel);
    free(rel);
    int rc = path ? load_file(path, out) : -1;
    free(path);
    if (rc == 0)
        return 0;
    tui_lines_add(out, TR_FAIL, 0, "learn text %s.txt not found (set MXRAY_ASSETS to the assets "
                  "directory; tried %s)", name, asset_search_desc());
    return -1;
}
