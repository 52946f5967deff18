/* SPDX-License-Identifier: Apache-2.0 */
/* Which Gateways are ours, and the addresses they are served on. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "proxy/gateways.h"
#include "validation/store.h"
#include "tests/unit/validation/yaml_helper.h"

static void put(struct gg_store *s, const char *text)
{
    json_t *j = test_yaml(text);
    cr_assert_eq(gg_store_put_json(s, j), 0, "not storable:\n%s", text);
    json_decref(j);
}

static void put_class(struct gg_store *s, const char *name, const char *controller)
{
    char buf[512];
    snprintf(buf, sizeof(buf),
             "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\n"
             "metadata: {name: %s}\nspec: {controllerName: %s}\n",
             name, controller);
    put(s, buf);
}

static void put_gateway(struct gg_store *s, const char *ns, const char *name, const char *cls,
                        const char *created)
{
    char buf[1024];
    snprintf(buf, sizeof(buf),
             "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n"
             "metadata: {name: %s, namespace: %s, creationTimestamp: \"%s\"}\n"
             "spec:\n  gatewayClassName: %s\n"
             "  listeners: [{name: http, port: 80, protocol: HTTP}]\n",
             name, ns, created, cls);
    put(s, buf);
}

static uint32_t addr_of(const struct gg_store *s, const struct gg_gateways_owner *own,
                        const struct gg_address_pool *pool, const char *ns, const char *name)
{
    const struct gg_object *gw = gg_store_find(s, GG_KIND_GATEWAY, ns, name);
    cr_assert_not_null(gw);
    struct sockaddr_storage ss;
    cr_assert_eq(gg_gateways_address(s, own, pool, gw, &ss), 0, "%s/%s has no address", ns, name);
    cr_assert_eq(ss.ss_family, AF_INET);
    return ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr);
}

Test(gateways_owner, owns_only_classes_with_its_controller_name)
{
    struct gg_store *s = gg_store_new();
    put_class(s, "ours", "gateguard.dev/gateway-controller");
    put_class(s, "theirs", "example.com/other");
    put_gateway(s, "infra", "a", "ours", "2024-01-01T00:00:00Z");
    put_gateway(s, "infra", "b", "theirs", "2024-01-01T00:00:00Z");
    put_gateway(s, "infra", "c", "missing", "2024-01-01T00:00:00Z");
    struct gg_gateways_owner own = {NULL, NULL};
    cr_assert(gg_gateways_owns(s, &own, gg_store_find(s, GG_KIND_GATEWAY, "infra", "a")));
    cr_assert_not(gg_gateways_owns(s, &own, gg_store_find(s, GG_KIND_GATEWAY, "infra", "b")));
    cr_assert_not(gg_gateways_owns(s, &own, gg_store_find(s, GG_KIND_GATEWAY, "infra", "c")));

    struct gg_gateways_owner other = {"example.com/other", NULL};
    cr_assert(gg_gateways_owns(s, &other, gg_store_find(s, GG_KIND_GATEWAY, "infra", "b")));
    struct gg_gateways_owner one_class = {NULL, "elsewhere"};
    cr_assert_not(gg_gateways_owns(s, &one_class, gg_store_find(s, GG_KIND_GATEWAY, "infra", "a")));
    gg_store_free(s);
}

Test(gateways_address_pool, parses_cidrs_and_refuses_what_is_not_one)
{
    struct gg_address_pool p;
    char err[256];
    cr_assert_eq(gg_address_pool_parse("10.99.0.0/16", &p, err, sizeof(err)), 0);
    cr_assert_eq(p.base, 0x0a630000u);
    cr_assert_eq(p.size, 65534u);
    cr_assert_eq(gg_address_pool_parse("10.99.3.7/24", &p, err, sizeof(err)), 0);
    cr_assert_eq(p.base, 0x0a630300u, "the host bits are dropped");
    cr_assert_eq(p.size, 254u);
    cr_assert_eq(gg_address_pool_parse("10.99.0.0", &p, err, sizeof(err)), -1);
    cr_assert(strstr(err, "want an IPv4 CIDR"), "%s", err);
    cr_assert_eq(gg_address_pool_parse("10.99.0.0/31", &p, err, sizeof(err)), -1);
    cr_assert_eq(gg_address_pool_parse("10.99.0.0/16x", &p, err, sizeof(err)), -1);
    cr_assert_eq(gg_address_pool_parse("fd00::/64", &p, err, sizeof(err)), -1);
    cr_assert_eq(gg_address_pool_parse(NULL, &p, err, sizeof(err)), -1);
}

Test(gateways_address, gives_each_gateway_a_distinct_stable_address_in_the_pool)
{
    struct gg_store *s = gg_store_new();
    put_class(s, "ours", "gateguard.dev/gateway-controller");
    struct gg_address_pool pool;
    /* A pool of 6 usable addresses makes collisions certain. */
    cr_assert_eq(gg_address_pool_parse("10.99.0.0/29", &pool, NULL, 0), 0);
    struct gg_gateways_owner own = {NULL, NULL};
    char name[16];
    for (int i = 0; i < 6; i++) {
        snprintf(name, sizeof(name), "gw%d", i);
        put_gateway(s, "infra", name, "ours", "2024-01-01T00:00:00Z");
    }
    uint32_t seen[6];
    for (int i = 0; i < 6; i++) {
        snprintf(name, sizeof(name), "gw%d", i);
        seen[i] = addr_of(s, &own, &pool, "infra", name);
        cr_assert(seen[i] > 0x0a630000u && seen[i] < 0x0a630007u, "outside the pool: %x", seen[i]);
        for (int j = 0; j < i; j++)
            cr_assert_neq(seen[i], seen[j], "gw%d and gw%d share an address", i, j);
    }
    /* A newer Gateway never moves an older one; it finds no address left. */
    put_gateway(s, "infra", "late", "ours", "2025-01-01T00:00:00Z");
    for (int i = 0; i < 6; i++) {
        snprintf(name, sizeof(name), "gw%d", i);
        cr_assert_eq(addr_of(s, &own, &pool, "infra", name), seen[i]);
    }
    struct sockaddr_storage ss;
    cr_assert_eq(gg_gateways_address(s, &own, &pool,
                                     gg_store_find(s, GG_KIND_GATEWAY, "infra", "late"), &ss),
                 -1);
    gg_store_free(s);
}
