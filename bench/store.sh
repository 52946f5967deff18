#!/usr/bin/env bash
# make bench-store: the store and the cross-object check at 1,000, 10,000 and
# 100,000 HTTPRoutes (bench/store.c). Each size runs RUNS times (default 3) in
# a fresh process, and the table shows the median of the runs, so one noisy
# run on a shared machine does not decide the verdict.
# usage: bench/store.sh [RUNS] [CHECKS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
checks=${2:-20000}
make -s build/rel/bench_store
bin=build/rel/bench_store
pin=""
command -v taskset >/dev/null && taskset -c 0 true 2>/dev/null && pin="taskset -c 0"

echo "== bench-store (build/rel, -O2, one core; median of $runs runs of $checks checks each)"
results=()
for n in 1000 10000 100000; do
    for r in $(seq "$runs"); do
        out=$($pin "$bin" "$n" "$checks")
        grep -v '^RESULT' <<<"$out" | sed "s/^/  [run $r] /"
        results+=("$(grep '^RESULT' <<<"$out")")
    done
done

printf '%s\n' "${results[@]}" | python3 -c '
import statistics, sys
rows = {}
for line in sys.stdin:
    _, n, load, rss, med, p99 = line.split()
    rows.setdefault(int(n), []).append((float(load), float(rss), float(med), float(p99)))
m = {n: [statistics.median(c) for c in zip(*v)] for n, v in rows.items()}
print()
print("%8s  %9s  %12s  %12s  %9s" % ("routes", "load (s)", "RSS/route", "check med", "check p99"))
for n in sorted(m):
    load, rss, med, p99 = m[n]
    print("%8d  %9.3f  %10.0f B  %9.2f us  %6.2f us" % (n, load, rss, med, p99))
big, small = m[max(m)], m[min(m)]
aims = [
    ("load of 100,000 routes under 2 s", big[0] < 2.0, "%.3f s" % big[0]),
    ("under 2 KiB per route", big[1] < 2048, "%.0f B" % big[1]),
    ("p99 check under 20 us", big[3] < 20, "%.2f us" % big[3]),
    ("p99 at 100k no more than 2x p99 at 1k", big[3] <= 2 * small[3],
     "%.2fx" % (big[3] / small[3])),
]
print()
for name, ok, got in aims:
    print("  %-4s %-40s %s" % ("ok" if ok else "MISS", name, got))
'
