/* SPDX-License-Identifier: Apache-2.0 */
/* Cross-object checks through their entry points: what fixtures cannot say,
 * because it needs an object's previous version (UPDATE, DELETE), the audit
 * over a whole store, and readers running beside the writer. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "validation/cross.h"
#include "validation/load.h"
#include "validation/policy.h"
#include "validation/xalloc.h"
#include "yaml_helper.h"

static const char *cluster =
    "apiVersion: gateway.networking.k8s.io/v1\n"
    "kind: Gateway\n"
    "metadata: {name: public, namespace: infra}\n"
    "spec:\n"
    "  gatewayClassName: gg\n"
    "  listeners:\n"
    "  - name: http\n"
    "    port: 80\n"
    "    protocol: HTTP\n"
    "    hostname: \"*.example.com\"\n"
    "    allowedRoutes:\n"
    "      namespaces:\n"
    "        from: Selector\n"
    "        selector: {matchLabels: {shared: \"yes\"}}\n"
    "---\n"
    "apiVersion: v1\n"
    "kind: Namespace\n"
    "metadata: {name: apps, labels: {shared: \"yes\"}}\n"
    "---\n"
    "apiVersion: gateway.networking.k8s.io/v1\n"
    "kind: HTTPRoute\n"
    "metadata: {name: api, namespace: apps, creationTimestamp: \"2024-01-01T00:00:00Z\"}\n"
    "spec:\n"
    "  parentRefs: [{name: public, namespace: infra, sectionName: http}]\n"
    "  hostnames: [api.example.com]\n"
    "  rules:\n"
    "  - matches: [{path: {type: PathPrefix, value: /v1}}]\n"
    "    backendRefs: [{name: pg, namespace: db, port: 5432}]\n"
    "---\n"
    "apiVersion: gateway.networking.k8s.io/v1beta1\n"
    "kind: ReferenceGrant\n"
    "metadata: {name: apps, namespace: db}\n"
    "spec:\n"
    "  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: apps}]\n"
    "  to: [{group: \"\", kind: Service}]\n"
    "---\n"
    "apiVersion: v1\n"
    "kind: Service\n"
    "metadata: {name: pg, namespace: db}\n";

static struct gg_store *store_of(const char *text)
{
    struct gg_docs d;
    char err[512];
    gg_docs_init(&d);
    cr_assert_eq(gg_load_buffer(&d, "t.yaml", text, strlen(text), err, sizeof(err)), 0, "%s", err);
    struct gg_store *s = gg_store_new();
    for (size_t i = 0; i < d.n; i++)
        cr_assert_eq(gg_store_put_json(s, d.items[i].obj), 0);
    gg_docs_clear(&d);
    return s;
}

/* Every finding as "error|warning <check> <field>: <text>", one per line. */
static char *findings(const struct gg_errs *e)
{
    struct gg_buf b;
    gg_buf_init(&b);
    for (size_t i = 0; i < e->n; i++) {
        gg_buf_addf(&b, "%s %s ", e->items[i].sev == GG_SEV_ERROR ? "error" : "warning",
                    e->items[i].check ? e->items[i].check : "-");
        gg_err_render(&e->items[i], &b);
        gg_buf_addc(&b, '\n');
    }
    return b.data ? gg_buf_take(&b) : gg_xstrdup("");
}

/* Runs gg_cross_check for <obj_yaml> (NULL: delete) against <old_yaml>. */
static char *check(const struct gg_store *s, const struct gg_policy *pol, const char *obj_yaml,
                   const char *old_yaml, size_t *n_errors)
{
    json_t *obj = obj_yaml ? test_yaml(obj_yaml) : NULL;
    json_t *old = old_yaml ? test_yaml(old_yaml) : NULL;
    struct gg_errs e;
    gg_errs_init(&e);
    gg_cross_check(s, pol, obj, old, &e);
    char *out = findings(&e);
    if (n_errors)
        *n_errors = e.n_errors;
    gg_errs_clear(&e);
    json_decref(obj);
    json_decref(old);
    return out;
}

static char *route(const char *ns, const char *name, const char *ts, const char *host,
                   const char *path)
{
    return gg_xasprintf("apiVersion: gateway.networking.k8s.io/v1\n"
                        "kind: HTTPRoute\n"
                        "metadata: {name: %s, namespace: %s%s%s%s}\n"
                        "spec:\n"
                        "  parentRefs: [{name: public, namespace: infra}]\n"
                        "  hostnames: [%s]\n"
                        "  rules: [{matches: [{path: {type: PathPrefix, value: %s}}]}]\n",
                        name, ns, ts ? ", creationTimestamp: \"" : "", ts ? ts : "", ts ? "\"" : "",
                        host, path);
}

