/* linked - run-time library versions (see linked.h). */
#include "linked.h"
#include <ares.h>
#include <curl/curl.h>
#include <idn2.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <string.h>

/* after_prefix - s without a leading "prefix " (OpenSSL says "OpenSSL 3.0.11 19 Sep 2023"). */
static const char *after_prefix(const char *s, const char *prefix)
{
    size_t n = strlen(prefix);
    return s && strncmp(s, prefix, n) == 0 && s[n] == ' ' ? s + n + 1 : s;
}

size_t linked_libs(struct linked_lib *out, size_t max)
{
    const curl_version_info_data *curl = curl_version_info(CURLVERSION_NOW);
    const struct linked_lib all[] = {
        {"c-ares", ares_version(NULL)},
        {"libcurl", curl && curl->version ? curl->version : "?"},
        {"OpenSSL", after_prefix(OpenSSL_version(OPENSSL_VERSION), "OpenSSL")},
        {"libidn2", idn2_check_version(NULL)},
        {"Jansson", jansson_version_str()},
    };
    size_t n = 0;
    for (; n < max && n < sizeof all / sizeof all[0]; n++)
        out[n] = all[n];
    return n;
}
