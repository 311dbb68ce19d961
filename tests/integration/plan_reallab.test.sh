#!/usr/bin/env bash
# plan_reallab.test.sh - `mxray plan` against real servers (tests/integration/lab: nsd,
# unbound, nginx, Postfix in a network namespace; scenario lab/plan_scenarios.txt).
#
# The times must follow the TTLs nsd serves (TXT 900 s, MX 1800 s) and the policy's max_age;
# --step N --verify must fail before and pass after the lab publishes each step: the policy
# file rewritten under nginx, the zone edited and nsd reloaded (SIGHUP). Plans: moving every
# MX to another name, adding an MX, enforce via testing, removal; a target without STARTTLS
# (real Postfix) blocks the plan.
# Usage: bash tests/integration/plan_reallab.test.sh /path/to/mxray
# Exit: 0 all passed, 1 something failed, 77 skipped (not root, no ip netns, a server missing).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MXRAY="${1:-}"
PYTHON="$(command -v /usr/bin/python3 || command -v python3 || true)"
skip() { echo "SKIP plan_reallab: $*"; exit 77; }
[ -n "$MXRAY" ] && [ -x "$MXRAY" ] || skip "usage: $0 /path/to/mxray"
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
command -v ip >/dev/null && ip netns list >/dev/null 2>&1 || skip "ip netns unavailable"
[ -n "$PYTHON" ] || skip "python3 not installed"
for b in nsd unbound nginx postfix dig openssl ss; do
    command -v "$b" >/dev/null || skip "$b not installed (run scripts/deps.sh test)"
done
MXRAY="$(cd "$(dirname "$MXRAY")" && pwd)/$(basename "$MXRAY")"

