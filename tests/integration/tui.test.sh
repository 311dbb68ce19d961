#!/bin/bash
# tui.test.sh - drive the interactive TUI in tmux against the built-in lab and assert what a
# person would see: the steps appear and end, a certificate drill-down shows subject, SANs and
# expiry, help opens, a 60-column terminal still reads, export writes JSON that parses, q and
# SIGTERM give the terminal back, the ASCII/monochrome fallback works, and DANE shows on the MX
# host, the address and its detail (dane-ee, dane-rotated, dane-unsigned).
# Usage: bash tui.test.sh /path/to/mxray   (exit 77 = skipped)
set -u
BIN=${1:?usage: tui.test.sh /path/to/mxray}

skip() { echo "SKIP: $*"; exit 77; }
fail_setup() { echo "FAIL tui: $*"; exit 1; }
command -v tmux >/dev/null 2>&1 || skip "tmux is not installed"
command -v python3 >/dev/null 2>&1 || skip "python3 is needed to parse the exported JSON"
"$BIN" check --help >/dev/null 2>&1 || fail_setup "mxray check --help fails"
"$BIN" demo --list >/dev/null 2>&1 || fail_setup "mxray demo --list fails"

# The first scenario expected to pass, else the first listed.
SCENARIO=$("$BIN" demo --list 2>/dev/null | awk 'NR > 1 && $2 == "pass" { print $1; exit }')
[ -n "$SCENARIO" ] || SCENARIO=$("$BIN" demo --list 2>/dev/null | awk 'NR == 2 { print $1 }')
[ -n "$SCENARIO" ] || fail_setup "no demo scenario listed"

WORK=$(mktemp -d)
SOCK="$WORK/tmux.sock"
S=tui
T() { tmux -u -S "$SOCK" "$@"; }
cleanup() { T kill-server >/dev/null 2>&1; rm -rf "$WORK"; }
trap cleanup EXIT
mkdir -p "$WORK/out"

fail() {
    echo "FAIL: $*"
    echo "---- screen ----"
    cat "$WORK/screen" 2>/dev/null
    exit 1
}
screen() { T capture-pane -p -t "$S" >"$WORK/screen" 2>/dev/null; }
# wait_for PATTERN [SECONDS] - poll the pane until an extended regex matches (bounded).
wait_for() {
    local pat=$1 secs=${2:-15} i
    for ((i = 0; i < secs * 20; i++)); do
        screen
        grep -Eq -- "$pat" "$WORK/screen" && return 0
        sleep 0.05
    done
    fail "timed out after ${secs}s waiting for /$pat/"
}
# wait_gone PATTERN [SECONDS] - poll until the pattern is no longer on screen.
wait_gone() {
    local pat=$1 secs=${2:-10} i
    for ((i = 0; i < secs * 20; i++)); do
        screen
        grep -Eq -- "$pat" "$WORK/screen" || return 0
        sleep 0.05
    done
    fail "still showing /$pat/ after ${secs}s"
}
keys() { T send-keys -t "$S" "$@"; }

# start ENV... - run "mxray demo SCENARIO" in a fresh session; its pid goes to $WORK/pid.
# tmux on a loaded machine now and then fails to start its server ("server exited
# unexpectedly"): retry a few times before calling it a failure.
start() {
    local _
    for _ in 1 2 3 4 5; do
        T kill-server >/dev/null 2>&1
        T new-session -d -s "$S" -x 100 -y 30 \
            "cd '$WORK/out' && env $* sh -c 'echo \$\$ >$WORK/pid; exec \"$BIN\" demo $SCENARIO'; echo MXRAY-EXITED \$?; sleep 60" &&
            T has-session -t "$S" 2>/dev/null && return 0
        sleep 0.2
    done
    fail "tmux would not start a session"
}

echo "scenario: $SCENARIO"
start LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color

# 1. The walk-through appears and every step reaches its final state.
wait_for "1 TXT _mta-sts\."
wait_for "done in .*verdict" 30
screen
for step in "1 TXT _mta-sts" "2 Policy" "3 MX records" "4 TLS-RPT" "SMTP connect" "TLS TLSv1"; do
    grep -q -- "$step" "$WORK/screen" || fail "step '$step' missing"
