/* SPDX-License-Identifier: Apache-2.0 */
/* The attachment verdicts of attach.h, after the Gateway API docs: the
 * "Hostname" and "AllowedRoutes" sections of the Listener, the HTTPRoute and
 * GRPCRoute parentRefs, GEP-709 (ReferenceGrant) and GEP-1713 (ListenerSets).
 * Messages are the callers' business; this file only decides. */
#include "attach.h"

#include <string.h>

#include "hostname.h"
#include "selector.h"

void gg_attach_ns_view(const struct gg_store *s, const char *ns, struct gg_ns_view *v)
{
    const struct gg_object *o = gg_store_find(s, GG_KIND_NAMESPACE, NULL, ns);
    v->name = ns;
    v->labels = o ? o->u.ns.labels : NULL;
    v->n_labels = o ? o->u.ns.n_labels : 0;
    v->known = o != NULL;
}

/* --- ordering ------------------------------------------------------------------ */

bool gg_attach_comes_first(const struct gg_object *a, const struct gg_object *b)
{
    if (a->created != b->created)
        return a->created < b->created;
    int d = strcmp(a->ns, b->ns);
    if (d)
        return d < 0;
    d = strcmp(a->name, b->name);
    return d ? d < 0 : a->kind < b->kind;
}

bool gg_attach_same_object(const struct gg_object *a, const struct gg_object *b)
{
    return a && b && a->kind == b->kind && strcmp(a->ns, b->ns) == 0 &&
           strcmp(a->name, b->name) == 0;
}

/* --- listeners --------------------------------------------------------------- */

const struct gg_listener *gg_attach_listeners(const struct gg_object *parent, size_t *n)
{
    if (parent->kind == GG_KIND_GATEWAY) {
        *n = parent->u.gateway.n_listeners;
        return parent->u.gateway.listeners;
    }
    if (parent->kind == GG_KIND_LISTENERSET) {
        *n = parent->u.listenerset.n_listeners;
        return parent->u.listenerset.listeners;
    }
    *n = 0;
    return NULL;
}

bool gg_attach_kind_fits_protocol(enum gg_model_kind kind, const char *protocol)
{
    if (!protocol)
        return false;
    if (strcmp(protocol, "HTTP") == 0 || strcmp(protocol, "HTTPS") == 0)
        return kind == GG_KIND_HTTPROUTE || kind == GG_KIND_GRPCROUTE;
    if (strcmp(protocol, "TLS") == 0 || strcmp(protocol, "TCP") == 0 ||
        strcmp(protocol, "UDP") == 0)
        return false; /* TLSRoute, TCPRoute, UDPRoute: not HTTP or gRPC */
    /* implementation-specific protocols: only the implementation knows */
    return true;
}

bool gg_attach_kind_listed(const struct gg_listener *l, enum gg_model_kind kind)
{
    for (size_t i = 0; i < l->n_kinds; i++)
        if (l->kinds[i].kind && strcmp(l->kinds[i].kind, gg_model_kind_name(kind)) == 0 &&
            l->kinds[i].group && strcmp(l->kinds[i].group, GG_GROUP) == 0)
            return true;
    return false;
}

/* The route kind allowedRoutes.kinds entry <k> names, if a route kind. */
static bool route_kind_of(const struct gg_group_kind *k, enum gg_model_kind *out)
{
    static const enum gg_model_kind routes[] = {GG_KIND_HTTPROUTE, GG_KIND_GRPCROUTE};
    if (!k->kind || !k->group || strcmp(k->group, GG_GROUP) != 0)
        return false;
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
        if (strcmp(k->kind, gg_model_kind_name(routes[i])) == 0) {
            *out = routes[i];
            return true;
        }
    return false;
}

void gg_attach_supported_kinds(const struct gg_listener *l, struct gg_attach_kinds *out)
{
    static const enum gg_model_kind defaults[] = {GG_KIND_HTTPROUTE, GG_KIND_GRPCROUTE};
    memset(out, 0, sizeof(*out));
    bool want[2] = {l->n_kinds == 0, l->n_kinds == 0};
    for (size_t i = 0; i < l->n_kinds; i++) {
        enum gg_model_kind k;
        if (route_kind_of(&l->kinds[i], &k) && gg_attach_kind_fits_protocol(k, l->protocol)) {
            want[k == GG_KIND_GRPCROUTE] = true;
            continue;
        }
        out->any_invalid = true;
        if (i < 64)
            out->invalid |= 1ULL << i;
    }
    for (size_t i = 0; i < 2; i++)
        if (want[i] && gg_attach_kind_fits_protocol(defaults[i], l->protocol))
            out->kinds[out->n++] = defaults[i];
}

