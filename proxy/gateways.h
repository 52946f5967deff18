/* SPDX-License-Identifier: Apache-2.0 */
/* Which Gateways gateguard serves, and at what address: one answer for the
 * routing table (where the proxy listens) and the status controller (what
 * status.addresses says), so the two cannot disagree. Pure functions of a
 * store whose read lock the caller holds. */
#ifndef GG_GATEWAYS_H
#define GG_GATEWAYS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

struct gg_store;
struct gg_object;

/* Whose GatewayClasses are ours. */
struct gg_gateways_owner {
    const char *controller_name; /* NULL: GG_CONTROLLER_NAME */
    const char *gateway_class;   /* NULL: every class with that controllerName */
};

/* Whether GatewayClass <gc> is one we own. */
bool gg_gateways_owns_class(const struct gg_gateways_owner *own, const struct gg_object *gc);

/* Whether Gateway <gw> names a GatewayClass in <s> that we own. */
bool gg_gateways_owns(const struct gg_store *s, const struct gg_gateways_owner *own,
                      const struct gg_object *gw);

/* An IPv4 pool in CIDR notation, parsed. */
struct gg_address_pool {
    uint32_t base; /* host order, the network address */
    uint32_t size; /* addresses usable: the prefix's, less network and broadcast */
};

/* Parses "10.99.0.0/16" (prefix 8..30). Returns 0, or -1 with the reason in
 * <err>. */
int gg_address_pool_parse(const char *cidr, struct gg_address_pool *pool, char *err, size_t errlen);

/* The address Gateway <gw> (one we own) is served on: a stable pick from
 * <pool> by a hash of "namespace/name", probing past addresses that Gateways
 * ordered before it (older, then by namespace/name) took, so adding a
 * Gateway never moves an older one. Returns 0 with <out> set (port 0), or -1
 * when the pool is exhausted. Costs a walk of our Gateways. */
int gg_gateways_address(const struct gg_store *s, const struct gg_gateways_owner *own,
                        const struct gg_address_pool *pool, const struct gg_object *gw,
                        struct sockaddr_storage *out);

#endif
