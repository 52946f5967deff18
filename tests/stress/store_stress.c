/* SPDX-License-Identifier: Apache-2.0 */
/* The store's reader/writer contract under load: one writer replaces and
 * deletes routes while readers walk the indexes inside read_begin/read_end
 * and check what a consistent view implies. Run by tests/integration/
 * store_stress.sh, built with ThreadSanitizer (build/tsan/store_stress). */
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "validation/store.h"

#define N_ROUTES 64
#define N_READERS 2
/* bounds: the writer stops after this many changes or this many seconds */
#define MAX_WRITES 20000
#define MAX_SECONDS 20

static atomic_bool done;
static atomic_long broken; /* invariant violations seen by readers */
static atomic_long walks;

/* Route r<i> at version <v>: v%4+1 hostnames, each naming <v>, and one
 * parentRef to Gateway infra/public. */
static json_t *route(int i, long v)
{
    char name[32];
    snprintf(name, sizeof(name), "r%d", i);
    json_t *hosts = json_array();
    for (long j = 0; j <= v % 4; j++) {
        char h[64];
        snprintf(h, sizeof(h), "v%ld-%ld.example.com", v, j);
        json_array_append_new(hosts, json_string(h));
    }
    return json_pack("{s:s,s:s,s:{s:s,s:s},s:{s:[{s:s,s:s}],s:o}}", "apiVersion",
                     "gateway.networking.k8s.io/v1", "kind", "HTTPRoute", "metadata", "name", name,
                     "namespace", "apps", "spec", "parentRefs", "name", "public", "namespace",
                     "infra", "hostnames", hosts);
}

/* Whether a route's hostnames are all of one version, as many as it says. */
static bool whole(const struct gg_object *o)
{
    const struct gg_route *rt = &o->u.route;
    if (rt->n_hostnames < 1 || rt->n_hostnames > 4 || !rt->hostnames[0])
        return false;
    long v = strtol(rt->hostnames[0] + 1, NULL, 10);
    if ((long)rt->n_hostnames != v % 4 + 1)
        return false;
    for (size_t j = 0; j < rt->n_hostnames; j++) {
        char h[64];
        snprintf(h, sizeof(h), "v%ld-%zu.example.com", v, j);
        if (!rt->hostnames[j] || strcmp(rt->hostnames[j], h) != 0)
            return false;
    }
    return true;
}

struct walk {
    size_t n, torn;
};

static bool each_cb(const struct gg_object *o, void *ctx)
{
    struct walk *w = ctx;
    w->n++;
    w->torn += !whole(o);
    return true;
}

static bool attach_cb(const struct gg_object *o, size_t idx, void *ctx)
{
    (void)idx;
    return each_cb(o, ctx);
}

static void *reader(void *arg)
{
    const struct gg_store *s = arg;
    while (!atomic_load(&done)) {
        gg_store_read_begin(s);
        /* three views of the same set of routes, which one lock makes agree */
        size_t counted = gg_store_count(s, GG_KIND_HTTPROUTE);
        struct walk all = {0, 0}, by_parent = {0, 0};
        gg_store_each(s, GG_KIND_HTTPROUTE, each_cb, &all);
        gg_store_each_route_of(s, GG_KIND_GATEWAY, "infra", "public", attach_cb, &by_parent);
        size_t in_ns = gg_store_count_in(s, GG_KIND_HTTPROUTE, "apps");
        gg_store_read_end(s);
        if (all.n != counted || by_parent.n != counted || in_ns != counted || all.torn ||
            by_parent.torn) {
            if (atomic_fetch_add(&broken, 1) < 5)
                fprintf(stderr,
                        "inconsistent view: count %zu, walked %zu, by parent %zu, in namespace "
                        "%zu, torn %zu+%zu\n",
                        counted, all.n, by_parent.n, in_ns, all.torn, by_parent.torn);
        }
        atomic_fetch_add(&walks, 1);
    }
    return NULL;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A lost wakeup or a corrupted lock must fail the run, not hang it. */
static void watchdog(int sig)
{
    (void)sig;
    static const char msg[] = "stuck: the writer or a reader never finished\n";
    ssize_t n = write(2, msg, sizeof(msg) - 1);
    (void)n;
    _exit(3);
}

int main(void)
{
    signal(SIGALRM, watchdog);
    alarm(MAX_SECONDS * 3);
    struct gg_store *s = gg_store_new();
    for (int i = 0; i < N_ROUTES; i++) {
        json_t *r = route(i, 0);
        if (gg_store_put_json(s, r) != 0) {
            fprintf(stderr, "the fixture route does not decode\n");
            return 2;
        }
        json_decref(r);
    }
    pthread_t th[N_READERS];
    for (int i = 0; i < N_READERS; i++)
        pthread_create(&th[i], NULL, reader, s);

    double start = now();
    long writes = 0;
    unsigned seed = 1;
    for (; writes < MAX_WRITES && now() - start < MAX_SECONDS; writes++) {
        int i = (int)(rand_r(&seed) % N_ROUTES);
        char name[32];
        snprintf(name, sizeof(name), "r%d", i);
        if (writes % 3 == 0 && gg_store_delete(s, GG_KIND_HTTPROUTE, "apps", name))
            continue;
        json_t *r = route(i, writes + 1);
        gg_store_put_json(s, r);
        json_decref(r);
    }
    atomic_store(&done, true);
    for (int i = 0; i < N_READERS; i++)
        pthread_join(th[i], NULL);
    gg_store_free(s);

    long bad = atomic_load(&broken), n = atomic_load(&walks);
    printf("%ld writes, %ld reader walks, %ld inconsistent\n", writes, n, bad);
    return bad ? 1 : 0;
}
