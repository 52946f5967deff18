/* SPDX-License-Identifier: Apache-2.0 */
/* The Gateway API's verdicts on how objects relate: whether a listener admits
 * a route, how a route attaches to a parent, whether a ReferenceGrant permits
 * a reference, which of two competing objects wins, and which listeners
 * conflict. The cross-object checks (cross*.c), the status computation and
 * the routing-table build all ask these functions, so "admitted, Accepted and
 * served" cannot drift apart.
 *
 * All functions are pure: they read their arguments and, where they take a
 * store, that store under a read lock the caller holds (gg_store_read_begin).
 * Pointers they return are borrowed from their arguments or the store and
 * live as long as those. Thread-safe under that contract. */
#ifndef GG_ATTACH_H
#define GG_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "reason.h"
#include "store.h"

/* A namespace as the verdicts see it: its name, and its labels when the
 * store holds the Namespace object (<known>). */
struct gg_ns_view {
    const char *name;
    const struct gg_label *labels;
    size_t n_labels;
    bool known;
};

/* Fills <v> for namespace <ns> from <s>; <v> borrows <ns> and the store's
 * labels. */
void gg_attach_ns_view(const struct gg_store *s, const char *ns, struct gg_ns_view *v);

/* --- ordering of competing objects ------------------------------------------- */

/* Whether the spec orders <a> before <b> when two objects compete: older
 * creationTimestamp first (an object without one, being created, last), then
 * namespace, then name, then kind. A strict order: exactly one of (a, b) and
 * (b, a) is true unless they are the same object. */
bool gg_attach_comes_first(const struct gg_object *a, const struct gg_object *b);

/* Whether <a> and <b> are the same object (kind, namespace, name); false when
 * either is NULL. */
bool gg_attach_same_object(const struct gg_object *a, const struct gg_object *b);

/* --- listeners ----------------------------------------------------------------- */

/* The listeners of a Gateway or ListenerSet (*<n> of them); NULL and 0 for
 * any other kind. */
const struct gg_listener *gg_attach_listeners(const struct gg_object *parent, size_t *n);

/* Whether a route of <kind> can be served on a listener of <protocol>: HTTP
 * and HTTPS carry HTTPRoute and GRPCRoute; TLS, TCP and UDP carry neither;
 * an implementation-specific protocol is given the benefit of the doubt. */
bool gg_attach_kind_fits_protocol(enum gg_model_kind kind, const char *protocol);

/* Whether listener <l>'s allowedRoutes.kinds lists <kind> (group
 * gateway.networking.k8s.io). */
bool gg_attach_kind_listed(const struct gg_listener *l, enum gg_model_kind kind);

/* A listener's supportedKinds: the route kinds it admits. */
struct gg_attach_kinds {
    enum gg_model_kind kinds[2]; /* HTTPRoute and/or GRPCRoute, in that order */
    size_t n;
    /* allowedRoutes.kinds[i] names a kind the protocol cannot carry (or one
     * not known at all), for i < 64: InvalidRouteKinds */
    uint64_t invalid;
    bool any_invalid; /* also set for such an entry at index 64 or later */
};

/* Fills <out> for <l>: from allowedRoutes.kinds filtered by the protocol, or
 * the protocol's defaults when the list is empty. */
void gg_attach_supported_kinds(const struct gg_listener *l, struct gg_attach_kinds *out);

/* Why a listener does or does not admit a route. */
enum gg_admit {
    GG_ADMIT_YES,
    GG_ADMIT_NAMESPACE, /* allowedRoutes.namespaces excludes the route's namespace */
    GG_ADMIT_KIND,      /* allowedRoutes.kinds or the protocol excludes the route's kind */
    GG_ADMIT_UNKNOWN,   /* a selector needs labels of a Namespace the store lacks */
};

/* Whether listener <l> of a parent in <parent_ns> admits a route of <kind>
 * from namespace <nsv>. */
