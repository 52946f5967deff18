/* SPDX-License-Identifier: Apache-2.0 */
/* The webhook's view: source events applied to the store (REPLACE drops what
 * the source no longer holds, objects a folder holds that the API server
 * would refuse stay out), and reviews judged against it. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "../validation/yaml_helper.h"
#include "validation/model.h"
#include "validation/store.h"
#include "validation/validate.h"
#include "validation/xalloc.h"
#include "sync/view.h"
#include "webhook/review.h"

static const char *cluster =
    "apiVersion: v1\n"
    "kind: Namespace\n"
    "metadata: {name: apps, labels: {team: apps}}\n"
    "---\n"
    "apiVersion: v1\n"
    "kind: Namespace\n"
    "metadata: {name: shop}\n"
    "---\n"
    "apiVersion: gateway.networking.k8s.io/v1\n"
    "kind: Gateway\n"
    "metadata: {name: gw, namespace: infra}\n"
    "spec:\n"
    "  gatewayClassName: c\n"
    "  listeners:\n"
    "  - {name: http, port: 80, protocol: HTTP, hostname: '*.example.com',\n"
    "     allowedRoutes: {namespaces: {from: All}}}\n"
    "---\n"
    "apiVersion: gateway.networking.k8s.io/v1\n"
    "kind: HTTPRoute\n"
    "metadata: {name: api, namespace: apps}\n"
    "spec:\n"
    "  parentRefs: [{name: gw, namespace: infra}]\n"
    "  hostnames: [api.example.com]\n";

static json_t *all_docs(const char *text)
{
    json_t *arr = json_array();
    for (size_t i = 0;; i++) {
        struct gg_docs d;
        char err[256];
        gg_docs_init(&d);
        cr_assert_eq(gg_load_buffer(&d, "t.yaml", text, strlen(text), err, sizeof(err)), 0);
        size_t n = d.n;
        if (i < n)
            json_array_append(arr, d.items[i].obj);
        gg_docs_clear(&d);
        if (i + 1 >= n)
            break;
    }
    return arr;
}

static size_t count(struct gg_view *v, enum gg_model_kind k)
{
    struct gg_store *s = gg_view_store(v);
    gg_store_read_begin(s);
    size_t n = gg_store_count(s, k);
    gg_store_read_end(s);
    return n;
}

static struct gg_view *view_with_cluster(void)
{
    char err[256];
    cr_assert_eq(gg_validate_init(err, sizeof(err)), 0, "%s", err);
    struct gg_view_config cfg = {0};
    struct gg_view *v = gg_view_new(&cfg, err, sizeof(err));
    cr_assert_not_null(v, "%s", err);
    json_t *objs = all_docs(cluster);
    gg_view_source_cb(v, GG_SOURCE_REPLACE, NULL, objs, NULL);
    gg_view_source_cb(v, GG_SOURCE_SYNCED, NULL, NULL, NULL);
    json_decref(objs);
    return v;
}

/* The verdict on creating <route_yaml>: the number of errors. */
static size_t review_errors(struct gg_view *v, const char *route_yaml)
{
    json_t *obj = test_yaml(route_yaml);
    struct gg_admission_request req = {.uid = "u", .operation = "CREATE", .object = obj};
    struct gg_errs errs;
    gg_errs_init(&errs);
    errs.subject.kind = "HTTPRoute";
    gg_review_validate(v, &req, &errs);
    size_t n = errs.n_errors;
    gg_errs_clear(&errs);
    json_decref(obj);
    return n;
}

static const char *hijack = "apiVersion: gateway.networking.k8s.io/v1\n"
                            "kind: HTTPRoute\n"
                            "metadata: {name: grab, namespace: shop}\n"
                            "spec:\n"
                            "  parentRefs: [{name: gw, namespace: infra}]\n"
                            "  hostnames: [api.example.com]\n";

