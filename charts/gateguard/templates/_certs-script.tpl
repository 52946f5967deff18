{{/*
The certificate Job's script (POSIX sh; the gateguard image holds sh,
base64, gateguard and kubectl). Two modes, one per Job:

  issue   (pre-install, pre-upgrade): read the Secret if it exists, run
          `gateguard certs`, which keeps the CA and renews the serving pair
          only when it is due or the names changed, and write the Secret back
          only if something changed. If the webhook configuration already
          exists (an upgrade), set its caBundle too.
  inject  (post-install, post-upgrade): wait for the Secret and the webhook
          configuration, then set caBundle on each of its webhooks from the
          Secret's ca.crt. At pre-install the configuration does not exist
          yet, hence the second Job.

Environment: NAMESPACE, SECRET, WEBHOOK_CONFIG, DNS_NAMES, DAYS, MODE,
WAIT_SECONDS, CERT_DIR, LABELS (k=v,... for the Secret).
*/}}
{{- define "gateguard.certsScript" -}}
set -eu
out=${CERT_DIR:-/certs}
log() { echo "gateguard-certs: $*" >&2; }

# One read of the Secret: resourceVersion, then the four keys in base64 ("-"
# for a missing one), so the values belong to the same version.
read_secret() {
    kubectl -n "$NAMESPACE" get secret "$SECRET" --ignore-not-found -o go-template='{{`{{.metadata.resourceVersion}}{{with .data}} {{or (index . "ca.crt") "-"}} {{or (index . "ca.key") "-"}} {{or (index . "tls.crt") "-"}} {{or (index . "tls.key") "-"}}{{end}}`}}'
}

set_ca_bundle() {
    bundle=$(base64 -w0 <"$1")
    names=$(kubectl get validatingwebhookconfiguration "$WEBHOOK_CONFIG" -o jsonpath='{.webhooks[*].name}')
    ops="" i=0
    for _ in $names; do
        ops="$ops${ops:+,}{\"op\":\"add\",\"path\":\"/webhooks/$i/clientConfig/caBundle\",\"value\":\"$bundle\"}"
        i=$((i + 1))
    done
    [ "$i" -gt 0 ] || { log "validatingwebhookconfiguration $WEBHOOK_CONFIG has no webhooks"; return 1; }
    kubectl patch validatingwebhookconfiguration "$WEBHOOK_CONFIG" --type=json -p "[$ops]" >/dev/null
    log "set caBundle on $i webhook(s) of validatingwebhookconfiguration $WEBHOOK_CONFIG"
}

issue() {
    attempt=0
    while :; do
        attempt=$((attempt + 1))
        rm -rf "$out/new" "$out/old"
        mkdir -p "$out/new" "$out/old"
        line=$(read_secret)
        rv=""
        if [ -n "$line" ]; then
            # shellcheck disable=SC2086
            set -- $line
            rv=$1
            shift
            for k in ca.crt ca.key tls.crt tls.key; do
                if [ "${1:--}" != "-" ]; then
                    printf '%s' "$1" | base64 -d >"$out/new/$k"
                    cp "$out/new/$k" "$out/old/$k"
                fi
                shift || true
            done
        fi
        gateguard certs --out "$out/new" --dns "$DNS_NAMES" --days "$DAYS"
        changed=0
        for k in ca.crt ca.key tls.crt tls.key; do
            cmp -s "$out/new/$k" "$out/old/$k" || changed=1
        done
        if [ "$changed" = 0 ]; then
            log "secret $NAMESPACE/$SECRET is current"
            break
        fi
        manifest=$(kubectl create secret generic "$SECRET" -n "$NAMESPACE" --type=kubernetes.io/tls \
            --from-file=ca.crt="$out/new/ca.crt" --from-file=ca.key="$out/new/ca.key" \
            --from-file=tls.crt="$out/new/tls.crt" --from-file=tls.key="$out/new/tls.key" \
            --dry-run=client -o yaml)
        if [ -n "$LABELS" ]; then
            manifest=$(printf '%s\n' "$manifest" | kubectl label --local -f - $(echo "$LABELS" | tr ',' ' ') -o yaml)
        fi
        if [ -z "$rv" ]; then
            # create fails if another writer got there first: read it again.
            if printf '%s\n' "$manifest" | kubectl create -f - >/dev/null; then
                log "created secret $NAMESPACE/$SECRET"
                break
            fi
        else
            # replace with the version read: a concurrent change is a conflict, not lost.
            manifest=$(printf '%s\n' "$manifest" | sed "s/^metadata:\$/metadata:\n  resourceVersion: \"$rv\"/")
            if printf '%s\n' "$manifest" | kubectl replace -f - >/dev/null; then
                log "updated secret $NAMESPACE/$SECRET"
                break
            fi
        fi
        [ "$attempt" -lt 5 ] || { log "could not write secret $NAMESPACE/$SECRET"; exit 1; }
        sleep 1
    done
    if [ -n "$(kubectl get validatingwebhookconfiguration "$WEBHOOK_CONFIG" --ignore-not-found -o name)" ]; then
        set_ca_bundle "$out/new/ca.crt"
    else
        log "validatingwebhookconfiguration $WEBHOOK_CONFIG does not exist yet; the inject Job sets its caBundle"
    fi
}

inject() {
    deadline=$(( $(date +%s) + ${WAIT_SECONDS:-120} ))
    mkdir -p "$out"
    while :; do
        ca=$(kubectl -n "$NAMESPACE" get secret "$SECRET" --ignore-not-found -o jsonpath='{.data.ca\.crt}')
        cfg=$(kubectl get validatingwebhookconfiguration "$WEBHOOK_CONFIG" --ignore-not-found -o name)
        [ -n "$ca" ] && [ -n "$cfg" ] && break
        if [ "$(date +%s)" -ge "$deadline" ]; then
            [ -n "$ca" ] && s=present || s="missing, or without ca.crt"
            [ -n "$cfg" ] && c=present || c=missing
            log "gave up after ${WAIT_SECONDS:-120} s: secret $NAMESPACE/$SECRET $s, validatingwebhookconfiguration $WEBHOOK_CONFIG $c"
            exit 1
        fi
        sleep 2
    done
    printf '%s' "$ca" | base64 -d >"$out/ca.crt"
    set_ca_bundle "$out/ca.crt"
}

case "$MODE" in
issue) issue ;;
inject) inject ;;
*) log "MODE must be issue or inject, not \"$MODE\""; exit 2 ;;
esac
{{- end -}}
