/* SPDX-License-Identifier: Apache-2.0 */
/* Routes competing on one listener.
 *  - Identical matches: two routes on the same listener and hostname with the
 *    same match (path type and value, method, headers, query parameters; for
 *    GRPCRoute method and headers). HTTPRoute "Matches" docs: ties go to the
 *    oldest route, then "namespace/name"; the other rule never matches, and
 *    no status says so.
 *  - HTTPRoute and GRPCRoute attached to one listener with intersecting
 *    hostnames: GRPCRoute docs require implementations to accept only one,
 *    the oldest, then "namespace/name".
 * Both find candidates through indexes (the rule-match index; route counts
 * per parent) so the common case of no conflict costs a few hash lookups. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cross_internal.h"
#include "hostname.h"
#include "match.h"

static size_t rule_matches(const struct gg_object *o, const struct gg_rule *ru)
{
    return o->kind == GG_KIND_GRPCROUTE && ru->n_matches == 0 ? 1 : ru->n_matches;
}

static uint64_t match_hash(const struct gg_object *o, const struct gg_rule *ru, size_t m)
{
    if (o->kind == GG_KIND_GRPCROUTE)
        return gg_match_hash_grpc(ru->n_matches ? &ru->matches.grpc[m] : &gg_grpc_match_all);
    return gg_match_hash_http(&ru->matches.http[m]);
}

static bool match_equal(const struct gg_object *a, const struct gg_rule *ra, size_t ma,
                        const struct gg_object *b, const struct gg_rule *rb, size_t mb)
{
    if (a->kind != b->kind)
        return false;
    if (a->kind == GG_KIND_GRPCROUTE)
        return gg_match_equal_grpc(ra->n_matches ? &ra->matches.grpc[ma] : &gg_grpc_match_all,
                                   rb->n_matches ? &rb->matches.grpc[mb] : &gg_grpc_match_all);
    return gg_match_equal_http(&ra->matches.http[ma], &rb->matches.http[mb]);
}

static bool same_parent(const struct gg_ref *a, const char *a_ns, const struct gg_ref *b,
                        const char *b_ns)
{
    enum gg_model_kind ka, kb;
    return gg_store_parent_kind(a, &ka) && gg_store_parent_kind(b, &kb) && ka == kb &&
           strcmp(a->name, b->name) == 0 && strcmp(gg_ref_ns(a, a_ns), gg_ref_ns(b, b_ns)) == 0;
}

static bool str_eq_opt(const char *a, const char *b)
{
    return (!a || !b) ? a == b : strcmp(a, b) == 0;
}

/* Whether two routes, attached through <ra> and <rb> to <parent> (NULL when
 * not stored), share a listener that serves <hostname>. */
static bool share_listener(struct cross *c, const struct gg_ref *ra, const struct gg_object *other,
                           const struct gg_ref *rb, const struct gg_object *parent, const char *ha,
                           const char *hb)
{
    if (!parent) {
        /* no listeners to look at: sections that differ cannot meet */
        return !ra->section_name || !rb->section_name ||
               strcmp(ra->section_name, rb->section_name) == 0;
    }
    struct gg_ns_view nsv;
    gg_attach_ns_view(c->s, other->ns, &nsv);
    uint64_t ma = 0, mb = 0;
    if (gg_attach_route(c->o, ra, parent, &c->ns, &ma) != GG_ATTACH_OK ||
        gg_attach_route(other, rb, parent, &nsv, &mb) != GG_ATTACH_OK)
        return false;
    size_t n;
    const struct gg_listener *l = gg_attach_listeners(parent, &n);
    for (size_t k = 0; k < n && k < 64; k++)
        if ((ma & mb & (1ULL << k)) && gg_hostname_intersects(ha, l[k].hostname) &&
            gg_hostname_intersects(hb, l[k].hostname) && gg_hostname_intersects(ha, hb))
            return true;
    return false;
}

/* --- identical matches ------------------------------------------------------ */

struct probe {
    struct cross *c;
    const struct gg_ref *ref;
    const struct gg_object *parent;
    const char *host;
    const struct gg_rule *rule;
    size_t match;
    const struct gg_object *winner; /* the first competitor in the spec's order */
};

static bool probe_cb(const struct gg_store_match *m, void *ctx)
{
    struct probe *pr = ctx;
    const struct gg_object *x = m->route;
    const struct gg_route *xr = &x->u.route;
    if (gg_attach_same_object(x, pr->c->o) || m->parent >= xr->n_parent_refs ||
        m->rule >= xr->n_rules)
        return true;
    const struct gg_ref *xref = &xr->parent_refs[m->parent];
    const char *xhost = m->host == GG_STORE_NO_HOST ? NULL : xr->hostnames[m->host];
    if (!same_parent(pr->ref, pr->c->o->ns, xref, x->ns) || !str_eq_opt(pr->host, xhost) ||
        !match_equal(pr->c->o, pr->rule, pr->match, x, &xr->rules[m->rule], m->match) ||
        !share_listener(pr->c, pr->ref, x, xref, pr->parent, pr->host, xhost))
        return true;
    if (!pr->winner || gg_attach_comes_first(x, pr->winner))
        pr->winner = x;
    return true;
}

