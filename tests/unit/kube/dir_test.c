/* SPDX-License-Identifier: Apache-2.0 */
/* The folder source against a temporary folder: the events it sends on
 * start, on changes and on broken files, counted and asserted; waits are on a
 * condition variable with a generous bound, never on time. */
#include <criterion/criterion.h>
#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kube/dir.h"
#include "validation/store.h"

struct rec {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int replace, synced, error, other;
    json_t *objs; /* a copy of the last REPLACE */
    char msg[1024];
    const char *kind; /* of the last REPLACE: must be NULL */
    int bad_order;    /* SYNCED before any REPLACE */
};

static void record(void *ctx, enum gg_source_event ev, const char *kind, const json_t *objs,
                   const char *message)
{
    struct rec *r = ctx;
    pthread_mutex_lock(&r->mu);
    switch (ev) {
    case GG_SOURCE_REPLACE:
        r->replace++;
        r->kind = kind;
        json_decref(r->objs);
        r->objs = json_deep_copy(objs);
        break;
    case GG_SOURCE_SYNCED:
        if (r->replace == 0)
            r->bad_order++;
        r->synced++;
        break;
    case GG_SOURCE_ERROR:
        r->error++;
        snprintf(r->msg, sizeof(r->msg), "%s", message);
        break;
    default:
        r->other++;
    }
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

static struct rec *rec_new(void)
{
    struct rec *r = calloc(1, sizeof(*r));
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->cv, NULL);
    return r;
}

static void rec_free(struct rec *r)
{
    json_decref(r->objs);
    pthread_cond_destroy(&r->cv);
    pthread_mutex_destroy(&r->mu);
    free(r);
}

/* Waits until *<counter> reaches <want>, for 30 s at most; returns the count. */
static int wait_count(struct rec *r, const int *counter, int want)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 30;
    pthread_mutex_lock(&r->mu);
    while (*counter < want && pthread_cond_timedwait(&r->cv, &r->mu, &until) == 0)
        ;
    int got = *counter;
    pthread_mutex_unlock(&r->mu);
    return got;
}

static char dir[64];

static void write_file(const char *rel, const char *text)
{
    /* written beside and renamed, as editors and ConfigMap mounts do, so
     * the source never reads half a file */
    char path[256], tmp[256];
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    snprintf(tmp, sizeof(tmp), "%s/.tmp-%d", dir, rand());
    FILE *f = fopen(tmp, "w");
    cr_assert(f, "%s: %s", tmp, strerror(errno));
    fputs(text, f);
    fclose(f);
    cr_assert_eq(rename(tmp, path), 0, "%s: %s", path, strerror(errno));
}

