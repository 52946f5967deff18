/* SPDX-License-Identifier: Apache-2.0 */
/* Leader election on a coordination.k8s.io/v1 Lease, as client-go's
 * leaderelection does it: the holder renews renewTime every retry period;
 * another candidate takes the Lease only after it has watched the record
 * stay unchanged for leaseDurationSeconds by its own clock (so clocks need
 * not agree); an update carries the resourceVersion read, so of two
 * candidates racing only one wins (the other gets 409). Releasing empties
 * holderIdentity so a successor need not wait. One call is one step; the
 * caller's loop decides when to step. */
#ifndef GG_KUBE_LEASE_H
#define GG_KUBE_LEASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kube/client.h"

struct gg_kube_lease {
    struct gg_kube_client *client; /* borrowed */
    char *ns, *name, *identity;    /* owned */
    int duration_s;                /* leaseDurationSeconds */
    /* what this candidate last saw, and when by its monotonic clock */
    char *observed; /* holderIdentity + renewTime, owned */
    int64_t observed_ms;
    bool is_leader;
};

/* <identity> names this replica (the pod name, or host and pid). */
void gg_kube_lease_init(struct gg_kube_lease *l, struct gg_kube_client *c, const char *ns,
                        const char *name, const char *identity, int duration_s);
/* Frees what <l> holds, not <l>; does not release the Lease. */
void gg_kube_lease_clear(struct gg_kube_lease *l);

/* One round: create the Lease if it is missing, renew it if we hold it,
 * take it if its holder let it expire (or released it). Sets l->is_leader.
 * Returns 0, or a negative GG_KUBE_E* with a message (l->is_leader is then
 * false: a leader that cannot renew stops writing). Blocking. */
int gg_kube_lease_step(struct gg_kube_lease *l, char *err, size_t errlen);

/* Gives the Lease up if we hold it (holderIdentity emptied). */
int gg_kube_lease_release(struct gg_kube_lease *l, char *err, size_t errlen);

#endif
