#!/usr/bin/env bash
# `gateguard check` as a CI pipeline runs it: exit codes, output format, and
# hostile input (each must give a clear error naming the place, never a crash).
set -uo pipefail
cd "$(dirname "$0")/../.."
bin=${GG_BIN:-build/asan/gateguard}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2" | head -20; }

# expect NAME STATUS PATTERN -- ARGS...: exit status and a regex on stdout+stderr
expect() {
    local name=$1 want=$2 pat=$3
    shift 4
    local out status
    out=$("$bin" "$@" 2>&1)
    status=$?
    if [ "$status" -ne "$want" ]; then
        bad "$name (exit $status, want $want)" "$out"
    elif [ -n "$pat" ] && ! grep -Eq -- "$pat" <<<"$out"; then
        bad "$name (output lacks /$pat/)" "$out"
    else
        ok "$name"
    fi
}

expect "examples are valid" 0 "objects checked: 0 errors" -- check examples/
out=$("$bin" check -q examples/ 2>&1)
[ -z "$out" ] && ok "valid input prints nothing with -q" || bad "valid input prints nothing with -q" "$out"

out=$("$bin" check examples/bad/ 2>/dev/null); status=$?
[ $status -eq 1 ] && ok "examples/bad exits 1" || bad "examples/bad exits 1 (got $status)"
for f in examples/bad/*.yaml; do
    b=$(basename "$f")
    grep -q "^examples/bad/$b:[0-9]*: " <<<"$out" && ok "bad/$b is named" || bad "bad/$b is named" "$out"
done
grep -q 'path-without-leading-slash.yaml:[0-9]*: HTTPRoute apps/path-without-leading-slash: spec.rules\[0\].matches\[0\].path: Invalid value: "object": value must be an absolute path and start with '"'"'/'"'"' when type one of \['"'"'Exact'"'"', '"'"'PathPrefix'"'"'\]' <<<"$out" \
    && ok "CEL error names the node carrying the rule" || bad "CEL error names the node carrying the rule" "$out"
grep -q 'unsupported-path-type.yaml:15: HTTPRoute apps/unsupported-path-type: spec.rules\[0\].matches\[0\].path.type: Unsupported value: "Prefix": supported values: "Exact", "PathPrefix", "RegularExpression"' <<<"$out" \
    && ok "enum error with line of the field" || bad "enum error with line of the field" "$out"

expect "json output" 1 '"objects": 1' -- check -o json examples/bad/uppercase-hostname.yaml
"$bin" check -o json examples/bad/ >"$tmp/bad.json" 2>/dev/null
python3 -c '
import json,sys
d=json.load(sys.stdin)
assert d["objects"] >= 10, d["objects"]
keys={"file","line","kind","namespace","name","field","type","value","message"}
assert all(keys <= set(e) for e in d["errors"]+d["warnings"])
assert d["warnings"], "warnings expected"
' <"$tmp/bad.json" && ok "json has every field" || bad "json has every field"

expect "stdin as -" 1 "<stdin>:11: HTTPRoute apps/uppercase-hostname" -- check - <examples/bad/uppercase-hostname.yaml
expect "no path is a usage error" 2 "no PATH given" -- check
expect "unknown flag is a usage error" 2 "usage:" -- check --bogus x
expect "bad output format" 2 "unknown output format" -- check -o xml examples/
expect "help" 0 "usage: gateguard check" -- check --help
expect "top-level help" 0 "Commands:" -- --help
expect "unknown command" 2 "unknown command" -- frobnicate
expect "missing file" 2 "nope.yaml: No such file or directory" -- check "$tmp/nope.yaml"

printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n  labels: [a\n' >"$tmp/malformed.yaml"
expect "malformed YAML names file:line:col" 2 "malformed.yaml:[0-9]+:[0-9]+: invalid YAML" -- check "$tmp/malformed.yaml"

printf -- '- a\n- b\n' >"$tmp/list.yaml"
expect "non-object document" 2 "list.yaml:1:1: document is a sequence, not an object" -- check "$tmp/list.yaml"

printf 'metadata:\n  name: x\n' >"$tmp/nokind.yaml"
expect "object without apiVersion" 2 "nokind.yaml:1: \\? x: apiVersion: Required value" -- check "$tmp/nokind.yaml"

python3 -c 'print("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  x: \"" + "a"*(10<<20) + "\"")' >"$tmp/big.yaml"
expect "10 MB string refused" 2 "big.yaml:6:[0-9]+: scalar of 10485760 bytes is longer than the limit" -- check "$tmp/big.yaml"

python3 -c 'print("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: " + "["*5000 + "]"*5000)' >"$tmp/deep.yaml"
expect "deep nesting refused" 2 "deep.yaml:4:[0-9]+: nesting deeper than 64 levels" -- check "$tmp/deep.yaml"

printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "\xff\xfe"\n' >"$tmp/utf8.yaml"
expect "invalid UTF-8 refused" 2 "utf8.yaml:[0-9]+:[0-9]+: invalid YAML" -- check "$tmp/utf8.yaml"

python3 - "$tmp/laughs.yaml" <<'PY'
import sys
lines = ["apiVersion: v1", "kind: ConfigMap", "metadata: {name: lol}", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
for i in range(1, 10):
    lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]")
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
expect "alias bomb refused" 2 "laughs.yaml:[0-9]+:[0-9]+: more than 10000000 nodes" -- check "$tmp/laughs.yaml"

printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  name: b\n' >"$tmp/dupkey.yaml"
expect "duplicate key refused" 2 "dupkey.yaml:5:3: duplicate key \"name\"" -- check "$tmp/dupkey.yaml"

cat >"$tmp/list-kind.yaml" <<'Y'
apiVersion: v1
kind: List
items:
- apiVersion: gateway.networking.k8s.io/v1
  kind: HTTPRoute
  metadata: {name: a, namespace: apps}
  spec: {hostnames: [A.example.com]}
- apiVersion: gateway.networking.k8s.io/v1
  kind: HTTPRoute
  metadata: {name: b, namespace: apps}
  spec: {}
Y
expect "kind: List is expanded, items keep their lines" 1 "list-kind.yaml:7: HTTPRoute apps/a: spec.hostnames\\[0\\]" -- check "$tmp/list-kind.yaml"

mkdir -p "$tmp/tree/skip" "$tmp/tree/sub"
cp examples/bad/uppercase-hostname.yaml "$tmp/tree/skip/"
cp examples/apps.yaml "$tmp/tree/sub/"
echo "skip/" >"$tmp/tree/.gateguardignore"
expect ".gateguardignore skips folders" 0 "1 objects checked" -- check "$tmp/tree"

printf 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r}\nspec: {hostnames: [A]}\n' >"$tmp/nons.yaml"
expect "objects without namespace go to default" 1 "nons.yaml:4: HTTPRoute default/r: spec.hostnames" -- check "$tmp/nons.yaml"

cat examples/apps.yaml >"$tmp/dup.yaml"
printf -- '---\n' >>"$tmp/dup.yaml"
sed -n '/^kind: HTTPRoute/,$p' examples/apps.yaml | sed '1i apiVersion: gateway.networking.k8s.io/v1beta1' >>"$tmp/dup.yaml"
expect "the same object twice is a warning naming the first" 0 \
    "dup.yaml:[0-9]+: warning: HTTPRoute apps/api-route: metadata.name: HTTPRoute apps/api-route is also defined at .*dup.yaml:[0-9]+" \
    -- check "$tmp/dup.yaml"

printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n  labels:\n    tier: 1\n    shared: yes\n' >"$tmp/labels.yaml"
expect "core objects: a label value that is not a string is an error" 1 \
    'labels.yaml:6: Namespace team: metadata.labels\[tier\]: Invalid value: 1: must be a string' -- check "$tmp/labels.yaml"

mkdir -p "$tmp/empty"
expect "an empty folder checks nothing, cleanly" 0 "0 objects checked" -- check "$tmp/empty"

expect "rules lists every CEL rule as implemented" 0 "total +[0-9]+ +[0-9]+ +166 +0" -- rules

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
