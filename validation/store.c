/* SPDX-License-Identifier: Apache-2.0 */
/* The store: objects by (kind, namespace, name) and the indexes described in
 * store.h. This file keeps the object table, namespaces, parents, grants and
 * labels; the hostname tries are in store_hosts.c and the rule-match index in
 * store_match.c.
 *
 * Transitions (all under the write lock):
 *   absent  --gg_store_put-->      stored   (index: link every entry)
 *   stored  --gg_store_put-->      stored   (unindex the old version, free it,
 *                                            index the new one)
 *   stored  --gg_store_delete-->   absent   (unindex, free)
 * index() and unindex() are exact mirrors; see invariant 1 in store.h. */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "store_internal.h"
#include "xalloc.h"

/* --- object table ----------------------------------------------------------- */

struct key {
    enum gg_model_kind kind;
    const char *ns, *name;
};

uint64_t gg_store_key_hash(enum gg_model_kind kind, const char *ns, const char *name)
{
    uint64_t h = gg_hash_u64((uint64_t)kind + 1);
    h = gg_hash_str(ns ? ns : "", h);
    return gg_hash_str(name, h);
}

static bool rec_eq(const void *v, const void *k)
{
    const struct rec *r = v;
    const struct key *key = k;
    return r->obj->kind == key->kind && strcmp(r->obj->ns, key->ns) == 0 &&
           strcmp(r->obj->name, key->name) == 0;
}

static struct rec *rec_find(const struct gg_store *s, enum gg_model_kind kind, const char *ns,
                            const char *name)
{
    if (!gg_model_kind_is_namespaced(kind))
        ns = "";
    if (!ns || !name || kind >= GG_KIND_COUNT)
        return NULL;
    struct key key = {kind, ns, name};
    return gg_hmap_find(&s->objects, gg_store_key_hash(kind, ns, name), rec_eq, &key);
}

/* --- namespaces ----------------------------------------------------------- */

static bool ns_eq(const void *v, const void *k)
{
    return strcmp(((const struct nsrec *)v)->name, k) == 0;
}

static struct nsrec *ns_find(const struct gg_store *s, const char *name)
{
    return gg_hmap_find(&s->namespaces, gg_hash_str(name, GG_HASH_SEED), ns_eq, name);
}

static struct nsrec *ns_get(struct gg_store *s, const char *name)
{
    struct nsrec *n = ns_find(s, name);
    if (n)
        return n;
    size_t len = strlen(name);
    n = gg_xcalloc(1, sizeof(*n) + len + 1);
    memcpy(n->name_buf, name, len);
    n->name = n->name_buf;
    if (s->n_ns == s->cap_ns) {
        s->cap_ns = s->cap_ns ? s->cap_ns * 2 : 64;
        s->ns_by_id = gg_xrealloc(s->ns_by_id, s->cap_ns * sizeof(*s->ns_by_id));
    }
    n->id = s->n_ns;
    s->ns_by_id[s->n_ns++] = n;
    gg_hmap_put(&s->namespaces, gg_hash_str(name, GG_HASH_SEED), n);
    return n;
}

/* --- parents ------------------------------------------------------------ */

static bool parent_eq(const void *v, const void *k)
{
    const struct parent *p = v;
    const struct key *key = k;
    return p->kind == key->kind && strcmp(p->ns, key->ns) == 0 && strcmp(p->name, key->name) == 0;
}

static struct parent *parent_find(const struct gg_store *s, enum gg_model_kind kind, const char *ns,
                                  const char *name)
{
    struct key key = {kind, ns, name};
    return gg_hmap_find(&s->parents, gg_store_key_hash(kind, ns, name), parent_eq, &key);
}

static struct parent *parent_get(struct gg_store *s, enum gg_model_kind kind, const char *ns,
                                 const char *name)
{
    struct parent *p = parent_find(s, kind, ns, name);
    if (p)
        return p;
    p = gg_xcalloc(1, sizeof(*p));
    p->kind = kind;
    p->ns = gg_xstrdup(ns);
    p->name = gg_xstrdup(name);
    p->hash = gg_store_key_hash(kind, ns, name);
    gg_hmap_put(&s->parents, p->hash, p);
    return p;
}

/* Frees <p> once nothing names it (invariant 2). Claims only come from the
 * routes attached to <p>, so with none left its trie is empty. */
