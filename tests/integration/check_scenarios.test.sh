#!/usr/bin/env bash
# check_scenarios.test.sh - `mxray check --json` against real servers, one run per lab scenario.
#
# Brings the real-server lab up once (tests/integration/lab: nsd, unbound, nginx, Postfix in a
# network namespace, throwaway CA) and runs, inside the namespace,
#   mxray check --json --timeout 5 --ca-file LAB_CA NAME.lab.test
# for every scenario of lab/scenarios.txt. lab/assert_report.py checks the JSON shape (contract
# mxray.report.v1), the verdict, the exit status and the problem codes; the text report (same
# command without --json) must exit with the same status. Prints one line per
# scenario (PASS/FAIL NAME: details) and "N passed, N failed" last.
# Usage: bash tests/integration/check_scenarios.test.sh /path/to/mxray
#   MXRAY_LAB_SCENARIOS="good nullmx"  run only these scenarios
#   LAB_KEEP=1                         keep the lab directory (reports in results/) afterwards
# Exit: 0 all passed, 1 a scenario failed, the lab did not come up or the binary lacks
# `check --json`, 77 skipped (not root, no ip netns, a server not installed).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SCENARIOS="$HERE/lab/scenarios.txt"
ASSERT="$HERE/lab/assert_report.py"
PROBLEM_TABLE="$ROOT/src/problem_table.h"
PER_RUN_LIMIT=120   # seconds; a hung check fails its scenario instead of the whole test

# Prefer the system interpreter: a pyenv shim on PATH costs seconds per call.
PYTHON="$(command -v /usr/bin/python3 || command -v python3 || true)"

# skip - print why the test cannot run here and exit 77.
skip() {
    echo "SKIP check_scenarios: $*"
    exit 77
}

