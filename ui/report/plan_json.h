/* plan_json - a migration plan as one JSON object ("mxray.plan.v1"), and the result of
 * verifying one step ("mxray.plan.verify.v1").
 *
 * Binding contract (issue 14; fields may be added, never renamed):
 *   { "schema": "mxray.plan.v1", "domain", "now": RFC 3339,
 *     "steps": [ { "n", "action", "not_before": RFC 3339, "why", "policy": text|null,
 *                  "sts_record": text|null, "mx": [ {"host", "preference"} ]|null } ] }
 * Added: "target", "blocked", "notes" (findings; blocks = fix it first), "live" (the TTLs and
 * max_age the times come from), and per step "id". */
#ifndef MXRAY_PLAN_JSON_H
#define MXRAY_PLAN_JSON_H
#include <stdio.h>
#include "plan.h"

#define PLAN_JSON_SCHEMA "mxray.plan.v1"
#define PLAN_VERIFY_JSON_SCHEMA "mxray.plan.verify.v1"

void plan_json_write(FILE *f, const struct plan *p);
void plan_verify_json_write(FILE *f, const struct plan *p, size_t n, const struct plan_check *c);

#endif
