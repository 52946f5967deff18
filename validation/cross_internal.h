/* SPDX-License-Identifier: Apache-2.0 */
/* Shared internals of the cross-object checks (cross*.c): the context of one
 * check run, reporting through the policy's levels, and the attachment
 * evaluation several checks reuse. */
#ifndef GG_CROSS_INTERNAL_H
#define GG_CROSS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "cross.h"
#include "xalloc.h"

/* A namespace as the checks see it: its name, and its labels when the store
 * holds the Namespace object (<known>). */
struct ns_view {
    const char *name;
    const struct gg_label *labels;
    size_t n_labels;
    bool known;
};

struct cross {
    const struct gg_store *s;
    const struct gg_policy *pol;
    const struct gg_object *o;   /* the object checked; NULL on DELETE */
    const struct gg_object *old; /* its previous version, or NULL on CREATE */
    const json_t *json;          /* <o>'s source, for lines; may be NULL */
    struct gg_errs *errs;
    struct ns_view ns; /* <o>'s namespace */
};

void cross_ns_view(const struct gg_store *s, const char *ns, struct ns_view *v);

/* Appends a finding of check <id> at the policy's level: off drops it; a
 * GG_SEV_ERROR finding becomes a warning under `warn`; a GG_SEV_WARNING
 * finding stays a warning whatever the level. <value> is already rendered
 * (gg_errs_render_str) or NULL. */
void cross_report(struct cross *c, enum gg_check_id id, enum gg_severity sev, enum gg_err_type t,
                  const struct gg_path *p, const char *value, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* Whether the spec orders <a> before <b> when two objects compete: older
 * creationTimestamp first (an object without one, being created, last), then
 * "namespace/name" alphabetically. */
bool cross_comes_first(const struct gg_object *a, const struct gg_object *b);

/* Whether <a> and <b> are the same object (kind, namespace, name). */
bool cross_same_object(const struct gg_object *a, const struct gg_object *b);

/* How a denial names <other>, another object: always by name in the
 * subject's own namespace, else as the policy's `disclose` allows:
 * "another namespace", "namespace \"shop\"", "HTTPRoute \"shop/web\"". */
void cross_name_other(struct cross *c, const struct gg_object *other, struct gg_buf *out);

/* The same, for a sentence that needs a kind: "HTTPRoute \"shop/web\"", "an
 * HTTPRoute of another namespace", "an HTTPRoute of namespace \"shop\"". */
void cross_name_other_kind(struct cross *c, const struct gg_object *other, struct gg_buf *out);

/* "Gateway \"infra/public\"" */
void cross_name(const struct gg_object *o, struct gg_buf *out);

/* --- listeners and attachment ---------------------------------------------- */

/* The listeners of a Gateway or ListenerSet. */
const struct gg_listener *cross_listeners(const struct gg_object *parent, size_t *n);

/* Why a listener does or does not admit a route. */
enum admit {
    ADMIT_YES,
    ADMIT_NAMESPACE, /* allowedRoutes.namespaces excludes the route's namespace */
    ADMIT_KIND,      /* allowedRoutes.kinds or the protocol excludes the route's kind */
    ADMIT_UNKNOWN,   /* a selector needs labels of a Namespace the store lacks */
};

enum admit cross_listener_admits(const struct gg_listener *l, const char *parent_ns,
                                 enum gg_model_kind kind, const struct ns_view *nsv);

/* Whether <kind> can be served on a listener of <protocol>. */
bool cross_kind_fits_protocol(enum gg_model_kind kind, const char *protocol);

enum att_status {
    ATT_OK,
    ATT_NO_LISTENER, /* sectionName/port name no listener: NoMatchingParent */
    ATT_NOT_ALLOWED, /* no candidate admits the route: NotAllowedByListeners */
    ATT_UNKNOWN_NS,  /* undecidable: the Namespace's labels are unknown */
    ATT_NO_HOSTNAME, /* admitted, but no hostname intersects: NoMatchingListenerHostname */
};

/* How the route <route> (namespace <nsv>) attaches through its parentRef
 * <ref> to <parent> (a Gateway or ListenerSet, the version to judge by).
 * Sets bit i of *<mask> (when not NULL) for each admitting listener i < 64
 * whose hostname intersects the route's. */
enum att_status cross_attach_eval(const struct gg_object *route, const struct gg_ref *ref,
                                  const struct gg_object *parent, const struct ns_view *nsv,
                                  uint64_t *mask);

/* The Gateway or ListenerSet a parentRef of an object in <ns> names, if
 * stored. */
const struct gg_object *cross_find_parent(const struct gg_store *s, const struct gg_ref *ref,
                                          const char *ns);

/* Whether a ReferenceGrant in <target_ns> lets (<from_group>, <from_kind>)
 * objects in <from_ns> reference (<to_group>, <to_kind>, <to_name>). The
 * store's grants are consulted except <skip> (same object), and <extra> is
 * consulted as if stored (either may be NULL): that is how a grant's update
 * or deletion is judged. */
bool cross_ref_permitted(const struct gg_store *s, const char *from_group, const char *from_kind,
                         const char *from_ns, const char *target_ns, const char *to_group,
                         const char *to_kind, const char *to_name, const struct gg_object *skip,
                         const struct gg_object *extra);

/* --- the checks, one file each ------------------------------------------- */

void cross_check_route_attach(struct cross *c); /* cross_attach.c */
void cross_check_route_refs(struct cross *c);   /* cross_refgrant.c */
void cross_check_listener_refs(struct cross *c, const struct gg_listener *l, size_t n,
                               const struct gg_path *listeners);
void cross_check_route_ownership(struct cross *c); /* cross_hostname.c */
void cross_check_route_conflicts(struct cross *c); /* cross_conflict.c */
void cross_check_gateway(struct cross *c);         /* cross_listener.c */
void cross_check_listenerset(struct cross *c);
void cross_check_impact(struct cross *c); /* cross_impact.c */

/* Whether Gateway <gw>'s allowedListeners admits ListenerSets of <nsv>
 * (false also when that cannot be decided without the Namespace's labels). */
bool cross_gateway_admits_listenerset(const struct gg_object *gw, const struct ns_view *nsv);

/* Whether listeners <a> and <b> can share their port: NULL when they can,
 * else the reason word (ProtocolConflict, HostnameConflict). */
const char *cross_listener_conflict(const struct gg_listener *a, const struct gg_listener *b);

#endif
