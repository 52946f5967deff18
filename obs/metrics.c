/* SPDX-License-Identifier: Apache-2.0 */
/* The registry behind metrics.h.
 *
 * Design notes.
 * A family holds an array of series pointers guarded by a rwlock; a series,
 * once made, lives until gg_metrics_free, so an updater looks its series up
 * under the read lock and then updates atomics with no lock held. Values:
 * counters and histogram buckets are _Atomic uint64_t; doubles (gauges,
 * histogram sums) are stored as their bit patterns in _Atomic uint64_t and
 * changed with compare-and-swap.
 * Invariants:
 *  1. A family's series array only grows, under its write lock.
 *  2. No series is freed before the registry is.
 *  3. A histogram's _count is the sum of its buckets as rendered, so it
 *     always equals the +Inf bucket in the same scrape. */
#include "obs/metrics.h"

#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validation/xalloc.h"

enum type { COUNTER, GAUGE, HISTOGRAM };

static const char *const type_names[] = {"counter", "gauge", "histogram"};

struct series {
    char *values[GG_METRICS_MAX_LABELS];
    _Atomic uint64_t count;    /* counter */
    _Atomic uint64_t bits;     /* gauge value, or histogram sum, as double bits */
    _Atomic uint64_t *buckets; /* histogram: n_bounds + 1, not cumulative */
    gg_metrics_gauge_cb cb;    /* guarded by the family lock */
    void *cb_ctx;
};

struct gg_metric {
    struct gg_metric *next;
    enum type type;
    char *name, *help;
    char *labels[GG_METRICS_MAX_LABELS];
    size_t n_labels;
    double *bounds;
    size_t n_bounds;
    pthread_rwlock_t lock;
    struct series **series;
    size_t n_series, cap;
};

struct gg_metrics {
    pthread_mutex_t lock;
    struct gg_metric *head, *tail;
};

static void die(const char *what, const char *name)
{
    fprintf(stderr, "gateguard: metrics: %s: %s\n", what, name);
    abort();
}

static double from_bits(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof(d));
    return d;
}

static uint64_t to_bits(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof(b));
    return b;
}

struct gg_metrics *gg_metrics_new(void)
{
    struct gg_metrics *m = gg_xcalloc(1, sizeof(*m));
    pthread_mutex_init(&m->lock, NULL);
    return m;
}

static void series_free(struct series *s)
{
    for (size_t i = 0; i < GG_METRICS_MAX_LABELS; i++)
        free(s->values[i]);
    free(s->buckets);
    free(s);
}

void gg_metrics_free(struct gg_metrics *m)
{
    if (!m)
        return;
    struct gg_metric *f = m->head;
    while (f) {
        struct gg_metric *next = f->next;
        for (size_t i = 0; i < f->n_series; i++)
            series_free(f->series[i]);
        free(f->series);
        for (size_t i = 0; i < f->n_labels; i++)
            free(f->labels[i]);
        free(f->bounds);
        free(f->name);
        free(f->help);
        pthread_rwlock_destroy(&f->lock);
        free(f);
        f = next;
    }
    pthread_mutex_destroy(&m->lock);
    free(m);
}

static bool valid_name(const char *s, bool colon_ok)
{
    if (!*s || (*s >= '0' && *s <= '9'))
        return false;
    for (; *s; s++) {
        char c = *s;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || (colon_ok && c == ':')))
            return false;
    }
    return true;
}

static struct gg_metric *add_family(struct gg_metrics *m, enum type t, const char *name,
                                    const char *help, const char *labels)
{
    if (!valid_name(name, true))
        die("invalid metric name", name);
    struct gg_metric *f = gg_xcalloc(1, sizeof(*f));
    f->type = t;
    f->name = gg_xstrdup(name);
    f->help = gg_xstrdup(help ? help : "");
    pthread_rwlock_init(&f->lock, NULL);
    for (const char *p = labels; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (f->n_labels == GG_METRICS_MAX_LABELS)
            die("too many labels", name);
        char *label = gg_xstrndup(p, len);
        if (!valid_name(label, false) || strncmp(label, "__", 2) == 0 ||
            (t == HISTOGRAM && strcmp(label, "le") == 0))
            die("invalid label name", label);
        f->labels[f->n_labels++] = label;
        p = comma ? comma + 1 : p + len;
    }
    pthread_mutex_lock(&m->lock);
    for (struct gg_metric *g = m->head; g; g = g->next)
        if (strcmp(g->name, name) == 0)
            die("registered twice", name);
    if (m->tail)
        m->tail->next = f;
    else
        m->head = f;
    m->tail = f;
    pthread_mutex_unlock(&m->lock);
    return f;
}

struct gg_metric *gg_metrics_counter(struct gg_metrics *m, const char *name, const char *help,
                                     const char *labels)
{
    return add_family(m, COUNTER, name, help, labels);
}

