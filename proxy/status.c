/* SPDX-License-Identifier: Apache-2.0 */
/* Desired status from the store (status.h). Condition types and reasons are
 * the Gateway API's (apis/v1 gateway_types.go, gatewayclass_types.go,
 * listenerset_types.go, shared_types.go at v1.6.3); which listener admits
 * which route, which reference a ReferenceGrant permits and which listeners
 * conflict are asked of validation/, never decided twice. */
#include "proxy/status.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proxy/features.h"
#include "proxy/route_table.h"
#include "validation/attach.h"
#include "validation/hostname.h"
#include "validation/store.h"
#include "validation/xalloc.h"

/* The CRD bundle versions this build serves (its own minor). */
#define SUPPORTED_BUNDLE_PREFIX "v1.6."

/* --- the verdicts this file asks of validation/ ------------------------------ */

/* A verdict on one reference or attachment: ok, or the spec's reason word
 * and a sentence saying why. */
struct verdict {
    bool ok;
    const char *reason;
    char message[384];
};

static void refuse(struct verdict *v, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void refuse(struct verdict *v, const char *reason, const char *fmt, ...)
{
    v->ok = false;
    v->reason = reason;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->message, sizeof(v->message), fmt, ap);
    va_end(ap);
}

static int64_t obj_generation(const struct gg_object *o)
{
    return o->generation;
}

static bool class_has_parameters(const struct gg_object *gc)
{
    return gc->u.gatewayclass.parameters_ref != NULL;
}

static bool gateway_has_parameters(const struct gg_object *gw)
{
    return gw->u.gateway.infra_parameters_ref != NULL;
}

static const struct gg_object *v_find_parent(const struct gg_store *s, const struct gg_ref *ref,
                                             const char *ns)
{
    return gg_attach_find_parent(s, ref, ns);
}

static const char *v_listener_conflict(const struct gg_listener *a, const struct gg_listener *b)
{
    return gg_attach_listener_conflict(a, b);
}

static bool v_listenerset_admitted(const struct gg_store *s, const struct gg_object *gw,
                                   const struct gg_object *lso)
{
    struct gg_ns_view nsv;
    gg_attach_ns_view(s, lso->ns, &nsv);
    return gg_attach_gateway_admits_listenerset(gw, &nsv, NULL);
}

struct ls_conflict {
    const char *reason;
    const struct gg_listener *listener;
    char whose[256];
};

struct ls_scan {
    const struct gg_store *s;
    const struct gg_object *gw, *lso;
    const struct gg_listener *mine;
    struct ls_conflict *cf;
    bool found;
};

static bool ls_scan_cb(const struct gg_object *m, void *arg)
{
    struct ls_scan *sc = arg;
    if (gg_attach_same_object(m, sc->lso) || !gg_attach_comes_first(m, sc->lso) ||
        !v_listenerset_admitted(sc->s, sc->gw, m))
        return true;
    for (size_t k = 0; k < m->u.listenerset.n_listeners; k++) {
        const char *why = gg_attach_listener_conflict(sc->mine, &m->u.listenerset.listeners[k]);
        if (!why)
            continue;
        sc->cf->reason = why;
        sc->cf->listener = &m->u.listenerset.listeners[k];
        snprintf(sc->cf->whose, sizeof(sc->cf->whose), " of ListenerSet \"%s/%s\"", m->ns, m->name);
        sc->found = true;
        return false;
    }
    return true;
}

/* Whether listener <mine> of ListenerSet <lso> conflicts with one of its
 * Gateway <gw> (which take precedence) or of an older ListenerSet. */
static bool v_listenerset_conflict(const struct gg_store *s, const struct gg_object *gw,
                                   const struct gg_object *lso, const struct gg_listener *mine,
                                   struct ls_conflict *cf)
{
    const struct gg_gateway *g = &gw->u.gateway;
    for (size_t k = 0; k < g->n_listeners; k++) {
        const char *why = gg_attach_listener_conflict(mine, &g->listeners[k]);
        if (!why)
            continue;
        cf->reason = why;
        cf->listener = &g->listeners[k];
        snprintf(cf->whose, sizeof(cf->whose), " of Gateway \"%s/%s\"", gw->ns, gw->name);
        return true;
    }
    struct ls_scan sc = {s, gw, lso, mine, cf, false};
    gg_store_each_listenerset_of(s, gw->ns, gw->name, ls_scan_cb, &sc);
    return sc.found;
}