# shellcheck source=lab/lab.sh
source "$HERE/lab/lab.sh"
passed=0
failed=0
ok() { echo "PASS $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }

lab_up "$HERE/lab/plan_scenarios.txt" || { echo "FAIL lab did not come up"; exit 1; }
DOM="planmove.$LAB_TLD"
ZONE="$LAB_DIR/nsd/$LAB_TLD.zone"
POLICY="$LAB_DIR/www/planmove/.well-known/mta-sts.txt"
STATE="$LAB_DIR/state"
ORIG_ZONE="$(cat "$ZONE")"
ORIG_POLICY="$(cat "$POLICY")"

# plan ARGS - mxray plan inside the namespace, asking nsd itself (the zone's own TTLs).
plan() {
    lab_run timeout 60 "$MXRAY" plan --state "$STATE" --resolver "$LAB_NSD_ADDR" --timeout 5 \
        --ca-file "$LAB_CA" "$DOM" "$@"
}
expect_rc() {
    local want="$1" name="$2" rc
    shift 2
    "$@" >"$LAB_DIR/out" 2>"$LAB_DIR/err"
    rc=$?
    if [ "$rc" = "$want" ]; then ok "$name (exit $rc)"; else
        bad "$name: exit $rc, want $want: $(head -c 600 "$LAB_DIR/out" "$LAB_DIR/err")"
    fi
}
# py FILE CODE - assertions on a plan JSON; d(n) = step n's not_before - now.
py() {
    local name="$1" file="$2" code="$3" out
    if out="$("$PYTHON" - "$file" "$code" 2>&1 <<'PY'
import json, sys, datetime
p = json.load(open(sys.argv[1]))
t = lambda s: datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").timestamp()
def d(n): return int(t(p["steps"][n - 1]["not_before"]) - t(p["now"]))
acts = [s["action"] for s in p["steps"]]
step = lambda n: p["steps"][n - 1]
exec(sys.argv[2])
PY
    )"; then ok "$name"; else bad "$name: $out"; fi
}
field() { "$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["steps"][int(sys.argv[2])-1][sys.argv[3]] or "", end="")' "$@"; }

# publish_zone SED - edit the zone, reload nsd, wait until it answers the change (bounded).
publish_zone() {
    local expr="$1" probe_type="$2" probe_name="$3" want="$4" i
    sed -i "$expr" "$ZONE"
    touch -d "+2 seconds" "$ZONE" # nsd reloads when the mtime changed
    kill -HUP "$(cat "$LAB_DIR/nsd/nsd.pid")"
    for ((i = 0; i < 100; i++)); do
        ip netns exec "$LAB_NS" dig +short +norec "@$LAB_NSD_ADDR" "$probe_type" "$probe_name" |
            grep -qF -- "$want" && return 0
        sleep 0.1
    done
    bad "nsd did not serve the change ($expr)"
    return 1
}
reset_lab() {
    printf '%s\n' "$ORIG_ZONE" >"$ZONE"
    printf '%s' "$ORIG_POLICY" >"$POLICY"
    publish_zone 's/^$//' TXT "_mta-sts.$DOM" "id=20260101000000"
}

# ---- a target without STARTTLS (real Postfix, smtpd_tls_security_level=none) ----
expect_rc 2 "a target without STARTTLS blocks the plan" plan --json --mx "relay.$DOM"
cp "$LAB_DIR/out" "$LAB_DIR/relay.json"
py "no STARTTLS: fix it first" "$LAB_DIR/relay.json" '
assert p["blocked"] and any(n["code"] == "smtp.starttls_missing" and n["blocks"] for n in p["notes"]), p["notes"]'

# ---- adding an MX ----
expect_rc 0 "plan: add newmx" plan --json --mx "mail.$DOM" --mx "mail2.$DOM" --mx "newmx.$DOM"
cp "$LAB_DIR/out" "$LAB_DIR/add.json"
py "add: MX change after nsd's TXT TTL (900 s)" "$LAB_DIR/add.json" '
assert acts == ["publish_policy", "publish_sts_record", "change_mx"], acts
assert d(3) == 900 and p["live"]["txt_ttl"] == 900 and p["live"]["mx_ttl"] == 1800, (d(3), p["live"])'

# ---- via testing ----
expect_rc 0 "plan: via testing" plan --json --mx "newmx.$DOM" --via-testing --mode enforce
cp "$LAB_DIR/out" "$LAB_DIR/via.json"
py "via testing: the max_age before the MX change, a day before enforce" "$LAB_DIR/via.json" '
assert acts[2:5] == ["change_mx", "wait", "publish_policy"], acts
assert d(3) == 1209600 and d(5) == 1209600 + 86400, (d(3), d(5))'

# ---- removal, published step by step ----
expect_rc 0 "plan: remove" plan --json --remove
cp "$LAB_DIR/out" "$LAB_DIR/rm.json"
py "remove: delete after max_age, the policy after the TXT TTL" "$LAB_DIR/rm.json" '
assert acts == ["publish_policy", "publish_sts_record", "delete_sts_record", "delete_policy"], acts
assert d(3) == 1209600 and d(4) == 1209600 + 900, (d(3), d(4))'
expect_rc 2 "remove step 2 not live before" plan --remove --step 2 --verify
field "$LAB_DIR/rm.json" 1 policy >"$POLICY"
RMID="$(field "$LAB_DIR/rm.json" 2 id)"
publish_zone "s/id=20260101000000/id=$RMID/" TXT "_mta-sts.$DOM" "$RMID" &&
    expect_rc 0 "remove step 2 live after nginx and nsd publish it" plan --remove --step 2 --verify
reset_lab

# ---- moving every MX to newmx ----
expect_rc 0 "plan: move to newmx" plan --json --mx "newmx.$DOM"
cp "$LAB_DIR/out" "$LAB_DIR/move.json"
py "move: old+new first, exact names, times from nsd TTLs" "$LAB_DIR/move.json" '
assert acts == ["publish_policy", "publish_sts_record", "change_mx", "publish_policy", "publish_sts_record"], acts
for h in ("mail", "mail2", "newmx"):
    assert "mx: %s.planmove.lab.test\r\n" % h in step(1)["policy"], step(1)["policy"]
assert "*" not in step(1)["policy"] and "*" not in step(4)["policy"]
assert d(3) == 900 and d(4) == 900 + 1800, (d(3), d(4))'
for n in 1 4; do
    field "$LAB_DIR/move.json" "$n" policy >"$LAB_DIR/policy$n"
    expect_rc 0 "move: policy of step $n passes mxray lint policy" "$MXRAY" lint policy "$LAB_DIR/policy$n"
done
expect_rc 2 "move step 1 not live before" plan --mx "newmx.$DOM" --step 1 --verify
cp "$LAB_DIR/policy1" "$POLICY"
expect_rc 0 "move step 1 live once nginx serves it" plan --mx "newmx.$DOM" --step 1 --verify
ID2="$(field "$LAB_DIR/move.json" 2 id)"
expect_rc 2 "move step 2 not live before nsd serves the id" plan --mx "newmx.$DOM" --step 2 --verify
publish_zone "s/id=20260101000000/id=$ID2/" TXT "_mta-sts.$DOM" "$ID2" &&
    expect_rc 0 "move step 2 live" plan --mx "newmx.$DOM" --step 2 --verify
expect_rc 2 "move step 3 not live before the MX change" plan --mx "newmx.$DOM" --step 3 --verify
publish_zone "s/^@ 1800 IN MX 10 mail\$/@ 1800 IN MX 30 newmx/; /^@ 1800 IN MX 20 mail2\$/d" \
    MX "$DOM" "newmx" &&
    expect_rc 0 "move step 3 live after the MX change" plan --mx "newmx.$DOM" --step 3 --verify

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
