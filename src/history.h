/* history - what changed since the previous check of a domain: the judgment (engine only).
 *
 * At the end of a check (diag.c, when diag_opts.state_dir is set) history_update takes the
 * domain's lock, reads the previous state, compares it with the finished report, adds the
 * changes as problems (sts.policy.changed_without_id, sts.policy.changed, mx.changed,
 * tls.cert.changed, dane.rollover_missing), fills report.history and saves the new state.
 * A rejected previous file is reported (history.note) and replaced; a state that cannot be
 * read or saved is reported (history.error) and the check's result is otherwise unchanged.
 * An interrupted check is neither compared nor saved (it would record a half picture). */
#ifndef MXRAY_HISTORY_H
#define MXRAY_HISTORY_H
#include "report.h"
#include "state.h"

/* history_is_change - the problem is one of the changes since the previous check. */
bool history_is_change(enum problem_id id);

/* history_compare - add the changes between old and the finished report r as problems and
 * set r->history.compared/previous. */
void history_compare(struct report *r, const struct domain_state *old);

/* history_snapshot - the state to save after r: what r saw, with what r could not see
 * (a failed fetch, an unreachable address) carried over from old (may be NULL), and old's
 * timeline extended by this check. */
void history_snapshot(const struct report *r, const struct domain_state *old,
                      struct domain_state *out);

/* history_update - lock, read, compare, save (see above); waits for the lock by sleeping, at
 * most STATE_LOCK_WAIT_MS (for callers without a loop; a check uses the two below). */
void history_update(struct report *r, const char *dir);
/* history_update_locked - read, compare, save, holding lock (state_lock_try); releases it. */
void history_update_locked(struct report *r, const char *dir, int lock);
/* history_not_kept - nothing compared or saved, for the reason why (escaped here). */
void history_not_kept(struct report *r, const char *why);

#endif
