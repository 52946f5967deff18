/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: bytes as a manifest stream stored as the proxy's source would
 * store them (no validation first: the store must cope with what the API
 * server or a folder hands it), a routing table built from them with and
 * without an address pool, and requests planned against it for every
 * hostname and path the routes name. Any input must end in a table and
 * plans, never a crash, a leak or a hang. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "proxy/route_plan.h"
#include "proxy/route_table.h"
#include "validation/arena.h"
#include "validation/load.h"
#include "validation/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct probe {
    const struct gg_route_table *t;
    struct gg_plan_state *st;
    struct gg_arena *a;
    size_t budget; /* requests left, so a huge input stays quick */
};

static struct gg_str str(const char *s)
{
    return (struct gg_str){s, s ? strlen(s) : 0};
}

static void plan_one(struct probe *p, const char *host, const char *path)
{
    static const struct gg_http1_header headers[] = {
        {{"X-Test", 6}, {"1", 1}}, {{"Origin", 6}, {"https://a.example.com", 21}}};
    for (size_t i = 0; i < gg_route_table_count_frontends(p->t) && p->budget; i++, p->budget--) {
        const struct gg_table_frontend *fe = gg_route_table_frontend(p->t, i);
        gg_route_table_find_cert(fe, host);
        struct gg_plan_request r = {0};
        r.frontend = fe;
        r.method = str(i % 2 ? "OPTIONS" : "GET");
        r.host = str(host);
        r.path = str(path);
        r.query = str("a=1&b");
        r.headers = headers;
        r.n_headers = 2;
        r.is_tls = fe->is_tls;
        struct gg_plan out;
        gg_plan_make(p->t, p->st, &r, p->a, &out);
    }
}

static bool route_cb(const struct gg_object *o, void *ctx)
{
    struct probe *p = ctx;
    const struct gg_route *rt = &o->u.route;
    for (size_t h = 0; h <= rt->n_hostnames; h++) {
        const char *host = h < rt->n_hostnames ? rt->hostnames[h] : "x.example.com";
        if (!host)
            continue;
        plan_one(p, host, "/");
        for (size_t i = 0; i < rt->n_rules; i++)
            for (size_t j = 0; j < rt->rules[i].n_matches; j++) {
                const char *path = rt->rules[i].matches.http[j].path;
                if (path)
                    plan_one(p, host, path);
            }
    }
    return p->budget > 0;
}

static void exercise(const struct gg_store *s, const char *pool)
{
    struct gg_route_table_opts o = {0};
    o.address_pool = pool;
    char err[256];
    struct gg_route_table *t = gg_route_table_build(s, &o, err, sizeof(err));
    if (!t)
        abort(); /* only a bad pool may fail the build, and these are good */
    struct gg_arena a;
    gg_arena_init(&a, NULL, 0);
    struct probe p = {t, gg_plan_state_new(t), &a, 4096};
    gg_store_read_begin(s);
    gg_store_each(s, GG_KIND_HTTPROUTE, route_cb, &p);
    gg_store_read_end(s);
    gg_plan_state_free(p.st);
    gg_arena_clear(&a);
    gg_route_table_unref(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct gg_docs docs;
    gg_docs_init(&docs);
    char err[512];
    if (gg_load_buffer(&docs, "fuzz.yaml", (const char *)data, size, err, sizeof(err)) == 0) {
        struct gg_store *s = gg_store_new();
        for (size_t i = 0; i < docs.n; i++)
            gg_store_put_json(s, docs.items[i].obj);
        exercise(s, NULL);
        exercise(s, "10.99.0.0/30");
        gg_store_free(s);
    }
    gg_docs_clear(&docs);
    return 0;
}
