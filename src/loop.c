/* loop - one poll(2) loop with fd watches and timers (contract in loop.h).
 *
 * Watches live in an array indexed by position; a removed watch is marked dead and compacted
 * between turns, so callbacks can add and remove watches freely. Timers are a small unsorted
 * array: the engine keeps at most a few hundred, and a linear scan per turn is cheaper than
 * keeping a heap correct under cancellation. */
#include "loop.h"
#include "xalloc.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct watch {
    int fd;
    int events;
    loop_fd_cb cb;
    void *arg;
    bool dead;
};

struct timer {
    uint64_t id;
    int64_t due;
    loop_timer_cb cb;
    void *arg;
};

struct loop {
    struct watch *w;
    size_t nw, capw;
    struct timer *t;
    size_t nt, capt;
    uint64_t next_id;
    struct pollfd *pfd;
    size_t cap_pfd;
};

int64_t loop_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct loop *loop_new(void)
{
    struct loop *l = xcalloc(1, sizeof *l);
    l->next_id = 1;
    return l;
}

void loop_free(struct loop *l)
{
    if (!l)
        return;
    loop_signals_off(l);
    free(l->w);
    free(l->t);
    free(l->pfd);
    free(l);
}

static struct watch *find_watch(struct loop *l, int fd)
{
    for (size_t i = 0; i < l->nw; i++)
        if (!l->w[i].dead && l->w[i].fd == fd)
            return &l->w[i];
    return NULL;
}

void loop_watch(struct loop *l, int fd, int events, loop_fd_cb cb, void *arg)
{
    struct watch *w = find_watch(l, fd);
    if (!events) {
        if (w)
            w->dead = true;
        return;
    }
    if (!w) {
        if (l->nw == l->capw) {
            l->capw = l->capw ? l->capw * 2 : 16;
            l->w = xreallocarray(l->w, l->capw, sizeof *l->w);
        }
        w = &l->w[l->nw++];
    }
    *w = (struct watch){.fd = fd, .events = events, .cb = cb, .arg = arg};
}

uint64_t loop_timer_set(struct loop *l, int64_t ms, loop_timer_cb cb, void *arg)
{
    if (l->nt == l->capt) {
        l->capt = l->capt ? l->capt * 2 : 16;
        l->t = xreallocarray(l->t, l->capt, sizeof *l->t);
    }
    uint64_t id = l->next_id++;
    l->t[l->nt++] = (struct timer){id, loop_now_ms() + (ms > 0 ? ms : 0), cb, arg};
    return id;
}

void loop_timer_cancel(struct loop *l, uint64_t id)
{
    if (!id)
        return;
    for (size_t i = 0; i < l->nt; i++) {
        if (l->t[i].id == id) {
            l->t[i] = l->t[--l->nt];
            return;
        }
    }
}

bool loop_has_work(const struct loop *l)
{
    if (l->nt)
        return true;
    for (size_t i = 0; i < l->nw; i++)
        if (!l->w[i].dead)
            return true;
    return false;
}

static void compact_watches(struct loop *l)
{
    size_t j = 0;
    for (size_t i = 0; i < l->nw; i++)
        if (!l->w[i].dead)
            l->w[j++] = l->w[i];
    l->nw = j;
}

/* run_timers - fire every timer due now; a timer set by a callback waits for the next turn. */
static int run_timers(struct loop *l)
{
    int64_t now = loop_now_ms();
    uint64_t limit = l->next_id;
    int ran = 0;
    for (;;) {
        size_t i;
        for (i = 0; i < l->nt; i++)
            if (l->t[i].due <= now && l->t[i].id < limit)
                break;
        if (i == l->nt)
            return ran;
        struct timer t = l->t[i];
        l->t[i] = l->t[--l->nt];
        t.cb(t.arg);
        ran++;
    }
}

static int poll_timeout(struct loop *l, int max_wait_ms)
{
    int64_t wait = max_wait_ms;
    int64_t now = loop_now_ms();
    for (size_t i = 0; i < l->nt; i++) {
        int64_t d = l->t[i].due - now;
        if (d < 0)
            d = 0;
        if (wait < 0 || d < wait)
            wait = d;
    }
    return wait > 60000 ? 60000 : (int)wait;
}

int loop_run_once(struct loop *l, int max_wait_ms)
{
    compact_watches(l);
    if (l->cap_pfd < l->nw) {
        l->cap_pfd = l->nw;
        l->pfd = xreallocarray(l->pfd, l->cap_pfd, sizeof *l->pfd);
    }
    size_t n = l->nw;
    for (size_t i = 0; i < n; i++)
        l->pfd[i] = (struct pollfd){.fd = l->w[i].fd, .events = (short)l->w[i].events};
    int rc = poll(l->pfd, n, poll_timeout(l, max_wait_ms));
    if (rc < 0)
        return errno == EINTR ? 0 : -1;
    int ran = 0;
    for (size_t i = 0; i < n && rc > 0; i++) {
        if (!l->pfd[i].revents)
            continue;
        rc--;
        /* Look the watch up again: an earlier callback may have removed or replaced it. */
        struct watch *w = find_watch(l, l->pfd[i].fd);
        if (!w)
            continue;
        int rev = l->pfd[i].revents & (w->events | POLLERR | POLLHUP | POLLNVAL);
        if (!rev)
            continue;
        w->cb(w->arg, w->fd, rev);
        ran++;
    }
    return ran + run_timers(l);
}
