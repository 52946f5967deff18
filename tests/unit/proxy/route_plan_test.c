/* SPDX-License-Identifier: Apache-2.0 */
/* Request planning on hand-built tables: path matching element by element,
 * hostname lookup, header edits, path rewrites, redirects and the weighted
 * split. */
#include <criterion/criterion.h>
#include <string.h>

#include "proxy/route_internal.h"
#include "validation/model.h"

#define S(lit) ((struct gg_str){lit, sizeof(lit) - 1})

static struct rt_match prefix(const char *p)
{
    struct rt_match m = {0};
    m.path_type = GG_MATCH_PATH_PREFIX;
    m.path = p;
    m.path_len = strlen(p);
    return m;
}

Test(route_plan_path, prefix_matches_whole_segments_only)
{
    struct rt_match m = prefix("/foo");
    cr_assert(gg_rt_path_matches(&m, S("/foo"), NULL));
    cr_assert(gg_rt_path_matches(&m, S("/foo/"), NULL));
    cr_assert(gg_rt_path_matches(&m, S("/foo/bar"), NULL));
    cr_assert_not(gg_rt_path_matches(&m, S("/foobar"), NULL));
    cr_assert_not(gg_rt_path_matches(&m, S("/fo"), NULL));
    struct rt_match root = prefix("");
    cr_assert(gg_rt_path_matches(&root, S("/anything"), NULL), "\"/\" matches every path");
}

Test(route_plan_path, exact_matches_only_the_same_bytes)
{
    struct rt_match m = {0};
    m.path_type = GG_MATCH_EXACT;
    m.path = "/one";
    m.path_len = 4;
    cr_assert(gg_rt_path_matches(&m, S("/one"), NULL));
    cr_assert_not(gg_rt_path_matches(&m, S("/one/"), NULL));
    cr_assert_not(gg_rt_path_matches(&m, S("/One"), NULL));
}

Test(route_plan_headers, remove_then_set_then_add_appending_to_an_existing_value)
{
    struct gg_http1_header in[] = {{S("X-Keep"), S("1")},
                                   {S("x-remove"), S("2")},
                                   {S("X-Set"), S("old")},
                                   {S("x-add"), S("some-other-value")}};
    struct gg_http1_header set[] = {{S("x-set"), S("new")}};
    struct gg_http1_header add[] = {{S("X-Add"), S("add-appends-values")}, {S("X-New"), S("n")}};
    struct gg_str rm[] = {S("X-Remove")};
    struct gg_header_edits e = {set, add, rm, 1, 2, 1};
    struct gg_arena a;
    gg_arena_init(&a, NULL, 0);
    const struct gg_http1_header *out;
    size_t n;
    gg_header_edits_apply(&e, in, 4, &a, &out, &n);
    cr_assert_eq(n, 4);
    cr_assert(out[0].name.len == 6 && memcmp(out[0].value.ptr, "1", 1) == 0);
    cr_assert(
        out[1].value.len == strlen("some-other-value,add-appends-values") &&
            memcmp(out[1].value.ptr, "some-other-value,add-appends-values", out[1].value.len) == 0,
        "%.*s", (int)out[1].value.len, out[1].value.ptr);
    cr_assert(memcmp(out[2].value.ptr, "new", 3) == 0);
    cr_assert(memcmp(out[3].name.ptr, "X-New", 5) == 0);
    for (size_t i = 0; i < n; i++)
        cr_assert_neq(strncasecmp(out[i].name.ptr, "x-remove", 8), 0, "removed field kept");
    gg_arena_clear(&a);
}

/* One frontend, one listener for any host, one vhost "example.com" with the
 * given matches over one rule. */
struct fixture {
    struct gg_route_table t;
    struct rt_frontend fe;
    struct rt_listener l;
    struct rt_vhost vh;
    struct rt_host_entry vh_entry;
    struct rt_rule rule;
    struct rt_backend backends[2];
    struct gg_plan_endpoint eps[2];
    struct rt_match matches[1];
};