Test(cross_update, an_object_never_conflicts_with_its_stored_self)
{
    struct gg_store *s = store_of(cluster);
    const char *api = "apiVersion: gateway.networking.k8s.io/v1\n"
                      "kind: HTTPRoute\n"
                      "metadata: {name: api, namespace: apps}\n"
                      "spec:\n"
                      "  parentRefs: [{name: public, namespace: infra, sectionName: http}]\n"
                      "  hostnames: [api.example.com]\n"
                      "  rules:\n"
                      "  - matches: [{path: {type: PathPrefix, value: /v1}}]\n"
                      "    backendRefs: [{name: pg, namespace: db, port: 5432}]\n";
    char *out = check(s, NULL, api, api, NULL);
    cr_expect_str_eq(out, "");
    free(out);
    gg_store_free(s);
}

Test(cross_update, a_create_without_timestamp_loses_to_every_holder)
{
    struct gg_store *s = store_of(cluster);
    /* the holder was created in the future: still older than an object being
     * created, which has no timestamp yet */
    char *holder = route("apps", "old", "2030-01-01T00:00:00Z", "www.example.com", "/");
    json_t *j = test_yaml(holder);
    gg_store_put_json(s, j);
    json_decref(j);
    j = test_yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {shared: "
                  "\"yes\"}}\n");
    gg_store_put_json(s, j);
    json_decref(j);
    char *newer = route("shop", "new", NULL, "www.example.com", "/x");
    size_t n = 0;
    char *out = check(s, NULL, newer, NULL, &n);
    cr_expect_str_eq(out, "error hostname-ownership spec.hostnames[0]: Forbidden: hostname "
                          "\"www.example.com\" is already served on Gateway \"infra/public\" by "
                          "another namespace; use a hostname no other namespace serves there, or "
                          "have the ownership policy give \"www.example.com\" to namespace "
                          "\"shop\"\n");
    cr_expect_eq(n, 1);
    free(out);
    free(holder);
    free(newer);
    gg_store_free(s);
}

Test(cross_update, keeps_a_conflict_the_old_version_had_if_older_but_refuses_a_new_one)
{
    struct gg_store *s = store_of(cluster);
    char *other = route("apps", "b", "2025-01-01T00:00:00Z", "x.example.com", "/");
    json_t *j = test_yaml(other);
    gg_store_put_json(s, j);
    json_decref(j);
    /* zeta/a is older than apps/b and already served x.example.com */
    char *before = route("zeta", "a", "2020-01-01T00:00:00Z", "x.example.com", "/a");
    char *after = route("zeta", "a", "2020-01-01T00:00:00Z", "x.example.com", "/b");
    char *out = check(s, NULL, after, before, NULL);
    cr_expect_null(strstr(out, "hostname-ownership"), "grandfathered:\n%s", out);
    free(out);
    /* the same route taking x.example.com only now is refused, old as it is */
    char *fresh = route("zeta", "a", "2020-01-01T00:00:00Z", "y.example.com", "/a");
    out = check(s, NULL, after, fresh, NULL);
    cr_expect_not_null(strstr(out, "error hostname-ownership spec.hostnames[0]"), "%s", out);
    free(out);
    free(other);
    free(before);
    free(after);
    free(fresh);
    gg_store_free(s);
}

Test(cross_impact, deleting_a_gateway_names_the_routes_it_carries)
{
    struct gg_store *s = store_of(cluster);
    const char *gw = "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n"
                     "metadata: {name: public, namespace: infra}\n"
                     "spec:\n  gatewayClassName: gg\n  listeners:\n"
                     "  - name: http\n    port: 80\n    protocol: HTTP\n"
                     "    hostname: \"*.example.com\"\n"
                     "    allowedRoutes: {namespaces: {from: Selector, selector: {matchLabels: "
                     "{shared: \"yes\"}}}}\n";
    size_t n = 0;
    char *out = check(s, NULL, NULL, gw, &n);
    cr_expect_str_eq(out, "warning change-impact spec: NoMatchingParent: HTTPRoute \"apps/api\" "
                          "(spec.parentRefs[0]) would lose its parent\n");
    cr_expect_eq(n, 0);
    free(out);
    /* a policy that makes change-impact deny turns it into a denial */
    char err[256];
    const char *text = "checks:\n  change-impact: deny\n";
    struct gg_policy *pol = gg_policy_parse("p.yaml", text, strlen(text), err, sizeof(err));
    cr_assert_not_null(pol, "%s", err);
    out = check(s, pol, NULL, gw, &n);
    cr_expect_eq(n, 1, "%s", out);
    free(out);
    gg_policy_unref(pol);
    gg_store_free(s);
}

