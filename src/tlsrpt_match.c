/* tlsrpt_match - a reported failure against the live check (tlsrpt_match.h). */
#include "tlsrpt_match.h"
#include "problem.h"
#include "tlsrpt_result.h"
#include <stdbool.h>
#include <string.h>
#include <strings.h>

bool tlsrpt_result_type_known(const char *result_type)
{
    if (strcmp(result_type, "validation-failure") == 0)
        return true;
    for (int i = 0; i < PROB_COUNT; i++) {
        const char *ra = problem_def((enum problem_id)i)->report_as;
        if (ra && strcmp(ra, result_type) == 0)
            return true;
    }
    return false;
}

/* policy_level - matched in the whole domain (the table says which types). */
static bool policy_level(const char *rt)
{
    const struct tlsrpt_result_def *d = tlsrpt_result_lookup(rt);
    return d && d->policy_level;
}

/* subject_is_host - "host" or "host [address]" names host. */
static bool subject_is_host(const char *subject, const char *host)
{
    size_t n = strlen(host);
    return subject && strncasecmp(subject, host, n) == 0 &&
           (subject[n] == '\0' || subject[n] == ' ');
}

static bool kind_fits(const char *policy_type, const struct problem *p, const char *code)
{
    bool dane = p->where.step == STEP_DANE || strncmp(code, "dane.", 5) == 0;
    return strcmp(policy_type, "tlsa") == 0 ? dane : !dane;
}

static const struct mx_host *find_host(const struct report *r, const char *host)
{
    for (size_t i = 0; i < r->mx.nhosts; i++)
        if (strcasecmp(r->mx.hosts[i]->host, host) == 0)
            return r->mx.hosts[i];
    return NULL;
}

static bool host_probed(const struct mx_host *h)
{
    for (size_t i = 0; i < h->naddrs; i++)
        if (h->addrs[i]->smtp)
            return true;
    return false;
}

enum tlsrpt_now tlsrpt_match(const struct report *check, const char *policy_type,
                             const char *result_type, const char *receiving_mx)
{
    if (!check || !check->done || check->interrupted || !tlsrpt_result_type_known(result_type))
        return NOW_NOT_CHECKED;
    bool per_host = receiving_mx && *receiving_mx && !policy_level(result_type);
    for (size_t i = 0; i < check->problems.n; i++) {
        const struct problem *p = &check->problems.items[i];
        const struct problem_def *def = problem_def(p->id);
        if (!def->report_as || strcmp(def->report_as, result_type) != 0 ||
            !kind_fits(policy_type, p, def->code))
            continue;
        if (!per_host || (p->where.host ? strcasecmp(p->where.host, receiving_mx) == 0
                                        : subject_is_host(p->subject, receiving_mx)))
            return NOW_REPRODUCED;
    }
    if (!per_host)
        return NOW_NOT_REPRODUCED;
    const struct mx_host *h = find_host(check, receiving_mx);
    if (!h || !host_probed(h))
        return NOW_NOT_CHECKED;
    if (strcmp(policy_type, "tlsa") != 0)
        for (size_t i = 0; i < h->naddrs; i++)
            if (h->addrs[i]->report_as && strcmp(h->addrs[i]->report_as, result_type) == 0)
                return NOW_REPRODUCED;
    return NOW_NOT_REPRODUCED;
}
