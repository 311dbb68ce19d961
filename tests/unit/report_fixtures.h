/* report_fixtures - hand-built reports for the writer tests (JSON and text).
 *
 * Header-only (static functions) so each test executable gets its own copy; no network, no
 * engine run. Each fx_* scenario returns a finished report the caller frees with report_free.
 * Everything is allocated with xalloc so report_free owns it. */
#ifndef MXRAY_REPORT_FIXTURES_H
#define MXRAY_REPORT_FIXTURES_H
#include "report.h"
#include "xalloc.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FX_DAY 86400

static void fx_iso(time_t t, char *buf, size_t len)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void fx_cert(struct cert_info *c, int depth, const char *cn, const char *issuer,
                    const char *const *sans, size_t nsans, long days_left)
{
    char buf[32];
    time_t now = time(NULL);
    memset(c, 0, sizeof *c);
    c->depth = depth;
    c->subject = xasprintf("CN=%s", cn);
    c->issuer = xasprintf("CN=%s,O=Fixture CA", issuer);
    c->common_name = xstrdup(cn);
    for (size_t i = 0; i < nsans; i++)
        xptr_push((void ***)&c->san_dns, &c->nsan_dns, xstrdup(sans[i]));
    c->nsan_total = nsans;
    c->not_before = now - 60 * FX_DAY;
    c->not_after = now + days_left * FX_DAY + 3600;
    fx_iso(c->not_before, buf, sizeof buf);
    c->not_before_str = xstrdup(buf);
    fx_iso(c->not_after, buf, sizeof buf);
    c->not_after_str = xstrdup(buf);
    c->serial = xstrdup("0A1B2C");
    c->sha256 = xstrdup("AB:CD:EF:01");
    c->sha1 = xstrdup("01:02");
    c->spki_sha256 = xstrdup("deadbeef");
    c->key = xstrdup("EC P-256");
    c->signature = xstrdup("ecdsa-with-SHA256");
    c->version = 3;
    c->is_ca = depth > 0;
    c->path_len = -1;
    c->sct_count = -1;
}

/* fx_tls - a finished handshake with a leaf for host and one intermediate. */
static void fx_tls(struct tls_info *t, const char *host, long days_left, bool verified)
{
    memset(t, 0, sizeof *t);
    t->present = true;
    t->handshake_ok = true;
    t->version = xstrdup("TLSv1.3");
    t->version_num = 0x0304;
    t->cipher = xstrdup("TLS_AES_256_GCM_SHA384");
    t->group = xstrdup("X25519");
    t->sni = xstrdup(host);
    t->verified = verified;
    t->hostname_match = true;
    t->hostname_note = xasprintf("matched SAN %s", host);
    t->expired = days_left < 0;
    if (!verified) {
        t->verify_code = days_left < 0 ? 10 : 20;
        t->verify_error = xstrdup(days_left < 0 ? "certificate has expired"
                                                : "unable to get local issuer certificate");
        t->errors = xcalloc(1, sizeof *t->errors);
        t->nerrors = 1;
        t->errors[0].code = t->verify_code;
        t->errors[0].text = xstrdup(t->verify_error);
    }
    t->chain = xcalloc(2, sizeof *t->chain);
    t->nchain = 2;
    const char *sans[] = {host};
    fx_cert(&t->chain[0], 0, host, "Fixture Intermediate", sans, 1, days_left);
    fx_cert(&t->chain[1], 1, "Fixture Intermediate", "Fixture Root", NULL, 0, 900);
}

static struct report *fx_base(const char *domain)
{
    struct report *r = report_new(domain, domain);
    r->done = true;
    r->duration_ms = 1234;
    r->resolver = xstrdup("127.0.0.1:53");
    step_end(&r->sts.step, ST_PASS, 10);
    step_end(&r->tlsrpt.step, ST_PASS, 10);
    step_end(&r->policy.step, ST_PASS, 200);
    step_end(&r->mx.step, ST_PASS, 20);
    return r;
}

