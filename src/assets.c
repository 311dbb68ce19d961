/* assets - $MXRAY_ASSETS first, then the copy compiled in (see assets.h). */
#include "assets.h"
#include "assets_data.h"
#include "xalloc.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ASSET_LIST_MAX 4096 /* names in one directory; ours have tens */

/* name_ok - relative, no empty, "." or ".." component: a name cannot leave the directory. */
static bool name_ok(const char *name)
{
    if (!name || !*name || *name == '/')
        return false;
    for (const char *p = name; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return false;
        p += n;
        if (*p == '/' && !*++p)
            return false;
    }
    return true;
}

/* override_path - "$MXRAY_ASSETS/name", or NULL when MXRAY_ASSETS is unset or empty. */
static char *override_path(const char *name)
{
    const char *base = getenv("MXRAY_ASSETS");
    return base && *base ? xasprintf("%s/%s", base, name) : NULL;
}

static bool is_type(const char *path, mode_t type)
{
    struct stat st;
    return path && stat(path, &st) == 0 && (st.st_mode & S_IFMT) == type;
}

static const struct mxray_asset *builtin(const char *name)
{
    for (unsigned long i = 0; i < mxray_nassets; i++)
        if (strcmp(mxray_assets[i].name, name) == 0)
            return &mxray_assets[i];
    return NULL;
}

/* builtin_in - true when some built-in file lies under directory dir. */
static bool builtin_in(const char *dir)
{
    size_t dl = strlen(dir);
    for (unsigned long i = 0; i < mxray_nassets; i++)
        if (strncmp(mxray_assets[i].name, dir, dl) == 0 && mxray_assets[i].name[dl] == '/')
            return true;
    return false;
}

static char *read_file(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: %s", path, fd < 0 ? strerror(errno) : "not a regular file");
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    char *buf = xmalloc(max + 1);
    size_t n = 0;
    ssize_t r = 0;
    while (n <= max && (r = read(fd, buf + n, max + 1 - n)) > 0)
        n += (size_t)r;
    int rerr = errno;
    close(fd);
    if (r < 0 || n > max) {
        if (r < 0)
            snprintf(err, errlen, "%s: %s", path, strerror(rerr));
        else
            snprintf(err, errlen, "%s: larger than %zu bytes", path, max);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

char *asset_read(const char *name, size_t max, size_t *len, char *err, size_t errlen)
{
    if (!name_ok(name)) {
        snprintf(err, errlen, "%.200s: not an asset name", name ? name : "(null)");
        return NULL;
    }
    char *path = override_path(name);
    if (is_type(path, S_IFREG)) {
        char *r = read_file(path, max, len, err, errlen);
        free(path);
        return r;
    }
    free(path);
    const struct mxray_asset *a = builtin(name);
    if (!a) {
        snprintf(err, errlen, "%.200s: no such asset (searched %s)", name, asset_search_desc());
        return NULL;
    }
    if (a->len > max) {
        snprintf(err, errlen, "%.200s: larger than %zu bytes", name, max);
        return NULL;
    }
    char *buf = xmalloc(a->len + 1);
    memcpy(buf, a->data, a->len + 1);
    if (len)
        *len = a->len;
    return buf;
}

bool asset_exists(const char *name)
{
    if (!name_ok(name))
        return false;
    char *path = override_path(name);
    bool found = is_type(path, S_IFREG) || builtin(name);
    free(path);
    return found;
}

static bool has_suffix(const char *s, size_t len, const char *suffix)
{
    size_t sl = strlen(suffix);
    return len >= sl && memcmp(s + len - sl, suffix, sl) == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t asset_list(const char *dir, const char *suffix, char ***names)
{
    *names = NULL;
    if (!name_ok(dir))
        return 0;
    char **v = NULL;
    size_t n = 0;
    char *path = override_path(dir);
    DIR *d = is_type(path, S_IFDIR) ? opendir(path) : NULL;
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) && n < ASSET_LIST_MAX) {
            size_t len = strlen(e->d_name);
            char *file = xasprintf("%s/%s", path, e->d_name);
            if (e->d_name[0] != '.' && has_suffix(e->d_name, len, suffix) &&
                is_type(file, S_IFREG)) {
                v = xreallocarray(v, n + 1, sizeof *v);
                v[n++] = xstrdup(e->d_name);
            }
            free(file);
        }
        closedir(d);
        qsort(v, n, sizeof *v, cmp_str);
    } else {
        size_t dl = strlen(dir);
        for (unsigned long i = 0; i < mxray_nassets && n < ASSET_LIST_MAX; i++) {
            const char *a = mxray_assets[i].name, *rest = a + dl + 1;
            if (strncmp(a, dir, dl) || a[dl] != '/' || strchr(rest, '/') ||
                !has_suffix(rest, strlen(rest), suffix))
                continue;
            v = xreallocarray(v, n + 1, sizeof *v);
            v[n++] = xstrdup(rest); /* the table is sorted already */
        }
    }
    free(path);
    *names = v;
    return n;
}

const char *asset_origin(const char *name)
{
    static char buf[4096];
    if (!name_ok(name))
        return NULL;
    char *path = override_path(name);
    bool over = is_type(path, S_IFREG) || is_type(path, S_IFDIR);
    if (over)
        snprintf(buf, sizeof buf, "%s", path);
    free(path);
    if (over)
        return buf;
    return builtin(name) || builtin_in(name) ? "built in" : NULL;
}

const char *asset_search_desc(void)
{
    return "$MXRAY_ASSETS, then the copy built into mxray";
}
