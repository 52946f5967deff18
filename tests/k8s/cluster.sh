#!/usr/bin/env bash
# A Kubernetes control plane on loopback for the tests, as controller-runtime's
# envtest runs one: etcd and kube-apiserver (built by build.sh) on free ports
# of 127.0.0.1, with their state, certificates and logs in DIR. No controllers
# and no kubelet: objects are stored and admitted, pods never run.
#
# usage: cluster.sh start DIR     start both; prints the env lines (as `env`)
#        cluster.sh stop DIR      stop exactly the processes `start` recorded
#        cluster.sh env DIR       print `export NAME=value` lines for eval
#        cluster.sh restart-apiserver DIR
#                                 stop kube-apiserver and start it again on the
#                                 same port (etcd and its data stay)
#
# After `start`, DIR holds kubeconfig (user "admin" in system:masters, by
# client certificate), pki/ (server CA, client CA, service-account keys),
# etcd.pid, kube-apiserver.pid and their logs. A caller sets
#   trap 'tests/k8s/cluster.sh stop "$dir"' EXIT
# right after creating DIR, so the processes go away whatever the test does.
# Every wait is bounded (GG_K8S_START_TIMEOUT seconds, default 90).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/versions.sh"
cache=$(gg_k8s_cache_dir)
bin=$cache/bin
start_timeout=${GG_K8S_START_TIMEOUT:-90}

say() { printf 'k8s-cluster: %s\n' "$*" >&2; }
die() {
    say "error: $*"
    exit 1
}
usage() {
    sed -n 's/^# \{0,1\}//; /^usage:/,/^$/p' "$0" | sed '/^$/d' >&2
    exit 2
}

# A port the kernel just handed out on 127.0.0.1; it is free unless someone
# takes it in the next instant, which start() survives by retrying.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# is_ours PIDFILE BINARY: the recorded PID still runs BINARY with this DIR in
# its arguments, so a recycled PID is never signalled.
is_ours() {
    local pid
    pid=$(cat "$1" 2>/dev/null) || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    [ -r "/proc/$pid/cmdline" ] || return 1
    local cmd
    cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline")
    [[ "$cmd" == "$bin/$2 "* && "$cmd" == *"$dir"* ]]
}

