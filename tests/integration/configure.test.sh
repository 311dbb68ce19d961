#!/usr/bin/env bash
# configure.test.sh - what a fresh machine's first build sees, without installing anything:
#   with Check hidden from pkg-config, a configure with MXRAY_TESTS=OFF (what `make build`
#   and `make demo` do on a new build directory) succeeds and defines no test, while
#   MXRAY_TESTS=ON fails, naming Check; `make demo` builds the mxray target alone; -Werror is
#   off by default and on in `make test`.
# Usage: bash configure.test.sh [MXRAY]   (the argument is ignored). Prints PASS/FAIL lines.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
passed=0
failed=0
ok() { echo "PASS $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }
TMP="$(mktemp -d "${TMPDIR:-/tmp}/configure-test.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

# Every .pc pkg-config knows, except check.pc.
mkdir "$TMP/pc"
IFS=: read -ra dirs <<<"$(pkg-config --variable pc_path pkg-config)"
for d in "${dirs[@]}"; do
    for f in "$d"/*.pc; do
        [ -e "$f" ] && [ "$(basename "$f")" != check.pc ] && ln -sf "$f" "$TMP/pc/"
    done
done
export PKG_CONFIG_LIBDIR="$TMP/pc"
pkg-config --exists check && bad "check.pc still visible" || ok "Check hidden from pkg-config"

cmake -S "$ROOT" -B "$TMP/off" -DMXRAY_TESTS=OFF >"$TMP/off.log" 2>&1 &&
    ok "no Check, MXRAY_TESTS=OFF: configure succeeds" ||
    bad "no Check, MXRAY_TESTS=OFF: configure failed: $(grep -A3 'CMake Error' "$TMP/off.log" | head -4)"
n=$(cd "$TMP/off" && ctest -N 2>/dev/null | sed -n 's/^Total Tests: //p')
[ "${n:-0}" = 0 ] && ok "... and defines no test" || bad "... but defines $n tests"
grep -q 'MXRAY_WERROR:BOOL=OFF' "$TMP/off/CMakeCache.txt" && ok "-Werror off by default" ||
    bad "MXRAY_WERROR is not OFF by default"

cmake -S "$ROOT" -B "$TMP/on" -DMXRAY_TESTS=ON >"$TMP/on.log" 2>&1 &&
    bad "no Check, MXRAY_TESTS=ON: configure succeeded" ||
    ok "no Check, MXRAY_TESTS=ON: configure fails"
grep -q 'needs Check' "$TMP/on.log" && ok "... naming Check" || bad "... without naming Check: $(tail -3 "$TMP/on.log")"

# The Makefile: a new build directory is configured without tests; demo builds mxray alone;
# test turns tests and -Werror on.
demo=$(make -C "$ROOT" -n demo BUILD="$TMP/fresh" 2>/dev/null)
grep -q -- '-DMXRAY_TESTS=OFF' <<<"$demo" && ok "make demo: a new build directory gets MXRAY_TESTS=OFF" ||
    bad "make demo does not configure without tests: $demo"
grep -q -- '--target mxray' <<<"$demo" && ok "make demo builds the mxray target only" ||
    bad "make demo builds more than mxray: $demo"
grep -q 'deps.sh build' <<<"$demo" && ! grep -q 'deps.sh test' <<<"$demo" &&
    ok "make demo installs the build packages only" || bad "make demo package list: $demo"
testrun=$(make -C "$ROOT" -n test BUILD="$TMP/fresh" 2>/dev/null)
grep -q -- '-DMXRAY_TESTS=ON -DMXRAY_WERROR=ON' <<<"$testrun" && grep -q 'deps.sh test' <<<"$testrun" &&
    ok "make test: test packages, MXRAY_TESTS=ON, MXRAY_WERROR=ON" || bad "make test: $testrun"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
