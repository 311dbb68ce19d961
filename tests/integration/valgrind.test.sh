#!/usr/bin/env bash
# valgrind.test.sh - valgrind memcheck over whole runs of mxray against the built-in lab:
#   1. `mxray check` and `mxray check --json` of all-good and expired-second-mx (two MX each)
#   2. `mxray check` interrupted by SIGINT while an SMTP probe waits on a silent server
#      (tests/hostile/hostile_smtp.py), so the stop-and-free path runs with work in flight
#   3. a short TUI session in tmux (the walk-through ends, q quits)
# Each run: --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99;
# asserted: no error, nothing definitely or indirectly lost, the usual exit status.
# Usage: bash valgrind.test.sh /path/to/mxray   Prints "N passed, N failed"; exit 0, 1, 77.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HOSTILE="$(cd "$HERE/../hostile" && pwd)"
MXRAY="${1:-}"
passed=0
failed=0
ok() { echo "PASS $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }
skip() { echo "SKIP valgrind: $*"; exit 77; }
fail_setup() { echo "FAIL valgrind: $*"; exit 1; }

[ -n "$MXRAY" ] && [ -x "$MXRAY" ] || fail_setup "usage: $0 /path/to/mxray"
command -v valgrind >/dev/null || skip "valgrind not installed (scripts/deps.sh test)"
command -v tmux >/dev/null || skip "tmux not installed (scripts/deps.sh test)"
"$MXRAY" lab --help >/dev/null 2>&1 || fail_setup "mxray lab --help fails"
# valgrind cannot run a sanitizer build (the ASan build of the suite skips this test)
if ldd "$MXRAY" 2>/dev/null | grep -q 'lib[al]san\|libubsan' ||
    grep -qa '__asan_init\|__ubsan_handle' "$MXRAY"; then
    skip "$MXRAY is a sanitizer build"
fi
PY=/usr/bin/python3
[ -x "$PY" ] || PY="$(command -v python3)" || skip "python3 is not installed (scripts/deps.sh test)"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/valgrind-test.XXXXXX")"
SOCK="$TMP/tmux.sock"
PIDS=()
cleanup() {
    tmux -S "$SOCK" kill-server >/dev/null 2>&1
    # TERM: a background job of a script ignores SIGINT unless it installs a handler
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
VG=(valgrind --leak-check=full "--errors-for-leak-kinds=definite,indirect" --error-exitcode=99
    --track-fds=no --num-callers=30)

"$MXRAY" lab --env all-good expired-second-mx >"$TMP/env" 2>"$TMP/lab.err" &
PIDS+=($!)
for _ in $(seq 1 300); do
    grep -q '^MXRAY_LAB_READY=1' "$TMP/env" && break
    sleep 0.1
done
grep -q '^MXRAY_LAB_READY=1' "$TMP/env" ||
    { bad "lab did not start: $(head -c 300 "$TMP/lab.err")"; echo "$passed passed, $failed failed"; exit 1; }
value() { sed -n "s/^$1=//p" "$TMP/env" | head -1; }
RESOLVER=$(value MXRAY_LAB_RESOLVER)
CA=$(value MXRAY_LAB_CA)

# lab_args SCENARIO [SKIP_HOST] - the check options for one lab domain, into ARGS (the
# lab's mapping of SKIP_HOST left out: the first --connect-to of a host wins).
lab_args() {
    ARGS=(--timeout 20 --resolver "$RESOLVER" --ca-file "$CA")
    local m
    while read -r m; do
        [ -n "${2:-}" ] && [[ "$m" == "$2":* ]] && continue
        ARGS+=(--connect-to "$m")
    done < <(sed -n "s/^MXRAY_LAB_CONNECT_TO=\(.*\.$1\.mxray\.test:.*\)/\1/p" "$TMP/env")
}

# judge_log NAME LOG RC WANT_RC - valgrind's verdict on one run.
judge_log() {
    local name=$1 log=$2 rc=$3 want=$4 why=""
    [ "$rc" = 99 ] && why="valgrind reported errors;"
    [ "$rc" = "$want" ] || [ "$rc" = 99 ] || why="$why exit $rc, want $want;"
    grep -q 'ERROR SUMMARY: 0 errors' "$log" || why="$why $(grep 'ERROR SUMMARY' "$log" | tail -1);"
    if ! grep -q 'All heap blocks were freed' "$log"; then
        grep -q 'definitely lost: 0 bytes' "$log" || why="$why $(grep 'definitely lost' "$log" | tail -1);"
        grep -q 'indirectly lost: 0 bytes' "$log" || why="$why $(grep 'indirectly lost' "$log" | tail -1);"
    fi
    local heap
    heap=$(grep -o 'total heap usage: .*' "$log" | tail -1)
    [ -z "$why" ] && ok "$name: clean ($heap)" ||
        bad "$name:$why see: $(grep -A12 -m1 'Invalid\|uninitialised\|definitely lost in' "$log" | head -14 | tr '\n' '|')"
}

# 1. full checks of two-MX lab domains
for scn in all-good:0 expired-second-mx:2; do
    name=${scn%:*}
    lab_args "$name"
    for fmt in text json; do
        extra=()
        [ "$fmt" = json ] && extra=(--json)
        rc=0
        timeout 300 "${VG[@]}" --log-file="$TMP/$name.$fmt.vg" "$MXRAY" check "${extra[@]}" \
            "${ARGS[@]}" "$name.mxray.test" >"$TMP/$name.$fmt.out" 2>&1 || rc=$?
        judge_log "check $fmt $name" "$TMP/$name.$fmt.vg" "$rc" "${scn#*:}"
    done
done

# 2. SIGINT with an SMTP probe in flight (mx1 points at a silent server)
"$PY" "$HOSTILE/hostile_smtp.py" "$TMP" "$TMP/smtp.ports" "$TMP/smtp.log" 300 silent &
PIDS+=($!)
for _ in $(seq 1 50); do [ -s "$TMP/smtp.ports" ] && break; sleep 0.1; done
SILENT=$(awk '$1 == "silent" { print $2 }' "$TMP/smtp.ports")
lab_args all-good mx1.all-good.mxray.test
ARGS+=(--connect-to "mx1.all-good.mxray.test:25:127.0.0.1:$SILENT")
"${VG[@]}" --log-file="$TMP/int.vg" "$MXRAY" check "${ARGS[@]}" all-good.mxray.test \
    >"$TMP/int.out" 2>&1 &
vpid=$!
for _ in $(seq 1 600); do # until the silent server has its connection (valgrind starts slowly)
    grep -q '^silent connect' "$TMP/smtp.log" 2>/dev/null && break
    sleep 0.1
done
sleep 0.5
kill -INT "$vpid" 2>/dev/null
rc=0
wait "$vpid" || rc=$?
judge_log "check interrupted by SIGINT" "$TMP/int.vg" "$rc" 130
grep -q 'interrupted' "$TMP/int.out" && ok "interrupted report printed" ||
    bad "no interrupted report: $(head -c 300 "$TMP/int.out")"

# 3. a TUI session in tmux under valgrind
{
    lab_args all-good
    printf '%q ' "${VG[@]}" "--log-file=$TMP/tui.vg" "$MXRAY" "${ARGS[@]}" all-good.mxray.test >"$TMP/tui.cmd"
    tmux -S "$SOCK" new-session -d -s v -x 100 -y 30 \
        "env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 $(cat "$TMP/tui.cmd"); echo VG-EXITED \$?; sleep 60"
    for _ in $(seq 1 600); do
        tmux -S "$SOCK" capture-pane -p -t v >"$TMP/tui.screen"
        grep -q 'done in .*verdict' "$TMP/tui.screen" && break
        sleep 0.1
    done
    tmux -S "$SOCK" send-keys -t v Down Down Enter
    sleep 1
    # q leaves a drilled-in view first, then quits: press it until the TUI is gone.
    for _ in 1 2 3; do
        tmux -S "$SOCK" send-keys -t v q
        for _ in $(seq 1 100); do
            tmux -S "$SOCK" capture-pane -p -t v >"$TMP/tui.screen"
            grep -q 'VG-EXITED' "$TMP/tui.screen" && break 2
            sleep 0.1
        done
    done
    rc=$(sed -n 's/.*VG-EXITED \([0-9]*\).*/\1/p' "$TMP/tui.screen" | head -1)
    judge_log "tui session (walk-through, q)" "$TMP/tui.vg" "${rc:-none}" 0
}

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
