#!/usr/bin/env bash
# The Helm chart (charts/gateguard) and deploy/ against the real tools: helm
# lint; helm template over several value sets with the key fields asserted;
# deploy/gateguard.yaml current; the rendered objects applied with
# --dry-run=server to a real kube-apiserver that has the Gateway API CRDs;
# helm install into it (objects created; pods never run here); the webhook's
# RBAC checked as its ServiceAccount (reads, never writes); the certificate
# Job's script run against the API server with the Job's own ServiceAccount
# token; helm uninstall. Skips when Go is absent (nothing to build kubectl,
# kube-apiserver, etcd and helm with).
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/k8s/lib.bash
k8s_require
chart=charts/gateguard
tmp=$k8s_tmp
rel=gateguard
ns=gg-system

# python assertions: count their ok/FAIL lines as ours
tally() {
    local line
    while IFS= read -r line; do
        case $line in
        "ok   "*) k8s_pass=$((k8s_pass + 1)) ;;
        "FAIL "*) k8s_fail=$((k8s_fail + 1)) ;;
        esac
        printf '%s\n' "$line"
    done
}

# render SET HELM-ARGS...: helm template into $tmp/SET.yaml (tests included)
render() {
    local set=$1 err
    shift
    if err=$("$HELM" template "$rel" "$chart" --namespace "$ns" "$@" 2>&1 >"$tmp/$set.yaml"); then
        ok "helm template ($set)"
    else
        bad "helm template ($set)" "$err"
        : >"$tmp/$set.yaml"
    fi
}

# A CA for url mode, as the end-to-end tests make one for a local webhook.
openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/ca.key" 2>/dev/null
openssl req -x509 -new -key "$tmp/ca.key" -subj /CN=test-ca -days 1 -out "$tmp/ca.crt" 2>/dev/null
ca_bundle=$(base64 -w0 <"$tmp/ca.crt")

declare -A sets=(
    [defaults]=""
    [cert-manager]="--set certManager.enabled=true"
    [cert-manager-issuer]="--set certManager.enabled=true --set certManager.issuerRef.name=corp-ca --set certManager.issuerRef.kind=ClusterIssuer --set certManager.issuerRef.group=cert-manager.io"
    [url]="--set webhook.url=https://127.0.0.1:9443/validate --set webhook.caBundle=$ca_bundle"
    [ignore]="--set webhook.failurePolicy=Ignore --set webhook.timeoutSeconds=10"
    [servicemonitor]="--set metrics.serviceMonitor.enabled=true --set metrics.serviceMonitor.interval=15s --set metrics.serviceMonitor.labels.release=prom"
    [no-secrets]="--set rbac.secrets=false"
    [proxy]="--set proxy.enabled=true"
)
order=(defaults cert-manager cert-manager-issuer url ignore servicemonitor no-secrets proxy)

echo "# lint and render"
for set in "${order[@]}"; do
    # shellcheck disable=SC2086
    check "helm lint --strict ($set)" "$HELM" lint --strict "$chart" --namespace "$ns" ${sets[$set]}
done
for set in "${order[@]}"; do
    # shellcheck disable=SC2086
    render "$set" ${sets[$set]}
    tally < <(python3 tests/integration/chart_render.py "$set" "$ns" "$rel" <"$tmp/$set.yaml")
done
tally < <(python3 tests/integration/chart_render.py values-coverage "$ns" "$rel" \
    "$chart/values.yaml" "$chart/values.schema.json")

# Values the schema or the templates refuse.
refused() { # NAME MESSAGE-PART HELM-ARGS...
    local name=$1 want=$2 out
    shift 2
    if out=$("$HELM" template "$rel" "$chart" --namespace "$ns" "$@" 2>&1); then
        bad "refused: $name" "rendered anyway"
    elif grep -qF -- "$want" <<<"$out"; then
        ok "refused: $name"
    else
        bad "refused: $name" "$out"
    fi
}
refused "failurePolicy Maybe" "failurePolicy" --set webhook.failurePolicy=Maybe
refused "timeoutSeconds 31" "timeoutSeconds" --set webhook.timeoutSeconds=31
refused "a URL without caBundle" "caBundle" --set webhook.url=https://127.0.0.1:9443/validate
refused "an http URL" "url" --set webhook.url=http://127.0.0.1:9443/validate --set webhook.caBundle=eA==
refused "an unknown value" "additional properties" --set webhook.failurPolicy=Fail
refused "an unknown check level" "checks" --set policy.checks.reference-grant=maybe
refused "an unknown check" "no-such-check" --set policy.checks.no-such-check=deny

