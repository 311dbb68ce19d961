#!/usr/bin/env bash
# completion.test.sh - the bash and zsh completions (completions/), against the binary under
# test: subcommands, options (also after an option's value), demo/lab scenario names from
# `mxray demo --list`, lesson names from `mxray lesson --list` and lesson options, lint kinds, files for `lint policy` and `--batch`, nothing after a
# value option. bash: the script is sourced and _mxray called with COMP_WORDS set. zsh: the
# file parses (zsh -n) and runs with compadd and _files stubbed, printing what it offers.
# Usage: bash completion.test.sh /path/to/mxray. Prints PASS/FAIL lines.
set -uo pipefail
MXRAY=${1:?usage: completion.test.sh /path/to/mxray}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
passed=0
failed=0
ok() { echo "PASS $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }
command -v zsh >/dev/null || { echo "SKIP completion: zsh is not installed (scripts/deps.sh test)"; exit 77; }

# The completions call the `mxray` on PATH: the binary under test, through a link.
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
mkdir "$TMP/bin" "$TMP/files"
ln -s "$(cd "$(dirname "$MXRAY")" && pwd)/$(basename "$MXRAY")" "$TMP/bin/mxray"
export PATH="$TMP/bin:$PATH"
touch "$TMP/files/policy-a.txt" "$TMP/files/policy-b.txt" "$TMP/files/domains.txt"
scenarios=$(mxray demo --list | awk 'NR > 1 && NF == 0 { exit } NR > 1 { print $1 }' | sort | tr '\n' ' ')
[ -n "$scenarios" ] || bad "mxray demo --list gave no scenario"
lessons=$(mxray lesson --list | awk 'NF { print $1 }' | sort | tr '\n' ' ')
[ -n "$lessons" ] || bad "mxray lesson --list gave no lesson"
# every "mxray NAME" usage line of --help (new commands come along)
subcommands=$(mxray --help | sed -n 's/^ *mxray \([a-z][a-z0-9-]*\).*/\1/p' | sort -u | tr '\n' ' ')
for c in check demo lab lint; do
    [[ " $subcommands" == *" $c "* ]] || bad "mxray --help lacks the subcommand $c: $subcommands"
done

# expect SHELL DESCRIPTION WANT GOT - GOT (sorted words) must equal WANT, or contain each
# word of WANT when WANT starts with "+".
expect() {
    local sh=$1 what=$2 want=$3 got=$4 w missing=""
    if [[ $want == +* ]]; then
        for w in ${want#+}; do [[ " $got " == *" $w "* ]] || missing="$missing $w"; done
        [ -z "$missing" ] && ok "$sh: $what" || bad "$sh: $what: lacks$missing (got: $got)"
    else
        [ "$got" = "$want" ] && ok "$sh: $what" || bad "$sh: $what: want '$want', got '$got'"
    fi
}

# ---- bash ----
# shellcheck source=../../completions/mxray.bash
source "$ROOT/completions/mxray.bash"
complete -p mxray >/dev/null 2>&1 && ok "bash: complete -F _mxray mxray registered" ||
    bad "bash: no complete spec for mxray"
bash_c() { # WORD... (the last is the one being completed)
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _mxray 2>/dev/null
    printf '%s\n' "${COMPREPLY[@]}" | grep . | sort | tr '\n' ' '
}
cd "$TMP/files" || exit 1
expect bash "subcommands" "$subcommands" "$(bash_c mxray '')"
expect bash "subcommand prefix" "check " "$(bash_c mxray ch)"
expect bash "top-level options" "+--help --version --list-problems --resolver --timeout" "$(bash_c mxray --)"
expect bash "check options" "+--json --batch --concurrency --shard --verbose --connect-to --ca-file --timeout --ehlo" "$(bash_c mxray check --)"
expect bash "options after a value" "+--json --batch" "$(bash_c mxray check --resolver 127.0.0.1 --)"
expect bash "subcommand after an option's value" "check " "$(bash_c mxray --timeout 5 ch)"
expect bash "nothing after --timeout" "" "$(bash_c mxray check --timeout '')"
expect bash "demo scenarios" "$scenarios" "$(bash_c mxray demo '')"
expect bash "demo scenario prefix" "+dane-ee dane-ta dane-pkix" "$(bash_c mxray demo dane-)"
expect bash "lab scenarios, second name" "$scenarios" "$(bash_c mxray lab all-good '')"
expect bash "lab options" "+--env --clones --list" "$(bash_c mxray lab --)"
expect bash "monitoring and state options" "+--format --warn-days --crit-days --require-sts --state --no-state" "$(bash_c mxray check --)"
expect bash "history options" "+--json --state" "$(bash_c mxray history --)"
expect bash "lesson names" "$lessons" "$(bash_c mxray lesson '')"
expect bash "lesson names after --handout" "$lessons" "$(bash_c mxray lesson --handout '')"
expect bash "no name after a lesson's name" "" "$(bash_c mxray lesson --lab "${lessons%% *}" '')"
expect bash "lesson options" "+--handout --lab --list --no-color" "$(bash_c mxray lesson --)"
expect bash "lint kinds" "policy sts-record tlsrpt-record " "$(bash_c mxray lint '')"
expect bash "lint policy: files" "policy-a.txt policy-b.txt " "$(bash_c mxray lint policy pol)"
expect bash "--batch: files" "domains.txt " "$(bash_c mxray check --batch 'do')"
expect bash "--ca-file: files" "+domains.txt policy-a.txt" "$(bash_c mxray check --ca-file '')"
expect bash "a ./path to mxray" "+check demo lab lint" "$(bash_c "$TMP/bin/mxray" '')"
if command -v shellcheck >/dev/null; then
    shellcheck -s bash "$ROOT/completions/mxray.bash" && ok "bash: shellcheck clean" ||
        bad "bash: shellcheck"
else
    bad "shellcheck is not installed (scripts/deps.sh test)"
fi

# ---- zsh ----
zsh -n "$ROOT/completions/_mxray" && ok "zsh: _mxray parses (zsh -n)" || bad "zsh: syntax"
zsh_c() { # WORD...
    # shellcheck disable=SC2016 # expanded by zsh
    zsh -f -c '
        compadd() { while [[ $1 == -* && $1 != -- ]]; do shift; done; [[ $1 == -- ]] && shift
                    print -rl -- "$@"; }
        _files() { print -r -- "<files>"; }
        words=("${@:2}"); CURRENT=$#words
        source "$1"' zsh "$ROOT/completions/_mxray" "$@" 2>&1 | grep . | sort | tr '\n' ' '
}
# zsh's compadd filters by the typed prefix itself: the function offers every candidate.
expect zsh "subcommands" "$subcommands" "$(zsh_c mxray '')"
expect zsh "top-level options" "+--help --version --list-problems --resolver --timeout" "$(zsh_c mxray --)"
expect zsh "check options" "+--json --batch --concurrency --shard --verbose" "$(zsh_c mxray check --)"
expect zsh "subcommand after an option's value" "$subcommands" "$(zsh_c mxray --timeout 5 ch)"
expect zsh "nothing after --timeout" "" "$(zsh_c mxray check --timeout '')"
expect zsh "demo scenarios" "$scenarios" "$(zsh_c mxray demo '')"
expect zsh "lab scenarios, second name" "$scenarios" "$(zsh_c mxray lab all-good '')"
expect zsh "lab options" "+--env --clones --list" "$(zsh_c mxray lab --)"
expect zsh "lesson names" "$lessons" "$(zsh_c mxray lesson '')"
expect zsh "lesson names after --lab" "$lessons" "$(zsh_c mxray lesson --lab '')"
expect zsh "no name after a lesson's name" "" "$(zsh_c mxray lesson "${lessons%% *}" '')"
expect zsh "lesson options" "+--handout --lab --list --no-color" "$(zsh_c mxray lesson --)"
expect zsh "lint kinds" "policy sts-record tlsrpt-record " "$(zsh_c mxray lint '')"
expect zsh "lint policy: files" "<files> " "$(zsh_c mxray lint policy pol)"
expect zsh "--batch: files" "<files> " "$(zsh_c mxray check --batch 'do')"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
