#!/bin/sh
# layers.sh TOP - the layer rules of docs/architecture.md, checked on the sources:
# only ui/tui/ includes curses; the engine (src/) includes nothing of ui/ or of the lab;
# the writers (ui/report/) include nothing of the TUI or the CLI.
set -u
top=${1:?usage: layers.sh TOP}
cd "$top" || exit 1
fail=0
bad() { echo "layers: $*" >&2; fail=1; }

for f in $(grep -rlE '#include[[:space:]]*<n?cursesw?/?[a-z]*\.h>|#include[[:space:]]*<(term|panel|menu|form)\.h>' src ui); do
    case $f in ui/tui/*) ;; *) bad "$f includes curses (only ui/tui/ may)";; esac
done

# Header names of each layer, to catch includes that point up.
names() { for h in "$@"; do [ -e "$h" ] && basename "$h"; done; }
ui_headers=$(names ui/*/*.h)
lab_headers=$(names src/lab/*.h)
tui_cli_headers=$(names ui/tui/*.h ui/cli/*.h)

includes_of() { grep -hoE '#include[[:space:]]*"[^"]+"' "$@" 2>/dev/null | sed 's/.*"\(.*\)"/\1/' | sort -u; }
check_none() { # layer-files description forbidden-names
    files=$1; what=$2; forbidden=$3
    for f in $files; do
        for inc in $(includes_of "$f"); do
            for h in $forbidden; do [ "$inc" = "$h" ] && bad "$f includes $inc ($what)"; done
        done
    done
}
check_none "$(ls src/*.c src/*.h)" "the engine must not reach up into ui/ or the lab" "$ui_headers $lab_headers"
check_none "$(ls src/lab/*.c src/lab/*.h)" "the lab must not reach into ui/" "$ui_headers"
check_none "$(ls ui/report/*.c ui/report/*.h)" "writers must not reach into the TUI or the CLI" "$tui_cli_headers"
[ $fail = 0 ] && echo "layers: ok"
exit $fail
