/* json_arena - a bump arena for Jansson's allocations during one parse (json_arena.h). */
#include "json_arena.h"
#include "xalloc.h"
#include <jansson.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>

#define CHUNK_SIZE (64u << 10)

struct chunk {
    struct chunk *next;
    size_t used, size;
    alignas(max_align_t) unsigned char data[];
};

static struct chunk *first; /* kept between parses */
static struct chunk *extra; /* chunks added in this parse, dropped at its end; the head is
                             * where small allocations go */
static struct chunk *large; /* one chunk per large allocation, dropped at the end too (kept
                             * apart so they never push aside a half-used chunk) */
static json_malloc_t saved_malloc;
static json_free_t saved_free;

static struct chunk *chunk_new(size_t size)
{
    struct chunk *c = xmalloc(sizeof *c + size);
    c->next = NULL, c->used = 0, c->size = size;
    return c;
}

static void *arena_malloc(size_t n)
{
    const size_t align = alignof(max_align_t);
    n = (n + align - 1) & ~(align - 1);
    if (n > CHUNK_SIZE / 4) {
        struct chunk *big = chunk_new(n);
        big->next = large;
        large = big;
        big->used = n;
        return big->data;
    }
    struct chunk *c = extra ? extra : first;
    if (c->size - c->used < n) {
        c = chunk_new(CHUNK_SIZE);
        c->next = extra;
        extra = c;
    }
    void *p = c->data + c->used;
    c->used += n;
    return p;
}

static void arena_free(void *p)
{
    (void)p; /* the whole arena goes at json_arena_end */
}

void json_arena_begin(void)
{
    if (!first)
        first = chunk_new(CHUNK_SIZE);
    json_get_alloc_funcs(&saved_malloc, &saved_free);
    json_set_alloc_funcs(arena_malloc, arena_free);
}

void json_arena_end(void)
{
    json_set_alloc_funcs(saved_malloc, saved_free);
    struct chunk **lists[] = {&extra, &large};
    for (size_t i = 0; i < 2; i++)
        while (*lists[i]) {
            struct chunk *next = (*lists[i])->next;
            free(*lists[i]);
            *lists[i] = next;
        }
    first->used = 0;
}
