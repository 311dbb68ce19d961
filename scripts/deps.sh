#!/bin/sh
# deps.sh - install the Debian packages mxray needs, only those missing.
# Usage: scripts/deps.sh [build|test]
#   build: what compiling mxray needs (make build, make demo)
#   test:  plus Check, the lab servers and the tools the tests run (make test)
# Idempotent and quiet; needs root (or sudo) only when something is missing. Exits 0 when
# everything wanted is installed afterwards, else non-zero with the reason.
# DEPS_POLICY_RC_D (tests only) replaces /usr/sbin/policy-rc.d.
set -eu
want="build-essential cmake pkg-config libc-ares-dev libcurl4-openssl-dev libssl-dev
      libncurses-dev libidn2-dev libjansson-dev libgmime-3.0-dev zlib1g-dev"
case "${1:-build}" in
build) ;;
test)
    want="$want check nsd unbound nginx-light postfix iproute2 tmux bind9-dnsutils curl openssl
          python3 procps clang libclang-rt-14-dev ldnsutils time strace valgrind dpkg-dev
          shellcheck zsh git locales bsdutils dovecot-imapd groff-base"
    ;;
*)
    echo "usage: scripts/deps.sh [build|test]" >&2
    exit 64
    ;;
esac

# missing_of LIST - the packages of LIST that are not installed.
missing_of() {
    out=""
    for p in $1; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || out="$out $p"
    done
    echo "$out"
}

missing=$(missing_of "$want")
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "deps: installing$missing" >&2
# Keep apt from starting the lab servers on the host (they only run inside test namespaces).
# A policy-rc.d already there (every Debian container image has one) is left as it is.
prc=${DEPS_POLICY_RC_D:-/usr/sbin/policy-rc.d}
made_prc=0
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
    if [ "$made_prc" = 1 ]; then
        $SUDO rm -f "$prc"
    fi
}
trap cleanup EXIT
if [ ! -e "$prc" ]; then
    made_prc=1
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$prc" >/dev/null
    $SUDO chmod +x "$prc"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086 # one word per package
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
still=$(missing_of "$missing")
if [ -n "$still" ]; then
    echo "deps: still missing after apt-get install:$still" >&2
    exit 1
fi
exit 0
