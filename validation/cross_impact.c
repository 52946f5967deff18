/* SPDX-License-Identifier: Apache-2.0 */
/* What an update or deletion would cut off, judged before it happens: routes
 * that a Gateway or ListenerSet change would detach, routes and ListenerSets
 * a Namespace's new labels would shut out, and references a ReferenceGrant
 * change or deletion would stop permitting. Each affected object is named
 * (these are warnings for whoever makes the change, so naming them is the
 * point), up to IMPACT_MAX, then a count. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cross_internal.h"

#define IMPACT_MAX 20

struct impact {
    struct cross *c;
    const struct gg_path *p;
    size_t n;
};

static void impact_add(struct impact *im, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void impact_add(struct impact *im, const char *fmt, ...)
{
    if (im->n++ >= IMPACT_MAX)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = gg_xvasprintf(fmt, ap);
    va_end(ap);
    gg_cross_report(im->c, GG_CHECK_CHANGE_IMPACT, GG_SEV_ERROR, GG_ERR_FORBIDDEN, im->p, NULL,
                    "%s", msg);
    free(msg);
}

static void impact_done(struct impact *im, const char *what)
{
    if (im->n > IMPACT_MAX)
        gg_cross_report(im->c, GG_CHECK_CHANGE_IMPACT, GG_SEV_ERROR, GG_ERR_FORBIDDEN, im->p, NULL,
                        "and %zu more %s", im->n - IMPACT_MAX, what);
}

/* --- Gateways and ListenerSets -------------------------------------------- */

struct parent_scan {
    struct impact im;
    const struct gg_object *before, *after; /* after NULL: deleted */
};

static bool route_cb(const struct gg_object *route, size_t idx, void *ctx)
{
    struct parent_scan *ps = ctx;
    if (idx >= route->u.route.n_parent_refs)
        return true;
    const struct gg_ref *ref = &route->u.route.parent_refs[idx];
    struct gg_ns_view nsv;
    gg_attach_ns_view(ps->im.c->s, route->ns, &nsv);
    if (gg_attach_route(route, ref, ps->before, &nsv, NULL) != GG_ATTACH_OK)
        return true; /* not attached now: nothing to lose */
    if (!ps->after) {
        impact_add(&ps->im,
                   "%s: %s \"%s/%s\" (spec.parentRefs[%zu]) would lose its "
                   "parent",
                   gg_reason_name(GG_REASON_NO_MATCHING_PARENT), gg_model_kind_name(route->kind),
                   route->ns, route->name, idx);
        return true;
    }
    enum gg_attach_status st = gg_attach_route(route, ref, ps->after, &nsv, NULL);
    if (st == GG_ATTACH_OK || st == GG_ATTACH_UNKNOWN_NS)
        return true;
    impact_add(&ps->im, "%s: %s \"%s/%s\" (spec.parentRefs[%zu]) would no longer attach",
               gg_reason_name(gg_attach_status_reason(st)), gg_model_kind_name(route->kind),
               route->ns, route->name, idx);
    return true;
}

static bool conflicts_with(const struct gg_object *ls, const struct gg_object *gw)
{
    for (size_t i = 0; gw && i < ls->u.listenerset.n_listeners; i++)
        for (size_t k = 0; k < gw->u.gateway.n_listeners; k++)
            if (gg_attach_listener_conflict(&ls->u.listenerset.listeners[i],
                                            &gw->u.gateway.listeners[k]))
                return true;
    return false;
}

static bool listenerset_cb(const struct gg_object *ls, void *ctx)
{
    struct parent_scan *ps = ctx;
    struct gg_ns_view nsv;
    gg_attach_ns_view(ps->im.c->s, ls->ns, &nsv);
    if (!gg_attach_gateway_admits_listenerset(ps->before, &nsv, NULL))
        return true;
    if (!ps->after)
        impact_add(&ps->im, "%s: ListenerSet \"%s/%s\" would lose its parent",
                   gg_reason_name(GG_REASON_PARENT_NOT_ACCEPTED), ls->ns, ls->name);
    else if (!gg_attach_gateway_admits_listenerset(ps->after, &nsv, NULL))
        impact_add(&ps->im, "%s: ListenerSet \"%s/%s\" would no longer be allowed",
                   gg_reason_name(GG_REASON_NOT_ALLOWED), ls->ns, ls->name);
    else if (!conflicts_with(ls, ps->before) && conflicts_with(ls, ps->after))
        impact_add(&ps->im,
                   "%s: a listener of ListenerSet \"%s/%s\" would "
                   "conflict with this Gateway's listeners",
                   gg_reason_name(GG_REASON_LISTENER_CONFLICT), ls->ns, ls->name);
    return true;
}

