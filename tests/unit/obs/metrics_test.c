/* SPDX-License-Identifier: Apache-2.0 */
/* webhook/metrics.c: the exact Prometheus text of each metric type, label
 * escaping, the series cap, and counts under concurrent updates. */
#include <criterion/criterion.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validation/xalloc.h"
#include "obs/metrics.h"

static char *render(struct gg_metrics *m)
{
    struct gg_buf b;
    gg_buf_init(&b);
    gg_metrics_render(m, &b);
    return b.data ? gg_buf_take(&b) : strdup("");
}

Test(metrics_counter, renders_help_type_and_one_line_per_label_set)
{
    struct gg_metrics *m = gg_metrics_new();
    struct gg_metric *c = gg_metrics_counter(m, "gateguard_admission_requests_total",
                                             "Reviews answered.", "kind,operation,verdict");
    const char *const a[] = {"HTTPRoute", "CREATE", "allowed"};
    const char *const d[] = {"HTTPRoute", "CREATE", "denied"};
    gg_metrics_inc(c, a);
    gg_metrics_inc(c, a);
    gg_metrics_add(c, d, 5);
    char *text = render(m);
    cr_assert_str_eq(text,
                     "# HELP gateguard_admission_requests_total Reviews answered.\n"
                     "# TYPE gateguard_admission_requests_total counter\n"
                     "gateguard_admission_requests_total{kind=\"HTTPRoute\",operation=\"CREATE\","
                     "verdict=\"allowed\"} 2\n"
                     "gateguard_admission_requests_total{kind=\"HTTPRoute\",operation=\"CREATE\","
                     "verdict=\"denied\"} 5\n");
    cr_assert_eq(gg_metrics_value(c, a), 2);
    const char *const none[] = {"Gateway", "CREATE", "allowed"};
    cr_assert_eq(gg_metrics_value(c, none), 0);
    free(text);
    gg_metrics_free(m);
}

Test(metrics_gauge, prints_the_shortest_exact_number_and_special_values)
{
    struct gg_metrics *m = gg_metrics_new();
    struct gg_metric *g = gg_metrics_gauge(m, "g", "A gauge.", "k");
    const char *const v1[] = {"int"}, *const v2[] = {"frac"}, *const v3[] = {"inf"},
                      *const v4[] = {"nan"};
    gg_metrics_set(g, v1, 42);
    gg_metrics_set(g, v2, 0.1);
    gg_metrics_set(g, v3, -1.0 / 0.0);
    gg_metrics_set(g, v4, 0.0 / 0.0);
    char *text = render(m);
    cr_assert_str_eq(text, "# HELP g A gauge.\n# TYPE g gauge\n"
                           "g{k=\"int\"} 42\ng{k=\"frac\"} 0.1\ng{k=\"inf\"} -Inf\n"
                           "g{k=\"nan\"} NaN\n");
    free(text);
    gg_metrics_free(m);
}

static double seventeen(void *ctx)
{
    return *(double *)ctx;
}

Test(metrics_gauge, computes_a_callback_series_at_each_scrape_until_detached)
{
    struct gg_metrics *m = gg_metrics_new();
    struct gg_metric *g = gg_metrics_gauge(m, "expiry_seconds", "Seconds left.", NULL);
    double v = 17;
    gg_metrics_set(g, NULL, 3);
    gg_metrics_set_fn(g, NULL, seventeen, &v);
    char *text = render(m);
    cr_assert(strstr(text, "\nexpiry_seconds 17\n"), "%s", text);
    free(text);
    v = 18;
    cr_assert_eq(gg_metrics_value(g, NULL), 18);
    gg_metrics_set_fn(g, NULL, NULL, NULL);
    text = render(m);
    cr_assert(strstr(text, "\nexpiry_seconds 3\n"), "%s", text);
    free(text);
    gg_metrics_free(m);
}

Test(metrics_histogram, renders_cumulative_buckets_sum_and_count)
{
    struct gg_metrics *m = gg_metrics_new();
    static const double bounds[] = {0.001, 0.01, 0.1};
    struct gg_metric *h = gg_metrics_histogram(m, "lat_seconds", "Latency.", "verdict", bounds, 3);
    const char *const v[] = {"allowed"};
    gg_metrics_observe(h, v, 0.0005);
    gg_metrics_observe(h, v, 0.001); /* on a bound: counts in that bucket (le) */
    gg_metrics_observe(h, v, 0.05);
    gg_metrics_observe(h, v, 2);
    char *text = render(m);
    cr_assert_str_eq(text, "# HELP lat_seconds Latency.\n# TYPE lat_seconds histogram\n"
                           "lat_seconds_bucket{verdict=\"allowed\",le=\"0.001\"} 2\n"
                           "lat_seconds_bucket{verdict=\"allowed\",le=\"0.01\"} 2\n"
                           "lat_seconds_bucket{verdict=\"allowed\",le=\"0.1\"} 3\n"
                           "lat_seconds_bucket{verdict=\"allowed\",le=\"+Inf\"} 4\n"
                           "lat_seconds_sum{verdict=\"allowed\"} 2.0515\n"
                           "lat_seconds_count{verdict=\"allowed\"} 4\n");
    cr_assert_eq(gg_metrics_value(h, v), 4);
    free(text);
    gg_metrics_free(m);
}

