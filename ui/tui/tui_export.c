/* tui_export - export from the TUI (see tui_export.h). */
#include "tui_export.h"
#include "tui_model.h"
#include "tui_text.h"
#include "view_detail.h"
#include "view_matrix.h"
#include "xalloc.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "report_json.h"
#include "report_text.h"

#define S(x) ((x) ? (x) : "-")

/* md_cell - text for a table cell: '|' escaped, nothing else changes (already escaped). */
static void md_cell(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|')
            fputs("\\|", f);
        else
            fputc(*s, f);
    }
}

/* md_code - a fenced block; a fence inside the text is broken up so it cannot end it. */
static void md_code(FILE *f, const struct tui_lines *l)
{
    fputs("```\n", f);
    for (size_t i = 0; i < l->n; i++) {
        fprintf(f, "%*s", l->v[i].indent, "");
        for (const char *s = l->v[i].text; *s; s++) {
            if (strncmp(s, "```", 3) == 0) {
                fputs("'''", f);
                s += 2;
            } else {
                fputc(*s, f);
            }
        }
        fputc('\n', f);
    }
    fputs("```\n\n", f);
}

static void md_steps(FILE *f, const struct report *r, time_t now)
{
    struct tui_model m = {0};
    tui_model_build(&m, r, r->duration_ms, now);
    fputs("## Steps\n\n| step | state | time |\n|---|---|---|\n", f);
    for (size_t i = 0; i < m.n; i++) {
        char ms[32];
        fprintf(f, "| %*s", m.rows[i].depth * 2, "");
        md_cell(f, m.rows[i].label);
        fprintf(f, " | %s | %s |\n", tui_state_word(m.rows[i].state),
                tui_fmt_ms(m.rows[i].ms, ms, sizeof ms));
    }
    fputc('\n', f);
    tui_model_free(&m);
}

static void md_problems(FILE *f, const struct report *r)
{
    fprintf(f, "## Problems (%zu)\n\n", r->problems.n);
    if (r->problems.n == 0)
        fputs("None.\n\n", f);
    for (size_t i = 0; i < r->problems.n; i++) {
        const struct problem *p = &r->problems.items[i];
        const struct problem_def *d = problem_def(p->id);
        char *what = view_subst_domain(d ? d->what : NULL, r->domain);
        char *fix = view_subst_domain(d ? d->fix : NULL, r->domain);
        fprintf(f, "- **%s** `%s` (%s) at %s: %s\n", severity_name(p->severity), d ? d->code : "?",
                d ? S(d->rfc) : "-", S(p->subject), S(p->message));
        fprintf(f, "  - What it means: %s\n  - Fix: %s\n", what, fix);
        if (d && d->report_as)
            fprintf(f, "  - A sender's TLS report says: `%s`\n", d->report_as);
        free(what);
        free(fix);
    }
    fputc('\n', f);
}

static void md_matrix(FILE *f, const struct report *r)
{
    struct view_matrix vm = {0};
    view_matrix_build(&vm, r, r->duration_ms, false);
    if (vm.n == 0) {
        view_matrix_free(&vm);
        return;
    }
    fputs("## MX addresses\n\n| host | address |", f);
    for (int c = 0; c < VM_NCOLS; c++)
        fprintf(f, " %s |", view_matrix_col_name((enum view_matrix_col)c));
    fputs("\n|---|---|", f);
    for (int c = 0; c < VM_NCOLS; c++)
        fputs("---|", f);
    fputc('\n', f);
    for (size_t i = 0; i < vm.n; i++) {
        const struct view_matrix_row *row = &vm.rows[i];
        fputs("| ", f);
        md_cell(f, row->host->host);
        fputs(" | ", f);
        md_cell(f, row->addr ? row->addr->address : "(no address)");
        fputs(row->cert_differs ? " (cert differs) |" : " |", f);
        for (int c = 0; c < VM_NCOLS; c++) {
            char ms[32];
            tui_fmt_ms(row->cell[c].ms, ms, sizeof ms);
            fprintf(f, " %s%s%s |", row->cell[c].state == ST_NA ? "n/a" : tui_state_word(row->cell[c].state),
                    ms[0] ? " " : "", ms);
        }
        fputc('\n', f);
    }
    fputc('\n', f);
    for (size_t i = 0; i < vm.notes.n; i++)
        fprintf(f, "%*s%s\n", vm.notes.v[i].indent, "", vm.notes.v[i].text);
    if (vm.notes.n)
        fputc('\n', f);
    view_matrix_free(&vm);
}