static void parent_impact(struct cross *c)
{
    const struct gg_object *before = c->old;
    struct gg_path root = GG_PATH_ROOT_INIT, spec = gg_path_child(&root, "spec");
    struct gg_path lp = gg_path_child(&spec, "listeners");
    struct parent_scan ps = {{c, c->o ? &lp : &spec, 0}, before, c->o};
    gg_store_each_route_of(c->s, before->kind, before->ns, before->name, route_cb, &ps);
    impact_done(&ps.im, "routes would be cut off");
    if (before->kind == GG_KIND_GATEWAY) {
        struct gg_path al = gg_path_child(&spec, "allowedListeners");
        struct parent_scan ls = {{c, c->o ? &al : &spec, 0}, before, c->o};
        gg_store_each_listenerset_of(c->s, before->ns, before->name, listenerset_cb, &ls);
        impact_done(&ls.im, "ListenerSets would be cut off");
    }
}

/* --- Namespaces ------------------------------------------------------------ */

struct ns_scan {
    struct impact im;
    struct gg_ns_view before, after;
};

static bool ns_route_cb(const struct gg_object *route, void *ctx)
{
    struct ns_scan *ns = ctx;
    for (size_t i = 0; i < route->u.route.n_parent_refs; i++) {
        const struct gg_ref *ref = &route->u.route.parent_refs[i];
        const struct gg_object *parent = gg_attach_find_parent(ns->im.c->s, ref, route->ns);
        if (!parent || gg_attach_route(route, ref, parent, &ns->before, NULL) != GG_ATTACH_OK)
            continue;
        enum gg_attach_status st = gg_attach_route(route, ref, parent, &ns->after, NULL);
        if (st == GG_ATTACH_OK)
            continue;
        impact_add(&ns->im,
                   "%s: %s \"%s/%s\" (spec.parentRefs[%zu]) would no longer be "
                   "admitted by %s \"%s/%s\"",
                   gg_reason_name(gg_attach_status_reason(st)), gg_model_kind_name(route->kind),
                   route->ns, route->name, i, gg_model_kind_name(parent->kind), parent->ns,
                   parent->name);
    }
    return true;
}

static bool ns_listenerset_cb(const struct gg_object *ls, void *ctx)
{
    struct ns_scan *ns = ctx;
    const struct gg_object *gw =
        gg_attach_find_parent(ns->im.c->s, &ls->u.listenerset.parent_ref, ls->ns);
    if (gw && gw->kind == GG_KIND_GATEWAY &&
        gg_attach_gateway_admits_listenerset(gw, &ns->before, NULL) &&
        !gg_attach_gateway_admits_listenerset(gw, &ns->after, NULL))
        impact_add(&ns->im,
                   "%s: ListenerSet \"%s/%s\" would no longer be allowed by "
                   "Gateway \"%s/%s\"",
                   gg_reason_name(GG_REASON_NOT_ALLOWED), ls->ns, ls->name, gw->ns, gw->name);
    return true;
}

static void namespace_impact(struct cross *c)
{
    if (!c->o)
        return; /* deleting a Namespace deletes what is in it */
    struct gg_path root = GG_PATH_ROOT_INIT, meta = gg_path_child(&root, "metadata");
    struct gg_path lp = gg_path_child(&meta, "labels");
    const char *name = c->o->name;
    struct ns_scan ns = {{c, &lp, 0},
                         {name, c->old->u.ns.labels, c->old->u.ns.n_labels, true},
                         {name, c->o->u.ns.labels, c->o->u.ns.n_labels, true}};
    gg_store_each_in(c->s, GG_KIND_HTTPROUTE, name, ns_route_cb, &ns);
    gg_store_each_in(c->s, GG_KIND_GRPCROUTE, name, ns_route_cb, &ns);
    gg_store_each_in(c->s, GG_KIND_LISTENERSET, name, ns_listenerset_cb, &ns);
    impact_done(&ns.im, "objects would be cut off");
}

/* --- ReferenceGrants ------------------------------------------------------- */

