/* SPDX-License-Identifier: Apache-2.0 */
/* The CEL rules of the TLSRoute CRD's spec.hostnames (Gateway API v1.6.3, standard channel),
 * transcribed literally from their CEL text. TLSRoute, TCPRoute and UDPRoute share every other
 * rule with HTTPRoute word for word (parentRefs, backendRefs' port), so cel.c maps those onto
 * cel_route.c's predicates. */
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

/* A dotted quad as Go's netip reads it: four decimal parts of 0-255
 * without leading zeros. Writes the four bytes to out. */
static bool parse_ipv4(const char *s, size_t n, unsigned char out[4])
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (i >= n || s[i] != '.')
                return false;
            i++;
        }
        size_t start = i;
        unsigned v = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 3)
            v = v * 10 + (unsigned)(s[i++] - '0');
        if (i == start || v > 255 || (i - start > 1 && s[start] == '0'))
            return false;
        out[part] = (unsigned char)v;
    }
    return i == n;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* An IPv6 address as Go's netip reads it, without a zone: groups of 1-4
 * hex digits, at most one "::", an optional trailing dotted quad. The core
 * stays free of socket headers, so this does not lean on inet_pton. */
static bool parse_ipv6(const char *s, size_t n, unsigned char out[16])
{
    int groups = 0, gap = -1;
    size_t i = 0;
    memset(out, 0, 16);
    if (n >= 2 && s[0] == ':' && s[1] == ':') {
        gap = 0;
        i = 2;
        if (i == n)
            return true;
    } else if (n && s[0] == ':') {
        return false;
    }
    for (;;) {
        size_t start = i;
        unsigned v = 0;
        while (i < n && hexval(s[i]) >= 0 && i - start < 4)
            v = v * 16 + (unsigned)hexval(s[i++]);
        if (i < n && s[i] == '.') {
            if (groups > 6 || !parse_ipv4(s + start, n - start, out + groups * 2))
                return false;
            groups += 2;
            break;
        }
        if (i == start || groups == 8)
            return false;
        out[groups * 2] = (unsigned char)(v >> 8);
        out[groups * 2 + 1] = (unsigned char)v;
        groups++;
        if (i == n)
            break;
        if (s[i] != ':')
            return false;
        i++;
        if (i < n && s[i] == ':') {
            if (gap >= 0)
                return false;
            gap = groups;
            i++;
            if (i == n)
                break;
        } else if (i == n) {
            return false;
        }
    }
    if (gap < 0)
        return groups == 8;
    if (groups > 7)
        return false;
    int tail = groups - gap;
    memmove(out + 16 - tail * 2, out + gap * 2, (size_t)tail * 2);
    memset(out + gap * 2, 0, (size_t)(16 - groups * 2));
    return true;
}

/* Kubernetes' CEL isIP(): netip.ParseAddr succeeds, with no zone, and the
 * address is not an IPv4-mapped IPv6 one. */
static bool is_ip(const char *s, size_t n)
{
    unsigned char a[16];
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (parse_ipv4(s, n, a))
        return true;
    return parse_ipv6(s, n, a) && memcmp(a, mapped, sizeof(mapped)) != 0;
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
