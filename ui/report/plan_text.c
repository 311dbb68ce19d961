/* plan_text - the human plan and verify output (contract in plan_text.h). */
#include "plan_text.h"
#include "escape.h"
#include "present.h"
#include "xalloc.h"
#include <stdlib.h>
#include <string.h>

#define WIDTH 80

static const char *sgr(bool color, const char *code)
{
    return color ? code : "";
}

/* wrap - escaped text from column col, continuation lines indented by hang. */
static void wrap(FILE *f, const char *text, int col, int hang)
{
    char *s = escape_str(text ? text : "");
    const char *p = s;
    bool first = true;
    while (*p) {
        while (*p == ' ')
            p++;
        size_t w = strcspn(p, " ");
        if (!w)
            break;
        if (!first && col + 1 + (int)w > WIDTH) {
            fprintf(f, "\n%*s", hang, "");
            col = hang;
        } else if (!first) {
            fputc(' ', f);
            col++;
        }
        fprintf(f, "%.*s", (int)w, p);
        col += (int)w;
        p += w;
        first = false;
    }
    fputc('\n', f);
    free(s);
}

static void iso(time_t t, char *buf, size_t len)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void step_text(FILE *f, const struct plan *p, const struct plan_step *s, bool color)
{
    char when[96];
    fprintf(f, "%sStep %d  %s%s  [%s]\n", sgr(color, "\033[1m"), s->n,
            present_plan_action(s->action), sgr(color, "\033[0m"), plan_action_name(s->action));
    fprintf(f, "  not before: %s\n", present_when(s->not_before, p->now, when, sizeof when));
    fputs("  why: ", f);
    wrap(f, s->why, 7, 7);
    if (s->policy) {
        char *dom = escape_str(p->domain);
        fprintf(f,
                "  serve at https://mta-sts.%s/.well-known/mta-sts.txt\n"
                "  (Content-Type text/plain, lines ending in CRLF):\n",
                dom);
        free(dom);
        for (const char *l = s->policy; *l;) {
            size_t n = strcspn(l, "\r\n");
            char *line = escape_bytes(l, n);
            fprintf(f, "    | %s\n", line);
            free(line);
            l += n;
            l += *l == '\r';
            l += *l == '\n';
        }
    }
    if (s->sts_record) {
        char *dom = escape_str(p->domain), *rec = escape_str(s->sts_record);
        fprintf(f, "  publish:    _mta-sts.%s. TXT \"%s\"\n", dom, rec);
        free(dom);
        free(rec);
    }
    if (s->action == PLAN_CHANGE_MX) {
        char *dom = escape_str(p->domain);
        fprintf(f, "  MX set:\n");
        for (size_t i = 0; i < s->nmx; i++) {
            char *h = escape_str(s->mx[i].host);
            fprintf(f, "    %s. MX %d %s.\n", dom, s->mx[i].preference, h);
            free(h);
        }
        fprintf(f, "    (and no other MX record)\n");
        free(dom);
    }
    fputc('\n', f);
}

static void note_text(FILE *f, const struct plan_note *n, bool color)
{
    const char *mark = n->blocks                    ? "[FIX FIRST]"
                       : n->severity == SEV_ERROR   ? "[FAIL]"
                       : n->severity == SEV_WARNING ? "[WARN]"
                                                    : "[INFO]";
    const char *c = n->blocks || n->severity == SEV_ERROR ? "\033[1;31m"
                    : n->severity == SEV_WARNING          ? "\033[33m"
                                                          : "\033[36m";
    fprintf(f, "%s%s%s ", sgr(color, c), mark, sgr(color, "\033[0m"));
    char *code = escape_str(n->code);
    char *line = xasprintf("%s (%s)", n->message, code);
    wrap(f, line, (int)strlen(mark) + 1, 2);
    free(line);
    free(code);
}

