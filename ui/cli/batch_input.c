/* batch_input - read, normalise, de-duplicate and shard a domain list (contract in
 * batch_input.h). */
#include "batch_input.h"
#include "domain.h"
#include "escape.h"
#include "mx_limits.h"
#include "xalloc.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct batch_seen {
    uint64_t hash; /* 0 marks an empty slot */
    uint32_t no;   /* line or argument number of the first occurrence */
    bool from_arg;
};

void batch_list_init(struct batch_list *l, int shard_k, int shard_n)
{
    memset(l, 0, sizeof *l);
    l->shard_k = shard_k;
    l->shard_n = shard_n;
}

void batch_list_free(struct batch_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].domain);
        free(l->items[i].input);
    }
    free(l->items);
    free(l->seen);
    memset(l, 0, sizeof *l);
}

/* hash - FNV-1a then a 64-bit finaliser (splitmix) so the low bits index well; never 0. */
static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return h ? h : 1;
}

static void seen_grow(struct batch_list *l)
{
    size_t cap = l->capseen ? l->capseen * 2 : 1024;
    struct batch_seen *t = xcalloc(cap, sizeof *t);
    for (size_t i = 0; i < l->capseen; i++) {
        if (!l->seen[i].hash)
            continue;
        size_t j = (size_t)l->seen[i].hash & (cap - 1);
        while (t[j].hash)
            j = (j + 1) & (cap - 1);
        t[j] = l->seen[i];
    }
    free(l->seen);
    l->seen = t;
    l->capseen = cap;
}

/* seen_insert - the earlier entry when h is already there, else NULL after inserting. */
static const struct batch_seen *seen_insert(struct batch_list *l, uint64_t h, size_t no,
                                            bool from_arg)
{
    if ((l->nseen + 1) * 4 > l->capseen * 3)
        seen_grow(l);
    size_t j = (size_t)h & (l->capseen - 1);
    for (; l->seen[j].hash; j = (j + 1) & (l->capseen - 1))
        if (l->seen[j].hash == h)
            return &l->seen[j];
    l->seen[j] = (struct batch_seen){.hash = h, .no = (uint32_t)no, .from_arg = from_arg};
    l->nseen++;
    return NULL;
}

/* say - "mxray: SRC:NO: msg; skipped" (msg is already escaped); frees msg. */
static void say(FILE *diag, const char *src, size_t no, char *msg)
{
    if (diag && src)
        fprintf(diag, "mxray: %s:%zu: %s; skipped\n", src, no, msg);
    else if (diag)
        fprintf(diag, "mxray: argument %zu: %s; skipped\n", no, msg);
    free(msg);
}

/* trim - strip a "#" comment and blanks around what is left. */
static const char *trim(const char *s, size_t *len)
{
    const char *hash_at = memchr(s, '#', *len);
    size_t n = hash_at ? (size_t)(hash_at - s) : *len;
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    *len = n;
    return s;
}

static void keep(struct batch_list *l, const char *domain, const char *text, size_t len)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->items = xreallocarray(l->items, l->cap, sizeof *l->items);
    }
    l->items[l->n].domain = xstrdup(domain);
    l->items[l->n].input = escape_bytes(text, len);
    l->n++;
}

void batch_list_add(struct batch_list *l, const char *text, size_t len, const char *src,
                    size_t no, FILE *diag)
{
    text = trim(text, &len);
    if (!len)
        return; /* blank or comment only */
    char *shown = escape_bytes(text, len > 80 ? 80 : len);
    char buf[MX_DOMAIN_MAX + 2], why[160];
    if (memchr(text, ' ', len) || memchr(text, '\t', len)) {
        l->malformed++;
        say(diag, src, no, xasprintf("'%s' is more than one word (one domain a line)", shown));
    } else if (memchr(text, '\0', len)) {
        l->malformed++;
        say(diag, src, no, xasprintf("'%s' holds a NUL byte", shown));
    } else {
        char *z = xstrndup(text, len);
        int bad = domain_normalize(z, buf, sizeof buf, why, sizeof why);
        free(z);
        if (bad < 0) {
            l->malformed++;
            say(diag, src, no, xasprintf("'%s': %s", shown, why));
        } else {
            const struct batch_seen *was = seen_insert(l, hash(buf), no, src == NULL);
            if (was) {
                l->duplicates++;
                say(diag, src, no,
                    xasprintf("%s repeats %s %u", buf, was->from_arg ? "argument" : "line",
                              (unsigned)was->no));
            } else if (l->unique++ % (size_t)l->shard_n == (size_t)(l->shard_k - 1)) {
                keep(l, buf, text, len);
            }
        }
    }
    free(shown);
}

int batch_list_read(struct batch_list *l, FILE *f, const char *name, FILE *diag)
{
    char line[BATCH_LINE_MAX + 1];
    size_t len = 0, no = 1;
    bool too_long = false;
    int c;
    while ((c = getc(f)) != EOF) {
        if (c != '\n') {
            if (len < BATCH_LINE_MAX)
                line[len++] = (char)c;
            else
                too_long = true;
            continue;
        }
        if (too_long) {
            l->malformed++;
            say(diag, name, no, xstrdup("line longer than 1024 bytes"));
        } else {
            batch_list_add(l, line, len, name, no, diag);
        }
        len = 0;
        too_long = false;
        no++;
    }
    if (ferror(f))
        return -1;
    if (too_long) {
        l->malformed++;
        say(diag, name, no, xstrdup("line longer than 1024 bytes"));
    } else if (len) {
        batch_list_add(l, line, len, name, no, diag); /* last line without a newline */
    }
    return 0;
}
