/* view_detail - detail lines of one tree row: verdict, problems, evidence (see view_detail.h).
 *
 * Every string shown comes from the report (already escaped) or from the problem table; the
 * drawing code crops by display width, so nothing here needs to measure. */
#include "view_detail.h"
#include "view_cert.h"
#include "present.h"
#include "xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ADD(...) tui_lines_add(out, __VA_ARGS__)
#define S(x) ((x) ? (x) : "-")


void view_split_escaped(struct tui_lines *out, const char *text, enum tui_role role, int indent)
{
    if (!text)
        return;
    size_t len = strlen(text);
    char *line = xmalloc(len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\\' && i + 1 < len) {
            char e = text[i + 1];
            if (e == 'n') {
                line[n] = '\0';
                tui_lines_addn(out, role, indent, line);
                n = 0;
                i++;
                continue;
            }
            if (e == 'r') { /* CRLF shows as one line break; the policy view says which */
                i++;
                continue;
            }
            line[n++] = text[i++]; /* keep any other escape, e.g. "\\" or "\x07", as is */
            line[n++] = text[i];
            continue;
        }
        line[n++] = text[i];
    }
    line[n] = '\0';
    if (n > 0)
        tui_lines_addn(out, role, indent, line);
    free(line);
}

static enum tui_role sev_role(enum severity s)
{
    return s == SEV_ERROR ? TR_FAIL : s == SEV_WARNING ? TR_WARN : TR_NORMAL;
}

static const char *sev_symbol(enum severity s, bool utf8)
{
    if (s == SEV_ERROR)
        return tui_state_symbol(ST_FAIL, utf8, 0);
    if (s == SEV_WARNING)
        return tui_state_symbol(ST_WARN, utf8, 0);
    return utf8 ? "i" : "[ii]";
}

void view_detail_problem(struct tui_lines *out, const struct view_ctx *v, const struct problem *p,
                         int indent)
{
    const struct problem_def *d = problem_def(p->id);
    ADD(sev_role(p->severity), indent, "%s %s %s  (%s)", sev_symbol(p->severity, v->utf8),
        severity_name(p->severity), d ? d->code : "?", d ? S(d->rfc) : "-");
    if (p->message && *p->message)
        ADD(TR_BOLD, indent + 2, "%s", p->message);
    char where[600];
    present_problem_where(p, where, sizeof where);
    if (*where && p->line > 0)
        ADD(TR_DIM, indent + 2, "about: %s, line %d", where, p->line);
    else if (*where)
        ADD(TR_DIM, indent + 2, "about: %s", where);
    if (d) {
        char *what = present_problem_what(v->r, p);
        char *fix = present_problem_fix(v->r, p);
        ADD(TR_NORMAL, indent + 2, "What it means: %s", what);
        ADD(TR_NORMAL, indent + 2, "Fix: %s", fix);
        if (d->report_as)
            ADD(TR_DIM, indent + 2, "A sender's TLS report (RFC 8460 4.3) says: %s", d->report_as);
        free(what);
        free(fix);
    }
}

/* add_step - the verdict line of a row: state, duration, start and the engine's note. */
static void add_step(struct tui_lines *out, const struct view_ctx *v, const struct tui_row *row,
                     const struct step *st)
{
    char ms[32];
    ADD(tui_state_role(row->state), 0, "%s %s%s%s", tui_state_symbol(row->state, v->utf8, 0),
        tui_state_word(row->state), row->ms >= 0 ? "  took " : "", tui_fmt_ms(row->ms, ms, sizeof ms));
    if (st && st->start_ms >= 0)
        ADD(TR_DIM, 2, "started at +%lldms", (long long)st->start_ms);
    if (st && st->note)
        ADD(TR_BOLD, 2, "%s", st->note);
}

