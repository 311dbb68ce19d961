/* fuzz_tlsrpt_mime - finding reports in what a user hands `mxray report`: the shape
 * detection, gunzip (bounded), GMime's e-mail and mbox parsing with the report-part
 * search, and the IMAP literal extraction, on arbitrary bytes. Properties: no crash or
 * leak; every report handed on is at most TLSRPT_JSON_MAX bytes; every error has a reason
 * without control bytes; a literal lies inside the input. */
#include "fuzz.h"
#include "tlsrpt_imap.h"
#include "tlsrpt_input.h"
#include "tlsrpt_report.h"

static int on_report(void *arg, const char *source, const char *json, size_t len)
{
    FUZZ_CHECK(len <= TLSRPT_JSON_MAX);
    return 0;
}

static void on_error(void *arg, const char *source, const char *msg)
{
    FUZZ_CHECK(msg && *msg && fuzz_no_controls(msg));
}

static void on_skipped(void *arg, const char *source)
{
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tlsrpt_sink sink = {on_report, on_error, on_skipped, NULL};
    struct tlsrpt_read_stats st = {0};
    tlsrpt_read_buffer((const char *)data, size, "fuzz", &sink, &st);
    struct tlsrpt_read_stats st2 = {0};
    tlsrpt_read_message((const char *)data, size, "fuzz", &sink, &st2);
    size_t len;
    const char *lit = tlsrpt_imap_literal((const char *)data, size, &len);
    if (lit)
        FUZZ_CHECK(lit >= (const char *)data && lit + len <= (const char *)data + size);
    return 0;
}
