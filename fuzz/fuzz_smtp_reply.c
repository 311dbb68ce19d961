/* fuzz_smtp_reply - the SMTP line splitter and reply parser (RFC 5321 4.2) on a byte stream.
 * Input: first byte picks the read size (1-64 bytes, as a slow or chunking server would
 * send), the rest is what the server sent. Every line is also fed directly, split at '\n'.
 * Properties: rc agrees with complete/malformed; at most MX_SMTP_REPLY_LINES_MAX lines kept,
 * all escaped; codes stay in 200-559. */
#include "fuzz.h"
#include "smtp.h"
#include "mx_limits.h"

static void check_reply(const struct smtp_reply *r, int rc)
{
    FUZZ_CHECK(rc >= -1 && rc <= 1);
    FUZZ_CHECK(rc == 0 ? !r->complete : r->complete);
    FUZZ_CHECK((rc == -1) == r->malformed);
    FUZZ_CHECK(r->malformed ? r->code == -1 : (r->code >= 200 && r->code <= 559));
    FUZZ_CHECK(r->nlines <= MX_SMTP_REPLY_LINES_MAX && r->nlines <= r->nseen);
    for (size_t i = 0; i < r->nlines; i++)
        FUZZ_CHECK(fuzz_no_controls(r->lines[i]));
}

/* Stream path: what the probe does with bytes from the socket. */
static void stream(const uint8_t *data, size_t size, size_t chunk)
{
    struct smtp_lines s;
    struct smtp_reply r;
    int rc = 0;
    smtp_lines_init(&s);
    smtp_reply_init(&r);
    for (size_t off = 0; off < size;) {
        size_t n = size - off < chunk ? size - off : chunk;
        size_t used = smtp_lines_take(&s, (const char *)data + off, n);
        FUZZ_CHECK(used <= n && s.len <= MX_SMTP_LINE_MAX);
        off += used;
        if (!s.done)
            continue;
        rc = smtp_reply_feed(&r, s.buf, s.len);
        check_reply(&r, rc);
        if (r.complete)
            smtp_reply_clear(&r);
        smtp_lines_next(&s);
    }
    smtp_reply_clear(&r);
}

/* Line path: each '\n'-separated piece fed as one line, CR and all. */
static void lines(const uint8_t *data, size_t size)
{
    struct smtp_reply r;
    smtp_reply_init(&r);
    const uint8_t *p = data, *end = data + size;
    while (p < end) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        int rc = smtp_reply_feed(&r, (const char *)p, len);
        check_reply(&r, rc);
        if (r.complete) {
            /* Feeding a complete reply again must not change it. */
            FUZZ_CHECK(smtp_reply_feed(&r, "250 x", 5) == rc);
            smtp_reply_clear(&r);
        }
        p += len + (nl ? 1 : 0);
    }
    smtp_reply_clear(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    stream(data + 1, size - 1, (size_t)(data[0] % 64) + 1);
    lines(data + 1, size - 1);
    return 0;
}
