/* SPDX-License-Identifier: Apache-2.0 */
/* The table mailbox (handoff.h).
 *
 * Design notes. One slot, one eventfd, one mutex held only to swap a pointer.
 *  1. publish stores its reference in the slot, then writes the eventfd; take
 *     reads the eventfd, then empties the slot. A wakeup therefore never
 *     arrives before the table it announces, and a table published between
 *     the read and the swap is still taken by this call (its wakeup makes a
 *     later take return NULL, which callers accept).
 *  2. Every table in the slot holds exactly one reference owned by the slot;
 *     superseding or clearing drops it, take hands it to the caller. No table
 *     is freed while a worker may still see it through the slot. */
#include "proxy/handoff.h"

#include <errno.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

int gg_handoff_init(struct gg_handoff *h)
{
    h->pending = NULL;
    h->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (h->fd < 0)
        return -errno;
    pthread_mutex_init(&h->lock, NULL);
    return 0;
}

void gg_handoff_clear(struct gg_handoff *h)
{
    gg_route_table_unref(h->pending);
    h->pending = NULL;
    if (h->fd >= 0)
        close(h->fd);
    h->fd = -1;
    pthread_mutex_destroy(&h->lock);
}

int gg_handoff_fd(const struct gg_handoff *h)
{
    return h->fd;
}

void gg_handoff_publish(struct gg_handoff *h, struct gg_route_table *t)
{
    gg_route_table_ref(t);
    pthread_mutex_lock(&h->lock);
    struct gg_route_table *old = h->pending;
    h->pending = t;
    pthread_mutex_unlock(&h->lock);
    /* Unref outside the lock: the last unref runs the table's free callbacks. */
    gg_route_table_unref(old);
    uint64_t one = 1;
    /* Fails only when the counter would overflow, and then the worker has a
     * wakeup pending anyway. */
    ssize_t n = write(h->fd, &one, sizeof one);
    (void)n;
}

struct gg_route_table *gg_handoff_take(struct gg_handoff *h)
{
    uint64_t count;
    ssize_t n = read(h->fd, &count, sizeof count);
    (void)n; /* EAGAIN means no wakeup was pending; the slot decides */
    pthread_mutex_lock(&h->lock);
    struct gg_route_table *t = h->pending;
    h->pending = NULL;
    pthread_mutex_unlock(&h->lock);
    return t;
}
