/* batch_input - the domain list of a batch run: read, normalised, de-duplicated, sharded.
 *
 * Input is one domain a line; "#" starts a comment (whole line or after the domain); blank
 * lines are ignored; CR LF endings are accepted. A line that is not one valid domain name, or
 * that repeats a domain already seen (after normalisation, so "Example.COM." repeats
 * "example.com"), is reported on the diagnostics stream as "mxray: SOURCE:LINE: reason;
 * skipped" and never stops the run. Lines are bounded (BATCH_LINE_MAX bytes).
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

#define BATCH_LINE_MAX 1024 /* bytes of one input line, without its end */

struct batch_item {
    char *domain; /* A-label, lower case */
    char *input;  /* the text as written (escaped), for the report's "input" */
};

struct batch_seen; /* duplicate table entry (batch_input.c) */

struct batch_list {
    struct batch_item *items; /* kept domains (this shard), input order */
    size_t n, cap;
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

/* batch_list_read - every line of f (named name in messages). Returns 0, or -1 on a read
 * error (errno set; the lines read so far are kept). */
int batch_list_read(struct batch_list *l, FILE *f, const char *name, FILE *diag);

#endif
