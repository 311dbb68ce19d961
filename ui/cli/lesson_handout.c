/* lesson_handout - a lesson as Markdown (contract in lesson_handout.h).
 *
 * The case sections carry only what a student may see before answering: the neutral domain,
 * the question, the choices and neutral commands (one per stage, the same for every case).
 * Everything that gives the answer away (the right choice, the scenario's lesson text, its
 * problem codes, explanations and fixes) is in the appendix after them. The commands come
 * from a lab started for the purpose, with its ports and CA path turned into $DNS, $HTTPS,
 * $SMTP and $CA ("mxray lesson --lab NAME N" prints them with the real values). */
#include "lesson_handout.h"
#include "cmd_lesson.h"
#include "problem.h"
#include "xalloc.h"
#include <stdlib.h>
#include <string.h>

#define NOTE_LINES 4

/* subst - s with every `from` as `to` (caller frees). */
static char *subst(const char *s, const char *from, const char *to)
{
    size_t fl = strlen(from), tl = strlen(to), n = 0;
    if (!fl)
        return xstrdup(s);
    for (const char *p = s; (p = strstr(p, from)); p += fl)
        n++;
    char *out = xmalloc(strlen(s) + n * tl + 1), *o = out;
    for (const char *p = s, *q; *p; p = q + fl) {
        q = strstr(p, from);
        if (!q) {
            strcpy(o, p);
            return out;
        }
        memcpy(o, p, (size_t)(q - p));
        o += q - p;
        memcpy(o, to, tl);
        o += tl;
        *o = '\0';
    }
    return out;
}

static void replace(char **s, const char *from, const char *to)
{
    char *n = subst(*s, from, to);
    free(*s);
    *s = n;
}

char *lesson_neutral_text(const char *text, const char *scenario, const char *domain)
{
    char *own = xasprintf("%s.%s", scenario, LAB_ZONE);
    char *a = subst(text, own, domain);
    char *b = problem_text_fill(a, domain, NULL);
    free(own);
    free(a);
    return b;
}

/* placeholders - a command with this lab's values as $DNS, $HTTPS, $SMTP and $CA. */
static char *placeholders(const struct lab *lab, const char *cmd)
{
    char buf[64];
    char *s = xstrdup(cmd);
    replace(&s, lab_ca_file(lab), "$CA");
    snprintf(buf, sizeof buf, "-p %d ", lab_dns_port(lab));
    replace(&s, buf, "-p $DNS ");
    snprintf(buf, sizeof buf, "127.0.0.1:%d ", lab_https_port(lab));
    replace(&s, buf, "127.0.0.1:$HTTPS ");
    char *c = strstr(s, "-connect 127.0.0.1:");
    if (c) { /* the SMTP port differs per MX host */
        c += strlen("-connect 127.0.0.1:");
        size_t digits = strspn(c, "0123456789");
        char *n = xasprintf("%.*s$SMTP%s", (int)(c - s), s, c + digits);
        free(s);
        s = n;
    }
    return s;
}

static void case_section(FILE *out, const struct lab_lesson *l, size_t i, const struct lab *lab)
{
    const struct lab_lesson_case *c = &l->cases[i];
    fprintf(out, "## Case %zu\n\nDomain: `%s`\n\n**Question.** %s\n\n", i + 1, c->domain,
            c->question);
    for (size_t k = 0; k < c->nchoices; k++)
        fprintf(out, "%zu. %s\n", k + 1, c->choices[k]);
    fprintf(out,
            "\n**Explore.** In the class: `mxray lesson %s` (case %zu). With other tools: "
            "`mxray lesson --lab %s %zu` serves the case and prints these commands with "
            "real values for $DNS, $HTTPS, $SMTP and $CA:\n\n```sh\n",
            l->name, i + 1, l->name, i + 1);
    struct lab_cmd *cmds;
    size_t n = lab_scenario_commands(lab, i, true, &cmds);
    for (size_t k = 0; k < n; k++) {
        char *p = placeholders(lab, cmds[k].cmd);
        fprintf(out, "# %s\n%s\n", cmds[k].why, p);
        free(p);
    }
    lab_cmds_free(cmds, n);
    fprintf(out, "```\n\n%s**My answer:** ____\n\n**Notes:**\n\n",
            c->editable ? "**Fix it.** In the class, `E` opens what this domain publishes "
                          "in your editor; fix it until the check turns green.\n\n"
                        : "");
    for (int k = 0; k < NOTE_LINES; k++)
        fprintf(out, "%s", "&nbsp;\n\n");
    fprintf(out, "---\n\n");
}

