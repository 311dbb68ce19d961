/* tui_learn - loads assets/learn/<name>.txt (see tui_learn.h). */
#include "tui_learn.h"
#include "escape.h"
#include "assets.h"
#include "xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* add_text - one tui line per text line; "# " lines are titles. */
static void add_text(const char *text, struct tui_lines *out)
{
    for (const char *line = text; *line;) {
        size_t len = strcspn(line, "\n");
        const char *next = line[len] ? line + len + 1 : line + len;
        while (len > 0 && line[len - 1] == '\r')
            len--;
        bool title = len >= 2 && strncmp(line, "# ", 2) == 0;
        char *esc = escape_bytes(title ? line + 2 : line, title ? len - 2 : len);
        tui_lines_addn(out, title ? TR_TITLE : TR_NORMAL, 0, esc);
        free(esc);
        line = next;
    }
}

int tui_learn_load(const char *name, struct tui_lines *out)
{
    if (!name_ok(name)) {
        tui_lines_add(out, TR_FAIL, 0, "no learn text for this step");
        return -1;
    }
    char *rel = xasprintf("learn/%s.txt", name), err[512];
    char *text = asset_read(rel, LEARN_MAX_BYTES, NULL, err, sizeof err);
    free(rel);
    if (!text) {
        char *esc = escape_bytes(err, strlen(err));
        tui_lines_add(out, TR_FAIL, 0, "learn text %s.txt: %s", name, esc);
        free(esc);
        return -1;
    }
    add_text(text, out);
    free(text);
    return 0;
}
