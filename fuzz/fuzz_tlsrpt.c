/* fuzz_tlsrpt - the _smtp._tls TXT record parser (RFC 8460 3) on arbitrary bytes.
 * Properties: no crash or leak; stored URIs and problem messages are escaped. */
#include "fuzz.h"
#include "sts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct problem_list pl = {0};
    struct tlsrpt_record r;
    (void)tlsrpt_record_is_candidate(data, size);
    int rc = tlsrpt_record_parse(data, size, &r, &pl, STEP_TLSRPT, "example.com");
    FUZZ_CHECK(rc == 0 || rc == -1);
    for (size_t i = 0; i < r.nrua; i++)
        FUZZ_CHECK(fuzz_no_controls(r.rua[i]));
    for (size_t i = 0; i < pl.n; i++)
        FUZZ_CHECK(fuzz_no_controls(pl.items[i].message));
    tlsrpt_record_free(&r);
    problem_list_clear(&pl);
    return 0;
}
