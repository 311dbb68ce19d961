#!/usr/bin/env bash
# deps.test.sh - scripts/deps.sh in every state a machine can be in, against fake apt-get,
# dpkg-query, id and sudo on PATH (nothing is installed for real; the policy-rc.d it may
# create is a temporary file, DEPS_POLICY_RC_D):
#   policy-rc.d present (not ours: left alone) or absent (ours during the install, removed
#   after, also when apt-get fails); packages missing (installed, exit 0 on the first run),
#   present (apt-get never called), or still missing after apt-get (exit 1); root or sudo;
#   the build list without Check or lab servers, the test list with them; under sh and bash.
# Then shellcheck on deps.sh and this file.
# Usage: bash deps.test.sh [MXRAY]   (the argument is ignored). Prints PASS/FAIL lines.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DEPS="$HERE/../../scripts/deps.sh"
passed=0
failed=0
ok() { echo "PASS $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }
check() { # DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then ok "$what"; else bad "$what"; fi
}

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
FAKE="$TMP/bin"
mkdir -p "$FAKE"

# The fakes keep their state in $STATE: installed (one package a line), apt.log (one line
# per apt-get call: who ran it, whether policy-rc.d existed and said "exit 101", the args).
cat >"$FAKE/dpkg-query" <<'SH'
#!/bin/sh
# dpkg-query -W -f='${Status}' PKG
for p; do :; done
if grep -qx -- "$p" "$STATE/installed" 2>/dev/null; then
    printf 'install ok installed'
else
    echo "dpkg-query: no packages found matching $p" >&2
    exit 1
fi
SH
cat >"$FAKE/apt-get" <<'SH'
#!/bin/sh
prc=absent
[ -x "$DEPS_POLICY_RC_D" ] && grep -q 'exit 101' "$DEPS_POLICY_RC_D" && prc=blocks
[ -e "$DEPS_POLICY_RC_D" ] && [ "$prc" = absent ] && prc=other
echo "user=${FAKE_SUDO:-root} prc=$prc $*" >>"$STATE/apt.log"
case " $* " in
*" install "*)
    [ "${APT_FAIL:-0}" = 1 ] && exit 100
    [ "${APT_NOOP:-0}" = 1 ] && exit 0
    for p; do case $p in -*|install) ;; *) echo "$p" >>"$STATE/installed";; esac; done
    ;;