void plan_text_write(FILE *f, const struct plan *p, const char *again, bool color)
{
    char now[32];
    iso(p->now, now, sizeof now);
    char *dom = escape_str(p->domain);
    fprintf(f, "%smxray plan %s%s   made %s\n", sgr(color, "\033[1m"), dom, sgr(color, "\033[0m"),
            now);
    if (p->target.remove) {
        fprintf(f, "target: remove MTA-STS (RFC 8461 8.3)\n");
    } else {
        fputs("target: ", f);
        char *t = xstrdup("MX");
        for (size_t i = 0; i < p->target.nmx; i++) {
            char *n = xasprintf("%s %s", t, p->target.mx[i]);
            free(t);
            t = n;
        }
        char *n = xasprintf("%s; mode %s%s", t,
                            p->target.mode == STS_MODE_UNKNOWN ? "as live (testing if none)"
                                                               : sts_mode_name(p->target.mode),
                            p->target.via_testing ? ", via testing" : "");
        wrap(f, n, 8, 8);
        free(t);
        free(n);
    }
    char txt[32], mx[32], age[48];
    snprintf(txt, sizeof txt, p->txt_ttl >= 0 ? "%lld s" : "unknown", p->txt_ttl);
    snprintf(mx, sizeof mx, p->mx_ttl >= 0 ? "%lld s" : "unknown", p->mx_ttl);
    snprintf(age, sizeof age, p->max_age_seen >= 0 ? "%lld s" : "none (no policy)",
             p->max_age_seen);
    fputs("live:   ", f);
    char *live = xasprintf("_mta-sts TXT TTL %s, MX TTL %s, longest max_age seen %s, as "
                           "answered by %s (a caching resolver answers the time left: ask the "
                           "authoritative server with --resolver for the zone's TTLs)",
                           txt, mx, age, p->resolver ? p->resolver : "the system resolver");
    wrap(f, live, 8, 8);
    free(live);
    fputc('\n', f);
    for (size_t i = 0; i < p->nnotes; i++)
        note_text(f, &p->notes[i], color);
    if (p->nnotes)
        fputc('\n', f);
    for (size_t i = 0; i < p->nsteps; i++)
        step_text(f, p, &p->steps[i], color);
    if (p->blocked)
        fprintf(f, "%sBLOCKED%s: fix what is marked [FIX FIRST], then make the plan again.\n",
                sgr(color, "\033[1;31m"), sgr(color, "\033[0m"));
    if (p->nsteps && again) {
        fputs("Check each step once it is done (exit 0 when it is live as planned):\n  ", f);
        char *a = escape_str(again);
        fprintf(f, "%s --step N --verify\n", a);
        free(a);
    }
    free(dom);
}

void plan_verify_text_write(FILE *f, const struct plan *p, size_t n, const struct plan_check *c,
                            time_t now, bool color)
{
    const struct plan_step *s = &p->steps[n - 1];
    char *dom = escape_str(p->domain);
    fprintf(f, "mxray plan %s: step %zu of %zu (%s)\n", dom, n, p->nsteps,
            plan_action_name(s->action));
    free(dom);
    for (size_t i = 0; i < c->nok; i++) {
        fprintf(f, "%s[ OK ]%s ", sgr(color, "\033[32m"), sgr(color, "\033[0m"));
        wrap(f, c->ok[i], 7, 9);
    }
    for (size_t i = 0; i < c->nbad; i++) {
        fprintf(f, "%s[FAIL]%s ", sgr(color, "\033[1;31m"), sgr(color, "\033[0m"));
        wrap(f, c->bad[i], 7, 9);
    }
    if (c->live) {
        fprintf(f, "step %zu is live as planned.", n);
        if (n < p->nsteps) {
            char when[96];
            fprintf(f, " Step %zu not before %s.", n + 1,
                    present_when(p->steps[n].not_before, now, when, sizeof when));
        }
        fputc('\n', f);
    } else {
        fprintf(f, "step %zu is NOT live as planned (%zu reason%s above).\n", n, c->nbad,
                c->nbad == 1 ? "" : "s");
    }
}
