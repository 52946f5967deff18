/* SPDX-License-Identifier: Apache-2.0 */
/* Decoding objects into the model: kinds and served versions, the defaults
 * the checks rely on, positions kept for field paths, odd shapes. */
#include <criterion/criterion.h>
#include <stdlib.h>
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
        {"discovery.k8s.io/v1", "EndpointSlice", true},
        {"discovery.k8s.io/v1beta1", "EndpointSlice", false},
        {"v1", "EndpointSlice", false},
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

Test(model_meta, keeps_generation_and_uid_and_reads_wrong_types_as_absent)
{
    struct gg_object *o = decode("apiVersion: v1\n"
                                 "kind: Namespace\n"
                                 "metadata: {name: ns1, generation: 7, uid: 0f1e-22}\n");
    cr_assert_not_null(o);
    cr_expect_eq(o->generation, 7);
    cr_expect_str_eq(o->uid, "0f1e-22");
    gg_object_free(o);
    o = decode("apiVersion: v1\n"
               "kind: Namespace\n"
               "metadata: {name: ns1, generation: '7', uid: [x]}\n");
    cr_assert_not_null(o);
    cr_expect_eq(o->generation, 0);
    cr_expect_null(o->uid);
    gg_object_free(o);
}

Test(model_duration, parses_gep_2257_and_refuses_the_rest)
{
    static const struct {
        const char *in;
        int64_t ms;
    } cases[] = {
        {"1h2m3s500ms", 3723500},
        {"0s", 0},
        {"10ms", 10},
        {"1m", 60000},
        {"99999h", 99999LL * 3600 * 1000},
        {"1s1s", 2000},
        {"1h1m1s1ms", 3661001},
        {"1h1m1s1ms1h", GG_DURATION_ABSENT}, /* five parts */
        {"123456s", GG_DURATION_ABSENT},     /* six digits */
        {"", GG_DURATION_ABSENT},
        {"s", GG_DURATION_ABSENT},
        {"1", GG_DURATION_ABSENT},
        {"1d", GG_DURATION_ABSENT},
        {"1.5s", GG_DURATION_ABSENT},
        {"-1s", GG_DURATION_ABSENT},
        {"1s ", GG_DURATION_ABSENT},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        cr_expect_eq(gg_model_parse_duration(cases[i].in), cases[i].ms, "%s", cases[i].in);
    cr_expect_eq(gg_model_parse_duration(NULL), GG_DURATION_ABSENT);
}

Test(model_httproute, keeps_rule_names_timeouts_weights_and_filters)
{
    struct gg_object *o =
        decode("apiVersion: gateway.networking.k8s.io/v1\n"
               "kind: HTTPRoute\n"
               "metadata: {name: r, namespace: apps}\n"
               "spec:\n"
               "  rules:\n"
               "  - name: main\n"
               "    timeouts: {request: 10s, backendRequest: 0s}\n"
               "    filters:\n"
               "    - type: RequestHeaderModifier\n"
               "      requestHeaderModifier:\n"
               "        set: [{name: X-A, value: a}]\n"
               "        add: [{name: X-B, value: b}, {name: X-C}]\n"
               "        remove: [X-D, 5]\n"
               "    - type: RequestMirror\n"
               "      requestMirror: {backendRef: {name: m, port: 81}, percent: 25}\n"
               "    - type: RequestMirror\n"
               "      requestMirror:\n"
               "        backendRef: {name: m2}\n"
               "        fraction: {numerator: 1}\n"
               "    - type: RequestMirror\n"
               "      requestMirror: {backendRef: {name: m3, namespace: other}}\n"
               "    backendRefs:\n"
               "    - name: a\n"
               "      port: 80\n"
               "      weight: 3\n"
               "      filters:\n"
               "      - type: ResponseHeaderModifier\n"
               "        responseHeaderModifier: {remove: [Server]}\n"
               "    - {name: b, port: 80}\n"
               "    - {name: c, port: 80, weight: 0}\n"
               "  - timeouts: {request: 1x}\n");
    cr_assert_not_null(o);
    const struct gg_route *rt = &o->u.route;
    cr_assert_eq(rt->n_rules, 2);
    const struct gg_rule *r = &rt->rules[0];
    cr_expect_str_eq(r->name, "main");
    cr_expect_eq(r->timeout_request_ms, 10000);
    cr_expect_eq(r->timeout_backend_ms, 0);
    cr_assert_eq(r->n_filters, 4);
    const struct gg_filter *f = &r->filters[0];
    cr_expect_eq(f->type, GG_FILTER_REQUEST_HEADER_MODIFIER);
    cr_expect_str_eq(f->type_name, "RequestHeaderModifier");
    cr_assert_eq(f->u.header.n_set, 1);
    cr_expect_str_eq(f->u.header.set[0].name, "X-A");
    cr_expect_str_eq(f->u.header.set[0].value, "a");
    cr_assert_eq(f->u.header.n_add, 2);
    cr_expect_null(f->u.header.add[1].value);
    cr_assert_eq(f->u.header.n_remove, 2);
    cr_expect_str_eq(f->u.header.remove[0], "X-D");
    cr_expect_null(f->u.header.remove[1]);
    f = &r->filters[1];
    cr_expect_eq(f->type, GG_FILTER_REQUEST_MIRROR);
    cr_expect_str_eq(f->u.mirror.backend_ref.name, "m");
    cr_expect_str_eq(f->u.mirror.backend_ref.kind, "Service");
    cr_expect_eq(f->u.mirror.backend_ref.port, 81);
    cr_expect_eq(f->u.mirror.numerator, 25);
    cr_expect_eq(f->u.mirror.denominator, 100);
    cr_expect_eq(r->filters[2].u.mirror.numerator, 1);
    cr_expect_eq(r->filters[2].u.mirror.denominator, 100);
    cr_expect_eq(r->filters[3].u.mirror.numerator, 100);
    cr_expect_eq(r->filters[3].u.mirror.denominator, 100);
    cr_expect_str_eq(r->filters[3].u.mirror.backend_ref.ns, "other");
    /* the mirrors the checks read are unchanged */
    cr_expect_eq(r->n_mirrors, 3);

    cr_assert_eq(r->n_backend_refs, 3);
    cr_assert_not_null(r->backend_extras);
    cr_expect_eq(r->backend_extras[0].weight, 3);
    cr_expect_eq(r->backend_extras[1].weight, 1);
    cr_expect_eq(r->backend_extras[2].weight, 0);
    cr_assert_eq(r->backend_extras[0].n_filters, 1);
    cr_expect_eq(r->backend_extras[0].filters[0].type, GG_FILTER_RESPONSE_HEADER_MODIFIER);
    cr_expect_str_eq(r->backend_extras[0].filters[0].u.header.remove[0], "Server");
    cr_expect_eq(r->backend_extras[1].n_filters, 0);

    r = &rt->rules[1];
    cr_expect_null(r->name);
    cr_expect_eq(r->timeout_request_ms, GG_DURATION_ABSENT);
    cr_expect_eq(r->timeout_backend_ms, GG_DURATION_ABSENT);
    cr_expect_eq(r->n_filters, 0);
    gg_object_free(o);
}

Test(model_httproute, decodes_redirects_rewrites_cors_and_extension_refs)
{
    struct gg_object *o =
        decode("apiVersion: gateway.networking.k8s.io/v1\n"
               "kind: HTTPRoute\n"
               "metadata: {name: r}\n"
               "spec:\n"
               "  rules:\n"
               "  - filters:\n"
               "    - type: RequestRedirect\n"
               "      requestRedirect:\n"
               "        scheme: https\n"
               "        hostname: b.example\n"
               "        port: 8443\n"
               "        statusCode: 301\n"
               "        path: {type: ReplacePrefixMatch, replacePrefixMatch: /new}\n"
               "    - type: RequestRedirect\n"
               "      requestRedirect: {}\n"
               "    - type: URLRewrite\n"
               "      urlRewrite:\n"
               "        hostname: c.example\n"
               "        path: {type: ReplaceFullPath, replaceFullPath: /x}\n"
               "    - type: CORS\n"
               "      cors:\n"
               "        allowOrigins: ['https://a.example', '*']\n"
               "        allowCredentials: true\n"
               "        allowMethods: [GET, POST]\n"
               "        allowHeaders: [X-A]\n"
               "        exposeHeaders: [X-B, X-C]\n"
               "    - type: ExtensionRef\n"
               "      extensionRef: {group: ex.io, kind: Thing, name: t}\n"
               "    - type: Bogus\n"
               "    - type: URLRewrite\n"
               "    - {type: 7}\n");
    cr_assert_not_null(o);
    const struct gg_rule *r = &o->u.route.rules[0];
    cr_assert_eq(r->n_filters, 8);
    const struct gg_redirect *rd = &r->filters[0].u.redirect;
    cr_expect_eq(r->filters[0].type, GG_FILTER_REQUEST_REDIRECT);
    cr_expect_str_eq(rd->scheme, "https");
    cr_expect_str_eq(rd->hostname, "b.example");
    cr_expect_eq(rd->port, 8443);
    cr_expect_eq(rd->status_code, 301);
    cr_expect_eq(rd->path.type, GG_PATH_MOD_PREFIX);
    cr_expect_str_eq(rd->path.value, "/new");
    rd = &r->filters[1].u.redirect;
    cr_expect_eq(r->filters[1].type, GG_FILTER_REQUEST_REDIRECT);
    cr_expect_null(rd->scheme);
    cr_expect_eq(rd->port, 0);
    cr_expect_eq(rd->status_code, 302);
    cr_expect_eq(rd->path.type, GG_PATH_MOD_NONE);
    const struct gg_rewrite *rw = &r->filters[2].u.rewrite;
    cr_expect_eq(r->filters[2].type, GG_FILTER_URL_REWRITE);
    cr_expect_str_eq(rw->hostname, "c.example");
    cr_expect_eq(rw->path.type, GG_PATH_MOD_FULL);
    cr_expect_str_eq(rw->path.value, "/x");
    const struct gg_cors *c = &r->filters[3].u.cors;
    cr_expect_eq(r->filters[3].type, GG_FILTER_CORS);
    cr_assert_eq(c->n_allow_origins, 2);
    cr_expect_str_eq(c->allow_origins[1], "*");
    cr_expect(c->allow_credentials);
    cr_expect_eq(c->n_allow_methods, 2);
    cr_expect_str_eq(c->allow_headers[0], "X-A");
    cr_expect_eq(c->n_expose_headers, 2);
    cr_expect_eq(c->max_age, 5);
    const struct gg_local_ref *e = &r->filters[4].u.extension_ref;
    cr_expect_eq(r->filters[4].type, GG_FILTER_EXTENSION_REF);
    cr_expect_str_eq(e->group, "ex.io");
    cr_expect_str_eq(e->kind, "Thing");
    cr_expect_str_eq(e->name, "t");
    cr_expect_eq(r->filters[5].type, GG_FILTER_OTHER);
    cr_expect_str_eq(r->filters[5].type_name, "Bogus");
    /* a known type without its settings cannot be honoured */
    cr_expect_eq(r->filters[6].type, GG_FILTER_OTHER);
    cr_expect_str_eq(r->filters[6].type_name, "URLRewrite");
    cr_expect_eq(r->filters[7].type, GG_FILTER_OTHER);
    cr_expect_null(r->filters[7].type_name);
    gg_object_free(o);
}

Test(model_grpcroute, keeps_backend_weights_and_filters)
{
    struct gg_object *o = decode("apiVersion: gateway.networking.k8s.io/v1\n"
                                 "kind: GRPCRoute\n"
                                 "metadata: {name: g}\n"
                                 "spec:\n"
                                 "  rules:\n"
                                 "  - name: r0\n"
                                 "    filters:\n"
                                 "    - type: RequestHeaderModifier\n"
                                 "      requestHeaderModifier: {set: [{name: a, value: b}]}\n"
                                 "    backendRefs:\n"
                                 "    - {name: a, port: 50051, weight: 9}\n"
                                 "    - {name: b, port: 50051, weight: x}\n");
    cr_assert_not_null(o);
    const struct gg_rule *r = &o->u.route.rules[0];
    cr_expect_str_eq(r->name, "r0");
    cr_expect_eq(r->n_filters, 1);
    cr_expect_eq(r->filters[0].type, GG_FILTER_REQUEST_HEADER_MODIFIER);
    cr_assert_eq(r->n_backend_refs, 2);
    cr_expect_eq(r->backend_extras[0].weight, 9);
    cr_expect_eq(r->backend_extras[1].weight, 1);
    cr_expect_eq(r->timeout_request_ms, GG_DURATION_ABSENT);
    gg_object_free(o);
}

Test(model_service, keeps_type_addresses_selector_and_ports)
{
    struct gg_object *o = decode("apiVersion: v1\n"
                                 "kind: Service\n"
                                 "metadata: {name: s, namespace: apps, labels: {app: web}}\n"
                                 "spec:\n"
                                 "  clusterIP: 10.0.0.7\n"
                                 "  selector: {app: web}\n"
                                 "  ports:\n"
                                 "  - {name: http, port: 80, targetPort: 8080, appProtocol: http}\n"
                                 "  - {name: grpc, port: 9000, targetPort: grpc, protocol: TCP}\n"
                                 "  - {port: 53, protocol: UDP}\n"
                                 "  - {port: 70000}\n");
    cr_assert_not_null(o);
    const struct gg_service *s = &o->u.service;
    cr_expect_str_eq(s->type, "ClusterIP");
    cr_expect_str_eq(s->cluster_ip, "10.0.0.7");
    cr_expect_null(s->external_name);
    cr_expect(s->has_selector);
    cr_assert_eq(s->n_labels, 1);
    cr_expect_str_eq(s->labels[0].key, "app");
    cr_assert_eq(s->n_ports, 4);
    cr_expect_str_eq(s->ports[0].name, "http");
    cr_expect_eq(s->ports[0].port, 80);
    cr_expect_eq(s->ports[0].target_port, 8080);
    cr_expect_null(s->ports[0].target_port_name);
    cr_expect_str_eq(s->ports[0].protocol, "TCP");
    cr_expect_str_eq(s->ports[0].app_protocol, "http");
    cr_expect_eq(s->ports[1].target_port, 0);
    cr_expect_str_eq(s->ports[1].target_port_name, "grpc");
    cr_expect_null(s->ports[2].name);
    cr_expect_eq(s->ports[2].target_port, 53);
    cr_expect_str_eq(s->ports[2].protocol, "UDP");
    cr_expect_eq(s->ports[3].port, 0);
    gg_object_free(o);

    o = decode("apiVersion: v1\n"
               "kind: Service\n"
               "metadata: {name: ext}\n"
               "spec: {type: ExternalName, externalName: db.example.org, selector: {}}\n");
    cr_assert_not_null(o);
    cr_expect_str_eq(o->u.service.type, "ExternalName");
    cr_expect_str_eq(o->u.service.external_name, "db.example.org");
    cr_expect_not(o->u.service.has_selector);
    cr_expect_eq(o->u.service.n_ports, 0);
    gg_object_free(o);
}

Test(model_secret, decodes_tls_data_and_flags_what_is_malformed)
{
    /* "cert\n" and "k" */
    struct gg_object *o = decode("apiVersion: v1\n"
                                 "kind: Secret\n"
                                 "metadata: {name: tls}\n"
                                 "type: kubernetes.io/tls\n"
                                 "data: {tls.crt: Y2VydAo=, tls.key: aw==}\n");
    cr_assert_not_null(o);
    const struct gg_secret *s = &o->u.secret;
    cr_expect_str_eq(s->type, "kubernetes.io/tls");
    cr_expect(s->has_data);
    cr_assert_eq(s->tls_crt.state, GG_BLOB_OK);
    cr_assert_eq(s->tls_crt.len, 5);
    cr_expect_eq(memcmp(s->tls_crt.bytes, "cert\n", 6), 0); /* and the NUL */
    cr_assert_eq(s->tls_key.state, GG_BLOB_OK);
    cr_expect_eq(s->tls_key.len, 1);
    cr_expect_eq(s->tls_key.bytes[0], 'k');
    gg_object_free(o);

    o = decode("apiVersion: v1\n"
               "kind: Secret\n"
               "metadata: {name: bad}\n"
               "data: {tls.crt: 'Y2V*dAo=', tls.key: 5}\n");
    cr_assert_not_null(o);
    cr_expect_str_eq(o->u.secret.type, "Opaque");
    cr_expect_eq(o->u.secret.tls_crt.state, GG_BLOB_MALFORMED);
    cr_expect_null(o->u.secret.tls_crt.bytes);
    cr_expect_eq(o->u.secret.tls_key.state, GG_BLOB_MALFORMED);
    gg_object_free(o);

    static const char *const bad[] = {"abc", "a===", "ab=c", "=abc", "Y2VydA=="};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_t *j = json_pack("{s:s, s:s, s:{s:s}, s:{s:s}}", "apiVersion", "v1", "kind", "Secret",
                              "metadata", "name", "s", "data", "tls.crt", bad[i]);
        o = gg_model_decode(j);
        json_decref(j);
        cr_assert_not_null(o);
        cr_expect_eq(o->u.secret.tls_crt.state, i < 4 ? GG_BLOB_MALFORMED : GG_BLOB_OK, "%s",
                     bad[i]);
        cr_expect_eq(o->u.secret.tls_key.state, GG_BLOB_ABSENT);
        gg_object_free(o);
    }

    /* metadata only, as the webhook's API source fetches Secrets */
    o = decode("apiVersion: v1\nkind: Secret\nmetadata: {name: meta}\n");
    cr_assert_not_null(o);
    cr_expect_not(o->u.secret.has_data);
    cr_expect_eq(o->u.secret.tls_crt.state, GG_BLOB_ABSENT);
    gg_object_free(o);
}

