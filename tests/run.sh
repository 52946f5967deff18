#!/usr/bin/env bash
# The whole test suite, as `make test` runs it: the Criterion unit and fixture
# tests (built with AddressSanitizer and UndefinedBehaviorSanitizer), then
# every integration script under tests/integration/ and tests/cli/ against the
# real binary. Prints one summary line and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export GG_BIN=${GG_BIN:-$PWD/build/asan/gateguard}

failed_suites=()

echo "== unit and fixture tests (Criterion)"
if ! ./build/asan/unit_tests --jobs 2; then
    failed_suites+=("unit")
fi

for t in tests/cli/*.sh tests/integration/*.sh tests/e2e/*.sh; do
    [ -e "$t" ] || continue
    echo "== $t"
    if ! timeout 900 bash "$t"; then
        failed_suites+=("$t")
    fi
done

if [ ${#failed_suites[@]} -gt 0 ]; then
    echo "FAILED: ${failed_suites[*]}"
    exit 1
fi
echo "all test suites passed"
