/* plan_store - the last plan of each domain on disk, for `mxray plan ... --step N --verify`
 * (format and rules in plan_store.c). */
#ifndef MXRAY_PLAN_STORE_H
#define MXRAY_PLAN_STORE_H
#include <stddef.h>
#include "plan.h"

/* plan_store_dir - state_dir when given, else $XDG_STATE_HOME/mxray, else
 * $HOME/.local/state/mxray; NULL when none is known. Caller frees. */
char *plan_store_dir(const char *state_dir);
/* plan_store_path - DIR/plans/DOMAIN.plan, NULL for a name that could leave DIR. */
char *plan_store_path(const char *dir, const char *domain);
/* plan_store_save - atomically (temporary file + rename). 0, or -1 with err. */
int plan_store_save(const char *dir, const struct plan *p, char *err, size_t errlen);
/* plan_store_load - the saved plan of domain. 0, or -1 with err (missing, corrupt, foreign:
 * never trusted). */
int plan_store_load(const char *dir, const char *domain, struct plan *p, char *err, size_t errlen);

#endif
