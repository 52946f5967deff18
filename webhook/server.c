/* SPDX-License-Identifier: Apache-2.0 */
/* The HTTP(S) server behind server.h, on libmicrohttpd (MHD) with GnuTLS.
 *
 * Design notes.
 *
 * Generations. MHD cannot change the certificate of a running daemon, so
 * each certificate pair is served by its own daemon, a "generation". The
 * server owns one listening socket (listen_fd) and never gives it to MHD;
 * every generation gets its own dup() of it, so all generations accept from
 * the same kernel queue and no connection waits on a socket nobody polls.
 * (MHD_OPTION_HTTPS_CERT_CALLBACK could swap pairs inside one daemon, but it
 * hands GnuTLS credentials whose lifetime must outlast every session using
 * them, and would tie this file to GnuTLS's API; daemons are MHD's unit.)
 *
 * Server states and their transitions:
 *   SERVING  --gg_server_shutdown-->  DRAINING  --(in-flight 0 or deadline)-->  STOPPED
 * Generation states:
 *   current  --rotate (watcher or gg_server_reload)-->  retired  --reap-->  freed
 *
 * rotate(): read and check the new pair (OpenSSL, gg_certs_read_pair), start
 * a new generation on a dup of listen_fd, make it current, then quiesce the
 * old one (MHD_quiesce_daemon: it stops accepting, keeps its connections).
 * A retired generation answers with "Connection: close", so each of its
 * connections ends after the request it is serving; reap() stops it once it
 * has no connection left (or after idle + request timeouts, by which time MHD
 * has closed any idle one). No connection is dropped by a rotation.
 *
 * shutdown(): retire the current generation, shutdown(2) the listening
 * socket so new connections are refused rather than queued, wait for the
 * in-flight count to reach zero, stop every generation and the admin daemon.
 *
 * Invariants:
 *  1. listen_fd is open from start to the end of shutdown; MHD never owns it.
 *  2. A generation's fd is closed only after MHD_stop_daemon on it returned
 *     (MHD's rule for quiesced sockets in threaded modes).
 *  3. At most one generation accepts at a time, except for the moment of a
 *     rotation when the new one already accepts and the old one is not yet
 *     quiesced: both then serve a checked pair.
 *  4. `lock` guards current, retired, state and the file identities. Review
 *     handlers never take it, so stopping a generation under it cannot
 *     deadlock; the admin handler reads `state` under it, and the admin
 *     daemon is stopped outside it.
 *  5. A request's context is made on its first access-handler call and freed
 *     in on_completed, nowhere else; `inflight` counts exactly those alive.
 */
#include "webhook/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "certs/certs.h"
#include "validation/xalloc.h"
#include "obs/log.h"
#include "obs/metrics.h"

#define MAX_THREADS 64
#define ADMIN_MAX_CONNECTIONS 64
#define ADMIN_TIMEOUT 10
#define LISTEN_BACKLOG 1024
/* TLS 1.2 and 1.3 only: what the API server speaks, and nothing weaker */
#define TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

enum state { SERVING, DRAINING, STOPPED };

struct generation {
    struct gg_server *srv; /* borrowed: the owner */
    struct MHD_Daemon *d;
    int fd;           /* this generation's dup of listen_fd */
    char *cert, *key; /* the PEM pair it serves */
    unsigned long id;
    atomic_bool retiring;
    atomic_uint conns; /* open connections */
    struct timespec retired_at;
    struct generation *next; /* in the retired list */
};

struct file_id {
    bool exists;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
};

struct request {
    struct generation *gen; /* borrowed: outlives its requests */
    struct timespec start;
    struct gg_buf body;
    bool is_review; /* POST /validate with acceptable headers */
    bool too_large;
    bool timed_out;
    int status; /* 0 until a response is queued */
    const char *method;
    char path[64];
    struct gg_review_meta meta;
};

struct gg_server {
    /* configuration, copied */
    char *listen, *admin_listen, *cert_file, *key_file;
    unsigned threads, max_connections, idle_timeout, request_timeout, drain_timeout, poll_ms;
    size_t max_body;
    gg_review_cb review;
    void *review_ctx;
    gg_violations_cb violations;
    void *violations_ctx;
    struct gg_metrics *metrics;

    int listen_fd, port, admin_port;
    struct MHD_Daemon *admin;

    pthread_mutex_t lock;
    enum state state;
    struct generation *current;
    struct generation *retired;
    struct file_id cert_id, key_id;
    unsigned long next_id;

