#!/usr/bin/env bash
# builtin_lab.test.sh - every scenario of the built-in lab through `mxray check --json`, and
# real clients (dig, curl, openssl s_client -starttls smtp) against `mxray lab`. No root needed.
#
# Starts `mxray lab --env` once in the background (every scenario), reads its MXRAY_LAB_*
# lines, then for each scenario runs
#   mxray check --json --timeout 5 --resolver R --ca-file CA --connect-to M... DOMAIN
# and checks, with python3, the verdict, the exit status and the problem codes the scenario
# file declares in [expect] (codes: must appear, "a|b" = either; absent: must not appear).
# Prints one PASS/FAIL line per check and "N passed, N failed" last.
# Usage: bash tests/integration/builtin_lab.test.sh /path/to/mxray
# Exit: 0 all passed, 1 something failed (a missing command or option too), 77 skipped (python3,
# dig, curl or openssl not installed).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# mxray serves its built-in copy of the scenarios (or $MXRAY_ASSETS's); the expectations are
# read from the same files.
SCN_DIR="${MXRAY_ASSETS:-$ROOT/assets}/scenarios"
MXRAY="${1:-}"
PER_RUN_LIMIT=60
passed=0
failed=0

skip() {
    echo "SKIP builtin_lab: $*"
    exit 77
}
fail_setup() {
    echo "FAIL builtin_lab: $*"
    exit 1
}

ok() {
    echo "PASS $*"
    passed=$((passed + 1))
}

bad() {
    echo "FAIL $*"
    failed=$((failed + 1))
}

[ -n "$MXRAY" ] && [ -x "$MXRAY" ] || fail_setup "usage: $0 /path/to/mxray"
help="$("$MXRAY" check --help 2>&1)" || fail_setup "'mxray check --help' fails"
grep -q -- '--connect-to' <<<"$help" || fail_setup "'mxray check --help' lacks --connect-to"
"$MXRAY" lab --help >/dev/null 2>&1 || fail_setup "'mxray lab --help' fails"
for tool in dig curl openssl; do
    command -v "$tool" >/dev/null || skip "$tool is not installed (scripts/deps.sh test)"
