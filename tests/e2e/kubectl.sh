#!/usr/bin/env bash
# End to end: a real kube-apiserver (tests/k8s/cluster.sh) calls gateguard as
# a validating webhook, configured by the chart's own
# ValidatingWebhookConfiguration (rendered by helm template with the
# webhook's url and caBundle), and the webhook's view of the cluster comes
# from the API's list + watch (--source kube). Every case is a real
# `kubectl apply` whose output is asserted. The webhook runs as a local
# process on 127.0.0.1: there is no kubelet, so pods never run.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/k8s/lib.bash
bin=${GG_BIN:-$PWD/build/asan/gateguard}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}

k8s_require
k8s_cluster_up
k8s_apply_crds || { bad "apply the Gateway API CRDs"; k8s_finish; exit 1; }
ok "Gateway API $GG_GATEWAY_API_VERSION CRDs applied to kube-apiserver $GG_K8S_VERSION"

kc() { "$KUBECTL" "$@"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
work=$k8s_tmp/e2e
mkdir -p "$work"
"$bin" certs --out "$work/certs" --dns localhost,127.0.0.1 >/dev/null
port=$(free_port)
admin=$(free_port)
cp examples/policy.yaml "$work/policy.yaml"

wh_pid=""
start_webhook() { # [extra args...]
    "$bin" webhook --tls-cert "$work/certs/tls.crt" --tls-key "$work/certs/tls.key" \
        --listen "127.0.0.1:$port" --admin-listen "127.0.0.1:$admin" \
        --source kube --kubeconfig "${WEBHOOK_KUBECONFIG:-$KUBECONFIG}" \
        --policy "$work/policy.yaml" "$@" >>"$work/webhook.log" 2>&1 &
    wh_pid=$!
    k8s_wait 60 curl -sf "http://127.0.0.1:$admin/readyz"
}
stop_webhook() {
    [ -n "$wh_pid" ] || return 0
    kill -TERM "$wh_pid" 2>/dev/null || true
    wait "$wh_pid" 2>/dev/null || true
    wh_pid=""
}
k8s_on_exit 'stop_webhook'

if start_webhook; then
    ok "webhook with --source kube is ready once every kind was listed"
else
    bad "webhook with --source kube is ready once every kind was listed" "$(tail -20 "$work/webhook.log")"
    k8s_finish
    exit 1
fi

# The chart's ValidatingWebhookConfiguration, pointed at this process.
ca=$(base64 -w0 <"$work/certs/ca.crt")
"$HELM" template gateguard charts/gateguard --namespace gateguard-system \
    --set webhook.url="https://127.0.0.1:$port/validate" --set webhook.caBundle="$ca" \
    --show-only templates/webhook-validating-webhook.yaml >"$work/vwc.yaml"
check "the chart's ValidatingWebhookConfiguration (url mode) is applied" kc apply -f "$work/vwc.yaml"

kc create namespace platform >/dev/null
kc create namespace apps >/dev/null
kc label namespace apps gateway-access=shared >/dev/null
kc create namespace shop >/dev/null
kc label namespace shop gateway-access=shared team=shop >/dev/null
kc create namespace db >/dev/null
kc create namespace outsiders >/dev/null

# The API server picks up webhook configurations through an informer: poll a
# known-bad object until it is refused.
bad_route() {
    cat <<Y
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: probe, namespace: apps}
spec:
  parentRefs: [{name: public-gateway, namespace: platform, sectionName: https}]
  hostnames: [api.example.com]
  rules:
  - matches: [{path: {type: PathPrefix, value: /probe}}]
    backendRefs: [{name: api, port: 8080, namespace: db}]
Y
}
kc apply -f - >/dev/null <<'Y'
apiVersion: v1
kind: Service
metadata: {name: postgres-api, namespace: db}
spec: {ports: [{port: 8080}]}
Y
enforced() {
    local out
    ! out=$(bad_route | sed 's/name: api, port/name: postgres-api, port/' | kc apply --dry-run=server -f - 2>&1)
}
if k8s_wait 60 enforced; then ok "the API server calls the webhook"; else bad "the API server calls the webhook" "$(tail -5 "$work/webhook.log")"; fi

