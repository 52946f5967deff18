#!/usr/bin/env bash
# The integration suites with the release binary (no sanitizers) under
# Valgrind's memcheck, as `make test-valgrind` runs them: every gateguard
# process a suite starts runs as `valgrind --leak-check=full`, its report goes
# to a file of its own, and the run fails when any report shows an error or a
# definite or indirect leak. Suites: the arguments, else the default set
# below (the Kubernetes ones are left out: under memcheck the API server's
# timeouts, not gateguard, decide them).
set -uo pipefail
cd "$(dirname "$0")/.."

if ! command -v valgrind >/dev/null; then
    echo "valgrind is not installed (make deps installs it)"
    echo "0 passed, 1 failed"
    exit 1
fi
suites=("$@")
if [ ${#suites[@]} -eq 0 ]; then
    suites=(tests/cli/check.sh tests/integration/certs.sh tests/integration/webhook_tls.sh
        tests/integration/webhook_rotation.sh tests/integration/webhook_sigterm.sh
        tests/integration/webhook_source.sh)
    for s in tests/integration/proxy*.sh tests/integration/echo.sh; do
        [ -e "$s" ] && suites+=("$s")
    done
fi

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
wrapper=$logs/gateguard
cat >"$wrapper" <<WRAP
#!/bin/sh
exec valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect \\
    --show-leak-kinds=definite,indirect --error-exitcode=99 --trace-children=no \\
    --log-file="$logs/vg.%p" "$PWD/build/rel/gateguard" "\$@"
WRAP
chmod +x "$wrapper"

pass=0 fail=0
for s in "${suites[@]}"; do
    echo "== $s (memcheck)"
    if GG_BIN=$wrapper timeout 1800 bash "$s"; then
        pass=$((pass + 1))
    else
        echo "FAIL $s"
        fail=$((fail + 1))
    fi
done

# A report is empty when memcheck found nothing (--quiet).
reports=0 dirty=0
for f in "$logs"/vg.*; do
    [ -e "$f" ] || continue
    reports=$((reports + 1))
    if [ -s "$f" ]; then
        dirty=$((dirty + 1))
        echo "FAIL memcheck report $(basename "$f"):"
        sed 's/^/     /' "$f" | head -60
    fi
done
echo "memcheck: $reports processes, $dirty with errors or leaks"
if [ "$dirty" -gt 0 ]; then
    fail=$((fail + 1))
else
    pass=$((pass + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
