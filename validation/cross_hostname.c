/* SPDX-License-Identifier: Apache-2.0 */
/* Hostname ownership between namespaces, a gateguard rule (the spec lets
 * routes of any namespaces share a hostname and merges their rules).
 *
 * Two hostnames overlap when some name matches both (gg_hostname_intersects):
 * equal names; a wildcard and a name under it (`*.example.com` and
 * `api.example.com`, not `example.com`); two wildcards one of which is under
 * the other (`*.example.com` and `*.a.example.com`). Only hostnames a route
 * names count: a route without hostnames claims nothing (the policy's
 * requireHostnames closes that door).
 *
 * Where a policy pattern covers a hostname, the policy decides: the most
 * specific pattern (longest path prefix, then narrowest hostname) names its
 * owners, and a wildcard route hostname that no pattern covers must not
 * reach over a narrower pattern owned by others. Where no pattern names the
 * hostname, the first namespace to serve it on a Gateway holds it (unless
 * firstComeOwnership is false): the Gateway and its ListenerSets form one
 * set of listeners, so claims on any of them count. */
#include <string.h>

#include "cross_internal.h"
#include "hostname.h"

#define MAX_FAMILY 64

struct member {
    enum gg_model_kind kind;
    const char *ns, *name;
};

struct family {
    struct member m[MAX_FAMILY];
    size_t n;
    const char *gw_ns, *gw_name; /* the Gateway they belong to, when known */
};

static void add_member(struct family *f, enum gg_model_kind kind, const char *ns, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->m[i].kind == kind && strcmp(f->m[i].ns, ns) == 0 && strcmp(f->m[i].name, name) == 0)
            return;
    if (f->n < MAX_FAMILY)
        f->m[f->n++] = (struct member){kind, ns, name};
}

static bool add_ls_cb(const struct gg_object *ls, void *ctx)
{
    add_member(ctx, GG_KIND_LISTENERSET, ls->ns, ls->name);
    return true;
}

/* The parent a parentRef names, its Gateway and the Gateway's ListenerSets. */
static void family_of(struct cross *c, const struct gg_ref *ref, enum gg_model_kind pk,
                      struct family *f)
{
    const char *ns = gg_ref_ns(ref, c->o->ns);
    add_member(f, pk, ns, ref->name);
    const char *gw_ns = ns, *gw_name = ref->name;
    if (pk == GG_KIND_LISTENERSET) {
        const struct gg_object *ls = gg_store_find(c->s, GG_KIND_LISTENERSET, ns, ref->name);
        enum gg_model_kind k;
        if (!ls || !gg_store_parent_kind(&ls->u.listenerset.parent_ref, &k) || k != GG_KIND_GATEWAY)
            return;
        gw_ns = gg_ref_ns(&ls->u.listenerset.parent_ref, ls->ns);
        gw_name = ls->u.listenerset.parent_ref.name;
    }
    if (!f->gw_name) {
        f->gw_ns = gw_ns;
        f->gw_name = gw_name;
    }
    add_member(f, GG_KIND_GATEWAY, gw_ns, gw_name);
    gg_store_each_listenerset_of(c->s, gw_ns, gw_name, add_ls_cb, f);
}

struct holder_scan {
    struct cross *c;
    const char *hostname;
    const struct gg_object *best;
    const char *best_host;
};

static bool holder_cb(const struct gg_object *route, size_t idx, void *ctx)
{
    (void)idx;
    struct holder_scan *hs = ctx;
    /* an exempt namespace stands outside the policy both ways: it may
     * serve any hostname, and what it serves holds nothing against others */
    if (strcmp(route->ns, hs->c->o->ns) == 0 || gg_attach_same_object(route, hs->c->o) ||
        gg_policy_is_exempt(hs->c->pol, route->ns))
        return true;
    const struct gg_route *rt = &route->u.route;
    for (size_t h = 0; h < rt->n_hostnames; h++) {
        if (!rt->hostnames[h] || !gg_hostname_intersects(rt->hostnames[h], hs->hostname))
            continue;
        if (!hs->best || gg_attach_comes_first(route, hs->best)) {
            hs->best = route;
            hs->best_host = rt->hostnames[h];
        }
        break;
    }
    return true;
}

