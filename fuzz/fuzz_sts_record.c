/* fuzz_sts_record - the _mta-sts TXT record parser (RFC 8461 3.1) on arbitrary bytes.
 * Properties: the candidate filter never crashes; a valid record has an id; every stored
 * string is escaped (no control bytes); problems carry escaped text. */
#include "fuzz.h"
#include "sts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct problem_list pl = {0};
    struct sts_record r;
    (void)sts_record_is_candidate(data, size);
    int rc = sts_record_parse(data, size, &r, &pl, STEP_STS_RECORD, "example.com");
    FUZZ_CHECK(rc == 0 || rc == -1);
    FUZZ_CHECK((rc == 0) == r.valid);
    if (r.valid)
        FUZZ_CHECK(r.id != NULL);
    FUZZ_CHECK(fuzz_no_controls(r.id));
    for (size_t i = 0; i < r.nextensions; i++)
        FUZZ_CHECK(fuzz_no_controls(r.extensions[i]));
    for (size_t i = 0; i < pl.n; i++)
        FUZZ_CHECK(fuzz_no_controls(pl.items[i].message));
    sts_record_free(&r);
    problem_list_clear(&pl);
    return 0;
}