struct grant_scan {
    struct impact im;
    const struct gg_object *before, *after;
};

static void judge_ref(struct grant_scan *gs, const struct gg_object *x, const struct gg_ref *ref,
                      const char *field)
{
    const char *target = gg_ref_ns(ref, x->ns);
    if (!ref->name || !ref->group || !ref->kind || strcmp(target, gs->before->ns) != 0 ||
        strcmp(target, x->ns) == 0)
        return;
    const char *kind = gg_model_kind_name(x->kind);
    const struct gg_store *s = gs->im.c->s;
    if (!gg_attach_ref_permitted(s, GG_GROUP, kind, x->ns, target, ref->group, ref->kind, ref->name,
                                 gs->before, gs->before) ||
        gg_attach_ref_permitted(s, GG_GROUP, kind, x->ns, target, ref->group, ref->kind, ref->name,
                                gs->before, gs->after))
        return;
    impact_add(&gs->im, "%s: %s \"%s/%s\" would lose access to %s \"%s/%s\" (%s)",
               gg_reason_name(GG_REASON_REF_NOT_PERMITTED), kind, x->ns, x->name, ref->kind, target,
               ref->name, field);
}

static bool referrer_cb(const struct gg_object *x, void *ctx)
{
    struct grant_scan *gs = ctx;
    char field[160];
    if (gg_model_kind_is_route(x->kind)) {
        const struct gg_route *rt = &x->u.route;
        for (size_t i = 0; i < rt->n_rules; i++) {
            const struct gg_rule *ru = &rt->rules[i];
            for (size_t j = 0; j < ru->n_backend_refs; j++) {
                snprintf(field, sizeof(field), "spec.rules[%zu].backendRefs[%zu]", i, j);
                judge_ref(gs, x, &ru->backend_refs[j], field);
            }
            for (size_t j = 0; j < ru->n_mirrors; j++) {
                const struct gg_mirror *m = &ru->mirrors[j];
                if (m->backend_index == GG_MIRROR_RULE_LEVEL)
                    snprintf(field, sizeof(field),
                             "spec.rules[%zu].filters[%u].requestMirror.backendRef", i,
                             m->filter_index);
                else
                    snprintf(field, sizeof(field),
                             "spec.rules[%zu].backendRefs[%u].filters[%u].requestMirror.backendRef",
                             i, m->backend_index, m->filter_index);
                judge_ref(gs, x, &m->backend_ref, field);
            }
        }
        return true;
    }
    size_t n;
    const struct gg_listener *l = gg_attach_listeners(x, &n);
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < l[i].n_certificate_refs; k++) {
            snprintf(field, sizeof(field), "spec.listeners[%zu].tls.certificateRefs[%zu]", i, k);
            judge_ref(gs, x, &l[i].certificate_refs[k], field);
        }
    }
    return true;
}

static void grant_impact(struct cross *c)
{
    const struct gg_object *before = c->old;
    const struct gg_referencegrant *g = &before->u.grant;
    struct gg_path root = GG_PATH_ROOT_INIT, spec = gg_path_child(&root, "spec");
    struct grant_scan gs = {{c, &spec, 0}, before, c->o};
    for (size_t i = 0; i < g->n_from; i++) {
        const struct gg_grant_from *f = &g->from[i];
        if (!f->kind || !f->ns)
            continue;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = g->from[k].kind && g->from[k].ns && strcmp(g->from[k].kind, f->kind) == 0 &&
                   strcmp(g->from[k].ns, f->ns) == 0;
        if (!seen)
            gg_store_each_referrer(c->s, before->ns, f->kind, f->ns, referrer_cb, &gs);
    }
    impact_done(&gs.im, "references would be cut off");
}

void gg_cross_check_impact(struct cross *c)
{
    if (!c->old || gg_policy_level(c->pol, GG_CHECK_CHANGE_IMPACT) == GG_LEVEL_OFF)
        return;
    if (c->o && c->o->kind != c->old->kind)
        return;
    switch (c->old->kind) {
    case GG_KIND_GATEWAY:
    case GG_KIND_LISTENERSET:
        parent_impact(c);
        break;
    case GG_KIND_NAMESPACE:
        namespace_impact(c);
        break;
    case GG_KIND_REFERENCEGRANT:
        grant_impact(c);
        break;
    default:
        break;
    }
}