static void v_route_parent(const struct gg_store *s, const struct gg_object *route,
                           const struct gg_ref *ref, const struct gg_object *parent,
                           struct verdict *v, uint64_t *mask)
{
    v->ok = true;
    v->reason = "Accepted";
    v->message[0] = '\0';
    if (mask)
        *mask = 0;
    if (parent->kind == GG_KIND_LISTENERSET) {
        const struct gg_ref *pr = &parent->u.listenerset.parent_ref;
        const struct gg_object *gw =
            pr->name ? gg_store_find(s, GG_KIND_GATEWAY, gg_ref_ns(pr, parent->ns), pr->name)
                     : NULL;
        if (!gw || !v_listenerset_admitted(s, gw, parent)) {
            refuse(v, "NotAllowedByListeners",
                   "ListenerSet \"%s/%s\" is not attached to its Gateway", parent->ns,
                   parent->name);
            return;
        }
    }
    struct gg_ns_view nsv;
    gg_attach_ns_view(s, route->ns, &nsv);
    const char *pk = gg_model_kind_name(parent->kind);
    switch (gg_attach_route(route, ref, parent, &nsv, mask)) {
    case GG_ATTACH_OK:
        break;
    case GG_ATTACH_NO_LISTENER:
        refuse(v, "NoMatchingParent", "%s \"%s/%s\" has no listener matching %s%s%s", pk,
               parent->ns, parent->name, ref->section_name ? "sectionName " : "port",
               ref->section_name ? ref->section_name : "",
               ref->section_name ? (ref->port ? " and port" : "") : "");
        break;
    case GG_ATTACH_NOT_ADMITTED:
        refuse(v, "NotAllowedByListeners",
               "no listener of %s \"%s/%s\" allows %s from namespace \"%s\"", pk, parent->ns,
               parent->name, gg_model_kind_name(route->kind), route->ns);
        break;
    case GG_ATTACH_UNKNOWN_NS:
        refuse(v, "NotAllowedByListeners",
               "the listeners of %s \"%s/%s\" select namespaces by label, and Namespace \"%s\" "
               "is not known",
               pk, parent->ns, parent->name, route->ns);
        break;
    case GG_ATTACH_NO_HOSTNAME:
        refuse(v, "NoMatchingListenerHostname",
               "no hostname of the route intersects a listener of %s \"%s/%s\"", pk, parent->ns,
               parent->name);
        break;
    }
}

/* A reference to a core object of <kind> in <target> from <from> (a route
 * or a Gateway/ListenerSet): whether a ReferenceGrant is needed and there. */
static bool ref_permitted(const struct gg_store *s, const struct gg_object *from,
                          const struct gg_ref *ref, const char *kind, const char *target,
                          struct verdict *v)
{
    if (strcmp(target, from->ns) == 0 ||
        gg_attach_ref_permitted(s, GG_GROUP, gg_model_kind_name(from->kind), from->ns, target, "",
                                kind, ref->name, NULL, NULL))
        return true;
    refuse(v, "RefNotPermitted",
           "no ReferenceGrant in namespace \"%s\" allows %s from \"%s\" to %s \"%s\"", target,
           gg_model_kind_name(from->kind), from->ns, kind, ref->name);
    return false;
}

static void v_backend_ref(const struct gg_store *s, const struct gg_object *route,
                          const struct gg_ref *ref, struct verdict *v)
{
    v->ok = true;
    v->reason = "ResolvedRefs";
    v->message[0] = '\0';
    if (!ref->group || !ref->kind || strcmp(ref->group, "") != 0 ||
        strcmp(ref->kind, "Service") != 0) {
        refuse(v, "InvalidKind", "kind %s%s%s is not supported; backendRefs name core Services",
               ref->group && *ref->group ? ref->group : "", ref->group && *ref->group ? "/" : "",
               ref->kind ? ref->kind : "");
        return;
    }
    if (!ref->name) {
        refuse(v, "BackendNotFound", "the backendRef names no Service");
        return;
    }
    const char *target = gg_ref_ns(ref, route->ns);
    if (!ref_permitted(s, route, ref, "Service", target, v))
        return;
    const struct gg_object *svc = gg_store_find(s, GG_KIND_SERVICE, target, ref->name);
    if (!svc) {
        refuse(v, "BackendNotFound", "Service \"%s/%s\" not found", target, ref->name);
        return;
    }
    /* the proxy speaks HTTP/1.1 to backends: a port that asks for another
     * application protocol (h2c, WebSocket, TLS) is not one it can use */
    const struct gg_service *sv = &svc->u.service;
    for (size_t i = 0; i < sv->n_ports; i++) {
        const char *ap = sv->ports[i].app_protocol;
        if (sv->ports[i].port == ref->port && ap && strcasecmp(ap, "http") != 0 &&
            strcmp(ap, "kubernetes.io/http") != 0)
            refuse(v, "UnsupportedProtocol",
                   "port %d of Service \"%s/%s\" has appProtocol %s, which the proxy does not "
                   "speak",
                   ref->port, target, ref->name, ap);
    }
}

static void v_certificate_ref(const struct gg_store *s, const struct gg_object *owner,
                              const struct gg_ref *ref, struct verdict *v)
{
    v->ok = true;
    v->reason = "ResolvedRefs";
    v->message[0] = '\0';
    if (!ref->group || !ref->kind || strcmp(ref->group, "") != 0 ||
        strcmp(ref->kind, "Secret") != 0) {
        refuse(v, "InvalidCertificateRef",
               "kind %s%s%s is not supported; certificateRefs name core Secrets",
               ref->group && *ref->group ? ref->group : "", ref->group && *ref->group ? "/" : "",
               ref->kind ? ref->kind : "");
        return;
    }
    if (!ref->name) {
        refuse(v, "InvalidCertificateRef", "the certificateRef names no Secret");
        return;
    }
    const char *target = gg_ref_ns(ref, owner->ns);
    if (!ref_permitted(s, owner, ref, "Secret", target, v))
        return;
    const struct gg_object *sec = gg_store_find(s, GG_KIND_SECRET, target, ref->name);
    if (!sec) {
        refuse(v, "InvalidCertificateRef", "Secret \"%s/%s\" not found", target, ref->name);
        return;
    }
    const struct gg_secret *sd = &sec->u.secret;
    /* a source that fetched metadata only cannot tell; the proxy then finds out */
    if (sd->has_data && (sd->tls_crt.state != GG_BLOB_OK || sd->tls_key.state != GG_BLOB_OK))
        refuse(v, "InvalidCertificateRef", "Secret \"%s/%s\" holds no usable tls.crt and tls.key",
               target, ref->name);
}

/* --- the set ----------------------------------------------------------------- */

void gg_status_set_init(struct gg_status_set *set)
{
    memset(set, 0, sizeof(*set));
}

