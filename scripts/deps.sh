#!/bin/sh
# deps.sh - install the Debian packages mxray needs, only those missing.
# Usage: scripts/deps.sh [build|test]   (test adds the integration-lab servers)
# Idempotent and quiet; needs root (or sudo) only when something is missing.
set -eu
want="build-essential cmake pkg-config libc-ares-dev libcurl4-openssl-dev libssl-dev
      libncurses-dev libidn2-dev check libjansson-dev libgmime-3.0-dev zlib1g-dev"
if [ "${1:-build}" = test ]; then
    want="$want nsd unbound nginx-light postfix iproute2 tmux bind9-dnsutils curl openssl
          python3 procps clang libclang-rt-14-dev ldnsutils time strace valgrind
          dovecot-imapd"
fi
missing=""
for p in $want; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "deps: installing$missing" >&2
# Keep apt from starting the lab servers on the host (they are only run inside test namespaces).
prc=/usr/sbin/policy-rc.d
made_prc=0
if [ ! -e "$prc" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$prc" >/dev/null
    $SUDO chmod +x "$prc"
    made_prc=1
fi
cleanup() { if [ "$made_prc" = 1 ]; then $SUDO rm -f "$prc"; fi; }
trap cleanup EXIT
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
