/* fuzz_sts_policy - the policy body parser (RFC 8461 3.2) on arbitrary bytes, then the mx
 * matcher against the patterns it kept. Properties: bounded mx list, escaped strings, line
 * numbers within the body, max_age -1 or in range when valid. */
#include "fuzz.h"
#include "sts.h"
#include "mx_limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct problem_list pl = {0};
    struct sts_policy p;
    int rc = sts_policy_parse(data, size, &p, &pl, STEP_POLICY, "https://mta-sts.example.com");
    FUZZ_CHECK(rc == 0 || rc == -1);
    FUZZ_CHECK(p.nmx <= MX_POLICY_MX_MAX);
    FUZZ_CHECK(fuzz_no_controls(p.version) && fuzz_no_controls(p.mode_text));
    (void)sts_mode_name(p.mode);
    if (p.valid)
        FUZZ_CHECK(p.max_age >= 0 && p.max_age <= MX_MAX_AGE_LIMIT);
    for (size_t i = 0; i < pl.n; i++) {
        FUZZ_CHECK(fuzz_no_controls(pl.items[i].message));
        FUZZ_CHECK(pl.items[i].line >= 0 && (size_t)pl.items[i].line <= p.nlines + 1);
    }
    /* Each kept pattern must match a host built from it, and the explanation must exist. */
    for (size_t i = 0; i < p.nmx; i++) {
        FUZZ_CHECK(fuzz_no_controls(p.mx[i]));
        const char *pat = p.mx[i];
        char host[300];
        snprintf(host, sizeof host, "%s%s", pat[0] == '*' ? "mx" : "", pat[0] == '*' ? pat + 1 : pat);
        char *why = NULL;
        int idx = sts_policy_match_mx(&p, host, &why);
        FUZZ_CHECK(idx >= 0 && (size_t)idx <= i && why != NULL);
        free(why);
    }
    char *why = NULL;
    (void)sts_policy_match_mx(&p, "unlisted.invalid", &why);
    free(why);
    sts_policy_free(&p);
    problem_list_clear(&pl);
    return 0;
}
