#!/usr/bin/env bash
# Builds the real kube-apiserver, kubectl, etcd and helm from their Go modules
# (pinned by the wrapper modules under tools/) and copies the Gateway API
# standard-channel CRDs out of the module cache, into a cache outside the
# repository (gg_k8s_cache_dir in versions.sh), so every clone on the machine
# shares one build. What is already there is not built again: every test
# script may call this, and after the first run it only reports versions.
#
# usage: build.sh [PART...]     PART: kube (kube-apiserver, kubectl), etcd,
#                               helm, crds; default all four; conformance
#                               (kube-controller-manager, kube-scheduler,
#                               kwok and the Gateway API conformance suite's
#                               test binary, for tests/conformance) only when
#                               named
#        build.sh --print-dir   print the cache directory; build nothing
# Exit status: 0 built or cached, 1 a build failed, 3 Go is not installed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/versions.sh"
cache=$(gg_k8s_cache_dir)
bin=$cache/bin
crds=$cache/crds/gateway-api-$GG_GATEWAY_API_VERSION

say() { printf 'k8s-build: %s\n' "$*" >&2; }
die() {
    say "error: $*"
    exit 1
}

case "${1:-}" in
--print-dir)
    printf '%s\n' "$cache"
    exit 0
    ;;
-h | --help)
    sed -n 's/^# \{0,1\}//; /^usage:/,/^Exit/p' "$0" >&2
    exit 0
    ;;
esac
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(kube etcd helm crds)
for p in "${parts[@]}"; do
    case $p in kube | etcd | helm | crds | conformance) ;; *) die "unknown part '$p' (want kube, etcd, helm, crds or conformance)" ;; esac
done

# have PART: whether PART is in the cache
have() {
    case $1 in
    kube) [ -x "$bin/kube-apiserver" ] && [ -x "$bin/kubectl" ] ;;
    etcd) [ -x "$bin/etcd" ] ;;
    helm) [ -x "$bin/helm" ] ;;
    crds) [ -f "$crds/.complete" ] ;;
    conformance)
        [ -x "$bin/kube-controller-manager" ] && [ -x "$bin/kube-scheduler" ] &&
            [ -x "$bin/kwok-$GG_KWOK_VERSION" ] && [ -x "$bin/gateway-conformance-$GG_GATEWAY_API_VERSION.test" ]
        ;;
    esac
}
missing() {
    local p
    for p in "${parts[@]}"; do
        have "$p" || printf '%s\n' "$p"
    done
}

report() {
    say "cache $cache"
    local p
    for p in "${parts[@]}"; do
        case $p in
        kube)
            say "  kube-apiserver $("$bin/kube-apiserver" --version 2>&1 | awk '{print $2}')"
            say "  kubectl        $("$bin/kubectl" version --client -o json 2>/dev/null |
                sed -n 's/.*"gitVersion": "\([^"]*\)".*/\1/p' | head -1)"
            ;;
        etcd) say "  etcd           $("$bin/etcd" --version 2>&1 | sed -n 's/^etcd Version: //p')" ;;
        helm) say "  helm           $("$bin/helm" version --short 2>&1)" ;;
        crds) say "  gateway-api    $GG_GATEWAY_API_VERSION ($(find "$crds" -name '*.yaml' | wc -l) CRD files)" ;;
        conformance)
            say "  kube-controller-manager $("$bin/kube-controller-manager" --version 2>&1 | awk '{print $2}')"
            say "  kube-scheduler $("$bin/kube-scheduler" --version 2>&1 | awk '{print $2}')"
            say "  kwok           $("$bin/kwok-$GG_KWOK_VERSION" --version 2>&1 | head -1)"
            say "  conformance    gateway-conformance-$GG_GATEWAY_API_VERSION.test"
            ;;
        esac
    done
}

todo=$(missing)
if [ -z "$todo" ]; then
    report
    exit 0
fi

export PATH="$PATH:/usr/local/go/bin"
if ! command -v go >/dev/null 2>&1; then
    say "go not found (looked in PATH and /usr/local/go/bin); cannot build $(echo $todo)"
    exit 3
fi

mkdir -p "$cache" "$bin"
# Two test scripts (or two clones) may start a build at once: one builds, the
# other waits for it and then finds everything cached.
exec 9>"$cache/.lock"
if ! flock -n 9; then
    say "another build holds $cache/.lock; waiting for it (up to 60 min)"
    flock -w 3600 9 || die "timed out waiting for the other build"
fi
todo=$(missing)
if [ -z "$todo" ]; then
    report
    exit 0
fi

# GOTOOLCHAIN=local: a dependency whose go line is newer than this Go is an
# error here, not a silent toolchain download. CGO off and -trimpath, as
# upstream builds these binaries; no C toolchain needed. -p 2 (the machine's
# cores) bounds the compiler's memory; GG_K8S_BUILD_JOBS overrides it.
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-modcacherw -mod=readonly -buildvcs=false"
gobuild=(go build -p "${GG_K8S_BUILD_JOBS:-2}" -trimpath)
say "$(go version); building $(echo $todo) into $cache (the first build of kube takes many minutes)"
start=$SECONDS
tmpbin=$(mktemp -d "$cache/bin.tmp.XXXXXX")
trap 'rm -rf "$tmpbin"' EXIT

