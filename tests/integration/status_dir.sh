#!/usr/bin/env bash
# `gateguard proxy --source dir:PATH`: --print-status prints the statuses of
# a folder as kubectl get -o yaml shows them and exits; the long-running
# controller serves them at /status on the admin port and follows edits.
source "$(dirname "$0")/lib.bash"

dir=$tmp/manifests
mkdir -p "$dir"
cat >"$dir/all.yaml" <<'YAML'
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: gg}
spec: {controllerName: gateguard.dev/gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: public, namespace: infra}
spec:
  gatewayClassName: gg
  listeners: [{name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: Same}}}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: infra}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: infra}
spec:
  parentRefs: [{name: public}]
  rules: [{backendRefs: [{name: web, port: 8080}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: elsewhere, namespace: apps}
spec:
  parentRefs: [{name: public, namespace: infra}]
  rules: [{backendRefs: [{name: web, port: 8080}]}]
YAML

out=$("$bin" proxy --source dir:"$dir" --print-status --gateway-addresses 10.99.0.0/16 2>"$tmp/print.err")
same "--print-status: exits 0" "$?" 0
check "--print-status: a kubectl List" grep -q '^kind: List$' <<<"$out"
printf '%s\n' "$out" >"$tmp/out.yaml"
python3 - "$tmp/out.yaml" >"$tmp/summary" 2>&1 <<'PY'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
for it in d["items"]:
    st = it["status"]
    conds = st.get("conditions") or [c for p in st.get("parents", []) for c in p["conditions"]]
    print(it["kind"], it["metadata"].get("namespace", "-"), it["metadata"]["name"],
          " ".join("%s=%s/%s" % (c["type"], c["status"], c["reason"]) for c in conds))
PY
same "--print-status: every owned object, in order, with its conditions" "$(cat "$tmp/summary")" \
"GatewayClass - gg Accepted=True/Accepted
Gateway infra public Accepted=True/Accepted Programmed=True/Programmed
HTTPRoute apps elsewhere Accepted=False/NotAllowedByListeners ResolvedRefs=False/BackendNotFound
HTTPRoute infra web Accepted=True/Accepted ResolvedRefs=True/ResolvedRefs"
check "--print-status: the Gateway's address is from the pool" grep -q 'value: 10.99.' <<<"$out"

"$bin" proxy --source dir:nowhere --print-status >/dev/null 2>"$tmp/bad.err"
same "--print-status on a missing folder: exit 2" "$?" 2

"$bin" proxy --source dir:"$dir" --admin-listen 127.0.0.1:0 2>"$tmp/run.log" &
pid=$!
pids+=("$pid")
check "controller: the admin port is up" wait_for 300 grep -q '"event":"admin_listening"' "$tmp/run.log"
admin=$(sed -n 's/.*"event":"admin_listening".*"port":\([0-9]*\).*/\1/p' "$tmp/run.log" | head -1)
# accepted NS NAME: the reason of the route's Accepted condition in /status
accepted() {
    curl -sS --max-time 10 "http://127.0.0.1:$admin/status" | python3 -c '
import json, sys
for it in json.load(sys.stdin)["items"]:
    md = it["metadata"]
    if it["kind"] == "HTTPRoute" and md.get("namespace") == sys.argv[1] and md["name"] == sys.argv[2]:
        print([c["reason"] for c in it["status"]["parents"][0]["conditions"] if c["type"] == "Accepted"][0])
' "$1" "$2" 2>/dev/null
}
accepted_is() { [ "$(accepted "$1" "$2")" = "$3" ]; }
check "/status: the route in apps is NotAllowedByListeners" wait_for 300 accepted_is apps elsewhere NotAllowedByListeners
sed -i 's/from: Same/from: All/' "$dir/all.yaml"
check "/status: follows an edit of the folder (from: All admits apps)" wait_for 300 accepted_is apps elsewhere Accepted
same "/status: the route in infra stays Accepted" "$(accepted infra web)" Accepted
kill -TERM "$pid"
wait "$pid"
same "controller: exits 0 on SIGTERM" "$?" 0
check "controller: no sanitizer report" bash -c "! grep -q 'Sanitizer\|runtime error' '$tmp/run.log'"
finish
