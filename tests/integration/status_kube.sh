#!/usr/bin/env bash
# The status controller (`gateguard proxy --source kube`) against a real
# kube-apiserver (tests/k8s/cluster.sh): statuses converge, follow a
# Namespace label, a ReferenceGrant and a listener change, observedGeneration
# follows spec edits, a second replica does not write while the first holds
# the Lease and takes over when it is released. Skips when the Kubernetes
# binaries cannot be built (no Go).
source "$(dirname "$0")/lib.bash"

k8s=tests/k8s
build_out=$($k8s/build.sh 2>&1)
case $? in
0) ;;
3)
    echo "skip: Go is not installed, so there is no kube-apiserver to test against"
    finish
    exit
    ;;
*)
    bad "the Kubernetes binaries build" "$build_out"
    finish
    exit
    ;;
esac

cluster=$tmp/cluster
stop_all() {
    cleanup
    tests/k8s/cluster.sh stop "$cluster" 2>/dev/null
}
trap stop_all EXIT
if ! start_out=$($k8s/cluster.sh start "$cluster" 2>&1); then
    bad "the control plane starts" "$start_out"
    finish
    exit
fi
eval "$($k8s/cluster.sh env "$cluster")"
kc() { "$GG_K8S_BIN/kubectl" --request-timeout=20s "$@"; }
crd() { echo "$GG_K8S_CRDS/gateway.networking.k8s.io_$1.yaml"; }
for c in gatewayclasses gateways httproutes grpcroutes referencegrants listenersets; do
    kc apply --server-side -f "$(crd $c)" >/dev/null || bad "apply CRD $c"
done
kc wait --for condition=established --timeout=60s crd --all >/dev/null || bad "CRDs established"

kc create namespace infra >/dev/null
kc create namespace apps >/dev/null
kc create namespace backends >/dev/null
kc -n apps create service clusterip web --tcp=8080:8080 >/dev/null
kc -n backends create service clusterip db --tcp=8080:8080 >/dev/null
kc apply -f - >/dev/null <<'YAML'
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: gg}
spec: {controllerName: gateguard.dev/gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: theirs}
spec: {controllerName: example.com/other}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: public, namespace: infra}
spec:
  gatewayClassName: gg
  listeners:
  - name: http
    port: 80
    protocol: HTTP
    allowedRoutes:
      namespaces:
        from: Selector
        selector: {matchLabels: {team: a}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: apps}
