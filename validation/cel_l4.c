/* SPDX-License-Identifier: Apache-2.0 */
/* The CEL rules of the TLSRoute CRD's spec.hostnames (Gateway API v1.6.3, standard channel),
 * transcribed literally from their CEL text. TLSRoute, TCPRoute and UDPRoute share every other
 * rule with HTTPRoute word for word (parentRefs, backendRefs' port), so cel.c maps those onto
 * cel_route.c's predicates. */
#include <arpa/inet.h>
#include <string.h>

#include "cel_internal.h"

static bool is_lower_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* ^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$ : one or more RFC 1123
 * labels joined by dots, with no length limits (the schema's maxLength bounds the whole). */
static bool is_dns_labels(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;

    for (;;) {
        size_t start = i;

        while (i < n && (is_lower_alnum(s[i]) || s[i] == '-'))
            i++;
        if (i == start || s[start] == '-' || s[i - 1] == '-')
            return false;
        if (i == n)
            return true;
        if (s[i] != '.')
            return false;
        i++;
    }
}

/* Kubernetes' CEL isIP(): netip.ParseAddr succeeds, with no zone and not an IPv4-mapped IPv6
 * address. glibc's inet_pton takes the same forms (dotted quads without leading zeros, IPv6
 * with an optional trailing quad) and refuses zones. */
static bool is_ip(const char *s, size_t n)
{
    unsigned char a[16];
    char buf[64];
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

    if (n >= sizeof(buf) || memchr(s, '\0', n))
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (inet_pton(AF_INET, buf, a) == 1)
        return true;
    return inet_pton(AF_INET6, buf, a) == 1 && memcmp(a, mapped, sizeof(mapped)) != 0;
}

/* The body of one of the three hostname rules, for one list element. */
typedef struct cel_bool (*hostname_pred)(const char *s, size_t n);

static enum gg_cel_result all_hostnames(const json_t *self, hostname_pred pred, char *err,
                                        size_t errlen)
{
    struct cel_bool all = cel_of(true);
    size_t i;
    const json_t *h;

    if (!json_is_array(self))
        return cel_result(cel_no_overload(), err, errlen);
    json_array_foreach(self, i, h)
    {
        struct cel_bool v = json_is_string(h) ? pred(json_string_value(h), json_string_length(h))
                                              : cel_no_overload();
        if (!cel_all_step(&all, v))
            break;
    }
    return cel_result(all, err, errlen);
}

/* !isIP(h) */
static struct cel_bool not_ip(const char *s, size_t n)
{
    return cel_of(!is_ip(s, n));
}

/* !h.contains('*') ? h.matches(<labels>) : true */
static struct cel_bool plain_is_rfc1123(const char *s, size_t n)
{
    return cel_of(memchr(s, '*', n) != NULL || is_dns_labels(s, n));
}

/* h.contains('*') ? (h.startsWith('*.') && h.substring(2).matches(<labels>)) : true */
static struct cel_bool wildcard_is_first_label(const char *s, size_t n)
{
    if (!memchr(s, '*', n))
        return cel_of(true);
    return cel_of(n >= 2 && s[0] == '*' && s[1] == '.' && is_dns_labels(s + 2, n - 2));
}

/* spec.hostnames (TLSRoute): self.all(h, !isIP(h)) "Hostnames cannot contain an IP" */
GG_CEL_PREDICATE(gg_cel_tlsroute_hostnames_not_ip)
{
    (void)old;
    return all_hostnames(self, not_ip, err, errlen);
}

/* spec.hostnames (TLSRoute):
 * self.all(h, !h.contains('*') ? h.matches('^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]
 * ([-a-z0-9]*[a-z0-9])?)*)$') : true) "Hostnames must be valid based on RFC-1123" */
GG_CEL_PREDICATE(gg_cel_tlsroute_hostnames_rfc1123)
{
    (void)old;
    return all_hostnames(self, plain_is_rfc1123, err, errlen);
}

/* spec.hostnames (TLSRoute):
 * self.all(h, h.contains('*') ? (h.startsWith('*.') && h.substring(2).matches(<the same>)) :
 * true) "Wildcards on hostnames must be the first label, and the rest of hostname must be valid
 * based on RFC-1123". substring(2) counts code points; after "*." they are bytes. */
GG_CEL_PREDICATE(gg_cel_tlsroute_hostnames_wildcard)
{
    (void)old;
    return all_hostnames(self, wildcard_is_first_label, err, errlen);
}
