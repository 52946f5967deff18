#!/usr/bin/env bash
# Certificate rotation while the webhook is under load: the files are
# replaced in place (as cert-manager and Secret mounts do) several times;
# every review sent meanwhile must succeed, the new certificate must be
# served, a connection opened before a rotation must keep working, and a
# broken pair on disk must leave the old one serving.
source "$(dirname "$0")/lib.bash"

certs=$tmp/certs
make_certs "$certs" localhost,127.0.0.1 || { echo "cannot make certificates"; exit 1; }
start_webhook "$tmp/webhook.log" "$certs" --threads 2 --log-level debug || exit 1
url=https://127.0.0.1:$port/validate
obj='{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"web","namespace":"apps"},"spec":{"parentRefs":[{"name":"gw"}]}}'
review u-load CREATE "$obj" >"$tmp/review.json"

serial() {
    openssl s_client -connect "127.0.0.1:$port" -CAfile "$certs/ca.crt" </dev/null 2>/dev/null |
        openssl x509 -noout -serial 2>/dev/null
}
serving() { [ "$(serial)" = "$1" ]; }

# Load: workers that each send batches of 20 reviews over one keep-alive
# connection per batch, writing one status code per review, until told to stop.
worker() {
    local out=$1 args=() i
    for ((i = 0; i < 20; i++)); do
        args+=(-o /dev/null "$url")
    done
    while [ ! -e "$tmp/stop" ]; do
        curl -sS --max-time 20 --cacert "$certs/ca.crt" -H 'Content-Type: application/json' \
            --data-binary "@$tmp/review.json" -w '%{http_code}\n' "${args[@]}" >>"$out" 2>>"$out.err"
        echo "exit $?" >>"$out.exit"
    done
}
workers=()
for w in 1 2 3 4; do
    worker "$tmp/load.$w" &
    workers+=($!)
    pids+=($!)
done

# A connection opened before the rotations, used once now and once after.
mkfifo "$tmp/held.in"
openssl s_client -quiet -connect "127.0.0.1:$port" -CAfile "$certs/ca.crt" <"$tmp/held.in" >"$tmp/held.out" 2>/dev/null &
pids+=($!)
exec 9>"$tmp/held.in"
len=$(stat -c %s "$tmp/review.json")
send_held() {
    printf 'POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: %s\r\n\r\n' "$len" >&9
    cat "$tmp/review.json" >&9
}
send_held
check "a connection opened before rotating gets its first answer" \
    wait_for 200 grep -q '"uid":"u-load"' "$tmp/held.out"

wait_for 200 sh -c "cat $tmp/load.* 2>/dev/null | wc -l | grep -qv '^0$'"
before=$(serial)
for i in 1 2 3; do
    # new names force a new pair from the same CA, replaced file by file
    "$bin" certs --out "$certs" --dns "localhost,127.0.0.1,rotation-$i.example" 2>>"$tmp/certs.log"
    want=$(openssl x509 -noout -serial -in "$certs/tls.crt")
    check "rotation $i: the new certificate is served" wait_for 300 serving "$want"
done
check "the first certificate is gone" test "$(serial)" != "$before"

send_held
check "the held connection still answers after three rotations" \
    wait_for 200 sh -c "test \$(grep -c '\"uid\":\"u-load\"' $tmp/held.out) -eq 2"
check "and is asked to close, as its generation retires" grep -qi '^Connection: close' "$tmp/held.out"
exec 9>&-

# A broken pair: a key that belongs to another certificate.
cp "$certs/tls.key" "$tmp/good.key"
current=$(serial)
seen=$(grep -c '"event":"certificate_reload_failed".*the key does not belong' "$tmp/webhook.log")
make_certs "$tmp/other" localhost
cp "$tmp/other/tls.key" "$certs/tls.key"
check "a mismatched pair is refused and logged" wait_for 300 sh -c "test \$(grep -c '\"event\":\"certificate_reload_failed\".*the key does not belong' $tmp/webhook.log) -gt $seen"
same "the previous certificate keeps serving" "$(serial)" "$current"
cp "$tmp/good.key" "$certs/tls.key"

touch "$tmp/stop"
for p in "${workers[@]}"; do wait "$p"; done
total=$(cat "$tmp"/load.[1-4] | wc -l)
okays=$(cat "$tmp"/load.[1-4] | grep -c '^200$')
failed_exits=$(cat "$tmp"/load.*.exit | grep -vc '^exit 0$')
check "load ran through the rotations ($total reviews)" test "$total" -ge 100
same "every review under load answered 200" "$okays" "$total"
same "no curl run failed" "$failed_exits" 0
[ -s "$tmp/load.1.err" ] && bad "curl errors" "$(cat "$tmp"/load.*.err)"
same "three rotations logged" "$(grep -c '"event":"certificate_reloaded"' "$tmp/webhook.log")" 3
metrics=$(curl -sS --max-time 10 "http://127.0.0.1:$admin/metrics")
check "reloads counted" grep -q '^gateguard_tls_certificate_reloads_total{result="ok"} 3$' <<<"$metrics"
check "failed reloads counted" grep -q '^gateguard_tls_certificate_reloads_total{result="failed"} [1-9]' <<<"$metrics"
check "each retired generation stops once its connections ended, none cut" \
    wait_for 400 sh -c "test \$(grep -c '\"event\":\"generation_stopped\".*\"connections_closed\":0' $tmp/webhook.log) -eq 3"

finish
