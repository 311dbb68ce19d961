/* report_md - the Markdown report (contract in report_md.h). */
#include "report_md.h"
#include "escape.h"
#include "present.h"
#include "xalloc.h"
#include <stdlib.h>
#include <string.h>

#define S(x) ((x) ? (x) : "-")

/* md_word - the word of a mark in tables and lists: the engine's name of the state, the
 * one --json uses ("pass", "n/a", ...). */
#define md_word step_state_name

/* md_text - inline text: '|' (tables), '`', '*', '_' and '<' escaped so report strings cannot
 * change the layout; already escaped for the terminal by the engine. */
static void md_text(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        if (strchr("|`*_<[]\\", *s))
            fputc('\\', f);
        fputc(*s, f);
    }
}

/* md_code_line - one line inside a fenced block; a fence inside the text is broken up. */
static void md_code_line(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        if (strncmp(s, "```", 3) == 0) {
            fputs("'''", f);
            s += 2;
        } else {
            fputc(*s, f);
        }
    }
    fputc('\n', f);
}

/* md_body - the escaped policy body, split at its "\n" escapes, "\r" dropped. */
static void md_body(FILE *f, const char *text)
{
    for (const char *p = text; p && *p; p++) {
        if (p[0] == '\\' && p[1] == 'n') {
            fputc('\n', f);
            p++;
        } else if (p[0] == '\\' && p[1] == 'r') {
            p++;
        } else if (strncmp(p, "```", 3) == 0) {
            fputs("'''", f);
            p += 2;
        } else {
            fputc(*p, f);
        }
    }
    fputc('\n', f);
}

static void head(FILE *f, const struct report *r)
{
    char when[64], ms[24];
    fputs("# MTA-STS check of ", f);
    md_text(f, r->domain);
    fputs("\n\n", f);
    enum verdict v = report_verdict(r);
    fprintf(f, "- Verdict: **%s** (%s)\n", verdict_name(v), present_verdict_line(v));
    fprintf(f, "- Policy mode: %s\n", sts_mode_name(report_policy_mode(r)));
    fprintf(f, "- Checked: %s, took %s%s\n", present_date(r->started, when, sizeof when),
            present_ms(r->duration_ms, ms, sizeof ms), r->interrupted ? " (interrupted)" : "");
    fputs("- Resolver: ", f);
    md_text(f, S(r->resolver));
    struct present_sentence hist[3];
    size_t nh = present_history(r, hist);
    for (size_t i = 0; i < nh; i++) {
        fputs("\n- ", f);
        md_text(f, hist[i].text);
    }
    fprintf(f, "\n- Tool: mxray %s\n\n", MXRAY_VERSION);
}

/* senders - one row per address: its mark and what each kind of sender does. */
static void senders(FILE *f, const struct report *r)
{
    fputs("## What senders do\n\n", f);
    if (r->mx.null_mx) {
        fputs("Null MX (MX 0 .): the domain accepts no mail; there is no MX host to test.\n\n", f);
        return;
    }
    if (r->mx.nhosts == 0) {
        fputs("No MX host was found.\n\n", f);
        return;
    }
    fputs("| MX host | address | mark | MTA-STS sender | DANE sender |\n|---|---|---|---|---|\n",
          f);
    for (size_t i = 0; i < r->mx.nhosts; i++) {
        const struct mx_host *h = r->mx.hosts[i];
        if (h->naddrs == 0) {
            struct present_sentence hs;
            present_host_sender(h, &hs);
            fputs("| ", f);
            md_text(f, h->host);
            fprintf(f, " | (no address) | %s | %s: ", md_word(h->step.state), md_word(hs.mark));
            md_text(f, hs.text);
            fputs(" | - |\n", f);
        }
        for (size_t j = 0; j < h->naddrs; j++) {
            const struct mx_addr *a = h->addrs[j];
            struct present_sentence sts, dane;
            present_sts_sender(a, &sts);
            present_dane_sender(a, r->done, &dane);
            fputs("| ", f);
            md_text(f, h->host);
            fputs(" | ", f);
            md_text(f, a->address);
            fprintf(f, " | %s | %s: ", md_word(a->step.state), md_word(sts.mark));
            md_text(f, sts.text);
            fprintf(f, " | %s: ", md_word(dane.mark));
            md_text(f, dane.text);
            fputs(" |\n", f);
        }
    }
    fputc('\n', f);
}

static void step_item(FILE *f, int depth, const char *label, enum step_state st, const char *note)
{
    fprintf(f, "%*s- **%s** ", depth * 2, "", md_word(st));
    md_text(f, label);
    if (note && *note) {
        fputs(": ", f);
        md_text(f, note);
    }
    fputc('\n', f);
}