stop_one() { # NAME
    local name=$1 pidfile=$dir/$1.pid pid i
    if ! is_ours "$pidfile" "$name"; then
        rm -f "$pidfile"
        return 0
    fi
    pid=$(cat "$pidfile")
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do
        [ -e "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null || break
        sleep 0.1
    done
    if [ -e "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; then
        say "$name (pid $pid) ignored SIGTERM for 20 s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
}

# wait_until SECONDS WHAT COMMAND...: polls COMMAND every 0.2 s.
wait_until() {
    local limit=$1 what=$2 deadline
    shift 2
    deadline=$((SECONDS + limit))
    while ((SECONDS < deadline)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    say "timed out after $limit s waiting for $what"
    return 1
}

alive() { is_ours "$dir/$1.pid" "$1"; }

show_log() {
    say "last lines of $dir/$1.log:"
    tail -n 25 "$dir/$1.log" >&2 || true
}

make_pki() {
    local p=$dir/pki
    mkdir -p "$p"
    (
        cd "$p"
        ec() { openssl ecparam -name prime256v1 -genkey -noout -out "$1" 2>/dev/null; }
        # server CA and the API server's serving pair (SANs localhost, 127.0.0.1)
        ec server-ca.key
        openssl req -x509 -new -key server-ca.key -sha256 -days 2 -subj /CN=gateguard-test-server-ca \
            -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
            -out server-ca.crt 2>/dev/null
        ec apiserver.key
        openssl req -new -key apiserver.key -subj /CN=kube-apiserver -out apiserver.csr 2>/dev/null
        printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
            "extendedKeyUsage=serverAuth" \
            "subjectAltName=DNS:localhost,IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default.svc" >apiserver.ext
        openssl x509 -req -in apiserver.csr -CA server-ca.crt -CAkey server-ca.key -CAcreateserial \
            -sha256 -days 2 -extfile apiserver.ext -out apiserver.crt 2>/dev/null
        # client CA and the admin user: CN is the user, O the group
        ec client-ca.key
        openssl req -x509 -new -key client-ca.key -sha256 -days 2 -subj /CN=gateguard-test-client-ca \
            -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
            -out client-ca.crt 2>/dev/null
        ec admin.key
        openssl req -new -key admin.key -subj "/O=system:masters/CN=admin" -out admin.csr 2>/dev/null
        printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
            "extendedKeyUsage=clientAuth" >admin.ext
        openssl x509 -req -in admin.csr -CA client-ca.crt -CAkey client-ca.key -CAcreateserial \
            -sha256 -days 2 -extfile admin.ext -out admin.crt 2>/dev/null
        # service-account token signing pair
        ec sa-signer.key
        openssl ec -in sa-signer.key -pubout -out sa-signer.pub 2>/dev/null
        chmod 600 ./*.key
        rm -f ./*.csr ./*.ext ./*.srl
    ) || die "openssl could not make the certificates in $p"
}

write_kubeconfig() {
    local port=$1
    cat >"$dir/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: gateguard-test
  cluster:
    server: https://127.0.0.1:$port
    certificate-authority: $dir/pki/server-ca.crt
users:
- name: admin
  user:
    client-certificate: $dir/pki/admin.crt
    client-key: $dir/pki/admin.key
contexts:
- name: gateguard-test
  context:
    cluster: gateguard-test
    user: admin
current-context: gateguard-test
EOF
    chmod 600 "$dir/kubeconfig"
}

start_etcd() {
    local port
    port=$(free_port)
    mkdir -p "$dir/etcd-data"
    # --unsafe-no-fsync: test data, thrown away; fsync would dominate.
    "$bin/etcd" --name=gateguard-test --data-dir="$dir/etcd-data" \
        --listen-client-urls="http://127.0.0.1:$port" --advertise-client-urls="http://127.0.0.1:$port" \
        --listen-peer-urls=http://127.0.0.1:0 --initial-advertise-peer-urls=http://127.0.0.1:0 \
        --initial-cluster=gateguard-test=http://127.0.0.1:0 \
        --unsafe-no-fsync=true --log-level=warn \
        </dev/null >"$dir/etcd.log" 2>&1 &
    echo $! >"$dir/etcd.pid"
    echo "$port" >"$dir/etcd.port"
    if ! wait_until "$start_timeout" "etcd /health on 127.0.0.1:$port" \
        curl -fsS --max-time 2 "http://127.0.0.1:$port/health"; then
        show_log etcd
        return 1
    fi
}

apiserver_up() {
    local port=$1
    alive kube-apiserver || return 1
    curl -fsS --max-time 2 --cacert "$dir/pki/server-ca.crt" --cert "$dir/pki/admin.crt" \
        --key "$dir/pki/admin.key" "https://127.0.0.1:$port/healthz" >/dev/null
}

start_apiserver() { # PORT
    local port=$1 etcd_port
    etcd_port=$(cat "$dir/etcd.port")
    # envtest's arguments: no ServiceAccount admission (no controller makes the
    # default ServiceAccount), no endpoint reconciler (no real Service network).
    "$bin/kube-apiserver" \
        --etcd-servers="http://127.0.0.1:$etcd_port" \
        --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$port" \
        --cert-dir="$dir/cert-dir" \
        --tls-cert-file="$dir/pki/apiserver.crt" --tls-private-key-file="$dir/pki/apiserver.key" \
        --client-ca-file="$dir/pki/client-ca.crt" \
        --service-account-issuer="https://127.0.0.1:$port/" \
        --service-account-key-file="$dir/pki/sa-signer.pub" \
        --service-account-signing-key-file="$dir/pki/sa-signer.key" \
        --service-cluster-ip-range=10.0.0.0/24 --allow-privileged=true \
        --authorization-mode=RBAC \
        --disable-admission-plugins=ServiceAccount \
        --endpoint-reconciler-type=none \
        --profiling=false \
        </dev/null >"$dir/kube-apiserver.log" 2>&1 &
    echo $! >"$dir/kube-apiserver.pid"
    echo "$port" >"$dir/kube-apiserver.port"
    if ! wait_until "$start_timeout" "kube-apiserver /healthz on 127.0.0.1:$port" apiserver_up "$port"; then
        show_log kube-apiserver
        return 1
    fi
    # /healthz covers the RBAC bootstrap hook; the default namespace is made
    # by a controller inside the API server shortly after.
    if ! wait_until 30 "namespace default" \
        "$bin/kubectl" --kubeconfig "$dir/kubeconfig" --request-timeout=5s get namespace default; then
        show_log kube-apiserver
        return 1
    fi
}

print_env() {
    local port
    port=$(cat "$dir/kube-apiserver.port" 2>/dev/null) || die "$dir holds no cluster (no kube-apiserver.port)"
    local q
    for kv in "KUBECONFIG=$dir/kubeconfig" \
        "GG_K8S_BIN=$bin" \
        "GG_K8S_CRDS=$cache/crds/gateway-api-$GG_GATEWAY_API_VERSION" \
        "GG_K8S_SERVER=https://127.0.0.1:$port" \
        "GG_K8S_SERVER_CA=$dir/pki/server-ca.crt" \
        "GG_K8S_SA_ISSUER=https://127.0.0.1:$port/" \
        "NO_PROXY=$NO_PROXY"; do
        printf -v q '%q' "${kv#*=}"
        printf 'export %s=%s\n' "${kv%%=*}" "$q"
    done
}

cmd=${1:-}
[ $# -eq 2 ] || usage
if [ "$cmd" = start ]; then
    mkdir -p "$2"
elif [ ! -d "$2" ]; then
    # Nothing was started there: stopping is done, anything else is an error.
    [ "$cmd" = stop ] && exit 0
    die "$2: no such directory"
fi
dir=$(cd "$2" && pwd)
# The API server's own clients (webhooks on 127.0.0.1) must not go through a proxy.
caller_no_proxy=${NO_PROXY:-}
export NO_PROXY="127.0.0.1,localhost${caller_no_proxy:+,$caller_no_proxy}"
export no_proxy=$NO_PROXY

case $cmd in
start)
    for b in etcd kube-apiserver kubectl; do
        [ -x "$bin/$b" ] || die "$bin/$b is missing; run tests/k8s/build.sh first"
    done
    command -v openssl >/dev/null || die "openssl is required"
    command -v curl >/dev/null || die "curl is required"
    if alive etcd || alive kube-apiserver; then
        die "a cluster is already running in $dir; stop it first"
    fi
    t=$SECONDS
    make_pki
    ok=0
    # A port taken between free_port and bind fails the start: try again.
    for attempt in 1 2 3; do
        if start_etcd; then
            port=$(free_port)
            write_kubeconfig "$port"
            if start_apiserver "$port"; then
                ok=1
                break
            fi
        fi
        say "start attempt $attempt failed; stopping what it started"
        stop_one kube-apiserver
        stop_one etcd
        rm -rf "$dir/etcd-data"
    done
    [ "$ok" = 1 ] || die "could not start the control plane in $dir (logs: etcd.log, kube-apiserver.log)"
    say "up in $((SECONDS - t)) s: kube-apiserver https://127.0.0.1:$port (pid $(cat "$dir/kube-apiserver.pid")), etcd pid $(cat "$dir/etcd.pid")"
    print_env
    ;;
stop)
    stop_one kube-apiserver
    stop_one etcd
    ;;
env)
    print_env
    ;;
restart-apiserver)
    alive etcd || die "etcd is not running in $dir"
    port=$(cat "$dir/kube-apiserver.port")
    stop_one kube-apiserver
    # The port was ours a moment ago; wait for the kernel to let go of it.
    wait_until 30 "port $port to be free" python3 -c \
        'import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1])))' "$port" ||
        die "port $port stayed busy"
    start_apiserver "$port" || die "kube-apiserver did not come back on port $port"
    say "kube-apiserver restarted on port $port (pid $(cat "$dir/kube-apiserver.pid"))"
    ;;
*)
    usage
    ;;
esac
