#!/usr/bin/env bash
# history.test.sh - what changed since the previous check, and the state files behind it, with
# the built-in lab (no root needed): one domain, hist.mxray.test, served by a different
# scenario file at each stage so the served data changes between two checks:
#   base        id 1, enforce, mx1 + mx2, mx1 with a signed TLSA 3 1 1 of its key
#   body-same-id  the policy body edited, TXT id unchanged      -> sts.policy.changed_without_id
#   body-new-id   body and id changed                           -> sts.policy.changed (+ until)
#   mx-changed    mx3 added (not in the policy), mx2 removed    -> mx.changed x2
#   dane-rotated  mx1's key rotated, TLSA still the old key     -> dane.rollover_missing
# Every lab start makes new certificates, so each stage also shows tls.cert.changed; two
# checks against one running lab must show no change at all. Then: state files that are
# truncated, from an older version, of another domain, not JSON, a symlink (each reported
# and replaced); eight checks of one domain at once (no torn file, no lost update); an
# unwritable state directory (the check runs and says so once); names that would leave the
# state directory; mxray history.
# Usage: bash tests/integration/history.test.sh /path/to/mxray
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MXRAY="${1:-}"
passed=0
failed=0
ok() { echo "PASS $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }
skip() { echo "SKIP history: $*"; exit 77; }

[ -n "$MXRAY" ] && [ -x "$MXRAY" ] || { echo "FAIL history: usage: $0 /path/to/mxray"; exit 1; }
PYTHON="$(command -v /usr/bin/python3 || command -v python3)" || skip "python3 missing"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/history-test.XXXXXX")"
LAB_PID=
stop_lab() {
    if [ -n "$LAB_PID" ]; then
        kill -INT "$LAB_PID" 2>/dev/null
        wait "$LAB_PID" 2>/dev/null
        LAB_PID=
    fi
}
cleanup() {
    stop_lab
    rm -rf "$TMP"
}
trap cleanup EXIT
STATE="$TMP/state"
D=hist.mxray.test

# scenario STAGE ID MODE MAX_AGE "MX lines" "policy mx lines" TLSA  - writes one hist.scn
scenario() {
    local stage=$1 id=$2 mode=$3 max_age=$4 mxs=$5 pmx=$6 tlsa=$7
    mkdir -p "$TMP/$stage/scenarios"
    {
        printf 'summary: history test, stage %s\ndnssec: signed\n' "$stage"
        printf '[teach]\nwhat: a stage of history.test.sh\nsender: -\nfix: -\n\n[dns]\n'
        printf '_mta-sts TXT "v=STSv1; id=%s"\n' "$id"
        printf '_smtp._tls TXT "v=TLSRPTv1; rua=mailto:tls@%s"\n' "$D"
        printf 'mta-sts A 127.0.0.1\n'
        for m in $mxs; do
            printf '@ MX %s %s\n%s A 127.0.0.1\n' "${m#*:}" "${m%%:*}" "${m%%:*}"
        done
        printf '\n[policy]\n| version: STSv1\n| mode: %s\n' "$mode"
        for m in $pmx; do printf '| mx: %s.%s\n' "$m" "$D"; done
        printf '| max_age: %s\n' "$max_age"
        for m in $mxs; do
            printf '\n[mx %s]\ncert: good\n' "${m%%:*}"
            [ "${m%%:*}" = mx1 ] && printf 'tlsa: 3 1 1 %s\n' "$tlsa"
        done
        printf '\n[expect]\nverdict: pass\n'
    } >"$TMP/$stage/scenarios/hist.scn"
}
scenario base 1 enforce 86400 "mx1:10 mx2:20" "mx1 mx2" leaf
scenario body-same-id 1 enforce 604800 "mx1:10 mx2:20" "mx1 mx2" leaf
scenario body-new-id 2 testing 604800 "mx1:10 mx2:20" "mx1 mx2" leaf
scenario mx-changed 2 testing 604800 "mx1:10 mx3:30" "mx1 mx2" leaf
scenario dane-rotated 2 testing 604800 "mx1:10 mx3:30" "mx1 mx2" old

# start_lab STAGE - serve that stage's hist.scn; sets ARGS for mxray check
start_lab() {
    stop_lab
    MXRAY_ASSETS="$TMP/$1" "$MXRAY" lab --env hist >"$TMP/env" 2>"$TMP/lab.err" &
    LAB_PID=$!
    for _ in $(seq 1 300); do
        grep -q '^MXRAY_LAB_READY=1' "$TMP/env" && break
        kill -0 "$LAB_PID" 2>/dev/null || break
        sleep 0.1
    done
    grep -q '^MXRAY_LAB_READY=1' "$TMP/env" || {
        bad "lab $1 did not start: $(head -c 300 "$TMP/lab.err")"
        return 1
    }
    ARGS=(--timeout 5 --resolver "$(sed -n 's/^MXRAY_LAB_RESOLVER=//p' "$TMP/env")"
        --ca-file "$(sed -n 's/^MXRAY_LAB_CA=//p' "$TMP/env")")
    for m in $(sed -n 's/^MXRAY_LAB_CONNECT_TO=//p' "$TMP/env"); do
        ARGS+=(--connect-to "$m")
    done
}

# judge FILE EXPR... - python3 asserts over the JSON report r (each EXPR must be true)
judge() {
    local file=$1
    shift
    "$PYTHON" - "$file" "$@" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
h = r.get("history") or {}
codes = [p["code"] for p in r["problems"]]
changes = [c["code"] for c in h.get("changes", [])]
msgs = {c["code"]: c["message"] for c in h.get("changes", [])}
bad = [e for e in sys.argv[2:] if not eval(e)]
if bad:
    print("failed: %s; history %s; problems %s" % (bad, json.dumps(h)[:600], codes))
    sys.exit(1)
PY
}

# check NAME EXPECTED_EXIT EXPR... - one check of $D with the state, judged
check() {
    local name=$1 want=$2 rc=0
    shift 2
    timeout 60 "$MXRAY" check --json --state "$STATE" "${ARGS[@]}" "$D" \
        >"$TMP/$name.json" 2>"$TMP/$name.err" || rc=$?
    if [ "$rc" != "$want" ]; then
        bad "$name: exit $rc, want $want ($(head -c 300 "$TMP/$name.err"))"
    elif out="$(judge "$TMP/$name.json" "$@")"; then
        ok "$name"
    else
        bad "$name: $out"
    fi
}

# ---- each change, between two checks ----
start_lab base || exit 1
check first 0 'h.get("previous") is None' 'changes == []' '"note" not in h and "error" not in h'
check unchanged 0 'h.get("previous")' 'changes == []'
[ -s "$STATE/$D.json" ] && ok "state file $STATE/$D.json written" || bad "no state file"

start_lab body-same-id || exit 1
check body-same-id 2 '"sts.policy.changed_without_id" in changes' \
    '"sts.policy.changed_without_id" in codes' 'r["verdict"] == "fail"' \
    '"tls.cert.changed" in changes' '"dane.rollover_missing" not in changes' \
    '"mx.changed" not in changes' '"still 1" in msgs["sts.policy.changed_without_id"]'
check body-same-id-again 0 'changes == []'

start_lab body-new-id || exit 1
check body-new-id 0 '[c for c in changes if c != "tls.cert.changed"] == ["sts.policy.changed"]' \
    '"id 1 -> 2" in msgs["sts.policy.changed"]' '"enforce -> testing" in msgs["sts.policy.changed"]' \
    'r["verdict"] == "pass"'
# until = the previous fetch + the old max_age (604800 s)
"$PYTHON" - "$TMP/body-same-id-again.json" "$TMP/body-new-id.json" <<'PY' &&
import json, sys, datetime
prev = json.load(open(sys.argv[1]))["started"]
msg = [c["message"] for c in json.load(open(sys.argv[2]))["history"]["changes"]][0]
t = datetime.datetime.strptime(prev, "%Y-%m-%dT%H:%M:%SZ") + datetime.timedelta(seconds=604800)
want = t.strftime("%Y-%m-%dT%H:%M:%SZ")
sys.exit(0 if msg.endswith("until " + want) else print("want until", want, "in", msg) or 1)
PY
    ok "sts.policy.changed: old senders until previous fetch + max_age" ||
    bad "sts.policy.changed: wrong until"

start_lab mx-changed || exit 1
check mx-changed 1 'changes.count("mx.changed") == 2' \
    'any("mx3" in c["subject"] and "added" in c["message"] and "NOT cover" in c["message"] for c in h["changes"])' \
    'any("mx2" in c["subject"] and "removed" in c["message"] and "still lists" in c["message"] for c in h["changes"])' \
    '"sts.policy.changed" not in changes'

start_lab dane-rotated || exit 1
check dane-rotated 2 '"dane.rollover_missing" in changes' '"dane.mismatch" in codes' \
    'any(c["code"] == "dane.rollover_missing" and "mx1" in c["subject"] for c in h["changes"])' \
    'any(c["code"] == "tls.cert.changed" and "new key" in c["message"] for c in h["changes"])'

# ---- mxray history ----
if "$MXRAY" history --state "$STATE" "$D" >"$TMP/hist.txt" &&
    grep -q 'sts.policy.changed_without_id' "$TMP/hist.txt" &&
    grep -q 'dane.rollover_missing' "$TMP/hist.txt"; then
    ok "history: text timeline"
else
    bad "history: text timeline: $(head -c 400 "$TMP/hist.txt")"
fi
"$MXRAY" history --json --state "$STATE" "$D" >"$TMP/hist.json" &&
    "$PYTHON" - "$TMP/hist.json" <<'PY' && ok "history --json: timeline in order with each change" || bad "history --json"
import json, sys
h = json.load(open(sys.argv[1]))
tl = h["timeline"]
assert h["schema"] == "mxray.history.v1" and h["domain"] == "hist.mxray.test", h
codes = [[c["code"] for c in e["changes"]] for e in tl]
assert codes[0] == [] and tl[0]["checks"] == 2, tl[0]
want = ["sts.policy.changed_without_id", "sts.policy.changed", "mx.changed", "dane.rollover_missing"]
seen = [next((w for w in want if w in c), None) for c in codes[1:]]
assert [s for s in seen if s] == want, codes
assert all(a["first_seen"] <= b["first_seen"] for a, b in zip(tl, tl[1:]))
PY
rc=0
"$MXRAY" history --state "$STATE" never-checked.mxray.test >/dev/null 2>&1 || rc=$?
[ "$rc" = 66 ] && ok "history of an unknown domain: exit 66" || bad "history unknown: exit $rc"

# ---- state files that are not to be trusted ----
start_lab base || exit 1
good="$TMP/good.json"
"$MXRAY" check --json --state "$STATE" "${ARGS[@]}" "$D" >/dev/null 2>&1
cp "$STATE/$D.json" "$good"
bad_file() { # NAME then the file content on stdin
    local name=$1
    rm -f "$STATE/$D.json"
    cat >"$STATE/$D.json"
    check "state-$name" 0 '"rejected" in h.get("note", "")' 'h.get("previous") is None' \
        'changes == []'
    if "$MXRAY" history --state "$STATE" "$D" >/dev/null 2>&1; then
        ok "state-$name: replaced by a valid file"
    else
        bad "state-$name: not replaced"
    fi
}
head -c 300 "$good" | bad_file truncated
sed 's/"mxray.state.v1"/"mxray.state.v0"/' "$good" | bad_file older
grep -q 'older mxray' "$TMP/state-older.json" && ok "older format named as such" ||
    bad "older format not named: $(grep -o '"note": "[^"]*"' "$TMP/state-older.json")"
sed "s/\"$D\"/\"other.mxray.test\"/" "$good" | bad_file other-domain
printf '{"hello": "world"}\n' | bad_file foreign
head -c 2000 /dev/urandom | bad_file garbage
sed 's/"preference": 10/"preference": "ten"/' "$good" | bad_file wrong-type
rm -f "$STATE/$D.json"
ln -s "$good" "$STATE/$D.json"
check state-symlink 0 '"rejected" in h.get("note", "")'
[ -L "$STATE/$D.json" ] && bad "state-symlink: the symlink is still there" ||
    ok "state-symlink: replaced by a file"
cmp -s "$good" "$TMP/good.json" && ok "state-symlink: its target untouched" ||
    bad "state-symlink: the target changed"

# ---- eight checks of one domain at once: no torn file, no lost update ----
before="$("$MXRAY" history --json --state "$STATE" "$D" |
    "$PYTHON" -c 'import json,sys; print(sum(e["checks"] for e in json.load(sys.stdin)["timeline"]))')"
pids=()
for i in 1 2 3 4 5 6 7 8; do
    "$MXRAY" check --json --state "$STATE" "${ARGS[@]}" "$D" >"$TMP/par$i.json" 2>"$TMP/par$i.err" &
    pids+=($!)
done
par_fail=0
for p in "${pids[@]}"; do wait "$p" || par_fail=$((par_fail + 1)); done
after="$("$MXRAY" history --json --state "$STATE" "$D" |
    "$PYTHON" -c 'import json,sys; print(sum(e["checks"] for e in json.load(sys.stdin)["timeline"]))')"
