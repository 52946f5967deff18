/* SPDX-License-Identifier: Apache-2.0 */
/* `gateguard webhook`: flags, wiring and signals around webhook/server.c
 * (TLS, admin port, certificate rotation) and webhook/admission.c (the
 * AdmissionReview), with the validation engine behind the admission
 * callback. Exit 0 after SIGTERM or SIGINT once every request finished, 1
 * when the drain deadline cut requests, 2 on a usage or startup error. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "kube/config.h"
#include "kube/dir.h"
#include "kube/watch.h"
#include "validation/errs.h"
#include "validation/validate.h"
#include "webhook/admission.h"
#include "webhook/json_arena.h"
#include "obs/log.h"
#include "obs/metrics.h"
#include "webhook/server.h"
#include "sync/view.h"
#include "webhook/review.h"

static const char usage[] =
    "usage: gateguard webhook --tls-cert FILE --tls-key FILE [--listen ADDR:PORT]\n"
    "                         [--admin-listen ADDR:PORT] [--source dir:PATH|kube]\n"
    "                         [--kubeconfig FILE] [--policy FILE]\n"
    "                         [--threads N] [--max-connections N] [--idle-timeout SECONDS]\n"
    "                         [--log-level LEVEL]\n"
    "\n"
    "Serves Gateway API AdmissionReviews (admission.k8s.io/v1) on POST /validate over\n"
    "TLS, and /healthz, /readyz, /metrics and /violations over plain HTTP on the admin\n"
    "port. The certificate files are re-read when they change (and on SIGHUP) without\n"
    "dropping connections. SIGTERM stops accepting, lets requests in flight finish\n"
    "and exits 0. Logs are JSON lines on stderr.\n"
    "\n"
    "  --tls-cert FILE          PEM certificate chain, leaf first (e.g. tls.crt)\n"
    "  --tls-key FILE           PEM private key (e.g. tls.key)\n"
    "  --listen ADDR:PORT       reviews over TLS (default :8443)\n"
    "  --admin-listen ADDR:PORT health, readiness and metrics (default :8081)\n"
    "  --source dir:PATH        the cluster view for cross-object checks: a folder of\n"
    "                           manifests, re-read when it changes\n"
    "  --source kube            the cluster view from the Kubernetes API (list + watch);\n"
    "                           /readyz turns ready once every kind was listed\n"
    "  --kubeconfig FILE        for --source kube (default: $KUBECONFIG, in-cluster,\n"
    "                           then ~/.kube/config)\n"
    "  --policy FILE            the ownership policy (docs/policy.md), re-read when it\n"
    "                           changes; a bad file keeps the old policy in force\n"
    "  Without --source, reviews get single-object validation only.\n"
    "  --threads N              worker threads for reviews (default: one per CPU)\n"
    "  --max-connections N      open connections on the review port (default 1024);\n"
    "                           more are closed as they arrive\n"
    "  --idle-timeout SECONDS   close a connection silent this long, in the TLS\n"
    "                           handshake or between requests (default 30)\n"
    "  --log-level LEVEL        debug, info (default), warn or error\n"
    "  -h, --help               show this help\n";

enum {
    OPT_CERT = 1,
    OPT_KEY,
    OPT_LISTEN,
    OPT_ADMIN,
    OPT_SOURCE,
    OPT_POLICY,
    OPT_THREADS,
    OPT_MAX_CONNS,
    OPT_IDLE,
    OPT_LOG_LEVEL,
    OPT_KUBECONFIG
};

static const struct option options[] = {
    {"tls-cert", required_argument, NULL, OPT_CERT},
    {"tls-key", required_argument, NULL, OPT_KEY},
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"admin-listen", required_argument, NULL, OPT_ADMIN},
    {"source", required_argument, NULL, OPT_SOURCE},
    {"policy", required_argument, NULL, OPT_POLICY},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"max-connections", required_argument, NULL, OPT_MAX_CONNS},
    {"idle-timeout", required_argument, NULL, OPT_IDLE},
    {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
    {"kubeconfig", required_argument, NULL, OPT_KUBECONFIG},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

#define usage_error(...) gg_cmd_usage_error("webhook", __VA_ARGS__)

/* A whole number from 1 to <max>. */
static int parse_count(const char *s, long max, unsigned *out)
{
    char *end;
    errno = 0;
    long n = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || errno != 0 || n < 1 || n > max)
        return -1;
    *out = (unsigned)n;
    return 0;
}

/* Without a source there is no view of the cluster: CREATE and UPDATE get
 * single-object validation (the old object feeds transition rules) and a
 * DELETE is allowed. gg_validate_object is thread-safe after gg_validate_init. */
static void validate_single(void *ctx, const struct gg_admission_request *req, struct gg_errs *errs)
{
    (void)ctx;
    if (req->object)
        gg_validate_object(req->object, req->old_object, errs);
}

static void set_ready(void *ctx)
{
    gg_server_set_ready(ctx, true);
}

