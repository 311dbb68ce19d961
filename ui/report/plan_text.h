/* plan_text - a migration plan for people: the live values the times come from, the findings
 * (fix-first ones marked), then each step with what to do, the exact text to publish and the
 * earliest time; and the result of verifying one step. Lines fit 80 columns; every string is
 * escaped before it is printed. */
#ifndef MXRAY_PLAN_TEXT_H
#define MXRAY_PLAN_TEXT_H
#include <stdbool.h>
#include <stdio.h>
#include "plan.h"

/* plan_text_write - the plan; again (may be NULL) is the command that repeats it, used in the
 * hint for --step N --verify. */
void plan_text_write(FILE *f, const struct plan *p, const char *again, bool color);
void plan_verify_text_write(FILE *f, const struct plan *p, size_t n, const struct plan_check *c,
                            time_t now, bool color);

#endif
