#!/usr/bin/env bash
# The whole test suite, as `make test` runs it: the Criterion unit and fixture
# tests (built with AddressSanitizer and UndefinedBehaviorSanitizer), then
# every suite under tests/cli/, tests/integration/ and tests/e2e/ against the
# real binary. Each suite ends with its own "N passed, N failed" line; the last
# line adds them up. Exits non-zero when any suite fails.
set -uo pipefail
cd "$(dirname "$0")/.."

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export GG_BIN=${GG_BIN:-$PWD/build/asan/gateguard}

failed_suites=()
total_pass=0 total_fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# count: add the counts a suite printed (Criterion's synthesis or our line)
count() {
    local line p f
    line=$(grep -E '^\[====\] Synthesis:|^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
    if [[ "$line" =~ Passing:\ ([0-9]+)\ \|\ Failing:\ ([0-9]+)\ \|\ Crashing:\ ([0-9]+) ]]; then
        p=${BASH_REMATCH[1]} f=$((BASH_REMATCH[2] + BASH_REMATCH[3]))
    elif [[ "$line" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
        p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]}
    else
        p=0 f=1 # a suite that printed no count failed to run
    fi
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
}

echo "== unit and fixture tests (Criterion)"
if ! ./build/asan/unit_tests --jobs 2 2>&1 | tee "$log"; then
    failed_suites+=("unit")
fi
count

for t in tests/cli/*.sh tests/integration/*.sh tests/e2e/*.sh; do
    [ -e "$t" ] || continue
    echo "== $t"
    if ! timeout 900 bash "$t" 2>&1 | tee "$log"; then
        failed_suites+=("$t")
    fi
    count
done

if [ ${#failed_suites[@]} -gt 0 ]; then
    echo "FAILED: ${failed_suites[*]}"
fi
echo "total: $total_pass passed, $total_fail failed"
[ ${#failed_suites[@]} -eq 0 ] && [ "$total_fail" -eq 0 ]