static void parent_release(struct gg_store *s, struct parent *p)
{
    if (p->n_routes || p->n_listenersets)
        return;
    gg_store_hosts_free_root(s, p);
    gg_hmap_remove(&s->parents, p->hash, p);
    free(p->ns);
    free(p->name);
    free(p);
}

bool gg_store_parent_kind(const struct gg_ref *ref, enum gg_model_kind *kind)
{
    if (!ref->name || !ref->group || !ref->kind || strcmp(ref->group, GG_GROUP) != 0)
        return false;
    if (strcmp(ref->kind, "Gateway") == 0)
        *kind = GG_KIND_GATEWAY;
    else if (strcmp(ref->kind, "ListenerSet") == 0)
        *kind = GG_KIND_LISTENERSET;
    else
        return false;
    return true;
}

/* --- cross-namespace references ----------------------------------------- */

struct xkey {
    const char *target, *kind, *from;
};

static uint64_t xns_hash(const char *target, const char *kind, const char *from)
{
    uint64_t h = gg_hash_str(target, GG_HASH_SEED);
    h = gg_hash_str(kind, h);
    return gg_hash_str(from, h);
}

static bool xns_eq(const void *v, const void *k)
{
    const struct xns *x = v;
    const struct xkey *key = k;
    return strcmp(x->target_ns, key->target) == 0 && strcmp(x->from_kind, key->kind) == 0 &&
           strcmp(x->from_ns, key->from) == 0;
}

static struct xns *xns_find(const struct gg_store *s, const char *target, const char *kind,
                            const char *from)
{
    struct xkey key = {target, kind, from};
    return gg_hmap_find(&s->xns, xns_hash(target, kind, from), xns_eq, &key);
}

static struct xns *xns_get(struct gg_store *s, const char *target, const char *kind,
                           const char *from)
{
    struct xns *x = xns_find(s, target, kind, from);
    if (x)
        return x;
    size_t lt = strlen(target), lk = strlen(kind), lf = strlen(from);
    x = gg_xcalloc(1, sizeof(*x));
    x->key = gg_xmalloc(lt + lk + lf + 3);
    memcpy(x->key, target, lt + 1);
    memcpy(x->key + lt + 1, kind, lk + 1);
    memcpy(x->key + lt + lk + 2, from, lf + 1);
    x->target_ns = x->key;
    x->from_kind = x->key + lt + 1;
    x->from_ns = x->key + lt + lk + 2;
    x->hash = xns_hash(target, kind, from);
    gg_hmap_put(&s->xns, x->hash, x);
    return x;
}

static void xlink_push(struct xlink **head, struct xlink *l)
{
    l->prev = NULL;
    l->next = *head;
    if (*head)
        (*head)->prev = l;
    *head = l;
}

static void xlink_drop(struct xlink **head, struct xlink *l)
{
    if (l->prev)
        l->prev->next = l->next;
    else
        *head = l->next;
    if (l->next)
        l->next->prev = l->prev;
}

/* The namespaces (other than the object's) that <o>'s references point into,
 * deduplicated, written to <out> (at most <cap>). */
static size_t ref_targets(const struct gg_object *o, const char **out, size_t cap)
{
    size_t n = 0;
#define ADD_TARGET(ref)                                                                            \
    do {                                                                                           \
        const char *t_ = (ref)->ns;                                                                \
        if (!t_ || !(ref)->name || strcmp(t_, o->ns) == 0)                                         \
            break;                                                                                 \
        size_t k_ = 0;                                                                             \
        while (k_ < n && strcmp(out[k_], t_) != 0)                                                 \
            k_++;                                                                                  \
        if (k_ == n && n < cap)                                                                    \
            out[n++] = t_;                                                                         \
    } while (0)
    if (gg_model_kind_is_route(o->kind)) {
        const struct gg_route *rt = &o->u.route;
        for (size_t i = 0; i < rt->n_rules; i++) {
            const struct gg_rule *ru = &rt->rules[i];
            for (size_t j = 0; j < ru->n_backend_refs; j++)
                ADD_TARGET(&ru->backend_refs[j]);
            for (size_t j = 0; j < ru->n_mirrors; j++)
                ADD_TARGET(&ru->mirrors[j].backend_ref);
        }
    } else if (o->kind == GG_KIND_GATEWAY || o->kind == GG_KIND_LISTENERSET) {
        const struct gg_listener *l =
            o->kind == GG_KIND_GATEWAY ? o->u.gateway.listeners : o->u.listenerset.listeners;
        size_t nl =
            o->kind == GG_KIND_GATEWAY ? o->u.gateway.n_listeners : o->u.listenerset.n_listeners;
        for (size_t i = 0; i < nl; i++)
            for (size_t j = 0; j < l[i].n_certificate_refs; j++)
                ADD_TARGET(&l[i].certificate_refs[j]);
    }
#undef ADD_TARGET
    return n;
}