static void add_problems(struct tui_lines *out, const struct view_ctx *v, const struct tui_row *row)
{
    size_t count = 0;
    for (size_t i = 0; i < v->r->problems.n; i++)
        if (tui_problem_matches(v->r, &v->r->problems.items[i], row))
            count++;
    if (count == 0)
        return;
    ADD(TR_NORMAL, 0, "%s", "");
    ADD(TR_TITLE, 0, "Problems (%zu)", count);
    for (size_t i = 0; i < v->r->problems.n; i++) {
        const struct problem *p = &v->r->problems.items[i];
        if (tui_problem_matches(v->r, p, row))
            view_detail_problem(out, v, p, 2);
    }
}

static void section(struct tui_lines *out, const char *title)
{
    ADD(TR_NORMAL, 0, "%s", "");
    ADD(TR_TITLE, 0, "%s", title);
}

static void add_dns(struct tui_lines *out, bool done, const char *what, const struct dns_answer *a)
{
    if (!a) {
        ADD(TR_DIM, 2, "%s: %s", what, done ? "not looked up" : "no answer yet");
        return;
    }
    ADD(TR_BOLD, 2, "%s %s %s: %s%s (%lldms%s%s)", what, S(a->qname), dns_type_name(a->qtype),
        dns_status_name(a->status), a->ad ? ", AD" : "", (long long)a->duration_ms,
        a->resolver ? ", via " : "", a->resolver ? a->resolver : "");
    if (a->error)
        ADD(TR_WARN, 4, "%s", a->error);
    for (size_t i = 0; i < a->nrr; i++) {
        const struct dns_rr *rr = &a->rr[i];
        ADD(TR_NORMAL, 4, "%s %u IN %s %s", S(rr->name), (unsigned)rr->ttl, dns_type_name(rr->type),
            S(rr->text));
    }
    if (a->truncated_rrs)
        ADD(TR_DIM, 4, "(more records were dropped)");
}

static void add_tls(struct tui_lines *out, const struct view_ctx *v, const struct tls_info *t,
                    const char *role)
{
    if (!t || !t->present) {
        ADD(TR_DIM, 2, "no TLS handshake was attempted");
        return;
    }
    ADD(t->handshake_ok ? TR_OK : TR_FAIL, 2, "handshake: %s", t->handshake_ok ? "ok" : "failed");
    if (t->handshake_error)
        ADD(TR_FAIL, 4, "%s", t->handshake_error);
    ADD(TR_NORMAL, 2, "version: %s   cipher: %s", S(t->version), S(t->cipher));
    ADD(TR_NORMAL, 2, "key exchange group: %s   SNI sent: %s", S(t->group), S(t->sni));
    ADD(t->verified ? TR_OK : TR_FAIL, 2, "chain verified: %s%s%s", t->verified ? "yes" : "no",
        t->verify_error ? " - " : "", t->verify_error ? t->verify_error : "");
    ADD(t->hostname_match ? TR_OK : TR_FAIL, 2, "name match: %s%s%s",
        t->hostname_match ? "yes" : "no", t->hostname_note ? " - " : "",
        t->hostname_note ? t->hostname_note : "");
    for (size_t i = 0; i < t->nerrors; i++)
        ADD(TR_FAIL, 4, "depth %d: error %d %s", t->errors[i].depth, t->errors[i].code,
            S(t->errors[i].text));
    if (t->nchain) {
        ADD(TR_NORMAL, 2, "chain as sent, leaf to root (select a certificate in the tree, Enter):");
        view_cert_chain(out, v, t, role, 4);
    }
}

/* ---- DANE (RFC 7672) beside MTA-STS ---- */

/* add_dane_unconfirmed - without any AD bit the TLSA records cannot be judged from here. */
static void add_dane_unconfirmed(struct tui_lines *out, const struct view_ctx *v, int indent)
{
    if (!tui_dane_unconfirmed(v->r))
        return;
    ADD(TR_WARN, indent, "%s %s", tui_state_symbol(ST_WARN, v->utf8, 0), TUI_DANE_UNCONFIRMED);
    ADD(TR_DIM, indent + 2, "no answer carried the AD bit: the zones are unsigned or the resolver "
        "in use does not validate DNSSEC (try --resolver with a validating one)");
}