enum gg_admit gg_attach_listener_admits(const struct gg_listener *l, const char *parent_ns,
                                        enum gg_model_kind kind, const struct gg_ns_view *nsv)
{
    /* a listed kind the protocol cannot carry is InvalidRouteKinds: no route
     * of that kind attaches either */
    if ((l->n_kinds && !gg_attach_kind_listed(l, kind)) ||
        !gg_attach_kind_fits_protocol(kind, l->protocol))
        return GG_ADMIT_KIND;
    switch (l->from) {
    case GG_FROM_ALL:
        return GG_ADMIT_YES;
    case GG_FROM_SAME:
        return strcmp(nsv->name, parent_ns) == 0 ? GG_ADMIT_YES : GG_ADMIT_NAMESPACE;
    case GG_FROM_SELECTOR:
        if (!l->selector.is_set)
            return GG_ADMIT_NAMESPACE;
        if (!nsv->known && gg_selector_needs_labels(&l->selector))
            return GG_ADMIT_UNKNOWN;
        return gg_selector_matches(&l->selector, nsv->name, nsv->labels, nsv->n_labels)
                   ? GG_ADMIT_YES
                   : GG_ADMIT_NAMESPACE;
    default:
        return GG_ADMIT_NAMESPACE;
    }
}

bool gg_attach_is_candidate(const struct gg_listener *l, const struct gg_ref *ref)
{
    return (!ref->section_name || (l->name && strcmp(l->name, ref->section_name) == 0)) &&
           (!ref->port || l->port == ref->port);
}

bool gg_attach_hostnames_meet(const struct gg_route *rt, const char *listener_host)
{
    bool any = false;
    for (size_t h = 0; h < rt->n_hostnames; h++) {
        if (!rt->hostnames[h])
            continue;
        any = true;
        if (gg_hostname_intersects(rt->hostnames[h], listener_host))
            return true;
    }
    return !any; /* a route without hostnames takes the listener's */
}

/* h: HTTP; s: HTTPS or TLS; t: TCP; u: UDP; x: implementation-specific */
static char proto_class(const char *p)
{
    if (!p)
        return 'x';
    if (strcmp(p, "HTTP") == 0)
        return 'h';
    if (strcmp(p, "HTTPS") == 0 || strcmp(p, "TLS") == 0)
        return 's';
    if (strcmp(p, "TCP") == 0)
        return 't';
    if (strcmp(p, "UDP") == 0)
        return 'u';
    return 'x';
}

static bool host_eq(const char *a, const char *b)
{
    return (!a || !b) ? a == b : strcmp(a, b) == 0;
}

const char *gg_attach_listener_conflict(const struct gg_listener *a, const struct gg_listener *b)
{
    if (!a->port || a->port != b->port)
        return NULL;
    char ca = proto_class(a->protocol), cb = proto_class(b->protocol);
    if (ca == 'x' || cb == 'x')
        return NULL; /* only the implementation knows what shares a port with its protocols */
    if (ca == 'u' || cb == 'u')
        return ca == cb ? gg_reason_name(GG_REASON_HOSTNAME_CONFLICT) : NULL;
    if (ca != cb)
        return gg_reason_name(GG_REASON_PROTOCOL_CONFLICT);
    if (ca == 't' || host_eq(a->hostname, b->hostname))
        return gg_reason_name(GG_REASON_HOSTNAME_CONFLICT);
    return NULL;
}

/* --- route attachment ------------------------------------------------------------ */