    bool started; /* gg_server_start completed */
    pthread_t watcher;
    bool watcher_started;
    int wake_fd;

    atomic_bool ready;
    atomic_long inflight;
    atomic_uint conns;
    _Atomic long long not_after;

    struct gg_metric *m_requests, *m_latency, *m_responses, *m_inflight, *m_conns, *m_refused,
        *m_expiry, *m_reloads;
};

static void seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static double since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static const char *nz(const char *s)
{
    return s && *s ? s : NULL;
}

/* --- listening sockets ------------------------------------------------------- */

/* Splits "host:port", "[v6]:port" or ":port"; host is NULL for "any". */
static int split_listen(const char *spec, char **host, char **port)
{
    const char *colon;
    *host = NULL;
    if (spec[0] == '[') {
        const char *close = strchr(spec, ']');
        if (!close || close[1] != ':')
            return -1;
        *host = gg_xstrndup(spec + 1, (size_t)(close - spec - 1));
        colon = close + 1;
    } else {
        colon = strrchr(spec, ':');
        if (!colon)
            return -1;
        if (colon > spec)
            *host = gg_xstrndup(spec, (size_t)(colon - spec));
    }
    const char *p = colon + 1;
    size_t n = strlen(p);
    if (n == 0 || n > 5 || strspn(p, "0123456789") != n || atoi(p) > 65535) {
        free(*host);
        *host = NULL;
        return -1;
    }
    *port = gg_xstrdup(p);
    return 0;
}

static int bind_one(const struct sockaddr *sa, socklen_t len, bool dual_stack)
{
    int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    int on = 1, off = 0;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    if (dual_stack)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
    if (bind(fd, sa, len) != 0 || listen(fd, LISTEN_BACKLOG) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* Opens a listening socket for <spec>; stores the bound port. For ":port"
 * it prefers a dual-stack IPv6 socket and falls back to IPv4 where IPv6 is
 * off (some container runtimes). */
static int open_listener(const char *spec, int *port_out, char *err, size_t errlen)
{
    char *host = NULL, *port = NULL;
    int fd = -1;
    if (split_listen(spec, &host, &port) != 0) {
        seterr(err, errlen, "listen address \"%s\": want ADDR:PORT, [V6ADDR]:PORT or :PORT", spec);
        return -1;
    }
    if (!host) {
        struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_addr = in6addr_any};
        a6.sin6_port = htons((uint16_t)atoi(port));
        fd = bind_one((struct sockaddr *)&a6, sizeof(a6), true);
        if (fd < 0 && (errno == EAFNOSUPPORT || errno == EADDRNOTAVAIL)) {
            struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_addr.s_addr = INADDR_ANY};
            a4.sin_port = a6.sin6_port;
            fd = bind_one((struct sockaddr *)&a4, sizeof(a4), false);
        }
        if (fd < 0)
            seterr(err, errlen, "listen address \"%s\": %s", spec, strerror(errno));
    } else {
        struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
                                 .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
        struct addrinfo *res = NULL;
        int rc = getaddrinfo(host, port, &hints, &res);
        if (rc != 0) {
            seterr(err, errlen, "listen address \"%s\": %s", spec, gai_strerror(rc));
        } else {
            int e = 0;
            for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
                fd = bind_one(ai->ai_addr, ai->ai_addrlen, false);
                if (fd < 0)
                    e = errno;
            }
            if (fd < 0)
                seterr(err, errlen, "listen address \"%s\": %s", spec, strerror(e));
            freeaddrinfo(res);
        }
    }
    if (fd >= 0) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        getsockname(fd, (struct sockaddr *)&ss, &len);
        *port_out = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                   : ((struct sockaddr_in *)&ss)->sin_port);
    }
    free(host);
    free(port);
    return fd;
}

/* --- certificate files ------------------------------------------------------- */

static void file_id_of(const char *path, struct file_id *id)
{
    struct stat st;
    memset(id, 0, sizeof(*id));
    if (stat(path, &st) != 0)
        return;
    id->exists = true;
    id->dev = st.st_dev;
    id->ino = st.st_ino;
    id->size = st.st_size;
    id->mtime = st.st_mtim;
}

static bool file_id_eq(const struct file_id *a, const struct file_id *b)
{
    return a->exists == b->exists && a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/* --- responses ----------------------------------------------------------------- */

static enum MHD_Result respond(struct request *r, struct MHD_Connection *c, int status, char *body,
                               size_t len, bool owned, const char *content_type)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        len, body, owned ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        if (owned)
            free(body);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    /* review-port requests carry a context, admin-port ones none */
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r ? "POST" : "GET, HEAD");
    /* a retired generation sheds its connections one finished request at a time */
    if (r && atomic_load(&r->gen->retiring))
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, resp);
    MHD_destroy_response(resp);
    if (r)
        r->status = status;
    return ret;
}

