/* SPDX-License-Identifier: Apache-2.0 */
/* Decoding objects into the model: kinds and served versions, the defaults
 * the checks rely on, positions kept for field paths, odd shapes. */
#include <criterion/criterion.h>
#include <string.h>

#include "validation/arena.h"
#include "validation/model.h"
#include "yaml_helper.h"

static struct gg_object *decode(const char *text)
{
    json_t *j = test_yaml(text);
    struct gg_object *o = gg_model_decode(j);
    json_decref(j);
    return o;
}

Test(model_kinds, accepts_every_served_version_and_no_other)
{
    static const struct {
        const char *api, *kind;
        bool ok;
    } cases[] = {
        {"gateway.networking.k8s.io/v1", "HTTPRoute", true},
        {"gateway.networking.k8s.io/v1beta1", "HTTPRoute", true},
        {"gateway.networking.k8s.io/v1alpha2", "HTTPRoute", false},
        {"gateway.networking.k8s.io/v1", "GRPCRoute", true},
        {"gateway.networking.k8s.io/v1beta1", "GRPCRoute", false},
        {"gateway.networking.k8s.io/v1", "ReferenceGrant", true},
        {"gateway.networking.k8s.io/v1beta1", "ReferenceGrant", true},
        {"gateway.networking.k8s.io/v1beta1", "Gateway", true},
        {"gateway.networking.k8s.io/v1", "ListenerSet", true},
        {"gateway.networking.x-k8s.io/v1alpha1", "XListenerSet", false},
        {"v1", "Namespace", true},
        {"v1", "Service", true},
        {"v1", "Secret", true},
        {"apps/v1", "Deployment", false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *j = json_pack("{s:s, s:s}", "apiVersion", cases[i].api, "kind", cases[i].kind);
        enum gg_model_kind k;
        cr_expect_eq(gg_model_kind_of(j, &k), cases[i].ok, "%s %s", cases[i].api, cases[i].kind);
        json_decref(j);
    }
}

Test(model_httproute, fills_the_crd_defaults_the_checks_need)
{
    struct gg_object *o = decode("apiVersion: gateway.networking.k8s.io/v1\n"
                                 "kind: HTTPRoute\n"
                                 "metadata: {name: r}\n"
                                 "spec:\n"
                                 "  parentRefs: [{name: gw}]\n"
                                 "  rules:\n"
                                 "  - backendRefs: [{name: svc, port: 80}]\n");
    cr_assert_not_null(o);
    cr_expect_str_eq(o->ns, "default");
    cr_expect_eq(o->created, GG_CREATED_UNKNOWN);
    const struct gg_route *r = &o->u.route;
    cr_assert_eq(r->n_parent_refs, 1);
    cr_expect_str_eq(r->parent_refs[0].group, GG_GROUP);
    cr_expect_str_eq(r->parent_refs[0].kind, "Gateway");
    cr_expect_null(r->parent_refs[0].ns);
    cr_assert_eq(r->n_rules, 1);
    cr_expect(r->rules[0].matches_defaulted);
    cr_assert_eq(r->rules[0].n_matches, 1);
    cr_expect_eq(r->rules[0].matches.http[0].path_type, GG_MATCH_PATH_PREFIX);
    cr_expect_str_eq(r->rules[0].matches.http[0].path, "/");
    cr_expect_str_eq(r->rules[0].backend_refs[0].group, "");
    cr_expect_str_eq(r->rules[0].backend_refs[0].kind, "Service");
    cr_expect_eq(r->rules[0].backend_refs[0].port, 80);
    gg_object_free(o);
}

Test(model_httproute, keeps_mirror_backends_and_where_they_sit)
{
    struct gg_object *o =
        decode("apiVersion: gateway.networking.k8s.io/v1\n"
               "kind: HTTPRoute\n"
               "metadata: {name: r, namespace: apps}\n"
               "spec:\n"
               "  rules:\n"
               "  - filters:\n"
               "    - type: RequestHeaderModifier\n"
               "      requestHeaderModifier: {set: [{name: a, value: b}]}\n"
               "    - type: RequestMirror\n"
               "      requestMirror: {backendRef: {name: shadow, namespace: qa, port: 80}}\n"
               "    backendRefs:\n"
               "    - name: a\n"
               "      port: 80\n"
               "    - name: b\n"
               "      port: 80\n"
               "      filters:\n"
               "      - type: RequestMirror\n"
               "        requestMirror: {backendRef: {name: copy, port: 81}}\n");
    cr_assert_not_null(o);
    const struct gg_rule *ru = &o->u.route.rules[0];
    cr_assert_eq(ru->n_mirrors, 2);
    cr_expect_eq(ru->mirrors[0].backend_index, GG_MIRROR_RULE_LEVEL);
    cr_expect_eq(ru->mirrors[0].filter_index, 1);
    cr_expect_str_eq(ru->mirrors[0].backend_ref.ns, "qa");
    cr_expect_eq(ru->mirrors[1].backend_index, 1);
    cr_expect_eq(ru->mirrors[1].filter_index, 0);
    cr_expect_str_eq(ru->mirrors[1].backend_ref.name, "copy");
    gg_object_free(o);
}

Test(model_httproute, reads_wrong_types_as_absent_and_keeps_positions)
{
    struct gg_object *o = decode("apiVersion: gateway.networking.k8s.io/v1\n"
                                 "kind: HTTPRoute\n"
                                 "metadata: {name: r, creationTimestamp: 7}\n"
                                 "spec:\n"
                                 "  hostnames: [3, a.example.com]\n"
                                 "  parentRefs: [oops, {name: gw, port: 99999}]\n"
                                 "  rules: [{matches: [{path: 5}], backendRefs: x}]\n");
    cr_assert_not_null(o);
    const struct gg_route *r = &o->u.route;
    cr_assert_eq(r->n_hostnames, 2);
    cr_expect_null(r->hostnames[0]);
    cr_expect_str_eq(r->hostnames[1], "a.example.com");
    cr_assert_eq(r->n_parent_refs, 2);
    cr_expect_null(r->parent_refs[0].name);
    cr_expect_str_eq(r->parent_refs[1].name, "gw");
    cr_expect_eq(r->parent_refs[1].port, 0);
    cr_expect_eq(r->rules[0].n_backend_refs, 0);
    cr_expect_str_eq(r->rules[0].matches.http[0].path, "/");
    cr_expect_eq(o->created, GG_CREATED_UNKNOWN);
    gg_object_free(o);
}

Test(model_httproute, refuses_objects_without_a_name)
{
    cr_expect_null(decode("apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n"
                          "metadata: {namespace: a}\n"));
    cr_expect_null(decode("apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n"
                          "metadata: {name: \"\"}\n"));
    cr_expect_null(decode("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\n"));
}

Test(model_grpcroute, has_no_default_rule_and_marks_matchless_rules)
{
    struct gg_object *o = decode("apiVersion: gateway.networking.k8s.io/v1\n"
                                 "kind: GRPCRoute\n"
                                 "metadata: {name: g, namespace: a}\n"
                                 "spec:\n"
                                 "  rules:\n"
                                 "  - backendRefs: [{name: s, port: 9000}]\n"
                                 "  - matches: [{method: {service: pkg.Svc}}]\n");
    cr_assert_not_null(o);
    cr_assert_eq(o->u.route.n_rules, 2);
    cr_expect(o->u.route.rules[0].matches_defaulted);
    cr_expect_eq(o->u.route.rules[0].n_matches, 0);
    cr_expect_str_eq(o->u.route.rules[1].matches.grpc[0].service, "pkg.Svc");
    cr_expect_null(o->u.route.rules[1].matches.grpc[0].method);
    cr_expect_eq(o->u.route.rules[1].matches.grpc[0].method_type, GG_MATCH_EXACT);
    gg_object_free(o);
}

Test(model_gateway, defaults_allowed_routes_tls_mode_and_allowed_listeners)
{
    struct gg_object *o = decode(
        "apiVersion: gateway.networking.k8s.io/v1\n"
        "kind: Gateway\n"
        "metadata: {name: gw, namespace: infra, creationTimestamp: \"2024-05-01T10:00:00Z\"}\n"
        "spec:\n"
        "  gatewayClassName: c\n"
        "  listeners:\n"
        "  - {name: http, port: 80, protocol: HTTP}\n"
        "  - name: https\n"
        "    port: 443\n"
        "    protocol: HTTPS\n"
        "    hostname: \"*.example.com\"\n"
        "    tls: {certificateRefs: [{name: cert, namespace: certs}]}\n"
        "    allowedRoutes:\n"
        "      namespaces:\n"
        "        from: Selector\n"
        "        selector:\n"
        "          matchLabels: {team: web}\n"
        "          matchExpressions: [{key: env, operator: In, values: [prod]}]\n"
        "      kinds: [{kind: HTTPRoute}]\n");
    cr_assert_not_null(o);
    cr_expect_eq(o->created, 1714557600);
    const struct gg_gateway *g = &o->u.gateway;
    cr_expect_eq(g->allowed_listeners_from, GG_FROM_NONE);
    cr_assert_eq(g->n_listeners, 2);
    cr_expect_eq(g->listeners[0].from, GG_FROM_SAME);
    cr_expect_eq(g->listeners[0].tls_mode, GG_TLS_ABSENT);
    cr_expect_null(g->listeners[0].hostname);
    const struct gg_listener *l = &g->listeners[1];
    cr_expect_eq(l->tls_mode, GG_TLS_TERMINATE);
    cr_expect_str_eq(l->certificate_refs[0].kind, "Secret");
    cr_expect_str_eq(l->certificate_refs[0].group, "");
    cr_expect_eq(l->from, GG_FROM_SELECTOR);
    cr_expect_eq(l->selector.n_match_labels, 1);
    cr_expect_eq(l->selector.n_exprs, 1);
    cr_expect_eq(l->selector.exprs[0].op, GG_SELECTOR_IN);
    cr_expect_str_eq(l->kinds[0].group, GG_GROUP);
    gg_object_free(o);
}

Test(model_referencegrant, reads_from_and_to)
{
    struct gg_object *o = decode("apiVersion: gateway.networking.k8s.io/v1beta1\n"
                                 "kind: ReferenceGrant\n"
                                 "metadata: {name: g, namespace: db}\n"
                                 "spec:\n"
                                 "  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, "
                                 "namespace: apps}]\n"
                                 "  to: [{group: \"\", kind: Service, name: pg}]\n");
    cr_assert_not_null(o);
    cr_expect_str_eq(o->u.grant.from[0].ns, "apps");
    cr_expect_str_eq(o->u.grant.to[0].group, "");
    cr_expect_str_eq(o->u.grant.to[0].name, "pg");
    gg_object_free(o);
}

Test(model_namespace, is_cluster_scoped_and_keeps_labels)
{
    struct gg_object *o =
        decode("apiVersion: v1\nkind: Namespace\nmetadata: {name: apps, labels: {team: web}}\n");
    cr_assert_not_null(o);
    cr_expect_str_eq(o->ns, "");
    cr_assert_eq(o->u.ns.n_labels, 1);
    cr_expect_str_eq(o->u.ns.labels[0].value, "web");
    gg_object_free(o);
}

Test(model_decode, sizes_its_block_exactly)
{
    json_t *j = test_yaml("apiVersion: gateway.networking.k8s.io/v1\n"
                          "kind: HTTPRoute\n"
                          "metadata: {name: r, namespace: apps}\n"
                          "spec:\n"
                          "  hostnames: [a.example.com, \"*.b.example.com\"]\n"
                          "  parentRefs: [{name: gw, namespace: infra, sectionName: https}]\n"
                          "  rules:\n"
                          "  - matches: [{path: {type: Exact, value: /x}, method: GET,\n"
                          "              headers: [{name: h, value: v}]}]\n");
    struct gg_arena a;
    gg_arena_init(&a, NULL, 0);
    struct gg_object *o1 = gg_model_decode_in(&a, j);
    cr_assert_not_null(o1);
    size_t used = a.used;
    gg_arena_clear(&a);
    struct gg_object *o2 = gg_model_decode(j);
    cr_assert_not_null(o2);
    cr_expect_str_eq(o2->u.route.hostnames[1], "*.b.example.com");
    cr_expect_str_eq(o2->u.route.rules[0].matches.http[0].headers[0].name, "h");
    cr_expect_lt(used, 1024, "a small route takes %zu bytes", used);
    gg_object_free(o2);
    json_decref(j);
}

Test(model_time, parses_rfc3339_with_fractions_and_offsets)
{
    cr_expect_eq(gg_model_parse_time("1970-01-01T00:00:10Z"), 10);
    cr_expect_eq(gg_model_parse_time("1970-01-01T00:00:10.123456Z"), 10);
    cr_expect_eq(gg_model_parse_time("1970-01-01T01:00:10+01:00"), 10);
    cr_expect_eq(gg_model_parse_time("yesterday"), GG_CREATED_UNKNOWN);
    cr_expect_eq(gg_model_parse_time("1970-01-01T00:00:10"), GG_CREATED_UNKNOWN);
    cr_expect_eq(gg_model_parse_time(NULL), GG_CREATED_UNKNOWN);
}
