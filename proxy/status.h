/* SPDX-License-Identifier: Apache-2.0 */
/* The status the Gateway API asks a controller to publish, computed from a
 * store by pure functions: GatewayClass, Gateway and ListenerSet conditions
 * with per-listener status, and each route's status.parents entries for the
 * parents we own. Attachment, ReferenceGrant and listener-conflict verdicts
 * are the webhook's (validation/), so an object the webhook admits reads
 * Accepted here. Writing the result anywhere is the caller's business
 * (proxy/controller.c). */
#ifndef GG_STATUS_H
#define GG_STATUS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "proxy/gateways.h"
#include "validation/model.h"

struct gg_store;

/* The status an object had before (its own status in the source, or what
 * was last written), borrowed until the computation returns; NULL when
 * unknown. Used to keep lastTransitionTime when a condition's status does
 * not change, and to keep route parents other controllers wrote. */
typedef const json_t *(*gg_status_prev_cb)(void *ctx, enum gg_model_kind kind, const char *ns,
                                           const char *name);

struct gg_status_opts {
    struct gg_gateways_owner own;
    /* Where Gateways are served: an address pool (gg_gateways_address), or
     * NULL and the fixed <addresses> (IPs or hostnames) for every Gateway. */
    const struct gg_address_pool *pool;
    const char *const *addresses;
    size_t n_addresses;
    /* The CRDs' gateway.networking.k8s.io/bundle-version, NULL when not
     * known (no SupportedVersion condition then). */
    const char *bundle_version;
    const char *now; /* RFC 3339, the lastTransitionTime of a changed condition */
    gg_status_prev_cb prev;
    void *prev_ctx;
};

/* One object's desired status. */
struct gg_status_entry {
    enum gg_model_kind kind;
    char *ns, *name;    /* owned; ns "" for GatewayClasses */
    int64_t generation; /* metadata.generation the status observed */
    json_t *status;     /* owned: the whole `status` object, as the API server takes it */
};

struct gg_status_set {
    struct gg_status_entry *items;
    size_t n, cap;
};

void gg_status_set_init(struct gg_status_set *set);
/* Frees the entries, not <set> itself. */
void gg_status_set_clear(struct gg_status_set *set);
/* The entry for (<kind>, <ns>, <name>), or NULL; borrowed from <set>. */
const struct gg_status_entry *gg_status_set_find(const struct gg_status_set *set,
                                                 enum gg_model_kind kind, const char *ns,
                                                 const char *name);

/* Appends to <set> the status of every object of <s> we own under <o>:
 * our GatewayClasses, the Gateways of those classes, the ListenerSets of
 * those Gateways, and every route with a parentRef to one of them (or whose
 * previous status has one of our entries, which is then dropped). In
 * (kind, namespace, name) order. The caller holds the store's read lock.
 * Thread-safe for distinct <set>s. */
void gg_status_compute(const struct gg_store *s, const struct gg_status_opts *o,
                       struct gg_status_set *set);

/* The `status.conditions` entry of <type> in <status> (borrowed), or NULL. */
const json_t *gg_status_condition(const json_t *conditions, const char *type);

#endif
