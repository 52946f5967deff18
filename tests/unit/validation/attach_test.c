/* SPDX-License-Identifier: Apache-2.0 */
/* The attachment verdicts (attach.h) on objects loaded from YAML into a real
 * store: each verdict's yes, each of its noes, and the reason words. */
#include <criterion/criterion.h>
#include <string.h>

#include "validation/attach.h"
#include "validation/load.h"
#include "validation/reason.h"
#include "validation/xalloc.h"

static const char *world =
    "apiVersion: gateway.networking.k8s.io/v1\n"
    "kind: Gateway\n"
    "metadata: {name: public, namespace: infra, creationTimestamp: \"2024-01-01T00:00:00Z\"}\n"
    "spec:\n"
    "  gatewayClassName: gg\n"
    "  allowedListeners: {namespaces: {from: Selector, selector: {matchLabels: {team: a}}}}\n"
    "  listeners:\n"
    "  - {name: same, port: 80, protocol: HTTP, hostname: \"*.example.com\"}\n"
    "  - name: all\n"
    "    port: 8080\n"
    "    protocol: HTTP\n"
    "    hostname: api.example.com\n"
    "    allowedRoutes: {namespaces: {from: All}}\n"
    "  - name: labelled\n"
    "    port: 8081\n"
    "    protocol: HTTPS\n"
    "    allowedRoutes:\n"
    "      namespaces: {from: Selector, selector: {matchLabels: {team: a}}}\n"
    "      kinds: [{kind: GRPCRoute}, {kind: TCPRoute}]\n"
    "  - name: tcp\n"
    "    port: 9000\n"
    "    protocol: TCP\n"
    "    allowedRoutes: {namespaces: {from: All}}\n"
    "---\n"
    "apiVersion: v1\n"
    "kind: Namespace\n"
    "metadata: {name: apps, labels: {team: a}}\n"
    "---\n"
    "apiVersion: gateway.networking.k8s.io/v1\n"
    "kind: HTTPRoute\n"
    "metadata: {name: web, namespace: apps, creationTimestamp: \"2024-02-01T00:00:00Z\"}\n"
    "spec:\n"
    "  parentRefs:\n"
    "  - {name: public, namespace: infra}\n"
    "  - {name: public, namespace: infra, sectionName: nope}\n"
    "  - {name: public, namespace: infra, sectionName: all, port: 8080}\n"
    "  - {name: public, namespace: infra, port: 80}\n"
    "  hostnames: [shop.other.org]\n"
    "  rules: [{backendRefs: [{name: web, port: 80}]}]\n"
    "---\n"
    "apiVersion: gateway.networking.k8s.io/v1\n"
    "kind: HTTPRoute\n"
    "metadata: {name: api, namespace: infra, creationTimestamp: \"2024-02-01T00:00:00Z\"}\n"
    "spec:\n"
    "  parentRefs: [{name: public}]\n"
    "  rules: [{backendRefs: [{name: api, port: 80}]}]\n"
    "---\n"
    "apiVersion: gateway.networking.k8s.io/v1beta1\n"
    "kind: ReferenceGrant\n"
    "metadata: {name: apps, namespace: db}\n"
    "spec:\n"
    "  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: apps}]\n"
    "  to: [{group: \"\", kind: Service, name: pg}]\n";

static struct gg_store *s;

static void setup(void)
{
    struct gg_docs d;
    char err[512];
    gg_docs_init(&d);
    cr_assert_eq(gg_load_buffer(&d, "t.yaml", world, strlen(world), err, sizeof(err)), 0, "%s",
                 err);
    s = gg_store_new();
    for (size_t i = 0; i < d.n; i++)
        cr_assert_eq(gg_store_put_json(s, d.items[i].obj), 0);
    gg_docs_clear(&d);
    gg_store_read_begin(s);
}

static void teardown(void)
{
    gg_store_read_end(s);
    gg_store_free(s);
}

