#!/usr/bin/env bash
# report_check.test.sh - `mxray report --check` against the built-in lab (no root needed):
# the claims in tests/data/tlsrpt-lab/claims.json are checked live with check's options
# (--resolver, --ca-file, --connect-to from `mxray lab --env`) and each failure must be
#   certificate-expired on mx2.expired-second-mx (the scenario expires it)  reproduced
#   certificate-expired on mx1.expired-second-mx (healthy)                  not_reproduced
#   starttls-not-supported on mx9.expired-second-mx (no such MX now)        not_checked
#   certificate-expired on mx1.all-good                                     not_reproduced
#   sts-policy-fetch-error for all-good (policy level)                      not_reproduced
# and the embedded checks are mxray.report.v1 objects with the scenarios' verdicts.
# Usage: bash tests/integration/report_check.test.sh /path/to/mxray
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export MXRAY_ASSETS="${MXRAY_ASSETS:-$ROOT/assets}"
MXRAY="${1:-}"
passed=0
failed=0
ok() { echo "PASS $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }
skip() { echo "SKIP report_check: $*"; exit 77; }

[ -n "$MXRAY" ] && [ -x "$MXRAY" ] || skip "usage: $0 /path/to/mxray"
PYTHON="$(command -v /usr/bin/python3 || command -v python3)" || skip "python3 missing"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/report-check-test.XXXXXX")"
LAB_PID=
cleanup() {
    if [ -n "$LAB_PID" ]; then
        kill -INT "$LAB_PID" 2>/dev/null
        wait "$LAB_PID" 2>/dev/null
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

"$MXRAY" lab --env expired-second-mx all-good >"$TMP/env" 2>"$TMP/lab.err" &
LAB_PID=$!
for _ in $(seq 1 300); do
    grep -q '^MXRAY_LAB_READY=1' "$TMP/env" && break
    kill -0 "$LAB_PID" 2>/dev/null || break
    sleep 0.1
done
grep -q '^MXRAY_LAB_READY=1' "$TMP/env" || { bad "lab did not start: $(head -c 300 "$TMP/lab.err")"; exit 1; }
args=(--timeout 5 --resolver "$(sed -n 's/^MXRAY_LAB_RESOLVER=//p' "$TMP/env")"
    --ca-file "$(sed -n 's/^MXRAY_LAB_CA=//p' "$TMP/env")")
while read -r m; do args+=(--connect-to "$m"); done < <(sed -n 's/^MXRAY_LAB_CONNECT_TO=//p' "$TMP/env")

CLAIMS="$ROOT/tests/data/tlsrpt-lab/claims.json"
rc=0
timeout 60 "$MXRAY" report --json --check "${args[@]}" "$CLAIMS" >"$TMP/out.json" 2>"$TMP/err" || rc=$?
[ "$rc" = 1 ] && ok "exit 1 (failed sessions reported)" || bad "exit $rc, want 1: $(head -c 300 "$TMP/err")"
"$PYTHON" - "$TMP/out.json" <<'PY' && ok "--check marks" || bad "--check marks"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
now = {(p["domain"], f["result_type"], f["receiving_mx"]): f["now"]
       for r in d["reports"] for p in r["policies"] for f in p["failures"]}
want = {
    ("expired-second-mx.mxray.test", "certificate-expired", "mx2.expired-second-mx.mxray.test"): "reproduced",
    ("expired-second-mx.mxray.test", "certificate-expired", "mx1.expired-second-mx.mxray.test"): "not_reproduced",
    ("expired-second-mx.mxray.test", "starttls-not-supported", "mx9.expired-second-mx.mxray.test"): "not_checked",
    ("all-good.mxray.test", "certificate-expired", "mx1.all-good.mxray.test"): "not_reproduced",
    ("all-good.mxray.test", "sts-policy-fetch-error", None): "not_reproduced",
}
errors = [f"{k}: {now.get(k)}, want {v}" for k, v in want.items() if now.get(k) != v]
checks = {x["domain"]: x["check"] for x in d["domains"]}
for dom, verdict in (("expired-second-mx.mxray.test", "fail"), ("all-good.mxray.test", "pass")):
    c = checks.get(dom) or {}
    if c.get("schema") != "mxray.report.v1" or c.get("verdict") != verdict:
        errors.append(f"{dom}: check {c.get('schema')} {c.get('verdict')}, want {verdict}")
for e in errors:
    print("  ", e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY
# the same in text
rc=0
timeout 60 "$MXRAY" report --check "${args[@]}" "$CLAIMS" >"$TMP/out.txt" 2>&1 || rc=$?
grep -A1 "MX mx2.expired-second-mx.mxray.test" "$TMP/out.txt" | grep -q "reproduced" &&
    ok "text: mx2 still failing" || bad "text: $(cat "$TMP/out.txt")"
# without --check nothing is checked
rc=0
timeout 60 "$MXRAY" report --json "$CLAIMS" >"$TMP/plain.json" 2>&1 || rc=$?
"$PYTHON" -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if all(f["now"] == "not_checked" for r in d["reports"] for p in r["policies"] for f in p["failures"]) and all(x["check"] is None for x in d["domains"]) else 1)' "$TMP/plain.json" &&
    ok "no --check: all not_checked" || bad "no --check marks something"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
