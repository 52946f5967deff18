/* SPDX-License-Identifier: Apache-2.0 */
/* The status the controller publishes: every condition and reason it sets,
 * each with a case that sets it and one that does not, computed from stores
 * written as manifests; and the agreement with the webhook over the held-in
 * cross-object cases. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/status.h"
#include "validation/check.h"
#include "validation/load.h"
#include "validation/store.h"
#include "validation/validate.h"
#include "validation/xalloc.h"

#define GC                                                                                         \
    "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: gg}\n"         \
    "spec: {controllerName: gateguard.dev/gateway-controller}\n---\n"
#define NS(name, labels)                                                                           \
    "apiVersion: v1\nkind: Namespace\nmetadata: {name: " name ", labels: {" labels "}}\n---\n"
#define SVC(ns, name)                                                                              \
    "apiVersion: v1\nkind: Service\nmetadata: {name: " name ", namespace: " ns "}\n---\n"
#define SECRET(ns, name)                                                                           \
    "apiVersion: v1\nkind: Secret\nmetadata: {name: " name ", namespace: " ns "}\n"                \
    "type: kubernetes.io/tls\n---\n"
#define GW_HTTP(ns, name, from)                                                                    \
    "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: " name              \
    ", namespace: " ns "}\nspec:\n  gatewayClassName: gg\n  listeners:\n"                          \
    "  - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: " from "}}}\n"  \
    "---\n"
#define ROUTE(ns, name, parent_ns, svc)                                                            \
    "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: " name            \
    ", namespace: " ns "}\nspec:\n  parentRefs: [{name: public, namespace: " parent_ns "}]\n"      \
    "  rules: [{backendRefs: [{name: " svc ", port: 8080}]}]\n---\n"

static struct gg_store *store_of(const char *yaml)
{
    struct gg_docs d;
    char err[512];
    gg_docs_init(&d);
    cr_assert_eq(gg_load_buffer(&d, "t.yaml", yaml, strlen(yaml), err, sizeof(err)), 0, "%s", err);
    struct gg_store *s = gg_store_new();
    for (size_t i = 0; i < d.n; i++)
        cr_assert_eq(gg_store_put_json(s, d.items[i].obj), 0, "document %zu not storable", i);
    gg_docs_clear(&d);
    return s;
}

struct prev {
    const char *ns, *name;
    const json_t *status;
};

static const json_t *prev_cb(void *ctx, enum gg_model_kind kind, const char *ns, const char *name)
{
    (void)kind;
    struct prev *p = ctx;
    return p && strcmp(p->ns, ns) == 0 && strcmp(p->name, name) == 0 ? p->status : NULL;
}

static void compute_with(const struct gg_store *s, struct gg_status_opts *o,
                         struct gg_status_set *set)
{
    if (!o->now)
        o->now = "2026-01-01T00:00:00Z";
    gg_status_set_init(set);
    gg_store_read_begin(s);
    gg_status_compute(s, o, set);
    gg_store_read_end(s);
}

static void compute(const struct gg_store *s, struct gg_status_set *set)
{
    struct gg_status_opts o = {0};
    compute_with(s, &o, set);
}

static const json_t *status_of(const struct gg_status_set *set, enum gg_model_kind k,
                               const char *ns, const char *name)
{
    const struct gg_status_entry *e = gg_status_set_find(set, k, ns, name);
    cr_assert_not_null(e, "no status for %s %s/%s", gg_model_kind_name(k), ns, name);
    return e->status;
}

static void expect_cond(const json_t *conds, const char *type, const char *status,
                        const char *reason, const char *what)
{
    const json_t *c = gg_status_condition(conds, type);
    char *dump = json_dumps(conds, JSON_INDENT(1));
    cr_assert_not_null(c, "%s: no %s condition in %s", what, type, dump);
    cr_expect_str_eq(json_string_value(json_object_get(c, "status")), status, "%s %s: %s", what,
                     type, dump);
    cr_expect_str_eq(json_string_value(json_object_get(c, "reason")), reason, "%s %s: %s", what,
                     type, dump);
    free(dump);
}

static const json_t *listener_of(const json_t *st, const char *name)
{
    size_t i;
    const json_t *l;
    json_array_foreach(json_object_get(st, "listeners"), i, l)
    {
        if (strcmp(json_string_value(json_object_get(l, "name")), name) == 0)
            return l;
    }
    cr_assert_fail("no listener %s", name);
    return NULL;
}

static void expect_listener(const struct gg_status_set *set, const char *ns, const char *gw,
                            const char *l, const char *type, const char *status, const char *reason)
{
    const json_t *lj = listener_of(status_of(set, GG_KIND_GATEWAY, ns, gw), l);
    expect_cond(json_object_get(lj, "conditions"), type, status, reason, l);
}

static void expect_route(const struct gg_status_set *set, const char *ns, const char *name,
                         size_t parent, const char *type, const char *status, const char *reason)
{
    const json_t *parents = json_object_get(status_of(set, GG_KIND_HTTPROUTE, ns, name), "parents");
    const json_t *p = json_array_get(parents, parent);
    cr_assert_not_null(p, "route %s/%s has no parent %zu", ns, name, parent);
    expect_cond(json_object_get(p, "conditions"), type, status, reason, name);
}

static json_int_t attached(const struct gg_status_set *set, const char *ns, const char *gw,
                           const char *l)
{
    const json_t *lj = listener_of(status_of(set, GG_KIND_GATEWAY, ns, gw), l);
    return json_integer_value(json_object_get(lj, "attachedRoutes"));
}

/* --- GatewayClass ---------------------------------------------------------- */

Test(gatewayclass_status, accepts_ours_and_leaves_other_classes_alone)
{
    struct gg_store *s =
        store_of(GC "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\n"
                    "metadata: {name: other}\nspec: {controllerName: example.com/x}\n");
    struct gg_status_set set;
    compute(s, &set);
    expect_cond(json_object_get(status_of(&set, GG_KIND_GATEWAYCLASS, "", "gg"), "conditions"),
                "Accepted", "True", "Accepted", "gg");
    cr_expect_null(gg_status_set_find(&set, GG_KIND_GATEWAYCLASS, "", "other"));
    gg_status_set_clear(&set);
    gg_store_free(s);
}

