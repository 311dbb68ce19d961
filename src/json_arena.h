/* json_arena - Jansson's allocations during one parse, from a bump arena dropped at once.
 *
 * A report of 700 bytes made about a hundred Jansson allocations, each freed one by one when
 * the tree was released: a tenth of reading a report. Between json_arena_begin and
 * json_arena_end every Jansson allocation comes from the arena and Jansson's frees do
 * nothing; json_arena_end restores the allocator that was set and drops the arena. The
 * caller must create and release every Jansson value it touches in between (Jansson's
 * allocator is process-wide). Not reentrant; single-threaded like the rest. */
#ifndef MXRAY_JSON_ARENA_H
#define MXRAY_JSON_ARENA_H

void json_arena_begin(void);
void json_arena_end(void);

#endif
