/* SPDX-License-Identifier: Apache-2.0 */
/* `gateguard proxy`: flags and wiring for the data plane (proxy/dataplane.c)
 * serving the routing table built from a source of cluster state, the status
 * controller (proxy/controller.c) over the same store, its writer and Lease
 * in a cluster (kube/status_write.c, kube/lease.c), and the admin port that
 * serves /status and /metrics. Exit 0 after SIGTERM or SIGINT, 2 on a usage or
 * startup error. */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "kube/client.h"
#include "kube/config.h"
#include "kube/dir.h"
#include "kube/lease.h"
#include "kube/status_write.h"
#include "kube/watch.h"
#include "proxy/admin.h"
#include "proxy/controller.h"
#include "proxy/dataplane.h"
#include "proxy/route_table.h"
#include "proxy/table_feed.h"
#include "validation/validate.h"
#include "obs/log.h"
#include "sync/view.h"

static const char usage[] =
    "usage: gateguard proxy --source dir:PATH|kube [--kubeconfig FILE]\n"
    "                       [--controller-name NAME] [--gateway-class NAME]\n"
    "                       [--gateway-addresses CIDR | --gateway-address ADDR ...]\n"
    "                       [--bundle-version VERSION] [--admin-listen ADDR:PORT]\n"
    "                       [--print-status] [--leader-elect=true|false]\n"
    "                       [--lease-name NAME] [--lease-namespace NS] [--identity ID]\n"
    "                       [--port-offset N] [--listen-address ADDR] [--log-level LEVEL]\n"
    "\n"
    "Serves the HTTPRoutes attached to our Gateways on every HTTP and HTTPS listener's\n"
    "port (plus --port-offset), TLS terminated with the listener's certificateRefs, and\n"
    "runs the status controller: the Gateway API status of the GatewayClasses whose\n"
    "controllerName is ours, their Gateways and ListenerSets and the routes attached\n"
    "to them, computed whenever the source changes. With --source kube the statuses are\n"
    "written to the cluster (only what changed) by the replica holding the Lease;\n"
    "every replica serves the statuses as JSON at /status on the admin port.\n"
    "\n"
    "  --source dir:PATH        a folder of manifests, re-read when it changes\n"
    "  --source kube            the Kubernetes API (list + watch)\n"
    "  --kubeconfig FILE        for --source kube (default: $KUBECONFIG, in-cluster,\n"
    "                           then ~/.kube/config)\n"
    "  --controller-name NAME   the controllerName we own (default " GG_CONTROLLER_NAME ")\n"
    "  --gateway-class NAME     own only this GatewayClass (default: every class with\n"
    "                           our controllerName)\n"
    "  --gateway-addresses CIDR each Gateway's status address comes from this IPv4 pool\n"
    "  --gateway-address ADDR   or every Gateway reports ADDR (an IP or a hostname;\n"
    "                           repeatable)\n"
    "  --bundle-version VERSION the CRDs' gateway.networking.k8s.io/bundle-version, for\n"
    "                           the GatewayClass SupportedVersion condition (default: not\n"
    "                           known, no such condition)\n"
    "  --admin-listen ADDR:PORT /healthz, /status and /metrics (default 127.0.0.1:9901)\n"
    "  --port-offset N          listen on each listener's port + N (default 0), so the\n"
    "                           proxy runs unprivileged\n"
    "  --listen-address ADDR    the address Gateways without one of their own listen on\n"
    "                           (default 0.0.0.0)\n"
    "  --print-status           print the statuses as YAML (kubectl get -o yaml style)\n"
    "                           once the source is read, and exit\n"
    "  --leader-elect BOOL      elect one writer with a Lease (default true with\n"
    "                           --source kube)\n"
    "  --lease-name NAME        the Lease (default gateguard-status-controller)\n"
    "  --lease-namespace NS     its namespace (default $POD_NAMESPACE, else default)\n"
    "  --identity ID            this replica's name in the Lease (default $POD_NAME,\n"
    "                           else host-pid)\n"
    "  --log-level LEVEL        debug, info (default), warn or error\n"
    "  -h, --help               show this help\n";

