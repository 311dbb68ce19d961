/* report_json - one domain's report as a "mxray.report.v1" JSON object.
 *
 * Contract in report_json.h. Reads the report only. Every section keeps the binding names
 * and adds evidence beside them: step state and timing, DNS answers with TTLs, HTTP headers
 * and body, the SMTP transcript, the full certificate chain. null means unknown or not
 * applicable, never "false". */
#include "report_json.h"
#include "present.h"
#include "json.h"
#include "history.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* iso8601 - time t as "2026-01-31T12:00:00Z" into buf. */
static const char *iso8601(time_t t, char *buf, size_t len)
{
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return NULL;
    return buf;
}

/* kv_ms - a duration or offset in milliseconds; negative means unknown (null). */
static void kv_ms(struct json *w, const char *key, int64_t ms)
{
    if (ms < 0)
        json_kv_null(w, key);
    else
        json_kv_int(w, key, ms);
}

static void emit_step(struct json *w, const struct step *s)
{
    json_key(w, "step");
    json_obj_begin(w);
    json_kv_str(w, "state", step_state_name(s->state));
    kv_ms(w, "start_ms", s->start_ms);
    kv_ms(w, "end_ms", s->end_ms);
    json_kv_str(w, "note", s->note);
    json_obj_end(w);
}

/* emit_dns - one DNS answer as evidence (null when the lookup did not happen). */
static void emit_dns(struct json *w, const char *key, const struct dns_answer *a)
{
    if (key) /* NULL: an array element */
        json_key(w, key);
    if (!a) {
        json_null(w);
        return;
    }
    json_obj_begin(w);
    json_kv_str(w, "name", a->qname);
    json_kv_str(w, "type", dns_type_name(a->qtype));
    json_kv_str(w, "status", dns_status_name(a->status));
    if (a->rcode >= 0)
        json_kv_int(w, "rcode", a->rcode);
    else
        json_kv_null(w, "rcode");
    json_kv_bool(w, "ad", a->ad);
    json_kv_str(w, "error", a->error);
    json_kv_str(w, "resolver", a->resolver);
    kv_ms(w, "duration_ms", a->duration_ms);
    if (a->truncated_rrs)
        json_kv_bool(w, "truncated", true);
    json_key(w, "answers");
    json_arr_begin(w);
    for (size_t i = 0; i < a->nrr; i++) {
        const struct dns_rr *rr = &a->rr[i];
        json_obj_begin(w);
        json_kv_str(w, "name", rr->name);
        json_kv_str(w, "type", dns_type_name(rr->type));
        json_kv_int(w, "ttl", rr->ttl);
        json_kv_str(w, "data", rr->text);
        json_obj_end(w);
    }
    json_arr_end(w);
    json_obj_end(w);
}

static void emit_time(struct json *w, const char *key, const char *str, time_t t)
{
    char buf[32];
    if (str)
        json_kv_str(w, key, str);
    else if (t != 0)
        json_kv_str(w, key, iso8601(t, buf, sizeof buf));
    else
        json_kv_null(w, key);
}

static void emit_cert(struct json *w, const struct cert_info *c)
{
    json_obj_begin(w);
    json_kv_int(w, "depth", c->depth);
    json_kv_str(w, "subject", c->subject);
    json_kv_str(w, "issuer", c->issuer);
    json_kv_str(w, "common_name", c->common_name);
    json_kv_strv(w, "san", c->san_dns, c->nsan_dns);
    json_kv_strv(w, "san_ip", c->san_ip, c->nsan_ip);
    json_kv_int(w, "san_total", (long long)c->nsan_total);
    emit_time(w, "not_before", c->not_before_str, c->not_before);
    emit_time(w, "not_after", c->not_after_str, c->not_after);
    json_kv_str(w, "serial", c->serial);
    json_kv_str(w, "sha256", c->sha256);
    json_kv_str(w, "sha1", c->sha1);
    json_kv_str(w, "spki_sha256", c->spki_sha256);
    json_kv_str(w, "key", c->key);
    json_kv_str(w, "signature", c->signature);
    json_kv_int(w, "version", c->version);
    json_kv_bool(w, "is_ca", c->is_ca);
    if (c->path_len >= 0)
        json_kv_int(w, "path_len", c->path_len);
    json_kv_bool(w, "self_signed", c->self_signed);
    json_kv_str(w, "key_usage", c->key_usage);
    json_kv_str(w, "ext_key_usage", c->ext_key_usage);
    json_kv_strv(w, "ocsp", c->ocsp, c->nocsp);
    json_kv_strv(w, "ca_issuers", c->ca_issuers, c->nca_issuers);
    json_kv_strv(w, "crl", c->crl, c->ncrl);
    if (c->sct_count >= 0)
        json_kv_int(w, "sct_count", c->sct_count);
    else
        json_kv_null(w, "sct_count");
    json_obj_end(w);
}

