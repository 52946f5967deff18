#!/usr/bin/env bash
# Every C file in the repository is as clang-format leaves it (.clang-format);
# `make format` fixes what this reports.
set -uo pipefail
cd "$(dirname "$0")/../.."
if ! command -v clang-format >/dev/null; then
    echo "SKIP: clang-format is not installed (make deps installs it)"
    echo "0 passed, 0 failed"
    exit 0
fi
pass=0 fail=0
while IFS= read -r f; do
    if clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $f is not formatted (make format)"
    fi
done < <(git ls-files '*.c' '*.h')
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
