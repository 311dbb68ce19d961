/* lesson_edit - fix-it: the published data of a lab domain in $EDITOR (contract in
 * lesson_edit.h).
 *
 * The data goes into a temporary file in four sections, [_mta-sts TXT], [_smtp._tls TXT], [MX]
 * and [policy], one record or policy line per line ('#' lines are comments). After the editor
 * exits the file is read back (bounded), parsed, and checked with the parsers `mxray lint`
 * uses: any error refuses the edit, and each problem comes back as one line with the file's
 * line number ("LINE: error: CODE: message"). A valid edit is handed to the lab, which serves
 * it from the next query on. The editor runs with the terminal (the TUI has given it back);
 * the lab's loop waits meanwhile, which only delays its clients. */
#include "lesson_edit.h"
#include "escape.h"
#include "problem.h"
#include "sts.h"
#include "xalloc.h"
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define EDIT_FILE_MAX (64 * 1024)
#define EDIT_MSGS_MAX 40 /* problem lines reported back */

enum section { SEC_NONE, SEC_STS, SEC_TLSRPT, SEC_MX, SEC_POLICY };
static const char *const headers[] = {NULL, "[_mta-sts TXT]", "[_smtp._tls TXT]", "[MX]",
                                      "[policy]"};

static void render(FILE *f, const char *domain, const struct lab_published *p)
{
    fprintf(f,
            "# Fix it: what %s publishes. Save and quit: the lab serves it and the check\n"
            "# runs again. Lines starting with # are ignored.\n"
            "# One TXT record per line; MX lines are PREFERENCE HOST; [policy] is the file at\n"
            "# https://mta-sts.%s/.well-known/mta-sts.txt.\n\n%s\n",
            domain, domain, headers[SEC_STS]);
    for (size_t i = 0; i < p->nsts; i++)
        fprintf(f, "%s\n", p->sts[i]);
    fprintf(f, "\n%s\n", headers[SEC_TLSRPT]);
    for (size_t i = 0; i < p->ntlsrpt; i++)
        fprintf(f, "%s\n", p->tlsrpt[i]);
    fprintf(f, "\n%s\n", headers[SEC_MX]);
    for (size_t i = 0; i < p->nmx; i++)
        fprintf(f, "%d %s\n", p->mx[i].pref, p->mx[i].host);
    if (!p->has_policy)
        return;
    fprintf(f, "\n%s\n", headers[SEC_POLICY]);
    for (size_t i = 0; i < p->policy_len; i++)
        if (p->policy[i] != '\r')
            fputc(p->policy[i], f);
}

struct msgs {
    char *buf;
    size_t len, n;
};