# The rendered policy is one the webhook's own parser accepts.
bin=${GG_BIN:-build/asan/gateguard}
[ -x "$bin" ] || bin=build/rel/gateguard
if [ -x "$bin" ]; then
    python3 -c 'import sys,yaml; [print(d["data"]["policy.yaml"]) for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"]=="ConfigMap"]' \
        "$tmp/defaults.yaml" >"$tmp/policy.yaml"
    rc=0
    out=$("$bin" check --policy "$tmp/policy.yaml" examples/platform.yaml 2>&1) || rc=$?
    if [ "$rc" -le 1 ]; then ok "the default policy parses (gateguard check --policy)"; else bad "the default policy parses (gateguard check --policy)" "$out"; fi
    cat >"$tmp/policy-values.yaml" <<'EOF'
policy:
  checks:
    referent-exists: deny
  hostnames:
    - pattern: "*.shop.example.com"
      namespaces: [shop]
  attachments:
    - namespaceSelector:
        matchLabels:
          gateway-access: shared
      gateways: [platform/public-gateway]
  requireHostnames: sharedGateways
  disclose: namespaces
EOF
    "$HELM" template "$rel" "$chart" -n "$ns" -f "$tmp/policy-values.yaml" --show-only templates/webhook-policy-configmap.yaml |
        python3 -c 'import sys,yaml; print(yaml.safe_load(sys.stdin)["data"]["policy.yaml"])' >"$tmp/policy2.yaml"
    rc=0
    out=$("$bin" check --policy "$tmp/policy2.yaml" examples/platform.yaml 2>&1) || rc=$?
    if [ "$rc" -le 1 ]; then ok "a policy from values parses (gateguard check --policy)"; else bad "a policy from values parses (gateguard check --policy)" "$out"; fi
else
    echo "skip: no gateguard binary (make build) to parse the rendered policy"
fi

check "deploy/gateguard.yaml is current (tools/check-manifests.sh)" tools/check-manifests.sh
check "deploy/gateguard.yaml names its Gateway API release" \
    grep -q "^# Targets Gateway API $GG_GATEWAY_API_VERSION" deploy/gateguard.yaml

echo "# a real API server"
k8s_cluster_up
k () { "$KUBECTL" --request-timeout=20s "$@"; }
check "kubectl version: client and server $GG_K8S_VERSION" \
    bash -c "'$KUBECTL' version -o json | grep -c '\"gitVersion\": \"$GG_K8S_VERSION\"' | grep -qx 2"
check "Gateway API $GG_GATEWAY_API_VERSION CRDs applied server-side and Established" k8s_apply_crds
check "namespace $ns created" k create namespace "$ns"

# Dry runs of every rendered object. cert-manager's and the Prometheus
# Operator's kinds have no CRDs here, so those sets are not sent.
drop_kinds() { # FILE KIND... : the documents of FILE except those kinds
    python3 - "$@" <<'EOF'
import sys, yaml
f, kinds = sys.argv[1], set(sys.argv[2:])
docs = [d for d in yaml.safe_load_all(open(f)) if d and d["kind"] not in kinds]
print(yaml.safe_dump_all(docs))
EOF
}
for set in defaults url ignore no-secrets proxy; do
    n=$(grep -c '^kind: ' "$tmp/$set.yaml" || true)
    if out=$(k apply --dry-run=server -f "$tmp/$set.yaml" 2>&1); then
        ok "kubectl apply --dry-run=server: all $n objects of '$set' accepted"
    else
        bad "kubectl apply --dry-run=server ($set)" "$out"
    fi
done
for set in cert-manager servicemonitor; do
    drop_kinds "$tmp/$set.yaml" Certificate Issuer ServiceMonitor >"$tmp/$set-core.yaml"
    if out=$(k apply --dry-run=server -f "$tmp/$set-core.yaml" 2>&1); then
        ok "kubectl apply --dry-run=server: '$set' without its third-party kinds"
    else
        bad "kubectl apply --dry-run=server ($set)" "$out"
    fi
