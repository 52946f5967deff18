/* SPDX-License-Identifier: Apache-2.0 */
/* The folder source (dir.h): one thread that reads a manifest folder with the
 * loader, sends it whole, and reads it again after inotify reports a burst of
 * changes. Parsing and the meaning of the objects are left to the loader and
 * to the receiver.
 *
 * Design notes
 *
 * States of the thread (run): WAITING (poll with no timeout), DIRTY (a change
 * seen; poll until the burst is quiet or GG_DIR_MAX_DELAY_MS passed), then
 * READ (reread), back to WAITING. LOST (the root folder itself went away)
 * polls once a second to watch it again when it comes back. STOP (the
 * eventfd) wins over all of them.
 *
 * Invariants:
 *  1. Every read first watches the tree (watch_tree), then loads it, so a
 *     change either happened before the load and is in it, or after the
 *     watch and raises a new event: nothing is missed between the two.
 *  2. The watch table holds exactly the folders seen by the latest walk
 *     (mark and sweep); a folder removed or moved out stops being watched.
 *  3. Events go out from this thread only, REPLACE only after a load that
 *     succeeded, SYNCED once and after the first REPLACE. */
#include "kube/dir.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kube/internal.h"
#include "validation/kinds.h"
#include "validation/load.h"
#include "validation/xalloc.h"