void report_json_tls(struct json *w, const struct tls_info *t)
{
    if (!t || !t->present) {
        json_null(w);
        return;
    }
    json_obj_begin(w);
    json_kv_bool(w, "handshake_ok", t->handshake_ok);
    json_kv_str(w, "handshake_error", t->handshake_error);
    json_kv_str(w, "version", t->version);
    json_kv_str(w, "cipher", t->cipher);
    json_kv_str(w, "group", t->group);
    json_kv_str(w, "sni", t->sni);
    json_kv_bool(w, "verified", t->verified);
    json_kv_str(w, "verify_error", t->verify_error);
    json_key(w, "verify_errors");
    json_arr_begin(w);
    for (size_t i = 0; i < t->nerrors; i++) {
        json_obj_begin(w);
        json_kv_int(w, "depth", t->errors[i].depth);
        json_kv_int(w, "code", t->errors[i].code);
        json_kv_str(w, "text", t->errors[i].text);
        json_obj_end(w);
    }
    json_arr_end(w);
    json_kv_bool(w, "untrusted", t->untrusted);
    json_kv_bool(w, "expired", t->expired);
    json_kv_bool(w, "hostname_match", t->hostname_match);
    json_kv_str(w, "hostname_note", t->hostname_note);
    json_key(w, "chain");
    json_arr_begin(w);
    for (size_t i = 0; i < t->nchain; i++)
        emit_cert(w, &t->chain[i]);
    json_arr_end(w);
    /* more than "chain" holds when the peer sent more than MX_CHAIN_MAX certificates */
    json_kv_int(w, "chain_sent", (long long)(t->nchain_sent > t->nchain ? t->nchain_sent
                                                                          : t->nchain));
    json_obj_end(w);
}

static void emit_sts(struct json *w, const struct sts_section *s)
{
    json_key(w, "sts_record");
    json_obj_begin(w);
    json_kv_str(w, "status", txt_status_name(s->status));
    json_kv_strv(w, "records", s->records, s->nrecords);
    json_kv_str(w, "id", s->status == TXT_OK ? s->parsed.id : NULL);
    json_kv_bool(w, "valid", s->status == TXT_OK && s->parsed.valid);
    json_kv_strv(w, "extensions", s->parsed.extensions, s->parsed.nextensions);
    json_kv_str(w, "cname_chain", s->cname_chain);
    emit_step(w, &s->step);
    emit_dns(w, "dns", s->answer);
    json_obj_end(w);
}

static const char *line_endings(const struct sts_policy *p)
{
    if (p->crlf && p->lf)
        return "mixed";
    return p->crlf ? "crlf" : p->lf ? "lf" : NULL;
}

static void emit_http(struct json *w, const struct https_result *h)
{
    json_kv_str(w, "status_line", h->status_line);
    json_kv_strv(w, "headers", h->headers, h->nheaders);
    json_kv_str(w, "location", h->location);
    json_kv_str(w, "error", h->error);
    json_kv_bool(w, "timed_out", h->timed_out);
    json_kv_str(w, "primary_ip", h->primary_ip);
    json_kv_int(w, "body_bytes", (long long)h->body_len);
    json_kv_bool(w, "body_too_large", h->body_too_large);
    json_key(w, "stages");
    json_obj_begin(w);
    kv_ms(w, "connect_ms", h->connect_ms);
    kv_ms(w, "tls_ms", h->tls_ms);
    kv_ms(w, "first_byte_ms", h->first_byte_ms);
    kv_ms(w, "total_ms", h->total_ms);
    json_obj_end(w);
}