done
# /usr/bin/python3 first: a pyenv shim costs seconds per start on a loaded machine
PYTHON="$(command -v /usr/bin/python3 || command -v python3)" || skip "python3 is not installed (scripts/deps.sh test)"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/builtin-lab-test.XXXXXX")"
LAB_PID=
cleanup() {
    if [ -n "$LAB_PID" ]; then
        kill -INT "$LAB_PID" 2>/dev/null
        wait "$LAB_PID" 2>/dev/null
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

"$MXRAY" lab --env >"$TMP/env" 2>"$TMP/lab.err" &
LAB_PID=$!
for _ in $(seq 1 300); do
    grep -q '^MXRAY_LAB_READY=1' "$TMP/env" && break
    kill -0 "$LAB_PID" 2>/dev/null || break
    sleep 0.1
done
if ! grep -q '^MXRAY_LAB_READY=1' "$TMP/env"; then
    echo "FAIL lab did not start: $(head -c 500 "$TMP/lab.err")"
    echo "0 passed, 1 failed"
    exit 1
fi

value() { sed -n "s/^$1=//p" "$TMP/env" | head -1; }
RESOLVER="$(value MXRAY_LAB_RESOLVER)"
DNS_PORT="$(value MXRAY_LAB_DNS_PORT)"
CA="$(value MXRAY_LAB_CA)"
LAB_DIR="$(value MXRAY_LAB_DIR)"
[ -s "$CA" ] && ok "lab: CA file $CA written" || bad "lab: CA file missing"

# ---- every scenario through mxray check --json (checks run here, judged by one python3) ----
: >"$TMP/runs"
while read -r name domain maps; do
    args=(check --json --timeout 5 --resolver "$RESOLVER" --ca-file "$CA")
    IFS=',' read -r -a list <<<"$maps"
    for m in "${list[@]}"; do
        [ -n "$m" ] && args+=(--connect-to "$m")
    done
    rc=0
    timeout "$PER_RUN_LIMIT" "$MXRAY" "${args[@]}" "$domain" >"$TMP/$name.json" \
        2>"$TMP/$name.err" || rc=$?
    echo "$name $rc" >>"$TMP/runs"
done < <(sed -n 's/^MXRAY_LAB_SCENARIO=//p' "$TMP/env")

"$PYTHON" - "$SCN_DIR" "$TMP" >"$TMP/judged" 2>&1 <<'PY'
import json, os, sys

scn_dir, tmp = sys.argv[1], sys.argv[2]
exit_for = {"pass": 0, "warn": 1, "fail": 2, "none": 3}


def expectations(path):
    """The [expect] section of a scenario file: verdict, codes (a|b = either), absent."""
    expect, section = {}, None
    for raw in open(path, encoding="utf-8"):
        line = raw.strip()
        if line.startswith("["):
            section = line.strip("[]").strip()
        elif section == "expect" and ":" in line and not line.startswith("#"):
            k, v = line.split(":", 1)
            expect[k.strip()] = v.split()
    return expect


def judge(name, rc):
    expect = expectations(os.path.join(scn_dir, name + ".scn"))
    if rc == 124:
        return "mxray check did not finish in time"
    try:
        r = json.load(open(os.path.join(tmp, name + ".json"), encoding="utf-8"))
    except ValueError as e:
        err = open(os.path.join(tmp, name + ".err"), encoding="utf-8", errors="replace").read(300)
        return f"no JSON report (exit {rc}): {e} {err}"
    codes = [p.get("code") for p in r.get("problems", [])]
    errors = []
    want = expect.get("verdict", ["?"])[0]
    if r.get("verdict") != want:
        errors.append(f"verdict {r.get('verdict')}, want {want}")
    if rc != exit_for.get(want, -1):
        errors.append(f"exit {rc}, want {exit_for.get(want)}")
    errors += [f"missing {alt}" for alt in expect.get("codes", [])
               if not any(c in codes for c in alt.split("|"))]
    errors += [f"unexpected {c}" for c in expect.get("absent", []) if c in codes]
    got = f"{r.get('verdict')}: {' '.join(codes) or 'no problems'}"
    return "; ".join(errors) + f" (got {got})" if errors else "ok " + got


for line in open(os.path.join(tmp, "runs"), encoding="utf-8"):
    name, rc = line.split()
    res = judge(name, int(rc))
    print(("PASS check %s: %s" % (name, res[3:])) if res.startswith("ok ")
          else "FAIL check %s: %s" % (name, res))
PY
while read -r line; do
    case "$line" in
    "PASS "*) ok "${line#PASS }" ;;
    *) bad "${line#FAIL }" ;;
    esac
done <"$TMP/judged"
[ -s "$TMP/judged" ] || bad "no scenario was checked"

# ---- real clients against the same lab ----
map_port() { sed -n "s/^MXRAY_LAB_CONNECT_TO=$1:$2:127.0.0.1://p" "$TMP/env" | head -1; }

if command -v dig >/dev/null; then
    out="$(dig @127.0.0.1 -p "$DNS_PORT" +norecurse +time=3 +tries=1 TXT _mta-sts.all-good.mxray.test 2>&1)"
    grep -q 'status: NOERROR' <<<"$out" && grep -q 'flags: qr aa' <<<"$out" &&
        grep -q '"v=STSv1; id=' <<<"$out" && ok "dig TXT over UDP" || bad "dig TXT: $out"
    out="$(dig @127.0.0.1 -p "$DNS_PORT" +tcp +short MX all-good.mxray.test 2>&1)"
    grep -q '^10 mx1.all-good.mxray.test.$' <<<"$out" && ok "dig MX over TCP" || bad "dig MX: $out"
    out="$(dig @127.0.0.1 -p "$DNS_PORT" +time=3 +tries=1 A nowhere.all-good.mxray.test 2>&1)"
    grep -q 'status: NXDOMAIN' <<<"$out" && ok "dig NXDOMAIN" || bad "dig NXDOMAIN: $out"
fi