# --- the seed example is accepted -------------------------------------------------------
out=$(kc apply -f examples/platform.yaml -f examples/apps.yaml -f examples/shop.yaml 2>&1) &&
    ok "the seed example (public-gateway in platform, api-route in apps) is accepted" ||
    bad "the seed example (public-gateway in platform, api-route in apps) is accepted" "$out"
# the webhook's view sees them through its watch before the next checks rely on it
seen() { curl -s "http://127.0.0.1:$admin/metrics" | grep -q "^gateguard_store_objects{kind=\"HTTPRoute\"} $1\$"; }
k8s_wait 30 seen 2 && ok "the watch delivered the routes to the webhook's view" ||
    bad "the watch delivered the routes to the webhook's view"

# expect_denied NAME PATTERN FILE-CONTENT-ON-STDIN [kubectl args]
expect_denied() {
    local name=$1 pat=$2
    shift 2
    local out
    if out=$(kc apply "$@" -f - 2>&1); then
        bad "$name" "accepted: $out"
    elif grep -Eq -- "$pat" <<<"$out"; then
        ok "$name"
    else
        bad "$name" "$out"
    fi
}
expect_allowed() {
    local name=$1
    shift
    local out
    if out=$(kc apply "$@" -f - 2>&1); then ok "$name"; else bad "$name" "$out"; fi
}

route() { # NAME NS HOSTNAME [BACKEND-NS] [SECTION]
    local backend="name: api, port: 8080"
    [ -n "${4:-}" ] && backend="name: postgres-api, port: 8080, namespace: $4"
    cat <<Y
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: $1, namespace: $2}
spec:
  parentRefs: [{name: public-gateway, namespace: platform, sectionName: ${5:-https}}]
  hostnames: [$3]
  rules:
  - matches: [{path: {type: PathPrefix, value: /$1}}]
    backendRefs: [{$backend}]
Y
}

denied='Error from server \(Forbidden\): error when creating "STDIN": admission webhook "validate.gateguard.dev" denied the request: HTTPRoute.gateway.networking.k8s.io'

# --- refusals at kubectl apply ---------------------------------------------------------------
route promo shop api.example.com | expect_denied \
    "a route that takes a hostname another namespace serves is refused" \
    "$denied \"promo\" is invalid: spec.hostnames\[0\]: Forbidden: .*api.example.com"
route reports apps api.example.com db | expect_denied \
    "a cross-namespace backendRef without a ReferenceGrant is refused" \
    "$denied \"reports\" is invalid: .*RefNotPermitted.*add a ReferenceGrant in namespace \"db\""
route intruder outsiders intruder.example.com | expect_denied \
    "a route from a namespace the listener does not allow is refused" \
    "NotAllowedByListeners"
route elsewhere apps api.other.org | expect_denied \
    "a hostname outside the listener's is refused" \
    "NoMatchingListenerHostname"

kc apply -f - >/dev/null <<'Y'
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: apps-to-db, namespace: db}
spec:
  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: apps}]
  to: [{group: "", kind: Service}]
Y
grant_seen() { route reports apps api.example.com db | kc apply --dry-run=server -f - >/dev/null 2>&1; }
if k8s_wait 30 grant_seen; then
    route reports apps api.example.com db | expect_allowed "with the ReferenceGrant the same route is accepted"
else
    bad "with the ReferenceGrant the same route is accepted" "still refused"
fi

# --- dry run gets the same verdict -------------------------------------------------------------
route promo shop api.example.com | expect_denied "kubectl apply --dry-run=server gets the same denial" \
    "denied the request: .*spec.hostnames\[0\]: Forbidden" --dry-run=server
out=$(kc get httproute -n shop promo 2>&1 || true)
grep -q NotFound <<<"$out" && ok "a dry run leaves nothing behind" || bad "a dry run leaves nothing behind" "$out"

# --- the policy file changes, without a restart ---------------------------------------------
sed -i 's/^  namespaces: \[apps\]$/  namespaces: [apps, shop]/' "$work/policy.yaml"
policy_applied() { route promo shop api.example.com | kc apply --dry-run=server -f - >/dev/null 2>&1; }
if k8s_wait 30 policy_applied; then
    ok "a policy change (api.example.com given to shop too) takes effect without a restart"
