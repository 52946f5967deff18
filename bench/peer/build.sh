#!/usr/bin/env bash
# Builds the upstream Gateway API admission webhook (sigs.k8s.io/gateway-api
# v1.0.0, cmd/admission: the last release that shipped it), pinned by this
# folder's go.mod and go.sum, into the machine's test cache (shared with
# tests/k8s/build.sh), and prints the binary's path. Built once per machine.
# Exit status: 0 built or cached, 1 the build failed, 3 Go is not installed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=$("$here/../../tests/k8s/build.sh" --print-dir)
out=$cache/bin/gwapi-admission-v1.0.0
if [ -x "$out" ]; then
    echo "$out"
    exit 0
fi
export PATH="$PATH:/usr/local/go/bin" GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-modcacherw
command -v go >/dev/null || { echo "peer: go is not installed" >&2; exit 3; }
mkdir -p "$cache/bin"
echo "peer: building sigs.k8s.io/gateway-api@v1.0.0/cmd/admission" >&2
(cd "$here" && nice -n 10 go build -trimpath -o "$out.tmp" sigs.k8s.io/gateway-api/cmd/admission) >&2 ||
    { echo "peer: build failed" >&2; exit 1; }
mv "$out.tmp" "$out"
echo "$out"