/* Whether the old version had this match on this parent and hostname. */
static bool old_had(const struct gg_object *old, const struct gg_ref *ref, const char *ns,
                    const char *host, const struct gg_object *o, const struct gg_rule *ru, size_t m)
{
    if (!old || old->kind != o->kind)
        return false;
    const struct gg_route *rt = &old->u.route;
    bool on_parent = false;
    for (size_t p = 0; p < rt->n_parent_refs && !on_parent; p++)
        on_parent = same_parent(&rt->parent_refs[p], old->ns, ref, ns);
    bool has_host = !host;
    for (size_t h = 0; h < rt->n_hostnames && !has_host; h++)
        has_host = rt->hostnames[h] && strcmp(rt->hostnames[h], host) == 0;
    if (!on_parent || !has_host)
        return false;
    for (size_t i = 0; i < rt->n_rules; i++)
        for (size_t j = 0; j < rule_matches(old, &rt->rules[i]); j++)
            if (match_equal(o, ru, m, old, &rt->rules[i], j))
                return true;
    return false;
}

static void report_match(struct cross *c, size_t i, size_t j, const struct gg_rule *ru,
                         const char *host, const struct gg_object *parent, const struct gg_ref *ref,
                         const struct gg_object *winner)
{
    struct gg_path root = GG_PATH_ROOT_INIT, spec = gg_path_child(&root, "spec");
    struct gg_path rules = gg_path_child(&spec, "rules"), rp = gg_path_index(&rules, i);
    struct gg_path ms = gg_path_child(&rp, "matches"), mp = gg_path_index(&ms, j);
    struct gg_buf what, who, where;
    gg_buf_init(&what);
    gg_buf_init(&who);
    gg_buf_init(&where);
    if (c->o->kind == GG_KIND_GRPCROUTE)
        gg_match_render_grpc(ru->n_matches ? &ru->matches.grpc[j] : NULL, &what);
    else
        gg_match_render_http(&ru->matches.http[j], &what);
    gg_cross_name_other_kind(c, winner, &who);
    if (parent)
        gg_cross_name(parent, &where);
    else
        gg_buf_addf(&where, "%s \"%s/%s\"", ref->kind, gg_ref_ns(ref, c->o->ns), ref->name);
    char hostbuf[300];
    if (host)
        snprintf(hostbuf, sizeof(hostbuf), "hostname \"%s\"", host);
    else
        snprintf(hostbuf, sizeof(hostbuf), "the listener's hostnames");
    gg_cross_report(c, GG_CHECK_RULE_CONFLICT, GG_SEV_ERROR, GG_ERR_FORBIDDEN,
                    ru->matches_defaulted ? &rp : &mp, NULL,
                    "the match (%s) for %s on %s is identical to one in %s, which takes precedence "
                    "(created first, or first by namespace/name), so this rule would never match; "
                    "change the match or merge the two rules into one route",
                    what.data, hostbuf, where.data, who.data);
    gg_buf_clear(&what);
    gg_buf_clear(&who);
    gg_buf_clear(&where);
}

static void identical_matches(struct cross *c)
{
    const struct gg_route *rt = &c->o->u.route;
    size_t total = 0;
    for (size_t i = 0; i < rt->n_rules; i++)
        total += rule_matches(c->o, &rt->rules[i]);
    if (!total)
        return;
    bool *reported = gg_xcalloc(total, sizeof(*reported));
    size_t hosts = 0;
    for (size_t h = 0; h < rt->n_hostnames; h++)
        hosts += rt->hostnames[h] != NULL;
    for (size_t p = 0; p < rt->n_parent_refs; p++) {
        const struct gg_ref *ref = &rt->parent_refs[p];
        enum gg_model_kind pk;
        if (!gg_store_parent_kind(ref, &pk))
            continue;
        const char *pns = gg_ref_ns(ref, c->o->ns);
        const struct gg_object *parent = gg_store_find(c->s, pk, pns, ref->name);
        for (size_t h = 0; h < (hosts ? rt->n_hostnames : 1); h++) {
            const char *host = hosts ? rt->hostnames[h] : NULL;
            if (hosts && !host)
                continue;
            size_t flat = 0;
            for (size_t i = 0; i < rt->n_rules; i++) {
                const struct gg_rule *ru = &rt->rules[i];
                for (size_t j = 0; j < rule_matches(c->o, ru); j++, flat++) {
                    if (reported[flat])
                        continue;
                    uint64_t key = gg_store_match_key(c->o->kind, pk, pns, ref->name, host,
                                                      match_hash(c->o, ru, j));
                    struct probe pr = {c, ref, parent, host, ru, j, NULL};
                    gg_store_each_match(c->s, key, probe_cb, &pr);
                    if (!pr.winner)
                        continue;
                    if (gg_attach_comes_first(c->o, pr.winner) &&
                        (!c->old || old_had(c->old, ref, c->o->ns, host, c->o, ru, j)))
                        continue; /* this route holds the match */
                    reported[flat] = true;
                    report_match(c, i, j, ru, host, parent, ref, pr.winner);
                }
            }
        }
    }
    free(reported);
}

