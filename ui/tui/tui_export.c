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

/* open_new - create dir/mxray-DOMAIN-STAMP.EXT, adding -2, -3... when it exists. */
static FILE *open_new(const char *dir, const char *domain, enum tui_export_fmt fmt, time_t now,
                      char *path, size_t pathlen, char *err, size_t errlen)
{
    char stamp[32] = "0";
    struct tm tm;
    if (gmtime_r(&now, &tm))
        strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    for (int n = 1; n < 100; n++) {
        if (n == 1)
            snprintf(path, pathlen, "%s/mxray-%s-%s.%s", dir ? dir : ".", domain, stamp, ext_of(fmt));
        else
            snprintf(path, pathlen, "%s/mxray-%s-%s-%d.%s", dir ? dir : ".", domain, stamp, n,
                     ext_of(fmt));
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd >= 0) {
            FILE *f = fdopen(fd, "w");
            if (!f)
                close(fd);
            else
                return f;
        }
        if (fd < 0 && errno == EEXIST)
            continue;
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    snprintf(err, errlen, "too many exports named %s", path);
    return NULL;
}

int tui_export(const struct report *r, enum tui_export_fmt fmt, const char *dir, time_t now,
               char *path, size_t pathlen, char *err, size_t errlen)
{
    FILE *f = open_new(dir, r->domain, fmt, now, path, pathlen, err, errlen);
    if (!f)
        return -1;
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
        snprintf(err, errlen, "%s: write failed", path);
        return -1;
    }
    return 0;
}
