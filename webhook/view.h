/* SPDX-License-Identifier: Apache-2.0 */
/* The webhook's view of the cluster: the store that a source (a folder of
 * manifests or the Kubernetes API) keeps in step, the ownership policy in
 * force, and the audit of objects already admitted. It is the admission
 * callback's engine: single-object validation, then the cross-object checks
 * against the store under the policy.
 *
 * Design notes
 *   Threads: the source's thread is the store's only writer (gg_view_source_cb);
 *   review threads read the store (gg_view_validate); one background thread
 *   re-reads the policy file when it changes and re-runs the audit after the
 *   store changed (at most every GG_VIEW_AUDIT_INTERVAL_MS). The audit's
 *   result is swapped in under a mutex and served by /violations and /metrics. */
#ifndef GG_VIEW_H
#define GG_VIEW_H

#include <stdbool.h>

#include "kube/source.h"
#include "validation/errs.h"
#include "webhook/admission.h"

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

/* A gg_admission_validate_cb: <ctx> is the view. Thread-safe. */
void gg_view_validate(void *ctx, const struct gg_admission_request *req, struct gg_errs *errs);

/* A gg_violations_cb: the last audit as JSON. <ctx> is the view. */
int gg_view_violations(void *ctx, struct gg_buf *out);

/* Sets the callback made once the source's first full sync is in the store
 * (from the source's thread); call before the source starts. */
void gg_view_set_on_synced(struct gg_view *v, void (*cb)(void *ctx), void *ctx);

/* The store, for tests and benchmarks; borrowed. */
struct gg_store *gg_view_store(struct gg_view *v);

/* Runs the audit now (normally the background thread does); for tests. */
void gg_view_audit_now(struct gg_view *v);

/* Re-reads the policy file now; 0, or -1 with the reason in <err> while the
 * old policy stays in force. */
int gg_view_reload_policy(struct gg_view *v, char *err, size_t errlen);

#endif
