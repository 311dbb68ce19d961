/* report_live - --check and the report view (report_live.h). */
#include "report_live.h"
#include "domain.h"
#include "loop.h"
#include "mx_limits.h"
#include "tlsrpt_match.h"
#include "tui.h"
#include "view_reports.h"
#include "xalloc.h"
#include <stdio.h>
#include <stdlib.h>

static void on_check_event(void *arg, const struct diag_event *ev)
{
    struct report_live *l = arg;
    if (ev->type == DIAG_EV_DONE) {
        l->running--;
        l->done++;
    }
}

static void start_next(struct report_live *l)
{
    while (l->running < REPORT_CHECKS_IN_FLIGHT && l->next < l->s->ndomains) {
        size_t i = l->next++;
        char name[MX_DOMAIN_MAX + 2], err[160];
        if (domain_normalize(l->s->domains[i].domain, name, sizeof name, err, sizeof err) < 0) {
            l->done++;
            continue;
        }
        l->running++;
        l->diags[i] = diag_start(l->e, l->dopt, name, l->s->domains[i].domain, on_check_event, l);
    }
}

int report_live_check(struct report_live *l)
{
    int rc = 0;
    if (!l->diags)
        l->diags = xcalloc(l->s->ndomains ? l->s->ndomains : 1, sizeof *l->diags);
    start_next(l);
    while (l->done < l->s->ndomains && !(l->stop && *l->stop)) {
        if (loop_run_once(l->e->loop, -1) < 0) {
            perror("mxray: poll");
            rc = 70;
            break;
        }
        start_next(l);
    }
    for (size_t i = 0; i < l->s->ndomains; i++) {
        struct tlsrpt_domain *d = &l->s->domains[i];
        if (!l->diags[i])
            continue;
        diag_stop(l->diags[i]); /* only does something when interrupted */
        d->check = diag_report(l->diags[i]);
        for (size_t g = 0; g < d->ngroups; g++)
            d->groups[g].now = tlsrpt_match(d->check, d->groups[g].policy_type,
                                            d->groups[g].result_type, d->groups[g].receiving_mx);
    }
    return rc;
}

int report_live_view(struct report_live *l, bool checked, const char *resolver_desc, bool no_color)
{
    struct reports_view_state st = {0};
    struct reports_pick pick;
    while (!(l->stop && *l->stop) && reports_view_run(l->s, checked, no_color, &st, &pick)) {
        char name[MX_DOMAIN_MAX + 2], err[160];
        if (domain_normalize(pick.domain, name, sizeof name, err, sizeof err) < 0)
            continue;
        struct tui_config tc = {
            .engine = l->e,
            .opts = l->dopt,
            .domain = name,
            .input = pick.domain,
            .no_color = no_color,
            .resolver_desc = resolver_desc,
            .select_host = pick.mx_host[0] ? pick.mx_host : NULL,
        };
        int rc = tui_run(&tc);
        if (rc >= 128)
            return rc;
    }
    return 0;
}

void report_live_free(struct report_live *l)
{
    if (!l->diags)
        return;
    for (size_t i = 0; i < l->s->ndomains; i++)
        diag_free(l->diags[i]);
    free(l->diags);
    l->diags = NULL;
}
