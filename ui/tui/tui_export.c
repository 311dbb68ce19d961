/* tui_export - export from the TUI (see tui_export.h). */
#include "tui_export.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "report_json.h"
#include "report_text.h"
#include "report_md.h"

void tui_export_markdown(FILE *f, const struct report *r, time_t now)
{
    (void)now; /* the Markdown report is the CLI's (check --format markdown): one writer */
    report_md_write(f, r);
}

static const char *ext_of(enum tui_export_fmt fmt)
{
    return fmt == TX_JSON ? "json" : fmt == TX_MARKDOWN ? "md" : "txt";
}

/* write_all - every byte of data to fd; 0, or -1 with errno set. */
static int write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            return -1;
        }
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

int tui_write_new(const char *dir, const char *base, const char *ext, const char *data,
                  size_t len, char *path, size_t pathlen, char *err, size_t errlen)
{
    for (int n = 1; n < 100; n++) {
        if (n == 1)
            snprintf(path, pathlen, "%s/%s.%s", dir ? dir : ".", base, ext);
        else
            snprintf(path, pathlen, "%s/%s-%d.%s", dir ? dir : ".", base, n, ext);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 && errno == EEXIST)
            continue;
        if (fd < 0) {
            snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
            return -1;
        }
        if (write_all(fd, data, len) < 0 || fsync(fd) < 0 || close(fd) < 0) {
            int e = errno;
            close(fd); /* after a failed close this fails too, harmlessly */
            unlink(path); /* a partial or empty file would look like an export */
            snprintf(err, errlen, "cannot write %s: %s (nothing kept)", path, strerror(e));
            return -1;
        }
        return 0;
    }
    snprintf(err, errlen, "too many files named %s", path);
    return -1;
}

int tui_export(const struct report *r, enum tui_export_fmt fmt, const char *dir, time_t now,
               char *path, size_t pathlen, char *err, size_t errlen)
{
    char *data = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&data, &len);
    if (!f) {
        snprintf(err, errlen, "cannot export: %s", strerror(errno));
        return -1;
    }
    switch (fmt) {
    case TX_JSON:
        report_json_write(f, r, true);
        break;
    case TX_TEXT: {
        /* a file for reading later: every piece of evidence, no colour codes */
        struct text_opts o = {.color = false, .width = 100, .verbose = true};
        report_text_write(f, r, &o);
        break;
    }
    case TX_MARKDOWN:
        tui_export_markdown(f, r, now);
        break;
    }
    if (ferror(f) | (fclose(f) != 0)) {
        snprintf(err, errlen, "cannot export: out of memory");
        free(data);
        return -1;
    }
    char stamp[32] = "0", base[400];
    struct tm tm;
    if (gmtime_r(&now, &tm))
        strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    snprintf(base, sizeof base, "mxray-%s-%s", r->domain, stamp);
    int rc = tui_write_new(dir, base, ext_of(fmt), data, len, path, pathlen, err, errlen);
    free(data);
    return rc;
}
