/* batch_reader - the --batch input read on the loop, as it arrives.
 *
 * Reads the descriptor when poll says it is readable (one read of at most 64 KiB a turn, so
 * a fast file never starves the probes) and hands the bytes to batch_feed. A pipe, FIFO or
 * terminal is read without blocking (reopened through /proc/self/fd with O_NONBLOCK, or the
 * flag set and restored). The reader pauses itself while BATCH_WAITING_MAX domains wait to be
 * started, so an endless list costs bounded memory; batch_reader_poke resumes it. */
#ifndef MXRAY_BATCH_READER_H
#define MXRAY_BATCH_READER_H
#include "batch_input.h"
#include "loop.h"
#include <stdbool.h>

#define BATCH_WAITING_MAX 4096

struct batch_reader;

/* batch_reader_new - read fd (named name, escaped) into l on loop lp; diag gets messages. */
struct batch_reader *batch_reader_new(struct loop *lp, int fd, const char *name,
                                      struct batch_list *l, FILE *diag);
/* batch_reader_poke - resume reading when it paused and the list has room again. */
void batch_reader_poke(struct batch_reader *r);
/* batch_reader_stop - read no more (Ctrl-C). */
void batch_reader_stop(struct batch_reader *r);
/* batch_reader_done - end of input, given up, stopped, or a read error. */
bool batch_reader_done(const struct batch_reader *r);
/* batch_reader_status - 0, EX_DATAERR when the input was given up (not a list of domains),
 * EX_IOERR after a read error (reported on diag). */
int batch_reader_status(const struct batch_reader *r);
void batch_reader_free(struct batch_reader *r);

#endif
