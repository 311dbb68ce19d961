#!/usr/bin/env bash
# package.test.sh - the Debian package and `make install`, never installed on this machine:
#   cpack builds the .deb from the build directory of the binary under test; dpkg-deb -x
#   unpacks it into a temporary root; its Depends (from dpkg-shlibdeps) name the libraries;
#   it holds the man page, bash and zsh completions, README and docs; the unpacked binary
#   runs --version, demo --list and lint from there. Then cmake --install with DESTDIR and
#   a prefix puts the same files under DESTDIR/PREFIX.
# Usage: bash package.test.sh /path/to/build/mxray. Prints PASS/FAIL lines.
set -uo pipefail
MXRAY=${1:?usage: package.test.sh /path/to/build/mxray}
BUILD="$(cd "$(dirname "$MXRAY")" && pwd)"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA="$ROOT/tests/data/lint"
passed=0
failed=0
ok() { echo "PASS $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }
skip() { echo "SKIP package: $*"; exit 77; }
for tool in cpack dpkg-deb dpkg-shlibdeps; do
    command -v "$tool" >/dev/null || skip "$tool is not installed (scripts/deps.sh test)"
done
[ -f "$BUILD/CPackConfig.cmake" ] || { echo "FAIL no $BUILD/CPackConfig.cmake"; exit 1; }

TMP="$(mktemp -d "${TMPDIR:-/tmp}/package-test.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

# ---- the .deb ----
if ! (cd "$BUILD" && cpack -G DEB -B "$TMP/pkg" >"$TMP/cpack.log" 2>&1); then
    bad "cpack failed: $(tail -5 "$TMP/cpack.log")"
    echo "$passed passed, $failed failed"
    exit 1
fi
deb=$(find "$TMP/pkg" -maxdepth 1 -name 'mxray_*.deb' | head -1)
[ -n "$deb" ] && ok "cpack made $(basename "$deb")" || bad "no mxray_*.deb in $TMP/pkg"

depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc-ares2 libcurl4 libssl3 libidn2-0 libjansson4 libncursesw6 libc6; do
    grep -qE "(^|, )$lib( |,|$)" <<<"$depends" && ok "Depends names $lib" ||
        bad "Depends lacks $lib: $depends"
done
[ "$(dpkg-deb -f "$deb" Package)" = mxray ] && ok "Package: mxray" || bad "Package field"

R="$TMP/root"
dpkg-deb -x "$deb" "$R" && ok "dpkg-deb -x into a temporary root" || bad "dpkg-deb -x"
for f in usr/bin/mxray usr/share/man/man1/mxray.1.gz usr/share/bash-completion/completions/mxray \
    usr/share/zsh/vendor-completions/_mxray usr/share/doc/mxray/README.md \
    usr/share/doc/mxray/problems.md; do
    [ -f "$R/$f" ] && ok "has /$f" || bad "no /$f"
done
[ -z "$(find "$R" -path '*/share/mxray*')" ] && ok "no share/mxray: the assets are in the binary" ||
    bad "assets installed beside the binary"
zcat "$R/usr/share/man/man1/mxray.1.gz" | grep -q '^\.TH MXRAY' && ok "man page is mxray(1)" ||
    bad "man page"
bash -n "$R/usr/share/bash-completion/completions/mxray" && ok "bash completion parses" ||
    bad "bash completion syntax"

# The unpacked binary, run from / with no source tree or asset override to lean on.
B="$R/usr/bin/mxray"
out=$(cd / && env -u MXRAY_ASSETS "$B" --version 2>&1)
grep -q '^mxray [0-9]' <<<"$out" && grep -q '^  c-ares ' <<<"$out" &&
    ok "unpacked: --version ($(head -1 <<<"$out"))" || bad "unpacked --version: $out"
out=$(cd / && env -u MXRAY_ASSETS "$B" demo --list 2>&1)
grep -q '^all-good ' <<<"$out" && ok "unpacked: demo --list" || bad "unpacked demo --list: $(head -3 <<<"$out")"
(cd / && "$B" lint policy "$DATA/policy-good-gmail.txt" >/dev/null 2>&1)
rc=$?
[ "$rc" = 0 ] && ok "unpacked: lint policy (valid) exits 0" || bad "unpacked lint valid: $rc"
(cd / && "$B" lint policy "$DATA/policy-bad-mode-case.txt" >/dev/null 2>&1)
rc=$?
[ "$rc" = 2 ] && ok "unpacked: lint policy (invalid) exits 2" || bad "unpacked lint invalid: $rc"
(cd / && "$B" lint sts-record "v=STSv1; id=20260101" >/dev/null 2>&1) &&
    ok "unpacked: lint sts-record" || bad "unpacked lint sts-record"

# ---- make install: DESTDIR and PREFIX ----
for prefix in /opt/mxray /usr; do
    D="$TMP/destdir$(tr / _ <<<"$prefix")"
    if DESTDIR="$D" cmake --install "$BUILD" --prefix "$prefix" >"$TMP/install.log" 2>&1; then
        ok "cmake --install DESTDIR=$D --prefix $prefix"
    else
        bad "cmake --install --prefix $prefix: $(tail -3 "$TMP/install.log")"
    fi
    zsh_dir=site-functions
    [ "$prefix" = /usr ] && zsh_dir=vendor-completions
    for f in bin/mxray share/man/man1/mxray.1.gz share/bash-completion/completions/mxray \
        "share/zsh/$zsh_dir/_mxray" share/doc/mxray/README.md; do
        [ -f "$D$prefix/$f" ] && ok "install $prefix: $f" || bad "install $prefix: no $D$prefix/$f"
    done
    stray=$(find "$D" -type f | grep -v "^$D$prefix/" | head -3)
    [ -z "$stray" ] && ok "install $prefix: nothing outside DESTDIR$prefix" || bad "stray files: $stray"
done
"$TMP/destdir_opt_mxray/opt/mxray/bin/mxray" demo --list 2>&1 | grep -q '^all-good ' &&
    ok "installed copy runs demo --list" || bad "installed copy demo --list"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
