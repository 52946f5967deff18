#!/usr/bin/env bash
# The Kubernetes API source (kube/watch.c) against a real kube-apiserver and
# etcd (tests/k8s/cluster.sh): list and watch, pagination, metadata-only
# Secrets (and whole ones with EndpointSlices, as the proxy asks), a missing
# CRD, API server restarts (graceful, and killed while an object is created
# elsewhere), a 410 after etcd compaction, in-cluster
# configuration with a rotated ServiceAccount token, and RBAC refusals.
# kube_source_driver prints the source's events as JSON lines; the checks
# fold them into the state a store would hold. Skips when the Kubernetes
# binaries cannot be built (no Go).
source "$(dirname "$0")/lib.bash"

k8s=tests/k8s
driver=build/asan/kube_source_driver

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
if ! make_out=$(make -s "$driver" 2>&1); then
    bad "the test driver builds" "$make_out"
    finish
    exit
fi

cluster=$tmp/cluster
api2_pid=
stop_all() {
    # the second API server is ours alone; the cluster script stops its own
    [ -n "$api2_pid" ] && kill -KILL "$api2_pid" 2>/dev/null
    tests/k8s/cluster.sh stop "$cluster" 2>/dev/null
    cleanup
}
trap stop_all EXIT
if ! start_out=$($k8s/cluster.sh start "$cluster" 2>&1); then
    bad "the control plane starts" "$start_out"
    finish
    exit
fi
eval "$($k8s/cluster.sh env "$cluster")"
kc() { "$GG_K8S_BIN/kubectl" --request-timeout=20s "$@"; }
port=$(cat "$cluster/kube-apiserver.port")

# --- reading the driver's output -------------------------------------------------
cat >"$tmp/fold.py" <<'EOF'
# fold.py CMD LOG ARGS: the events of a driver log, folded as a store would.
#   known KIND NAME        exit 0 when NAME (ns/name) is held
#   field KIND NAME FIELD  print a field of the held object
#   count EVENT [KIND] [TEXT]  how many EVENTs (of KIND, message containing TEXT)
#   items KIND             how many items the last REPLACE of KIND had
#   messages               every ERROR's message, one a line
import json, sys
cmd, log, args = sys.argv[1], sys.argv[2], sys.argv[3:]
events = []
for line in open(log):
    try:
        events.append(json.loads(line))
    except ValueError:
        pass  # a line being written
state, last = {}, {}
for e in events:
    k = e.get("kind")
    if e["event"] == "REPLACE":
        state[k] = {o["name"]: o for o in e["items"]}
        last[k] = len(e["items"])
    elif e["event"] == "UPSERT":
        state.setdefault(k, {})[e["object"]["name"]] = e["object"]
    elif e["event"] == "DELETE":
        state.setdefault(k, {}).pop(e["object"]["name"], None)
if cmd == "known":
    sys.exit(0 if args[1] in state.get(args[0], {}) else 1)
if cmd == "field":
    print(state.get(args[0], {}).get(args[1], {}).get(args[2], ""))
elif cmd == "count":
    print(sum(1 for e in events if e["event"] == args[0]
              and (len(args) < 2 or not args[1] or e.get("kind") == args[1])
              and (len(args) < 3 or args[2] in e.get("message", ""))))
elif cmd == "items":
    print(last.get(args[0], -1))
elif cmd == "messages":
    print("\n".join(e["message"] for e in events if e["event"] == "ERROR"))
EOF
fold() { python3 "$tmp/fold.py" "$@"; }
known() { fold known "$@"; }
gone() { ! fold known "$@"; }
count() { fold count "$@"; }
at_least() { # N LOG EVENT [KIND] [TEXT]
    local n=$1
    shift
    [ "$(count "$@")" -ge "$n" ]
}

