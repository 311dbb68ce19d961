/* tlsrpt_summary - per-domain totals of streamed reports (tlsrpt_summary.h). */
#include "tlsrpt_summary.h"
#include "xalloc.h"
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct tlsrpt_summary *tlsrpt_summary_new(void)
{
    return xcalloc(1, sizeof(struct tlsrpt_summary));
}

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* seen_key - "organization\nreport-id" (escaped strings hold no raw newline). */
static char *seen_key(const struct tlsrpt_report *r)
{
    return xasprintf("%s\n%s", r->organization, r->report_id);
}

static void seen_grow(struct tlsrpt_summary *s);

/* seen_insert - false when key was there already (key is then freed). */
static bool seen_insert(struct tlsrpt_summary *s, char *key)
{
    if ((s->nseen + 1) * 2 > s->seen_cap)
        seen_grow(s);
    size_t mask = s->seen_cap - 1, i = fnv1a(key, strlen(key)) & mask;
    while (s->seen[i]) {
        if (strcmp(s->seen[i], key) == 0) {
            free(key);
            return false;
        }
        i = (i + 1) & mask;
    }
    s->seen[i] = key;
    s->nseen++;
    return true;
}

static void seen_grow(struct tlsrpt_summary *s)
{
    char **old = s->seen;
    size_t oldcap = s->seen_cap;
    s->seen_cap = oldcap ? oldcap * 2 : 256;
    s->seen = xcalloc(s->seen_cap, sizeof *s->seen);
    s->nseen = 0;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i])
            seen_insert(s, old[i]);
    free(old);
}

static bool str_eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void count_add(struct tlsrpt_count *c, size_t *n, const char *key, long long v)
{
    for (size_t i = 0; i < *n; i++) {
        if (strcmp(c[i].key, key) == 0) {
            c[i].n += v;
            return;
        }
    }
    if (*n == TLSRPT_RESULT_TYPES_MAX)
        return;
    c[*n].key = xstrdup(key);
    c[*n].n = v;
    (*n)++;
}

struct tlsrpt_domain *tlsrpt_summary_find(const struct tlsrpt_summary *s, const char *domain)
{
    for (size_t i = 0; i < s->ndomains; i++)
        if (strcmp(s->domains[i].domain, domain) == 0)
            return &s->domains[i];
    return NULL;
}

static struct tlsrpt_domain *domain_get(struct tlsrpt_summary *s, const char *domain)
{
    struct tlsrpt_domain *d = tlsrpt_summary_find(s, domain);
    if (d)
        return d;
    if (s->ndomains == TLSRPT_DOMAINS_MAX) {
        s->domains_dropped++;
        return NULL;
    }
    s->domains = xreallocarray(s->domains, s->ndomains + 1, sizeof *s->domains);
    d = &s->domains[s->ndomains++];
    memset(d, 0, sizeof *d);
    d->domain = xstrdup(domain);
    return d;
}

static void add_reporter(struct tlsrpt_domain *d, const char *org)
{
    for (size_t i = 0; i < d->nreporters; i++)
        if (strcmp(d->reporters[i], org) == 0)
            return;
    if (d->nreporters < TLSRPT_REPORTERS_MAX)
        xptr_push((void ***)&d->reporters, &d->nreporters, xstrdup(org));
}

static struct tlsrpt_type_total *type_get(struct tlsrpt_domain *d, const char *type)
{
    for (size_t i = 0; i < d->ntypes; i++)
        if (strcmp(d->types[i].type, type) == 0)
            return &d->types[i];
    d->types = xreallocarray(d->types, d->ntypes + 1, sizeof *d->types);
    struct tlsrpt_type_total *t = &d->types[d->ntypes++];
    memset(t, 0, sizeof *t);
    t->type = xstrdup(type);
    return t;
}

static struct tlsrpt_group *group_find(const struct tlsrpt_domain *d, const char *ptype,
                                       const struct tlsrpt_failure *f)
{
    for (size_t i = 0; i < d->ngroups; i++) {
        struct tlsrpt_group *g = &d->groups[i];
        if (strcmp(g->policy_type, ptype) == 0 && strcmp(g->result_type, f->result_type) == 0 &&
            str_eq(g->receiving_mx, f->receiving_mx))
            return g;
    }
    return NULL;
}