if [ "$par_fail" = 0 ] && [ "$after" = $((before + 8)) ]; then
    ok "8 checks at once: the file stays valid and counts all 8 ($before -> $after)"
else
    bad "8 checks at once: $par_fail failed, checks $before -> $after; $(cat "$TMP"/par*.err | head -c 300)"
fi
ls "$STATE" | grep -q 'tmp' && bad "temporary files left: $(ls "$STATE")" || ok "no temporary file left"

# ---- an unwritable state directory: the check runs and says so once ----
: >"$TMP/not-a-dir"
rc=0
"$MXRAY" check --state "$TMP/not-a-dir/state" "${ARGS[@]}" "$D" "$D" sub.$D \
    >"$TMP/unwritable.out" 2>"$TMP/unwritable.err" || rc=$?
n="$(grep -c 'state not kept' "$TMP/unwritable.err")"
if [ "$n" = 1 ] && grep -q "$D" "$TMP/unwritable.out" && [ "$rc" -lt 64 ]; then
    ok "unwritable state directory: checks ran (exit $rc), said once"
else
    bad "unwritable state directory: exit $rc, said $n times: $(head -c 300 "$TMP/unwritable.err")"
fi
rc=0
"$MXRAY" check --json --state "$TMP/not-a-dir/state" "${ARGS[@]}" "$D" >"$TMP/unw.json" \
    2>/dev/null || rc=$?
