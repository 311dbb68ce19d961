/* problem - the code table and the problem list (contract in problem.h). */
#include "problem.h"
#include "xalloc.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define PROBLEM_ID(id, code, sev, rfc, report_as, what, fix) {code, sev, rfc, report_as, what, fix},
static const struct problem_def defs[PROB_COUNT] = {
#include "problem_table.h"
};
#undef PROBLEM_ID

const struct problem_def *problem_def(enum problem_id id)
{
    return (unsigned)id < PROB_COUNT ? &defs[id] : NULL;
}

int problem_lookup(const char *code)
{
    for (int i = 0; i < PROB_COUNT; i++)
        if (strcmp(defs[i].code, code) == 0)
            return i;
    return -1;
}

const char *severity_name(enum severity s)
{
    static const char *const names[] = {"info", "warning", "error"};
    return (unsigned)s < 3 ? names[s] : "?";
}

const char *step_kind_name(enum step_kind k)
{
    static const char *const names[STEP_KIND_COUNT] = {
        "sts_record", "tlsrpt", "policy", "mx", "mx_host", "smtp", "tls", "lint", "dane"};
    return (unsigned)k < STEP_KIND_COUNT ? names[k] : "?";
}

struct problem *problem_addv(struct problem_list *l, enum problem_id id, enum step_kind step,
                             const char *subject, int line, const char *fmt, va_list ap)
{
    l->items = xreallocarray(l->items, l->n + 1, sizeof *l->items);
    struct problem *p = &l->items[l->n++];
    p->id = id;
    p->severity = defs[id].severity;
    p->step = step;
    p->subject = xstrdup(subject ? subject : "");
    p->message = xvasprintf(fmt, ap);
    p->line = line;
    p->where = (struct problem_where){.step = step};
    return p;
}

void problem_set_where(struct problem *p, enum step_kind step, const char *host,
                       const char *address)
{
    free(p->where.host);
    free(p->where.address);
    p->where.step = step;
    p->where.host = host ? xstrdup(host) : NULL;
    p->where.address = address ? xstrdup(address) : NULL;
}

struct problem *problem_add(struct problem_list *l, enum problem_id id, enum step_kind step,
                            const char *subject, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct problem *p = problem_addv(l, id, step, subject, line, fmt, ap);
    va_end(ap);
    return p;
}

int problem_list_has(const struct problem_list *l, enum problem_id id)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].id == id)
            return 1;
    return 0;
}

int problem_list_worst(const struct problem_list *l)
{
    int worst = -1;
    for (size_t i = 0; i < l->n; i++)
        if ((int)l->items[i].severity > worst)
            worst = (int)l->items[i].severity;
    return worst;
}

void problem_list_clear(struct problem_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].subject);
        free(l->items[i].message);
        free(l->items[i].where.host);
        free(l->items[i].where.address);
    }
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

/* is_word_at - token stands at text+i as a whole word (no letter, digit, '_' or '-' around). */
static int is_word_at(const char *text, size_t i, const char *token, size_t n)
{
    if (strncmp(text + i, token, n) != 0)
        return 0;
    unsigned char before = i ? (unsigned char)text[i - 1] : ' ';
    unsigned char after = (unsigned char)text[i + n];
    return !(isalnum(before) || before == '_' || before == '-') &&
           !(isalnum(after) || after == '_' || after == '-');
}

char *problem_text_fill(const char *text, const char *domain, const char *host)
{
    if (!text)
        return xstrdup("");
    const char *tokens[2] = {"DOMAIN", "HOST"}, *values[2] = {domain, host};
    size_t cap = strlen(text) + 1, n = 0;
    for (int k = 0; k < 2; k++)
        cap += values[k] ? 4 * strlen(values[k]) : 0; /* few placeholders per text */
    char *out = xmalloc(cap);
    for (size_t i = 0; text[i];) {
        int k;
        for (k = 0; k < 2; k++)
            if (values[k] && is_word_at(text, i, tokens[k], strlen(tokens[k])))
                break;
        if (k == 2) {
            out[n++] = text[i++];
            continue;
        }
        size_t vl = strlen(values[k]);
        if (n + vl + (strlen(text) - i) + 1 > cap) {
            cap = n + vl + strlen(text) + 1;
            out = xrealloc(out, cap);
        }
        memcpy(out + n, values[k], vl);
        n += vl;
        i += strlen(tokens[k]);
    }
    out[n] = '\0';
    return out;
}

int problem_text_has_placeholder(const char *text)
{
    static const char *const tokens[] = {"DOMAIN", "HOST"};
    for (size_t i = 0; text && text[i]; i++) {
        for (size_t k = 0; k < 2; k++)
            if (is_word_at(text, i, tokens[k], strlen(tokens[k])))
                return 1;
        if (text[i] == '%' && text[i + 1] && strchr("sdzlu", text[i + 1]))
            return 1;
    }
    return 0;
}
