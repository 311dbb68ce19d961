/* report_text - the human report (contract in report_text.h).
 *
 * Every line goes through tw_emit, which sanitises (no control byte survives, whatever the
 * engine stored), wraps at the terminal width counting UTF-8 characters, and prints the
 * marker. The sections only decide what to say and which marker it earns. A missing
 * prerequisite reads "skipped: <why>" with [ -- ]: the problem that caused it is reported
 * once, where it happened (no cascades). */
#include "report_text.h"
#include "present.h"
#include "escape.h"
#include "mx_limits.h"
#include "xalloc.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

enum mark { MK_NONE, MK_OK, MK_WARN, MK_FAIL, MK_NA, MK_INFO };

struct tw {
    FILE *f;
    bool color;
    bool verbose;
    int width;
    int warn_days; /* certificate expiry marks: the check's threshold */
    time_t now;
};

#define MARK_COLS 7 /* "[ OK ] " */

static const char *const mark_text[] = {"      ", "[ OK ]", "[WARN]", "[FAIL]", "[ -- ]", "[INFO]"};
static const char *const mark_sgr[] = {"", "32", "33", "1;31", "2", "36"};

/* ---- width and sanitising ---- */

/* cp_width - terminal columns of a code point; locale-independent approximation of wcwidth
 * (combining marks 0, East Asian wide and emoji 2, else 1). */
