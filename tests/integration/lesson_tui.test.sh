#!/bin/bash
# lesson_tui.test.sh - `mxray lesson` in tmux, as a class would use it, on a lesson written for
# the test (a teacher's own: MXRAY_ASSETS points at a copy of assets/ with it added):
#  1. before an answer the screen shows no problem code, no fix and no verdict word, on the
#     main screen, beside every row of the walk-through, in the detail pane; the matrix waits;
#  2. a wrong answer says so and reveals the problem (code, explanation, RFC section, fix) and
#     the lesson text; the walk-through then shows the verdict;
#  3. n: case 2, a fix-it case: an invalid edit (EDITOR is a script) comes back as the lint's
#     messages line by line; a valid one makes the lab serve it and the check turns green;
#  4. the right answer; n at the end shows the score;
#  5. mxray demo --no-spoilers: the picker shows names without summaries;
#  6. mxray demo --editable SCENARIO: E fixes it there too.
# Usage: bash lesson_tui.test.sh /path/to/mxray   (exit 77 = tmux missing)
set -u
BIN=${1:?usage: lesson_tui.test.sh /path/to/mxray}
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v tmux >/dev/null 2>&1 || { echo "SKIP: tmux is not installed"; exit 77; }

WORK=$(mktemp -d)
SOCK="$WORK/tmux.sock"
S=lesson
T() { tmux -u -S "$SOCK" "$@"; }
cleanup() { T kill-server >/dev/null 2>&1; rm -rf "$WORK"; }
trap cleanup EXIT

cp -r "$HERE/../../assets" "$WORK/assets"
cat >"$WORK/assets/lessons/t.lesson" <<'LESSON'
title: Test class
[case]
scenario: expired-second-mx
question: Which server would an enforcing sender refuse?
choice: mx1
choice: mx2
choice: both
answer: 2
[case]
scenario: policy-no-max-age
question: What is the fix?
choice: add max_age
choice: remove mx
answer: 1
edit: yes
LESSON
# The editor: the first run breaks the policy (a bad mode), the second adds max_age.
cat >"$WORK/editor" <<'ED'
#!/bin/sh
n=$(cat "$0.count" 2>/dev/null || echo 0); echo $((n + 1)) >"$0.count"
cp "$1" "$0.seen"
if [ "$n" = 0 ]; then
    sed -i 's/^mode: enforce/mode: enforcing/' "$1"
else
    printf 'max_age: 604800\n' >>"$1"
fi
ED
chmod +x "$WORK/editor"

fail() {
    echo "FAIL: $*"
    echo "---- screen ----"
    cat "$WORK/screen" 2>/dev/null
    exit 1
}
ok() { echo "PASS $*"; }
screen() { T capture-pane -p -t "$S" >"$WORK/screen" 2>/dev/null; }
wait_for() {
    local pat=$1 secs=${2:-15} i
    for ((i = 0; i < secs * 20; i++)); do
        screen
        grep -Eq -- "$pat" "$WORK/screen" && return 0
        sleep 0.05
    done
    fail "timed out after ${secs}s waiting for /$pat/"
}
keys() { T send-keys -t "$S" "$@"; }
start() {
    local _
    for _ in 1 2 3 4 5; do
        T kill-server >/dev/null 2>&1
        T new-session -d -s "$S" -x 110 -y 34 \
            "cd '$WORK' && env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color MXRAY_ASSETS='$WORK/assets' EDITOR='$WORK/editor' $*; echo MXRAY-EXITED \$?; sleep 60" &&
            T has-session -t "$S" 2>/dev/null && return 0
        sleep 0.2
    done
    fail "tmux would not start a session"
}
CODES=$("$BIN" --list-problems | grep -o '`[a-z]*\.[a-z_.]*`' | tr -d '`' | sort -u)
[ -n "$CODES" ] || fail "no problem codes listed"
# no_spoilers WHERE - the screen shows no code, fix or verdict word.
no_spoilers() {
    local c
    for c in $CODES; do grep -qF "$c" "$WORK/screen" && fail "$1: problem code $c before the answer"; done
    grep -Eiq '\b(pass|fail|warn|warning|error|fix|deliver|NOT deliver)\b|✗|✓' "$WORK/screen" &&
        fail "$1: a verdict word or fix before the answer"
    ok "$1: no problem code, fix or verdict word before the answer"
}

