# The pinned versions of the Kubernetes parts the tests run (sourced by
# build.sh, cluster.sh and the test scripts). The go.mod files under tools/
# hold the same pins with their whole dependency graphs; bump both together
# (tools/pin.sh regenerates the go.mod files from these values).
GG_K8S_VERSION=v1.36.3      # k8s.io/kubernetes: kube-apiserver, kubectl
GG_K8S_STAGING=v0.36.3      # every k8s.io/<staging> module of that release
GG_ETCD_VERSION=v3.6.16     # go.etcd.io/etcd/server/v3, the newest 3.6 patch
GG_HELM_VERSION=v3.21.4     # helm.sh/helm/v3
GG_GATEWAY_API_VERSION=v1.6.3 # sigs.k8s.io/gateway-api standard-channel CRDs
                              # and its conformance suite (tests/conformance)
GG_KWOK_VERSION=v0.8.0      # sigs.k8s.io/kwok: fake nodes for the conformance run

# Where the binaries live: outside the repository, so a fresh clone on the
# same machine reuses them. GG_K8S_CACHE overrides the whole path.
gg_k8s_cache_dir() {
    local base=${XDG_CACHE_HOME:-$HOME/.cache}/gateguard
    local tag="k8s-$GG_K8S_VERSION-etcd-$GG_ETCD_VERSION-helm-$GG_HELM_VERSION-gwapi-$GG_GATEWAY_API_VERSION"
    printf '%s\n' "${GG_K8S_CACHE:-$base/$tag}"
}