void gg_status_set_clear(struct gg_status_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        free(set->items[i].ns);
        free(set->items[i].name);
        json_decref(set->items[i].status);
    }
    free(set->items);
    memset(set, 0, sizeof(*set));
}

const struct gg_status_entry *gg_status_set_find(const struct gg_status_set *set,
                                                 enum gg_model_kind kind, const char *ns,
                                                 const char *name)
{
    for (size_t i = 0; i < set->n; i++) {
        const struct gg_status_entry *e = &set->items[i];
        if (e->kind == kind && strcmp(e->ns, ns) == 0 && strcmp(e->name, name) == 0)
            return e;
    }
    return NULL;
}

static void set_add(struct gg_status_set *set, const struct gg_object *o, json_t *status)
{
    if (set->n == set->cap) {
        set->cap = set->cap ? set->cap * 2 : 32;
        set->items = gg_xrealloc(set->items, set->cap * sizeof(*set->items));
    }
    struct gg_status_entry *e = &set->items[set->n++];
    e->kind = o->kind;
    e->ns = gg_xstrdup(o->ns);
    e->name = gg_xstrdup(o->name);
    e->generation = obj_generation(o);
    e->status = status;
}

static int entry_order(const void *pa, const void *pb)
{
    const struct gg_status_entry *a = pa, *b = pb;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    int c = strcmp(a->ns, b->ns);
    return c ? c : strcmp(a->name, b->name);
}

/* --- conditions ------------------------------------------------------------- */

const json_t *gg_status_condition(const json_t *conditions, const char *type)
{
    size_t i;
    const json_t *c;
    json_array_foreach(conditions, i, c)
    {
        const char *t = json_string_value(json_object_get(c, "type"));
        if (t && strcmp(t, type) == 0)
            return c;
    }
    return NULL;
}

struct ctx {
    const struct gg_store *s;
    const struct gg_status_opts *o;
    struct gg_status_set *set;
};

/* Appends condition <type> to <conds>. lastTransitionTime is the previous
 * one when the previous condition of that type had the same status (the
 * metav1.Condition contract), else now. */