static void msg(struct msgs *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void msg(struct msgs *m, const char *fmt, ...)
{
    if (m->n++ >= EDIT_MSGS_MAX) {
        if (m->n == EDIT_MSGS_MAX + 1) {
            const char more[] = "(more problems not shown)\n";
            m->buf = xrealloc(m->buf, m->len + sizeof more);
            memcpy(m->buf + m->len, more, sizeof more);
            m->len += sizeof more - 1;
        }
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    m->buf = xrealloc(m->buf, m->len + strlen(s) + 2);
    m->len += (size_t)sprintf(m->buf + m->len, "%s\n", s);
    free(s);
}

/* report - the problems found in the text on file line `line` (policy: its first line). */
static void report(struct msgs *m, const struct problem_list *pl, int line, bool policy)
{
    for (size_t i = 0; i < pl->n; i++) {
        const struct problem *p = &pl->items[i];
        const struct problem_def *d = problem_def(p->id);
        const char *text = p->message;
        char prefix[32];
        int pn = snprintf(prefix, sizeof prefix, "line %d: ", p->line);
        if (p->line > 0 && !strncmp(text, prefix, (size_t)pn))
            text += pn;
        int at = policy && p->line > 0 ? line + p->line - 1 : line;
        msg(m, "line %d: %s: %s: %s", at, severity_name(p->severity), d ? d->code : "?", text);
    }
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* parse - the edited file into p; problems (syntax and lint) into m. */
static void parse(char *text, struct lab_published *p, struct msgs *m)
{
    enum section sec = SEC_NONE;
    int lineno = 0, policy_line = 0;
    size_t cap = strlen(text) * 2 + 2; /* every LF may become CRLF */
    p->policy = xmalloc(cap);
    p->policy_len = 0;
    for (char *s = text, *nl; s && *s; s = nl ? nl + 1 : NULL) {
        nl = strchr(s, '\n');
        if (nl)
            *nl = '\0';
        lineno++;
        char *t = trim(s);
        if (*t == '#')
            continue;
        enum section h = SEC_NONE;
        for (int k = SEC_STS; k <= SEC_POLICY; k++)
            if (!strcmp(t, headers[k]))
                h = (enum section)k;
        if (h) {
            sec = h;
            if (h == SEC_POLICY) {
                p->has_policy = true;
                policy_line = lineno + 1;
            }
            continue;
        }
        if (sec == SEC_POLICY) { /* as written, CRLF as the lab serves policies */
            size_t l = strlen(s);
            if (l && s[l - 1] == '\r')
                s[--l] = '\0';
            memcpy(p->policy + p->policy_len, s, l);
            p->policy_len += l;
            memcpy(p->policy + p->policy_len, "\r\n", 2);
            p->policy_len += 2;
            continue;
        }
        if (!*t)
            continue;
        if (*t == '[' || sec == SEC_NONE) {
            char *safe = escape_str(t);
            msg(m, "line %d: unknown section or text outside a section: %.80s", lineno, safe);
            free(safe);
        } else if (sec == SEC_MX) {
            char host[300];
            int pref;
            if (sscanf(t, "%d %299s", &pref, host) != 2) {
                msg(m, "line %d: an MX line is PREFERENCE HOST, e.g. 10 mx1.example", lineno);
                continue;
            }
            size_t hl = strlen(host);
            if (hl > 1 && host[hl - 1] == '.')
                host[hl - 1] = '\0';
            for (char *c = host; *c; c++)
                *c = (char)tolower((unsigned char)*c);
            p->mx = xreallocarray(p->mx, p->nmx + 1, sizeof *p->mx);
            p->mx[p->nmx++] = (struct lab_mx_rec){pref, xstrdup(host)};
        } else {
            bool sts = sec == SEC_STS;
            struct problem_list pl = {0};
            const unsigned char *u = (const unsigned char *)t;
            if (sts && sts_record_is_candidate(u, strlen(t))) {
                struct sts_record r = {0};
                sts_record_parse(u, strlen(t), &r, &pl, STEP_LINT, "_mta-sts");
                sts_record_free(&r);
            } else if (!sts && tlsrpt_record_is_candidate(u, strlen(t))) {
                struct tlsrpt_record r = {0};
                tlsrpt_record_parse(u, strlen(t), &r, &pl, STEP_LINT, "_smtp._tls");
                tlsrpt_record_free(&r);
            }
            if (problem_list_worst(&pl) == SEV_ERROR)
                report(m, &pl, lineno, false);
            problem_list_clear(&pl);
            xptr_push((void ***)(sts ? &p->sts : &p->tlsrpt), sts ? &p->nsts : &p->ntlsrpt,
                      xstrdup(t));
        }
    }
    while (p->policy_len >= 4 && !memcmp(p->policy + p->policy_len - 4, "\r\n\r\n", 4))
        p->policy_len -= 2; /* blank lines at the end are the editor's, not the policy's */
    p->policy[p->policy_len] = '\0';
    if (p->has_policy) {
        struct sts_policy pol = {0};
        struct problem_list pl = {0};
        if (sts_policy_parse((const unsigned char *)p->policy, p->policy_len, &pol, &pl, STEP_LINT,
                             "policy") != 0 ||
            problem_list_worst(&pl) == SEV_ERROR)
            report(m, &pl, policy_line, true);
        sts_policy_free(&pol);
        problem_list_clear(&pl);
    }
}

/* run_editor - $VISUAL, $EDITOR or vi on path, through the shell (EDITOR may hold flags; the
 * path reaches it through the environment, so no quoting of it can go wrong). */
static int run_editor(const char *path)
{
    const char *ed = getenv("VISUAL");
    if (!ed || !*ed)
        ed = getenv("EDITOR");
    if (!ed || !*ed)
        ed = "vi";
    if (setenv("MXRAY_EDIT_FILE", path, 1))
        return -1;
    char *cmd = xasprintf("%s \"$MXRAY_EDIT_FILE\"", ed);
    int status = system(cmd);
    free(cmd);
    unsetenv("MXRAY_EDIT_FILE");
    return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static char *read_back(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = xmalloc(EDIT_FILE_MAX + 1);
    *len = fread(buf, 1, EDIT_FILE_MAX + 1, f);
    fclose(f);
    if (*len > EDIT_FILE_MAX) {
        free(buf);
        return NULL;
    }
    buf[*len] = '\0';
    return buf;
}

int lesson_edit(void *arg, const char *domain, char **msgs)
{
    struct lesson_editor *ed = arg;
    struct msgs m = {0};
    *msgs = NULL;
    long i = lab_scenario_find(ed->lab, domain);
    struct lab_published cur;
    if (i < 0 || lab_published_get(ed->lab, (size_t)i, &cur)) {
        *msgs = xasprintf("%s is not a domain of the built-in lab\n", domain);
        return -1;
    }
    const char *tmp = getenv("TMPDIR");
    char *path = xasprintf("%s/mxray-fixit-XXXXXX.txt", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemps(path, 4);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    int rc = -1;
    char *before = NULL, *after = NULL;
    size_t blen = 0, alen = 0;
    if (!f) {
        msg(&m, "cannot write a temporary file: %s", strerror(errno));
        goto out;
    }
    render(f, domain, &cur);
    fclose(f);
    before = read_back(path, &blen);
    if (run_editor(path)) {
        msg(&m, "the editor failed (set EDITOR); nothing was changed");
        goto out;
    }
    after = read_back(path, &alen);
    if (!after || strlen(after) != alen) {
        msg(&m, "the edited file is unreadable, larger than %d bytes or holds NUL bytes",
            EDIT_FILE_MAX);
        goto out;
    }
    if (before && !strcmp(before, after)) {
        rc = 0;
        goto out;
    }
    struct lab_published p = {0};
    parse(after, &p, &m);
    char err[300];
    if (!m.n && lab_published_set(ed->lab, (size_t)i, &p, err, sizeof err))
        msg(&m, "%s", err);
    rc = m.n ? -1 : 1;
    lab_published_free(&p);
out:
    *msgs = m.buf;
    unlink(path);
    free(path);
    free(before);
    free(after);
    lab_published_free(&cur);
    return rc;
}
