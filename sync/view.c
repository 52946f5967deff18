/* SPDX-License-Identifier: Apache-2.0 */
/* The store a source keeps, the policy in force, and the audit of what the
 * store holds. See view.h for the threads. */
#include "sync/view.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "validation/cross.h"
#include "validation/model.h"
#include "validation/policy.h"
#include "validation/store.h"
#include "validation/validate.h"
#include "validation/xalloc.h"
#include "obs/log.h"
#include "obs/metrics.h"

struct kind_gauge {
    struct gg_view *view;
    enum gg_model_kind kind;
};

struct gg_view {
    struct gg_store *store;
    struct gg_policy_slot policy;
    char *policy_path;
    struct timespec policy_mtime;
    ino_t policy_ino;
    bool trust_source;
    bool synced;
    void (*on_synced)(void *ctx);
    void *on_synced_ctx;

    struct gg_metrics *metrics;
    struct gg_metric *m_store, *m_policy_reloads, *m_violations, *m_source_events, *m_source_errors,
        *m_skipped;
    struct kind_gauge gauges[GG_KIND_COUNT];
    json_t *last_checks; /* every check an audit reported, for zeroing; audit thread only */

    pthread_mutex_t mu; /* guards the fields below */
    pthread_cond_t cond;
    bool dirty; /* the store changed since the last audit */
    bool stopping;
    char *violations; /* the last audit, as JSON; owned */
    pthread_t thread;
};

/* --- policy ---------------------------------------------------------------------------- */

static int stat_policy(struct gg_view *v, struct timespec *mtime, ino_t *ino)
{
    struct stat st;
    if (stat(v->policy_path, &st) < 0)
        return -1;
    *mtime = st.st_mtim;
    *ino = st.st_ino;
    return 0;
}

int gg_view_reload_policy(struct gg_view *v, char *err, size_t errlen)
{
    if (!v->policy_path)
        return 0;
    int rc = gg_policy_slot_reload(&v->policy, v->policy_path, err, errlen);
    const char *result[] = {rc == 0 ? "success" : "failure"};
    if (v->m_policy_reloads)
        gg_metrics_inc(v->m_policy_reloads, result);
    if (rc == 0) {
        gg_log(GG_LOG_INFO, "policy_loaded", "{s:s}", "file", v->policy_path);
        pthread_mutex_lock(&v->mu);
        v->dirty = true; /* verdicts may have changed */
        pthread_cond_signal(&v->cond);
        pthread_mutex_unlock(&v->mu);
    } else {
        gg_log(GG_LOG_ERROR, "policy_rejected", "{s:s, s:s}", "file", v->policy_path, "error", err);
    }
    return rc;
}

/* Re-reads the policy when its file changed: a ConfigMap mount swaps a
 * symlink (new inode), an editor rewrites in place (new mtime). */
static void poll_policy(struct gg_view *v)
{
    struct timespec mtime;
    ino_t ino;
    if (!v->policy_path || stat_policy(v, &mtime, &ino) < 0)
        return;
    if (ino == v->policy_ino && mtime.tv_sec == v->policy_mtime.tv_sec &&
        mtime.tv_nsec == v->policy_mtime.tv_nsec)
        return;
    v->policy_ino = ino;
    v->policy_mtime = mtime;
    char err[512];
    gg_view_reload_policy(v, err, sizeof(err));
}

/* --- audit ------------------------------------------------------------------------------- */

static char *audit_json(struct gg_view *v, size_t *n_objects)
{
    struct gg_policy *pol = gg_policy_slot_get(&v->policy);
    struct gg_errs errs;
    gg_errs_init(&errs);
    errs.limit = 10000;
    *n_objects = gg_cross_audit(v->store, pol, &errs);
    gg_policy_unref(pol);

    json_t *list = json_array();
    json_t *by_check = json_object();
    for (size_t i = 0; i < errs.n; i++) {
        const struct gg_err *e = &errs.items[i];
        if (e->sev != GG_SEV_ERROR)
            continue;
        struct gg_buf b;
        gg_buf_init(&b);
        gg_err_render(e, &b);
        json_array_append_new(list, json_pack("{s:s, s:s?, s:s, s:s, s:s, s:s?, s:s}", "kind",
                                              e->kind ? e->kind : "", "namespace", e->ns, "name",
                                              e->name ? e->name : "", "field", e->field, "type",
                                              gg_err_type_phrase(e->type), "check", e->check,
                                              "message", b.data));
        gg_buf_clear(&b);
        const char *check = e->check ? e->check : "other";
        json_int_t n = json_integer_value(json_object_get(by_check, check));
        json_object_set_new(by_check, check, json_integer(n + 1));
    }
    if (v->m_violations) {
        /* a check that found something before and nothing now must read 0 */
        const char *k;
        json_t *n;
        json_object_foreach(v->last_checks, k, n)
        {
            const char *lv[] = {k};
            if (!json_object_get(by_check, k))
                gg_metrics_set(v->m_violations, lv, 0);
        }
        json_object_foreach(by_check, k, n)
        {
            const char *lv[] = {k};
            gg_metrics_set(v->m_violations, lv, (double)json_integer_value(n));
            json_object_set_new(v->last_checks, k, json_true());
        }
    }
    json_t *root =
        json_pack("{s:I, s:I, s:o, s:o}", "objects", (json_int_t)*n_objects, "findings",
                  (json_int_t)json_array_size(list), "byCheck", by_check, "violations", list);
    if (errs.dropped)
        json_object_set_new(root, "truncated", json_integer((json_int_t)errs.dropped));
    char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    gg_errs_clear(&errs);
    return s;
}