static void index_referrer(struct gg_store *s, struct rec *r)
{
    const char *targets[256];
    size_t n = ref_targets(r->obj, targets, sizeof(targets) / sizeof(targets[0]));
    if (!n)
        return;
    const char *kind = gg_model_kind_name(r->obj->kind);
    r->xlinks = gg_xcalloc(n, sizeof(*r->xlinks));
    r->n_xlinks = (uint16_t)n;
    for (size_t i = 0; i < n; i++) {
        struct xlink *l = &r->xlinks[i];
        l->rec = r;
        l->x = xns_get(s, targets[i], kind, r->obj->ns);
        xlink_push(&l->x->referrers, l);
    }
}

static void index_grant(struct gg_store *s, struct rec *r)
{
    const struct gg_referencegrant *g = &r->obj->u.grant;
    if (!g->n_from)
        return;
    r->xlinks = gg_xcalloc(g->n_from, sizeof(*r->xlinks));
    size_t n = 0;
    for (size_t i = 0; i < g->n_from; i++) {
        const struct gg_grant_from *f = &g->from[i];
        if (!f->kind || !f->ns)
            continue;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = g->from[k].kind && g->from[k].ns && strcmp(g->from[k].kind, f->kind) == 0 &&
                   strcmp(g->from[k].ns, f->ns) == 0;
        if (seen)
            continue;
        struct xlink *l = &r->xlinks[n++];
        l->rec = r;
        l->x = xns_get(s, r->obj->ns, f->kind, f->ns);
        xlink_push(&l->x->grants, l);
    }
    r->n_xlinks = (uint16_t)n;
}

static void unindex_xlinks(struct gg_store *s, struct rec *r)
{
    bool is_grant = r->obj->kind == GG_KIND_REFERENCEGRANT;
    for (size_t i = 0; i < r->n_xlinks; i++) {
        struct xlink *l = &r->xlinks[i];
        struct xns *x = l->x;
        xlink_drop(is_grant ? &x->grants : &x->referrers, l);
        if (!x->grants && !x->referrers) {
            gg_hmap_remove(&s->xns, x->hash, x);
            free(x->key);
            free(x);
        }
    }
    free(r->xlinks);
    r->xlinks = NULL;
    r->n_xlinks = 0;
}

/* --- namespace labels ----------------------------------------------------- */

struct lkey {
    const char *key, *value;
};

static uint64_t label_hash(const char *key, const char *value)
{
    return gg_hash_str(value, gg_hash_str(key, GG_HASH_SEED));
}

static bool label_eq(const void *v, const void *k)
{
    const struct label_rec *lr = v;
    const struct lkey *key = k;
    return strcmp(lr->key, key->key) == 0 && strcmp(lr->value, key->value) == 0;
}

static void index_labels(struct gg_store *s, struct rec *r)
{
    const struct gg_namespace *ns = &r->obj->u.ns;
    if (!ns->n_labels)
        return;
    r->labels = gg_xcalloc(ns->n_labels, sizeof(*r->labels));
    size_t n = 0;
    for (size_t i = 0; i < ns->n_labels; i++) {
        const struct gg_label *lb = &ns->labels[i];
        if (!lb->value)
            continue;
        struct lkey key = {lb->key, lb->value};
        uint64_t h = label_hash(lb->key, lb->value);
        struct label_rec *lr = gg_hmap_find(&s->labels, h, label_eq, &key);
        if (!lr) {
            lr = gg_xcalloc(1, sizeof(*lr));
            lr->key = gg_xstrdup(lb->key);
            lr->value = gg_xstrdup(lb->value);
            lr->hash = h;
            gg_hmap_put(&s->labels, h, lr);
        }
        struct label_link *l = &r->labels[n++];
        l->ns = r->nsr;
        l->lr = lr;
        l->next = lr->head;
        if (lr->head)
            lr->head->prev = l;
        lr->head = l;
    }
    r->n_labels = (uint16_t)n;
}