else
    bad "a policy change (api.example.com given to shop too) takes effect without a restart" "$(tail -5 "$work/webhook.log")"
fi
printf 'hostnames: [\n' >>"$work/policy.yaml" # a broken edit
rejected() { grep -q '"event":"policy_rejected".*policy.yaml:[0-9]' "$work/webhook.log"; }
k8s_wait 20 rejected && ok "the bad policy is refused and logged with file:line" ||
    bad "the bad policy is refused and logged with file:line" "$(grep policy "$work/webhook.log" | tail -3)"
route promo shop api.example.com | expect_allowed "a policy that does not parse leaves the last good one in force" --dry-run=server
cp examples/policy.yaml "$work/policy.yaml"
policy_restored() { ! policy_applied; }
k8s_wait 30 policy_restored && ok "restoring the policy restores the denial" ||
    bad "restoring the policy restores the denial"

# --- warnings reach kubectl --------------------------------------------------------------------
out=$(cat <<'Y' | kc apply -f - 2>&1
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: headers, namespace: apps}
spec:
  parentRefs: [{name: public-gateway, namespace: platform, sectionName: https}]
  hostnames: [api.example.com]
  rules:
  - matches:
    - path: {type: PathPrefix, value: /headers}
      headers: [{name: X-Tenant, value: a}, {name: x-tenant, value: b}]
    backendRefs: [{name: api, port: 8080}]
Y
) && grep -q "Warning: .*only by case" <<<"$out" && ok "warnings are shown by kubectl and the object is admitted" ||
    bad "warnings are shown by kubectl and the object is admitted" "$out"

# --- a Namespace label change that shuts routes out ---------------------------------------------
out=$(kc label namespace shop gateway-access- 2>&1) && grep -q "Warning: .*storefront" <<<"$out" &&
    ok "removing the label a listener selects on warns which routes it shuts out" ||
    bad "removing the label a listener selects on warns which routes it shuts out" "$out"
kc label namespace shop gateway-access=shared >/dev/null

# --- deleting a ReferenceGrant that routes rely on --------------------------------------------
out=$(kc delete referencegrant -n db apps-to-db 2>&1) && grep -q "Warning: .*reports" <<<"$out" &&
    ok "deleting a ReferenceGrant warns which routes lose access" ||
    bad "deleting a ReferenceGrant warns which routes lose access" "$out"

# --- the webhook stopped: failurePolicy Fail, as the chart documents ---------------------------
stop_webhook
route down apps down.example.com | expect_denied \
    "with the webhook down, failurePolicy Fail refuses Gateway API writes" \
    'failed calling webhook "validate.gateguard.dev"'
out=$(kc create configmap unrelated -n apps --from-literal=a=b 2>&1) && ok "other kinds are not affected while it is down" ||
    bad "other kinds are not affected while it is down" "$out"

# objects changed while the webhook was down are known after it restarts
kc delete httproute -n shop storefront >/dev/null
if start_webhook; then ok "the webhook restarts, resyncs and turns ready"; else bad "the webhook restarts, resyncs and turns ready" "$(tail -5 "$work/webhook.log")"; fi
route takeover apps shop.example.com | expect_allowed \
    "a hostname freed while the webhook was down can be taken after it resyncs"
route promo shop api.example.com | expect_denied "and it denies again" "spec.hostnames\[0\]: Forbidden"

# --- the API server restarted under the webhook: the watch resumes ------------------------------
"$k8s_lib_dir/cluster.sh" restart-apiserver "$k8s_cluster_dir" >/dev/null
k8s_wait 60 kc get --raw /readyz && ok "kube-apiserver restarted" || bad "kube-apiserver restarted"
kc create namespace late >/dev/null
kc label namespace late gateway-access=shared >/dev/null
route late-route late late.example.com | expect_allowed "a route created after the restart is admitted"
late_known() {
    local out
    out=$(route grab apps late.example.com | kc apply --dry-run=server -f - 2>&1) && return 1
    grep -q "Forbidden" <<<"$out"
}
k8s_wait 30 late_known && ok "the watch resumed: the webhook knows the new route and refuses a clash with it" ||
    bad "the watch resumed: the webhook knows the new route and refuses a clash with it" "$(tail -5 "$work/webhook.log")"