# start_driver NAME ARGS...: runs the driver, its events in $tmp/NAME.jsonl
start_driver() {
    local name=$1
    shift
    "$driver" "$@" >"$tmp/$name.jsonl" 2>"$tmp/$name.err" &
    pids+=($!)
    eval "${name}_pid=$!"
}
# stop_driver NAME: SIGTERM; passes when it stopped cleanly with nothing on stderr
stop_driver() {
    local name=$1 pid
    pid=$(eval echo "\$${name}_pid")
    kill -TERM "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    if grep -q '"event":"STOPPED"' "$tmp/$name.jsonl" && ! [ -s "$tmp/$name.err" ]; then
        ok "$name: stops on SIGTERM, no sanitizer report"
    else
        bad "$name: stops on SIGTERM, no sanitizer report" "$(cat "$tmp/$name.err")"
    fi
}

# --- the cluster: Gateway API CRDs without GRPCRoute, a few objects ----------------------
crd() { echo "$GG_K8S_CRDS/gateway.networking.k8s.io_$1.yaml"; }
for c in gatewayclasses gateways httproutes referencegrants listenersets; do
    kc apply --server-side -f "$(crd $c)" >/dev/null || bad "apply CRD $c"
done
kc wait --for condition=established --timeout=60s crd --all >/dev/null || bad "CRDs established"

route() { # NAME [NAMESPACE]
    printf 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n'
    printf 'metadata: {name: %s, namespace: %s}\n' "$1" "${2:-apps}"
    printf 'spec:\n  parentRefs: [{name: gw}]\n'
}
kc create namespace apps >/dev/null
kc -n apps create secret generic tls --from-literal=tls.key=secret-bytes >/dev/null
kc -n apps create service clusterip api --tcp=8080:8080 >/dev/null
route web | kc apply -f - >/dev/null
kc apply -f - >/dev/null <<'EOF'
apiVersion: gateway.networking.k8s.io/v1
kind: ReferenceGrant
metadata: {name: rg, namespace: apps}
spec:
  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: other}]
  to: [{group: "", kind: Service}]
EOF

# --- list and watch ------------------------------------------------------------------
# Short watches (4-8 s) so that resuming is exercised; pages of 2 objects.
start_driver a --kubeconfig "$KUBECONFIG" --watch-timeout 4 --backoff 200:2000 --recheck 2 \
    --page-limit 2
A=$tmp/a.jsonl
check "list: SYNCED once every kind is listed" wait_for 600 at_least 1 "$A" SYNCED
same "list: SYNCED sent once" "$(count "$A" SYNCED)" 1
check "list: a route that existed before is in the first list" known "$A" HTTPRoute apps/web
check "list: ReferenceGrant listed (served as v1)" known "$A" ReferenceGrant apps/rg
same "list: items carry their apiVersion" "$(fold field "$A" HTTPRoute apps/web apiVersion)" \
    gateway.networking.k8s.io/v1
same "list: items carry their kind" "$(fold field "$A" Service apps/api kind)" Service
same "list: pages of 2 gathered into one REPLACE of every namespace" \
    "$(count "$A" REPLACE Namespace):$(fold items "$A" Namespace)" \
    "1:$(kc get namespaces -o name | wc -l)"
same "Secrets: metadata only, as kind Secret v1" \
    "$(fold field "$A" Secret apps/tls kind) $(fold field "$A" Secret apps/tls apiVersion) data=$(fold field "$A" Secret apps/tls data)" \
    "Secret v1 data=False"
same "missing CRD: one ERROR naming GRPCRoute" "$(count "$A" ERROR "" "GRPCRoute: not served")" 1
same "missing CRD: nothing else went wrong" "$(fold messages "$A" | grep -v 'GRPCRoute: not served')" ""

route web2 | kc apply -f - >/dev/null
check "watch: a created route is seen" wait_for 300 known "$A" HTTPRoute apps/web2
kc -n apps delete httproute web >/dev/null
check "watch: a deleted route is gone" wait_for 300 gone "$A" HTTPRoute apps/web
kc label namespace apps team=a >/dev/null
check "watch: a namespace label change is an UPSERT" wait_for 300 at_least 1 "$A" UPSERT Namespace
kc -n apps create secret generic later --from-literal=k=v >/dev/null
check "watch: a new Secret arrives as metadata" wait_for 300 known "$A" Secret apps/later
same "watch: its data stays out" "$(fold field "$A" Secret apps/later data)" False