static void fx_sts_ok(struct report *r, const char *id)
{
    r->sts.status = TXT_OK;
    xptr_push((void ***)&r->sts.records, &r->sts.nrecords, xasprintf("v=STSv1; id=%s", id));
    r->sts.parsed.valid = true;
    r->sts.parsed.id = xstrdup(id);
}

static void fx_tlsrpt_ok(struct report *r)
{
    r->tlsrpt.status = TXT_OK;
    xptr_push((void ***)&r->tlsrpt.records, &r->tlsrpt.nrecords,
              xstrdup("v=TLSRPTv1; rua=mailto:tls@example.com"));
    r->tlsrpt.parsed.valid = true;
    xptr_push((void ***)&r->tlsrpt.parsed.rua, &r->tlsrpt.parsed.nrua,
              xstrdup("mailto:tls@example.com"));
}

static struct https_result *fx_http(struct report *r, long status)
{
    struct https_result *h = xcalloc(1, sizeof *h);
    h->ok = true;
    h->status = status;
    h->status_line = xasprintf("HTTP/1.1 %ld %s", status, status == 200 ? "OK" : "Moved");
    xptr_push((void ***)&h->headers, &h->nheaders, xstrdup("Content-Type: text/plain"));
    xptr_push((void ***)&h->headers, &h->nheaders, xstrdup("Cache-Control: max-age=60"));
    h->content_type = xstrdup("text/plain");
    h->connect_ms = 5, h->tls_ms = 20, h->first_byte_ms = 30, h->total_ms = 31;
    h->primary_ip = xstrdup("192.0.2.80");
    fx_tls(&h->tls, r->policy.host, 80, true);
    r->policy.http = h;
    return h;
}

/* fx_policy - a fetched, valid policy with the given mode and mx patterns. */
static void fx_policy(struct report *r, enum sts_mode mode, const char *const *mx, size_t nmx)
{
    static const char *const modes[] = {"unknown", "enforce", "testing", "none"};
    r->policy.url = xasprintf("https://mta-sts.%s/.well-known/mta-sts.txt", r->domain);
    r->policy.host = xasprintf("mta-sts.%s", r->domain);
    r->policy.status = POL_OK;
    struct https_result *h = fx_http(r, 200);
    char *body = xasprintf("version: STSv1\r\nmode: %s\r\nmax_age: 604800\r\n", modes[mode]);
    for (size_t i = 0; i < nmx; i++) {
        char *next = xasprintf("%smx: %s\r\n", body, mx[i]);
        free(body);
        body = next;
    }
    h->body_len = strlen(body);
    h->body = (unsigned char *)body;
    r->policy.body_text = xstrdup("version: STSv1\\r\\n...");
    struct sts_policy *p = &r->policy.parsed;
    p->valid = true;
    p->version = xstrdup("STSv1");
    p->mode = mode;
    p->mode_text = xstrdup(modes[mode]);
    p->max_age = 604800;
    for (size_t i = 0; i < nmx; i++)
        xptr_push((void ***)&p->mx, &p->nmx, xstrdup(mx[i]));
    p->nlines = 3 + nmx;
    p->crlf = true;
}

static struct mx_host *fx_host(struct report *r, const char *name, int pref, bool checked,
                               bool match)
{
    struct mx_host *h = xcalloc(1, sizeof *h);
    h->host = xstrdup(name);
    h->preference = pref;
    h->policy_checked = checked;
    h->policy_match = match;
    h->matched_pattern = match ? 0 : -1;
    if (checked)
        h->match_note = match ? xasprintf("%s matches mx: %s", name, r->policy.parsed.mx[0])
                              : xasprintf("%s matches no mx: pattern", name);
    h->sts_deliverable = match;
    /* the judgments the engine stores (diag_judge.c, diag_smtp_judge.c) */
    enum sts_mode mode = r->policy.parsed.mode;
    h->match_state = !checked ? ST_NA : match ? ST_PASS : mode == STS_MODE_TESTING ? ST_WARN : ST_FAIL;
    h->sts_outcome = !checked ? STS_OUT_NO_POLICY : match ? STS_OUT_DELIVER
                     : mode == STS_MODE_TESTING ? STS_OUT_DELIVER_REPORT : STS_OUT_REFUSE;
    h->step.start_ms = h->resolve.start_ms = 20;
    step_end(&h->step, ST_PASS, 300);
    step_end(&h->resolve, ST_PASS, 30);
    xptr_push((void ***)&r->mx.hosts, &r->mx.nhosts, h);
    return h;
}