static void cond(json_t *conds, const json_t *prev_conds, int64_t gen, const char *now,
                 const char *type, bool ok, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

static void cond(json_t *conds, const json_t *prev_conds, int64_t gen, const char *now,
                 const char *type, bool ok, const char *reason, const char *fmt, ...)
{
    const char *status = ok ? "True" : "False";
    const char *ltt = now;
    const json_t *p = gg_status_condition(prev_conds, type);
    const char *pst = json_string_value(json_object_get(p, "status"));
    const char *pltt = json_string_value(json_object_get(p, "lastTransitionTime"));
    if (pst && pltt && strcmp(pst, status) == 0)
        ltt = pltt;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* json_object_set_new steals the new values */
    json_t *c = json_object();
    json_object_set_new(c, "type", json_string(type));
    json_object_set_new(c, "status", json_string(status));
    json_object_set_new(c, "reason", json_string(reason));
    json_object_set_new(c, "message", json_string(msg));
    json_object_set_new(c, "observedGeneration", json_integer(gen));
    json_object_set_new(c, "lastTransitionTime", json_string(ltt ? ltt : "1970-01-01T00:00:00Z"));
    json_array_append_new(conds, c);
}

static const json_t *prev_status(const struct ctx *c, const struct gg_object *o)
{
    return c->o->prev ? c->o->prev(c->o->prev_ctx, o->kind, o->ns, o->name) : NULL;
}

static const char *controller_name(const struct ctx *c)
{
    return c->o->own.controller_name ? c->o->own.controller_name : GG_CONTROLLER_NAME;
}

/* --- GatewayClass ------------------------------------------------------------ */

static void gatewayclass_status(struct ctx *c, const struct gg_object *gc)
{
    const json_t *prev = json_object_get(prev_status(c, gc), "conditions");
    json_t *st = json_object(), *conds = json_array();
    const char *bv = c->o->bundle_version;
    bool version_ok =
        !bv || strncmp(bv, SUPPORTED_BUNDLE_PREFIX, strlen(SUPPORTED_BUNDLE_PREFIX)) == 0;
    const char *now = c->o->now;
    int64_t g = obj_generation(gc);
    if (class_has_parameters(gc))
        cond(conds, prev, g, now, "Accepted", false, "InvalidParameters",
             "spec.parametersRef: gateguard takes no parameters; remove it");
    else if (!version_ok)
        cond(conds, prev, g, now, "Accepted", false, "UnsupportedVersion",
             "the Gateway API CRDs are bundle version %s; gateguard supports %sx", bv,
             SUPPORTED_BUNDLE_PREFIX);
    else
        cond(conds, prev, g, now, "Accepted", true, "Accepted", "accepted by %s",
             controller_name(c));
    if (bv) {
        if (version_ok)
            cond(conds, prev, g, now, "SupportedVersion", true, "SupportedVersion",
                 "bundle version %s is supported", bv);
        else
            cond(conds, prev, g, now, "SupportedVersion", false, "UnsupportedVersion",
                 "the Gateway API CRDs are bundle version %s; gateguard supports %sx", bv,
                 SUPPORTED_BUNDLE_PREFIX);
    }
    json_object_set_new(st, "conditions", conds);
    json_t *feats = json_array();
#define GG_X(name) json_array_append_new(feats, json_pack("{s:s}", "name", name));
    GG_FEATURE_MAP(GG_X)
#undef GG_X
    json_object_set_new(st, "supportedFeatures", feats);
    set_add(c->set, gc, st);
}

/* --- listeners --------------------------------------------------------------- */

/* What one listener's status says, before it is rendered. */
struct lstate {
    bool accepted, resolved, conflicted;
    const char *accepted_reason, *resolved_reason, *conflict_reason;
    char accepted_msg[512], resolved_msg[512], conflict_msg[512];
    uint32_t attached;
};

static bool is_http_protocol(const char *p)
{
    return p && (strcmp(p, "HTTP") == 0 || strcmp(p, "HTTPS") == 0);
}

/* The route kinds gateguard serves on a listener of <protocol>. */
static bool kind_served(const char *group, const char *kind, const char *protocol)
{
    if (!is_http_protocol(protocol) || !group || !kind || strcmp(group, GG_GROUP) != 0)
        return false;
    return strcmp(kind, "HTTPRoute") == 0 || strcmp(kind, "GRPCRoute") == 0;
}

static json_t *supported_kinds(const struct gg_listener *l)
{
    json_t *a = json_array();
    if (!is_http_protocol(l->protocol))
        return a;
    if (!l->n_kinds) {
        json_array_append_new(a, json_pack("{s:s,s:s}", "group", GG_GROUP, "kind", "HTTPRoute"));
        json_array_append_new(a, json_pack("{s:s,s:s}", "group", GG_GROUP, "kind", "GRPCRoute"));
        return a;
    }
    for (size_t i = 0; i < l->n_kinds; i++)
        if (kind_served(l->kinds[i].group, l->kinds[i].kind, l->protocol))
            json_array_append_new(
                a, json_pack("{s:s,s:s}", "group", GG_GROUP, "kind", l->kinds[i].kind));
    return a;
}

/* ResolvedRefs of a listener of <owner> (a Gateway or ListenerSet). */
static void listener_refs(struct ctx *c, const struct gg_object *owner, const struct gg_listener *l,
                          struct lstate *ls)
{
    ls->resolved = true;
    ls->resolved_reason = "ResolvedRefs";
    snprintf(ls->resolved_msg, sizeof(ls->resolved_msg), "all references resolved");
    for (size_t i = 0; i < l->n_kinds; i++) {
        const struct gg_group_kind *k = &l->kinds[i];
        if (kind_served(k->group, k->kind, l->protocol))
            continue;
        ls->resolved = false;
        ls->resolved_reason = "InvalidRouteKinds";
        snprintf(ls->resolved_msg, sizeof(ls->resolved_msg),
                 "allowedRoutes.kinds[%zu]: %s/%s cannot be served on a %s listener", i,
                 k->group ? k->group : "", k->kind ? k->kind : "", l->protocol ? l->protocol : "?");
        return;
    }
    bool terminates = l->protocol && strcmp(l->protocol, "HTTPS") == 0;
    if (terminates && l->tls_mode == GG_TLS_TERMINATE && !l->n_certificate_refs) {
        ls->resolved = false;
        ls->resolved_reason = "InvalidCertificateRef";
        snprintf(ls->resolved_msg, sizeof(ls->resolved_msg),
                 "tls: the listener terminates TLS but names no certificateRefs");
        return;
    }
    for (size_t i = 0; i < l->n_certificate_refs; i++) {
        struct verdict v;
        v_certificate_ref(c->s, owner, &l->certificate_refs[i], &v);
        if (v.ok)
            continue;
        ls->resolved = false;
        ls->resolved_reason = v.reason;
        snprintf(ls->resolved_msg, sizeof(ls->resolved_msg), "tls.certificateRefs[%zu]: %s", i,
                 v.message);
        return;
    }
}

static void listener_accept(const struct gg_listener *l, struct lstate *ls)
{
    ls->accepted = true;
    ls->accepted_reason = "Accepted";
    snprintf(ls->accepted_msg, sizeof(ls->accepted_msg), "listener accepted");
    if (!is_http_protocol(l->protocol)) {
        ls->accepted = false;
        ls->accepted_reason = "UnsupportedProtocol";
        snprintf(ls->accepted_msg, sizeof(ls->accepted_msg),
                 "protocol %s is not supported; gateguard serves HTTP and HTTPS",
                 l->protocol ? l->protocol : "(none)");
    } else if (ls->conflicted) {
        ls->accepted = false;
        ls->accepted_reason = ls->conflict_reason;
        snprintf(ls->accepted_msg, sizeof(ls->accepted_msg), "%s", ls->conflict_msg);
    }
}

static void set_conflict(struct lstate *ls, const char *reason, const struct gg_listener *other,
                         const char *whose)
{
    if (ls->conflicted)
        return;
    ls->conflicted = true;
    ls->conflict_reason = reason;
    snprintf(ls->conflict_msg, sizeof(ls->conflict_msg), "conflicts with listener \"%s\"%s (%s)",
             other->name ? other->name : "", whose, reason);
}

static json_t *listener_json(const struct gg_listener *l, const struct lstate *ls,
                             const json_t *prev_listeners, int64_t g, const char *now)
{
    const json_t *prev = NULL, *pl;
    size_t i;
    json_array_foreach(prev_listeners, i, pl)
    {
        const char *n = json_string_value(json_object_get(pl, "name"));
        if (n && l->name && strcmp(n, l->name) == 0)
            prev = json_object_get(pl, "conditions");
    }
    json_t *conds = json_array();
    cond(conds, prev, g, now, "Accepted", ls->accepted, ls->accepted_reason, "%s",
         ls->accepted_msg);
    cond(conds, prev, g, now, "Conflicted", ls->conflicted,
         ls->conflicted ? ls->conflict_reason : "NoConflicts", "%s",
         ls->conflicted ? ls->conflict_msg : "no conflicts");
    bool programmed = ls->accepted && ls->resolved;
    cond(conds, prev, g, now, "Programmed", programmed, programmed ? "Programmed" : "Invalid", "%s",
         programmed ? "listener programmed"
                    : "the listener is not accepted or has unresolved references");
    cond(conds, prev, g, now, "ResolvedRefs", ls->resolved, ls->resolved_reason, "%s",
         ls->resolved_msg);
    return json_pack("{s:s,s:o,s:I,s:o}", "name", l->name ? l->name : "", "supportedKinds",
                     supported_kinds(l), "attachedRoutes", (json_int_t)ls->attached, "conditions",
                     conds);
}

/* --- route attachment counts -------------------------------------------------- */

struct count_ctx {
    struct ctx *c;
    const struct gg_object *parent;
    struct lstate *ls;
    size_t n;
};

static bool count_cb(const struct gg_object *route, size_t pi, void *arg)
{
    struct count_ctx *cc = arg;
    const struct gg_ref *ref = &route->u.route.parent_refs[pi];
    struct verdict v;
    uint64_t mask = 0;
    v_route_parent(cc->c->s, route, ref, cc->parent, &v, &mask);
    if (!v.ok)
        return true;
    for (size_t i = 0; i < cc->n && i < 64; i++)
        if (mask & (1ULL << i))
            cc->ls[i].attached++;
    return true;
}

static void count_routes(struct ctx *c, const struct gg_object *parent, struct lstate *ls, size_t n)
{
    struct count_ctx cc = {c, parent, ls, n};
    gg_store_each_route_of(c->s, parent->kind, parent->ns, parent->name, count_cb, &cc);
}

/* --- Gateway ----------------------------------------------------------------- */

static bool address_is_ip(const char *a)
{
    unsigned char buf[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, a, buf) == 1 || inet_pton(AF_INET6, a, buf) == 1;
}

/* status.addresses; false when the pool has no address left for <gw>. */
static bool gateway_addresses(struct ctx *c, const struct gg_object *gw, json_t *st)
{
    json_t *addrs = json_array();
    bool ok = true;
    if (c->o->pool) {
        struct sockaddr_storage ss;
        if (gg_gateways_address(c->s, &c->o->own, c->o->pool, gw, &ss) == 0) {
            char ip[INET6_ADDRSTRLEN];
            inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, ip, sizeof(ip));
            json_array_append_new(addrs, json_pack("{s:s,s:s}", "type", "IPAddress", "value", ip));
        } else {
            ok = false;
        }
    } else {
        for (size_t i = 0; i < c->o->n_addresses; i++)
            json_array_append_new(
                addrs, json_pack("{s:s,s:s}", "type",
                                 address_is_ip(c->o->addresses[i]) ? "IPAddress" : "Hostname",
                                 "value", c->o->addresses[i]));
    }
    if (json_array_size(addrs))
        json_object_set_new(st, "addresses", addrs);
    else
        json_decref(addrs);
    return ok;
}