static void emit_policy(struct json *w, const struct policy_section *p)
{
    const struct https_result *h = p->http;
    /* parsed fields mean something only when a body was parsed */
    bool parsed = p->status == POL_OK || p->status == POL_INVALID;
    const struct sts_policy *sp = &p->parsed;

    json_key(w, "policy");
    json_obj_begin(w);
    json_kv_str(w, "status", policy_status_name(p->status));
    json_kv_str(w, "url", p->url);
    json_kv_str(w, "host", p->host);
    if (h && h->status > 0)
        json_kv_int(w, "http_status", h->status);
    else
        json_kv_null(w, "http_status");
    json_kv_str(w, "content_type", h ? h->content_type : NULL);
    json_kv_bool(w, "valid", parsed && sp->valid);
    json_kv_str(w, "version", parsed ? sp->version : NULL);
    json_kv_str(w, "mode", parsed && sp->mode != STS_MODE_UNKNOWN ? sts_mode_name(sp->mode) : NULL);
    json_kv_str(w, "mode_text", parsed ? sp->mode_text : NULL);
    if (parsed)
        json_kv_strv(w, "mx", sp->mx, sp->nmx);
    else
        json_kv_null(w, "mx");
    if (parsed && sp->max_age >= 0)
        json_kv_int(w, "max_age", sp->max_age);
    else
        json_kv_null(w, "max_age");
    json_kv_str(w, "line_endings", parsed ? line_endings(sp) : NULL);
    json_key(w, "tls");
    report_json_tls(w, h ? &h->tls : NULL);
    if (h)
        emit_http(w, h);
    json_kv_str(w, "body", p->body_text);
    emit_step(w, &p->step);
    json_key(w, "dns");
    json_obj_begin(w);
    emit_dns(w, "a", p->host_a);
    emit_dns(w, "aaaa", p->host_aaaa);
    json_obj_end(w);
    json_obj_end(w);
}

static const char *smtp_fail_name(enum smtp_fail f)
{
    static const char *const names[] = {"none",        "connect",  "banner",   "ehlo",
                                        "no_starttls", "starttls", "handshake"};
    return (unsigned)f < sizeof names / sizeof names[0] ? names[f] : "?";
}

static void emit_transcript(struct json *w, const struct smtp_result *s)
{
    json_key(w, "transcript");
    json_arr_begin(w);
    for (size_t i = 0; i < s->ntranscript; i++) {
        const struct smtp_line *l = &s->transcript[i];
        char dir[2] = {l->dir, '\0'};
        json_obj_begin(w);
        json_kv_int(w, "ms", l->ms);
        json_kv_str(w, "dir", dir);
        json_kv_str(w, "text", l->text);
        json_obj_end(w);
    }
    json_arr_end(w);
    if (s->transcript_truncated)
        json_kv_bool(w, "transcript_truncated", true);
}

static void emit_stages(struct json *w, const struct smtp_result *s)
{
    json_key(w, "stages");
    json_obj_begin(w);
    for (int st = 0; st < SMTP_ST_DONE; st++) {
        char key[32];
        snprintf(key, sizeof key, "%s_ms", smtp_stage_name((enum smtp_stage)st));
        kv_ms(w, key, s->stage_ms[st]);
    }
    kv_ms(w, "total_ms", s->total_ms);
    json_obj_end(w);
}

/* ---- DANE (RFC 7672), additive: "dane" per address and per MX host, "dnssec" on top ---- */

static void emit_tlsa(struct json *w, const struct dane_host *dh, const struct dane_addr *da)
{
    json_key(w, "tlsa");
    json_arr_begin(w);
    for (size_t i = 0; i < dh->ntlsa; i++) {
        const struct dane_tlsa *t = &dh->tlsa[i];
        json_obj_begin(w);
        json_kv_int(w, "usage", t->usage);
        json_kv_int(w, "selector", t->selector);
        json_kv_int(w, "mtype", t->mtype);
        json_kv_str(w, "data", t->data);
        json_kv_bool(w, "usable", t->usable);
        json_kv_str(w, "note", t->note);
        if (da && da->judged) {
            /* the depth of the certificate this record authenticates on its own */
            if (i < da->ntlsa_depth && da->tlsa_depth[i] >= 0)
                json_kv_int(w, "matches_depth", da->tlsa_depth[i]);
            else
                json_kv_null(w, "matches_depth");
            json_kv_bool(w, "matched", (int)i == da->matched_tlsa);
        }
        json_obj_end(w);
    }
    json_arr_end(w);
}

