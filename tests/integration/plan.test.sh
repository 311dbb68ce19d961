#!/usr/bin/env bash
# plan.test.sh - `mxray plan` against the built-in lab (scenario migrate-to-exo): the steps and
# their times from the TTLs and max_age the lab serves (TXT 900 s, MX 1800 s, max_age
# 1209600 s), every policy text through `mxray lint policy`, ids, and `--step N --verify`
# before and after the lab publishes each step (mxray lab --policy/--sts-record/--mx/--no-*).
# Plans: moving every MX to an Exchange-Online-style tenant host, adding an MX, enforce via
# testing, removal; bad targets: an IP address, a name that does not resolve, a host without
# STARTTLS. No root needed.
# Usage: bash tests/integration/plan.test.sh /path/to/mxray
# Exit: 0 all passed, 1 something failed.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export MXRAY_ASSETS="${MXRAY_ASSETS:-$ROOT/assets}"
MXRAY="${1:?usage: $0 /path/to/mxray}"
PYTHON="$(command -v /usr/bin/python3 || command -v python3)" || {
    echo "SKIP plan: python3 missing"
    exit 77
}
DOM=migrate-to-exo.mxray.test
TENANT=migrate-to-exo-mxray-test.mail.protection.mxray.test
passed=0
failed=0
ok() { echo "PASS $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }

TMP="$(mktemp -d "${TMPDIR:-/tmp}/plan-test.XXXXXX")"
LAB_PID=
lab_down() {
    if [ -n "$LAB_PID" ]; then
        kill -INT "$LAB_PID" 2>/dev/null
        wait "$LAB_PID" 2>/dev/null
        LAB_PID=
    fi
}
trap 'lab_down; rm -rf "$TMP"' EXIT

# lab_up [PUBLISH...] - serve migrate-to-exo (with a published step); sets LABARGS.
lab_up() {
    lab_down
    "$MXRAY" lab --env "$@" migrate-to-exo >"$TMP/env" 2>"$TMP/lab.err" &
    LAB_PID=$!
    for _ in $(seq 1 300); do
        grep -q '^MXRAY_LAB_READY=1' "$TMP/env" && break
        kill -0 "$LAB_PID" 2>/dev/null || break
        sleep 0.1
    done
    if ! grep -q '^MXRAY_LAB_READY=1' "$TMP/env"; then
        bad "lab did not start ($*): $(head -c 300 "$TMP/lab.err")"
        return 1
    fi
    LABARGS=(--timeout 5 --resolver "$(sed -n 's/^MXRAY_LAB_RESOLVER=//p' "$TMP/env")"
        --ca-file "$(sed -n 's/^MXRAY_LAB_CA=//p' "$TMP/env")")
    while read -r m; do LABARGS+=(--connect-to "$m"); done \
        < <(sed -n 's/^MXRAY_LAB_CONNECT_TO=//p' "$TMP/env")
}

plan() { "$MXRAY" plan --state "$TMP/state" "${LABARGS[@]}" "$DOM" "$@"; }

# expect_rc WANT NAME CMD... - run CMD, compare its exit status.
expect_rc() {
    local want="$1" name="$2" rc
    shift 2
    "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [ "$rc" = "$want" ]; then
        ok "$name (exit $rc)"
    else
        bad "$name: exit $rc, want $want: $(head -c 400 "$TMP/out" "$TMP/err")"
    fi
}

# check_plan NAME FILE PYTHON-ASSERTIONS - p is the plan, d(n) = not_before of step n - now.
check_plan() {
    local name="$1" file="$2" code="$3" out
    if out="$("$PYTHON" - "$file" "$code" 2>&1 <<'EOF'
import json, re, sys, datetime
p = json.load(open(sys.argv[1]))
t = lambda s: datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").timestamp()
def d(n): return int(t(p["steps"][n - 1]["not_before"]) - t(p["now"]))
acts = [s["action"] for s in p["steps"]]
assert p["schema"] == "mxray.plan.v1", p["schema"]
for s in p["steps"]:
    assert set(["n", "action", "not_before", "why", "policy", "sts_record", "mx"]) <= set(s)
    if s["action"] == "publish_sts_record":
        assert re.fullmatch(r"v=STSv1; id=[A-Za-z0-9]{1,32}", s["sts_record"]), s
        assert s["policy"] is None and s["mx"] is None
    if s["action"] == "change_mx":
        assert all(set(m) == {"host", "preference"} for m in s["mx"])
ids = [s["id"] for s in p["steps"] if s["id"]]
assert len(ids) == len(set(ids)) and "20260101000000" not in ids, ids
exec(sys.argv[2])
EOF
    )"; then ok "$name"; else bad "$name: $out"; fi
}