/* spec.addresses of a type gateguard cannot assign (GatewayStaticAddresses
 * "UnsupportedAddress"). */
static bool unsupported_address(const struct gg_object *gw, char *msg, size_t len)
{
    const struct gg_gateway *g = &gw->u.gateway;
    for (size_t i = 0; i < g->n_addresses; i++) {
        const char *t = g->addresses[i].type ? g->addresses[i].type : "IPAddress";
        if (strcmp(t, "IPAddress") != 0 && strcmp(t, "Hostname") != 0) {
            snprintf(msg, len, "spec.addresses[%zu]: type %s is not supported", i, t);
            return true;
        }
    }
    return false;
}

/* A requested address (spec.addresses[].value) that is not one the
 * Gateway is served on: the proxy cannot take addresses on request. */
static bool requested_address(struct ctx *c, const struct gg_object *gw, const json_t *st,
                              char *msg, size_t len)
{
    (void)c;
    const struct gg_gateway *g = &gw->u.gateway;
    const json_t *have = json_object_get(st, "addresses");
    for (size_t i = 0; i < g->n_addresses; i++) {
        const char *v = g->addresses[i].value;
        if (!v)
            continue; /* any address will do */
        bool found = false;
        size_t k;
        const json_t *a;
        json_array_foreach(have, k, a)
        {
            const char *hv = json_string_value(json_object_get(a, "value"));
            found |= hv && strcmp(hv, v) == 0;
        }
        if (!found) {
            snprintf(msg, len,
                     "spec.addresses[%zu]: %s is not an address this Gateway is served on", i, v);
            return true;
        }
    }
    return false;
}

/* Accepted ListenerSets of <gw>, for status.attachedListenerSets. */
struct ls_count {
    const struct gg_store *s;
    const struct gg_object *gw;
    int64_t n;
};

static bool ls_count_cb(const struct gg_object *ls, void *arg)
{
    struct ls_count *lc = arg;
    if (v_listenerset_admitted(lc->s, lc->gw, ls))
        lc->n++;
    return true;
}