Test(view, replace_fills_the_store_and_reviews_read_it)
{
    struct gg_view *v = view_with_cluster();
    cr_expect_eq(count(v, GG_KIND_HTTPROUTE), 1);
    cr_expect_eq(count(v, GG_KIND_NAMESPACE), 2);
    /* another namespace serves api.example.com, with an identical (default) match */
    cr_expect_eq(review_errors(v, hijack), 2);
    gg_view_free(v);
}

Test(view, replace_drops_what_the_source_no_longer_holds)
{
    struct gg_view *v = view_with_cluster();
    json_t *objs = all_docs(cluster);
    json_array_remove(objs, 3); /* the route */
    gg_view_source_cb(v, GG_SOURCE_REPLACE, NULL, objs, NULL);
    json_decref(objs);
    cr_expect_eq(count(v, GG_KIND_HTTPROUTE), 0);
    cr_expect_eq(count(v, GG_KIND_GATEWAY), 1);
    cr_expect_eq(review_errors(v, hijack), 0, "the hostname is free again");
    gg_view_free(v);
}

Test(view, replace_of_one_kind_leaves_the_others)
{
    struct gg_view *v = view_with_cluster();
    json_t *none = json_array();
    gg_view_source_cb(v, GG_SOURCE_REPLACE, "HTTPRoute", none, NULL);
    json_decref(none);
    cr_expect_eq(count(v, GG_KIND_HTTPROUTE), 0);
    cr_expect_eq(count(v, GG_KIND_NAMESPACE), 2);
    gg_view_free(v);
}

Test(view, upsert_and_delete_follow_the_watch)
{
    struct gg_view *v = view_with_cluster();
    json_t *route = test_yaml(hijack);
    gg_view_source_cb(v, GG_SOURCE_UPSERT, "HTTPRoute", route, NULL);
    cr_expect_eq(count(v, GG_KIND_HTTPROUTE), 2);
    gg_view_source_cb(v, GG_SOURCE_DELETE, "HTTPRoute", route, NULL);
    cr_expect_eq(count(v, GG_KIND_HTTPROUTE), 1);
    json_decref(route);
    gg_view_free(v);
}

Test(view, a_folder_object_the_api_server_would_refuse_stays_out)
{
    struct gg_view *v = view_with_cluster();
    json_t *bad = test_yaml("apiVersion: gateway.networking.k8s.io/v1\n"
                            "kind: HTTPRoute\n"
                            "metadata: {name: bad, namespace: apps}\n"
                            "spec: {hostnames: [NOT_A_HOSTNAME]}\n");
    gg_view_source_cb(v, GG_SOURCE_UPSERT, "HTTPRoute", bad, NULL);
    cr_expect_eq(count(v, GG_KIND_HTTPROUTE), 1);
    json_decref(bad);
    gg_view_free(v);
}

Test(view, an_invalid_object_gets_no_cross_object_verdicts)
{
    struct gg_view *v = view_with_cluster();
    /* the same hijack, plus a schema error: only the schema error is reported */
    cr_expect_eq(review_errors(v, "apiVersion: gateway.networking.k8s.io/v1\n"
                                  "kind: HTTPRoute\n"
                                  "metadata: {name: grab, namespace: shop}\n"
                                  "spec:\n"
                                  "  parentRefs: [{name: gw, namespace: infra, port: 0}]\n"
                                  "  hostnames: [api.example.com]\n"),
                 1);
    gg_view_free(v);
}

Test(view, violations_are_served_as_json)
{
    struct gg_view *v = view_with_cluster();
    gg_view_audit_now(v);
    struct gg_buf b;
    gg_buf_init(&b);
    cr_expect_eq(gg_view_violations(v, &b), 200);
    json_error_t je;
    json_t *j = json_loads(b.data, 0, &je);
    cr_assert_not_null(j, "%s", je.text);
    cr_expect(json_is_array(json_object_get(j, "violations")));
    json_decref(j);
    gg_buf_clear(&b);
    gg_view_free(v);
}
