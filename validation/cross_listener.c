/* SPDX-License-Identifier: Apache-2.0 */
/* Gateways and ListenerSets against their surroundings.
 *  - Listener distinctness (Gateway API "Listener" docs): listeners sharing a
 *    port must be distinct. HTTP, HTTPS and TLS listeners need different
 *    hostnames; HTTP beside HTTPS or TLS, or any of them beside TCP, on one
 *    port is a ProtocolConflict; HTTPS beside TLS with the same hostname is a
 *    HostnameConflict. UDP runs beside the TCP-based protocols. Duplicates of
 *    (port, protocol, hostname) within one object are left to the CRD's CEL
 *    rule, which already rejects them.
 *  - ListenerSets (GEP-1713): attach only where the parent Gateway's
 *    allowedListeners admits their namespace (default None); their listeners
 *    must not conflict with the Gateway's (which take precedence) or an
 *    older ListenerSet's.
 *  - TLS: a TLS-terminating listener with no certificateRefs, and each
 *    certificateRef's grant and Secret (cross_refgrant.c). */
#include <stdlib.h>
#include <string.h>

#include "cross_internal.h"
#include "selector.h"

static bool host_eq(const char *a, const char *b)
{
    return (!a || !b) ? a == b : strcmp(a, b) == 0;
}

/* The CRD's CEL rule "Combination of port, protocol and hostname must be
 * unique for each listener" already rejects these within one object. */
static bool cel_duplicate(const struct gg_listener *a, const struct gg_listener *b)
{
    return a->port == b->port && a->protocol && b->protocol &&
           strcmp(a->protocol, b->protocol) == 0 && host_eq(a->hostname, b->hostname);
}

static const char *host_or_any(const char *h)
{
    return h ? h : "any hostname";
}

static void conflict_message(struct gg_buf *b, const char *reason, const struct gg_listener *mine,
                             const struct gg_listener *theirs, const char *whose)
{
    if (strcmp(reason, gg_reason_name(GG_REASON_PROTOCOL_CONFLICT)) == 0)
        gg_buf_addf(b,
                    "%s: listener \"%s\" (%s) shares port %d with listener \"%s\" "
                    "(%s)%s, and those protocols cannot share a port",
                    gg_reason_name(GG_REASON_PROTOCOL_CONFLICT), mine->name ? mine->name : "",
                    mine->protocol, mine->port, theirs->name ? theirs->name : "", theirs->protocol,
                    whose);
    else
        gg_buf_addf(b,
                    "%s: listener \"%s\" (%s) and listener \"%s\" (%s)%s both take "
                    "%s%s%s on port %d",
                    gg_reason_name(GG_REASON_HOSTNAME_CONFLICT), mine->name ? mine->name : "",
                    mine->protocol, theirs->name ? theirs->name : "", theirs->protocol, whose,
                    mine->hostname ? "\"" : "", host_or_any(mine->hostname),
                    mine->hostname ? "\"" : "", mine->port);
}

/* Conflicts among the listeners of one object; the later listener is named. */
static void own_conflicts(struct cross *c, const struct gg_listener *l, size_t n,
                          const struct gg_path *lp)
{
    for (size_t j = 1; j < n; j++) {
        for (size_t i = 0; i < j; i++) {
            const char *reason = gg_attach_listener_conflict(&l[j], &l[i]);
            if (!reason || cel_duplicate(&l[j], &l[i]))
                continue;
            struct gg_path p = gg_path_index(lp, j);
            struct gg_buf b;
            gg_buf_init(&b);
            conflict_message(&b, reason, &l[j], &l[i], "");
            gg_cross_report(c, GG_CHECK_LISTENER_CONFLICT, GG_SEV_ERROR, GG_ERR_FORBIDDEN, &p, NULL,
                            "%s; the controller rejects both; give one another port%s", b.data,
                            strcmp(reason, gg_reason_name(GG_REASON_HOSTNAME_CONFLICT)) == 0
                                ? " or hostname"
                                : "");
            gg_buf_clear(&b);
            break;
        }
    }
}

static void listener_tls(struct cross *c, const struct gg_listener *l, size_t n,
                         const struct gg_path *lp)
{
    for (size_t i = 0; i < n; i++) {
        bool https = l[i].protocol && strcmp(l[i].protocol, "HTTPS") == 0;
        bool tls = l[i].protocol && strcmp(l[i].protocol, "TLS") == 0;
        /* no tls at all on HTTPS is single-object validation's warning */
        if (!(https || tls) || l[i].tls_mode != GG_TLS_TERMINATE || l[i].n_certificate_refs)
            continue;
        struct gg_path p = gg_path_index(lp, i), tp = gg_path_child(&p, "tls");
        gg_cross_report(c, GG_CHECK_LISTENER_TLS, GG_SEV_WARNING, GG_ERR_REQUIRED, &tp, NULL,
                        "%s: listener \"%s\" terminates TLS but names no "
                        "certificateRefs; add one, unless the implementation supplies certificates "
                        "through tls.options",
                        gg_reason_name(GG_REASON_INVALID_CERTIFICATE_REF),
                        l[i].name ? l[i].name : "");
    }
}

