# Shared by the integration scripts (sourced, not run: the .bash name keeps
# it out of tests/run.sh's *.sh): a temporary folder, pass/fail counting, a
# webhook started on free ports of 127.0.0.1, and a trap that stops only the
# processes the script started. Waits poll with a bound and assert nothing
# about time.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
bin=${GG_BIN:-build/asan/gateguard}
tmp=$(mktemp -d)
pids=()
pass=0 fail=0

cleanup() {
    local p
    for p in "${pids[@]}"; do
        kill -TERM "$p" 2>/dev/null
    done
    for p in "${pids[@]}"; do
        wait "$p" 2>/dev/null
    done
    rm -rf "$tmp"
}
trap cleanup EXIT

ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() {
    fail=$((fail + 1))
    echo "FAIL $1"
    [ -n "${2:-}" ] && sed 's/^/     /' <<<"$2" | head -20
    return 0
}
# check NAME COMMAND...: passes when COMMAND succeeds
# quiet COMMAND...: runs COMMAND without its output
quiet() { "$@" >/dev/null 2>&1; }
check() {
    local name=$1
    shift
    if "$@"; then ok "$name"; else bad "$name"; fi
}
# same NAME GOT WANT
same() {
    if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "got:  $2"$'\n'"want: $3"; fi
}
finish() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}

# wait_for TRIES COMMAND...: runs COMMAND every 0.1 s until it succeeds
wait_for() {
    local tries=$1 i
    shift
    for ((i = 0; i < tries; i++)); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}

# make_certs DIR NAMES: a CA and serving pair for NAMES (comma-separated)
make_certs() {
    "$bin" certs --out "$1" --dns "$2" 2>/dev/null
}

# start_webhook LOG CERTDIR [FLAGS...]: starts the webhook on free ports and
# sets wpid, port (TLS) and admin (plain HTTP); returns non-zero if it did
# not come up.
start_webhook() {
    local log=$1 dir=$2
    shift 2
    : >"$log"
    "$bin" webhook --tls-cert "$dir/tls.crt" --tls-key "$dir/tls.key" \
        --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 "$@" 2>"$log" &
    wpid=$!
    pids+=("$wpid")
    wait_for 300 grep -q '"event":"listening"' "$log" || {
        echo "webhook did not start:"
        cat "$log"
        return 1
    }
    port=$(sed -n 's/.*"event":"listening".*"port":\([0-9]*\),.*/\1/p' "$log" | head -1)
    admin=$(sed -n 's/.*"admin_port":\([0-9]*\),.*/\1/p' "$log" | head -1)
}

# post FILE [CURL ARGS...]: POSTs FILE to /validate; prints the body, then
# the status code on the last line
post() {
    local file=$1
    shift
    curl -sS --max-time 20 --cacert "$certs/ca.crt" -H 'Content-Type: application/json' \
        --data-binary "@$file" -w '\n%{http_code}' "$@" "https://127.0.0.1:$port/validate"
}

# review UID OPERATION OBJECT [OLD] [EXTRA]: an AdmissionReview as the API
# server sends it (OBJECT/OLD as JSON, "" for none)
review() {
    local uid=$1 op=$2 obj=${3:-} old=${4:-} extra=${5:-}
    printf '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{'
    printf '"uid":"%s","operation":"%s","namespace":"apps"' "$uid" "$op"
    [ -n "$obj" ] && printf ',"object":%s' "$obj"
    [ -n "$old" ] && printf ',"oldObject":%s' "$old"
    [ -n "$extra" ] && printf ',%s' "$extra"
    printf '}}'
}

# jq-like field access with python3: jget JSON EXPR (EXPR on `d`)
jget() {
    python3 -c 'import json,sys; d=json.loads(sys.argv[1]); r=eval(sys.argv[2]); print(json.dumps(r) if not isinstance(r, str) else r)' "$1" "$2" 2>&1
}
