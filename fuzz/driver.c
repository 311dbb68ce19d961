/* driver - replays fuzz inputs through LLVMFuzzerTestOneInput without libFuzzer.
 *
 * Like c-ares test/ares-fuzz.c: every target also builds with gcc, so ctest can replay the
 * seed corpus and the crash regressions under ASan+UBSan. Usage:
 *   fuzz_X [PATH | -p PREFIX]...
 * A PATH is a file or a directory (its regular files, sorted; after -p only the names that
 * start with PREFIX, for the shared fuzz/regressions/<target>-* directory). No PATH reads one input from stdin. A missing PATH is an error, so a renamed
 * corpus cannot turn the test green by replaying nothing. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t replayed;

/* run_stream - read all of f, then call the target with a buffer of exactly that size, so
 * ASan sees any read past the end. */
static int run_stream(FILE *f, const char *name)
{
    size_t cap = 4096, n = 0;
    unsigned char *buf = malloc(cap);
    if (!buf)
        return -1;
    for (;;) {
        if (n == cap) {
            unsigned char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                return -1;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        if (got == 0)
            break;
        n += got;
    }
    if (ferror(f)) {
        fprintf(stderr, "driver: read error on %s\n", name);
        free(buf);
        return -1;
    }
    unsigned char *exact = malloc(n ? n : 1);
    if (!exact) {
        free(buf);
        return -1;
    }
    memcpy(exact, buf, n);
    free(buf);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    replayed++;
    return 0;
}

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "driver: %s: %s\n", path, strerror(errno));
        return -1;
    }
    int rc = run_stream(f, path);
    fclose(f);
    return rc;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "driver: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || (prefix && strncmp(e->d_name, prefix, strlen(prefix)) != 0))
            continue;
        if (n == cap) {
            char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
            if (!nn) {
                rc = -1;
                break;
            }
            names = nn;
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    if (names)
        qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *path = malloc(len);
        struct stat st;
        snprintf(path, len, "%s/%s", dir, names[i]);
        if (rc == 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode))
            rc = run_file(path);
        free(path);
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    const char *prefix = NULL;
    int rc = 0;
    if (argc == 1)
        return run_stream(stdin, "stdin") == 0 ? 0 : 2;
    for (int i = 1; i < argc && rc == 0; i++) {
        struct stat st;
        if (strcmp(argv[i], "-p") == 0 && i + 1 < argc) {
            prefix = argv[++i];
        } else if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "driver: %s: %s\n", argv[i], strerror(errno));
            rc = -1;
        } else if (S_ISDIR(st.st_mode)) {
            rc = run_dir(argv[i], prefix);
        } else {
            rc = run_file(argv[i]);
        }
    }
    printf("driver: replayed %zu inputs\n", replayed);
    return rc == 0 ? 0 : 2;
}
