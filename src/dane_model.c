/* dane_model - the DANE part of the report model (declared in report.h): names for faces,
 * the DNSSEC status of an answer, and teardown. No OpenSSL, no judgment: diag_dane.c judges. */
#include "report.h"
#include <stdlib.h>

const char *dane_status_name(enum dane_status s)
{
    static const char *const names[] = {"pending", "none", "insecure", "secure", "bogus"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

const char *dane_action_name(enum dane_action a)
{
    static const char *const names[] = {"pending", "no_dane", "deliver", "defer"};
    return (unsigned)a < sizeof names / sizeof names[0] ? names[a] : "?";
}

const char *dns_answer_sec(const struct dns_answer *a)
{
    if (!a)
        return NULL;
    switch (a->status) {
    case DNS_OK:
    case DNS_NODATA:
    case DNS_NXDOMAIN:
        return a->ad ? "secure" : "insecure";
    case DNS_SERVFAIL:
        return "bogus"; /* what a validating resolver answers for bogus data (RFC 4035 5.5) */
    default:
        return "error";
    }
}

void dane_host_free(struct dane_host *h)
{
    free(h->base);
    free(h->name);
    dns_answer_free(h->answer);
    dns_answer_free(h->cname_answer);
    free(h->cname_target);
    for (size_t i = 0; i < h->ntlsa; i++) {
        free(h->tlsa[i].data);
        free(h->tlsa[i].text);
        free(h->tlsa[i].note);
    }
    free(h->tlsa);
    free(h->note);
}

void dane_addr_free(struct dane_addr *a)
{
    free(a->tlsa_depth);
    free(a->error);
    free(a->action_note);
}
