/* batch_reader - streamed --batch input (contract in batch_reader.h). */
#include "batch_reader.h"
#include "xalloc.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#define READ_CHUNK 65536

struct batch_reader {
    struct loop *lp;
    int fd, rfd, restore_flags;
    bool sock, watching, done;
    int status;
    struct batch_list *l;
    struct batch_feed feed;
    FILE *diag;
    char buf[READ_CHUNK];
};

static void on_readable(void *arg, int fd, int revents);

static void watch(struct batch_reader *r, bool on)
{
    if (on == r->watching)
        return;
    loop_watch(r->lp, r->rfd, on ? POLLIN : 0, on_readable, r);
    r->watching = on;
}

static void finish(struct batch_reader *r, int status)
{
    r->done = true;
    r->status = status;
    watch(r, false);
}

static void on_readable(void *arg, int fd, int revents)
{
    struct batch_reader *r = arg;
    (void)fd;
    (void)revents;
    ssize_t n = r->sock ? recv(r->rfd, r->buf, sizeof r->buf, MSG_DONTWAIT)
                        : read(r->rfd, r->buf, sizeof r->buf);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (n < 0) {
        fprintf(r->diag, "mxray: %s: %s\n", r->feed.name, strerror(errno));
        finish(r, EX_IOERR);
        return;
    }
    if (n == 0) {
        batch_feed_end(r->l, &r->feed, r->diag);
        finish(r, 0);
        return;
    }
    if (batch_feed(r->l, &r->feed, r->buf, (size_t)n, r->diag) < 0) {
        finish(r, EX_DATAERR);
        return;
    }
    if (batch_list_waiting(r->l) >= BATCH_WAITING_MAX)
        watch(r, false); /* the batch pokes when it took some */
}

/* nonblocking - read fd without blocking the loop, leaving the shell's description alone. */
static void nonblocking(struct batch_reader *r)
{
    struct stat st;
    if (fstat(r->fd, &st) < 0 || S_ISREG(st.st_mode) || S_ISBLK(st.st_mode) ||
        (S_ISCHR(st.st_mode) && !isatty(r->fd)))
        return; /* a read there never waits for a writer */
    if (S_ISSOCK(st.st_mode)) {
        r->sock = true;
        return;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", r->fd);
    int nfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    struct stat nst;
    if (nfd >= 0 && fstat(nfd, &nst) == 0 && nst.st_ino == st.st_ino && nst.st_dev == st.st_dev) {
        r->rfd = nfd;
        return;
    }
    if (nfd >= 0)
        close(nfd);
    int fl = fcntl(r->fd, F_GETFL);
    if (fl >= 0 && fcntl(r->fd, F_SETFL, fl | O_NONBLOCK) == 0)
        r->restore_flags = fl;
}

struct batch_reader *batch_reader_new(struct loop *lp, int fd, const char *name,
                                      struct batch_list *l, FILE *diag)
{
    struct batch_reader *r = xcalloc(1, sizeof *r);
    r->lp = lp;
    r->fd = r->rfd = fd;
    r->restore_flags = -1;
    r->l = l;
    r->diag = diag;
    batch_feed_init(&r->feed, name);
    nonblocking(r);
    watch(r, true);
    return r;
}

void batch_reader_poke(struct batch_reader *r)
{
    if (r && !r->done && batch_list_waiting(r->l) < BATCH_WAITING_MAX / 2)
        watch(r, true);
}

void batch_reader_stop(struct batch_reader *r)
{
    if (r && !r->done)
        finish(r, 0);
}

bool batch_reader_done(const struct batch_reader *r)
{
    return !r || r->done;
}

int batch_reader_status(const struct batch_reader *r)
{
    return r ? r->status : 0;
}

void batch_reader_free(struct batch_reader *r)
{
    if (!r)
        return;
    watch(r, false);
    if (r->rfd != r->fd)
        close(r->rfd);
    if (r->restore_flags >= 0)
        fcntl(r->fd, F_SETFL, r->restore_flags);
    free(r);
}
