#!/usr/bin/env bash
# Runs the fuzz targets (Makefile FUZZ_TARGETS), as `make fuzz` asks:
#   tools/fuzz.sh replay RUNS TARGET...       the standalone driver: each seed
#                                             corpus, then RUNS mutations
#   tools/fuzz.sh libfuzzer SECONDS TARGET... libFuzzer, SECONDS per target,
#                                             one worker, printing executions/s,
#                                             total executions and coverage
# libFuzzer grows a working corpus under build/fuzz/corpus/<target> (seeded
# from tests/fuzz/corpus/<target>, never written back); a crash input is kept
# as build/fuzz/crash-<target>-* and fails the run. Copy it into
# tests/fuzz/corpus/<target>/ as a regression case once fixed.
set -uo pipefail
cd "$(dirname "$0")/.."

mode=${1:?usage: tools/fuzz.sh replay RUNS|libfuzzer SECONDS TARGET...}
amount=${2:?}
shift 2
failed=0
[ "$mode" = libfuzzer ] &&
    printf '%-14s %12s %14s %8s %8s %s\n' target "exec/s" executions cov features result
for t in "$@"; do
    seeds=tests/fuzz/corpus/$t
    log=$(mktemp)
    if [ "$mode" = replay ]; then
        if (cd build && "./asan/${t}_fuzz" -runs="$amount" "../$seeds") >"$log" 2>&1; then
            printf '%-14s %s\n' "$t" "$(tail -1 "$log")"
        else
            printf '%-14s CRASH\n' "$t"
            tail -30 "$log"
            failed=1
        fi
        rm -f "$log"
        continue
    fi
    work=build/fuzz/corpus/$t
    mkdir -p "$work"
    start=$(date +%s)
    "build/fuzz/$t" -max_total_time="$amount" -print_final_stats=1 -timeout=10 \
        -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="build/fuzz/crash-$t-" \
        "$work" "$seeds" >"$log" 2>&1
    rc=$?
    secs=$(($(date +%s) - start))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
    ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
    if [ "$rc" -eq 0 ]; then
        result="clean (${secs}s)"
    else
        result="CRASH: $(ls build/fuzz/crash-"$t"-* 2>/dev/null | head -1)"
        grep -E 'ERROR|SUMMARY|runtime error' "$log" | head -5
        failed=1
    fi
    printf '%-14s %12s %14s %8s %8s %s\n' "$t" "${rate:-?}" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$result"
    rm -f "$log"
done
exit "$failed"