Test(gatewayclass_status, lists_supported_features_sorted)
{
    struct gg_store *s = store_of(GC);
    struct gg_status_set set;
    compute(s, &set);
    const json_t *f =
        json_object_get(status_of(&set, GG_KIND_GATEWAYCLASS, "", "gg"), "supportedFeatures");
    cr_assert_gt(json_array_size(f), 2);
    bool has_gateway = false;
    for (size_t i = 0; i < json_array_size(f); i++) {
        const char *n = json_string_value(json_object_get(json_array_get(f, i), "name"));
        has_gateway |= strcmp(n, "Gateway") == 0;
        if (i)
            cr_expect_lt(
                strcmp(json_string_value(json_object_get(json_array_get(f, i - 1), "name")), n), 0,
                "%s out of order", n);
    }
    cr_expect(has_gateway);
    gg_status_set_clear(&set);
    gg_store_free(s);
}

Test(gatewayclass_status, supported_version_true_for_v1_6_false_for_older)
{
    struct gg_store *s = store_of(GC);
    struct gg_status_set set;
    struct gg_status_opts o = {.bundle_version = "v1.6.3"};
    compute_with(s, &o, &set);
    const json_t *c =
        json_object_get(status_of(&set, GG_KIND_GATEWAYCLASS, "", "gg"), "conditions");
    expect_cond(c, "SupportedVersion", "True", "SupportedVersion", "gg");
    gg_status_set_clear(&set);

    struct gg_status_opts old = {.bundle_version = "v1.4.0"};
    compute_with(s, &old, &set);
    c = json_object_get(status_of(&set, GG_KIND_GATEWAYCLASS, "", "gg"), "conditions");
    expect_cond(c, "SupportedVersion", "False", "UnsupportedVersion", "gg");
    expect_cond(c, "Accepted", "False", "UnsupportedVersion", "gg");
    gg_status_set_clear(&set);

    struct gg_status_opts unknown = {0};
    compute_with(s, &unknown, &set);
    c = json_object_get(status_of(&set, GG_KIND_GATEWAYCLASS, "", "gg"), "conditions");
    cr_expect_null(gg_status_condition(c, "SupportedVersion"));
    gg_status_set_clear(&set);
    gg_store_free(s);
}

/* --- Gateway and listeners ------------------------------------------------------ */

#define GW_TWO(proto2)                                                                             \
    GC "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n"                                 \
       "metadata: {name: public, namespace: infra}\nspec:\n  gatewayClassName: gg\n"               \
       "  listeners:\n  - {name: http, port: 80, protocol: HTTP}\n"                                \
       "  - {name: other, port: 9000, protocol: " proto2 "}\n"

Test(gateway_status, accepted_and_programmed_when_every_listener_is_valid)
{
    struct gg_store *s = store_of(GW_TWO("HTTP"));
    struct gg_status_set set;
    compute(s, &set);
    const json_t *c =
        json_object_get(status_of(&set, GG_KIND_GATEWAY, "infra", "public"), "conditions");
    expect_cond(c, "Accepted", "True", "Accepted", "public");
    expect_cond(c, "Programmed", "True", "Programmed", "public");
    expect_listener(&set, "infra", "public", "other", "Accepted", "True", "Accepted");
    gg_status_set_clear(&set);
    gg_store_free(s);
}

Test(gateway_status, listeners_not_valid_when_some_or_all_are_unsupported)
{
    struct gg_store *s = store_of(GW_TWO("TCP"));
    struct gg_status_set set;
    compute(s, &set);
    const json_t *st = status_of(&set, GG_KIND_GATEWAY, "infra", "public");
    expect_cond(json_object_get(st, "conditions"), "Accepted", "True", "ListenersNotValid",
                "public");
    expect_listener(&set, "infra", "public", "other", "Accepted", "False", "UnsupportedProtocol");
    expect_listener(&set, "infra", "public", "other", "Programmed", "False", "Invalid");
    expect_listener(&set, "infra", "public", "http", "Accepted", "True", "Accepted");
    cr_expect_eq(json_array_size(json_object_get(listener_of(st, "other"), "supportedKinds")), 0);
    gg_status_set_clear(&set);
    gg_store_free(s);

    s = store_of(GC "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n"
                    "metadata: {name: public, namespace: infra}\nspec:\n  gatewayClassName: gg\n"
                    "  listeners: [{name: x, port: 9000, protocol: UDP}]\n");
    compute(s, &set);
    st = status_of(&set, GG_KIND_GATEWAY, "infra", "public");
    expect_cond(json_object_get(st, "conditions"), "Accepted", "False", "ListenersNotValid",
                "public");
    expect_cond(json_object_get(st, "conditions"), "Programmed", "False", "Invalid", "public");
    gg_status_set_clear(&set);
    gg_store_free(s);
}

Test(gateway_status, not_ours_gets_no_status)
{
    struct gg_store *s =
        store_of("apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\n"
                 "metadata: {name: gg}\nspec: {controllerName: example.com/x}\n---\n" GW_HTTP(
                     "infra", "public", "All"));
    struct gg_status_set set;
    compute(s, &set);
    cr_expect_null(gg_status_set_find(&set, GG_KIND_GATEWAY, "infra", "public"));
    gg_status_set_clear(&set);
    gg_store_free(s);
}

