/* fuzz_dns_answer - dns_parse_answer (our bounded DNS message parser) on arbitrary bytes.
 * Input: first byte picks the question type (A, CNAME, MX, TXT, AAAA, or TLSA), the rest is
 * the DNS message. Properties: bounded records, escaped names and text, TXT length bound,
 * and the CNAME chain writer copes with whatever was parsed. */
#include "fuzz.h"
#include "dns.h"
#include "mx_limits.h"

static const uint16_t qtypes[] = {DNS_T_A, DNS_T_CNAME, DNS_T_MX, DNS_T_TXT, DNS_T_AAAA, 52};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    uint16_t qtype = qtypes[data[0] % (sizeof qtypes / sizeof *qtypes)];
    struct dns_answer *a = dns_answer_new("example.com", qtype);
    int rc = dns_parse_answer(data + 1, size - 1, a);
    FUZZ_CHECK(rc == 0 || rc == -1);
    if (rc < 0)
        FUZZ_CHECK(a->status == DNS_ERROR);
    FUZZ_CHECK(a->nrr <= MX_DNS_RR_MAX);
    (void)dns_status_name(a->status);
    for (size_t i = 0; i < a->nrr; i++) {
        const struct dns_rr *rr = &a->rr[i];
        FUZZ_CHECK(fuzz_no_controls(rr->name) && fuzz_no_controls(rr->text));
        FUZZ_CHECK(fuzz_no_controls(rr->target) && fuzz_no_controls(rr->addr));
        FUZZ_CHECK(rr->txt_len <= MX_DNS_TXT_MAX);
        FUZZ_CHECK(rr->txt_nstrings >= 0);
        (void)dns_type_name(rr->type);
    }
    free(dns_answer_cname_chain(a));
    dns_answer_free(a);
    return 0;
}
