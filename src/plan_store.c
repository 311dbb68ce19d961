/* plan_store - keep the last plan of each domain, so `--step N --verify` checks the steps
 * that were printed (their ids and times), not a new plan made from a changed live state.
 *
 * One file per domain, DIR/plans/DOMAIN.plan, written to a temporary file and renamed
 * (atomic). Line format, every line "KEY VALUE":
 *   mxray-plan 1 | domain D | now EPOCH | target-mx HOST | target-mode M | via-testing 0|1 |
 *   remove 0|1 | then per step: step ACTION EPOCH, why TEXT, id ID, sts TEXT, policy LINE
 *   (one per policy line, CRLF added back), mx PREF HOST | end
 * A file is untrusted when read: bounded, every value checked, anything else rejected. */
#include "plan_store.h"
#include "domain.h"
#include "escape.h"
#include "xalloc.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STORE_FILE_MAX (256 * 1024)
#define STORE_LINE_MAX 4096

char *plan_store_dir(const char *state_dir)
{
    if (state_dir && *state_dir)
        return xstrdup(state_dir);
    const char *x = getenv("XDG_STATE_HOME");
    if (x && *x == '/')
        return xasprintf("%s/mxray", x);
    const char *home = getenv("HOME");
    if (home && *home == '/')
        return xasprintf("%s/.local/state/mxray", home);
    return NULL;
}

/* mkdirs - mkdir -p with mode 0700. */
static int mkdirs(const char *path)
{
    char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0700) < 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        *s = '/';
    }
    int rc = mkdir(p, 0700) < 0 && errno != EEXIST ? -1 : 0;
    free(p);
    return rc;
}

static bool safe_name(const char *domain)
{
    return domain[0] && domain[0] != '.' && !strchr(domain, '/') && strlen(domain) <= 253;
}

char *plan_store_path(const char *dir, const char *domain)
{
    if (!safe_name(domain))
        return NULL;
    return xasprintf("%s/plans/%s.plan", dir, domain);
}

/* one_line - text without CR or LF (a value is one line). */
static void put(FILE *f, const char *key, const char *v)
{
    fprintf(f, "%s ", key);
    for (; v && *v; v++)
        fputc(*v == '\r' || *v == '\n' ? ' ' : *v, f);
    fputc('\n', f);
}

int plan_store_save(const char *dir, const struct plan *p, char *err, size_t errlen)
{
    char *plans = xasprintf("%s/plans", dir);
    char *path = plan_store_path(dir, p->domain);
    char *tmp = path ? xasprintf("%s.tmp.%ld", path, (long)getpid()) : NULL;
    int rc = -1;
    FILE *f = NULL;
    if (!path) {
        snprintf(err, errlen, "no file name for this domain");
    } else if (mkdirs(plans) < 0) {
        snprintf(err, errlen, "cannot create %s: %s", plans, strerror(errno));
    } else if (!(f = fopen(tmp, "w"))) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
    } else {
        fprintf(f, "mxray-plan 1\n");
        put(f, "domain", p->domain);
        fprintf(f, "now %lld\n", (long long)p->now);
        for (size_t i = 0; i < p->target.nmx; i++)
            put(f, "target-mx", p->target.mx[i]);
        put(f, "target-mode",
            p->target.mode == STS_MODE_UNKNOWN ? "keep" : sts_mode_name(p->target.mode));
        fprintf(f, "via-testing %d\nremove %d\n", p->target.via_testing, p->target.remove);
        for (size_t i = 0; i < p->nsteps; i++) {
            const struct plan_step *s = &p->steps[i];
            fprintf(f, "step %s %lld\n", plan_action_name(s->action), (long long)s->not_before);
            put(f, "why", s->why);
            if (s->id)
                put(f, "id", s->id);
            if (s->sts_record)
                put(f, "sts", s->sts_record);
            for (const char *l = s->policy; l && *l;) {
                size_t n = strcspn(l, "\r\n");
                fprintf(f, "policy %.*s\n", (int)n, l);
                l += n;
                l += *l == '\r';
                l += *l == '\n';
            }
            for (size_t j = 0; j < s->nmx; j++)
                fprintf(f, "mx %d %s\n", s->mx[j].preference, s->mx[j].host);
        }
        fprintf(f, "end\n");
        if (fflush(f) != 0 || fsync(fileno(f)) != 0 || ferror(f)) {
            snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
            fclose(f);
            unlink(tmp);
        } else if (fclose(f) != 0 || rename(tmp, path) < 0) {
            snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
            unlink(tmp);
        } else {
            rc = 0;
        }
    }
    free(plans);
    free(path);
    free(tmp);
    return rc;
}

static int bad(char *err, size_t errlen, int line, const char *what)
{
    snprintf(err, errlen, "line %d: %s", line, what);
    return -1;
}

static bool valid_host(const char *h)
{
    char buf[300], e[64];
    return domain_normalize(h, buf, sizeof buf, e, sizeof e) == 0 && strcmp(buf, h) == 0;
}

static bool parse_ll(const char *s, long long *v)
{
    char *end;
    errno = 0;
    *v = strtoll(s, &end, 10);
    return !errno && end != s && !*end;
}

