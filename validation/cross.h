/* SPDX-License-Identifier: Apache-2.0 */
/* Cross-object validation: the checks no single-object rule can make, run
 * against a store (store.h) under an ownership policy (policy.h). Each
 * finding carries the Gateway API reason word a controller would put in
 * status (NotAllowedByListeners, RefNotPermitted, ...) and says what would
 * fix it; the table of checks, their default verdicts and why is at the top
 * of cross.c and in docs/checks.md.
 *
 * Callers: `gateguard check` (validation/check.c) puts every input object in
 * a store and checks each Gateway API object against the rest; the webhook
 * checks an AdmissionReview's object against the store its sources keep. */
#ifndef GG_CROSS_H
#define GG_CROSS_H

#include <jansson.h>
#include <stddef.h>

#include "errs.h"
#include "model.h"
#include "policy.h"
#include "store.h"

/* Checks <obj> against <s> under <pol> (NULL: the default policy) and
 * appends findings to <errs>, whose subject the caller has set.
 *  - CREATE: <obj> set, <old> NULL.
 *  - UPDATE: both set. The store's copy of the object (normally <old>) never
 *    conflicts with <obj>, and a conflict <old> already had is judged by
 *    creation time rather than refused as new.
 *  - DELETE: <obj> NULL, <old> the object being deleted: only warnings about
 *    what the deletion cuts off (routes losing a parent or a grant).
 * Objects may be of any kind; kinds without cross-object rules produce
 * nothing. <obj> should be defaulted (gg_validate_object) but need not be.
 * Takes the store's read lock; thread-safe. */
void gg_cross_check(const struct gg_store *s, const struct gg_policy *pol, const json_t *obj,
                    const json_t *old, struct gg_errs *errs);

/* The same for decoded objects; <json> is <o>'s source (or NULL), read only
 * to give each finding the line of its field. The caller holds the read lock
 * (gg_store_read_begin). */
void gg_cross_check_object(const struct gg_store *s, const struct gg_policy *pol,
                           const struct gg_object *o, const struct gg_object *old,
                           const json_t *json, struct gg_errs *errs);

/* The audit: every Gateway API object in <s> checked against the rest, as if
 * each were applied again (without UPDATE grandfathering), in (kind,
 * namespace, name) order. Sets <errs>'s subject for each object (no file) and
 * leaves it cleared. Returns how many objects have at least one error. Takes
 * the read lock. */
size_t gg_cross_audit(const struct gg_store *s, const struct gg_policy *pol, struct gg_errs *errs);

#endif