enum gg_admit gg_attach_listener_admits(const struct gg_listener *l, const char *parent_ns,
                                        enum gg_model_kind kind, const struct gg_ns_view *nsv);

/* Whether listener <l> is one parentRef <ref> names: its sectionName (when
 * set) is the listener's name and its port (when set) the listener's port. */
bool gg_attach_is_candidate(const struct gg_listener *l, const struct gg_ref *ref);

/* Whether route <rt>'s hostnames intersect <listener_host> (NULL: any); a
 * route without hostnames takes the listener's. */
bool gg_attach_hostnames_meet(const struct gg_route *rt, const char *listener_host);

/* Whether listeners <a> and <b> can share their port: NULL when they can,
 * else the reason word (ProtocolConflict, HostnameConflict; see reason.h).
 * HTTP, HTTPS and TLS need distinct hostnames; HTTP beside HTTPS or TLS, or
 * any of them beside TCP, is a ProtocolConflict; UDP runs beside the
 * TCP-based protocols; implementation-specific protocols never conflict. */
const char *gg_attach_listener_conflict(const struct gg_listener *a, const struct gg_listener *b);

/* --- route attachment ------------------------------------------------------------ */

enum gg_attach_status {
    GG_ATTACH_OK,
    GG_ATTACH_NO_LISTENER,  /* sectionName/port names no listener: NoMatchingParent */
    GG_ATTACH_NOT_ADMITTED, /* no candidate admits the route: NotAllowedByListeners */
    GG_ATTACH_UNKNOWN_NS,   /* undecidable: the Namespace's labels are unknown */
    GG_ATTACH_NO_HOSTNAME,  /* admitted, but no hostname intersects: NoMatchingListenerHostname */
};

/* How the route <route> (namespace <nsv>) attaches through its parentRef
 * <ref> to <parent> (a Gateway or ListenerSet, the version to judge by).
 * Sets bit i of *<mask> (when not NULL) for each admitting listener i < 64
 * whose hostname intersects the route's; listeners beyond 64 count toward
 * the status but not the mask. */
enum gg_attach_status gg_attach_route(const struct gg_object *route, const struct gg_ref *ref,
                                      const struct gg_object *parent, const struct gg_ns_view *nsv,
                                      uint64_t *mask);

/* The reason word of a route's Accepted condition for <st>: Accepted,
 * NoMatchingParent, NotAllowedByListeners (also for an undecidable
 * namespace) or NoMatchingListenerHostname. */
enum gg_reason gg_attach_status_reason(enum gg_attach_status st);

/* The Gateway or ListenerSet a parentRef of an object in <ns> names, if
 * stored; NULL for other kinds of parent. */
const struct gg_object *gg_attach_find_parent(const struct gg_store *s, const struct gg_ref *ref,
                                              const char *ns);

/* Whether Gateway <gw>'s allowedListeners admits ListenerSets of <nsv>
 * (default None). False also when that cannot be decided without the
 * Namespace's labels, and then *<unknown> (when not NULL) is set. */
bool gg_attach_gateway_admits_listenerset(const struct gg_object *gw, const struct gg_ns_view *nsv,
                                          bool *unknown);

/* --- references ------------------------------------------------------------------- */

/* Whether a ReferenceGrant in <target_ns> lets (<from_group>, <from_kind>)
 * objects in <from_ns> reference (<to_group>, <to_kind>, <to_name>). The
 * store's grants are consulted except <skip> (same object), and <extra> is
 * consulted as if stored (either may be NULL): that is how a grant's update
 * or deletion is judged. A same-namespace reference needs no grant; callers
 * decide that before asking. */
bool gg_attach_ref_permitted(const struct gg_store *s, const char *from_group,
                             const char *from_kind, const char *from_ns, const char *target_ns,
                             const char *to_group, const char *to_kind, const char *to_name,
                             const struct gg_object *skip, const struct gg_object *extra);

#endif