static void add_failure(struct tlsrpt_domain *d, const char *ptype, const struct tlsrpt_failure *f)
{
    struct tlsrpt_group *g = group_find(d, ptype, f);
    if (!g) {
        if (d->ngroups == TLSRPT_GROUPS_MAX) {
            d->other_failures += f->count;
            return;
        }
        d->groups = xreallocarray(d->groups, d->ngroups + 1, sizeof *d->groups);
        g = &d->groups[d->ngroups++];
        memset(g, 0, sizeof *g);
        g->policy_type = xstrdup(ptype);
        g->result_type = xstrdup(f->result_type);
        g->receiving_mx = xstrdup(f->receiving_mx);
    }
    g->count += f->count;
    if (!f->receiving_ip)
        return;
    for (size_t i = 0; i < g->nips; i++)
        if (strcmp(g->ips[i], f->receiving_ip) == 0)
            return;
    if (g->nips < TLSRPT_GROUP_IPS_MAX)
        g->ips[g->nips++] = xstrdup(f->receiving_ip);
}

static const char *reporter_ptr(const struct tlsrpt_domain *d, const char *org)
{
    for (size_t i = 0; i < d->nreporters; i++)
        if (strcmp(d->reporters[i], org) == 0)
            return d->reporters[i];
    return NULL;
}

static size_t cell_hash(time_t day, const char *reporter)
{
    return (size_t)(fnv1a(reporter, strlen(reporter)) ^ ((uint64_t)day * 0x9E3779B97F4A7C15ULL));
}

static void cell_reindex(struct tlsrpt_domain *d)
{
    free(d->cell_index);
    d->cell_index_cap = d->cell_index_cap ? d->cell_index_cap * 2 : 64;
    d->cell_index = xcalloc(d->cell_index_cap, sizeof *d->cell_index); /* 0 = empty, else i+1 */
    for (size_t i = 0; i < d->ncells; i++) {
        size_t k = cell_hash(d->cells[i].day, d->cells[i].reporter) & (d->cell_index_cap - 1);
        while (d->cell_index[k])
            k = (k + 1) & (d->cell_index_cap - 1);
        d->cell_index[k] = i + 1;
    }
}

/* cell_get - the reporter's cell of that day, or NULL beyond TLSRPT_CELLS_MAX. */
static struct tlsrpt_cell *cell_get(struct tlsrpt_domain *d, time_t day, const char *reporter)
{
    if (!reporter)
        return NULL;
    if ((d->ncells + 1) * 2 > d->cell_index_cap)
        cell_reindex(d);
    size_t k = cell_hash(day, reporter) & (d->cell_index_cap - 1);
    while (d->cell_index[k]) {
        struct tlsrpt_cell *c = &d->cells[d->cell_index[k] - 1];
        if (c->day == day && c->reporter == reporter)
            return c;
        k = (k + 1) & (d->cell_index_cap - 1);
    }
    if (d->ncells == TLSRPT_CELLS_MAX)
        return NULL;
    if (d->ncells == d->cells_cap) {
        d->cells_cap = d->cells_cap ? d->cells_cap * 2 : 16;
        d->cells = xreallocarray(d->cells, d->cells_cap, sizeof *d->cells);
    }
    struct tlsrpt_cell *c = &d->cells[d->ncells];
    memset(c, 0, sizeof *c);
    c->day = day;
    c->reporter = reporter;
    d->cell_index[k] = ++d->ncells;
    return c;
}

static void cell_count(struct tlsrpt_domain *d, struct tlsrpt_cell *c, const char *type,
                       long long n)
{
    const char *key = NULL;
    for (size_t i = 0; i < d->nby_result; i++)
        if (strcmp(d->by_result[i].key, type) == 0)
            key = d->by_result[i].key;
    if (!c || !key)
        return;
    for (size_t i = 0; i < c->nres; i++) {
        if (c->res[i].type == key) {
            c->res[i].n += n;
            return;
        }
    }
    c->res = xreallocarray(c->res, c->nres + 1, sizeof *c->res);
    c->res[c->nres++] = (struct tlsrpt_cell_count){key, n};
}

static time_t day_of(time_t t)
{
    return t - ((t % 86400) + 86400) % 86400;
}

