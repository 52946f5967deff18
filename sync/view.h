/* SPDX-License-Identifier: Apache-2.0 */
/* A view of the cluster: the store that a source (a folder of manifests or
 * the Kubernetes API) keeps in step, the ownership policy in force, and the
 * audit of objects already admitted. The webhook's reviews
 * (webhook/review.h) and the proxy's table build read it; it knows nothing
 * of either.
 *
 * Design notes
 *   Threads: the source's thread is the store's only writer (gg_view_source_cb);
 *   readers (reviews, the table build) take the store's read lock; one background thread
 *   re-reads the policy file when it changes and re-runs the audit after the
 *   store changed (at most every GG_VIEW_AUDIT_INTERVAL_MS). The audit's
 *   result is swapped in under a mutex and served by /violations and /metrics. */
#ifndef GG_VIEW_H
#define GG_VIEW_H

#include <stdbool.h>

#include "kube/source.h"
#include "validation/errs.h"

struct gg_buf;
struct gg_metrics;
struct gg_store;

#define GG_VIEW_AUDIT_INTERVAL_MS 2000

struct gg_view_config {
    const char *policy_path;      /* may be NULL: the default policy */
    bool trust_source;            /* objects come from an API server that validated them */
    struct gg_metrics *metrics;   /* borrowed; may be NULL */
    void (*on_synced)(void *ctx); /* called once, from the source's thread */
    void *on_synced_ctx;
};

struct gg_view;

/* Loads the policy (refusing a bad one with file:line in <err>) and starts
 * the background thread. Returns NULL on failure. */
struct gg_view *gg_view_new(const struct gg_view_config *cfg, char *err, size_t errlen);
/* Stops the background thread and frees everything; the source must be
 * stopped first. NULL is a no-op. */
void gg_view_free(struct gg_view *v);

/* A gg_source_cb: applies the source's events to the store. <ctx> is the view. */
void gg_view_source_cb(void *ctx, enum gg_source_event ev, const char *kind,
                       const json_t *obj_or_objs, const char *message);

/* A gg_violations_cb: the last audit as JSON. <ctx> is the view. */
int gg_view_violations(void *ctx, struct gg_buf *out);

/* Sets the callback made once the source's first full sync is in the store
 * (from the source's thread); call before the source starts. */
void gg_view_set_on_synced(struct gg_view *v, void (*cb)(void *ctx), void *ctx);

/* The policy in force, referenced (gg_policy_unref it). Thread-safe. */
struct gg_policy *gg_view_policy(struct gg_view *v);

/* The store, borrowed for the view's life; readers take its read lock. */
struct gg_store *gg_view_store(struct gg_view *v);

/* Runs the audit now (normally the background thread does); for tests. */
void gg_view_audit_now(struct gg_view *v);

/* Re-reads the policy file now; 0, or -1 with the reason in <err> while the
 * old policy stays in force. */
int gg_view_reload_policy(struct gg_view *v, char *err, size_t errlen);

#endif
