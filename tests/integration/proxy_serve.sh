#!/usr/bin/env bash
# gateguard proxy over a folder of manifests, end to end on 127.0.0.1: real
# backends (tests/integration/proxy_echo.py) behind EndpointSlices, the proxy
# on the listeners' ports plus an offset, and curl as the client. Routing by
# host and path, a cross-namespace backend without a ReferenceGrant, header
# modifiers, a redirect, keep-alive, a chunked upload, HTTPS by SNI, a reload
# when the folder changes, an upstream that is down, a smuggling attempt, and
# the metrics.
source "$(dirname "$0")/lib.bash"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# an offset that puts both 80 and 443 on free ports
for _ in $(seq 1 50); do
    off=$((20000 + RANDOM % 30000))
    python3 -c "import socket,sys
for p in (80+$off, 443+$off):
    s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', p)); s.close()" 2>/dev/null && break
done
http=$((80 + off)) https=$((443 + off))
b1=$(free_port) b2=$(free_port) admin=$(free_port)
python3 tests/integration/proxy_echo.py "$b1" pod-a &
apid=$!
pids+=($apid)
python3 tests/integration/proxy_echo.py "$b2" pod-b &
pids+=($!)

quiet $bin certs --out "$tmp/certs" --dns app.example.com
crt=$(base64 -w0 <"$tmp/certs/tls.crt") key=$(base64 -w0 <"$tmp/certs/tls.key")
m=$tmp/manifests
mkdir -p "$m"
slice() { # NAMESPACE SERVICE PORT
    cat <<Y
apiVersion: v1
kind: Service
metadata: {name: $2, namespace: $1}
spec: {ports: [{name: http, port: 80}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: $2-1, namespace: $1, labels: {kubernetes.io/service-name: $2}}
addressType: IPv4
ports: [{name: http, port: $3}]
endpoints: [{addresses: [127.0.0.1]}]
---
Y
}
cat >"$m/infra.yaml" <<Y
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: gg}
spec: {controllerName: gateguard.dev/gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: infra}
spec:
  gatewayClassName: gg
  listeners:
  - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}
  - name: https
    port: 443
    protocol: HTTPS
    hostname: app.example.com
    allowedRoutes: {namespaces: {from: All}}
    tls: {certificateRefs: [{name: app-cert}]}
---
apiVersion: v1
kind: Secret
metadata: {name: app-cert, namespace: infra}
type: kubernetes.io/tls
data: {tls.crt: $crt, tls.key: $key}
Y
{
    slice apps web "$b1"
    slice apps web2 "$b2"
    slice other api "$b2"
    slice apps down "$(free_port)"
} >"$m/backends.yaml"
cat >"$m/routes.yaml" <<Y
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: apps}
spec:
  parentRefs: [{name: gw, namespace: infra}]
  hostnames: [app.example.com]
  rules:
  - backendRefs: [{name: web, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /two}}]
    backendRefs: [{name: web2, port: 80}]
  - matches: [{path: {type: Exact, value: /hdr}}]
    filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: X-Added, value: "yes"}], remove: [X-Drop]}}]
    backendRefs: [{name: web, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /old}}]
    filters: [{type: RequestRedirect, requestRedirect: {hostname: new.example.com, statusCode: 301}}]
  - matches: [{path: {type: PathPrefix, value: /cross}}]
    backendRefs: [{name: api, namespace: other, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /down}}]
    backendRefs: [{name: down, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /split}}]
    backendRefs: [{name: web, port: 80, weight: 3}, {name: web2, port: 80, weight: 1}]
Y

$bin proxy --source "dir:$m" --port-offset "$off" --listen-address 127.0.0.1 \
    --admin-listen "127.0.0.1:$admin" >"$tmp/proxy.log" 2>&1 &
ppid=$!
pids+=("$ppid")
get() { curl -s --max-time 10 -H "Host: ${2:-app.example.com}" "http://127.0.0.1:$http$1"; }
code() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "Host: ${2:-app.example.com}" "http://127.0.0.1:$http$1"; }
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
if ! wait_for 300 sh -c "curl -sf -o /dev/null -H 'Host: app.example.com' http://127.0.0.1:$http/"; then
    bad "the proxy serves its first table" "$(tail -20 "$tmp/proxy.log")"
    finish
    exit
fi
ok "the proxy serves its first table"

