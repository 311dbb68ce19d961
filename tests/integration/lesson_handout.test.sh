#!/usr/bin/env bash
# lesson_handout.test.sh - `mxray lesson --handout` writes Markdown with a section per case of
# the lesson (question, choices, commands, room for notes) and the answers only in the
# appendix: before it no right answer, no problem code, no lesson text ("How to fix it"); in
# it an answer for every case with the problems' explanations. Bad names fail cleanly.
# Usage: bash lesson_handout.test.sh /path/to/mxray
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export MXRAY_ASSETS="${MXRAY_ASSETS:-$HERE/../../assets}"
MXRAY=${1:?usage: lesson_handout.test.sh /path/to/mxray}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lesson-handout.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failed=0
ok() { echo "PASS $*"; }
bad() { echo "FAIL $*"; failed=1; }

"$MXRAY" lesson --handout >"$TMP/h.md" 2>"$TMP/err" && ok "handout written" ||
    { cat "$TMP/err"; bad "mxray lesson --handout failed"; exit 1; }
CASES=$(grep -c '^\[case\]' "$MXRAY_ASSETS/lessons/mta-sts-101.lesson")
[ "$CASES" -ge 10 ] && ok "the default lesson has $CASES cases" || bad "only $CASES cases"

APX=$(grep -n '^## Appendix: answers$' "$TMP/h.md" | cut -d: -f1)
[ -n "$APX" ] && [ "$(grep -c '^## Appendix' "$TMP/h.md")" = 1 ] && ok "one appendix" || bad "no single appendix"
head -n "$((APX - 1))" "$TMP/h.md" >"$TMP/body"
tail -n "+$APX" "$TMP/h.md" >"$TMP/apx"

for i in $(seq 1 "$CASES"); do
    sec=$(awk -v h="## Case $i" '$0 == h { on = 1; next } /^## / { on = 0 } on' "$TMP/body")
    grep -q '^\*\*Question\.\*\*' <<<"$sec" && grep -q '^1\. ' <<<"$sec" && grep -q '^2\. ' <<<"$sec" &&
        grep -q "^dig .*case$i\.mxray\.test" <<<"$sec" && grep -q '^\*\*Notes:\*\*' <<<"$sec" ||
        bad "case $i: section lacks question, choices, commands or notes"
    grep -q "^### Case $i: answer [1-4]$" "$TMP/apx" || bad "case $i: no answer in the appendix"
done
ok "a section per case and an answer per case"

# Nothing before the appendix gives an answer away.
CODES=$("$MXRAY" --list-problems | grep -o '`[a-z]*\.[a-z_.]*`' | tr -d '`' | sort -u)
[ -n "$CODES" ] || bad "no problem codes listed"
leak=0
for c in $CODES; do grep -qF "$c" "$TMP/body" && { echo "  code $c before the appendix"; leak=1; }; done
grep -Eq 'answer [1-4]|How to fix it|What is going on|What mxray reports' "$TMP/body" && leak=1
grep -Eq 'expired-second-mx|two-txt-records|dane-rotated' "$TMP/body" && { echo "  a scenario name"; leak=1; }
[ $leak = 0 ] && ok "no answer, code, fix or scenario name before the appendix" || bad "the case sections give answers away"
grep -q 'How to fix it' "$TMP/apx" && grep -q '`sts.record.multiple`' "$TMP/apx" &&
    ok "the appendix explains (lesson text, problem codes with RFC sections)" || bad "appendix lacks explanations"

"$MXRAY" lesson --handout no-such-lesson >/dev/null 2>"$TMP/err"
[ $? = 64 ] && grep -q 'unknown lesson' "$TMP/err" && ok "unknown lesson: usage error" || bad "unknown lesson not refused"
"$MXRAY" lesson --handout ../etc >/dev/null 2>&1
[ $? = 64 ] && ok "path-like lesson name refused" || bad "path-like name accepted"
exit $failed
