/* assets - the asset search order (see assets.h). */
#include "assets.h"
#include "xalloc.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
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

char *asset_read(const char *name, size_t max, size_t *len, char *err, size_t errlen)
{
    if (strstr(name, "..") || name[0] == '/') {
        snprintf(err, errlen, "bad asset name %.100s", name);
        return NULL;
    }
    char *path = asset_find(name);
    struct stat st;
    FILE *f = path && stat(path, &st) == 0 && S_ISREG(st.st_mode) ? fopen(path, "rb") : NULL;
    if (!f) {
        snprintf(err, errlen, "%s: %s", name, path ? strerror(errno) : "not found");
        free(path);
        return NULL;
    }
    char *buf = xmalloc(max + 2);
    size_t n = fread(buf, 1, max + 1, f);
    fclose(f);
    if (n > max) {
        snprintf(err, errlen, "%s: larger than %zu bytes", path, max);
        free(buf);
        free(path);
        return NULL;
    }
    free(path);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t asset_list(const char *dir, const char *suffix, char ***names)
{
    enum { LIST_MAX = 4096 };
    *names = NULL;
    size_t n = 0, sl = strlen(suffix);
    char *path = asset_find(dir);
    DIR *d = path ? opendir(path) : NULL;
    free(path);
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < LIST_MAX) {
        size_t l = strlen(e->d_name);
        if (e->d_name[0] == '.' || l < sl || strcmp(e->d_name + l - sl, suffix))
            continue;
        xptr_push((void ***)names, &n, xstrdup(e->d_name));
    }
    closedir(d);
    if (n)
        qsort(*names, n, sizeof **names, cmp_names);
    return n;
}