static enum MHD_Result respond_text(struct request *r, struct MHD_Connection *c, int status,
                                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum MHD_Result respond_text(struct request *r, struct MHD_Connection *c, int status,
                                    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = gg_xvasprintf(fmt, ap);
    va_end(ap);
    return respond(r, c, status, msg, strlen(msg), true, "text/plain; charset=utf-8");
}

/* --- the review port ---------------------------------------------------------- */

/* Accepts "application/json" with parameters ("; charset=utf-8"), in any case. */
static bool is_json(const char *ct)
{
    static const char want[] = "application/json";
    if (!ct || strncasecmp(ct, want, sizeof(want) - 1) != 0)
        return false;
    char next = ct[sizeof(want) - 1];
    return next == '\0' || next == ';' || next == ' ' || next == '\t';
}

static enum MHD_Result start_request(struct gg_server *s, struct request *r,
                                     struct MHD_Connection *c, const char *url, const char *method)
{
    if (strcmp(url, "/validate") != 0) {
        snprintf(r->meta.reason, sizeof(r->meta.reason), "not found");
        return respond_text(r, c, MHD_HTTP_NOT_FOUND,
                            "not found: this port serves POST /validate only\n");
    }
    if (strcmp(method, MHD_HTTP_METHOD_POST) != 0) {
        snprintf(r->meta.reason, sizeof(r->meta.reason), "method not allowed");
        return respond_text(r, c, MHD_HTTP_METHOD_NOT_ALLOWED,
                            "method %s not allowed: /validate takes POST\n", method);
    }
    r->is_review = true;
    r->meta.verdict = "bad_request";
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    if (!is_json(ct)) {
        snprintf(r->meta.reason, sizeof(r->meta.reason), "unsupported content type");
        return respond_text(r, c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
                            "unsupported Content-Type \"%s\": send application/json\n",
                            ct ? ct : "");
    }
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if (cl) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(cl, &end, 10);
        if (errno == 0 && *end == '\0' && n > s->max_body) {
            snprintf(r->meta.reason, sizeof(r->meta.reason), "body too large");
            return respond_text(r, c, MHD_HTTP_CONTENT_TOO_LARGE,
                                "request body of %llu bytes exceeds the limit of %zu bytes\n", n,
                                s->max_body);
        }
    }
    r->meta.verdict = NULL;
    return MHD_YES;
}

static enum MHD_Result finish_request(struct gg_server *s, struct request *r,
                                      struct MHD_Connection *c)
{
    if (r->too_large) {
        r->meta.verdict = "bad_request";
        snprintf(r->meta.reason, sizeof(r->meta.reason), "body too large");
        return respond_text(r, c, MHD_HTTP_CONTENT_TOO_LARGE,
                            "request body exceeds the limit of %zu bytes\n", s->max_body);
    }
    struct gg_buf out;
    gg_buf_init(&out);
    int status =
        s->review(s->review_ctx, r->body.data ? r->body.data : "", r->body.len, &out, &r->meta);
    gg_buf_clear(&r->body);
    if (!r->meta.verdict)
        r->meta.verdict = status == 200 ? "allowed" : status < 500 ? "bad_request" : "error";
    size_t len = out.len;
    char *body = out.data ? gg_buf_take(&out) : NULL;
    return respond(r, c, status, body, len, body != NULL,
                   r->meta.content_type ? r->meta.content_type : "application/json");
}

