/* SPDX-License-Identifier: Apache-2.0 */
/* Runs one source (kube/watch.c or kube/dir.c) and prints each event it
 * sends as a JSON line on stdout, for tests/integration/kube_source.sh to
 * assert on. Runs until SIGTERM or SIGINT, then stops the source and prints
 * {"event":"STOPPED"}. Not part of gateguard.
 *
 * usage: kube_source_driver [--kubeconfig FILE | --in-cluster SA_DIR | --dir PATH]
 *                           [--watch-timeout S] [--backoff MS:MS] [--recheck S]
 *                           [--page-limit N] [--endpoints 1] [--secret-data 1]
 * Secrets and EndpointSlices are also shown as the model decodes them: the
 * length of tls.key (never its bytes) and the Service a slice belongs to. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kube/config.h"
#include "kube/dir.h"
#include "kube/watch.h"
#include "validation/model.h"

static struct timespec t0;

static long elapsed_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (ts.tv_sec - t0.tv_sec) * 1000 + (ts.tv_nsec - t0.tv_nsec) / 1000000;
}

static json_t *brief(const json_t *obj)
{
    const json_t *meta = json_object_get(obj, "metadata");
    const char *ns = json_string_value(json_object_get(meta, "namespace"));
    const char *name = json_string_value(json_object_get(meta, "name"));
    char id[512];
    snprintf(id, sizeof(id), "%s%s%s", ns ? ns : "", ns ? "/" : "", name ? name : "?");
    json_t *b = json_pack("{s:s, s:s?, s:s?, s:s?, s:b}", "name", id, "apiVersion",
                          json_string_value(json_object_get(obj, "apiVersion")), "kind",
                          json_string_value(json_object_get(obj, "kind")), "rv",
                          json_string_value(json_object_get(meta, "resourceVersion")), "data",
                          json_object_get(obj, "data") != NULL);
    struct gg_object *o = gg_model_decode(obj);
    if (o && o->kind == GG_KIND_SECRET && o->u.secret.tls_key.state == GG_BLOB_OK)
        json_object_set_new(b, "tls_key_len", json_integer(o->u.secret.tls_key.len));
    if (o && o->kind == GG_KIND_ENDPOINTSLICE && o->u.endpointslice.service_name)
        json_object_set_new(b, "service", json_string(o->u.endpointslice.service_name));
    gg_object_free(o);
    return b;
}

static void print(json_t *line)
{
    json_object_set_new(line, "t", json_integer(elapsed_ms()));
    char *s = json_dumps(line, JSON_COMPACT);
    printf("%s\n", s);
    fflush(stdout);
    free(s);
    json_decref(line);
}

static void on_event(void *ctx, enum gg_source_event ev, const char *kind, const json_t *objs,
                     const char *message)
{
    (void)ctx;
    static const char *const names[] = {"REPLACE", "UPSERT", "DELETE", "SYNCED", "ERROR"};
    json_t *line = json_pack("{s:s}", "event", names[ev]);
    if (kind)
        json_object_set_new(line, "kind", json_string(kind));
    if (message)
        json_object_set_new(line, "message", json_string(message));
    if (ev == GG_SOURCE_REPLACE) {
        json_t *items = json_array();
        size_t i;
        const json_t *o;
        json_array_foreach(objs, i, o) json_array_append_new(items, brief(o));
        json_object_set_new(line, "items", items);
    } else if (objs) {
        json_object_set_new(line, "object", brief(objs));
    }
    print(line);
}

static int usage(void)
{
    fprintf(stderr, "usage: kube_source_driver [--kubeconfig FILE | --in-cluster SA_DIR | "
                    "--dir PATH] [--watch-timeout S] [--backoff MS:MS] [--recheck S] "
                    "[--page-limit N] [--endpoints 1] [--secret-data 1]\n");
    return 2;
}

int main(int argc, char **argv)
{
    clock_gettime(CLOCK_MONOTONIC, &t0);
    const char *kubeconfig = NULL, *sa_dir = NULL, *dir = NULL;
    struct gg_kube_watch_opts opts = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            return usage();
        i++;
        if (!strcmp(a, "--kubeconfig"))
            kubeconfig = v;
        else if (!strcmp(a, "--in-cluster"))
            sa_dir = v;
        else if (!strcmp(a, "--dir"))
            dir = v;
        else if (!strcmp(a, "--watch-timeout"))
            opts.watch_timeout_s = (unsigned)atoi(v);
        else if (!strcmp(a, "--backoff"))
            sscanf(v, "%u:%u", &opts.backoff_initial_ms, &opts.backoff_max_ms);
        else if (!strcmp(a, "--recheck"))
            opts.missing_recheck_s = (unsigned)atoi(v);
        else if (!strcmp(a, "--page-limit"))
            opts.page_limit = (unsigned)atoi(v);
        else if (!strcmp(a, "--endpoints"))
            opts.watch_endpoints = atoi(v) != 0;
        else if (!strcmp(a, "--secret-data"))
            opts.secret_data = atoi(v) != 0;
        else
            return usage();
    }

    /* the sources' threads block every signal; this one waits for them */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    char err[1024];
    struct gg_source *src;
    struct gg_kube_config cfg;
    gg_kube_config_init(&cfg);
    if (dir) {
        src = gg_source_dir_new(dir, on_event, NULL, err, sizeof(err));
    } else {
        int rc = sa_dir ? gg_kube_config_incluster(&cfg, sa_dir, err, sizeof(err))
                        : gg_kube_config_load(&cfg, kubeconfig, err, sizeof(err));
        src =
            rc == 0 ? gg_source_kube_new_opts(&cfg, &opts, on_event, NULL, err, sizeof(err)) : NULL;
    }
    gg_kube_config_clear(&cfg);
    if (!src) {
        fprintf(stderr, "kube_source_driver: %s\n", err);
        return 1;
    }
    int sig;
    sigwait(&set, &sig);
    gg_source_free(src);
    print(json_pack("{s:s}", "event", "STOPPED"));
    return 0;
}