# policy_of N FILE - the policy text of step N into $TMP/policyN
policy_of() {
    "$PYTHON" -c 'import json,sys; sys.stdout.write(json.load(open(sys.argv[1]))["steps"][int(sys.argv[2])-1]["policy"])' "$2" "$1" >"$TMP/policy$1"
}
field_of() {
    "$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["steps"][int(sys.argv[2])-1][sys.argv[3]])' "$2" "$1" "$3"
}

lint_all() {
    local file="$1" name="$2" n
    for n in $("$PYTHON" -c 'import json,sys; print(" ".join(str(s["n"]) for s in json.load(open(sys.argv[1]))["steps"] if s["policy"]))' "$file"); do
        policy_of "$n" "$file"
        expect_rc 0 "$name: policy of step $n passes mxray lint policy" \
            "$MXRAY" lint policy "$TMP/policy$n"
    done
}

lab_up || exit 1

# ---- bad targets ----
expect_rc 64 "an IP address as --mx is a usage error" plan --mx 192.0.2.25
grep -q "not an address" "$TMP/err" && ok "it says why" || bad "no reason: $(cat "$TMP/err")"
expect_rc 64 "an IPv6 address too" plan --mx 2001:db8::25
expect_rc 64 "--remove with --mx" plan --remove --mx "mail.$DOM"
expect_rc 64 "no target" plan
expect_rc 64 "--verify without a saved plan" "$MXRAY" plan --state "$TMP/none" "${LABARGS[@]}" \
    "$DOM" --mx "$TENANT" --step 1 --verify
expect_rc 1 "a name that does not resolve is planned with a warning" \
    plan --json --mx "nosuch.$DOM"
cp "$TMP/out" "$TMP/nores.json"
check_plan "unresolved target: steps and a mx.resolve note" "$TMP/nores.json" '
assert acts[:3] == ["publish_policy", "publish_sts_record", "change_mx"], acts
assert any(n["code"] == "mx.resolve" and n["subject"] == "nosuch.'"$DOM"'" for n in p["notes"])
assert not p["blocked"]'
expect_rc 2 "a target without STARTTLS blocks the plan" plan --json --mx "relay.$DOM"
cp "$TMP/out" "$TMP/relay.json"
check_plan "no STARTTLS: fix it first" "$TMP/relay.json" '
assert p["blocked"] is True
assert any(n["code"] == "smtp.starttls_missing" and n["blocks"] for n in p["notes"])'
expect_rc 2 "the text plan says to fix it first" plan --mx "relay.$DOM"
grep -q "FIX FIRST" "$TMP/out" && ok "text: [FIX FIRST]" || bad "text lacks FIX FIRST"

# ---- adding an MX ----
expect_rc 0 "plan: add mx3" plan --json --mx "mail.$DOM" --mx "mail2.$DOM" --mx "mx3.$DOM"
cp "$TMP/out" "$TMP/add.json"
check_plan "add an MX: policy + id now, MX change after the TXT TTL (900 s)" "$TMP/add.json" '
assert acts == ["publish_policy", "publish_sts_record", "change_mx"], acts
assert d(1) == 0 and d(2) == 0 and d(3) == 900, [d(1), d(2), d(3)]
pol = p["steps"][0]["policy"]
for h in ("mail", "mail2", "mx3"):
    assert "mx: %s.'"$DOM"'\r\n" % h in pol, pol