static void setup(void)
{
    snprintf(dir, sizeof(dir), "/tmp/gg-dir-test-XXXXXX");
    cr_assert(mkdtemp(dir));
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void teardown(void)
{
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static const char ns_yaml[] = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n";
static const char route_yaml[] = "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n"
                                 "metadata:\n  name: web\nspec: {}\n";
static const char class_yaml[] = "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\n"
                                 "metadata:\n  name: gc\nspec:\n  controllerName: x.io/c\n";

static const json_t *find(const json_t *objs, const char *kind, const char *name)
{
    size_t i;
    const json_t *o;
    json_array_foreach(objs, i, o)
    {
        const json_t *meta = json_object_get(o, "metadata");
        if (!strcmp(json_string_value(json_object_get(o, "kind")), kind) &&
            !strcmp(json_string_value(json_object_get(meta, "name")), name))
            return o;
    }
    return NULL;
}

static const char *ns_of(const json_t *o)
{
    return json_string_value(json_object_get(json_object_get(o, "metadata"), "namespace"));
}

TestSuite(dir_source, .init = setup, .fini = teardown, .timeout = 120);

Test(dir_source, sends_everything_then_synced_on_start)
{
    write_file("ns.yaml", ns_yaml);
    mkdir(strcat(strcpy((char[128]){0}, dir), "/routes"), 0755);
    write_file("routes/web.yaml", route_yaml);
    write_file("class.yaml", class_yaml);
    struct rec *r = rec_new();
    char err[256];
    struct gg_source *s = gg_source_dir_new(dir, record, r, err, sizeof(err));
    cr_assert(s, "%s", err);
    cr_assert_eq(wait_count(r, &r->synced, 1), 1);
    cr_assert(gg_source_is_synced(s));
    gg_source_free(s);

    cr_expect_eq(r->replace, 1);
    cr_expect_eq(r->synced, 1);
    cr_expect_eq(r->error, 0);
    cr_expect_eq(r->other, 0);
    cr_expect_eq(r->bad_order, 0);
    cr_expect_null(r->kind);
    cr_assert_eq(json_array_size(r->objs), 3);
    cr_expect_str_eq(ns_of(find(r->objs, "HTTPRoute", "web")), "default");
    cr_expect_null(ns_of(find(r->objs, "Namespace", "apps")));
    cr_expect_null(ns_of(find(r->objs, "GatewayClass", "gc")));
    rec_free(r);
}

Test(dir_source, sends_a_new_replace_when_a_file_is_added_or_changed)
{
    write_file("ns.yaml", ns_yaml);
    struct rec *r = rec_new();
    char err[256];
    struct gg_source *s = gg_source_dir_new(dir, record, r, err, sizeof(err));
    cr_assert(s, "%s", err);
    cr_assert_eq(wait_count(r, &r->replace, 1), 1);

    write_file("web.yaml", route_yaml);
    cr_assert_eq(wait_count(r, &r->replace, 2), 2);
    pthread_mutex_lock(&r->mu);
    cr_expect_eq(json_array_size(r->objs), 2);
    cr_expect(find(r->objs, "HTTPRoute", "web"));
    pthread_mutex_unlock(&r->mu);

    write_file("web.yaml", "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n"
                           "metadata:\n  name: web2\n  namespace: apps\n");
    cr_assert_eq(wait_count(r, &r->replace, 3), 3);
    pthread_mutex_lock(&r->mu);
    cr_expect_null(find(r->objs, "HTTPRoute", "web"));
    cr_expect_str_eq(ns_of(find(r->objs, "HTTPRoute", "web2")), "apps");
    pthread_mutex_unlock(&r->mu);

    cr_assert_eq(unlink(strcat(strcpy((char[128]){0}, dir), "/web.yaml")), 0);
    cr_assert_eq(wait_count(r, &r->replace, 4), 4);
    gg_source_free(s);
    cr_expect_eq(json_array_size(r->objs), 1);
    cr_expect_eq(r->synced, 1);
    cr_expect_eq(r->error, 0);
    rec_free(r);
}

Test(dir_source, watches_folders_created_after_start)
{
    write_file("ns.yaml", ns_yaml);
    struct rec *r = rec_new();
    char err[256];
    struct gg_source *s = gg_source_dir_new(dir, record, r, err, sizeof(err));
    cr_assert(s, "%s", err);
    cr_assert_eq(wait_count(r, &r->synced, 1), 1);

    /* a tree made aside (hidden folders are not read) and moved in whole */
    char path[160], to[160];
    snprintf(path, sizeof(path), "%s/.stage", dir);
    cr_assert_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof(path), "%s/.stage/team", dir);
    cr_assert_eq(mkdir(path, 0755), 0);
    snprintf(path, sizeof(path), "%s/.stage/team/a", dir);
    cr_assert_eq(mkdir(path, 0755), 0);
    write_file(".stage/team/a/class.yaml", class_yaml);
    snprintf(path, sizeof(path), "%s/.stage/team", dir);
    snprintf(to, sizeof(to), "%s/team", dir);
    cr_assert_eq(rename(path, to), 0);
    /* a read that finds what the last one sent sends nothing, so each step
     * here makes exactly one REPLACE */
    cr_assert_eq(wait_count(r, &r->replace, 2), 2);
    pthread_mutex_lock(&r->mu);
    cr_expect(find(r->objs, "GatewayClass", "gc"));
    pthread_mutex_unlock(&r->mu);

    /* the moved-in folder is watched: a file written in it is seen */
    write_file("team/a/web.yaml", route_yaml);
    cr_assert_eq(wait_count(r, &r->replace, 3), 3);
    gg_source_free(s);
    cr_expect(find(r->objs, "HTTPRoute", "web"));
    cr_expect_eq(json_array_size(r->objs), 3);
    cr_expect_eq(r->error, 0);
    rec_free(r);
}

/* What the kubelet does to a ConfigMap volume: files are symlinks through
 * "..data", which is swapped to a new hidden folder in one rename. */
Test(dir_source, follows_a_configmap_volume_update)
{
    char path[192], to[192];
    snprintf(path, sizeof(path), "%s/..v1", dir);
    cr_assert_eq(mkdir(path, 0755), 0);
    write_file("..v1/gw.yaml", class_yaml);
    snprintf(path, sizeof(path), "%s/..data", dir);
    cr_assert_eq(symlink("..v1", path), 0);
    snprintf(path, sizeof(path), "%s/gw.yaml", dir);
    cr_assert_eq(symlink("..data/gw.yaml", path), 0);
    struct rec *r = rec_new();
    char err[256];
    struct gg_source *s = gg_source_dir_new(dir, record, r, err, sizeof(err));
    cr_assert(s, "%s", err);
    cr_assert_eq(wait_count(r, &r->synced, 1), 1);
    pthread_mutex_lock(&r->mu);
    cr_expect(find(r->objs, "GatewayClass", "gc"));
    pthread_mutex_unlock(&r->mu);

    snprintf(path, sizeof(path), "%s/..v2", dir);
    cr_assert_eq(mkdir(path, 0755), 0);
    write_file("..v2/gw.yaml", route_yaml);
    snprintf(path, sizeof(path), "%s/..data_tmp", dir);
    cr_assert_eq(symlink("..v2", path), 0);
    snprintf(to, sizeof(to), "%s/..data", dir);
    cr_assert_eq(rename(path, to), 0);
    cr_assert_eq(wait_count(r, &r->replace, 2), 2);
    gg_source_free(s);
    cr_expect_null(find(r->objs, "GatewayClass", "gc"));
    cr_expect(find(r->objs, "HTTPRoute", "web"));
    cr_expect_eq(r->error, 0, "%s", r->msg);
    rec_free(r);
}

Test(dir_source, a_broken_file_sends_an_error_and_keeps_the_last_state)
{
    write_file("ns.yaml", ns_yaml);
    struct rec *r = rec_new();
    char err[256];
    struct gg_source *s = gg_source_dir_new(dir, record, r, err, sizeof(err));
    cr_assert(s, "%s", err);
    cr_assert_eq(wait_count(r, &r->synced, 1), 1);

    write_file("web.yaml", "kind: HTTPRoute\nmetadata:\n  name: [unclosed\n");
    cr_assert_eq(wait_count(r, &r->error, 1), 1);
    pthread_mutex_lock(&r->mu);
    cr_expect_eq(r->replace, 1, "no REPLACE for a folder with a broken file");
    char want[128];
    snprintf(want, sizeof(want), "%s/web.yaml:", dir);
    cr_expect(strncmp(r->msg, want, strlen(want)) == 0, "message names the file: %s", r->msg);
    cr_expect(strchr(r->msg + strlen(want), ':'), "and the line: %s", r->msg);
    cr_expect_eq(json_array_size(r->objs), 1);
    pthread_mutex_unlock(&r->mu);

    /* fixed: the next read goes out, even if it equals the last good one */
    write_file("web.yaml", route_yaml);
    cr_assert_eq(wait_count(r, &r->replace, 2), 2);
    gg_source_free(s);
    cr_expect_eq(r->error, 1);
    cr_expect_eq(r->synced, 1);
    cr_expect_eq(json_array_size(r->objs), 2);
    rec_free(r);
}

Test(dir_source, waits_for_a_good_read_before_synced)
{
    write_file("bad.yaml", "a: [\n");
    struct rec *r = rec_new();
    char err[256];
    struct gg_source *s = gg_source_dir_new(dir, record, r, err, sizeof(err));
    cr_assert(s, "%s", err);
    cr_assert_eq(wait_count(r, &r->error, 1), 1);
    cr_expect_not(gg_source_is_synced(s));
    cr_expect_eq(r->synced, 0);

    write_file("bad.yaml", ns_yaml);
    cr_assert_eq(wait_count(r, &r->synced, 1), 1);
    cr_expect(gg_source_is_synced(s));
    gg_source_free(s);
    cr_expect_eq(r->replace, 1);
    cr_expect_eq(r->bad_order, 0);
    rec_free(r);
}

Test(dir_source, leaves_out_what_gateguardignore_names)
{
    write_file("ns.yaml", ns_yaml);
    mkdir(strcat(strcpy((char[128]){0}, dir), "/templates"), 0755);
    write_file("templates/x.yaml", "{{ broken: helm }}\n: :\n");
    write_file(".gateguardignore", "templates/\n");
    struct rec *r = rec_new();
    char err[256];
    struct gg_source *s = gg_source_dir_new(dir, record, r, err, sizeof(err));
    cr_assert(s, "%s", err);
    cr_assert_eq(wait_count(r, &r->synced, 1), 1);
    gg_source_free(s);
    cr_expect_eq(r->error, 0, "%s", r->msg);
    cr_expect_eq(json_array_size(r->objs), 1);
    rec_free(r);
}

Test(dir_source, stops_promptly_while_idle_and_while_a_burst_is_pending)
{
    write_file("class.yaml", class_yaml);
    struct rec *r = rec_new();
    char err[256];
    struct gg_source *s = gg_source_dir_new(dir, record, r, err, sizeof(err));
    cr_assert(s, "%s", err);
    cr_assert_eq(wait_count(r, &r->synced, 1), 1);
    gg_source_free(s); /* idle: poll has no timeout, only the stop event wakes it */

    s = gg_source_dir_new(dir, record, r, err, sizeof(err));
    cr_assert(s, "%s", err);
    write_file("ns.yaml", ns_yaml);
    gg_source_free(s);
    gg_source_free(NULL);
    rec_free(r);
}

Test(dir_source, refuses_a_path_that_is_not_a_folder)
{
    char err[256] = "";
    char path[128];
    snprintf(path, sizeof(path), "%s/missing", dir);
    cr_expect_null(gg_source_dir_new(path, record, NULL, err, sizeof(err)));
    cr_expect(strstr(err, "missing: No such file or directory"), "%s", err);
    write_file("ns.yaml", ns_yaml);
    snprintf(path, sizeof(path), "%s/ns.yaml", dir);
    cr_expect_null(gg_source_dir_new(path, record, NULL, err, sizeof(err)));
    cr_expect(strstr(err, "ns.yaml: not a folder"), "%s", err);
}

static bool count_slice(const struct gg_object *o, void *ctx)
{
    (void)o;
    (*(size_t *)ctx)++;
    return true;
}

Test(dir_source, endpointslices_and_secret_data_reach_the_store)
{
    write_file("slice.yaml", "apiVersion: discovery.k8s.io/v1\n"
                             "kind: EndpointSlice\n"
                             "metadata:\n"
                             "  name: api-x1\n"
                             "  labels: {kubernetes.io/service-name: api}\n"
                             "addressType: IPv4\n"
                             "endpoints: [{addresses: [10.0.0.5]}]\n");
    write_file("tls.yaml", "apiVersion: v1\n"
                           "kind: Secret\n"
                           "metadata: {name: tls, namespace: apps}\n"
                           "type: kubernetes.io/tls\n"
                           "data: {tls.crt: Y2VydA==, tls.key: a2V5}\n");
    struct rec *r = rec_new();
    char err[256];
    struct gg_source *s = gg_source_dir_new(dir, record, r, err, sizeof(err));
    cr_assert(s, "%s", err);
    cr_assert_eq(wait_count(r, &r->synced, 1), 1);
    gg_source_free(s);
    cr_assert_eq(json_array_size(r->objs), 2);
    cr_expect_str_eq(ns_of(find(r->objs, "EndpointSlice", "api-x1")), "default");

    struct gg_store *st = gg_store_new();
    size_t i;
    json_t *o;
    json_array_foreach(r->objs, i, o) cr_expect_eq(gg_store_put_json(st, o), 0);
    size_t n = 0;
    gg_store_read_begin(st);
    gg_store_each_endpointslice_of(st, "default", "api", count_slice, &n);
    const struct gg_object *sec = gg_store_find(st, GG_KIND_SECRET, "apps", "tls");
    cr_assert_not_null(sec);
    cr_expect(sec->u.secret.has_data);
    cr_assert_eq(sec->u.secret.tls_crt.state, GG_BLOB_OK);
    cr_expect_str_eq((const char *)sec->u.secret.tls_crt.bytes, "cert");
    cr_expect_str_eq((const char *)sec->u.secret.tls_key.bytes, "key");
    gg_store_read_end(st);
    cr_expect_eq(n, 1);
    gg_store_free(st);
    rec_free(r);
}