static enum MHD_Result on_review(void *cls, struct MHD_Connection *c, const char *url,
                                 const char *method, const char *version, const char *upload,
                                 size_t *upload_size, void **con_cls)
{
    struct generation *gen = cls;
    struct gg_server *s = gen->srv;
    struct request *r = *con_cls;
    (void)version;
    if (!r) {
        r = gg_xcalloc(1, sizeof(*r));
        r->gen = gen;
        clock_gettime(CLOCK_MONOTONIC, &r->start);
        r->method = strcmp(method, "POST") == 0  ? "POST"
                    : strcmp(method, "GET") == 0 ? "GET"
                                                 : "other";
        snprintf(r->path, sizeof(r->path), "%s", url);
        gg_buf_init(&r->body);
        *con_cls = r;
        atomic_fetch_add(&s->inflight, 1);
        return start_request(s, r, c, url, method);
    }
    if (r->status) {
        *upload_size = 0; /* answered early: drop whatever still arrives */
        return MHD_YES;
    }
    if (*upload_size > 0) {
        if (!r->too_large && r->body.len + *upload_size > s->max_body) {
            /* chunked bodies have no length up front: stop keeping, keep reading */
            r->too_large = true;
            gg_buf_clear(&r->body);
        }
        if (!r->too_large)
            gg_buf_add(&r->body, upload, *upload_size);
        *upload_size = 0;
        if (since(&r->start) > s->request_timeout) {
            r->timed_out = true;
            return MHD_NO; /* a trickling client: close the connection */
        }
        return MHD_YES;
    }
    return finish_request(s, r, c);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct generation *gen = cls;
    struct gg_server *s = gen->srv;
    struct request *r = *con_cls;
    (void)c;
    if (!r)
        return;
    double secs = since(&r->start);
    const struct gg_review_meta *m = &r->meta;
    const char *outcome = NULL;
    if (r->timed_out)
        outcome = "request_timeout";
    else if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
        outcome = toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED   ? "idle_timeout"
                  : toe == MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN ? "shutdown"
                  : toe == MHD_REQUEST_TERMINATED_CLIENT_ABORT    ? "client_abort"
                                                                  : "connection_error";
    if (r->status) {
        char code[8];
        snprintf(code, sizeof(code), "%d", r->status);
        const char *const v[] = {code};
        gg_metrics_inc(s->m_responses, v);
    }
    if (r->is_review) {
        const char *verdict = m->verdict ? m->verdict : "aborted";
        const char *const v[] = {m->kind, m->operation, verdict};
        gg_metrics_inc(s->m_requests, v);
        const char *const lv[] = {verdict};
        gg_metrics_observe(s->m_latency, lv, secs);
    }
    enum gg_log_level level = outcome ? GG_LOG_WARN : GG_LOG_INFO;
    double ms = (double)(long long)(secs * 1e6) / 1e3;
    if (r->is_review)
        gg_log(level, "review",
               "{s:s*, s:s*, s:s*, s:s*, s:s*, s:b, s:s*, s:i, s:I, s:I, s:f, s:s*, s:s*}", "uid",
               nz(m->uid), "kind", nz(m->kind), "namespace", nz(m->ns), "name", nz(m->name),
               "operation", nz(m->operation), "dry_run", m->dry_run, "verdict", m->verdict,
               "status", r->status, "errors", (json_int_t)m->n_errors, "warnings",
               (json_int_t)m->n_warnings, "duration_ms", ms, "reason", nz(m->reason), "aborted",
               outcome);
    else
        gg_log(level, "request", "{s:s, s:s, s:i, s:f, s:s*}", "method", r->method, "path", r->path,
               "status", r->status, "duration_ms", ms, "aborted", outcome);
    gg_buf_clear(&r->body);
    free(r);
    *con_cls = NULL;
    atomic_fetch_sub(&s->inflight, 1);
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    struct generation *gen = cls;
    (void)c;
    (void)socket_context;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        atomic_fetch_add(&gen->conns, 1);
        atomic_fetch_add(&gen->srv->conns, 1);
    } else {
        atomic_fetch_sub(&gen->conns, 1);
        atomic_fetch_sub(&gen->srv->conns, 1);
    }
}

/* The connection cap, checked as each connection is accepted so one past it
 * is closed at once (the client can try another replica) instead of left
 * waiting in the listen queue, which is what MHD's own limit does. */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t len)
{
    struct generation *gen = cls;
    struct gg_server *s = gen->srv;
    (void)addr;
    (void)len;
    if (atomic_load(&s->conns) < s->max_connections)
        return MHD_YES;
    gg_metrics_inc(s->m_refused, NULL);
    gg_log(GG_LOG_DEBUG, "connection_refused", "{s:i}", "max_connections", (int)s->max_connections);
    return MHD_NO;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    gg_log(GG_LOG_WARN, "http_server", "{s:s}", "message", msg);
}