static void add_day(struct tlsrpt_domain *d, time_t start, long long ok, long long failed)
{
    time_t day = day_of(start);
    for (size_t i = 0; i < d->ndays; i++) {
        if (d->days[i].day == day) {
            d->days[i].successful += ok;
            d->days[i].failed += failed;
            return;
        }
    }
    if (d->ndays == TLSRPT_DAYS_MAX)
        return;
    d->days = xreallocarray(d->days, d->ndays + 1, sizeof *d->days);
    d->days[d->ndays++] = (struct tlsrpt_day){day, ok, failed};
}

/* add_domain - the policies of r for one domain (indices in idx). */
static void add_domain(struct tlsrpt_summary *s, const struct tlsrpt_report *r,
                       struct tlsrpt_domain *d, const size_t *idx, size_t n)
{
    if (d->nreporters == 0 && d->ntypes == 0) {
        d->from = r->start;
        d->to = r->end;
    }
    if (r->start < d->from)
        d->from = r->start;
    if (r->end > d->to)
        d->to = r->end;
    add_reporter(d, r->organization);
    /* The same sessions may be listed under several policy types (Microsoft: sts and
     * tlsa): the domain counts this report once, by its policy type with the most sessions. */
    const char *best = NULL;
    long long best_ok = 0, best_failed = 0;
    for (size_t i = 0; i < n; i++) {
        const char *type = r->policies[idx[i]].type;
        long long ok = 0, failed = 0;
        for (size_t j = 0; j < n; j++) {
            const struct tlsrpt_policy *q = &r->policies[idx[j]];
            if (strcmp(q->type, type) == 0) {
                ok += q->successful;
                failed += q->failed;
            }
        }
        if (!best || ok + failed > best_ok + best_failed) {
            best = type;
            best_ok = ok;
            best_failed = failed;
        }
    }
    struct tlsrpt_cell *cell = cell_get(d, day_of(r->start), reporter_ptr(d, r->organization));
    if (cell) {
        cell->successful += best_ok;
        cell->failed += best_failed;
    }
    for (size_t i = 0; i < n; i++) {
        const struct tlsrpt_policy *p = &r->policies[idx[i]];
        struct tlsrpt_type_total *t = type_get(d, p->type);
        t->successful += p->successful;
        t->failed += p->failed;
        for (size_t k = 0; k < p->nfailures; k++) {
            const struct tlsrpt_failure *f = &p->failures[k];
            count_add(t->by_result, &t->nby_result, f->result_type, f->count);
            if (strcmp(p->type, best) == 0) {
                count_add(d->by_result, &d->nby_result, f->result_type, f->count);
                cell_count(d, cell, f->result_type, f->count);
            }
            add_failure(d, p->type, f);
        }
    }
    d->successful += best_ok;
    d->failed += best_failed;
    s->failed_sessions += best_failed;
    add_day(d, r->start, best_ok, best_failed);
}

int tlsrpt_summary_add(struct tlsrpt_summary *s, const struct tlsrpt_report *r)
{
    if (!seen_insert(s, seen_key(r))) {
        s->duplicates++;
        return 0;
    }
    s->reports++;
    size_t *idx = xcalloc(r->npolicies ? r->npolicies : 1, sizeof *idx);
    bool *done = xcalloc(r->npolicies ? r->npolicies : 1, sizeof *done);
    for (size_t i = 0; i < r->npolicies; i++) {
        if (done[i])
            continue;
        size_t n = 0;
        for (size_t j = i; j < r->npolicies; j++) {
            if (!done[j] && strcmp(r->policies[j].domain, r->policies[i].domain) == 0) {
                idx[n++] = j;
                done[j] = true;
            }
        }
        struct tlsrpt_domain *d = domain_get(s, r->policies[i].domain);
        if (d)
            add_domain(s, r, d, idx, n);
    }
    free(idx);
    free(done);
    return 1;
}

void tlsrpt_summary_error(struct tlsrpt_summary *s, const char *source, const char *message)
{
    if (s->nerrors == TLSRPT_ERRORS_MAX) {
        s->errors_dropped++;
        return;
    }
    s->errors = xreallocarray(s->errors, s->nerrors + 1, sizeof *s->errors);
    s->errors[s->nerrors++] = (struct tlsrpt_error){xstrdup(source), xstrdup(message)};
}

static int domain_cmp(const void *a, const void *b)
{
    return strcmp(((const struct tlsrpt_domain *)a)->domain,
                  ((const struct tlsrpt_domain *)b)->domain);
}

