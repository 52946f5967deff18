/* SPDX-License-Identifier: Apache-2.0 */
/* The table mailbox with hand-built tables whose frees are counted: a wakeup
 * announces every table, a superseded table is freed once, a taken table is
 * the caller's, and a publisher thread never loses the newest table. */
#include <criterion/criterion.h>
#include <poll.h>
#include <pthread.h>

#include "proxy/handoff.h"
#include "proxy/route_internal.h"
#include "validation/xalloc.h"

static atomic_int freed;

static void count_free(void *data)
{
    (void)data;
    atomic_fetch_add(&freed, 1);
}

static struct gg_route_table *table(uint64_t generation)
{
    struct gg_route_table *t = gg_xcalloc(1, sizeof *t);
    atomic_init(&t->refs, 1);
    t->generation = generation;
    gg_route_table_set_attachment(t, NULL, count_free);
    return t;
}

static bool readable(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

Test(handoff, a_published_table_wakes_the_worker_and_is_taken_once)
{
    atomic_store(&freed, 0);
    struct gg_handoff h;
    cr_assert_eq(gg_handoff_init(&h), 0);
    cr_assert_not(readable(gg_handoff_fd(&h)));
    cr_assert_null(gg_handoff_take(&h));

    struct gg_route_table *t = table(1);
    gg_handoff_publish(&h, t);
    gg_route_table_unref(t); /* the mailbox holds its own reference */
    cr_assert_eq(atomic_load(&freed), 0);
    cr_assert(readable(gg_handoff_fd(&h)));

    struct gg_route_table *got = gg_handoff_take(&h);
    cr_assert_eq(got, t);
    cr_assert_not(readable(gg_handoff_fd(&h)), "take drains the wakeup");
    cr_assert_null(gg_handoff_take(&h));
    gg_route_table_unref(got);
    cr_assert_eq(atomic_load(&freed), 1);
    gg_handoff_clear(&h);
}

Test(handoff, a_table_never_taken_is_superseded_and_freed_once)
{
    atomic_store(&freed, 0);
    struct gg_handoff h;
    cr_assert_eq(gg_handoff_init(&h), 0);
    struct gg_route_table *a = table(1), *b = table(2);
    gg_handoff_publish(&h, a);
    gg_route_table_unref(a);
    gg_handoff_publish(&h, b);
    gg_route_table_unref(b);
    cr_assert_eq(atomic_load(&freed), 1, "the first table is freed when the second replaces it");

    struct gg_route_table *got = gg_handoff_take(&h);
    cr_assert_eq(gg_route_table_generation(got), 2);
    gg_route_table_unref(got);
    cr_assert_eq(atomic_load(&freed), 2);
    gg_handoff_clear(&h);
}

Test(handoff, clearing_drops_a_waiting_table)
{
    atomic_store(&freed, 0);
    struct gg_handoff h;
    cr_assert_eq(gg_handoff_init(&h), 0);
    struct gg_route_table *t = table(1);
    gg_handoff_publish(&h, t);
    gg_route_table_unref(t);
    gg_handoff_clear(&h);
    cr_assert_eq(atomic_load(&freed), 1);
}

#define N_TABLES 2000

static void *publisher(void *arg)
{
    struct gg_handoff *h = arg;
    for (uint64_t g = 1; g <= N_TABLES; g++) {
        struct gg_route_table *t = table(g);
        gg_handoff_publish(h, t);
        gg_route_table_unref(t);
    }
    return NULL;
}

Test(handoff, a_worker_behind_a_busy_publisher_sees_rising_generations_and_the_last)
{
    atomic_store(&freed, 0);
    struct gg_handoff h;
    cr_assert_eq(gg_handoff_init(&h), 0);
    pthread_t th;
    cr_assert_eq(pthread_create(&th, NULL, publisher, &h), 0);

    uint64_t last = 0;
    size_t takes = 0;
    /* Bounded: every take that returns a table raises the generation, so the
     * loop ends after at most N_TABLES tables; poll waits for the wakeups. */
    while (last < N_TABLES) {
        struct pollfd p = {.fd = gg_handoff_fd(&h), .events = POLLIN};
        cr_assert_eq(poll(&p, 1, 10000), 1, "a wakeup arrives for every pending table");
        struct gg_route_table *t = gg_handoff_take(&h);
        if (!t)
            continue;
        cr_assert_gt(gg_route_table_generation(t), last);
        last = gg_route_table_generation(t);
        gg_route_table_unref(t);
        takes++;
    }
    pthread_join(th, NULL);
    cr_assert_eq(last, N_TABLES);
    cr_assert_geq(takes, 1);
    gg_handoff_clear(&h);
    cr_assert_eq(atomic_load(&freed), N_TABLES, "every table is freed exactly once");
}