Test(gateway_status, addresses_are_typed)
{
    struct gg_store *s = store_of(GC GW_HTTP("infra", "public", "All"));
    struct gg_status_set set;
    struct gg_address_pool pool;
    char err[128];
    cr_assert_eq(gg_address_pool_parse("10.99.0.0/16", &pool, err, sizeof(err)), 0);
    struct gg_status_opts o = {.pool = &pool};
    compute_with(s, &o, &set);
    const json_t *a = json_array_get(
        json_object_get(status_of(&set, GG_KIND_GATEWAY, "infra", "public"), "addresses"), 0);
    cr_assert_not_null(a);
    cr_expect_str_eq(json_string_value(json_object_get(a, "type")), "IPAddress");
    cr_expect_eq(strncmp(json_string_value(json_object_get(a, "value")), "10.99.", 6), 0);
    gg_status_set_clear(&set);

    const char *fixed[] = {"gw.example.com", "192.0.2.7"};
    struct gg_status_opts o2 = {.addresses = fixed, .n_addresses = 2};
    compute_with(s, &o2, &set);
    const json_t *as =
        json_object_get(status_of(&set, GG_KIND_GATEWAY, "infra", "public"), "addresses");
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(as, 0), "type")), "Hostname");
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(as, 1), "type")),
                     "IPAddress");
    gg_status_set_clear(&set);
    gg_store_free(s);
}

#define GW_KINDS(kinds)                                                                            \
    GC "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n"                                 \
       "metadata: {name: public, namespace: infra}\nspec:\n  gatewayClassName: gg\n"               \
       "  listeners:\n  - name: http\n    port: 80\n    protocol: HTTP\n"                          \
       "    allowedRoutes: {kinds: [" kinds "]}\n"

Test(listener_status, invalid_route_kinds_drop_from_supported_kinds)
{
    struct gg_store *s = store_of(GW_KINDS("{kind: InvalidRoute}, {kind: HTTPRoute}"));
    struct gg_status_set set;
    compute(s, &set);
    expect_listener(&set, "infra", "public", "http", "ResolvedRefs", "False", "InvalidRouteKinds");
    const json_t *k = json_object_get(
        listener_of(status_of(&set, GG_KIND_GATEWAY, "infra", "public"), "http"), "supportedKinds");
    cr_assert_eq(json_array_size(k), 1);
    cr_expect_str_eq(json_string_value(json_object_get(json_array_get(k, 0), "kind")), "HTTPRoute");
    gg_status_set_clear(&set);
    gg_store_free(s);

    s = store_of(GW_KINDS("{kind: HTTPRoute}"));
    compute(s, &set);
    expect_listener(&set, "infra", "public", "http", "ResolvedRefs", "True", "ResolvedRefs");
    gg_status_set_clear(&set);
    gg_store_free(s);
}

#define GW_TLS(secret_ns)                                                                          \
    GC "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n"                                 \
       "metadata: {name: public, namespace: infra}\nspec:\n  gatewayClassName: gg\n"               \
       "  listeners:\n  - name: https\n    port: 443\n    protocol: HTTPS\n"                       \
       "    tls: {certificateRefs: [{name: cert, namespace: " secret_ns "}]}\n---\n"

Test(listener_status, invalid_certificate_ref_when_the_secret_is_missing)
{
    struct gg_store *s = store_of(GW_TLS("infra"));
    struct gg_status_set set;
    compute(s, &set);
    expect_listener(&set, "infra", "public", "https", "ResolvedRefs", "False",
                    "InvalidCertificateRef");
    expect_listener(&set, "infra", "public", "https", "Programmed", "False", "Invalid");
    gg_status_set_clear(&set);
    gg_store_free(s);

    s = store_of(GW_TLS("infra") SECRET("infra", "cert"));
    compute(s, &set);
    expect_listener(&set, "infra", "public", "https", "ResolvedRefs", "True", "ResolvedRefs");
    expect_listener(&set, "infra", "public", "https", "Programmed", "True", "Programmed");
    gg_status_set_clear(&set);
    gg_store_free(s);
}

#define GRANT_SECRETS(ns)                                                                          \
    "apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\n"                        \
    "metadata: {name: g, namespace: " ns "}\nspec:\n"                                              \
    "  from: [{group: gateway.networking.k8s.io, kind: Gateway, namespace: infra}]\n"              \
    "  to: [{group: '', kind: Secret}]\n---\n"

Test(listener_status, ref_not_permitted_without_a_grant)
{
    struct gg_store *s = store_of(GW_TLS("certs") SECRET("certs", "cert"));
    struct gg_status_set set;
    compute(s, &set);
    expect_listener(&set, "infra", "public", "https", "ResolvedRefs", "False", "RefNotPermitted");
    gg_status_set_clear(&set);
    gg_store_free(s);

    s = store_of(GW_TLS("certs") SECRET("certs", "cert") GRANT_SECRETS("certs"));
    compute(s, &set);
    expect_listener(&set, "infra", "public", "https", "ResolvedRefs", "True", "ResolvedRefs");
    gg_status_set_clear(&set);
    gg_store_free(s);
}

#define GW_PAIR(l2)                                                                                \
    GC "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n"                                 \
       "metadata: {name: public, namespace: infra}\nspec:\n  gatewayClassName: gg\n"               \
       "  listeners:\n  - {name: a, port: 80, protocol: HTTP, hostname: a.example.com}\n"          \
       "  - " l2 "\n"

Test(listener_status, conflicted_by_hostname_or_protocol)
{
    struct gg_store *s = store_of(GW_PAIR("{name: b, port: 80, protocol: TCP}"));
    struct gg_status_set set;
    compute(s, &set);
    expect_listener(&set, "infra", "public", "b", "Conflicted", "True", "ProtocolConflict");
    expect_listener(&set, "infra", "public", "a", "Conflicted", "True", "ProtocolConflict");
    gg_status_set_clear(&set);
    gg_store_free(s);

    s = store_of(GW_PAIR("{name: b, port: 80, protocol: HTTP, hostname: a.example.com, "
                         "allowedRoutes: {namespaces: {from: All}}}"));
    compute(s, &set);
    expect_listener(&set, "infra", "public", "b", "Conflicted", "True", "HostnameConflict");
    expect_listener(&set, "infra", "public", "b", "Accepted", "False", "HostnameConflict");
    gg_status_set_clear(&set);
    gg_store_free(s);

    s = store_of(GW_PAIR("{name: b, port: 80, protocol: HTTP, hostname: b.example.com}"));
    compute(s, &set);
    expect_listener(&set, "infra", "public", "b", "Conflicted", "False", "NoConflicts");
    expect_listener(&set, "infra", "public", "a", "Conflicted", "False", "NoConflicts");
    gg_status_set_clear(&set);
    gg_store_free(s);
}