/* add_dane_host - the TLSA RRset of an MX host: its status, base domain and every record. */
static void add_dane_host(struct tui_lines *out, const struct view_ctx *v, const struct mx_host *h)
{
    const struct dane_host *dh = &h->dane;
    if (dh->status == DANE_PENDING && v->r->done)
        return; /* never looked up (an interrupted check): nothing to say */
    section(out, "DANE (RFC 7672)");
    if (dh->status == DANE_PENDING) {
        ADD(TR_DIM, 2, "TLSA lookup at _25._tcp.%s: not finished yet", h->host);
        return;
    }
    struct tui_badge b;
    tui_dane_host_badge(h, &b);
    if (b.text[0])
        ADD(tui_state_role(b.state), 2, "%s %s", tui_state_symbol(b.state, v->utf8, 0), b.text);
    else
        ADD(TR_NA, 2, "no DANE: senders apply MTA-STS (or opportunistic TLS) to this host");
    if (dh->note)
        ADD(TR_BOLD, 2, "%s", dh->note);
    if (dh->cname_target)
        ADD(TR_NORMAL, 2, "TLSA base domain: %s, the secure CNAME expansion of %s (RFC 7672 2.2.3)",
            S(dh->base), h->host);
    for (size_t i = 0; i < dh->ntlsa; i++) {
        const struct dane_tlsa *t = &dh->tlsa[i];
        ADD(t->usable ? TR_NORMAL : TR_WARN, 4, "TLSA %s: %s%s%s", S(t->text),
            t->usable ? "usable" : "unusable", t->note ? " - " : "", t->note ? t->note : "");
    }
    add_dane_unconfirmed(out, v, 2);
}

/* add_dane_sender - the second column of the sender's eye: what a DANE-capable sender does
 * with this address, and which of the two mechanisms wins. */
static void add_dane_sender(struct tui_lines *out, const struct view_ctx *v, const struct mx_host *h,
                            const struct mx_addr *a)
{
    const struct dane_addr *da = &a->dane;
    if (!da->judged && v->r->done)
        return; /* interrupted, or never probed: the MTA-STS line says why */
    if (!da->judged) {
        ADD(TR_DIM, 2, "sender's eye: a DANE sender - not known until the TLSA lookup and the "
            "probe end");
        return;
    }
    struct present_sentence s;
    present_dane_sender(a, v->r->done, &s);
    ADD(tui_state_role(s.mark), 2, "sender's eye: %s", s.text);
    if (da->action_note)
        ADD(TR_NORMAL, 4, "%s", da->action_note);
    if (h->dane.status != DANE_NONE) /* where both apply, which one decides */
        ADD(TR_DIM, 4, "RFC 8461 2: a sender that does both applies DANE first; MTA-STS never "
            "overrides a failed DANE validation");
}

/* add_dane_verify - the TLS row's DANE section: which record matched which certificate. */
static void add_dane_verify(struct tui_lines *out, const struct view_ctx *v, const struct mx_host *h,
                            const struct mx_addr *a)
{
    const struct dane_host *dh = &h->dane;
    const struct dane_addr *da = &a->dane;
    if (dh->status == DANE_NONE || dh->status == DANE_PENDING)
        return;
    section(out, "DANE verification (RFC 7672)");
    bool secure = dh->status == DANE_SECURE;
    ADD(TR_NORMAL, 2, "%s TLSA at %s", dane_status_name(dh->status), S(dh->name));
    if (!da->judged)
        ADD(TR_DIM, 2, "not verified yet");
    else if (da->match == 1 && da->matched_tlsa >= 0 && (size_t)da->matched_tlsa < dh->ntlsa)
        ADD(secure ? TR_OK : TR_NA, 2, "%s TLSA %d %d %d matched certificate #%d%s",
            tui_state_symbol(secure ? ST_PASS : ST_NA, v->utf8, 0),
            dh->tlsa[da->matched_tlsa].usage, dh->tlsa[da->matched_tlsa].selector,
            dh->tlsa[da->matched_tlsa].mtype, da->matched_depth,
            secure ? "" : " (not DNSSEC-signed: for information only)");
    else if (da->match == 0)
        ADD(secure ? TR_FAIL : TR_NA, 2, "%s no TLSA record matches the chain: %s",
            tui_state_symbol(secure ? ST_FAIL : ST_NA, v->utf8, 0), S(da->error));
    else
        ADD(TR_DIM, 2, "chain not verified against the records");
    /* one record that matched says it all; else each record, as in a rollover */
    bool list = dh->ntlsa > 1 || da->match != 1;
    for (size_t i = 0; list && da->tlsa_depth && i < dh->ntlsa && i < da->ntlsa_depth; i++) {
        int depth = da->tlsa_depth[i];
        if (!dh->tlsa[i].usable)
            ADD(TR_DIM, 4, "TLSA %s: not used", S(dh->tlsa[i].text));
        else if (depth >= 0)
            ADD(TR_NORMAL, 4, "TLSA %s: matches certificate #%d", S(dh->tlsa[i].text), depth);
        else
            ADD(TR_DIM, 4, "TLSA %s: no match", S(dh->tlsa[i].text));
    }
    add_dane_unconfirmed(out, v, 2);
}

