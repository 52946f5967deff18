/* SPDX-License-Identifier: Apache-2.0 */
/* make bench-store: a synthetic cluster of N HTTPRoutes (5,000 namespaces and
 * 200 Gateways at N = 100,000; namespaces scale as N/20), loaded into the
 * store; then the full cross-object check of new routes, timed one by one.
 * Prints load time, peak RSS per route, and the median and p99 check time.
 *
 * Hostnames are realistic and half are wildcards: each Gateway serves a zone
 * (`*.zone17.example.com` on its HTTPS listener), and a route names either
 * `svc42.team-0123.zone17.example.com` or `*.svc43.team-0123.zone17...`.
 * Every tenth route also sends to a Service in a shared namespace through a
 * ReferenceGrant. Only the store's work is timed: building each route's
 * jansson object is not. usage: bench_store [ROUTES] [CHECKS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "validation/cross.h"
#include "validation/store.h"

#define GATEWAYS 200
#define SHARED 50

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long max_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static unsigned long long rng = 0x9E3779B97F4A7C15ULL;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static json_t *namespace_obj(unsigned i)
{
    char name[32];
    snprintf(name, sizeof(name), "team-%04u", i);
    return json_pack("{s:s, s:s, s:{s:s, s:{s:s, s:s}}}", "apiVersion", "v1", "kind", "Namespace",
                     "metadata", "name", name, "labels", "tier", "apps", "team", name);
}

static json_t *gateway_obj(unsigned g)
{
    char name[32], host[64];
    snprintf(name, sizeof(name), "gw-%03u", g);
    snprintf(host, sizeof(host), "*.zone%u.example.com", g);
    return json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:["
                     "{s:s, s:i, s:s, s:s, s:{s:[{s:s}]}, s:{s:{s:s, s:{s:{s:s}}}}},"
                     "{s:s, s:i, s:s, s:{s:{s:s}}}]}}",
                     "apiVersion", "gateway.networking.k8s.io/v1", "kind", "Gateway", "metadata",
                     "name", name, "namespace", "infra", "spec", "gatewayClassName", "gg",
                     "listeners", "name", "https", "port", 443, "protocol", "HTTPS", "hostname",
                     host, "tls", "certificateRefs", "name", "wildcard", "allowedRoutes",
                     "namespaces", "from", "Selector", "selector", "matchLabels", "tier", "apps",
                     "name", "http", "port", 80, "protocol", "HTTP", "allowedRoutes", "namespaces",
                     "from", "Same");
}

static json_t *grant_obj(unsigned shared, unsigned ns)
{
    char name[32], target[32], from[32];
    snprintf(name, sizeof(name), "team-%04u", ns);
    snprintf(target, sizeof(target), "shared-%02u", shared);
    snprintf(from, sizeof(from), "team-%04u", ns);
    return json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:[{s:s, s:s, s:s}], s:[{s:s, s:s}]}}",
                     "apiVersion", "gateway.networking.k8s.io/v1beta1", "kind", "ReferenceGrant",
                     "metadata", "name", name, "namespace", target, "spec", "from", "group",
                     "gateway.networking.k8s.io", "kind", "HTTPRoute", "namespace", from, "to",
                     "group", "", "kind", "Service");
}

static json_t *service_obj(const char *ns, const char *name)
{
    return json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:[{s:i}]}}", "apiVersion", "v1", "kind",
                     "Service", "metadata", "name", name, "namespace", ns, "spec", "ports", "port",
                     8080);
}

/* Route <i> of namespace <ns> on Gateway <g>; <tag> keeps new routes apart. */
static json_t *route_obj(unsigned i, unsigned ns, unsigned g, unsigned namespaces, const char *tag)
{
    char name[48], nsname[32], gw[32], host[128], path[32], shared[32];
    snprintf(name, sizeof(name), "%sroute-%06u", tag, i);
    snprintf(nsname, sizeof(nsname), "team-%04u", ns);
    snprintf(gw, sizeof(gw), "gw-%03u", g);
    snprintf(host, sizeof(host), "%s%ssvc%u.%s.zone%u.example.com", i % 2 ? "*." : "", tag, i,
             nsname, g);
    snprintf(path, sizeof(path), "/api/v%u", i % 3 + 1);
    json_t *backends = json_pack("[{s:s, s:i}]", "name", "web", "port", 8080);
    if (i % 10 == 0) {
        snprintf(shared, sizeof(shared), "shared-%02u", ns % SHARED);
        json_array_append_new(backends, json_pack("{s:s, s:s, s:i, s:i}", "name", "db", "namespace",
                                                  shared, "port", 5432, "weight", 1));
    }
    (void)namespaces;
    return json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:[{s:s, s:s, s:s}], s:[s], s:["
                     "{s:[{s:{s:s, s:s}, s:[{s:s, s:s}]}], s:o},"
                     "{s:[{s:{s:s, s:s}, s:s}], s:[{s:s, s:i}]}]}}",
                     "apiVersion", "gateway.networking.k8s.io/v1", "kind", "HTTPRoute", "metadata",
                     "name", name, "namespace", nsname, "spec", "parentRefs", "name", gw,
                     "namespace", "infra", "sectionName", "https", "hostnames", host, "rules",
                     "matches", "path", "type", "PathPrefix", "value", path, "headers", "name",
                     "x-tenant", "value", nsname, "backendRefs", backends, "matches", "path",
                     "type", "Exact", "value", "/healthz", "method", "GET", "backendRefs", "name",
                     "web", "port", 8080);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double put_timed(struct gg_store *s, json_t *j)
{
    double t0 = now();
    if (gg_store_put_json(s, j) < 0) {
        fprintf(stderr, "bench_store: object not storable\n");
        exit(1);
    }
    double t = now() - t0;
    json_decref(j);
    return t;
}

int main(int argc, char **argv)
{
    unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 100000;
    unsigned checks = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 20000;
    unsigned namespaces = n / 20 ? n / 20 : 1;
    struct gg_store *s = gg_store_new();
    struct gg_policy *pol = NULL;
    if (getenv("GG_BENCH_POLICY")) {
        char err[256];
        pol = gg_policy_load(getenv("GG_BENCH_POLICY"), err, sizeof(err));
        if (!pol) {
            fprintf(stderr, "bench_store: %s\n", err);
            return 2;
        }
    }

    /* the cluster around the routes: not counted per route */
    double t_ctx = 0;
    for (unsigned i = 0; i < namespaces; i++) {
        char name[32];
        snprintf(name, sizeof(name), "team-%04u", i);
        t_ctx += put_timed(s, namespace_obj(i));
        t_ctx += put_timed(s, service_obj(name, "web"));
        if (i < SHARED * 100)
            t_ctx += put_timed(s, grant_obj(i % SHARED, i));
    }
    for (unsigned k = 0; k < SHARED; k++) {
        char name[32];
        snprintf(name, sizeof(name), "shared-%02u", k);
        t_ctx += put_timed(s, service_obj(name, "db"));
    }
    for (unsigned g = 0; g < GATEWAYS; g++)
        t_ctx += put_timed(s, gateway_obj(g));
    long rss_before = max_rss_kib();

    double t_routes = 0;
    for (unsigned i = 0; i < n; i++)
        t_routes += put_timed(s, route_obj(i, i % namespaces, rnd(GATEWAYS), namespaces, ""));
    long rss_after = max_rss_kib();

    /* new routes, not stored, each checked against the whole store */
    double *t = malloc(checks * sizeof(*t));
    size_t errors = 0, warnings = 0;
    for (unsigned pass = 0; pass < 2; pass++) { /* the first pass warms caches */
        for (unsigned i = 0; i < checks; i++) {
            struct gg_errs e;
            gg_errs_init(&e);
            /* as in admission, the object was just decoded: build it now */
            json_t *obj = route_obj(i, rnd(namespaces), rnd(GATEWAYS), namespaces, "new-");
            double t0 = now();
            gg_cross_check(s, pol, obj, NULL, &e);
            t[i] = now() - t0;
            json_decref(obj);
            if (pass) {
                errors += e.n_errors;
                warnings += e.n - e.n_errors;
            }
            gg_errs_clear(&e);
        }
    }
    qsort(t, checks, sizeof(*t), cmp_double);

    double median = t[checks / 2], p99 = t[(size_t)(checks * 0.99)];
    double p90 = t[(size_t)(checks * 0.90)], p999 = t[(size_t)(checks * 0.999)];

    printf("routes %u  namespaces %u  gateways %u\n", n, namespaces, GATEWAYS);
    printf("  load: %.3f s for the routes (%.2f us each), %.3f s for %zu other objects\n", t_routes,
           t_routes / n * 1e6, t_ctx,
           gg_store_count(s, GG_KIND_NAMESPACE) + gg_store_count(s, GG_KIND_SERVICE) +
               gg_store_count(s, GG_KIND_REFERENCEGRANT) + gg_store_count(s, GG_KIND_GATEWAY));
    printf("  peak RSS: %.0f bytes per route (%ld KiB before the routes, %ld KiB after)\n",
           (double)(rss_after - rss_before) * 1024.0 / n, rss_before, rss_after);
    printf("  check of one new route: median %.2f us, p99 %.2f us (%u routes; %zu errors, %zu "
           "warnings)\n",
           median * 1e6, p99 * 1e6, checks, errors, warnings);
    printf("  distribution: p90 %.2f us, p99.9 %.2f us, max %.2f us\n", p90 * 1e6, p999 * 1e6,
           t[checks - 1] * 1e6);
    printf("RESULT %u %.3f %.0f %.2f %.2f\n", n, t_routes,
           (double)(rss_after - rss_before) * 1024.0 / n, median * 1e6, p99 * 1e6);

    free(t);
    gg_store_free(s);
    gg_policy_unref(pol);
    return 0;
}
