/* problems_doc - Markdown rendering of the problem table (contract in problems_doc.h).
 *
 * An index table first (code, severity, RFC, RFC 8460 result type), then one section per code
 * with what it means and how to fix it. Output depends only on the table: no dates, no
 * version, so the checked-in copy stays stable. */
#include "problems_doc.h"
#include "problem.h"
#include "tlsrpt_result.h"
#include <string.h>

/* cell - text safe inside a Markdown table cell ('|' would end the cell). */
static void cell(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputs("\\|", f);
        else
            fputc(*s, f);
    }
}

static void index_table(FILE *f)
{
    fputs("| Code | Severity | RFC | A sender reports (RFC 8460) |\n", f);
    fputs("|---|---|---|---|\n", f);
    for (int i = 0; i < PROB_COUNT; i++) {
        const struct problem_def *d = problem_def((enum problem_id)i);
        fprintf(f, "| [`%s`](#", d->code);
        for (const char *p = d->code; *p; p++)
            if (*p != '.') /* GitHub anchors drop the dots */
                fputc(*p, f);
        fprintf(f, ") | %s | ", severity_name(d->severity));
        cell(f, d->rfc);
        fputs(" | ", f);
        cell(f, d->report_as ? d->report_as : "-");
        fputs(" |\n", f);
    }
}

static void section(FILE *f, const struct problem_def *d)
{
    fprintf(f, "\n## %s\n\n", d->code);
    fprintf(f, "- Severity: %s\n", severity_name(d->severity));
    fprintf(f, "- RFC: %s\n", d->rfc);
    if (d->report_as)
        fprintf(f, "- A sender reports: `%s` (RFC 8460 4.3)\n", d->report_as);
    fprintf(f, "\n**What it means.** %s\n\n**Fix.** %s\n", d->what, d->fix);
}

/* result_types - what each RFC 8460 result type in a TLS report means (mxray report). */
static void result_types(FILE *f)
{
    fputs("\n# RFC 8460 result types\n\nWhat a sender's TLS report (`mxray report`) says with "
          "each result type, what to check,\nand the problem codes whose live finding "
          "`mxray report --check` counts as the same failure.\n",
          f);
    for (int i = 0; i < TLSRPT_RES_COUNT; i++) {
        const struct tlsrpt_result_def *r = tlsrpt_result_def((enum tlsrpt_result_id)i);
        fprintf(f, "\n## %s\n\n- RFC: %s (%s)\n- Found by:", r->type, r->rfc,
                r->policy_level ? "about the policy: matched in the whole domain"
                                : "about one MX host's sessions");
        int n = 0;
        for (int j = 0; j < PROB_COUNT; j++) {
            const struct problem_def *d = problem_def((enum problem_id)j);
            if (d->report_as && strcmp(d->report_as, r->type) == 0)
                fprintf(f, "%s `%s`", n++ ? "," : "", d->code);
        }
        fprintf(f, "%s\n\n**What the sender saw.** %s\n\n**Check.** %s\n",
                n ? "" : " - (mxray cannot see this one: marked not_checked)", r->what, r->check);
    }
}

void problems_markdown_write(FILE *f)
{
    fputs("# mxray problem codes\n\n", f);
    fputs("Generated from `src/problem_table.h` by `mxray --list-problems`; do not edit by "
          "hand.\nCodes are stable: JSON output and scripts may rely on them. DOMAIN and HOST "
          "stand for the\ndomain checked and the MX host concerned; the severity is the "
          "default, which a check may\nlower (for example in testing mode).\n\n",
          f);
    index_table(f);
    for (int i = 0; i < PROB_COUNT; i++)
        section(f, problem_def((enum problem_id)i));
    result_types(f);
}
