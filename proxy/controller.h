/* SPDX-License-Identifier: Apache-2.0 */
/* The status controller's loop: after the store changes (debounced), the
 * desired status of every object we own is computed (status.h, pure), told
 * apart from what the object already shows or what was last written, and
 * only the difference is handed to a writer (kube/status_write.h in a
 * cluster; none for a folder). Leader election, when configured, decides
 * whether this replica writes; every replica computes, for /status.
 *
 * Design notes
 *   Threads: the source's thread calls gg_controller_observe; one
 *   controller thread computes and writes; any thread may read the last
 *   result (gg_controller_status_json). A mutex guards the live and written
 *   statuses and the last result; the store has its own lock, taken for
 *   reading during a computation.
 *   Invariants:
 *    1. The previous status a computation keeps lastTransitionTime from is
 *       the object's own status as the source last showed it: after a
 *       restart, the cluster's status is the truth.
 *    2. An entry is written only when it differs from both the live status
 *       and the last one this replica wrote; a live status that drifts from
 *       what we wrote makes us write again.
 *    3. Only the leader writes; a replica that becomes leader forgets what
 *       it wrote before and compares with the live statuses only. */
#ifndef GG_CONTROLLER_H
#define GG_CONTROLLER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "kube/source.h"
#include "proxy/status.h"
#include "validation/xalloc.h"

struct gg_store;

/* Writes one entry; <live> is the object's current status (may be NULL).
 * Returns 0, 1 when the object is gone (nothing to retry), or -1 with a
 * message in <err> (retried on a later round). Called from the controller
 * thread. */
typedef int (*gg_controller_write_cb)(void *ctx, const struct gg_status_entry *e,
                                      const json_t *live, char *err, size_t errlen);
/* One leader-election step: whether this replica leads now. */
typedef bool (*gg_controller_elect_cb)(void *ctx);
/* A log line (a JSON object, borrowed) from the controller thread. */
typedef void (*gg_controller_log_cb)(void *ctx, const json_t *line);

struct gg_controller_config {
    struct gg_store *store; /* borrowed; outlives the controller */
    /* Ownership, addresses and bundle version; prev and now are the
     * controller's own. Pointers borrowed for the controller's life. */
    struct gg_status_opts status;
    gg_controller_write_cb write; /* NULL: compute only */
    void *write_ctx;
    gg_controller_elect_cb elect; /* NULL: this replica always writes */
    void *elect_ctx;
    gg_controller_log_cb log; /* may be NULL */
    void *log_ctx;
    unsigned debounce_ms;       /* quiet time after a change before computing (100) */
    unsigned elect_interval_ms; /* between election steps (2000) */
    unsigned writes_per_s;      /* at most this many writes a second (20) */
};

struct gg_controller;

/* Starts the controller thread. <cfg> is copied. Never NULL. */
struct gg_controller *gg_controller_new(const struct gg_controller_config *cfg);
/* Stops the thread (a computation in progress finishes) and frees. NULL is
 * a no-op. */
void gg_controller_free(struct gg_controller *c);

/* Takes note of a source event (source.h) after the store has applied it:
 * the objects' statuses become the live ones, and a computation is due. */
void gg_controller_observe(struct gg_controller *c, enum gg_source_event ev, const char *kind,
                           const json_t *obj_or_objs);

/* Computes now, in the calling thread, into <set> (initialised by this call;
 * gg_status_set_clear frees it), without writing. */
void gg_controller_compute(struct gg_controller *c, struct gg_status_set *set);

/* The last computed statuses, as {"items": [{apiVersion, kind, metadata,
 * status}]}; {"items": []} before the first. Thread-safe. */
void gg_controller_status_json(struct gg_controller *c, struct gg_buf *out);

/* Counters, for logs and tests. Thread-safe. */
struct gg_controller_stats {
    size_t computations, writes, write_errors;
    size_t rounds; /* computations by the controller thread with their writes done */
    bool is_leader;
};
void gg_controller_stats(struct gg_controller *c, struct gg_controller_stats *out);

/* <set> as kubectl get -o yaml shows objects: a List of apiVersion, kind,
 * metadata (name, namespace) and status. */
void gg_status_set_yaml(const struct gg_status_set *set, struct gg_buf *out);

#endif