static bool old_claimed(const struct gg_object *old, const char *hostname)
{
    if (!old || !gg_model_kind_is_route(old->kind))
        return false;
    for (size_t h = 0; h < old->u.route.n_hostnames; h++)
        if (old->u.route.hostnames[h] &&
            gg_hostname_intersects(old->u.route.hostnames[h], hostname))
            return true;
    return false;
}

static void first_come(struct cross *c, const struct gg_path *hp, const char *hostname)
{
    const struct gg_route *rt = &c->o->u.route;
    struct family f = {.n = 0};
    for (size_t i = 0; i < rt->n_parent_refs; i++) {
        enum gg_model_kind pk;
        if (gg_store_parent_kind(&rt->parent_refs[i], &pk))
            family_of(c, &rt->parent_refs[i], pk, &f);
    }
    for (size_t i = 0; i < f.n; i++) {
        const struct member *m = &f.m[i];
        if (!gg_store_hostname_claimant(c->s, m->kind, m->ns, m->name, hostname, c->o->ns))
            continue;
        /* another namespace claims an overlapping name here: find the route
         * that holds it (only on this path, so its cost is not the norm) */
        struct holder_scan hs = {c, hostname, NULL, NULL};
        gg_store_each_route_of(c->s, m->kind, m->ns, m->name, holder_cb, &hs);
        if (!hs.best)
            continue;
        if (gg_attach_comes_first(c->o, hs.best) && (!c->old || old_claimed(c->old, hostname)))
            continue; /* this route came first: the other one is in the wrong */
        struct gg_buf who, overlap;
        gg_buf_init(&who);
        gg_buf_init(&overlap);
        gg_cross_name_other(c, hs.best, &who);
        if (strcmp(hs.best_host, hostname) != 0)
            gg_buf_addf(&overlap, " overlaps \"%s\", which is", hs.best_host);
        else
            gg_buf_adds(&overlap, " is");
        const char *gw_kind = f.gw_name ? "Gateway" : gg_model_kind_name(m->kind);
        gg_cross_report(c, GG_CHECK_HOSTNAME_OWNERSHIP, GG_SEV_ERROR, GG_ERR_FORBIDDEN, hp, NULL,
                        "hostname \"%s\"%s already served on %s \"%s/%s\" by %s; use a hostname "
                        "no other namespace serves there, or have the ownership policy give "
                        "\"%s\" to namespace \"%s\"",
                        hostname, overlap.data, gw_kind, f.gw_name ? f.gw_ns : m->ns,
                        f.gw_name ? f.gw_name : m->name, who.data, hostname, c->o->ns);
        gg_buf_clear(&who);
        gg_buf_clear(&overlap);
        return;
    }
}

/* The request path a match stands for in path-scoped ownership: a regular
 * expression's literal prefix; a gRPC method's "/<service>/<method>". */
static void match_path(const struct gg_object *o, const struct gg_rule *ru, size_t j,
                       struct gg_buf *out)
{
    if (o->kind == GG_KIND_GRPCROUTE) {
        const struct gg_grpc_match *m = ru->n_matches ? &ru->matches.grpc[j] : NULL;
        gg_buf_addc(out, '/');
        if (m && m->service && m->method_type == GG_MATCH_EXACT) {
            gg_buf_adds(out, m->service);
            if (m->method)
                gg_buf_addf(out, "/%s", m->method);
        }
        return;
    }
    const struct gg_http_match *m = &ru->matches.http[j];
    const char *p = m->path ? m->path : "/";
    if (m->path_type == GG_MATCH_REGULAR_EXPRESSION || m->path_type == GG_MATCH_OTHER) {
        size_t n = strcspn(p, ".^$*+?()[]{}|\\");
        gg_buf_add(out, p, n);
    } else {
        gg_buf_adds(out, p);
    }
    if (out->len == 0 || out->data[0] != '/') {
        out->len = 0;
        gg_buf_addc(out, '/');
    }
}

