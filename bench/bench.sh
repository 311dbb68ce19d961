#!/usr/bin/env bash
# bench.sh - run bench/bench.py, inside a fresh network namespace when root.
#
# As root: makes namespace mxray-bench-PID (loopback only; every 127.x address is local), gives
# it a resolv.conf naming the delaying proxy's DNS address (127.0.0.53, for posttls-finger and
# node), runs every section there, and removes the namespace on exit or failure. Not root:
# runs the sections that need no namespace (3 batch, 4 callgrind) and notes the rest.
# Usage: bench/bench.sh [/path/to/mxray] [bench.py options...]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MXRAY="${1:-$HERE/../build/mxray}"
[ "$#" -gt 0 ] && shift
PY="$(command -v /usr/bin/python3 || command -v python3)"
[ -x "$MXRAY" ] || { echo "bench: $MXRAY is not built (make)" >&2; exit 1; }

if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then
    exec "$PY" "$HERE/bench.py" --mxray "$MXRAY" "$@"
fi
NS="mxray-bench-$$"
cleanup() {
    ip netns pids "$NS" 2>/dev/null | xargs -r kill 2>/dev/null || true
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "/etc/netns/$NS"
}
trap cleanup EXIT INT TERM
ip netns add "$NS"
ip -n "$NS" link set lo up
mkdir -p "/etc/netns/$NS"
printf 'nameserver 127.0.0.53\noptions timeout:5 attempts:1\n' >"/etc/netns/$NS/resolv.conf"
printf '127.0.0.1 localhost\n' >"/etc/netns/$NS/hosts"
[ -d "$HERE/node_modules/mailauth" ] || echo "bench: no bench/node_modules/mailauth (cd bench && npm install)" >&2
ip netns exec "$NS" "$PY" "$HERE/bench.py" --netns --mxray "$MXRAY" "$@"