static void unindex_labels(struct gg_store *s, struct rec *r)
{
    for (size_t i = 0; i < r->n_labels; i++) {
        struct label_link *l = &r->labels[i];
        struct label_rec *lr = l->lr;
        if (l->prev)
            l->prev->next = l->next;
        else
            lr->head = l->next;
        if (l->next)
            l->next->prev = l->prev;
        if (!lr->head) {
            gg_hmap_remove(&s->labels, lr->hash, lr);
            free(lr->key);
            free(lr->value);
            free(lr);
        }
    }
    free(r->labels);
    r->labels = NULL;
    r->n_labels = 0;
}

/* --- routes and ListenerSets by parent -------------------------------------- */

static void index_route(struct gg_store *s, struct rec *r)
{
    const struct gg_object *o = r->obj;
    const struct gg_route *rt = &o->u.route;
    size_t n = 0;
    enum gg_model_kind pk;
    for (size_t i = 0; i < rt->n_parent_refs; i++)
        n += gg_store_parent_kind(&rt->parent_refs[i], &pk);
    if (n) {
        r->attach = gg_xcalloc(n, sizeof(*r->attach));
        r->n_attach = (uint16_t)n;
    }
    size_t k = 0;
    for (size_t i = 0; i < rt->n_parent_refs; i++) {
        const struct gg_ref *ref = &rt->parent_refs[i];
        if (!gg_store_parent_kind(ref, &pk))
            continue;
        struct parent *p = parent_get(s, pk, gg_ref_ns(ref, o->ns), ref->name);
        struct attach *a = &r->attach[k++];
        a->route = r;
        a->parent = p;
        a->index = (uint16_t)i;
        a->prev = NULL;
        a->next = p->routes;
        if (p->routes)
            p->routes->prev = a;
        p->routes = a;
        p->n_routes++;
        p->n_grpc_routes += o->kind == GG_KIND_GRPCROUTE;
        for (size_t h = 0; h < rt->n_hostnames; h++)
            if (rt->hostnames[h])
                gg_store_hosts_add(s, p, rt->hostnames[h], r->nsr->id);
    }
    index_referrer(s, r);
    gg_store_matches_index(s, r);
}

static void unindex_route(struct gg_store *s, struct rec *r)
{
    const struct gg_route *rt = &r->obj->u.route;
    gg_store_matches_unindex(s, r);
    for (size_t k = 0; k < r->n_attach; k++) {
        struct attach *a = &r->attach[k];
        struct parent *p = a->parent;
        for (size_t h = 0; h < rt->n_hostnames; h++)
            if (rt->hostnames[h])
                gg_store_hosts_remove(s, p, rt->hostnames[h], r->nsr->id);
        if (a->prev)
            a->prev->next = a->next;
        else
            p->routes = a->next;
        if (a->next)
            a->next->prev = a->prev;
        p->n_routes--;
        p->n_grpc_routes -= r->obj->kind == GG_KIND_GRPCROUTE;
        parent_release(s, p);
    }
    free(r->attach);
    r->attach = NULL;
    r->n_attach = 0;
}

static void index_listenerset(struct gg_store *s, struct rec *r)
{
    const struct gg_ref *ref = &r->obj->u.listenerset.parent_ref;
    enum gg_model_kind pk;
    if (gg_store_parent_kind(ref, &pk) && pk == GG_KIND_GATEWAY) {
        struct parent *p = parent_get(s, pk, gg_ref_ns(ref, r->obj->ns), ref->name);
        r->ls_parent = p;
        r->ls_prev = NULL;
        r->ls_next = p->listenersets;
        if (p->listenersets)
            p->listenersets->ls_prev = r;
        p->listenersets = r;
        p->n_listenersets++;
    }
    index_referrer(s, r);
}

static void unindex_listenerset(struct gg_store *s, struct rec *r)
{
    struct parent *p = r->ls_parent;
    if (p) {
        if (r->ls_prev)
            r->ls_prev->ls_next = r->ls_next;
        else
            p->listenersets = r->ls_next;
        if (r->ls_next)
            r->ls_next->ls_prev = r->ls_prev;
        p->n_listenersets--;
        r->ls_parent = NULL;
        parent_release(s, p);
    }
}

/* --- EndpointSlices by Service ------------------------------------------------ */

