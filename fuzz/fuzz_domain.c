/* fuzz_domain - domain_normalize (what a user typed, IDNs through libidn2 UTS 46).
 * Properties: failure gives a reason; success gives a lower-case host name of at most
 * MX_DOMAIN_MAX bytes that normalizes to itself. */
#include "fuzz.h"
#include "domain.h"
#include "mx_limits.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = fuzz_strndup(data, size);
    char out[MX_DOMAIN_MAX + 1], again[MX_DOMAIN_MAX + 1], err[256] = "";
    (void)domain_is_hostname(in);
    int rc = domain_normalize(in, out, sizeof out, err, sizeof err);
    FUZZ_CHECK(rc == 0 || rc == -1);
    if (rc < 0) {
        FUZZ_CHECK(err[0] != '\0');
    } else {
        FUZZ_CHECK(strlen(out) <= MX_DOMAIN_MAX && domain_is_hostname(out));
        for (const char *c = out; *c; c++)
            FUZZ_CHECK(!(*c >= 'A' && *c <= 'Z'));
        FUZZ_CHECK(domain_normalize(out, again, sizeof again, err, sizeof err) == 0);
        FUZZ_CHECK(strcmp(out, again) == 0);
    }
    free(in);
    return 0;
}