static void fx_line(struct smtp_result *s, int64_t ms, char dir, const char *text)
{
    s->transcript = xreallocarray(s->transcript, s->ntranscript + 1, sizeof *s->transcript);
    s->transcript[s->ntranscript].ms = ms;
    s->transcript[s->ntranscript].dir = dir;
    s->transcript[s->ntranscript].text = xstrdup(text);
    s->ntranscript++;
}

/* fx_addr - one probed address; starttls false stops after EHLO; days_left < 0 = expired. */
static struct mx_addr *fx_addr(struct mx_host *h, const char *addr, bool starttls, long days_left,
                               bool deliverable, const char *report_as)
{
    struct mx_addr *a = xcalloc(1, sizeof *a);
    a->address = xstrdup(addr);
    a->family = strchr(addr, ':') ? 6 : 4;
    a->port = 25;
    a->sts_deliverable = deliverable;
    a->report_as = report_as;
    /* the judgments the engine stores: a fixture with a report_as that still delivers is in
     * testing mode */
    a->sts_outcome = h->match_state == ST_NA ? STS_OUT_NO_POLICY
                     : !deliverable ? STS_OUT_REFUSE
                     : report_as ? STS_OUT_DELIVER_REPORT : STS_OUT_DELIVER;
    a->sts_mode = a->sts_outcome == STS_OUT_NO_POLICY ? STS_MODE_UNKNOWN
                  : report_as && deliverable ? STS_MODE_TESTING : STS_MODE_ENFORCE;
    a->sts_state = sts_outcome_state(a->sts_outcome);
    a->dane_state = ST_NA;
    a->smtp_state = starttls ? ST_PASS : a->sts_mode == STS_MODE_ENFORCE ? ST_FAIL : ST_WARN;
    a->tls_state = !starttls ? ST_NA : days_left < 0 ? ST_FAIL : ST_PASS;
    struct smtp_result *s = xcalloc(1, sizeof *s);
    s->banner = xasprintf("%s ESMTP Postfix", h->host);
    xptr_push((void ***)&s->ehlo, &s->nehlo, xstrdup("PIPELINING"));
    fx_line(s, 0, '*', "connected");
    fx_line(s, 12, 'S', "220 mx ESMTP Postfix");
    fx_line(s, 13, 'C', "EHLO mxray.invalid");
    for (int i = 0; i < SMTP_ST_COUNT; i++)
        s->stage_ms[i] = -1;
    s->stage_ms[SMTP_ST_CONNECT] = 3;
    s->stage_ms[SMTP_ST_BANNER] = 9;
    s->stage_ms[SMTP_ST_EHLO] = 4;
    if (starttls) {
        xptr_push((void ***)&s->ehlo, &s->nehlo, xstrdup("STARTTLS"));
        s->starttls_offered = true;
        s->reached = SMTP_ST_DONE;
        s->stage_ms[SMTP_ST_STARTTLS] = 2;
        s->stage_ms[SMTP_ST_HANDSHAKE] = 15;
        fx_line(s, 20, 'C', "STARTTLS");
        fx_line(s, 21, 'S', "220 2.0.0 Ready to start TLS");
        fx_tls(&s->tls, h->host, days_left, days_left >= 0);
    } else {
        s->reached = SMTP_ST_EHLO;
        s->fail = SMTP_FAIL_NO_STARTTLS;
        s->error = xstrdup("EHLO reply does not list STARTTLS");
    }
    s->total_ms = 40;
    a->smtp = s;
    enum step_state st = a->sts_state == ST_NA ? ST_PASS : a->sts_state;
    if (a->smtp_state == ST_FAIL || a->tls_state == ST_FAIL)
        st = ST_FAIL;
    else if (a->smtp_state == ST_WARN && st == ST_PASS)
        st = ST_WARN;
    step_end(&a->step, st, 300);
    xptr_push((void ***)&h->addrs, &h->naddrs, a);
    return a;
}