static const struct gg_object *find(enum gg_model_kind k, const char *ns, const char *name)
{
    const struct gg_object *o = gg_store_find(s, k, ns, name);
    cr_assert_not_null(o, "%s/%s is stored", ns, name);
    return o;
}

static const struct gg_listener *listener(const char *name)
{
    size_t n;
    const struct gg_listener *l = gg_attach_listeners(find(GG_KIND_GATEWAY, "infra", "public"), &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(l[i].name, name) == 0)
            return &l[i];
    cr_assert_fail("no listener %s", name);
    return NULL;
}

TestSuite(attach, .init = setup, .fini = teardown);

Test(attach, listener_admits_by_namespace_kind_and_protocol)
{
    struct gg_ns_view apps, infra, other;
    gg_attach_ns_view(s, "apps", &apps);
    gg_attach_ns_view(s, "infra", &infra);
    gg_attach_ns_view(s, "other", &other);
    cr_expect(apps.known);
    cr_expect_not(other.known);
    /* from: Same (the default) */
    cr_expect_eq(gg_attach_listener_admits(listener("same"), "infra", GG_KIND_HTTPROUTE, &infra),
                 GG_ADMIT_YES);
    cr_expect_eq(gg_attach_listener_admits(listener("same"), "infra", GG_KIND_HTTPROUTE, &apps),
                 GG_ADMIT_NAMESPACE);
    cr_expect_eq(gg_attach_listener_admits(listener("all"), "infra", GG_KIND_GRPCROUTE, &other),
                 GG_ADMIT_YES);
    /* a selector: matching labels, an unknown Namespace, a kind not listed */
    cr_expect_eq(gg_attach_listener_admits(listener("labelled"), "infra", GG_KIND_GRPCROUTE, &apps),
                 GG_ADMIT_YES);
    cr_expect_eq(
        gg_attach_listener_admits(listener("labelled"), "infra", GG_KIND_GRPCROUTE, &other),
        GG_ADMIT_UNKNOWN);
    cr_expect_eq(gg_attach_listener_admits(listener("labelled"), "infra", GG_KIND_HTTPROUTE, &apps),
                 GG_ADMIT_KIND);
    /* TCP carries neither route kind */
    cr_expect_eq(gg_attach_listener_admits(listener("tcp"), "infra", GG_KIND_HTTPROUTE, &apps),
                 GG_ADMIT_KIND);
    cr_expect(gg_attach_kind_fits_protocol(GG_KIND_HTTPROUTE, "example.com/custom"));
    cr_expect_not(gg_attach_kind_fits_protocol(GG_KIND_HTTPROUTE, NULL));
}

Test(attach, supported_kinds_come_from_the_list_or_the_protocol)
{
    struct gg_attach_kinds k;
    gg_attach_supported_kinds(listener("same"), &k);
    cr_expect_eq(k.n, 2);
    cr_expect_eq(k.kinds[0], GG_KIND_HTTPROUTE);
    cr_expect_eq(k.kinds[1], GG_KIND_GRPCROUTE);
    cr_expect_not(k.any_invalid);
    /* GRPCRoute listed and served; TCPRoute listed but not an HTTPS kind */
    gg_attach_supported_kinds(listener("labelled"), &k);
    cr_expect_eq(k.n, 1);
    cr_expect_eq(k.kinds[0], GG_KIND_GRPCROUTE);
    cr_expect(k.any_invalid);
    cr_expect_eq(k.invalid, 1ULL << 1);
    gg_attach_supported_kinds(listener("tcp"), &k);
    cr_expect_eq(k.n, 0);
    cr_expect_not(k.any_invalid, "the protocol's own default kinds are not invalid");
}