grep -q '"event":"source_error"' "$work/webhook.log" && ok "the outage was logged" || bad "the outage was logged"

# --- in-cluster style: a ServiceAccount token bound to the chart's ClusterRole --------------------
"$HELM" template gateguard charts/gateguard --namespace gateguard-system \
    --show-only templates/webhook-rbac.yaml --show-only templates/webhook-serviceaccount.yaml >"$work/rbac.yaml"
kc create namespace gateguard-system >/dev/null
kc apply -f "$work/rbac.yaml" >/dev/null
sa=$(python3 -c 'import sys,yaml; print([d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"]=="ServiceAccount"][0]["metadata"]["name"])' "$work/rbac.yaml")
token=$(kc create token -n gateguard-system "$sa" --duration=1h)
mkdir -p "$work/sa"
printf '%s' "$token" >"$work/sa/token"
cp "$GG_K8S_SERVER_CA" "$work/sa/ca.crt"
echo gateguard-system >"$work/sa/namespace"
stop_webhook
hostport=${GG_K8S_SERVER#https://}
# start_webhook_incluster LOG: as in a pod, from the ServiceAccount folder
start_webhook_incluster() {
    (
        unset KUBECONFIG
        export KUBERNETES_SERVICE_HOST=${hostport%:*} KUBERNETES_SERVICE_PORT=${hostport##*:}
        export GATEGUARD_SERVICEACCOUNT_DIR=$work/sa
        exec "$bin" webhook --tls-cert "$work/certs/tls.crt" --tls-key "$work/certs/tls.key" \
            --listen "127.0.0.1:$port" --admin-listen "127.0.0.1:$admin" --source kube \
            --policy "$work/policy.yaml" >>"$1" 2>&1
    ) &
    wh_pid=$!
}
start_webhook_incluster "$work/webhook-sa.log"
if k8s_wait 60 curl -sf "http://127.0.0.1:$admin/readyz"; then
    ok "with only the chart's ClusterRole (a ServiceAccount token, in-cluster config) every kind syncs"
else
    bad "with only the chart's ClusterRole (a ServiceAccount token, in-cluster config) every kind syncs" "$(tail -10 "$work/webhook-sa.log")"
fi
route promo shop api.example.com | expect_denied "and it refuses the hijack as before" "Forbidden"
# with the chart's rbac.secrets=false the account cannot list Secrets: the
# webhook still syncs (Secrets are optional to the checks) and serves
stop_webhook
"$HELM" template gateguard charts/gateguard --namespace gateguard-system --set rbac.secrets=false \
    --show-only templates/webhook-rbac.yaml >"$work/rbac-nosecrets.yaml"
kc apply -f "$work/rbac-nosecrets.yaml" >/dev/null
start_webhook_incluster "$work/webhook-nosecrets.log"
if k8s_wait 60 curl -sf "http://127.0.0.1:$admin/readyz"; then
    ok "with rbac.secrets=false the webhook skips Secrets and still turns ready"
else
    bad "with rbac.secrets=false the webhook skips Secrets and still turns ready" "$(tail -10 "$work/webhook-nosecrets.log")"
fi
grep -q 'forbidden to list secrets' "$work/webhook-nosecrets.log" && ok "and says why it skipped them" ||
    bad "and says why it skipped them" "$(grep source_error "$work/webhook-nosecrets.log" | tail -3)"
route promo shop api.example.com | expect_denied "and still refuses the hijack" "Forbidden"
kc apply -f "$work/rbac.yaml" >/dev/null

verbs=$(kc auth can-i --list --as="system:serviceaccount:gateguard-system:$sa" 2>&1 | grep -E 'httproutes|referencegrants|namespaces' || true)
if grep -q "get list watch" <<<"$verbs" && ! grep -Eq "create|update|patch|delete" <<<"$verbs"; then
    ok "the ClusterRole grants get, list and watch only"
else
    bad "the ClusterRole grants get, list and watch only" "$verbs"
fi

k8s_finish
