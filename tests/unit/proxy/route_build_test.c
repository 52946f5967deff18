/* SPDX-License-Identifier: Apache-2.0 */
/* The table builder with the planner: manifests into a real store, a table
 * built from it, and requests planned against that table, so what is asserted
 * is which route and rule a request reaches. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "proxy/route_plan.h"
#include "proxy/route_table.h"
#include "validation/arena.h"
#include "validation/load.h"
#include "validation/store.h"

static struct gg_store *store_of(const char *yaml)
{
    struct gg_store *s = gg_store_new();
    struct gg_docs d;
    char err[512];
    gg_docs_init(&d);
    cr_assert_eq(gg_load_buffer(&d, "t.yaml", yaml, strlen(yaml), err, sizeof(err)), 0, "%s", err);
    for (size_t i = 0; i < d.n; i++)
        cr_assert_eq(gg_store_put_json(s, d.items[i].obj), 0, "document %zu not storable", i);
    gg_docs_clear(&d);
    return s;
}

#define CLASS                                                                                      \
    "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\n"                               \
    "metadata: {name: gg}\nspec: {controllerName: gateguard.dev/gateway-controller}\n---\n"

#define GATEWAY(listeners)                                                                         \
    "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n"                                    \
    "metadata: {name: gw, namespace: infra, creationTimestamp: \"2024-01-01T00:00:00Z\"}\n"        \
    "spec:\n  gatewayClassName: gg\n  listeners:\n" listeners "---\n"

#define ROUTE(ns, name, created, body)                                                             \
    "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n"                                  \
    "metadata: {name: " name ", namespace: " ns ", creationTimestamp: \"" created "\"}\n"          \
    "spec:\n" body "---\n"

#define HTTP_ALL                                                                                   \
    "  - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}\n"

#define SVC(ns, name)                                                                              \
    "apiVersion: v1\nkind: Service\nmetadata: {name: " name ", namespace: " ns "}\n"               \
    "spec: {ports: [{port: 8080}]}\n---\n"

struct ctx {
    struct gg_store *s;
    struct gg_route_table *t;
    struct gg_plan_state *st;
    struct gg_arena a;
};

static void ctx_init(struct ctx *c, const char *yaml)
{
    c->s = store_of(yaml);
    char err[256] = "";
    c->t = gg_route_table_build(c->s, NULL, err, sizeof(err));
    cr_assert_not_null(c->t, "build failed: %s", err);
    c->st = gg_plan_state_new(c->t);
    gg_arena_init(&c->a, NULL, 0);
}

static void ctx_clear(struct ctx *c)
{
    gg_arena_clear(&c->a);
    gg_plan_state_free(c->st);
    gg_route_table_unref(c->t);
    gg_store_free(c->s);
}

static struct gg_str str(const char *s)
{
    return (struct gg_str){s, s ? strlen(s) : 0};
}

/* Plans a request to port <port> of the wildcard address. */
static struct gg_plan plan_full(struct ctx *c, uint16_t port, const char *method, const char *host,
                                const char *path, const struct gg_http1_header *h, size_t nh)
{
    struct sockaddr_in local = {0};
    local.sin_family = AF_INET;
    local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct gg_plan_request r = {0};
    r.frontend = gg_route_table_find_frontend(c->t, (struct sockaddr *)&local, port);
    r.method = str(method);
    r.host = str(host);
    const char *q = strchr(path, '?');
    r.path = q ? (struct gg_str){path, (size_t)(q - path)} : str(path);
    if (q)
        r.query = str(q + 1);
    r.headers = h;
    r.n_headers = nh;
    struct gg_plan p;
    gg_plan_make(c->t, c->st, &r, &c->a, &p);
    return p;
}

static struct gg_plan plan(struct ctx *c, const char *host, const char *path)
{
    return plan_full(c, 80, "GET", host, path, NULL, 0);
}

#define ASSERT_ROUTE(p, want_route, want_rule)                                                     \
    do {                                                                                           \
        struct gg_plan p_ = (p);                                                                   \
        cr_assert(p_.route &&strcmp(p_.route, want_route) == 0, "route %s, want %s",               \
                  p_.route ? p_.route : "(none)", want_route);                                     \
        cr_assert_eq(p_.rule, want_rule);                                                          \
    } while (0)