static int group_cmp(const void *a, const void *b)
{
    const struct tlsrpt_group *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    int c = strcmp(x->result_type, y->result_type);
    if (c)
        return c;
    return strcmp(x->receiving_mx ? x->receiving_mx : "", y->receiving_mx ? y->receiving_mx : "");
}

static int day_cmp(const void *a, const void *b)
{
    time_t x = ((const struct tlsrpt_day *)a)->day, y = ((const struct tlsrpt_day *)b)->day;
    return x < y ? -1 : x > y;
}

static int reporter_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ip_key - an address as bytes that sort in numeric order: IPv4 first, then IPv6, then what
 * a reporter wrote that is no address (by its text). */
static int ip_key(const char *ip, unsigned char key[17])
{
    memset(key, 0, 17);
    if (inet_pton(AF_INET, ip, key + 13) == 1)
        return 0;
    if (inet_pton(AF_INET6, ip, key + 1) == 1) {
        key[0] = 1;
        return 0;
    }
    return -1;
}

static int ip_cmp(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    unsigned char kx[17], ky[17];
    int px = ip_key(x, kx), py = ip_key(y, ky);
    if (px != py)
        return px < py ? 1 : -1; /* addresses before the rest */
    return px == 0 ? memcmp(kx, ky, sizeof kx) : strcmp(x, y);
}

void tlsrpt_summary_sort(struct tlsrpt_summary *s)
{
    if (s->ndomains)
        qsort(s->domains, s->ndomains, sizeof *s->domains, domain_cmp);
    for (size_t i = 0; i < s->ndomains; i++) {
        struct tlsrpt_domain *d = &s->domains[i];
        if (d->ngroups)
            qsort(d->groups, d->ngroups, sizeof *d->groups, group_cmp);
        for (size_t j = 0; j < d->ngroups; j++)
            if (d->groups[j].nips > 1)
                qsort(d->groups[j].ips, d->groups[j].nips, sizeof *d->groups[j].ips, ip_cmp);
        if (d->ndays)
            qsort(d->days, d->ndays, sizeof *d->days, day_cmp);
        if (d->nreporters)
            qsort(d->reporters, d->nreporters, sizeof *d->reporters, reporter_cmp);
    }
}

void tlsrpt_summary_mark(const struct tlsrpt_summary *s, struct tlsrpt_report *r)
{
    for (size_t i = 0; i < r->npolicies; i++) {
        const struct tlsrpt_policy *p = &r->policies[i];
        const struct tlsrpt_domain *d = tlsrpt_summary_find(s, p->domain);
        for (size_t j = 0; j < p->nfailures; j++) {
            const struct tlsrpt_group *g = d ? group_find(d, p->type, &p->failures[j]) : NULL;
            p->failures[j].now = g ? g->now : NOW_NOT_CHECKED;
        }
    }
}

static void counts_free(struct tlsrpt_count *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(c[i].key);
}

void tlsrpt_summary_free(struct tlsrpt_summary *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->ndomains; i++) {
        struct tlsrpt_domain *d = &s->domains[i];
        free(d->domain);
        for (size_t j = 0; j < d->nreporters; j++)
            free(d->reporters[j]);
        free(d->reporters);
        counts_free(d->by_result, d->nby_result);
        for (size_t j = 0; j < d->ntypes; j++) {
            free(d->types[j].type);
            counts_free(d->types[j].by_result, d->types[j].nby_result);
        }
        free(d->types);
        for (size_t j = 0; j < d->ngroups; j++) {
            struct tlsrpt_group *g = &d->groups[j];
            free(g->policy_type);
            free(g->result_type);
            free(g->receiving_mx);
            for (size_t k = 0; k < g->nips; k++)
                free(g->ips[k]);
        }
        free(d->groups);
        free(d->days);
        for (size_t j = 0; j < d->ncells; j++)
            free(d->cells[j].res);
        free(d->cells);
        free(d->cell_index);
    }
    free(s->domains);
    for (size_t i = 0; i < s->nerrors; i++) {
        free(s->errors[i].source);
        free(s->errors[i].message);
    }
    free(s->errors);
    for (size_t i = 0; i < s->seen_cap; i++)
        free(s->seen[i]);
    free(s->seen);
    free(s);
}
