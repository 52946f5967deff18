/* SPDX-License-Identifier: Apache-2.0 */
/* The routing table builder (gg_route_table_build in route_table.h): from a
 * store to the immutable shape of route_internal.h, by the same attachment
 * verdicts the webhook gives, so a route the webhook admits is the route
 * served here.
 *
 * Design notes
 *
 * Order: Gateways are visited oldest first (then namespace/name), listeners
 * in their order, so when two listeners claim one (address, port, hostname),
 * or one port with two protocols, the one the spec ranks first is served and
 * the other is left to the status controller to report as Conflicted.
 *
 * Vhosts: a route attached to a listener is filed under each intersection of
 * its hostnames with the listener's (the narrower name of each pair; the
 * listener's own when the route names none). A request picks the most
 * specific listener, then the most specific vhost in it, then the first
 * match in precedence order. It never falls back to a less specific vhost:
 * the most specific hostname wins before any path is compared.
 *
 * Sharing: a rule's backends and filters are built once and shared by every
 * vhost the rule is filed under, so the balancer's state is per rule, not per
 * hostname. Everything lives in the table's arena; the build's own indexes
 * are freed before it returns. */
#include "proxy/route_table.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/gateways.h"
#include "proxy/route_internal.h"
#include "validation/attach.h"
#include "validation/hostname.h"
#include "validation/match.h"
#include "validation/store.h"
#include "validation/xalloc.h"

/* A growable heap array, for the build's own lists. */
#define VEC(T)                                                                                     \
    struct {                                                                                       \
        T *v;                                                                                      \
        size_t n, cap;                                                                             \
    }

static void *vec_grow(void *v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return v;
    *cap = *cap ? *cap * 2 : 8;
    return gg_xrealloc(v, *cap * size);
}

#define VEC_PUSH(vec)                                                                              \
    ((vec).v = vec_grow((vec).v, &(vec).cap, (vec).n, sizeof(*(vec).v)),                           \
     memset(&(vec).v[(vec).n], 0, sizeof(*(vec).v)), &(vec).v[(vec).n++])

struct vh_build {
    const char *hostname; /* NULL: any */
    const struct gg_object *last_route;
    VEC(struct rt_match) matches;
};

struct l_build {
    const char *hostname; /* NULL: any */
    bool is_tls;
    struct gg_hmap vh_index; /* struct vh_build by hostname ("" for none) */
    VEC(struct vh_build *) vhosts;
};

struct fe_build {
    struct sockaddr_storage addr;
    uint16_t port;
    bool is_tls;
    VEC(struct l_build *) listeners;
    VEC(struct gg_table_cert) certs;
};

struct rule_entry {
    const struct gg_object *route;
    size_t index;
    struct rt_rule *rule;
};

struct build {
    const struct gg_store *s;
    struct gg_gateways_owner own;
    struct gg_address_pool pool;
    bool has_pool;
    struct gg_route_table *t;
    struct gg_arena *a;
    VEC(struct fe_build *) fes;
    struct gg_hmap rules;  /* struct rule_entry by (route, rule index) */
    struct gg_hmap filed;  /* (listener, route) pairs already filed */
    struct gg_hmap routes; /* routes served, counted once */
    struct gg_hmap keys;   /* "ns/name" of each route, by object */
    VEC(pcre2_code *) regexes;
    VEC(struct gg_hmap *) maps;
};

/* --- small helpers ----------------------------------------------------------- */

static char *lower_dup(struct gg_arena *a, const char *s)
{
    size_t n = strlen(s);
    char *p = gg_arena_alloc(a, n + 1);
    for (size_t i = 0; i < n; i++)
        p[i] = (char)tolower((unsigned char)s[i]);
    return p;
}

/* The table outlives the store's read lock, so it keeps its own copy of
 * every string it takes from an object. */
static const char *dup(struct build *b, const char *s)
{
    return s ? gg_arena_strndup(b->a, s, strlen(s)) : NULL;
}

static struct gg_str dup_str(struct build *b, const char *s)
{
    const char *d = dup(b, s ? s : "");
    return (struct gg_str){d, strlen(d)};
}

struct pair {
    const void *x, *y;
    const void *val;
};

static bool pair_eq(const void *v, const void *k)
{
    const struct pair *a = v, *b = k;
    return a->x == b->x && a->y == b->y;
}

static uint64_t pair_hash(const void *x, const void *y)
{
    return gg_hash_u64(gg_hash_u64((uint64_t)(uintptr_t)x) ^ (uint64_t)(uintptr_t)y);
}

static struct pair *pair_find(struct gg_hmap *m, const void *x, const void *y)
{
    struct pair k = {x, y, NULL};
    return gg_hmap_find(m, pair_hash(x, y), pair_eq, &k);
}

static struct pair *pair_add(struct build *b, struct gg_hmap *m, const void *x, const void *y,
                             const void *val)
{
    struct pair *p = gg_arena_alloc(b->a, sizeof(*p));
    *p = (struct pair){x, y, val};
    gg_hmap_put(m, pair_hash(x, y), p);
    return p;
}

/* A route's names in the table: "ns/name" for logs and plans, and the two
 * parts for the precedence order; copied once per route. */
struct route_names {
    const char *key, *ns, *name;
};