static void detail_sts(struct tui_lines *out, const struct view_ctx *v, const struct tui_row *row)
{
    const struct sts_section *s = &v->r->sts;
    ADD(TR_TITLE, 0, "MTA-STS discovery record: TXT _mta-sts.%s", v->r->domain);
    add_step(out, v, row, &s->step);
    add_problems(out, v, row);
    section(out, "Evidence");
    ADD(TR_NORMAL, 2, "status: %s", txt_status_name(s->status));
    if (s->cname_chain)
        ADD(TR_NORMAL, 2, "CNAME chain: %s", s->cname_chain);
    for (size_t i = 0; i < s->nrecords; i++)
        ADD(TR_NORMAL, 2, "record %zu: \"%s\"", i + 1, S(s->records[i]));
    if (s->parsed.valid || s->parsed.id)
        ADD(TR_NORMAL, 2, "id: %s%s", S(s->parsed.id), s->parsed.valid ? "" : " (record invalid)");
    for (size_t i = 0; i < s->parsed.nextensions; i++)
        ADD(TR_DIM, 2, "extension: %s", s->parsed.extensions[i]);
    add_dns(out, v->r->done, "DNS", s->answer);
}

static void detail_policy(struct tui_lines *out, const struct view_ctx *v, const struct tui_row *row)
{
    const struct policy_section *p = &v->r->policy;
    ADD(TR_TITLE, 0, "HTTPS policy fetch: %s", S(p->url));
    add_step(out, v, row, &p->step);
    add_problems(out, v, row);
    section(out, "Policy");
    ADD(TR_NORMAL, 2, "status: %s", policy_status_name(p->status));
    if (p->parsed.version || p->parsed.mode != STS_MODE_UNKNOWN) {
        ADD(TR_NORMAL, 2, "version: %s   mode: %s   max_age: %lld%s", S(p->parsed.version),
            p->parsed.mode_text ? p->parsed.mode_text : sts_mode_name(p->parsed.mode),
            p->parsed.max_age, p->parsed.valid ? "" : "   (invalid: senders ignore it)");
        for (size_t i = 0; i < p->parsed.nmx; i++)
            ADD(TR_NORMAL, 4, "mx: %s", p->parsed.mx[i]);
        ADD(TR_DIM, 2, "%zu lines, line endings: %s", p->parsed.nlines,
            p->parsed.crlf && p->parsed.lf ? "mixed CRLF and LF" : p->parsed.crlf ? "CRLF"
                                                                   : p->parsed.lf ? "LF" : "-");
    }
    section(out, "Evidence");
    if (p->host_a)
        add_dns(out, v->r->done, "DNS", p->host_a);
    if (p->host_aaaa)
        add_dns(out, v->r->done, "DNS", p->host_aaaa);
    const struct https_result *h = p->http;
    if (!h) {
        ADD(TR_DIM, 2, "no HTTP response yet");
        return;
    }
    if (!h->ok)
        ADD(TR_FAIL, 2, "error: %s%s", S(h->error), h->timed_out ? " (timed out)" : "");
    if (h->primary_ip)
        ADD(TR_NORMAL, 2, "connected to %s port %d", h->primary_ip, h->primary_port);
    char t1[24], t2[24], t3[24], t4[24]; /* a timing curl never reached reads "unknown" */
    ADD(TR_DIM, 2, "connect %s, TLS %s, first byte %s, total %s",
        present_ms(h->connect_ms, t1, sizeof t1), present_ms(h->tls_ms, t2, sizeof t2),
        present_ms(h->first_byte_ms, t3, sizeof t3), present_ms(h->total_ms, t4, sizeof t4));
    if (h->status_line)
        ADD(TR_BOLD, 2, "%s", h->status_line);
    for (size_t i = 0; i < h->nheaders; i++)
        ADD(TR_NORMAL, 4, "%s", h->headers[i]);
    if (h->location)
        ADD(TR_WARN, 2, "redirect to %s (not followed: RFC 8461 3.3)", h->location);
    if (p->body_text) {
        ADD(TR_NORMAL, 2, "body (%zu bytes%s):", h->body_len, h->body_too_large ? ", cut" : "");
        view_split_escaped(out, p->body_text, TR_BOLD, 4);
    }
    section(out, "TLS of the policy host");
    add_tls(out, v, &h->tls, "policy host");
}

