#!/usr/bin/env bash
# `gateguard certs` as the chart's self-managed mode and a developer run it:
# the files it writes, what a rerun keeps or renews, the caBundle, and errors
# that name the file. The certificates are checked with the openssl CLI.
source "$(dirname "$0")/lib.bash"

d=$tmp/out
out=$("$bin" certs --out "$d" --dns gateguard.gateguard-system.svc,localhost,127.0.0.1 2>&1)
check "first run creates a CA" grep -q "created CA $d/ca.crt" <<<"$out"
check "first run issues the serving pair" grep -q "issued $d/tls.crt, valid until" <<<"$out"
same "keys are 0600, certificates 0644" "$(stat -c '%n %a' "$d"/* | sed "s|$d/||" | sort | tr '\n' ' ')" \
    "ca.crt 644 ca.key 600 tls.crt 644 tls.key 600 "
check "tls.crt verifies against ca.crt" quiet openssl verify -CAfile "$d/ca.crt" "$d/tls.crt"
check "it verifies for the Service name" quiet \
    openssl verify -CAfile "$d/ca.crt" -verify_hostname gateguard.gateguard-system.svc "$d/tls.crt"
check "it verifies for 127.0.0.1" quiet openssl verify -CAfile "$d/ca.crt" -verify_ip 127.0.0.1 "$d/tls.crt"
check "the serving key is ECDSA P-256" sh -c "openssl pkey -in '$d/tls.key' -noout -text | grep -q 'ASN1 OID: prime256v1'"
check "the serving certificate is for serverAuth" \
    sh -c "openssl x509 -in '$d/tls.crt' -noout -ext extendedKeyUsage | grep -q 'TLS Web Server Authentication'"
days=$(( ($(date -d "$(openssl x509 -in "$d/tls.crt" -noout -enddate | cut -d= -f2)" +%s) - $(date +%s)) / 86400 ))
check "it lasts a year by default ($days days left)" test "$days" -ge 364 -a "$days" -le 365

ca_before=$(sha256sum <"$d/ca.crt") tls_before=$(sha256sum <"$d/tls.crt")
out=$("$bin" certs --out "$d" --dns localhost,127.0.0.1,gateguard.gateguard-system.svc 2>&1)
check "a rerun with the same names keeps the pair" grep -q "kept $d/tls.crt: valid until .*; renews from" <<<"$out"
same "and leaves tls.crt as it was" "$(sha256sum <"$d/tls.crt")" "$tls_before"
out=$("$bin" certs --out "$d" --dns localhost --days 30 2>&1)
check "new names renew the pair" grep -q "renewed $d/tls.crt, valid until .*: names changed" <<<"$out"
same "and keep the CA" "$(sha256sum <"$d/ca.crt")" "$ca_before"
check "the renewed pair verifies" quiet openssl verify -CAfile "$d/ca.crt" -verify_hostname localhost "$d/tls.crt"

bundle=$("$bin" certs --out "$d" --print-ca-bundle 2>/dev/null)
same "--print-ca-bundle is base64 of ca.crt" "$bundle" "$(base64 -w0 "$d/ca.crt")"
bundle2=$("$bin" certs --out "$d" --dns localhost --days 30 --print-ca-bundle 2>/dev/null)
same "--print-ca-bundle after ensuring prints only the bundle on stdout" "$bundle2" "$bundle"

out=$("$bin" certs --out "$d" --dns 'bad_name' 2>&1); st=$?
check "a bad name is a usage error naming it (exit 2)" test $st -eq 2 -a -n "$(grep "bad_name: '_' is not allowed" <<<"$out")"
out=$("$bin" certs --dns localhost 2>&1); st=$?
check "--out is required (exit 2)" test $st -eq 2 -a -n "$(grep -- '--out DIR is required' <<<"$out")"
out=$("$bin" certs --out "$d" --dns localhost --days 0 2>&1); st=$?
check "--days 0 is refused (exit 2)" test $st -eq 2 -a -n "$(grep -- '--days 0' <<<"$out")"
echo garbage >"$d/ca.crt"
out=$("$bin" certs --out "$d" --dns localhost 2>&1); st=$?
check "a broken ca.crt is named (exit 2)" test $st -eq 2 -a -n "$(grep -F "$d/ca.crt: not a PEM certificate" <<<"$out")"
rm "$d/ca.key"
out=$("$bin" certs --out "$d" --dns localhost 2>&1); st=$?
check "half a CA is named (exit 2)" test $st -eq 2 -a -n "$(grep -F "$d/ca.key: missing while $d/ca.crt exists" <<<"$out")"
touch "$tmp/file"
out=$("$bin" certs --out "$tmp/file" --dns localhost 2>&1); st=$?
check "an --out that is a file is named (exit 2)" test $st -eq 2 -a -n "$(grep -F "$tmp/file: not a directory" <<<"$out")"
check "--help" sh -c "'$bin' certs --help | grep -q 'usage: gateguard certs --out DIR --dns NAME'"

finish
