#!/usr/bin/env bash
# lab_selftest.test.sh - proves the real-server lab itself, without mxray.
#
# Brings up tests/integration/lab (nsd, unbound, nginx, Postfix in a network namespace) and
# checks from inside the namespace, with dig, curl and openssl s_client -starttls smtp, that
# every scenario's DNS, policy host and MX hosts behave as scenarios.txt says.
# Usage: bash tests/integration/lab_selftest.test.sh [MXRAY_BINARY]   (the argument is ignored)
# Exit: 0 all checks passed, 1 a check failed or the lab did not come up, 77 skipped (not root,
# no ip netns, a server binary missing).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SCENARIOS="$HERE/lab/scenarios.txt"
PASSED=0
FAILED=0

# Prefer the system interpreter: a pyenv shim on PATH costs seconds per call.
PYTHON="$(command -v /usr/bin/python3 || command -v python3 || true)"

# skip - print why the test cannot run here and exit 77.
skip() {
    echo "SKIP lab_selftest: $*"
    exit 77
}

# preflight - skip unless root, ip netns and every lab tool are available.
preflight() {
    local b
    [ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
    if ! command -v ip >/dev/null || ! ip netns list >/dev/null 2>&1; then
        skip "ip netns unavailable"
    fi
    [ -n "$PYTHON" ] || skip "python3 not installed"
    for b in nsd unbound nginx postfix dig curl openssl ss; do
        command -v "$b" >/dev/null || PATH="$PATH:/usr/sbin:/sbin" command -v "$b" >/dev/null \
            || skip "$b not installed (run scripts/deps.sh test)"
    done
}

# judge - print 1 when the test CMD... succeeds, else 0.
judge() {
    if "$@"; then echo 1; else echo 0; fi
}

# report - print one PASS/FAIL line for check NAME with DETAIL and count it.
report() {
    local ok="$1" name="$2" detail="$3"
    if [ "$ok" = 1 ]; then
        PASSED=$((PASSED + 1))
        echo "PASS $name: $detail"
    else
        FAILED=$((FAILED + 1))
        echo "FAIL $name: $detail"
    fi
}

# txt_count - number of TXT strings (lines starting with a quote) answered for NAME.
txt_count() {
    lab_run dig +short +time=2 +tries=1 TXT "$1" | grep -c '^"' || true
}

# check_txt - the TXT records at OWNER.NAME match what the scenario publishes.
check_txt() {
    local name="$1" owner="$2" want got
    want="${LAB_TXTCOUNT["$name $owner"]:-0}"
    [ "$name" = cname ] && [ "$owner" = _mta-sts ] && want=1   # via the CNAME
    got="$(txt_count "$owner.$name.$LAB_TLD")"
    report "$(judge [ "$got" = "$want" ])" "$name" "TXT $owner: $got record(s), want $want"
}

# check_web - the policy host of NAME behaves as its web mode says.
check_web() {
    local name="$1" mode="${LAB_WEB_MODE[$1]:-}" url out rc ok body="$LAB_DIR/selftest-body"
    url="https://mta-sts.$name.$LAB_TLD/.well-known/mta-sts.txt"
    rc=0
    out="$(lab_run curl -sS --max-time 5 -o "$body" -w '%{http_code} %{content_type} %{redirect_url}' \
        "$url" 2>&1)" || rc=$?
    case "$mode" in
        serve)
            printf '%s' "${LAB_POLICY[$name]}" >"$body.want"
            if [ "$rc" = 0 ] && [ "$out" = "200 text/plain " ] && cmp -s "$body" "$body.want"; then
                report 1 "$name" "policy served 200 text/plain, body as in scenarios.txt"
            else
                report 0 "$name" "policy fetch: rc=$rc '$out'"
            fi ;;
        redirect)
            if [[ "$rc" = 0 && "$out" == "301 "*" https://www.$name.$LAB_TLD/"* ]]; then ok=1; else ok=0; fi
            report "$ok" "$name" "policy URL redirects: rc=$rc '$out'" ;;
        notfound)
            if [[ "$rc" = 0 && "$out" == "404 "* ]]; then ok=1; else ok=0; fi
            report "$ok" "$name" "policy URL 404: rc=$rc '$out'" ;;
        wrongname)
            if [[ "$rc" = 60 && "$out" == *"subject name"* ]]; then ok=1; else ok=0; fi
            report "$ok" "$name" "policy host certificate rejected for its name: rc=$rc" ;;
        '')
            out="$(lab_run dig +short A "mta-sts.$name.$LAB_TLD")"
            report "$(judge [ -z "$out" ])" "$name" "no policy host in DNS" ;;
    esac
}

# check_smtp - MX host FQDN of scenario NAME resolves to its smtpd and shows KIND's TLS behaviour.
check_smtp() {
    local name="$1" fqdn="$2" kind="$3" addr got out code want
    addr="${LAB_SMTP_ADDR[$kind]}"
    got="$(lab_run dig +short A "$fqdn")"
    report "$(judge [ "$got" = "$addr" ])" "$name" "A $fqdn = '$got', want $addr"
    if [ "$kind" = nostarttls ]; then
        out="$(lab_run "$PYTHON" -c '
import smtplib, sys
s = smtplib.SMTP(sys.argv[1], 25, timeout=5)
code, _ = s.ehlo("selftest.invalid")
print(code, "starttls" if s.has_extn("starttls") else "no-starttls")
s.quit()' "$addr" 2>&1 || true)"
        report "$(judge [ "$out" = "250 no-starttls" ])" "$name" "$fqdn EHLO without STARTTLS: '$out'"
        return 0
    fi
    out="$(lab_run timeout 10 openssl s_client -starttls smtp -connect "$addr:25" \
        -servername "$fqdn" -verify_hostname "$fqdn" -CAfile "$LAB_CA" </dev/null 2>&1 || true)"
    code="$(sed -n 's/^verify error:num=\([0-9]*\):.*/\1/p' <<<"$out" | head -n 1)"
    code="${code:-0}"
    grep -q '^Verify return code:' <<<"$out" || code="no-handshake"
    case "$kind" in
        good) want=0 ;;          # ok
        expired) want=10 ;;      # certificate has expired
        selfsigned) want=18 ;;   # self-signed certificate
        wrongname) want=62 ;;    # hostname mismatch
    esac
    report "$(judge [ "$code" = "$want" ])" "$name" "$fqdn STARTTLS ($kind): first verify error $code, want $want"
}

# check_scenario - run every check that applies to scenario NAME.
check_scenario() {
    local name="$1" entry mx
    check_txt "$name" _mta-sts
    check_txt "$name" _smtp._tls
    check_web "$name"
    for entry in ${LAB_MXHOSTS[$name]:-}; do
        check_smtp "$name" "${entry%%=*}" "${entry#*=}"
    done
    if [ "$name" = nullmx ]; then
        mx="$(lab_run dig +short MX "$name.$LAB_TLD")"
        report "$(judge [ "$mx" = "0 ." ])" "$name" "MX is the null MX: '$mx'"
    fi
}

# main - bring the lab up, check each scenario, print the totals.
main() {
    local name
    preflight
    # shellcheck source-path=SCRIPTDIR source=lab/lab.sh
    source "$HERE/lab/lab.sh"
    lab_up "$SCENARIOS" || { echo "FAIL lab: the lab did not come up"; exit 1; }
    for name in "${LAB_SCENARIOS[@]}"; do
        check_scenario "$name"
    done
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" = 0 ]
}

main "$@"