# Every watch has ended at least once by now (timeoutSeconds 4-8): it must
# have resumed from its resourceVersion, not listed again.
sleep 9
route web3 | kc apply -f - >/dev/null
check "watch: resumes after timeoutSeconds and still sees changes" \
    wait_for 300 known "$A" HTTPRoute apps/web3
same "watch: resumed without a new list" "$(count "$A" REPLACE HTTPRoute)" 1

# The missing kind is asked for again (every 2 s here) and appears once served.
kc apply --server-side -f "$(crd grpcroutes)" >/dev/null
kc wait --for condition=established --timeout=60s crd grpcroutes.gateway.networking.k8s.io >/dev/null
check "missing CRD installed later: listed at the next check" \
    wait_for 300 at_least 1 "$A" REPLACE GRPCRoute
kc apply -f - >/dev/null <<'EOF'
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: rpc, namespace: apps}
spec:
  parentRefs: [{name: gw}]
EOF
check "missing CRD installed later: then watched" wait_for 300 known "$A" GRPCRoute apps/rpc
kc delete crd grpcroutes.gateway.networking.k8s.io >/dev/null
check "CRD removed: its objects are gone (an empty REPLACE)" \
    wait_for 600 gone "$A" GRPCRoute apps/rpc
check "CRD removed: said once more" wait_for 300 at_least 2 "$A" ERROR "" "GRPCRoute: not served"

# --- a graceful API server restart -----------------------------------------------------
errors_before=$(count "$A" ERROR)
if restart_out=$($k8s/cluster.sh restart-apiserver "$cluster" 2>&1); then
    route after-restart | kc apply -f - >/dev/null
    check "restart: the watch resumes and sees a route created after" \
        wait_for 600 known "$A" HTTPRoute apps/after-restart
    check "restart: the earlier state is still held" known "$A" HTTPRoute apps/web3
    same "restart: one ERROR for the whole outage" \
        "$(fold messages "$A" | tail -n +$((errors_before + 1)) | grep -c .)" 1
else
    bad "restart: cluster.sh restart-apiserver" "$restart_out"
fi
stop_driver a
same "checks' source: EndpointSlices are not asked for" "$(count "$A" REPLACE EndpointSlice)" 0

# --- the proxy's source: EndpointSlices, and Secrets with their data ------------------------
slice() { # NAME SERVICE ADDRESS
    printf 'apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n'
    printf 'metadata:\n  name: %s\n  namespace: apps\n' "$1"
    printf '  labels: {kubernetes.io/service-name: %s}\n' "$2"
    printf 'addressType: IPv4\nports: [{name: http, port: 8080}]\n'
    printf 'endpoints: [{addresses: [%s]}]\n' "$3"
}
slice api-1 api 10.0.0.5 | kc apply -f - >/dev/null
start_driver e --kubeconfig "$KUBECONFIG" --endpoints 1 --secret-data 1 --backoff 200:2000
E=$tmp/e.jsonl
check "proxy source: SYNCED with EndpointSlices" wait_for 600 at_least 1 "$E" SYNCED
check "proxy source: an EndpointSlice is listed" known "$E" EndpointSlice apps/api-1
same "proxy source: it reads as its Service's" \
    "$(fold field "$E" EndpointSlice apps/api-1 service)" api
same "proxy source: Secrets come whole, tls.key decoded by the model" \
    "$(fold field "$E" Secret apps/tls data) $(fold field "$E" Secret apps/tls tls_key_len)" \
    "True 12"
slice api-2 api 10.0.0.6 | kc apply -f - >/dev/null
check "proxy source: a new EndpointSlice is watched" wait_for 300 known "$E" EndpointSlice apps/api-2
kc -n apps delete endpointslice api-1 >/dev/null
check "proxy source: a deleted one is gone" wait_for 300 gone "$E" EndpointSlice apps/api-1
stop_driver e

# --- a second API server of our own: killed, then compaction -----------------------------
# The same etcd, no watch cache (so a watch reads etcd's history directly and
# meets its compaction). Objects are created through the first server while
# this one is down.
api2_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mapfile -d '' api1_args < <(tail -c +1 "/proc/$(cat "$cluster/kube-apiserver.pid")/cmdline")
api2_args=()
for a in "${api1_args[@]:1}"; do
    case $a in
    --secure-port=*) api2_args+=("--secure-port=$api2_port") ;;
    --cert-dir=*) api2_args+=("--cert-dir=$tmp/api2-certs") ;;
    *) api2_args+=("$a") ;;
    esac