done
check "namespace gateguard created (deploy/ names it)" k create namespace gateguard
n=$(grep -c '^kind: ' deploy/gateguard.yaml || true)
if out=$(k apply --dry-run=server -f deploy/gateguard.yaml 2>&1); then
    ok "kubectl apply --dry-run=server: all $n objects of deploy/gateguard.yaml accepted"
else
    bad "kubectl apply --dry-run=server deploy/gateguard.yaml" "$out"
fi

echo "# helm install (no kubelet: pods never run; hooks are Jobs that would never finish, so --no-hooks)"
if out=$("$HELM" install "$rel" "$chart" --namespace "$ns" --no-hooks --timeout 60s 2>&1); then
    ok "helm install --no-hooks"
else
    bad "helm install --no-hooks" "$out"
fi
check "helm status: deployed" bash -c "'$HELM' status '$rel' -n '$ns' -o json | grep -q '\"status\":\"deployed\"'"
for obj in deployment/$rel service/$rel service/$rel-metrics poddisruptionbudget/$rel \
    serviceaccount/$rel configmap/$rel-policy; do
    check "created: $obj" k -n "$ns" get "$obj"
done
for obj in validatingwebhookconfiguration/$rel clusterrole/$rel clusterrolebinding/$rel; do
    check "created: $obj" k get "$obj"
done
check "the Deployment asks for 2 replicas (none will run: no kubelet)" \
    bash -c "[ \"\$('$KUBECTL' -n '$ns' get deployment '$rel' -o jsonpath='{.spec.replicas}')\" = 2 ]"

echo "# the webhook's RBAC, as its ServiceAccount"
sa=system:serviceaccount:$ns:$rel
can() { k auth can-i "$@" --as="$sa" >/dev/null 2>&1; }
for r in httproutes grpcroutes gateways referencegrants listenersets gatewayclasses; do
    for v in get list watch; do
        check "can $v $r.gateway.networking.k8s.io" can "$v" "$r.gateway.networking.k8s.io" --all-namespaces
    done
done
for r in namespaces services secrets; do
    check "can list and watch $r" bash -c "'$KUBECTL' auth can-i list '$r' -A --as='$sa' >/dev/null && '$KUBECTL' auth can-i watch '$r' -A --as='$sa' >/dev/null"
done
for r in httproutes.gateway.networking.k8s.io gateways.gateway.networking.k8s.io \
    referencegrants.gateway.networking.k8s.io secrets configmaps services pods \
    validatingwebhookconfigurations.admissionregistration.k8s.io; do
    for v in create update patch delete deletecollection; do
        check_not "cannot $v $r" can "$v" "$r" --all-namespaces
    done
done
check_not "cannot get configmaps" can get configmaps -n "$ns"
# Every verb the ServiceAccount holds on any resource, as the API server's
# authorizer lists them (a SelfSubjectRulesReview made as the ServiceAccount).
for where in "$ns" default; do
    if verbs=$(printf 'apiVersion: authorization.k8s.io/v1\nkind: SelfSubjectRulesReview\nspec: {namespace: %s}\n' "$where" |
        k create --validate=false -f - -o json --as="$sa" 2>&1 |
        python3 -c 'import json,sys; d=json.load(sys.stdin); print(" ".join(sorted({v for r in d["status"]["resourceRules"] for v in r["verbs"] if not set(r.get("resources", [])) & {"selfsubjectaccessreviews","selfsubjectrulesreviews","selfsubjectreviews"}})))' 2>&1); then
        if [ "$verbs" = "get list watch" ]; then
            ok "all its verbs on resources in namespace $where: get list watch"
        else
            bad "all its verbs on resources in namespace $where: get list watch" "got: $verbs"
        fi
    else
        bad "SelfSubjectRulesReview as the ServiceAccount ($where)" "$verbs"
    fi
