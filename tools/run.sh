#!/usr/bin/env bash
# `make run`: gateguard's main job on a local folder of manifests.
#  1. `gateguard check` over examples/ (all valid) and examples/bad/ (each
#     common mistake refused, with the field and the reason);
#  2. the admission webhook on https://127.0.0.1:8443/validate with
#     development certificates (dev-certs/, git-ignored) and examples/ as its
#     view of the cluster, and a sample AdmissionReview posted to it with curl;
#  3. the proxy serving the same examples: two `gateguard echo` backends
#     behind EndpointSlices, the HTTPS listener's Secret filled with a
#     development certificate for *.example.com, and curl through it.
# On a terminal the webhook then keeps serving until Ctrl-C; otherwise (or
# with GG_RUN_ONCE=1) it stops after the demonstration.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=build/rel/gateguard
listen=${GG_LISTEN:-127.0.0.1:8443}
admin=${GG_ADMIN_LISTEN:-127.0.0.1:8081}
bold() { printf '\n\033[1m%s\033[0m\n' "$*"; }

bold "\$ gateguard check examples/"
$bin check examples/
echo "exit status $? (0: every object is valid)"

bold "\$ gateguard check examples/bad/"
$bin check examples/bad/
echo "exit status $? (1: invalid objects; each line is FILE:LINE: KIND NAMESPACE/NAME: FIELD: TYPE: MESSAGE)"

bold "\$ gateguard certs --out dev-certs --dns localhost,127.0.0.1"
$bin certs --out dev-certs --dns localhost,127.0.0.1 || exit 1

bold "\$ gateguard webhook --tls-cert dev-certs/tls.crt --tls-key dev-certs/tls.key --listen $listen --admin-listen $admin --source dir:examples/ --policy examples/policy.yaml"
policy_args=()
[ -f examples/policy.yaml ] && policy_args=(--policy examples/policy.yaml)
$bin webhook --tls-cert dev-certs/tls.crt --tls-key dev-certs/tls.key --listen "$listen" \
    --admin-listen "$admin" --source dir:examples/ "${policy_args[@]}" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
for _ in $(seq 1 100); do
    curl -sf "http://$admin/readyz" >/dev/null 2>&1 && break
    kill -0 $pid 2>/dev/null || { echo "the webhook did not start (is $listen in use? set GG_LISTEN)"; exit 1; }
    sleep 0.1
done

post() {
    bold "\$ curl -s --cacert dev-certs/ca.crt -H 'Content-Type: application/json' --data-binary @$1 https://$listen/validate"
    curl -s --cacert dev-certs/ca.crt -H 'Content-Type: application/json' --data-binary @"$1" \
        "https://$listen/validate" | python3 -c '
import json, sys
r = json.load(sys.stdin)["response"]
print("allowed:", r["allowed"])
if not r["allowed"]:
    print("message:", r["status"]["message"])
for w in r.get("warnings", []):
    print("warning:", w)'
}
echo "a route in namespace shop that claims api.example.com, which namespace apps serves:"
post examples/admission/hijack-hostname.json
echo "a route sending traffic to namespace db, which has no ReferenceGrant for it:"
post examples/admission/cross-namespace-backend.json
echo "shop's own new route:"
post examples/admission/good-route.json

bold "health and metrics: curl http://$admin/readyz  http://$admin/metrics  http://$admin/violations"
curl -s "http://$admin/metrics" | grep -E '^gateguard_(admission_requests_total|store_objects)' | head -12

# The proxy over a copy of examples/ plus what a cluster would hold beside
# them: endpoints for the two Services and a real certificate in the Secret.
off=${GG_PORT_OFFSET:-10000}
padmin=${GG_PROXY_ADMIN_LISTEN:-127.0.0.1:9901}
demo=$(mktemp -d /tmp/gateguard-run.XXXXXX)
epids=()
trap 'kill $pid "${epids[@]}" $ppid 2>/dev/null; wait 2>/dev/null; rm -rf "$demo"' EXIT
ppid=""
cp examples/*.yaml "$demo/"
rm -f "$demo/policy.yaml"
$bin certs --out "$demo/certs" --dns '*.example.com' >/dev/null || exit 1
crt=$(base64 -w0 <"$demo/certs/tls.crt") key=$(base64 -w0 <"$demo/certs/tls.key")
sed -i "s#tls.crt: \"\"#tls.crt: $crt#; s#tls.key: \"\"#tls.key: $key#" "$demo/platform.yaml"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
slice() { # NAMESPACE SERVICE SERVICE_PORT POD
    local p
    p=$(free_port)
    $bin echo --listen "127.0.0.1:$p" --name "$4" --namespace "$1" >/dev/null &
    epids+=($!)
    cat >>"$demo/endpoints.yaml" <<Y
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: $2-demo, namespace: $1, labels: {kubernetes.io/service-name: $2}}
addressType: IPv4
ports: [{port: $p}]
endpoints: [{addresses: [127.0.0.1]}]
---
Y
}
slice apps api 8080 api-7d9f
slice shop storefront 80 storefront-5c2a
https=$((443 + off))
bold "\$ gateguard proxy --source dir:examples/ (+ endpoints and a certificate) --port-offset $off --listen-address 127.0.0.1"
$bin proxy --source "dir:$demo" --port-offset "$off" --listen-address 127.0.0.1 \
    --admin-listen "$padmin" --log-level warn &
ppid=$!
for _ in $(seq 1 100); do
    curl -s -o /dev/null --cacert "$demo/certs/ca.crt" --resolve "api.example.com:$https:127.0.0.1" \
        "https://api.example.com:$https/v1/" 2>/dev/null && break
    kill -0 $ppid 2>/dev/null || { echo "the proxy did not start (is port $https in use? set GG_PORT_OFFSET)"; exit 1; }
    sleep 0.1
done
through() { # HOST PATH
    bold "\$ curl --resolve $1:$https:127.0.0.1 https://$1:$https$2"
    curl -s --cacert "$demo/certs/ca.crt" --resolve "$1:$https:127.0.0.1" -w '\n%{http_code}' \
        "https://$1:$https$2" | python3 -c '
import json, sys
*body, code = sys.stdin.read().split("\n")
try:
    d = json.loads("\n".join(body))
    print("%s from pod %s/%s, path %s, X-Forwarded-For %s" % (code, d["namespace"], d["pod"], d["path"],
          d["headers"].get("X-Forwarded-For", ["-"])[0]))
except ValueError:
    print(code, "\n".join(body).strip())'
}
echo "apps' route: api.example.com, paths under /v1, to Service api:"
through api.example.com /v1/orders?id=7
echo "shop's route: shop.example.com, every path, to Service storefront:"
through shop.example.com /cart
echo "a path apps' route does not match:"
through api.example.com /admin
echo "a host no route claims:"
through nobody.example.com /

if [ -t 0 ] && [ "${GG_RUN_ONCE:-0}" != 1 ]; then
    bold "The webhook keeps serving on https://$listen/validate and the proxy on port $https; Ctrl-C stops them."
    wait $pid
fi
