/* tlsrpt_json - the mxray.tlsrpt.v1 writer (tlsrpt_json.h). */
#include "tlsrpt_json.h"
#include "json.h"
#include "report_json.h"

static void kv_time(struct json *w, const char *key, time_t t)
{
    char buf[32];
    tlsrpt_format_time(t, buf, sizeof buf);
    json_kv_str(w, key, buf);
}

void tlsrpt_json_begin(struct json *w)
{
    json_obj_begin(w);
    json_kv_str(w, "schema", TLSRPT_JSON_SCHEMA);
    json_key(w, "reports");
    json_arr_begin(w);
}

static void write_failure(struct json *w, const struct tlsrpt_failure *f)
{
    json_obj_begin(w);
    json_kv_str(w, "result_type", f->result_type);
    json_kv_int(w, "count", f->count);
    json_kv_str(w, "sending_ip", f->sending_ip);
    json_kv_str(w, "receiving_mx", f->receiving_mx);
    json_kv_str(w, "receiving_ip", f->receiving_ip);
    json_kv_str(w, "receiving_helo", f->receiving_helo);
    json_kv_str(w, "reason_code", f->reason_code);
    json_kv_str(w, "info", f->info);
    json_kv_str(w, "now", tlsrpt_now_name(f->now));
    json_obj_end(w);
}

void tlsrpt_json_report(struct json *w, const char *source, const struct tlsrpt_report *r)
{
    json_obj_begin(w);
    json_kv_str(w, "source", source);
    json_kv_str(w, "organization", r->organization);
    json_kv_str(w, "report_id", r->report_id);
    json_kv_str(w, "contact", r->contact);
    kv_time(w, "start", r->start);
    kv_time(w, "end", r->end);
    json_key(w, "policies");
    json_arr_begin(w);
    for (size_t i = 0; i < r->npolicies; i++) {
        const struct tlsrpt_policy *p = &r->policies[i];
        json_obj_begin(w);
        json_kv_str(w, "type", p->type);
        json_kv_str(w, "domain", p->domain);
        json_kv_strv(w, "strings", p->strings, p->nstrings);
        json_kv_strv(w, "mx_host", p->mx_host, p->nmx_host);
        json_kv_int(w, "successful", p->successful);
        json_kv_int(w, "failed", p->failed);
        json_key(w, "failures");
        json_arr_begin(w);
        for (size_t j = 0; j < p->nfailures; j++)
            write_failure(w, &p->failures[j]);
        json_arr_end(w);
        json_obj_end(w);
    }
    json_arr_end(w);
    json_obj_end(w);
}

static void write_counts(struct json *w, const char *key, const struct tlsrpt_count *c, size_t n)
{
    json_key(w, key);
    json_obj_begin(w);
    for (size_t i = 0; i < n; i++)
        json_kv_int(w, c[i].key, c[i].n);
    json_obj_end(w);
}

static void write_domain(struct json *w, const struct tlsrpt_domain *d)
{
    json_obj_begin(w);
    json_kv_str(w, "domain", d->domain);
    kv_time(w, "from", d->from);
    kv_time(w, "to", d->to);
    json_kv_strv(w, "reporters", d->reporters, d->nreporters);
    json_kv_int(w, "successful", d->successful);
    json_kv_int(w, "failed", d->failed);
    write_counts(w, "by_result_type", d->by_result, d->nby_result);
    json_key(w, "by_policy_type");
    json_obj_begin(w);
    for (size_t i = 0; i < d->ntypes; i++) {
        const struct tlsrpt_type_total *t = &d->types[i];
        json_key(w, t->type);
        json_obj_begin(w);
        json_kv_int(w, "successful", t->successful);
        json_kv_int(w, "failed", t->failed);
        write_counts(w, "by_result_type", t->by_result, t->nby_result);
        json_obj_end(w);
    }
    json_obj_end(w);
    json_key(w, "check");
    if (d->check)
        report_json_emit(w, d->check);
    else
        json_null(w);
    json_obj_end(w);
}

void tlsrpt_json_end(struct json *w, const struct tlsrpt_summary *s)
{
    json_arr_end(w);
    json_key(w, "domains");
    json_arr_begin(w);
    for (size_t i = 0; i < s->ndomains; i++)
        write_domain(w, &s->domains[i]);
    json_arr_end(w);
    json_key(w, "errors");
    json_arr_begin(w);
    for (size_t i = 0; i < s->nerrors; i++) {
        json_obj_begin(w);
        json_kv_str(w, "source", s->errors[i].source);
        json_kv_str(w, "message", s->errors[i].message);
        json_obj_end(w);
    }
    json_arr_end(w);
    json_kv_int(w, "skipped", (long long)s->skipped);
    json_kv_int(w, "duplicates", (long long)s->duplicates);
    json_kv_int(w, "errors_not_listed", (long long)s->errors_dropped);
    json_obj_end(w);
}
