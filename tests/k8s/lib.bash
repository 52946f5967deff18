# Sourced by test scripts that need the real Kubernetes parts: counting
# results, the built binaries (or a skip when Go is absent), and a loopback
# control plane that is stopped when the script exits, however it exits.
#
#   source tests/k8s/lib.bash
#   k8s_require                 # builds once per machine; skips without Go
#   k8s_cluster_up              # etcd + kube-apiserver; sets KUBECONFIG etc.
#   ok "name" / bad "name" [detail] / check "name" CMD... / k8s_finish
#
# Variables after k8s_require: K8S_BIN (kube-apiserver, kubectl, etcd, helm),
# K8S_CRDS (Gateway API standard CRDs), KUBECTL, HELM; after k8s_cluster_up
# also KUBECONFIG, GG_K8S_SERVER, GG_K8S_SERVER_CA (see cluster.sh env).

k8s_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
k8s_pass=0
k8s_fail=0
k8s_tmp=$(mktemp -d "${TMPDIR:-/tmp}/gg-k8s.XXXXXX")
k8s_cluster_dir=""
k8s_cleanups=()

k8s_finished=0
k8s_err=""
k8s_cleanup() {
    local rc=$? c
    if [ "$k8s_finished" = 0 ] && [ "$rc" -ne 0 ]; then
        # set -e stopped the script early: say where, and still end with the count.
        bad "the script stopped early (exit $rc)${k8s_err:+ at $k8s_err}"
        echo "$k8s_pass passed, $k8s_fail failed"
    fi
    for ((c = ${#k8s_cleanups[@]} - 1; c >= 0; c--)); do
        eval "${k8s_cleanups[c]}" || true
    done
    if [ -n "$k8s_cluster_dir" ]; then
        "$k8s_lib_dir/cluster.sh" stop "$k8s_cluster_dir" || true
    fi
    rm -rf "$k8s_tmp"
    return "$rc"
}
trap k8s_cleanup EXIT
trap 'k8s_err="line $LINENO: $BASH_COMMAND"' ERR
# A signal ends the script through exit, so the EXIT trap runs.
trap 'exit 130' INT
trap 'exit 143' TERM

# k8s_on_exit COMMAND: run COMMAND (a string) at exit, before the cluster stops.
k8s_on_exit() { k8s_cleanups+=("$1"); }

ok() {
    k8s_pass=$((k8s_pass + 1))
    echo "ok   $1"
}
bad() {
    k8s_fail=$((k8s_fail + 1))
    echo "FAIL $1"
    if [ -n "${2:-}" ]; then
        sed 's/^/     /' <<<"$2" | head -30
    fi
    return 0
}
# check NAME COMMAND...: passes when COMMAND succeeds; its output is shown on failure.
check() {
    local name=$1 out
    shift
    if out=$("$@" 2>&1); then ok "$name"; else bad "$name" "$out"; fi
}
# check_not NAME COMMAND...: passes when COMMAND fails.
check_not() {
    local name=$1 out
    shift
    if out=$("$@" 2>&1); then bad "$name" "succeeded: $out"; else ok "$name"; fi
}
k8s_finish() {
    k8s_finished=1
    echo "$k8s_pass passed, $k8s_fail failed"
    [ "$k8s_fail" -eq 0 ]
}

# k8s_require: the binaries, built on first use. Without Go there is nothing
# to build them with: the script reports a skip and exits 0.
k8s_require() {
    local rc=0
    "$k8s_lib_dir/build.sh" || rc=$?
    if [ "$rc" -eq 3 ]; then
        echo "SKIP: Go is not installed, so the Kubernetes binaries cannot be built (tests/k8s/build.sh)"
        echo "0 passed, 0 failed"
        exit 0
    fi
    if [ "$rc" -ne 0 ]; then
        bad "build the Kubernetes binaries (tests/k8s/build.sh, exit $rc)"
        k8s_finish
        exit 1
    fi
    local cache
    cache=$("$k8s_lib_dir/build.sh" --print-dir)
    source "$k8s_lib_dir/versions.sh"
    K8S_BIN=$cache/bin
    K8S_CRDS=$cache/crds/gateway-api-$GG_GATEWAY_API_VERSION
    KUBECTL=$K8S_BIN/kubectl
    HELM=$K8S_BIN/helm
    # helm keeps its repository and cache files here, not in $HOME.
    export HELM_CACHE_HOME=$k8s_tmp/helm/cache HELM_CONFIG_HOME=$k8s_tmp/helm/config
    export HELM_DATA_HOME=$k8s_tmp/helm/data
}

# k8s_cluster_up: a control plane in $k8s_tmp/cluster, stopped at exit.
k8s_cluster_up() {
    k8s_cluster_dir=$k8s_tmp/cluster
    local envs
    if ! envs=$("$k8s_lib_dir/cluster.sh" start "$k8s_cluster_dir"); then
        bad "start etcd and kube-apiserver (tests/k8s/cluster.sh)"
        k8s_finish
        exit 1
    fi
    eval "$envs"
    export no_proxy=$NO_PROXY
}

# k8s_apply_crds: the Gateway API standard CRDs, server-side (the HTTPRoute
# CRD is too big for client-side apply's annotation), waited for.
k8s_apply_crds() {
    "$KUBECTL" apply --server-side --field-manager=gateguard-tests -f "$K8S_CRDS" >/dev/null || return 1
    local crds
    crds=$("$KUBECTL" get crd -o name | grep '\.gateway\.networking\.k8s\.io$') || return 1
    # shellcheck disable=SC2086
    "$KUBECTL" wait --for=condition=Established --timeout=60s $crds >/dev/null
}

# k8s_wait SECONDS COMMAND...: polls COMMAND every 0.2 s until it succeeds.
k8s_wait() {
    local limit=$1 deadline
    shift
    deadline=$((SECONDS + limit))
    while ((SECONDS < deadline)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    return 1
}