void gg_view_audit_now(struct gg_view *v)
{
    size_t n;
    char *s = audit_json(v, &n);
    pthread_mutex_lock(&v->mu);
    gg_json_free(v->violations);
    v->violations = s;
    pthread_mutex_unlock(&v->mu);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Wakes each second (or when signalled) to look at the policy file, and runs
 * the audit when the store changed, at most once per interval so a stream of
 * source events does not keep a core busy auditing. */
static void *background(void *arg)
{
    struct gg_view *v = arg;
    double last_audit = 0;
    pthread_mutex_lock(&v->mu);
    while (!v->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        pthread_cond_timedwait(&v->cond, &v->mu, &until);
        if (v->stopping)
            break;
        bool due = now_s() - last_audit >= GG_VIEW_AUDIT_INTERVAL_MS / 1000.0;
        bool run = v->dirty && v->synced && due;
        if (run)
            v->dirty = false;
        pthread_mutex_unlock(&v->mu);

        poll_policy(v);
        if (run) {
            gg_view_audit_now(v);
            last_audit = now_s();
        }
        pthread_mutex_lock(&v->mu);
    }
    pthread_mutex_unlock(&v->mu);
    return NULL;
}

int gg_view_violations(void *ctx, struct gg_buf *out)
{
    struct gg_view *v = ctx;
    pthread_mutex_lock(&v->mu);
    if (v->violations)
        gg_buf_adds(out, v->violations);
    else
        gg_buf_adds(out, "{\"objects\": 0, \"findings\": 0, \"byCheck\": {}, \"violations\": [], "
                         "\"pending\": true}");
    pthread_mutex_unlock(&v->mu);
    gg_buf_addc(out, '\n');
    return 200;
}

/* --- the source's events ------------------------------------------------------------------ */

static void mark_dirty(struct gg_view *v)
{
    pthread_mutex_lock(&v->mu);
    v->dirty = true;
    pthread_mutex_unlock(&v->mu);
}

/* Puts one object in the store, with the CRD's defaults applied as the API
 * server would have stored it. From a folder, an object the API server
 * would refuse is left out (and logged): it could never be in the cluster. */
static void upsert(struct gg_view *v, const json_t *obj)
{
    enum gg_model_kind kind;
    if (!gg_model_kind_of(obj, &kind))
        return;
    json_t *copy = json_deep_copy(obj);
    if (gg_validate_handles(copy)) {
        struct gg_errs errs;
        gg_errs_init(&errs);
        gg_validate_object(copy, NULL, &errs);
        if (errs.n_errors && !v->trust_source) {
            const json_t *md = json_object_get(obj, "metadata");
            struct gg_buf b;
            gg_buf_init(&b);
            if (errs.n)
                gg_err_render(&errs.items[0], &b);
            gg_log(GG_LOG_WARN, "object_skipped", "{s:s, s:s?, s:s?, s:s}", "kind",
                   gg_model_kind_name(kind), "namespace",
                   json_string_value(json_object_get(md, "namespace")), "name",
                   json_string_value(json_object_get(md, "name")), "error", b.data ? b.data : "");
            gg_buf_clear(&b);
            if (v->m_skipped)
                gg_metrics_inc(v->m_skipped, NULL);
            gg_errs_clear(&errs);
            json_decref(copy);
            return;
        }
        gg_errs_clear(&errs);
    }
    if (gg_store_put_json(v->store, copy) < 0)
        gg_log(GG_LOG_WARN, "object_skipped", "{s:s, s:s}", "kind", gg_model_kind_name(kind),
               "error", "no name");
    json_decref(copy);
}

struct victim {
    enum gg_model_kind kind;
    char *ns, *name;
};

struct replace_ctx {
    const json_t *keep; /* object: "kind/ns/name" -> true */
    struct victim *victims;
    size_t n, cap;
};

static char *key_of(enum gg_model_kind kind, const char *ns, const char *name)
{
    return gg_xasprintf("%s/%s/%s", gg_model_kind_name(kind), ns ? ns : "", name);
}

static bool collect_missing(const struct gg_object *o, void *arg)
{
    struct replace_ctx *rc = arg;
    char *key = key_of(o->kind, o->ns, o->name);
    if (!json_object_get(rc->keep, key)) {
        if (rc->n == rc->cap) {
            rc->cap = rc->cap ? rc->cap * 2 : 64;
            rc->victims = gg_xrealloc(rc->victims, rc->cap * sizeof(*rc->victims));
        }
        rc->victims[rc->n++] = (struct victim){o->kind, gg_xstrdup(o->ns), gg_xstrdup(o->name)};
    }
    free(key);
    return true;
}

static void replace(struct gg_view *v, const char *kind_name, const json_t *objs)
{
    /* what the source now holds, by key; objects without a namespace were
     * put in "default" by the source for namespaced kinds */
    json_t *keep = json_object();
    size_t i;
    json_t *o;
    json_array_foreach(objs, i, o)
    {
        enum gg_model_kind kind;
        if (!gg_model_kind_of(o, &kind))
            continue;
        const json_t *md = json_object_get(o, "metadata");
        const char *ns = gg_model_kind_is_namespaced(kind)
                             ? json_string_value(json_object_get(md, "namespace"))
                             : "";
        const char *name = json_string_value(json_object_get(md, "name"));
        if (!name)
            continue;
        char *key = key_of(kind, ns ? ns : "default", name);
        json_object_set_new(keep, key, json_true());
        free(key);
    }
    struct replace_ctx rc = {.keep = keep};
    gg_store_read_begin(v->store);
    for (int k = 0; k < GG_KIND_COUNT; k++)
        if (!kind_name || strcmp(kind_name, gg_model_kind_name((enum gg_model_kind)k)) == 0)
            gg_store_each(v->store, (enum gg_model_kind)k, collect_missing, &rc);
    gg_store_read_end(v->store);
    for (size_t j = 0; j < rc.n; j++) {
        gg_store_delete(v->store, rc.victims[j].kind, rc.victims[j].ns, rc.victims[j].name);
        free(rc.victims[j].ns);
        free(rc.victims[j].name);
    }
    free(rc.victims);
    json_decref(keep);
    json_array_foreach(objs, i, o) upsert(v, o);
}

static size_t store_size(struct gg_view *v)
{
    size_t n = 0;
    gg_store_read_begin(v->store);
    for (int k = 0; k < GG_KIND_COUNT; k++)
        n += gg_store_count(v->store, (enum gg_model_kind)k);
    gg_store_read_end(v->store);
    return n;
}

void gg_view_source_cb(void *ctx, enum gg_source_event ev, const char *kind,
                       const json_t *obj_or_objs, const char *message)
{
    struct gg_view *v = ctx;
    static const char *const names[] = {"replace", "upsert", "delete", "synced", "error"};
    if (v->m_source_events) {
        const char *lv[] = {names[ev]};
        gg_metrics_inc(v->m_source_events, lv);
    }
    switch (ev) {
    case GG_SOURCE_REPLACE:
        replace(v, kind, obj_or_objs);
        gg_log(GG_LOG_DEBUG, "source_replace", "{s:s, s:I}", "kind", kind ? kind : "*", "objects",
               (json_int_t)json_array_size(obj_or_objs));
        mark_dirty(v);
        break;
    case GG_SOURCE_UPSERT:
        upsert(v, obj_or_objs);
        mark_dirty(v);
        break;
    case GG_SOURCE_DELETE: {
        enum gg_model_kind k;
        const json_t *md = json_object_get(obj_or_objs, "metadata");
        const char *name = json_string_value(json_object_get(md, "name"));
        if (gg_model_kind_of(obj_or_objs, &k) && name) {
            const char *ns = json_string_value(json_object_get(md, "namespace"));
            gg_store_delete(v->store, k, ns ? ns : "default", name);
            mark_dirty(v);
        }
        break;
    }
    case GG_SOURCE_SYNCED:
        gg_log(GG_LOG_INFO, "source_synced", "{s:I}", "objects", (json_int_t)store_size(v));
        pthread_mutex_lock(&v->mu);
        v->synced = true;
        v->dirty = true;
        pthread_cond_signal(&v->cond);
        pthread_mutex_unlock(&v->mu);
        if (v->on_synced)
            v->on_synced(v->on_synced_ctx);
        break;
    case GG_SOURCE_ERROR:
        gg_log(GG_LOG_WARN, "source_error", "{s:s?, s:s}", "kind", kind, "error",
               message ? message : "");
        if (v->m_source_errors)
            gg_metrics_inc(v->m_source_errors, NULL);
        break;
    }
}

/* --- lifecycle ------------------------------------------------------------------------------- */

static double count_kind(void *ctx)
{
    struct kind_gauge *g = ctx;
    gg_store_read_begin(g->view->store);
    size_t n = gg_store_count(g->view->store, g->kind);
    gg_store_read_end(g->view->store);
    return (double)n;
}

static void register_metrics(struct gg_view *v)
{
    struct gg_metrics *m = v->metrics;
    v->m_store = gg_metrics_gauge(m, "gateguard_store_objects",
                                  "Objects in the webhook's view of the cluster, by kind.", "kind");
    for (int k = 0; k < GG_KIND_COUNT; k++) {
        v->gauges[k] = (struct kind_gauge){v, (enum gg_model_kind)k};
        const char *lv[] = {gg_model_kind_name((enum gg_model_kind)k)};
        gg_metrics_set_fn(v->m_store, lv, count_kind, &v->gauges[k]);
    }
    v->m_policy_reloads =
        gg_metrics_counter(m, "gateguard_policy_reloads_total",
                           "Policy file reloads, by result (success or failure).", "result");
    v->m_violations = gg_metrics_gauge(
        m, "gateguard_audit_violations",
        "Findings of the last audit: objects already admitted that no longer pass, by check.",
        "check");
    v->m_source_events = gg_metrics_counter(m, "gateguard_source_events_total",
                                            "Events from the cluster source, by type.", "event");
    v->m_source_errors = gg_metrics_counter(
        m, "gateguard_source_errors_total",
        "Source failures (unparsable files, dropped watches); the last good state stays.", NULL);
    v->m_skipped = gg_metrics_counter(
        m, "gateguard_source_objects_skipped_total",
        "Objects from a folder left out of the view because the API server would refuse them.",
        NULL);
}

struct gg_view *gg_view_new(const struct gg_view_config *cfg, char *err, size_t errlen)
{
    struct gg_policy *pol = NULL;
    if (cfg->policy_path && !(pol = gg_policy_load(cfg->policy_path, err, errlen)))
        return NULL;
    struct gg_view *v = gg_xcalloc(1, sizeof(*v));
    v->store = gg_store_new();
    v->last_checks = json_object();
    gg_policy_slot_init(&v->policy, pol);
    if (cfg->policy_path) {
        v->policy_path = gg_xstrdup(cfg->policy_path);
        stat_policy(v, &v->policy_mtime, &v->policy_ino);
    }
    v->trust_source = cfg->trust_source;
    v->on_synced = cfg->on_synced;
    v->on_synced_ctx = cfg->on_synced_ctx;
    v->metrics = cfg->metrics;
    if (v->metrics) {
        register_metrics(v);
        if (cfg->policy_path) {
            const char *ok[] = {"success"};
            gg_metrics_inc(v->m_policy_reloads, ok);
        }
    }
    pthread_mutex_init(&v->mu, NULL);
    pthread_cond_init(&v->cond, NULL);
    if (pthread_create(&v->thread, NULL, background, v) != 0) {
        snprintf(err, errlen, "cannot start the audit thread: %s", strerror(errno));
        pthread_mutex_destroy(&v->mu);
        pthread_cond_destroy(&v->cond);
        gg_policy_slot_clear(&v->policy);
        gg_store_free(v->store);
        json_decref(v->last_checks);
        free(v->policy_path);
        free(v);
        return NULL;
    }
    return v;
}

void gg_view_free(struct gg_view *v)
{
    if (!v)
        return;
    pthread_mutex_lock(&v->mu);
    v->stopping = true;
    pthread_cond_signal(&v->cond);
    pthread_mutex_unlock(&v->mu);
    pthread_join(v->thread, NULL);
    if (v->m_store)
        for (int k = 0; k < GG_KIND_COUNT; k++) {
            const char *lv[] = {gg_model_kind_name((enum gg_model_kind)k)};
            gg_metrics_set_fn(v->m_store, lv, NULL, NULL);
        }
    pthread_mutex_destroy(&v->mu);
    pthread_cond_destroy(&v->cond);
    gg_policy_slot_clear(&v->policy);
    gg_store_free(v->store);
    gg_json_free(v->violations);
    free(v->policy_path);
    json_decref(v->last_checks);
    free(v);
}

void gg_view_set_on_synced(struct gg_view *v, void (*cb)(void *ctx), void *ctx)
{
    v->on_synced = cb;
    v->on_synced_ctx = ctx;
}

struct gg_policy *gg_view_policy(struct gg_view *v)
{
    return gg_policy_slot_get(&v->policy);
}

struct gg_store *gg_view_store(struct gg_view *v)
{
    return v->store;
}
