#!/usr/bin/env bash
# `make run`: gateguard's main job on a local folder of manifests. Checks the
# good examples (all pass) and the common mistakes in examples/bad/ (each one
# refused, with the field and the reason), as a platform team's CI would.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=build/rel/gateguard

echo "\$ gateguard check examples/"
$bin check examples/
echo "exit status $? (0: every object is valid)"
echo
echo "\$ gateguard check examples/bad/"
$bin check examples/bad/
echo "exit status $? (1: invalid objects; each line is FILE:LINE: KIND NAMESPACE/NAME: FIELD: TYPE: MESSAGE)"
