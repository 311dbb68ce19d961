/* engine - the shared loop, DNS and HTTPS contexts that diagnoses run on. */
#include "diag.h"
#include "dns.h"
#include "https.h"
#include "loop.h"
#include <stdio.h>
#include <string.h>

int engine_init_on(struct engine *e, struct loop *l, const char *const *servers,
                   size_t nservers, int timeout_ms, char *err, size_t errlen)
{
    memset(e, 0, sizeof *e);
    e->loop = l;
    struct dns_opts o = {.servers = servers, .nservers = nservers, .timeout_ms = timeout_ms};
    e->dns = dns_new(e->loop, &o, err, errlen);
    if (e->dns)
        e->https = https_new(e->loop);
    if (e->https)
        return 0;
    if (e->dns)
        snprintf(err, errlen, "cannot initialise HTTPS (libcurl)");
    /* Undo all but the loop: the caller still has things on it (engine_fini frees it). */
    if (e->dns)
        dns_free(e->dns);
    e->dns = NULL;
    return -1;
}

int engine_init(struct engine *e, const char *const *servers, size_t nservers, int timeout_ms,
                char *err, size_t errlen)
{
    if (engine_init_on(e, loop_new(), servers, nservers, timeout_ms, err, errlen) == 0)
        return 0;
    engine_fini(e);
    return -1;
}

void engine_fini(struct engine *e)
{
    if (e->https)
        https_free(e->https);
    if (e->dns)
        dns_free(e->dns);
    if (e->loop)
        loop_free(e->loop);
    memset(e, 0, sizeof *e);
}
