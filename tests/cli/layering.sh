#!/usr/bin/env bash
# The layering fence, checked on the sources rather than trusted to the
# include path: the validation core (validation/*.{c,h}) includes only libc
# and POSIX headers (no sockets), jansson, libyaml, PCRE2, its own headers
# and the generated ones under build/gen; the routing table code
# (proxy/route_*.{c,h}, and the proxy/ headers they pull in) includes no
# socket-I/O library (libmicrohttpd, libcurl, OpenSSL) and nothing of the
# webhook; and nothing in proxy/ includes webhook/ (logging, metrics and the
# view are in obs/ and sync/). Usage: layering.sh [ROOT] (default: this
# checkout).
set -uo pipefail
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root" || exit 1

libc="assert.h ctype.h errno.h fenv.h float.h inttypes.h iso646.h limits.h locale.h math.h
setjmp.h signal.h stdalign.h stdarg.h stdatomic.h stdbool.h stddef.h stdint.h stdio.h stdlib.h
stdnoreturn.h string.h tgmath.h threads.h time.h uchar.h wchar.h wctype.h strings.h pthread.h
unistd.h fcntl.h dirent.h fnmatch.h glob.h regex.h sys/stat.h sys/types.h sys/mman.h sys/time.h"
core_libs="jansson.h yaml.h pcre2.h"
net="arpa/inet.h netinet/in.h sys/socket.h"

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

in_list() { # in_list WORD LIST...
    local w=$1 x
    shift
    for x in $*; do [ "$x" = "$w" ] && return 0; done
    return 1
}

# includes FILE: "LINE <name>" or "LINE \"name\"" for each #include
includes() {
    grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' "$1" |
        sed -E 's/^([0-9]+):[[:space:]]*#[[:space:]]*include[[:space:]]*([<"][^>"]*[>"]).*/\1 \2/'
}

# The core: every include of every validation/ file.
core_bad=0 core_n=0
for f in validation/*.c validation/*.h; do
    [ -e "$f" ] || continue
    while read -r line inc; do
        core_n=$((core_n + 1))
        name=${inc:1:${#inc}-2}
        case "$inc" in
        \<*) in_list "$name" $libc $core_libs && continue ;;
        \"*)
            [ -e "validation/$name" ] && continue
            case "$name" in validation/*) [ -e "$name" ] && continue ;; esac
            [ -e "build/gen/$name" ] || [[ "$name" == build/gen/* ]] && continue
            ;;
        esac
        bad "$f:$line: the validation core includes $inc, outside its allowlist"
        core_bad=$((core_bad + 1))
    done < <(includes "$f")
done
[ "$core_bad" -eq 0 ] && ok "validation/: $core_n includes, all libc/POSIX, jansson, libyaml, PCRE2 or its own"

# The routing table: proxy/route_* and the proxy/ headers they include.
queue=(proxy/route_*.c proxy/route_*.h)
declare -A seen=()
table_bad=0 table_n=0
while [ ${#queue[@]} -gt 0 ]; do
    f=${queue[0]}
    queue=("${queue[@]:1}")
    [ -e "$f" ] && [ -z "${seen[$f]:-}" ] || continue
    seen[$f]=1
    while read -r line inc; do
        table_n=$((table_n + 1))
        name=${inc:1:${#inc}-2}
        case "$inc" in
        \<*) in_list "$name" $libc $net jansson.h pcre2.h && continue ;;
        \"*)
            case "$name" in
            validation/*) [ -e "$name" ] && continue ;;
            proxy/*)
                if [ -e "$name" ]; then
                    queue+=("$name")
                    continue
                fi
                ;;
            esac
            ;;
        esac
        bad "$f:$line: the routing table code includes $inc, outside its allowlist (no microhttpd, curl, openssl, webhook/)"
        table_bad=$((table_bad + 1))
    done < <(includes "$f")
done
[ "$table_bad" -eq 0 ] && ok "proxy/route_*: $table_n includes (${#seen[@]} files), none of a socket-I/O library"

# The proxy as a whole shares the adapters in obs/ and sync/, never webhook/.
hits=$(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"webhook/' proxy/*.c proxy/*.h 2>/dev/null)
if [ -z "$hits" ]; then
    ok "proxy/ includes no webhook/ header"
else
    while IFS= read -r h; do bad "$h: proxy/ includes a webhook/ header (use obs/ or sync/)"; done <<<"$hits"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