Test(metrics_labels, escapes_quotes_backslashes_and_newlines)
{
    struct gg_metrics *m = gg_metrics_new();
    struct gg_metric *c = gg_metrics_counter(m, "c_total", "Help with \\ and\nnewline.", "k");
    const char *const v[] = {"a\"b\\c\nd"};
    gg_metrics_inc(c, v);
    char *text = render(m);
    cr_assert_str_eq(text, "# HELP c_total Help with \\\\ and\\nnewline.\n# TYPE c_total counter\n"
                           "c_total{k=\"a\\\"b\\\\c\\nd\"} 1\n");
    free(text);
    gg_metrics_free(m);
}

Test(metrics_labels, folds_series_past_the_cap_into_other)
{
    struct gg_metrics *m = gg_metrics_new();
    struct gg_metric *c = gg_metrics_counter(m, "kinds_total", "By kind.", "kind");
    char name[32];
    for (int i = 0; i < GG_METRICS_MAX_SERIES + 10; i++) {
        snprintf(name, sizeof(name), "Kind%d", i);
        const char *const v[] = {name};
        gg_metrics_inc(c, v);
    }
    const char *const other[] = {"other"};
    cr_assert_eq(gg_metrics_value(c, other), 10);
    const char *const last_kept[] = {"Kind255"};
    cr_assert_eq(gg_metrics_value(c, last_kept), 1);
    const char *const first_folded[] = {"Kind256"};
    cr_assert_eq(gg_metrics_value(c, first_folded), 0);
    gg_metrics_free(m);
}

Test(metrics_labels, cuts_long_values)
{
    struct gg_metrics *m = gg_metrics_new();
    struct gg_metric *c = gg_metrics_counter(m, "long_total", "Long.", "k");
    char longv[300];
    memset(longv, 'x', sizeof(longv) - 1);
    longv[sizeof(longv) - 1] = '\0';
    const char *const v[] = {longv};
    gg_metrics_inc(c, v);
    gg_metrics_inc(c, v);
    char *text = render(m);
    char want[200];
    snprintf(want, sizeof(want), "{k=\"%.*s\"} 2\n", GG_METRICS_MAX_VALUE_LEN, longv);
    cr_assert(strstr(text, want), "%s", text);
    free(text);
    gg_metrics_free(m);
}

Test(metrics_registry, renders_families_without_labels_in_registration_order)
{
    struct gg_metrics *m = gg_metrics_new();
    struct gg_metric *b = gg_metrics_counter(m, "b_total", "B.", NULL);
    struct gg_metric *a = gg_metrics_gauge(m, "a", "A.", NULL);
    gg_metrics_set(a, NULL, 1.5);
    gg_metrics_inc(b, NULL);
    char *text = render(m);
    cr_assert_str_eq(text, "# HELP b_total B.\n# TYPE b_total counter\nb_total 1\n"
                           "# HELP a A.\n# TYPE a gauge\na 1.5\n");
    free(text);
    gg_metrics_free(m);
}

Test(metrics_registry, aborts_on_a_name_registered_twice, .signal = SIGABRT)
{
    struct gg_metrics *m = gg_metrics_new();
    gg_metrics_counter(m, "dup_total", "x", NULL);
    gg_metrics_counter(m, "dup_total", "x", NULL);
}

Test(metrics_registry, aborts_on_an_invalid_label_name, .signal = SIGABRT)
{
    struct gg_metrics *m = gg_metrics_new();
    gg_metrics_counter(m, "x_total", "x", "kind,bad-label");
}

struct worker {
    struct gg_metric *c, *h;
};

static void *hammer(void *arg)
{
    struct worker *w = arg;
    static const char *const kinds[] = {"HTTPRoute", "Gateway", "GRPCRoute"};
    for (int i = 0; i < 20000; i++) {
        const char *const v[] = {kinds[i % 3]};
        gg_metrics_inc(w->c, v);
        gg_metrics_observe(w->h, v, 0.25);
    }
    return NULL;
}

Test(metrics_registry, loses_no_update_under_concurrent_writers)
{
    struct gg_metrics *m = gg_metrics_new();
    static const double bounds[] = {0.1, 1};
    struct worker w = {
        .c = gg_metrics_counter(m, "n_total", "N.", "kind"),
        .h = gg_metrics_histogram(m, "h_seconds", "H.", "kind", bounds, 2),
    };
    pthread_t t[8];
    for (int i = 0; i < 8; i++)
        pthread_create(&t[i], NULL, hammer, &w);
    for (int i = 0; i < 8; i++)
        pthread_join(t[i], NULL);
    double total = 0;
    static const char *const kinds[] = {"HTTPRoute", "Gateway", "GRPCRoute"};
    for (int k = 0; k < 3; k++) {
        const char *const v[] = {kinds[k]};
        total += gg_metrics_value(w.c, v);
        cr_assert_eq(gg_metrics_value(w.c, v), gg_metrics_value(w.h, v));
    }
    cr_assert_eq(total, 8 * 20000);
    char *text = render(m);
    /* 8 threads x 6667 observations of 0.25 for HTTPRoute: exact in binary */
    cr_assert(strstr(text, "h_seconds_sum{kind=\"HTTPRoute\"} 13334\n"), "%s", text);
    free(text);
    gg_metrics_free(m);
}
