#!/usr/bin/env bash
# report_tui.test.sh - the report view in a terminal (tmux), offline over the built-in lab:
# `mxray demo --reports` reads assets/reports, checks each domain against the lab and opens
# the view; Tab + Enter on the first failure opens the walk-through with the reported MX host
# (mx2 of expired-second-mx) selected; q returns to the view, q again exits. Also: the same
# command without a terminal prints the text with the marks.
# Usage: bash tests/integration/report_tui.test.sh /path/to/mxray
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export MXRAY_ASSETS="${MXRAY_ASSETS:-$ROOT/assets}"
MXRAY="${1:-}"
passed=0
failed=0
ok() { echo "PASS $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }
skip() { echo "SKIP report_tui: $*"; exit 77; }

[ -n "$MXRAY" ] && [ -x "$MXRAY" ] || skip "usage: $0 /path/to/mxray"

# without a terminal: text, with the lab's marks
out="$(timeout 60 "$MXRAY" demo --reports </dev/null 2>&1)"
grep -A1 "MX mx2.expired-second-mx.mxray.test" <<<"$out" | grep -q "(reproduced)" &&
    ok "text: mx2's expired certificate reproduced" || bad "text: $out"
grep -A1 "MX mx1.expired-second-mx.mxray.test" <<<"$out" | grep -q "not reproduced" &&
    ok "text: healthy mx1 not reproduced" || bad "text: mx1"
grep -A1 "MX backup.mx-not-covered.mxray.test" <<<"$out" | grep -q "(reproduced)" &&
    ok "text: uncovered backup MX reproduced" || bad "text: backup"

command -v tmux >/dev/null || skip "tmux missing (scripts/deps.sh test installs it)"
S="mxray-report-tui-$$"
T="$(mktemp -d "${TMPDIR:-/tmp}/report-tui.XXXXXX")"
cleanup() { tmux kill-session -t "$S" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
tmux new-session -d -s "$S" -x 160 -y 40 \
    "env MXRAY_ASSETS='$MXRAY_ASSETS' LANG=C.UTF-8 '$MXRAY' demo --reports; echo EXIT=\$? > '$T/exit'; sleep 30"
screen() { tmux capture-pane -t "$S" -p; }
wait_for() { # TEXT SECONDS
    for _ in $(seq 1 $(($2 * 10))); do
        screen | grep -qF -- "$1" && return 0
        sleep 0.1
    done
    return 1
}
wait_for "mxray report  expired-second-mx.mxray.test" 20 && ok "view opens on the first domain" ||
    bad "view: $(screen | head -5)"
screen | grep -q "still failing now (reproduced)" && ok "view shows the mark" || bad "view: no mark"
screen | grep -qE "^ 2026-11-03 +439 +21" && ok "view: days x result types" || bad "view: days: $(screen | sed -n 4,8p)"
tmux send-keys -t "$S" Tab Enter
wait_for "MX host mx2.expired-second-mx.mxray.test" 20 &&
    ok "Enter: walk-through with mx2 selected" || bad "walk-through: $(screen | head -8)"
tmux send-keys -t "$S" q
wait_for "mxray report  expired-second-mx.mxray.test" 10 && ok "q: back to the view" ||
    bad "after q: $(screen | head -3)"
tmux send-keys -t "$S" q
for _ in $(seq 1 50); do [ -s "$T/exit" ] && break; sleep 0.1; done
[ "$(cat "$T/exit" 2>/dev/null)" = "EXIT=0" ] && ok "q: exits 0" || bad "exit: $(cat "$T/exit" 2>/dev/null)"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