Test(model_secret, refuses_values_over_the_cap)
{
    size_t max = GG_MODEL_MAX_SECRET_VALUE;
    for (size_t decoded = max; decoded <= max + 3; decoded += 3) {
        size_t len = (decoded + 2) / 3 * 4;
        char *b64 = malloc(len + 1);
        memset(b64, 'A', len);
        b64[len] = 0;
        if (decoded % 3 == 1)
            b64[len - 1] = b64[len - 2] = '=';
        else if (decoded % 3 == 2)
            b64[len - 1] = '=';
        json_t *j = json_pack("{s:s, s:s, s:{s:s}, s:{s:s}}", "apiVersion", "v1", "kind", "Secret",
                              "metadata", "name", "s", "data", "tls.key", b64);
        struct gg_object *o = gg_model_decode(j);
        json_decref(j);
        free(b64);
        cr_assert_not_null(o);
        if (decoded <= max) {
            cr_expect_eq(o->u.secret.tls_key.state, GG_BLOB_OK);
            cr_expect_eq(o->u.secret.tls_key.len, decoded);
        } else {
            cr_expect_eq(o->u.secret.tls_key.state, GG_BLOB_TOO_LARGE);
            cr_expect_null(o->u.secret.tls_key.bytes);
        }
        gg_object_free(o);
    }
}

