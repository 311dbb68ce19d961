/* fuzz.h - small helpers shared by the fuzz targets (one target per parser or matcher).
 *
 * Each fuzz_<target>.c defines LLVMFuzzerTestOneInput; it is linked either with libFuzzer
 * (clang, make fuzz) or with driver.c (gcc, ctest replay of the corpus and regressions).
 * FUZZ_CHECK aborts on a broken property, so libFuzzer and ASan both report it as a crash. */
#ifndef MXRAY_FUZZ_H
#define MXRAY_FUZZ_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(cond)                                                                    \
    do {                                                                                    \
        if (!(cond)) {                                                                      \
            fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond);     \
            abort();                                                                        \
        }                                                                                   \
    } while (0)

/* fuzz_strndup - a NUL-terminated copy of n bytes (embedded NULs end the C string early,
 * which is what a C caller would see). */
static inline char *fuzz_strndup(const uint8_t *p, size_t n)
{
    char *s = malloc(n + 1);
    if (!s)
        abort();
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

/* fuzz_split - split data at the first sep: *a gets the part before it, *b the rest (empty
 * when sep is absent). Both are allocated C strings. */
static inline void fuzz_split(const uint8_t *data, size_t size, uint8_t sep, char **a, char **b)
{
    const uint8_t *cut = size ? memchr(data, sep, size) : NULL;
    size_t na = cut ? (size_t)(cut - data) : size;
    *a = fuzz_strndup(data, na);
    *b = cut ? fuzz_strndup(cut + 1, size - na - 1) : fuzz_strndup(data, 0);
}

/* fuzz_no_controls - true when s has no C0 control byte and no DEL: what every escaped
 * string stored by a parser must satisfy (escape.h). */
static inline int fuzz_no_controls(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 0;
    return 1;
}

#endif
