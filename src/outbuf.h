/* outbuf - an output descriptor that never stalls the loop.
 *
 * What a command prints goes through a stdio stream (outbuf_file) into a queue in memory;
 * the queue is written to the descriptor only when poll says it is writable, with
 * non-blocking writes, so a reader that does not read (a full pipe, a stopped terminal)
 * delays the output, never the probes. The queue has no hard cap: it holds what finished while
 * the reader was away. Its owner keeps it bounded by not starting new work while
 * outbuf_backlog is true (back-pressure on new work, never on work in flight).
 *
 * The descriptor's file description is not changed for regular files and other devices
 * that never block for long (written directly). A pipe, FIFO or terminal is reopened
 * through /proc/self/fd with O_NONBLOCK, so the shell's own description stays blocking;
 * where that is impossible the flag is set on the descriptor and restored by outbuf_free.
 * A socket is written with MSG_DONTWAIT. The first write error is kept (outbuf_error) and
 * everything queued after it is dropped. */
#ifndef MXRAY_OUTBUF_H
#define MXRAY_OUTBUF_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "loop.h"

#define OUTBUF_BACKLOG (256 * 1024) /* queued bytes above which owners start nothing new */

struct outbuf;

/* outbuf_new - a queue for fd on loop l. ascii_only: every byte >= 0x80 is written as \xHH
 * (a terminal whose locale is not UTF-8; see escape_to_ascii). */
struct outbuf *outbuf_new(struct loop *l, int fd, bool ascii_only);

/* outbuf_file - the stream to write to (fully buffered; fflush moves it into the queue). */
FILE *outbuf_file(struct outbuf *o);

/* outbuf_pending - bytes queued and not yet written (after fflush of the stream). */
size_t outbuf_pending(const struct outbuf *o);

/* outbuf_backlog - true while more than OUTBUF_BACKLOG bytes wait. */
bool outbuf_backlog(const struct outbuf *o);

/* outbuf_error - errno of the first failed write, or 0. */
int outbuf_error(const struct outbuf *o);

/* outbuf_drain - flush the stream and run l until everything is written, a write failed, or
 * *stop becomes true (a signal callback sets it). Returns 0 when all was written, else -1. */
int outbuf_drain(struct outbuf *o, const volatile bool *stop);

/* outbuf_free - close the stream (what is still queued is dropped), restore the descriptor. */
void outbuf_free(struct outbuf *o);

#endif
