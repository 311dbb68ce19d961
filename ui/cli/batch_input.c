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
    for (size_t i = l->head; i < l->n; i++) { /* taken items belong to whoever took them */
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

/* say - "mxray: SRC:NO: msg; skipped" (msg is already escaped); frees msg. After
 * BATCH_SAY_MAX messages, one line says the rest are counted only. */
static void say(struct batch_list *l, FILE *diag, const char *src, size_t no, char *msg)
{
    if (diag && l->said < BATCH_SAY_MAX) {
        char *m = escape_terminal_utf8() ? msg : escape_to_ascii(msg, strlen(msg), NULL);
        if (src)
            fprintf(diag, "mxray: %s:%zu: %s; skipped\n", src, no, m);
        else
            fprintf(diag, "mxray: argument %zu: %s; skipped\n", no, m);
        if (m != msg)
            free(m);
    } else if (diag && l->said == BATCH_SAY_MAX) {
        fprintf(diag, "mxray: %s: more lines skipped; they are counted in the summary, not "
                      "named\n",
                src ? src : "arguments");
    }
    l->said++;
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
    l->kept++;
    size_t dl = strlen(domain);
    l->longest = dl > l->longest ? dl : l->longest;
}

void batch_list_add(struct batch_list *l, const char *text, size_t len, const char *src,
                    size_t no, FILE *diag)
{
    text = trim(text, &len);
    if (!len)
        return; /* blank or comment only */
    char *shown = escape_bytes(text, len > 80 ? 80 : len);
    char buf[MX_DOMAIN_MAX + 2], why[160];
    size_t malformed_before = l->malformed;
    if (memchr(text, ' ', len) || memchr(text, '\t', len)) {
        l->malformed++;
        say(l, diag, src, no, xasprintf("'%s' is more than one word (one domain a line)", shown));
    } else if (memchr(text, '\0', len)) {
        l->malformed++;
        say(l, diag, src, no, xasprintf("'%s' holds a NUL byte", shown));
    } else {
        char *z = xstrndup(text, len);
        int bad = domain_normalize(z, buf, sizeof buf, why, sizeof why);
        free(z);
        if (bad < 0) {
            l->malformed++;
            say(l, diag, src, no, xasprintf("'%s': %s", shown, why));
        } else {
            const struct batch_seen *was = seen_insert(l, hash(buf), no, src == NULL);
            if (was) {
                l->duplicates++;
                say(l, diag, src, no,
                    xasprintf("%s repeats %s %u", buf, was->from_arg ? "argument" : "line",
                              (unsigned)was->no));
            } else if (l->unique++ % (size_t)l->shard_n == (size_t)(l->shard_k - 1)) {
                keep(l, buf, text, len);
            }
        }
    }
    l->bad_run = l->malformed > malformed_before ? l->bad_run + 1 : 0;
    free(shown);
}

bool batch_list_take(struct batch_list *l, struct batch_item *out)
{
    if (l->head == l->n)
        return false;
    *out = l->items[l->head++];
    if (l->head == l->n) {
        l->head = l->n = 0;
    } else if (l->head >= 1024 && l->head * 2 >= l->n) {
        memmove(l->items, l->items + l->head, (l->n - l->head) * sizeof *l->items);
        l->n -= l->head;
        l->head = 0;
    }
    return true;
}

void batch_item_free(struct batch_item *it)
{
    free(it->domain);
    free(it->input);
    it->domain = it->input = NULL;
}

size_t batch_list_waiting(const struct batch_list *l)
{
    return l->n - l->head;
}

void batch_feed_init(struct batch_feed *f, const char *name)
{
    memset(f, 0, sizeof *f);
    f->name = name;
    f->no = 1;
}

/* give_up - the input is not a list of domains: say so once, read no further. */
static int give_up(struct batch_feed *f, const char *why, FILE *diag)
{
    f->stopped = why;
    if (diag)
        fprintf(diag, "mxray: %s:%zu: %s: not a text list of domains; stopped reading\n",
                f->name, f->no, why);
    return -1;
}

static void end_line(struct batch_list *l, struct batch_feed *f, FILE *diag)
{
    if (f->too_long) {
        l->malformed++;
        l->bad_run++;
        say(l, diag, f->name, f->no, xstrdup("line longer than 1024 bytes"));
    } else {
        batch_list_add(l, f->line, f->len, f->name, f->no, diag);
    }
    f->len = f->skipped = 0;
    f->too_long = false;
}

int batch_feed(struct batch_list *l, struct batch_feed *f, const char *buf, size_t n, FILE *diag)
{
    if (f->stopped)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char c = buf[i];
        if (c == '\0')
            return give_up(f, "a NUL byte", diag);
        if (c != '\n') {
            if (f->len < BATCH_LINE_MAX)
                f->line[f->len++] = c;
            else if (++f->skipped > BATCH_SKIP_MAX)
                return give_up(f, "a line longer than 1 MiB", diag);
            else
                f->too_long = true;
            continue;
        }
        end_line(l, f, diag);
        f->no++;
        if (l->bad_run >= BATCH_BAD_RUN_MAX)
            return give_up(f, "1000 malformed lines in a row", diag);
    }
    return 0;
}

void batch_feed_end(struct batch_list *l, struct batch_feed *f, FILE *diag)
{
    if (!f->stopped && (f->len || f->too_long))
        end_line(l, f, diag); /* last line without a newline */
}

int batch_list_read(struct batch_list *l, FILE *f, const char *name, FILE *diag)
{
    struct batch_feed feed;
    batch_feed_init(&feed, name);
    char buf[4096];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0)
        if (batch_feed(l, &feed, buf, got, diag) < 0)
            return -2;
    if (ferror(f))
        return -1;
    batch_feed_end(l, &feed, diag);
    return 0;
}
