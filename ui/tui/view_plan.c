/* view_plan - the plan view's state, lines and files (contract in view_plan.h). */
#include "view_plan.h"
#include "domain.h"
#include "escape.h"
#include "present.h"
#include "xalloc.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int view_plan_parse(const char *text, struct plan_target *t, char **hosts, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    char *copy = xstrdup(text), *save = NULL;
    int rc = 0;
    for (char *w = strtok_r(copy, " \t,", &save); w && !rc; w = strtok_r(NULL, " \t,", &save)) {
        unsigned char a[16];
        char buf[300], e[160];
        if (!strcmp(w, "remove")) {
            t->remove = true;
        } else if (!strcmp(w, "testing") || !strcmp(w, "enforce")) {
            t->mode = w[0] == 't' ? STS_MODE_TESTING : STS_MODE_ENFORCE;
        } else if (!strcmp(w, "via-testing")) {
            t->via_testing = true;
        } else if (inet_pton(AF_INET, w, a) == 1 || inet_pton(AF_INET6, w, a) == 1) {
            snprintf(err, errlen, "%.60s is an address: an MX names a host", w);
            rc = -1;
        } else if (domain_normalize(w, buf, sizeof buf, e, sizeof e) < 0 || !strchr(buf, '.')) {
            snprintf(err, errlen, "%.60s: not a host name", w);
            rc = -1;
        } else if (t->nmx == PLAN_TARGETS_MAX) {
            snprintf(err, errlen, "at most %d hosts", PLAN_TARGETS_MAX);
            rc = -1;
        } else {
            hosts[t->nmx] = xstrdup(buf);
            t->mx[t->nmx] = hosts[t->nmx];
            t->nmx++;
        }
    }
    free(copy);
    if (!rc && t->remove && (t->nmx || t->mode || t->via_testing)) {
        snprintf(err, errlen, "remove takes nothing else");
        rc = -1;
    } else if (!rc && !t->remove && !t->nmx) {
        snprintf(err, errlen, "type the new MX hosts (or: remove)");
        rc = -1;
    }
    if (rc) {
        for (size_t i = 0; i < t->nmx; i++)
            free(hosts[i]), hosts[i] = NULL;
        t->nmx = 0;
    }
    return rc;
}

void view_plan_reset(struct view_plan *v)
{
    if (v->diag)
        diag_free(v->diag);
    if (v->ready)
        plan_free(&v->plan);
    for (size_t i = 0; i < PLAN_TARGETS_MAX; i++)
        free(v->hosts[i]);
    memset(v, 0, sizeof *v);
}

static void step_detail(const struct plan *p, const struct plan_step *s, struct tui_lines *out)
{
    tui_lines_add(out, TR_NORMAL, 4, "why: %s", s->why ? s->why : "");
    if (s->policy) {
        tui_lines_add(out, TR_DIM, 4, "policy (w writes it to a file, CRLF as published):");
        for (const char *l = s->policy; *l;) {
            size_t n = strcspn(l, "\r\n");
            char *line = escape_bytes(l, n);
            tui_lines_add(out, TR_BOLD, 6, "%s", line);
            free(line);
            l += n;
            l += *l == '\r';
            l += *l == '\n';
        }
    }
    if (s->sts_record)
        tui_lines_add(out, TR_BOLD, 4, "_mta-sts.%s TXT \"%s\"", p->domain, s->sts_record);
    for (size_t i = 0; i < s->nmx; i++)
        tui_lines_add(out, TR_BOLD, 4, "%s MX %d %s", p->domain, s->mx[i].preference,
                      s->mx[i].host);
}

void view_plan_lines(const struct view_plan *v, time_t now, struct tui_lines *out, int *sel_line)
{
    *sel_line = 0;
    if (!v->ready) {
        tui_lines_add(out, TR_RUNNING, 0, "checking %s with the target hosts ...",
                      v->typed[0] ? v->typed : "the domain");
        return;
    }
    const struct plan *p = &v->plan;
    char b[64];
    tui_lines_add(out, TR_DIM, 0,
                  "times from: TXT TTL %lld s, MX TTL %lld s, longest max_age %lld s (%s)",
                  p->txt_ttl, p->mx_ttl, p->max_age_seen, p->resolver ? p->resolver : "");
    for (size_t i = 0; i < p->nnotes; i++) {
        const struct plan_note *n = &p->notes[i];
        tui_lines_add(out,
                      n->blocks || n->severity == SEV_ERROR ? TR_FAIL
                      : n->severity == SEV_WARNING          ? TR_WARN
                                                            : TR_DIM,
                      0, "%s %s (%s)", n->blocks ? "FIX FIRST:" : "", n->message, n->code);
    }
    if (!p->nsteps)
        tui_lines_add(out, TR_OK, 0, "nothing to do");
    tui_lines_addn(out, TR_NORMAL, 0, "");
    for (size_t i = 0; i < p->nsteps; i++) {
        const struct plan_step *s = &p->steps[i];
        bool sel = i == v->sel;
        if (sel)
            *sel_line = (int)out->n;
        tui_lines_add(out, sel ? TR_SELECTED : TR_NORMAL, 0, "%s %d. %s  %s", sel ? ">" : " ", s->n,
                      present_plan_action(s->action),
                      present_when(s->not_before, now, b, sizeof b));
        if (sel)
            step_detail(p, s, out);
    }
    if (p->blocked)
        tui_lines_add(out, TR_FAIL, 0, "BLOCKED: fix what is marked first, then plan again");
    tui_lines_addn(out, TR_DIM, 0, "");
    tui_lines_add(out, TR_DIM, 0,
                  "saved: mxray plan %s ... --step N --verify checks a step once it is done",
                  p->domain);
}

int view_plan_write(const struct view_plan *v, const char *dir, char *path, size_t pathlen,
                    char *err, size_t errlen)
{
    if (!v->ready || v->sel >= v->plan.nsteps || !v->plan.steps[v->sel].policy) {
        snprintf(err, errlen, "this step publishes no policy text");
        return -1;
    }
    const struct plan_step *s = &v->plan.steps[v->sel];
    snprintf(path, pathlen, "%s/mta-sts.%s.step%d.txt", dir ? dir : ".", v->plan.domain, s->n);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    size_t len = strlen(s->policy);
    ssize_t w = write(fd, s->policy, len);
    int saved = errno;
    if (close(fd) != 0 || w != (ssize_t)len) {
        snprintf(err, errlen, "%s: %s", path, strerror(w < 0 ? saved : EIO));
        return -1;
    }
    return 0;
}
