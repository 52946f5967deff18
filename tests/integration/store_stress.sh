#!/usr/bin/env bash
# The store's reader/writer lock under load (tests/stress/store_stress.c):
# one writer replacing and deleting routes, readers checking that counts,
# walks and the parent index agree and no route is seen half-replaced. Once
# under ThreadSanitizer (a data race fails it), once under AddressSanitizer.
set -uo pipefail
cd "$(dirname "$0")/../.."
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; printf '%s\n' "$2" | tail -20 | sed 's/^/     /'; }

for san in tsan asan; do
    bin=build/$san/store_stress
    if ! out=$(make -s "$bin" 2>&1); then
        if [ "$san" = tsan ]; then
            echo "skip: no ThreadSanitizer build here: $(tail -1 <<<"$out")"
            continue
        fi
        bad "$bin builds" "$out"
        continue
    fi
    # halt_on_error: the first race fails the run rather than a report scrolling by
    if out=$(TSAN_OPTIONS=halt_on_error=1:exitcode=66 ASAN_OPTIONS=detect_leaks=1 "$bin" 2>&1); then
        ok "$san: readers see a consistent store beside the writer ($(tail -1 <<<"$out"))"
    else
        bad "$san: readers see a consistent store beside the writer" "$out"
    fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
