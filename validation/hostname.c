/* SPDX-License-Identifier: Apache-2.0 */
/* Hostname matching and intersection, as the Gateway API defines them. */
#include "hostname.h"

#include <string.h>

bool gg_hostname_is_subdomain(const char *sub, const char *domain)
{
    size_t ls = strlen(sub), ld = strlen(domain);
    return ls > ld + 1 && sub[ls - ld - 1] == '.' && memcmp(sub + ls - ld, domain, ld) == 0;
}

bool gg_hostname_covers(const char *pattern, const char *h)
{
    if (!gg_hostname_is_wildcard(pattern))
        return strcmp(pattern, h) == 0;
    const char *s = pattern + 2;
    if (gg_hostname_is_wildcard(h)) {
        const char *t = h + 2;
        return strcmp(s, t) == 0 || gg_hostname_is_subdomain(t, s);
    }
    return gg_hostname_is_subdomain(h, s);
}

bool gg_hostname_intersects(const char *a, const char *b)
{
    if (!a || !b)
        return true;
    bool wa = gg_hostname_is_wildcard(a), wb = gg_hostname_is_wildcard(b);
    if (!wa && !wb)
        return strcmp(a, b) == 0;
    if (wa && !wb)
        return gg_hostname_is_subdomain(b, a + 2);
    if (!wa && wb)
        return gg_hostname_is_subdomain(a, b + 2);
    return gg_hostname_covers(a, b) || gg_hostname_covers(b, a);
}

const char *gg_hostname_narrower(const char *a, const char *b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    return gg_hostname_covers(a, b) ? b : a;
}

static bool is_label_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

bool gg_hostname_is_valid(const char *h, size_t n)
{
    if (n < 1 || n > 253)
        return false;
    size_t i = 0;
    if (n >= 2 && h[0] == '*' && h[1] == '.')
        i = 2;
    if (i == n)
        return false;
    /* each label: [a-z0-9]([-a-z0-9]*[a-z0-9])? */
    while (i < n) {
        size_t start = i;
        while (i < n && h[i] != '.') {
            if (!is_label_char(h[i]))
                return false;
            i++;
        }
        if (i == start || h[start] == '-' || h[i - 1] == '-')
            return false;
        if (i < n) {
            i++; /* the dot */
            if (i == n)
                return false;
        }
    }
    return true;
}
