/* loop - the one poll(2) loop: file descriptor watches and millisecond timers.
 *
 * Everything in mxray (c-ares, curl, SMTP sockets, the keyboard, the lab servers) is a watch or
 * a timer on one loop, so nothing blocks anything else. Callbacks may add or remove any watch or
 * timer, including their own. Single-threaded; not reentrant (do not call loop_run_once from a
 * callback). */
#ifndef MXRAY_LOOP_H
#define MXRAY_LOOP_H
#include <stdint.h>
#include <stdbool.h>
#include <poll.h>
#include <stddef.h>

struct loop;
typedef void (*loop_fd_cb)(void *arg, int fd, int revents);
typedef void (*loop_timer_cb)(void *arg);

struct loop *loop_new(void);
/* loop_free - frees the loop; watches and timers still set are dropped without callbacks. */
void loop_free(struct loop *l);

/* loop_watch - watch fd for events (POLLIN|POLLOUT); events == 0 removes the watch.
 * Replaces an existing watch of the same fd. revents given to cb may include POLLERR/POLLHUP. */
void loop_watch(struct loop *l, int fd, int events, loop_fd_cb cb, void *arg);

/* loop_timer_set - call cb once after ms milliseconds (0 = next turn). Returns a nonzero id. */
uint64_t loop_timer_set(struct loop *l, int64_t ms, loop_timer_cb cb, void *arg);
/* loop_timer_cancel - cancel a pending timer; unknown or 0 ids are ignored. */
void loop_timer_cancel(struct loop *l, uint64_t id);

/* loop_run_once - wait at most max_wait_ms (-1 = until something happens) and dispatch.
 * Returns the number of callbacks run, or -1 when poll failed (errno set; EINTR is returned
 * as 0 so signal flags can be checked by the caller). */
int loop_run_once(struct loop *l, int max_wait_ms);

/* Signals as events (loop_signal.c). The handler only counts and wakes the loop through a
 * self-pipe, so a signal arriving while (or just before) the loop waits is seen at once; cb
 * runs on the loop's turn, once per delivery. Dispositions are process-wide: one loop at a
 * time owns them; a second loop_signals call takes them over. loop_signals_off (or loop_free)
 * restores what was there before. Returns 0, or -1 (errno) when the pipe cannot be made. */
#define LOOP_SIGNALS_MAX 8
typedef void (*loop_signal_cb)(void *arg, int sig);
int loop_signals(struct loop *l, const int *sigs, size_t n, loop_signal_cb cb, void *arg);
void loop_signals_off(struct loop *l);
/* The signals that end every mxray command the same way: INT, TERM, HUP and QUIT. */
#define LOOP_STOP_SIGNALS_N 4
extern const int loop_stop_signals[LOOP_STOP_SIGNALS_N];

/* loop_has_work - true while any watch or timer is set. */
bool loop_has_work(const struct loop *l);

/* loop_now_ms - monotonic milliseconds (CLOCK_MONOTONIC). */
int64_t loop_now_ms(void);

#endif
