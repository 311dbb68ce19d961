/* tlsrpt_text - the human summary of TLS reports (tlsrpt_text.h). */
#include "tlsrpt_text.h"
#include "present.h"
#include "report.h"
#include <string.h>
#include <time.h>

const char *tlsrpt_text_now(enum tlsrpt_now n)
{
    switch (n) {
    case NOW_REPRODUCED:
        return "still failing now (reproduced)";
    case NOW_NOT_REPRODUCED:
        return "not seen now (not reproduced)";
    default:
        return "not checked";
    }
}

static void day(time_t t, char *buf, size_t len)
{
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%d", &tm))
        snprintf(buf, len, "?");
}

static double pct(long long part, long long whole)
{
    return whole > 0 ? 100.0 * (double)part / (double)whole : 0.0;
}

static void sessions(FILE *f, const char *indent, const char *label, long long ok, long long bad)
{
    long long all = ok + bad;
    fprintf(f, "%s%s%lld ok (%.1f%%), %lld failed (%.1f%%)\n", indent, label, ok, pct(ok, all), bad,
            pct(bad, all));
}

static void write_groups(FILE *f, const struct tlsrpt_domain *d, bool checked)
{
    if (d->ngroups == 0)
        return;
    fprintf(f, "  Failures (by result type and receiving MX):\n");
    for (size_t i = 0; i < d->ngroups; i++) {
        const struct tlsrpt_group *g = &d->groups[i];
        fprintf(f, "    %-26s %8lld  %s policy, MX %s", g->result_type, g->count, g->policy_type,
                g->receiving_mx ? g->receiving_mx : "(not named)");
        for (size_t j = 0; j < g->nips; j++)
            fprintf(f, "%s%s", j ? ", " : " (", g->ips[j]);
        fprintf(f, "%s\n", g->nips ? ")" : "");
        if (checked)
            fprintf(f, "      -> %s\n", tlsrpt_text_now(g->now));
    }
    if (d->other_failures)
        fprintf(f, "    %-26s %8lld  (groups beyond the limit)\n", "other", d->other_failures);
}

/* The trend's unit follows the period, so a year is a dozen lines, not 365: days up to a
 * month, weeks (from Monday) up to half a year, months beyond. */
enum trend_unit { BY_DAY, BY_WEEK, BY_MONTH };

static enum trend_unit trend_unit(const struct tlsrpt_domain *d)
{
    time_t span = d->ndays ? d->days[d->ndays - 1].day - d->days[0].day : 0;
    return span <= 31 * 86400 ? BY_DAY : span <= 183 * 86400 ? BY_WEEK : BY_MONTH;
}

/* bucket - 00:00 UTC of the first day of the unit t falls in. */
static time_t bucket(time_t t, enum trend_unit u)
{
    struct tm tm;
    t -= t % 86400;
    if (u == BY_DAY || !gmtime_r(&t, &tm))
        return t;
    return t - (time_t)(u == BY_WEEK ? (tm.tm_wday + 6) % 7 : tm.tm_mday - 1) * 86400;
}

static void write_trend(FILE *f, const struct tlsrpt_domain *d)
{
    if (d->ndays < 2)
        return;
    enum trend_unit u = trend_unit(d);
    fprintf(f, "  By %s:\n", u == BY_DAY ? "day" : u == BY_WEEK ? "week (from Monday)" : "month");
    for (size_t i = 0; i < d->ndays;) {
        time_t b = bucket(d->days[i].day, u);
        long long ok = 0, bad = 0;
        for (; i < d->ndays && bucket(d->days[i].day, u) == b; i++) {
            ok += d->days[i].successful;
            bad += d->days[i].failed;
        }
        char label[16];
        struct tm tm;
        if (!gmtime_r(&b, &tm) ||
            !strftime(label, sizeof label, u == BY_MONTH ? "%Y-%m" : "%Y-%m-%d", &tm))
            snprintf(label, sizeof label, "?");
        fprintf(f, "    %-10s  %10lld ok  %8lld failed (%.1f%%)\n", label, ok, bad,
                pct(bad, ok + bad));
    }
}

/* write_list - ", "-separated names after a label, wrapped under it at 100 columns. */
static void write_list(FILE *f, const char *label, char *const *names, size_t n)
{
    size_t col = (size_t)fprintf(f, "%s", label), indent = col;
    for (size_t i = 0; i < n; i++) {
        size_t w = strlen(names[i]) + (i + 1 < n ? 1 : 0);
        if (i && col + 1 + w > 100) {
            fprintf(f, "\n%*s", (int)indent, "");
            col = indent;
        } else if (i) {
            fputc(' ', f);
            col++;
        }
        col += (size_t)fprintf(f, "%s%s", names[i], i + 1 < n ? "," : "");
    }
    fputc('\n', f);
}

static void write_domain(FILE *f, const struct tlsrpt_domain *d, bool checked)
{
    char from[16], to[16];
    day(d->from, from, sizeof from);
    day(d->to, to, sizeof to);
    fprintf(f, "%s\n  Period: %s to %s\n", d->domain, from, to);
    write_list(f, "  Reporters: ", d->reporters, d->nreporters);
    sessions(f, "  ", "Sessions: ", d->successful, d->failed);
    if (d->ntypes > 1) {
        for (size_t i = 0; i < d->ntypes; i++) {
            char label[80];
            snprintf(label, sizeof label, "%.40s policy: ", d->types[i].type);
            sessions(f, "    ", label, d->types[i].successful, d->types[i].failed);
        }
    }
    write_groups(f, d, checked);
    if (checked && !d->check)
        fprintf(f, "  Live check: not run (the policy domain is not a valid name)\n");
    else if (checked)
        fprintf(f, "  Live check: %s (mxray check %s for the details)\n",
                verdict_name(report_verdict(d->check)), d->domain);
    write_trend(f, d);
    fputc('\n', f);
}

void tlsrpt_text_write(FILE *f, const struct tlsrpt_summary *s, bool checked)
{
    for (size_t i = 0; i < s->ndomains; i++)
        write_domain(f, &s->domains[i], checked);
    if (s->nerrors) {
        fprintf(f, "Could not read:\n");
        for (size_t i = 0; i < s->nerrors; i++)
            fprintf(f, "  %s: %s\n", s->errors[i].source, s->errors[i].message);
        if (s->errors_dropped)
            fprintf(f, "  ... and %zu more\n", s->errors_dropped);
        fputc('\n', f);
    }
    char n[64];
    fputs(present_count(n, sizeof n, (long)s->reports, "report", "reports"), f);
    fputs(" read", f);
    if (s->duplicates)
        fprintf(f, ", %s counted once",
                present_count(n, sizeof n, (long)s->duplicates, "duplicate", "duplicates"));
    if (s->skipped)
        fprintf(f, ", %s without a TLS report skipped",
                present_count(n, sizeof n, (long)s->skipped, "message", "messages"));
    if (s->nerrors)
        fprintf(f, ", %s",
                present_count(n, sizeof n, (long)(s->nerrors + s->errors_dropped), "error",
                              "errors"));
    fprintf(f, ".\n");
}
