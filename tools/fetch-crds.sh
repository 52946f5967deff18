#!/usr/bin/env bash
# Copies the Gateway API CRDs of one release out of the sigs.k8s.io/gateway-api
# Go module (the upstream source of truth) into OUT. The module proxy is the
# only place they come from, so no CRD text lives in this repository.
# usage: fetch-crds.sh VERSION OUT
set -euo pipefail
ver=$1 out=$2
export PATH="$PATH:/usr/local/go/bin"
export GOFLAGS=-modcacherw
command -v go >/dev/null || { echo "fetch-crds: go is required (make deps installs it)" >&2; exit 1; }
dir=$(cd /tmp && go mod download -json "sigs.k8s.io/gateway-api@$ver" |
      sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$dir/config/crd/standard" ] || { echo "fetch-crds: module sigs.k8s.io/gateway-api@$ver has no config/crd/standard" >&2; exit 1; }
rm -rf "$out.tmp" && mkdir -p "$out.tmp"
cp "$dir"/config/crd/standard/*.yaml "$out.tmp/"
chmod -R u+w "$out.tmp"
rm -rf "$out" && mv "$out.tmp" "$out"
