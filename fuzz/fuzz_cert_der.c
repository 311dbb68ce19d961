/* fuzz_cert_der - a DER certificate through d2i_X509 and cert_info_from_x509 (every field a
 * peer controls: names, SANs, AIA, CRL DP, SCT list, key and signature algorithms).
 * Properties: no crash or leak; every text field is escaped and bounded. */
#include "fuzz.h"
#include "cert.h"
#include "cert_ssl.h"
#include "mx_limits.h"
#include <time.h>

static void check_text(const char *s)
{
    FUZZ_CHECK(fuzz_no_controls(s));
    FUZZ_CHECK(!s || strlen(s) <= MX_ESCAPED_MAX);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const unsigned char *p = data;
    X509 *x = d2i_X509(NULL, &p, (long)size);
    if (!x)
        return 0;
    struct cert_info ci = {0};
    (void)cert_info_from_x509(x, 0, &ci);
    check_text(ci.subject);
    check_text(ci.issuer);
    check_text(ci.common_name);
    check_text(ci.key);
    check_text(ci.signature);
    check_text(ci.key_usage);
    check_text(ci.ext_key_usage);
    FUZZ_CHECK(ci.nsan_dns + ci.nsan_ip <= MX_SAN_MAX);
    for (size_t i = 0; i < ci.nsan_dns; i++)
        check_text(ci.san_dns[i]);
    for (size_t i = 0; i < ci.nsan_ip; i++)
        check_text(ci.san_ip[i]);
    for (size_t i = 0; i < ci.nocsp; i++)
        check_text(ci.ocsp[i]);
    for (size_t i = 0; i < ci.ncrl; i++)
        check_text(ci.crl[i]);
    (void)cert_name_match(&ci, "mx.example.com", NULL);
    (void)cert_days_left(&ci, (time_t)1767225600);
    cert_info_free(&ci);
    X509_free(x);
    return 0;
}
