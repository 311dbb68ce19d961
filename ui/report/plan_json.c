/* plan_json - the plan and verify JSON writers (contract in plan_json.h). */
#include "plan_json.h"
#include "json.h"
#include <time.h>

static void kv_time(struct json *w, const char *key, time_t t)
{
    char buf[32];
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_kv_str(w, key, buf);
}

static void kv_ll_or_null(struct json *w, const char *key, long long v)
{
    if (v < 0)
        json_kv_null(w, key);
    else
        json_kv_int(w, key, v);
}

static void write_step(struct json *w, const struct plan_step *s)
{
    json_obj_begin(w);
    json_kv_int(w, "n", s->n);
    json_kv_str(w, "action", plan_action_name(s->action));
    kv_time(w, "not_before", s->not_before);
    json_kv_str(w, "why", s->why);
    json_kv_str(w, "policy", s->policy);
    json_kv_str(w, "sts_record", s->sts_record);
    json_key(w, "mx");
    if (s->action != PLAN_CHANGE_MX) {
        json_null(w);
    } else {
        json_arr_begin(w);
        for (size_t i = 0; i < s->nmx; i++) {
            json_obj_begin(w);
            json_kv_str(w, "host", s->mx[i].host);
            json_kv_int(w, "preference", s->mx[i].preference);
            json_obj_end(w);
        }
        json_arr_end(w);
    }
    json_kv_str(w, "id", s->id);
    json_obj_end(w);
}

void plan_json_write(FILE *f, const struct plan *p)
{
    struct json *w = json_new(f, true);
    json_obj_begin(w);
    json_kv_str(w, "schema", PLAN_JSON_SCHEMA);
    json_kv_str(w, "domain", p->domain);
    kv_time(w, "now", p->now);
    json_key(w, "steps");
    json_arr_begin(w);
    for (size_t i = 0; i < p->nsteps; i++)
        write_step(w, &p->steps[i]);
    json_arr_end(w);
    json_key(w, "target");
    json_obj_begin(w);
    json_kv_strv(w, "mx", (char *const *)p->target.mx, p->target.nmx);
    if (p->target.mode == STS_MODE_UNKNOWN)
        json_kv_null(w, "mode");
    else
        json_kv_str(w, "mode", sts_mode_name(p->target.mode));
    json_kv_bool(w, "via_testing", p->target.via_testing);
    json_kv_bool(w, "remove", p->target.remove);
    json_obj_end(w);
    json_kv_bool(w, "blocked", p->blocked);
    json_key(w, "notes");
    json_arr_begin(w);
    for (size_t i = 0; i < p->nnotes; i++) {
        const struct plan_note *n = &p->notes[i];
        json_obj_begin(w);
        json_kv_str(w, "code", n->code);
        json_kv_str(w, "severity", severity_name(n->severity));
        json_kv_str(w, "subject", n->subject);
        json_kv_str(w, "message", n->message);
        json_kv_bool(w, "blocks", n->blocks);
        json_obj_end(w);
    }
    json_arr_end(w);
    json_key(w, "live");
    json_obj_begin(w);
    kv_ll_or_null(w, "txt_ttl", p->txt_ttl);
    kv_ll_or_null(w, "mx_ttl", p->mx_ttl);
    kv_ll_or_null(w, "max_age", p->max_age_seen);
    json_kv_str(w, "resolver", p->resolver);
    json_obj_end(w);
    json_obj_end(w);
    json_free(w);
}

void plan_verify_json_write(FILE *f, const struct plan *p, size_t n, const struct plan_check *c)
{
    struct json *w = json_new(f, true);
    json_obj_begin(w);
    json_kv_str(w, "schema", PLAN_VERIFY_JSON_SCHEMA);
    json_kv_str(w, "domain", p->domain);
    json_kv_int(w, "step", (long long)n);
    json_kv_str(w, "action", plan_action_name(p->steps[n - 1].action));
    json_kv_bool(w, "live", c->live);
    json_kv_strv(w, "ok", c->ok, c->nok);
    json_kv_strv(w, "reasons", c->bad, c->nbad);
    json_obj_end(w);
    json_free(w);
}