done
api2_args+=(--watch-cache=false)
start_api2() {
    "${api1_args[0]}" "${api2_args[@]}" </dev/null >>"$tmp/api2.log" 2>&1 &
    api2_pid=$!
    wait_for 900 curl -fsS --max-time 2 --cacert "$GG_K8S_SERVER_CA" \
        --cert "$cluster/pki/admin.crt" --key "$cluster/pki/admin.key" \
        "https://127.0.0.1:$api2_port/readyz" -o /dev/null 2>/dev/null
}
api2_up() {
    curl -sS --max-time 2 --cacert "$GG_K8S_SERVER_CA" "https://127.0.0.1:$api2_port/healthz" \
        -o /dev/null 2>/dev/null
}
sed "s#https://127.0.0.1:$port#https://127.0.0.1:$api2_port#" "$KUBECONFIG" >"$tmp/kubeconfig2"
if start_api2; then
    start_driver b --kubeconfig "$tmp/kubeconfig2" --watch-timeout 2 --backoff 300:1500
    B=$tmp/b.jsonl
    check "second server: SYNCED" wait_for 600 at_least 1 "$B" SYNCED
    { kill -KILL "$api2_pid" && wait "$api2_pid"; } 2>/dev/null
    route made-while-down | kc apply -f - >/dev/null
    if api2_up; then
        bad "killed server: it was down while the route was created"
    else
        ok "killed server: it was down while the route was created"
    fi
    check "killed server: the outage is reported" \
        wait_for 300 at_least 1 "$B" ERROR "" "serving the last state"
    check "killed server: the last state is kept meanwhile" known "$B" HTTPRoute apps/web2
    if start_api2; then
        check "killed server back: a route created while it was down is known" \
            wait_for 600 known "$B" HTTPRoute apps/made-while-down
        same "killed server back: one ERROR for the outage" \
            "$(count "$B" ERROR "" "serving the last state")" 1

        # Compaction: stop the driver while its watches end (timeoutSeconds
        # 2-4), move etcd on and compact it, then let the driver resume from
        # resourceVersions etcd no longer has: 410 Gone, and a new list.
        lists_before=$(count "$B" REPLACE HTTPRoute)
        kill -STOP "$b_pid"
        sleep 6
        route made-while-stopped | kc apply -f - >/dev/null
        etcd="http://127.0.0.1:$(cat "$cluster/etcd.port")"
        rev=$(curl -fsS --max-time 5 "$etcd/v3/kv/range" -d '{"key":"Lw==","limit":1}' |
            python3 -c 'import json,sys; print(json.load(sys.stdin)["header"]["revision"])')
        check "compaction: etcd compacted at revision ${rev:-?}" \
            curl -fsS --max-time 10 "$etcd/v3/kv/compaction" -o /dev/null \
            -d "{\"revision\":\"$rev\",\"physical\":true}"
        kill -CONT "$b_pid"
        check "compaction: 410 Gone makes a new list" \
            wait_for 600 at_least $((lists_before + 1)) "$B" REPLACE HTTPRoute
        check "compaction: the new list holds what changed meanwhile" \
            known "$B" HTTPRoute apps/made-while-stopped
    else
        bad "killed server back: it starts again" "$(tail -20 "$tmp/api2.log")"
    fi
    stop_driver b
else
    bad "second server: it starts" "$(tail -20 "$tmp/api2.log")"
fi
[ -n "$api2_pid" ] && { kill -KILL "$api2_pid" && wait "$api2_pid"; } 2>/dev/null
api2_pid=

# --- in-cluster configuration with a ServiceAccount token ----------------------------------
kc create namespace gateguard-system >/dev/null
kc -n gateguard-system create serviceaccount gateguard >/dev/null
kc -n gateguard-system create serviceaccount nobody >/dev/null
kc create clusterrole gateguard-read --verb=get,list,watch \
    --resource=namespaces,services,secrets \
    --resource=gatewayclasses.gateway.networking.k8s.io,gateways.gateway.networking.k8s.io \
    --resource=httproutes.gateway.networking.k8s.io,grpcroutes.gateway.networking.k8s.io \
    --resource=referencegrants.gateway.networking.k8s.io \
    --resource=listenersets.gateway.networking.k8s.io >/dev/null
