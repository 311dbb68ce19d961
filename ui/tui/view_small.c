/* view_small - the "terminal too small" message, fitted to the terminal (see view_small.h). */
#include "view_small.h"
#include <stdio.h>
#include <string.h>

/* wrap_words - s broken at spaces into lines of at most cols columns (ASCII), appended to out;
 * returns false (out unchanged) when a word is wider than cols or more than lines are needed. */
static bool wrap_words(const char *s, int cols, int lines, struct tui_lines *out)
{
    char line[128][128];
    int n = 0;
    size_t len = 0;
    line[0][0] = '\0';
    while (*s) {
        size_t w = strcspn(s, " ");
        if (w == 0) {
            s++;
            continue;
        }
        if ((int)w > cols || w >= sizeof line[0])
            return false;
        if (len && (int)(len + 1 + w) > cols) { /* the word starts a new line */
            if (++n >= lines || n >= 128)
                return false;
            len = 0;
            line[n][0] = '\0';
        }
        if (len)
            line[n][len++] = ' ';
        memcpy(line[n] + len, s, w);
        len += w;
        line[n][len] = '\0';
        s += w;
    }
    for (int i = 0; i <= n; i++)
        tui_lines_addn(out, TR_BOLD, 0, line[i]);
    return true;
}

void view_small_build(struct tui_lines *out, int cols, int lines, int min_cols, int min_lines)
{
    char v[4][96];
    snprintf(v[0], sizeof v[0], "terminal too small (%dx%d, need %dx%d)", cols, lines, min_cols,
             min_lines);
    snprintf(v[1], sizeof v[1], "too small: need %dx%d", min_cols, min_lines);
    snprintf(v[2], sizeof v[2], "need %dx%d", min_cols, min_lines);
    snprintf(v[3], sizeof v[3], "%dx%d", min_cols, min_lines);
    for (int i = 0; i < 4; i++)
        if (wrap_words(v[i], cols, lines, out))
            return;
    if (cols >= 1 && lines >= 1) /* not even the size fits: a sign of life */
        tui_lines_addn(out, TR_BOLD, 0, "!");
}
