#!/bin/sh
# fuzz.sh - run every libFuzzer target in BUILD/fuzz for SECONDS each and summarise.
# Usage: scripts/fuzz.sh [BUILD [SECONDS [TARGET...]]]   (make fuzz / make fuzz-smoke)
# Each target starts from its seeds (tests/fuzz-corpus/<target>) plus what earlier runs found
# (BUILD/fuzz-work/<target>/corpus, never committed). A crash leaves its input as
# BUILD/fuzz-work/<target>/crash-* and makes the script exit 1; copy it to
# fuzz/regressions/<target>-<what> so ctest replays it from then on.
set -u
BUILD=${1:-build-fuzz}
SECONDS_EACH=${2:-${FUZZ_SECONDS:-60}}
[ $# -gt 2 ] && shift 2 || set --
TOP=$(cd "$(dirname "$0")/.." && pwd)
WORK=$BUILD/fuzz-work
SUMMARY=$BUILD/fuzz-summary.txt
mkdir -p "$WORK"

# max_len per target: about the largest input the parser accepts in real use.
max_len() {
    case $1 in
    sts_policy) echo 65536 ;;            # MX_POLICY_BODY_MAX
    dns_answer) echo 4096 ;;             # EDNS-sized message
    cert_der) echo 8192 ;;
    smtp_reply) echo 16384 ;;            # several lines past MX_SMTP_LINE_MAX
    escape | json) echo 12000 ;;         # past MX_ESCAPED_MAX
    sts_record | tlsrpt) echo 4200 ;;    # past MX_DNS_TXT_MAX
    cli) echo 2048 ;;
    http_header) echo 16384 ;;           # past MX_HTTP_HEADERS_MAX short lines
    *) echo 600 ;;                       # names: mx_match, cert_name, domain
    esac
}

targets=${*:-$(cd "$BUILD/fuzz" 2>/dev/null && ls fuzz_* 2>/dev/null | sed 's/^fuzz_//')}
if [ -z "$targets" ]; then
    echo "fuzz.sh: no fuzz targets in $BUILD/fuzz (build with make fuzz)" >&2
    exit 2
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

printf '%-12s %8s %12s %8s %6s  %s\n' target seconds executions exec/s cov result > "$SUMMARY"
failed=0
for t in $targets; do
    dir=$WORK/$t
    mkdir -p "$dir/corpus"
    dict=""
    [ -f "$TOP/fuzz/$t.dict" ] && dict="-dict=$TOP/fuzz/$t.dict"
    log=$dir/last.log
    # shellcheck disable=SC2086
    "$BUILD/fuzz/fuzz_$t" -max_total_time="$SECONDS_EACH" -max_len="$(max_len "$t")" \
        -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -artifact_prefix="$dir/" $dict \
        "$dir/corpus" "$TOP/tests/fuzz-corpus/$t" > "$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | sed 's/cov: //')
    result=ok
    if [ "$rc" -ne 0 ]; then
        result="CRASH (see $log)"
        failed=1
    fi
    printf '%-12s %8s %12s %8s %6s  %s\n' "$t" "$SECONDS_EACH" "${execs:-?}" "${rate:-?}" \
        "${cov:-?}" "$result" >> "$SUMMARY"
done
cat "$SUMMARY"
exit $failed