/* Starts a generation serving <cert>/<key> (adopted) on a dup of listen_fd. */
static struct generation *start_generation(struct gg_server *s, char *cert, char *key, char *err,
                                           size_t errlen)
{
    struct generation *g = gg_xcalloc(1, sizeof(*g));
    g->srv = s;
    g->cert = cert;
    g->key = key;
    g->id = s->next_id++;
    g->fd = fcntl(s->listen_fd, F_DUPFD_CLOEXEC, 0);
    if (g->fd < 0) {
        seterr(err, errlen, "dup of the listening socket: %s", strerror(errno));
        goto fail;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TLS | MHD_USE_ITC |
                     MHD_USE_ERROR_LOG;
    struct MHD_OptionItem opts[] = {
        /* first, or MHD prints what it finds before it to stderr itself */
        {MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)on_mhd_log, NULL},
        {MHD_OPTION_LISTEN_SOCKET, g->fd, NULL},
        {MHD_OPTION_HTTPS_MEM_CERT, 0, g->cert},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, g->key},
        {MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)TLS_PRIORITIES},
        /* a backstop only: on_accept enforces the cap, and the workers
         * accepting at the same moment can overshoot it by one each */
        {MHD_OPTION_CONNECTION_LIMIT, (intptr_t)(s->max_connections + MAX_THREADS), NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)s->idle_timeout, NULL},
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, g},
        {MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_connection, g},
        /* one thread is MHD's plain internal mode; a pool of one is refused */
        {s->threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, (intptr_t)s->threads, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    g->d = MHD_start_daemon(flags, 0, on_accept, g, on_review, g, MHD_OPTION_ARRAY, opts,
                            MHD_OPTION_END);
    if (!g->d) {
        /* MHD closes the socket it was given when it fails to start (0.9.75
         * does, checked); closing it again could close a stranger's fd */
        seterr(err, errlen, "cannot start the TLS listener on port %d (see the log)", s->port);
        goto fail;
    }
    return g;
fail:
    free(g->cert);
    free(g->key);
    free(g);
    return NULL;
}

static void retire(struct generation *g)
{
    MHD_quiesce_daemon(g->d);
    atomic_store(&g->retiring, true);
    clock_gettime(CLOCK_MONOTONIC, &g->retired_at);
}

static void stop_generation(struct generation *g)
{
    MHD_stop_daemon(g->d);
    close(g->fd); /* quiesced, so MHD left it to us (invariant 2) */
    free(g->cert);
    free(g->key);
    free(g);
}

/* Stops retired generations that have no connection left, or all of them
 * when <all>. Called with the lock held. */
static void reap(struct gg_server *s, bool all)
{
    struct generation **pp = &s->retired;
    double grace = s->idle_timeout + s->request_timeout + 5;
    while (*pp) {
        struct generation *g = *pp;
        if (all || atomic_load(&g->conns) == 0 || since(&g->retired_at) > grace) {
            *pp = g->next;
            unsigned left = atomic_load(&g->conns);
            json_int_t id = (json_int_t)g->id;
            stop_generation(g);
            gg_log(left ? GG_LOG_WARN : GG_LOG_DEBUG, "generation_stopped", "{s:I, s:I}",
                   "generation", id, "connections_closed", (json_int_t)left);
            continue;
        }
        pp = &g->next;
    }
}

/* Rotates to the pair on disk when it changed (or when <force>). Called with
 * the lock held. Returns 0 when the pair in service is current. */
static int rotate(struct gg_server *s, bool force)
{
    struct file_id c, k;
    file_id_of(s->cert_file, &c);
    file_id_of(s->key_file, &k);
    if (!force && file_id_eq(&c, &s->cert_id) && file_id_eq(&k, &s->key_id))
        return 0;
    /* remember what was seen: a bad pair is retried only once the files change again */
    s->cert_id = c;
    s->key_id = k;
    if (s->state != SERVING)
        return 0;

    char err[512];
    char *cert, *key;
    time_t not_after;
    const char *const failed[] = {"failed"}, *const ok[] = {"ok"};
    if (gg_certs_read_pair(s->cert_file, s->key_file, &cert, &key, &not_after, err, sizeof(err)) !=
        0) {
        gg_log(GG_LOG_WARN, "certificate_reload_failed", "{s:s, s:s}", "error", err, "action",
               "keeping the certificate in service");
        gg_metrics_inc(s->m_reloads, failed);
        return -1;
    }
    if (strcmp(cert, s->current->cert) == 0 && strcmp(key, s->current->key) == 0) {
        free(cert);
        free(key);
        return 0; /* touched, not changed */
    }
    struct generation *g = start_generation(s, cert, key, err, sizeof(err));
    if (!g) {
        gg_log(GG_LOG_ERROR, "certificate_reload_failed", "{s:s, s:s}", "error", err, "action",
               "keeping the certificate in service");
        gg_metrics_inc(s->m_reloads, failed);
        return -1;
    }
    struct generation *old = s->current;
    s->current = g;
    retire(old);
    old->next = s->retired;
    s->retired = old;
    atomic_store(&s->not_after, (long long)not_after);
    gg_metrics_inc(s->m_reloads, ok);
    gg_log(GG_LOG_INFO, "certificate_reloaded", "{s:s, s:I, s:I, s:I}", "cert", s->cert_file,
           "not_after", (json_int_t)not_after, "generation", (json_int_t)g->id, "retiring",
           (json_int_t)old->id);
    return 0;
}

