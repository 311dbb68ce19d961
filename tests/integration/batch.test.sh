#!/usr/bin/env bash
# shellcheck disable=SC2015  # ok() never fails, so "A && ok || bad" is an if-then-else
# batch.test.sh - `mxray check --batch` against the built-in lab: many distinct domains, nothing
# lost, the same verdicts as single checks, skipped lines named, shards, stdin, Ctrl-C.
#
# Starts `mxray lab --env --clones 5` in the background (every scenario five times, 105
# domains NAME.cK.mxray.test for 21 scenarios; two connect-to mappings reach them all), writes an input list
# with comments, blank lines, CR LF, duplicates and malformed lines, and checks:
#   --json: one JSON object per line, every domain exactly once, verdict = the scenario's
#           expected verdict, clones agree; skipped lines reported on stderr with their number
#   single `mxray check --json DOMAIN` gives the same verdict as the batch (one clone each)
#   text:   header, one row per domain, summary counts that add up
#   --shard 1/3 2/3 3/3 joined with cat = the whole run; --batch - reads stdin
#   Ctrl-C mid-run: exit 130 (2 once a FAIL row is out), the summary says interrupted, the rows printed are whole
# No root needed. Prints PASS/FAIL lines and "N passed, N failed" last.
# Usage: bash tests/integration/batch.test.sh /path/to/mxray
# Exit: 0 all passed, 1 something failed (a missing feature too), 77 skipped (no python3).
set -uo pipefail

MXRAY="${1:-}"
CLONES=5
LIMIT=120   # seconds per mxray run
passed=0
failed=0

skip() { echo "SKIP batch: $*"; exit 77; }
fail_setup() { echo "FAIL batch: $*"; exit 1; }
ok() { echo "PASS $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }

[ -n "$MXRAY" ] && [ -x "$MXRAY" ] || fail_setup "usage: $0 /path/to/mxray"
"$MXRAY" lab --help 2>&1 | grep -q -- '--clones' || fail_setup "'mxray lab' has no --clones"
PYTHON="$(command -v /usr/bin/python3 || command -v python3)" || skip "python3 is not installed (scripts/deps.sh test)"

TMP="$(mktemp -d "${TMPDIR:-/tmp}/batch-test.XXXXXX")"
LAB_PID=
RUN_PID=
cleanup() {
    [ -n "$RUN_PID" ] && kill -KILL "$RUN_PID" 2>/dev/null
    if [ -n "$LAB_PID" ]; then
        kill -INT "$LAB_PID" 2>/dev/null
        wait "$LAB_PID" 2>/dev/null
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

"$MXRAY" lab --env --clones "$CLONES" >"$TMP/env" 2>"$TMP/lab.err" &
LAB_PID=$!
for _ in $(seq 1 600); do
    grep -q '^MXRAY_LAB_READY=1' "$TMP/env" && break
    kill -0 "$LAB_PID" 2>/dev/null || break
    sleep 0.1
done
if ! grep -q '^MXRAY_LAB_READY=1' "$TMP/env"; then
    echo "FAIL lab did not start: $(head -c 500 "$TMP/lab.err")"
    echo "0 passed, 1 failed"
    exit 1
fi

LAB_ARGS=(--timeout 5 --resolver "$(sed -n 's/^MXRAY_LAB_RESOLVER=//p' "$TMP/env")"
          --ca-file "$(sed -n 's/^MXRAY_LAB_CA=//p' "$TMP/env")")
while read -r m; do LAB_ARGS+=(--connect-to "$m"); done \
    < <(sed -n 's/^MXRAY_LAB_CONNECT_TO=//p' "$TMP/env")
# name domain mappings: the scenario of every clone domain
sed -n 's/^MXRAY_LAB_SCENARIO=//p' "$TMP/env" | awk '{print $2, $1}' >"$TMP/domains"
"$MXRAY" lab --list | awk 'NR > 1 && $2 ~ /^(pass|warn|fail|none)$/ {print $1, $2}' >"$TMP/expect"
ndom=$(wc -l <"$TMP/domains")
nscn=$(wc -l <"$TMP/expect")
[ "$ndom" -eq $((nscn * CLONES)) ] && ok "lab serves $ndom clone domains" \
    || bad "lab serves $ndom clone domains, expected $((nscn * CLONES))"

# The input: a comment, every domain, then duplicates and malformed lines, mixed in.
{
    printf '# migration wave 1\n\n'
    n=0
    while read -r d _; do
        n=$((n + 1))
        printf '%s\n' "$d"
        case "$n" in
            3) printf '  %s.   # same as line 5, upper case and a trailing dot\r\n' "${d^^}" ;;
            10) printf 'not a domain.example\n' ;;
            20) printf 'x..y.example\n' ;;
        esac
    done <"$TMP/domains"
} >"$TMP/list"
# line 3+2=5 is the third domain; its duplicate is line 6; malformed lines follow n=10 and 20
run() { timeout "$LIMIT" "$MXRAY" check "${LAB_ARGS[@]}" "$@"; }

run --json --concurrency 40 --batch "$TMP/list" >"$TMP/all.jsonl" 2>"$TMP/all.err"
rc=$?
[ "$rc" = 2 ] && ok "batch --json exits 2 (some domains fail)" || bad "batch --json exit $rc"

"$PYTHON" - "$TMP" <<'EOF' && ok "JSON Lines: every domain once, expected verdicts" \
    || bad "JSON Lines check"
