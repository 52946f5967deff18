/* SPDX-License-Identifier: Apache-2.0 */
/* Shared internals of the cross-object checks (cross*.c): the context of one
 * check run and reporting through the policy's levels. The verdicts the
 * checks report on are attach.h's; cross.c runs the checks, each cross_*.c
 * reports one family of findings. */
#ifndef GG_CROSS_INTERNAL_H
#define GG_CROSS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "attach.h"
#include "cross.h"
#include "reason.h"
#include "xalloc.h"

struct cross {
    const struct gg_store *s;
    const struct gg_policy *pol;
    const struct gg_object *o;   /* the object checked; NULL on DELETE */
    const struct gg_object *old; /* its previous version, or NULL on CREATE */
    const json_t *json;          /* <o>'s source, for lines; may be NULL */
    struct gg_errs *errs;
    struct gg_ns_view ns; /* <o>'s namespace */
};

/* Appends a finding of check <id> at the policy's level: off drops it; a
 * GG_SEV_ERROR finding becomes a warning under `warn`; a GG_SEV_WARNING
 * finding stays a warning whatever the level. <value> is already rendered
 * (gg_errs_render_str) or NULL. */
void gg_cross_report(struct cross *c, enum gg_check_id id, enum gg_severity sev, enum gg_err_type t,
                     const struct gg_path *p, const char *value, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* How a denial names <other>, another object: always by name in the
 * subject's own namespace, else as the policy's `disclose` allows:
 * "another namespace", "namespace \"shop\"", "HTTPRoute \"shop/web\"". */
void gg_cross_name_other(struct cross *c, const struct gg_object *other, struct gg_buf *out);

/* The same, for a sentence that needs a kind: "HTTPRoute \"shop/web\"", "an
 * HTTPRoute of another namespace", "an HTTPRoute of namespace \"shop\"". */
void gg_cross_name_other_kind(struct cross *c, const struct gg_object *other, struct gg_buf *out);

/* "Gateway \"infra/public\"" */
void gg_cross_name(const struct gg_object *o, struct gg_buf *out);

/* --- the checks, one file each ------------------------------------------- */

void gg_cross_check_route_attach(struct cross *c); /* cross_attach.c */
void gg_cross_check_route_refs(struct cross *c);   /* cross_refgrant.c */
void gg_cross_check_listener_refs(struct cross *c, const struct gg_listener *l, size_t n,
                                  const struct gg_path *listeners);
void gg_cross_check_route_ownership(struct cross *c); /* cross_hostname.c */
void gg_cross_check_route_conflicts(struct cross *c); /* cross_conflict.c */
void gg_cross_check_gateway(struct cross *c);         /* cross_listener.c */
void gg_cross_check_listenerset(struct cross *c);
void gg_cross_check_impact(struct cross *c); /* cross_impact.c */

#endif