static void emit_dane_addr(struct json *w, const struct mx_host *h, const struct mx_addr *a)
{
    const struct dane_addr *da = &a->dane;
    json_key(w, "dane");
    json_obj_begin(w);
    json_kv_str(w, "status", dane_status_name(h->dane.status));
    emit_tlsa(w, &h->dane, da);
    json_key(w, "match");
    if (da->judged && da->match >= 0)
        json_bool(w, da->match == 1);
    else
        json_null(w);
    if (da->judged && da->matched_tlsa >= 0)
        json_kv_int(w, "matched_record", da->matched_tlsa);
    else
        json_kv_null(w, "matched_record");
    if (da->judged && da->matched_depth >= 0)
        json_kv_int(w, "matched_depth", da->matched_depth);
    else
        json_kv_null(w, "matched_depth");
    json_kv_str(w, "error", da->error);
    json_kv_str(w, "sender", dane_action_name(da->action));
    json_key(w, "dane_deliverable");
    if (da->action == DANE_ACT_DELIVER || da->action == DANE_ACT_DEFER)
        json_bool(w, da->action == DANE_ACT_DELIVER);
    else
        json_null(w);
    json_kv_str(w, "sender_note", da->action_note);
    json_obj_end(w);
}

static void emit_dane_host(struct json *w, const struct mx_host *h)
{
    const struct dane_host *dh = &h->dane;
    json_key(w, "dane");
    json_obj_begin(w);
    json_kv_str(w, "status", dane_status_name(dh->status));
    json_kv_str(w, "name", dh->name);
    json_kv_str(w, "base", dh->base);
    json_kv_str(w, "cname_target", dh->cname_target);
    json_kv_int(w, "usable", (long long)dh->nusable);
    json_kv_str(w, "state", step_state_name(dh->state));
    json_kv_str(w, "note", dh->note);
    emit_tlsa(w, dh, NULL);
    emit_dns(w, "dns", dh->answer);
    emit_dns(w, "dns_cname", dh->cname_answer);
    json_obj_end(w);
}

static void emit_dnssec(struct json *w, const struct report *r)
{
    json_key(w, "dnssec");
    json_obj_begin(w);
    json_kv_bool(w, "any_ad", r->dnssec_any_ad);
    json_kv_str(w, "sts_record", dns_answer_sec(r->sts.answer));
    json_kv_str(w, "mx", dns_answer_sec(r->mx.answer));
    json_kv_str(w, "note", r->dnssec_any_ad ? NULL
                           : "no answer carried the AD bit: the zones are unsigned or the "
                             "resolver in use does not validate DNSSEC, so DANE cannot be "
                             "confirmed from here");
    json_obj_end(w);
}

/* emit_judgments - the engine's judgments of one address (additive to mxray.report.v1). */
static void emit_judgments(struct json *w, const struct mx_addr *a)
{
    bool judged = a->sts_outcome != STS_OUT_PENDING;
    json_kv_str(w, "sts_outcome", judged ? sts_outcome_name(a->sts_outcome) : NULL);
    json_kv_str(w, "sts_mode", judged && a->sts_outcome != STS_OUT_NO_POLICY
                                   ? sts_mode_name(a->sts_mode) : NULL);
    json_key(w, "marks");
    json_obj_begin(w);
    json_kv_str(w, "smtp", step_state_name(a->smtp_state));
    json_kv_str(w, "tls", step_state_name(a->tls_state));
    json_kv_str(w, "sts", step_state_name(a->sts_state));
    json_kv_str(w, "dane", step_state_name(a->dane_state));
    json_obj_end(w);
}

