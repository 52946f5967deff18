/* SPDX-License-Identifier: Apache-2.0 */
/* The store: objects by key, and each index kept exact through put, replace
 * and delete. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "validation/match.h"
#include "validation/store.h"
#include "yaml_helper.h"

static void put(struct gg_store *s, const char *text)
{
    json_t *j = test_yaml(text);
    cr_assert_eq(gg_store_put_json(s, j), 0, "not storable:\n%s", text);
    json_decref(j);
}

static void put_route(struct gg_store *s, const char *ns, const char *name, const char *gw,
                      const char *hostname)
{
    char buf[1024];
    snprintf(buf, sizeof(buf),
             "apiVersion: gateway.networking.k8s.io/v1\n"
             "kind: HTTPRoute\n"
             "metadata: {name: %s, namespace: %s}\n"
             "spec:\n"
             "  parentRefs: [{name: %s, namespace: infra}]\n"
             "  hostnames: [\"%s\"]\n"
             "  rules: [{matches: [{path: {type: PathPrefix, value: /api}}]}]\n",
             name, ns, gw, hostname);
    put(s, buf);
}

static bool count_cb(const struct gg_object *o, void *ctx)
{
    (void)o;
    (*(size_t *)ctx)++;
    return true;
}

static bool count_attach_cb(const struct gg_object *o, size_t i, void *ctx)
{
    (void)o;
    (void)i;
    (*(size_t *)ctx)++;
    return true;
}

static const char *claimant(const struct gg_store *s, const char *host, const char *ns)
{
    return gg_store_hostname_claimant(s, GG_KIND_GATEWAY, "infra", "gw", host, ns);
}

Test(store_objects, finds_replaces_and_deletes_by_kind_namespace_and_name)
{
    struct gg_store *s = gg_store_new();
    put(s, "apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: apps}\n");
    put(s, "apiVersion: v1\nkind: Namespace\nmetadata: {name: apps, labels: {team: a}}\n");
    put(s, "apiVersion: v1\nkind: Namespace\nmetadata: {name: apps, labels: {team: b}}\n");
    gg_store_read_begin(s);
    cr_expect_not_null(gg_store_find(s, GG_KIND_SERVICE, "apps", "api"));
    cr_expect_null(gg_store_find(s, GG_KIND_SERVICE, "other", "api"));
    cr_expect_null(gg_store_find(s, GG_KIND_SECRET, "apps", "api"));
    const struct gg_object *ns = gg_store_find(s, GG_KIND_NAMESPACE, NULL, "apps");
    cr_assert_not_null(ns);
    cr_expect_str_eq(ns->u.ns.labels[0].value, "b");
    cr_expect_eq(gg_store_count(s, GG_KIND_NAMESPACE), 1);
    cr_expect_eq(gg_store_count_in(s, GG_KIND_SERVICE, "apps"), 1);
    gg_store_read_end(s);
    cr_expect(gg_store_delete(s, GG_KIND_SERVICE, "apps", "api"));
    cr_expect_not(gg_store_delete(s, GG_KIND_SERVICE, "apps", "api"));
    cr_expect_eq(gg_store_count_in(s, GG_KIND_SERVICE, "apps"), 0);
    json_t *j = json_pack("{s:s, s:s}", "apiVersion", "apps/v1", "kind", "Deployment");
    cr_expect_eq(gg_store_put_json(s, j), -1);
    json_decref(j);
    gg_store_free(s);
}

Test(store_namespaces, are_found_by_label_after_relabeling)
{
    struct gg_store *s = gg_store_new();
    put(s, "apiVersion: v1\nkind: Namespace\nmetadata: {name: a, labels: {team: web}}\n");
    put(s, "apiVersion: v1\nkind: Namespace\nmetadata: {name: b, labels: {team: web}}\n");
    size_t n = 0;
    gg_store_each_namespace_labeled(s, "team", "web", count_cb, &n);
    cr_expect_eq(n, 2);
    put(s, "apiVersion: v1\nkind: Namespace\nmetadata: {name: b, labels: {team: db}}\n");
    n = 0;
    gg_store_each_namespace_labeled(s, "team", "web", count_cb, &n);
    cr_expect_eq(n, 1);
    n = 0;
    gg_store_each_namespace_labeled(s, "team", "db", count_cb, &n);
    cr_expect_eq(n, 1);
    gg_store_free(s);
}

Test(store_parents, list_routes_and_listenersets_by_the_gateway_they_name)
{
    struct gg_store *s = gg_store_new();
    put_route(s, "a", "r1", "gw", "a.example.com");
    put_route(s, "b", "r2", "gw", "b.example.com");
    put_route(s, "b", "r3", "other", "c.example.com");
    put(s, "apiVersion: gateway.networking.k8s.io/v1\nkind: ListenerSet\n"
           "metadata: {name: ls, namespace: a}\n"
           "spec:\n  parentRef: {name: gw, namespace: infra}\n"
           "  listeners: [{name: x, port: 80, protocol: HTTP}]\n");
    size_t n = 0;
    gg_store_each_route_of(s, GG_KIND_GATEWAY, "infra", "gw", count_attach_cb, &n);
    cr_expect_eq(n, 2);
    n = 0;
    gg_store_each_listenerset_of(s, "infra", "gw", count_cb, &n);
    cr_expect_eq(n, 1);
    /* moving r2 to the other Gateway moves its index entries too */
    put_route(s, "b", "r2", "other", "b.example.com");
    n = 0;
    gg_store_each_route_of(s, GG_KIND_GATEWAY, "infra", "gw", count_attach_cb, &n);
    cr_expect_eq(n, 1);
    cr_expect_null(claimant(s, "b.example.com", "a"));
    gg_store_delete(s, GG_KIND_HTTPROUTE, "a", "r1");
    n = 0;
    gg_store_each_route_of(s, GG_KIND_GATEWAY, "infra", "gw", count_attach_cb, &n);
    cr_expect_eq(n, 0);
    gg_store_free(s);
}

