/* view_plan - the migration plan in the TUI (`P` on a checked domain): the typed target, the
 * check that probes the target hosts, the plan as a list of steps (the selected one opened),
 * and `w` writing the selected step's policy text to a file.
 *
 * Contract: the engine plans (src/plan.c); this file only parses what was typed, holds the
 * state, turns the plan into lines (pure, no curses, testable) and writes files. */
#ifndef MXRAY_VIEW_PLAN_H
#define MXRAY_VIEW_PLAN_H
#include <stdbool.h>
#include <stddef.h>
#include "diag.h"
#include "plan.h"
#include "tui_text.h"

struct view_plan {
    struct diag *diag; /* the check with the target hosts probed, or NULL */
    struct plan plan;  /* valid when ready */
    bool ready;
    size_t sel; /* selected step */
    struct plan_target target;
    char *hosts[PLAN_TARGETS_MAX];
    char typed[256]; /* what was typed, for the title */
};

/* view_plan_parse - "HOST [HOST...] [testing|enforce] [via-testing]" or "remove" into t
 * (hosts normalized into hosts[], which t->mx points at). Returns 0, or -1 with a reason. */
int view_plan_parse(const char *text, struct plan_target *t, char **hosts, char *err,
                    size_t errlen);
/* view_plan_reset - free the check, the plan and the hosts. */
void view_plan_reset(struct view_plan *v);
/* view_plan_lines - the plan as lines; *sel_line receives the line of the selected step. */
void view_plan_lines(const struct view_plan *v, time_t now, struct tui_lines *out, int *sel_line);
/* view_plan_write - the selected step's policy text, bytes as published (CRLF), to
 * dir/mta-sts.DOMAIN.stepN.txt (never over an existing file). 0, or -1 with err. */
int view_plan_write(const struct view_plan *v, const char *dir, char *path, size_t pathlen,
                    char *err, size_t errlen);

#endif
