/* fuzz_mx_match - RFC 8461 4.1 mx pattern syntax and matching. Input: pattern '\n' host.
 * Properties: matching is case-insensitive and ignores one trailing dot on the host; a
 * one-pattern policy matches exactly when sts_mx_match does, and always explains itself. */
#include "fuzz.h"
#include "sts.h"
#include <ctype.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *pat, *host;
    fuzz_split(data, size, '\n', &pat, &host);
    const char *why = NULL;
    if (!sts_mx_pattern_valid(pat, &why))
        FUZZ_CHECK(why != NULL);
    bool m = sts_mx_match(pat, host);

    size_t hl = strlen(host);
    char *upper = fuzz_strndup((const uint8_t *)host, hl);
    for (char *c = upper; *c; c++)
        *c = (char)toupper((unsigned char)*c);
    FUZZ_CHECK(sts_mx_match(pat, upper) == m);
    free(upper);
    if (hl && host[hl - 1] != '.') {
        char *dotted = malloc(hl + 2);
        memcpy(dotted, host, hl);
        memcpy(dotted + hl, ".", 2);
        FUZZ_CHECK(sts_mx_match(pat, dotted) == m);
        free(dotted);
    }

    char *mxv[1] = {pat};
    struct sts_policy p = {.mx = mxv, .nmx = 1};
    char *explain = NULL;
    int idx = sts_policy_match_mx(&p, host, &explain);
    FUZZ_CHECK(idx == (m ? 0 : -1) && explain != NULL);
    free(explain);
    free(pat);
    free(host);
    return 0;
}