# preflight - fail unless the binary can check; skip unless root with every lab tool present.
preflight() {
    local mxray="$1" help b
    if [ -z "$mxray" ] || [ ! -x "$mxray" ]; then
        echo "FAIL check_scenarios: usage: $0 /path/to/mxray (got '${mxray}')"
        exit 1
    fi
    if ! help="$("$mxray" check --help 2>&1)" || ! grep -q -- '--json' <<<"$help"; then
        echo "FAIL check_scenarios: 'mxray check --help' fails or lacks --json"
        exit 1
    fi
    [ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
    if ! command -v ip >/dev/null || ! ip netns list >/dev/null 2>&1; then
        skip "ip netns unavailable"
    fi
    [ -n "$PYTHON" ] || skip "python3 not installed"
    for b in nsd unbound nginx postfix dig openssl ss; do
        command -v "$b" >/dev/null || skip "$b not installed (run scripts/deps.sh test)"
    done
}

# run_scenario - check NAME.lab.test with mxray inside the lab and print its PASS/FAIL line.
run_scenario() {
    local mxray="$1" name="$2" out err rc trc msg
    out="$LAB_DIR/results/$name.json"
    err="$LAB_DIR/results/$name.stderr"
    rc=0
    lab_run timeout "$PER_RUN_LIMIT" "$mxray" check --json --timeout 5 --ca-file "$LAB_CA" \
        "$name.$LAB_TLD" >"$out" 2>"$err" || rc=$?
    if [ "$rc" = 124 ]; then
        echo "FAIL $name: mxray did not finish within $PER_RUN_LIMIT s"
        return 1
    fi
    if msg="$("$PYTHON" "$ASSERT" --scenarios "$SCENARIOS" --problem-table "$PROBLEM_TABLE" \
            --name "$name" --json "$out" --exit "$rc" 2>&1)"; then
        # The text report is another face of the same report: same exit status.
        trc=0
        lab_run timeout "$PER_RUN_LIMIT" "$mxray" check --timeout 5 --ca-file "$LAB_CA" \
            "$name.$LAB_TLD" >"$LAB_DIR/results/$name.txt" 2>&1 || trc=$?
        if [ "$trc" = "$rc" ]; then
            echo "PASS $name: $msg"
            return 0
        fi
        msg="JSON run passed, but the text run exited $trc instead of $rc"
    fi
    if [ -s "$err" ]; then
        msg+=" | stderr: $(head -c 300 "$err" | tr '\n' ' ')"
    fi
    echo "FAIL $name: $msg"
    return 1
}

# compare_labs - the built-in lab must agree with the real one on every pair in pairs.txt:
# same verdict, same error and warning codes. Uses the real-lab results already in
# $LAB_DIR/results. Prints PASS/FAIL lines; returns the number of failures in LABS_FAILED.
compare_labs() {
    local mxray="$1" env="$LAB_DIR/builtin.env" real built args=() maps=() pid i line
    LABS_PASSED=0 LABS_FAILED=0
    local -a pairs=()
    while read -r real built; do
        [ -z "$real" ] || [ "${real:0:1}" = "#" ] || pairs+=("$real:$built")
    done <"$HERE/lab/pairs.txt"
    "$mxray" lab --env >"$env" 2>"$LAB_DIR/builtin.err" &
    pid=$!
    # Whatever ends this script from here on stops the built-in lab too (lab_up's trap only
    # knows the namespace).
    BUILTIN_LAB_PID=$pid
    trap 'kill -INT "$BUILTIN_LAB_PID" 2>/dev/null; lab_down' EXIT
    for ((i = 0; i < 100; i++)); do
        grep -q '^MXRAY_LAB_READY=1' "$env" 2>/dev/null && break
        sleep 0.1
    done
    if ! grep -q '^MXRAY_LAB_READY=1' "$env"; then
        kill "$pid" 2>/dev/null
        echo "FAIL labs agree: the built-in lab did not start: $(head -c 200 "$LAB_DIR/builtin.err")"
        LABS_FAILED=1
        return
    fi
    local common=(--json --timeout 5 --resolver "$(sed -n 's/^MXRAY_LAB_RESOLVER=//p' "$env")"
                  --ca-file "$(sed -n 's/^MXRAY_LAB_CA=//p' "$env")")
    for i in "${pairs[@]}"; do
        real="${i%%:*}" built="${i#*:}"
        # MXRAY_LAB_SCENARIO=NAME DOMAIN MAP,MAP,...: only the mappings this scenario needs
        args=("${common[@]}")
        line="$(sed -n "s/^MXRAY_LAB_SCENARIO=$built //p" "$env" | awk '{print $2}')"
        IFS=, read -r -a maps <<<"$line"
        for line in "${maps[@]}"; do args+=(--connect-to "$line"); done
        timeout "$PER_RUN_LIMIT" "$mxray" check "${args[@]}" "$built.mxray.test" \
            >"$LAB_DIR/results/builtin-$built.json" 2>"$LAB_DIR/results/builtin-$built.err" || true
        if line="$("$PYTHON" "$HERE/lab/compare_labs.py" "$LAB_DIR/results/$real.json" \
                "$LAB_DIR/results/builtin-$built.json" 2>&1)"; then
            echo "PASS labs agree $real = $built: $line"
            LABS_PASSED=$((LABS_PASSED + 1))
        else
            echo "FAIL labs agree $real = $built: $line"
            LABS_FAILED=$((LABS_FAILED + 1))
        fi
    done
    kill -INT "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
    trap 'lab_down' EXIT
}

# main - bring the lab up once, run every (selected) scenario, print the totals.
main() {
    local mxray="${1:-}" name passed=0 failed=0 selected=()
    [ -n "$mxray" ] && [ -e "$mxray" ] && mxray="$(realpath "$mxray")"
    preflight "$mxray"
    # shellcheck source-path=SCRIPTDIR source=lab/lab.sh
    source "$HERE/lab/lab.sh"
    lab_up "$SCENARIOS" || { echo "FAIL lab: the lab did not come up"; echo "0 passed, 1 failed"; exit 1; }
    mkdir -p "$LAB_DIR/results"
    if [ -n "${MXRAY_LAB_SCENARIOS:-}" ]; then
        read -r -a selected <<<"$MXRAY_LAB_SCENARIOS"
    else
        selected=("${LAB_SCENARIOS[@]}")
    fi
    for name in "${selected[@]}"; do
        if run_scenario "$mxray" "$name"; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
        fi
    done
    if [ -z "${MXRAY_LAB_SCENARIOS:-}" ]; then
        compare_labs "$mxray"
        passed=$((passed + LABS_PASSED)) failed=$((failed + LABS_FAILED))
    fi
    echo "$passed passed, $failed failed"
    [ "$failed" = 0 ]
}

main "$@"
