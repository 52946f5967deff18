/* SPDX-License-Identifier: Apache-2.0 */
/* The routing table object (route_table.h): its references, its lookups by
 * local address and by TLS server name, and its release. Building one is
 * route_build.c. */
#include "proxy/route_table.h"

#include <ctype.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/route_internal.h"
#include "validation/hostname.h"

struct gg_route_table *gg_route_table_ref(struct gg_route_table *t)
{
    if (t)
        atomic_fetch_add_explicit(&t->refs, 1, memory_order_relaxed);
    return t;
}

void gg_route_table_unref(struct gg_route_table *t)
{
    if (!t || atomic_fetch_sub_explicit(&t->refs, 1, memory_order_acq_rel) != 1)
        return;
    if (t->attachment_free)
        t->attachment_free(t->attachment);
    for (size_t i = 0; i < t->n_regexes; i++)
        pcre2_code_free(t->regexes[i]);
    for (size_t i = 0; i < t->n_maps; i++)
        gg_hmap_clear(t->maps[i]);
    gg_arena_clear(&t->arena);
    free(t);
}

uint64_t gg_route_table_generation(const struct gg_route_table *t)
{
    return t->generation;
}

size_t gg_route_table_count_routes(const struct gg_route_table *t)
{
    return t->n_routes;
}

size_t gg_route_table_count_frontends(const struct gg_route_table *t)
{
    return t->n_frontends;
}

const struct gg_table_frontend *gg_route_table_frontend(const struct gg_route_table *t, size_t i)
{
    return i < t->n_frontends ? &t->frontends[i].pub : NULL;
}

static bool same_address(const struct sockaddr_storage *a, const struct sockaddr *b)
{
    if (a->ss_family != b->sa_family)
        return false;
    if (b->sa_family == AF_INET)
        return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
               ((const struct sockaddr_in *)b)->sin_addr.s_addr;
    if (b->sa_family == AF_INET6)
        return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
                      &((const struct sockaddr_in6 *)b)->sin6_addr, sizeof(struct in6_addr)) == 0;
    return false;
}

const struct gg_table_frontend *gg_route_table_find_frontend(const struct gg_route_table *t,
                                                             const struct sockaddr *local,
                                                             uint16_t port)
{
    const struct gg_table_frontend *wild = NULL;
    for (size_t i = 0; i < t->n_frontends; i++) {
        const struct gg_table_frontend *fe = &t->frontends[i].pub;
        if (fe->port != port)
            continue;
        if (fe->addr.ss_family == AF_UNSPEC)
            wild = fe;
        else if (local && same_address(&fe->addr, local))
            return fe;
    }
    return wild;
}

const struct gg_table_cert *gg_route_table_find_cert(const struct gg_table_frontend *fe,
                                                     const char *sni)
{
    char host[256];
    size_t n = 0;
    if (sni) {
        for (; sni[n] && n < sizeof(host) - 1; n++)
            host[n] = (char)tolower((unsigned char)sni[n]);
        while (n > 0 && host[n - 1] == '.')
            n--;
    }
    host[n] = '\0';
    const struct gg_table_cert *dflt = NULL, *wild = NULL;
    size_t wild_len = 0;
    for (size_t i = 0; i < fe->n_certs; i++) {
        const struct gg_table_cert *c = &fe->certs[i];
        if (!c->hostname) {
            if (!dflt)
                dflt = c;
            continue;
        }
        if (n == 0)
            continue;
        if (!gg_hostname_is_wildcard(c->hostname)) {
            if (strcmp(c->hostname, host) == 0)
                return c;
        } else if (gg_hostname_covers(c->hostname, host) && strlen(c->hostname) > wild_len) {
            wild = c;
            wild_len = strlen(c->hostname);
        }
    }
    return wild ? wild : dflt;
}

void gg_route_table_set_attachment(struct gg_route_table *t, void *data,
                                   void (*free_cb)(void *data))
{
    t->attachment = data;
    t->attachment_free = free_cb;
}

void *gg_route_table_attachment(const struct gg_route_table *t)
{
    return t->attachment;
}
