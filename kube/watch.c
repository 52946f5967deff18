/* SPDX-License-Identifier: Apache-2.0 */
/* The Kubernetes API source (watch.h): list and watch per kind, as client-go
 * reflectors do, on one thread driving every kind's request through one curl
 * multi handle. Requests themselves (TLS, tokens, limits, line splitting) are
 * client.c's.
 *
 * Design notes
 *
 * Why one thread: the receiver wants its events from one thread, never
 * concurrently (source.h); one thread gives that without a lock around the
 * callback, lets the kinds share connections (HTTP/2 multiplexes nine
 * watches over one), and makes stopping one curl_multi_wakeup. A thread per
 * kind would have made each loop a straight line of blocking calls, but
 * nine threads contending for one callback lock, and nine transfers to
 * interrupt on stop, cost more than the explicit states below.
 *
 * States of a kind (struct kstate), each with the function that leaves it:
 *   WAIT   nothing in flight; at due_ms, start() begins LIST (no rv, or
 *          cont set) or WATCH (rv set).
 *   LIST   one page in flight. list_done(): another page (cont) -> LIST;
 *          last page -> REPLACE, rv from the list -> WATCH at once; 404 ->
 *          the next version, or MISSING; 410 on a continue -> LIST from the
 *          start; any other failure -> WAIT with backoff, the pages dropped.
 *   WATCH  a stream in flight; events go out as they arrive (on_line).
 *          watch_done(): 410 (status or ERROR event) or 404 -> LIST at once;
 *          a clean end -> WATCH again from rv; a dropped connection or
 *          error status -> WAIT with backoff, rv kept; an undecodable event
 *          -> WAIT with backoff, rv dropped (a relist follows).
 *   MISSING  the kind is not served (or, for an optional kind such as
 *          Secrets, RBAC forbids it): WAIT with due_ms missing_recheck_s
 *          away, is_missing set; it counts as listed for SYNCED.
 *
 * Invariants:
 *  1. A kind has at most one request in flight (is_busy), and its easy
 *     handle is in the multi handle exactly while is_busy.
 *  2. rv is only ever the resourceVersion of a complete list or of an event
 *     or bookmark after it, so a watch from rv misses nothing; when in doubt
 *     (an undecodable event, 410, 404) rv is dropped and the kind relisted.
 *  3. REPLACE goes out only for a complete list; a failed list leaves the
 *     receiver's last state as it was.
 *  4. Every event goes out from this thread; SYNCED once, after every kind
 *     is listed or missing; is_synced is set just before it.
 *  5. nfailing_net counts the kinds whose last request failed as an outage
 *     does (no answer, a dropped connection, 429 or 5xx); the outage ERROR
 *     goes out when it leaves zero, and again only after it came back to
 *     zero. A kind's own failure (403, a bad answer) is told once per kind.
 *     A kind recovers (kind_ok) when it does work again: a complete list
 *     page, a watch event or bookmark, a watch that ran to its end, or a
 *     404 answer. A watch merely connected does not count, since a server
 *     just restarted accepts a watch, answers 410, then may refuse the
 *     list: that is still the same outage.
 *  6. Backoff grows per kind from backoff_initial_ms to backoff_max_ms with
 *     -50% jitter, and resets after a complete list or a watch that carried
 *     an event or stayed up WATCH_HEALTHY_MS. */
#include "kube/watch.h"

#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kube/client.h"
#include "kube/internal.h"
#include "validation/xalloc.h"

#define GW "gateway.networking.k8s.io"
#define ACCEPT_META_LIST "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"
#define ACCEPT_META "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1"
/* A watch that ends this soon with no event counts as a failure (backoff),
 * so a server that accepts and hangs up at once is not hammered. */
#define WATCH_MIN_MS 1000
/* A watch up this long, or that carried an event, resets the backoff. */
#define WATCH_HEALTHY_MS 10000
/* Margin past timeoutSeconds before curl gives up on a watch itself. */
#define WATCH_SLACK_S 30