Test(store_hostnames, overlap_is_exact_or_under_a_wildcard_in_either_direction)
{
    struct gg_store *s = gg_store_new();
    put_route(s, "a", "exact", "gw", "api.example.com");
    put_route(s, "b", "wild", "gw", "*.shop.example.com");
    gg_store_read_begin(s);
    cr_expect_str_eq(claimant(s, "api.example.com", "c"), "a");
    cr_expect_null(claimant(s, "api.example.com", "a"), "a namespace never conflicts with itself");
    cr_expect_str_eq(claimant(s, "*.example.com", "c"), "a", "a wildcard over an exact name");
    cr_expect_null(claimant(s, "example.com", "c"));
    cr_expect_null(claimant(s, "web.example.com", "c"));
    cr_expect_str_eq(claimant(s, "x.y.shop.example.com", "c"), "b");
    cr_expect_str_eq(claimant(s, "*.a.shop.example.com", "c"), "b", "a narrower wildcard");
    cr_expect_str_eq(claimant(s, "*.shop.example.com", "c"), "b", "the same wildcard");
    cr_expect_null(claimant(s, "shop.example.com", "c"), "*.d does not cover d");
    cr_expect_null(claimant(s, "*.org", "c"));
    gg_store_read_end(s);
    gg_store_delete(s, GG_KIND_HTTPROUTE, "b", "wild");
    cr_expect_null(claimant(s, "x.y.shop.example.com", "c"));
    cr_expect_str_eq(claimant(s, "*.com", "c"), "a");
    gg_store_free(s);
}

Test(store_hostnames, count_claims_so_one_route_leaving_keeps_the_others)
{
    struct gg_store *s = gg_store_new();
    put_route(s, "a", "r1", "gw", "api.example.com");
    put_route(s, "a", "r2", "gw", "api.example.com");
    gg_store_delete(s, GG_KIND_HTTPROUTE, "a", "r1");
    cr_expect_str_eq(claimant(s, "api.example.com", "b"), "a");
    gg_store_delete(s, GG_KIND_HTTPROUTE, "a", "r2");
    cr_expect_null(claimant(s, "api.example.com", "b"));
    gg_store_free(s);
}