#define ASSERT_NO_ROUTE(p)                                                                         \
    do {                                                                                           \
        struct gg_plan p_ = (p);                                                                   \
        cr_assert_null(p_.route, "matched %s", p_.route);                                          \
        cr_assert_eq(p_.status, 404);                                                              \
    } while (0)

Test(route_build, serves_only_gateways_of_our_classes)
{
    struct ctx c;
    ctx_init(&c, CLASS "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\n"
                       "metadata: {name: other}\nspec: {controllerName: example.com/x}\n---\n"
                       "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n"
                       "metadata: {name: theirs, namespace: infra}\n"
                       "spec:\n  gatewayClassName: other\n  listeners:\n"
                       "  - {name: http, port: 81, protocol: HTTP}\n---\n" GATEWAY(
                           "  - {name: http, port: 80, protocol: HTTP}\n"
                           "  - {name: tls, port: 443, protocol: HTTPS, tls: {certificateRefs: "
                           "[{name: cert}]}}\n"
                           "  - {name: tcp, port: 9000, protocol: TCP}\n"));
    cr_assert_eq(gg_route_table_count_frontends(c.t), 2, "HTTP 80 and HTTPS 443 only");
    bool seen80 = false, seen443 = false;
    for (size_t i = 0; i < 2; i++) {
        const struct gg_table_frontend *fe = gg_route_table_frontend(c.t, i);
        cr_assert_eq(fe->addr.ss_family, AF_UNSPEC);
        if (fe->port == 80)
            seen80 = !fe->is_tls;
        if (fe->port == 443)
            seen443 = fe->is_tls;
    }
    cr_assert(seen80 && seen443);
    struct sockaddr_in any = {.sin_family = AF_INET};
    cr_assert_null(gg_route_table_find_frontend(c.t, (struct sockaddr *)&any, 81),
                   "a Gateway of another controller is served");
    ctx_clear(&c);
}

Test(route_build, route_hostnames_meet_the_listener_hostname)
{
    struct ctx c;
    ctx_init(&c,
             CLASS GATEWAY("  - {name: http, port: 80, protocol: HTTP, hostname: \"*.example.com\","
                           " allowedRoutes: {namespaces: {from: All}}}\n")
                 ROUTE("apps", "web", "2024-02-01T00:00:00Z",
                       "  parentRefs: [{name: gw, namespace: infra}]\n"
                       "  hostnames: [foo.example.com, other.org]\n"
                       "  rules: [{backendRefs: [{name: web, port: 8080}]}]\n")
                     ROUTE("apps", "any", "2024-02-01T00:00:00Z",
                           "  parentRefs: [{name: gw, namespace: infra}]\n"
                           "  rules: [{matches: [{path: {type: PathPrefix, value: /any}}],"
                           " backendRefs: [{name: web, port: 8080}]}]\n") SVC("apps", "web"));
    ASSERT_ROUTE(plan(&c, "foo.example.com", "/x"), "apps/web", 0);
    ASSERT_ROUTE(plan(&c, "FOO.Example.com.", "/x"), "apps/web", 0);
    ASSERT_NO_ROUTE(plan(&c, "other.org", "/x"));
    /* the route without hostnames takes the listener's wildcard */
    ASSERT_ROUTE(plan(&c, "bar.example.com", "/any/thing"), "apps/any", 0);
    /* the most specific vhost wins; it does not fall back to the wildcard */
    ASSERT_NO_ROUTE(plan(&c, "x.example.com", "/x"));
    ASSERT_ROUTE(plan(&c, "foo.example.com", "/any"), "apps/web", 0);
    ASSERT_NO_ROUTE(plan(&c, "example.com", "/any"));
    cr_assert_eq(gg_route_table_count_routes(c.t), 2);
    ctx_clear(&c);
}