esac
exit 0
SH
cat >"$FAKE/id" <<'SH'
#!/bin/sh
echo "${FAKE_UID:-0}"
SH
cat >"$FAKE/sudo" <<'SH'
#!/bin/sh
[ "${FAKE_UID:-0}" != 0 ] || { echo "sudo called as root" >&2; exit 1; }
FAKE_SUDO=sudo "$@"
SH
chmod +x "$FAKE"/*

# run SHELL ARG... - deps.sh in a fresh state directory kept in $STATE; sets rc.
STATE=""
PRC=""
new_state() {
    STATE="$(mktemp -d "$TMP/state.XXXX")"
    PRC="$STATE/policy-rc.d"
    : >"$STATE/installed"
}
run() {
    local shell=$1
    shift
    PATH="$FAKE:$PATH" STATE="$STATE" DEPS_POLICY_RC_D="$PRC" "$shell" "$DEPS" "$@" \
        >"$STATE/out" 2>&1
    rc=$?
}
apt_calls() { [ -e "$STATE/apt.log" ] && grep -c "$1" "$STATE/apt.log" || echo 0; }
installed_line() { grep ' install ' "$STATE/apt.log"; }
theirs() { printf '#!/bin/sh\n# the image'"'"'s own\nexit 101\n' >"$PRC"; chmod +x "$PRC"; cp "$PRC" "$STATE/prc.orig"; }

for sh in sh bash; do
    # 1. policy-rc.d present (as in every Debian container image), packages missing: the
    #    first run installs them and exits 0, and leaves the file as it was.
    new_state
    theirs
    run "$sh" build
    check "$sh: policy-rc.d present, packages missing: exit 0 on the first run (got $rc: $(tr '\n' ' ' <"$STATE/out"))" \
        test "$rc" = 0
    check "$sh: ... apt-get install ran once, with policy-rc.d in place" \
        test "$(apt_calls 'prc=blocks .*install')" = 1
    check "$sh: ... the image's policy-rc.d is untouched" cmp -s "$PRC" "$STATE/prc.orig"
    # 2. a second run finds everything: no apt-get at all
    rm -f "$STATE/apt.log"
    run "$sh" build
    check "$sh: packages present: exit 0 without apt-get" test "$rc" = 0 -a "$(apt_calls .)" = 0
    check "$sh: ... and prints nothing" test ! -s "$STATE/out"
    check "$sh: ... policy-rc.d still untouched" cmp -s "$PRC" "$STATE/prc.orig"

    # 3. no policy-rc.d, packages missing: ours blocks service starts during the install and
    #    is removed afterwards.
    new_state
    run "$sh" build
    check "$sh: no policy-rc.d, packages missing: exit 0 (got $rc)" test "$rc" = 0
    check "$sh: ... apt-get install ran with our policy-rc.d (exit 101)" \
        test "$(apt_calls 'prc=blocks .*install')" = 1
    check "$sh: ... ours is removed afterwards" test ! -e "$PRC"
    # packages present, no policy-rc.d: none is created
    rm -f "$STATE/apt.log"
    run "$sh" build
    check "$sh: packages present, no policy-rc.d: exit 0, no apt-get, none created" \
        test "$rc" = 0 -a "$(apt_calls .)" = 0 -a ! -e "$PRC"
done

# The lists: build has no Check, no lab server; test adds them and installs only what lacks.
new_state
run sh build
build_line=$(installed_line)
for p in cmake libc-ares-dev libcurl4-openssl-dev libssl-dev libncurses-dev libidn2-dev \
    libjansson-dev; do
    check "build list has $p" grep -qw -- "$p" <<<"$build_line"
done
for p in check nsd postfix tmux valgrind; do
    check "build list leaves out $p (make demo needs no test package)" \
        test "$(grep -cw -- "$p" <<<"$build_line")" = 0
done
rm -f "$STATE/apt.log"
run sh test
test_line=$(installed_line)
check "test: exit 0 (got $rc)" test "$rc" = 0
for p in check nsd unbound nginx-light postfix tmux shellcheck zsh dpkg-dev groff-base; do
    check "test list has $p" grep -qw -- "$p" <<<"$test_line"
done
check "test: only the missing packages are installed (cmake was there)" \
    test "$(grep -cw cmake <<<"$test_line")" = 0

# apt-get fails: non-zero, and our policy-rc.d does not stay behind; theirs stays.
new_state
APT_FAIL=1 run sh build
check "apt-get install fails, no policy-rc.d: non-zero exit (got $rc)" test "$rc" != 0
check "... our policy-rc.d is removed" test ! -e "$PRC"
new_state
theirs
APT_FAIL=1 run sh build
check "apt-get install fails, policy-rc.d present: non-zero exit (got $rc)" test "$rc" != 0
check "... theirs is untouched" cmp -s "$PRC" "$STATE/prc.orig"

# apt-get says yes but the package is still not there: exit 1 naming it.
new_state
APT_NOOP=1 run sh build
check "packages still missing after apt-get: exit 1 (got $rc)" test "$rc" = 1
check "... naming them" grep -q 'still missing.*libidn2-dev' "$STATE/out"

# Not root: apt-get and the policy-rc.d go through sudo.
new_state
FAKE_UID=1000 run sh build
check "not root: exit 0 (got $rc: $(tr '\n' ' ' <"$STATE/out"))" test "$rc" = 0
check "... apt-get ran through sudo" test "$(apt_calls 'user=sudo prc=blocks .*install')" = 1
check "... policy-rc.d removed" test ! -e "$PRC"

# A wrong argument is a usage error, before anything is done.
new_state
run sh tests
check "unknown list: exit 64, no apt-get (got $rc)" test "$rc" = 64 -a "$(apt_calls .)" = 0

# Lint: deps.sh and this test (scripts/deps.sh test installs shellcheck).
if command -v shellcheck >/dev/null; then
    check "shellcheck scripts/deps.sh" shellcheck "$DEPS"
    check "shellcheck deps.test.sh" shellcheck "${BASH_SOURCE[0]}"
else
    bad "shellcheck is not installed (scripts/deps.sh test installs it)"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