import json, sys, collections
tmp = sys.argv[1]
scn = dict(l.split() for l in open(tmp + "/domains"))
expect = dict(l.split() for l in open(tmp + "/expect"))
seen, errors, by_scn = collections.Counter(), [], collections.defaultdict(set)
for n, line in enumerate(open(tmp + "/all.jsonl"), 1):
    o = json.loads(line)  # each line alone is a whole object
    seen[o["domain"]] += 1
    s = scn.get(o["domain"])
    if s is None:
        errors.append("line %d: unknown domain %s" % (n, o["domain"]))
        continue
    by_scn[s].add(o["verdict"])
    if o["verdict"] != expect[s]:
        errors.append("%s: %s, expected %s" % (o["domain"], o["verdict"], expect[s]))
missing = set(scn) - set(seen)
errors += ["missing %s" % d for d in sorted(missing)]
errors += ["%s printed %d times" % (d, c) for d, c in seen.items() if c != 1]
errors += ["clones of %s disagree: %s" % (s, v) for s, v in by_scn.items() if len(v) != 1]
for e in errors[:20]:
    print("   ", e)
sys.exit(1 if errors else 0)
EOF

grep -q "list:6: .* repeats line 5; skipped" "$TMP/all.err" \
    && ok "duplicate reported with its line number" || bad "duplicate: $(head -c 300 "$TMP/all.err")"
[ "$(grep -c "list:[0-9]*: 'not a domain.example' is more than one word\|list:[0-9]*: 'x..y.example': " "$TMP/all.err")" = 2 ] \
    && ok "malformed lines reported with their line number" \
    || bad "malformed: $(head -c 300 "$TMP/all.err")"

# The same verdict from a single check, one clone of every scenario.
single_bad=0
while read -r d s; do
    case "$d" in *.c2.mxray.test) ;; *) continue ;; esac
    v="$(run --json "$d" 2>/dev/null | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["verdict"])')"
    b="$(grep -F "\"domain\":\"$d\"" "$TMP/all.jsonl" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["verdict"])')"
    [ "$v" = "$b" ] || { single_bad=$((single_bad + 1)); echo "    $d ($s): single $v, batch $b"; }
done <"$TMP/domains"
[ "$single_bad" = 0 ] && ok "single checks give the batch verdicts ($nscn scenarios)" \
    || bad "$single_bad single checks differ from the batch"

# Text: header, one row per domain, a summary whose counts add up.
run --concurrency 40 --batch "$TMP/list" >"$TMP/all.txt" 2>/dev/null
"$PYTHON" - "$TMP" "$ndom" <<'EOF' && ok "text table and summary" || bad "text table"
import re, sys
tmp, ndom = sys.argv[1], int(sys.argv[2])
lines = open(tmp + "/all.txt").read().split("\n")
assert lines[0].split() == ["DOMAIN", "VERDICT", "MODE", "MX", "WORST", "PROBLEM"], lines[0]
rows = [l for l in lines[1:] if re.match(r"^\S+\.mxray\.test +(PASS|WARN|FAIL|NONE) ", l)]
assert len(rows) == ndom, len(rows)
s = next(l for l in lines if l.startswith("Summary:"))
assert "%d of %d domains" % (ndom, ndom) in s, s
counts = dict(re.findall(r"(PASS|WARN|FAIL|NONE) +(\d+)", lines[lines.index(s) + 1]))
assert sum(map(int, counts.values())) == ndom, counts
for v, c in counts.items():
    assert sum(1 for r in rows if r.split()[1] == v) == int(c), (v, c)
assert "Skipped input: 1 duplicate and 2 malformed lines" in "\n".join(lines)
assert not re.search(r"[\x00-\x09\x0b-\x1f]", "\n".join(lines))
EOF

# Shards joined with cat hold every domain exactly once; stdin works.
for k in 1 2 3; do
    run --json --shard "$k/3" --batch - <"$TMP/list" >"$TMP/shard$k.jsonl" 2>/dev/null
done
cat "$TMP"/shard[123].jsonl | "$PYTHON" -c '
import json, sys
a = sorted(json.loads(l)["domain"] for l in sys.stdin)
b = sorted(json.loads(l)["domain"] for l in open(sys.argv[1]))
sys.exit(0 if a == b and len(a) == len(set(a)) else 1)' "$TMP/all.jsonl" \
    && ok "--shard 1/3 2/3 3/3 via stdin, joined with cat = the whole run" || bad "shards"

# Ctrl-C mid-run: one domain at a time, SIGINT once a few rows are out.
"$MXRAY" check "${LAB_ARGS[@]}" --concurrency 1 --batch "$TMP/list" >"$TMP/int.txt" \
    2>"$TMP/int.err" &
RUN_PID=$!
for _ in $(seq 1 300); do
    [ "$(wc -l <"$TMP/int.txt")" -ge 4 ] && break
    sleep 0.05
done
kill -INT "$RUN_PID"
for _ in $(seq 1 200); do kill -0 "$RUN_PID" 2>/dev/null || break; sleep 0.1; done
wait "$RUN_PID"
rc=$?
RUN_PID=
rows=$(grep -cE '^\S+\.mxray\.test +(PASS|WARN|FAIL|NONE) ' "$TMP/int.txt")
# One order of exit statuses (mxray(1)): a failure found before the interrupt wins over 130.
want=130
grep -qE '^\S+\.mxray\.test +FAIL ' "$TMP/int.txt" && want=2
if [ "$rc" = "$want" ] && grep -q '^  Interrupted: ' "$TMP/int.txt" \
    && grep -q "^Summary: $rows of $ndom domains" "$TMP/int.txt" && [ "$rows" -lt "$ndom" ]; then
    ok "Ctrl-C: exit $want, summary of the $rows finished domains"
else
    bad "Ctrl-C: exit $rc (want $want), $rows rows; $(tail -n 5 "$TMP/int.txt" | tr '\n' '|')"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
