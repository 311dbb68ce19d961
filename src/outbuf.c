/* outbuf - a non-blocking, loop-driven output queue (contract in outbuf.h). */
#include "outbuf.h"
#include "escape.h"
#include "xalloc.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define OUTBUF_STDIO_BUF 8192

enum how { DIRECT, NONBLOCK_FD, SOCKET };

struct outbuf {
    struct loop *l;
    int fd;  /* the descriptor given */
    int wfd; /* what is written to: fd, or a non-blocking reopen of it */
    enum how how;
    int restore_flags; /* >= 0: fd's flags before O_NONBLOCK was set on it */
    bool ascii_only, watching;
    char *q;
    size_t head, len, cap; /* queued bytes are q[head .. head+len) */
    int err;
    FILE *f;
};

static void queue_append(struct outbuf *o, const char *s, size_t n)
{
    if (o->head && o->head + o->len + n > o->cap) {
        memmove(o->q, o->q + o->head, o->len);
        o->head = 0;
    }
    if (o->head + o->len + n > o->cap) {
        size_t cap = o->cap ? o->cap : 16384;
        while (cap < o->len + n)
            cap *= 2;
        o->q = xrealloc(o->q, cap);
        o->cap = cap;
    }
    memcpy(o->q + o->head + o->len, s, n);
    o->len += n;
}

static void on_writable(void *arg, int fd, int revents);

static void watch(struct outbuf *o, bool on)
{
    if (on == o->watching)
        return;
    loop_watch(o->l, o->wfd, on ? POLLOUT : 0, on_writable, o);
    o->watching = on;
}

/* write_some - write what the descriptor takes now; false when it would block. */
static bool write_some(struct outbuf *o)
{
    while (o->len && !o->err) {
        ssize_t w;
        if (o->how == SOCKET)
            w = send(o->wfd, o->q + o->head, o->len, MSG_DONTWAIT | MSG_NOSIGNAL);
        else
            w = write(o->wfd, o->q + o->head, o->len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return false;
        if (w <= 0) {
            o->err = w < 0 ? errno : EIO;
            o->len = o->head = 0; /* nothing after a failed write can be trusted to arrive */
            break;
        }
        o->head += (size_t)w;
        o->len -= (size_t)w;
    }
    if (!o->len)
        o->head = 0;
    return true;
}

static void on_writable(void *arg, int fd, int revents)
{
    struct outbuf *o = arg;
    (void)fd;
    if ((revents & (POLLERR | POLLNVAL)) && !(revents & POLLOUT))
        o->err = revents & POLLNVAL ? EBADF : EPIPE;
    write_some(o);
    watch(o, o->len && !o->err);
}

static ssize_t cookie_write(void *arg, const char *buf, size_t n)
{
    struct outbuf *o = arg;
    if (o->err) {
        errno = o->err;
        return -1;
    }
    if (!o->ascii_only) {
        queue_append(o, buf, n);
    } else {
        size_t an;
        char *a = escape_to_ascii(buf, n, &an);
        queue_append(o, a, an);
        free(a);
    }
    write_some(o);
    watch(o, o->len && !o->err);
    if (o->err) {
        errno = o->err;
        return -1;
    }
    return (ssize_t)n;
}

/* open_nonblocking - a non-blocking way to write fd that leaves its description alone. */
static void open_nonblocking(struct outbuf *o)
{
    struct stat st;
    if (fstat(o->fd, &st) < 0 || S_ISREG(st.st_mode) || S_ISBLK(st.st_mode) ||
        (S_ISCHR(st.st_mode) && !isatty(o->fd)))
        return; /* DIRECT: a write there never waits for a reader */
    if (S_ISSOCK(st.st_mode)) {
        o->how = SOCKET;
        return;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", o->fd);
    int nfd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    struct stat nst;
    if (nfd >= 0 && fstat(nfd, &nst) == 0 && nst.st_ino == st.st_ino && nst.st_dev == st.st_dev) {
        o->wfd = nfd;
        o->how = NONBLOCK_FD;
        return;
    }
    if (nfd >= 0)
        close(nfd);
    int fl = fcntl(o->fd, F_GETFL);
    if (fl >= 0 && fcntl(o->fd, F_SETFL, fl | O_NONBLOCK) == 0) {
        o->restore_flags = fl;
        o->how = NONBLOCK_FD;
    }
}

struct outbuf *outbuf_new(struct loop *l, int fd, bool ascii_only)
{
    struct outbuf *o = xcalloc(1, sizeof *o);
    o->l = l;
    o->fd = o->wfd = fd;
    o->restore_flags = -1;
    o->ascii_only = ascii_only;
    open_nonblocking(o);
    cookie_io_functions_t io = {.write = cookie_write};
    o->f = fopencookie(o, "w", io);
    if (!o->f) {
        perror("mxray: fopencookie");
        abort();
    }
    setvbuf(o->f, NULL, _IOFBF, OUTBUF_STDIO_BUF);
    return o;
}

FILE *outbuf_file(struct outbuf *o)
{
    return o->f;
}

size_t outbuf_pending(const struct outbuf *o)
{
    return o->len;
}

bool outbuf_backlog(const struct outbuf *o)
{
    return o->len > OUTBUF_BACKLOG;
}

int outbuf_error(const struct outbuf *o)
{
    return o->err;
}

int outbuf_drain(struct outbuf *o, const volatile bool *stop)
{
    fflush(o->f);
    while (o->len && !o->err && !(stop && *stop)) {
        if (loop_run_once(o->l, -1) < 0)
            break;
    }
    return o->len || o->err ? -1 : 0;
}

void outbuf_free(struct outbuf *o)
{
    if (!o)
        return;
    fclose(o->f); /* its last flush may queue more; that is dropped below */
    watch(o, false);
    if (o->wfd != o->fd)
        close(o->wfd);
    if (o->restore_flags >= 0)
        fcntl(o->fd, F_SETFL, o->restore_flags);
    free(o->q);
    free(o);
}