void gg_cross_check_gateway(struct cross *c)
{
    const struct gg_gateway *g = &c->o->u.gateway;
    struct gg_path root = GG_PATH_ROOT_INIT, spec = gg_path_child(&root, "spec");
    struct gg_path lp = gg_path_child(&spec, "listeners");
    /* GatewayClasses are cluster objects an offline input rarely carries:
     * only complain when the store has some */
    if (g->gateway_class_name && gg_store_count(c->s, GG_KIND_GATEWAYCLASS) > 0 &&
        !gg_store_find(c->s, GG_KIND_GATEWAYCLASS, NULL, g->gateway_class_name)) {
        struct gg_path p = gg_path_child(&spec, "gatewayClassName");
        char *v = gg_errs_render_str(g->gateway_class_name);
        gg_cross_report(
            c, GG_CHECK_REFERENT_EXISTS, GG_SEV_ERROR, GG_ERR_NOT_FOUND, &p, v,
            "GatewayClass \"%s\" not found; no controller accepts this Gateway until it "
            "exists",
            g->gateway_class_name);
        free(v);
    }
    own_conflicts(c, g->listeners, g->n_listeners, &lp);
    listener_tls(c, g->listeners, g->n_listeners, &lp);
    gg_cross_check_listener_refs(c, g->listeners, g->n_listeners, &lp);
}

/* --- ListenerSets --------------------------------------------------------- */

static void not_allowed(struct cross *c, const struct gg_path *pp, const struct gg_object *gw,
                        bool unknown)
{
    const struct gg_gateway *g = &gw->u.gateway;
    struct gg_buf why;
    gg_buf_init(&why);
    switch (g->allowed_listeners_from) {
    case GG_FROM_SAME:
        gg_buf_addf(&why, "admits ListenerSets from namespace \"%s\" only (from: Same)", gw->ns);
        break;
    case GG_FROM_SELECTOR:
        gg_buf_adds(&why, "admits ListenerSets from namespaces matching ");
        gg_selector_render(&g->allowed_listeners_selector, &why);
        gg_buf_addf(&why, " (from: Selector), and namespace \"%s\" %s", c->o->ns,
                    unknown ? "is not known" : "does not match");
        break;
    default:
        gg_buf_adds(&why, "does not allow ListenerSets (spec.allowedListeners.namespaces.from: "
                          "None, the default)");
        break;
    }
    if (unknown)
        gg_cross_report(c, GG_CHECK_REFERENT_EXISTS, GG_SEV_WARNING, GG_ERR_NOT_FOUND, pp, NULL,
                        "%s: Gateway \"%s/%s\" %s; the ListenerSet attaches only if "
                        "Namespace \"%s\" has matching labels",
                        gg_reason_name(GG_REASON_NOT_ALLOWED), gw->ns, gw->name, why.data,
                        c->o->ns);
    else
        gg_cross_report(
            c, GG_CHECK_LISTENERSET_ATTACHMENT, GG_SEV_ERROR, GG_ERR_FORBIDDEN, pp, NULL,
            "%s: Gateway \"%s/%s\" %s; its owner must admit namespace \"%s\" in "
            "spec.allowedListeners",
            gg_reason_name(GG_REASON_NOT_ALLOWED), gw->ns, gw->name, why.data, c->o->ns);
    gg_buf_clear(&why);
}

struct ls_scan {
    struct cross *c;
    const struct gg_object *gw;
    const struct gg_path *lp;
    bool *reported; /* per listener of the subject */
};

static bool old_had_listener(const struct gg_object *old, const struct gg_listener *l)
{
    if (!old || old->kind != GG_KIND_LISTENERSET)
        return false;
    for (size_t i = 0; i < old->u.listenerset.n_listeners; i++)
        if (cel_duplicate(&old->u.listenerset.listeners[i], l))
            return true;
    return false;
}