Test(route_build, precedence_exact_then_longest_prefix_then_method_headers_query_then_age)
{
    struct ctx c;
    ctx_init(&c,
             CLASS GATEWAY(HTTP_ALL) SVC("apps", "web")
                 ROUTE("apps", "old", "2024-01-01T00:00:00Z",
                       "  parentRefs: [{name: gw, namespace: infra}]\n"
                       "  rules:\n"
                       "  - matches: [{path: {type: PathPrefix, value: /}}]\n"
                       "  - matches: [{path: {type: PathPrefix, value: /a}}]\n"
                       "  - matches: [{path: {type: PathPrefix, value: /a/b}}]\n"
                       "  - matches: [{path: {type: Exact, value: /a/b}}]\n"
                       "  - matches: [{path: {type: PathPrefix, value: /m}, method: POST}]\n"
                       "  - matches: [{path: {type: PathPrefix, value: /m}}]\n"
                       "  - matches: [{path: {type: PathPrefix, value: /h},"
                       " headers: [{name: x-one, value: \"1\"}]}]\n"
                       "  - matches: [{path: {type: PathPrefix, value: /h},"
                       " headers: [{name: x-one, value: \"1\"}, {name: x-two, value: \"2\"}]}]\n"
                       "  - matches: [{path: {type: PathPrefix, value: /q},"
                       " queryParams: [{name: a, value: \"1\"}]}]\n")
                     ROUTE("apps", "young", "2024-06-01T00:00:00Z",
                           "  parentRefs: [{name: gw, namespace: infra}]\n"
                           "  rules:\n"
                           "  - matches: [{path: {type: PathPrefix, value: /a}}]\n"
                           "  - matches: [{path: {type: PathPrefix, value: /q}}]\n"));
    ASSERT_ROUTE(plan(&c, "h", "/a/b"), "apps/old", 3);   /* Exact beats the prefix */
    ASSERT_ROUTE(plan(&c, "h", "/a/b/c"), "apps/old", 2); /* the longer prefix */
    ASSERT_ROUTE(plan(&c, "h", "/a/x"), "apps/old", 1);   /* the older route on a tie */
    ASSERT_ROUTE(plan(&c, "h", "/ab"), "apps/old", 0);    /* prefixes match whole segments */
    ASSERT_ROUTE(plan_full(&c, 80, "POST", "h", "/m", NULL, 0), "apps/old", 4);
    ASSERT_ROUTE(plan_full(&c, 80, "GET", "h", "/m", NULL, 0), "apps/old", 5);
    struct gg_http1_header both[] = {{{"X-One", 5}, {"1", 1}}, {{"x-two", 5}, {"2", 1}}};
    ASSERT_ROUTE(plan_full(&c, 80, "GET", "h", "/h", both, 2), "apps/old", 7);
    ASSERT_ROUTE(plan_full(&c, 80, "GET", "h", "/h", both, 1), "apps/old", 6);
    ASSERT_ROUTE(plan(&c, "h", "/q?a=1"), "apps/old", 8);
    ASSERT_ROUTE(plan(&c, "h", "/q?a=2"), "apps/young", 1);
    ctx_clear(&c);
}

Test(route_build, allowed_routes_and_section_names_decide_attachment)
{
    struct ctx c;
    ctx_init(&c, CLASS GATEWAY("  - {name: same, port: 80, protocol: HTTP}\n"
                               "  - {name: all, port: 8080, protocol: HTTP,"
                               " allowedRoutes: {namespaces: {from: All}}}\n")
                     ROUTE("apps", "everywhere", "2024-02-01T00:00:00Z",
                           "  parentRefs: [{name: gw, namespace: infra}]\n"
                           "  rules: [{matches: [{path: {type: PathPrefix, value: /e}}]}]\n")
                         ROUTE("infra", "local", "2024-02-01T00:00:00Z",
                               "  parentRefs: [{name: gw, sectionName: same}]\n"
                               "  rules: [{matches: [{path: {type: PathPrefix, value: /l}}]}]\n"));
    ASSERT_NO_ROUTE(plan_full(&c, 80, "GET", "h", "/e", NULL, 0));
    ASSERT_ROUTE(plan_full(&c, 8080, "GET", "h", "/e", NULL, 0), "apps/everywhere", 0);
    ASSERT_ROUTE(plan_full(&c, 80, "GET", "h", "/l", NULL, 0), "infra/local", 0);
    ASSERT_NO_ROUTE(plan_full(&c, 8080, "GET", "h", "/l", NULL, 0));
    ctx_clear(&c);
}

