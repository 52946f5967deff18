/* SPDX-License-Identifier: Apache-2.0 */
/* The admin HTTP server (admin.h) on libmicrohttpd's internal thread. */
#include "proxy/admin.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define MAX_HANDLERS 16

struct handler {
    char *path;
    gg_admin_cb cb;
    void *ctx;
};

struct gg_admin {
    struct MHD_Daemon *d;
    int port;
    struct handler h[MAX_HANDLERS];
    atomic_int n;
};

static enum MHD_Result reply(struct MHD_Connection *conn, int status, const char *type,
                             const char *body, size_t len)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", type);
    enum MHD_Result rc = MHD_queue_response(conn, (unsigned)status, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *size, void **state)
{
    (void)version;
    (void)data;
    (void)size;
    struct gg_admin *a = cls;
    if (!*state) { /* the headers are in; answer on the next call */
        *state = a;
        return MHD_YES;
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return reply(conn, 405, "text/plain", "only GET\n", 9);
    if (strcmp(url, "/healthz") == 0)
        return reply(conn, 200, "text/plain", "ok\n", 3);
    int n = atomic_load(&a->n);
    for (int i = 0; i < n; i++) {
        if (strcmp(url, a->h[i].path) != 0)
            continue;
        struct gg_buf b;
        gg_buf_init(&b);
        const char *type = "text/plain";
        int status = a->h[i].cb(a->h[i].ctx, &b, &type);
        enum MHD_Result rc = reply(conn, status, type, b.data ? b.data : "", b.len);
        gg_buf_clear(&b);
        return rc;
    }
    return reply(conn, 404, "text/plain", "not found\n", 10);
}

struct gg_admin *gg_admin_new(const char *listen, char *err, size_t errlen)
{
    const char *colon = listen ? strrchr(listen, ':') : NULL;
    if (!colon || !colon[1]) {
        gg_seterr(err, errlen, "admin listen address \"%s\": want ADDR:PORT or :PORT",
                  listen ? listen : "");
        return NULL;
    }
    char host[256];
    size_t hl = (size_t)(colon - listen);
    if (hl >= sizeof(host))
        hl = sizeof(host) - 1;
    memcpy(host, listen, hl);
    host[hl] = '\0';
    char *h = host;
    if (h[0] == '[' && hl >= 2 && h[hl - 1] == ']') {
        h[hl - 1] = '\0';
        h++;
    }
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(*h ? h : NULL, colon + 1, &hints, &res);
    if (rc != 0) {
        gg_seterr(err, errlen, "admin listen address \"%s\": %s", listen, gai_strerror(rc));
        return NULL;
    }
    struct gg_admin *a = gg_xcalloc(1, sizeof(*a));
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
    if (res->ai_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    a->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, a, MHD_OPTION_SOCK_ADDR, res->ai_addr,
                            MHD_OPTION_CONNECTION_LIMIT, 64u, MHD_OPTION_CONNECTION_TIMEOUT, 10u,
                            MHD_OPTION_END);
    freeaddrinfo(res);
    if (!a->d) {
        gg_seterr(err, errlen, "admin listen address \"%s\": cannot listen there", listen);
        free(a);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(a->d, MHD_DAEMON_INFO_BIND_PORT);
    a->port = info ? info->port : 0;
    return a;
}

int gg_admin_port(const struct gg_admin *a)
{
    return a->port;
}

void gg_admin_handle(struct gg_admin *a, const char *path, gg_admin_cb cb, void *ctx)
{
    int n = atomic_load(&a->n);
    if (n == MAX_HANDLERS)
        abort(); /* a programming error: the table is sized for the known pages */
    a->h[n] = (struct handler){gg_xstrdup(path), cb, ctx};
    atomic_store(&a->n, n + 1);
}

void gg_admin_free(struct gg_admin *a)
{
    if (!a)
        return;
    MHD_stop_daemon(a->d);
    for (int i = 0; i < atomic_load(&a->n); i++)
        free(a->h[i].path);
    free(a);
}