static void fixture_init(struct fixture *f)
{
    memset(f, 0, sizeof(*f));
    f->t.n_slots = 8;
    f->fe.pub.port = 80;
    f->fe.listeners.any = &f->l;
    gg_hmap_init(&f->l.vhosts.exact);
    gg_hmap_init(&f->l.vhosts.wild);
    f->vh_entry = (struct rt_host_entry){"example.com", 11, &f->vh};
    gg_hmap_put(&f->l.vhosts.exact, gg_hash_bytes("example.com", 11, GG_HASH_SEED), &f->vh_entry);
    f->vh.hostname = "example.com";
    f->matches[0] = prefix("/prefix/one");
    f->matches[0].rule = &f->rule;
    f->vh.matches = f->matches;
    f->vh.n_matches = 1;
    f->rule.route = "apps/web";
    f->rule.backends = f->backends;
    f->rule.n_backends = 2;
    f->rule.wrr_slot = 0;
    for (int i = 0; i < 2; i++) {
        f->eps[i].addr.ss_family = AF_INET;
        f->backends[i].eps = (struct rt_endpoints){&f->eps[i], 1};
        f->backends[i].rr_slot = 2 + (uint32_t)i;
    }
    f->backends[0].weight = 70;
    f->backends[1].weight = 30;
    f->rule.total_weight = 100;
}

static void fixture_clear(struct fixture *f)
{
    gg_hmap_clear(&f->l.vhosts.exact);
    gg_hmap_clear(&f->l.vhosts.wild);
}

static struct gg_plan_request request(struct fixture *f, struct gg_str host, struct gg_str path)
{
    struct gg_plan_request r = {0};
    r.frontend = &f->fe.pub;
    r.method = S("GET");
    r.host = host;
    r.path = path;
    return r;
}

Test(route_plan_make, unknown_hosts_and_paths_get_404)
{
    struct fixture f;
    fixture_init(&f);
    struct gg_plan_state *st = gg_plan_state_new(&f.t);
    struct gg_arena a;
    gg_arena_init(&a, NULL, 0);
    struct gg_plan p;
    struct gg_plan_request r = request(&f, S("other.com"), S("/prefix/one"));
    gg_plan_make(&f.t, st, &r, &a, &p);
    cr_assert_eq(p.action, GG_PLAN_RESPOND);
    cr_assert_eq(p.status, 404);
    r = request(&f, S("Example.COM."), S("/prefix/onex"));
    gg_plan_make(&f.t, st, &r, &a, &p);
    cr_assert_eq(p.status, 404, "/prefix/onex is not under /prefix/one");
    r = request(&f, S("Example.COM."), S("/prefix/one/two"));
    gg_plan_make(&f.t, st, &r, &a, &p);
    cr_assert_eq(p.action, GG_PLAN_FORWARD, "hostnames compare without case or trailing dot");
    cr_assert_str_eq(p.route, "apps/web");
    gg_arena_clear(&a);
    gg_plan_state_free(st);
    fixture_clear(&f);
}

Test(route_plan_make, dot_segments_are_resolved_before_matching)
{
    struct fixture f;
    fixture_init(&f);
    struct gg_plan_state *st = gg_plan_state_new(&f.t);
    struct gg_arena a;
    gg_arena_init(&a, NULL, 0);
    struct gg_plan p;
    struct gg_plan_request r = request(&f, S("example.com"), S("/prefix/one/../../admin"));
    gg_plan_make(&f.t, st, &r, &a, &p);
    cr_assert_eq(p.status, 404, "\"/prefix/one/../../admin\" is \"/admin\"");
    r = request(&f, S("example.com"), S("/prefix/%6Fne/x"));
    gg_plan_make(&f.t, st, &r, &a, &p);
    cr_assert_eq(p.action, GG_PLAN_FORWARD, "%%6F is 'o'");
    cr_assert_eq(p.target.len, strlen("/prefix/one/x"));
    cr_assert(memcmp(p.target.ptr, "/prefix/one/x", p.target.len) == 0,
              "the normalized path is sent");
    r = request(&f, S("example.com"), S("/prefix%2Fone/x"));
    gg_plan_make(&f.t, st, &r, &a, &p);
    cr_assert_eq(p.status, 404, "an escaped slash is not a segment boundary");
    gg_arena_clear(&a);
    gg_plan_state_free(st);
    fixture_clear(&f);
}

