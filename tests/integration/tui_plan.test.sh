#!/bin/bash
# tui_plan.test.sh - the migration plan in the TUI, driven in tmux against the built-in lab
# (mxray demo migrate-to-exo): P opens a prompt, a typed IP address is refused with a reason,
# the tenant host gives the steps as a list with the times from the lab's TTLs, Down opens the
# next step (the MX change), w writes the policy of step 1 as published (CRLF, and it passes
# mxray lint policy), the plan is saved for `mxray plan --verify`, Esc returns.
# Usage: bash tui_plan.test.sh /path/to/mxray   (exit 77 = skipped: no tmux)
set -u
BIN=${1:?usage: tui_plan.test.sh /path/to/mxray}
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
skip() { echo "SKIP: $*"; exit 77; }
command -v tmux >/dev/null 2>&1 || skip "tmux is not installed"

WORK=$(mktemp -d)
SOCK="$WORK/tmux.sock"
S=plan
T() { tmux -u -S "$SOCK" "$@"; }
cleanup() { T kill-server >/dev/null 2>&1; [ -n "${KEEP:-}" ] || rm -rf "$WORK"; }
trap cleanup EXIT
mkdir -p "$WORK/out" "$WORK/state"
TENANT=migrate-to-exo-mxray-test.mail.protection.mxray.test

fail() {
    echo "FAIL: $*"
    echo "---- screen ----"
    cat "$WORK/screen" 2>/dev/null
    exit 1
}
screen() { T capture-pane -p -t "$S" >"$WORK/screen" 2>"$WORK/screen.err"; }
wait_for() {
    local pat=$1 secs=${2:-15} i
    for ((i = 0; i < secs * 20; i++)); do
        screen
        grep -Eq -- "$pat" "$WORK/screen" && return 0
        sleep 0.05
    done
    fail "timed out after ${secs}s waiting for /$pat/"
}
keys() { T send-keys -t "$S" "$@"; }

started=0
for _ in 1 2 3 4 5; do
    T kill-server >/dev/null 2>&1
    if T new-session -d -s "$S" -x 100 -y 34 \
        "cd '$WORK/out' && env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color XDG_STATE_HOME='$WORK/state' '$BIN' demo migrate-to-exo; echo MXRAY-EXITED \$?; sleep 60" &&
        T has-session -t "$S" 2>/dev/null; then
        started=1
        break
    fi
    sleep 0.2
done
[ "$started" = 1 ] || fail "tmux would not start a session"

wait_for "done in .*verdict" 30
echo "PASS the check of migrate-to-exo ends"
keys P
wait_for " Plan: .*|the new MX hosts, space-separated"
keys "192.0.2.1" Enter
wait_for "192.0.2.1 is an address"
echo "PASS an IP address is refused with a reason"
keys C-u
keys "$TENANT" Enter
wait_for "plan of migrate-to-exo.mxray.test: 5 steps; saved" 20
grep -q "> 1. Publish the policy file" "$WORK/screen" || fail "step 1 not selected"
grep -q "mx: \*.mail.protection.mxray.test" "$WORK/screen" || fail "no wildcard pattern"
grep -Eq "3. Change the MX records .*\(in 15 min\)" "$WORK/screen" || fail "MX change not at +15 min"
grep -Eq "4. Publish the policy file .*\(in 45 min\)" "$WORK/screen" || fail "final policy not at +45 min"
echo "PASS the steps as a list, times from the TTLs (900 s, then 1800 s)"
keys j j
wait_for "> 3. Change the MX records"
wait_for "MX 30 $TENANT"
echo "PASS Down opens the MX change"
keys k k w
wait_for "wrote the policy of step 1 to"
f="$WORK/out/mta-sts.migrate-to-exo.mxray.test.step1.txt"
[ -s "$f" ] || fail "no policy file written"
grep -q $'^mode: enforce\r$' "$f" || fail "policy file not CRLF as published"
"$BIN" lint policy "$f" >/dev/null || fail "the written policy does not pass mxray lint policy"
echo "PASS w writes the policy of step 1, CRLF, lint-clean"
keys w
wait_for "could not write: .*File exists"
echo "PASS w never overwrites"
[ -s "$WORK/state/mxray/plans/migrate-to-exo.mxray.test.plan" ] || fail "plan not saved"
echo "PASS the plan is saved for --verify"
keys Escape
wait_for "Walk-through"
echo "PASS Esc returns to the walk-through"
keys q
wait_for "MXRAY-EXITED 0"
echo "PASS q quits with status 0"