#define WATCH_MASK                                                                                 \
    (IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO |            \
     IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
#define MAX_DEPTH 32 /* the loader's own nesting limit */
#define LOST_RETRY_MS 1000

struct watch {
    int wd;
    bool is_seen; /* by the current walk */
};

struct dir_source {
    struct gg_source base;
    char *root;
    gg_source_cb cb;
    void *ctx;
    int ifd;  /* inotify */
    int stop; /* eventfd: written once by destroy */
    pthread_t thread;

    struct watch *watches;
    size_t nwatches;
    size_t nseen;       /* folders the current walk watched */
    int root_wd;        /* -1 while the root is not watched */
    bool is_limit_told; /* the watch limit was reported once */
    json_t *last;       /* the objects last sent, or NULL */
    bool was_error;     /* the latest read failed */
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --- namespaces ------------------------------------------------------------ */

/* Kinds outside gateway.networking.k8s.io that have no namespace: the ones a
 * folder of cluster manifests plausibly holds. Everything else is namespaced,
 * as almost every built-in kind is. */
static const char *const cluster_kinds[] = {
    "Namespace",
    "Node",
    "PersistentVolume",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "StorageClass",
    "PriorityClass",
    "IngressClass",
    "RuntimeClass",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "APIService",
    "CSIDriver",
    "CSINode",
    "VolumeAttachment",
    "CertificateSigningRequest",
    NULL,
};

static bool is_namespaced(const char *api_version, const char *kind)
{
    const char *slash = strrchr(api_version, '/');
    size_t glen = slash ? (size_t)(slash - api_version) : 0;
    if (glen == strlen("gateway.networking.k8s.io") &&
        strncmp(api_version, "gateway.networking.k8s.io", glen) == 0) {
        /* gg_kinds_find answers for served versions only; the scope of a
         * kind does not depend on its version, so look the kind up. */
        const struct gg_kind *k = gg_kinds_find(api_version, kind);
        for (size_t i = 0; !k && i < gg_kinds_count(); i++)
            if (strcmp(gg_kinds_at(i)->kind, kind) == 0)
                k = gg_kinds_at(i);
        return k ? k->namespaced : true;
    }
    for (const char *const *c = cluster_kinds; *c; c++)
        if (strcmp(*c, kind) == 0)
            return false;
    return true;
}

/* kubectl applies a manifest without a namespace to "default"; the store must
 * see the object where the cluster would keep it. */
static void default_namespace(json_t *obj)
{
    const char *api = json_string_value(json_object_get(obj, "apiVersion"));
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    json_t *meta = json_object_get(obj, "metadata");
    if (!api || !kind || !json_is_object(meta) || !is_namespaced(api, kind))
        return;
    const char *ns = json_string_value(json_object_get(meta, "namespace"));
    if (!ns || !*ns)
        json_object_set_new(meta, "namespace", json_string("default"));
}

/* --- the watch table ----------------------------------------------------- */

static void emit_error(struct dir_source *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void emit_error(struct dir_source *d, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    d->cb(d->ctx, GG_SOURCE_ERROR, NULL, NULL, msg);
}

static void mark_seen(struct dir_source *d, int wd)
{
    for (size_t i = 0; i < d->nwatches; i++) {
        if (d->watches[i].wd == wd) {
            d->watches[i].is_seen = true;
            return;
        }
    }
    d->watches = gg_xrealloc(d->watches, (d->nwatches + 1) * sizeof(*d->watches));
    d->watches[d->nwatches++] = (struct watch){.wd = wd, .is_seen = true};
}

/* Watches <path> and the folders under it, skipping hidden ones as the
 * loader does. Failures are reported once and leave that part unwatched. */
static void watch_folder(struct dir_source *d, const char *path, int depth)
{
    if (depth > MAX_DEPTH)
        return;
    if (d->nseen >= GG_DIR_MAX_WATCHES) {
        if (!d->is_limit_told)
            emit_error(d, "%s: more than %d folders; changes below %s are not seen", d->root,
                       GG_DIR_MAX_WATCHES, path);
        d->is_limit_told = true;
        return;
    }
    int wd = inotify_add_watch(d->ifd, path, WATCH_MASK);
    if (wd < 0) {
        if (errno == ENOSPC && !d->is_limit_told) {
            d->is_limit_told = true;
            emit_error(d,
                       "%s: inotify watch limit reached (fs.inotify.max_user_watches); "
                       "changes there are not seen",
                       path);
        }
        return;
    }
    mark_seen(d, wd);
    d->nseen++;
    if (depth == 0)
        d->root_wd = wd;
    DIR *dir = opendir(path);
    if (!dir)
        return;
    struct dirent *de;
    while ((de = readdir(dir))) {
        if (de->d_name[0] == '.')
            continue;
        char *full = gg_xasprintf("%s/%s", path, de->d_name);
        struct stat st;
        if (stat(full, &st) == 0 && S_ISDIR(st.st_mode))
            watch_folder(d, full, depth + 1);
        free(full);
    }
    closedir(dir);
}

static void watch_tree(struct dir_source *d)
{
    for (size_t i = 0; i < d->nwatches; i++)
        d->watches[i].is_seen = false;
    d->nseen = 0;
    d->root_wd = -1;
    watch_folder(d, d->root, 0);
    size_t kept = 0;
    for (size_t i = 0; i < d->nwatches; i++) {
        if (d->watches[i].is_seen)
            d->watches[kept++] = d->watches[i];
        else
            inotify_rm_watch(d->ifd, d->watches[i].wd);
    }
    d->nwatches = kept;
}

static void forget_watch(struct dir_source *d, int wd)
{
    for (size_t i = 0; i < d->nwatches; i++) {
        if (d->watches[i].wd == wd) {
            d->watches[i] = d->watches[--d->nwatches];
            break;
        }
    }
    if (wd == d->root_wd)
        d->root_wd = -1;
}

/* --- reading ------------------------------------------------------------- */

static void reread(struct dir_source *d)
{
    watch_tree(d); /* invariant 1: watch first, then load */
    struct gg_docs docs;
    char err[1024];
    gg_docs_init(&docs);
    if (gg_load_path(&docs, d->root, err, sizeof(err)) < 0) {
        gg_docs_clear(&docs);
        d->was_error = true;
        d->cb(d->ctx, GG_SOURCE_ERROR, NULL, NULL, err);
        return;
    }
    json_t *objs = json_array();
    for (size_t i = 0; i < docs.n; i++) {
        if (!json_is_object(docs.items[i].obj))
            continue;
        default_namespace(docs.items[i].obj);
        json_array_append(objs, docs.items[i].obj); /* a reference of our own */
    }
    gg_docs_clear(&docs);
    if (d->last && !d->was_error && json_equal(d->last, objs)) {
        json_decref(objs);
        return;
    }
    d->was_error = false;
    json_decref(d->last);
    d->last = objs;
    d->cb(d->ctx, GG_SOURCE_REPLACE, NULL, objs, NULL);
    if (!atomic_load(&d->base.is_synced)) {
        /* set first, so a receiver that asks while handling SYNCED hears yes */
        atomic_store_explicit(&d->base.is_synced, true, memory_order_release);
        d->cb(d->ctx, GG_SOURCE_SYNCED, NULL, NULL, NULL);
    }
}

/* Drains the inotify queue; returns whether anything in the tree changed. */
static bool drain_events(struct dir_source *d)
{
    _Alignas(struct inotify_event) char buf[16384];
    bool is_changed = false;
    for (;;) {
        ssize_t n = read(d->ifd, buf, sizeof(buf));
        if (n <= 0)
            break;
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            if (ev->mask & IN_IGNORED)
                forget_watch(d, ev->wd);
            else if (ev->wd == d->root_wd && (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)))
                d->root_wd = -1; /* moved away: the path no longer leads to it */
            is_changed = true;
            p += sizeof(*ev) + ev->len;
        }
    }
    return is_changed;
}

static void *run(void *arg)
{
    struct dir_source *d = arg;
    reread(d);
    int64_t first = -1, last = -1; /* the current burst, -1 when none */
    for (;;) {
        int timeout = -1;
        int64_t now = now_ms();
        if (first >= 0) {
            int64_t due = last + GG_DIR_QUIET_MS;
            if (due > first + GG_DIR_MAX_DELAY_MS)
                due = first + GG_DIR_MAX_DELAY_MS;
            timeout = due > now ? (int)(due - now) : 0;
        } else if (d->root_wd < 0) {
            timeout = LOST_RETRY_MS;
        }
        struct pollfd pfd[2] = {{.fd = d->stop, .events = POLLIN},
                                {.fd = d->ifd, .events = POLLIN}};
        int n = poll(pfd, 2, timeout);
        if (n < 0 && errno != EINTR)
            break;
        if (pfd[0].revents)
            break;
        now = now_ms();
        if (n > 0 && (pfd[1].revents & POLLIN) && drain_events(d)) {
            if (first < 0)
                first = now;
            last = now;
            continue;
        }
        if (first >= 0 || (n == 0 && d->root_wd < 0)) {
            /* quiet for long enough, the burst too long, or the root maybe back */
            first = last = -1;
            if (d->root_wd < 0) {
                struct stat st;
                if (stat(d->root, &st) != 0 || !S_ISDIR(st.st_mode)) {
                    if (!d->was_error)
                        reread(d); /* sends the ERROR once per disappearance */
                    continue;
                }
            }
            reread(d);
        }
    }
    return NULL;
}

static void destroy(struct gg_source *s)
{
    struct dir_source *d = (struct dir_source *)s;
    uint64_t one = 1;
    if (write(d->stop, &one, sizeof(one)) != sizeof(one))
        abort(); /* an eventfd write of 1 cannot fail short of a bug */
    pthread_join(d->thread, NULL);
    close(d->stop);
    close(d->ifd);
    free(d->watches);
    json_decref(d->last);
    free(d->root);
    free(d);
}

struct gg_source *gg_source_dir_new(const char *path, gg_source_cb cb, void *ctx, char *err,
                                    size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: not a folder", path);
        return NULL;
    }
    struct dir_source *d = gg_xcalloc(1, sizeof(*d));
    d->base.destroy = destroy;
    atomic_init(&d->base.is_synced, false);
    d->cb = cb;
    d->ctx = ctx;
    d->root_wd = -1;
    /* trailing slashes would make the loader's file names read "dir//x.yaml" */
    d->root = gg_xstrdup(path);
    for (size_t n = strlen(d->root); n > 1 && d->root[n - 1] == '/';)
        d->root[--n] = '\0';
    d->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    d->stop = eventfd(0, EFD_CLOEXEC);
    if (d->ifd < 0 || d->stop < 0) {
        snprintf(err, errlen, "%s: inotify: %s", path, strerror(errno));
        goto fail;
    }
    /* The thread takes no signals: the command that owns the process waits
     * for them where it chooses. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&d->thread, NULL, run, d);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        snprintf(err, errlen, "%s: cannot start a thread: %s", path, strerror(rc));
        goto fail;
    }
    return &d->base;
fail:
    if (d->ifd >= 0)
        close(d->ifd);
    if (d->stop >= 0)
        close(d->stop);
    free(d->root);
    free(d);
    return NULL;
}