static bool slice_group_eq(const void *v, const void *k)
{
    const struct slice_group *g = v;
    const struct key *key = k;
    return strcmp(g->ns, key->ns) == 0 && strcmp(g->service, key->name) == 0;
}

static struct slice_group *slice_group_find(const struct gg_store *s, const char *ns,
                                            const char *service)
{
    struct key key = {GG_KIND_ENDPOINTSLICE, ns, service};
    return gg_hmap_find(&s->slices, gg_store_key_hash(GG_KIND_ENDPOINTSLICE, ns, service),
                        slice_group_eq, &key);
}

static void index_endpointslice(struct gg_store *s, struct rec *r)
{
    const char *service = r->obj->u.endpointslice.service_name;
    if (!service)
        return;
    struct slice_group *g = slice_group_find(s, r->obj->ns, service);
    if (!g) {
        g = gg_xcalloc(1, sizeof(*g));
        g->ns = gg_xstrdup(r->obj->ns);
        g->service = gg_xstrdup(service);
        g->hash = gg_store_key_hash(GG_KIND_ENDPOINTSLICE, g->ns, g->service);
        gg_hmap_put(&s->slices, g->hash, g);
    }
    r->es_group = g;
    r->ls_prev = NULL;
    r->ls_next = g->slices;
    if (g->slices)
        g->slices->ls_prev = r;
    g->slices = r;
    g->n_slices++;
}

static void unindex_endpointslice(struct gg_store *s, struct rec *r)
{
    struct slice_group *g = r->es_group;
    if (!g)
        return;
    if (r->ls_prev)
        r->ls_prev->ls_next = r->ls_next;
    else
        g->slices = r->ls_next;
    if (r->ls_next)
        r->ls_next->ls_prev = r->ls_prev;
    r->es_group = NULL;
    if (--g->n_slices == 0) {
        gg_hmap_remove(&s->slices, g->hash, g);
        free(g->ns);
        free(g->service);
        free(g);
    }
}

/* --- index / unindex ------------------------------------------------------ */

static void index_rec(struct gg_store *s, struct rec *r)
{
    struct gg_object *o = r->obj;
    r->nsr = ns_get(s, o->kind == GG_KIND_NAMESPACE ? o->name : o->ns);
    r->ns_prev = NULL;
    r->ns_next = r->nsr->head[o->kind];
    if (r->ns_next)
        r->ns_next->ns_prev = r;
    r->nsr->head[o->kind] = r;
    r->nsr->count[o->kind]++;
    s->count[o->kind]++;

    switch (o->kind) {
    case GG_KIND_NAMESPACE:
        r->nsr->ns_obj = o;
        index_labels(s, r);
        break;
    case GG_KIND_GATEWAY:
        index_referrer(s, r);
        break;
    case GG_KIND_LISTENERSET:
        index_listenerset(s, r);
        break;
    case GG_KIND_HTTPROUTE:
    case GG_KIND_GRPCROUTE:
        index_route(s, r);
        break;
    case GG_KIND_REFERENCEGRANT:
        index_grant(s, r);
        break;
    case GG_KIND_ENDPOINTSLICE:
        index_endpointslice(s, r);
        break;
    default:
        break;
    }
    gg_hmap_put(&s->objects, r->hash, r);
}

static void unindex_rec(struct gg_store *s, struct rec *r)
{
    struct gg_object *o = r->obj;
    gg_hmap_remove(&s->objects, r->hash, r);
    switch (o->kind) {
    case GG_KIND_NAMESPACE:
        unindex_labels(s, r);
        r->nsr->ns_obj = NULL;
        break;
    case GG_KIND_LISTENERSET:
        unindex_listenerset(s, r);
        unindex_xlinks(s, r);
        break;
    case GG_KIND_HTTPROUTE:
    case GG_KIND_GRPCROUTE:
        unindex_route(s, r);
        unindex_xlinks(s, r);
        break;
    case GG_KIND_GATEWAY:
    case GG_KIND_REFERENCEGRANT:
        unindex_xlinks(s, r);
        break;
    case GG_KIND_ENDPOINTSLICE:
        unindex_endpointslice(s, r);
        break;
    default:
        break;
    }
    if (r->ns_prev)
        r->ns_prev->ns_next = r->ns_next;
    else
        r->nsr->head[o->kind] = r->ns_next;
    if (r->ns_next)
        r->ns_next->ns_prev = r->ns_prev;
    r->nsr->count[o->kind]--;
    s->count[o->kind]--;
}