static void detail_mx(struct tui_lines *out, const struct view_ctx *v, const struct tui_row *row)
{
    const struct mx_section *m = &v->r->mx;
    ADD(TR_TITLE, 0, "MX records of %s", v->r->domain);
    add_step(out, v, row, &m->step);
    if (m->null_mx)
        ADD(TR_NORMAL, 2, "null MX (MX 0 .): the domain accepts no mail");
    if (m->implicit)
        ADD(TR_NORMAL, 2, "no MX record: the domain's own address is the implicit MX");
    add_problems(out, v, row);
    section(out, "MX hosts in preference order");
    for (size_t i = 0; i < m->nhosts; i++) {
        const struct mx_host *h = m->hosts[i];
        struct tui_badge b;
        tui_dane_host_badge(h, &b);
        ADD(tui_state_role(h->step.state), 2, "%s %4d %s%s%s%s", tui_state_symbol(h->step.state, v->utf8, 0),
            h->preference, h->host,
            !h->policy_checked ? "" : h->policy_match ? "  (matches the policy)" : "  (NOT in the policy)",
            b.text[0] ? "  " : "", b.text);
    }
    add_dane_unconfirmed(out, v, 2);
    section(out, "Evidence");
    add_dns(out, v->r->done, "DNS", m->answer);
    if (m->implicit_a)
        add_dns(out, v->r->done, "DNS", m->implicit_a);
    if (m->implicit_aaaa)
        add_dns(out, v->r->done, "DNS", m->implicit_aaaa);
}

