/* batch_table - rows, summary and progress line of a batch run (contract in batch_table.h). */
#include "batch_table.h"
#include "sts.h"
#include <stdbool.h>
#include <string.h>

/* SGR per verdict: pending, pass, warn, fail, none (same colours as the text report). */
static const char *const verdict_sgr[5] = {"2", "32", "33", "1;31", "2"};

void batch_stats_add(struct batch_stats *s, const struct report *r)
{
    enum verdict v = report_verdict(r);
    s->verdicts[(unsigned)v < 5 ? v : VERDICT_FAIL]++;
    s->finished++;
    bool seen[PROB_COUNT] = {false};
    for (size_t i = 0; i < r->problems.n; i++) {
        enum problem_id id = r->problems.items[i].id;
        if ((unsigned)id < PROB_COUNT && !seen[id]) {
            seen[id] = true;
            s->code_domains[id]++;
        }
    }
}

int batch_table_width(size_t longest)
{
    if (longest < 6)
        return 6;
    return longest > BATCH_DOMAIN_COL_MAX ? BATCH_DOMAIN_COL_MAX : (int)longest;
}

void batch_table_header(FILE *f, int width, bool color)
{
    fprintf(f, "%s%-*s  %-7s  %-7s  %4s  %s%s\n", color ? "\033[1m" : "", width, "DOMAIN",
            "VERDICT", "MODE", "MX", "WORST PROBLEM", color ? "\033[0m" : "");
}

static void verdict_cell(FILE *f, enum verdict v, bool color)
{
    char up[8] = "";
    const char *name = verdict_name(v);
    for (size_t i = 0; name[i] && i < sizeof up - 1; i++)
        up[i] = (char)(name[i] - ('a' <= name[i] && name[i] <= 'z' ? 32 : 0));
    if (color)
        fprintf(f, "\033[%sm%-7s\033[0m", verdict_sgr[(unsigned)v < 5 ? v : 0], up);
    else
        fprintf(f, "%-7s", up);
}

void batch_table_row(FILE *f, const struct report *r, int width, bool color)
{
    /* r->domain is an A-label (normalised before the check), so it is printable as is. */
    fprintf(f, "%-*s  ", width, r->domain);
    verdict_cell(f, report_verdict(r), color);
    enum sts_mode m = report_policy_mode(r);
    fprintf(f, "  %-7s  ", m == STS_MODE_UNKNOWN ? "-" : sts_mode_name(m));
    if (r->mx.null_mx)
        fprintf(f, "%4s  ", "null");
    else
        fprintf(f, "%4zu  ", r->mx.nhosts);
    const struct problem *p = report_worst_problem(r);
    if (!p)
        fputs("-\n", f);
    else if (r->problems.n > 1)
        fprintf(f, "%s (+%zu)\n", problem_def(p->id)->code, r->problems.n - 1);
    else
        fprintf(f, "%s\n", problem_def(p->id)->code);
}

/* top_codes - up to BATCH_TOP_CODES ids, most domains first (ties: table order). */
static size_t top_codes(const struct batch_stats *s, enum problem_id *out)
{
    size_t n = 0;
    bool used[PROB_COUNT] = {false};
    while (n < BATCH_TOP_CODES) {
        int best = -1;
        for (int id = 0; id < PROB_COUNT; id++)
            if (!used[id] && s->code_domains[id] &&
                (best < 0 || s->code_domains[id] > s->code_domains[best]))
                best = id;
        if (best < 0)
            break;
        used[best] = true;
        out[n++] = (enum problem_id)best;
    }
    return n;
}

static void rate_text(char *buf, size_t len, size_t n, int64_t ms)
{
    if (ms <= 0)
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%.1f", (double)n * 1000.0 / (double)ms);
}

void batch_summary_write(FILE *f, const struct batch_stats *s, const struct batch_summary *m,
                         bool color)
{
    char rate[32];
    rate_text(rate, sizeof rate, s->finished, m->elapsed_ms);
    fprintf(f, "\n%sSummary:%s %zu of %zu domain%s checked in %.1f s (%s domains/s)\n",
            color ? "\033[1m" : "", color ? "\033[0m" : "", s->finished, m->planned,
            m->planned == 1 ? "" : "s", (double)m->elapsed_ms / 1000.0, rate);
    static const enum verdict order[] = {VERDICT_PASS, VERDICT_WARN, VERDICT_FAIL,
                                         VERDICT_NONE};
    fputs("  ", f);
    for (size_t i = 0; i < 4; i++) {
        fputs(i ? "   " : "", f);
        verdict_cell(f, order[i], color);
        fprintf(f, "%zu", s->verdicts[order[i]]);
    }
    fputc('\n', f);
    enum problem_id top[BATCH_TOP_CODES];
    size_t nt = top_codes(s, top);
    if (nt)
        fputs("  Most frequent problems (domains affected):\n", f);
    for (size_t i = 0; i < nt; i++)
        fprintf(f, "  %6zu  %s\n", s->code_domains[top[i]], problem_def(top[i])->code);
    if (m->duplicates || m->malformed)
        fprintf(f, "  Skipped input: %zu duplicate and %zu malformed line%s (see the messages "
                   "on stderr)\n",
                m->duplicates, m->malformed, m->duplicates + m->malformed == 1 ? "" : "s");
    if (m->interrupted)
        fprintf(f, "  Interrupted: %zu stopped in flight, %zu not started (not in the table)\n",
                m->stopped, m->not_started);
}

void batch_progress_line(char *buf, size_t len, size_t done, size_t total, size_t failures,
                         int64_t elapsed_ms)
{
    char rate[32], eta[32];
    rate_text(rate, sizeof rate, done, elapsed_ms);
    if (!done || elapsed_ms <= 0) {
        snprintf(eta, sizeof eta, "--:--");
    } else {
        double left_s = (double)(total > done ? total - done : 0) * (double)elapsed_ms /
                        (double)done / 1000.0;
        long s = (long)(left_s + 0.5);
        if (s >= 3600)
            snprintf(eta, sizeof eta, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
        else
            snprintf(eta, sizeof eta, "%ld:%02ld", s / 60, s % 60);
    }
    unsigned pct = total ? (unsigned)(done * 100 / total) : 100;
    snprintf(buf, len, "%zu/%zu  %u%%  %s/s  ETA %s  fail %zu", done, total, pct, rate, eta,
             failures);
}