Test(attach, route_attaches_by_section_port_and_hostname)
{
    const struct gg_object *gw = find(GG_KIND_GATEWAY, "infra", "public");
    const struct gg_object *web = find(GG_KIND_HTTPROUTE, "apps", "web");
    const struct gg_object *api = find(GG_KIND_HTTPROUTE, "infra", "api");
    struct gg_ns_view apps, infra;
    gg_attach_ns_view(s, "apps", &apps);
    gg_attach_ns_view(s, "infra", &infra);
    const struct gg_ref *refs = web->u.route.parent_refs;
    uint64_t mask = 99;
    /* admitted by "all" only, whose api.example.com shop.other.org misses */
    cr_expect_eq(gg_attach_route(web, &refs[0], gw, &apps, &mask), GG_ATTACH_NO_HOSTNAME);
    cr_expect_eq(mask, 0);
    cr_expect_eq(gg_attach_route(web, &refs[1], gw, &apps, NULL), GG_ATTACH_NO_LISTENER);
    cr_expect_eq(gg_attach_route(web, &refs[2], gw, &apps, NULL), GG_ATTACH_NO_HOSTNAME);
    /* port 80 is "same", which admits only infra's routes */
    cr_expect_eq(gg_attach_route(web, &refs[3], gw, &apps, NULL), GG_ATTACH_NOT_ADMITTED);
    /* no hostnames: takes each listener's; "labelled" refuses HTTPRoute */
    cr_expect_eq(gg_attach_route(api, &api->u.route.parent_refs[0], gw, &infra, &mask),
                 GG_ATTACH_OK);
    cr_expect_eq(mask, (1ULL << 0) | (1ULL << 1));
    cr_expect_eq(gg_attach_find_parent(s, &refs[0], web->ns), gw);
    cr_expect_eq(gg_attach_find_parent(s, &api->u.route.parent_refs[0], api->ns), gw);
    cr_expect_str_eq(gg_reason_name(gg_attach_status_reason(GG_ATTACH_NO_LISTENER)),
                     "NoMatchingParent");
    cr_expect_str_eq(gg_reason_name(gg_attach_status_reason(GG_ATTACH_UNKNOWN_NS)),
                     "NotAllowedByListeners");
    cr_expect_str_eq(gg_reason_name(gg_attach_status_reason(GG_ATTACH_OK)), "Accepted");
}

Test(attach, hostnames_meet_by_intersection)
{
    const struct gg_object *web = find(GG_KIND_HTTPROUTE, "apps", "web");
    const struct gg_object *api = find(GG_KIND_HTTPROUTE, "infra", "api");
    cr_expect(gg_attach_hostnames_meet(&web->u.route, "*.other.org"));
    cr_expect(gg_attach_hostnames_meet(&web->u.route, NULL));
    cr_expect_not(gg_attach_hostnames_meet(&web->u.route, "*.example.com"));
    cr_expect(gg_attach_hostnames_meet(&api->u.route, "anything.example"));
}

Test(attach, reference_grants_permit_by_from_and_to)
{
    const struct gg_object *grant = find(GG_KIND_REFERENCEGRANT, "db", "apps");
    cr_expect(gg_attach_ref_permitted(s, GG_GROUP, "HTTPRoute", "apps", "db", "", "Service", "pg",
                                      NULL, NULL));
    cr_expect_not(gg_attach_ref_permitted(s, GG_GROUP, "HTTPRoute", "apps", "db", "", "Service",
                                          "redis", NULL, NULL),
                  "the grant names pg only");
    cr_expect_not(gg_attach_ref_permitted(s, GG_GROUP, "GRPCRoute", "apps", "db", "", "Service",
                                          "pg", NULL, NULL));
    cr_expect_not(gg_attach_ref_permitted(s, GG_GROUP, "HTTPRoute", "infra", "db", "", "Service",
                                          "pg", NULL, NULL));
    /* judged without the stored grant (its deletion), and with it as extra */
    cr_expect_not(gg_attach_ref_permitted(s, GG_GROUP, "HTTPRoute", "apps", "db", "", "Service",
                                          "pg", grant, NULL));
    cr_expect(gg_attach_ref_permitted(s, GG_GROUP, "HTTPRoute", "apps", "db", "", "Service", "pg",
                                      grant, grant));
}

