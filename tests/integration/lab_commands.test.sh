#!/usr/bin/env bash
# lab_commands.test.sh - the command lines `mxray lab SCENARIO` prints show that scenario's
# fault when run as printed against the lab: a DANE case (dane-rotated: the TLSA query carries
# an RRSIG and the ad flag, s_client with -dane_tlsa_rrdata finds no matching record), a cert
# case (expired-second-mx: s_client to mx2, the broken MX, says the certificate expired), a
# duplicate-record case (two v=STSv1 TXT records), a policy case (curl -v shows text/html),
# and a control (dane-ee: the same DANE command verifies). The signatures are real: delv
# validates the TLSA answer with the zone's DNSKEY as trust anchor, and fails the bogus one.
# Usage: bash lab_commands.test.sh /path/to/mxray   (exit 77 = a tool is not installed)
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export MXRAY_ASSETS="${MXRAY_ASSETS:-$HERE/../../assets}"
MXRAY=${1:?usage: lab_commands.test.sh /path/to/mxray}
for t in dig delv openssl curl; do
    command -v $t >/dev/null 2>&1 || { echo "SKIP: $t is not installed (bind9-dnsutils, openssl, curl)"; exit 77; }
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/lab-commands.XXXXXX")
LAB_PID=
cleanup() {
    [ -n "$LAB_PID" ] && kill -INT "$LAB_PID" 2>/dev/null && wait "$LAB_PID" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
failed=0
ok() { echo "PASS $*"; }
bad() { echo "FAIL $*"; failed=1; }

"$MXRAY" lab dane-rotated dane-ee dane-bogus expired-second-mx two-txt-records policy-text-html \
    >"$TMP/guide" 2>"$TMP/err" &
LAB_PID=$!
for _ in $(seq 1 200); do
    grep -q '^mxray lab:' "$TMP/guide" && grep -q 'policy-text-html (' "$TMP/guide" && break
    sleep 0.05
done
grep -q 'policy-text-html (' "$TMP/guide" || { cat "$TMP/err"; bad "the lab did not start"; exit 1; }
sleep 0.2 # the guide of the last scenario is printed in one go; let it finish

# cmds NAME - the tool command lines printed for scenario NAME (not the mxray check line).
cmds() {
    awk -v s="$1 (" 'index($0, s) == 1 { on = 1; next } /^[a-z].* \(/ { on = 0 }
        on && /^  (dig|curl|openssl) / { sub(/^  /, ""); print }' "$TMP/guide"
}
# run NAME PATTERN - the commands of NAME; output of the first that matches TOOL goes to $TMP/out
run() {
    local line
    : >"$TMP/out"
    while IFS= read -r line; do
        case "$line" in "$2"*) eval "timeout 10 $line" </dev/null >>"$TMP/out" 2>&1 ;; esac
    done < <(cmds "$1")
}

run dane-rotated dig
grep -q 'RRSIG.*TLSA 13' "$TMP/out" && grep -Eq 'flags: qr aa ad' "$TMP/out" &&
    ok "dane-rotated: the TLSA query shows its RRSIG and the ad flag" ||
    { cat "$TMP/out"; bad "dane-rotated: TLSA answer without RRSIG or ad"; }
run dane-rotated openssl
grep -q -- '-dane_tlsa_rrdata' < <(cmds dane-rotated) &&
    grep -qi 'no matching DANE TLSA records' "$TMP/out" &&
    ok "dane-rotated: s_client with -dane_tlsa_rrdata finds no matching record" ||
    { cat "$TMP/out"; bad "dane-rotated: s_client did not show the mismatch"; }

run dane-ee openssl
grep -q 'Verification: OK' "$TMP/out" && ! grep -qi 'no matching' "$TMP/out" &&
    ok "dane-ee (control): the same kind of command verifies" ||
    { cat "$TMP/out"; bad "dane-ee: s_client did not verify"; }

# The signature verifies with the zone's own DNSKEY as trust anchor (delv validates for real).
PORT=$(sed -n 's/^  resolver *127\.0\.0\.1:\([0-9]*\).*/\1/p' "$TMP/guide")
anchor() {
    local key
    key=$(dig @127.0.0.1 -p "$PORT" +norecurse +short DNSKEY "$1" | awk '{ for (i = 4; i <= NF; i++) printf "%s", $i }')
    printf 'trust-anchors { %s. static-key 257 3 13 "%s"; };\n' "$1" "$key" >"$TMP/anchor"
}
anchor dane-rotated.mxray.test
timeout 10 delv @127.0.0.1 -p "$PORT" -a "$TMP/anchor" +root=dane-rotated.mxray.test \
    TLSA _25._tcp.mx1.dane-rotated.mxray.test >"$TMP/out" 2>&1
grep -q '; fully validated' "$TMP/out" && ok "delv validates the TLSA RRSIG with the zone's DNSKEY" ||
    { cat "$TMP/out"; bad "delv did not validate the signed TLSA answer"; }

run dane-bogus dig
grep -q 'status: SERVFAIL' "$TMP/out" && grep -q 'RRSIG.*TLSA 13' "$TMP/out" &&
    ok "dane-bogus: SERVFAIL, and with +cd the records and their signature" ||
    { cat "$TMP/out"; bad "dane-bogus: commands do not show the bogus answer"; }
anchor dane-bogus.mxray.test
timeout 10 delv @127.0.0.1 -p "$PORT" -a "$TMP/anchor" +root=dane-bogus.mxray.test +cd \
    TLSA _25._tcp.mx1.dane-bogus.mxray.test >"$TMP/out" 2>&1
! grep -q '; fully validated' "$TMP/out" && ok "delv rejects the bogus signature" ||
    { cat "$TMP/out"; bad "delv validated the bogus TLSA answer"; }

cmds expired-second-mx | grep -q 'openssl.*mx2\.expired-second-mx' &&
    ! cmds expired-second-mx | grep -q 'openssl.*mx1\.' &&
    ok "expired-second-mx: s_client goes to mx2, the broken MX, only" ||
    bad "expired-second-mx: s_client not aimed at mx2 alone"
run expired-second-mx openssl
grep -qi 'certificate has expired' "$TMP/out" && ok "expired-second-mx: s_client shows the expired certificate" ||
    { cat "$TMP/out"; bad "expired-second-mx: s_client did not show the expiry"; }

run two-txt-records dig
[ "$(grep -c 'IN[[:space:]]*TXT[[:space:]]*"v=STSv1' "$TMP/out")" = 2 ] &&
    ok "two-txt-records: dig shows both v=STSv1 records" ||
    { cat "$TMP/out"; bad "two-txt-records: the second record is not shown"; }

run policy-text-html curl
grep -qi '< content-type: text/html' "$TMP/out" && ok "policy-text-html: curl -v shows Content-Type text/html" ||
    { cat "$TMP/out"; bad "policy-text-html: curl -v did not show the content type"; }

exit $failed