Test(listener_status, attached_routes_count_accepted_routes_only)
{
    struct gg_store *s =
        store_of(GC GW_HTTP("infra", "public", "Same") SVC("infra", "web")
                     ROUTE("infra", "a", "infra", "web") ROUTE("infra", "b", "infra", "missing")
                         ROUTE("apps", "c", "infra", "web"));
    struct gg_status_set set;
    compute(s, &set);
    /* b has an unresolved backend but is attached; c is not allowed */
    cr_expect_eq(attached(&set, "infra", "public", "http"), 2);
    gg_status_set_clear(&set);
    gg_store_free(s);
}

/* --- ListenerSet ---------------------------------------------------------------- */

#define LS_GW(from)                                                                                \
    GC "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n"                                 \
       "metadata: {name: public, namespace: infra}\nspec:\n  gatewayClassName: gg\n"               \
       "  allowedListeners: {namespaces: {from: " from "}}\n"                                      \
       "  listeners: [{name: http, port: 80, protocol: HTTP}]\n---\n"                              \
       "apiVersion: gateway.networking.k8s.io/v1\nkind: ListenerSet\n"                             \
       "metadata: {name: extra, namespace: apps}\nspec:\n"                                         \
       "  parentRef: {name: public, namespace: infra}\n"                                           \
       "  listeners: [{name: web, port: 8080, protocol: HTTP, hostname: web.example.com}]\n"

Test(listenerset_status, accepted_when_the_gateway_allows_it)
{
    struct gg_store *s = store_of(LS_GW("All"));
    struct gg_status_set set;
    compute(s, &set);
    const json_t *st = status_of(&set, GG_KIND_LISTENERSET, "apps", "extra");
    expect_cond(json_object_get(st, "conditions"), "Accepted", "True", "Accepted", "extra");
    expect_cond(json_object_get(listener_of(st, "web"), "conditions"), "Programmed", "True",
                "Programmed", "web");
    cr_expect_eq(json_integer_value(json_object_get(
                     status_of(&set, GG_KIND_GATEWAY, "infra", "public"), "attachedListenerSets")),
                 1);
    gg_status_set_clear(&set);
    gg_store_free(s);

    s = store_of(LS_GW("Same"));
    compute(s, &set);
    st = status_of(&set, GG_KIND_LISTENERSET, "apps", "extra");
    expect_cond(json_object_get(st, "conditions"), "Accepted", "False", "NotAllowed", "extra");
    expect_cond(json_object_get(st, "conditions"), "Programmed", "False", "Invalid", "extra");
    gg_status_set_clear(&set);
    gg_store_free(s);
}

/* --- routes -------------------------------------------------------------------- */

Test(route_status, accepted_and_resolved_echoing_the_parent_ref)
{
    struct gg_store *s = store_of(GC GW_HTTP("infra", "public", "All") SVC("apps", "web")
                                      ROUTE("apps", "r", "infra", "web"));
    struct gg_status_set set;
    compute(s, &set);
    expect_route(&set, "apps", "r", 0, "Accepted", "True", "Accepted");
    expect_route(&set, "apps", "r", 0, "ResolvedRefs", "True", "ResolvedRefs");
    const json_t *p = json_array_get(
        json_object_get(status_of(&set, GG_KIND_HTTPROUTE, "apps", "r"), "parents"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(p, "controllerName")),
                     "gateguard.dev/gateway-controller");
    json_t *want = json_pack("{s:s,s:s,s:s,s:s}", "group", "gateway.networking.k8s.io", "kind",
                             "Gateway", "namespace", "infra", "name", "public");
    cr_expect(json_equal(json_object_get(p, "parentRef"), want));
    json_decref(want);
    gg_status_set_clear(&set);
    gg_store_free(s);
}

Test(route_status, not_allowed_by_listeners_from_another_namespace)
{
    struct gg_store *s = store_of(GC GW_HTTP("infra", "public", "Same") SVC("apps", "web")
                                      ROUTE("apps", "r", "infra", "web"));
    struct gg_status_set set;
    compute(s, &set);
    expect_route(&set, "apps", "r", 0, "Accepted", "False", "NotAllowedByListeners");
    gg_status_set_clear(&set);
    gg_store_free(s);
}

Test(route_status, not_allowed_until_the_namespace_label_matches)
{
    const char *gw =
        GC "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n"
           "metadata: {name: public, namespace: infra}\nspec:\n  gatewayClassName: gg\n"
           "  listeners:\n  - name: http\n    port: 80\n    protocol: HTTP\n"
           "    allowedRoutes: {namespaces: {from: Selector, selector: {matchLabels: {team: a}}}}\n"
           "---\n";
    char buf[4096];
    snprintf(buf, sizeof(buf), "%s%s%s%s", gw, NS("apps", "team: b"), SVC("apps", "web"),
             ROUTE("apps", "r", "infra", "web"));
    struct gg_store *s = store_of(buf);
    struct gg_status_set set;
    compute(s, &set);
    expect_route(&set, "apps", "r", 0, "Accepted", "False", "NotAllowedByListeners");
    gg_status_set_clear(&set);
    gg_store_free(s);

    snprintf(buf, sizeof(buf), "%s%s%s%s", gw, NS("apps", "team: a"), SVC("apps", "web"),
             ROUTE("apps", "r", "infra", "web"));
    s = store_of(buf);
    compute(s, &set);
    expect_route(&set, "apps", "r", 0, "Accepted", "True", "Accepted");
    gg_status_set_clear(&set);
    gg_store_free(s);
}

#define ROUTE_REF(extra, host)                                                                     \
    "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: "   \
    "infra}\nspec:\n  parentRefs: [{name: public" extra "}]\n  hostnames: [" host "]\n"            \
    "  rules: [{backendRefs: [{name: web, port: 8080}]}]\n---\n"

