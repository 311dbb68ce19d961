#!/usr/bin/env bash
# interrupt.test.sh - mxray under interruption, with an SMTP probe stuck on a silent server
# (tests/hostile/hostile_smtp.py "silent"; DNS, policy and the other MX from the built-in lab):
#   1. SIGINT during `mxray check` (text, then --json): what is known so far is printed
#      (the finished steps, the stuck address "interrupted"), exit 130, within 1 s of the signal
#   2. SIGTERM, SIGHUP and SIGQUIT during `mxray check`: the same (HUP and QUIT are handled
#      like TERM: before issue 12 HUP killed check with no report and QUIT dumped core)
#   2b. a failure found before the interrupt: exit 2, and --json's "exit_code" says 2 too
#      (one order: a failure found beats the interrupt)
#   3. the TUI in tmux: C-c gives the terminal back (main screen, the shell runs on, stty state
#      identical to before) with exit 130; C-\ (SIGQUIT) the same with exit 131
#   4. `mxray demo` in tmux, C-c and C-\: its in-process lab leaves no mxray-* file in TMPDIR
# Every run uses a private TMPDIR that must be empty afterwards.
# Usage: bash interrupt.test.sh /path/to/mxray   Prints "N passed, N failed"; exit 0, 1, 77.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HOSTILE="$(cd "$HERE/../hostile" && pwd)"
MXRAY="${1:-}"
passed=0
failed=0
ok() { echo "PASS $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }
skip() { echo "SKIP interrupt: $*"; exit 77; }
fail_setup() { echo "FAIL interrupt: $*"; exit 1; }

[ -n "$MXRAY" ] && [ -x "$MXRAY" ] || fail_setup "usage: $0 /path/to/mxray"
"$MXRAY" lab --help >/dev/null 2>&1 || fail_setup "mxray lab --help fails"
command -v tmux >/dev/null || skip "tmux is not installed (scripts/deps.sh test)"
PY=/usr/bin/python3
[ -x "$PY" ] || PY="$(command -v python3)" || skip "python3 is not installed (scripts/deps.sh test)"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/interrupt-test.XXXXXX")"
PIDS=()
cleanup() {
    for s in "$TMP"/*.sock; do [ -S "$s" ] && tmux -S "$s" kill-server >/dev/null 2>&1; done
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
mkdir "$TMP/priv" # the TMPDIR of every mxray run below

"$MXRAY" lab --env all-good >"$TMP/env" 2>"$TMP/lab.err" &
PIDS+=($!)
"$PY" "$HOSTILE/hostile_smtp.py" "$TMP" "$TMP/smtp.ports" "$TMP/smtp.log" 300 silent &
PIDS+=($!)
for _ in $(seq 1 300); do
    grep -q '^MXRAY_LAB_READY=1' "$TMP/env" && [ -s "$TMP/smtp.ports" ] && break
    sleep 0.1
done
grep -q '^MXRAY_LAB_READY=1' "$TMP/env" && [ -s "$TMP/smtp.ports" ] ||
    { bad "lab or fixture did not start: $(head -c 300 "$TMP/lab.err")"; echo "$passed passed, $failed failed"; exit 1; }
value() { sed -n "s/^$1=//p" "$TMP/env" | head -1; }
SILENT=$(awk '$1 == "silent" { print $2 }' "$TMP/smtp.ports")
ARGS=(--timeout 30 --resolver "$(value MXRAY_LAB_RESOLVER)" --ca-file "$(value MXRAY_LAB_CA)"
    --connect-to "mx1.all-good.mxray.test:25:127.0.0.1:$SILENT")
while read -r m; do
    [[ "$m" == mx1.all-good.* ]] || ARGS+=(--connect-to "$m")
done < <(sed -n 's/^MXRAY_LAB_CONNECT_TO=\(.*\.all-good\.mxray\.test:.*\)/\1/p' "$TMP/env")

# wait_silent N - until the silent server has seen N connections (bounded, 30 s).
wait_silent() {
    for _ in $(seq 1 300); do
        local c
        c=$(grep -c '^silent connect' "$TMP/smtp.log" 2>/dev/null)
        [ "${c:-0}" -ge "$1" ] && return 0
        sleep 0.1
    done
    return 1
}
now_ms() { date +%s%3N; }

# 1-2. signals during check
n=0
for run in "INT text" "INT json" "TERM text" "HUP text" "QUIT text" "HUP json"; do
    read -r sig fmt <<<"$run"
    extra=()
    [ "$fmt" = json ] && extra=(--json)
    TMPDIR="$TMP/priv" "$MXRAY" check "${extra[@]}" "${ARGS[@]}" all-good.mxray.test \
        >"$TMP/out" 2>"$TMP/err" &
    pid=$!
    n=$((n + 1))
    wait_silent "$n" || bad "SIG$sig $fmt: the probe never reached the silent server"
    sleep 0.3 # let the other steps finish
    t0=$(now_ms)
    kill -"$sig" "$pid"
    rc=0
    wait "$pid" || rc=$?
    ms=$(($(now_ms) - t0))
    [ "$rc" = 130 ] && ok "SIG$sig $fmt: exit 130" || bad "SIG$sig $fmt: exit $rc, want 130"
    [ "$ms" -le 1000 ] && ok "SIG$sig $fmt: ended ${ms} ms after the signal (bound 1000 ms)" ||
        bad "SIG$sig $fmt: ended ${ms} ms after the signal (bound 1000 ms)"
    if [ "$fmt" = json ]; then
        why=$("$PY" - "$TMP/out" <<'PY'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except ValueError as e:
    print("no JSON: %s" % e); sys.exit()
errs = []
if r.get("interrupted") is not True: errs.append("interrupted not true")
if r["sts_record"]["step"]["state"] != "pass": errs.append("TXT step not pass")
if r["mx_lookup"]["step"]["state"] != "pass": errs.append("MX step not pass")
hosts = {m["host"]: m for m in r["mx"]}
a1 = hosts.get("mx1.all-good.mxray.test", {}).get("addresses", [{}])[0]
a2 = hosts.get("mx2.all-good.mxray.test", {}).get("addresses", [{}])[0]
if a2.get("step", {}).get("state") != "pass": errs.append("mx2 probe not pass")
if a1.get("step", {}).get("state") in ("pass", "running", "waiting", None):
    errs.append("mx1 (silent) state %s" % a1.get("step", {}).get("state"))
print("; ".join(errs))
PY
)
        [ -z "$why" ] && ok "SIG$sig json: partial report (interrupted, finished steps kept, stuck probe ended)" ||
            bad "SIG$sig json: $why"
    else
        grep -q 'interrupted' "$TMP/out" && grep -q 'mx2.all-good.mxray.test' "$TMP/out" &&
            grep -q 'v=STSv1' "$TMP/out" && ok "SIG$sig text: partial report printed" ||
            bad "SIG$sig text: partial report missing: $(head -c 400 "$TMP/out")"
    fi
done

# 2b. a failure already found, then the interrupt: the policy host refuses (port 1), the
# silent MX keeps the run going. Status and JSON agree on 2.
TMPDIR="$TMP/priv" "$MXRAY" check --json --connect-to "mta-sts.all-good.mxray.test:443:127.0.0.1:1" \
    "${ARGS[@]}" all-good.mxray.test >"$TMP/out" 2>"$TMP/err" &
pid=$!
n=$((n + 1))
wait_silent "$n" || bad "failure+INT: the probe never reached the silent server"
sleep 0.5
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
jrc=$("$PY" -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r.get("exit_code"), r.get("verdict"))' "$TMP/out" 2>&1)
[ "$rc" = 2 ] && [ "$jrc" = "2 fail" ] && ok "failure found, then SIGINT: exit 2, JSON exit_code 2 (verdict fail)" ||
    bad "failure found, then SIGINT: exit $rc, JSON says '$jrc' (want 2 and '2 fail')"

# 3-4. TUI and demo in tmux: C-c gives the terminal back
{
    SOCK=
    T() { tmux -S "$SOCK" "$@"; }
    # tui_run NAME CMD... - run in a fresh tmux server between two `stty -g`.
    tui_run() {
        local name=$1
        shift
        printf '%q ' "$@" >"$TMP/$name.cmd"
        SOCK="$TMP/$name.sock"
        T new-session -d -s "$name" -x 100 -y 30 \
            "stty -g >'$TMP/$name.stty0'; env TMPDIR='$TMP/priv' TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 $(cat "$TMP/$name.cmd"); echo $name-EXITED \$?; stty -g >'$TMP/$name.stty1'; echo SHELL-ALIVE; sleep 60"
    }
    # finish NAME [KEY STATUS] - send KEY (C-c), wait for the exit line, then judge exit
    # status, screen and tty state.
    finish() {
        local name=$1 key=${2:-C-c} want=${3:-130} t0 ms
        t0=$(now_ms)
        T send-keys -t "$name" "$key"
        for _ in $(seq 1 100); do
            T capture-pane -p -t "$name" >"$TMP/$name.screen"
            grep -q 'SHELL-ALIVE' "$TMP/$name.screen" && break
            sleep 0.05
        done
        ms=$(($(now_ms) - t0))
        grep -q "$name-EXITED $want" "$TMP/$name.screen" && ok "$name: $key exits $want (${ms} ms to the shell)" ||
            bad "$name: $key: $(grep -v '^$' "$TMP/$name.screen" | tail -3 | tr '\n' '|')"
        grep -q 'Walk-through\|verdict' "$TMP/$name.screen" &&
            bad "$name: the TUI is still on the screen after exit" ||
            ok "$name: main screen restored (alternate screen left)"
        [ "$(T display -p -t "$name" '#{alternate_on}')" = 0 ] && ok "$name: tmux says alternate screen off" ||
            bad "$name: alternate screen still on"
        cmp -s "$TMP/$name.stty0" "$TMP/$name.stty1" && ok "$name: stty state identical before and after" ||
            bad "$name: stty changed: $(cat "$TMP/$name.stty0") -> $(cat "$TMP/$name.stty1" 2>/dev/null)"
    }
    n=$(grep -c '^silent connect' "$TMP/smtp.log")
    tui_run tui "$MXRAY" "${ARGS[@]}" all-good.mxray.test
    wait_silent $((n + 1)) || bad "tui: the probe never reached the silent server"
    sleep 0.3
    finish tui
    T kill-server >/dev/null 2>&1
    # C-\ is SIGQUIT: before issue 12 it left the terminal raw (no echo, alternate screen)
    n=$(grep -c '^silent connect' "$TMP/smtp.log")
    tui_run tuiquit "$MXRAY" "${ARGS[@]}" all-good.mxray.test
    wait_silent $((n + 1)) || bad "tuiquit: the probe never reached the silent server"
    sleep 0.3
    finish tuiquit 'C-\' 131
    T kill-server >/dev/null 2>&1
    # the demo loads every scenario it finds: give it a private set holding just all-good
    ROOT="$(cd "$HERE/../.." && pwd)"
    mkdir -p "$TMP/assets/scenarios"
    cp "${MXRAY_ASSETS:-$ROOT/assets}/scenarios/all-good.scn" "$TMP/assets/scenarios/"
    [ -d "${MXRAY_ASSETS:-$ROOT/assets}/learn" ] && cp -r "${MXRAY_ASSETS:-$ROOT/assets}/learn" "$TMP/assets/"
    tui_run demo env MXRAY_ASSETS="$TMP/assets" "$MXRAY" demo all-good
    for _ in $(seq 1 200); do # until the demo's lab is up and its TUI drawn
        T capture-pane -p -t demo >"$TMP/demo.screen"
        grep -q 'verdict\|Walk-through\|demo-EXITED' "$TMP/demo.screen" && break
        sleep 0.1
    done
    if grep -q 'demo-EXITED' "$TMP/demo.screen"; then
        bad "demo: mxray demo did not start: $(grep -v '^$' "$TMP/demo.screen" | head -2 | tr '\n' ' ')"
    else
        find "$TMP/priv" -maxdepth 1 -name 'mxray-*' | grep -q . &&
            ok "demo: its lab directory is in TMPDIR while it runs" ||
            bad "demo: no mxray-* lab directory in TMPDIR while it runs"
        finish demo
    fi
    T kill-server >/dev/null 2>&1
    tui_run demoquit env MXRAY_ASSETS="$TMP/assets" "$MXRAY" demo all-good
    for _ in $(seq 1 200); do
        T capture-pane -p -t demoquit >"$TMP/demoquit.screen"
        grep -q 'verdict\|Walk-through\|demoquit-EXITED' "$TMP/demoquit.screen" && break
        sleep 0.1
    done
    grep -q 'demoquit-EXITED' "$TMP/demoquit.screen" || finish demoquit 'C-\' 131
    T kill-server >/dev/null 2>&1
}

left=$(find "$TMP/priv" -mindepth 1 | head -5)
[ -z "$left" ] && ok "no temporary file left in TMPDIR by any run" || bad "left in TMPDIR: $left"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
