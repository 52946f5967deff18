/* SPDX-License-Identifier: Apache-2.0 */
/* `--source kube`: the cluster's state from the Kubernetes API, kept in step
 * the way client-go informers keep it: per kind a paginated list, then a
 * watch from the list's resourceVersion, a new list on 410 Gone, retries
 * with backoff while the server is away. The kinds are those the
 * cross-object checks read (model.h). */
#ifndef GG_KUBE_WATCH_H
#define GG_KUBE_WATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "kube/config.h"
#include "kube/source.h"

/* Tuning; a zero field takes the default. */
struct gg_kube_watch_opts {
    unsigned watch_timeout_s;    /* a watch asks to end after a random 1x-2x this (300) */
    unsigned backoff_initial_ms; /* first retry delay (200), doubled per failure */
    unsigned backoff_max_ms;     /* at most this (30000); each delay is jittered -50% */
    unsigned missing_recheck_s;  /* a kind not served is asked for again after this (300) */
    unsigned list_timeout_s;     /* one list page (60) */
    unsigned page_limit;         /* objects per list page (500) */
    /* also list and watch discovery.k8s.io/v1 EndpointSlices (the proxy
     * needs them, the webhook does not) */
    bool watch_endpoints;
    /* fetch Secrets whole, data included (the proxy's certificates),
     * rather than as metadata only */
    bool secret_data;
};

/* Starts watching the server of <cfg> (copied) on a thread of its own and
 * reports through <cb> with <ctx> (source.h), in these terms:
 *  - REPLACE(kind, objs) after every complete list of a kind: the first, one
 *    after 410 Gone, and an empty one when a kind that was served no longer
 *    is. Every object carries apiVersion and kind; Secrets are metadata
 *    only (kind Secret, apiVersion v1, no data) unless opts.secret_data.
 *  - UPSERT and DELETE from the watch, in the server's order per kind.
 *    Kinds are independent: no order holds across kinds.
 *  - SYNCED once, when every kind asked for has been listed once or found
 *    not served (a missing CRD). EndpointSlices are asked for only with
 *    opts.watch_endpoints.
 *  - ERROR: a kind the server does not serve (once per kind, then asked
 *    for again every missing_recheck_s); the server unreachable, a dropped
 *    connection, 429 or 5xx (once per outage, however many kinds it cuts,
 *    with kind NULL); any other error status on a kind, such as 403 (once
 *    until that kind recovers). Per-kind errors pass the kind. The message
 *    starts with the kind and names the request. The last state stays in
 *    force throughout.
 * Returns the source (gg_source_free stops it, joining the thread within
 * moments: transfers are aborted), or NULL with a message in <err>. */
struct gg_source *gg_source_kube_new(const struct gg_kube_config *cfg, gg_source_cb cb, void *ctx,
                                     char *err, size_t errlen);

/* The same with tuning (<opts> copied; NULL: defaults). */
struct gg_source *gg_source_kube_new_opts(const struct gg_kube_config *cfg,
                                          const struct gg_kube_watch_opts *opts, gg_source_cb cb,
                                          void *ctx, char *err, size_t errlen);

#endif