static void gateway_status(struct ctx *c, const struct gg_object *gw)
{
    const struct gg_gateway *g = &gw->u.gateway;
    const json_t *prev = prev_status(c, gw);
    const json_t *prev_conds = json_object_get(prev, "conditions");
    const char *now = c->o->now;
    int64_t gen = obj_generation(gw);
    size_t n = g->n_listeners;
    struct lstate *ls = gg_xcalloc(n ? n : 1, sizeof(*ls));
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < n; i++) {
            if (i == j)
                continue;
            const char *why = v_listener_conflict(&g->listeners[j], &g->listeners[i]);
            if (why)
                set_conflict(&ls[j], why, &g->listeners[i], "");
        }
    size_t n_ok = 0;
    for (size_t i = 0; i < n; i++) {
        listener_accept(&g->listeners[i], &ls[i]);
        listener_refs(c, gw, &g->listeners[i], &ls[i]);
        n_ok += ls[i].accepted;
    }
    count_routes(c, gw, ls, n);

    json_t *st = json_object(), *conds = json_array(), *lj = json_array();
    bool addressed = gateway_addresses(c, gw, st);
    char addr_msg[384];
    bool accepted = true;
    if (gateway_has_parameters(gw)) {
        accepted = false;
        cond(conds, prev_conds, gen, now, "Accepted", false, "InvalidParameters",
             "spec.infrastructure.parametersRef: gateguard takes no parameters; remove it");
    } else if (unsupported_address(gw, addr_msg, sizeof(addr_msg))) {
        accepted = false;
        cond(conds, prev_conds, gen, now, "Accepted", false, "UnsupportedAddress", "%s", addr_msg);
    } else if (n && n_ok == 0) {
        accepted = false;
        cond(conds, prev_conds, gen, now, "Accepted", false, "ListenersNotValid",
             "no listener is valid");
    } else if (n_ok < n) {
        cond(conds, prev_conds, gen, now, "Accepted", true, "ListenersNotValid",
             "%zu of %zu listeners are not valid; the others are served", n - n_ok, n);
    } else {
        cond(conds, prev_conds, gen, now, "Accepted", true, "Accepted", "accepted by %s",
             controller_name(c));
    }
    if (!accepted)
        cond(conds, prev_conds, gen, now, "Programmed", false, "Invalid",
             "the Gateway is not accepted");
    else if (requested_address(c, gw, st, addr_msg, sizeof(addr_msg)))
        cond(conds, prev_conds, gen, now, "Programmed", false, "AddressNotUsable", "%s", addr_msg);
    else if (!addressed)
        cond(conds, prev_conds, gen, now, "Programmed", false, "AddressNotAssigned",
             "the address pool has no address left for this Gateway");
    else
        cond(conds, prev_conds, gen, now, "Programmed", true, "Programmed", "programmed");
    json_object_set_new(st, "conditions", conds);
    const json_t *prev_listeners = json_object_get(prev, "listeners");
    for (size_t i = 0; i < n; i++)
        json_array_append_new(lj,
                              listener_json(&g->listeners[i], &ls[i], prev_listeners, gen, now));
    json_object_set_new(st, "listeners", lj);
    struct ls_count lc = {c->s, gw, 0};
    gg_store_each_listenerset_of(c->s, gw->ns, gw->name, ls_count_cb, &lc);
    if (lc.n)
        json_object_set_new(st, "attachedListenerSets", json_integer(lc.n));
    free(ls);
    set_add(c->set, gw, st);
}

/* --- ListenerSet ------------------------------------------------------------- */

static void listenerset_status(struct ctx *c, const struct gg_object *lso,
                               const struct gg_object *gw)
{
    const struct gg_listenerset *lset = &lso->u.listenerset;
    const json_t *prev = prev_status(c, lso);
    const json_t *prev_conds = json_object_get(prev, "conditions");
    const char *now = c->o->now;
    int64_t gen = obj_generation(lso);
    size_t n = lset->n_listeners;
    struct lstate *ls = gg_xcalloc(n ? n : 1, sizeof(*ls));
    bool admitted = v_listenerset_admitted(c->s, gw, lso);
    for (size_t j = 0; j < n && admitted; j++) {
        const struct gg_listener *mine = &lset->listeners[j];
        for (size_t i = 0; i < n; i++) {
            const char *why = i == j ? NULL : v_listener_conflict(mine, &lset->listeners[i]);
            if (why)
                set_conflict(&ls[j], why, &lset->listeners[i], "");
        }
        struct ls_conflict cf;
        if (v_listenerset_conflict(c->s, gw, lso, mine, &cf))
            set_conflict(&ls[j], cf.reason, cf.listener, cf.whose);
    }
    size_t n_ok = 0;
    for (size_t i = 0; i < n; i++) {
        listener_accept(&lset->listeners[i], &ls[i]);
        listener_refs(c, lso, &lset->listeners[i], &ls[i]);
        n_ok += ls[i].accepted;
    }
    count_routes(c, lso, ls, n);
    json_t *st = json_object(), *conds = json_array(), *lj = json_array();
    bool accepted = false;
    if (!admitted)
        cond(conds, prev_conds, gen, now, "Accepted", false, "NotAllowed",
             "Gateway \"%s/%s\" does not allow ListenerSets from namespace \"%s\" "
             "(spec.allowedListeners)",
             gw->ns, gw->name, lso->ns);
    else if (n && n_ok == 0)
        cond(conds, prev_conds, gen, now, "Accepted", false, "ListenersNotValid",
             "no listener is valid");
    else
        accepted = true;
    if (accepted && n_ok < n)
        cond(conds, prev_conds, gen, now, "Accepted", true, "ListenersNotValid",
             "%zu of %zu listeners are not valid; the others are served", n - n_ok, n);
    else if (accepted)
        cond(conds, prev_conds, gen, now, "Accepted", true, "Accepted", "accepted by %s",
             controller_name(c));
    cond(conds, prev_conds, gen, now, "Programmed", accepted, accepted ? "Programmed" : "Invalid",
         "%s", accepted ? "programmed" : "the ListenerSet is not accepted");
    json_object_set_new(st, "conditions", conds);
    const json_t *prev_listeners = json_object_get(prev, "listeners");
    for (size_t i = 0; i < n; i++) {
        if (!admitted)
            ls[i].attached = 0;
        json_array_append_new(lj,
                              listener_json(&lset->listeners[i], &ls[i], prev_listeners, gen, now));
    }
    json_object_set_new(st, "listeners", lj);
    free(ls);
    set_add(c->set, lso, st);
}

