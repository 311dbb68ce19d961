/* present - the wording every face shares: the text report, the Markdown report, the TUI and
 * the prose fields of --json. Pure functions of the report model; no curses, no I/O.
 *
 * The engine judges (report.h: sts_outcome, dane.action, the step and sub-step states, each
 * problem's final severity and structured subject); this module only turns those judgments
 * into words. A face never builds a sender's-eye sentence, fills a placeholder or writes a
 * plural itself: it asks here, so every face says the same thing in the same words.
 *
 * Ownership: functions returning char * return a new string the caller frees; functions
 * taking (buf, n) write a NUL-terminated string there and return buf. Every string coming out
 * is built from already-escaped report strings and the problem table; nothing here escapes. */
#ifndef MXRAY_PRESENT_H
#define MXRAY_PRESENT_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "report.h"
#include "plan.h"

/* ---- numbers, plurals, dates ---- */

/* present_plural - one when n == 1 (or -1), else many: present_plural(n, "day", "days"). */
const char *present_plural(long n, const char *one, const char *many);
/* present_count - "1 day", "3 days", "0 days". */
char *present_count(char *buf, size_t n, long count, const char *one, const char *many);
/* present_days_rel - a day count relative to now: "today", "in 1 day", "in 12 days",
 * "1 day ago", "3 days ago". */
char *present_days_rel(char *buf, size_t n, long days);
/* present_ms - "850ms", "1.2s", "12s"; "unknown" for a negative (never measured) time. */
char *present_ms(int64_t ms, char *buf, size_t n);
/* present_date - "2026-01-01 12:00:00Z" (UTC); "unknown" for 0. */
char *present_date(time_t t, char *buf, size_t n);

/* ---- problems ---- */

/* present_fill - text with its placeholder words filled from the report and the problem's
 * structured subject: DOMAIN the checked domain, HOST the MX host (p->where.host; without one
 * the report's only MX host, else the words "the MX host"). Never leaves a placeholder; p may
 * be NULL (HOST then falls back the same way). */
char *present_fill(const char *text, const struct report *r, const struct problem *p);
/* present_problem_what / present_problem_fix - the table's explanation and fix for p, filled.
 * The fix is adapted to the report where the table's generic fix would be wrong (a domain with
 * a null MX cannot receive TLS reports at its own address). */
char *present_problem_what(const struct report *r, const struct problem *p);
char *present_problem_fix(const struct report *r, const struct problem *p);
/* present_problem_ref - "RFC 8461 4.1; senders report validation-failure" or "RFC 8461 4.1". */
char *present_problem_ref(const struct problem *p, char *buf, size_t n);
/* present_problem_where - "mx1.example.com [192.0.2.1]", "mx1.example.com (DANE)", the URL or
 * name the problem was found at: for "at ..." lines. */
char *present_problem_where(const struct problem *p, char *buf, size_t n);

/* ---- the sender's eye ---- */

/* A sentence and the mark it earns; the mark is the engine's (never derived here). */
struct present_sentence {
    enum step_state mark;
    char text[320];
};

/* present_sts_sender - what an MTA-STS sender does with address a (a->sts_outcome, judged
 * under a->sts_mode), mark a->sts_state; "not known until the probe ends" while pending,
 * "not judged" when the probe never finished (interrupted: mark n/a). */
void present_sts_sender(const struct mx_addr *a, struct present_sentence *out);
/* present_dane_sender - what a DANE-capable sender does with a (a->dane.action), mark
 * a->dane_state; done tells "not judged yet" from "never judged" (text n/a then). */
void present_dane_sender(const struct mx_addr *a, bool done, struct present_sentence *out);
/* present_host_sender - what an MTA-STS sender does with MX host h (h->sts_outcome). */
void present_host_sender(const struct mx_host *h, struct present_sentence *out);

/* ---- since the previous check, and monitoring ---- */

/* present_history - up to 3 sentences about r->history (none when no state is kept):
 * "Since the previous check (DATE): 2 changes (see problems)" or "... nothing changed", or
 * "First check of this domain recorded"; then the replaced file's note and the state error.
 * Returns how many were written to out. */
size_t present_history(const struct report *r, struct present_sentence out[3]);

struct mon_result;
/* present_monitor_summary - the text of a monitoring line after "DOMAIN: " (monitor.h
 * decided the state and what decided it); it may hold '|' from a message, which the writer
 * replaces. Caller frees. */
char *present_monitor_summary(const struct report *r, const struct mon_result *m);

/* present_verdict_line - "PASS - MTA-STS is deployed and every check passed (exit 0)", ... */
const char *present_verdict_line(enum verdict v);

/* ---- migration plans ---- */

/* present_plan_action - what a step asks, "Publish the policy file", ... (static). */
const char *present_plan_action(enum plan_action a);
/* present_when - "2026-12-05T10:00:00Z (in 15 min)", "(now)" when due: a step's time. */
char *present_when(time_t t, time_t now, char *buf, size_t n);

#endif
