/* fuzz_state - the state file reader (src/state.c) on arbitrary bytes: a state file is
 * untrusted (anyone who can write the directory, a crash mid-write of another tool, a disk
 * error). Properties: it never crashes; it accepts or rejects with a reason; what it accepts
 * belongs to the domain asked for, holds no control bytes in any string, and survives being
 * written and read again unchanged in meaning (the next check can always read its own file). */
#include "fuzz.h"
#include "state.h"

static void no_controls(const struct domain_state *s)
{
    FUZZ_CHECK(fuzz_no_controls(s->sts_id) && fuzz_no_controls(s->policy_body));
    for (size_t i = 0; i < s->nhosts; i++) {
        FUZZ_CHECK(strcmp(s->hosts[i].host, ".") == 0 || state_name_safe(s->hosts[i].host));
        for (size_t j = 0; j < s->hosts[i].ntlsa; j++)
            FUZZ_CHECK(fuzz_no_controls(s->hosts[i].tlsa[j]));
    }
    for (size_t i = 0; i < s->ntimeline; i++)
        for (size_t j = 0; j < s->timeline[i].nchanges; j++)
            FUZZ_CHECK(fuzz_no_controls(s->timeline[i].changes[j].message) &&
                       fuzz_no_controls(s->timeline[i].changes[j].subject));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct domain_state s, again;
    char why[256] = "";
    bool older;
    if (state_from_json((const char *)data, size, "example.com", &s, &older, why,
                        sizeof why) < 0) {
        FUZZ_CHECK(why[0] != '\0');
        return 0;
    }
    FUZZ_CHECK(strcmp(s.domain, "example.com") == 0);
    no_controls(&s);
    char *text = state_to_json(&s);
    FUZZ_CHECK(state_from_json(text, strlen(text), "example.com", &again, &older, why,
                               sizeof why) == 0);
    FUZZ_CHECK(again.nhosts == s.nhosts && again.ntimeline == s.ntimeline);
    free(text);
    state_free(&again);
    state_free(&s);
    return 0;
}
