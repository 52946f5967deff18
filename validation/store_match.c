/* SPDX-License-Identifier: Apache-2.0 */
/* The rule-match index: one entry per (parentRef, hostname, rule, match) of
 * each stored route, keyed by gg_store_match_key. Entries with the same key
 * form a chain whose head is in the store's `matches` table; a chain longer
 * than one is either a hash collision or two routes with an identical match
 * on one parent, which the rule-conflict check then confirms by comparing
 * the matches themselves. */
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "store_internal.h"
#include "xalloc.h"

uint64_t gg_store_match_key(enum gg_model_kind route_kind, enum gg_model_kind pkind,
                            const char *pns, const char *pname, const char *hostname,
                            uint64_t match_hash)
{
    uint64_t h = gg_store_key_hash(pkind, pns, pname);
    h = gg_hash_str(hostname ? hostname : "", h ^ gg_hash_u64((uint64_t)route_kind + 17));
    return gg_hash_u64(h ^ gg_hash_u64(match_hash));
}

static bool entry_eq(const void *v, const void *k)
{
    return ((const struct match_entry *)v)->key == *(const uint64_t *)k;
}

static size_t rule_matches(const struct gg_object *o, const struct gg_rule *ru)
{
    /* a GRPCRoute rule without matches is one match-everything entry */
    return o->kind == GG_KIND_GRPCROUTE && ru->n_matches == 0 ? 1 : ru->n_matches;
}

static uint64_t match_hash(const struct gg_object *o, const struct gg_rule *ru, size_t m)
{
    if (o->kind == GG_KIND_GRPCROUTE)
        return gg_match_hash_grpc(ru->n_matches ? &ru->matches.grpc[m] : &gg_grpc_match_all);
    return gg_match_hash_http(&ru->matches.http[m]);
}

void gg_store_matches_index(struct gg_store *s, struct rec *r)
{
    const struct gg_object *o = r->obj;
    const struct gg_route *rt = &o->u.route;
    size_t per_host = 0, hosts = 0, parents = 0;
    for (size_t i = 0; i < rt->n_rules; i++)
        per_host += rule_matches(o, &rt->rules[i]);
    for (size_t h = 0; h < rt->n_hostnames; h++)
        hosts += rt->hostnames[h] != NULL;
    enum gg_model_kind pk;
    for (size_t p = 0; p < rt->n_parent_refs; p++)
        parents += gg_store_parent_kind(&rt->parent_refs[p], &pk);
    size_t total = parents * (hosts ? hosts : 1) * per_host;
    if (total > GG_STORE_MAX_MATCH_ENTRIES)
        total = GG_STORE_MAX_MATCH_ENTRIES;
    if (!total)
        return;
    r->matches = gg_xcalloc(total, sizeof(*r->matches));

    size_t n = 0;
    for (size_t p = 0; p < rt->n_parent_refs && n < total; p++) {
        const struct gg_ref *ref = &rt->parent_refs[p];
        if (!gg_store_parent_kind(ref, &pk))
            continue;
        const char *pns = gg_ref_ns(ref, o->ns);
        for (size_t h = 0; h < (hosts ? rt->n_hostnames : 1) && n < total; h++) {
            const char *host = hosts ? rt->hostnames[h] : NULL;
            if (hosts && !host)
                continue;
            for (size_t i = 0; i < rt->n_rules && n < total; i++) {
                const struct gg_rule *ru = &rt->rules[i];
                for (size_t m = 0; m < rule_matches(o, ru) && n < total; m++) {
                    struct match_entry *e = &r->matches[n++];
                    e->key =
                        gg_store_match_key(o->kind, pk, pns, ref->name, host, match_hash(o, ru, m));
                    e->route = r;
                    e->parent = (uint16_t)p;
                    e->host = hosts ? (uint16_t)h : GG_STORE_NO_HOST;
                    e->rule = (uint16_t)i;
                    e->match = (uint16_t)m;
                    struct match_entry *head = gg_hmap_find(&s->matches, e->key, entry_eq, &e->key);
                    if (head) {
                        e->next = head->next;
                        head->next = e;
                    } else {
                        gg_hmap_put(&s->matches, e->key, e);
                    }
                }
            }
        }
    }
    r->n_matches = (uint32_t)n;
}

void gg_store_matches_unindex(struct gg_store *s, struct rec *r)
{
    for (size_t i = 0; i < r->n_matches; i++) {
        struct match_entry *e = &r->matches[i];
        struct match_entry *head = gg_hmap_find(&s->matches, e->key, entry_eq, &e->key);
        if (head == e) {
            gg_hmap_remove(&s->matches, e->key, e);
            if (e->next)
                gg_hmap_put(&s->matches, e->key, e->next);
        } else if (head) {
            struct match_entry *prev = head;
            while (prev->next && prev->next != e)
                prev = prev->next;
            if (prev->next == e)
                prev->next = e->next;
        }
    }
    free(r->matches);
    r->matches = NULL;
    r->n_matches = 0;
}

void gg_store_each_match(const struct gg_store *s, uint64_t key, gg_store_match_cb cb, void *ctx)
{
    for (const struct match_entry *e = gg_hmap_find(&s->matches, key, entry_eq, &key); e;
         e = e->next) {
        if (e->key != key)
            continue;
        struct gg_store_match m = {e->route->obj, e->parent, e->host, e->rule, e->match};
        if (!cb(&m, ctx))
            return;
    }
}