static const struct route_names *route_names(struct build *b, const struct gg_object *o)
{
    struct pair *p = pair_find(&b->keys, o, NULL);
    if (p)
        return p->val;
    struct route_names *r = gg_arena_alloc(b->a, sizeof(*r));
    size_t n = strlen(o->ns) + strlen(o->name) + 2;
    char *key = gg_arena_alloc(b->a, n);
    snprintf(key, n, "%s/%s", o->ns, o->name);
    r->key = key;
    r->ns = dup(b, o->ns);
    r->name = key + strlen(o->ns) + 1; /* the tail of "ns/name" */
    pair_add(b, &b->keys, o, NULL, r);
    return r;
}

static pcre2_code *compile_regex(struct build *b, const char *pattern)
{
    int code;
    PCRE2_SIZE off;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | PCRE2_NO_AUTO_CAPTURE, &code, &off, NULL);
    if (re)
        *VEC_PUSH(b->regexes) = re;
    return re;
}

/* --- hostname maps -------------------------------------------------------------- */

static bool host_entry_eq(const void *v, const void *k)
{
    const struct rt_host_entry *e = v;
    const struct gg_str *key = k;
    return e->key_len == key->len && memcmp(e->key, key->ptr, key->len) == 0;
}

static void hostmap_init(struct build *b, struct rt_hostmap *m)
{
    gg_hmap_init(&m->exact);
    gg_hmap_init(&m->wild);
    *VEC_PUSH(b->maps) = &m->exact;
    *VEC_PUSH(b->maps) = &m->wild;
}

/* Files <val> under <hostname> (lowercase; NULL: the catch-all) unless that
 * name is taken; returns whether it was filed. */
static bool hostmap_add(struct build *b, struct rt_hostmap *m, const char *hostname,
                        const void *val)
{
    if (!hostname) {
        if (m->any)
            return false;
        m->any = val;
        return true;
    }
    bool wild = gg_hostname_is_wildcard(hostname);
    struct gg_str key = {wild ? hostname + 2 : hostname, 0};
    key.len = strlen(key.ptr);
    struct gg_hmap *map = wild ? &m->wild : &m->exact;
    uint64_t h = gg_hash_bytes(key.ptr, key.len, GG_HASH_SEED);
    if (gg_hmap_find(map, h, host_entry_eq, &key))
        return false;
    struct rt_host_entry *e = gg_arena_alloc(b->a, sizeof(*e));
    *e = (struct rt_host_entry){key.ptr, key.len, val};
    gg_hmap_put(map, h, e);
    return true;
}

/* --- precedence ------------------------------------------------------------------ */

/* The spec's precedence (gg_match_precedence_cmp) over the table's own
 * copies of the matches. */
static int match_order(const void *pa, const void *pb)
{
    const struct rt_match *a = pa, *b = pb;
    struct gg_match_rank ra = {a->path_type,          a->path_len,   a->method != NULL,
                               a->n_headers,          a->n_query,    a->created,
                               a->route_ns,           a->route_name, (size_t)a->rule_index,
                               (size_t)a->match_index};
    struct gg_match_rank rb = {b->path_type,          b->path_len,   b->method != NULL,
                               b->n_headers,          b->n_query,    b->created,
                               b->route_ns,           b->route_name, (size_t)b->rule_index,
                               (size_t)b->match_index};
    return gg_match_precedence_cmp(&ra, &rb);
}

/* --- backends -------------------------------------------------------------------- */

/* Whether a route may reference <ref> (a Service) in <to_ns>. */
static bool backend_permitted(struct build *b, const struct gg_object *route,
                              const struct gg_ref *ref, const char *to_ns)
{
    if (strcmp(route->ns, to_ns) == 0)
        return true;
    return gg_attach_ref_permitted(b->s, GG_GROUP, gg_model_kind_name(route->kind), route->ns,
                                   to_ns, ref->group, ref->kind, ref->name, NULL, NULL);
}

static bool is_service(const struct gg_ref *ref)
{
    return ref->group && ref->group[0] == '\0' && ref->kind && strcmp(ref->kind, "Service") == 0;
}

static bool parse_ip(const char *text, uint16_t port, struct gg_plan_endpoint *ep)
{
    memset(ep, 0, sizeof(*ep));
    struct sockaddr_in *v4 = (struct sockaddr_in *)&ep->addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ep->addr;
    if (inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        ep->addr_len = sizeof(*v4);
        return true;
    }
    if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        ep->addr_len = sizeof(*v6);
        return true;
    }
    return false;
}

struct slice_walk {
    struct build *b;
    const struct gg_service_port *sp;
    VEC(struct gg_plan_endpoint) eps;
    size_t slices;
};