kc create clusterrolebinding gateguard-read --clusterrole=gateguard-read \
    --serviceaccount=gateguard-system:gateguard >/dev/null
# tokens bound to Secrets, so deleting one revokes its token
kc -n gateguard-system create secret generic bind-1 >/dev/null
kc -n gateguard-system create secret generic bind-2 >/dev/null
token_for() { # SA SECRET
    kc -n gateguard-system create token "$1" --duration=1h --bound-object-kind=Secret \
        --bound-object-name="$2"
}
mkdir -p "$tmp/sa" "$tmp/sa-nobody"
token_for gateguard bind-1 >"$tmp/sa/token"
cp "$tmp/sa/token" "$tmp/token-1"
cp "$GG_K8S_SERVER_CA" "$tmp/sa/ca.crt"
token_for nobody bind-1 >"$tmp/sa-nobody/token"
cp "$GG_K8S_SERVER_CA" "$tmp/sa-nobody/ca.crt"

KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT=$port \
    start_driver c --in-cluster "$tmp/sa" --watch-timeout 2 --backoff 300:1500
C=$tmp/c.jsonl
check "in-cluster: SYNCED with the ServiceAccount's token" wait_for 600 at_least 1 "$C" SYNCED
check "in-cluster: the routes are listed" known "$C" HTTPRoute apps/made-while-stopped
same "in-cluster: read access is enough (no error but the removed GRPCRoute CRD)" \
    "$(count "$C" ERROR)" "$(count "$C" ERROR "" "GRPCRoute: not served")"

# Rotation as the kubelet does it: a new file renamed over the old one. The
# old token is then revoked; watches restart every 2-4 s and must use the new.
token_for gateguard bind-2 >"$tmp/sa/token.new"
mv "$tmp/sa/token.new" "$tmp/sa/token"
kc -n gateguard-system delete secret bind-1 >/dev/null
old_token_refused() {
    [ "$(curl -sS -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$GG_K8S_SERVER_CA" \
        -H "Authorization: Bearer $(cat "$tmp/token-1")" \
        "https://127.0.0.1:$port/api")" = 401 ]
}
check "token rotation: the old token is revoked" wait_for 300 old_token_refused
sleep 5
route after-rotation | kc apply -f - >/dev/null
check "token rotation: the new token is read, the watch goes on" \
    wait_for 300 known "$C" HTTPRoute apps/after-rotation
same "token rotation: no request was refused" "$(count "$C" ERROR "" "HTTP 401")" 0
stop_driver c

# A token whose account may read nothing: each kind says so; never SYNCED.
token_for nobody bind-2 >"$tmp/sa-nobody/token"
KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT=$port \
    start_driver d --in-cluster "$tmp/sa-nobody" --backoff 300:1500
D=$tmp/d.jsonl
check "RBAC: each required kind reports 403" wait_for 600 at_least 8 "$D" ERROR "" "HTTP 403"
check "RBAC: Secrets, which the checks can do without, are skipped as forbidden" \
    wait_for 600 at_least 1 "$D" ERROR Secret "forbidden to list secrets"
same "RBAC: each report names its kind" "$(count "$D" ERROR HTTPRoute "HTTP 403")" 1
rbac_msg='HTTPRoute: GET /apis/gateway.networking.k8s.io/v1/httproutes?limit=500: HTTP 403: httproutes.gateway.networking.k8s.io is forbidden: User "system:serviceaccount:gateguard-system:nobody" cannot list resource "httproutes"'
got=$(fold messages "$D" | grep '^HTTPRoute: ' | head -1)
same "RBAC: the message names the kind, the request and the refusal" \
    "${got:0:${#rbac_msg}}" "$rbac_msg"
same "RBAC: not SYNCED without the lists" "$(count "$D" SYNCED)" 0
stop_driver d

finish
