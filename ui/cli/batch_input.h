/* batch_input - the domain list of a batch run: read, normalised, de-duplicated, sharded.
 *
 * Input is one domain a line; "#" starts a comment (whole line or after the domain); blank
 * lines are ignored; CR LF endings are accepted. A line that is not one valid domain name, or
 * that repeats a domain already seen (after normalisation, so "Example.COM." repeats
 * "example.com"), is reported on the diagnostics stream as "mxray: SOURCE:LINE: reason;
 * skipped" and never stops the run; after BATCH_SAY_MAX such lines one more says that the rest
 * are only counted (the batch summary gives the totals). Lines are bounded (BATCH_LINE_MAX
 * bytes; a longer one is skipped). Input that is not a text list of domains stops the reading
 * (the domains already read still run): a NUL byte, a line that goes on for more than
 * BATCH_SKIP_MAX bytes, or BATCH_BAD_RUN_MAX malformed lines in a row. So /dev/zero and
 * /dev/urandom end at once, with one message.
 *
 * Streaming: batch_feed takes the input in pieces as they arrive and adds each complete line;
 * the batch starts checking the first domains while the rest is still being read, taking them
 * from the front of the list (batch_list_take).
 *
 * Sharding (--shard K/N): the valid, first-seen domains are numbered 1, 2, 3, ... in input
 * order; the list keeps numbers K, K+N, K+2N, ... . Every shard reads the whole input, so
 * duplicates are judged the same way on every machine and the N outputs joined with cat hold
 * each domain exactly once. Only the kept domains are stored as strings; every other domain
 * costs one 16-byte entry of the duplicate table (a 64-bit hash: two different names sharing
 * one would be reported as duplicates, about 1 in 10^7 for a million names). */
#ifndef MXRAY_BATCH_INPUT_H
#define MXRAY_BATCH_INPUT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BATCH_LINE_MAX 1024         /* bytes of one input line, without its end */
#define BATCH_SKIP_MAX (1024 * 1024) /* bytes of one line before the input is given up */
#define BATCH_BAD_RUN_MAX 1000       /* malformed lines in a row before the input is given up */
#define BATCH_SAY_MAX 20             /* skipped lines named on the diagnostics stream */

struct batch_item {
    char *domain; /* A-label, lower case */
    char *input;  /* the text as written (escaped), for the report's "input" */
};

struct batch_seen; /* duplicate table entry (batch_input.c) */

struct batch_list {
    struct batch_item *items; /* kept domains (this shard), input order; items[head..n) wait */
    size_t n, cap, head;
    size_t kept;       /* domains kept for this shard so far (taken or waiting) */
    size_t said;       /* skip messages written (at most BATCH_SAY_MAX, then one more) */
    size_t bad_run;    /* malformed lines since the last valid one */
    size_t longest;    /* longest kept domain, bytes */
    size_t unique;     /* valid first-seen domains in the whole input, before sharding */
    size_t duplicates; /* lines skipped as repeats */
    size_t malformed;  /* lines skipped as not a domain */
    int shard_k, shard_n;
    struct batch_seen *seen; /* open addressing, power-of-two size */
    size_t nseen, capseen;
};

/* batch_list_init - an empty list keeping shard k of n (1 <= k <= n). */
void batch_list_init(struct batch_list *l, int shard_k, int shard_n);
void batch_list_free(struct batch_list *l);

/* batch_list_add - one candidate: text (len bytes, no line end) from source "src" ("FILE" or
 * NULL for a command-line argument) at line/argument number no. Comments and surrounding
 * blanks are stripped here. Problems go to diag (may be NULL). */
void batch_list_add(struct batch_list *l, const char *text, size_t len, const char *src,
                    size_t no, FILE *diag);

/* batch_list_take - the next waiting item (its strings now belong to the caller; free them
 * with batch_item_free), or NULL when none waits. */
bool batch_list_take(struct batch_list *l, struct batch_item *out);
void batch_item_free(struct batch_item *it);
/* batch_list_waiting - items read and not yet taken. */
size_t batch_list_waiting(const struct batch_list *l);

/* One input being read in pieces. */
struct batch_feed {
    const char *name; /* escaped source name, for messages (borrowed) */
    char line[BATCH_LINE_MAX + 1];
    size_t len, no, skipped;
    bool too_long;
    const char *stopped; /* why the input was given up, or NULL */
};
void batch_feed_init(struct batch_feed *f, const char *name);
/* batch_feed - n more bytes. Returns 0, or -1 once the input was given up (f->stopped says
 * why, already reported on diag); further bytes are then ignored. */
int batch_feed(struct batch_list *l, struct batch_feed *f, const char *buf, size_t n, FILE *diag);
/* batch_feed_end - the input ended: its last line, when it had no line end. */
void batch_feed_end(struct batch_list *l, struct batch_feed *f, FILE *diag);

/* batch_list_read - every line of f (named name in messages). Returns 0, -1 on a read
 * error (errno set), -2 when the input was given up; the lines read so far are kept. */
int batch_list_read(struct batch_list *l, FILE *f, const char *name, FILE *diag);

#endif
