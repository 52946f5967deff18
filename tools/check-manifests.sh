#!/usr/bin/env bash
# Fails when deploy/gateguard.yaml differs from what `make manifests` renders
# from charts/gateguard now (a chart change without regenerating deploy/).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tools/manifests.sh "$tmp/gateguard.yaml" 2>/dev/null
if ! diff -u deploy/gateguard.yaml "$tmp/gateguard.yaml" >"$tmp/diff"; then
    echo "deploy/gateguard.yaml is stale: run \`make manifests\` and commit it. Difference:" >&2
    head -40 "$tmp/diff" >&2
    exit 1
fi
echo "deploy/gateguard.yaml is current" >&2