judge "$TMP/unw.json" '"not-a-dir" in h.get("error", "")' 'r["verdict"] == "pass"' &&
    [ "$rc" = 0 ] && ok "unwritable: JSON history.error, verdict unchanged" ||
    bad "unwritable: JSON (exit $rc)"
rc=0
"$MXRAY" check --no-state --json "${ARGS[@]}" "$D" >"$TMP/nostate.json" 2>&1 || rc=$?
judge "$TMP/nostate.json" 'r["history"] is None' && ok "--no-state: history null" ||
    bad "--no-state"

# ---- names that would leave the state directory ----
mkdir -p "$TMP/jail/state"
for name in "../escape" "../../etc/passwd" "a/../../b" "/etc/passwd" "..." ".hidden"; do
    rc=0
    "$MXRAY" check --state "$TMP/jail/state" "${ARGS[@]}" "$name" >/dev/null 2>&1 || rc=$?
    rc2=0
    "$MXRAY" history --state "$TMP/jail/state" "$name" >/dev/null 2>&1 || rc2=$?
    if [ "$rc" = 64 ] && [ "$rc2" = 64 ] && [ -z "$(ls -A "$TMP/jail/state")" ] &&
        [ "$(ls "$TMP/jail")" = state ]; then
        ok "name '$name' refused by check and history (64), nothing written"
    else
        bad "name '$name': check $rc, history $rc2, jail: $(ls -AR "$TMP/jail" | head -c 200)"
    fi
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