assert "mode: enforce\r\n" in pol and "max_age: 1209600\r\n" in pol
assert [(m["host"], m["preference"]) for m in p["steps"][2]["mx"]] == [
    ("mail.'"$DOM"'", 10), ("mail2.'"$DOM"'", 20), ("mx3.'"$DOM"'", 30)]
assert p["live"]["txt_ttl"] == 900 and p["live"]["mx_ttl"] == 1800'
lint_all "$TMP/add.json" "add"

# ---- enforce via testing ----
expect_rc 0 "plan: via testing" plan --json --mx "$TENANT" --via-testing --mode enforce
cp "$TMP/out" "$TMP/via.json"
check_plan "via testing: the enforce max_age is waited out, a day of reports, then enforce" \
    "$TMP/via.json" '
assert acts == ["publish_policy", "publish_sts_record", "change_mx", "wait", "publish_policy",
                "publish_sts_record"], acts
assert "mode: testing\r\n" in p["steps"][0]["policy"]
assert d(3) == 1209600 and d(4) == 1209600 and d(5) == 1209600 + 86400, [d(3), d(4), d(5)]
assert "mode: enforce\r\n" in p["steps"][4]["policy"]'
lint_all "$TMP/via.json" "via testing"

# ---- removal ----
expect_rc 0 "plan: remove" plan --json --remove
cp "$TMP/out" "$TMP/remove.json"
check_plan "removal: mode none + new id now, delete after max_age, policy after the TXT TTL" \
    "$TMP/remove.json" '
assert acts == ["publish_policy", "publish_sts_record", "delete_sts_record", "delete_policy"], acts
assert p["steps"][0]["policy"] == "version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n"
assert d(1) == 0 and d(2) == 0 and d(3) == 1209600 and d(4) == 1209600 + 900'
lint_all "$TMP/remove.json" "remove"
expect_rc 2 "removal step 2 is not live before the lab publishes it" plan --remove --step 2 --verify
policy_of 1 "$TMP/remove.json"
lab_up --policy "$TMP/policy1" --sts-record "$(field_of 2 "$TMP/remove.json" sts_record)" || exit 1
expect_rc 0 "removal step 2 is live once the lab publishes it" plan --remove --step 2 --verify
expect_rc 2 "removal step 3 is not live yet (TXT still there)" plan --remove --step 3 --verify
lab_up --no-sts-record --no-policy || exit 1
expect_rc 0 "removal step 4 is live once the lab deletes both" plan --remove --step 4 --verify

# ---- the history of earlier checks (issue 13's state): the longest max_age seen ----
lab_up || exit 1
expect_rc 0 "a check keeps the state (max_age 1209600 seen)" \
    "$MXRAY" check --state "$TMP/hist" "${LABARGS[@]}" "$DOM"
printf 'version: STSv1\r\nmode: enforce\r\nmx: mail.%s\r\nmx: mail2.%s\r\nmax_age: 86400\r\n' \
    "$DOM" "$DOM" >"$TMP/short"
lab_up --policy "$TMP/short" --sts-record "v=STSv1; id=20260102000000" || exit 1
expect_rc 0 "plan: remove, with the history" "$MXRAY" plan --state "$TMP/hist" --json \
    "${LABARGS[@]}" "$DOM" --remove
cp "$TMP/out" "$TMP/hist.json"
check_plan "removal waits the longest max_age seen (the history), not the live one" \
    "$TMP/hist.json" '
assert acts[2] == "delete_sts_record", acts
assert 1209600 - 5 <= d(3) <= 1209600 + 5, d(3)
assert p["live"]["max_age"] >= 1209600 - 5, p["live"]'
expect_rc 0 "plan: remove, without history (--no-state)" "$MXRAY" plan --no-state --json \
    "${LABARGS[@]}" "$DOM" --remove
cp "$TMP/out" "$TMP/nohist.json"
check_plan "without the history only the live max_age counts" "$TMP/nohist.json" '
assert d(3) == 86400, d(3)'