static int cp_width(unsigned cp)
{
    if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || cp == 0xfeff)
        return 0;
    if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
        (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
        (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
        (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
        (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd))
        return 2;
    return 1;
}

/* sanitize - a copy where controls (C0, DEL, C1), bidi controls and invalid UTF-8 become '?'.
 * The engine escapes already; this is the last line of defence for the terminal. */
static char *sanitize(const char *s)
{
    size_t n = strlen(s);
    char *out = xmalloc(n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t len = utf8_decode((const unsigned char *)s + i, n - i, &cp);
        bool bad = len == 0 || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
                   (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
        if (bad) {
            out[o++] = '?';
            i += len ? len : 1;
        } else {
            memcpy(out + o, s + i, len);
            o += len;
            i += len;
        }
    }
    out[o] = '\0';
    return out;
}

/* ---- the line writer ---- */

static void put_spaces(struct tw *t, int n)
{
    for (int i = 0; i < n; i++)
        fputc(' ', t->f);
}

static void put_mark(struct tw *t, enum mark m)
{
    if (m == MK_NONE) {
        put_spaces(t, MARK_COLS);
        return;
    }
    if (t->color)
        fprintf(t->f, "\033[%sm%s\033[0m ", mark_sgr[m], mark_text[m]);
    else
        fprintf(t->f, "%s ", mark_text[m]);
}

/* wrap - print s from column col, breaking at spaces before width; continuation lines start
 * at column hang. Words longer than a line are cut at character boundaries. */
static void wrap(struct tw *t, const char *s, int col, int hang)
{
    bool line_start = true;
    const char *p = s;
    while (*p) {
        int nsp = 0;
        while (*p == ' ')
            nsp++, p++;
        if (!*p)
            break;
        const char *q = p;
        int wlen = 0;
        while (*q && *q != ' ') {
            unsigned cp;
            size_t len = utf8_decode((const unsigned char *)q, strlen(q), &cp);
            wlen += cp_width(cp);
            q += len ? len : 1;
        }
        if (line_start)
            nsp = 0;
        if (!line_start && col + nsp + wlen > t->width) {
            fputc('\n', t->f);
            put_spaces(t, hang);
            col = hang;
            nsp = 0;
        }
        put_spaces(t, nsp);
        col += nsp;
        while (p < q) {
            unsigned cp;
            size_t len = utf8_decode((const unsigned char *)p, (size_t)(q - p), &cp);
            int cw = cp_width(cp);
            if (col + cw > t->width && col > hang) {
                fputc('\n', t->f);
                put_spaces(t, hang);
                col = hang;
            }
            fwrite(p, 1, len ? len : 1, t->f);
            col += cw;
            p += len ? len : 1;
        }
        line_start = false;
    }
    fputc('\n', t->f);
}

/* tw_emit - one logical line: marker, indent (2 columns per level), wrapped text. */
static void tw_emit(struct tw *t, enum mark m, int indent, const char *text)
{
    int start = MARK_COLS + 2 * indent;
    if (start > t->width / 2)
        start = t->width / 2;
    char *clean = sanitize(text);
    put_mark(t, m);
    put_spaces(t, start - MARK_COLS);
    wrap(t, clean, start, start + 2);
    free(clean);
}

static void tw_line(struct tw *t, enum mark m, int indent, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void tw_line(struct tw *t, enum mark m, int indent, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = xvasprintf(fmt, ap);
    va_end(ap);
    tw_emit(t, m, indent, text);
    free(text);
}

/* title - text at column 0, bold with colour; wrapped lines indent by 4. */
static void title(struct tw *t, const char *text)
{
    char *clean = sanitize(text);
    if (t->color)
        fputs("\033[1m", t->f);
    wrap(t, clean, 0, 4);
    if (t->color)
        fputs("\033[0m", t->f); /* at the start of the next line: nothing is printed bold */
    free(clean);
}

/* tw_heading - a section title preceded by a blank line. */
static void tw_heading(struct tw *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tw_heading(struct tw *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = xvasprintf(fmt, ap);
    va_end(ap);
    fputc('\n', t->f);
    title(t, text);
    free(text);
}

static const char *orstr(const char *s, const char *dflt)
{
    return s && *s ? s : dflt;
}

static enum mark state_mark(enum step_state s)
{
    switch (s) {
    case ST_PASS:
        return MK_OK;
    case ST_WARN:
        return MK_WARN;
    case ST_FAIL:
        return MK_FAIL;
    default:
        return MK_NA;
    }
}

/* unfinished - a step that never ended: say so instead of judging it. Returns true then. */
static bool unfinished(struct tw *t, const struct report *r, const struct step *s, int indent)
{
    if (s->state != ST_WAITING && s->state != ST_RUNNING)
        return false;
    tw_line(t, MK_NA, indent, "%s", r->interrupted ? "not finished: interrupted" : "still running");
    return true;
}

/* ---- verbose evidence ---- */

static void dns_evidence(struct tw *t, const struct dns_answer *a, int indent)
{
    if (!t->verbose || !a)
        return;
    tw_line(t, MK_NONE, indent, "dns: %s %s -> %s%s (%lld ms, %s)", orstr(a->qname, "?"),
            dns_type_name(a->qtype), dns_status_name(a->status), a->ad ? ", AD" : "",
            (long long)a->duration_ms, orstr(a->resolver, "system resolver"));
    for (size_t i = 0; i < a->nrr; i++)
        tw_line(t, MK_NONE, indent + 1, "%s %u %s %s", orstr(a->rr[i].name, "?"),
                (unsigned)a->rr[i].ttl, dns_type_name(a->rr[i].type), orstr(a->rr[i].text, ""));
}

static void records_list(struct tw *t, char *const *rec, size_t n, int indent)
{
    for (size_t i = 0; i < n; i++)
        tw_line(t, MK_NONE, indent, "\"%s\"", rec[i]);
}

/* ---- 1. _mta-sts TXT record ---- */

static void section_sts(struct tw *t, const struct report *r)
{
    const struct sts_section *s = &r->sts;
    tw_heading(t, "1. MTA-STS record   TXT _mta-sts.%s", r->domain);
    if (s->cname_chain)
        tw_line(t, MK_INFO, 0, "CNAME: %s (senders follow it)", s->cname_chain);
    if (unfinished(t, r, &s->step, 0))
        return;
    switch (s->status) {
    case TXT_OK:
        tw_line(t, MK_OK, 0, "one v=STSv1 record, id %s", orstr(s->parsed.id, "?"));
        break;
    case TXT_MISSING:
        tw_line(t, MK_INFO, 0, "no v=STSv1 record: the domain does not publish MTA-STS");
        break;
    case TXT_INVALID:
        tw_line(t, MK_FAIL, 0, "the v=STSv1 record is invalid: senders ignore it");
        break;
    case TXT_MULTIPLE:
        tw_line(t, MK_FAIL, 0, "%zu records start with v=STSv1: senders assume no policy",
                s->nrecords);
        break;
    case TXT_ERROR:
        tw_line(t, MK_FAIL, 0, "lookup failed: %s",
                orstr(s->answer ? s->answer->error : NULL, "no answer"));
        break;
    default:
        tw_line(t, MK_NA, 0, "not looked up");
        break;
    }
    records_list(t, s->records, s->nrecords, 1);
    if (s->answer && r->done)
        tw_line(t, MK_NONE, 0, "DNSSEC: answer %s", orstr(dns_answer_sec(s->answer), "?"));
    dns_evidence(t, s->answer, 1);
}

/* ---- 2. policy ---- */

static void tls_summary(struct tw *t, const struct tls_info *tls, const char *name, int indent);

static void policy_body(struct tw *t, const struct https_result *h, int indent)
{
    if (!t->verbose || !h || !h->body)
        return;
    tw_line(t, MK_NONE, indent, "body (%zu bytes):", h->body_len);
    const char *p = (const char *)h->body, *end = p + h->body_len;
    for (int n = 1; p < end; n++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        size_t len = (size_t)(stop - p);
        if (len > 0 && p[len - 1] == '\r')
            len--; /* shown as line structure, not as "\r" on every line */
        char *line = escape_bytes(p, len);
        tw_line(t, MK_NONE, indent + 1, "%3d | %s", n, line);
        free(line);
        p = nl ? nl + 1 : end;
    }
}

static void policy_http(struct tw *t, const struct report *r, const struct policy_section *p)
{
    const struct https_result *h = p->http;
    if (!h->ok) {
        tw_line(t, MK_FAIL, 0, "no HTTP response: %s%s", orstr(h->error, "unknown error"),
                h->timed_out ? " (timed out)" : "");
    } else if (h->status >= 300 && h->status < 400) {
        tw_line(t, MK_FAIL, 0, "HTTP %ld redirect to %s: senders MUST NOT follow it", h->status,
                orstr(h->location, "(no Location)"));
    } else if (h->status != 200) {
        tw_line(t, MK_FAIL, 0, "HTTP %ld: only 200 counts (%s)", h->status,
                orstr(h->status_line, ""));
    } else {
        /* the engine's judgment: a wrong Content-Type is its problem, not a rule here */
        bool plain = !problem_list_has(&r->problems, PROB_STS_POLICY_CONTENT_TYPE);
        tw_line(t, plain ? MK_OK : MK_WARN, 0, "HTTP 200, %s, %zu bytes%s",
                orstr(h->content_type, "no Content-Type"), h->body_len,
                h->body_too_large ? " (too large, cut)" : "");
    }
    if (t->verbose) {
        if (h->status_line)
            tw_line(t, MK_NONE, 1, "%s", h->status_line);
        for (size_t i = 0; i < h->nheaders; i++)
            tw_line(t, MK_NONE, 2, "%s", h->headers[i]);
    }
}

static void policy_parsed(struct tw *t, const struct sts_policy *sp)
{
    if (!sp->valid) {
        tw_line(t, MK_FAIL, 0, "the policy is invalid: senders treat it as no policy "
                               "(see problems)");
    } else {
        enum mark m = sp->mode == STS_MODE_ENFORCE ? MK_OK : MK_INFO;
        tw_line(t, m, 0, "valid policy: mode %s, max_age %lld (%lld days)",
                sts_mode_name(sp->mode), sp->max_age, sp->max_age / 86400);
        if (sp->mode == STS_MODE_TESTING)
            tw_line(t, MK_NONE, 1, "testing: senders report failures but still deliver");
        else if (sp->mode == STS_MODE_NONE)
            tw_line(t, MK_NONE, 1, "none: senders treat the domain as having no policy");
    }
    for (size_t i = 0; i < sp->nmx; i++)
        tw_line(t, MK_NONE, 1, "mx: %s", sp->mx[i]);
}

static void section_policy(struct tw *t, const struct report *r)
{
    const struct policy_section *p = &r->policy;
    tw_heading(t, "2. Policy   %s", orstr(p->url, "(no URL)"));
    if (p->status == POL_NOT_FETCHED) {
        tw_line(t, MK_NA, 0, "skipped: %s", orstr(p->step.note, "no valid _mta-sts record"));
        return;
    }
    if (unfinished(t, r, &p->step, 0))
        return;
    if (p->http)
        policy_http(t, r, p);
    else if (p->status == POL_FETCH_ERROR)
        tw_line(t, MK_FAIL, 0, "fetch failed: %s", orstr(p->step.note, "no response"));
    if (p->status == POL_OK || p->status == POL_INVALID)
        policy_parsed(t, &p->parsed);
    if (p->http && p->http->tls.present)
        tls_summary(t, &p->http->tls, p->host, 0);
    policy_body(t, p->http, 1);
    dns_evidence(t, p->host_a, 1);
    dns_evidence(t, p->host_aaaa, 1);
}

/* ---- TLS and certificates (shared by the policy host and each MX address) ---- */

static void cert_lines(struct tw *t, const struct cert_info *c, int indent)
{
    tw_line(t, MK_NONE, indent, "subject: %s", orstr(c->subject, "(empty)"));
    if (c->nsan_dns > 0) {
        char *sans = xstrdup("");
        size_t shown = c->nsan_dns < 8 ? c->nsan_dns : 8;
        for (size_t i = 0; i < shown; i++) {
            char *next = xasprintf("%s%s%s", sans, i ? ", " : "", c->san_dns[i]);
            free(sans);
            sans = next;
        }
        size_t more = (c->nsan_total > shown ? c->nsan_total : c->nsan_dns) - shown;
        if (more > 0)
            tw_line(t, MK_NONE, indent, "SAN: %s (+%zu more)", sans, more);
        else
            tw_line(t, MK_NONE, indent, "SAN: %s", sans);
        free(sans);
    } else {
        tw_line(t, MK_NONE, indent, "SAN: none (the CN is never used for MTA-STS)");
    }
    tw_line(t, MK_NONE, indent, "issuer: %s", orstr(c->issuer, "(empty)"));
    if (c->key || c->signature)
        tw_line(t, MK_NONE, indent, "key: %s, signature %s", orstr(c->key, "?"),
                orstr(c->signature, "?"));
}

static void cert_expiry(struct tw *t, const struct cert_info *c, int indent)
{
    if (c->not_after == 0)
        return;
    long days = cert_days_left(c, t->now);
    const char *when = orstr(c->not_after_str, "?");
    char rel[48];
    present_days_rel(rel, sizeof rel, days);
    if (t->now < c->not_before)
        tw_line(t, MK_FAIL, indent, "not valid before %s", orstr(c->not_before_str, "?"));
    else if (days < 0)
        tw_line(t, MK_FAIL, indent, "expired %s (%s)", when, rel);
    else if (days < t->warn_days)
        tw_line(t, MK_WARN, indent, "expires %s (%s)", when, rel);
    else
        tw_line(t, MK_OK, indent, "expires %s (%s)", when, rel);
}

static void tls_chain_verbose(struct tw *t, const struct tls_info *tls, int indent)
{
    if (!t->verbose)
        return;
    if (tls->nchain_sent > tls->nchain)
        tw_line(t, MK_WARN, indent, "the server sent %zu certificates; the first %zu are shown",
                tls->nchain_sent, tls->nchain);
    for (size_t i = 0; i < tls->nchain; i++) {
        const struct cert_info *c = &tls->chain[i];
        tw_line(t, MK_NONE, indent, "chain %d: %s", c->depth, orstr(c->subject, "?"));
        tw_line(t, MK_NONE, indent + 2, "issuer %s, %s .. %s, sha256 %s",
                orstr(c->issuer, "?"), orstr(c->not_before_str, "?"), orstr(c->not_after_str, "?"),
                orstr(c->sha256, "?"));
    }
    for (size_t i = 0; i < tls->nerrors; i++)
        tw_line(t, MK_NONE, indent, "verify error at depth %d: %s", tls->errors[i].depth,
                orstr(tls->errors[i].text, "?"));
}

static void tls_summary(struct tw *t, const struct tls_info *tls, const char *name, int indent)
{
    if (!tls->handshake_ok) {
        tw_line(t, MK_FAIL, indent, "TLS handshake failed: %s",
                orstr(tls->handshake_error, "unknown error"));
        if (tls->nchain == 0)
            return;
    } else {
        bool old = tls->version_num > 0 && tls->version_num < 0x0303;
        tw_line(t, old ? MK_FAIL : MK_OK, indent, "%s, %s%s%s%s", orstr(tls->version, "TLS ?"),
                orstr(tls->cipher, "?"), tls->group ? " (" : "", tls->group ? tls->group : "",
                tls->group ? ")" : "");
    }
    if (tls->nchain > 0) {
        const struct cert_info *leaf = &tls->chain[0];
        tw_line(t, MK_INFO, indent, "certificate %s", orstr(leaf->common_name, "(no CN)"));
        cert_lines(t, leaf, indent + 1);
        cert_expiry(t, leaf, indent);
    }
    if (tls->verified)
        tw_line(t, MK_OK, indent, "chain verified to a trusted root");
    else
        tw_line(t, MK_FAIL, indent, "chain not verified: %s",
                orstr(tls->verify_error, "no trusted path"));
    if (tls->hostname_match)
        tw_line(t, MK_OK, indent, "name %s: %s", orstr(name, "?"),
                orstr(tls->hostname_note, "matches a SAN"));
    else
        tw_line(t, MK_FAIL, indent, "name %s not covered: %s", orstr(name, "?"),
                orstr(tls->hostname_note, "no SAN dNSName matches"));
    tls_chain_verbose(t, tls, indent + 1);
}

/* ---- 3. MX hosts and addresses ---- */

static void smtp_transcript(struct tw *t, const struct smtp_result *s, int indent)
{
    if (!t->verbose)
        return;
    for (size_t i = 0; i < s->ntranscript; i++) {
        const struct smtp_line *l = &s->transcript[i];
        char dir = l->dir == 'C' || l->dir == 'S' ? l->dir : '*';
        tw_line(t, MK_NONE, indent, "%+6lldms %c: %s", (long long)l->ms, dir, orstr(l->text, ""));
    }
    if (s->transcript_truncated)
        tw_line(t, MK_NONE, indent, "(transcript cut)");
}

/* smtp_stages - one line per SMTP stage reached; the first failure ends the list, and the
 * stages after it read as "not reached", not as failures of their own. */
static void smtp_stages(struct tw *t, const struct mx_addr *a, int in)
{
    const struct smtp_result *s = a->smtp;
    /* a missing STARTTLS earns the mark the engine gave the SMTP sub-step (warn unless the
     * policy enforces) */
    enum mark stls = state_mark(a->smtp_state) == MK_OK ? MK_FAIL : state_mark(a->smtp_state);
    if (s->fail == SMTP_FAIL_CONNECT) {
        tw_line(t, MK_FAIL, in, "connect: %s", orstr(s->error, "failed"));
        tw_line(t, MK_NA, in, "banner, EHLO, STARTTLS: not reached");
        return;
    }
    if (s->fail == SMTP_FAIL_BANNER) {
        tw_line(t, MK_FAIL, in, "no 220 greeting: %s", orstr(s->error, "failed"));
        tw_line(t, MK_NA, in, "EHLO, STARTTLS: not reached");
        return;
    }
    tw_line(t, MK_OK, in, "banner: 220 %s", orstr(s->banner, ""));
    if (s->fail == SMTP_FAIL_EHLO) {
        tw_line(t, MK_FAIL, in, "EHLO refused: %s", orstr(s->error, "failed"));
        tw_line(t, MK_NA, in, "STARTTLS: not reached");
        return;
    }
    if (s->fail == SMTP_FAIL_NO_STARTTLS || !s->starttls_offered) {
        tw_line(t, stls, in, "STARTTLS not offered in the EHLO reply");
        return;
    }
    if (s->fail == SMTP_FAIL_STARTTLS) {
        tw_line(t, stls, in, "STARTTLS refused: %s",
                orstr(s->error, "not 220"));
        return;
    }
    tw_line(t, MK_OK, in, "STARTTLS offered and accepted");
}

/* senders_eye - what an MTA-STS sender does with this address (the engine's outcome). */
static void senders_eye(struct tw *t, const struct mx_addr *a, int in)
{
    struct present_sentence s;
    present_sts_sender(a, &s);
    tw_line(t, state_mark(s.mark), in, "sender's view: %s", s.text);
}

/* dane_line - the DANE verification of one address (RFC 7672) and the second column of the
 * sender's view: what a DANE-capable sender does (RFC 8461 2: MTA-STS never overrides a
 * failed DANE validation). */
static void dane_line(struct tw *t, const struct report *r, const struct mx_host *h,
                      const struct mx_addr *a, int in)
{
    const struct dane_host *dh = &h->dane;
    const struct dane_addr *da = &a->dane;
    if (!da->judged)
        return;
    if (dh->status == DANE_SECURE || dh->status == DANE_INSECURE) {
        if (da->match == 1 && da->matched_tlsa >= 0) {
            const struct dane_tlsa *m = &dh->tlsa[da->matched_tlsa];
            tw_line(t, dh->status == DANE_SECURE ? MK_OK : MK_INFO, in,
                    "DANE: %s TLSA %d %d %d matched the certificate at depth %d (%s)",
                    dane_status_name(dh->status), m->usage, m->selector, m->mtype,
                    da->matched_depth, orstr(da->matched_depth < (int)a->smtp->tls.nchain &&
                                             da->matched_depth >= 0
                                             ? a->smtp->tls.chain[da->matched_depth].subject
                                             : NULL, "?"));
        } else if (da->match == 0) {
            tw_line(t, dh->status == DANE_SECURE ? MK_FAIL : MK_INFO, in,
                    "DANE: %s TLSA, no record matches the chain: %s",
                    dane_status_name(dh->status), orstr(da->error, "no match"));
        } else {
            tw_line(t, dh->status == DANE_SECURE ? MK_WARN : MK_INFO, in,
                    "DANE: %s TLSA, chain not verified", dane_status_name(dh->status));
        }
    }
    struct present_sentence s;
    present_dane_sender(a, r->done, &s);
    tw_line(t, state_mark(s.mark), in, "DANE sender: %s", s.text);
    if (da->action_note)
        tw_line(t, MK_NONE, in + 1, "%s", da->action_note);
}

static void section_addr(struct tw *t, const struct report *r, const struct mx_host *h,
                         const struct mx_addr *a)
{
    const struct smtp_result *s = a->smtp;
    if (a->connect_addr && strcmp(a->connect_addr, a->address) != 0)
        tw_line(t, state_mark(a->step.state), 0, "%s port %d (connecting to %s)", a->address,
                a->port, a->connect_addr);
    else
        tw_line(t, state_mark(a->step.state), 0, "%s port %d", a->address, a->port);
    if (!s) {
        if (!unfinished(t, r, &a->step, 1))
            tw_line(t, MK_NA, 1, "not probed: %s", orstr(a->step.note, "skipped"));
        return;
    }
    smtp_stages(t, a, 1);
    if (s->tls.present)
        tls_summary(t, &s->tls, h->host, 1);
    senders_eye(t, a, 1);
    dane_line(t, r, h, a, 1);
    smtp_transcript(t, s, 2);
}

static void host_match_line(struct tw *t, const struct mx_host *h)
{
    if (!h->policy_checked) {
        tw_line(t, MK_NA, 0, "policy match: skipped, no valid policy");
        return;
    }
    tw_line(t, state_mark(h->match_state), 0, "policy: %s",
            orstr(h->match_note, h->policy_match ? "matches an mx: pattern"
                                                 : "matches no mx: pattern"));
}

/* dane_host_lines - the TLSA RRset of a host: status and each record. */
static void dane_host_lines(struct tw *t, const struct mx_host *h)
{
    const struct dane_host *dh = &h->dane;
    if (dh->status == DANE_PENDING)
        return;
    enum mark m = dh->state == ST_NA ? MK_INFO : state_mark(dh->state); /* engine's mark */
    tw_line(t, m, 0, "DANE: %s", orstr(dh->note, dane_status_name(dh->status)));
    for (size_t i = 0; i < dh->ntlsa; i++)
        tw_line(t, MK_NONE, 1, "TLSA %s%s%s%s", orstr(dh->tlsa[i].text, "?"),
                dh->tlsa[i].note ? " (" : "", dh->tlsa[i].note ? dh->tlsa[i].note : "",
                dh->tlsa[i].note ? ")" : "");
    dns_evidence(t, dh->cname_answer, 1);
    dns_evidence(t, dh->answer, 1);
}

static void section_host(struct tw *t, const struct report *r, const struct mx_host *h)
{
    if (h->preference >= 0)
        tw_heading(t, "   MX %d %s", h->preference, h->host);
    else
        tw_heading(t, "   implicit MX %s", h->host);
    host_match_line(t, h);
    dane_host_lines(t, h);
    if (h->naddrs == 0) {
        if (!unfinished(t, r, &h->resolve, 0))
            tw_line(t, state_mark(h->resolve.state) == MK_NA ? MK_NA : MK_FAIL, 0,
                    "no address: %s", orstr(h->resolve.note, "no A/AAAA record"));
    }
    dns_evidence(t, h->a, 1);
    dns_evidence(t, h->aaaa, 1);
    for (size_t i = 0; i < h->naddrs; i++)
        section_addr(t, r, h, h->addrs[i]);
}

static void section_mx(struct tw *t, const struct report *r)
{
    const struct mx_section *m = &r->mx;
    tw_heading(t, "3. MX records   %s", r->domain);
    if (unfinished(t, r, &m->step, 0))
        return;
    if (m->null_mx)
        tw_line(t, MK_INFO, 0, "null MX (MX 0 .): the domain accepts no mail; MTA-STS has "
                               "nothing to protect");
    if (m->implicit)
        tw_line(t, MK_INFO, 0, "no MX record: the domain's own address is the implicit MX");
    if (m->nhosts == 0 && !m->null_mx)
        tw_line(t, state_mark(m->step.state) == MK_NA ? MK_NA : MK_FAIL, 0, "no MX host: %s",
                orstr(m->step.note, m->answer ? orstr(m->answer->error, "none found") : "none"));
    for (size_t i = 0; i < m->nhosts; i++) {
        const struct mx_host *h = m->hosts[i];
        enum mark mk = h->policy_checked ? state_mark(h->match_state) : MK_INFO;
        if (h->preference >= 0)
            tw_line(t, mk, 0, "%d %s", h->preference, h->host);
        else
            tw_line(t, mk, 0, "%s (implicit)", h->host);
    }
    if (m->answer && r->done)
        tw_line(t, MK_NONE, 0, "DNSSEC: MX answer %s", orstr(dns_answer_sec(m->answer), "?"));
    dns_evidence(t, m->answer, 1);
    for (size_t i = 0; i < m->nhosts; i++)
        section_host(t, r, m->hosts[i]);
}

/* ---- 4. TLS-RPT ---- */

static void section_tlsrpt(struct tw *t, const struct report *r)
{
    const struct tlsrpt_section *s = &r->tlsrpt;
    tw_heading(t, "4. TLS-RPT   TXT _smtp._tls.%s", r->domain);
    if (unfinished(t, r, &s->step, 0))
        return;
    switch (s->status) {
    case TXT_OK:
        tw_line(t, MK_OK, 0, "one v=TLSRPTv1 record");
        for (size_t i = 0; i < s->parsed.nrua; i++)
            tw_line(t, MK_NONE, 1, "rua: %s", s->parsed.rua[i]);
        for (size_t i = 0; i < r->problems.n; i++) /* where the reports cannot go */
            if (r->problems.items[i].id == PROB_TLSRPT_RUA_UNREACHABLE)
                tw_line(t, MK_WARN, 0, "%s", r->problems.items[i].message);
        break;
    case TXT_MISSING:
        tw_line(t, MK_WARN, 0, "no v=TLSRPTv1 record: nobody reports TLS delivery failures to you");
        break;
    case TXT_INVALID:
        tw_line(t, MK_FAIL, 0, "the v=TLSRPTv1 record is invalid");
        records_list(t, s->records, s->nrecords, 1);
        break;
    case TXT_MULTIPLE:
        tw_line(t, MK_FAIL, 0, "%zu v=TLSRPTv1 records: senders assume no TLS-RPT", s->nrecords);
        records_list(t, s->records, s->nrecords, 1);
        break;
    case TXT_ERROR:
        tw_line(t, MK_WARN, 0, "lookup failed: %s",
                orstr(s->answer ? s->answer->error : NULL, "no answer"));
        break;
    default:
        tw_line(t, MK_NA, 0, "not looked up");
        break;
    }
    dns_evidence(t, s->answer, 1);
}

/* ---- since the previous check ---- */

static void section_history(struct tw *t, const struct report *r)
{
    struct present_sentence lines[3];
    size_t n = present_history(r, lines);
    for (size_t i = 0; i < n; i++)
        tw_line(t, lines[i].mark == ST_NA ? MK_INFO : state_mark(lines[i].mark), 0, "%s",
                lines[i].text);
}

/* ---- problems and verdict ---- */

static void problem_lines(struct tw *t, const struct report *r, const struct problem *p)
{
    const struct problem_def *d = problem_def(p->id);
    enum mark m = p->severity == SEV_ERROR ? MK_FAIL : p->severity == SEV_WARNING ? MK_WARN
                                                                                   : MK_INFO;
    tw_line(t, m, 0, "%s (%s): %s", d ? d->code : "?", severity_name(p->severity), p->message);
    char where[600], ref[200];
    present_problem_where(p, where, sizeof where);
    if (*where) {
        if (p->line > 0)
            tw_line(t, MK_NONE, 1, "at %s, line %d", where, p->line);
        else
            tw_line(t, MK_NONE, 1, "at %s", where);
    }
    if (!d)
        return;
    char *fix = present_problem_fix(r, p);
    tw_line(t, MK_NONE, 1, "fix: %s", fix);
    free(fix);
    tw_line(t, MK_NONE, 1, "%s", present_problem_ref(p, ref, sizeof ref));
}

static void section_problems(struct tw *t, const struct report *r)
{
    const struct problem_list *l = &r->problems;
    if (l->n == 0) {
        tw_heading(t, "Problems: none");
        return;
    }
    tw_heading(t, "Problems (%zu)", l->n);
    /* most severe first, table order within a severity */
    for (int sev = SEV_ERROR; sev >= SEV_INFO; sev--)
        for (size_t i = 0; i < l->n; i++)
            if ((int)l->items[i].severity == sev)
                problem_lines(t, r, &l->items[i]);
}

const char *report_text_verdict_line(enum verdict v)
{
    return present_verdict_line(v);
}

static void verdict_line(struct tw *t, const struct report *r)
{
    enum verdict v = report_verdict(r);
    enum mark m = v == VERDICT_PASS ? MK_OK : v == VERDICT_WARN ? MK_WARN
                  : v == VERDICT_NONE || v == VERDICT_INCOMPLETE ? MK_INFO : MK_FAIL;
    fputc('\n', t->f);
    tw_line(t, m, 0, "Verdict: %s", report_text_verdict_line(v));
}

void report_text_write(FILE *f, const struct report *r, const struct text_opts *o)
{
    struct tw t = {
        .f = f,
        .color = o && o->color,
        .verbose = o && o->verbose,
        .width = o && o->width > 0 ? o->width : 80,
        .now = time(NULL),
        .warn_days = r->warn_days > 0 ? r->warn_days : MX_EXPIRING_DAYS,
    };
    if (t.width < 40)
        t.width = 40;
    char *head = xasprintf("mxray: MTA-STS diagnosis of %s", r->domain);
    title(&t, head);
    free(head);
    tw_line(&t, MK_NONE, 0, "resolver %s, took %lld ms%s", orstr(r->resolver, "system"),
            (long long)r->duration_ms, r->interrupted ? ", interrupted" : "");
    section_sts(&t, r);
    section_policy(&t, r);
    section_mx(&t, r);
    section_tlsrpt(&t, r);
    if (r->done && !r->dnssec_any_ad)
        tw_line(&t, MK_INFO, 0, "DNSSEC: no answer carried the AD bit: the zones are unsigned "
                                "or the resolver in use does not validate DNSSEC, so DANE "
                                "cannot be confirmed from here");
    section_history(&t, r);
    section_problems(&t, r);
    verdict_line(&t, r);
}
