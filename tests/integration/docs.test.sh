#!/bin/bash
# docs.test.sh - every option the command line accepts is documented: each option literal of
# ui/cli/*.c appears in the man page (docs/mxray.1) and in the --help of the command that
# takes it; every subcommand main.c dispatches is in the man page's SYNOPSIS and in
# mxray --help; the man page has the sections a user looks for (KEYS, DANE) and renders
# without groff warnings. The options are read from the sources, so a new option without
# documentation fails here.
# Usage: bash docs.test.sh /path/to/mxray
set -u
BIN=${1:?usage: docs.test.sh /path/to/mxray}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
MAN="$TOP/docs/mxray.1"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

[ -f "$MAN" ] || { echo "FAIL: no $MAN"; exit 1; }
# The man page as plain text: roff's \- is a hyphen-minus on the command line.
man_text=$(sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$MAN")

# options_of FILE - the option literals ("--json", "-4") in a source file.
options_of() { grep -oE '"--?[a-zA-Z0-9][a-zA-Z0-9-]*"' "$1" | tr -d '"' | sort -u; }

# help_of FILE - the --help text of the command whose options FILE parses.
help_of() {
    local base
    base=$(basename "$1")
    case $base in
    cli.c) "$BIN" --help; "$BIN" check --help ;;
    main.c) "$BIN" --help ;;
    cmd_check.c | cmd_tui.c) "$BIN" --help; "$BIN" check --help ;;
    cmd_*.c) # cmd_NAME.c parses the options of mxray NAME
        local name
        name=$(basename "$1" .c)
        "$BIN" "${name#cmd_}" --help ;;
    *) return 1 ;;
    esac 2>&1
}

checked=0
for src in "$TOP"/ui/cli/*.c; do
    opts=$(options_of "$src")
    [ -n "$opts" ] || continue
    help=$(help_of "$src") || { fail "$(basename "$src") parses options ($opts) but this test does not know its --help"; continue; }
    for o in $opts; do
        checked=$((checked + 1))
        grep -qE -- "(^|[^a-zA-Z0-9-])$o([^a-zA-Z0-9-]|$)" <<<"$man_text" \
            || fail "$o (accepted by $(basename "$src")) is not in docs/mxray.1"
        case $o in -h | --help) continue ;; esac # the help itself
        grep -qE -- "(^|[^a-zA-Z0-9-])$o([^a-zA-Z0-9-]|$)" <<<"$help" \
            || fail "$o (accepted by $(basename "$src")) is not in its --help"
    done
done
[ $checked -ge 20 ] || fail "only $checked options found in ui/cli/*.c: the scan is broken"

# Subcommands: main.c's strcmp(cmd, "NAME") dispatch.
synopsis=$(sed -n '/^\.SH SYNOPSIS/,/^\.SH /p' "$MAN" | sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g')
for cmd in $(grep -oE 'strcmp\(cmd, "[a-z]+"\)' "$TOP/ui/cli/main.c" | sed 's/.*"\(.*\)".*/\1/'); do
    [ "$cmd" = help ] && continue # an alias of --help
    grep -qE "mxray $cmd" <<<"$synopsis" || fail "subcommand $cmd is not in the man page's SYNOPSIS"
    "$BIN" --help | grep -qE "mxray $cmd" || fail "subcommand $cmd is not in mxray --help"
done

for section in KEYS DANE COMMANDS OPTIONS "EXIT STATUS"; do
    grep -q "^\.SH $section\$" "$MAN" || fail "the man page has no $section section"
done
grep -q "DNSSEC not validated here" "$MAN" || fail "the man page does not explain 'DNSSEC not validated here'"

if command -v groff >/dev/null 2>&1; then
    warn=$(groff -man -ww -z "$MAN" 2>&1)
    [ -z "$warn" ] || fail "groff warns about docs/mxray.1: $warn"
else
    fail "groff is not installed (scripts/deps.sh test): the man page's roff is not checked"
fi

[ $fails = 0 ] || exit 1
echo "PASS: docs ($checked option literals checked)"
