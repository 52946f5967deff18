/* SPDX-License-Identifier: Apache-2.0 */
/* Gateway ownership and addresses (gateways.h). */
#include "proxy/gateways.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/route_table.h"
#include "validation/hmap.h"
#include "validation/model.h"
#include "validation/store.h"
#include "validation/xalloc.h"

bool gg_gateways_owns_class(const struct gg_gateways_owner *own, const struct gg_object *gc)
{
    const char *want = own->controller_name ? own->controller_name : GG_CONTROLLER_NAME;
    const char *have = gc->u.gatewayclass.controller_name;
    if (gc->kind != GG_KIND_GATEWAYCLASS || !have || strcmp(have, want) != 0)
        return false;
    return !own->gateway_class || strcmp(own->gateway_class, gc->name) == 0;
}

bool gg_gateways_owns(const struct gg_store *s, const struct gg_gateways_owner *own,
                      const struct gg_object *gw)
{
    const char *cls = gw->u.gateway.gateway_class_name;
    if (gw->kind != GG_KIND_GATEWAY || !cls)
        return false;
    const struct gg_object *gc = gg_store_find(s, GG_KIND_GATEWAYCLASS, "", cls);
    return gc && gg_gateways_owns_class(own, gc);
}

int gg_address_pool_parse(const char *cidr, struct gg_address_pool *pool, char *err, size_t errlen)
{
    char ip[INET_ADDRSTRLEN];
    const char *slash = cidr ? strchr(cidr, '/') : NULL;
    if (!slash || (size_t)(slash - cidr) >= sizeof(ip)) {
        gg_seterr(err, errlen, "address pool %s%s%s: want an IPv4 CIDR such as 10.99.0.0/16",
                  cidr ? "\"" : "", cidr ? cidr : "(none)", cidr ? "\"" : "");
        return -1;
    }
    memcpy(ip, cidr, (size_t)(slash - cidr));
    ip[slash - cidr] = '\0';
    char *end;
    long prefix = strtol(slash + 1, &end, 10);
    struct in_addr a;
    if (inet_pton(AF_INET, ip, &a) != 1 || *end || end == slash + 1 || prefix < 8 || prefix > 30) {
        gg_seterr(err, errlen,
                  "address pool \"%s\": want an IPv4 CIDR with a prefix of 8 to 30 bits", cidr);
        return -1;
    }
    uint32_t mask = prefix == 0 ? 0 : ~(uint32_t)0 << (32 - prefix);
    pool->base = ntohl(a.s_addr) & mask;
    pool->size = (~mask + 1u) - 2; /* less the network and broadcast addresses */
    return 0;
}

struct collect {
    const struct gg_store *s;
    const struct gg_gateways_owner *own;
    const struct gg_object **gws;
    size_t n, cap;
};

static bool collect_cb(const struct gg_object *o, void *ctx)
{
    struct collect *c = ctx;
    if (!gg_gateways_owns(c->s, c->own, o))
        return true;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->gws = gg_xrealloc(c->gws, c->cap * sizeof(*c->gws));
    }
    c->gws[c->n++] = o;
    return true;
}

/* Older first, then namespace/name: the order the spec breaks ties by. */
static int gw_order(const void *pa, const void *pb)
{
    const struct gg_object *a = *(const struct gg_object *const *)pa;
    const struct gg_object *b = *(const struct gg_object *const *)pb;
    if (a->created != b->created)
        return a->created < b->created ? -1 : 1;
    int c = strcmp(a->ns, b->ns);
    return c ? c : strcmp(a->name, b->name);
}

static uint32_t pick(const struct gg_address_pool *pool, const struct gg_object *gw)
{
    uint64_t h = gg_hash_str(gw->name, gg_hash_str(gw->ns, GG_HASH_SEED));
    return (uint32_t)(h % pool->size);
}

int gg_gateways_address(const struct gg_store *s, const struct gg_gateways_owner *own,
                        const struct gg_address_pool *pool, const struct gg_object *gw,
                        struct sockaddr_storage *out)
{
    int rc = -1;
    struct collect c = {s, own, NULL, 0, 0};
    uint8_t *used = NULL;
    if (pool->size == 0)
        goto out;
    gg_store_each(s, GG_KIND_GATEWAY, collect_cb, &c);
    qsort(c.gws, c.n, sizeof(*c.gws), gw_order);
    used = gg_xcalloc((pool->size + 7) / 8, 1);
    for (size_t i = 0; i < c.n; i++) {
        uint32_t slot = pick(pool, c.gws[i]), tries = 0;
        while (used[slot / 8] & (1u << (slot % 8))) {
            slot = (slot + 1) % pool->size;
            if (++tries == pool->size)
                goto out; /* exhausted */
        }
        used[slot / 8] |= (uint8_t)(1u << (slot % 8));
        if (c.gws[i] == gw ||
            (strcmp(c.gws[i]->ns, gw->ns) == 0 && strcmp(c.gws[i]->name, gw->name) == 0)) {
            struct sockaddr_in *sin = (struct sockaddr_in *)out;
            memset(out, 0, sizeof(*out));
            sin->sin_family = AF_INET;
            sin->sin_addr.s_addr = htonl(pool->base + 1 + slot);
            rc = 0;
            goto out;
        }
    }
out:
    free(used);
    free(c.gws);
    return rc;
}