Test(model_gateway, keeps_addresses_and_parameters_refs)
{
    struct gg_object *o =
        decode("apiVersion: gateway.networking.k8s.io/v1\n"
               "kind: Gateway\n"
               "metadata: {name: gw, namespace: infra}\n"
               "spec:\n"
               "  gatewayClassName: gg\n"
               "  addresses: [{value: 10.1.2.3}, {type: Hostname, value: gw.lan}]\n"
               "  infrastructure:\n"
               "    parametersRef: {group: ex.io, kind: Params, name: p}\n"
               "  listeners: [{name: http, port: 80, protocol: HTTP}]\n");
    cr_assert_not_null(o);
    const struct gg_gateway *g = &o->u.gateway;
    cr_assert_eq(g->n_addresses, 2);
    cr_expect_str_eq(g->addresses[0].type, "IPAddress");
    cr_expect_str_eq(g->addresses[0].value, "10.1.2.3");
    cr_expect_str_eq(g->addresses[1].type, "Hostname");
    cr_assert_not_null(g->infra_parameters_ref);
    cr_expect_str_eq(g->infra_parameters_ref->kind, "Params");
    cr_expect_str_eq(g->infra_parameters_ref->name, "p");
    cr_expect_eq(g->n_listeners, 1);
    gg_object_free(o);

    o = decode("apiVersion: gateway.networking.k8s.io/v1\n"
               "kind: GatewayClass\n"
               "metadata: {name: gc}\n"
               "spec:\n"
               "  controllerName: ex.io/c\n"
               "  parametersRef: {group: ex.io, kind: Cfg, name: c, namespace: sys}\n");
    cr_assert_not_null(o);
    const struct gg_ref *p = o->u.gatewayclass.parameters_ref;
    cr_assert_not_null(p);
    cr_expect_str_eq(p->kind, "Cfg");
    cr_expect_str_eq(p->ns, "sys");
    gg_object_free(o);

    o = decode("apiVersion: gateway.networking.k8s.io/v1\n"
               "kind: Gateway\n"
               "metadata: {name: gw}\n"
               "spec: {gatewayClassName: gg, infrastructure: {parametersRef: x}}\n");
    cr_assert_not_null(o);
    cr_expect_eq(o->u.gateway.n_addresses, 0);
    cr_expect_null(o->u.gateway.infra_parameters_ref);
    gg_object_free(o);
}