Test(route_status, no_matching_parent_for_an_unknown_section_or_port)
{
    struct gg_store *s = store_of(GC GW_HTTP("infra", "public", "Same") SVC("infra", "web")
                                      ROUTE_REF(", sectionName: http1", ""));
    struct gg_status_set set;
    compute(s, &set);
    expect_route(&set, "infra", "r", 0, "Accepted", "False", "NoMatchingParent");
    gg_status_set_clear(&set);
    gg_store_free(s);

    s = store_of(GC GW_HTTP("infra", "public", "Same") SVC("infra", "web")
                     ROUTE_REF(", port: 81", ""));
    compute(s, &set);
    expect_route(&set, "infra", "r", 0, "Accepted", "False", "NoMatchingParent");
    gg_status_set_clear(&set);
    gg_store_free(s);

    s = store_of(GC GW_HTTP("infra", "public", "Same") SVC("infra", "web")
                     ROUTE_REF(", sectionName: http, port: 80", ""));
    compute(s, &set);
    expect_route(&set, "infra", "r", 0, "Accepted", "True", "Accepted");
    gg_status_set_clear(&set);
    gg_store_free(s);
}

#define GW_HOST                                                                                    \
    GC "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n"                                 \
       "metadata: {name: public, namespace: infra}\nspec:\n  gatewayClassName: gg\n"               \
       "  listeners: [{name: http, port: 80, protocol: HTTP, hostname: '*.example.com'}]\n---\n"

Test(route_status, no_matching_listener_hostname)
{
    struct gg_store *s =
        store_of(GW_HOST SVC("infra", "web") ROUTE_REF("", "not-accepted.test.com"));
    struct gg_status_set set;
    compute(s, &set);
    expect_route(&set, "infra", "r", 0, "Accepted", "False", "NoMatchingListenerHostname");
    cr_expect_eq(attached(&set, "infra", "public", "http"), 0);
    gg_status_set_clear(&set);
    gg_store_free(s);

    s = store_of(GW_HOST SVC("infra", "web") ROUTE_REF("", "api.example.com"));
    compute(s, &set);
    expect_route(&set, "infra", "r", 0, "Accepted", "True", "Accepted");
    cr_expect_eq(attached(&set, "infra", "public", "http"), 1);
    gg_status_set_clear(&set);
    gg_store_free(s);
}

Test(route_status, unsupported_value_for_a_match_type_the_proxy_lacks)
{
    struct gg_store *s = store_of(GC GW_HTTP("infra", "public", "Same") SVC(
        "infra",
        "web") "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, "
               "namespace: infra}\nspec:\n  parentRefs: [{name: public}]\n"
               "  rules: [{matches: [{path: {type: example.com/Glob, value: /x}}], "
               "backendRefs: [{name: web, port: 8080}]}]\n");
    struct gg_status_set set;
    compute(s, &set);
    expect_route(&set, "infra", "r", 0, "Accepted", "False", "UnsupportedValue");
    gg_status_set_clear(&set);
    gg_store_free(s);
}

Test(route_status, backend_not_found_while_still_attached)
{
    struct gg_store *s = store_of(GC GW_HTTP("infra", "public", "All") SVC("apps", "other")
                                      ROUTE("apps", "r", "infra", "web"));
    struct gg_status_set set;
    compute(s, &set);
    expect_route(&set, "apps", "r", 0, "Accepted", "True", "Accepted");
    expect_route(&set, "apps", "r", 0, "ResolvedRefs", "False", "BackendNotFound");
    gg_status_set_clear(&set);
    gg_store_free(s);
}

#define ROUTE_X(group, kind, ns)                                                                   \
    "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: "   \
    "infra}\nspec:\n  parentRefs: [{name: public}]\n"                                              \
    "  rules: [{backendRefs: [{group: '" group "', kind: " kind ", name: web, namespace: " ns      \
    ", port: 8080}]}]\n---\n"

Test(route_status, invalid_kind_for_an_unknown_backend_kind)
{
    struct gg_store *s = store_of(GC GW_HTTP("infra", "public", "Same") SVC("infra", "web")
                                      ROUTE_X("unknownkind.example.com", "NonExistent", "infra"));
    struct gg_status_set set;
    compute(s, &set);
    expect_route(&set, "infra", "r", 0, "ResolvedRefs", "False", "InvalidKind");
    gg_status_set_clear(&set);
    gg_store_free(s);

    s = store_of(GC GW_HTTP("infra", "public", "Same") SVC("infra", "web")
                     ROUTE_X("", "Service", "infra"));
    compute(s, &set);
    expect_route(&set, "infra", "r", 0, "ResolvedRefs", "True", "ResolvedRefs");
    gg_status_set_clear(&set);
    gg_store_free(s);
}

#define GRANT_SERVICES                                                                             \
    "apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\n"                        \
    "metadata: {name: g, namespace: backends}\nspec:\n"                                            \
    "  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: infra}]\n"            \
    "  to: [{group: '', kind: Service}]\n---\n"

Test(route_status, ref_not_permitted_across_namespaces_without_a_grant)
{
    struct gg_store *s = store_of(GC GW_HTTP("infra", "public", "Same") SVC("backends", "web")
                                      ROUTE_X("", "Service", "backends"));
    struct gg_status_set set;
    compute(s, &set);
    expect_route(&set, "infra", "r", 0, "ResolvedRefs", "False", "RefNotPermitted");
    gg_status_set_clear(&set);
    gg_store_free(s);

    s = store_of(GC GW_HTTP("infra", "public", "Same") SVC("backends", "web")
                     GRANT_SERVICES ROUTE_X("", "Service", "backends"));
    compute(s, &set);
    expect_route(&set, "infra", "r", 0, "ResolvedRefs", "True", "ResolvedRefs");
    gg_status_set_clear(&set);
    gg_store_free(s);
}

/* --- what the previous status carries over --------------------------------------- */