static void *watch(void *arg)
{
    struct gg_server *s = arg;
    for (;;) {
        struct pollfd p = {.fd = s->wake_fd, .events = POLLIN};
        int n = poll(&p, 1, (int)s->poll_ms);
        if (n > 0)
            break;
        pthread_mutex_lock(&s->lock);
        rotate(s, false);
        reap(s, false);
        pthread_mutex_unlock(&s->lock);
    }
    return NULL;
}

/* --- the admin port -------------------------------------------------------------- */

static enum MHD_Result on_admin(void *cls, struct MHD_Connection *c, const char *url,
                                const char *method, const char *version, const char *upload,
                                size_t *upload_size, void **con_cls)
{
    struct gg_server *s = cls;
    (void)version;
    (void)upload;
    (void)upload_size;
    (void)con_cls;
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return respond_text(NULL, c, MHD_HTTP_METHOD_NOT_ALLOWED, "method %s not allowed\n",
                            method);
    if (strcmp(url, "/healthz") == 0)
        return respond(NULL, c, 200, "ok\n", 3, false, "text/plain; charset=utf-8");
    if (strcmp(url, "/readyz") == 0) {
        pthread_mutex_lock(&s->lock);
        bool serving = s->state == SERVING;
        pthread_mutex_unlock(&s->lock);
        if (!serving)
            return respond_text(NULL, c, 503, "shutting down\n");
        if (!atomic_load(&s->ready))
            return respond_text(NULL, c, 503, "not ready\n");
        return respond(NULL, c, 200, "ok\n", 3, false, "text/plain; charset=utf-8");
    }
    if (strcmp(url, "/metrics") == 0) {
        struct gg_buf b;
        gg_buf_init(&b);
        gg_metrics_render(s->metrics, &b);
        size_t len = b.len;
        char *body = b.data ? gg_buf_take(&b) : NULL;
        return respond(NULL, c, 200, body, len, body != NULL,
                       "text/plain; version=0.0.4; charset=utf-8");
    }
    if (strcmp(url, "/violations") == 0) {
        if (!s->violations)
            return respond_text(NULL, c, 404, "no audit: the webhook runs without a source\n");
        struct gg_buf b;
        gg_buf_init(&b);
        int status = s->violations(s->violations_ctx, &b);
        size_t len = b.len;
        char *body = b.data ? gg_buf_take(&b) : NULL;
        return respond(NULL, c, status, body, len, body != NULL, "application/json");
    }
    return respond_text(NULL, c, 404, "not found: /healthz, /readyz, /metrics, /violations\n");
}

/* --- metrics ----------------------------------------------------------------- */

static double inflight_gauge(void *ctx)
{
    return (double)atomic_load(&((struct gg_server *)ctx)->inflight);
}

static double conns_gauge(void *ctx)
{
    return (double)atomic_load(&((struct gg_server *)ctx)->conns);
}

static double expiry_gauge(void *ctx)
{
    return (double)(atomic_load(&((struct gg_server *)ctx)->not_after) - (long long)time(NULL));
}

static void register_metrics(struct gg_server *s)
{
    static const double bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                    0.05,   0.1,   0.25,   0.5,   1,    2.5};
    struct gg_metrics *m = s->metrics;
    s->m_requests = gg_metrics_counter(m, "gateguard_admission_requests_total",
                                       "Admission reviews answered, by kind, operation and "
                                       "verdict (allowed, denied, bad_request, error, aborted).",
                                       "kind,operation,verdict");
    s->m_latency = gg_metrics_histogram(m, "gateguard_admission_duration_seconds",
                                        "Time from a review's headers to its response, by "
                                        "verdict.",
                                        "verdict", bounds, sizeof(bounds) / sizeof(bounds[0]));
    s->m_responses = gg_metrics_counter(m, "gateguard_http_responses_total",
                                        "Responses on the review port, by status code.", "code");
    s->m_inflight = gg_metrics_gauge(m, "gateguard_http_requests_in_flight",
                                     "Requests on the review port begun and not finished.", NULL);
    s->m_conns = gg_metrics_gauge(m, "gateguard_http_open_connections",
                                  "Open connections on the review port.", NULL);
    s->m_refused = gg_metrics_counter(m, "gateguard_http_connections_refused_total",
                                      "Connections closed on arrival at the connection cap.", NULL);
    s->m_expiry = gg_metrics_gauge(m, "gateguard_tls_certificate_expiry_seconds",
                                   "Seconds until the serving certificate expires.", NULL);
    s->m_reloads =
        gg_metrics_counter(m, "gateguard_tls_certificate_reloads_total",
                           "Certificate reloads after the files changed, by result.", "result");
    gg_metrics_set_fn(s->m_inflight, NULL, inflight_gauge, s);
    gg_metrics_set_fn(s->m_conns, NULL, conns_gauge, s);
    gg_metrics_set_fn(s->m_expiry, NULL, expiry_gauge, s);
}