Test(route_build, unusable_backends_answer_500_and_cross_namespace_needs_a_grant)
{
    const char *base = CLASS GATEWAY(HTTP_ALL) SVC("backend", "api")
        ROUTE("apps", "web", "2024-02-01T00:00:00Z",
              "  parentRefs: [{name: gw, namespace: infra}]\n"
              "  rules:\n"
              "  - matches: [{path: {type: PathPrefix, value: /cross}}]\n"
              "    backendRefs: [{name: api, namespace: backend, port: 8080}]\n"
              "  - matches: [{path: {type: PathPrefix, value: /missing}}]\n"
              "    backendRefs: [{name: nothing, port: 8080}]\n"
              "  - matches: [{path: {type: PathPrefix, value: /kind}}]\n"
              "    backendRefs: [{group: example.com, kind: Bucket, name: b}]\n"
              "  - matches: [{path: {type: PathPrefix, value: /none}}]\n");
    struct ctx c;
    ctx_init(&c, base);
    cr_assert_eq(plan(&c, "h", "/cross").status, 500, "no ReferenceGrant");
    cr_assert_eq(plan(&c, "h", "/missing").status, 500);
    cr_assert_eq(plan(&c, "h", "/kind").status, 500);
    cr_assert_eq(plan(&c, "h", "/none").status, 500, "a rule without backends");
    ctx_clear(&c);

    char with_grant[8192];
    snprintf(
        with_grant, sizeof(with_grant), "%s%s", base,
        "apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\n"
        "metadata: {name: g, namespace: backend}\n"
        "spec:\n  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: apps}]\n"
        "  to: [{group: \"\", kind: Service}]\n");
    ctx_init(&c, with_grant);
    cr_assert_neq(plan(&c, "h", "/cross").status, 500, "granted, yet refused");
    ASSERT_ROUTE(plan(&c, "h", "/cross"), "apps/web", 0);
    ctx_clear(&c);
}

Test(route_build, the_first_listener_keeps_a_contested_port_and_hostname)
{
    struct ctx c;
    ctx_init(&c, CLASS GATEWAY("  - {name: a, port: 80, protocol: HTTP, hostname: a.example.com}\n"
                               "  - {name: b, port: 80, protocol: HTTPS, hostname: b.example.com}\n"
                               "  - {name: c, port: 80, protocol: HTTP, hostname: a.example.com}\n")
                     ROUTE("infra", "r", "2024-02-01T00:00:00Z",
                           "  parentRefs: [{name: gw, sectionName: c}]\n"
                           "  rules: [{matches: [{path: {type: PathPrefix, value: /}}]}]\n"));
    cr_assert_eq(gg_route_table_count_frontends(c.t), 1);
    cr_assert_not(gg_route_table_frontend(c.t, 0)->is_tls);
    ASSERT_NO_ROUTE(plan(&c, "a.example.com", "/"));
    ctx_clear(&c);
}