static void emit_addr(struct json *w, const struct mx_host *h, const struct mx_addr *a)
{
    const struct smtp_result *s = a->smtp;
    json_obj_begin(w);
    json_kv_str(w, "address", a->address);
    json_kv_int(w, "family", a->family);
    json_kv_int(w, "port", a->port);
    json_kv_str(w, "connect_addr", a->connect_addr);
    json_kv_str(w, "banner", s ? s->banner : NULL);
    /* STARTTLS is known only once EHLO was answered */
    json_key(w, "starttls");
    if (s && s->reached > SMTP_ST_EHLO)
        json_bool(w, s->starttls_offered);
    else if (s && (s->fail == SMTP_FAIL_NO_STARTTLS || s->fail == SMTP_FAIL_STARTTLS))
        json_bool(w, false);
    else
        json_null(w);
    json_key(w, "tls");
    report_json_tls(w, s ? &s->tls : NULL);
    bool ended = a->step.state == ST_PASS || a->step.state == ST_WARN || a->step.state == ST_FAIL;
    if (ended && a->sts_outcome != STS_OUT_NO_POLICY)
        json_kv_bool(w, "sts_deliverable", a->sts_deliverable);
    else
        json_kv_null(w, "sts_deliverable"); /* unknown, or no policy applies */
    json_kv_str(w, "report_as", a->report_as);
    emit_judgments(w, a);
    json_kv_str(w, "error", s ? s->error : NULL);
    json_kv_str(w, "fail", s && s->fail != SMTP_FAIL_NONE ? smtp_fail_name(s->fail) : NULL);
    if (s) {
        json_kv_bool(w, "timed_out", s->timed_out);
        json_kv_strv(w, "ehlo", s->ehlo, s->nehlo);
        emit_stages(w, s);
        emit_transcript(w, s);
    }
    emit_dane_addr(w, h, a);
    emit_step(w, &a->step);
    json_obj_end(w);
}

static void emit_mx_host(struct json *w, const struct mx_host *h, const struct sts_policy *pol)
{
    json_obj_begin(w);
    json_kv_str(w, "host", h->host);
    if (h->preference >= 0)
        json_kv_int(w, "preference", h->preference);
    else
        json_kv_null(w, "preference");
    json_kv_bool(w, "implicit", h->preference < 0);
    json_key(w, "policy_match");
    if (h->policy_checked)
        json_bool(w, h->policy_match);
    else
        json_null(w);
    bool pat = h->policy_checked && h->matched_pattern >= 0 && (size_t)h->matched_pattern < pol->nmx;
    json_kv_str(w, "matched_pattern", pat ? pol->mx[h->matched_pattern] : NULL);
    json_kv_str(w, "match_note", h->match_note);
    json_key(w, "sts_deliverable");
    if (h->policy_checked)
        json_bool(w, h->sts_deliverable);
    else
        json_null(w);
    json_kv_str(w, "sts_outcome",
                h->sts_outcome != STS_OUT_PENDING ? sts_outcome_name(h->sts_outcome) : NULL);
    json_kv_str(w, "match_state", step_state_name(h->match_state));
    json_key(w, "addresses");
    json_arr_begin(w);
    for (size_t i = 0; i < h->naddrs; i++)
        emit_addr(w, h, h->addrs[i]);
    json_arr_end(w);
    emit_dane_host(w, h);
    emit_step(w, &h->step);
    json_key(w, "dns");
    json_obj_begin(w);
    emit_dns(w, "a", h->a);
    emit_dns(w, "aaaa", h->aaaa);
    json_obj_end(w);
    json_obj_end(w);
}

static void emit_mx(struct json *w, const struct report *r)
{
    const struct mx_section *m = &r->mx;
    json_key(w, "mx");
    json_arr_begin(w);
    for (size_t i = 0; i < m->nhosts; i++)
        emit_mx_host(w, m->hosts[i], &r->policy.parsed);
    json_arr_end(w);

    /* the section itself: "mx" is bound to the host array, so its facts live beside it */
    json_key(w, "mx_lookup");
    json_obj_begin(w);
    json_kv_bool(w, "implicit", m->implicit);
    json_kv_bool(w, "null_mx", m->null_mx);
    emit_step(w, &m->step);
    json_key(w, "dns");
    json_obj_begin(w);
    emit_dns(w, "mx", m->answer);
    emit_dns(w, "implicit_a", m->implicit_a);
    emit_dns(w, "implicit_aaaa", m->implicit_aaaa);
    json_obj_end(w);
    json_obj_end(w);
}

static void emit_tlsrpt(struct json *w, const struct tlsrpt_section *t)
{
    json_key(w, "tlsrpt");
    json_obj_begin(w);
    json_kv_str(w, "status", txt_status_name(t->status));
    json_kv_strv(w, "records", t->records, t->nrecords);
    if (t->status == TXT_OK || t->status == TXT_INVALID)
        json_kv_strv(w, "rua", t->parsed.rua, t->parsed.nrua);
    else
        json_kv_strv(w, "rua", NULL, 0);
    emit_step(w, &t->step);
    emit_dns(w, "dns", t->answer);
    /* where the reports would go: the lookup of each rua's domain or host */
    json_key(w, "rua_dns");
    json_arr_begin(w);
    for (size_t i = 0; i < t->nrua_dns; i++)
        emit_dns(w, NULL, t->rua_dns[i]);
    json_arr_end(w);
    json_obj_end(w);
}