# ---- moving every MX to Exchange Online (last: the saved plan is this one) ----
lab_up || exit 1
expect_rc 0 "plan: move every MX to the tenant host" plan --json --mx "$TENANT"
cp "$TMP/out" "$TMP/exo.json"
check_plan "EXO: wildcard pattern, old+new before the change, TTL times" "$TMP/exo.json" '
assert acts == ["publish_policy", "publish_sts_record", "change_mx", "publish_policy",
                "publish_sts_record"], acts
first, final = p["steps"][0]["policy"], p["steps"][3]["policy"]
for pat in ("mail.'"$DOM"'", "mail2.'"$DOM"'", "*.mail.protection.mxray.test"):
    assert "mx: " + pat + "\r\n" in first, first
assert final == "version: STSv1\r\nmode: enforce\r\nmx: *.mail.protection.mxray.test\r\nmax_age: 1209600\r\n", final
assert d(3) == 900 and d(4) == 900 + 1800 and d(5) == 900 + 1800, [d(3), d(4), d(5)]
assert p["steps"][2]["mx"] == [{"host": "'"$TENANT"'", "preference": 30}], p["steps"][2]["mx"]
assert "*" not in "".join(m for m in first.split("\r\n") if "mxray.test" in m and "protection" not in m)'
lint_all "$TMP/exo.json" "EXO"
expect_rc 0 "the text plan of the same target" plan --mx "$TENANT"
grep -q "Step 3  Change the MX records" "$TMP/out" && ok "text: step 3 changes the MX" \
    || bad "text: no step 3"
# the text run saved a new plan (new ids): keep the JSON one for the lab steps below
expect_rc 0 "plan: JSON again (the saved plan)" plan --json --mx "$TENANT"
cp "$TMP/out" "$TMP/exo.json"
expect_rc 64 "--verify for another target than the saved plan" \
    plan --mx "mx3.$DOM" --step 1 --verify
expect_rc 2 "step 1 is not live before the lab publishes it" plan --mx "$TENANT" --step 1 --verify
grep -q "lacks mx: \*.mail.protection.mxray.test" "$TMP/out" && ok "it says what is missing" \
    || bad "no reason: $(cat "$TMP/out")"
policy_of 1 "$TMP/exo.json"
policy_of 4 "$TMP/exo.json"
ID2="$(field_of 2 "$TMP/exo.json" sts_record)"
ID5="$(field_of 5 "$TMP/exo.json" sts_record)"
lab_up --policy "$TMP/policy1" || exit 1
expect_rc 0 "step 1 is live once the lab serves its policy" plan --mx "$TENANT" --step 1 --verify
expect_rc 2 "step 2 is not live yet (old id)" plan --mx "$TENANT" --step 2 --verify
lab_up --policy "$TMP/policy1" --sts-record "$ID2" || exit 1
expect_rc 0 "step 2 is live with the new id" plan --mx "$TENANT" --step 2 --verify
expect_rc 0 "step 2 verify as JSON" plan --mx "$TENANT" --step 2 --verify --json
"$PYTHON" -c 'import json,sys; v=json.load(open(sys.argv[1])); assert v["schema"]=="mxray.plan.verify.v1" and v["live"] is True and v["reasons"]==[]' "$TMP/out" \
    && ok "verify JSON: live, no reasons" || bad "verify JSON: $(cat "$TMP/out")"
expect_rc 2 "step 3 is not live yet (old MX)" plan --mx "$TENANT" --step 3 --verify
lab_up --policy "$TMP/policy1" --sts-record "$ID2" --mx "30 $TENANT." || exit 1
expect_rc 0 "step 3 is live after the MX change" plan --mx "$TENANT" --step 3 --verify
lab_up --policy "$TMP/policy4" --sts-record "$ID5" --mx "30 $TENANT." || exit 1
expect_rc 0 "step 5 is live: the final policy and id" plan --mx "$TENANT" --step 5 --verify
expect_rc 64 "a step the plan does not have" plan --mx "$TENANT" --step 9 --verify

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