Test(route_build, address_pool_gives_each_gateway_its_own_frontend)
{
    struct gg_store *s =
        store_of(CLASS GATEWAY(HTTP_ALL) "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n"
                                         "metadata: {name: gw2, namespace: infra}\n"
                                         "spec:\n  gatewayClassName: gg\n  listeners:\n" HTTP_ALL);
    struct gg_route_table_opts o = {0};
    o.address_pool = "10.99.0.0/24";
    o.generation = 7;
    char err[256];
    struct gg_route_table *t = gg_route_table_build(s, &o, err, sizeof(err));
    cr_assert_not_null(t, "%s", err);
    cr_assert_eq(gg_route_table_generation(t), 7);
    cr_assert_eq(gg_route_table_count_frontends(t), 2);
    const struct gg_table_frontend *a = gg_route_table_frontend(t, 0);
    const struct gg_table_frontend *b = gg_route_table_frontend(t, 1);
    cr_assert_eq(a->addr.ss_family, AF_INET);
    cr_assert_neq(((struct sockaddr_in *)&a->addr)->sin_addr.s_addr,
                  ((struct sockaddr_in *)&b->addr)->sin_addr.s_addr);
    cr_assert_eq(gg_route_table_find_frontend(t, (struct sockaddr *)&b->addr, 80), b);
    struct sockaddr_in other = {.sin_family = AF_INET};
    other.sin_addr.s_addr = htonl(0x7f000001);
    cr_assert_null(gg_route_table_find_frontend(t, (struct sockaddr *)&other, 80));
    gg_route_table_unref(t);

    o.address_pool = "not-a-cidr";
    cr_assert_null(gg_route_table_build(s, &o, err, sizeof(err)));
    cr_assert(strstr(err, "not-a-cidr"), "%s", err);
    gg_store_free(s);
}

Test(route_table, certificates_by_server_name)
{
    struct gg_table_cert certs[] = {
        {NULL, NULL, NULL, 0, 0, "infra/default"},
        {"*.example.com", NULL, NULL, 0, 0, "infra/wild"},
        {"*.a.example.com", NULL, NULL, 0, 0, "infra/wild-a"},
        {"x.a.example.com", NULL, NULL, 0, 0, "infra/exact"},
    };
    struct gg_table_frontend fe = {0};
    fe.certs = certs;
    fe.n_certs = 4;
    cr_assert_str_eq(gg_route_table_find_cert(&fe, "x.a.example.com")->secret, "infra/exact");
    cr_assert_str_eq(gg_route_table_find_cert(&fe, "X.A.example.COM.")->secret, "infra/exact");
    cr_assert_str_eq(gg_route_table_find_cert(&fe, "y.a.example.com")->secret, "infra/wild-a");
    cr_assert_str_eq(gg_route_table_find_cert(&fe, "b.example.com")->secret, "infra/wild");
    cr_assert_str_eq(gg_route_table_find_cert(&fe, "example.com")->secret, "infra/default");
    cr_assert_str_eq(gg_route_table_find_cert(&fe, NULL)->secret, "infra/default");
    fe.certs = certs + 1;
    fe.n_certs = 3;
    cr_assert_null(gg_route_table_find_cert(&fe, "other.org"));
}

Test(route_build, listenersets_the_gateway_admits_add_listeners_after_its_own)
{
    const char *ls =
        "apiVersion: gateway.networking.k8s.io/v1\nkind: ListenerSet\n"
        "metadata: {name: extra, namespace: apps, creationTimestamp: \"2024-03-01T00:00:00Z\"}\n"
        "spec:\n  parentRef: {name: gw, namespace: infra}\n  listeners:\n"
        "  - {name: shop, port: 80, protocol: HTTP, hostname: shop.example.com}\n"
        "  - {name: taken, port: 80, protocol: HTTP, hostname: gw.example.com}\n"
        "---\n" ROUTE("apps", "shop", "2024-03-01T00:00:00Z",
                      "  parentRefs: [{kind: ListenerSet, name: extra}]\n"
                      "  rules: [{matches: [{path: {type: PathPrefix, value: /}}]}]\n")
            ROUTE("apps", "taker", "2024-03-01T00:00:00Z",
                  "  parentRefs: [{kind: ListenerSet, name: extra, sectionName: taken}]\n"
                  "  rules: [{matches: [{path: {type: PathPrefix, value: /}}]}]\n")
                ROUTE("infra", "own", "2024-03-01T00:00:00Z",
                      "  parentRefs: [{name: gw}]\n"
                      "  rules: [{matches: [{path: {type: PathPrefix, value: /}}]}]\n");
    char yaml[8192];
    snprintf(yaml, sizeof(yaml), "%s%s%s", CLASS,
             "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n"
             "metadata: {name: gw, namespace: infra, creationTimestamp: \"2024-01-01T00:00:00Z\"}\n"
             "spec:\n  gatewayClassName: gg\n  allowedListeners: {namespaces: {from: All}}\n"
             "  listeners:\n  - {name: http, port: 80, protocol: HTTP, hostname: gw.example.com}\n"
             "---\n",
             ls);
    struct ctx c;
    ctx_init(&c, yaml);
    ASSERT_ROUTE(plan(&c, "shop.example.com", "/"), "apps/shop", 0);
    ASSERT_ROUTE(plan(&c, "gw.example.com", "/"), "infra/own", 0);
    ctx_clear(&c);

    /* without allowedListeners the Gateway admits no ListenerSet */
    snprintf(yaml, sizeof(yaml), "%s%s%s", CLASS,
             GATEWAY("  - {name: http, port: 80, protocol: HTTP, hostname: gw.example.com}\n"), ls);
    ctx_init(&c, yaml);
    ASSERT_NO_ROUTE(plan(&c, "shop.example.com", "/"));
    ctx_clear(&c);
}