done
# The same through a real token, as the webhook authenticates in a pod.
if token=$(k -n "$ns" create token "$rel" --duration=10m 2>&1); then
    ok "a token for the ServiceAccount (kubectl create token)"
    tk() { "$KUBECTL" --kubeconfig=/dev/null --server="$GG_K8S_SERVER" --certificate-authority="$GG_K8S_SERVER_CA" --token="$token" --request-timeout=20s "$@"; }
    check "with the token: list httproutes in all namespaces" tk get httproutes.gateway.networking.k8s.io -A
    check "with the token: list namespaces" tk get namespaces
    cat >"$tmp/route.yaml" <<EOF
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: by-token
  namespace: $ns
spec:
  rules:
  - matches:
    - path: {type: PathPrefix, value: /}
EOF
    out=$(tk create -f "$tmp/route.yaml" 2>&1) && rc=0 || rc=$?
    if [ "$rc" -ne 0 ] && grep -q 'Forbidden\|forbidden' <<<"$out"; then
        ok "with the token: creating an HTTPRoute is forbidden"
    else
        bad "with the token: creating an HTTPRoute is forbidden" "$out"
    fi
else
    bad "a token for the ServiceAccount (kubectl create token)" "$token"
fi

echo "# the proxy's RBAC (proxy.enabled), as its ServiceAccount"
python3 - "$tmp/proxy.yaml" "$rel-proxy" >"$tmp/proxy-rbac.yaml" <<'EOF'
import sys, yaml
kinds = {"ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"}
docs = [d for d in yaml.safe_load_all(open(sys.argv[1]))
        if d and d["kind"] in kinds and d["metadata"]["name"] == sys.argv[2]]
print(yaml.safe_dump_all(docs))
EOF
check "the proxy's ServiceAccount and RBAC applied" k apply -f "$tmp/proxy-rbac.yaml"
psa=system:serviceaccount:$ns:$rel-proxy
pcan() { k auth can-i "$@" --as="$psa" >/dev/null 2>&1; }
for r in gatewayclasses gateways listenersets httproutes grpcroutes; do
    for v in update patch; do
        check "proxy: can $v $r/status" pcan "$v" "$r.gateway.networking.k8s.io" --subresource=status -A
    done
    for v in create update patch delete; do
        check_not "proxy: cannot $v $r (spec)" pcan "$v" "$r.gateway.networking.k8s.io" -A
    done
done
check_not "proxy: cannot patch referencegrants/status" pcan patch referencegrants.gateway.networking.k8s.io --subresource=status -A
check "proxy: can list and watch endpointslices" bash -c "'$KUBECTL' auth can-i list endpointslices.discovery.k8s.io -A --as='$psa' >/dev/null && '$KUBECTL' auth can-i watch endpointslices.discovery.k8s.io -A --as='$psa' >/dev/null"
check "proxy: can get Secrets (TLS data)" pcan get secrets -A
check_not "proxy: cannot update Secrets" pcan update secrets -A
for v in get create update; do
    check "proxy: can $v leases in $ns" pcan "$v" leases.coordination.k8s.io -n "$ns"
done
check_not "proxy: cannot delete leases" pcan delete leases.coordination.k8s.io -n "$ns"
check_not "proxy: cannot touch leases in default" pcan update leases.coordination.k8s.io -n default

echo "# the certificate Jobs' script, run here with the Jobs' ServiceAccount token"
if [ -x "$bin" ]; then
    # The hook objects the Jobs need (ServiceAccount, Role, ClusterRole, bindings).
    python3 - "$tmp/defaults.yaml" "$rel-certs" >"$tmp/certs-rbac.yaml" <<'EOF'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["metadata"]["name"] == sys.argv[2]]
print(yaml.safe_dump_all(docs))
EOF
    check "the Jobs' ServiceAccount and RBAC applied" k apply -f "$tmp/certs-rbac.yaml"
    # Script and environment exactly as rendered into each Job.
    for mode in issue inject; do
        python3 - "$tmp/defaults.yaml" "$rel-certs-$mode" "$tmp/job-$mode" <<'EOF'
import shlex, sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] == "Job" and d["metadata"]["name"] == sys.argv[2]]
c = docs[0]["spec"]["template"]["spec"]["containers"][0]
open(sys.argv[3] + ".sh", "w").write(c["args"][0])
open(sys.argv[3] + ".env", "w").write("".join(f'export {e["name"]}={shlex.quote(e["value"])}\n' for e in c["env"] if e["name"] not in ("CERT_DIR", "HOME")))
EOF
    done
    certs_token=$(k -n "$ns" create token "$rel-certs" --duration=10m)
    cat >"$tmp/certs.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "$GG_K8S_SERVER", certificate-authority: "$GG_K8S_SERVER_CA"}}]