static void detail_host(struct tui_lines *out, const struct view_ctx *v, const struct tui_row *row)
{
    const struct mx_host *h = row->host;
    ADD(TR_TITLE, 0, "MX host %s (preference %d)", h->host, h->preference);
    add_step(out, v, row, &h->step);
    if (h->policy_checked)
        ADD(tui_state_role(h->match_state), 2, "policy match: %s%s%s",
            h->policy_match ? "yes" : "no", h->match_note ? " - " : "", h->match_note ? h->match_note : "");
    else
        ADD(TR_NA, 2, "policy match: not applicable (no valid policy to match against)");
    struct present_sentence eye;
    present_host_sender(h, &eye);
    ADD(tui_state_role(eye.mark), 2, "sender's eye: %s", eye.text);
    if (row->mark) {
        ADD(TR_MARK, 2, "%s addresses of this host serve different leaf certificates:",
            v->utf8 ? "≠" : "<>");
        for (size_t i = 0; i < h->naddrs; i++) {
            const struct cert_info *leaf = tui_addr_leaf(h->addrs[i]);
            if (leaf)
                ADD(TR_MARK, 4, "%s  %s", h->addrs[i]->address, S(leaf->sha256));
        }
    }
    add_problems(out, v, row);
    section(out, "Addresses");
    for (size_t i = 0; i < h->naddrs; i++) {
        const struct mx_addr *a = h->addrs[i];
        struct tui_badge b;
        tui_dane_addr_badge(h, a, &b);
        ADD(tui_state_role(a->step.state), 2, "%s %s (IPv%d)%s%s%s%s", tui_state_symbol(a->step.state, v->utf8, 0),
            a->address, a->family, b.text[0] ? "   " : "", b.text, b.symbol ? " " : "",
            b.symbol ? tui_state_symbol(b.state, v->utf8, 0) : "");
    }
    if (h->naddrs == 0)
        ADD(TR_DIM, 2, "none");
    add_dane_host(out, v, h);
    section(out, "Evidence");
    if (!h->a && !h->aaaa && h->resolve.note && h->resolve.state != ST_RUNNING)
        ADD(TR_DIM, 2, "DNS: not looked up: %s", h->resolve.note); /* --connect-to */
    else if (!h->a && !h->aaaa && v->r->done)
        ADD(TR_DIM, 2, "DNS: not looked up (the check ended before)");
    else {
        add_dns(out, v->r->done, "DNS A", h->a);
        add_dns(out, v->r->done, "DNS AAAA", h->aaaa);
    }
    if (h->dane.cname_answer)
        add_dns(out, v->r->done, "DNS", h->dane.cname_answer);
    if (h->dane.answer)
        add_dns(out, v->r->done, "DNS", h->dane.answer);
}

static void add_smtp_summary(struct tui_lines *out, const struct mx_addr *a)
{
    const struct smtp_result *s = a->smtp;
    if (!s) {
        ADD(TR_RUNNING, 2, "probe %s: now at stage %s",
            a->step.state == ST_RUNNING ? "running" : "not run", smtp_stage_name(a->live_stage));
        return;
    }
    ADD(TR_NORMAL, 2, "reached: %s   total %lldms", smtp_stage_name(s->reached), (long long)s->total_ms);
    if (s->error)
        ADD(TR_FAIL, 2, "error: %s%s", s->error, s->timed_out ? " (timed out)" : "");
    if (s->banner)
        ADD(TR_NORMAL, 2, "banner: %s", s->banner);
    ADD(s->starttls_offered ? TR_OK : TR_FAIL, 2, "STARTTLS offered: %s",
        s->starttls_offered ? "yes" : "no");
}

static void detail_addr(struct tui_lines *out, const struct view_ctx *v, const struct tui_row *row)
{
    const struct mx_addr *a = row->addr;
    ADD(TR_TITLE, 0, "%s [%s] port %d", row->host->host, a->address, a->port);
    add_step(out, v, row, &a->step);
    if (a->connect_addr && strcmp(a->connect_addr, a->address) != 0)
        ADD(TR_DIM, 2, "connected to: %s", a->connect_addr);
    struct present_sentence eye;
    present_sts_sender(a, &eye);
    ADD(tui_state_role(eye.mark), 2, "sender's eye: %s", eye.text);
    if (a->report_as && a->sts_outcome != STS_OUT_NO_POLICY)
        ADD(TR_DIM, 2, "its TLS report (RFC 8460 4.3) would say: %s", a->report_as);
    add_dane_sender(out, v, row->host, a);
    add_problems(out, v, row);
    section(out, "SMTP");
    add_smtp_summary(out, a);
    if (a->smtp && a->smtp->tls.present)
        ADD(TR_NORMAL, 2, "TLS: %s %s, chain of %zu", S(a->smtp->tls.version), S(a->smtp->tls.cipher),
            a->smtp->tls.nchain);
}