#define SVC_IP(ns, name, ip, port)                                                                 \
    "apiVersion: v1\nkind: Service\nmetadata: {name: " name ", namespace: " ns "}\n"               \
    "spec: {clusterIP: " ip ", ports: [{port: " port "}]}\n---\n"

Test(route_build, the_table_outlives_the_store_it_was_built_from)
{
    struct ctx c;
    ctx_init(&c, CLASS GATEWAY(HTTP_ALL) SVC_IP("apps", "web", "10.0.0.7", "8080") ROUTE(
                     "apps", "web", "2024-02-01T00:00:00Z",
                     "  parentRefs: [{name: gw, namespace: infra}]\n"
                     "  hostnames: [web.example.com]\n"
                     "  rules:\n"
                     "  - matches: [{path: {type: Exact, value: /exact}, method: GET,"
                     " headers: [{name: x-h, value: v}], queryParams: [{name: q, value: \"1\"}]}]\n"
                     "    filters: [{type: RequestHeaderModifier, requestHeaderModifier:"
                     " {set: [{name: x-set, value: s}]}}]\n"
                     "    backendRefs: [{name: web, port: 8080}]\n"));
    gg_store_free(c.s);
    c.s = gg_store_new(); /* what ctx_clear frees */
    struct gg_http1_header h[] = {{{"x-h", 3}, {"v", 1}}};
    struct gg_plan p = plan_full(&c, 80, "GET", "web.example.com", "/exact?q=1", h, 1);
    ASSERT_ROUTE(p, "apps/web", 0);
    cr_assert_eq(p.action, GG_PLAN_FORWARD);
    bool set = false;
    for (size_t i = 0; i < p.n_headers; i++)
        set |= p.headers[i].name.len == 5 && memcmp(p.headers[i].value.ptr, "s", 1) == 0;
    cr_assert(set, "x-set: s was not applied");
    ctx_clear(&c);
}

Test(route_build, backends_resolve_to_the_service_cluster_ip_and_port_with_weights)
{
    struct ctx c;
    ctx_init(&c, CLASS GATEWAY(HTTP_ALL) SVC_IP("apps", "a", "10.0.0.1", "80")
                     SVC_IP("apps", "b", "10.0.0.2", "81") SVC_IP("apps", "none", "None", "80")
                         ROUTE("apps", "split", "2024-02-01T00:00:00Z",
                               "  parentRefs: [{name: gw, namespace: infra}]\n"
                               "  rules:\n"
                               "  - matches: [{path: {type: PathPrefix, value: /split}}]\n"
                               "    backendRefs: [{name: a, port: 80, weight: 3},"
                               " {name: b, port: 81, weight: 1}, {name: a, port: 80, weight: 0}]\n"
                               "  - matches: [{path: {type: PathPrefix, value: /wrong-port}}]\n"
                               "    backendRefs: [{name: a, port: 9999}]\n"
                               "  - matches: [{path: {type: PathPrefix, value: /headless}}]\n"
                               "    backendRefs: [{name: none, port: 80}]\n"));
    int to_a = 0, to_b = 0;
    for (int i = 0; i < 400; i++) {
        struct gg_plan p = plan(&c, "h", "/split");
        cr_assert_eq(p.action, GG_PLAN_FORWARD);
        const struct sockaddr_in *sin = (const struct sockaddr_in *)&p.endpoint->addr;
        if (sin->sin_addr.s_addr == htonl(0x0a000001) && ntohs(sin->sin_port) == 80)
            to_a++;
        else if (sin->sin_addr.s_addr == htonl(0x0a000002) && ntohs(sin->sin_port) == 81)
            to_b++;
        else
            cr_assert_fail("forwarded to an address no backend has");
    }
    cr_assert_eq(to_a, 300, "a: %d", to_a);
    cr_assert_eq(to_b, 100, "b: %d", to_b);
    cr_assert_eq(plan(&c, "h", "/wrong-port").status, 500, "a port the Service lacks");
    cr_assert_eq(plan(&c, "h", "/headless").status, 503, "no address to send to");
    ctx_clear(&c);
}