# gobuild_in DIR NAME LDFLAGS PACKAGE...: builds into $tmpbin, then moves the
# results into the cache only when all of them were built.
gobuild_in() {
    local dir=$1 name=$2 ld=$3 t=$SECONDS
    shift 3
    say "building $name"
    if ! (cd "$here/tools/$dir" && "${gobuild[@]}" -ldflags "$ld" -o "$tmpbin/" "$@"); then
        die "building $name failed (module tests/k8s/tools/$dir, $(go env GOVERSION)). A network error while downloading modules is worth a retry; a compile error means the pins in tests/k8s/versions.sh and tools/$dir/go.mod do not build with this Go"
    fi
    say "built $name in $((SECONDS - t)) s"
}
install_bins() {
    local b
    for b in "$@"; do
        [ -x "$tmpbin/$b" ] || die "$b was not produced"
        mv -f "$tmpbin/$b" "$bin/$b"
    done
}

kminor=$(cut -d. -f2 <<<"$GG_K8S_VERSION")
# Without these, gitVersion is v0.0.0-master+$Format:%H$: /version reports
# it, `kubectl version` exits non-zero, helm's kubeVersion checks fail.
kv=k8s.io/component-base/version kc=k8s.io/client-go/pkg/version
ld_kube="-s -w -X $kv.gitVersion=$GG_K8S_VERSION -X $kv.gitMajor=1 -X $kv.gitMinor=$kminor"
ld_kube+=" -X $kv.gitTreeState=clean -X $kc.gitVersion=$GG_K8S_VERSION -X $kc.gitMajor=1"
ld_kube+=" -X $kc.gitMinor=$kminor -X $kc.gitTreeState=clean"
for p in $todo; do
    case $p in
    kube)
        gobuild_in kube "kube-apiserver and kubectl $GG_K8S_VERSION" "$ld_kube" \
            k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl
        install_bins kube-apiserver kubectl
        ;;
    etcd)
        # A /v3 package path would name the binary "server"; the version
        # string is a constant in go.etcd.io/etcd/api/v3/version.
        (cd "$here/tools/etcd" && say "building etcd $GG_ETCD_VERSION" && t=$SECONDS &&
            "${gobuild[@]}" -ldflags "-s -w" -o "$tmpbin/etcd" go.etcd.io/etcd/server/v3 &&
            say "built etcd in $((SECONDS - t)) s") ||
            die "building etcd $GG_ETCD_VERSION failed (module tests/k8s/tools/etcd)"
        install_bins etcd
        ;;
    helm)
        # helm v3 assumes Kubernetes 1.20 for template and lint unless told.
        hp=helm.sh/helm/v3
        ld="-s -w -X $hp/internal/version.version=$GG_HELM_VERSION -X $hp/internal/version.gitTreeState=clean"
        ld+=" -X $hp/pkg/chartutil.k8sVersionMajor=1 -X $hp/pkg/chartutil.k8sVersionMinor=$kminor"
        ld+=" -X $hp/pkg/lint/rules.k8sVersionMajor=1 -X $hp/pkg/lint/rules.k8sVersionMinor=$kminor"
        gobuild_in helm "helm $GG_HELM_VERSION" "$ld" helm.sh/helm/v3/cmd/helm
        install_bins helm
        ;;
    conformance)
        # The same k8s.io/kubernetes and ldflags as kube, from a sibling
        # module (kube-ctrl), so the kube module's pins and its cached
        # binaries stay as they are. kwok and the suite carry their version
        # in the file name: a bump builds a new one beside the old.
        gobuild_in kube-ctrl "kube-controller-manager and kube-scheduler $GG_K8S_VERSION" "$ld_kube" \
            k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler
        gobuild_in kwok "kwok $GG_KWOK_VERSION" "-s -w" sigs.k8s.io/kwok/cmd/kwok
        mv -f "$tmpbin/kwok" "$tmpbin/kwok-$GG_KWOK_VERSION"
        say "building the Gateway API $GG_GATEWAY_API_VERSION conformance suite"
        t=$SECONDS
        (cd "$here/../conformance/suite" && go test -c -p "${GG_K8S_BUILD_JOBS:-2}" -trimpath -ldflags "-s -w" \
            -o "$tmpbin/gateway-conformance-$GG_GATEWAY_API_VERSION.test" .) ||
            die "building the conformance suite failed (module tests/conformance/suite)"
        say "built the conformance suite in $((SECONDS - t)) s"
        install_bins kube-controller-manager kube-scheduler "kwok-$GG_KWOK_VERSION" \
            "gateway-conformance-$GG_GATEWAY_API_VERSION.test"
        ;;
    crds)
        # From the pinned module, the source tools/fetch-crds.sh uses too.
        gwdir=$(cd /tmp && go mod download -json "sigs.k8s.io/gateway-api@$GG_GATEWAY_API_VERSION" |
            sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p') ||
            die "cannot download sigs.k8s.io/gateway-api@$GG_GATEWAY_API_VERSION"
        [ -d "$gwdir/config/crd/standard" ] ||
            die "sigs.k8s.io/gateway-api@$GG_GATEWAY_API_VERSION has no config/crd/standard"
        rm -rf "$crds" && mkdir -p "$crds"
        cp "$gwdir"/config/crd/standard/*.yaml "$crds/"
        chmod -R u+w "$crds"
        touch "$crds/.complete"
        say "copied the Gateway API $GG_GATEWAY_API_VERSION standard CRDs"
        ;;
    esac
done
say "done in $((SECONDS - start)) s"
report
