/* SPDX-License-Identifier: Apache-2.0 */
/* The routing-table handoff from the controller thread to one worker loop:
 * a mailbox holding the newest table plus an eventfd the worker's epoll
 * watches, in the manner of libuv's uv_async_send. It moves references only;
 * building tables and switching between requests are the callers'. */
#ifndef GG_HANDOFF_H
#define GG_HANDOFF_H

#include "proxy/route_table.h"

#include <pthread.h>

/* Caller's storage; fields are private. */
struct gg_handoff {
    int fd; /* eventfd, non-blocking; readable while a table waits */
    pthread_mutex_t lock;
    struct gg_route_table *pending; /* owned reference, or NULL */
};

/* Opens the eventfd. Returns 0 or a negative errno; on failure <h> needs no
 * gg_handoff_clear. */
int gg_handoff_init(struct gg_handoff *h);

/* Drops a table never taken and closes the eventfd. The worker must have
 * stopped watching gg_handoff_fd. */
void gg_handoff_clear(struct gg_handoff *h);

/* The descriptor to watch for EPOLLIN; owned by <h>. */
int gg_handoff_fd(const struct gg_handoff *h);

/* Offers <t> to the worker, taking a reference of its own; a table offered
 * earlier and not yet taken is superseded and unreferenced here, so a worker
 * that falls behind skips straight to the newest. Thread-safe; never blocks
 * on the worker. */
void gg_handoff_publish(struct gg_handoff *h, struct gg_route_table *t);

/* Worker side: drains the eventfd and returns the newest table offered
 * since the last call, or NULL. The caller owns the returned reference and
 * unrefs the table it replaces once its last request on it is done.
 * Thread-safe, meant for the one worker that owns <h>. */
struct gg_route_table *gg_handoff_take(struct gg_handoff *h);

#endif