static void steps(FILE *f, const struct report *r)
{
    char label[600];
    fputs("## Steps\n\n", f);
    snprintf(label, sizeof label, "TXT _mta-sts.%s", r->domain);
    step_item(f, 0, label, r->sts.step.state, r->sts.step.note);
    snprintf(label, sizeof label, "policy %s", S(r->policy.url));
    step_item(f, 0, label, r->policy.step.state, r->policy.step.note);
    snprintf(label, sizeof label, "MX %s", r->domain);
    step_item(f, 0, label, r->mx.step.state, r->mx.step.note);
    for (size_t i = 0; i < r->mx.nhosts; i++) {
        const struct mx_host *h = r->mx.hosts[i];
        if (h->preference >= 0)
            snprintf(label, sizeof label, "MX host %s (preference %d)", h->host, h->preference);
        else
            snprintf(label, sizeof label, "implicit MX %s", h->host);
        step_item(f, 1, label, h->step.state, h->step.note);
        if (h->policy_checked)
            step_item(f, 2, "policy match", h->match_state, h->match_note);
        step_item(f, 2, "address lookup", h->resolve.state, h->resolve.note);
        for (size_t j = 0; j < h->naddrs; j++) {
            const struct mx_addr *a = h->addrs[j];
            snprintf(label, sizeof label, "%s port %d", a->address, a->port);
            step_item(f, 2, label, a->step.state, a->step.note);
            step_item(f, 3, "SMTP connect, EHLO, STARTTLS", a->smtp_state, NULL);
            step_item(f, 3, "TLS handshake and certificate", a->tls_state, NULL);
        }
    }
    snprintf(label, sizeof label, "TXT _smtp._tls.%s", r->domain);
    step_item(f, 0, label, r->tlsrpt.step.state, r->tlsrpt.step.note);
    fputc('\n', f);
}

static void problems(FILE *f, const struct report *r)
{
    fprintf(f, "## Problems (%zu)\n\n", r->problems.n);
    if (r->problems.n == 0)
        fputs("None.\n\n", f);
    for (int sev = SEV_ERROR; sev >= SEV_INFO; sev--) {
        for (size_t i = 0; i < r->problems.n; i++) {
            const struct problem *p = &r->problems.items[i];
            if ((int)p->severity != sev)
                continue;
            const struct problem_def *d = problem_def(p->id);
            char where[600], ref[200];
            fprintf(f, "- **%s** `%s` at ", severity_name(p->severity), d ? d->code : "?");
            md_text(f, present_problem_where(p, where, sizeof where));
            fputs(": ", f);
            md_text(f, S(p->message));
            char *what = present_problem_what(r, p);
            char *fix = present_problem_fix(r, p);
            fputs("\n  - What it means: ", f);
            md_text(f, what);
            fputs("\n  - Fix: ", f);
            md_text(f, fix);
            fputs("\n  - ", f);
            md_text(f, present_problem_ref(p, ref, sizeof ref));
            fputc('\n', f);
            free(what);
            free(fix);
        }
    }
    fputc('\n', f);
}

static void records(FILE *f, const char *title, const char *status, char *const *rec, size_t n)
{
    fputs(title, f);
    fprintf(f, " (%s):\n\n```\n", status);
    for (size_t i = 0; i < n; i++)
        md_code_line(f, rec[i]);
    fputs("```\n\n", f);
}

static void evidence(FILE *f, const struct report *r)
{
    char title[600];
    fputs("## Evidence\n\n", f);
    snprintf(title, sizeof title, "TXT `_mta-sts.%s`", r->domain);
    records(f, title, txt_status_name(r->sts.status), r->sts.records, r->sts.nrecords);
    fprintf(f, "Policy `%s` (%s):\n\n```\n", S(r->policy.url),
            policy_status_name(r->policy.status));
    const struct https_result *h = r->policy.http;
    if (h && h->status_line)
        md_code_line(f, h->status_line);
    else if (h && h->error)
        md_code_line(f, h->error);
    if (r->policy.body_text)
        md_body(f, r->policy.body_text);
    fputs("```\n\n", f);
    /* the transcripts of the addresses that did not pass: what a mail admin needs */
    for (size_t i = 0; i < r->mx.nhosts; i++) {
        const struct mx_host *mh = r->mx.hosts[i];
        for (size_t j = 0; j < mh->naddrs; j++) {
            const struct mx_addr *a = mh->addrs[j];
            if (!a->smtp || a->step.state == ST_PASS)
                continue;
            fprintf(f, "SMTP transcript of %s [%s]:\n\n```\n", mh->host, a->address);
            for (size_t k = 0; k < a->smtp->ntranscript; k++) {
                const struct smtp_line *sl = &a->smtp->transcript[k];
                char *line = xasprintf("%6lld %c: %s", (long long)sl->ms, sl->dir, S(sl->text));
                md_code_line(f, line);
                free(line);
            }
            fputs("```\n\n", f);
        }
    }
    snprintf(title, sizeof title, "TXT `_smtp._tls.%s`", r->domain);
    records(f, title, txt_status_name(r->tlsrpt.status), r->tlsrpt.records, r->tlsrpt.nrecords);
}

void report_md_write(FILE *f, const struct report *r)
{
    head(f, r);
    senders(f, r);
    steps(f, r);
    problems(f, r);
    evidence(f, r);
}
