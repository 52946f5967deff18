/* SPDX-License-Identifier: Apache-2.0 */
/* Identity of route matches: what makes two rules compete for one request. */
#include <criterion/criterion.h>

#include <string.h>

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

/* --- precedence ------------------------------------------------------------ */

/* A route of one rule with one match <m>, created at <created>. */
struct one_route {
    struct gg_rule rule;
    struct gg_object o;
};

static void one_route(struct one_route *r, const char *ns, const char *name, int64_t created,
                      const struct gg_http_match *m, size_t n)
{
    memset(r, 0, sizeof(*r));
    r->rule.matches.http = m;
    r->rule.n_matches = (uint16_t)n;
    r->o.kind = GG_KIND_HTTPROUTE;
    r->o.ns = ns;
    r->o.name = name;
    r->o.created = created;
    r->o.u.route.rules = &r->rule;
    r->o.u.route.n_rules = 1;
}

/* The sign of comparing match <ia> of route <a> with <ib> of <b>, checked
 * antisymmetric. */
static int order(const struct one_route *a, size_t ia, const struct one_route *b, size_t ib)
{
    struct gg_match_rank ra, rb;
    gg_match_rank_http(&a->o, 0, ia, &ra);
    gg_match_rank_http(&b->o, 0, ib, &rb);
    int ab = gg_match_precedence_cmp(&ra, &rb), ba = gg_match_precedence_cmp(&rb, &ra);
    cr_assert_eq(ab<0, ba> 0, "antisymmetric");
    cr_assert_eq(ab == 0, ba == 0, "antisymmetric");
    return ab < 0 ? -1 : ab > 0;
}

/* <first> wins over <second>, everything else being equal. */
static void expect_first(const struct gg_http_match *first, const struct gg_http_match *second,
                         const char *why)
{
    struct one_route a, b;
    one_route(&a, "ns", "r", 100, first, 1);
    one_route(&b, "ns", "r", 100, second, 1);
    cr_expect_eq(order(&a, 0, &b, 0), -1, "%s", why);
}

Test(match_precedence, exact_path_before_prefix)
{
    struct gg_http_match exact = {"/a", NULL, NULL, NULL, 0, 0, GG_MATCH_EXACT};
    struct gg_http_match prefix = {"/a/b/c", NULL, NULL, NULL, 0, 0, GG_MATCH_PATH_PREFIX};
    expect_first(&exact, &prefix, "Exact wins even against a longer prefix");
}

Test(match_precedence, longer_prefix_first_ignoring_trailing_slash)
{
    struct gg_http_match longer = {"/api/v1", NULL, NULL, NULL, 0, 0, GG_MATCH_PATH_PREFIX};
    struct gg_http_match shorter = {"/api/", NULL, NULL, NULL, 0, 0, GG_MATCH_PATH_PREFIX};
    struct gg_http_match slashless = {"/api", "GET", NULL, NULL, 0, 0, GG_MATCH_PATH_PREFIX};
    expect_first(&longer, &shorter, "more characters");
    /* "/api/" is as long as "/api": the method decides */
    expect_first(&slashless, &shorter, "a trailing slash adds nothing");
}

Test(match_precedence, prefix_before_regular_expression)
{
    struct gg_http_match prefix = {"/", NULL, NULL, NULL, 0, 0, GG_MATCH_PATH_PREFIX};
    struct gg_http_match re = {"/a+/b", NULL, NULL, NULL, 0, 0, GG_MATCH_REGULAR_EXPRESSION};
    expect_first(&prefix, &re, "regular expressions after prefixes");
}

Test(match_precedence, method_then_headers_then_query)
{
    struct gg_kv_match h[] = {{"a", "1", GG_MATCH_EXACT}, {"b", "2", GG_MATCH_EXACT}};
    struct gg_http_match method = {"/x", "GET", NULL, NULL, 0, 0, GG_MATCH_PATH_PREFIX};
    struct gg_http_match headers2 = {"/x", NULL, h, NULL, 2, 0, GG_MATCH_PATH_PREFIX};
    struct gg_http_match headers1 = {"/x", NULL, h, h, 1, 2, GG_MATCH_PATH_PREFIX};
    struct gg_http_match query1 = {"/x", NULL, h, h, 1, 1, GG_MATCH_PATH_PREFIX};
    expect_first(&method, &headers2, "a method match before header matches");
    expect_first(&headers2, &headers1, "more header matches first");
    expect_first(&headers1, &query1, "more query matches first");
}

Test(match_precedence, then_older_route_then_namespace_name)
{
    struct gg_http_match m = {"/x", NULL, NULL, NULL, 0, 0, GG_MATCH_PATH_PREFIX};
    struct one_route old, young, a_b, ab_c, unknown;
    one_route(&old, "z", "z", 10, &m, 1);
    one_route(&young, "a", "a", 20, &m, 1);
    one_route(&unknown, "a", "a", GG_CREATED_UNKNOWN, &m, 1);
    cr_expect_eq(order(&old, 0, &young, 0), -1, "the older route first");
    cr_expect_eq(order(&young, 0, &unknown, 0), -1, "one being created last");
    /* "a-b/x" < "a/c" as strings ('-' sorts before '/'), though "a" < "a-b" */
    one_route(&a_b, "a-b", "x", 10, &m, 1);
    one_route(&ab_c, "a", "c", 10, &m, 1);
    cr_expect_eq(order(&a_b, 0, &ab_c, 0), -1, "\"namespace/name\" alphabetically");
}

Test(match_precedence, then_rule_and_match_order)
{
    struct gg_http_match ms[] = {{"/x", NULL, NULL, NULL, 0, 0, GG_MATCH_PATH_PREFIX},
                                 {"/x", NULL, NULL, NULL, 0, 0, GG_MATCH_PATH_PREFIX}};
    struct gg_rule rules[2];
    memset(rules, 0, sizeof(rules));
    rules[0].matches.http = ms;
    rules[0].n_matches = 2;
    rules[1].matches.http = ms;
    rules[1].n_matches = 1;
    struct gg_object o = {.kind = GG_KIND_HTTPROUTE, .ns = "ns", .name = "r", .created = 1};
    o.u.route.rules = rules;
    o.u.route.n_rules = 2;
    struct gg_match_rank r00, r01, r10;
    gg_match_rank_http(&o, 0, 0, &r00);
    gg_match_rank_http(&o, 0, 1, &r01);
    gg_match_rank_http(&o, 1, 0, &r10);
    cr_expect_lt(gg_match_precedence_cmp(&r00, &r01), 0, "match order");
    cr_expect_lt(gg_match_precedence_cmp(&r01, &r10), 0, "rule order before match order");
    cr_expect_eq(gg_match_precedence_cmp(&r00, &r00), 0);
}
