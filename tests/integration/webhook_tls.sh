#!/usr/bin/env bash
# `gateguard webhook` over real TLS with real clients (curl --cacert, openssl
# s_client): allowed, denied and warned reviews with the validation engine,
# UPDATE and DELETE, dry runs, every kind of bad request, the admin port,
# and the connection limits.
source "$(dirname "$0")/lib.bash"

certs=$tmp/certs
make_certs "$certs" localhost,127.0.0.1 || { echo "cannot make certificates"; exit 1; }
start_webhook "$tmp/webhook.log" "$certs" --threads 2 || exit 1

route() { # NAME SPEC
    printf '{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute",'
    printf '"metadata":{"name":"%s","namespace":"apps"},"spec":%s}' "$1" "$2"
}
good_spec='{"parentRefs":[{"name":"gw"}],"rules":[{"matches":[{"path":{"type":"PathPrefix","value":"/api"}}],"backendRefs":[{"name":"api","port":8080}]}]}'
bad_path_spec='{"parentRefs":[{"name":"gw"}],"rules":[{"matches":[{"path":{"type":"PathPrefix","value":"api"}}]}]}'
path_msg="spec.rules[0].matches[0].path: Invalid value: \"object\": value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']"

# --- reviews the engine allows, denies, warns about ---------------------------
review u-allow CREATE "$(route web "$good_spec")" >"$tmp/allow.json"
out=$(post "$tmp/allow.json")
same "valid HTTPRoute: HTTP 200" "$(tail -n1 <<<"$out")" 200
body=$(head -n -1 <<<"$out")
same "valid HTTPRoute: allowed, uid copied, nothing else" "$body" \
    '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u-allow","allowed":true}}'

review u-deny CREATE "$(route web "$bad_path_spec")" >"$tmp/deny.json"
body=$(post "$tmp/deny.json" | head -n -1)
same "bad path: denied" "$(jget "$body" 'd["response"]["allowed"]')" false
same "bad path: uid copied" "$(jget "$body" 'd["response"]["uid"]')" u-deny
same "bad path: status code 403" "$(jget "$body" 'd["response"]["status"]["code"]')" 403
same "bad path: reason Forbidden" "$(jget "$body" 'd["response"]["status"]["reason"]')" Forbidden
same "bad path: message as the API server prints it" \
    "$(jget "$body" 'd["response"]["status"]["message"]')" \
    "HTTPRoute.gateway.networking.k8s.io \"web\" is invalid: $path_msg"
same "bad path: the cause names the field" \
    "$(jget "$body" 'd["response"]["status"]["details"]["causes"][0]["field"]')" \
    "spec.rules[0].matches[0].path"

two_spec='{"hostnames":["A.example.com"],"parentRefs":[{"name":"gw"}],"rules":[{"matches":[{"path":{"type":"PathPrefix","value":"api"}}]}]}'
review u-two CREATE "$(route web "$two_spec")" >"$tmp/two.json"
body=$(post "$tmp/two.json" | head -n -1)
msg=$(jget "$body" 'd["response"]["status"]["message"]')
check "two errors: one message, bracketed, comma-joined" \
    grep -qF "HTTPRoute.gateway.networking.k8s.io \"web\" is invalid: [spec.hostnames[0]: Invalid value: \"A.example.com\": " <<<"$msg"
check "two errors: the second one too" grep -qF ", $path_msg]" <<<"$msg"

warn_spec='{"hostnamez":["a.example.com"],"parentRefs":[{"name":"gw"}]}'
review u-warn CREATE "$(route web "$warn_spec")" >"$tmp/warn.json"
body=$(post "$tmp/warn.json" | head -n -1)
same "unknown field: allowed" "$(jget "$body" 'd["response"]["allowed"]')" true
same "unknown field: one warning, in Kubernetes form" "$(jget "$body" 'd["response"]["warnings"]')" \
    '["spec.hostnamez: unknown field \"hostnamez\": the API server drops it; check the spelling and the indentation"]'

gc() { printf '{"apiVersion":"gateway.networking.k8s.io/v1","kind":"GatewayClass","metadata":{"name":"gc"},"spec":{"controllerName":"%s"}}' "$1"; }
review u-upd UPDATE "$(gc example.com/b)" "$(gc example.com/a)" >"$tmp/upd.json"
body=$(post "$tmp/upd.json" | head -n -1)
same "UPDATE: a transition rule sees the old object" \
    "$(jget "$body" 'd["response"]["status"]["message"]')" \
    'GatewayClass.gateway.networking.k8s.io "gc" is invalid: spec.controllerName: Invalid value: "string": Value is immutable'