Test(cross_impact, a_listener_edit_names_routes_it_would_cut_off)
{
    struct gg_store *s = store_of(cluster);
    const char *head = "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n"
                       "metadata: {name: public, namespace: infra}\n"
                       "spec:\n  gatewayClassName: gg\n  listeners:\n";
    char *old = gg_xasprintf("%s  - name: http\n    port: 80\n    protocol: HTTP\n"
                             "    hostname: \"*.example.com\"\n"
                             "    allowedRoutes: {namespaces: {from: All}}\n",
                             head);
    char *renamed = gg_xasprintf("%s  - name: web\n    port: 80\n    protocol: HTTP\n"
                                 "    allowedRoutes: {namespaces: {from: All}}\n",
                                 head);
    char *narrowed = gg_xasprintf("%s  - name: http\n    port: 80\n    protocol: HTTP\n"
                                  "    hostname: \"*.example.com\"\n",
                                  head);
    char *rehosted = gg_xasprintf("%s  - name: http\n    port: 80\n    protocol: HTTP\n"
                                  "    hostname: \"*.example.org\"\n"
                                  "    allowedRoutes: {namespaces: {from: All}}\n",
                                  head);
    char *out = check(s, NULL, renamed, old, NULL);
    cr_expect_str_eq(out, "warning change-impact spec.listeners: NoMatchingParent: HTTPRoute "
                          "\"apps/api\" (spec.parentRefs[0]) would no longer attach\n");
    free(out);
    out = check(s, NULL, narrowed, old, NULL);
    cr_expect_str_eq(out, "warning change-impact spec.listeners: NotAllowedByListeners: "
                          "HTTPRoute \"apps/api\" (spec.parentRefs[0]) would no longer attach\n");
    free(out);
    out = check(s, NULL, rehosted, old, NULL);
    cr_expect_str_eq(out, "warning change-impact spec.listeners: NoMatchingListenerHostname: "
                          "HTTPRoute \"apps/api\" (spec.parentRefs[0]) would no longer attach\n");
    free(out);
    out = check(s, NULL, old, old, NULL);
    cr_expect_str_eq(out, "");
    free(out);
    free(old);
    free(renamed);
    free(narrowed);
    free(rehosted);
    gg_store_free(s);
}

Test(cross_impact, relabeling_a_namespace_names_routes_it_would_shut_out)
{
    struct gg_store *s = store_of(cluster);
    const char *before = "apiVersion: v1\nkind: Namespace\n"
                         "metadata: {name: apps, labels: {shared: \"yes\"}}\n";
    const char *after = "apiVersion: v1\nkind: Namespace\n"
                        "metadata: {name: apps, labels: {shared: \"no\"}}\n";
    const char *extra = "apiVersion: v1\nkind: Namespace\n"
                        "metadata: {name: apps, labels: {shared: \"yes\", team: a}}\n";
    char *out = check(s, NULL, after, before, NULL);
    cr_expect_str_eq(out, "warning change-impact metadata.labels: NotAllowedByListeners: "
                          "HTTPRoute \"apps/api\" (spec.parentRefs[0]) would no longer be "
                          "admitted by Gateway \"infra/public\"\n");
    free(out);
    out = check(s, NULL, extra, before, NULL);
    cr_expect_str_eq(out, "");
    free(out);
    gg_store_free(s);
}

Test(cross_impact, changing_or_deleting_a_grant_names_references_that_lose_access)
{
    struct gg_store *s = store_of(cluster);
    const char *grant = "apiVersion: gateway.networking.k8s.io/v1beta1\n"
                        "kind: ReferenceGrant\n"
                        "metadata: {name: apps, namespace: db}\n"
                        "spec:\n"
                        "  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, "
                        "namespace: apps}]\n"
                        "  to: [{group: \"\", kind: Service%s}]\n";
    char *any = gg_xasprintf(grant, "");
    char *pg = gg_xasprintf(grant, ", name: pg");
    char *other = gg_xasprintf(grant, ", name: mysql");
    const char *want = "warning change-impact spec: RefNotPermitted: HTTPRoute \"apps/api\" "
                       "would lose access to Service \"db/pg\" (spec.rules[0].backendRefs[0])\n";
    char *out = check(s, NULL, NULL, any, NULL);
    cr_expect_str_eq(out, want);
    free(out);
    out = check(s, NULL, other, any, NULL);
    cr_expect_str_eq(out, want);
    free(out);
    out = check(s, NULL, pg, any, NULL);
    cr_expect_str_eq(out, "", "narrowing to the Service in use keeps access");
    free(out);
    free(any);
    free(pg);
    free(other);
    gg_store_free(s);
}

