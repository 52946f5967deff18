/* SPDX-License-Identifier: Apache-2.0 */
/* Identity of route matches: what makes two rules compete for one request. */
#include <criterion/criterion.h>

#include "validation/match.h"
#include "validation/xalloc.h"

Test(match_identity, ignores_header_order_and_header_name_case)
{
    struct gg_kv_match h1[] = {{"X-Env", "canary", GG_MATCH_EXACT},
                               {"x-user", "1", GG_MATCH_EXACT}};
    struct gg_kv_match h2[] = {{"x-user", "1", GG_MATCH_EXACT},
                               {"x-env", "canary", GG_MATCH_EXACT}};
    struct gg_http_match a = {"/api", "GET", h1, NULL, 2, 0, GG_MATCH_PATH_PREFIX};
    struct gg_http_match b = {"/api", "GET", h2, NULL, 2, 0, GG_MATCH_PATH_PREFIX};
    cr_expect(gg_match_equal_http(&a, &b));
    cr_expect_eq(gg_match_hash_http(&a), gg_match_hash_http(&b));
}

Test(match_identity, tells_apart_type_value_method_and_query_case)
{
    struct gg_kv_match q1[] = {{"V", "2", GG_MATCH_EXACT}};
    struct gg_kv_match q2[] = {{"v", "2", GG_MATCH_EXACT}};
    struct gg_http_match base = {"/api", NULL, NULL, NULL, 0, 0, GG_MATCH_PATH_PREFIX};
    struct gg_http_match exact = {"/api", NULL, NULL, NULL, 0, 0, GG_MATCH_EXACT};
    struct gg_http_match get = {"/api", "GET", NULL, NULL, 0, 0, GG_MATCH_PATH_PREFIX};
    struct gg_http_match qa = {"/api", NULL, NULL, q1, 0, 1, GG_MATCH_PATH_PREFIX};
    struct gg_http_match qb = {"/api", NULL, NULL, q2, 0, 1, GG_MATCH_PATH_PREFIX};
    cr_expect_not(gg_match_equal_http(&base, &exact));
    cr_expect_not(gg_match_equal_http(&base, &get));
    cr_expect_not(gg_match_equal_http(&qa, &qb), "query parameter names are case-sensitive");
    cr_expect_neq(gg_match_hash_http(&base), gg_match_hash_http(&exact));
}

Test(match_identity, grpc_compares_service_method_and_headers)
{
    struct gg_grpc_match a = {"pkg.Svc", "Get", NULL, 0, GG_MATCH_EXACT};
    struct gg_grpc_match b = {"pkg.Svc", NULL, NULL, 0, GG_MATCH_EXACT};
    cr_expect_not(gg_match_equal_grpc(&a, &b));
    cr_expect(gg_match_equal_grpc(&gg_grpc_match_all, &gg_grpc_match_all));
}

Test(match_render, says_what_the_match_is)
{
    struct gg_kv_match h[] = {{"x-env", "canary", GG_MATCH_EXACT}};
    struct gg_http_match m = {"/api", "GET", h, NULL, 1, 0, GG_MATCH_PATH_PREFIX};
    struct gg_buf b;
    gg_buf_init(&b);
    gg_match_render_http(&m, &b);
    cr_expect_str_eq(b.data, "path PathPrefix \"/api\", method GET, header x-env=\"canary\"");
    b.len = 0;
    gg_match_render_grpc(&gg_grpc_match_all, &b);
    cr_expect_str_eq(b.data, "any method");
    gg_buf_clear(&b);
}