static void md_evidence(FILE *f, const struct report *r)
{
    struct tui_lines l = {0};
    fputs("## Evidence\n\n", f);
    fprintf(f, "TXT `_mta-sts.%s` (%s):\n\n", r->domain, txt_status_name(r->sts.status));
    for (size_t i = 0; i < r->sts.nrecords; i++)
        tui_lines_addn(&l, TR_NORMAL, 0, r->sts.records[i]);
    md_code(f, &l);
    tui_lines_clear(&l);
    fprintf(f, "Policy `%s` (%s):\n\n", S(r->policy.url), policy_status_name(r->policy.status));
    if (r->policy.http && r->policy.http->status_line)
        tui_lines_addn(&l, TR_NORMAL, 0, r->policy.http->status_line);
    else if (r->policy.http && r->policy.http->error)
        tui_lines_addn(&l, TR_NORMAL, 0, r->policy.http->error);
    view_split_escaped(&l, r->policy.body_text, TR_NORMAL, 0);
    md_code(f, &l);
    tui_lines_clear(&l);
    /* transcripts of the addresses that did not pass: what a mail admin needs in a ticket */
    for (size_t i = 0; i < r->mx.nhosts; i++) {
        const struct mx_host *h = r->mx.hosts[i];
        for (size_t j = 0; j < h->naddrs; j++) {
            const struct mx_addr *a = h->addrs[j];
            struct tui_row row = {.node = TN_ADDR, .host = h, .addr = a};
            if (!a->smtp || (a->step.state == ST_PASS && tui_row_worst(r, &row) < SEV_WARNING))
                continue;
            fprintf(f, "SMTP transcript of %s [%s]:\n\n", h->host, a->address);
            for (size_t k = 0; k < a->smtp->ntranscript; k++) {
                const struct smtp_line *sl = &a->smtp->transcript[k];
                tui_lines_add(&l, TR_NORMAL, 0, "%6lld %c: %s", (long long)sl->ms, sl->dir, S(sl->text));
            }
            md_code(f, &l);
            tui_lines_clear(&l);
        }
    }
    fprintf(f, "TXT `_smtp._tls.%s` (%s):\n\n", r->domain, txt_status_name(r->tlsrpt.status));
    for (size_t i = 0; i < r->tlsrpt.nrecords; i++)
        tui_lines_addn(&l, TR_NORMAL, 0, r->tlsrpt.records[i]);
    md_code(f, &l);
    tui_lines_clear(&l);
}

void tui_export_markdown(FILE *f, const struct report *r, time_t now)
{
    char when[64] = "-";
    struct tm tm;
    if (r->started && gmtime_r(&r->started, &tm))
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%SZ", &tm);
    fprintf(f, "# MTA-STS check of %s\n\n", r->domain);
    fprintf(f, "- Verdict: **%s**\n", verdict_name(report_verdict(r)));
    fprintf(f, "- Policy mode: %s\n", sts_mode_name(report_policy_mode(r)));
    fprintf(f, "- Checked: %s, took %lld ms%s\n", when, (long long)r->duration_ms,
            r->interrupted ? " (interrupted)" : "");
    fprintf(f, "- Resolver: %s\n- Tool: mxray %s\n\n", S(r->resolver), MXRAY_VERSION);
    md_steps(f, r, now);
    md_problems(f, r);
    md_matrix(f, r);
    md_evidence(f, r);
}

static const char *ext_of(enum tui_export_fmt fmt)
{
    return fmt == TX_JSON ? "json" : fmt == TX_MARKDOWN ? "md" : "txt";
}

/* write_all - every byte of data to fd; 0, or -1 with errno set. */
static int write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            return -1;
        }
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

int tui_write_new(const char *dir, const char *base, const char *ext, const char *data,
                  size_t len, char *path, size_t pathlen, char *err, size_t errlen)
{
    for (int n = 1; n < 100; n++) {
        if (n == 1)
            snprintf(path, pathlen, "%s/%s.%s", dir ? dir : ".", base, ext);
        else
            snprintf(path, pathlen, "%s/%s-%d.%s", dir ? dir : ".", base, n, ext);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 && errno == EEXIST)
            continue;
        if (fd < 0) {
            snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
            return -1;
        }
        if (write_all(fd, data, len) < 0 || fsync(fd) < 0 || close(fd) < 0) {
            int e = errno;
            close(fd); /* after a failed close this fails too, harmlessly */
            unlink(path); /* a partial or empty file would look like an export */
            snprintf(err, errlen, "cannot write %s: %s (nothing kept)", path, strerror(e));
            return -1;
        }
        return 0;
    }
    snprintf(err, errlen, "too many files named %s", path);
    return -1;
}

int tui_export(const struct report *r, enum tui_export_fmt fmt, const char *dir, time_t now,
               char *path, size_t pathlen, char *err, size_t errlen)
{
    char *data = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&data, &len);
    if (!f) {
        snprintf(err, errlen, "cannot export: %s", strerror(errno));
        return -1;
    }
    switch (fmt) {
    case TX_JSON:
        report_json_write(f, r, true);
        break;
    case TX_TEXT: {
        /* a file for reading later: every piece of evidence, no colour codes */
        struct text_opts o = {.color = false, .width = 100, .verbose = true};
        report_text_write(f, r, &o);
        break;
    }
    case TX_MARKDOWN:
        tui_export_markdown(f, r, now);
        break;
    }
    if (ferror(f) | (fclose(f) != 0)) {
        snprintf(err, errlen, "cannot export: out of memory");
        free(data);
        return -1;
    }
    char stamp[32] = "0", base[400];
    struct tm tm;
    if (gmtime_r(&now, &tm))
        strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    snprintf(base, sizeof base, "mxray-%s-%s", r->domain, stamp);
    int rc = tui_write_new(dir, base, ext_of(fmt), data, len, path, pathlen, err, errlen);
    free(data);
    return rc;
}
