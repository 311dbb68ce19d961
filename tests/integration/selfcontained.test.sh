#!/usr/bin/env bash
# selfcontained.test.sh - one file is the whole program: a copy of the binary in an empty
# directory, run from there with no $MXRAY_ASSETS, lists and serves the teaching lab and
# checks a scenario through it. As root the source tree is also hidden (an empty tmpfs over
# it in a private mount namespace), so nothing can come from there. $MXRAY_ASSETS still
# overrides the built-in files.
# Usage: bash selfcontained.test.sh /path/to/mxray. Prints PASS/FAIL lines.
set -uo pipefail
MXRAY=${1:?usage: selfcontained.test.sh /path/to/mxray}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
passed=0
failed=0
ok() { echo "PASS $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }

TMP="$(mktemp -d "${TMPDIR:-/tmp}/selfcontained.XXXXXX")"
trap 'kill "$(cat "$TMP/lab.pid" 2>/dev/null)" 2>/dev/null; rm -rf "$TMP"' EXIT
mkdir "$TMP/jump"
cp "$MXRAY" "$TMP/jump/mxray"
want=$(find "$ROOT/assets/scenarios" -name '*.scn' | wc -l)

# The copy, with the cwd elsewhere and no override; the source tree hidden when we can.
hide=""
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null &&
    unshare -m --propagation private true 2>/dev/null; then
    hide=1
fi
run_copy() { # ARGS... (stdout, stderr and status of the copy)
    if [ -n "$hide" ]; then
        (cd "$TMP/jump" && echo "$BASHPID" >"$TMP/copy.pid" && exec env -u MXRAY_ASSETS unshare -m --propagation private \
            sh -c 'mount -t tmpfs none "$0" && ls -A "$0" | grep -q . && exit 99; exec "$@"' \
            "$ROOT" ./mxray "$@")
    else
        (cd "$TMP/jump" && echo "$BASHPID" >"$TMP/copy.pid" && exec env -u MXRAY_ASSETS ./mxray "$@")
    fi
}
if [ -n "$hide" ]; then
    echo "source tree hidden under a tmpfs for the copy's runs"
else
    echo "note: not root, the source tree stays visible (the binary has no path to it anyway)"
fi

list=$(run_copy demo --list 2>&1)
rc=$?
n=$(awk 'NR > 1 && NF == 0 { exit } NR > 1 { n++ } END { print n + 0 }' <<<"$list")
[ "$rc" = 0 ] && [ "$n" = "$want" ] && ok "copy: demo --list lists all $want scenarios" ||
    bad "copy: demo --list exit $rc, $n of $want scenarios: $(head -3 <<<"$list")"
grep -q '^all-good ' <<<"$list" && ok "copy: all-good listed" || bad "copy: no all-good"
# Lessons are assets too: the copy lists the built-in lesson and prints its handout.
run_copy lesson --list 2>&1 | grep -q '^mta-sts-101 ' && ok "copy: lesson --list" ||
    bad "copy: lesson --list lacks mta-sts-101"
[ "$(run_copy lesson --handout 2>/dev/null | grep -c '^## Case ')" -ge 10 ] &&
    ok "copy: lesson --handout, every case" || bad "copy: lesson --handout incomplete"

# The copy serves a scenario and checks it through its own lab (scenario files compiled in).
run_copy lab --env all-good >"$TMP/lab.env" 2>"$TMP/lab.err" &
lab=$!
for _ in $(seq 1 100); do grep -q '^MXRAY_LAB_READY=1' "$TMP/lab.env" 2>/dev/null && break; sleep 0.1; done
cp "$TMP/copy.pid" "$TMP/lab.pid" 2>/dev/null # the next run_copy writes copy.pid again
if grep -q '^MXRAY_LAB_READY=1' "$TMP/lab.env"; then
    resolver=$(sed -n 's/^MXRAY_LAB_RESOLVER=//p' "$TMP/lab.env")
    ca=$(sed -n 's/^MXRAY_LAB_CA=//p' "$TMP/lab.env")
    args=(--resolver "$resolver" --ca-file "$ca")
    while read -r m; do args+=(--connect-to "$m"); done < <(sed -n 's/^MXRAY_LAB_CONNECT_TO=//p' "$TMP/lab.env")
    out=$(run_copy check --json "${args[@]}" all-good.mxray.test 2>&1)
    rc=$?
    [ "$rc" = 0 ] && grep -q '"verdict": *"pass"' <<<"$out" &&
        ok "copy: lab all-good + check all-good: pass" ||
        bad "copy: check through its own lab: exit $rc $(head -c 300 <<<"$out")"
else
    bad "copy: lab --env all-good did not come up: $(head -3 "$TMP/lab.err")"
fi
# The copy runs in a subshell of the background job: stop the copy itself (exec keeps its pid).
kill "$(cat "$TMP/lab.pid")" "$lab" 2>/dev/null
wait "$lab" 2>/dev/null

# No path into the source tree's assets is compiled in.
if grep -qaF "$ROOT/assets" "$MXRAY"; then
    bad "the binary names $ROOT/assets"
else
    ok "the binary names no source-tree asset path"
fi

# $MXRAY_ASSETS still overrides: a directory with one scenario lists only that one.
mkdir -p "$TMP/own/scenarios"
sed 's/^summary:.*/summary: my own all-good/' "$ROOT/assets/scenarios/all-good.scn" \
    >"$TMP/own/scenarios/mine.scn"
list=$(cd "$TMP/jump" && MXRAY_ASSETS="$TMP/own" ./mxray demo --list 2>&1)
n=$(awk 'NR > 1 && NF == 0 { exit } NR > 1 { n++ } END { print n + 0 }' <<<"$list")
[ "$n" = 1 ] && grep -q '^mine .*my own all-good' <<<"$list" &&
    ok "MXRAY_ASSETS overrides: only its own scenario listed" ||
    bad "MXRAY_ASSETS override: $(head -3 <<<"$list")"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