review u-upd2 UPDATE "$(gc example.com/a)" "$(gc example.com/a)" >"$tmp/upd2.json"
body=$(post "$tmp/upd2.json" | head -n -1)
same "UPDATE: the old version is no conflict with itself" "$(jget "$body" 'd["response"]["allowed"]')" true

grant='{"apiVersion":"gateway.networking.k8s.io/v1beta1","kind":"ReferenceGrant","metadata":{"name":"g","namespace":"db"},"spec":{"from":[{"group":"gateway.networking.k8s.io","kind":"HTTPRoute","namespace":"apps"}],"to":[{"group":"","kind":"Service"}]}}'
review u-del DELETE "" "$grant" >"$tmp/del.json"
out=$(post "$tmp/del.json")
same "DELETE of a ReferenceGrant: answered with its uid" "$(jget "$(head -n -1 <<<"$out")" 'd["response"]["uid"]')" u-del

review u-dry CREATE "$(route web "$bad_path_spec")" "" '"dryRun":true' >"$tmp/dry.json"
dry=$(post "$tmp/dry.json" | head -n -1)
wet=$(post "$tmp/deny.json" | head -n -1)
same "dryRun: the same answer" "$(sed 's/u-dry/u-deny/' <<<"$dry")" "$wet"

review u-cm CREATE '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"apps"},"data":{"x":"1"}}' >"$tmp/cm.json"
body=$(post "$tmp/cm.json" | head -n -1)
same "a kind gateguard does not handle: allowed untouched" "$body" \
    '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u-cm","allowed":true}}'

# --- bad requests: a status and a message each, and the server lives on --------
expect_status() { # NAME STATUS MESSAGE-PATTERN CURL-ARGS...
    local name=$1 want=$2 pat=$3
    shift 3
    local out code
    out=$(curl -sS --max-time 20 --cacert "$certs/ca.crt" -w '\n%{http_code}' "$@")
    code=$(tail -n1 <<<"$out")
    if [ "$code" != "$want" ]; then
        bad "$name (HTTP $code, want $want)" "$out"
    elif ! grep -qF -- "$pat" <<<"$(head -n -1 <<<"$out")"; then
        bad "$name (body lacks \"$pat\")" "$out"
    else
        ok "$name"
    fi
}
url=https://127.0.0.1:$port/validate
json=(-H 'Content-Type: application/json')
expect_status "bad JSON: 400" 400 "body is not valid JSON: " "${json[@]}" -d '{"apiVersion":' "$url"
expect_status "JSON that is not a review: 400" 400 "not an AdmissionReview: the body is an array" \
    "${json[@]}" -d '[1,2]' "$url"
expect_status "another kind: 400" 400 'not an AdmissionReview: kind is "Pod"' \
    "${json[@]}" -d '{"apiVersion":"v1","kind":"Pod"}' "$url"
expect_status "v1beta1 review: 400" 400 'apiVersion "admission.k8s.io/v1beta1" is not served' \
    "${json[@]}" -d '{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{}}' "$url"
review "" CREATE "$(route web "$good_spec")" | sed 's/"uid":"",//' >"$tmp/nouid.json"
expect_status "missing uid: 400" 400 "request.uid is missing" "${json[@]}" --data-binary "@$tmp/nouid.json" "$url"
review u-noobj CREATE >"$tmp/noobj.json"
expect_status "missing object: 400" 400 "request.object is missing for CREATE" \
    "${json[@]}" --data-binary "@$tmp/noobj.json" "$url"
review u-noold DELETE >"$tmp/noold.json"
expect_status "DELETE without oldObject: 400" 400 "request.oldObject is missing for DELETE" \
    "${json[@]}" --data-binary "@$tmp/noold.json" "$url"

python3 -c 'import sys; sys.stdout.write("{\"apiVersion\":\"admission.k8s.io/v1\",\"pad\":\"" + "x" * (3 * 1024 * 1024) + "\"}")' >"$tmp/big.json"
expect_status "body over 3 MiB: 413" 413 "request body of $(stat -c %s "$tmp/big.json") bytes exceeds the limit of 3145728 bytes" \
    "${json[@]}" --data-binary "@$tmp/big.json" "$url"
expect_status "chunked body over 3 MiB: 413" 413 "request body exceeds the limit of 3145728 bytes" \
    "${json[@]}" -H 'Transfer-Encoding: chunked' --data-binary "@$tmp/big.json" "$url"