struct kind_def {
    const char *group; /* "" for the core group */
    const char *kind;
    const char *plural;
    const char *versions[3]; /* tried in order while the server answers 404 */
    bool is_metadata_only;
    /* the checks cope without it: when RBAC forbids it (the chart's
     * rbac.secrets=false), it is skipped like a missing CRD instead of
     * holding back SYNCED */
    bool is_optional;
    bool is_opt_in; /* only with opts.watch_endpoints */
};

/* The kinds the cross-object checks read (validation/model.h). The checks
 * only ever look Secrets up by name, so unless opts.secret_data asks for
 * them whole only their metadata is fetched: no secret material enters the
 * webhook. ReferenceGrant's storage version is v1beta1 and v1 is served from
 * Gateway API v1.6 on. EndpointSlices are for serving, not checking. */
static const struct kind_def kind_defs[] = {
    {"", "Namespace", "namespaces", {"v1"}, false},
    {"", "Service", "services", {"v1"}, false},
    {"", "Secret", "secrets", {"v1"}, true, true},
    {GW, "GatewayClass", "gatewayclasses", {"v1"}, false},
    {GW, "Gateway", "gateways", {"v1"}, false},
    {GW, "ListenerSet", "listenersets", {"v1"}, false},
    {GW, "HTTPRoute", "httproutes", {"v1"}, false},
    {GW, "GRPCRoute", "grpcroutes", {"v1"}, false},
    {GW, "ReferenceGrant", "referencegrants", {"v1", "v1beta1"}, false},
    {"discovery.k8s.io", "EndpointSlice", "endpointslices", {"v1"}, false, false, true},
};
#define NKINDS (sizeof(kind_defs) / sizeof(kind_defs[0]))

enum phase { PH_WAIT, PH_LIST, PH_WATCH };

struct kube_source;

struct kstate {
    struct kube_source *src;
    const struct kind_def *def;
    enum phase phase;
    struct gg_kube_req req; /* valid while is_busy */
    bool is_busy;
    bool is_off;           /* not asked for (opts): never requested, counts as listed */
    bool is_metadata_only; /* def's, unless opts.secret_data */
    int64_t due_ms;        /* WAIT: when to start the next request */
    int version;           /* index into def->versions */
    char *rv;              /* where the watch resumes; NULL: list first */
    char *cont;            /* the continue token of a list in progress */
    json_t *items;         /* the pages of a list in progress */
    unsigned failures;     /* consecutive, for the backoff */
    bool is_listed;        /* listed once, or found missing: counts for SYNCED */
    bool is_missing;
    bool has_told; /* a REPLACE went out for this kind */
    bool is_failing;
    bool is_failing_net;
    /* the current watch: */
    int64_t watch_start_ms;
    unsigned watch_events;
    bool is_gone;       /* an ERROR event with code 410 */
    bool is_bad_event;  /* an event that did not decode, or another ERROR */
    bool is_bad_relist; /* ... after which rv cannot be trusted */
    char bad_msg[512];
};