int gg_cmd_webhook(int argc, char **argv)
{
    struct gg_server_config cfg = {0};
    const char *source = NULL, *policy = NULL, *kubeconfig = NULL;
    char err[512];

    optind = 0; /* glibc: start over, whoever parsed before */
    int c;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case OPT_CERT:
            cfg.cert_file = optarg;
            break;
        case OPT_KEY:
            cfg.key_file = optarg;
            break;
        case OPT_LISTEN:
            cfg.listen = optarg;
            break;
        case OPT_ADMIN:
            cfg.admin_listen = optarg;
            break;
        case OPT_SOURCE:
            if (strcmp(optarg, "kube") != 0 && (strncmp(optarg, "dir:", 4) != 0 || !optarg[4]))
                return usage_error("--source %s: want dir:PATH or kube", optarg);
            source = optarg;
            break;
        case OPT_KUBECONFIG:
            kubeconfig = optarg;
            break;
        case OPT_POLICY:
            policy = optarg;
            break;
        case OPT_THREADS:
            if (parse_count(optarg, 64, &cfg.threads) != 0)
                return usage_error("--threads %s: want a number from 1 to 64", optarg);
            break;
        case OPT_MAX_CONNS:
            if (parse_count(optarg, 65536, &cfg.max_connections) != 0)
                return usage_error("--max-connections %s: want a number from 1 to 65536", optarg);
            break;
        case OPT_IDLE:
            if (parse_count(optarg, 3600, &cfg.idle_timeout) != 0)
                return usage_error("--idle-timeout %s: want seconds, 1 to 3600", optarg);
            break;
        case OPT_LOG_LEVEL: {
            int level = gg_log_parse_level(optarg);
            if (level < 0)
                return usage_error("--log-level %s: want debug, info, warn or error", optarg);
            gg_log_set_level((enum gg_log_level)level);
            break;
        }
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            return usage_error("%s", "unknown or incomplete option");
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    if (!cfg.cert_file || !cfg.key_file)
        return usage_error("%s", "--tls-cert FILE and --tls-key FILE are required");
    if (policy && !source)
        return usage_error("--policy %s: the policy rules the cross-object checks, which need "
                           "--source",
                           policy);
    if (kubeconfig && (!source || strcmp(source, "kube") != 0))
        return usage_error("--kubeconfig %s: only with --source kube", kubeconfig);

    /* before any thread exists: jansson's allocator is process-wide */
    gg_json_arena_install();
    if (gg_validate_init(err, sizeof(err)) != 0) {
        gg_log(GG_LOG_ERROR, "startup_failed", "{s:s}", "error", err);
        return 2;
    }

    /* Signals go to this thread only: block them before any thread starts,
     * so the server's threads inherit the mask, then wait for them here. */
    signal(SIGPIPE, SIG_IGN);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    struct gg_metrics *metrics = gg_metrics_new();
    struct gg_kube_config kcfg;
    gg_kube_config_init(&kcfg);
    struct gg_view *view = NULL;
    struct gg_source *src = NULL;
    struct gg_server *srv = NULL;
    int is_kube = source && strcmp(source, "kube") == 0;
    if (is_kube && gg_kube_config_load(&kcfg, kubeconfig, err, sizeof(err)) != 0)
        goto startup_failed;
    if (source) {
        struct gg_view_config vcfg = {
            .policy_path = policy, .trust_source = is_kube, .metrics = metrics};
        if (!(view = gg_view_new(&vcfg, err, sizeof(err))))
            goto startup_failed;
    }

    struct gg_admission adm = {.validate = view ? gg_review_validate : validate_single,
                               .ctx = view};
    cfg.review = gg_admission_review;
    cfg.review_ctx = &adm;
    cfg.metrics = metrics;
    if (view) {
        cfg.violations = gg_view_violations;
        cfg.violations_ctx = view;
    }
    if (!(srv = gg_server_start(&cfg, err, sizeof(err))))
        goto startup_failed;
    if (!view) {
        /* nothing to sync: ready once reviews can be answered */
        gg_server_set_ready(srv, true);
    } else {
        /* ready after the source's first full sync: a review answered from
         * an empty view would miss every cross-object finding */
        gg_view_set_on_synced(view, set_ready, srv);
        src = is_kube ? gg_source_kube_new(&kcfg, gg_view_source_cb, view, err, sizeof(err))
                      : gg_source_dir_new(source + 4, gg_view_source_cb, view, err, sizeof(err));
        if (!src)
            goto startup_failed;
    }

    int sig = 0;
    for (;;) {
        if (sigwait(&set, &sig) != 0)
            continue;
        if (sig != SIGHUP)
            break;
        gg_log(GG_LOG_INFO, "signal", "{s:s}", "signal", "SIGHUP");
        gg_server_reload(srv);
        if (view)
            gg_view_reload_policy(view, err, sizeof(err));
    }
    gg_log(GG_LOG_INFO, "signal", "{s:s}", "signal", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    int rc = gg_server_shutdown(srv);
    gg_source_free(src);
    gg_server_free(srv);
    gg_view_free(view);
    gg_kube_config_clear(&kcfg);
    gg_metrics_free(metrics);
    return rc == 0 ? 0 : 1;

startup_failed:
    gg_log(GG_LOG_ERROR, "startup_failed", "{s:s}", "error", err);
    if (srv)
        gg_server_shutdown(srv);
    gg_source_free(src);
    gg_server_free(srv);
    gg_view_free(view);
    gg_kube_config_clear(&kcfg);
    gg_metrics_free(metrics);
    return 2;
}