expect_status "text/plain: 415" 415 'unsupported Content-Type "text/plain": send application/json' \
    -H 'Content-Type: text/plain' --data-binary "@$tmp/allow.json" "$url"
expect_status "no Content-Type: 415" 415 'unsupported Content-Type ""' \
    -H 'Content-Type:' --data-binary "@$tmp/allow.json" "$url"
expect_status "GET /validate: 405" 405 "method GET not allowed: /validate takes POST" "$url"
out=$(curl -sS --max-time 20 --cacert "$certs/ca.crt" -o /dev/null -D - "$url")
check "405 names the allowed method" grep -qi '^Allow: POST' <<<"$out"
expect_status "another path: 404" 404 "not found: this port serves POST /validate only" \
    "${json[@]}" --data-binary "@$tmp/allow.json" "https://127.0.0.1:$port/mutate"
expect_status "application/json with a charset is fine" 200 '"uid":"u-allow"' \
    -H 'Content-Type: application/json; charset=utf-8' --data-binary "@$tmp/allow.json" "$url"
expect_status "the API server's ?timeout=10s query is fine" 200 '"uid":"u-allow"' \
    "${json[@]}" --data-binary "@$tmp/allow.json" "$url?timeout=10s"
check "the server is still running after bad input" kill -0 "$wpid"

# --- TLS ---------------------------------------------------------------------
s_out=$(openssl s_client -connect "127.0.0.1:$port" -servername localhost -CAfile "$certs/ca.crt" \
    -verify_return_error </dev/null 2>&1)
check "s_client: the chain verifies against ca.crt" grep -q "Verify return code: 0 (ok)" <<<"$s_out"
check "s_client: TLS 1.3 is negotiated" grep -q "TLSv1.3" <<<"$s_out"
sans=$(openssl x509 -noout -ext subjectAltName <<<"$s_out" 2>/dev/null)
check "s_client: the served certificate names localhost and 127.0.0.1" \
    grep -q "DNS:localhost, IP Address:127.0.0.1" <<<"$sans"
s12=$(openssl s_client -connect "127.0.0.1:$port" -tls1_2 -CAfile "$certs/ca.crt" </dev/null 2>&1)
check "s_client: TLS 1.2 is accepted" grep -q "Protocol  *: TLSv1.2" <<<"$s12"
other=$tmp/other
make_certs "$other" localhost
out=$(curl -sS --max-time 20 --cacert "$other/ca.crt" "${json[@]}" --data-binary "@$tmp/allow.json" "$url" 2>&1)
check "a client trusting another CA refuses the server" grep -q "SSL certificate problem" <<<"$out"
conns=$(curl -sS --max-time 20 --cacert "$certs/ca.crt" "${json[@]}" --data-binary "@$tmp/allow.json" \
    -o /dev/null -o /dev/null -w '%{num_connects} ' "$url" "$url")
same "keep-alive: two reviews, one connection" "$conns" "1 0 "

# --- the admin port -------------------------------------------------------------
a=http://127.0.0.1:$admin
same "/healthz" "$(curl -sS --max-time 10 "$a/healthz")" ok
same "/readyz" "$(curl -sS --max-time 10 -w '%{http_code}' "$a/readyz")" "ok
200"
metrics=$(curl -sS --max-time 10 "$a/metrics")
check "/metrics: denied reviews by kind and operation" \
    grep -qE '^gateguard_admission_requests_total\{kind="HTTPRoute",operation="CREATE",verdict="denied"\} [1-9]' <<<"$metrics"
check "/metrics: bad requests counted" \
    grep -qE '^gateguard_admission_requests_total\{kind="",operation="",verdict="bad_request"\} [1-9]' <<<"$metrics"
check "/metrics: latency histogram" grep -qE '^gateguard_admission_duration_seconds_count\{verdict="allowed"\} [1-9]' <<<"$metrics"
check "/metrics: responses by code" grep -qE '^gateguard_http_responses_total\{code="413"\} 2$' <<<"$metrics"
expiry=$(sed -n 's/^gateguard_tls_certificate_expiry_seconds \([0-9]*\)$/\1/p' <<<"$metrics")
check "/metrics: seconds until the certificate expires (about a year)" \
    test "${expiry:-0}" -gt $((360 * 86400)) -a "${expiry:-0}" -le $((365 * 86400))
same "/violations without a source: 404 and why" "$(curl -sS --max-time 10 -w ' %{http_code}' "$a/violations")" \
    "no audit: the webhook runs without a source
 404"
