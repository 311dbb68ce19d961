/* fuzz_cert_name - certificate name matching (RFC 6125 6.4 as RFC 8461 4.2 restricts it).
 * Input: host '\n' SAN patterns separated by '\n'. Properties: case-insensitive; any SAN
 * that matches on its own makes the leaf match, and the reported SAN is one of them. */
#include "fuzz.h"
#include "cert.h"
#include <ctype.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *host, *rest;
    fuzz_split(data, size, '\n', &host, &rest);
    char *sans[16];
    size_t n = 0;
    bool any = false;
    for (char *s = rest, *nl; n < 16; s = nl + 1) {
        nl = strchr(s, '\n');
        if (nl)
            *nl = '\0';
        sans[n++] = s;
        bool one = cert_name_match_one(s, host);
        any = any || one;
        char *up = fuzz_strndup((const uint8_t *)s, strlen(s));
        for (char *c = up; *c; c++)
            *c = (char)toupper((unsigned char)*c);
        FUZZ_CHECK(cert_name_match_one(up, host) == one);
        free(up);
        if (!nl)
            break;
    }
    struct cert_info leaf = {.san_dns = sans, .nsan_dns = n};
    const char *matched = NULL;
    bool m = cert_name_match(&leaf, host, &matched);
    FUZZ_CHECK(m == any);
    if (m) {
        bool found = false;
        for (size_t i = 0; i < n; i++)
            found = found || matched == sans[i];
        FUZZ_CHECK(found);
    }
    free(host);
    free(rest);
    return 0;
}