static bool other_ls_cb(const struct gg_object *m, void *ctx)
{
    struct ls_scan *sc = ctx;
    struct cross *c = sc->c;
    if (gg_attach_same_object(m, c->o))
        return true;
    struct gg_ns_view nsv;
    gg_attach_ns_view(c->s, m->ns, &nsv);
    bool unknown;
    if (!gg_attach_gateway_admits_listenerset(sc->gw, &nsv, &unknown))
        return true; /* not merged into the Gateway: nothing to conflict with */
    const struct gg_listenerset *mine = &c->o->u.listenerset, *theirs = &m->u.listenerset;
    for (size_t i = 0; i < mine->n_listeners; i++) {
        if (sc->reported[i])
            continue;
        for (size_t k = 0; k < theirs->n_listeners; k++) {
            const char *reason =
                gg_attach_listener_conflict(&mine->listeners[i], &theirs->listeners[k]);
            if (!reason)
                continue;
            if (gg_attach_comes_first(c->o, m) &&
                (!c->old || old_had_listener(c->old, &mine->listeners[i])))
                continue; /* this ListenerSet is older: the other one yields */
            sc->reported[i] = true;
            struct gg_buf who, whose, b;
            gg_buf_init(&who);
            gg_buf_init(&whose);
            gg_buf_init(&b);
            gg_cross_name_other_kind(c, m, &who);
            gg_buf_addf(&whose, " of %s", who.data);
            conflict_message(&b, reason, &mine->listeners[i], &theirs->listeners[k], whose.data);
            struct gg_path p = gg_path_index(sc->lp, i);
            gg_cross_report(
                c, GG_CHECK_LISTENER_CONFLICT, GG_SEV_ERROR, GG_ERR_FORBIDDEN, &p, NULL,
                "%s; that ListenerSet came first, so give this listener another port%s", b.data,
                strcmp(reason, gg_reason_name(GG_REASON_HOSTNAME_CONFLICT)) == 0 ? " or hostname"
                                                                                 : "");
            gg_buf_clear(&who);
            gg_buf_clear(&whose);
            gg_buf_clear(&b);
            break;
        }
    }
    return true;
}

static void against_gateway(struct cross *c, const struct gg_object *gw, const struct gg_path *lp)
{
    const struct gg_listenerset *ls = &c->o->u.listenerset;
    const struct gg_gateway *g = &gw->u.gateway;
    bool *reported = gg_xcalloc(ls->n_listeners ? ls->n_listeners : 1, sizeof(*reported));
    for (size_t i = 0; i < ls->n_listeners; i++) {
        for (size_t k = 0; k < g->n_listeners; k++) {
            const char *reason = gg_attach_listener_conflict(&ls->listeners[i], &g->listeners[k]);
            if (!reason)
                continue;
            reported[i] = true;
            struct gg_buf whose, b;
            gg_buf_init(&whose);
            gg_buf_init(&b);
            gg_buf_addf(&whose, " of Gateway \"%s/%s\"", gw->ns, gw->name);
            conflict_message(&b, reason, &ls->listeners[i], &g->listeners[k], whose.data);
            struct gg_path p = gg_path_index(lp, i);
            gg_cross_report(c, GG_CHECK_LISTENER_CONFLICT, GG_SEV_ERROR, GG_ERR_FORBIDDEN, &p, NULL,
                            "%s; the Gateway's own listeners take precedence, so give this "
                            "listener another port%s",
                            b.data,
                            strcmp(reason, gg_reason_name(GG_REASON_HOSTNAME_CONFLICT)) == 0
                                ? " or hostname"
                                : "");
            gg_buf_clear(&whose);
            gg_buf_clear(&b);
            break;
        }
    }
    struct ls_scan sc = {c, gw, lp, reported};
    gg_store_each_listenerset_of(c->s, gw->ns, gw->name, other_ls_cb, &sc);
    free(reported);
}

void gg_cross_check_listenerset(struct cross *c)
{
    const struct gg_listenerset *ls = &c->o->u.listenerset;
    struct gg_path root = GG_PATH_ROOT_INIT, spec = gg_path_child(&root, "spec");
    struct gg_path lp = gg_path_child(&spec, "listeners");
    struct gg_path pp = gg_path_child(&spec, "parentRef");
    enum gg_model_kind pk;
    const struct gg_object *gw = NULL;
    if (gg_store_parent_kind(&ls->parent_ref, &pk) && pk == GG_KIND_GATEWAY) {
        const char *gw_ns = gg_ref_ns(&ls->parent_ref, c->o->ns);
        gw = gg_store_find(c->s, GG_KIND_GATEWAY, gw_ns, ls->parent_ref.name);
        if (!gw) {
            char *v = gg_xasprintf("%s/%s", gw_ns, ls->parent_ref.name);
            char *q = gg_errs_render_str(v);
            gg_cross_report(c, GG_CHECK_REFERENT_EXISTS, GG_SEV_ERROR, GG_ERR_NOT_FOUND, &pp, q,
                            "Gateway \"%s\" not found; the ListenerSet stays unattached until it "
                            "exists",
                            v);
            free(q);
            free(v);
        }
    }
    if (gw) {
        bool unknown;
        if (!gg_attach_gateway_admits_listenerset(gw, &c->ns, &unknown))
            not_allowed(c, &pp, gw, unknown);
        else
            against_gateway(c, gw, &lp);
    }
    own_conflicts(c, ls->listeners, ls->n_listeners, &lp);
    listener_tls(c, ls->listeners, ls->n_listeners, &lp);
    gg_cross_check_listener_refs(c, ls->listeners, ls->n_listeners, &lp);
}
