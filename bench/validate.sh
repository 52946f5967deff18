#!/usr/bin/env bash
# make bench-validate: decode + validate 10,000 HTTPRoutes from one YAML stream.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build/rel/bench_validate
echo "== bench-validate (build/rel, -O2, one core)"
taskset -c 0 build/rel/bench_validate "${1:-10000}" 2>&1 || build/rel/bench_validate "${1:-10000}"