/* --- routes ------------------------------------------------------------------- */

/* The Gateway a parent (Gateway or ListenerSet) belongs to, when it is ours. */
static const struct gg_object *our_gateway_of(struct ctx *c, const struct gg_object *parent)
{
    const struct gg_object *gw = parent;
    if (parent->kind == GG_KIND_LISTENERSET) {
        const struct gg_ref *pr = &parent->u.listenerset.parent_ref;
        enum gg_model_kind pk;
        if (!gg_store_parent_kind(pr, &pk) || pk != GG_KIND_GATEWAY || !pr->name)
            return NULL;
        gw = gg_store_find(c->s, GG_KIND_GATEWAY, gg_ref_ns(pr, parent->ns), pr->name);
    }
    return gw && gg_gateways_owns(c->s, &c->o->own, gw) ? gw : NULL;
}

/* status.parents[].parentRef: the reference as written, with the CRD's
 * defaulted group and kind, and the namespace only when it was given. */
static json_t *parent_ref_json(const struct gg_ref *r)
{
    json_t *j = json_object();
    json_object_set_new(j, "group", json_string(r->group ? r->group : GG_GROUP));
    json_object_set_new(j, "kind", json_string(r->kind ? r->kind : "Gateway"));
    if (r->ns)
        json_object_set_new(j, "namespace", json_string(r->ns));
    json_object_set_new(j, "name", json_string(r->name ? r->name : ""));
    if (r->section_name)
        json_object_set_new(j, "sectionName", json_string(r->section_name));
    if (r->port)
        json_object_set_new(j, "port", json_integer(r->port));
    return j;
}

static bool same_parent_ref(const json_t *pj, const json_t *mine)
{
    return json_equal((json_t *)pj, (json_t *)mine);
}

/* A match type the proxy does not implement (an implementation-specific
 * one): UnsupportedValue, with where it is. */
static bool unsupported_match(const struct gg_object *r, char *msg, size_t len)
{
    const struct gg_route *rt = &r->u.route;
    for (size_t i = 0; i < rt->n_rules; i++) {
        const struct gg_rule *ru = &rt->rules[i];
        for (size_t m = 0; m < ru->n_matches; m++) {
            if (r->kind == GG_KIND_HTTPROUTE) {
                const struct gg_http_match *hm = &ru->matches.http[m];
                if (hm->path_type == GG_MATCH_OTHER) {
                    snprintf(msg, len, "spec.rules[%zu].matches[%zu].path.type is not supported", i,
                             m);
                    return true;
                }
                for (size_t h = 0; h < hm->n_headers; h++)
                    if (hm->headers[h].type == GG_MATCH_OTHER) {
                        snprintf(msg, len,
                                 "spec.rules[%zu].matches[%zu].headers[%zu].type is not supported",
                                 i, m, h);
                        return true;
                    }
                for (size_t q = 0; q < hm->n_query_params; q++)
                    if (hm->query_params[q].type == GG_MATCH_OTHER) {
                        snprintf(msg, len,
                                 "spec.rules[%zu].matches[%zu].queryParams[%zu].type is not "
                                 "supported",
                                 i, m, q);
                        return true;
                    }
            } else {
                const struct gg_grpc_match *gm = &ru->matches.grpc[m];
                if (gm->method_type == GG_MATCH_OTHER) {
                    snprintf(msg, len, "spec.rules[%zu].matches[%zu].method.type is not supported",
                             i, m);
                    return true;
                }
            }
        }
    }
    return false;
}

/* ResolvedRefs of a route: the first backendRef (or mirror backendRef) the
 * verdicts refuse, in rule order. */
static void route_refs(struct ctx *c, const struct gg_object *r, bool *ok, const char **reason,
                       char *msg, size_t len)
{
    const struct gg_route *rt = &r->u.route;
    size_t bad = 0;
    *ok = true;
    *reason = "ResolvedRefs";
    snprintf(msg, len, "all references resolved");
    for (size_t i = 0; i < rt->n_rules; i++) {
        const struct gg_rule *ru = &rt->rules[i];
        for (size_t j = 0; j < ru->n_backend_refs + ru->n_mirrors; j++) {
            bool mirror = j >= ru->n_backend_refs;
            const struct gg_ref *br =
                mirror ? &ru->mirrors[j - ru->n_backend_refs].backend_ref : &ru->backend_refs[j];
            struct verdict v;
            v_backend_ref(c->s, r, br, &v);
            if (v.ok)
                continue;
            if (bad++ == 0) {
                *ok = false;
                *reason = v.reason;
                if (mirror)
                    snprintf(msg, len, "spec.rules[%zu] requestMirror backendRef: %s", i,
                             v.message);
                else
                    snprintf(msg, len, "spec.rules[%zu].backendRefs[%zu]: %s", i, j, v.message);
            }
        }
    }
    if (bad > 1) {
        size_t l = strlen(msg);
        snprintf(msg + l, len - l, " (and %zu more unresolved)", bad - 1);
    }
}

/* A hostname of the route that intersects none of the listeners it
 * attached to (<mask>): served nowhere, which Accepted's message says. */