enum gg_attach_status gg_attach_route(const struct gg_object *route, const struct gg_ref *ref,
                                      const struct gg_object *parent, const struct gg_ns_view *nsv,
                                      uint64_t *mask)
{
    size_t n;
    const struct gg_listener *l = gg_attach_listeners(parent, &n);
    bool candidate = false, admitted = false, unknown = false, ok = false;
    uint64_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (!gg_attach_is_candidate(&l[i], ref))
            continue;
        candidate = true;
        enum gg_admit a = gg_attach_listener_admits(&l[i], parent->ns, route->kind, nsv);
        if (a == GG_ADMIT_UNKNOWN)
            unknown = true;
        if (a != GG_ADMIT_YES)
            continue;
        admitted = true;
        if (gg_attach_hostnames_meet(&route->u.route, l[i].hostname)) {
            ok = true;
            if (i < 64)
                m |= 1ULL << i;
        }
    }
    if (mask)
        *mask = m;
    if (!candidate)
        return GG_ATTACH_NO_LISTENER;
    if (ok)
        return GG_ATTACH_OK;
    if (unknown)
        return GG_ATTACH_UNKNOWN_NS;
    return admitted ? GG_ATTACH_NO_HOSTNAME : GG_ATTACH_NOT_ADMITTED;
}

enum gg_reason gg_attach_status_reason(enum gg_attach_status st)
{
    switch (st) {
    case GG_ATTACH_OK:
        return GG_REASON_ACCEPTED;
    case GG_ATTACH_NO_LISTENER:
        return GG_REASON_NO_MATCHING_PARENT;
    case GG_ATTACH_NO_HOSTNAME:
        return GG_REASON_NO_MATCHING_LISTENER_HOSTNAME;
    default:
        return GG_REASON_NOT_ALLOWED_BY_LISTENERS;
    }
}

const struct gg_object *gg_attach_find_parent(const struct gg_store *s, const struct gg_ref *ref,
                                              const char *ns)
{
    enum gg_model_kind k;
    if (!gg_store_parent_kind(ref, &k))
        return NULL;
    return gg_store_find(s, k, gg_ref_ns(ref, ns), ref->name);
}

bool gg_attach_gateway_admits_listenerset(const struct gg_object *gw, const struct gg_ns_view *nsv,
                                          bool *unknown)
{
    const struct gg_gateway *g = &gw->u.gateway;
    if (unknown)
        *unknown = false;
    switch (g->allowed_listeners_from) {
    case GG_FROM_ALL:
        return true;
    case GG_FROM_SAME:
        return strcmp(nsv->name, gw->ns) == 0;
    case GG_FROM_SELECTOR:
        if (!g->allowed_listeners_selector.is_set)
            return false;
        if (!nsv->known && gg_selector_needs_labels(&g->allowed_listeners_selector)) {
            if (unknown)
                *unknown = true;
            return false;
        }
        return gg_selector_matches(&g->allowed_listeners_selector, nsv->name, nsv->labels,
                                   nsv->n_labels);
    default:
        return false;
    }
}

/* --- references ------------------------------------------------------------------- */

struct want {
    const char *from_group, *from_kind, *from_ns;
    const char *to_group, *to_kind, *to_name;
    const struct gg_object *skip;
    bool allowed;
};

static bool str_eq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static bool grant_allows(const struct gg_object *g, const struct want *w)
{
    const struct gg_referencegrant *rg = &g->u.grant;
    bool from = false, to = false;
    for (size_t i = 0; i < rg->n_from && !from; i++)
        from = str_eq(rg->from[i].group, w->from_group) && str_eq(rg->from[i].kind, w->from_kind) &&
               str_eq(rg->from[i].ns, w->from_ns);
    for (size_t i = 0; i < rg->n_to && !to; i++)
        to = str_eq(rg->to[i].group, w->to_group) && str_eq(rg->to[i].kind, w->to_kind) &&
             (!rg->to[i].name || str_eq(rg->to[i].name, w->to_name));
    return from && to;
}

static bool grant_cb(const struct gg_object *g, void *ctx)
{
    struct want *w = ctx;
    if (w->skip && gg_attach_same_object(g, w->skip))
        return true;
    w->allowed = grant_allows(g, w);
    return !w->allowed;
}

bool gg_attach_ref_permitted(const struct gg_store *s, const char *from_group,
                             const char *from_kind, const char *from_ns, const char *target_ns,
                             const char *to_group, const char *to_kind, const char *to_name,
                             const struct gg_object *skip, const struct gg_object *extra)
{
    struct want w = {from_group, from_kind, from_ns, to_group, to_kind, to_name, skip, false};
    if (extra && extra->kind == GG_KIND_REFERENCEGRANT && strcmp(extra->ns, target_ns) == 0 &&
        grant_allows(extra, &w))
        return true;
    gg_store_each_grant(s, target_ns, from_kind, from_ns, grant_cb, &w);
    return w.allowed;
}