Test(route_status, keeps_last_transition_time_while_status_holds)
{
    struct gg_store *s = store_of(GC GW_HTTP("infra", "public", "All") SVC("apps", "web")
                                      ROUTE("apps", "r", "infra", "web"));
    struct gg_status_set first, again;
    struct gg_status_opts o = {.now = "2026-01-01T00:00:00Z"};
    compute_with(s, &o, &first);
    struct prev p = {"apps", "r", status_of(&first, GG_KIND_HTTPROUTE, "apps", "r")};
    struct gg_status_opts later = {.now = "2026-02-02T00:00:00Z", .prev = prev_cb, .prev_ctx = &p};
    compute_with(s, &later, &again);
    const json_t *c = gg_status_condition(
        json_object_get(
            json_array_get(
                json_object_get(status_of(&again, GG_KIND_HTTPROUTE, "apps", "r"), "parents"), 0),
            "conditions"),
        "Accepted");
    cr_expect_str_eq(json_string_value(json_object_get(c, "lastTransitionTime")),
                     "2026-01-01T00:00:00Z");
    gg_status_set_clear(&again);
    gg_store_free(s);

    /* the Service goes: ResolvedRefs flips and takes the new time */
    s = store_of(GC GW_HTTP("infra", "public", "All") ROUTE("apps", "r", "infra", "web"));
    compute_with(s, &later, &again);
    c = gg_status_condition(
        json_object_get(
            json_array_get(
                json_object_get(status_of(&again, GG_KIND_HTTPROUTE, "apps", "r"), "parents"), 0),
            "conditions"),
        "ResolvedRefs");
    cr_expect_str_eq(json_string_value(json_object_get(c, "lastTransitionTime")),
                     "2026-02-02T00:00:00Z");
    gg_status_set_clear(&again);
    gg_status_set_clear(&first);
    gg_store_free(s);
}

Test(route_status, keeps_other_controllers_parents_and_drops_our_stale_ones)
{
    struct gg_store *s = store_of(GC GW_HTTP("infra", "public", "All") SVC(
        "apps", "web") "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n"
                       "metadata: {name: r, namespace: apps}\nspec:\n"
                       "  parentRefs: [{name: elsewhere, namespace: infra}]\n");
    json_t *prev = json_loads(
        "{\"parents\": [{\"controllerName\": \"example.com/x\", \"parentRef\": {\"name\": "
        "\"elsewhere\"}, \"conditions\": []}, {\"controllerName\": "
        "\"gateguard.dev/gateway-controller\", \"parentRef\": {\"name\": \"public\"}, "
        "\"conditions\": []}]}",
        0, NULL);
    struct prev p = {"apps", "r", prev};
    struct gg_status_opts o = {.prev = prev_cb, .prev_ctx = &p};
    struct gg_status_set set;
    compute_with(s, &o, &set);
    const json_t *parents =
        json_object_get(status_of(&set, GG_KIND_HTTPROUTE, "apps", "r"), "parents");
    cr_assert_eq(json_array_size(parents), 1);
    cr_expect_str_eq(
        json_string_value(json_object_get(json_array_get(parents, 0), "controllerName")),
        "example.com/x");
    gg_status_set_clear(&set);
    json_decref(prev);
    gg_store_free(s);
}

/* --- agreement with the webhook ------------------------------------------------ */

#ifndef GG_CASES_DIR
#define GG_CASES_DIR "tests/cases"
#endif

struct agree_case {
    char *yaml; /* cr_malloc'd */
};

static void free_cases(struct criterion_test_params *p)
{
    struct agree_case *c = p->params;
    for (size_t i = 0; i < p->length; i++)
        cr_free(c[i].yaml);
    cr_free(c);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

ParameterizedTestParameters(status_agreement, held_in_cross_cases)
{
    DIR *d = opendir(GG_CASES_DIR "/cross");
    cr_assert_not_null(d);
    size_t n = 0, cap = 512;
    char **names = malloc(cap * sizeof(*names));
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len > 5 && strcmp(de->d_name + len - 5, ".yaml") == 0 && n < cap)
            names[n++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(*names), cmp_names);
    struct agree_case *c = cr_malloc((n ? n : 1) * sizeof(*c));
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(GG_CASES_DIR "/cross/") + strlen(names[i]) + 1;
        c[i].yaml = cr_malloc(len);
        snprintf(c[i].yaml, len, "%s%s", GG_CASES_DIR "/cross/", names[i]);
        free(names[i]);
    }
    free(names);
    return cr_make_param_array(struct agree_case, c, n, free_cases);
}

/* The reason words the webhook's findings start with that a status
 * condition carries too. */
static const char *const status_reasons[] = {
    "NotAllowedByListeners", "NoMatchingParent",  "NoMatchingListenerHostname",
    "RefNotPermitted",       "BackendNotFound",   "InvalidKind",
    "InvalidCertificateRef", "InvalidRouteKinds", "HostnameConflict",
    "ProtocolConflict",      "NotAllowed",        "UnsupportedValue",
};

static const char *reason_word(const char *detail)
{
    for (size_t i = 0; detail && i < sizeof(status_reasons) / sizeof(*status_reasons); i++) {
        size_t l = strlen(status_reasons[i]);
        if (strncmp(detail, status_reasons[i], l) == 0 && detail[l] == ':')
            return status_reasons[i];
    }
    return NULL;
}

/* Whether some condition anywhere in <j> has reason <r>, or names it in
 * its message (a hostname Accepted ignores); and (NULL <r>: whether
 * every Accepted and ResolvedRefs condition is True). */
static bool walk_conditions(const json_t *j, const char *r, bool *all_true)
{
    bool found = false;
    if (json_is_object(j)) {
        const char *type = json_string_value(json_object_get(j, "type"));
        const char *reason = json_string_value(json_object_get(j, "reason"));
        const char *st = json_string_value(json_object_get(j, "status"));
        const char *msg = json_string_value(json_object_get(j, "message"));
        if (type && reason && st) {
            if (r && (strcmp(reason, r) == 0 || (msg && strstr(msg, r))))
                found = true;
            /* a protocol the proxy does not serve is this implementation's
             * limit, not a verdict on the object */
            if ((strcmp(type, "Accepted") == 0 || strcmp(type, "ResolvedRefs") == 0) &&
                strcmp(st, "True") != 0 && strcmp(reason, "UnsupportedProtocol") != 0 &&
                strcmp(reason, "ListenersNotValid") != 0)
                *all_true = false;
        }
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)j, k, v) found |= walk_conditions(v, r, all_true);
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) found |= walk_conditions(v, r, all_true);
    }
    return found;
}