struct gg_metric *gg_metrics_gauge(struct gg_metrics *m, const char *name, const char *help,
                                   const char *labels)
{
    return add_family(m, GAUGE, name, help, labels);
}

struct gg_metric *gg_metrics_histogram(struct gg_metrics *m, const char *name, const char *help,
                                       const char *labels, const double *bounds, size_t n_bounds)
{
    for (size_t i = 0; i < n_bounds; i++)
        if (isnan(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1]))
            die("histogram bounds must increase", name);
    struct gg_metric *f = add_family(m, HISTOGRAM, name, help, labels);
    f->bounds = gg_xmalloc((n_bounds ? n_bounds : 1) * sizeof(*f->bounds));
    memcpy(f->bounds, bounds, n_bounds * sizeof(*bounds));
    f->n_bounds = n_bounds;
    return f;
}

/* Compares a series with label values as they will be stored (cut). */
static bool series_is(const struct series *s, size_t n, const char *const *values)
{
    for (size_t i = 0; i < n; i++) {
        size_t len = strnlen(values[i], GG_METRICS_MAX_VALUE_LEN);
        if (strlen(s->values[i]) != len || memcmp(s->values[i], values[i], len) != 0)
            return false;
    }
    return true;
}

static struct series *scan(struct gg_metric *f, const char *const *values)
{
    for (size_t i = 0; i < f->n_series; i++)
        if (series_is(f->series[i], f->n_labels, values))
            return f->series[i];
    return NULL;
}

static struct series *find(struct gg_metric *f, const char *const *values)
{
    static const char *const other[GG_METRICS_MAX_LABELS] = {"other", "other", "other", "other"};
    const char *empty[GG_METRICS_MAX_LABELS] = {"", "", "", ""};
    if (!values)
        values = empty;
    pthread_rwlock_rdlock(&f->lock);
    struct series *s = scan(f, values);
    pthread_rwlock_unlock(&f->lock);
    if (s)
        return s;

    pthread_rwlock_wrlock(&f->lock);
    s = scan(f, values);
    if (!s && f->n_series >= GG_METRICS_MAX_SERIES) {
        values = other;
        s = scan(f, values);
    }
    if (!s) {
        s = gg_xcalloc(1, sizeof(*s));
        for (size_t i = 0; i < f->n_labels; i++)
            s->values[i] = gg_xstrndup(values[i], strnlen(values[i], GG_METRICS_MAX_VALUE_LEN));
        if (f->type == HISTOGRAM)
            s->buckets = gg_xcalloc(f->n_bounds + 1, sizeof(*s->buckets));
        if (f->n_series == f->cap) {
            f->cap = f->cap ? f->cap * 2 : 8;
            f->series = gg_xrealloc(f->series, f->cap * sizeof(*f->series));
        }
        f->series[f->n_series++] = s;
    }
    pthread_rwlock_unlock(&f->lock);
    return s;
}

static void want(const struct gg_metric *f, enum type t)
{
    if (f->type != t)
        die("wrong update for the metric's type", f->name);
}

void gg_metrics_inc(struct gg_metric *f, const char *const *values)
{
    gg_metrics_add(f, values, 1);
}

void gg_metrics_add(struct gg_metric *f, const char *const *values, uint64_t n)
{
    want(f, COUNTER);
    atomic_fetch_add_explicit(&find(f, values)->count, n, memory_order_relaxed);
}

void gg_metrics_set(struct gg_metric *f, const char *const *values, double v)
{
    want(f, GAUGE);
    atomic_store_explicit(&find(f, values)->bits, to_bits(v), memory_order_relaxed);
}

static void add_double(_Atomic uint64_t *bits, double v)
{
    uint64_t old = atomic_load_explicit(bits, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(bits, &old, to_bits(from_bits(old) + v),
                                                  memory_order_relaxed, memory_order_relaxed))
        ;
}

void gg_metrics_observe(struct gg_metric *f, const char *const *values, double v)
{
    want(f, HISTOGRAM);
    struct series *s = find(f, values);
    size_t i = 0;
    while (i < f->n_bounds && v > f->bounds[i])
        i++;
    atomic_fetch_add_explicit(&s->buckets[i], 1, memory_order_relaxed);
    add_double(&s->bits, v);
}

void gg_metrics_set_fn(struct gg_metric *f, const char *const *values, gg_metrics_gauge_cb cb,
                       void *ctx)
{
    want(f, GAUGE);
    struct series *s = find(f, values);
    pthread_rwlock_wrlock(&f->lock);
    s->cb = cb;
    s->cb_ctx = ctx;
    pthread_rwlock_unlock(&f->lock);
}

static uint64_t bucket_total(const struct gg_metric *f, struct series *s)
{
    uint64_t n = 0;
    for (size_t i = 0; i <= f->n_bounds; i++)
        n += atomic_load_explicit(&s->buckets[i], memory_order_relaxed);
    return n;
}