/* fx_at - the structured subject the engine gives a host (addr NULL) or address problem. */
static struct problem *fx_at(struct problem *p, enum step_kind where, const char *host,
                             const char *addr)
{
    problem_set_where(p, where, host, addr);
    return p;
}

static const char *const fx_mx_patterns[] = {"mx1.example.com", "*.backup.example.com"};

static struct report *fx_all_good(void)
{
    struct report *r = fx_base("example.com");
    fx_sts_ok(r, "20260101000000");
    fx_policy(r, STS_MODE_ENFORCE, fx_mx_patterns, 2);
    struct mx_host *h = fx_host(r, "mx1.example.com", 10, true, true);
    fx_addr(h, "192.0.2.25", true, 80, true, NULL);
    fx_addr(h, "2001:db8::25", true, 80, true, NULL);
    fx_tlsrpt_ok(r);
    return r;
}

static struct report *fx_no_record(void)
{
    struct report *r = fx_base("norecord.example");
    r->sts.status = TXT_MISSING;
    xptr_push((void ***)&r->sts.records, &r->sts.nrecords, xstrdup("google-site-verification=abc"));
    step_end(&r->sts.step, ST_NA, 10);
    r->policy.status = POL_NOT_FETCHED;
    r->policy.url = xstrdup("https://mta-sts.norecord.example/.well-known/mta-sts.txt");
    step_end(&r->policy.step, ST_NA, 10);
    struct mx_host *h = fx_host(r, "mail.norecord.example", 10, false, false);
    fx_addr(h, "192.0.2.26", true, 80, true, NULL);
    r->tlsrpt.status = TXT_MISSING;
    step_end(&r->tlsrpt.step, ST_WARN, 10);
    problem_add(&r->problems, PROB_STS_RECORD_MISSING, STEP_STS_RECORD, "norecord.example", 0,
                "no v=STSv1 TXT record at _mta-sts.norecord.example");
    problem_add(&r->problems, PROB_TLSRPT_MISSING, STEP_TLSRPT, "norecord.example", 0,
                "no v=TLSRPTv1 TXT record at _smtp._tls.norecord.example");
    return r;
}

static struct report *fx_redirect(void)
{
    struct report *r = fx_base("redirect.example");
    fx_sts_ok(r, "1");
    r->policy.url = xstrdup("https://mta-sts.redirect.example/.well-known/mta-sts.txt");
    r->policy.host = xstrdup("mta-sts.redirect.example");
    r->policy.status = POL_FETCH_ERROR;
    struct https_result *h = fx_http(r, 301);
    h->location = xstrdup("https://www.redirect.example/");
    free(h->content_type);
    h->content_type = xstrdup("text/html");
    step_end(&r->policy.step, ST_FAIL, 100);
    struct mx_host *h1 = fx_host(r, "mx.redirect.example", 5, false, false);
    fx_addr(h1, "192.0.2.27", true, 80, true, NULL);
    fx_tlsrpt_ok(r);
    problem_add(&r->problems, PROB_STS_POLICY_REDIRECT, STEP_POLICY, r->policy.url, 0,
                "HTTP 301 to https://www.redirect.example/");
    return r;
}