static void detach_metrics(struct gg_server *s)
{
    if (!s->m_inflight)
        return;
    gg_metrics_set(s->m_inflight, NULL, 0);
    gg_metrics_set_fn(s->m_inflight, NULL, NULL, NULL);
    gg_metrics_set_fn(s->m_conns, NULL, NULL, NULL);
    gg_metrics_set(s->m_expiry, NULL, expiry_gauge(s));
    gg_metrics_set_fn(s->m_expiry, NULL, NULL, NULL);
}

/* --- lifecycle ------------------------------------------------------------------ */

static unsigned default_threads(void)
{
    cpu_set_t set;
    int n = 0;
    if (sched_getaffinity(0, sizeof(set), &set) == 0)
        n = CPU_COUNT(&set);
    if (n <= 0)
        n = (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (n <= 0)
        n = 1;
    return n > MAX_THREADS ? MAX_THREADS : (unsigned)n;
}

static unsigned or_default(unsigned v, unsigned d)
{
    return v ? v : d;
}

struct gg_server *gg_server_start(const struct gg_server_config *cfg, char *err, size_t errlen)
{
    if (!cfg->review || !cfg->metrics || !cfg->cert_file || !cfg->key_file) {
        seterr(err, errlen, "the server needs a review callback, metrics, a certificate and a key");
        return NULL;
    }
    struct gg_server *s = gg_xcalloc(1, sizeof(*s));
    s->listen = gg_xstrdup(cfg->listen ? cfg->listen : GG_SERVER_DEFAULT_LISTEN);
    s->admin_listen =
        gg_xstrdup(cfg->admin_listen ? cfg->admin_listen : GG_SERVER_DEFAULT_ADMIN_LISTEN);
    s->cert_file = gg_xstrdup(cfg->cert_file);
    s->key_file = gg_xstrdup(cfg->key_file);
    s->threads = cfg->threads ? (cfg->threads > MAX_THREADS ? MAX_THREADS : cfg->threads)
                              : default_threads();
    s->max_connections = or_default(cfg->max_connections, GG_SERVER_DEFAULT_MAX_CONNECTIONS);
    s->idle_timeout = or_default(cfg->idle_timeout, GG_SERVER_DEFAULT_IDLE_TIMEOUT);
    s->request_timeout = or_default(cfg->request_timeout, GG_SERVER_DEFAULT_REQUEST_TIMEOUT);
    s->drain_timeout = or_default(cfg->drain_timeout, GG_SERVER_DEFAULT_DRAIN_TIMEOUT);
    s->poll_ms = or_default(cfg->cert_poll_ms, GG_SERVER_DEFAULT_CERT_POLL_MS);
    s->max_body = cfg->max_body ? cfg->max_body : GG_SERVER_MAX_BODY;
    s->review = cfg->review;
    s->review_ctx = cfg->review_ctx;
    s->violations = cfg->violations;
    s->violations_ctx = cfg->violations_ctx;
    s->metrics = cfg->metrics;
    s->listen_fd = -1;
    s->wake_fd = -1;
    s->state = SERVING;
    pthread_mutex_init(&s->lock, NULL);

    char *cert = NULL, *key = NULL;
    time_t not_after;
    file_id_of(s->cert_file, &s->cert_id);
    file_id_of(s->key_file, &s->key_id);
    if (gg_certs_read_pair(s->cert_file, s->key_file, &cert, &key, &not_after, err, errlen) != 0)
        goto fail;
    atomic_store(&s->not_after, (long long)not_after);
    register_metrics(s);

    s->listen_fd = open_listener(s->listen, &s->port, err, errlen);
    if (s->listen_fd < 0)
        goto fail;
    int admin_fd = open_listener(s->admin_listen, &s->admin_port, err, errlen);
    if (admin_fd < 0)
        goto fail;
    /* the admin port: a handful of probes and scrapes, one thread is plenty */
    s->admin = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL,
        on_admin, s, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL, MHD_OPTION_LISTEN_SOCKET,
        admin_fd, MHD_OPTION_CONNECTION_LIMIT, (unsigned)ADMIN_MAX_CONNECTIONS,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)ADMIN_TIMEOUT, MHD_OPTION_END);
    if (!s->admin) {
        /* admin_fd was closed by MHD, as above */
        seterr(err, errlen, "cannot start the admin listener on port %d (see the log)",
               s->admin_port);
        goto fail;
    }

    s->current = start_generation(s, cert, key, err, errlen);
    cert = key = NULL; /* adopted, also on failure */
    if (!s->current)
        goto fail;

    s->wake_fd = eventfd(0, EFD_CLOEXEC);
    if (s->wake_fd < 0 || pthread_create(&s->watcher, NULL, watch, s) != 0) {
        seterr(err, errlen, "cannot start the certificate watcher: %s", strerror(errno));
        goto fail;
    }
    s->watcher_started = true;
    s->started = true;
    gg_log(GG_LOG_INFO, "listening", "{s:s, s:i, s:s, s:i, s:i, s:I}", "listen", s->listen, "port",
           s->port, "admin_listen", s->admin_listen, "admin_port", s->admin_port, "threads",
           (int)s->threads, "cert_not_after", (json_int_t)not_after);
    return s;
