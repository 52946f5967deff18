#!/usr/bin/env bash
# The webhook with a folder of manifests as its view of the cluster
# (--source dir:PATH): cross-object verdicts over real TLS, the folder
# changed while serving (and a file that does not parse keeping the last
# good state), UPDATE against the old object, DELETE of a ReferenceGrant,
# the audit on /violations and /metrics, and the policy file reloaded.
source "$(dirname "$0")/lib.bash"

certs=$tmp/certs
make_certs "$certs" localhost,127.0.0.1 || { bad "certificates"; finish; exit 1; }
cluster=$tmp/cluster
mkdir -p "$cluster"
cp examples/platform.yaml examples/apps.yaml examples/shop.yaml examples/db.yaml "$cluster/"
cat >"$cluster/grant.yaml" <<'Y'
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: apps-to-db, namespace: db}
spec:
  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: apps}]
  to: [{group: "", kind: Service}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: reports, namespace: apps}
spec:
  parentRefs: [{name: public-gateway, namespace: platform, sectionName: https}]
  hostnames: [api.example.com]
  rules:
  - matches: [{path: {type: PathPrefix, value: /reports}}]
    backendRefs: [{name: postgres-api, namespace: db, port: 8080}]
Y
cp examples/policy.yaml "$tmp/policy.yaml"

start_webhook "$tmp/wh.log" "$certs" --source "dir:$cluster" --policy "$tmp/policy.yaml" ||
    { finish; exit 1; }
metric() { curl -s "http://127.0.0.1:$admin/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
ready() { curl -sf "http://127.0.0.1:$admin/readyz" >/dev/null; }
check "ready once the folder is loaded" wait_for 100 ready
same "the view holds the folder's HTTPRoutes" "$(metric 'gateguard_store_objects{kind="HTTPRoute"}')" 3

verdict() { # FILE -> "allowed" or "denied: MESSAGE"
    local out
    out=$(post "$1" | head -n -1)
    jget "$out" '"allowed" if d["response"]["allowed"] else "denied: " + d["response"]["status"]["message"]'
}
warnings() { local out; out=$(post "$1" | head -n -1); jget "$out" '"\n".join(d["response"].get("warnings", []))'; }

v=$(verdict examples/admission/hijack-hostname.json)
grep -q '^denied: HTTPRoute.gateway.networking.k8s.io "promo" is invalid: spec.hostnames\[0\]: Forbidden' <<<"$v" &&
    ok "a hostname another namespace owns is denied" || bad "a hostname another namespace owns is denied" "$v"
v=$(verdict examples/admission/cross-namespace-backend.json)
grep -q "^allowed" <<<"$v" && ok "the grant in the folder lets a cross-namespace backend in" ||
    bad "the grant in the folder lets a cross-namespace backend in" "$v"
v=$(verdict examples/admission/good-route.json)
same "a team's own new route is allowed" "$v" allowed

# UPDATE of a stored route: it does not conflict with its old self
route=$(python3 -c 'import yaml,json; print(json.dumps([d for d in yaml.safe_load_all(open("examples/apps.yaml")) if d["kind"]=="HTTPRoute"][0]))')
route2=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["spec"]["rules"][0]["matches"][0]["path"]["value"]="/v2"; print(json.dumps(d))' "$route")
review u-update UPDATE "$route2" "$route" >"$tmp/update.json"
same "UPDATE of a stored route is judged against the others, not its old self" "$(verdict "$tmp/update.json")" allowed

# DELETE of the ReferenceGrant a stored route relies on
grant=$(python3 -c 'import yaml,json,sys; print(json.dumps([d for d in yaml.safe_load_all(open(sys.argv[1])) if d["kind"]=="ReferenceGrant"][0]))' "$cluster/grant.yaml")
review u-delete DELETE "" "$grant" >"$tmp/delete.json"
w=$(warnings "$tmp/delete.json")
grep -q 'reports' <<<"$w" && ok "DELETE of a ReferenceGrant warns which routes lose access" ||
    bad "DELETE of a ReferenceGrant warns which routes lose access" "$w"
same "and is allowed (warn is the default for what a deletion cuts off)" "$(verdict "$tmp/delete.json")" allowed

# the folder changes while serving
python3 - "$cluster/apps.yaml" <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d["kind"] != "HTTPRoute"]
yaml.safe_dump_all(docs, open(sys.argv[1], "w"))
PY
routes2() { [ "$(metric 'gateguard_store_objects{kind="HTTPRoute"}')" = 2 ]; }
check "a route removed from the folder leaves the view" wait_for 100 routes2

rm "$cluster/grant.yaml"
cat >"$cluster/reports.yaml" <<'Y'
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: reports, namespace: apps}
spec:
  parentRefs: [{name: public-gateway, namespace: platform, sectionName: https}]
  hostnames: [api.example.com]
  rules:
  - matches: [{path: {type: PathPrefix, value: /reports}}]
    backendRefs: [{name: postgres-api, namespace: db, port: 8080}]
Y
audited() { curl -s "http://127.0.0.1:$admin/violations" | grep -q '"name": "reports"'; }
check "the audit reports a stored route whose grant is gone (/violations)" wait_for 100 audited
viol=$(curl -s "http://127.0.0.1:$admin/metrics" | grep '^gateguard_audit_violations{' || true)
grep -q ' [1-9]' <<<"$viol" && ok "and counts it in gateguard_audit_violations" ||
    bad "and counts it in gateguard_audit_violations" "$viol"

errors_before=$(metric gateguard_source_errors_total)
routes_before=$(metric 'gateguard_store_objects{kind="HTTPRoute"}')
printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: [broken\n' >"$cluster/broken.yaml"
source_error() { grep -q '"event":"source_error".*broken.yaml:[0-9]' "$tmp/wh.log"; }
check "a file that does not parse is logged with file:line" wait_for 100 source_error
[ "$(metric gateguard_source_errors_total)" != "${errors_before:-0}" ] && ok "and counted" || bad "and counted"
same "the last good state stays in force" "$(metric 'gateguard_store_objects{kind="HTTPRoute"}')" "$routes_before"
rm "$cluster/broken.yaml"

# the policy file: a good edit applies, a bad one is refused and the old stays
v=$(verdict examples/admission/hijack-hostname.json)
grep -q '^denied' <<<"$v" && ok "the policy gives api.example.com to apps: shop is denied" ||
    bad "the policy gives api.example.com to apps: shop is denied" "$v"
sed -i 's/^  namespaces: \[apps\]$/  namespaces: [apps, shop]/' "$tmp/policy.yaml"
reloaded() { [ "$(verdict examples/admission/hijack-hostname.json)" = allowed ]; }
check "an edited policy applies without a restart" wait_for 100 reloaded
printf 'hostnames: [\n' >>"$tmp/policy.yaml"
failed_reload() { [ -n "$(metric 'gateguard_policy_reloads_total{result="failure"}')" ]; }
check "a policy that does not parse counts a failed reload" wait_for 100 failed_reload
grep -q '"event":"policy_rejected".*policy.yaml:[0-9]' "$tmp/wh.log" &&
    ok "and is logged with file:line" || bad "and is logged with file:line"
same "and the last good policy stays in force" "$(verdict examples/admission/hijack-hostname.json)" allowed

kill -TERM "$wpid"
wait "$wpid"; st=$?; cp "$tmp/wh.log" /tmp/wh_last.log
same "SIGTERM: exit 0" "$st" 0
finish