Test(route_plan_make, replace_prefix_match_rewrites_only_the_matched_prefix)
{
    struct fixture f;
    fixture_init(&f);
    struct rt_rewrite rw = {NULL, RT_PATH_PREFIX, "/one"};
    f.rule.rewrite = &rw;
    struct gg_plan_state *st = gg_plan_state_new(&f.t);
    struct gg_arena a;
    gg_arena_init(&a, NULL, 0);
    struct gg_plan p;
    struct gg_plan_request r = request(&f, S("example.com"), S("/prefix/one/two"));
    r.query = S("a=b");
    gg_plan_make(&f.t, st, &r, &a, &p);
    cr_assert_eq(p.action, GG_PLAN_FORWARD);
    cr_assert(p.target.len == 12 && memcmp(p.target.ptr, "/one/two?a=b", 12) == 0, "%.*s",
              (int)p.target.len, p.target.ptr);
    rw.path = "/";
    r = request(&f, S("example.com"), S("/prefix/one"));
    gg_plan_make(&f.t, st, &r, &a, &p);
    cr_assert(p.target.len == 1 && p.target.ptr[0] == '/', "%.*s", (int)p.target.len, p.target.ptr);
    gg_arena_clear(&a);
    gg_plan_state_free(st);
    fixture_clear(&f);
}

Test(route_plan_make, redirects_derive_the_port_as_the_spec_says)
{
    struct fixture f;
    fixture_init(&f);
    struct rt_redirect rd = {"https", NULL, 0, 301, RT_PATH_KEEP, NULL};
    f.rule.redirect = &rd;
    struct gg_plan_state *st = gg_plan_state_new(&f.t);
    struct gg_arena a;
    gg_arena_init(&a, NULL, 0);
    struct gg_plan p;
    struct gg_plan_request r = request(&f, S("example.com"), S("/prefix/one"));
    gg_plan_make(&f.t, st, &r, &a, &p);
    cr_assert_eq(p.status, 301);
    cr_assert(p.location.len == strlen("https://example.com/prefix/one") &&
                  memcmp(p.location.ptr, "https://example.com/prefix/one", p.location.len) == 0,
              "%.*s", (int)p.location.len, p.location.ptr);
    rd.scheme = NULL;
    f.fe.pub.port = 8080;
    gg_plan_make(&f.t, st, &r, &a, &p);
    cr_assert(p.location.len == strlen("http://example.com:8080/prefix/one") &&
                  memcmp(p.location.ptr, "http://example.com:8080/prefix/one", p.location.len) == 0,
              "no scheme change keeps the listener's port: %.*s", (int)p.location.len,
              p.location.ptr);
    gg_arena_clear(&a);
    gg_plan_state_free(st);
    fixture_clear(&f);
}

Test(route_plan_make, weights_split_exactly_and_zero_weight_is_never_chosen)
{
    struct fixture f;
    fixture_init(&f);
    struct gg_plan_state *st = gg_plan_state_new(&f.t);
    struct gg_arena a;
    gg_arena_init(&a, NULL, 0);
    struct gg_plan p;
    struct gg_plan_request r = request(&f, S("example.com"), S("/prefix/one"));
    int first = 0;
    for (int i = 0; i < 1000; i++) {
        gg_plan_make(&f.t, st, &r, &a, &p);
        cr_assert_eq(p.action, GG_PLAN_FORWARD);
        first += p.endpoint == &f.eps[0];
    }
    cr_assert_eq(first, 700, "smooth weighted round-robin gives exactly 70/30: %d", first);
    f.backends[0].weight = 0;
    f.rule.total_weight = 30;
    for (int i = 0; i < 100; i++) {
        gg_plan_make(&f.t, st, &r, &a, &p);
        cr_assert_eq(p.endpoint, &f.eps[1]);
    }
    f.backends[1].weight = 0;
    f.rule.total_weight = 0;
    gg_plan_make(&f.t, st, &r, &a, &p);
    cr_assert_eq(p.status, 500, "no weight left: the spec's 500");
    gg_arena_clear(&a);
    gg_plan_state_free(st);
    fixture_clear(&f);
}