/* The webhook says nothing of a Service or Secret in a namespace of which
 * the store holds none of that kind: the store does not watch it, and the
 * object is assumed to be there. The status controller watches every
 * namespace, so the agreement test puts those assumed objects in. */
struct assumed {
    const struct gg_store *s;
    json_t *add; /* array of objects to put */
};

static void assume(struct assumed *a, const struct gg_ref *r, const char *from_ns, const char *kind,
                   enum gg_model_kind k)
{
    if (!r->name || !r->group || !r->kind || strcmp(r->group, "") || strcmp(r->kind, kind))
        return;
    const char *ns = gg_ref_ns(r, from_ns);
    if (gg_store_count_in(a->s, k, ns) > 0)
        return;
    json_array_append_new(a->add, json_pack("{s:s,s:s,s:{s:s,s:s}}", "apiVersion", "v1", "kind",
                                            kind, "metadata", "name", r->name, "namespace", ns));
}

static bool assume_route_cb(const struct gg_object *o, void *arg)
{
    const struct gg_route *rt = &o->u.route;
    for (size_t i = 0; i < rt->n_rules; i++) {
        for (size_t j = 0; j < rt->rules[i].n_backend_refs; j++)
            assume(arg, &rt->rules[i].backend_refs[j], o->ns, "Service", GG_KIND_SERVICE);
        for (size_t j = 0; j < rt->rules[i].n_mirrors; j++)
            assume(arg, &rt->rules[i].mirrors[j].backend_ref, o->ns, "Service", GG_KIND_SERVICE);
    }
    return true;
}

static bool assume_listeners_cb(const struct gg_object *o, void *arg)
{
    const struct gg_listener *l =
        o->kind == GG_KIND_GATEWAY ? o->u.gateway.listeners : o->u.listenerset.listeners;
    size_t n = o->kind == GG_KIND_GATEWAY ? o->u.gateway.n_listeners : o->u.listenerset.n_listeners;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < l[i].n_certificate_refs; k++)
            assume(arg, &l[i].certificate_refs[k], o->ns, "Secret", GG_KIND_SECRET);
    return true;
}

static void put_assumed(struct gg_store *s)
{
    struct assumed a = {s, json_array()};
    gg_store_read_begin(s);
    gg_store_each(s, GG_KIND_HTTPROUTE, assume_route_cb, &a);
    gg_store_each(s, GG_KIND_GRPCROUTE, assume_route_cb, &a);
    gg_store_each(s, GG_KIND_GATEWAY, assume_listeners_cb, &a);
    gg_store_each(s, GG_KIND_LISTENERSET, assume_listeners_cb, &a);
    gg_store_read_end(s);
    size_t i;
    json_t *o;
    json_array_foreach(a.add, i, o) gg_store_put_json(s, o);
    json_decref(a.add);
}

ParameterizedTest(struct agree_case *fx, status_agreement, held_in_cross_cases)
{
    char err[1024];
    cr_assert_eq(gg_validate_init(err, sizeof(err)), 0, "%s", err);
    FILE *f = fopen(fx->yaml, "rb");
    cr_assert_not_null(f, "%s", fx->yaml);
    struct gg_buf b;
    gg_buf_init(&b);
    char chunk[8192];
    size_t k;
    while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0)
        gg_buf_add(&b, chunk, k);
    fclose(f);
    struct gg_docs docs;
    gg_docs_init(&docs);
    if (gg_load_buffer(&docs, fx->yaml, b.data ? b.data : "", b.len, err, sizeof(err)) < 0) {
        gg_buf_clear(&b);
        gg_docs_clear(&docs);
        return; /* a case about unreadable input has no objects to judge */
    }
    struct gg_errs errs;
    gg_errs_init(&errs);
    struct gg_check_stats st;
    gg_check_docs(&docs, NULL, &errs, &st);

    struct gg_store *s = gg_store_new();
    for (size_t i = 0; i < docs.n; i++)
        gg_store_put_json(s, docs.items[i].obj);
    /* the cases name class "gg" and rarely carry it: make it ours */
    if (!gg_store_find(s, GG_KIND_GATEWAYCLASS, "", "gg")) {
        json_t *gc =
            json_pack("{s:s,s:s,s:{s:s},s:{s:s}}", "apiVersion", "gateway.networking.k8s.io/v1",
                      "kind", "GatewayClass", "metadata", "name", "gg", "spec", "controllerName",
                      "gateguard.dev/gateway-controller");
        gg_store_put_json(s, gc);
        json_decref(gc);
    }
    put_assumed(s);
    struct gg_status_set set;
    compute(s, &set);
    for (size_t i = 0; i < set.n; i++) {
        const struct gg_status_entry *e = &set.items[i];
        const char *kind = gg_model_kind_name(e->kind);
        size_t findings = 0;
        for (size_t x = 0; x < errs.n; x++) {
            const struct gg_err *er = &errs.items[x];
            if (strcmp(er->kind, kind) != 0 || strcmp(er->name, e->name) != 0 ||
                strcmp(er->ns ? er->ns : "", e->ns) != 0)
                continue;
            findings++;
            const char *word = reason_word(er->detail);
            bool all_true = true;
            if (word)
                cr_expect(walk_conditions(e->status, word, &all_true),
                          "%s: %s %s/%s: the webhook says %s (%s) but no condition does:\n%s",
                          fx->yaml, kind, e->ns, e->name, word, er->detail,
                          json_dumps(e->status, JSON_INDENT(1)));
        }
        bool all_true = true;
        walk_conditions(e->status, NULL, &all_true);
        if (findings == 0)
            cr_expect(all_true,
                      "%s: %s %s/%s is allowed without warnings but its status is not "
                      "Accepted/ResolvedRefs:\n%s",
                      fx->yaml, kind, e->ns, e->name, json_dumps(e->status, JSON_INDENT(1)));
    }
    gg_status_set_clear(&set);
    gg_store_free(s);
    gg_errs_clear(&errs);
    gg_docs_clear(&docs);
    gg_buf_clear(&b);
}