fail:
    free(cert);
    free(key);
    gg_server_free(s);
    return NULL;
}

int gg_server_port(const struct gg_server *s)
{
    return s->port;
}

int gg_server_admin_port(const struct gg_server *s)
{
    return s->admin_port;
}

void gg_server_set_ready(struct gg_server *s, bool ready)
{
    atomic_store(&s->ready, ready);
}

int gg_server_reload(struct gg_server *s)
{
    pthread_mutex_lock(&s->lock);
    int rc = s->state == SERVING ? rotate(s, true) : 0;
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int gg_server_shutdown(struct gg_server *s)
{
    pthread_mutex_lock(&s->lock);
    if (s->state != SERVING) {
        pthread_mutex_unlock(&s->lock);
        return 0;
    }
    s->state = DRAINING;
    if (s->current) {
        retire(s->current);
        s->current->next = s->retired;
        s->retired = s->current;
        s->current = NULL;
    }
    pthread_mutex_unlock(&s->lock);
    /* refuse new connections instead of leaving them queued: on Linux this
     * takes a listening socket out of LISTEN for every fd that shares it */
    if (s->listen_fd >= 0)
        shutdown(s->listen_fd, SHUT_RDWR);
    long waiting = atomic_load(&s->inflight);
    if (s->started)
        gg_log(GG_LOG_INFO, "draining", "{s:I, s:i}", "in_flight", (json_int_t)waiting,
               "timeout_seconds", (int)s->drain_timeout);

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (atomic_load(&s->inflight) > 0 && since(&t0) < s->drain_timeout) {
        struct timespec nap = {0, 10 * 1000 * 1000};
        nanosleep(&nap, NULL);
    }
    long cut = atomic_load(&s->inflight);

    if (s->watcher_started) {
        uint64_t one = 1;
        if (write(s->wake_fd, &one, sizeof(one)) < 0)
            gg_log(GG_LOG_ERROR, "shutdown", "{s:s}", "error", strerror(errno));
        pthread_join(s->watcher, NULL);
        s->watcher_started = false;
    }
    pthread_mutex_lock(&s->lock);
    reap(s, true);
    s->state = STOPPED;
    pthread_mutex_unlock(&s->lock);
    if (s->admin) {
        MHD_stop_daemon(s->admin); /* closes the admin socket it was given */
        s->admin = NULL;
    }
    detach_metrics(s);
    if (s->started)
        gg_log(cut ? GG_LOG_WARN : GG_LOG_INFO, "stopped", "{s:I}", "requests_cut",
               (json_int_t)cut);
    return cut ? -1 : 0;
}

void gg_server_free(struct gg_server *s)
{
    if (!s)
        return;
    /* also after a start that failed half way: it stops what was started */
    if (s->state == SERVING)
        gg_server_shutdown(s);
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    if (s->wake_fd >= 0)
        close(s->wake_fd);
    pthread_mutex_destroy(&s->lock);
    free(s->listen);
    free(s->admin_listen);
    free(s->cert_file);
    free(s->key_file);
    free(s);
}