Test(route_build, filters_become_the_plan)
{
    struct ctx c;
    ctx_init(&c,
             CLASS GATEWAY(HTTP_ALL) SVC_IP("apps", "web", "10.0.0.1", "80") ROUTE(
                 "apps", "f", "2024-02-01T00:00:00Z",
                 "  parentRefs: [{name: gw, namespace: infra}]\n"
                 "  rules:\n"
                 "  - matches: [{path: {type: PathPrefix, value: /redirect}}]\n"
                 "    filters: [{type: RequestRedirect, requestRedirect: {scheme: https,"
                 " hostname: other.example.com, statusCode: 301}}]\n"
                 "  - matches: [{path: {type: PathPrefix, value: /rewrite}}]\n"
                 "    filters: [{type: URLRewrite, urlRewrite: {hostname: up.example.com,"
                 " path: {type: ReplacePrefixMatch, replacePrefixMatch: /new}}}]\n"
                 "    backendRefs: [{name: web, port: 80}]\n"
                 "    timeouts: {request: 10s, backendRequest: 1500ms}\n"
                 "  - matches: [{path: {type: PathPrefix, value: /ext}}]\n"
                 "    filters: [{type: ExtensionRef, extensionRef: {group: example.com, kind: X,"
                 " name: x}}]\n"
                 "    backendRefs: [{name: web, port: 80}]\n"
                 "  - matches: [{path: {type: PathPrefix, value: /resp}}]\n"
                 "    backendRefs:\n"
                 "    - name: web\n      port: 80\n"
                 "      filters: [{type: ResponseHeaderModifier, responseHeaderModifier:"
                 " {add: [{name: x-b, value: \"1\"}]}}]\n"));
    struct gg_plan p = plan(&c, "h", "/redirect/x");
    cr_assert_eq(p.status, 301);
    cr_assert(p.location.len && strncmp(p.location.ptr, "https://other.example.com/redirect/x",
                                        p.location.len) == 0,
              "%.*s", (int)p.location.len, p.location.ptr);
    p = plan(&c, "h", "/rewrite/a?z=1");
    cr_assert_eq(p.action, GG_PLAN_FORWARD);
    cr_assert(p.target.len == 10 && memcmp(p.target.ptr, "/new/a?z=1", 10) == 0, "%.*s",
              (int)p.target.len, p.target.ptr);
    cr_assert(p.host.len == 14 && memcmp(p.host.ptr, "up.example.com", 14) == 0);
    cr_assert_eq(p.request_timeout_ms, 10000);
    cr_assert_eq(p.backend_timeout_ms, 1500);
    cr_assert_eq(plan(&c, "h", "/ext").status, 500, "an ExtensionRef gateguard cannot honour");
    p = plan(&c, "h", "/resp");
    cr_assert_eq(p.action, GG_PLAN_FORWARD);
    cr_assert_eq(p.response_edits.n_add, 1);
    ctx_clear(&c);
}

