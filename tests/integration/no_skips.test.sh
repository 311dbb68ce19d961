#!/usr/bin/env bash
# no_skips.test.sh - .ci/no-skips, which makes CI fail when ctest skipped a test: a skipped
# test fails it (with the test's own reason printed), unless named as allowed; a file where
# nothing ran fails; every test run passes. The junit files are written the way ctest
# --output-junit writes them.
# Usage: bash no_skips.test.sh [MXRAY]   (the argument is ignored). Prints PASS/FAIL lines.
set -uo pipefail
NS="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.ci/no-skips"
passed=0
failed=0
ok() { echo "PASS $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
case_xml() { # NAME STATUS [OUTPUT]
    if [ "$2" = notrun ]; then
        printf '<testcase name="%s" status="notrun"><skipped message="SKIP_RETURN_CODE=77"/><system-out>%s</system-out></testcase>\n' "$1" "${3:-}"
    else
        printf '<testcase name="%s" status="%s"><system-out></system-out></testcase>\n' "$1" "$2"
    fi
}
junit() { # FILE CASE-XML...
    local f=$1
    shift
    { echo '<?xml version="1.0" encoding="UTF-8"?><testsuite name="x">'; printf '%s\n' "$@"; echo '</testsuite>'; } >"$f"
}
junit "$TMP/all.xml" "$(case_xml unit.a run)" "$(case_xml integration.b fail)"
junit "$TMP/skip.xml" "$(case_xml unit.a run)" "$(case_xml integration.tui notrun 'SKIP: tmux is not installed')"
junit "$TMP/none.xml" "$(case_xml integration.tui notrun 'SKIP: x')"

"$NS" "$TMP/all.xml" >/dev/null 2>&1 && ok "every test ran: exit 0" || bad "every test ran: not 0"
out=$("$NS" "$TMP/skip.xml" 2>&1)
rc=$?
[ "$rc" = 1 ] && ok "a skipped test: exit 1" || bad "a skipped test: exit $rc"
grep -q 'integration.tui: SKIP: tmux is not installed' <<<"$out" && ok "names it, with its reason" ||
    bad "no name or reason: $out"
"$NS" "$TMP/skip.xml" integration.tui >/dev/null 2>&1 && ok "an allowed skip: exit 0" ||
    bad "an allowed skip: not 0"
"$NS" "$TMP/skip.xml" integration.valgrind >/dev/null 2>&1 && bad "another allowed name let it pass" ||
    ok "allowing another test does not let it pass"
"$NS" "$TMP/none.xml" integration.tui >/dev/null 2>&1 && bad "nothing ran: exit 0" || ok "nothing ran: fails"
"$NS" "$TMP/missing.xml" >/dev/null 2>&1
rc=$?
[ "$rc" = 2 ] && ok "no file: exit 2" || bad "no file: exit $rc"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
