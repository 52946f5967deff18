#!/usr/bin/env bash
# make bench-proxy: gateguard's data plane against nginx and haproxy.
#
# The same ROUTES HTTPRoutes (a host and a path prefix each, plus a 3:1
# weighted split) are written as manifests for gateguard and as an nginx and a
# haproxy configuration (bench/gen_proxy.py), all to the same two
# `gateguard echo` backends, with upstream keep-alive on for all three. wrk
# drives each with keep-alive, CONNS connections, every request to the next
# route in turn. Prints requests/s, p50/p99 and the proxy's CPU microseconds
# per request (from /proc), then the ratios against the better peer. Then
# gateguard alone: 1 route against SCALE routes (requests/s and RSS per
# route), and a route added to the folder while a load runs through the swap:
# how long until it is served, the table build time, and failed requests.
# Every run is bounded (DURATION seconds); only processes started here are
# stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
ROUTES=${ROUTES:-1000}
SCALE=${SCALE:-10000}
CONNS=${CONNS:-50}
THREADS=${THREADS:-2}
bin=build/rel/gateguard
work=$(mktemp -d /tmp/gg-bench-proxy.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

command -v wrk >/dev/null || { echo "bench-proxy: wrk is missing (GG_DEPS_BENCH=1 tools/deps.sh)"; exit 1; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
haproxy_bin=$(command -v haproxy || echo /usr/sbin/haproxy)
[ -x "$nginx_bin" ] || { echo "bench-proxy: nginx is missing"; exit 1; }
[ -x "$haproxy_bin" ] || { echo "bench-proxy: haproxy is missing"; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks_sum() { local t=0; for p in "$@"; do t=$((t + $(ticks "$p"))); done; echo $t; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hz=$(getconf CLK_TCK)
# wait_http URL HOST: until the proxy answers 200 for HOST (bounded, 60 s)
wait_http() {
    for _ in $(seq 1 600); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $2" "$1")" = 200 ] && return 0
        sleep 0.1
    done
    echo "bench-proxy: $1 (Host $2) never answered 200"
    return 1
}

e1=$(free_port) e2=$(free_port)
$bin echo --listen "127.0.0.1:$e1" --name echo-a --namespace apps --threads "$THREADS" >/dev/null &
pids+=($!)
$bin echo --listen "127.0.0.1:$e2" --name echo-b --namespace apps --threads "$THREADS" >/dev/null &
pids+=($!)

# start_gateguard DIR -> gpid, gport, gadmin
start_gateguard() {
    gport=$(free_port) gadmin=$(free_port)
    $bin proxy --source "dir:$1/manifests" --port-offset $((gport - 80)) \
        --listen-address 127.0.0.1 --admin-listen "127.0.0.1:$gadmin" \
        --log-level "${2:-warn}" 2>"$1/gateguard.log" &
    gpid=$!
    pids+=("$gpid")
    wait_http "http://127.0.0.1:$gport/svc-0/" app-0.example.com || { tail -5 "$1/gateguard.log"; return 1; }
}
stop() { kill "$1"; wait "$1" 2>/dev/null || true; }

cat >"$work/routes.lua" <<'LUA'
local n = tonumber(os.getenv("GG_ROUTES"))
local i = 0
request = function()
    i = i + 1
    local k = i % (n + 1)
    if k == n then
        return wrk.format("GET", "/", {Host = "split.example.com"})
    end
    return wrk.format("GET", "/svc-" .. k .. "/x", {Host = "app-" .. k .. ".example.com"})
end
done = function(summary, latency, requests)
    io.write(string.format("RESULT requests=%d errors=%d p50=%.1f p99=%.1f\n", summary.requests,
        summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
        + summary.errors.timeout, latency:percentile(50), latency:percentile(99)))
end
LUA

# run NAME URL ROUTES PIDS... -> "NAME rps p50us p99us cpu_us_per_req errors"
run() {
    local name=$1 url=$2 routes=$3
    shift 3
    local t0 t1 out line
    t0=$(ticks_sum "$@")
    out=$(GG_ROUTES=$routes wrk -t2 -c"$CONNS" -d"${DURATION}s" --timeout 5s -s "$work/routes.lua" "$url" 2>&1)
    t1=$(ticks_sum "$@")
    line=$(grep '^RESULT' <<<"$out") || { echo "$name: wrk failed: $out" >&2; return 1; }
    python3 -c "
import re
kv = dict(re.findall(r'(\w+)=([0-9.]+)', '''$line'''))
reqs = int(kv['requests']); cpu = ($t1 - $t0) * 1e6 / $hz
print('%s %.0f %.0f %.0f %.1f %s' % ('$name', reqs / $DURATION, float(kv['p50']), float(kv['p99']), cpu / max(reqs, 1), kv['errors']))"
}

echo "== $ROUTES routes, $CONNS connections, ${DURATION}s per run, $THREADS workers for nginx and haproxy"
d=$work/r$ROUTES
nport=$(free_port) hport=$(free_port)
python3 bench/gen_proxy.py "$d" "$ROUTES" "$nport" "$hport" "$e1" "$e2" "$THREADS"
start_gateguard "$d"
"$nginx_bin" -p "$d/nginx" -c "$d/nginx/nginx.conf" -g 'daemon off;' &
npid=$!
pids+=("$npid")
"$haproxy_bin" -f "$d/haproxy.cfg" -db >"$d/haproxy.log" 2>&1 &
hpid=$!
pids+=("$hpid")
wait_http "http://127.0.0.1:$nport/svc-0/" app-0.example.com
wait_http "http://127.0.0.1:$hport/svc-0/" app-0.example.com
nginx_pids() { echo "$npid $(pgrep -P "$npid" | tr '\n' ' ')"; }

# the three agree on what a request reaches before they are timed
for url in "http://127.0.0.1:$gport" "http://127.0.0.1:$nport" "http://127.0.0.1:$hport"; do
    last=$((ROUTES - 1))
    got=$(curl -s -H "Host: app-$last.example.com" "$url/svc-$last/y" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["pod"], d["path"], d["host"], "X-Forwarded-For" in d["headers"])')
    [ "$got" = "echo-a /svc-$last/y app-$last.example.com True" ] || { echo "bench-proxy: $url answered: $got"; exit 1; }
    split=$(for _ in $(seq 1 40); do curl -s -H 'Host: split.example.com' "$url/" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pod"])'; done | sort | uniq -c | awk '{printf "%s=%s ", $2, $1}')
    echo "$url: route $last reaches echo-a; split over 40 requests: $split"
done

results=()
results+=("$(run gateguard "http://127.0.0.1:$gport" "$ROUTES" "$gpid")")
# shellcheck disable=SC2046
results+=("$(run nginx "http://127.0.0.1:$nport" "$ROUTES" $(nginx_pids))")
results+=("$(run haproxy "http://127.0.0.1:$hport" "$ROUTES" "$hpid")")
stop "$npid"
stop "$hpid"
stop "$gpid"

echo "== gateguard: 1 route against $SCALE routes"
d1=$work/r1 dn=$work/r$SCALE
python3 bench/gen_proxy.py "$d1" 1 "$nport" "$hport" "$e1" "$e2" "$THREADS"
python3 bench/gen_proxy.py "$dn" "$SCALE" "$nport" "$hport" "$e1" "$e2" "$THREADS"
start_gateguard "$d1"
rss1=$(rss_kb "$gpid")
results+=("$(run gateguard-1route "http://127.0.0.1:$gport" 1 "$gpid")")
stop "$gpid"
start_gateguard "$dn" info
rssn=$(rss_kb "$gpid")
results+=("$(run "gateguard-${SCALE}routes" "http://127.0.0.1:$gport" "$SCALE" "$gpid")")

echo "== a route added under load at $SCALE routes"
GG_ROUTES=$SCALE wrk -t2 -c"$CONNS" -d"${DURATION}s" --timeout 5s -s "$work/routes.lua" "http://127.0.0.1:$gport" >"$work/swap.out" 2>&1 &
wpid=$!
pids+=("$wpid")
sleep 1
swap_ms=$(python3 - "$dn/manifests/new.yaml" "$gport" <<'PY'
import http.client, sys, time
path, port = sys.argv[1], int(sys.argv[2])
t0 = time.monotonic()
with open(path + ".tmp", "w") as f:
    f.write("""apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: fresh, namespace: apps}
spec:
  parentRefs: [{name: gw}]
  hostnames: [fresh.example.com]
  rules:
  - backendRefs: [{name: echo, port: 80}]
""")
import os
os.rename(path + ".tmp", path)
while time.monotonic() - t0 < 30:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    c.request("GET", "/", headers={"Host": "fresh.example.com"})
    if c.getresponse().status == 200:
        print("%.1f" % ((time.monotonic() - t0) * 1e3))
        break
    c.close()
    time.sleep(0.001)
else:
    print("never")
PY
)
wait "$wpid" || true
swap_line=$(grep '^RESULT' "$work/swap.out" || echo "RESULT requests=0 errors=-1 p50=0 p99=0")
build_ms=$(grep '"table_published"' "$dn/gateguard.log" | tail -1 | python3 -c 'import json,sys; print("%.1f" % json.loads(sys.stdin.read())["build_ms"])')
stop "$gpid"

python3 - "$ROUTES" "$SCALE" "$rss1" "$rssn" "$swap_ms" "$build_ms" "$swap_line" "${results[@]}" <<'PY'
import re, sys
routes, scale, rss1, rssn, swap_ms, build_ms, swap_line = sys.argv[1:8]
rows = {}
print("%-22s %10s %9s %9s %12s %7s" % ("proxy", "req/s", "p50 us", "p99 us", "cpu us/req", "errors"))
for r in sys.argv[8:]:
    name, rps, p50, p99, cpu, errs = r.split()
    rows[name] = (float(rps), float(p50), float(p99), float(cpu), int(errs))
    print("%-22s %10.0f %9.0f %9.0f %12.1f %7d" % (name, *rows[name]))
g = rows["gateguard"]
best = max(("nginx", "haproxy"), key=lambda k: rows[k][0])
b = rows[best]
print("ratio against %s (the better peer at %s routes): req/s %.2fx, cpu/req %.2fx, p99 %.2fx"
      % (best, routes, g[0] / b[0], g[3] / b[3], g[2] / b[2]))
one, many = rows["gateguard-1route"], rows["gateguard-%sroutes" % scale]
print("ratio %s routes / 1 route (gateguard): req/s %.2fx, p99 %.2fx" % (scale, many[0] / one[0], many[2] / one[2]))
print("rss: %d KB at 1 route, %d KB at %s routes: %.0f bytes per route"
      % (int(rss1), int(rssn), scale, (int(rssn) - int(rss1)) * 1024 / (int(scale) - 1)))
kv = dict(re.findall(r"(\w+)=(-?[0-9.]+)", swap_line))
print("swap at %s routes: file written -> served in %s ms (the folder source waits 100 ms for a quiet burst"
      " and re-reads the folder), table build %s ms; under load: %s requests, %s failed"
      % (scale, swap_ms, build_ms, kv.get("requests"), kv.get("errors")))
if any(v[4] for v in rows.values()):
    print("note: some requests failed; see the errors column")
PY
