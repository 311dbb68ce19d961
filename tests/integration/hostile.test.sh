#!/usr/bin/env bash
# hostile.test.sh - mxray against servers that misbehave on purpose (tests/hostile/):
# escape sequences, NUL and invalid UTF-8 in SMTP lines, a 100 KB line, 10,000 EHLO lines,
# silence, a byte a second, a reset mid-handshake, a 30-certificate chain, a 10,000-SAN
# certificate, a 10 MB / dripping / endless-header policy host, a redirect, and DNS with 500
# TXT strings, a CNAME loop, an answer that needs TCP, SERVFAIL, a silent MX query and a
# resolver that never answers.
#
# Every case runs `mxray check --json` and `mxray check` (text) with --timeout 2 under
# /usr/bin/time; tests/hostile/judge.py holds the case table and checks time bound, problem
# codes, the steps that must still pass, control bytes, JSON, max RSS, and the promises
# (only EHLO/STARTTLS/QUIT said, QUIT sent, no redirect followed, no unexpected connection,
# proxy variables ignored).
# Then the escapes case in the TUI under tmux (no raw sequence reaches the terminal), and
# one check under strace (every connect() goes to a fixture port).
# Usage: bash hostile.test.sh /path/to/mxray    (HOSTILE_PENDING=1: the pending cases only)
# Prints one PASS/FAIL line per assertion, "N passed, N failed" last; exit 0, 1, or 77 (skip).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HOSTILE="$(cd "$HERE/../hostile" && pwd)"
MXRAY="${1:-}"
TIMEOUT=2
LIFETIME=600
PENDING=${HOSTILE_PENDING:+pending}
passed=0
failed=0
ok() { echo "PASS $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }
skip() { echo "SKIP hostile: $*"; exit 77; }
fail_setup() { echo "FAIL hostile: $*"; exit 1; }

[ -n "$MXRAY" ] && [ -x "$MXRAY" ] || fail_setup "usage: $0 /path/to/mxray"
"$MXRAY" check --help 2>&1 | grep -q -- '--connect-to' || fail_setup "mxray check lacks --connect-to"
PY=/usr/bin/python3
[ -x "$PY" ] || PY="$(command -v python3)" || skip "python3 missing"
command -v openssl >/dev/null || skip "openssl missing"
[ -x /usr/bin/time ] || skip "/usr/bin/time missing (apt-get install time)"
if [ -z "$PENDING" ]; then
    for tool in tmux strace; do
        command -v "$tool" >/dev/null || skip "$tool is not installed (scripts/deps.sh test)"
    done
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/hostile-test.XXXXXX")"
PIDS=()
SOCK="$TMP/tmux.sock"
cleanup() {
    tmux -S "$SOCK" kill-server >/dev/null 2>&1
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT

"$PY" "$HOSTILE/judge.py" list $PENDING >"$TMP/cases" || fail_setup "judge.py list failed"
mapfile -t CASES < <(cut -d' ' -f1 "$TMP/cases")
SMTP_B=$(awk '{print $2; if ($3 != "-") print $3}' "$TMP/cases" | sort -u | tr '\n' ' ')
HTTPS_B=$(awk '{print $4}' "$TMP/cases" | sort -u | tr '\n' ' ')

bash "$HOSTILE/make_certs.sh" "$TMP" "${CASES[@]}" >"$TMP/certs.log" 2>&1 ||
    { bad "make_certs.sh: $(tail -3 "$TMP/certs.log")"; echo "$passed passed, $failed failed"; exit 1; }
for f in dns smtp https; do : >"$TMP/$f.log"; done
"$PY" "$HOSTILE/hostile_dns.py" "$TMP/dns.port" "$TMP/dns.log" "$LIFETIME" &
PIDS+=($!)
# shellcheck disable=SC2086  # behaviour lists are words
"$PY" "$HOSTILE/hostile_smtp.py" "$TMP" "$TMP/smtp.ports" "$TMP/smtp.log" "$LIFETIME" $SMTP_B trap &
PIDS+=($!)
# shellcheck disable=SC2086
"$PY" "$HOSTILE/hostile_https.py" "$TMP" "$TMP/https.ports" "$TMP/https.log" "$LIFETIME" $HTTPS_B &
PIDS+=($!)
for _ in $(seq 1 100); do
    [ -s "$TMP/dns.port" ] && [ -s "$TMP/smtp.ports" ] && [ -s "$TMP/https.ports" ] && break
    sleep 0.1
done
[ -s "$TMP/dns.port" ] && [ -s "$TMP/smtp.ports" ] && [ -s "$TMP/https.ports" ] ||
    { bad "fixtures did not start"; echo "$passed passed, $failed failed"; exit 1; }
read -r DNS_PORT DEAF_PORT <"$TMP/dns.port"
port_of() { awk -v b="$2" '$1 == b { print $2 }' "$TMP/$1.ports"; }
TRAP=$(port_of smtp trap)
# A proxy in the environment must not be used (the policy fetch connects only to what DNS or
# --connect-to named): point every proxy variable at the trap, which must see no connection.
export https_proxy="http://127.0.0.1:$TRAP" HTTPS_PROXY="http://127.0.0.1:$TRAP" \
    ALL_PROXY="http://127.0.0.1:$TRAP" all_proxy="http://127.0.0.1:$TRAP"

# args_for CASE - the check options of one case, into the array ARGS.
args_for() {
    local c=$1 mx mx2 https resolver
    read -r _ mx mx2 https resolver < <(grep "^$c " "$TMP/cases")
    local r=$DNS_PORT
    [ "$resolver" = deaf ] && r=$DEAF_PORT
    ARGS=(--timeout "$TIMEOUT" --resolver "127.0.0.1:$r" --ca-file "$TMP/ca.pem"
        --connect-to "mx.$c.hostile.test:25:127.0.0.1:$(port_of smtp "$mx")"
        --connect-to "mta-sts.$c.hostile.test:443:127.0.0.1:$(port_of https "$https")"
        --connect-to "never.decoy.hostile.test:25:127.0.0.1:$TRAP"
        --connect-to "elsewhere.hostile.test:443:127.0.0.1:$TRAP")
    [ "$mx2" != - ] && ARGS+=(--connect-to "mx2.$c.hostile.test:25:127.0.0.1:$(port_of smtp "$mx2")")
}

: >"$TMP/runs"
for c in "${CASES[@]}"; do
    args_for "$c"
    for fmt in json txt; do
        extra=()
        [ "$fmt" = json ] && extra=(--json)
        rc=0
        /usr/bin/time -f '%e %M' -o "$TMP/$c.$fmt.time" timeout 60 \
            "$MXRAY" check "${extra[@]}" "${ARGS[@]}" "$c.hostile.test" \
            >"$TMP/$c.$fmt" 2>"$TMP/$c.$fmt.err" || rc=$?
        [ "$rc" = 124 ] && bad "$c $fmt: still running after 60 s"
        echo "$c $fmt $rc $(tail -1 "$TMP/$c.$fmt.time")" >>"$TMP/runs"
    done
done

# ---- the escapes case in the TUI: nothing the server sent reaches the terminal raw ----
if [ -z "$PENDING" ]; then
    T() { tmux -S "$SOCK" "$@"; }
    args_for escapes
    printf '%q ' "$MXRAY" "${ARGS[@]}" escapes.hostile.test >"$TMP/tui.cmd"
    T new-session -d -s h -x 120 -y 40 \
        "env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 $(cat "$TMP/tui.cmd"); echo TUI-EXITED \$?; sleep 60"
    T pipe-pane -o -t h "cat >>'$TMP/tui.raw'"
    seen=
    for _ in $(seq 1 100); do
        T capture-pane -p -t h >"$TMP/tui.screen"
        grep -q 'verdict' "$TMP/tui.screen" && break
        sleep 0.1
    done
    for _ in $(seq 1 10); do # move down the walk-through until the SMTP detail shows
        T capture-pane -p -t h >"$TMP/tui.screen"
        grep -qF '\x1b[31mRED\x1b[0m' "$TMP/tui.screen" && { seen=1; break; }
        T send-keys -t h Down
        sleep 0.3
    done
    [ -n "$seen" ] && ok "tui: the banner shows escaped (\\x1b[31mRED...)" ||
        bad "tui: escaped banner never shown: $(head -c 600 "$TMP/tui.screen")"
    title=$(T display -p -t h '#{pane_title}')
    [[ "$title" != *pwned* ]] && ok "tui: pane title untouched ($title)" || bad "tui: OSC title reached the terminal: $title"
    T send-keys -t h q
    for _ in $(seq 1 50); do
        T capture-pane -p -t h >"$TMP/tui.screen"
        grep -q 'TUI-EXITED' "$TMP/tui.screen" && break
        sleep 0.1
    done
    grep -q 'TUI-EXITED 0' "$TMP/tui.screen" && ok "tui: q quits (exit 0)" ||
        bad "tui: did not quit: $(tail -3 "$TMP/tui.screen")"
    T kill-server >/dev/null 2>&1
    echo "escapes tui 0 0 0" >>"$TMP/runs"
    raw_bad=$("$PY" - "$TMP/tui.raw" <<'PY'
import sys
raw = open(sys.argv[1], "rb").read()
needles = [b"\x1b[31mRED", b"\x1b]0;pwned", b"\x1b[2J\x1b[H cleared", b"\x1b]8;;http://evil",
           b"nul\x00byte", b"\x9b2J", b"\xff\xfe bad", b"\xe2\x80\xae rlo"]
print(" ".join(repr(n) for n in needles if n in raw) if raw else "no output captured")
PY
)
    [ -z "$raw_bad" ] && ok "tui: no server byte sequence in the raw terminal output" ||
        bad "tui: raw sequences reached the terminal: $raw_bad"
fi

# ---- one check under strace: every connect()/sendto() goes to a fixture port ----
if [ -z "$PENDING" ]; then
    args_for twomx
    strace -f -qq -e trace=connect,sendto,sendmsg -o "$TMP/strace" \
        "$MXRAY" check "${ARGS[@]}" twomx.hostile.test >/dev/null 2>&1
    echo "twomx strace 0 0 0" >>"$TMP/runs"
    allowed="$DNS_PORT $(port_of smtp silent) $(port_of smtp good) $(port_of https good)"
    got=$(grep -o 'sin6\?_port=htons([0-9]*), sin6\?_\(addr=inet_addr\|flowinfo\)[^)]*)' "$TMP/strace" |
        sed 's/.*htons(\([0-9]*\)).*"\(.*\)".*/\2:\1/; s/.*htons(\([0-9]*\)), sin6_flowinfo.*/v6:\1/' | sort -u)
    unexpected=""
    for a in $got; do
        p=${a##*:}
        [ "${a%:*}" = 127.0.0.1 ] && [[ " $allowed " == *" $p "* ]] || unexpected="$unexpected $a"
    done
    [ -n "$got" ] && [ -z "$unexpected" ] &&
        ok "strace: connections only to $(echo "$got" | tr '\n' ' ')(resolver and --connect-to)" ||
        bad "strace: unexpected destinations:${unexpected:- none seen at all}"
fi

"$PY" "$HOSTILE/judge.py" judge "$TMP" "$TIMEOUT" $PENDING >"$TMP/judged" 2>&1
while read -r line; do
    case "$line" in
    "PASS "*) ok "${line#PASS }" ;;
    *) bad "${line#FAIL }" ;;
    esac
done <"$TMP/judged"
[ -s "$TMP/judged" ] || bad "judge.py printed nothing"
awk '{ printf "%s %s %.2fs %dKB; ", $1, $2, $4, $5 } END { print "" }' "$TMP/runs" |
    sed 's/^/measured: /'
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