users: [{name: certs, user: {token: "$certs_token"}}]
contexts: [{name: c, context: {cluster: c, user: certs}}]
current-context: c
EOF
    mkdir -p "$tmp/jobbin" && ln -sf "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")" "$tmp/jobbin/gateguard" &&
        ln -sf "$KUBECTL" "$tmp/jobbin/kubectl"
    run_job() { # MODE [NAME=VALUE...]: the Job's script under sh, as in the container
        (
            mode=$1
            shift
            source "$tmp/job-$mode.env"
            export CERT_DIR=$tmp/certs-$mode HOME=$tmp/home KUBECONFIG=$tmp/certs.kubeconfig
            export PATH="$tmp/jobbin:$PATH" WAIT_SECONDS=20
            [ $# -eq 0 ] || export "$@"
            mkdir -p "$CERT_DIR" "$HOME"
            timeout 120 sh "$tmp/job-$mode.sh"
        )
    }
    sget() { k -n "$ns" get secret "$rel-tls" -o "jsonpath=$1"; }
    if out=$(run_job issue 2>&1); then ok "issue: runs"; else bad "issue: runs" "$out"; fi
    check "issue: created Secret $rel-tls of type kubernetes.io/tls" \
        bash -c "[ \"\$('$KUBECTL' -n '$ns' get secret '$rel-tls' -o jsonpath='{.type}')\" = kubernetes.io/tls ]"
    sget '{.data.ca\.crt}' | base64 -d >"$tmp/s-ca.crt" || true
    sget '{.data.tls\.crt}' | base64 -d >"$tmp/s-tls.crt" || true
    check "issue: tls.crt is signed by ca.crt" openssl verify -CAfile "$tmp/s-ca.crt" "$tmp/s-tls.crt"
    check "issue: tls.crt names $rel.$ns.svc" \
        bash -c "openssl x509 -in '$tmp/s-tls.crt' -noout -ext subjectAltName | grep -q 'DNS:$rel.$ns.svc'"
    bundle=$(k get validatingwebhookconfiguration "$rel" -o jsonpath='{.webhooks[0].clientConfig.caBundle}')
    if [ -n "$bundle" ] && [ "$(base64 -d <<<"$bundle")" = "$(cat "$tmp/s-ca.crt")" ]; then
        ok "issue: set the webhook's caBundle to the Secret's CA (the configuration existed)"
    else
        bad "issue: set the webhook's caBundle to the Secret's CA" "caBundle: ${bundle:0:60}..."
    fi
    rv1=$(sget '{.metadata.resourceVersion}')
    if out=$(run_job issue 2>&1) && grep -q "is current" <<<"$out"; then ok "issue again: the Secret is current"; else bad "issue again: the Secret is current" "$out"; fi
    check "issue again: the Secret was not rewritten" bash -c "[ '$rv1' = \"\$('$KUBECTL' -n '$ns' get secret '$rel-tls' -o jsonpath='{.metadata.resourceVersion}')\" ]"
    # New names (a renamed Service): the serving pair is renewed under the same CA,
    # through replace with the resourceVersion read.
    dns=$(source "$tmp/job-issue.env" && echo "$DNS_NAMES")
    if out=$(run_job issue DNS_NAMES="$dns,extra.$ns.svc" 2>&1) && grep -q "updated secret" <<<"$out"; then
        ok "issue with a new name: the Secret is updated"
    else
        bad "issue with a new name: the Secret is updated" "$out"
    fi
    sget '{.data.tls\.crt}' | base64 -d >"$tmp/s-tls2.crt" || true
    check "issue with a new name: tls.crt names extra.$ns.svc" \
        bash -c "openssl x509 -in '$tmp/s-tls2.crt' -noout -ext subjectAltName | grep -q 'DNS:extra.$ns.svc'"
    check "issue with a new name: the CA is kept" \
        bash -c "[ \"\$('$KUBECTL' -n '$ns' get secret '$rel-tls' -o jsonpath='{.data.ca\\.crt}' | base64 -d)\" = \"\$(cat '$tmp/s-ca.crt')\" ]"
    check "issue with a new name: the new pair is signed by that CA" openssl verify -CAfile "$tmp/s-ca.crt" "$tmp/s-tls2.crt"
    k patch validatingwebhookconfiguration "$rel" --type=json \
        -p '[{"op":"remove","path":"/webhooks/0/clientConfig/caBundle"}]' >/dev/null
    if out=$(run_job inject 2>&1); then ok "inject: runs"; else bad "inject: runs" "$out"; fi
    bundle=$(k get validatingwebhookconfiguration "$rel" -o jsonpath='{.webhooks[0].clientConfig.caBundle}')
    if [ -n "$bundle" ] && [ "$(base64 -d <<<"$bundle")" = "$(cat "$tmp/s-ca.crt")" ]; then
        ok "inject: set caBundle from the Secret"
    else
        bad "inject: set caBundle from the Secret" "caBundle: ${bundle:0:60}..."
    fi
    csa=system:serviceaccount:$ns:$rel-certs
    check_not "the Jobs' ServiceAccount cannot read other Secrets" k auth can-i get secrets/other -n "$ns" --as="$csa"
    check_not "the Jobs' ServiceAccount cannot list Secrets" k auth can-i list secrets -n "$ns" --as="$csa"
    check_not "the Jobs' ServiceAccount cannot create Secrets elsewhere" k auth can-i create secrets -n default --as="$csa"
    check_not "the Jobs' ServiceAccount cannot patch other webhook configurations" \
        k auth can-i patch validatingwebhookconfigurations/other --as="$csa"
else
    echo "skip: no gateguard binary (make build) to run the certificate Job's script"
fi

echo "# helm upgrade keeps the caBundle the Job set"
bundle_before=$(k get validatingwebhookconfiguration "$rel" -o jsonpath='{.webhooks[0].clientConfig.caBundle}')
if out=$("$HELM" upgrade "$rel" "$chart" --namespace "$ns" --no-hooks --set webhook.failurePolicy=Ignore --timeout 60s 2>&1); then
    ok "helm upgrade --no-hooks (failurePolicy Ignore)"
else
    bad "helm upgrade --no-hooks (failurePolicy Ignore)" "$out"
fi
check "upgrade: failurePolicy is Ignore" \
    bash -c "[ \"\$('$KUBECTL' get validatingwebhookconfiguration '$rel' -o jsonpath='{.webhooks[0].failurePolicy}')\" = Ignore ]"
bundle_after=$(k get validatingwebhookconfiguration "$rel" -o jsonpath='{.webhooks[0].clientConfig.caBundle}')
if [ -n "$bundle_before" ] && [ "$bundle_before" = "$bundle_after" ]; then
    ok "upgrade: the caBundle is left as it was"
else
    bad "upgrade: the caBundle is left as it was" "before: ${bundle_before:0:40}... after: ${bundle_after:0:40}..."
fi

echo "# a release in url mode beside it, then helm uninstall"
if out=$("$HELM" install ext "$chart" --namespace gg-ext --create-namespace \
    --set webhook.url=https://127.0.0.1:9443/validate --set "webhook.caBundle=$ca_bundle" --timeout 60s 2>&1); then
    ok "helm install (url mode; no hooks rendered)"
else
    bad "helm install (url mode)" "$out"
fi
check "url mode: the configuration calls the URL" \
    bash -c "[ \"\$('$KUBECTL' get validatingwebhookconfiguration ext-gateguard -o jsonpath='{.webhooks[0].clientConfig.url}')\" = https://127.0.0.1:9443/validate ]"
check_not "url mode: no Deployment" k -n gg-ext get deployment ext-gateguard
check "helm uninstall (url mode)" "$HELM" uninstall ext -n gg-ext --timeout 60s
check "helm uninstall" "$HELM" uninstall "$rel" -n "$ns" --no-hooks --timeout 60s
for obj in validatingwebhookconfiguration/$rel clusterrole/$rel clusterrolebinding/$rel \
    validatingwebhookconfiguration/ext-gateguard clusterrole/ext-gateguard; do
    check "uninstall removed $obj" bash -c "[ -z \"\$('$KUBECTL' get $obj --ignore-not-found -o name)\" ]"
done

k8s_finish
