#!/usr/bin/env bash
# `make run`: gateguard's main job on a local folder of manifests.
#  1. `gateguard check` over examples/ (all valid) and examples/bad/ (each
#     common mistake refused, with the field and the reason);
#  2. the admission webhook on https://127.0.0.1:8443/validate with
#     development certificates (dev-certs/, git-ignored) and examples/ as its
#     view of the cluster, and a sample AdmissionReview posted to it with curl.
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

if [ -t 0 ] && [ "${GG_RUN_ONCE:-0}" != 1 ]; then
    bold "The webhook keeps serving on https://$listen/validate; Ctrl-C stops it."
    wait $pid
fi