spec:
  parentRefs: [{name: public, namespace: infra}]
  rules: [{backendRefs: [{name: web, port: 8080}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: db, namespace: apps}
spec:
  parentRefs: [{name: public, namespace: infra}]
  rules: [{backendRefs: [{name: db, namespace: backends, port: 8080}]}]
YAML

# field KIND NS NAME JSONPATH: one field of an object ("" when absent)
field() {
    if [ "$2" = - ]; then
        kc get "$1" "$3" -o "jsonpath=$4" 2>/dev/null
    else
        kc -n "$2" get "$1" "$3" -o "jsonpath=$4" 2>/dev/null
    fi
}
# is FIELD-ARGS... WANT: passes when the field equals WANT
is() {
    local want=${*: -1}
    [ "$(field "${@:1:$#-1}")" = "$want" ]
}
route_cond() { # NAME TYPE -> "status/reason"
    field httproute apps "$1" \
        "{.status.parents[0].conditions[?(@.type==\"$2\")].status}/{.status.parents[0].conditions[?(@.type==\"$2\")].reason}"
}
route_is() { [ "$(route_cond "$1" "$2")" = "$3" ]; }
listener_cond() { # TYPE
    field gateway infra public \
        "{.status.listeners[0].conditions[?(@.type==\"$1\")].status}/{.status.listeners[0].conditions[?(@.type==\"$1\")].reason}"
}
listener_is() { [ "$(listener_cond "$1")" = "$2" ]; }

# start_replica NAME: a controller with Lease identity NAME, log in $tmp/NAME.log
start_replica() {
    "$bin" proxy --source kube --kubeconfig "$KUBECONFIG" --admin-listen 127.0.0.1:0 \
        --identity "$1" --lease-namespace default --gateway-address 192.0.2.10 \
        --bundle-version v1.6.3 2>"$tmp/$1.log" &
    pids+=($!)
    eval "${1}_pid=$!"
}
start_replica a
check "replica a: the admin port is up" wait_for 300 grep -q '"event":"admin_listening"' "$tmp/a.log"
admin=$(sed -n 's/.*"event":"admin_listening".*"port":\([0-9]*\).*/\1/p' "$tmp/a.log" | head -1)
check "replica a: takes the Lease" wait_for 300 grep -q '"event":"lease_acquired"' "$tmp/a.log"
same "the Lease names replica a" "$(field lease default gateguard-status-controller '{.spec.holderIdentity}')" a

check "GatewayClass gg: Accepted=True" wait_for 300 is gatewayclass - gg \
    '{.status.conditions[?(@.type=="Accepted")].status}' True
same "GatewayClass gg: SupportedVersion=True" \
    "$(field gatewayclass - gg '{.status.conditions[?(@.type=="SupportedVersion")].status}')" True
check "GatewayClass gg: supportedFeatures listed" is gatewayclass - gg '{.status.supportedFeatures[0].name}' Gateway
same "GatewayClass theirs: left alone (the CRD's Pending default)" \
    "$(field gatewayclass - theirs '{.status.conditions[0].reason}')" Pending
check "Gateway: Accepted and Programmed" wait_for 300 is gateway infra public \
    '{.status.conditions[?(@.type=="Programmed")].reason}' Programmed
same "Gateway: the address, typed" "$(field gateway infra public '{.status.addresses[0].type}/{.status.addresses[0].value}')" \
    IPAddress/192.0.2.10
check "listener: Accepted" wait_for 100 listener_is Accepted True/Accepted
check "listener: ResolvedRefs" listener_is ResolvedRefs True/ResolvedRefs

# --- a Namespace label decides attachment -------------------------------------------
check "route web: NotAllowedByListeners while apps lacks the label" wait_for 300 \
    route_is web Accepted False/NotAllowedByListeners
same "route web: parentRef echoed" "$(field httproute apps web '{.status.parents[0].parentRef.namespace}/{.status.parents[0].parentRef.name}/{.status.parents[0].parentRef.kind}')" \
    infra/public/Gateway
same "route web: controllerName" "$(field httproute apps web '{.status.parents[0].controllerName}')" \
    gateguard.dev/gateway-controller
same "listener: no route attached yet" "$(field gateway infra public '{.status.listeners[0].attachedRoutes}')" 0
kc label namespace apps team=a >/dev/null
check "route web: Accepted once the label is there" wait_for 300 route_is web Accepted True/Accepted
check "route web: ResolvedRefs" route_is web ResolvedRefs True/ResolvedRefs
check "listener: attachedRoutes counts the accepted routes" wait_for 100 is gateway infra public \
    '{.status.listeners[0].attachedRoutes}' 2

# --- a ReferenceGrant decides a cross-namespace backend -------------------------------
check "route db: RefNotPermitted without a grant" wait_for 300 route_is db ResolvedRefs False/RefNotPermitted
check "route db: still Accepted" route_is db Accepted True/Accepted
ltt_before=$(field httproute apps db '{.status.parents[0].conditions[?(@.type=="Accepted")].lastTransitionTime}')
kc apply -f - >/dev/null <<'YAML'
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: apps-to-db, namespace: backends}
spec:
  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: apps}]
  to: [{group: "", kind: Service}]
YAML
check "route db: ResolvedRefs once the grant is there" wait_for 300 route_is db ResolvedRefs True/ResolvedRefs
same "route db: Accepted kept its lastTransitionTime" \
    "$(field httproute apps db '{.status.parents[0].conditions[?(@.type=="Accepted")].lastTransitionTime}')" "$ltt_before"
kc -n backends delete referencegrant apps-to-db >/dev/null
check "route db: RefNotPermitted again when the grant goes" wait_for 300 route_is db ResolvedRefs False/RefNotPermitted

# --- observedGeneration follows spec edits --------------------------------------------
kc -n apps patch httproute web --type=merge -p '{"spec":{"hostnames":["web.example.com"]}}' >/dev/null
gen=$(field httproute apps web '{.metadata.generation}')
check "route web: observedGeneration follows the spec edit (generation $gen)" wait_for 300 is httproute apps web \
    '{.status.parents[0].conditions[0].observedGeneration}' "$gen"

# --- a listener change -------------------------------------------------------------
kc -n infra patch gateway public --type=json \
    -p '[{"op":"replace","path":"/spec/listeners/0/protocol","value":"TCP"}]' >/dev/null
gen=$(field gateway infra public '{.metadata.generation}')
check "listener: UnsupportedProtocol after it turns TCP" wait_for 300 listener_is Accepted False/UnsupportedProtocol
same "Gateway: ListenersNotValid" "$(field gateway infra public '{.status.conditions[?(@.type=="Accepted")].reason}')" ListenersNotValid
same "Gateway: observedGeneration $gen" "$(field gateway infra public '{.status.conditions[0].observedGeneration}')" "$gen"
check "route web: NotAllowedByListeners on a TCP listener" wait_for 300 route_is web Accepted False/NotAllowedByListeners
kc -n infra patch gateway public --type=json \
    -p '[{"op":"replace","path":"/spec/listeners/0/protocol","value":"HTTP"}]' >/dev/null
check "listener: Accepted again" wait_for 300 listener_is Accepted True/Accepted
check "route web: Accepted again" wait_for 300 route_is web Accepted True/Accepted

echo "--- kubectl get httproute web -n apps -o yaml"
kc -n apps get httproute web -o yaml | sed -n '/^status:/,$p'

# --- /status on the admin port --------------------------------------------------------
st=$(curl -sS --max-time 10 "http://127.0.0.1:$admin/status")
check "/status: JSON listing the route" grep -q '"name": "web"' <<<"$st"

# --- a second replica -------------------------------------------------------------
start_replica b
check "replica b: up" wait_for 300 grep -q '"event":"admin_listening"' "$tmp/b.log"
admin_b=$(sed -n 's/.*"event":"admin_listening".*"port":\([0-9]*\).*/\1/p' "$tmp/b.log" | head -1)
kc -n apps patch httproute web --type=merge -p '{"spec":{"hostnames":["web2.example.com"]}}' >/dev/null
gen=$(field httproute apps web '{.metadata.generation}')
check "replica a still writes (generation $gen)" wait_for 300 is httproute apps web \
    '{.status.parents[0].conditions[0].observedGeneration}' "$gen"
# b steps its election before each computation: once its /status shows the
# new generation, it has been through at least one round as a follower
b_saw() { curl -sS --max-time 5 "http://127.0.0.1:$admin_b/status" | grep -q "\"observedGeneration\": $gen"; }
check "replica b: computes the same status" wait_for 300 b_saw
same "replica b: never took the Lease while a holds it" "$(grep -c '"event":"lease_acquired"' "$tmp/b.log")" 0
same "replica b: wrote nothing" "$(grep -c '"event":"status_written"' "$tmp/b.log")" 0
kill -TERM "$a_pid"
wait "$a_pid"
same "replica a: exits 0 on SIGTERM" "$?" 0
check "replica a: released the Lease without an error" bash -c "! grep -q lease_release_failed '$tmp/a.log'"
check "replica b: takes the Lease once a released it" wait_for 300 grep -q '"event":"lease_acquired"' "$tmp/b.log"
kc -n apps patch httproute web --type=merge -p '{"spec":{"hostnames":["web3.example.com"]}}' >/dev/null
gen=$(field httproute apps web '{.metadata.generation}')
check "replica b writes now (generation $gen)" wait_for 300 is httproute apps web \
    '{.status.parents[0].conditions[0].observedGeneration}' "$gen"
kill -TERM "$b_pid"
wait "$b_pid"
same "replica b: exits 0 on SIGTERM" "$?" 0
for r in a b; do
    if grep -q 'ERROR: AddressSanitizer\|runtime error' "$tmp/$r.log"; then
        bad "replica $r: no sanitizer report" "$(grep -A5 'Sanitizer\|runtime error' "$tmp/$r.log")"
    else
        ok "replica $r: no sanitizer report"
    fi
done
finish
