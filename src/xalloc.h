/* xalloc - allocation helpers that abort on out-of-memory (a diagnostic tool cannot
 * usefully continue without memory), and small string helpers built on them. */
#ifndef MXRAY_XALLOC_H
#define MXRAY_XALLOC_H
#include <stddef.h>
#include <stdarg.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* xreallocarray - grow an array to n elements of size; aborts on overflow. */
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);           /* NULL gives NULL */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Append p to the array *arr of *n pointers. */
void xptr_push(void ***arr, size_t *n, void *p);

#endif
