/* SPDX-License-Identifier: Apache-2.0 */
/* A dirty flag under a mutex and one builder thread: a kick sets the flag,
 * the builder clears it before it reads the store, so whatever a build
 * missed sets it again and gets a build of its own. */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "obs/log.h"
#include "proxy/table_feed.h"
#include "validation/xalloc.h"

struct gg_table_feed {
    const struct gg_store *store;
    struct gg_dataplane *dp;
    struct gg_route_table_opts opts;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool dirty, stop;
    struct gg_table_feed_stats stats; /* under mu */
};

static double since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void build_once(struct gg_table_feed *f)
{
    char err[256];
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    f->opts.generation++;
    struct gg_route_table *t = gg_route_table_build(f->store, &f->opts, err, sizeof(err));
    if (!t) {
        gg_log(GG_LOG_ERROR, "table_build_failed", "{s:s,s:s}", "error", err, "kept",
               "the table being served");
        pthread_mutex_lock(&f->mu);
        f->stats.failures++;
        pthread_mutex_unlock(&f->mu);
        return;
    }
    gg_dataplane_publish(f->dp, t);
    double secs = since(&t0);
    gg_log(GG_LOG_INFO, "table_published", "{s:I,s:i,s:i,s:f}", "generation",
           (json_int_t)gg_route_table_generation(t), "frontends",
           (int)gg_route_table_count_frontends(t), "routes", (int)gg_route_table_count_routes(t),
           "build_ms", secs * 1e3);
    pthread_mutex_lock(&f->mu);
    f->stats.builds++;
    f->stats.generation = gg_route_table_generation(t);
    f->stats.last_build_seconds = secs;
    pthread_mutex_unlock(&f->mu);
    gg_route_table_unref(t);
}

static void *feed_main(void *arg)
{
    struct gg_table_feed *f = arg;
    pthread_mutex_lock(&f->mu);
    for (;;) {
        while (!f->dirty && !f->stop)
            pthread_cond_wait(&f->cv, &f->mu);
        if (f->stop)
            break;
        f->dirty = false;
        pthread_mutex_unlock(&f->mu);
        build_once(f);
        pthread_mutex_lock(&f->mu);
    }
    pthread_mutex_unlock(&f->mu);
    return NULL;
}

struct gg_table_feed *gg_table_feed_new(const struct gg_store *s, struct gg_dataplane *dp,
                                        const struct gg_route_table_opts *opts)
{
    struct gg_table_feed *f = gg_xcalloc(1, sizeof(*f));
    f->store = s;
    f->dp = dp;
    f->opts = *opts;
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->cv, NULL);
    if (pthread_create(&f->thread, NULL, feed_main, f) != 0) {
        gg_log(GG_LOG_ERROR, "table_feed_failed", "{s:s}", "error", "cannot start a thread");
        abort(); /* out of threads at startup: nothing could be served */
    }
    return f;
}

void gg_table_feed_kick(struct gg_table_feed *f)
{
    pthread_mutex_lock(&f->mu);
    f->dirty = true;
    f->stats.kicks++;
    pthread_cond_signal(&f->cv);
    pthread_mutex_unlock(&f->mu);
}

void gg_table_feed_free(struct gg_table_feed *f)
{
    if (!f)
        return;
    pthread_mutex_lock(&f->mu);
    f->stop = true;
    pthread_cond_signal(&f->cv);
    pthread_mutex_unlock(&f->mu);
    pthread_join(f->thread, NULL);
    pthread_cond_destroy(&f->cv);
    pthread_mutex_destroy(&f->mu);
    free(f);
}

void gg_table_feed_stats(struct gg_table_feed *f, struct gg_table_feed_stats *out)
{
    pthread_mutex_lock(&f->mu);
    *out = f->stats;
    pthread_mutex_unlock(&f->mu);
}

void gg_table_feed_metrics(struct gg_table_feed *f, struct gg_buf *out)
{
    struct gg_table_feed_stats s;
    gg_table_feed_stats(f, &s);
    gg_buf_addf(out,
                "# HELP gateguard_proxy_table_generation The routing table being served.\n"
                "# TYPE gateguard_proxy_table_generation gauge\n"
                "gateguard_proxy_table_generation %llu\n"
                "# HELP gateguard_proxy_table_builds_total Routing tables built and published.\n"
                "# TYPE gateguard_proxy_table_builds_total counter\n"
                "gateguard_proxy_table_builds_total %llu\n"
                "# HELP gateguard_proxy_table_build_failures_total Builds that failed; the "
                "table served was kept.\n"
                "# TYPE gateguard_proxy_table_build_failures_total counter\n"
                "gateguard_proxy_table_build_failures_total %llu\n"
                "# HELP gateguard_proxy_table_changes_total Source changes seen; several fold "
                "into one build.\n"
                "# TYPE gateguard_proxy_table_changes_total counter\n"
                "gateguard_proxy_table_changes_total %llu\n"
                "# HELP gateguard_proxy_table_build_seconds How long the last build took.\n"
                "# TYPE gateguard_proxy_table_build_seconds gauge\n"
                "gateguard_proxy_table_build_seconds %.6f\n",
                (unsigned long long)s.generation, (unsigned long long)s.builds,
                (unsigned long long)s.failures, (unsigned long long)s.kicks, s.last_build_seconds);
}