/* parse_line - one KEY VALUE line into p. */
static int parse_line(struct plan *p, char *line, int n, bool *ended, char *err, size_t errlen)
{
    char *v = strchr(line, ' ');
    if (strcmp(line, "end") == 0) {
        *ended = true;
        return 0;
    }
    if (!v)
        return bad(err, errlen, n, "no value");
    *v++ = '\0';
    struct plan_step *s = p->nsteps ? &p->steps[p->nsteps - 1] : NULL;
    long long ll;
    if (!strcmp(line, "domain")) {
        if (p->domain || !valid_host(v))
            return bad(err, errlen, n, "bad domain");
        p->domain = xstrdup(v);
    } else if (!strcmp(line, "now")) {
        if (!parse_ll(v, &ll) || ll < 0)
            return bad(err, errlen, n, "bad time");
        p->now = (time_t)ll;
    } else if (!strcmp(line, "target-mx")) {
        if (p->target.nmx >= PLAN_TARGETS_MAX || !valid_host(v))
            return bad(err, errlen, n, "bad target host");
        p->target_mx[p->target.nmx] = xstrdup(v);
        p->target.mx[p->target.nmx] = p->target_mx[p->target.nmx];
        p->target.nmx++;
    } else if (!strcmp(line, "target-mode")) {
        p->target.mode = !strcmp(v, "enforce")   ? STS_MODE_ENFORCE
                         : !strcmp(v, "testing") ? STS_MODE_TESTING
                         : !strcmp(v, "keep")    ? STS_MODE_UNKNOWN
                                                 : (enum sts_mode) - 1;
        if ((int)p->target.mode < 0)
            return bad(err, errlen, n, "bad mode");
    } else if (!strcmp(line, "via-testing") || !strcmp(line, "remove")) {
        if (strcmp(v, "0") && strcmp(v, "1"))
            return bad(err, errlen, n, "bad flag");
        *(line[0] == 'v' ? &p->target.via_testing : &p->target.remove) = v[0] == '1';
    } else if (!strcmp(line, "step")) {
        char *t = strchr(v, ' ');
        int a;
        if (!t || p->nsteps >= PLAN_STEPS_MAX)
            return bad(err, errlen, n, "bad step");
        *t++ = '\0';
        if ((a = plan_action_parse(v)) < 0 || !parse_ll(t, &ll) || ll < 0)
            return bad(err, errlen, n, "bad step");
        s = &p->steps[p->nsteps++];
        memset(s, 0, sizeof *s);
        s->n = (int)p->nsteps;
        s->action = (enum plan_action)a;
        s->not_before = (time_t)ll;
    } else if (!s) {
        return bad(err, errlen, n, "unknown key");
    } else if (!strcmp(line, "why")) {
        free(s->why);
        s->why = escape_str(v);
    } else if (!strcmp(line, "id")) {
        size_t len = strlen(v);
        if (len < 1 || len > 32 ||
            strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVW"
                      "XYZ0123456789") != len)
            return bad(err, errlen, n, "bad id");
        free(s->id);
        s->id = xstrdup(v);
    } else if (!strcmp(line, "sts")) {
        free(s->sts_record);
        s->sts_record = escape_str(v);
    } else if (!strcmp(line, "policy")) {
        size_t old = s->policy ? strlen(s->policy) : 0, len = strlen(v);
        if (old + len + 3 > 65536)
            return bad(err, errlen, n, "policy too long");
        char *e = escape_str(v);
        s->policy = xrealloc(s->policy, old + strlen(e) + 3);
        snprintf(s->policy + old, strlen(e) + 3, "%s\r\n", e);
        free(e);
    } else if (!strcmp(line, "mx")) {
        char *h = strchr(v, ' ');
        if (!h || s->nmx >= PLAN_TARGETS_MAX)
            return bad(err, errlen, n, "bad mx");
        *h++ = '\0';
        if (!parse_ll(v, &ll) || ll < 0 || ll > 65535 || !valid_host(h))
            return bad(err, errlen, n, "bad mx");
        s->mx = xreallocarray(s->mx, s->nmx + 1, sizeof *s->mx);
        s->mx[s->nmx].host = xstrdup(h);
        s->mx[s->nmx++].preference = (int)ll;
    } else {
        return bad(err, errlen, n, "unknown key");
    }
    return 0;
}

int plan_store_load(const char *dir, const char *domain, struct plan *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    char *path = plan_store_path(dir, domain);
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f) {
        snprintf(err, errlen, "no saved plan for %s (%s)", domain,
                 path ? strerror(errno) : "bad name");
        free(path);
        return -1;
    }
    char line[STORE_LINE_MAX + 2];
    int n = 0, rc = 0;
    size_t total = 0;
    bool ended = false, header = false;
    while (rc == 0 && !ended && fgets(line, sizeof line, f)) {
        n++;
        size_t len = strlen(line);
        total += len;
        if (total > STORE_FILE_MAX || (len && line[len - 1] != '\n'))
            rc = bad(err, errlen, n, "line or file too long");
        else if (line[--len] = '\0', !header)
            header = true,
            rc = strcmp(line, "mxray-plan 1") ? bad(err, errlen, n, "not a plan") : 0;
        else
            rc = parse_line(p, line, n, &ended, err, errlen);
    }
    fclose(f);
    if (rc == 0 && (!ended || !p->domain || strcmp(p->domain, domain) != 0))
        rc = bad(err, errlen, n, "incomplete or for another domain");
    if (rc < 0) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s", err);
        char *safe = escape_str(path);
        snprintf(err, errlen, "%s: %s (make the plan again)", safe, msg);
        free(safe);
        plan_free(p);
    }
    free(path);
    return rc;
}