Test(cross_audit, reports_objects_that_no_longer_pass)
{
    struct gg_store *s = store_of(cluster);
    struct gg_errs e;
    gg_errs_init(&e);
    cr_expect_eq(gg_cross_audit(s, NULL, &e), 0);
    cr_expect_eq(e.n, 0);
    /* the grant is deleted and the namespace relabeled: the route fails twice */
    gg_store_delete(s, GG_KIND_REFERENCEGRANT, "db", "apps");
    json_t *ns = test_yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}\n");
    gg_store_put_json(s, ns);
    json_decref(ns);
    cr_expect_eq(gg_cross_audit(s, NULL, &e), 1);
    char *out = findings(&e);
    cr_expect_not_null(strstr(out, "error parent-attachment spec.parentRefs[0]: Forbidden: "
                                   "NotAllowedByListeners"),
                       "%s", out);
    cr_expect_not_null(strstr(out, "error reference-grant spec.rules[0].backendRefs[0].namespace:"
                                   " Forbidden: RefNotPermitted"),
                       "%s", out);
    cr_expect_str_eq(e.items[0].kind, "HTTPRoute");
    cr_expect_str_eq(e.items[0].name, "api");
    cr_expect_null(e.items[0].file);
    cr_expect_null(e.subject.kind, "the subject is cleared after the audit");
    free(out);
    gg_errs_clear(&e);
    gg_store_free(s);
}

Test(cross_check, ignores_kinds_without_cross_rules_and_malformed_objects)
{
    struct gg_store *s = store_of(cluster);
    char *out = check(s, NULL, "apiVersion: v1\nkind: Service\nmetadata: {name: x, namespace: a}\n",
                      NULL, NULL);
    cr_expect_str_eq(out, "");
    free(out);
    out =
        check(s, NULL, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n", NULL, NULL);
    cr_expect_str_eq(out, "");
    free(out);
    out = check(s, NULL,
                "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n"
                "metadata: {name: odd, namespace: apps}\n"
                "spec: {parentRefs: [7, {name: 5}], hostnames: {a: b},\n"
                "       rules: [[], {matches: 3}]}\n",
                NULL, NULL);
    cr_expect_str_eq(out, "", "odd shapes read as absent: %s", out);
    free(out);
    gg_store_free(s);
}

/* --- readers beside the writer ------------------------------------------------ */

struct reader {
    const struct gg_store *s;
    int rounds;
    size_t errors;
};

static void *reader_main(void *arg)
{
    struct reader *r = arg;
    char *text = route("apps", "probe", NULL, "probe.example.com", "/");
    json_t *obj = test_yaml(text);
    for (int i = 0; i < r->rounds; i++) {
        struct gg_errs e;
        gg_errs_init(&e);
        gg_cross_check(r->s, NULL, obj, NULL, &e);
        r->errors += e.n_errors;
        gg_errs_clear(&e);
    }
    json_decref(obj);
    free(text);
    return NULL;
}

Test(cross_concurrency, readers_check_while_the_writer_changes_the_store)
{
    struct gg_store *s = store_of(cluster);
    struct reader r[3];
    pthread_t t[3];
    for (int i = 0; i < 3; i++) {
        r[i] = (struct reader){s, 300, 0};
        pthread_create(&t[i], NULL, reader_main, &r[i]);
    }
    char name[32], host[64];
    for (int i = 0; i < 300; i++) {
        snprintf(name, sizeof(name), "r%d", i % 50);
        snprintf(host, sizeof(host), "h%d.example.com", i);
        char *text = route("apps", name, NULL, host, "/");
        json_t *j = test_yaml(text);
        gg_store_put_json(s, j);
        json_decref(j);
        free(text);
        if (i % 7 == 0)
            gg_store_delete(s, GG_KIND_HTTPROUTE, "apps", name);
    }
    for (int i = 0; i < 3; i++) {
        pthread_join(t[i], NULL);
        cr_expect_eq(r[i].errors, 0);
    }
    gg_store_free(s);
}