start "'$BIN' lesson t"
wait_for "Case 1 of 2: case1\.mxray\.test"
wait_for "walk-through is complete" 30
screen
grep -q "Which server would an enforcing sender refuse" "$WORK/screen" || fail "no question"
grep -q "2  mx2" "$WORK/screen" || fail "no choices"
grep -q "expired-second-mx" "$WORK/screen" && fail "the scenario name shows"
no_spoilers "main screen"
# every row of the walk-through, its detail beside it
for row in $(seq 1 14); do
    keys Down
    sleep 0.15
    screen
    no_spoilers "row $row" >/dev/null
done
ok "no row's detail shows a problem code, fix or verdict word before the answer"
keys Home # an escape sequence (ESC [ 1 ~ in tmux): its digit must not answer
sleep 0.3
screen
grep -q "Not quite\|Right:" "$WORK/screen" && fail "an escape sequence answered the question"
keys g
# mx2's host row, the detail pane focused
for _ in $(seq 1 9); do keys Down; done
sleep 0.3
keys Tab
sleep 0.3
screen
grep -q "mx2.case1.mxray.test" "$WORK/screen" || fail "mx2 not reached"
no_spoilers "detail pane"
keys Tab
keys m
wait_for "answer first"
ok "m waits for the answer"

# 2. a wrong answer
keys 1
wait_for "Not quite: you chose 1"
grep -q "The answer is 2" "$WORK/screen" || fail "the right answer is not named"
grep -q "tls.cert.expired" "$WORK/screen" && grep -q "RFC 8461" "$WORK/screen" &&
    grep -q "Fix:" "$WORK/screen" && grep -q "What is going on:" "$WORK/screen" ||
    fail "the reveal lacks code, RFC, fix or lesson text"
ok "a wrong answer reveals the problem, RFC section, fix and lesson text"
keys Escape
wait_for "✗ fail"
ok "after the answer the walk-through shows the verdict"

# 3. the fix-it case
keys n
wait_for "Case 2 of 2: case2\.mxray\.test"
wait_for "walk-through is complete" 30
keys E
wait_for "The edit was not served"
grep -Eq "line [0-9]+: error: sts\.policy\." "$WORK/screen" || fail "no lint message with its line"
grep -q "max_age: 604800" "$WORK/editor.seen" && fail "the editor saw the fix already"
grep -q "^\[policy\]" "$WORK/editor.seen" && grep -q "^mode: enforce" "$WORK/editor.seen" ||
    fail "the editor was not given the policy"
ok "an invalid edit comes back as the lint's messages, line by line"
keys Escape
keys E
wait_for "the lab serves your edit|walk-through is complete" 20
keys 1
wait_for "Right: 1"
keys Escape
wait_for "✓ pass" 20
ok "the fixed case turns green"

# 4. the score
keys n
wait_for "Score: 1 of 2 right"
grep -q "Case 1: wrong" "$WORK/screen" && grep -q "Case 2: right" "$WORK/screen" || fail "score lines"
ok "the score at the end"
keys q
wait_for "MXRAY-EXITED 0"

# 5. the demo picker without spoilers
start "'$BIN' demo --no-spoilers"
wait_for "Choose a scenario"
grep -q "expired-second-mx" "$WORK/screen" || fail "no scenario names"
grep -q "The second MX host serves an expired certificate" "$WORK/screen" && fail "a summary shows"
grep -q "What is going on" "$WORK/screen" && fail "a lesson text shows"
ok "demo --no-spoilers: names only"
keys q
wait_for "MXRAY-EXITED 0"

# 6. mxray demo --editable: E works outside a lesson too (the editor's third run adds max_age)
start "'$BIN' demo --editable policy-no-max-age"
wait_for "✗ fail" 30
keys E
wait_for "✓ pass" 30
ok "demo --editable: the edit turns the case green"
keys q
wait_for "MXRAY-EXITED 0"
exit 0
