/* SPDX-License-Identifier: Apache-2.0 */
/* Keeps the data plane's routing table current: a thread of its own builds a
 * table from the store whenever it is told the store changed, and publishes
 * it. Changes that arrive during a build are folded into the next one, so a
 * burst of watch events costs one or two builds, not one per event, and the
 * source's thread never waits for a build. */
#ifndef GG_TABLE_FEED_H
#define GG_TABLE_FEED_H

#include <stdint.h>

#include "proxy/dataplane.h"
#include "proxy/route_table.h"
#include "validation/xalloc.h"
#include "validation/store.h"

struct gg_table_feed;

/* Starts the builder thread. <s> and <dp> are borrowed and must outlive the
 * feed; <opts> is copied (its strings borrowed). Nothing is built before the
 * first gg_table_feed_kick. */
struct gg_table_feed *gg_table_feed_new(const struct gg_store *s, struct gg_dataplane *dp,
                                        const struct gg_route_table_opts *opts);

/* Asks for a build from the store as it is now; returns at once. Any
 * thread. */
void gg_table_feed_kick(struct gg_table_feed *f);

/* Waits for the build under way, stops the thread and frees f (NULL ok). */
void gg_table_feed_free(struct gg_table_feed *f);

struct gg_table_feed_stats {
    uint64_t kicks, builds, failures, generation;
    double last_build_seconds;
};
void gg_table_feed_stats(struct gg_table_feed *f, struct gg_table_feed_stats *out);

/* Prometheus text for the stats, appended to out. */
void gg_table_feed_metrics(struct gg_table_feed *f, struct gg_buf *out);

#endif
