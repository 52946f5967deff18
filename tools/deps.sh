#!/usr/bin/env bash
# Installs the Debian packages gateguard builds and tests against, only those
# that are missing. Safe to run again; does nothing when all are present.
set -euo pipefail

pkgs=(build-essential pkg-config libmicrohttpd-dev libssl-dev libjansson-dev
      libyaml-dev libpcre2-dev libcriterion-dev libcurl4-openssl-dev
      curl openssl ca-certificates python3)
# what only the tests use: the format check, and YAML in the test scripts
if [ "${GG_DEPS_TEST:-0}" = 1 ]; then
    pkgs+=(clang-format python3 python3-yaml)
fi
if [ "${GG_DEPS_VALGRIND:-0}" = 1 ]; then
    pkgs+=(valgrind)
fi
if [ "${GG_DEPS_FUZZ:-0}" = 1 ]; then
    pkgs+=(clang libclang-rt-14-dev)
fi
if [ "${GG_DEPS_BENCH:-0}" = 1 ]; then
    pkgs+=(wrk nginx-light haproxy python3)
fi
if ! command -v go >/dev/null 2>&1 && [ ! -x /usr/local/go/bin/go ]; then
    pkgs+=(golang-go)
fi

missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
