#!/usr/bin/env bash
# SIGTERM with a review in flight: the webhook stops accepting (a new
# connection is refused), reports not ready, lets the request finish with a
# full answer, and exits 0. An idle webhook exits 0 on SIGTERM and SIGINT.
source "$(dirname "$0")/lib.bash"

certs=$tmp/certs
make_certs "$certs" localhost,127.0.0.1 || { echo "cannot make certificates"; exit 1; }
start_webhook "$tmp/webhook.log" "$certs" --threads 2 || exit 1
obj='{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"web","namespace":"apps"},"spec":{"parentRefs":[{"name":"gw"}],"rules":[{"matches":[{"path":{"type":"Exact","value":"nope"}}]}]}}'
review u-inflight CREATE "$obj" >"$tmp/review.json"
len=$(stat -c %s "$tmp/review.json")
metric() { curl -s --max-time 5 "http://127.0.0.1:$admin/metrics" | grep -q "^$1\$"; }

# The request: headers and half the body now, the rest after the signal.
mkfifo "$tmp/in"
openssl s_client -quiet -connect "127.0.0.1:$port" -CAfile "$certs/ca.crt" <"$tmp/in" >"$tmp/out" 2>/dev/null &
client=$!
pids+=("$client")
exec 9>"$tmp/in"
printf 'POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: %s\r\n\r\n' "$len" >&9
head -c $((len / 2)) "$tmp/review.json" >&9
check "the request is in flight" wait_for 200 metric "gateguard_http_requests_in_flight 1"

kill -TERM "$wpid"
check "draining is logged with the request counted" \
    wait_for 200 grep -q '"event":"draining","in_flight":1' "$tmp/webhook.log"
check "readiness fails while draining" wait_for 100 sh -c \
    "test \$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 http://127.0.0.1:$admin/readyz) = 503"
refused() {
    curl -s --max-time 5 --cacert "$certs/ca.crt" "https://127.0.0.1:$port/validate" >/dev/null 2>&1
    [ $? -eq 7 ] # could not connect
}
check "a new connection is refused" wait_for 100 refused
check "the webhook is still running, waiting for the request" kill -0 "$wpid"

tail -c +$((len / 2 + 1)) "$tmp/review.json" >&9
check "the request in flight gets its whole answer" wait_for 200 grep -q '"uid":"u-inflight","allowed":false' "$tmp/out"
check "the answer says the connection closes" grep -qi '^Connection: close' "$tmp/out"
check "HTTP 200" grep -q '^HTTP/1.1 200 OK' "$tmp/out"
exec 9>&-

for ((i = 0; i < 300; i++)); do kill -0 "$wpid" 2>/dev/null || break; sleep 0.1; done
wait "$wpid"
same "the webhook exits 0" "$?" 0
check "it logs that nothing was cut" grep -q '"event":"stopped","requests_cut":0' "$tmp/webhook.log"
check "the review was logged with its uid" grep -q '"event":"review","uid":"u-inflight"' "$tmp/webhook.log"

for sig in TERM INT; do
    start_webhook "$tmp/idle-$sig.log" "$certs" || exit 1
    kill -"$sig" "$wpid"
    for ((i = 0; i < 300; i++)); do kill -0 "$wpid" 2>/dev/null || break; sleep 0.1; done
    wait "$wpid"
    same "an idle webhook exits 0 on SIG$sig" "$?" 0
done

finish
