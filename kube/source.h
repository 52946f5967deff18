/* SPDX-License-Identifier: Apache-2.0 */
/* Where the webhook's view of the cluster comes from. A source runs its own
 * thread and reports objects through one callback; the receiver (the store
 * glue) is the only writer of the store. Two sources implement this
 * interface: a folder of manifests (dir.c, re-read on inotify events) and the
 * Kubernetes API (watch.c, list + watch per kind, as client-go informers do).
 *
 * Events, in the order a source may send them:
 *   GG_SOURCE_REPLACE  the complete set of objects of <kind> (NULL: of every
 *                      kind) is <objs>: anything the receiver holds of that
 *                      kind and <objs> lacks is gone. Sent after each list
 *                      (initial, after 410 Gone) and after each dir re-read.
 *   GG_SOURCE_UPSERT   <obj> was added or changed.
 *   GG_SOURCE_DELETE   <obj> was deleted (its last known state).
 *   GG_SOURCE_SYNCED   every kind has been listed once: /readyz may turn ready.
 *   GG_SOURCE_ERROR    <message> says what failed (a file that does not parse,
 *                      a dropped watch); the last good state stays in force.
 */
#ifndef GG_SOURCE_H
#define GG_SOURCE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum gg_source_event {
    GG_SOURCE_REPLACE,
    GG_SOURCE_UPSERT,
    GG_SOURCE_DELETE,
    GG_SOURCE_SYNCED,
    GG_SOURCE_ERROR,
};

/* <kind> is the object kind ("HTTPRoute"), or NULL for "every kind" with
 * REPLACE. <objs> (REPLACE) is a JSON array and <obj> (UPSERT, DELETE) an
 * object, both borrowed for the duration of the call: the receiver copies
 * or increfs what it keeps. <message> is set for ERROR only. Called from the
 * source's thread, never concurrently with itself. */
typedef void (*gg_source_cb)(void *ctx, enum gg_source_event ev, const char *kind,
                             const json_t *obj_or_objs, const char *message);

struct gg_source;

/* Stops the source's thread (joining it) and frees it; NULL is a no-op. */
void gg_source_free(struct gg_source *s);

/* True once GG_SOURCE_SYNCED was sent. Thread-safe. */
bool gg_source_is_synced(const struct gg_source *s);

#endif
