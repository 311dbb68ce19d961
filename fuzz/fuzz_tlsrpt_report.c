/* fuzz_tlsrpt_report - the RFC 8460 aggregate report parser (JSON over Jansson) and the
 * summary on arbitrary bytes. Properties: no crash or leak; a parsed report's strings hold
 * no control byte; counts are within 0..2^53; a failure gives a reason; the summary takes
 * the report once (a second add is a duplicate). */
#include "fuzz.h"
#include "tlsrpt_report.h"
#include "tlsrpt_summary.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tlsrpt_report r;
    char err[256] = "";
    int rc = tlsrpt_report_parse((const char *)data, size, &r, err, sizeof err);
    FUZZ_CHECK(rc == 0 || rc == -1);
    if (rc < 0) {
        FUZZ_CHECK(err[0] != '\0');
        tlsrpt_report_free(&r);
        return 0;
    }
    FUZZ_CHECK(fuzz_no_controls(r.organization) && fuzz_no_controls(r.report_id));
    for (size_t i = 0; i < r.npolicies; i++) {
        const struct tlsrpt_policy *p = &r.policies[i];
        FUZZ_CHECK(fuzz_no_controls(p->type) && fuzz_no_controls(p->domain));
        FUZZ_CHECK(p->successful >= 0 && p->failed >= 0 && p->failed <= TLSRPT_COUNT_MAX);
        for (size_t j = 0; j < p->nfailures; j++) {
            FUZZ_CHECK(fuzz_no_controls(p->failures[j].result_type));
            FUZZ_CHECK(!p->failures[j].info || fuzz_no_controls(p->failures[j].info));
        }
    }
    struct tlsrpt_summary *s = tlsrpt_summary_new();
    FUZZ_CHECK(tlsrpt_summary_add(s, &r) == 1);
    FUZZ_CHECK(tlsrpt_summary_add(s, &r) == 0);
    tlsrpt_summary_sort(s);
    tlsrpt_summary_mark(s, &r);
    tlsrpt_summary_free(s);
    tlsrpt_report_free(&r);
    return 0;
}