/* --- HTTPRoute against GRPCRoute ------------------------------------------ */

struct kind_scan {
    struct cross *c;
    const struct gg_ref *ref;
    const struct gg_object *parent;
    enum gg_model_kind other;
    const struct gg_object *winner;
};

static bool hosts_meet(const struct gg_route *a, const struct gg_route *b, const char *lh)
{
    size_t na = a->n_hostnames ? a->n_hostnames : 1, nb = b->n_hostnames ? b->n_hostnames : 1;
    for (size_t i = 0; i < na; i++) {
        const char *ha = a->n_hostnames ? a->hostnames[i] : NULL;
        if (a->n_hostnames && !ha)
            continue;
        for (size_t k = 0; k < nb; k++) {
            const char *hb = b->n_hostnames ? b->hostnames[k] : NULL;
            if (b->n_hostnames && !hb)
                continue;
            if (gg_hostname_intersects(ha, hb) && gg_hostname_intersects(ha, lh) &&
                gg_hostname_intersects(hb, lh))
                return true;
        }
    }
    return false;
}

static bool kind_cb(const struct gg_object *x, size_t idx, void *ctx)
{
    struct kind_scan *ks = ctx;
    if (x->kind != ks->other || idx >= x->u.route.n_parent_refs)
        return true;
    struct gg_ns_view nsv;
    gg_attach_ns_view(ks->c->s, x->ns, &nsv);
    uint64_t ma = 0, mb = 0;
    if (gg_attach_route(ks->c->o, ks->ref, ks->parent, &ks->c->ns, &ma) != GG_ATTACH_OK ||
        gg_attach_route(x, &x->u.route.parent_refs[idx], ks->parent, &nsv, &mb) != GG_ATTACH_OK)
        return true;
    size_t n;
    const struct gg_listener *l = gg_attach_listeners(ks->parent, &n);
    for (size_t k = 0; k < n && k < 64; k++) {
        if ((ma & mb & (1ULL << k)) && hosts_meet(&ks->c->o->u.route, &x->u.route, l[k].hostname) &&
            (!ks->winner || gg_attach_comes_first(x, ks->winner))) {
            ks->winner = x;
            break;
        }
    }
    return true;
}

static void mixed_kinds(struct cross *c)
{
    const struct gg_route *rt = &c->o->u.route;
    enum gg_model_kind other =
        c->o->kind == GG_KIND_HTTPROUTE ? GG_KIND_GRPCROUTE : GG_KIND_HTTPROUTE;
    struct gg_path root = GG_PATH_ROOT_INIT, spec = gg_path_child(&root, "spec");
    struct gg_path refs = gg_path_child(&spec, "parentRefs");
    for (size_t p = 0; p < rt->n_parent_refs; p++) {
        const struct gg_ref *ref = &rt->parent_refs[p];
        enum gg_model_kind pk;
        if (!gg_store_parent_kind(ref, &pk))
            continue;
        const char *pns = gg_ref_ns(ref, c->o->ns);
        if (!gg_store_count_routes_of(c->s, pk, pns, ref->name, other))
            continue;
        const struct gg_object *parent = gg_store_find(c->s, pk, pns, ref->name);
        if (!parent)
            continue;
        struct kind_scan ks = {c, ref, parent, other, NULL};
        gg_store_each_route_of(c->s, pk, pns, ref->name, kind_cb, &ks);
        if (!ks.winner || gg_attach_comes_first(c->o, ks.winner))
            continue; /* this route came first: the other kind yields */
        struct gg_path pp = gg_path_index(&refs, p);
        struct gg_buf who, where;
        gg_buf_init(&who);
        gg_buf_init(&where);
        gg_cross_name_other_kind(c, ks.winner, &who);
        gg_cross_name(parent, &where);
        gg_cross_report(
            c, GG_CHECK_ROUTE_KIND_CONFLICT, GG_SEV_ERROR, GG_ERR_FORBIDDEN, &pp, NULL,
            "an HTTPRoute and a GRPCRoute cannot share a listener of %s on intersecting "
            "hostnames, and %s came first; use another listener, or hostnames that do "
            "not intersect",
            where.data, who.data);
        gg_buf_clear(&who);
        gg_buf_clear(&where);
    }
}

void gg_cross_check_route_conflicts(struct cross *c)
{
    if (gg_policy_level(c->pol, GG_CHECK_RULE_CONFLICT) != GG_LEVEL_OFF)
        identical_matches(c);
    if (gg_policy_level(c->pol, GG_CHECK_ROUTE_KIND_CONFLICT) != GG_LEVEL_OFF)
        mixed_kinds(c);
}