done
grep -Eq '[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏·]' "$WORK/screen" && fail "a step is still running or waiting after done"
grep -q "✓" "$WORK/screen" || fail "no pass symbol"

# 1b. A mouse click (SGR 1006 report, as xterm sends it) selects the clicked row.
keys -l $'\e[<0;6;4M'
keys -l $'\e[<0;6;4m'
wait_for "HTTPS policy fetch"

# 2. Drill into the first MX certificate: subject, SANs and expiry.
found=0
for ((i = 0; i < 25; i++)); do
    keys j
    sleep 0.1 # one redraw per key; do not overshoot the row
    screen
    if grep -q "Certificate #0 sent by" "$WORK/screen"; then found=1; break; fi
done
[ $found = 1 ] || fail "never reached a certificate row with j"
keys Enter
wait_for "Certificate 1/[0-9]+ of"
wait_for "subject: CN="
grep -q "DNS:" "$WORK/screen" || fail "no SAN shown"
grep -Eq "not after: .*\(in [0-9]+ days?\)" "$WORK/screen" || fail "no expiry with days left"
grep -q "SHA-256" "$WORK/screen" || fail "no fingerprint"
keys p
wait_for "BEGIN CERTIFICATE" 5
wait_for "^-----END CERTIFICATE-----$" 5
# Copied from the screen, the PEM must parse: whole lines from the first column, no indent,
# no wrapped base64.
sed -n '/^-----BEGIN CERTIFICATE-----$/,/^-----END CERTIFICATE-----$/p' "$WORK/screen" >"$WORK/copied.pem"
grep -Eq '^[A-Za-z0-9+/=]{64}$' "$WORK/copied.pem" || fail "no whole 64-column base64 line in the PEM view"
grep -vEq '^(-----(BEGIN|END) CERTIFICATE-----|[A-Za-z0-9+/=]{1,64})$' "$WORK/copied.pem" \
    && fail "the PEM view injects characters into PEM lines"
if command -v openssl >/dev/null 2>&1; then
    openssl x509 -noout -in "$WORK/copied.pem" 2>/dev/null || fail "the PEM copied from the screen does not parse"
fi
keys Escape                                       # the PEM closes, back to the certificate
wait_for "p shows the PEM"
keys Escape                                       # and the certificate, back to the tree
wait_gone "Certificate 1/"
wait_for "Walk-through"

# 3. Help lists the keys; q closes it before it quits anything.
keys '?'
wait_for "mxray keys"
grep -q "export the report: then j JSON" "$WORK/screen" || fail "help misses the export key"
grep -q "Walk-through, tree pane - here" "$WORK/screen" || fail "help does not start with this screen's keys"
keys q
wait_gone "mxray keys"
wait_for "Walk-through"

# 4. The matrix shows the stages.
keys m
wait_for "handshake"
grep -q "STARTTLS" "$WORK/screen" || fail "matrix misses a column"
# At 80 columns the names shorten, and a timing that does not fit is left out, never cut
# ("11m" for 11ms reads as minutes).
T resize-window -t "$S" -x 80 -y 24
wait_for "STLS"
grep -q "banner" "$WORK/screen" || fail "80-column matrix cuts the banner column's name"
grep -Eq "[0-9]m( |$)" "$WORK/screen" && fail "80-column matrix cuts a timing"
grep -Eq "^ ?127\.0\.0\.1:[0-9]{5} " "$WORK/screen" || fail "80-column matrix cuts the address"
T resize-window -t "$S" -x 100 -y 30
wait_for "STARTTLS"
keys m
wait_gone "MX host / address"

# 5. A 60-column terminal falls back to one readable pane; 30x8 says it is too small.
T resize-window -t "$S" -x 60 -y 24
wait_for "Walk-through \(Tab: detail\)"
grep -q "mxray" "$WORK/screen" || fail "header lost at 60 columns"
grep -q "4 TLS-RPT" "$WORK/screen" || fail "tree lost at 60 columns"
keys Tab
wait_for "Detail \(Tab: tree\)"
keys Tab
T resize-window -t "$S" -x 30 -y 8
wait_for "terminal too small"
tr -s '\n ' '  ' <"$WORK/screen" | grep -q "need 40x10)" || fail "the too-small message is cut at 30x8"
T resize-window -t "$S" -x 100 -y 30
wait_for "Walk-through +│|Walk-through +\|"

