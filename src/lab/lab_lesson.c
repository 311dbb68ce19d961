/* lab_lesson - lessons: an ordered list of lab scenarios, each with a question (contract in
 * lab.h, format in assets/lessons/README.md).
 *
 * A lesson file is read whole (bounded), line by line: "key: value" pairs, a line starting with
 * spaces continues the previous value, "[case]" opens the next case, '#' starts a comment
 * line. Each case gets a neutral domain, caseN.mxray.test, under which the lab serves it. */
#include "lab_int.h"
#include "assets.h"
#include "escape.h"
#include "xalloc.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LESSON_FILE_MAX (64 * 1024)
#define LESSON_CASES_MAX 40
#define LESSON_EXT ".lesson"

struct lparser {
    struct lab_lesson *l;
    const char *name;
    int line;
    char **last; /* the value a continuation line extends */
    char *err;
    size_t errlen;
};

static int lfail(struct lparser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int lfail(struct lparser *p, const char *fmt, ...)
{
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(p->err, p->errlen, "%s%s:%d: %s", p->name, LESSON_EXT, p->line, msg);
    return -1;
}

static bool lesson_name_ok(const char *n)
{
    if (!*n || strlen(n) > 64)
        return false;
    for (const char *c = n; *c; c++)
        if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '-'))
            return false;
    return true;
}

static char *trimmed(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

static void set(char **dst, const char *v, struct lparser *p)
{
    free(*dst);
    *dst = xstrdup(v);
    p->last = dst;
}

static struct lab_lesson_case *cur(struct lparser *p)
{
    return p->l->ncases ? &p->l->cases[p->l->ncases - 1] : NULL;
}

static int kv(struct lparser *p, const char *k, const char *v)
{
    struct lab_lesson_case *c = cur(p);
    if (!c) {
        if (!strcmp(k, "title"))
            set(&p->l->title, v, p);
        else if (!strcmp(k, "about"))
            set(&p->l->about, v, p);
        else
            return lfail(p, "unknown key '%s' before the first [case]", k);
        return 0;
    }
    if (!strcmp(k, "scenario")) {
        set(&c->scenario, v, p);
    } else if (!strcmp(k, "question")) {
        set(&c->question, v, p);
    } else if (!strcmp(k, "choice")) {
        if (c->nchoices == LAB_LESSON_CHOICES_MAX)
            return lfail(p, "more than %d choices", LAB_LESSON_CHOICES_MAX);
        set(&c->choices[c->nchoices++], v, p);
    } else if (!strcmp(k, "answer")) {
        if (strlen(v) != 1 || v[0] < '1' || v[0] > '0' + LAB_LESSON_CHOICES_MAX)
            return lfail(p, "answer must be 1 to %d", LAB_LESSON_CHOICES_MAX);
        c->answer = v[0] - '0';
        p->last = NULL;
    } else if (!strcmp(k, "edit")) {
        if (strcmp(v, "yes") && strcmp(v, "no"))
            return lfail(p, "edit must be yes or no");
        c->editable = !strcmp(v, "yes");
        p->last = NULL;
    } else {
        return lfail(p, "unknown key '%s'", k);
    }
    return 0;
}

static int parse_line(struct lparser *p, char *raw)
{
    /* the texts reach terminals as written: no control byte, no invalid UTF-8 */
    size_t n = strlen(raw);
    if (!escape_is_text(raw, n - (n && raw[n - 1] == '\r')))
        return lfail(p, "a control byte, invalid UTF-8 or a bidi control (text only)");
    if ((raw[0] == ' ' || raw[0] == '\t') && *trimmed(raw)) {
        if (!p->last)
            return lfail(p, "continuation line without a value to continue");
        char *v = xasprintf("%s %s", *p->last, trimmed(raw));
        free(*p->last);
        *p->last = v;
        return 0;
    }
    char *s = trimmed(raw);
    p->last = NULL;
    if (!*s || *s == '#')
        return 0;
    if (!strcmp(s, "[case]")) {
        if (p->l->ncases == LESSON_CASES_MAX)
            return lfail(p, "more than %d cases", LESSON_CASES_MAX);
        p->l->cases = xreallocarray(p->l->cases, p->l->ncases + 1, sizeof *p->l->cases);
        memset(&p->l->cases[p->l->ncases++], 0, sizeof *p->l->cases);
        return 0;
    }
    char *colon = strchr(s, ':');
    if (!colon || s[0] == '[')
        return lfail(p, "expected 'key: value' or [case]");
    *colon = '\0';
    return kv(p, trimmed(s), trimmed(colon + 1));
}

/* finish - every case complete; the neutral domains. */
static int finish(struct lparser *p)
{
    struct lab_lesson *l = p->l;
    if (!l->title)
        return lfail(p, "no title:");
    if (!l->ncases)
        return lfail(p, "no [case]");
    for (size_t i = 0; i < l->ncases; i++) {
        struct lab_lesson_case *c = &l->cases[i];
        if (!c->scenario || !c->question || c->nchoices < 2 || !c->answer)
            return lfail(p,
                         "case %zu needs scenario:, question:, 2 to %d choice: lines and "
                         "answer:",
                         i + 1, LAB_LESSON_CHOICES_MAX);
        if ((size_t)c->answer > c->nchoices)
            return lfail(p, "case %zu: answer %d but only %zu choices", i + 1, c->answer,
                         c->nchoices);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(l->cases[j].scenario, c->scenario))
                return lfail(p, "case %zu: scenario %s is already case %zu", i + 1, c->scenario,
                             j + 1);
        c->domain = xasprintf("case%zu.%s", i + 1, LAB_ZONE);
    }
    return 0;
}