/* --- parameters, addresses, generations, protocols ------------------------------ */

Test(gatewayclass_status, invalid_parameters_when_parameters_ref_is_set)
{
    struct gg_store *s = store_of(
        "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: gg}\n"
        "spec: {controllerName: gateguard.dev/gateway-controller, parametersRef: {group: "
        "example.com, kind: Params, name: p}}\n");
    struct gg_status_set set;
    compute(s, &set);
    expect_cond(json_object_get(status_of(&set, GG_KIND_GATEWAYCLASS, "", "gg"), "conditions"),
                "Accepted", "False", "InvalidParameters", "gg");
    gg_status_set_clear(&set);
    gg_store_free(s);
}

#define GW_SPEC(extra)                                                                             \
    GC "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n"                                 \
       "metadata: {name: public, namespace: infra, generation: 7}\nspec:\n"                        \
       "  gatewayClassName: gg\n  listeners: [{name: http, port: 80, protocol: HTTP}]\n" extra

Test(gateway_status, invalid_parameters_when_infrastructure_names_some)
{
    struct gg_store *s = store_of(GW_SPEC("  infrastructure: {parametersRef: {group: invalid.io, "
                                          "kind: InvalidParameters, name: x}}\n"));
    struct gg_status_set set;
    compute(s, &set);
    const json_t *c =
        json_object_get(status_of(&set, GG_KIND_GATEWAY, "infra", "public"), "conditions");
    expect_cond(c, "Accepted", "False", "InvalidParameters", "public");
    gg_status_set_clear(&set);
    gg_store_free(s);
}

Test(gateway_status, observed_generation_is_the_objects)
{
    struct gg_store *s = store_of(GW_SPEC(""));
    struct gg_status_set set;
    compute(s, &set);
    const json_t *st = status_of(&set, GG_KIND_GATEWAY, "infra", "public");
    const json_t *c = gg_status_condition(json_object_get(st, "conditions"), "Programmed");
    cr_expect_eq(json_integer_value(json_object_get(c, "observedGeneration")), 7);
    c = gg_status_condition(json_object_get(listener_of(st, "http"), "conditions"), "Accepted");
    cr_expect_eq(json_integer_value(json_object_get(c, "observedGeneration")), 7);
    gg_status_set_clear(&set);
    gg_store_free(s);
}

Test(gateway_status, unsupported_address_type_and_unusable_address)
{
    struct gg_store *s = store_of(GW_SPEC("  addresses: [{type: example.com/Bogus, value: x}]\n"));
    struct gg_status_set set;
    compute(s, &set);
    expect_cond(json_object_get(status_of(&set, GG_KIND_GATEWAY, "infra", "public"), "conditions"),
                "Accepted", "False", "UnsupportedAddress", "public");
    gg_status_set_clear(&set);
    gg_store_free(s);

    s = store_of(GW_SPEC("  addresses: [{type: IPAddress, value: 192.0.2.9}]\n"));
    const char *fixed[] = {"192.0.2.7"};
    struct gg_status_opts o = {.addresses = fixed, .n_addresses = 1};
    compute_with(s, &o, &set);
    const json_t *c =
        json_object_get(status_of(&set, GG_KIND_GATEWAY, "infra", "public"), "conditions");
    expect_cond(c, "Accepted", "True", "Accepted", "public");
    expect_cond(c, "Programmed", "False", "AddressNotUsable", "public");
    gg_status_set_clear(&set);

    const char *same[] = {"192.0.2.9"};
    struct gg_status_opts o2 = {.addresses = same, .n_addresses = 1};
    compute_with(s, &o2, &set);
    c = json_object_get(status_of(&set, GG_KIND_GATEWAY, "infra", "public"), "conditions");
    expect_cond(c, "Programmed", "True", "Programmed", "public");
    gg_status_set_clear(&set);
    gg_store_free(s);
}

Test(listener_status, invalid_certificate_ref_for_a_malformed_secret)
{
    struct gg_store *s = store_of(GW_TLS("infra") "apiVersion: v1\nkind: Secret\n"
                                                  "metadata: {name: cert, namespace: infra}\n"
                                                  "type: kubernetes.io/tls\n"
                                                  "data: {tls.crt: '!!!', tls.key: '!!!'}\n");
    struct gg_status_set set;
    compute(s, &set);
    expect_listener(&set, "infra", "public", "https", "ResolvedRefs", "False",
                    "InvalidCertificateRef");
    gg_status_set_clear(&set);
    gg_store_free(s);

    s = store_of(GW_TLS("infra") "apiVersion: v1\nkind: Secret\n"
                                 "metadata: {name: cert, namespace: infra}\n"
                                 "type: kubernetes.io/tls\n"
                                 "data: {tls.crt: Y2VydA==, tls.key: a2V5}\n");
    compute(s, &set);
    expect_listener(&set, "infra", "public", "https", "ResolvedRefs", "True", "ResolvedRefs");
    gg_status_set_clear(&set);
    gg_store_free(s);
}

#define SVC_PORT(app)                                                                              \
    "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: infra}\n"                     \
    "spec: {ports: [{port: 8080" app "}]}\n---\n"

Test(route_status, unsupported_protocol_for_a_backend_port_the_proxy_cannot_speak)
{
    struct gg_store *s = store_of(GC GW_HTTP("infra", "public", "Same") SVC_PORT(
        ", appProtocol: kubernetes.io/h2c") ROUTE_X("", "Service", "infra"));
    struct gg_status_set set;
    compute(s, &set);
    expect_route(&set, "infra", "r", 0, "ResolvedRefs", "False", "UnsupportedProtocol");
    gg_status_set_clear(&set);
    gg_store_free(s);

    s = store_of(GC GW_HTTP("infra", "public", "Same") SVC_PORT(", appProtocol: http")
                     ROUTE_X("", "Service", "infra"));
    compute(s, &set);
    expect_route(&set, "infra", "r", 0, "ResolvedRefs", "True", "ResolvedRefs");
    gg_status_set_clear(&set);
    gg_store_free(s);
}