static struct report *fx_mismatch(void)
{
    struct report *r = fx_base("mismatch.example");
    fx_sts_ok(r, "2");
    fx_policy(r, STS_MODE_ENFORCE, fx_mx_patterns, 2);
    struct mx_host *h = fx_host(r, "old-mx.mismatch.example", 20, true, false);
    fx_addr(h, "192.0.2.28", true, 80, false, "validation-failure");
    fx_tlsrpt_ok(r);
    fx_at(problem_add(&r->problems, PROB_MX_POLICY_MISMATCH, STEP_MX, "old-mx.mismatch.example", 0,
                      "old-mx.mismatch.example matches no mx: pattern"),
          STEP_MX, "old-mx.mismatch.example", NULL);
    return r;
}

static struct report *fx_expired(void)
{
    struct report *r = fx_base("expired.example");
    fx_sts_ok(r, "3");
    static const char *const mx[] = {"mx.expired.example"};
    fx_policy(r, STS_MODE_ENFORCE, mx, 1);
    struct mx_host *h = fx_host(r, "mx.expired.example", 10, true, true);
    fx_addr(h, "192.0.2.29", true, -3, false, "certificate-expired");
    fx_tlsrpt_ok(r);
    fx_at(problem_add(&r->problems, PROB_TLS_CERT_EXPIRED, STEP_TLS, "mx.expired.example [192.0.2.29]",
                      0, "the certificate expired 3 days ago"),
          STEP_TLS, "mx.expired.example", "192.0.2.29");
    return r;
}

static struct report *fx_no_starttls(void)
{
    struct report *r = fx_base("plain.example");
    fx_sts_ok(r, "4");
    static const char *const mx[] = {"mx.plain.example"};
    fx_policy(r, STS_MODE_TESTING, mx, 1);
    struct mx_host *h = fx_host(r, "mx.plain.example", 10, true, true);
    fx_addr(h, "192.0.2.30", false, 0, true, "starttls-not-supported");
    fx_tlsrpt_ok(r);
    struct problem *p = problem_add(&r->problems, PROB_SMTP_STARTTLS_MISSING, STEP_SMTP,
                                    "mx.plain.example [192.0.2.30]", 0,
                                    "EHLO reply does not list STARTTLS");
    fx_at(p, STEP_SMTP, "mx.plain.example", "192.0.2.30");
    p->severity = SEV_WARNING; /* testing mode */
    problem_add(&r->problems, PROB_STS_POLICY_MODE_TESTING, STEP_POLICY, r->policy.url, 2,
                "mode: testing");
    return r;
}

static struct report *fx_null_mx(void)
{
    struct report *r = fx_base("nullmx.example");
    r->sts.status = TXT_MISSING;
    r->policy.status = POL_NOT_FETCHED;
    step_end(&r->policy.step, ST_NA, 10);
    r->mx.null_mx = true;
    step_end(&r->mx.step, ST_NA, 10);
    r->tlsrpt.status = TXT_MISSING;
    problem_add(&r->problems, PROB_MX_NULL, STEP_MX, "nullmx.example", 0, "MX 0 .");
    return r;
}

/* fx_hostile - strings a hostile server could send, as the engine would store them, plus
 * raw control bytes the engine should never let through (defence in depth). */
static struct report *fx_hostile(void)
{
    struct report *r = fx_all_good();
    struct mx_addr *a = r->mx.hosts[0]->addrs[0];
    free(a->smtp->banner);
    a->smtp->banner = xstrdup("say \"hi\" \\ M\xc3\xbcller \xe5\x90\x8d \x1b[2J\rX\x07");
    struct cert_info *leaf = &a->smtp->tls.chain[0];
    free(leaf->subject);
    leaf->subject = xstrdup("CN=\"quoted\\\",O=\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 "
                            "very-long-organisation-name-without-any-spaces-that-must-be-"
                            "cut-somewhere-because-it-is-longer-than-a-line");
    fx_at(problem_add(&r->problems, PROB_SMTP_BANNER, STEP_SMTP, "mx1.example.com [192.0.2.25]", 0,
                      "odd \"banner\" \\x1b \n and tab\t"),
          STEP_SMTP, "mx1.example.com", "192.0.2.25");
    return r;
}

#endif
