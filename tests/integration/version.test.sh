#!/usr/bin/env bash
# version.test.sh - `mxray --version`: the version, the git revision it was built from (when
# the source tree is a git checkout), and the versions of the libraries actually loaded:
# each must be the version of the Debian package that owns the shared object ldd resolves.
# Usage: bash version.test.sh /path/to/mxray. Prints PASS/FAIL lines, "N passed, N failed".
set -uo pipefail
MXRAY=${1:?usage: version.test.sh /path/to/mxray}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
passed=0
failed=0
ok() { echo "PASS $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }

out=$("$MXRAY" --version) && ok "--version exits 0" || bad "--version exit status"
first=$(head -1 <<<"$out")
want=$(sed -n 's/^project(mxray VERSION \([0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")
[[ $first == "mxray $want"* ]] && ok "first line: $first" || bad "first line '$first', want mxray $want"

if git -C "$ROOT" rev-parse HEAD >/dev/null 2>&1; then
    rev=$(sed -n 's/.*(git \([^)]*\)).*/\1/p' <<<"$first")
    # the build's commit: HEAD or, when commits landed since the last build, an ancestor
    if [ -n "$rev" ] && git -C "$ROOT" merge-base --is-ancestor "${rev##*-g}" HEAD 2>/dev/null; then
        ok "git revision $rev is this tree's"
    else
        bad "git revision '$rev' is not HEAD or an ancestor of it"
    fi
else
    grep -q '(git ' <<<"$first" && bad "a revision outside git: $first" || ok "no git, no revision"
fi

# upstream VERSION - a Debian package version without epoch and Debian revision
upstream() { sed 's/^[0-9]*://; s/-[^-]*$//; s/+.*$//' <<<"$1"; }
check_lib() { # NAME SONAME-PREFIX
    local name=$1 so=$2 path real pkg ver line
    line=$(grep -E "^  $name " <<<"$out")
    [ -n "$line" ] || { bad "$name: no line in --version"; return; }
    path=$(ldd "$MXRAY" | awk -v s="$so" 'index($1, s) == 1 { print $3; exit }')
    real=$(readlink -f "$path")
    pkg=$(dpkg -S "*/$(basename "$real")" 2>/dev/null | head -1 | cut -d: -f1)
    if [ -z "$pkg" ]; then
        bad "$name: no package owns $real (from ldd: $path)"
        return
    fi
    ver=$(upstream "$(dpkg-query -W -f='${Version}' "$pkg")")
    grep -qF -- " $ver" <<<"$line" && ok "$name: '$line' is the loaded $pkg $ver" ||
        bad "$name: '$line', but $real is $pkg $ver"
}
if command -v dpkg >/dev/null; then
    check_lib c-ares libcares.so
    check_lib libcurl libcurl.so
    check_lib OpenSSL libssl.so
    check_lib libidn2 libidn2.so
    check_lib Jansson libjansson.so
    check_lib ncurses libncursesw.so
else
    for name in c-ares libcurl OpenSSL libidn2 Jansson ncurses; do
        grep -qE "^  $name [0-9]" <<<"$out" && ok "$name listed" || bad "$name missing"
    done
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
