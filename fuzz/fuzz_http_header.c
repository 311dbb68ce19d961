/* fuzz_http_header - the HTTP response header handling we own (https.c on_header: status
 * line, Content-Type, Location, the bounded header list), fed as curl feeds it: one line at
 * a time, line ending included. on_header is static, so this target compiles https.c into
 * itself (the archive's https.o is then never pulled in). Input: the header block, split
 * after each '\n'. Properties: at most MX_HTTP_HEADERS_MAX kept and the flag set when more
 * came; every kept string escaped and bounded. */
#include "fuzz.h"
#include "../src/https.c"

static void check_text(const char *s)
{
    FUZZ_CHECK(fuzz_no_controls(s));
    FUZZ_CHECK(!s || strlen(s) <= MX_ESCAPED_MAX);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct https_fetch f;
    memset(&f, 0, sizeof f);
    f.res = xcalloc(1, sizeof *f.res);
    size_t lines_since_status = 0;
    for (size_t off = 0; off < size;) {
        const uint8_t *nl = memchr(data + off, '\n', size - off);
        size_t n = nl ? (size_t)(nl - (data + off)) + 1 : size - off;
        char *line = malloc(n); /* exact size, so ASan sees any over-read */
        memcpy(line, data + off, n);
        FUZZ_CHECK(on_header(line, 1, n, &f) == n);
        if (n >= 5 && memcmp(line, "HTTP/", 5) == 0)
            lines_since_status = 0;
        else
            lines_since_status++;
        free(line);
        off += n;
    }
    struct https_result *r = f.res;
    FUZZ_CHECK(r->nheaders <= MX_HTTP_HEADERS_MAX && r->nheaders <= lines_since_status);
    check_text(r->status_line);
    check_text(r->content_type);
    check_text(r->location);
    for (size_t i = 0; i < r->nheaders; i++)
        check_text(r->headers[i]);
    https_result_free(r);
    return 0;
}