Test(attach, older_object_comes_first_then_namespace_and_name)
{
    const struct gg_object *gw = find(GG_KIND_GATEWAY, "infra", "public");
    const struct gg_object *web = find(GG_KIND_HTTPROUTE, "apps", "web");
    const struct gg_object *api = find(GG_KIND_HTTPROUTE, "infra", "api");
    cr_expect(gg_attach_comes_first(gw, web));
    cr_expect_not(gg_attach_comes_first(web, gw));
    /* same creation time: "apps" before "infra" */
    cr_expect(gg_attach_comes_first(web, api));
    cr_expect_not(gg_attach_comes_first(api, web));
    cr_expect_not(gg_attach_comes_first(web, web));
    cr_expect(gg_attach_same_object(web, web));
    cr_expect_not(gg_attach_same_object(web, api));
    cr_expect_not(gg_attach_same_object(web, NULL));
}

Test(attach, listener_conflicts_name_their_reason)
{
    struct gg_listener http = {.name = "a", .protocol = "HTTP", .port = 443};
    struct gg_listener https = {.name = "b", .protocol = "HTTPS", .port = 443, .hostname = "x.io"};
    struct gg_listener https2 = {.name = "c", .protocol = "HTTPS", .port = 443, .hostname = "x.io"};
    struct gg_listener https3 = {.name = "d", .protocol = "HTTPS", .port = 443, .hostname = "y.io"};
    struct gg_listener udp = {.name = "e", .protocol = "UDP", .port = 443};
    struct gg_listener custom = {.name = "f", .protocol = "example.com/quic", .port = 443};
    cr_expect_str_eq(gg_attach_listener_conflict(&http, &https), "ProtocolConflict");
    cr_expect_str_eq(gg_attach_listener_conflict(&https, &https2), "HostnameConflict");
    cr_expect_null(gg_attach_listener_conflict(&https, &https3));
    cr_expect_null(gg_attach_listener_conflict(&udp, &https));
    cr_expect_null(gg_attach_listener_conflict(&custom, &http));
    https3.port = 8443;
    cr_expect_null(gg_attach_listener_conflict(&https2, &https3));
}

Test(attach, gateway_admits_listenersets_by_allowed_listeners)
{
    const struct gg_object *gw = find(GG_KIND_GATEWAY, "infra", "public");
    struct gg_ns_view apps, other;
    gg_attach_ns_view(s, "apps", &apps);
    gg_attach_ns_view(s, "other", &other);
    bool unknown = true;
    cr_expect(gg_attach_gateway_admits_listenerset(gw, &apps, &unknown));
    cr_expect_not(unknown);
    cr_expect_not(gg_attach_gateway_admits_listenerset(gw, &other, &unknown));
    cr_expect(unknown, "Namespace \"other\" is not stored, so its labels are unknown");
    cr_expect_not(gg_attach_gateway_admits_listenerset(gw, &other, NULL));
}

Test(reason, names_are_the_spec_words)
{
    cr_expect_str_eq(gg_reason_name(GG_REASON_NOT_ALLOWED_BY_LISTENERS), "NotAllowedByListeners");
    cr_expect_str_eq(gg_reason_name(GG_REASON_REF_NOT_PERMITTED), "RefNotPermitted");
    cr_expect_str_eq(gg_reason_name(GG_REASON_INVALID_ROUTE_KINDS), "InvalidRouteKinds");
    cr_expect_str_eq(gg_reason_name(GG_REASON_COUNT), "");
    for (int r = 0; r < GG_REASON_COUNT; r++)
        cr_expect_neq(strlen(gg_reason_name((enum gg_reason)r)), 0);
}