# 5c. The new-domain prompt (n): a name outside the lab gets the demo's answer, not advice
# about authoritative servers; a 300-character name scrolls and its error shows; Ctrl-U
# clears; the keypad's Enter submits.
keys n
wait_for "^ Domain:"
keys -l example.com
keys Enter
wait_for "the demo serves only \*\.mxray\.test"
grep -q "authoritative" "$WORK/screen" && fail "the demo prompt blames authoritative servers"
keys C-u
wait_for "^ Domain: *$"
keys -l "$(printf 'a%.0s' $(seq 1 300)).mxray.test"
wait_for "^ Domain: .*aaa\.mxray\.test *$"          # the end of the name, where the cursor is
keys Enter
wait_for "label longer than 63 characters"
keys C-u
wait_for "^ Domain: *$"
keys -l testing-mode.mxray.test
keys KPEnter
wait_for "testing-mode\.mxray\.test: done in .*verdict" 30

# 5b. r re-runs the same domain.
keys r
wait_for "1 TXT _mta-sts\.[a-z0-9]"
wait_for "done in .*verdict" 30

# 6. Export as JSON: the file named on screen exists and parses.
keys e
wait_for "Export as:"
keys j
wait_for "exported (\(still running\) )?to "
path=$(grep -o "exported.* to [^ ]*\.json" "$WORK/screen" | sed 's/.* to //')
[ -n "$path" ] || fail "no export path on screen"
case $path in /*) ;; *) path="$WORK/out/$path" ;; esac
[ -f "$path" ] || fail "export file $path missing"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["domain"], d' "$path" \
    || fail "exported JSON does not parse"

# 7. q quits and the terminal is back (the shell line after the program ended).
keys q
wait_for "MXRAY-EXITED 0"
grep -q "Walk-through" "$WORK/screen" && fail "curses screen still visible after q"

# 8. SIGTERM restores the terminal too (exit 128+15).
start LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color
wait_for "done in .*verdict" 30
kill -TERM "$(cat "$WORK/pid")"
wait_for "MXRAY-EXITED 143"
grep -q "Walk-through" "$WORK/screen" && fail "curses screen still visible after SIGTERM"

# 9. ASCII and monochrome fallback: no UTF-8 locale, NO_COLOR set.
start LANG=C LC_ALL=C NO_COLOR=1 TERM=xterm
wait_for "done in .*verdict" 30
grep -q "\[ok\]" "$WORK/screen" || fail "no ASCII [ok] symbol in the C locale"
grep -q "✓" "$WORK/screen" && fail "UTF-8 symbol drawn in the C locale"
keys q
wait_for "MXRAY-EXITED 0"

# 10. DANE (RFC 7672) beside MTA-STS, on the built-in lab's signed scenarios: the MX host node
# shows the TLSA status, the address its DANE-sender verdict, and the address detail both
# senders' views. A lab without its DANE scenarios fails.
# select_detail PATTERN - press j (one row at a time) until the detail pane shows PATTERN;
# after each key the pane gets up to 1 s to redraw, so a slow machine does not overshoot.
select_detail() {
    local pat=$1 i k
    for ((i = 0; i < 12; i++)); do
        for ((k = 0; k < 20; k++)); do
            screen
            grep -Eq -- "$pat" "$WORK/screen" && return 0
            sleep 0.05
        done
        keys j
    done
    fail "never reached a row whose detail shows /$pat/"
}
if "$BIN" demo --list 2>/dev/null | grep -q '^dane-rotated '; then
    SCENARIO=dane-ee
    start LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color
    wait_for "done in .*verdict" 30
    wait_for "DANE secure"                        # the MX host node
    grep -q "DANE ✓" "$WORK/screen" || fail "dane-ee: no DANE verdict on the address node"
    select_detail "MX host mx1\."
    keys L                                        # learn: the host's text, then DANE's
    wait_for "Learn: mx_host and dane"
    wait_for "DANE for SMTP beside MTA-STS"
    keys Escape
    wait_for "Walk-through"
    select_detail "a DANE sender would deliver"
    grep -q "MTA-STS sender would deliver" "$WORK/screen" \
        || fail "dane-ee: the MTA-STS sender's line is gone"
    grep -q "RFC 8461 2: a sender that does both" "$WORK/screen" \
        || fail "dane-ee: no precedence line"
    keys q
    wait_for "MXRAY-EXITED 0"

    SCENARIO=dane-rotated
    start LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color
    wait_for "done in .*verdict fail" 30
    wait_for "DANE ✗"
    select_detail "a DANE sender would NOT deliver"
    grep -q "MTA-STS sender would deliver" "$WORK/screen" \
        || fail "dane-rotated: MTA-STS alone still delivers, and must say so"
    keys m
    wait_for "a DANE sender defers"               # the matrix's DANE legend
    grep -Eq "policy +DANE" "$WORK/screen" || fail "matrix misses the DANE column"
    keys m
    wait_gone "MX host / address"
    keys q
    wait_for "MXRAY-EXITED 0"

    SCENARIO=dane-unsigned                        # TLSA, but nothing validated anywhere
    start LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color
    wait_for "done in .*verdict" 30
    wait_for "DNSSEC not validated here: DANE cannot be confirmed"
    grep -q "DANE insecure" "$WORK/screen" || fail "dane-unsigned: no insecure state on the host"
    keys q
    wait_for "MXRAY-EXITED 0"
else
    fail "no dane-rotated scenario in the built-in lab (mxray demo --list)"
fi

# 11. The picker teaches: the highlighted scenario's lesson shows below the list, and the
# learn view of a diagnosed scenario ends with that scenario's lesson.
SCENARIO=expired-second-mx
start LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color
wait_for "done in .*verdict" 30
keys L
wait_for "Learn: "
for _ in $(seq 1 8); do keys NPage; done
wait_for "This scenario: expired-second-mx"
keys Escape
keys b
wait_for "Choose a scenario"
wait_for "What is going on: "
grep -q "How to fix it: " "$WORK/screen" || fail "picker lesson has no fix"
# Its rows show each summary whole or cut with an ellipsis (never a cut word read as whole),
# and the title says how many scenarios there are.
grep -Eq "Choose a scenario .* [0-9]+-[0-9]+/[0-9]+ *$" "$WORK/screen" || fail "picker title has no position"
"$BIN" demo --list >"$WORK/list" 2>/dev/null
python3 - "$WORK/screen" "$WORK/list" <<'PY' || fail "a picker summary is cut without an ellipsis"
import sys
full = {}
for line in open(sys.argv[2], encoding="utf-8").read().splitlines()[1:]:
    if not line.strip():
        break  # the table ends; a note follows
    parts = line.split(None, 2)
    if len(parts) == 3:
        full[parts[0]] = parts[2]
seen = 0
for line in open(sys.argv[1], encoding="utf-8").read().splitlines():
    parts = line.strip().split(None, 1)
    if len(parts) == 2 and parts[0] in full:
        shown, whole = parts[1].rstrip(), full[parts[0]]
        seen += 1
        if shown != whole and not (shown.endswith("…") and whole.startswith(shown[:-1])):
            print("cut:", parts[0], repr(shown))
            sys.exit(1)
sys.exit(0 if seen >= 5 else 1)
PY
# The picker's footer offers only keys that work there (not m, e, L, r), and they do nothing.
tail -n 1 "$WORK/screen" | grep -q "Enter start" || fail "picker footer does not say Enter starts"
tail -n 1 "$WORK/screen" | grep -Eq "(^| )(m|e|L|r) " && fail "picker footer offers a key that does nothing there"
keys m e L r
sleep 0.3
screen
grep -q "Choose a scenario" "$WORK/screen" || fail "a key the picker does not offer left it"
keys q
wait_for "MXRAY-EXITED 0"

# 12. The header says what the policy is once the run is over: not "unknown" when the domain
# publishes none, or none valid. A scenario's bare name at the n prompt stands for its domain.
SCENARIO=not-published
start LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color
wait_for "done in .*verdict" 30
grep -q "policy: not published" "$WORK/screen" || fail "not-published: the header does not say so"
keys n
wait_for "^ Domain:"
keys -l policy-wrong-cert
keys Enter
wait_for "policy-wrong-cert\.mxray\.test: done in .*verdict" 30
grep -q "policy: no valid policy" "$WORK/screen" || fail "policy-wrong-cert: the header does not say no valid policy"
keys q
wait_for "MXRAY-EXITED 0"

echo "PASS: tui"