Test(store_grants, are_found_by_target_from_kind_and_from_namespace)
{
    struct gg_store *s = gg_store_new();
    put(s, "apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\n"
           "metadata: {name: g, namespace: db}\n"
           "spec:\n"
           "  from:\n"
           "  - {group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: apps}\n"
           "  - {group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: apps}\n"
           "  - {group: gateway.networking.k8s.io, kind: Gateway, namespace: infra}\n"
           "  to: [{group: \"\", kind: Service}]\n");
    put(s, "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n"
           "metadata: {name: r, namespace: apps}\n"
           "spec:\n  rules:\n  - backendRefs: [{name: pg, namespace: db, port: 5432},\n"
           "                   {name: pg2, namespace: db, port: 5432},\n"
           "                   {name: local, port: 80}]\n");
    size_t n = 0;
    gg_store_each_grant(s, "db", "HTTPRoute", "apps", count_cb, &n);
    cr_expect_eq(n, 1, "a grant is listed once per key, however many from entries match");
    n = 0;
    gg_store_each_grant(s, "db", "Gateway", "infra", count_cb, &n);
    cr_expect_eq(n, 1);
    n = 0;
    gg_store_each_grant(s, "db", "HTTPRoute", "other", count_cb, &n);
    cr_expect_eq(n, 0);
    n = 0;
    gg_store_each_referrer(s, "db", "HTTPRoute", "apps", count_cb, &n);
    cr_expect_eq(n, 1);
    gg_store_delete(s, GG_KIND_HTTPROUTE, "apps", "r");
    gg_store_delete(s, GG_KIND_REFERENCEGRANT, "db", "g");
    n = 0;
    gg_store_each_referrer(s, "db", "HTTPRoute", "apps", count_cb, &n);
    gg_store_each_grant(s, "db", "HTTPRoute", "apps", count_cb, &n);
    cr_expect_eq(n, 0);
    gg_store_free(s);
}

struct found {
    size_t n;
    const char *name;
};

static bool match_cb(const struct gg_store_match *m, void *ctx)
{
    struct found *f = ctx;
    f->n++;
    f->name = m->route->name;
    return true;
}

Test(store_matches, index_every_match_per_parent_and_hostname)
{
    struct gg_store *s = gg_store_new();
    put_route(s, "a", "r1", "gw", "api.example.com");
    struct gg_http_match m = {"/api", NULL, NULL, NULL, 0, 0, GG_MATCH_PATH_PREFIX};
    uint64_t key = gg_store_match_key(GG_KIND_HTTPROUTE, GG_KIND_GATEWAY, "infra", "gw",
                                      "api.example.com", gg_match_hash_http(&m));
    struct found f = {0, NULL};
    gg_store_each_match(s, key, match_cb, &f);
    cr_expect_eq(f.n, 1);
    cr_expect_str_eq(f.name, "r1");
    put_route(s, "b", "r2", "gw", "api.example.com");
    f.n = 0;
    gg_store_each_match(s, key, match_cb, &f);
    cr_expect_eq(f.n, 2);
    gg_store_delete(s, GG_KIND_HTTPROUTE, "a", "r1");
    gg_store_delete(s, GG_KIND_HTTPROUTE, "b", "r2");
    f.n = 0;
    gg_store_each_match(s, key, match_cb, &f);
    cr_expect_eq(f.n, 0);
    gg_store_free(s);
}

Test(store_churn, ends_empty_after_many_puts_and_deletes)
{
    struct gg_store *s = gg_store_new();
    char name[32], ns[32], host[64];
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 300; i++) {
            snprintf(name, sizeof(name), "r%d", i);
            snprintf(ns, sizeof(ns), "ns%d", i % 17);
            snprintf(host, sizeof(host), "%s%d.t%d.example.com", i % 2 ? "*." : "", i, i % 7);
            put_route(s, ns, name, i % 3 ? "gw" : "other", host);
        }
        for (int i = 0; i < 300; i += 1 + round) {
            snprintf(name, sizeof(name), "r%d", i);
            snprintf(ns, sizeof(ns), "ns%d", i % 17);
            gg_store_delete(s, GG_KIND_HTTPROUTE, ns, name);
        }
    }
    for (int i = 0; i < 300; i++) {
        snprintf(name, sizeof(name), "r%d", i);
        snprintf(ns, sizeof(ns), "ns%d", i % 17);
        gg_store_delete(s, GG_KIND_HTTPROUTE, ns, name);
    }
    cr_expect_eq(gg_store_count(s, GG_KIND_HTTPROUTE), 0);
    cr_expect_null(claimant(s, "*.com", "zzz"));
    gg_store_free(s);
}

