#!/usr/bin/env bash
# nagios.test.sh - `mxray check --format nagios` against the built-in lab (no root needed):
# every state (OK, WARNING, CRITICAL, UNKNOWN) with its exit status (0, 1, 2, 3), the
# --warn-days/--crit-days thresholds moving a certificate between them, --require-sts, and
# --batch (a line per domain, worst-of exit). Every line printed is checked against the
# Monitoring Plugins guidelines' output grammar:
#     SERVICE STATE - text | 'label'=value[UOM];[warn];[crit];[min];[max] ...
# with ranges as [@][start:][end] (start may be ~), value a number or U.
# Usage: bash tests/integration/nagios.test.sh /path/to/mxray
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export MXRAY_ASSETS="${MXRAY_ASSETS:-$ROOT/assets}"
MXRAY="${1:-}"
passed=0
failed=0
ok() { echo "PASS $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }
skip() { echo "SKIP nagios: $*"; exit 77; }

[ -n "$MXRAY" ] && [ -x "$MXRAY" ] || { echo "FAIL nagios: usage: $0 /path/to/mxray"; exit 1; }
PYTHON="$(command -v /usr/bin/python3 || command -v python3)" || skip "python3 missing"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/nagios-test.XXXXXX")"
LAB_PID=
cleanup() {
    if [ -n "$LAB_PID" ]; then
        kill -INT "$LAB_PID" 2>/dev/null
        wait "$LAB_PID" 2>/dev/null
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

"$MXRAY" lab --env all-good cert-expiring not-published no-starttls testing-mode \
    >"$TMP/env" 2>"$TMP/lab.err" &
LAB_PID=$!
for _ in $(seq 1 300); do
    grep -q '^MXRAY_LAB_READY=1' "$TMP/env" && break
    kill -0 "$LAB_PID" 2>/dev/null || break
    sleep 0.1
done
grep -q '^MXRAY_LAB_READY=1' "$TMP/env" || {
    echo "FAIL lab did not start: $(head -c 300 "$TMP/lab.err")"
    exit 1
}
ARGS=(--no-state --timeout 5 --resolver "$(sed -n 's/^MXRAY_LAB_RESOLVER=//p' "$TMP/env")"
    --ca-file "$(sed -n 's/^MXRAY_LAB_CA=//p' "$TMP/env")")
for m in $(sed -n 's/^MXRAY_LAB_CONNECT_TO=//p' "$TMP/env"); do
    ARGS+=(--connect-to "$m")
done

# grammar FILE LINES - every line of FILE is a plugin line (LINES of them, exactly)
grammar() {
    "$PYTHON" - "$1" "$2" <<'PY'
import re, sys
num = r"-?[0-9]+(\.[0-9]+)?"
rng = r"@?(~|%s)?(:(%s)?)?" % (num, num)
perf = r"('[^'=]+'|[^'= |]+)=(%s|U)(s|ms|us|%%|B|KB|MB|TB|c)?(;(%s)?){0,4}" % (num, rng)
line_re = re.compile(r"^MTA-STS (OK|WARNING|CRITICAL|UNKNOWN) - [^|\n]+( \| %s( %s)*)?$"
                     % (perf, perf))
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert lines[-1] == "", "the output must end with a newline"
lines = lines[:-1]
if len(lines) != int(sys.argv[2]):
    sys.exit("%d lines, want %s: %r" % (len(lines), sys.argv[2], lines))
for l in lines:
    if not line_re.match(l):
        sys.exit("not plugin grammar: %r" % l)
    if not l.startswith("MTA-STS UNKNOWN"):
        for key in ("time=", "cert_days=", "mx_ok="):
            if " " + key not in " " + l.split(" | ", 1)[1]:
                sys.exit("no %s perfdata: %r" % (key, l))
PY
}

# run NAME WANT_EXIT WANT_STATE WANT_PERF_REGEX ARGS... - one nagios check
run() {
    local name=$1 want=$2 state=$3 perf=$4 rc=0
    shift 4
    timeout 60 "$MXRAY" check --format nagios "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" || rc=$?
    local line
    line="$(head -1 "$TMP/$name.out")"
    if [ "$rc" != "$want" ]; then
        bad "$name: exit $rc, want $want: $line"
    elif [[ "$line" != "MTA-STS $state - "* ]]; then
        bad "$name: want $state: $line"
    elif ! msg="$(grammar "$TMP/$name.out" 1 2>&1)"; then
        bad "$name: $msg"
    elif ! grep -Eq -- "$perf" "$TMP/$name.out"; then
        bad "$name: perfdata does not match /$perf/: $line"
    else
        ok "$name: $line"
    fi
}

G=all-good.mxray.test
run ok 0 OK 'cert_days=(8[0-9]|9[0-9]);21:;7: mx_ok=2;;;0;2$' "${ARGS[@]}" "$G"
run warn-days 1 WARNING 'cert_days=[0-9]+;100:;7: ' --warn-days 100 "${ARGS[@]}" "$G"
run crit-days 2 CRITICAL 'cert_days=[0-9]+;100:;95: ' --warn-days 100 --crit-days 95 \
    "${ARGS[@]}" "$G"
run expiring 2 CRITICAL 'cert_days=[0-5];21:;7: ' "${ARGS[@]}" cert-expiring.mxray.test
run expiring-crit-3 1 WARNING 'cert_days=[0-5];21:;3: ' --crit-days 3 "${ARGS[@]}" \
    cert-expiring.mxray.test
run expiring-warn-3 0 OK 'cert_days=[3-5];3:;2: ' --warn-days 3 --crit-days 2 "${ARGS[@]}" \
    cert-expiring.mxray.test
grep -q 'expires in' "$TMP/expiring.out" && ok "expiring: the summary names the certificate" ||
    bad "expiring summary: $(cat "$TMP/expiring.out")"
run none 0 OK 'mx_ok=' "${ARGS[@]}" not-published.mxray.test
run none-required 2 CRITICAL 'mx_ok=' --require-sts "${ARGS[@]}" not-published.mxray.test
run fail 2 CRITICAL 'mx_ok=0;;;0;1' "${ARGS[@]}" no-starttls.mxray.test
grep -q 'smtp.starttls_missing' "$TMP/fail.out" && ok "fail: the summary names the problem" ||
    bad "fail summary: $(cat "$TMP/fail.out")"
run testing 0 OK 'mx_ok=' "${ARGS[@]}" testing-mode.mxray.test
# UNKNOWN only when the check itself could not run
run no-resolver 3 UNKNOWN '' --no-state --timeout 1 --resolver 127.0.0.1:9 "$G"
run usage 3 UNKNOWN '' --timeout nope "$G"
run bad-domain 3 UNKNOWN '' --no-state "exa mple..com"
[ "$(wc -l <"$TMP/usage.out")" = 1 ] && ok "usage: one line on stdout" || bad "usage: stdout"

# --batch: one line per domain, worst-of exit (CRITICAL > WARNING > UNKNOWN > OK)
printf '%s\n' "$G" cert-expiring.mxray.test not-published.mxray.test >"$TMP/list"
rc=0
"$MXRAY" check --format nagios --batch "$TMP/list" "${ARGS[@]}" >"$TMP/batch.out" \
    2>"$TMP/batch.err" || rc=$?
if msg="$(grammar "$TMP/batch.out" 3 2>&1)" && [ "$rc" = 2 ] &&
    [ "$(grep -c '^MTA-STS OK' "$TMP/batch.out")" = 2 ]; then
    ok "batch: 3 plugin lines, worst-of exit 2"
else
    bad "batch: exit $rc, $msg: $(cat "$TMP/batch.out")"
fi
rc=0
"$MXRAY" check --format nagios --warn-days 100 "${ARGS[@]}" "$G" not-published.mxray.test \
    >"$TMP/batch2.out" 2>&1 || rc=$?
[ "$rc" = 1 ] && grammar "$TMP/batch2.out" 2 >/dev/null && ok "batch: worst-of WARNING (1)" ||
    bad "batch WARNING: exit $rc: $(cat "$TMP/batch2.out")"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