enum {
    OPT_SOURCE = 1,
    OPT_KUBECONFIG,
    OPT_CONTROLLER,
    OPT_CLASS,
    OPT_POOL,
    OPT_ADDRESS,
    OPT_BUNDLE,
    OPT_ADMIN,
    OPT_PRINT,
    OPT_ELECT,
    OPT_LEASE_NAME,
    OPT_LEASE_NS,
    OPT_IDENTITY,
    OPT_LOG_LEVEL,
    OPT_PORT_OFFSET,
    OPT_LISTEN_ADDRESS,
};

static const struct option options[] = {
    {"source", required_argument, NULL, OPT_SOURCE},
    {"kubeconfig", required_argument, NULL, OPT_KUBECONFIG},
    {"controller-name", required_argument, NULL, OPT_CONTROLLER},
    {"gateway-class", required_argument, NULL, OPT_CLASS},
    {"gateway-addresses", required_argument, NULL, OPT_POOL},
    {"gateway-address", required_argument, NULL, OPT_ADDRESS},
    {"bundle-version", required_argument, NULL, OPT_BUNDLE},
    {"admin-listen", required_argument, NULL, OPT_ADMIN},
    {"print-status", no_argument, NULL, OPT_PRINT},
    {"leader-elect", required_argument, NULL, OPT_ELECT},
    {"lease-name", required_argument, NULL, OPT_LEASE_NAME},
    {"lease-namespace", required_argument, NULL, OPT_LEASE_NS},
    {"identity", required_argument, NULL, OPT_IDENTITY},
    {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
    {"port-offset", required_argument, NULL, OPT_PORT_OFFSET},
    {"listen-address", required_argument, NULL, OPT_LISTEN_ADDRESS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

#define usage_error(...) gg_cmd_usage_error("proxy", __VA_ARGS__)
#define MAX_ADDRESSES 16

/* The source feeds the store (the view) first, then the routing table and
 * the controller. */
struct wiring {
    struct gg_view *view;
    struct gg_controller *ctrl;
    struct gg_dataplane *dp;
    struct gg_table_feed *feed;
    atomic_bool synced;
};

static void source_cb(void *ctx, enum gg_source_event ev, const char *kind, const json_t *obj,
                      const char *message)
{
    struct wiring *w = ctx;
    gg_view_source_cb(w->view, ev, kind, obj, message);
    if (ev == GG_SOURCE_SYNCED)
        atomic_store(&w->synced, true);
    if (w->feed && atomic_load(&w->synced))
        gg_table_feed_kick(w->feed);
    if (w->ctrl)
        gg_controller_observe(w->ctrl, ev, kind, obj);
}

static int metrics_page(void *ctx, struct gg_buf *out, const char **type)
{
    struct wiring *w = ctx;
    gg_dataplane_metrics(w->dp, out);
    gg_table_feed_metrics(w->feed, out);
    *type = "text/plain; version=0.0.4";
    return 200;
}

static int status_page(void *ctx, struct gg_buf *out, const char **type)
{
    gg_controller_status_json(ctx, out);
    *type = "application/json";
    return 200;
}

static int write_cb(void *ctx, const struct gg_status_entry *e, const json_t *live, char *err,
                    size_t errlen)
{
    long status;
    int rc =
        gg_kube_status_write(ctx, e->kind, e->ns, e->name, e->status, live, &status, err, errlen);
    if (rc && status == 404)
        return 1;
    return rc ? -1 : 0;
}

static bool elect_cb(void *ctx)
{
    struct gg_kube_lease *l = ctx;
    bool was = l->is_leader;
    char err[512];
    if (gg_kube_lease_step(l, err, sizeof(err)) != 0)
        gg_log(GG_LOG_WARN, "lease_error", "{s:s}", "error", err);
    if (l->is_leader != was)
        gg_log(GG_LOG_INFO, l->is_leader ? "lease_acquired" : "lease_lost", "{s:s,s:s,s:s}",
               "lease", l->name, "namespace", l->ns, "identity", l->identity);
    return l->is_leader;
}

static void log_cb(void *ctx, const json_t *line)
{
    (void)ctx;
    const char *lv = json_string_value(json_object_get(line, "level"));
    const char *ev = json_string_value(json_object_get(line, "event"));
    gg_log(lv && strcmp(lv, "error") == 0 ? GG_LOG_ERROR : GG_LOG_INFO, ev ? ev : "controller",
           "{s:s?,s:s?,s:s?,s:s?}", "kind", json_string_value(json_object_get(line, "kind")),
           "namespace", json_string_value(json_object_get(line, "object")), "name",
           json_string_value(json_object_get(line, "name")), "message",
           json_string_value(json_object_get(line, "message")));
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int gg_cmd_proxy(int argc, char **argv)
{
    const char *source = NULL, *kubeconfig = NULL, *pool_cidr = NULL, *admin_listen = NULL;
    const char *lease_name = "gateguard-status-controller", *lease_ns = NULL, *identity = NULL;
    const char *addresses[MAX_ADDRESSES];
    size_t n_addresses = 0;
    int print = 0, elect = -1;
    struct gg_controller_config cc = {0};
    struct gg_dataplane_config dcfg = {0};
    char err[512];

    optind = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case OPT_SOURCE:
            if (strcmp(optarg, "kube") != 0 && (strncmp(optarg, "dir:", 4) != 0 || !optarg[4]))
                return usage_error("--source %s: want dir:PATH or kube", optarg);
            source = optarg;
            break;
        case OPT_KUBECONFIG:
            kubeconfig = optarg;
            break;
        case OPT_CONTROLLER:
            cc.status.own.controller_name = optarg;
            break;
        case OPT_CLASS:
            cc.status.own.gateway_class = optarg;
            break;
        case OPT_POOL:
            pool_cidr = optarg;
            break;
        case OPT_ADDRESS:
            if (n_addresses == MAX_ADDRESSES)
                return usage_error("--gateway-address: at most %d", MAX_ADDRESSES);
            addresses[n_addresses++] = optarg;
            break;
        case OPT_BUNDLE:
            cc.status.bundle_version = optarg;
            break;
        case OPT_ADMIN:
            admin_listen = optarg;
            break;
        case OPT_PORT_OFFSET: {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || end == optarg || v < 0 || v > 65535)
                return usage_error("--port-offset %s: want 0 to 65535", optarg);
            dcfg.port_offset = (int)v;
            break;
        }
        case OPT_LISTEN_ADDRESS:
            dcfg.listen_address = optarg;
            break;
        case OPT_PRINT:
            print = 1;
            break;
        case OPT_ELECT:
            if (strcmp(optarg, "true") != 0 && strcmp(optarg, "false") != 0)
                return usage_error("--leader-elect %s: want true or false", optarg);
            elect = strcmp(optarg, "true") == 0;
            break;
        case OPT_LEASE_NAME:
            lease_name = optarg;
            break;
        case OPT_LEASE_NS:
            lease_ns = optarg;
            break;
        case OPT_IDENTITY:
            identity = optarg;
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
    if (!source)
        return usage_error("%s", "--source dir:PATH or --source kube is required");
    bool is_kube = strcmp(source, "kube") == 0;
    if (kubeconfig && !is_kube)
        return usage_error("--kubeconfig %s: only with --source kube", kubeconfig);
    if (pool_cidr && n_addresses)
        return usage_error("%s", "--gateway-addresses and --gateway-address exclude each other");
    if (elect == 1 && !is_kube)
        return usage_error("%s", "--leader-elect true: only with --source kube");
    struct gg_address_pool pool;
    if (pool_cidr && gg_address_pool_parse(pool_cidr, &pool, err, sizeof(err)) != 0)
        return usage_error("--gateway-addresses: %s", err);
    cc.status.pool = pool_cidr ? &pool : NULL;
    cc.status.addresses = addresses;
    cc.status.n_addresses = n_addresses;
    if (elect < 0)
        elect = is_kube && !print;

    if (gg_validate_init(err, sizeof(err)) != 0) {
        gg_log(GG_LOG_ERROR, "startup_failed", "{s:s}", "error", err);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    int rc = 2;
    struct gg_kube_config kcfg;
    gg_kube_config_init(&kcfg);
    struct gg_kube_client *client = NULL;
    struct gg_kube_lease lease = {0};
    struct gg_admin *admin = NULL;
    struct gg_source *src = NULL;
    struct wiring w = {0};
    char ident[300];
    struct gg_view_config vcfg = {.trust_source = is_kube};
    if (!(w.view = gg_view_new(&vcfg, err, sizeof(err))))
        goto out_err;
    if (is_kube) {
        if (gg_kube_config_load(&kcfg, kubeconfig, err, sizeof(err)) != 0 ||
            !(client = gg_kube_client_new(&kcfg, err, sizeof(err))))
            goto out_err;
        if (!print) {
            cc.write = write_cb;
            cc.write_ctx = client;
        }
        if (elect) {
            if (!identity)
                identity = getenv("POD_NAME");
            if (!identity) {
                char host[256] = "gateguard";
                gethostname(host, sizeof(host) - 1);
                snprintf(ident, sizeof(ident), "%s-%ld", host, (long)getpid());
                identity = ident;
            }
            if (!lease_ns)
                lease_ns = getenv("POD_NAMESPACE");
            gg_kube_lease_init(&lease, client, lease_ns ? lease_ns : "default", lease_name,
                               identity, 15);
            cc.elect = elect_cb;
            cc.elect_ctx = &lease;
        }
    }
    cc.store = gg_view_store(w.view);
    cc.log = log_cb;
    if (!print) {
        w.ctrl = gg_controller_new(&cc);
        if (!(admin =
                  gg_admin_new(admin_listen ? admin_listen : "127.0.0.1:9901", err, sizeof(err))))
            goto out_err;
        gg_admin_handle(admin, "/status", status_page, w.ctrl);
        w.dp = gg_dataplane_new(&dcfg);
        struct gg_route_table_opts topts = {
            .controller_name = cc.status.own.controller_name,
            .gateway_class = cc.status.own.gateway_class,
            .address_pool = pool_cidr,
        };
        w.feed = gg_table_feed_new(gg_view_store(w.view), w.dp, &topts);
        gg_admin_handle(admin, "/metrics", metrics_page, &w);
        gg_log(GG_LOG_INFO, "admin_listening", "{s:i}", "port", gg_admin_port(admin));
    }
    /* TLS data tells a malformed Secret from a good one (InvalidCertificateRef) */
    struct gg_kube_watch_opts wopts = {.watch_endpoints = true, .secret_data = true};
    src = is_kube ? gg_source_kube_new_opts(&kcfg, &wopts, source_cb, &w, err, sizeof(err))
                  : gg_source_dir_new(source + 4, source_cb, &w, err, sizeof(err));
    if (!src)
        goto out_err;

    if (print) {
        /* bounded: a source that never syncs is reported, not waited for */
        for (int i = 0; i < 600 && !atomic_load(&w.synced); i++)
            sleep_ms(100);
        if (!atomic_load(&w.synced)) {
            snprintf(err, sizeof(err), "the source did not sync within 60 s");
            goto out_err;
        }
        gg_source_free(src);
        src = NULL;
        struct gg_controller *tmp = gg_controller_new(&cc);
        struct gg_status_set st;
        gg_controller_compute(tmp, &st);
        struct gg_buf b;
        gg_buf_init(&b);
        gg_status_set_yaml(&st, &b);
        fwrite(b.data ? b.data : "", 1, b.len, stdout);
        gg_buf_clear(&b);
        gg_status_set_clear(&st);
        gg_controller_free(tmp);
        rc = 0;
        goto out;
    }

    int sig = 0;
    while (sigwait(&set, &sig) != 0)
        ;
    gg_log(GG_LOG_INFO, "signal", "{s:s}", "signal", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    rc = 0;
    goto out;

out_err:
    gg_log(GG_LOG_ERROR, "startup_failed", "{s:s}", "error", err);
out:
    gg_source_free(src);
    gg_table_feed_free(w.feed);
    gg_dataplane_free(w.dp);
    gg_controller_free(w.ctrl);
    if (lease.name) {
        if (gg_kube_lease_release(&lease, err, sizeof(err)) != 0)
            gg_log(GG_LOG_WARN, "lease_release_failed", "{s:s}", "error", err);
        gg_kube_lease_clear(&lease);
    }
    gg_admin_free(admin);
    gg_view_free(w.view);
    gg_kube_client_free(client);
    gg_kube_config_clear(&kcfg);
    return rc;
}