double gg_metrics_value(struct gg_metric *f, const char *const *values)
{
    const char *empty[GG_METRICS_MAX_LABELS] = {"", "", "", ""};
    pthread_rwlock_rdlock(&f->lock);
    struct series *s = scan(f, values ? values : empty);
    double v = 0;
    if (s && f->type == COUNTER)
        v = (double)atomic_load_explicit(&s->count, memory_order_relaxed);
    else if (s && f->type == GAUGE)
        v = s->cb ? s->cb(s->cb_ctx)
                  : from_bits(atomic_load_explicit(&s->bits, memory_order_relaxed));
    else if (s)
        v = (double)bucket_total(f, s);
    pthread_rwlock_unlock(&f->lock);
    return v;
}

/* --- rendering ---------------------------------------------------------------- */

/* Shortest text that reads back as the same double, as Prometheus clients
 * print; special values as the exposition format spells them. */
static void add_double_text(struct gg_buf *out, double v)
{
    if (isnan(v)) {
        gg_buf_adds(out, "NaN");
        return;
    }
    if (isinf(v)) {
        gg_buf_adds(out, v > 0 ? "+Inf" : "-Inf");
        return;
    }
    char buf[32];
    snprintf(buf, sizeof(buf), "%.15g", v);
    if (strtod(buf, NULL) != v)
        snprintf(buf, sizeof(buf), "%.17g", v);
    gg_buf_adds(out, buf);
}

static void add_escaped(struct gg_buf *out, const char *s, bool quote)
{
    for (; *s; s++) {
        if (*s == '\\')
            gg_buf_adds(out, "\\\\");
        else if (*s == '\n')
            gg_buf_adds(out, "\\n");
        else if (quote && *s == '"')
            gg_buf_adds(out, "\\\"");
        else
            gg_buf_addc(out, *s);
    }
}

static void add_labels(struct gg_buf *out, const struct gg_metric *f, const struct series *s,
                       const char *le)
{
    if (f->n_labels == 0 && !le)
        return;
    gg_buf_addc(out, '{');
    for (size_t i = 0; i < f->n_labels; i++) {
        gg_buf_addf(out, "%s%s=\"", i ? "," : "", f->labels[i]);
        add_escaped(out, s->values[i], true);
        gg_buf_addc(out, '"');
    }
    if (le)
        gg_buf_addf(out, "%sle=\"%s\"", f->n_labels ? "," : "", le);
    gg_buf_addc(out, '}');
}

static void render_histogram(struct gg_buf *out, const struct gg_metric *f, struct series *s)
{
    uint64_t running = 0;
    for (size_t i = 0; i <= f->n_bounds; i++) {
        running += atomic_load_explicit(&s->buckets[i], memory_order_relaxed);
        struct gg_buf le;
        gg_buf_init(&le);
        if (i < f->n_bounds)
            add_double_text(&le, f->bounds[i]);
        else
            gg_buf_adds(&le, "+Inf");
        gg_buf_addf(out, "%s_bucket", f->name);
        add_labels(out, f, s, le.data);
        gg_buf_addf(out, " %" PRIu64 "\n", running);
        gg_buf_clear(&le);
    }
    gg_buf_addf(out, "%s_sum", f->name);
    add_labels(out, f, s, NULL);
    gg_buf_addc(out, ' ');
    add_double_text(out, from_bits(atomic_load_explicit(&s->bits, memory_order_relaxed)));
    gg_buf_addf(out, "\n%s_count", f->name);
    add_labels(out, f, s, NULL);
    gg_buf_addf(out, " %" PRIu64 "\n", running);
}

static void render_family(struct gg_buf *out, struct gg_metric *f)
{
    gg_buf_addf(out, "# HELP %s ", f->name);
    add_escaped(out, f->help, false);
    gg_buf_addf(out, "\n# TYPE %s %s\n", f->name, type_names[f->type]);
    pthread_rwlock_rdlock(&f->lock);
    for (size_t i = 0; i < f->n_series; i++) {
        struct series *s = f->series[i];
        if (f->type == HISTOGRAM) {
            render_histogram(out, f, s);
            continue;
        }
        gg_buf_adds(out, f->name);
        add_labels(out, f, s, NULL);
        gg_buf_addc(out, ' ');
        if (f->type == COUNTER)
            gg_buf_addf(out, "%" PRIu64, atomic_load_explicit(&s->count, memory_order_relaxed));
        else
            add_double_text(
                out, s->cb ? s->cb(s->cb_ctx)
                           : from_bits(atomic_load_explicit(&s->bits, memory_order_relaxed)));
        gg_buf_addc(out, '\n');
    }
    pthread_rwlock_unlock(&f->lock);
}

void gg_metrics_render(struct gg_metrics *m, struct gg_buf *out)
{
    pthread_mutex_lock(&m->lock);
    for (struct gg_metric *f = m->head; f; f = f->next)
        render_family(out, f);
    pthread_mutex_unlock(&m->lock);
}