struct kube_source {
    struct gg_source base;
    struct gg_kube_watch_opts opts;
    struct gg_kube_client *client;
    gg_source_cb cb;
    void *ctx;
    CURLM *multi;
    pthread_t thread;
    atomic_bool stop;
    unsigned nfailing_net;
    bool is_outage_told;
    unsigned seed;
    struct kstate kinds[NKINDS];
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *api_version(const struct kstate *k)
{
    static _Thread_local char buf[128];
    const char *v = k->def->versions[k->version];
    if (!*k->def->group)
        return v;
    snprintf(buf, sizeof(buf), "%s/%s", k->def->group, v);
    return buf;
}

/* "/api/v1/namespaces" or "/apis/GROUP/VERSION/PLURAL" */
static char *base_path(const struct kstate *k)
{
    if (!*k->def->group)
        return gg_xasprintf("/api/%s/%s", k->def->versions[k->version], k->def->plural);
    return gg_xasprintf("/apis/%s/%s/%s", k->def->group, k->def->versions[k->version],
                        k->def->plural);
}

/* <kind> names the kind the error is about, NULL when it is about them all. */
static void emit_error(struct kube_source *s, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void emit_error(struct kube_source *s, const char *kind, const char *fmt, ...)
{
    char msg[1536];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    s->cb(s->ctx, GG_SOURCE_ERROR, kind, NULL, msg);
}

/* List items carry neither apiVersion nor kind, and metadata-only objects
 * read PartialObjectMetadata: give each the identity the receiver keys on. */
static void set_identity(const struct kstate *k, json_t *obj)
{
    json_object_set_new(obj, "apiVersion", json_string(api_version(k)));
    json_object_set_new(obj, "kind", json_string(k->def->kind));
}

static const char *resource_version(const json_t *obj)
{
    const char *rv =
        json_string_value(json_object_get(json_object_get(obj, "metadata"), "resourceVersion"));
    return rv && *rv ? rv : NULL;
}

static void set_str(char **dst, const char *src)
{
    free(*dst);
    *dst = src ? gg_xstrdup(src) : NULL;
}

/* --- health, backoff, SYNCED ------------------------------------------------ */

static void kind_ok(struct kstate *k)
{
    struct kube_source *s = k->src;
    if (!k->is_failing)
        return;
    k->is_failing = false;
    if (k->is_failing_net && --s->nfailing_net == 0)
        s->is_outage_told = false; /* invariant 5: the outage is over */
    k->is_failing_net = false;
}

/* Whether a failure is the server's or the network's (the outage, told
 * once) rather than this kind's own (told per kind): no answer, or an answer
 * that says the server is overloaded, starting or stopping. */
static bool is_outage(int rc, long status)
{
    return rc == GG_KUBE_ENET || (rc == GG_KUBE_EHTTP && (status >= 500 || status == 429));
}

/* kube-apiserver answers 429 while it is overloaded or its watch cache is
 * still filling (just started, or a CRD just added): a few in a row are
 * retried quietly, as client-go does; only a run of them is reported. */
#define QUIET_429_FAILURES 5

static bool is_quiet(const struct kstate *k, int rc, long status)
{
    return rc == GG_KUBE_EHTTP && status == 429 && k->failures < QUIET_429_FAILURES;
}

static void fail(struct kstate *k, bool is_net, bool quiet, const char *msg)
{
    struct kube_source *s = k->src;
    unsigned initial = s->opts.backoff_initial_ms, max = s->opts.backoff_max_ms;
    uint64_t delay = initial;
    for (unsigned i = 0; i < k->failures && delay < max; i++)
        delay *= 2;
    if (delay > max)
        delay = max;
    /* jitter: a restarted API server is not met by every client at once */
    delay = delay / 2 + (uint64_t)rand_r(&s->seed) % (delay / 2 + 1);
    k->failures++;
    k->phase = PH_WAIT;
    k->due_ms = now_ms() + (int64_t)delay;

    if (quiet)
        return;
    if (k->is_failing && k->is_failing_net == is_net)
        return; /* told already */
    kind_ok(k); /* a change of kind of failure: count it afresh */
    k->is_failing = true;
    k->is_failing_net = is_net;
    if (!is_net) {
        emit_error(s, k->def->kind, "%s: %s; retrying", k->def->kind, msg);
    } else if (s->nfailing_net++ == 0 && !s->is_outage_told) {
        s->is_outage_told = true;
        /* the first kind to notice speaks for all: no kind */
        emit_error(s, NULL, "%s: %s; serving the last state and retrying", k->def->kind, msg);
    }
}

static void mark_listed(struct kstate *k)
{
    struct kube_source *s = k->src;
    k->is_listed = true;
    if (atomic_load(&s->base.is_synced))
        return;
    for (size_t i = 0; i < NKINDS; i++)
        if (!s->kinds[i].is_listed)
            return;
    atomic_store_explicit(&s->base.is_synced, true, memory_order_release);
    s->cb(s->ctx, GG_SOURCE_SYNCED, NULL, NULL, NULL);
}

/* --- starting requests ---------------------------------------------------- */

static int on_line(void *ctx, const char *line, size_t len);

static void submit(struct kstate *k, enum phase phase)
{
    k->phase = phase;
    k->is_busy = true;
    /* wait for a connection being set up rather than open another: with
     * HTTP/2 every kind's requests then share one connection */
    curl_easy_setopt(k->req.easy, CURLOPT_PIPEWAIT, 1L);
    curl_multi_add_handle(k->src->multi, k->req.easy);
}

static void start_list(struct kstate *k)
{
    struct kube_source *s = k->src;
    char *base = base_path(k);
    struct gg_buf path;
    gg_buf_init(&path);
    gg_buf_addf(&path, "%s?limit=%u", base, s->opts.page_limit);
    free(base);
    if (k->cont) {
        char *esc = curl_easy_escape(NULL, k->cont, 0);
        gg_buf_addf(&path, "&continue=%s", esc);
        curl_free(esc);
    }
    char err[512];
    int rc = gg_kube_req_init(&k->req, s->client, path.data,
                              k->is_metadata_only ? ACCEPT_META_LIST : NULL,
                              (long)s->opts.list_timeout_s, err, sizeof(err));
    gg_buf_clear(&path);
    if (rc) {
        fail(k, false, false, err);
        return;
    }
    submit(k, PH_LIST);
}

static void start_watch(struct kstate *k)
{
    struct kube_source *s = k->src;
    /* client-go's spread: each watch ends at its own time, between 1x and
     * 2x the minimum, so they do not all restart together */
    unsigned timeout =
        s->opts.watch_timeout_s + (unsigned)rand_r(&s->seed) % (s->opts.watch_timeout_s + 1);
    char *base = base_path(k);
    char *rv = curl_easy_escape(NULL, k->rv, 0);
    char *path = gg_xasprintf("%s?watch=1&allowWatchBookmarks=true&resourceVersion=%s"
                              "&timeoutSeconds=%u",
                              base, rv, timeout);
    curl_free(rv);
    free(base);
    char err[512];
    int rc = gg_kube_req_init(&k->req, s->client, path, k->is_metadata_only ? ACCEPT_META : NULL,
                              (long)(timeout + WATCH_SLACK_S), err, sizeof(err));
    free(path);
    if (rc) {
        fail(k, false, false, err);
        return;
    }
    gg_kube_req_stream(&k->req, GG_KUBE_MAX_EVENT, on_line, k);
    k->watch_start_ms = now_ms();
    k->watch_events = 0;
    k->is_gone = k->is_bad_event = k->is_bad_relist = false;
    k->bad_msg[0] = '\0';
    submit(k, PH_WATCH);
}

static void start(struct kstate *k)
{
    if (k->rv && !k->cont)
        start_watch(k);
    else
        start_list(k);
}

/* --- the watch stream ---------------------------------------------------- */

static int on_line(void *ctx, const char *line, size_t len)
{
    struct kstate *k = ctx;
    struct kube_source *s = k->src;
    struct gg_kube_event ev;
    char err[256];
    if (gg_kube_event_decode(line, len, &ev, err, sizeof(err)) < 0) {
        snprintf(k->bad_msg, sizeof(k->bad_msg), "watch of %s: %s", k->def->plural, err);
        k->is_bad_event = k->is_bad_relist = true;
        return 1;
    }
    k->watch_events++;
    const char *rv = resource_version(ev.object);
    int stop = 0;
    if (ev.type != GG_KUBE_ERROR)
        kind_ok(k); /* invariant 5: a kind has recovered when it does work again */
    switch (ev.type) {
    case GG_KUBE_ADDED:
    case GG_KUBE_MODIFIED:
    case GG_KUBE_DELETED:
        set_identity(k, ev.object);
        s->cb(s->ctx, ev.type == GG_KUBE_DELETED ? GG_SOURCE_DELETE : GG_SOURCE_UPSERT,
              k->def->kind, ev.object, NULL);
        if (rv)
            set_str(&k->rv, rv);
        break;
    case GG_KUBE_BOOKMARK:
        if (rv)
            set_str(&k->rv, rv);
        break;
    case GG_KUBE_ERROR: {
        long code = gg_kube_status_code(ev.object);
        if (code == 410) {
            k->is_gone = true;
        } else {
            const char *msg = json_string_value(json_object_get(ev.object, "message"));
            snprintf(k->bad_msg, sizeof(k->bad_msg), "watch of %s: error %ld: %s", k->def->plural,
                     code, msg ? msg : "no message");
            k->is_bad_event = true;
        }
        stop = 1;
        break;
    }
    }
    json_decref(ev.object);
    return stop;
}

/* --- finished requests ----------------------------------------------------- */

static void list_done(struct kstate *k, int rc, long status, const char *err)
{
    struct kube_source *s = k->src;
    bool forbidden = rc == GG_KUBE_EHTTP && status == 403 && k->def->is_optional;
    if (rc == GG_KUBE_EHTTP && (status == 404 || forbidden) && !k->cont) {
        kind_ok(k); /* the server answered */
        if (!forbidden && k->version + 1 < 3 && k->def->versions[k->version + 1]) {
            k->version++;
            k->due_ms = 0;
            return;
        }
        if (!k->is_missing && forbidden)
            emit_error(s, k->def->kind,
                       "%s: forbidden to list %s (RBAC); skipped, and the checks that read them "
                       "say nothing; asked for again every %u s",
                       k->def->kind, k->def->plural, s->opts.missing_recheck_s);
        else if (!k->is_missing)
            emit_error(s, k->def->kind,
                       "%s: not served by the API server (no %s%s%s; is the CRD installed?); "
                       "skipped, asked for again every %u s",
                       k->def->kind, k->def->plural, *k->def->group ? "." : "", k->def->group,
                       s->opts.missing_recheck_s);
        k->is_missing = true;
        k->version = 0;
        set_str(&k->rv, NULL);
        if (k->has_told) { /* served before: its objects went with it */
            json_t *none = json_array();
            s->cb(s->ctx, GG_SOURCE_REPLACE, k->def->kind, none, NULL);
            json_decref(none);
            k->has_told = false;
        }
        k->due_ms = now_ms() + (int64_t)s->opts.missing_recheck_s * 1000;
        mark_listed(k);
        return;
    }
    if (rc == GG_KUBE_EHTTP && status == 410 && k->cont) {
        /* the continue token expired: the list starts over */
        set_str(&k->cont, NULL);
        json_decref(k->items);
        k->items = NULL;
        k->due_ms = 0;
        return;
    }
    char msg[1024];
    json_t *page = NULL;
    if (rc == 0) {
        page = gg_kube_req_json(&k->req, msg, sizeof(msg));
        if (!page)
            rc = GG_KUBE_EBODY;
    } else {
        snprintf(msg, sizeof(msg), "%s", err);
    }
    json_t *items = json_object_get(page, "items");
    json_t *meta = json_object_get(page, "metadata");
    const char *cont = json_string_value(json_object_get(meta, "continue"));
    const char *rv = json_string_value(json_object_get(meta, "resourceVersion"));
    if (rc == 0 && ((!json_is_array(items) && !json_is_null(items) && items) ||
                    ((!cont || !*cont) && (!rv || !*rv)))) {
        snprintf(msg, sizeof(msg), "list of %s: not a list with a resourceVersion", k->def->plural);
        rc = GG_KUBE_EBODY;
    }
    if (rc) {
        json_decref(page);
        set_str(&k->cont, NULL);
        json_decref(k->items);
        k->items = NULL;
        fail(k, is_outage(rc, status), is_quiet(k, rc, status), msg);
        return;
    }
    kind_ok(k);
    if (!k->items)
        k->items = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        if (!json_is_object(it))
            continue;
        set_identity(k, it);
        json_array_append(k->items, it);
    }
    if (cont && *cont) {
        set_str(&k->cont, cont);
        json_decref(page);
        k->due_ms = 0;
        return;
    }
    set_str(&k->cont, NULL);
    set_str(&k->rv, rv);
    json_decref(page);
    k->failures = 0;
    k->is_missing = false;
    s->cb(s->ctx, GG_SOURCE_REPLACE, k->def->kind, k->items, NULL);
    k->has_told = true;
    json_decref(k->items);
    k->items = NULL;
    k->due_ms = 0;
    mark_listed(k);
}

static void watch_done(struct kstate *k, CURLcode code, int rc, long status, const char *err)
{
    int64_t ran = now_ms() - k->watch_start_ms;
    if (ran >= WATCH_HEALTHY_MS || k->watch_events > 0)
        k->failures = 0;
    if (k->is_gone || (rc == GG_KUBE_EHTTP && (status == 410 || status == 404))) {
        /* invariant 2: rv is too old (410) or the kind went away (404) */
        set_str(&k->rv, NULL);
        k->due_ms = 0;
        return;
    }
    if (k->is_bad_event) {
        if (k->is_bad_relist)
            set_str(&k->rv, NULL);
        fail(k, false, false, k->bad_msg);
        return;
    }
    if (rc == GG_KUBE_EBODY)
        set_str(&k->rv, NULL); /* the stream broke inside an event */
    /* the server closed the watch at timeoutSeconds, or curl gave up at its
     * own deadline just after: both are the normal end of a watch */
    bool is_end = rc == 0 || (rc == GG_KUBE_ENET && code == CURLE_OPERATION_TIMEDOUT &&
                              ran >= (int64_t)k->src->opts.watch_timeout_s * 1000);
    if (is_end && (k->watch_events > 0 || ran >= WATCH_MIN_MS)) {
        kind_ok(k);
        k->due_ms = 0;
        return;
    }
    char msg[1024];
    if (is_end)
        snprintf(msg, sizeof(msg), "watch of %s ended at once", k->def->plural);
    else
        snprintf(msg, sizeof(msg), "%s", err);
    fail(k, is_end || is_outage(rc, status), !is_end && is_quiet(k, rc, status), msg);
}

static void done(struct kstate *k, CURLcode code)
{
    curl_multi_remove_handle(k->src->multi, k->req.easy);
    k->is_busy = false;
    k->phase = PH_WAIT;
    char err[1024];
    int rc = gg_kube_req_finish(&k->req, code, err, sizeof(err));
    long status = k->req.status;
    if (k->req.is_stream)
        watch_done(k, code, rc, status, err);
    else
        list_done(k, rc, status, err);
    gg_kube_req_clear(&k->req);
}

/* --- the thread --------------------------------------------------------- */

static void *run(void *arg)
{
    struct kube_source *s = arg;
    while (!atomic_load(&s->stop)) {
        int64_t now = now_ms(), next = now + 1000;
        for (size_t i = 0; i < NKINDS; i++) {
            struct kstate *k = &s->kinds[i];
            if (k->is_busy || k->is_off)
                continue;
            if (k->due_ms <= now)
                start(k);
            if (!k->is_busy && k->due_ms < next)
                next = k->due_ms;
        }
        int running;
        curl_multi_perform(s->multi, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(s->multi, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            for (size_t i = 0; i < NKINDS; i++) {
                if (s->kinds[i].is_busy && s->kinds[i].req.easy == msg->easy_handle) {
                    done(&s->kinds[i], msg->data.result);
                    break;
                }
            }
        }
        /* a kind done just now may be due at once: go round without waiting */
        for (size_t i = 0; i < NKINDS; i++)
            if (!s->kinds[i].is_busy && !s->kinds[i].is_off && s->kinds[i].due_ms < next)
                next = s->kinds[i].due_ms;
        int64_t wait = next - now_ms();
        if (wait > 0)
            curl_multi_poll(s->multi, NULL, 0, (int)wait, NULL);
    }
    return NULL;
}

static void destroy(struct gg_source *base)
{
    struct kube_source *s = (struct kube_source *)base;
    atomic_store(&s->stop, true);
    curl_multi_wakeup(s->multi);
    pthread_join(s->thread, NULL);
    for (size_t i = 0; i < NKINDS; i++) {
        struct kstate *k = &s->kinds[i];
        if (k->is_busy)
            curl_multi_remove_handle(s->multi, k->req.easy);
        gg_kube_req_clear(&k->req);
        free(k->rv);
        free(k->cont);
        json_decref(k->items);
    }
    curl_multi_cleanup(s->multi);
    gg_kube_client_free(s->client);
    free(s);
}

struct gg_source *gg_source_kube_new_opts(const struct gg_kube_config *cfg,
                                          const struct gg_kube_watch_opts *opts, gg_source_cb cb,
                                          void *ctx, char *err, size_t errlen)
{
    struct gg_kube_client *client = gg_kube_client_new(cfg, err, errlen);
    if (!client)
        return NULL;
    struct kube_source *s = gg_xcalloc(1, sizeof(*s));
    s->base.destroy = destroy;
    atomic_init(&s->base.is_synced, false);
    atomic_init(&s->stop, false);
    if (opts)
        s->opts = *opts;
    if (!s->opts.watch_timeout_s)
        s->opts.watch_timeout_s = 300;
    if (!s->opts.backoff_initial_ms)
        s->opts.backoff_initial_ms = 200;
    if (!s->opts.backoff_max_ms)
        s->opts.backoff_max_ms = 30000;
    if (s->opts.backoff_max_ms < s->opts.backoff_initial_ms)
        s->opts.backoff_max_ms = s->opts.backoff_initial_ms;
    if (!s->opts.missing_recheck_s)
        s->opts.missing_recheck_s = 300;
    if (!s->opts.list_timeout_s)
        s->opts.list_timeout_s = 60;
    if (!s->opts.page_limit)
        s->opts.page_limit = 500;
    s->client = client;
    s->cb = cb;
    s->ctx = ctx;
    s->seed = (unsigned)time(NULL) ^ (unsigned)getpid() ^ (unsigned)(uintptr_t)s;
    for (size_t i = 0; i < NKINDS; i++) {
        struct kstate *k = &s->kinds[i];
        k->src = s;
        k->def = &kind_defs[i];
        k->is_metadata_only = kind_defs[i].is_metadata_only && !s->opts.secret_data;
        k->is_off = kind_defs[i].is_opt_in && !s->opts.watch_endpoints;
        k->is_listed = k->is_off;
    }
    s->multi = curl_multi_init();
    if (!s->multi) {
        snprintf(err, errlen, "libcurl: cannot make a multi handle");
        goto fail;
    }
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old); /* the thread takes no signals */
    int rc = pthread_create(&s->thread, NULL, run, s);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        snprintf(err, errlen, "cannot start a thread: %s", strerror(rc));
        curl_multi_cleanup(s->multi);
        goto fail;
    }
    return &s->base;
fail:
    gg_kube_client_free(client);
    free(s);
    return NULL;
}

struct gg_source *gg_source_kube_new(const struct gg_kube_config *cfg, gg_source_cb cb, void *ctx,
                                     char *err, size_t errlen)
{
    return gg_source_kube_new_opts(cfg, NULL, cb, ctx, err, errlen);
}