Test(route_build, https_listeners_take_their_certificate_from_a_tls_secret)
{
    struct ctx c;
    /* "Y2VydA==" is "cert", "a2V5" is "key" */
    ctx_init(
        &c,
        CLASS GATEWAY(
            "  - {name: a, port: 443, protocol: HTTPS, hostname: a.example.com,"
            " tls: {certificateRefs: [{name: missing}, {name: a}]}}\n"
            "  - {name: b, port: 443, protocol: HTTPS, hostname: b.example.com,"
            " tls: {certificateRefs: [{name: b, namespace: certs}]}}\n"
            "  - {name: bad, port: 443, protocol: HTTPS,"
            " tls: {certificateRefs: [{name: bad}]}}\n") "apiVersion: v1\nkind: Secret\nmetadata: "
                                                         "{name: a, namespace: infra}\n"
                                                         "type: kubernetes.io/tls\ndata: {tls.crt: "
                                                         "Y2VydA==, tls.key: a2V5}\n---\n"
                                                         "apiVersion: v1\nkind: Secret\nmetadata: "
                                                         "{name: b, namespace: certs}\n"
                                                         "type: kubernetes.io/tls\ndata: {tls.crt: "
                                                         "Y2VydA==, tls.key: a2V5}\n---\n"
                                                         "apiVersion: v1\nkind: Secret\nmetadata: "
                                                         "{name: bad, namespace: infra}\n"
                                                         "type: kubernetes.io/tls\ndata: {tls.crt: "
                                                         "\"!!\", tls.key: a2V5}\n---\n");
    cr_assert_eq(gg_route_table_count_frontends(c.t), 1);
    const struct gg_table_frontend *fe = gg_route_table_frontend(c.t, 0);
    cr_assert(fe->is_tls);
    cr_assert_eq(fe->n_certs, 1, "b needs a ReferenceGrant, bad does not decode");
    const struct gg_table_cert *cert = gg_route_table_find_cert(fe, "a.example.com");
    cr_assert_not_null(cert);
    cr_assert_str_eq(cert->secret, "infra/a");
    cr_assert(cert->cert_len == 4 && memcmp(cert->cert_pem, "cert", 4) == 0);
    cr_assert(cert->key_len == 3 && memcmp(cert->key_pem, "key", 3) == 0);
    cr_assert_null(gg_route_table_find_cert(fe, "b.example.com"));
    ctx_clear(&c);
}

Test(route_build, endpointslices_give_the_ready_addresses_on_the_named_port)
{
    struct ctx c;
    ctx_init(&c,
             CLASS GATEWAY(
                 HTTP_ALL) "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: apps}\n"
                           "spec: {clusterIP: 10.96.0.9, ports: [{name: http, port: 80, "
                           "targetPort: 8080},"
                           " {name: other, port: 81}]}\n---\n"
                           "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"
                           "metadata: {name: web-1, namespace: apps,"
                           " labels: {kubernetes.io/service-name: web}}\n"
                           "addressType: IPv4\nports: [{name: other, port: 9}, {name: http, port: "
                           "8080}]\n"
                           "endpoints:\n"
                           "- addresses: [10.1.0.1]\n"
                           "- addresses: [10.1.0.2]\n  conditions: {ready: false}\n"
                           "- addresses: [10.1.0.3]\n  conditions: {ready: true}\n---\n" ROUTE(
                               "apps", "web", "2024-02-01T00:00:00Z",
                               "  parentRefs: [{name: gw, namespace: infra}]\n"
                               "  rules: [{backendRefs: [{name: web, port: 80}]}]\n"));
    bool seen1 = false, seen3 = false;
    for (int i = 0; i < 10; i++) {
        struct gg_plan p = plan(&c, "h", "/");
        cr_assert_eq(p.action, GG_PLAN_FORWARD);
        const struct sockaddr_in *sin = (const struct sockaddr_in *)&p.endpoint->addr;
        cr_assert_eq(ntohs(sin->sin_port), 8080);
        uint32_t a = ntohl(sin->sin_addr.s_addr);
        cr_assert(a == 0x0a010001 || a == 0x0a010003, "sent to %08x", a);
        seen1 |= a == 0x0a010001;
        seen3 |= a == 0x0a010003;
    }
    cr_assert(seen1 && seen3, "round-robin over the ready endpoints");
    ctx_clear(&c);
}