static void put_slice(struct gg_store *s, const char *ns, const char *name, const char *service)
{
    char buf[1024];
    snprintf(buf, sizeof(buf),
             "apiVersion: discovery.k8s.io/v1\n"
             "kind: EndpointSlice\n"
             "metadata:\n"
             "  name: %s\n"
             "  namespace: %s\n"
             "  labels: {%s%s}\n"
             "addressType: IPv4\n"
             "endpoints: [{addresses: [10.0.0.1]}]\n",
             name, ns, service ? "kubernetes.io/service-name: " : "", service ? service : "");
    put(s, buf);
}

static size_t slices_of(const struct gg_store *s, const char *ns, const char *service)
{
    size_t n = 0;
    gg_store_read_begin(s);
    gg_store_each_endpointslice_of(s, ns, service, count_cb, &n);
    gg_store_read_end(s);
    return n;
}

Test(store_endpointslices, are_found_by_the_service_they_label_through_relabels_and_deletes)
{
    struct gg_store *s = gg_store_new();
    put_slice(s, "apps", "web-a", "web");
    put_slice(s, "apps", "web-b", "web");
    put_slice(s, "shop", "web-c", "web");
    put_slice(s, "apps", "api-a", "api");
    put_slice(s, "apps", "orphan", NULL);
    cr_expect_eq(gg_store_count(s, GG_KIND_ENDPOINTSLICE), 5);
    cr_expect_eq(gg_store_count_in(s, GG_KIND_ENDPOINTSLICE, "apps"), 4);
    cr_expect_eq(slices_of(s, "apps", "web"), 2);
    cr_expect_eq(slices_of(s, "shop", "web"), 1);
    cr_expect_eq(slices_of(s, "apps", "api"), 1);
    cr_expect_eq(slices_of(s, "apps", "none"), 0);
    cr_expect_eq(slices_of(s, NULL, "web"), 0);

    gg_store_read_begin(s);
    const struct gg_object *o = gg_store_find(s, GG_KIND_ENDPOINTSLICE, "apps", "orphan");
    cr_assert_not_null(o);
    cr_expect_null(o->u.endpointslice.service_name);
    o = gg_store_find(s, GG_KIND_ENDPOINTSLICE, "apps", "web-a");
    cr_assert_not_null(o);
    cr_expect_str_eq(o->u.endpointslice.service_name, "web");
    cr_expect_null(gg_store_find(s, GG_KIND_ENDPOINTSLICE, "shop", "web-a"));
    gg_store_read_end(s);

    /* a slice moving to another Service leaves the first one's list */
    put_slice(s, "apps", "web-b", "api");
    cr_expect_eq(slices_of(s, "apps", "web"), 1);
    cr_expect_eq(slices_of(s, "apps", "api"), 2);
    put_slice(s, "apps", "web-a", NULL);
    cr_expect_eq(slices_of(s, "apps", "web"), 0);
    cr_expect(gg_store_delete(s, GG_KIND_ENDPOINTSLICE, "apps", "api-a"));
    cr_expect_eq(slices_of(s, "apps", "api"), 1);
    cr_expect(gg_store_delete(s, GG_KIND_ENDPOINTSLICE, "apps", "web-b"));
    cr_expect_eq(slices_of(s, "apps", "api"), 0);
    put_slice(s, "apps", "web-a", "web");
    cr_expect_eq(slices_of(s, "apps", "web"), 1);
    cr_expect_eq(gg_store_count(s, GG_KIND_ENDPOINTSLICE), 3);
    /* the folder still holds indexed slices: freeing releases their groups */
    gg_store_free(s);
}

static bool stop_cb(const struct gg_object *o, void *ctx)
{
    (void)o;
    (*(size_t *)ctx)++;
    return false;
}

Test(store_endpointslices, stop_when_the_callback_says_so)
{
    struct gg_store *s = gg_store_new();
    char name[32];
    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof(name), "web-%d", i);
        put_slice(s, "apps", name, "web");
    }
    size_t n = 0;
    gg_store_read_begin(s);
    gg_store_each_endpointslice_of(s, "apps", "web", stop_cb, &n);
    gg_store_read_end(s);
    cr_expect_eq(n, 1);
    cr_expect_eq(slices_of(s, "apps", "web"), 5);
    gg_store_free(s);
}
