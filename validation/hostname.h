/* SPDX-License-Identifier: Apache-2.0 */
/* Gateway API hostname semantics (HTTPRoute/Listener `hostname` docs, GEP-1713
 * hostname rules): a `*.example.com` wildcard stands for one or more labels in
 * front of `example.com`, and matches neither `example.com` itself nor
 * `fooexample.com`. Inputs are already lowercase and schema-valid. */
#ifndef GG_HOSTNAME_H
#define GG_HOSTNAME_H

#include <stdbool.h>
#include <stddef.h>

static inline bool gg_hostname_is_wildcard(const char *h)
{
    return h[0] == '*' && h[1] == '.';
}

/* True when <sub> is a proper subdomain of <domain> ("a.b.c" of "b.c"). */
bool gg_hostname_is_subdomain(const char *sub, const char *domain);

/* True when every name <h> stands for is also matched by <pattern>: an exact
 * pattern covers only itself; `*.s` covers names under `s` and wildcards
 * `*.s` or `*.t` with `t` under `s`. */
bool gg_hostname_covers(const char *pattern, const char *h);

/* True when some name matches both <a> and <b>: the Gateway API's listener
 * and route hostname intersection, used both for attachment and for the
 * overlap of two routes' claims. NULL (no hostname) intersects everything.
 * `foo.example.com` and `*.example.com` intersect, `*.example.com` and
 * `*.a.example.com` intersect, `example.com` and `*.example.com` do not. */
bool gg_hostname_intersects(const char *a, const char *b);

/* The narrower of two intersecting hostnames (the intersection itself); a
 * NULL side yields the other. */
const char *gg_hostname_narrower(const char *a, const char *b);

/* True when <h> (<n> bytes) is a Gateway API Hostname: 1-253 bytes, RFC 1123
 * lowercase labels, an optional leading `*.` label. */
bool gg_hostname_is_valid(const char *h, size_t n);

#endif