static void rec_free(struct rec *r)
{
    gg_object_free(r->obj);
    free(r);
}

/* --- public: lifecycle and writer ------------------------------------------- */

struct gg_store *gg_store_new(void)
{
    struct gg_store *s = gg_xcalloc(1, sizeof(*s));
    /* glibc's default lets a stream of overlapping readers (reviews, the
     * audit, the table build) keep the writer out indefinitely */
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&s->lock, &attr);
    pthread_rwlockattr_destroy(&attr);
    return s;
}

void gg_store_free(struct gg_store *s)
{
    if (!s)
        return;
    /* unindex everything, so every index record is freed by the same code
     * that frees it during normal operation; collect first, since removal
     * moves slots */
    size_t n = 0;
    struct rec **all = gg_xmalloc((s->objects.n + 1) * sizeof(*all));
    for (size_t i = 0; i < s->objects.cap; i++)
        if (s->objects.slots[i].val)
            all[n++] = s->objects.slots[i].val;
    for (size_t i = 0; i < n; i++) {
        unindex_rec(s, all[i]);
        rec_free(all[i]);
    }
    free(all);
    for (uint32_t i = 0; i < s->n_ns; i++)
        free(s->ns_by_id[i]);
    free(s->ns_by_id);
    gg_hmap_clear(&s->objects);
    gg_hmap_clear(&s->namespaces);
    gg_hmap_clear(&s->parents);
    gg_hmap_clear(&s->xns);
    gg_hmap_clear(&s->labels);
    gg_hmap_clear(&s->hnodes);
    gg_hmap_clear(&s->matches);
    gg_hmap_clear(&s->slices);
    pthread_rwlock_destroy(&s->lock);
    free(s);
}

void gg_store_put(struct gg_store *s, struct gg_object *o)
{
    struct rec *r = gg_xcalloc(1, sizeof(*r));
    r->obj = o;
    r->hash = gg_store_key_hash(o->kind, o->ns, o->name);
    pthread_rwlock_wrlock(&s->lock);
    struct rec *old = rec_find(s, o->kind, o->ns, o->name);
    if (old)
        unindex_rec(s, old);
    index_rec(s, r);
    pthread_rwlock_unlock(&s->lock);
    if (old)
        rec_free(old);
}

int gg_store_put_json(struct gg_store *s, const json_t *obj)
{
    struct gg_object *o = gg_model_decode(obj);
    if (!o)
        return -1;
    gg_store_put(s, o);
    return 0;
}

bool gg_store_delete(struct gg_store *s, enum gg_model_kind kind, const char *ns, const char *name)
{
    pthread_rwlock_wrlock(&s->lock);
    struct rec *r = rec_find(s, kind, ns, name);
    if (r)
        unindex_rec(s, r);
    pthread_rwlock_unlock(&s->lock);
    if (!r)
        return false;
    rec_free(r);
    return true;
}

/* --- public: readers -------------------------------------------------------- */

/* The lock is the one mutable part of a store readers see as const. */
void gg_store_read_begin(const struct gg_store *s)
{
    pthread_rwlock_rdlock((pthread_rwlock_t *)&s->lock);
}

void gg_store_read_end(const struct gg_store *s)
{
    pthread_rwlock_unlock((pthread_rwlock_t *)&s->lock);
}

const struct gg_object *gg_store_find(const struct gg_store *s, enum gg_model_kind kind,
                                      const char *ns, const char *name)
{
    if (kind == GG_KIND_NAMESPACE) {
        /* the namespace table is small and warm; the object table is not */
        const struct nsrec *n = name ? ns_find(s, name) : NULL;
        return n ? n->ns_obj : NULL;
    }
    struct rec *r = rec_find(s, kind, ns, name);
    return r ? r->obj : NULL;
}

size_t gg_store_count(const struct gg_store *s, enum gg_model_kind kind)
{
    return kind < GG_KIND_COUNT ? s->count[kind] : 0;
}

size_t gg_store_count_in(const struct gg_store *s, enum gg_model_kind kind, const char *ns)
{
    const struct nsrec *n = ns ? ns_find(s, ns) : NULL;
    return n && kind < GG_KIND_COUNT ? n->count[kind] : 0;
}

