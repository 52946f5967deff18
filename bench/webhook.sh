#!/usr/bin/env bash
# make bench-webhook: gateguard's review path against nginx's floor and the
# webhook users had before.
#
# All serve TLS with the same certificate and answer the same ~3.7 KB
# AdmissionReview POST (bench/review.json): gateguard validates it against a
# view of 10,000 HTTPRoutes; nginx returns a fixed body of the same size as
# gateguard's answer, which is what TLS and HTTP alone cost here; the peer is
# upstream's own Go admission webhook (sigs.k8s.io/gateway-api v1.0.0
# cmd/admission, built by bench/peer/build.sh), which checks the object alone.
# The peer listens on :8443 and takes no address flag, so it runs in a network
# namespace of its own and wrk reaches it there (nsenter). wrk drives each with keep-alive at 50 connections and at 1.
# Prints requests/s, p50/p99 and server CPU microseconds per request (from
# /proc), then the ratios. Every run is bounded (DURATION seconds) and only
# the processes started here are stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
ROUTES=${ROUTES:-10000}
THREADS=${THREADS:-2}
bin=build/rel/gateguard
work=$(mktemp -d /tmp/gg-bench-webhook.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

command -v wrk >/dev/null || { echo "bench-webhook: wrk is missing (GG_DEPS_BENCH=1 tools/deps.sh)"; exit 1; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx_bin" ] || { echo "bench-webhook: nginx is missing"; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ticks() { # utime+stime of a process and its threads, in clock ticks
    awk '{print $14 + $15}' "/proc/$1/stat"
}
ticks_sum() { local t=0; for p in "$@"; do t=$((t + $(ticks "$p"))); done; echo $t; }

echo "== preparing: $ROUTES routes, certificates"
python3 bench/gen_store.py "$work/store" "$ROUTES"
$bin certs --out "$work/certs" --dns localhost,127.0.0.1 >/dev/null

gport=$(free_port); aport=$(free_port); nport=$(free_port)
$bin webhook --tls-cert "$work/certs/tls.crt" --tls-key "$work/certs/tls.key" \
    --listen "127.0.0.1:$gport" --admin-listen "127.0.0.1:$aport" \
    --source "dir:$work/store" --threads "$THREADS" --log-level warn 2>"$work/gateguard.log" &
gpid=$!
pids+=("$gpid")
for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:$aport/readyz" >/dev/null 2>&1 && break
    kill -0 "$gpid" 2>/dev/null || { cat "$work/gateguard.log"; exit 1; }
    sleep 0.1
done
curl -sf "http://127.0.0.1:$aport/readyz" >/dev/null || { echo "gateguard never became ready"; exit 1; }
stored=$(curl -s "http://127.0.0.1:$aport/metrics" | awk '/^gateguard_store_objects\{kind="HTTPRoute"\}/ {print $2}')
echo "gateguard ready with $stored HTTPRoutes in its view"

curl -s --cacert "$work/certs/ca.crt" -H 'Content-Type: application/json' \
    --data-binary @bench/review.json "https://127.0.0.1:$gport/validate" >"$work/answer.json"
python3 - "$work/answer.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["response"]
assert r["allowed"] is True, r
PY
size=$(wc -c <"$work/answer.json")
echo "review $(wc -c <bench/review.json) bytes -> answer $size bytes (allowed)"

mkdir -p "$work/nginx/logs"
python3 - "$work/answer.json" "$work/nginx/body.conf" <<'PY'
import sys
body = open(sys.argv[1]).read().rstrip("\n")
open(sys.argv[2], "w").write("return 200 '" + body.replace("\\", "\\\\").replace("'", "\\'") + "';\n")
PY
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes $THREADS;
user root;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$nport ssl;
        ssl_certificate $work/certs/tls.crt;
        ssl_certificate_key $work/certs/tls.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        client_max_body_size 4m;
        location /validate {
            default_type application/json;
            include $work/nginx/body.conf;
        }
    }
}
CONF
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
npid=$!
pids+=("$npid")
for _ in $(seq 1 100); do
    curl -sk "https://127.0.0.1:$nport/validate" -o /dev/null 2>&1 && break
    sleep 0.1
done
nginx_pids() { echo "$npid $(pgrep -P "$npid" | tr '\n' ' ')"; }
nsize=$(curl -s --cacert "$work/certs/ca.crt" --data-binary @bench/review.json "https://127.0.0.1:$nport/validate" | wc -c)
echo "nginx answers $nsize bytes"

cat >"$work/post.lua" <<'LUA'
local f = io.open(os.getenv("GG_REVIEW"), "rb")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
done = function(summary, latency, requests)
    io.write(string.format("RESULT requests=%d errors=%d p50=%.1f p99=%.1f\n", summary.requests,
        summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
        + summary.errors.timeout, latency:percentile(50), latency:percentile(99)))
end
LUA
export GG_REVIEW=$PWD/bench/review.json
hz=$(getconf CLK_TCK)

