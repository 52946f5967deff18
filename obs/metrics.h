/* SPDX-License-Identifier: Apache-2.0 */
/* A small metrics registry rendered in the Prometheus text format (0.0.4):
 * counters, gauges (set, or computed when scraped) and histograms, each a
 * family with fixed label names. It knows no metric of its own; the server
 * and the subcommands register theirs. */
#ifndef GG_METRICS_H
#define GG_METRICS_H

#include <stddef.h>
#include <stdint.h>

struct gg_buf;
struct gg_metrics;
struct gg_metric;

#define GG_METRICS_MAX_LABELS 4
/* Distinct label sets one family keeps; past it, updates land on a series
 * whose every label is "other", so a client choosing label values (a kind
 * in a request) cannot grow memory without bound. */
#define GG_METRICS_MAX_SERIES 256
#define GG_METRICS_MAX_VALUE_LEN 128 /* longer label values are cut */

/* Computes a gauge when it is scraped, from the rendering thread and under
 * the registry's locks: it must be thread-safe with respect to its own data
 * and must not register or update metrics. */
typedef double (*gg_metrics_gauge_cb)(void *ctx);

/* A new, empty registry; free with gg_metrics_free (NULL is a no-op), after
 * every thread that updates or renders it has stopped. */
struct gg_metrics *gg_metrics_new(void);
void gg_metrics_free(struct gg_metrics *m);

/* Registers a family and returns it, borrowed from <m> until it is freed.
 * <name> and label names follow Prometheus' rules; <labels> is a
 * comma-separated list of up to GG_METRICS_MAX_LABELS names, or NULL. A
 * histogram takes <n_bounds> strictly increasing upper bounds (the +Inf
 * bucket is implied). Names and labels are the program's own, so a bad one or
 * a name registered twice aborts with a message. Thread-safe. */
struct gg_metric *gg_metrics_counter(struct gg_metrics *m, const char *name, const char *help,
                                     const char *labels);
struct gg_metric *gg_metrics_gauge(struct gg_metrics *m, const char *name, const char *help,
                                   const char *labels);
struct gg_metric *gg_metrics_histogram(struct gg_metrics *m, const char *name, const char *help,
                                       const char *labels, const double *bounds, size_t n_bounds);

/* Updates the series named by <values>: one string per label of the family,
 * in order (NULL for a family without labels). A series exists from its
 * first update on. Each call matches its family's type; a mismatch aborts.
 * Lock-free once the series exists; thread-safe. */
void gg_metrics_inc(struct gg_metric *f, const char *const *values);
void gg_metrics_add(struct gg_metric *f, const char *const *values, uint64_t n);
void gg_metrics_set(struct gg_metric *f, const char *const *values, double v);
void gg_metrics_observe(struct gg_metric *f, const char *const *values, double v);

/* Makes a gauge series computed by <cb>(<ctx>) at each scrape; a NULL <cb>
 * detaches it again (it then shows its last set value). Whoever owns <ctx>
 * detaches before freeing it. */
void gg_metrics_set_fn(struct gg_metric *f, const char *const *values, gg_metrics_gauge_cb cb,
                       void *ctx);

/* Reads one series back: a counter's count, a gauge's value, a histogram's
 * observation count; 0 when the series does not exist. For tests and
 * for callers that log what they count. */
double gg_metrics_value(struct gg_metric *f, const char *const *values);

/* Appends every family, in registration order, to <out>. Thread-safe with
 * respect to updates; a histogram's buckets, sum and count are each read
 * once, so under load its _count may lead _sum by an observation or two. */
void gg_metrics_render(struct gg_metrics *m, struct gg_buf *out);

#endif
