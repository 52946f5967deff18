#!/usr/bin/env bash
# `make run`'s demonstration (tools/run.sh) on free ports: check refuses the
# bad examples, the webhook answers the sample reviews, and the proxy serves
# the examples' routes over TLS by host and path to the echo backends while
# paths and hosts no route claims get 404.
source "$(dirname "$0")/lib.bash"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
for _ in $(seq 1 50); do
    off=$((20000 + RANDOM % 30000))
    python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 443+$off)); s.close()" 2>/dev/null && break
done
out=$(GG_RUN_ONCE=1 GG_LISTEN=127.0.0.1:$(free_port) GG_ADMIN_LISTEN=127.0.0.1:$(free_port) \
    GG_PORT_OFFSET=$off GG_PROXY_ADMIN_LISTEN=127.0.0.1:$(free_port) timeout 300 bash tools/run.sh </dev/null 2>&1)
rc=$?
same "make run exits 0" "$rc" "0"
check "check refuses the bad examples with exit 1" grep -q "exit status 1" <<<"$out"
check "the webhook refuses the hostname hijack" grep -q "allowed: False" <<<"$out"
check "the webhook allows shop's own route" grep -q "allowed: True" <<<"$out"
check "the proxy serves apps' route by host and path prefix, query kept" \
    grep -q "200 from pod apps/api-7d9f, path /v1/orders?id=7" <<<"$out"
check "the proxy serves shop's route" grep -q "200 from pod shop/storefront-5c2a, path /cart" <<<"$out"
same "paths and hosts no route claims get 404" "$(grep -c '^404 no route matches' <<<"$out")" "2"
if grep -qiE 'AddressSanitizer|runtime error|Segmentation' <<<"$out"; then bad "nothing crashed"; else ok "nothing crashed"; fi
[ "$fail" -eq 0 ] || sed 's/^/     /' <<<"$out" | tail -40
finish