same "POST on the admin port: 405" "$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -d x "$a/metrics")" 405
same "unknown admin path: 404" "$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "$a/nope")" 404

# --- logs -------------------------------------------------------------------------
check "one JSON log line per review, with its uid" \
    grep -q '"event":"review","uid":"u-deny","kind":"HTTPRoute","namespace":"apps","name":"web","operation":"CREATE","dry_run":false,"verdict":"denied","status":200,"errors":1' "$tmp/webhook.log"
check "every log line is JSON" python3 -c '
import json, sys
for line in open(sys.argv[1]):
    json.loads(line)' "$tmp/webhook.log"

# --- limits: idle clients and the connection cap -----------------------------------
kill -TERM "$wpid" && wait "$wpid"
start_webhook "$tmp/limits.log" "$certs" --threads 1 --max-connections 2 --idle-timeout 2 || exit 1
exec 7<>"/dev/tcp/127.0.0.1/$port"
# an idle client (not even a TLS hello) is closed: the read ends with EOF
if timeout 30 cat <&7 >/dev/null; then ok "an idle connection is closed by the server"; else bad "an idle connection is closed by the server"; fi
exec 7<&-
kill -TERM "$wpid" && wait "$wpid"
start_webhook "$tmp/cap.log" "$certs" --threads 1 --max-connections 2 --idle-timeout 60 || exit 1
exec 7<>"/dev/tcp/127.0.0.1/$port" 8<>"/dev/tcp/127.0.0.1/$port"
wait_for 100 sh -c "curl -s http://127.0.0.1:$admin/metrics | grep -q '^gateguard_http_open_connections 2$'"
curl -sS --max-time 20 --cacert "$certs/ca.crt" "${json[@]}" --data-binary "@$tmp/allow.json" \
    "https://127.0.0.1:$port/validate" >/dev/null 2>&1
st=$?
# closed on arrival: a TLS or connection error, not a wait until curl's timeout (28)
check "past the connection cap, a new connection is closed at once (curl exit $st)" \
    test $st -ne 0 -a $st -ne 28
check "refused connections are counted" sh -c \
    "curl -s http://127.0.0.1:$admin/metrics | grep -q '^gateguard_http_connections_refused_total [1-9]'"
exec 7<&- 8<&-
retry() { curl -sS --max-time 20 --cacert "$certs/ca.crt" "${json[@]}" --data-binary "@$tmp/allow.json" \
    "https://127.0.0.1:$port/validate" 2>/dev/null | grep -q '"allowed":true'; }
check "below the cap again, reviews are answered" wait_for 100 retry

# --- usage ---------------------------------------------------------------------
out=$("$bin" webhook --help)
check "--help" grep -q "usage: gateguard webhook --tls-cert FILE --tls-key FILE" <<<"$out"
out=$("$bin" webhook --tls-cert "$certs/tls.crt" 2>&1); st=$?
check "a missing --tls-key is a usage error (exit 2)" test $st -eq 2 -a -n "$(grep 'tls-key FILE are required' <<<"$out")"
out=$("$bin" webhook --tls-cert "$tmp/none.crt" --tls-key "$certs/tls.key" --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 2>&1); st=$?
check "an unreadable certificate names the file (exit 2)" test $st -eq 2 -a -n "$(grep -F "$tmp/none.crt: no such file" <<<"$out")"
out=$("$bin" webhook --tls-cert "$certs/tls.crt" --tls-key "$certs/ca.key" --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 2>&1); st=$?
check "a key of another certificate is refused (exit 2)" test $st -eq 2 -a -n "$(grep 'the key does not belong to the certificate' <<<"$out")"
out=$("$bin" webhook --tls-cert "$certs/tls.crt" --tls-key "$certs/tls.key" --listen nonsense 2>&1); st=$?
check "a bad listen address is named (exit 2)" test $st -eq 2 -a -n "$(grep 'listen address \\"nonsense\\"' <<<"$out")"
out=$("$bin" webhook --tls-cert "$certs/tls.crt" --tls-key "$certs/tls.key" --source nfs:/tmp 2>&1); st=$?
check "an unknown source kind is a usage error (exit 2)" test $st -eq 2 -a -n "$(grep 'want dir:PATH or kube' <<<"$out")"
out=$("$bin" webhook --tls-cert "$certs/tls.crt" --tls-key "$certs/tls.key" --policy examples/policy.yaml 2>&1); st=$?
check "--policy without --source is a usage error (exit 2)" test $st -eq 2 -a -n "$(grep 'need --source' <<<"$out")"

finish