static void ignored_hostname(const struct gg_object *r, const struct gg_object *parent,
                             uint64_t mask, char *out, size_t len)
{
    size_t n;
    const struct gg_listener *l = gg_attach_listeners(parent, &n);
    out[0] = '\0';
    for (size_t h = 0; h < r->u.route.n_hostnames; h++) {
        const char *host = r->u.route.hostnames[h];
        bool meets = !host;
        for (size_t i = 0; i < n && i < 64 && !meets; i++)
            meets = (mask & (1ULL << i)) && gg_hostname_intersects(host, l[i].hostname);
        if (!meets) {
            snprintf(out, len,
                     "; NoMatchingListenerHostname: \"%s\" matches no listener and is ignored",
                     host);
            return;
        }
    }
}

static bool owns_entry(struct ctx *c, const json_t *pe)
{
    const char *cn = json_string_value(json_object_get(pe, "controllerName"));
    return cn && strcmp(cn, controller_name(c)) == 0;
}

static void route_status(struct ctx *c, const struct gg_object *r)
{
    const struct gg_route *rt = &r->u.route;
    const json_t *prev = json_object_get(prev_status(c, r), "parents");
    bool had_ours = false;
    size_t i;
    const json_t *pe;
    json_array_foreach(prev, i, pe) had_ours |= owns_entry(c, pe);

    json_t *parents = json_array();
    /* entries of other controllers stay as they are */
    json_array_foreach(prev, i, pe) if (!owns_entry(c, pe))
        json_array_append(parents, (json_t *)pe);

    bool refs_done = false, refs_ok = true, any = false;
    const char *refs_reason = NULL;
    char refs_msg[512];
    char unsup[256];
    bool unsupported = unsupported_match(r, unsup, sizeof(unsup));
    for (size_t k = 0; k < rt->n_parent_refs; k++) {
        const struct gg_ref *ref = &rt->parent_refs[k];
        const struct gg_object *parent = v_find_parent(c->s, ref, r->ns);
        if (!parent || !our_gateway_of(c, parent))
            continue;
        json_t *pref = parent_ref_json(ref);
        bool dup = false;
        size_t x;
        json_t *have;
        json_array_foreach(parents, x, have) dup |=
            same_parent_ref(json_object_get(have, "parentRef"), pref);
        if (dup) { /* the CRD refuses duplicate parentRefs; never write two entries */
            json_decref(pref);
            continue;
        }
        any = true;
        if (!refs_done) {
            route_refs(c, r, &refs_ok, &refs_reason, refs_msg, sizeof(refs_msg));
            refs_done = true;
        }
        const json_t *prev_conds = NULL;
        json_array_foreach(prev, x, pe) if (owns_entry(c, pe) &&
                                            same_parent_ref(json_object_get(pe, "parentRef"), pref))
            prev_conds = json_object_get(pe, "conditions");
        struct verdict v;
        uint64_t mask = 0;
        v_route_parent(c->s, r, ref, parent, &v, &mask);
        char ignored[256];
        ignored_hostname(r, parent, mask, ignored, sizeof(ignored));
        json_t *conds = json_array();
        if (!v.ok)
            cond(conds, prev_conds, obj_generation(r), c->o->now, "Accepted", false, v.reason, "%s",
                 v.message);
        else if (unsupported)
            cond(conds, prev_conds, obj_generation(r), c->o->now, "Accepted", false,
                 "UnsupportedValue", "%s", unsup);
        else
            cond(conds, prev_conds, obj_generation(r), c->o->now, "Accepted", true, "Accepted",
                 "accepted by %s%s", controller_name(c), ignored);
        cond(conds, prev_conds, obj_generation(r), c->o->now, "ResolvedRefs", refs_ok, refs_reason,
             "%s", refs_msg);
        json_array_append_new(parents,
                              json_pack("{s:o,s:s,s:o}", "parentRef", pref, "controllerName",
                                        controller_name(c), "conditions", conds));
    }
    if (!any && !had_ours) {
        json_decref(parents);
        return;
    }
    set_add(c->set, r, json_pack("{s:o}", "parents", parents));
}

/* --- the walk ---------------------------------------------------------------- */

static bool gc_cb(const struct gg_object *o, void *arg)
{
    struct ctx *c = arg;
    if (gg_gateways_owns_class(&c->o->own, o))
        gatewayclass_status(c, o);
    return true;
}

static bool gw_cb(const struct gg_object *o, void *arg)
{
    struct ctx *c = arg;
    if (gg_gateways_owns(c->s, &c->o->own, o))
        gateway_status(c, o);
    return true;
}

static bool ls_cb(const struct gg_object *o, void *arg)
{
    struct ctx *c = arg;
    const struct gg_object *gw = our_gateway_of(c, o);
    if (gw)
        listenerset_status(c, o, gw);
    return true;
}

static bool route_cb(const struct gg_object *o, void *arg)
{
    route_status(arg, o);
    return true;
}

void gg_status_compute(const struct gg_store *s, const struct gg_status_opts *o,
                       struct gg_status_set *set)
{
    struct ctx c = {s, o, set};
    size_t first = set->n;
    gg_store_each(s, GG_KIND_GATEWAYCLASS, gc_cb, &c);
    gg_store_each(s, GG_KIND_GATEWAY, gw_cb, &c);
    gg_store_each(s, GG_KIND_LISTENERSET, ls_cb, &c);
    gg_store_each(s, GG_KIND_HTTPROUTE, route_cb, &c);
    gg_store_each(s, GG_KIND_GRPCROUTE, route_cb, &c);
    if (set->n > first)
        qsort(set->items + first, set->n - first, sizeof(*set->items), entry_order);
}
