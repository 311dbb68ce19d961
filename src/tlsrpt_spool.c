/* tlsrpt_spool - parsed reports in a temporary file (tlsrpt_spool.h). */
#include "tlsrpt_spool.h"
#include "xalloc.h"
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NO_STRING UINT32_MAX

/* ---- writing ---- */

static void put_u64(FILE *f, uint64_t v)
{
    fwrite(&v, sizeof v, 1, f);
}

static void put_str(FILE *f, const char *s)
{
    uint32_t n = s ? (uint32_t)strlen(s) : NO_STRING;
    fwrite(&n, sizeof n, 1, f);
    if (s)
        fwrite(s, 1, n, f);
}

static void put_strv(FILE *f, char **v, size_t n)
{
    put_u64(f, n);
    for (size_t i = 0; i < n; i++)
        put_str(f, v[i]);
}

static void put_failure(FILE *f, const struct tlsrpt_failure *x)
{
    put_str(f, x->result_type);
    put_u64(f, (uint64_t)x->count);
    put_str(f, x->sending_ip);
    put_str(f, x->receiving_mx);
    put_str(f, x->receiving_ip);
    put_str(f, x->receiving_helo);
    put_str(f, x->reason_code);
    put_str(f, x->info);
}

static void put_policy(FILE *f, const struct tlsrpt_policy *p)
{
    put_str(f, p->type);
    put_str(f, p->domain);
    put_strv(f, p->strings, p->nstrings);
    put_strv(f, p->mx_host, p->nmx_host);
    put_u64(f, (uint64_t)p->successful);
    put_u64(f, (uint64_t)p->failed);
    put_u64(f, p->nfailures);
    for (size_t i = 0; i < p->nfailures; i++)
        put_failure(f, &p->failures[i]);
}

int tlsrpt_spool_write(FILE *f, const char *source, const struct tlsrpt_report *r)
{
    put_str(f, source);
    put_str(f, r->organization);
    put_str(f, r->report_id);
    put_str(f, r->contact);
    put_u64(f, (uint64_t)(int64_t)r->start);
    put_u64(f, (uint64_t)(int64_t)r->end);
    put_u64(f, r->npolicies);
    for (size_t i = 0; i < r->npolicies; i++)
        put_policy(f, &r->policies[i]);
    return ferror(f) ? -1 : 0;
}

/* ---- reading: every failure sets bad, and what was read so far stays freeable ---- */

struct in {
    FILE *f;
    bool bad;
};

static uint64_t get_u64(struct in *in)
{
    uint64_t v = 0;
    if (!in->bad && fread(&v, sizeof v, 1, in->f) != 1)
        in->bad = true;
    return v;
}

static char *get_str(struct in *in)
{
    uint32_t n;
    if (in->bad || fread(&n, sizeof n, 1, in->f) != 1) {
        in->bad = true;
        return NULL;
    }
    if (n == NO_STRING)
        return NULL;
    if (n > TLSRPT_JSON_MAX) {
        in->bad = true;
        return NULL;
    }
    char *s = xmalloc((size_t)n + 1);
    if (fread(s, 1, n, in->f) != n) {
        in->bad = true;
        free(s);
        return NULL;
    }
    s[n] = '\0';
    return s;
}

/* get_count - a count of at most max items; 0 (bad set) beyond it. */
static size_t get_count(struct in *in, size_t max)
{
    uint64_t n = get_u64(in);
    if (n > max) {
        in->bad = true;
        return 0;
    }
    return (size_t)n;
}

static char **get_strv(struct in *in, size_t *n)
{
    *n = get_count(in, TLSRPT_STRINGS_MAX);
    char **v = *n ? xcalloc(*n, sizeof *v) : NULL;
    for (size_t i = 0; i < *n; i++)
        v[i] = get_str(in);
    return v;
}

static void get_failure(struct in *in, struct tlsrpt_failure *x)
{
    x->result_type = get_str(in);
    x->count = (long long)get_u64(in);
    x->sending_ip = get_str(in);
    x->receiving_mx = get_str(in);
    x->receiving_ip = get_str(in);
    x->receiving_helo = get_str(in);
    x->reason_code = get_str(in);
    x->info = get_str(in);
}

static void get_policy(struct in *in, struct tlsrpt_policy *p)
{
    p->type = get_str(in);
    p->domain = get_str(in);
    p->strings = get_strv(in, &p->nstrings);
    p->mx_host = get_strv(in, &p->nmx_host);
    p->successful = (long long)get_u64(in);
    p->failed = (long long)get_u64(in);
    p->nfailures = get_count(in, TLSRPT_FAILURES_MAX);
    p->failures = p->nfailures ? xcalloc(p->nfailures, sizeof *p->failures) : NULL;
    for (size_t i = 0; i < p->nfailures; i++)
        get_failure(in, &p->failures[i]);
}

int tlsrpt_spool_read(FILE *f, char **source, struct tlsrpt_report *r)
{
    memset(r, 0, sizeof *r);
    *source = NULL;
    int c = getc(f);
    if (c == EOF)
        return ferror(f) ? -1 : 0;
    ungetc(c, f);
    struct in in = {f, false};
    *source = get_str(&in);
    r->organization = get_str(&in);
    r->report_id = get_str(&in);
    r->contact = get_str(&in);
    r->start = (time_t)(int64_t)get_u64(&in);
    r->end = (time_t)(int64_t)get_u64(&in);
    r->npolicies = get_count(&in, TLSRPT_POLICIES_MAX);
    r->policies = r->npolicies ? xcalloc(r->npolicies, sizeof *r->policies) : NULL;
    for (size_t i = 0; i < r->npolicies; i++)
        get_policy(&in, &r->policies[i]);
    if (in.bad || !*source) {
        free(*source);
        *source = NULL;
        tlsrpt_report_free(r);
        return -1;
    }
    return 1;
}
