/* SPDX-License-Identifier: Apache-2.0 */
/* The status controller's loop (controller.h). States of the thread:
 * waiting (for a change, the debounce, the next election step or stop),
 * computing (store read lock held, then the mutex), writing (no lock held
 * while a write blocks). */
#include "proxy/controller.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "validation/store.h"

struct gg_controller {
    struct gg_controller_config cfg;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stop, dirty;
    int64_t changed_ms; /* when dirty was last set */
    json_t *live;       /* "Kind/ns/name" -> the object's status as the source shows it */
    json_t *written;    /* "Kind/ns/name" -> what this replica last wrote */
    json_t *last;       /* the last result, as gg_controller_status_json serves it */
    struct gg_controller_stats stats;
    int64_t next_write_ms;
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char *key_of(const char *kind, const char *ns, const char *name)
{
    return gg_xasprintf("%s/%s/%s", kind, ns ? ns : "", name);
}

static bool kind_written(const char *kind)
{
    enum gg_model_kind k;
    return kind && gg_model_kind_lookup(GG_GROUP, kind, &k) &&
           (k == GG_KIND_GATEWAYCLASS || k == GG_KIND_GATEWAY || k == GG_KIND_LISTENERSET ||
            gg_model_kind_is_route(k));
}

/* --- what the source shows ------------------------------------------------------ */

static void note_live(struct gg_controller *c, const json_t *obj, bool deleted)
{
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    if (!kind_written(kind))
        return;
    const json_t *md = json_object_get(obj, "metadata");
    const char *name = json_string_value(json_object_get(md, "name"));
    const char *ns = json_string_value(json_object_get(md, "namespace"));
    enum gg_model_kind k;
    gg_model_kind_lookup(GG_GROUP, kind, &k);
    if (!name)
        return;
    if (gg_model_kind_is_namespaced(k) && !ns)
        ns = "default";
    char *key = key_of(kind, gg_model_kind_is_namespaced(k) ? ns : "", name);
    json_t *st = json_object_get(obj, "status");
    if (deleted || !json_is_object(st)) {
        json_object_del(c->live, key);
    } else {
        /* a status that is not what we wrote was changed by someone else:
         * compare with it alone from now on (invariant 2) */
        json_t *w = json_object_get(c->written, key);
        if (w && !json_equal(w, st))
            json_object_del(c->written, key);
        json_object_set_new(c->live, key, json_deep_copy(st));
    }
    free(key);
}

static void drop_kind(json_t *map, const char *kind)
{
    size_t n = strlen(kind);
    const char *k;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(map, tmp, k, v)
    {
        if (strncmp(k, kind, n) == 0 && k[n] == '/')
            json_object_del(map, k);
    }
}

void gg_controller_observe(struct gg_controller *c, enum gg_source_event ev, const char *kind,
                           const json_t *obj_or_objs)
{
    pthread_mutex_lock(&c->lock);
    switch (ev) {
    case GG_SOURCE_REPLACE:
        if (kind)
            drop_kind(c->live, kind);
        else
            json_object_clear(c->live);
        for (size_t i = 0; i < json_array_size(obj_or_objs); i++)
            note_live(c, json_array_get(obj_or_objs, i), false);
        break;
    case GG_SOURCE_UPSERT:
        note_live(c, obj_or_objs, false);
        break;
    case GG_SOURCE_DELETE:
        note_live(c, obj_or_objs, true);
        break;
    default:
        break;
    }
    if (ev != GG_SOURCE_ERROR) {
        c->dirty = true;
        c->changed_ms = mono_ms();
        pthread_cond_signal(&c->cond);
    }
    pthread_mutex_unlock(&c->lock);
}

/* --- computing --------------------------------------------------------------------- */

/* The previous status: the live one. Called with c->lock held. */
static const json_t *prev_cb(void *ctx, enum gg_model_kind kind, const char *ns, const char *name)
{
    struct gg_controller *c = ctx;
    char *key = key_of(gg_model_kind_name(kind), ns, name);
    const json_t *st = json_object_get(c->live, key);
    free(key);
    return st;
}

static void rfc3339_now(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *item_json(const struct gg_status_entry *e)
{
    json_t *md = json_pack("{s:s}", "name", e->name);
    if (gg_model_kind_is_namespaced(e->kind))
        json_object_set_new(md, "namespace", json_string(e->ns));
    if (e->generation)
        json_object_set_new(md, "generation", json_integer(e->generation));
    return json_pack("{s:s,s:s,s:o,s:O}", "apiVersion", GG_GROUP "/v1", "kind",
                     gg_model_kind_name(e->kind), "metadata", md, "status", e->status);
}

/* Computes with c->lock held (the prev callback reads c->live). */
static void compute_locked(struct gg_controller *c, struct gg_status_set *set)
{
    char now[32];
    rfc3339_now(now, sizeof(now));
    struct gg_status_opts o = c->cfg.status;
    o.now = now;
    o.prev = prev_cb;
    o.prev_ctx = c;
    gg_status_set_init(set);
    gg_store_read_begin(c->cfg.store);
    gg_status_compute(c->cfg.store, &o, set);
    gg_store_read_end(c->cfg.store);
    json_t *items = json_array();
    for (size_t i = 0; i < set->n; i++)
        json_array_append_new(items, item_json(&set->items[i]));
    json_decref(c->last);
    c->last = json_pack("{s:o}", "items", items);
    c->stats.computations++;
}

void gg_controller_compute(struct gg_controller *c, struct gg_status_set *set)
{
    pthread_mutex_lock(&c->lock);
    compute_locked(c, set);
    pthread_mutex_unlock(&c->lock);
}

static void log_line(struct gg_controller *c, json_t *line)
{
    if (c->cfg.log)
        c->cfg.log(c->cfg.log_ctx, line);
    json_decref(line);
}

static void rate_wait(struct gg_controller *c)
{
    int64_t now = mono_ms();
    if (c->next_write_ms > now) {
        int64_t ms = c->next_write_ms - now;
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        now = c->next_write_ms;
    }
    c->next_write_ms = now + 1000 / c->cfg.writes_per_s;
}

/* One round: compute, then write what differs. Returns whether every
 * write went through (else the round is repeated later). */
static bool round_once(struct gg_controller *c, bool leader)
{
    struct gg_status_set set;
    pthread_mutex_lock(&c->lock);
    compute_locked(c, &set);
    pthread_mutex_unlock(&c->lock);
    bool ok = true;
    for (size_t i = 0; leader && c->cfg.write && i < set.n; i++) {
        const struct gg_status_entry *e = &set.items[i];
        char *key = key_of(gg_model_kind_name(e->kind), e->ns, e->name);
        pthread_mutex_lock(&c->lock);
        json_t *live = json_incref(json_object_get(c->live, key));
        json_t *w = json_object_get(c->written, key);
        bool same = (live && json_equal(live, e->status)) || (w && json_equal(w, e->status));
        pthread_mutex_unlock(&c->lock);
        if (!same) {
            rate_wait(c);
            char err[1024] = "";
            int rc = c->cfg.write(c->cfg.write_ctx, e, live, err, sizeof(err));
            pthread_mutex_lock(&c->lock);
            if (rc == 0) {
                json_object_set_new(c->written, key, json_deep_copy(e->status));
                c->stats.writes++;
            } else if (rc < 0) {
                c->stats.write_errors++;
                ok = false;
            }
            pthread_mutex_unlock(&c->lock);
            log_line(c,
                     json_pack("{s:s,s:s,s:s,s:s,s:s}", "level", rc < 0 ? "error" : "info", "event",
                               rc == 0  ? "status_written"
                               : rc > 0 ? "status_gone"
                                        : "status_write_failed",
                               "kind", gg_model_kind_name(e->kind), "object",
                               e->ns[0] ? e->ns : "-", "name", e->name));
            if (rc < 0)
                log_line(c, json_pack("{s:s,s:s,s:s}", "level", "error", "event",
                                      "status_write_error", "message", err));
        }
        json_decref(live);
        free(key);
    }
    gg_status_set_clear(&set);
    pthread_mutex_lock(&c->lock);
    c->stats.rounds++;
    pthread_mutex_unlock(&c->lock);
    return ok;
}

static void *run(void *arg)
{
    struct gg_controller *c = arg;
    bool leader = !c->cfg.elect;
    int64_t next_elect = 0;
    pthread_mutex_lock(&c->lock);
    while (!c->stop) {
        int64_t now = mono_ms();
        if (c->cfg.elect && now >= next_elect) {
            pthread_mutex_unlock(&c->lock);
            bool was = leader;
            leader = c->cfg.elect(c->cfg.elect_ctx);
            pthread_mutex_lock(&c->lock);
            next_elect = mono_ms() + c->cfg.elect_interval_ms;
            c->stats.is_leader = leader;
            if (leader && !was) { /* invariant 3 */
                json_object_clear(c->written);
                c->dirty = true;
            }
            continue;
        }
        int64_t due = c->dirty ? c->changed_ms + c->cfg.debounce_ms : INT64_MAX;
        int64_t wake = c->cfg.elect && next_elect < due ? next_elect : due;
        if (now < wake) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            int64_t ms = wake == INT64_MAX ? 60000 : wake - now;
            ts.tv_sec += ms / 1000;
            ts.tv_nsec += (ms % 1000) * 1000000L;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&c->cond, &c->lock, &ts);
            continue;
        }
        c->dirty = false;
        pthread_mutex_unlock(&c->lock);
        bool ok = round_once(c, leader);
        pthread_mutex_lock(&c->lock);
        if (!ok && !c->dirty) { /* try again after a pause */
            c->dirty = true;
            c->changed_ms = mono_ms() + 1000;
        }
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

struct gg_controller *gg_controller_new(const struct gg_controller_config *cfg)
{
    struct gg_controller *c = gg_xcalloc(1, sizeof(*c));
    c->cfg = *cfg;
    if (!c->cfg.debounce_ms)
        c->cfg.debounce_ms = 100;
    if (!c->cfg.elect_interval_ms)
        c->cfg.elect_interval_ms = 2000;
    if (!c->cfg.writes_per_s)
        c->cfg.writes_per_s = 20;
    c->live = json_object();
    c->written = json_object();
    c->stats.is_leader = !cfg->elect;
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->cond, NULL);
    if (pthread_create(&c->thread, NULL, run, c) != 0) {
        fprintf(stderr, "gateguard: cannot start the status controller thread\n");
        abort();
    }
    return c;
}

void gg_controller_free(struct gg_controller *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    c->stop = true;
    pthread_cond_signal(&c->cond);
    pthread_mutex_unlock(&c->lock);
    pthread_join(c->thread, NULL);
    json_decref(c->live);
    json_decref(c->written);
    json_decref(c->last);
    pthread_cond_destroy(&c->cond);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

void gg_controller_status_json(struct gg_controller *c, struct gg_buf *out)
{
    pthread_mutex_lock(&c->lock);
    char *s = c->last ? json_dumps(c->last, JSON_INDENT(2)) : NULL;
    pthread_mutex_unlock(&c->lock);
    gg_buf_adds(out, s ? s : "{\"items\": []}");
    gg_buf_addc(out, '\n');
    free(s);
}

void gg_controller_stats(struct gg_controller *c, struct gg_controller_stats *out)
{
    pthread_mutex_lock(&c->lock);
    *out = c->stats;
    pthread_mutex_unlock(&c->lock);
}

/* --- YAML, as kubectl prints it -------------------------------------------------------- */

static bool plain_ok(const char *s)
{
    static const char *const words[] = {"true", "false", "null", "yes", "no", "on", "off", "~",
                                        "True", "False", "Null", "Yes", "No", "On", "Off"};
    if (!*s || s[0] == ' ' || s[strlen(s) - 1] == ' ' || strchr("-?:,[]{}#&*!|>'\"%@`", s[0]))
        return false;
    for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
        if (strcmp(s, words[i]) == 0)
            return false;
    char *end;
    strtod(s, &end);
    if (!*end)
        return false; /* reads as a number */
    for (const char *p = s; *p; p++)
        if (!(('a' <= *p && *p <= 'z') || ('A' <= *p && *p <= 'Z') || ('0' <= *p && *p <= '9') ||
              strchr(" ._/-()", *p)))
            return false;
    return true;
}

static void scalar(const json_t *v, struct gg_buf *out)
{
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (plain_ok(s))
            gg_buf_adds(out, s);
        else
            gg_buf_add_goquoted(out, s, strlen(s));
    } else if (json_is_integer(v)) {
        gg_buf_addf(out, "%lld", (long long)json_integer_value(v));
    } else if (json_is_true(v) || json_is_false(v)) {
        gg_buf_adds(out, json_is_true(v) ? "true" : "false");
    } else if (json_is_real(v)) {
        gg_buf_addf(out, "%g", json_real_value(v));
    } else {
        gg_buf_adds(out, "null");
    }
}

static bool is_empty_container(const json_t *v)
{
    return (json_is_object(v) && json_object_size(v) == 0) ||
           (json_is_array(v) && json_array_size(v) == 0);
}

static void indent(struct gg_buf *out, int n)
{
    for (int i = 0; i < n; i++)
        gg_buf_addc(out, ' ');
}

static void node(const json_t *v, int ind, bool inline_first, struct gg_buf *out);

/* Emits mapping <v> at indent <ind>; the first key goes on the current line
 * when <inline_first> (after "- "). */
static void mapping(const json_t *v, int ind, bool inline_first, struct gg_buf *out)
{
    /* kubectl sorts keys */
    size_t n = json_object_size(v), i = 0;
    const char **keys = gg_xcalloc(n ? n : 1, sizeof(*keys));
    const char *k;
    json_t *x;
    json_object_foreach((json_t *)v, k, x) keys[i++] = k;
    for (size_t a = 1; a < n; a++)
        for (size_t b = a; b > 0 && strcmp(keys[b - 1], keys[b]) > 0; b--) {
            const char *t = keys[b];
            keys[b] = keys[b - 1];
            keys[b - 1] = t;
        }
    for (i = 0; i < n; i++) {
        if (i || !inline_first)
            indent(out, ind);
        gg_buf_adds(out, keys[i]);
        gg_buf_addc(out, ':');
        node(json_object_get(v, keys[i]), ind, false, out);
    }
    free(keys);
}

static void node(const json_t *v, int ind, bool inline_first, struct gg_buf *out)
{
    (void)inline_first;
    if (json_is_object(v) && !is_empty_container(v)) {
        gg_buf_addc(out, '\n');
        mapping(v, ind + 2, false, out);
    } else if (json_is_array(v) && !is_empty_container(v)) {
        gg_buf_addc(out, '\n');
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            indent(out, ind);
            gg_buf_adds(out, "- ");
            if (json_is_object(x) && json_object_size(x)) {
                mapping(x, ind + 2, true, out);
            } else {
                scalar(x, out);
                gg_buf_addc(out, '\n');
            }
        }
    } else {
        gg_buf_addc(out, ' ');
        if (is_empty_container(v))
            gg_buf_adds(out, json_is_object(v) ? "{}" : "[]");
        else
            scalar(v, out);
        gg_buf_addc(out, '\n');
    }
}

void gg_status_set_yaml(const struct gg_status_set *set, struct gg_buf *out)
{
    json_t *items = json_array();
    for (size_t i = 0; i < set->n; i++)
        json_array_append_new(items, item_json(&set->items[i]));
    json_t *list = json_pack("{s:s,s:o,s:s,s:{}}", "apiVersion", "v1", "items", items, "kind",
                             "List", "metadata");
    mapping(list, 0, false, out);
    json_decref(list);
}