static void detail_smtp(struct tui_lines *out, const struct view_ctx *v, const struct tui_row *row)
{
    const struct mx_addr *a = row->addr;
    const struct smtp_result *s = a->smtp;
    ADD(TR_TITLE, 0, "SMTP with %s [%s]", row->host->host, a->address);
    add_step(out, v, row, NULL);
    add_problems(out, v, row);
    section(out, "Session");
    add_smtp_summary(out, a);
    if (!s)
        return;
    for (int st = SMTP_ST_CONNECT; st < SMTP_ST_COUNT; st++)
        if (s->stage_ms[st] >= 0)
            ADD(TR_DIM, 4, "%-10s %lldms", smtp_stage_name((enum smtp_stage)st), (long long)s->stage_ms[st]);
    if (s->nehlo) {
        ADD(TR_NORMAL, 2, "EHLO keywords:");
        for (size_t i = 0; i < s->nehlo; i++)
            ADD(TR_NORMAL, 4, "%s", s->ehlo[i]);
    }
    section(out, "Transcript (ms since connect; C client, S server, * note)");
    for (size_t i = 0; i < s->ntranscript; i++) {
        const struct smtp_line *l = &s->transcript[i];
        enum tui_role role = l->dir == 'C' ? TR_BOLD : l->dir == 'S' ? TR_NORMAL : TR_DIM;
        ADD(role, 2, "%6lld %c: %s", (long long)l->ms, l->dir, S(l->text));
    }
    if (s->transcript_truncated)
        ADD(TR_DIM, 2, "(transcript cut: more lines were not kept)");
}

static void detail_tls(struct tui_lines *out, const struct view_ctx *v, const struct tui_row *row)
{
    const struct mx_addr *a = row->addr;
    ADD(TR_TITLE, 0, "TLS with %s [%s]", row->host->host, a->address);
    add_step(out, v, row, NULL);
    if (row->state == ST_NA)
        ADD(TR_NA, 2, "not applicable: the session never reached a TLS handshake");
    add_problems(out, v, row);
    section(out, "TLS parameters");
    add_tls(out, v, a->smtp ? &a->smtp->tls : NULL, "MX host");
    add_dane_verify(out, v, row->host, a);
}

static void detail_cert(struct tui_lines *out, const struct view_ctx *v, const struct tui_row *row)
{
    ADD(TR_TITLE, 0, "Certificate #%zu sent by %s [%s]", row->cert_index, S(row->cert_owner),
        S(row->cert_where));
    const char *why = NULL;
    enum step_state st = tui_cert_row_state(row, v->now, &why);
    ADD(tui_state_role(st), 0, "%s %s: %s", tui_state_symbol(st, v->utf8, 0), tui_state_word(st), S(why));
    view_cert_dane(out, v, row->host, row->addr, row->cert);
    ADD(TR_KEY, 0, "Enter: every field, PEM (p) and save to a file (w)");
    ADD(TR_NORMAL, 0, "%s", "");
    view_cert_summary(out, v, row->cert);
}

static void detail_tlsrpt(struct tui_lines *out, const struct view_ctx *v, const struct tui_row *row)
{
    const struct tlsrpt_section *t = &v->r->tlsrpt;
    ADD(TR_TITLE, 0, "TLS reporting (RFC 8460): TXT _smtp._tls.%s", v->r->domain);
    add_step(out, v, row, &t->step);
    add_problems(out, v, row);
    section(out, "Evidence");
    ADD(TR_NORMAL, 2, "status: %s", txt_status_name(t->status));
    for (size_t i = 0; i < t->nrecords; i++)
        ADD(TR_NORMAL, 2, "record %zu: \"%s\"", i + 1, S(t->records[i]));
    for (size_t i = 0; i < t->parsed.nrua; i++)
        ADD(TR_NORMAL, 4, "reports go to: %s", t->parsed.rua[i]);
    add_dns(out, v->r->done, "DNS", t->answer);
}

void view_detail_build(struct tui_lines *out, const struct view_ctx *v, const struct tui_row *row)
{
    switch (row->node) {
    case TN_STS: detail_sts(out, v, row); break;
    case TN_POLICY: detail_policy(out, v, row); break;
    case TN_MX: detail_mx(out, v, row); break;
    case TN_HOST: detail_host(out, v, row); break;
    case TN_ADDR: detail_addr(out, v, row); break;
    case TN_SMTP: detail_smtp(out, v, row); break;
    case TN_TLS: detail_tls(out, v, row); break;
    case TN_CERT: detail_cert(out, v, row); break;
    case TN_TLSRPT: detail_tlsrpt(out, v, row); break;
    }
}