# run NAME URL CONNS PIDS... -> "rps p50us p99us cpu_us_per_req errors"
run() {
    local name=$1 url=$2 conns=$3
    shift 3
    local threads=$((conns < 2 ? 1 : 2))
    local t0 t1 out
    t0=$(ticks_sum "$@")
    local ns=()
    [ -n "${WRK_NS:-}" ] && ns=(nsenter -t "$WRK_NS" -n)
    out=$("${ns[@]}" wrk -t"$threads" -c"$conns" -d"${DURATION}s" --timeout 5s -s "$work/post.lua" "$url" 2>&1)
    t1=$(ticks_sum "$@")
    local line reqs errs p50 p99
    line=$(grep '^RESULT' <<<"$out")
    reqs=$(sed 's/.*requests=\([0-9]*\).*/\1/' <<<"$line")
    errs=$(sed 's/.*errors=\([0-9]*\).*/\1/' <<<"$line")
    p50=$(sed 's/.*p50=\([0-9.]*\).*/\1/' <<<"$line")
    p99=$(sed 's/.*p99=\([0-9.]*\).*/\1/' <<<"$line")
    python3 -c "
reqs=$reqs; d=$DURATION; cpu=($t1-$t0)*1e6/$hz
print('%s %.0f %.0f %.0f %.1f %s' % ('$name', reqs/d, $p50, $p99, cpu/max(reqs,1), '$errs'))"
}

# The peer, when Go can build it and this is root (for the namespace).
ppid=""
if peer_bin=$(bench/peer/build.sh) && [ "$(id -u)" -eq 0 ]; then
    unshare -n sh -c 'ip link set lo up && exec "$0" -tlsCertFile "$1" -tlsKeyFile "$2"' \
        "$peer_bin" "$work/certs/tls.crt" "$work/certs/tls.key" >"$work/peer.log" 2>&1 &
    ppid=$!
    pids+=("$ppid")
    for _ in $(seq 1 100); do
        nsenter -t "$ppid" -n curl -s -o /dev/null --cacert "$work/certs/ca.crt" \
            https://127.0.0.1:8443/ 2>/dev/null && break
        sleep 0.1
    done
    pallowed=$(nsenter -t "$ppid" -n curl -s --cacert "$work/certs/ca.crt" \
        -H 'Content-Type: application/json' --data-binary @bench/review.json \
        https://127.0.0.1:8443/validate | python3 -c 'import json,sys; print(json.load(sys.stdin)["response"]["allowed"])' 2>&1) || true
    if [ "$pallowed" = True ]; then
        echo "peer (upstream v1.0.0 webhook) answers: allowed"
    else
        echo "peer did not answer the review ($pallowed); leaving it out"
        ppid=""
    fi
else
    echo "peer: not built (see above) or not root; leaving it out"
fi

results=()
for conns in 50 1; do
    echo "== $conns connection(s), ${DURATION}s each"
    results+=("$(run "gateguard-c$conns" "https://127.0.0.1:$gport/validate" "$conns" "$gpid")")
    # shellcheck disable=SC2046
    results+=("$(run "nginx-c$conns" "https://127.0.0.1:$nport/validate" "$conns" $(nginx_pids))")
    if [ -n "$ppid" ]; then
        results+=("$(WRK_NS=$ppid run "peer-c$conns" "https://127.0.0.1:8443/validate" "$conns" "$ppid")")
    fi
done

python3 - "${results[@]}" <<'PY'
import sys
rows = {}
print("%-14s %10s %9s %9s %12s %7s" % ("server", "req/s", "p50 us", "p99 us", "cpu us/req", "errors"))
for r in sys.argv[1:]:
    name, rps, p50, p99, cpu, errs = r.split()
    rows[name] = (float(rps), float(p50), float(p99), float(cpu), int(errs))
    print("%-14s %10.0f %9.0f %9.0f %12.1f %7d" % (name, *rows[name]))
g, n = rows["gateguard-c50"], rows["nginx-c50"]
g1, n1 = rows["gateguard-c1"], rows["nginx-c1"]
print("ratio req/s %.2fx (c50) %.2fx (c1); cpu/req %.2fx (c50) %.2fx (c1); p99 at 1 connection %.0f us (gateguard) vs %.0f us (nginx)"
      % (g[0] / n[0], g1[0] / n1[0], g[3] / n[3], g1[3] / n1[3], g1[2], n1[2]))
if "peer-c50" in rows:
    p, p1 = rows["peer-c50"], rows["peer-c1"]
    print("ratio vs upstream webhook: req/s %.2fx (c50) %.2fx (c1); cpu/req %.2fx (c50) %.2fx (c1); p99 at 1 connection %.0f us (peer)"
          % (g[0] / p[0], g1[0] / p1[0], g[3] / p[3], g1[3] / p1[3], p1[2]))
if any(v[4] for v in rows.values()):
    print("note: some requests failed; see the errors column")
PY