/* problem_part - one expected code ("a|b": the first known) with explanation, RFC and fix. */
static void problem_part(FILE *out, const char *codes, const char *domain)
{
    char *first = xstrndup(codes, strcspn(codes, "|"));
    int id = problem_lookup(first);
    free(first);
    if (id < 0)
        return;
    const struct problem_def *d = problem_def((enum problem_id)id);
    char *what = problem_text_fill(d->what, domain, "the MX host");
    char *fix = problem_text_fill(d->fix, domain, "the MX host");
    fprintf(out, "- `%s` (%s, %s): %s Fix: %s\n", d->code, severity_name(d->severity),
            d->rfc ? d->rfc : "no RFC section", what, fix);
    free(what);
    free(fix);
}

static void answer_section(FILE *out, const struct lab_lesson_case *c, size_t i,
                           const struct lab_scenario_info *si)
{
    fprintf(out, "### Case %zu: answer %d\n\n> %s\n\n", i + 1, c->answer,
            c->choices[c->answer - 1]);
    if (!si)
        return;
    const char *labels[3] = {"What is going on", "What a sender does", "How to fix it"};
    const char *texts[3] = {si->what, si->sender, si->fix};
    for (int k = 0; k < 3; k++) {
        if (!texts[k] || !*texts[k])
            continue;
        char *t = lesson_neutral_text(texts[k], c->scenario, c->domain);
        fprintf(out, "**%s.** %s\n\n", labels[k], t);
        free(t);
    }
    if (si->ncodes) {
        fprintf(out, "**What mxray reports** (expected verdict: %s):\n\n", si->verdict);
        for (size_t k = 0; k < si->ncodes; k++)
            problem_part(out, si->codes[k], c->domain);
        fprintf(out, "\n");
    }
}

int lesson_handout(const struct lab_lesson *l, FILE *out, char *err, size_t errlen)
{
    struct lesson_lab *ll = lesson_lab_start(l, err, errlen);
    if (!ll)
        return -1;
    struct lab_scenario_info *info;
    size_t ninfo = lab_scenarios(lab_asset_dir(), &info);
    fprintf(out, "# %s\n\n", l->title);
    if (l->about)
        fprintf(out, "%s\n\n", l->about);
    fprintf(out,
            "%zu cases, in order. For each: read the question, explore the domain, write "
            "your answer and what you saw, then compare with the appendix.\n\n"
            "Start the class with `mxray lesson %s` (keys 1-%d answer, `n` the next "
            "case), or serve the cases for your own tools with `mxray lesson --lab %s`.\n\n"
            "---\n\n",
            l->ncases, l->name, LAB_LESSON_CHOICES_MAX, l->name);
    for (size_t i = 0; i < l->ncases; i++)
        case_section(out, l, i, ll->lab);
    fprintf(out, "## Appendix: answers\n\n");
    for (size_t i = 0; i < l->ncases; i++) {
        const struct lab_scenario_info *si = NULL;
        for (size_t k = 0; k < ninfo; k++)
            if (!strcmp(info[k].name, l->cases[i].scenario))
                si = &info[k];
        answer_section(out, &l->cases[i], i, si);
    }
    lab_scenarios_free(info, ninfo);
    lesson_lab_stop(ll);
    return ferror(out) ? -1 : 0;
}