if command -v curl >/dev/null; then
    host=mta-sts.all-good.mxray.test
    out="$(curl -sS -i --max-time 10 --cacert "$CA" --connect-to "$host:443:127.0.0.1:$(map_port "$host" 443)" \
        "https://$host/.well-known/mta-sts.txt" 2>&1)"
    grep -q '^HTTP/1.1 200' <<<"$out" && grep -q '^mode: enforce' <<<"$out" &&
        ok "curl --cacert policy fetch" || bad "curl: $out"
    host=mta-sts.policy-wrong-cert.mxray.test
    out="$(curl -sS --max-time 10 --cacert "$CA" --connect-to "$host:443:127.0.0.1:$(map_port "$host" 443)" \
        "https://$host/.well-known/mta-sts.txt" 2>&1)"
    grep -qi 'certificate\|SSL' <<<"$out" && ok "curl refuses the wrong-name policy certificate" ||
        bad "curl wrong-name: $out"
fi

if command -v openssl >/dev/null; then
    host=mx1.all-good.mxray.test
    out="$(printf 'QUIT\r\n' | timeout 20 openssl s_client -ign_eof -starttls smtp \
        -connect "127.0.0.1:$(map_port "$host" 25)" -servername "$host" -CAfile "$CA" \
        -verify_hostname "$host" -verify_return_error 2>&1)"
    grep -q 'Verify return code: 0 (ok)' <<<"$out" && grep -q '^221 ' <<<"$out" &&
        ok "openssl s_client -starttls smtp" || bad "s_client: $(tail -5 <<<"$out")"
    host=mx2.expired-second-mx.mxray.test
    out="$(printf 'QUIT\r\n' | timeout 20 openssl s_client -ign_eof -starttls smtp \
        -connect "127.0.0.1:$(map_port "$host" 25)" -servername "$host" -CAfile "$CA" 2>&1)"
    grep -q 'Verify return code: 10 (certificate has expired)' <<<"$out" &&
        ok "openssl s_client sees the expired certificate" || bad "s_client expired: $(tail -5 <<<"$out")"
fi

# ---- check --format markdown: the ticket-ready report (issue 10) ----
maps="$(sed -n 's/^MXRAY_LAB_SCENARIO=mx-not-covered //p' "$TMP/env" | cut -d' ' -f2)"
args=(check --format markdown --timeout 5 --resolver "$RESOLVER" --ca-file "$CA")
IFS=',' read -r -a list <<<"$maps"
for m in "${list[@]}"; do
    [ -n "$m" ] && args+=(--connect-to "$m")
done
rc=0
out="$(timeout "$PER_RUN_LIMIT" "$MXRAY" "${args[@]}" mx-not-covered.mxray.test 2>&1)" || rc=$?
[ "$rc" = 2 ] && grep -q '^# MTA-STS check of mx-not-covered.mxray.test' <<<"$out" &&
    grep -q '^| backup.mx-not-covered.mxray.test | 127.0.0.1 | fail | fail: an enforcing MTA-STS sender would NOT deliver here' <<<"$out" &&
    grep -q "Fix: Add 'mx: backup.mx-not-covered.mxray.test'" <<<"$out" &&
    ! grep -qw 'HOST' <<<"$out" &&
    ok "check --format markdown (exit $rc)" || bad "check --format markdown: exit $rc: $(head -c 600 <<<"$out")"
rc=0
out="$(echo example.com | "$MXRAY" check --format markdown --batch - 2>&1)" || rc=$?
[ "$rc" = 64 ] && grep -q 'does not combine with --batch' <<<"$out" &&
    ok "--format markdown with --batch is refused clearly" || bad "markdown + batch: exit $rc: $out"

# ---- the guide a teacher reads: commands and the scenario's lesson ----
out="$(timeout -s INT 3 "$MXRAY" lab expired-second-mx 2>&1)"
grep -q -- '--connect-to mx2.expired-second-mx.mxray.test:25:127.0.0.1:' <<<"$out" &&
    grep -q 'What is going on: mx1 is fine, but mx2' <<<"$out" &&
    grep -q 'How to fix it: ' <<<"$out" &&
    ok "mxray lab SCENARIO prints the commands and the lesson" || bad "lab guide: $out"

# ---- Ctrl-C stops the lab and removes what it wrote ----
kill -INT "$LAB_PID"
wait "$LAB_PID"
rc=$?
LAB_PID=
[ "$rc" = 0 ] || [ "$rc" = 130 ] && ok "lab stops on SIGINT (exit $rc)" || bad "lab exit $rc on SIGINT"
[ ! -e "$LAB_DIR" ] && ok "lab removed $LAB_DIR" || bad "lab left $LAB_DIR behind"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
