/* SPDX-License-Identifier: Apache-2.0 */
/* bench-validate: decode and validate N realistic HTTPRoutes (a few
 * hostnames, 5 rules each, mixed matches and filters) from one YAML stream.
 * Reports YAML parsing throughput, single-core validation rate once parsed,
 * and peak RSS. usage: bench_validate [N] */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "validation/errs.h"
#include "validation/load.h"
#include "validation/validate.h"
#include "validation/xalloc.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void route(struct gg_buf *b, int i)
{
    int ns = i % 500;
    gg_buf_addf(b,
                "---\n"
                "apiVersion: gateway.networking.k8s.io/v1\n"
                "kind: HTTPRoute\n"
                "metadata:\n"
                "  name: route-%d\n"
                "  namespace: team-%d\n"
                "  labels:\n"
                "    app.kubernetes.io/name: svc-%d\n"
                "spec:\n"
                "  parentRefs:\n"
                "  - name: public-gateway\n"
                "    namespace: platform\n"
                "    sectionName: https\n"
                "  hostnames:\n"
                "  - app-%d.example.com\n"
                "  - app-%d.team-%d.example.com\n"
                "  - \"*.app-%d.example.net\"\n"
                "  rules:\n",
                i, ns, i, i, i, ns, i);
    gg_buf_addf(b,
                "  - matches:\n"
                "    - path: {type: PathPrefix, value: /api/v1/orders}\n"
                "      method: GET\n"
                "    - path: {type: Exact, value: /api/v1/orders/search}\n"
                "      headers:\n"
                "      - {name: X-Tenant, value: tenant-%d}\n"
                "    backendRefs:\n"
                "    - {name: orders-%d, port: 8080, weight: 90}\n"
                "    - {name: orders-canary-%d, port: 8080, weight: 10}\n",
                i, i, i);
    gg_buf_addf(b, "  - matches:\n"
                   "    - path: {type: PathPrefix, value: /static}\n"
                   "    filters:\n"
                   "    - type: ResponseHeaderModifier\n"
                   "      responseHeaderModifier:\n"
                   "        set:\n"
                   "        - {name: Cache-Control, value: \"max-age=3600\"}\n"
                   "        remove: [X-Powered-By]\n"
                   "    backendRefs:\n"
                   "    - {name: static, port: 80}\n");
    gg_buf_addf(b, "  - matches:\n"
                   "    - path: {type: PathPrefix, value: /old}\n"
                   "    filters:\n"
                   "    - type: RequestRedirect\n"
                   "      requestRedirect:\n"
                   "        scheme: https\n"
                   "        statusCode: 301\n"
                   "        path: {type: ReplacePrefixMatch, replacePrefixMatch: /new}\n");
    gg_buf_addf(b,
                "  - matches:\n"
                "    - path: {type: RegularExpression, value: \"/users/[0-9]+/profile\"}\n"
                "      queryParams:\n"
                "      - {name: version, type: Exact, value: \"2\"}\n"
                "    filters:\n"
                "    - type: URLRewrite\n"
                "      urlRewrite:\n"
                "        hostname: users.internal\n"
                "        path: {type: ReplaceFullPath, replaceFullPath: /profile}\n"
                "    - type: RequestHeaderModifier\n"
                "      requestHeaderModifier:\n"
                "        add:\n"
                "        - {name: X-Request-Source, value: gateway}\n"
                "    backendRefs:\n"
                "    - {name: users-%d, port: 9000}\n",
                i);
    gg_buf_addf(b, "  - matches:\n"
                   "    - path: {type: PathPrefix, value: /}\n"
                   "    filters:\n"
                   "    - type: RequestMirror\n"
                   "      requestMirror:\n"
                   "        backendRef: {name: shadow, port: 8080}\n"
                   "        percent: 5\n"
                   "    timeouts: {request: 10s, backendRequest: 2s}\n"
                   "    backendRefs:\n"
                   "    - {name: web, port: 8080}\n");
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 10000;
    char err[512];
    if (gg_validate_init(err, sizeof(err)) < 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    struct gg_buf b;
    gg_buf_init(&b);
    for (int i = 0; i < n; i++)
        route(&b, i);

    struct gg_docs docs;
    gg_docs_init(&docs);
    double t0 = now();
    if (gg_load_buffer(&docs, "bench.yaml", b.data, b.len, err, sizeof(err)) < 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    double t1 = now();

    /* hot: each object validated right after it was decoded, as the webhook
     * does; a fresh copy stands in for the decode, outside the timing */
    struct gg_errs errs;
    gg_errs_init(&errs);
    double hot = 0;
    for (size_t i = 0; i < docs.n; i++) {
        json_t *copy = json_deep_copy(docs.items[i].obj);
        double a = now();
        gg_validate_object(copy, NULL, &errs);
        hot += now() - a;
        json_decref(copy);
    }

    /* batch: all objects decoded first, then validated in one pass; the
     * trees no longer fit in cache, so this is bound by memory latency */
    double t1b = now();
    for (size_t i = 0; i < docs.n; i++)
        gg_validate_object(docs.items[i].obj, NULL, &errs);
    double t2 = now();
    if (errs.n_errors || errs.n) {
        struct gg_buf l;
        gg_buf_init(&l);
        gg_err_render(&errs.items[0], &l);
        fprintf(stderr, "bench input is not valid: %s\n", l.data);
        return 1;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double mb = (double)b.len / 1e6;
    printf("routes           %zu (5 rules each), YAML %.1f MB\n", docs.n, mb);
    printf("yaml parse       %.3f s  %.1f MB/s  %.0f routes/s\n", t1 - t0, mb / (t1 - t0),
           (double)docs.n / (t1 - t0));
    printf("validate (hot)   %.3f s  %.0f routes/s  %.2f us/route (one core, each right after "
           "decoding)\n",
           hot, (double)docs.n / hot, hot * 1e6 / (double)docs.n);
    printf("validate (batch) %.3f s  %.0f routes/s  %.2f us/route (one core, all decoded first)\n",
           t2 - t1b, (double)docs.n / (t2 - t1b), (t2 - t1b) * 1e6 / (double)docs.n);
    printf("decode+validate  %.0f routes/s\n", (double)docs.n / ((t1 - t0) + (t2 - t1b)));
    printf("peak RSS         %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
    gg_errs_clear(&errs);
    gg_docs_clear(&docs);
    gg_buf_clear(&b);
    return 0;
}