same "a route by host reaches its backend" "$(get /x | field 'd["pod"], d["path"]')" "('pod-a', '/x')"
same "the longer prefix wins" "$(get /two/a | field 'd["pod"]')" "pod-b"
same "Host is passed through" "$(get /x | field 'd["host"]')" "app.example.com"
same "X-Forwarded-For names the client" "$(get /x | field 'd["headers"]["x-forwarded-for"][0]')" "127.0.0.1"
same "an unknown host gets 404" "$(code / other.example.com)" "404"
out=$(curl -s --max-time 10 -H 'Host: app.example.com' -H 'X-Drop: 1' "http://127.0.0.1:$http/hdr")
same "RequestHeaderModifier sets and removes" \
    "$(field '(d["headers"].get("x-added"), "x-drop" in d["headers"])' <<<"$out")" "(['yes'], False)"
loc=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -H 'Host: app.example.com' "http://127.0.0.1:$http/old/p?q=1")
# the Location names the listener's port (80), not the local offset one
same "RequestRedirect answers 301 with the new Location" "$loc" "301 http://new.example.com/old/p?q=1"
same "a cross-namespace backend without a ReferenceGrant gets 500" "$(code /cross)" "500"
same "an endpoint that refuses connections gets 502" "$(code /down)" "502"
n=$(curl -s -o /dev/null -o /dev/null -w '%{num_connects}\n' -H 'Host: app.example.com' \
    "http://127.0.0.1:$http/a" "http://127.0.0.1:$http/b" | awk '{n += $1} END {print n}')
same "keep-alive: two requests, one connection" "$n" "1"
head -c 100000 /dev/zero >"$tmp/body"
out=$(curl -s --max-time 10 -H 'Host: app.example.com' -H 'Transfer-Encoding: chunked' --data-binary @"$tmp/body" "http://127.0.0.1:$http/up")
same "a chunked upload streams to the backend whole" "$(field 'd["body_len"], d["method"]' <<<"$out")" "(100000, 'POST')"
out=$(curl -s --max-time 10 --cacert "$tmp/certs/ca.crt" --resolve "app.example.com:$https:127.0.0.1" "https://app.example.com:$https/tls")
same "HTTPS: the certificate by SNI, the route behind it" "$(field 'd["pod"], d["headers"]["x-forwarded-proto"][0]' <<<"$out")" "('pod-a', 'https')"
check "TLS 1.1 is refused" sh -c "! curl -s -o /dev/null --max-time 10 --tls-max 1.1 -k --resolve app.example.com:$https:127.0.0.1 https://app.example.com:$https/"

smuggle=$(python3 - "$http" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"POST / HTTP/1.1\r\nHost: app.example.com\r\nContent-Length: 4\r\n"
          b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: app.example.com\r\n\r\n")
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
print(data.count(b"HTTP/1.1"), data.split(b"\r\n")[0].decode())
PY
)
same "CL.TE: one 400 and the connection closed, nothing smuggled" "$smuggle" "1 HTTP/1.1 400 Bad Request"

# the balancer's state outlives one request and one connection: 40 requests,
# each on a connection of its own, split 3:1 as the weights say
split=$(for _ in $(seq 1 40); do get /split | field 'd["pod"]'; done | sort | uniq -c | awk '{printf "%s=%s ", $2, $1}')
same "weights split requests across connections" "$split" "pod-a=30 pod-b=10 "

sed -i 's#value: /two#value: /three#' "$m/routes.yaml"
check "a folder change is served without a restart" wait_for 100 sh -c \
    "curl -s -H 'Host: app.example.com' http://127.0.0.1:$http/three/x | grep -q pod-b"
# The pool: connections to the backends were reused; a backend restarted
# behind its pooled connections is reached on a fresh one, with no error.
reused=$(curl -s "http://127.0.0.1:$admin/metrics" | awk '/^gateguard_proxy_upstream_reused_total/{print $2}')
check "upstream connections are pooled and reused (reused: ${reused:-none})" test "${reused:-0}" -gt 0
kill -TERM "$apid"
wait "$apid" 2>/dev/null
python3 tests/integration/proxy_echo.py "$b1" pod-a &
pids+=($!)
wait_for 100 sh -c "curl -s http://127.0.0.1:$b1/ >/dev/null"
codes=""
for _ in 1 2 3; do codes+="$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: app.example.com' http://127.0.0.1:$http/x) "; done
same "a restarted backend is reached past its stale pooled connections" "$codes" "200 200 200 "
metrics=$(curl -s "http://127.0.0.1:$admin/metrics")
check "metrics count requests and upstream errors" bash -c \
    "grep -q '^gateguard_proxy_requests_total [1-9]' <<<'$metrics' && grep -q '^gateguard_proxy_upstream_errors_total [1-9]' <<<'$metrics'"
kill -TERM "$ppid"
wait "$ppid"
same "SIGTERM: exit 0" "$?" "0"
check "the proxy process stayed up throughout (no crash in the log)" sh -c "! grep -qi 'AddressSanitizer\|runtime error' '$tmp/proxy.log'"
finish