static void by_policy(struct cross *c, const struct gg_path *hp, const char *hostname)
{
    struct gg_policy_ns ns = {c->ns.name, c->ns.labels, c->ns.n_labels};
    struct gg_owner_result whole = gg_policy_owner(c->pol, hostname, "/", &ns);
    if (whole.verdict == GG_OWNER_DENIED && !whole.has_path) {
        gg_cross_report(
            c, GG_CHECK_HOSTNAME_OWNERSHIP, GG_SEV_ERROR, GG_ERR_FORBIDDEN, hp, NULL,
            "hostname \"%s\" belongs to other namespaces under the ownership policy "
            "(pattern \"%s\"); use a hostname namespace \"%s\" owns, or ask the platform "
            "team to add it to the owners",
            hostname, whole.pattern, c->o->ns);
        return;
    }
    if (whole.verdict == GG_OWNER_UNGOVERNED) {
        const char *below = gg_policy_owned_below(c->pol, hostname, &ns);
        if (below) {
            gg_cross_report(c, GG_CHECK_HOSTNAME_OWNERSHIP, GG_SEV_ERROR, GG_ERR_FORBIDDEN, hp,
                            NULL,
                            "hostname \"%s\" reaches over \"%s\", which the ownership policy gives "
                            "to other namespaces; use a narrower hostname",
                            hostname, below);
            return;
        }
    }
    /* path-scoped patterns: each match's path must be one the namespace owns */
    const struct gg_route *rt = &c->o->u.route;
    struct gg_path root = GG_PATH_ROOT_INIT, spec = gg_path_child(&root, "spec");
    struct gg_path rules = gg_path_child(&spec, "rules");
    struct gg_buf path;
    gg_buf_init(&path);
    for (size_t i = 0; i < rt->n_rules; i++) {
        const struct gg_rule *ru = &rt->rules[i];
        size_t nm = ru->n_matches ? ru->n_matches : 1;
        for (size_t j = 0; j < nm; j++) {
            path.len = 0;
            match_path(c->o, ru, j, &path);
            struct gg_owner_result r = gg_policy_owner(c->pol, hostname, path.data, &ns);
            if (r.verdict != GG_OWNER_DENIED)
                continue;
            struct gg_path rp = gg_path_index(&rules, i), ms = gg_path_child(&rp, "matches");
            struct gg_path mp = gg_path_index(&ms, j);
            struct gg_path at =
                gg_path_child(&mp, c->o->kind == GG_KIND_GRPCROUTE ? "method" : "path");
            gg_cross_report(c, GG_CHECK_HOSTNAME_OWNERSHIP, GG_SEV_ERROR, GG_ERR_FORBIDDEN,
                            ru->matches_defaulted ? &rp : &at, NULL,
                            "path \"%s\" on hostname \"%s\" belongs to other namespaces under the "
                            "ownership policy (pattern \"%s\"); match only paths namespace \"%s\" "
                            "owns",
                            path.data, hostname, r.pattern, c->o->ns);
        }
    }
    gg_buf_clear(&path);
}

void gg_cross_check_route_ownership(struct cross *c)
{
    if (gg_policy_is_exempt(c->pol, c->o->ns) ||
        gg_policy_level(c->pol, GG_CHECK_HOSTNAME_OWNERSHIP) == GG_LEVEL_OFF)
        return;
    const struct gg_route *rt = &c->o->u.route;
    struct gg_path root = GG_PATH_ROOT_INIT, spec = gg_path_child(&root, "spec");
    struct gg_path hosts = gg_path_child(&spec, "hostnames");
    for (size_t k = 0; k < rt->n_hostnames; k++) {
        const char *h = rt->hostnames[k];
        if (!h)
            continue;
        struct gg_path hp = gg_path_index(&hosts, k);
        if (gg_policy_names_hostname(c->pol, h))
            by_policy(c, &hp, h);
        else if (gg_policy_first_come(c->pol))
            first_come(c, &hp, h);
    }
}
