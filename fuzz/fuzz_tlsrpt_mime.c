/* fuzz_tlsrpt_mime - finding reports in what a user hands `mxray report`: the shape
 * detection, gunzip (bounded), GMime's e-mail and mbox parsing with the report-part
 * search, and the IMAP literal extraction, on arbitrary bytes. Properties: no crash or
 * leak; every report handed on is at most TLSRPT_JSON_MAX bytes; every error has a reason
 * without control bytes; a literal lies inside the input; reading an e-mail through
 * mail_mime_view finds the same reports, errors and skips as reading it whole. */
#include "fuzz.h"
#include "tlsrpt_imap.h"
#include "tlsrpt_input.h"
#include "tlsrpt_report.h"
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* what a reading found, order-sensitive: counts and a hash of every report's bytes */
struct found {
    size_t reports, errors, skipped;
    uint64_t hash;
};

static void mix(struct found *f, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        f->hash = (f->hash ^ b[i]) * 1099511628211u; /* FNV-1a */
}

static int on_report(void *arg, const char *source, const char *json, size_t len)
{
    FUZZ_CHECK(len <= TLSRPT_JSON_MAX);
    struct found *f = arg;
    f->reports++;
    mix(f, json, len);
    return 0;
}

static void on_error(void *arg, const char *source, const char *msg)
{
    FUZZ_CHECK(msg && *msg && fuzz_no_controls(msg));
    struct found *f = arg;
    f->errors++;
    mix(f, msg, strlen(msg));
}

static void on_skipped(void *arg, const char *source)
{
    ((struct found *)arg)->skipped++;
}

static struct found read_message(const uint8_t *data, size_t size, bool view)
{
    struct found f = {.hash = 14695981039346656037u};
    struct tlsrpt_sink sink = {on_report, on_error, on_skipped, &f};
    struct tlsrpt_read_stats st = {0};
    tlsrpt_mime_view = view;
    tlsrpt_read_message((const char *)data, size, "fuzz", &sink, &st);
    tlsrpt_mime_view = true;
    return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct found any = {0};
    struct tlsrpt_sink sink = {on_report, on_error, on_skipped, &any};
    struct tlsrpt_read_stats st = {0};
    tlsrpt_read_buffer((const char *)data, size, "fuzz", &sink, &st);
    struct found with = read_message(data, size, true), whole = read_message(data, size, false);
    FUZZ_CHECK(with.reports == whole.reports && with.errors == whole.errors &&
               with.skipped == whole.skipped && with.hash == whole.hash);
    size_t len;
    const char *lit = tlsrpt_imap_literal((const char *)data, size, &len);
    if (lit)
        FUZZ_CHECK(lit >= (const char *)data && lit + len <= (const char *)data + size);
    return 0;
}