void gg_store_each(const struct gg_store *s, enum gg_model_kind kind, gg_store_object_cb cb,
                   void *ctx)
{
    for (size_t i = 0; i < s->objects.cap; i++) {
        const struct rec *r = s->objects.slots[i].val;
        if (r && r->obj->kind == kind && !cb(r->obj, ctx))
            return;
    }
}

void gg_store_each_in(const struct gg_store *s, enum gg_model_kind kind, const char *ns,
                      gg_store_object_cb cb, void *ctx)
{
    const struct nsrec *n = ns ? ns_find(s, ns) : NULL;
    if (!n || kind >= GG_KIND_COUNT)
        return;
    for (const struct rec *r = n->head[kind]; r; r = r->ns_next)
        if (!cb(r->obj, ctx))
            return;
}

void gg_store_each_namespace_labeled(const struct gg_store *s, const char *key, const char *value,
                                     gg_store_object_cb cb, void *ctx)
{
    struct lkey k = {key, value};
    const struct label_rec *lr = gg_hmap_find(&s->labels, label_hash(key, value), label_eq, &k);
    if (!lr)
        return;
    for (const struct label_link *l = lr->head; l; l = l->next)
        if (l->ns->ns_obj && !cb(l->ns->ns_obj, ctx))
            return;
}

void gg_store_each_route_of(const struct gg_store *s, enum gg_model_kind kind, const char *ns,
                            const char *name, gg_store_attach_cb cb, void *ctx)
{
    const struct parent *p = parent_find(s, kind, ns, name);
    if (!p)
        return;
    for (const struct attach *a = p->routes; a; a = a->next)
        if (!cb(a->route->obj, a->index, ctx))
            return;
}

size_t gg_store_count_routes_of(const struct gg_store *s, enum gg_model_kind kind, const char *ns,
                                const char *name, enum gg_model_kind route_kind)
{
    const struct parent *p = parent_find(s, kind, ns, name);
    if (!p)
        return 0;
    if (route_kind == GG_KIND_GRPCROUTE)
        return p->n_grpc_routes;
    return route_kind == GG_KIND_HTTPROUTE ? p->n_routes - p->n_grpc_routes : 0;
}

void gg_store_each_listenerset_of(const struct gg_store *s, const char *ns, const char *name,
                                  gg_store_object_cb cb, void *ctx)
{
    const struct parent *p = parent_find(s, GG_KIND_GATEWAY, ns, name);
    if (!p)
        return;
    for (const struct rec *r = p->listenersets; r; r = r->ls_next)
        if (!cb(r->obj, ctx))
            return;
}

void gg_store_each_endpointslice_of(const struct gg_store *s, const char *ns, const char *service,
                                    gg_store_object_cb cb, void *ctx)
{
    const struct slice_group *g = ns && service ? slice_group_find(s, ns, service) : NULL;
    if (!g)
        return;
    for (const struct rec *r = g->slices; r; r = r->ls_next)
        if (!cb(r->obj, ctx))
            return;
}

void gg_store_each_grant(const struct gg_store *s, const char *target_ns, const char *from_kind,
                         const char *from_ns, gg_store_object_cb cb, void *ctx)
{
    const struct xns *x = xns_find(s, target_ns, from_kind, from_ns);
    if (!x)
        return;
    for (const struct xlink *l = x->grants; l; l = l->next)
        if (!cb(l->rec->obj, ctx))
            return;
}

void gg_store_each_referrer(const struct gg_store *s, const char *target_ns, const char *from_kind,
                            const char *from_ns, gg_store_object_cb cb, void *ctx)
{
    const struct xns *x = xns_find(s, target_ns, from_kind, from_ns);
    if (!x)
        return;
    for (const struct xlink *l = x->referrers; l; l = l->next)
        if (!cb(l->rec->obj, ctx))
            return;
}

const char *gg_store_hostname_claimant(const struct gg_store *s, enum gg_model_kind kind,
                                       const char *pns, const char *pname, const char *hostname,
                                       const char *ns)
{
    const struct parent *p = parent_find(s, kind, pns, pname);
    if (!p || !p->root || !hostname)
        return NULL;
    const struct nsrec *n = ns_find(s, ns);
    uint32_t other = gg_store_hosts_find_other(s, p, hostname, n ? n->id : NS_NONE);
    return other == NS_NONE ? NULL : s->ns_by_id[other]->name;
}