Test(model_endpointslice, keeps_its_service_ports_and_endpoint_conditions)
{
    struct gg_object *o = decode("apiVersion: discovery.k8s.io/v1\n"
                                 "kind: EndpointSlice\n"
                                 "metadata:\n"
                                 "  name: web-x1\n"
                                 "  namespace: apps\n"
                                 "  labels: {kubernetes.io/service-name: web, app: web}\n"
                                 "addressType: IPv6\n"
                                 "ports:\n"
                                 "- {name: http, port: 8080, appProtocol: http}\n"
                                 "- {port: 53, protocol: UDP}\n"
                                 "- {name: all}\n"
                                 "endpoints:\n"
                                 "- addresses: ['fd00::1', 'fd00::2']\n"
                                 "- addresses: ['fd00::3']\n"
                                 "  conditions: {ready: false, serving: true, terminating: true}\n"
                                 "- addresses: ['fd00::4', 7]\n"
                                 "  conditions: {ready: false}\n"
                                 "- conditions: {ready: 'yes'}\n");
    cr_assert_not_null(o);
    cr_expect_eq(o->kind, GG_KIND_ENDPOINTSLICE);
    cr_expect_str_eq(gg_model_kind_name(o->kind), "EndpointSlice");
    cr_expect_str_eq(gg_model_kind_group(o->kind), "discovery.k8s.io");
    cr_expect(gg_model_kind_is_namespaced(o->kind));
    const struct gg_endpointslice *es = &o->u.endpointslice;
    cr_expect_str_eq(o->ns, "apps");
    cr_expect_str_eq(es->service_name, "web");
    cr_expect_eq(es->n_labels, 2);
    cr_expect_eq(es->address_type, GG_ADDRESS_IPV6);
    cr_assert_eq(es->n_ports, 3);
    cr_expect_str_eq(es->ports[0].name, "http");
    cr_expect_eq(es->ports[0].port, 8080);
    cr_expect_str_eq(es->ports[0].protocol, "TCP");
    cr_expect_str_eq(es->ports[0].app_protocol, "http");
    cr_expect_str_eq(es->ports[1].protocol, "UDP");
    cr_expect_null(es->ports[1].name);
    cr_expect_eq(es->ports[2].port, 0);
    cr_assert_eq(es->n_endpoints, 4);
    cr_assert_eq(es->endpoints[0].n_addresses, 2);
    cr_expect_str_eq(es->endpoints[0].addresses[1], "fd00::2");
    cr_expect(es->endpoints[0].is_ready);
    cr_expect(es->endpoints[0].is_serving);
    cr_expect_not(es->endpoints[0].is_terminating);
    cr_expect_not(es->endpoints[1].is_ready);
    cr_expect(es->endpoints[1].is_serving);
    cr_expect(es->endpoints[1].is_terminating);
    cr_expect_not(es->endpoints[2].is_ready);
    cr_expect_not(es->endpoints[2].is_serving);
    cr_expect_null(es->endpoints[2].addresses[1]);
    /* a condition of the wrong type reads as absent */
    cr_expect(es->endpoints[3].is_ready);
    cr_expect_eq(es->endpoints[3].n_addresses, 0);
    gg_object_free(o);

    o = decode("apiVersion: discovery.k8s.io/v1\n"
               "kind: EndpointSlice\n"
               "metadata: {name: bare}\n"
               "addressType: Bogus\n");
    cr_assert_not_null(o);
    cr_expect_str_eq(o->ns, "default");
    cr_expect_null(o->u.endpointslice.service_name);
    cr_expect_eq(o->u.endpointslice.address_type, GG_ADDRESS_OTHER);
    cr_expect_eq(o->u.endpointslice.n_endpoints, 0);
    gg_object_free(o);
}
