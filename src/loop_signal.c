/* loop_signal - signals as loop events: a self-pipe (contract in loop.h).
 *
 * The handler only counts the signal (a lock-free atomic) and writes one byte into a
 * non-blocking pipe that the loop watches. A signal that lands after the caller looked at its
 * flags and before poll() started leaves the pipe readable, so poll returns at once: there is
 * no window in which a signal waits for the next timer. The callbacks run on the loop's turn,
 * never in the handler, so they may do anything a callback may do. Signal dispositions are
 * process-wide: one loop at a time owns them, and the previous ones come back on
 * loop_signals_off (or loop_free). */
#include "loop.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#define SIG_SLOTS 65 /* signal numbers 1..64 */

static struct {
    struct loop *owner;
    int pipe[2];
    loop_signal_cb cb;
    void *arg;
    int sigs[LOOP_SIGNALS_MAX];
    struct sigaction old[LOOP_SIGNALS_MAX];
    size_t n;
} g = {.pipe = {-1, -1}};

static atomic_int pending[SIG_SLOTS];

static void on_signal(int sig)
{
    int saved = errno;
    if (sig > 0 && sig < SIG_SLOTS)
        atomic_fetch_add(&pending[sig], 1);
    ssize_t w = write(g.pipe[1], "", 1); /* full pipe: a wake-up is already queued */
    (void)w;
    errno = saved;
}

static void on_pipe(void *arg, int fd, int revents)
{
    (void)arg;
    (void)revents;
    char buf[64];
    while (read(fd, buf, sizeof buf) > 0)
        ;
    for (size_t i = 0; i < g.n && g.owner; i++) {
        int sig = g.sigs[i];
        for (int k = atomic_exchange(&pending[sig], 0); k > 0 && g.owner; k--)
            g.cb(g.arg, sig);
    }
}

static int open_pipe(void)
{
    if (g.pipe[0] >= 0)
        return 0;
    if (pipe2(g.pipe, O_NONBLOCK | O_CLOEXEC) < 0)
        return -1;
    return 0;
}

int loop_signals(struct loop *l, const int *sigs, size_t n, loop_signal_cb cb, void *arg)
{
    if (n > LOOP_SIGNALS_MAX) {
        errno = EINVAL;
        return -1;
    }
    if (g.owner)
        loop_signals_off(g.owner);
    if (open_pipe() < 0)
        return -1;
    g.owner = l;
    g.cb = cb;
    g.arg = arg;
    g.n = 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a blocking call the signal lands in returns EINTR */
    for (size_t i = 0; i < n; i++) {
        if (sigs[i] <= 0 || sigs[i] >= SIG_SLOTS)
            continue;
        atomic_store(&pending[sigs[i]], 0);
        if (sigaction(sigs[i], &sa, &g.old[g.n]) == 0)
            g.sigs[g.n++] = sigs[i];
    }
    loop_watch(l, g.pipe[0], POLLIN, on_pipe, NULL);
    return 0;
}

void loop_signals_off(struct loop *l)
{
    if (!g.owner || g.owner != l)
        return;
    for (size_t i = 0; i < g.n; i++)
        sigaction(g.sigs[i], &g.old[i], NULL);
    loop_watch(l, g.pipe[0], 0, NULL, NULL);
    g.owner = NULL;
    g.n = 0;
}

const int loop_stop_signals[LOOP_STOP_SIGNALS_N] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