static bool same_port_name(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

static bool slice_cb(const struct gg_object *o, void *ctx)
{
    struct slice_walk *w = ctx;
    const struct gg_endpointslice *es = &o->u.endpointslice;
    w->slices++;
    if (es->address_type != GG_ADDRESS_IPV4 && es->address_type != GG_ADDRESS_IPV6)
        return true;
    int32_t port = 0;
    for (size_t i = 0; i < es->n_ports && !port; i++)
        if (same_port_name(es->ports[i].name, w->sp->name))
            port = es->ports[i].port;
    if (port <= 0 || port > 65535)
        return true;
    for (size_t i = 0; i < es->n_endpoints; i++) {
        const struct gg_endpoint *e = &es->endpoints[i];
        if (!e->is_ready || e->is_terminating)
            continue;
        for (size_t j = 0; j < e->n_addresses; j++) {
            struct gg_plan_endpoint ep;
            if (e->addresses[j] && parse_ip(e->addresses[j], (uint16_t)port, &ep))
                *VEC_PUSH(w->eps) = ep;
        }
    }
    return true;
}

/* The ready endpoints of <svc>'s port <sp>: the addresses its EndpointSlices
 * list as ready, on the slice port named like the Service port; a Service
 * without EndpointSlices is reached at its cluster IP, which the cluster's
 * service proxy spreads over its Pods. */
static void service_endpoints(struct build *b, const struct gg_object *svc,
                              const struct gg_service_port *sp, struct rt_endpoints *eps)
{
    struct slice_walk w = {b, sp, {0}, 0};
    gg_store_each_endpointslice_of(b->s, svc->ns, svc->name, slice_cb, &w);
    if (w.slices == 0) {
        const char *ip = svc->u.service.cluster_ip;
        struct gg_plan_endpoint ep;
        if (ip && strcmp(ip, "None") != 0 && parse_ip(ip, (uint16_t)sp->port, &ep))
            *VEC_PUSH(w.eps) = ep;
    }
    if (w.eps.n) {
        struct gg_plan_endpoint *v = gg_arena_alloc(b->a, w.eps.n * sizeof(*v));
        memcpy(v, w.eps.v, w.eps.n * sizeof(*v));
        eps->v = v;
        eps->n = w.eps.n;
    }
    free(w.eps.v);
}

/* Resolves <ref> to endpoints; returns 0, or the status a request sent to
 * it gets (500: the reference cannot be served, as the spec asks). */
static int resolve_endpoints(struct build *b, const struct gg_object *route,
                             const struct gg_ref *ref, struct rt_endpoints *eps)
{
    memset(eps, 0, sizeof(*eps));
    if (!ref->name || !is_service(ref) || ref->port <= 0 || ref->port > 65535)
        return 500; /* InvalidKind, or a Service without a port */
    const char *ns = gg_ref_ns(ref, route->ns);
    if (!backend_permitted(b, route, ref, ns))
        return 500; /* RefNotPermitted */
    const struct gg_object *svc = gg_store_find(b->s, GG_KIND_SERVICE, ns, ref->name);
    if (!svc)
        return 500; /* BackendNotFound */
    const struct gg_service *sv = &svc->u.service;
    const struct gg_service_port *sp = NULL;
    for (size_t i = 0; i < sv->n_ports && !sp; i++)
        if (sv->ports[i].port == ref->port)
            sp = &sv->ports[i];
    if (!sp)
        return 500; /* BackendNotFound: the Service has no such port */
    if (sv->type && strcmp(sv->type, "ExternalName") == 0)
        return 500; /* not resolved by gateguard */
    service_endpoints(b, svc, sp, eps);
    return 0;
}

static void build_edits(struct build *b, const struct gg_header_mod *hm, struct gg_header_edits *e)
{
    struct gg_http1_header *set = gg_arena_alloc(b->a, (hm->n_set + 1u) * sizeof(*set));
    struct gg_http1_header *add = gg_arena_alloc(b->a, (hm->n_add + 1u) * sizeof(*add));
    struct gg_str *rm = gg_arena_alloc(b->a, (hm->n_remove + 1u) * sizeof(*rm));
    size_t ns = 0, na = 0, nr = 0;
    for (size_t i = 0; i < hm->n_set; i++)
        if (hm->set[i].name && hm->set[i].value)
            set[ns++] =
                (struct gg_http1_header){dup_str(b, hm->set[i].name), dup_str(b, hm->set[i].value)};
    for (size_t i = 0; i < hm->n_add; i++)
        if (hm->add[i].name && hm->add[i].value)
            add[na++] =
                (struct gg_http1_header){dup_str(b, hm->add[i].name), dup_str(b, hm->add[i].value)};
    for (size_t i = 0; i < hm->n_remove; i++)
        if (hm->remove[i])
            rm[nr++] = dup_str(b, hm->remove[i]);
    *e = (struct gg_header_edits){set, add, rm, ns, na, nr};
}

/* A header value or a path may not carry CR, LF or NUL into a request the
 * proxy writes; the schema refuses them, but the table is built from what
 * the store holds. */
static bool is_clean(const char *s)
{
    return !s || !strpbrk(s, "\r\n");
}

static bool edits_clean(const struct gg_header_mod *hm)
{
    for (size_t i = 0; i < hm->n_set; i++)
        if (!is_clean(hm->set[i].name) || !is_clean(hm->set[i].value))
            return false;
    for (size_t i = 0; i < hm->n_add; i++)
        if (!is_clean(hm->add[i].name) || !is_clean(hm->add[i].value))
            return false;
    for (size_t i = 0; i < hm->n_remove; i++)
        if (!is_clean(hm->remove[i]))
            return false;
    return true;
}

static bool path_mod(const struct gg_path_mod *pm, uint8_t *mod, const char **path, struct build *b)
{
    switch (pm->type) {
    case GG_PATH_MOD_NONE:
        *mod = RT_PATH_KEEP;
        return true;
    case GG_PATH_MOD_FULL:
    case GG_PATH_MOD_PREFIX:
        if (!pm->value || pm->value[0] != '/' || !is_clean(pm->value))
            return false;
        *mod = pm->type == GG_PATH_MOD_FULL ? RT_PATH_FULL : RT_PATH_PREFIX;
        *path = dup(b, pm->value);
        return true;
    default:
        return false;
    }
}

/* ", "-joined copy of <v>, or NULL for none. */
static const char *join(struct build *b, const char *const *v, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += (v[i] ? strlen(v[i]) : 0) + 2;
    if (n == 0)
        return NULL;
    char *out = gg_arena_alloc(b->a, len), *p = out;
    for (size_t i = 0; i < n; i++) {
        if (!v[i] || !is_clean(v[i]))
            continue;
        p += sprintf(p, "%s%s", p == out ? "" : ", ", v[i]);
    }
    return p == out ? NULL : out;
}

static const struct rt_cors *build_cors(struct build *b, const struct gg_cors *c)
{
    struct rt_cors *out = gg_arena_alloc(b->a, sizeof(*out));
    const char **origins = gg_arena_alloc(b->a, (c->n_allow_origins + 1u) * sizeof(*origins));
    for (size_t i = 0; i < c->n_allow_origins; i++)
        if (c->allow_origins[i])
            origins[out->n_origins++] = dup(b, c->allow_origins[i]);
    out->origins = origins;
    out->methods = join(b, c->allow_methods, c->n_allow_methods);
    out->headers = join(b, c->allow_headers, c->n_allow_headers);
    out->expose = join(b, c->expose_headers, c->n_expose_headers);
    out->max_age = c->max_age;
    out->allow_credentials = c->allow_credentials;
    return out;
}

static void add_mirror(struct build *b, const struct gg_object *route,
                       const struct gg_mirror_filter *mf, struct rt_mirror *m, size_t *n)
{
    if (mf->denominator <= 0 || mf->numerator <= 0)
        return; /* mirrors nothing */
    struct rt_mirror *x = &m[*n];
    if (resolve_endpoints(b, route, &mf->backend_ref, &x->eps) != 0)
        return; /* a mirror that cannot be served is skipped, not an error */
    x->numerator = (uint32_t)mf->numerator;
    x->denominator = (uint32_t)mf->denominator;
    x->rr_slot = b->t->n_slots++;
    (*n)++;
}

/* Applies rule-level filters to <out>; false when one cannot be honoured
 * (an ExtensionRef or type gateguard does not implement, a malformed
 * value): such a rule answers 500, as the spec asks. */
static bool rule_filters(struct build *b, const struct gg_object *route, const struct gg_rule *r,
                         struct rt_rule *out)
{
    struct rt_mirror *m = gg_arena_alloc(b->a, (r->n_filters + 1u) * sizeof(*m));
    size_t nm = 0;
    bool ok = true;
    for (size_t i = 0; i < r->n_filters; i++) {
        const struct gg_filter *f = &r->filters[i];
        switch (f->type) {
        case GG_FILTER_REQUEST_HEADER_MODIFIER:
            ok = ok && edits_clean(&f->u.header);
            build_edits(b, &f->u.header, &out->req_edits);
            break;
        case GG_FILTER_RESPONSE_HEADER_MODIFIER:
            ok = ok && edits_clean(&f->u.header);
            build_edits(b, &f->u.header, &out->resp_edits);
            break;
        case GG_FILTER_REQUEST_REDIRECT: {
            const struct gg_redirect *rd = &f->u.redirect;
            struct rt_redirect *x = gg_arena_alloc(b->a, sizeof(*x));
            x->scheme = dup(b, rd->scheme);
            x->hostname = dup(b, rd->hostname);
            x->port = rd->port > 0 && rd->port <= 65535 ? rd->port : 0;
            x->status = rd->status_code ? rd->status_code : 302;
            ok = ok && is_clean(rd->scheme) && is_clean(rd->hostname) &&
                 path_mod(&rd->path, &x->path_mod, &x->path, b);
            out->redirect = x;
            break;
        }
        case GG_FILTER_URL_REWRITE: {
            struct rt_rewrite *x = gg_arena_alloc(b->a, sizeof(*x));
            x->hostname = dup(b, f->u.rewrite.hostname);
            ok = ok && is_clean(f->u.rewrite.hostname) &&
                 path_mod(&f->u.rewrite.path, &x->path_mod, &x->path, b);
            out->rewrite = x;
            break;
        }
        case GG_FILTER_REQUEST_MIRROR:
            add_mirror(b, route, &f->u.mirror, m, &nm);
            break;
        case GG_FILTER_CORS:
            out->cors = build_cors(b, &f->u.cors);
            break;
        default:
            ok = false;
        }
    }
    out->mirrors = m;
    out->n_mirrors = nm;
    return ok;
}

/* Backend-level filters: header modifiers only; anything else makes the
 * backend answer 500 when chosen. */
static bool backend_filters(struct build *b, const struct gg_backend_extra *x,
                            struct rt_backend *be)
{
    bool ok = true;
    for (size_t i = 0; x && i < x->n_filters; i++) {
        const struct gg_filter *f = &x->filters[i];
        if (f->type == GG_FILTER_REQUEST_HEADER_MODIFIER && edits_clean(&f->u.header))
            build_edits(b, &f->u.header, &be->req_edits);
        else if (f->type == GG_FILTER_RESPONSE_HEADER_MODIFIER && edits_clean(&f->u.header))
            build_edits(b, &f->u.header, &be->resp_edits);
        else
            ok = false;
    }
    return ok;
}

static uint32_t timeout_ms(int64_t ms)
{
    return ms > 0 && ms < UINT32_MAX ? (uint32_t)ms : 0;
}

static void build_rule(struct build *b, const struct gg_object *route, const struct gg_rule *r,
                       struct rt_rule *out)
{
    struct rt_backend *v = gg_arena_alloc(b->a, (r->n_backend_refs + 1u) * sizeof(*v));
    for (size_t i = 0; i < r->n_backend_refs; i++) {
        const struct gg_ref *ref = &r->backend_refs[i];
        const struct gg_backend_extra *x = r->backend_extras ? &r->backend_extras[i] : NULL;
        struct rt_backend *be = &v[i];
        const char *ns = gg_ref_ns(ref, route->ns);
        size_t n = strlen(ns) + (ref->name ? strlen(ref->name) : 0) + 16;
        char *name = gg_arena_alloc(b->a, n);
        snprintf(name, n, "%s/%s:%d", ns, ref->name ? ref->name : "", (int)ref->port);
        be->name = name;
        be->weight = x ? (x->weight > 0 ? (uint32_t)x->weight : 0) : 1;
        be->status = resolve_endpoints(b, route, ref, &be->eps);
        if (!backend_filters(b, x, be))
            be->status = 500;
        be->rr_slot = b->t->n_slots++;
        out->total_weight += be->weight;
    }
    out->backends = v;
    out->n_backends = r->n_backend_refs;
    out->wrr_slot = b->t->n_slots;
    b->t->n_slots += (uint32_t)r->n_backend_refs;
    if (!rule_filters(b, route, r, out))
        out->status = 500;
    out->request_timeout_ms = timeout_ms(r->timeout_request_ms);
    out->backend_timeout_ms = timeout_ms(r->timeout_backend_ms);
}

/* The rule <index> of <route>, built on first use. */
static struct rt_rule *rule_of(struct build *b, const struct gg_object *route, size_t index)
{
    const struct gg_rule *r = &route->u.route.rules[index];
    struct pair *p = pair_find(&b->rules, route, r);
    if (p)
        return (struct rt_rule *)p->val;
    struct rt_rule *rule = gg_arena_alloc(b->a, sizeof(*rule));
    rule->route = route_names(b, route)->key;
    rule->index = (int)index;
    build_rule(b, route, r, rule);
    pair_add(b, &b->rules, route, r, rule);
    return rule;
}

/* --- matches --------------------------------------------------------------------- */

static const struct rt_kv *build_kvs(struct build *b, const struct gg_kv_match *in, size_t n,
                                     bool *ok)
{
    struct rt_kv *v = gg_arena_alloc(b->a, (n + 1) * sizeof(*v));
    for (size_t i = 0; i < n; i++) {
        if (!in[i].name || !in[i].value) {
            *ok = false;
            continue;
        }
        v[i].name = dup(b, in[i].name);
        v[i].value = dup(b, in[i].value);
        v[i].value_len = strlen(in[i].value);
        v[i].type = in[i].type;
        if (in[i].type == GG_MATCH_REGULAR_EXPRESSION) {
            v[i].re = compile_regex(b, in[i].value);
            if (!v[i].re)
                *ok = false;
        } else if (in[i].type != GG_MATCH_EXACT) {
            *ok = false;
        }
    }
    return v;
}

/* Fills <m> from match <hm>; false when it can never match (a pattern that
 * does not compile, a type gateguard does not implement). */
static bool build_match(struct build *b, const struct gg_http_match *hm, struct rt_match *m)
{
    bool ok = true;
    m->path_type = hm->path_type;
    m->path = dup(b, hm->path ? hm->path : "/");
    m->path_len = strlen(m->path);
    switch (hm->path_type) {
    case GG_MATCH_PATH_PREFIX:
        /* "/foo/" matches what "/foo" does: element-wise, without the slash */
        while (m->path_len > 0 && m->path[m->path_len - 1] == '/')
            m->path_len--;
        break;
    case GG_MATCH_EXACT:
        break;
    case GG_MATCH_REGULAR_EXPRESSION:
        m->path_re = compile_regex(b, m->path);
        ok = m->path_re != NULL;
        break;
    default:
        ok = false;
    }
    m->method = dup(b, hm->method);
    m->headers = build_kvs(b, hm->headers, hm->n_headers, &ok);
    m->n_headers = hm->n_headers;
    m->query = build_kvs(b, hm->query_params, hm->n_query_params, &ok);
    m->n_query = hm->n_query_params;
    return ok;
}

/* --- filing routes under listeners ------------------------------------------------- */

static bool vh_eq(const void *v, const void *k)
{
    const struct vh_build *vh = v;
    const char *name = k;
    return strcmp(vh->hostname ? vh->hostname : "", name) == 0;
}

static struct vh_build *vhost_of(struct build *b, struct l_build *l, const char *hostname)
{
    const char *key = hostname ? hostname : "";
    uint64_t h = gg_hash_str(key, GG_HASH_SEED);
    struct vh_build *vh = gg_hmap_find(&l->vh_index, h, vh_eq, key);
    if (vh)
        return vh;
    vh = gg_xcalloc(1, sizeof(*vh));
    vh->hostname = hostname ? lower_dup(b->a, hostname) : NULL;
    gg_hmap_put(&l->vh_index, h, vh);
    *VEC_PUSH(l->vhosts) = vh;
    return vh;
}

static void file_route_in(struct build *b, struct vh_build *vh, const struct gg_object *route)
{
    if (vh->last_route == route)
        return; /* two of its hostnames meet the listener in one name */
    vh->last_route = route;
    const struct gg_route *rt = &route->u.route;
    for (size_t i = 0; i < rt->n_rules; i++) {
        const struct gg_rule *r = &rt->rules[i];
        for (size_t j = 0; j < r->n_matches; j++) {
            struct rt_match m = {0};
            if (!build_match(b, &r->matches.http[j], &m))
                continue;
            m.rule = rule_of(b, route, i);
            m.created = route->created;
            m.route_ns = route_names(b, route)->ns;
            m.route_name = route_names(b, route)->name;
            m.rule_index = (int)i;
            m.match_index = (int)j;
            *VEC_PUSH(vh->matches) = m;
        }
    }
}

/* Files <route>, which the listener admits, under each hostname it shares
 * with the listener. */
static void file_route(struct build *b, struct l_build *l, const struct gg_object *route)
{
    if (pair_find(&b->filed, l, route))
        return; /* a second parentRef reaching the same listener */
    pair_add(b, &b->filed, l, route, route);
    if (!pair_find(&b->routes, route, NULL)) {
        pair_add(b, &b->routes, route, NULL, route);
        b->t->n_routes++;
    }
    const struct gg_route *rt = &route->u.route;
    bool named = false;
    for (size_t h = 0; h < rt->n_hostnames; h++) {
        const char *name = rt->hostnames[h];
        if (!name)
            continue;
        named = true;
        if (gg_hostname_intersects(name, l->hostname))
            file_route_in(b, vhost_of(b, l, gg_hostname_narrower(name, l->hostname)), route);
    }
    if (!named)
        file_route_in(b, vhost_of(b, l, l->hostname), route);
}

struct attach_walk {
    struct build *b;
    const struct gg_object *parent;
    struct l_build **placed; /* the parent's listeners, NULL where not served */
    size_t n_placed;
};

static bool attach_cb(const struct gg_object *route, size_t parent_index, void *ctx)
{
    struct attach_walk *w = ctx;
    if (route->kind != GG_KIND_HTTPROUTE || parent_index >= route->u.route.n_parent_refs)
        return true;
    const struct gg_ref *ref = &route->u.route.parent_refs[parent_index];
    struct gg_ns_view nsv;
    gg_attach_ns_view(w->b->s, route->ns, &nsv);
    uint64_t mask = 0;
    if (gg_attach_route(route, ref, w->parent, &nsv, &mask) != GG_ATTACH_OK)
        return true;
    for (size_t i = 0; i < w->n_placed && i < 64; i++)
        if ((mask & (1ULL << i)) && w->placed[i])
            file_route(w->b, w->placed[i], route);
    return true;
}

/* --- listeners and frontends ------------------------------------------------------- */

static struct fe_build *frontend_of(struct build *b, const struct sockaddr_storage *addr,
                                    uint16_t port)
{
    for (size_t i = 0; i < b->fes.n; i++) {
        struct fe_build *fe = b->fes.v[i];
        if (fe->port == port && fe->addr.ss_family == addr->ss_family &&
            memcmp(&fe->addr, addr, sizeof(*addr)) == 0)
            return fe;
    }
    struct fe_build *fe = gg_xcalloc(1, sizeof(*fe));
    fe->addr = *addr;
    fe->port = port;
    fe->is_tls = false;
    *VEC_PUSH(b->fes) = fe;
    return fe;
}

/* The PEM pair of Secret <ref> for a listener of <owner> (a Gateway or a
 * ListenerSet), if it can be used. */
static bool listener_cert(struct build *b, const struct gg_object *owner, const struct gg_ref *ref,
                          struct gg_table_cert *out)
{
    if (!ref->name || !ref->kind || strcmp(ref->kind, "Secret") != 0 || !ref->group ||
        ref->group[0] != '\0')
        return false;
    const char *ns = gg_ref_ns(ref, owner->ns);
    if (strcmp(ns, owner->ns) != 0 &&
        !gg_attach_ref_permitted(b->s, GG_GROUP, gg_model_kind_name(owner->kind), owner->ns, ns, "",
                                 "Secret", ref->name, NULL, NULL))
        return false;
    const struct gg_object *sec = gg_store_find(b->s, GG_KIND_SECRET, ns, ref->name);
    if (!sec)
        return false;
    const struct gg_secret *sv = &sec->u.secret;
    if (sv->tls_crt.state != GG_BLOB_OK || sv->tls_key.state != GG_BLOB_OK)
        return false; /* InvalidCertificateRef; whether the PEM parses is the TLS layer's */
    unsigned char *crt = gg_arena_alloc(b->a, sv->tls_crt.len + 1u);
    unsigned char *key = gg_arena_alloc(b->a, sv->tls_key.len + 1u);
    memcpy(crt, sv->tls_crt.bytes, sv->tls_crt.len);
    memcpy(key, sv->tls_key.bytes, sv->tls_key.len);
    size_t n = strlen(ns) + strlen(ref->name) + 2;
    char *name = gg_arena_alloc(b->a, n);
    snprintf(name, n, "%s/%s", ns, ref->name);
    *out = (struct gg_table_cert){NULL, crt, key, sv->tls_crt.len, sv->tls_key.len, name};
    return true;
}

/* Places listener <l> of <owner> in its frontend; NULL when it is not
 * served: a protocol the proxy does not speak, or a port or hostname an
 * earlier listener holds. */
static struct l_build *place_listener(struct build *b, const struct gg_object *owner,
                                      const struct sockaddr_storage *addr,
                                      const struct gg_listener *l)
{
    bool tls;
    if (!l->protocol || l->port <= 0 || l->port > 65535)
        return NULL;
    if (strcmp(l->protocol, "HTTP") == 0)
        tls = false;
    else if (strcmp(l->protocol, "HTTPS") == 0 &&
             (l->tls_mode == GG_TLS_TERMINATE || l->tls_mode == GG_TLS_ABSENT))
        tls = true;
    else
        return NULL;
    struct fe_build *fe = frontend_of(b, addr, (uint16_t)l->port);
    if (fe->listeners.n == 0)
        fe->is_tls = tls;
    else if (fe->is_tls != tls)
        return NULL; /* ProtocolConflict: the port speaks the earlier protocol */
    const char *host = l->hostname ? lower_dup(b->a, l->hostname) : NULL;
    for (size_t i = 0; i < fe->listeners.n; i++) {
        const char *h = fe->listeners.v[i]->hostname;
        if ((!h && !host) || (h && host && strcmp(h, host) == 0))
            return NULL; /* HostnameConflict */
    }
    struct l_build *lb = gg_xcalloc(1, sizeof(*lb));
    lb->hostname = host;
    lb->is_tls = tls;
    gg_hmap_init(&lb->vh_index);
    *VEC_PUSH(fe->listeners) = lb;
    if (tls) {
        for (size_t i = 0; i < l->n_certificate_refs; i++) {
            struct gg_table_cert c = {0};
            if (listener_cert(b, owner, &l->certificate_refs[i], &c)) {
                c.hostname = host;
                *VEC_PUSH(fe->certs) = c;
                break; /* the first usable certificate serves the listener */
            }
        }
    }
    return lb;
}

/* Places the listeners of <parent> (a Gateway, or a ListenerSet the Gateway
 * admits) and files the routes attached to it. */
static void build_parent(struct build *b, const struct gg_object *parent,
                         const struct sockaddr_storage *addr)
{
    size_t n;
    const struct gg_listener *l = gg_attach_listeners(parent, &n);
    struct l_build **placed = gg_xcalloc(n + 1, sizeof(*placed));
    for (size_t i = 0; i < n; i++)
        placed[i] = place_listener(b, parent, addr, &l[i]);
    struct attach_walk w = {b, parent, placed, n};
    gg_store_each_route_of(b->s, parent->kind, parent->ns, parent->name, attach_cb, &w);
    free(placed);
}

struct obj_list {
    struct build *b;
    const struct gg_object *gw; /* ListenerSets: the Gateway they must be admitted by */
    VEC(const struct gg_object *) v;
};

static bool gw_collect(const struct gg_object *o, void *ctx)
{
    struct obj_list *l = ctx;
    if (gg_gateways_owns(l->b->s, &l->b->own, o))
        *VEC_PUSH(l->v) = o;
    return true;
}

static bool ls_collect(const struct gg_object *o, void *ctx)
{
    struct obj_list *l = ctx;
    struct gg_ns_view nsv;
    gg_attach_ns_view(l->b->s, o->ns, &nsv);
    if (gg_attach_gateway_admits_listenerset(l->gw, &nsv, NULL))
        *VEC_PUSH(l->v) = o;
    return true;
}

static int spec_order(const void *pa, const void *pb)
{
    const struct gg_object *a = *(const struct gg_object *const *)pa;
    const struct gg_object *b = *(const struct gg_object *const *)pb;
    return gg_attach_comes_first(a, b) ? -1 : gg_attach_comes_first(b, a) ? 1 : 0;
}

static void sort_objects(const struct gg_object **v, size_t n)
{
    if (n > 1)
        qsort(v, n, sizeof(*v), spec_order);
}

/* A Gateway's own listeners first, then its ListenerSets' in the spec's
 * order (GEP-1713), so a ListenerSet never takes a port or hostname from
 * the Gateway or an older ListenerSet. */
static void build_gateway(struct build *b, const struct gg_object *gw)
{
    struct sockaddr_storage addr = {0};
    addr.ss_family = AF_UNSPEC;
    if (b->has_pool && gg_gateways_address(b->s, &b->own, &b->pool, gw, &addr) != 0)
        return; /* the pool is exhausted: the status says AddressNotAssigned */
    build_parent(b, gw, &addr);
    struct obj_list sets = {b, gw, {0}};
    gg_store_each_listenerset_of(b->s, gw->ns, gw->name, ls_collect, &sets);
    sort_objects(sets.v.v, sets.v.n);
    for (size_t i = 0; i < sets.v.n; i++)
        build_parent(b, sets.v.v[i], &addr);
    free(sets.v.v);
}

/* --- freezing the build into the table ------------------------------------------------ */

static void freeze_listener(struct build *b, struct l_build *lb, struct rt_listener *out)
{
    out->hostname = lb->hostname;
    hostmap_init(b, &out->vhosts);
    struct rt_vhost *vhs = gg_arena_alloc(b->a, (lb->vhosts.n + 1) * sizeof(*vhs));
    for (size_t i = 0; i < lb->vhosts.n; i++) {
        struct vh_build *vb = lb->vhosts.v[i];
        struct rt_match *m = gg_arena_alloc(b->a, (vb->matches.n + 1) * sizeof(*m));
        if (vb->matches.n) {
            qsort(vb->matches.v, vb->matches.n, sizeof(*vb->matches.v), match_order);
            memcpy(m, vb->matches.v, vb->matches.n * sizeof(*m));
        }
        vhs[i] = (struct rt_vhost){vb->hostname, m, vb->matches.n};
        hostmap_add(b, &out->vhosts, vb->hostname, &vhs[i]);
    }
}

static void freeze(struct build *b)
{
    struct gg_route_table *t = b->t;
    t->frontends = gg_arena_alloc(b->a, (b->fes.n + 1) * sizeof(*t->frontends));
    for (size_t i = 0; i < b->fes.n; i++) {
        struct fe_build *fb = b->fes.v[i];
        struct rt_frontend *fe = &t->frontends[t->n_frontends];
        if (fb->listeners.n == 0)
            continue;
        t->n_frontends++;
        fe->pub.addr = fb->addr;
        fe->pub.port = fb->port;
        fe->pub.is_tls = fb->is_tls;
        struct gg_table_cert *certs = gg_arena_alloc(b->a, (fb->certs.n + 1) * sizeof(*certs));
        if (fb->certs.n)
            memcpy(certs, fb->certs.v, fb->certs.n * sizeof(*certs));
        fe->pub.certs = certs;
        fe->pub.n_certs = fb->certs.n;
        hostmap_init(b, &fe->listeners);
        struct rt_listener *ls = gg_arena_alloc(b->a, fb->listeners.n * sizeof(*ls));
        for (size_t j = 0; j < fb->listeners.n; j++) {
            freeze_listener(b, fb->listeners.v[j], &ls[j]);
            hostmap_add(b, &fe->listeners, ls[j].hostname, &ls[j]);
        }
    }
    t->regexes = gg_arena_alloc(b->a, (b->regexes.n + 1) * sizeof(*t->regexes));
    if (b->regexes.n)
        memcpy(t->regexes, b->regexes.v, b->regexes.n * sizeof(*t->regexes));
    t->n_regexes = b->regexes.n;
    t->maps = gg_arena_alloc(b->a, (b->maps.n + 1) * sizeof(*t->maps));
    if (b->maps.n)
        memcpy(t->maps, b->maps.v, b->maps.n * sizeof(*t->maps));
    t->n_maps = b->maps.n;
}

static void build_free(struct build *b)
{
    for (size_t i = 0; i < b->fes.n; i++) {
        struct fe_build *fe = b->fes.v[i];
        for (size_t j = 0; j < fe->listeners.n; j++) {
            struct l_build *lb = fe->listeners.v[j];
            for (size_t k = 0; k < lb->vhosts.n; k++) {
                free(lb->vhosts.v[k]->matches.v);
                free(lb->vhosts.v[k]);
            }
            free(lb->vhosts.v);
            gg_hmap_clear(&lb->vh_index);
            free(lb);
        }
        free(fe->listeners.v);
        free(fe->certs.v);
        free(fe);
    }
    free(b->fes.v);
    gg_hmap_clear(&b->rules);
    gg_hmap_clear(&b->filed);
    gg_hmap_clear(&b->routes);
    gg_hmap_clear(&b->keys);
    free(b->regexes.v);
    free(b->maps.v);
}

struct gg_route_table *gg_route_table_build(const struct gg_store *s,
                                            const struct gg_route_table_opts *opts, char *err,
                                            size_t errlen)
{
    struct build b = {0};
    b.s = s;
    b.own.controller_name = opts ? opts->controller_name : NULL;
    b.own.gateway_class = opts ? opts->gateway_class : NULL;
    if (opts && opts->address_pool) {
        if (gg_address_pool_parse(opts->address_pool, &b.pool, err, errlen) != 0)
            return NULL;
        b.has_pool = true;
    }
    struct gg_route_table *t = gg_xcalloc(1, sizeof(*t));
    atomic_init(&t->refs, 1);
    t->generation = opts ? opts->generation : 0;
    gg_arena_init(&t->arena, NULL, 0);
    b.t = t;
    b.a = &t->arena;
    gg_hmap_init(&b.rules);
    gg_hmap_init(&b.filed);
    gg_hmap_init(&b.routes);
    gg_hmap_init(&b.keys);

    gg_store_read_begin(s);
    struct obj_list gws = {&b, NULL, {0}};
    gg_store_each(s, GG_KIND_GATEWAY, gw_collect, &gws);
    sort_objects(gws.v.v, gws.v.n);
    for (size_t i = 0; i < gws.v.n; i++)
        build_gateway(&b, gws.v.v[i]);
    freeze(&b);
    gg_store_read_end(s);

    free(gws.v.v);
    build_free(&b);
    return t;
}