struct lab_lesson *lab_lesson_parse(const char *text, size_t len, const char *name, char *err,
                                    size_t errlen)
{
    struct lab_lesson *l = xcalloc(1, sizeof *l);
    l->name = xstrdup(name);
    struct lparser p = {l, name, 0, NULL, err, errlen};
    char *copy = xstrndup(text, len);
    int rc = 0;
    if (strlen(copy) != len) {
        p.line = 1;
        rc = lfail(&p, "NUL byte in the file");
    }
    for (char *s = copy, *nl; !rc && s && *s; s = nl ? nl + 1 : NULL) {
        nl = strchr(s, '\n');
        if (nl)
            *nl = '\0';
        p.line++;
        rc = parse_line(&p, s);
    }
    free(copy);
    if (!rc)
        rc = finish(&p);
    if (rc) {
        lab_lesson_free(l);
        return NULL;
    }
    return l;
}

struct lab_lesson *lab_lesson_load(const char *name, char *err, size_t errlen)
{
    if (!lesson_name_ok(name)) {
        snprintf(err, errlen, "bad lesson name '%.60s' (lower-case letters, digits, -)", name);
        return NULL;
    }
    char *rel = xasprintf("lessons/%s%s", name, LESSON_EXT), why[300];
    size_t len;
    char *text = asset_read(rel, LESSON_FILE_MAX, &len, why, sizeof why);
    free(rel);
    if (!text) {
        if (strstr(why, "larger than"))
            snprintf(err, errlen, "%s", why);
        else
            snprintf(err, errlen, "unknown lesson '%s' (mxray lesson --list shows them)", name);
        return NULL;
    }
    struct lab_lesson *l = lab_lesson_parse(text, len, name, err, errlen);
    free(text);
    return l;
}

void lab_lesson_free(struct lab_lesson *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->ncases; i++) {
        struct lab_lesson_case *c = &l->cases[i];
        free(c->scenario);
        free(c->question);
        for (size_t j = 0; j < c->nchoices; j++)
            free(c->choices[j]);
        free(c->domain);
    }
    free(l->cases);
    free(l->name);
    free(l->title);
    free(l->about);
    free(l);
}

size_t lab_lessons(char ***names)
{
    size_t n = asset_list("lessons", LESSON_EXT, names), k = 0;
    for (size_t i = 0; i < n; i++) { /* the names without .lesson, valid ones only */
        (*names)[i][strlen((*names)[i]) - strlen(LESSON_EXT)] = '\0';
        if (lesson_name_ok((*names)[i]))
            (*names)[k++] = (*names)[i];
        else
            free((*names)[i]);
    }
    return k;
}
