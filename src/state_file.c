/* state_file - where state files live, the lock, atomic replacement (contract in state.h).
 *
 * The critical section is short (read a small file, write one, rename), so the lock is
 * polled with LOCK_NB (a check retries on a loop timer) for at most STATE_LOCK_WAIT_MS
 * instead of blocking the poll loop for an unbounded time. Readers need no lock: rename()
 * makes them see the old file or the new one, never a mix. */
#include "state.h"
#include "xalloc.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int state_default_dir(char *buf, size_t len)
{
    const char *x = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    int n;
    if (x && x[0] == '/') /* the XDG spec: a relative value is invalid and ignored */
        n = snprintf(buf, len, "%s/mxray", x);
    else if (home && home[0] == '/')
        n = snprintf(buf, len, "%s/.local/state/mxray", home);
    else
        return -1;
    return n > 0 && (size_t)n < len ? 0 : -1;
}

static int path_of(const char *dir, const char *domain, const char *suffix, char *buf,
                   size_t len)
{
    if (!dir || !*dir || !state_name_safe(domain))
        return -1;
    int n = snprintf(buf, len, "%s/%s%s", dir, domain, suffix);
    return n > 0 && (size_t)n < len ? 0 : -1;
}

int state_file_path(const char *dir, const char *domain, char *buf, size_t len)
{
    return path_of(dir, domain, ".json", buf, len);
}

/* mkdir_p - dir and its missing parents (new ones 0700). */
static int mkdir_p(const char *dir)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s", dir) >= (int)sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
        return -1;
    return 0;
}

int state_lock_try(const char *dir, const char *domain, char *err, size_t errlen)
{
    char path[4096];
    if (path_of(dir, domain, ".lock", path, sizeof path) < 0) {
        snprintf(err, errlen, "the domain name cannot name a state file");
        return -1;
    }
    if (mkdir_p(dir) < 0) {
        snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    int rc;
    do
        rc = flock(fd, LOCK_EX | LOCK_NB);
    while (rc < 0 && errno == EINTR);
    if (rc == 0)
        return fd;
    int e = errno;
    close(fd);
    if (e == EWOULDBLOCK)
        return STATE_LOCK_BUSY;
    snprintf(err, errlen, "cannot lock %s: %s", path, strerror(e));
    return -1;
}

void state_lock_busy_reason(const char *dir, const char *domain, char *err, size_t errlen)
{
    char path[4096];
    if (path_of(dir, domain, ".lock", path, sizeof path) < 0)
        snprintf(path, sizeof path, "the lock of %s", domain);
    snprintf(err, errlen, "%s stayed locked by another check for %d ms", path, STATE_LOCK_WAIT_MS);
}

int state_lock(const char *dir, const char *domain, char *err, size_t errlen)
{
    for (int waited = 0;; waited += 10) {
        int fd = state_lock_try(dir, domain, err, errlen);
        if (fd != STATE_LOCK_BUSY)
            return fd;
        if (waited >= STATE_LOCK_WAIT_MS) {
            state_lock_busy_reason(dir, domain, err, errlen);
            return -1;
        }
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
}

void state_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* closing drops the flock */
}

enum state_read_result state_read(const char *dir, const char *domain, struct domain_state *out,
                                  char *why, size_t whylen)
{
    memset(out, 0, sizeof *out);
    char path[4096];
    if (path_of(dir, domain, ".json", path, sizeof path) < 0) {
        snprintf(why, whylen, "the domain name cannot name a state file");
        return STATE_IOERR;
    }
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT)
            return STATE_ABSENT;
        snprintf(why, whylen, "cannot open %s: %s", path, strerror(errno));
        return errno == ELOOP ? STATE_BAD : STATE_IOERR; /* a symlink is not ours */
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > STATE_FILE_MAX) {
        snprintf(why, whylen, "not a regular file of at most %d bytes", STATE_FILE_MAX);
        close(fd);
        return STATE_BAD;
    }
    char *buf = xmalloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    bool older;
    int rc = state_from_json(buf, got, domain, out, &older, why, whylen);
    free(buf);
    return rc < 0 ? STATE_BAD : STATE_OK;
}

static int write_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

int state_write(const char *dir, const struct domain_state *s, char *err, size_t errlen)
{
    char path[4096], tmp[4096];
    if (path_of(dir, s->domain, ".json", path, sizeof path) < 0 ||
        path_of(dir, s->domain, ".json.tmpXXXXXX", tmp, sizeof tmp) < 0) {
        snprintf(err, errlen, "the domain name cannot name a state file");
        return -1;
    }
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create a file in %s: %s", dir, strerror(errno));
        return -1;
    }
    char *text = state_to_json(s);
    int rc = write_all(fd, text, strlen(text));
    rc = rc < 0 ? rc : write_all(fd, "\n", 1);
    free(text);
    if (rc < 0 || fsync(fd) < 0) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        close(fd);
        unlink(tmp);
        return -1;
    }
    close(fd);
    if (rename(tmp, path) < 0) {
        snprintf(err, errlen, "cannot rename to %s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) { /* make the rename itself durable */
        fsync(dfd);
        close(dfd);
    }
    return 0;
}