static void emit_problems(struct json *w, const struct report *r)
{
    const struct problem_list *l = &r->problems;
    json_key(w, "problems");
    json_arr_begin(w);
    for (size_t i = 0; i < l->n; i++) {
        const struct problem *p = &l->items[i];
        const struct problem_def *d = problem_def(p->id);
        json_obj_begin(w);
        json_kv_str(w, "code", d ? d->code : "?");
        json_kv_str(w, "severity", severity_name(p->severity));
        json_kv_str(w, "step", step_kind_name(p->step));
        json_kv_str(w, "subject", p->subject);
        json_kv_str(w, "message", p->message);
        json_kv_str(w, "report_as", d ? d->report_as : NULL);
        json_kv_str(w, "rfc", d ? d->rfc : NULL);
        if (p->line > 0)
            json_kv_int(w, "line", p->line);
        /* the structured subject: which step (dane has its own), MX host, address */
        json_key(w, "where");
        json_obj_begin(w);
        json_kv_str(w, "step", step_kind_name(p->where.step));
        json_kv_str(w, "host", p->where.host);
        json_kv_str(w, "address", p->where.address);
        json_obj_end(w);
        /* the explanation and fix every face shows, filled (present.h) */
        char *what = present_problem_what(r, p), *fix = present_problem_fix(r, p);
        json_kv_str(w, "explanation", what);
        json_kv_str(w, "fix", fix);
        free(what);
        free(fix);
        json_obj_end(w);
    }
    json_arr_end(w);
}

/* emit_history - what changed since the previous check (null when no state is kept). */
static void emit_history(struct json *w, const struct report *r)
{
    char buf[32];
    const struct history_section *h = &r->history;
    json_key(w, "history");
    if (!h->kept) {
        json_null(w);
        return;
    }
    json_obj_begin(w);
    json_kv_str(w, "previous", h->compared && h->previous ? iso8601(h->previous, buf, sizeof buf)
                                                          : NULL);
    json_key(w, "changes");
    json_arr_begin(w);
    for (size_t i = 0; i < r->problems.n; i++) {
        const struct problem *p = &r->problems.items[i];
        if (!history_is_change(p->id))
            continue;
        json_obj_begin(w);
        json_kv_str(w, "code", problem_def(p->id)->code);
        json_kv_str(w, "severity", severity_name(p->severity));
        json_kv_str(w, "subject", p->subject);
        json_kv_str(w, "message", p->message);
        json_obj_end(w);
    }
    json_arr_end(w);
    if (h->note)
        json_kv_str(w, "note", h->note);
    if (h->error)
        json_kv_str(w, "error", h->error);
    json_obj_end(w);
}

void report_json_emit(struct json *w, const struct report *r)
{
    char buf[32];
    enum verdict v = report_verdict(r);
    json_obj_begin(w);
    json_kv_str(w, "schema", REPORT_JSON_SCHEMA);
    json_kv_str(w, "domain", r->domain);
    json_kv_str(w, "input", r->input);
    json_kv_str(w, "verdict", verdict_name(v));
    json_kv_int(w, "exit_code", report_exit_code(v));
    json_kv_str(w, "started", r->started ? iso8601(r->started, buf, sizeof buf) : NULL);
    json_kv_int(w, "duration_ms", r->duration_ms);
    json_kv_str(w, "resolver", r->resolver);
    if (r->interrupted)
        json_kv_bool(w, "interrupted", true);
    emit_sts(w, &r->sts);
    emit_policy(w, &r->policy);
    emit_mx(w, r);
    emit_tlsrpt(w, &r->tlsrpt);
    emit_dnssec(w, r);
    emit_history(w, r);
    emit_problems(w, r);
    json_obj_end(w);
}

void report_json_write(FILE *f, const struct report *r, bool pretty)
{
    struct json *w = json_new(f, pretty);
    report_json_emit(w, r);
    json_free(w);
}
