/* SPDX-License-Identifier: Apache-2.0 */
/* The data plane (dataplane.h): listeners, client connections, TLS, and
 * forwarding as the request's plan says. */
#include "proxy/dataplane.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "proxy/http1.h"
#include "proxy/route_plan.h"
#include "proxy/route_table.h"
#include "proxy/upstream_pool.h"
#include "validation/arena.h"
#include "validation/xalloc.h"

#define BUF_SIZE (GG_HTTP1_MAX_HEAD + 16384)
#define MAX_LISTENERS 256
#define MAX_CONNS_TRACKED 65536
#define UPSTREAM_IDLE_MAX 1024
#define UPSTREAM_IDLE_MS 15000

struct listener {
    int fd;
    struct sockaddr_storage addr; /* bound address and port */
    uint16_t port;                /* the table's listener port (before the offset) */
    pthread_t thread;
    atomic_bool stop;
    bool seen;
    struct gg_dataplane *dp;
};

struct gg_dataplane {
    struct gg_dataplane_config cfg;
    pthread_mutex_t mu; /* table, listeners, conns */
    struct gg_route_table *table;
    struct listener *listeners[MAX_LISTENERS];
    size_t n_listeners;
    int *conn_fds; /* active client sockets, to wake them on free */
    size_t n_conn_fds, cap_conn_fds;
    pthread_cond_t conns_done;
    atomic_uint conns;
    atomic_uint_fast64_t requests, responses_5xx, upstream_errors, refused;
    atomic_bool stopping;
    struct gg_upstream_pool *pool;
};

/* --- TLS contexts, one per certificate, attached to the table ------------------ */

struct tls_frontend {
    SSL_CTX *base; /* picks one of <ctx> by server name */
    SSL_CTX **ctx; /* parallel to the frontend's certs; NULL where the PEM is bad */
    const struct gg_table_frontend *fe;
    size_t n;
};

/* What the data plane attaches to each table: its TLS contexts, and the
 * one planning state all connections share, so the balancer's weights and
 * round-robin counters run over every request the table serves. */
struct table_extra {
    struct tls_frontend *v;
    size_t n;
    pthread_mutex_t plan_mu; /* guards plan_st */
    struct gg_plan_state *plan_st;
};

static void table_extra_free(void *data)
{
    struct table_extra *s = data;
    gg_plan_state_free(s->plan_st);
    pthread_mutex_destroy(&s->plan_mu);
    for (size_t i = 0; i < s->n; i++) {
        for (size_t j = 0; j < s->v[i].n; j++)
            SSL_CTX_free(s->v[i].ctx[j]);
        free(s->v[i].ctx);
        SSL_CTX_free(s->v[i].base);
    }
    free(s->v);
    free(s);
}

static SSL_CTX *new_ctx(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx)
        abort();
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_mode(ctx, SSL_MODE_AUTO_RETRY);
    return ctx;
}

/* A context serving the PEM chain and key of <c>, or NULL when they do not
 * load or do not match. */
static SSL_CTX *cert_ctx(const struct gg_table_cert *c)
{
    SSL_CTX *ctx = new_ctx();
    BIO *bio = BIO_new_mem_buf(c->cert_pem, (int)c->cert_len);
    X509 *leaf = bio ? PEM_read_bio_X509_AUX(bio, NULL, NULL, NULL) : NULL;
    bool ok = leaf && SSL_CTX_use_certificate(ctx, leaf) == 1;
    X509 *extra;
    while (ok && (extra = PEM_read_bio_X509(bio, NULL, NULL, NULL)))
        if (SSL_CTX_add0_chain_cert(ctx, extra) != 1) {
            X509_free(extra);
            ok = false;
        }
    X509_free(leaf);
    BIO_free(bio);
    bio = BIO_new_mem_buf(c->key_pem, (int)c->key_len);
    EVP_PKEY *key = ok && bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
    ok = key && SSL_CTX_use_PrivateKey(ctx, key) == 1 && SSL_CTX_check_private_key(ctx) == 1;
    EVP_PKEY_free(key);
    BIO_free(bio);
    ERR_clear_error();
    if (!ok) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

static int on_servername(SSL *ssl, int *alert, void *arg)
{
    struct tls_frontend *tf = arg;
    const char *sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    const struct gg_table_cert *c = gg_route_table_find_cert(tf->fe, sni);
    if (!c || !tf->ctx[c - tf->fe->certs]) {
        *alert = SSL_AD_UNRECOGNIZED_NAME;
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    SSL_set_SSL_CTX(ssl, tf->ctx[c - tf->fe->certs]);
    return SSL_TLSEXT_ERR_OK;
}

static void attach_extra(struct gg_route_table *t)
{
    struct table_extra *s = gg_xcalloc(1, sizeof(*s));
    pthread_mutex_init(&s->plan_mu, NULL);
    s->plan_st = gg_plan_state_new(t);
    size_t n = gg_route_table_count_frontends(t);
    s->v = gg_xcalloc(n + 1, sizeof(*s->v));
    for (size_t i = 0; i < n; i++) {
        const struct gg_table_frontend *fe = gg_route_table_frontend(t, i);
        if (!fe->is_tls)
            continue;
        struct tls_frontend *tf = &s->v[s->n++];
        tf->fe = fe;
        tf->n = fe->n_certs;
        tf->ctx = gg_xcalloc(fe->n_certs + 1, sizeof(*tf->ctx));
        for (size_t j = 0; j < fe->n_certs; j++)
            tf->ctx[j] = cert_ctx(&fe->certs[j]);
        tf->base = new_ctx();
        SSL_CTX_set_tlsext_servername_callback(tf->base, on_servername);
        SSL_CTX_set_tlsext_servername_arg(tf->base, tf);
    }
    gg_route_table_set_attachment(t, s, table_extra_free);
}

static SSL_CTX *tls_base_for(const struct gg_route_table *t, const struct gg_table_frontend *fe)
{
    const struct table_extra *s = gg_route_table_attachment(t);
    for (size_t i = 0; s && i < s->n; i++)
        if (s->v[i].fe == fe)
            return s->v[i].base;
    return NULL;
}

/* --- blocking I/O over a socket or a TLS session ------------------------------------- */

struct io {
    int fd;
    SSL *ssl;
};

static void set_timeout(int fd, unsigned ms)
{
    struct timeval tv = {(time_t)(ms / 1000), (suseconds_t)((ms % 1000) * 1000)};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Bytes read (> 0), 0 at the end of the stream, -1 on an error, -2 on a
 * timeout. */
static ssize_t io_read(struct io *io, void *buf, size_t n)
{
    for (;;) {
        if (io->ssl) {
            int r = SSL_read(io->ssl, buf, (int)(n > INT32_MAX ? INT32_MAX : n));
            if (r > 0)
                return r;
            int e = SSL_get_error(io->ssl, r);
            if (e == SSL_ERROR_ZERO_RETURN)
                return 0;
            if (e == SSL_ERROR_SYSCALL && (errno == EAGAIN || errno == EWOULDBLOCK))
                return -2;
            return -1;
        }
        ssize_t r = recv(io->fd, buf, n, 0);
        if (r >= 0)
            return r;
        if (errno == EINTR)
            continue;
        return errno == EAGAIN || errno == EWOULDBLOCK ? -2 : -1;
    }
}

static bool io_write(struct io *io, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t w;
        if (io->ssl) {
            int r = SSL_write(io->ssl, p, (int)(n > INT32_MAX ? INT32_MAX : n));
            if (r <= 0)
                return false;
            w = r;
        } else {
            w = send(io->fd, p, n, MSG_NOSIGNAL);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                return false;
        }
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* --- answers the proxy gives itself -------------------------------------------- */

static const char *reason_of(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 307:
        return "Temporary Redirect";
    case 308:
        return "Permanent Redirect";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 408:
        return "Request Timeout";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

static void add_header(struct gg_buf *b, struct gg_str name, struct gg_str value)
{
    gg_buf_add(b, name.ptr, name.len);
    gg_buf_adds(b, ": ");
    gg_buf_add(b, value.ptr, value.len);
    gg_buf_adds(b, "\r\n");
}

static bool respond_local(struct gg_dataplane *dp, struct io *io, int status, const char *body,
                          struct gg_str location, const struct gg_http1_header *extra,
                          size_t n_extra, bool head_only, bool close)
{
    if (status >= 500)
        atomic_fetch_add(&dp->responses_5xx, 1);
    struct gg_buf b;
    gg_buf_init(&b);
    size_t blen = body ? strlen(body) : 0;
    gg_buf_addf(&b, "HTTP/1.1 %d %s\r\n", status, reason_of(status));
    if (location.len)
        add_header(&b, (struct gg_str){"Location", 8}, location);
    for (size_t i = 0; i < n_extra; i++)
        add_header(&b, extra[i].name, extra[i].value);
    if (body)
        gg_buf_adds(&b, "Content-Type: text/plain; charset=utf-8\r\n");
    gg_buf_addf(&b, "Content-Length: %zu\r\n%s\r\n", blen, close ? "Connection: close\r\n" : "");
    if (body && !head_only)
        gg_buf_add(&b, body, blen);
    bool ok = io_write(io, b.data, b.len);
    gg_buf_clear(&b);
    return ok;
}

/* --- upstream ------------------------------------------------------------------ */

static int connect_to(const struct gg_plan_endpoint *ep, unsigned timeout_ms)
{
    int fd = socket(ep->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(fd, (const struct sockaddr *)&ep->addr, ep->addr_len) != 0) {
        if (errno != EINPROGRESS) {
            close(fd);
            return -1;
        }
        struct pollfd p = {fd, POLLOUT, 0};
        int err = 0;
        socklen_t len = sizeof(err);
        if (poll(&p, 1, (int)timeout_ms) != 1 ||
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
            close(fd);
            return -1;
        }
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

static bool is_framing(struct gg_str name)
{
    return (name.len == 14 && strncasecmp(name.ptr, "content-length", 14) == 0) ||
           (name.len == 17 && strncasecmp(name.ptr, "transfer-encoding", 17) == 0) ||
           (name.len == 4 && strncasecmp(name.ptr, "host", 4) == 0) ||
           (name.len == 6 && strncasecmp(name.ptr, "expect", 6) == 0);
}

/* The client connection: its buffer holds what has been read and not yet
 * used, from <start>. */
struct client {
    struct gg_dataplane *dp;
    struct io io;
    char *buf;
    size_t start, have;
    bool is_tls;
    char peer[INET6_ADDRSTRLEN];
};

/* Reads more client bytes into the buffer; the result as io_read. */
static ssize_t client_fill(struct client *c)
{
    if (c->start > 0) {
        memmove(c->buf, c->buf + c->start, c->have - c->start);
        c->have -= c->start;
        c->start = 0;
    }
    if (c->have == BUF_SIZE)
        return -1;
    ssize_t r = io_read(&c->io, c->buf + c->have, BUF_SIZE - c->have);
    if (r > 0)
        c->have += (size_t)r;
    return r;
}

/* Streams the request body to <up> (NULL: reads and drops it). Returns
 * false when the client's body is broken or the upstream went away. */
static bool pass_request_body(struct client *c, const struct gg_http1_request *req, struct io *up)
{
    if (req->body == GG_HTTP1_BODY_LENGTH) {
        uint64_t left = req->content_length;
        while (left > 0) {
            if (c->start == c->have && client_fill(c) <= 0)
                return false;
            size_t take = c->have - c->start;
            if (take > left)
                take = (size_t)left;
            if (up && !io_write(up, c->buf + c->start, take))
                up = NULL; /* keep reading the client's body to stay in step */
            c->start += take;
            left -= take;
        }
        return true;
    }
    if (req->body != GG_HTTP1_BODY_CHUNKED)
        return true;
    struct gg_http1_chunked ch;
    gg_http1_chunked_init(&ch);
    char *tmp = gg_xmalloc(BUF_SIZE);
    bool ok = false;
    for (;;) {
        if (c->start == c->have && client_fill(c) <= 0)
            break;
        size_t len = c->have - c->start;
        memcpy(tmp, c->buf + c->start, len);
        ssize_t rc = gg_http1_chunked_decode(&ch, tmp, &len);
        if (rc == GG_HTTP1_BAD_REQUEST)
            break;
        if (len && up) {
            char hdr[32];
            int hn = snprintf(hdr, sizeof(hdr), "%zx\r\n", len);
            if (!io_write(up, hdr, (size_t)hn) || !io_write(up, tmp, len) ||
                !io_write(up, "\r\n", 2))
                up = NULL;
        }
        if (rc >= 0) {
            /* the decoder left <rc> bytes of what follows after the data */
            c->start = c->have - (size_t)rc;
            if (up)
                io_write(up, "0\r\n\r\n", 5);
            ok = true;
            break;
        }
        c->start = c->have;
    }
    free(tmp);
    return ok;
}

enum fwd_result { FWD_OK, FWD_CLOSE, FWD_FAILED };

/* Writes the upstream's response head to the client, framed for it. */
static bool send_response_head(struct client *c, const struct gg_http1_response *resp,
                               const struct gg_plan *p, bool head_request, bool chunk_out,
                               bool close, struct gg_arena *a)
{
    const struct gg_http1_header *h;
    size_t n;
    gg_header_edits_apply(&p->response_edits, resp->headers, resp->n_headers, a, &h, &n);
    struct gg_buf b;
    gg_buf_init(&b);
    gg_buf_addf(&b, "HTTP/1.1 %d ", resp->status);
    gg_buf_add(&b, resp->reason.ptr, resp->reason.len);
    gg_buf_adds(&b, "\r\n");
    const struct gg_http1_header *cl = NULL;
    for (size_t i = 0; i < n; i++) {
        if (gg_http1_is_hop_by_hop(resp->headers, resp->n_headers, h[i].name))
            continue;
        if (h[i].name.len == 14 && strncasecmp(h[i].name.ptr, "content-length", 14) == 0) {
            cl = &h[i];
            continue;
        }
        if (h[i].name.len == 17 && strncasecmp(h[i].name.ptr, "transfer-encoding", 17) == 0)
            continue;
        add_header(&b, h[i].name, h[i].value);
    }
    for (size_t i = 0; i < p->n_response_extra; i++)
        add_header(&b, p->response_extra[i].name, p->response_extra[i].value);
    bool bodiless = resp->status < 200 || resp->status == 204 || resp->status == 304;
    if (resp->body == GG_HTTP1_BODY_LENGTH)
        gg_buf_addf(&b, "Content-Length: %llu\r\n", (unsigned long long)resp->content_length);
    else if (resp->body == GG_HTTP1_BODY_NONE && cl && (head_request || resp->status == 304))
        add_header(&b, cl->name, cl->value);
    else if (resp->body == GG_HTTP1_BODY_NONE && !bodiless)
        gg_buf_adds(&b, "Content-Length: 0\r\n");
    else if (chunk_out)
        gg_buf_adds(&b, "Transfer-Encoding: chunked\r\n");
    if (close)
        gg_buf_adds(&b, "Connection: close\r\n");
    gg_buf_adds(&b, "\r\n");
    bool ok = io_write(&c->io, b.data, b.len);
    gg_buf_clear(&b);
    return ok;
}

/* Streams the upstream's response body from <ub> (<have> bytes already
 * read, from <start>) and then <up>. */
static bool pass_response_body(struct client *c, const struct gg_http1_response *resp,
                               struct io *up, char *ub, size_t start, size_t have, bool chunk_out)
{
    if (resp->body == GG_HTTP1_BODY_NONE)
        return true;
    if (resp->body == GG_HTTP1_BODY_LENGTH) {
        uint64_t left = resp->content_length;
        for (;;) {
            size_t take = have - start;
            if (take > left)
                take = (size_t)left;
            if (take && !io_write(&c->io, ub + start, take))
                return false;
            left -= take;
            if (left == 0)
                return true;
            ssize_t r = io_read(up, ub, BUF_SIZE);
            if (r <= 0)
                return false;
            start = 0;
            have = (size_t)r;
        }
    }
    struct gg_http1_chunked ch;
    gg_http1_chunked_init(&ch);
    for (;;) {
        size_t len = have - start;
        ssize_t rc = GG_HTTP1_PARTIAL;
        if (resp->body == GG_HTTP1_BODY_CHUNKED && len) {
            memmove(ub, ub + start, len);
            rc = gg_http1_chunked_decode(&ch, ub, &len);
            if (rc == GG_HTTP1_BAD_REQUEST)
                return false;
        } else if (len) {
            memmove(ub, ub + start, len);
        }
        if (len) {
            if (chunk_out) {
                char hdr[32];
                int hn = snprintf(hdr, sizeof(hdr), "%zx\r\n", len);
                if (!io_write(&c->io, hdr, (size_t)hn) || !io_write(&c->io, ub, len) ||
                    !io_write(&c->io, "\r\n", 2))
                    return false;
            } else if (!io_write(&c->io, ub, len)) {
                return false;
            }
        }
        if (rc >= 0)
            break;
        ssize_t r = io_read(up, ub, BUF_SIZE);
        if (r == 0 && resp->body == GG_HTTP1_BODY_CLOSE)
            break;
        if (r <= 0)
            return false;
        start = 0;
        have = (size_t)r;
    }
    return !chunk_out || io_write(&c->io, "0\r\n\r\n", 5);
}

static void fire_mirror(const struct gg_plan_mirror *m, const struct gg_buf *head);

/* Forwards one request as <p> says and relays the answer. */
static enum fwd_result forward(struct client *c, const struct gg_http1_request *req,
                               const struct gg_plan *p, struct gg_arena *a)
{
    struct gg_dataplane *dp = c->dp;
    unsigned backend_ms = p->backend_timeout_ms   ? p->backend_timeout_ms
                          : p->request_timeout_ms ? p->request_timeout_ms
                                                  : dp->cfg.backend_timeout_ms;
    struct gg_buf b;
    gg_buf_init(&b);
    gg_buf_add(&b, req->method.ptr, req->method.len);
    gg_buf_adds(&b, " ");
    gg_buf_add(&b, p->target.ptr, p->target.len);
    gg_buf_adds(&b, " HTTP/1.1\r\nHost: ");
    gg_buf_add(&b, p->host.ptr, p->host.len);
    if (req->port >= 0 && p->host.ptr == req->host.ptr)
        gg_buf_addf(&b, ":%d", req->port);
    gg_buf_adds(&b, "\r\n");
    const struct gg_http1_header *xff = NULL;
    for (size_t i = 0; i < p->n_headers; i++) {
        struct gg_str name = p->headers[i].name;
        if (gg_http1_is_hop_by_hop(req->headers, req->n_headers, name) || is_framing(name))
            continue;
        if (name.len == 15 && strncasecmp(name.ptr, "x-forwarded-for", 15) == 0) {
            xff = &p->headers[i];
            continue;
        }
        if (name.len == 17 && strncasecmp(name.ptr, "x-forwarded-proto", 17) == 0)
            continue;
        add_header(&b, name, p->headers[i].value);
    }
    if (xff) {
        gg_buf_adds(&b, "X-Forwarded-For: ");
        gg_buf_add(&b, xff->value.ptr, xff->value.len);
        gg_buf_addf(&b, ", %s\r\n", c->peer);
    } else {
        gg_buf_addf(&b, "X-Forwarded-For: %s\r\n", c->peer);
    }
    gg_buf_addf(&b, "X-Forwarded-Proto: %s\r\n", c->is_tls ? "https" : "http");
    if (req->body == GG_HTTP1_BODY_LENGTH)
        gg_buf_addf(&b, "Content-Length: %llu\r\n", (unsigned long long)req->content_length);
    else if (req->body == GG_HTTP1_BODY_CHUNKED)
        gg_buf_adds(&b, "Transfer-Encoding: chunked\r\n");
    for (size_t i = 0; i < p->n_mirrors; i++)
        if (req->body == GG_HTTP1_BODY_NONE)
            fire_mirror(&p->mirrors[i], &b);
    gg_buf_adds(&b, "\r\n");

    /* A pooled connection may have been closed by the upstream just as it
     * was taken: a bodiless request that got no byte back is sent once more
     * on a fresh connection. A request with a body cannot be replayed. */
    const struct gg_plan_endpoint *ep = p->endpoint;
    char *ub = gg_xmalloc(BUF_SIZE);
    size_t have = 0;
    struct gg_http1_response resp;
    int head = GG_HTTP1_PARTIAL;
    bool timed_out = false, sent = false;
    int fd = -1;
    struct io up = {-1, NULL};
    bool head_request = req->method.len == 4 && memcmp(req->method.ptr, "HEAD", 4) == 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        bool reused = false;
        fd = attempt == 0 ? gg_upstream_pool_take(dp->pool, &ep->addr, ep->addr_len) : -1;
        if (fd >= 0)
            reused = true;
        else
            fd = connect_to(ep, dp->cfg.connect_timeout_ms);
        if (fd < 0) {
            gg_buf_clear(&b);
            free(ub);
            atomic_fetch_add(&dp->upstream_errors, 1);
            bool ok = pass_request_body(c, req, NULL);
            respond_local(dp, &c->io, 502, "upstream connect failed\n", (struct gg_str){0}, NULL, 0,
                          false, !ok);
            return ok ? FWD_OK : FWD_CLOSE;
        }
        set_timeout(fd, backend_ms);
        up = (struct io){fd, NULL};
        if (attempt == 0 && req->expect_continue && req->body != GG_HTTP1_BODY_NONE)
            io_write(&c->io, "HTTP/1.1 100 Continue\r\n\r\n", 25);
        sent = io_write(&up, b.data, b.len);
        if (!sent && reused && req->body == GG_HTTP1_BODY_NONE) {
            close(fd);
            continue;
        }
        bool body_ok = pass_request_body(c, req, sent ? &up : NULL);
        if (!body_ok) {
            gg_buf_clear(&b);
            free(ub);
            close(fd);
            return FWD_CLOSE; /* the client's body is broken: nothing more can be framed */
        }
        have = 0;
        head = GG_HTTP1_PARTIAL;
        timed_out = false;
        bool retry = false;
        while (sent) {
            head = gg_http1_parse_response(ub, have, head_request, &resp);
            if (head > 0 && resp.status >= 100 && resp.status < 200) {
                memmove(ub, ub + head, have - (size_t)head); /* interim answers are dropped */
                have -= (size_t)head;
                continue;
            }
            if (head != GG_HTTP1_PARTIAL)
                break;
            if (have == BUF_SIZE)
                break;
            ssize_t r = io_read(&up, ub + have, BUF_SIZE - have);
            if (r <= 0) {
                timed_out = r == -2;
                retry = !timed_out && have == 0;
                break;
            }
            have += (size_t)r;
        }
        if (retry && reused && req->body == GG_HTTP1_BODY_NONE) {
            close(fd);
            continue;
        }
        break;
    }
    gg_buf_clear(&b);
    if (head <= 0) {
        free(ub);
        close(fd);
        atomic_fetch_add(&dp->upstream_errors, 1);
        respond_local(dp, &c->io, timed_out ? 504 : 502,
                      timed_out ? "upstream timed out\n" : "upstream sent no valid answer\n",
                      (struct gg_str){0}, NULL, 0, false, false);
        return FWD_OK;
    }
    if (resp.status >= 500)
        atomic_fetch_add(&dp->responses_5xx, 1);
    bool chunk_out = resp.body == GG_HTTP1_BODY_CHUNKED || resp.body == GG_HTTP1_BODY_CLOSE;
    bool close_after = !req->keep_alive || (chunk_out && req->minor_version == 0);
    if (chunk_out && req->minor_version == 0)
        chunk_out = false; /* an HTTP/1.0 client reads to the close */
    bool ok = send_response_head(c, &resp, p, head_request, chunk_out, close_after, a) &&
              pass_response_body(c, &resp, &up, ub, (size_t)head, have, chunk_out);
    free(ub);
    if (ok && resp.keep_alive && resp.body != GG_HTTP1_BODY_CLOSE)
        gg_upstream_pool_give(dp->pool, &ep->addr, ep->addr_len, fd);
    else
        close(fd);
    if (!ok)
        return FWD_FAILED;
    return close_after ? FWD_CLOSE : FWD_OK;
}

/* A copy of a bodiless request to a mirror, sent from a thread of its own
 * so it never slows the request; its answer is read and dropped. */
struct mirror_job {
    struct gg_plan_endpoint ep;
    char *head;
    size_t len;
};

static void *mirror_main(void *arg)
{
    struct mirror_job *j = arg;
    int fd = connect_to(&j->ep, 2000);
    if (fd >= 0) {
        set_timeout(fd, 5000);
        struct io io = {fd, NULL};
        if (io_write(&io, j->head, j->len)) {
            char drop[4096];
            while (io_read(&io, drop, sizeof(drop)) > 0)
                ;
        }
        close(fd);
    }
    free(j->head);
    free(j);
    return NULL;
}

static void fire_mirror(const struct gg_plan_mirror *m, const struct gg_buf *head)
{
    struct mirror_job *j = gg_xcalloc(1, sizeof(*j));
    j->ep = *m->endpoint;
    static const char end[] = "Connection: close\r\n\r\n";
    j->len = head->len + sizeof(end) - 1;
    j->head = gg_xmalloc(j->len);
    memcpy(j->head, head->data, head->len);
    memcpy(j->head + head->len, end, sizeof(end) - 1);
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, mirror_main, j) != 0) {
        free(j->head);
        free(j);
    }
    pthread_attr_destroy(&attr);
}

/* --- client connections ---------------------------------------------------------- */

struct conn_start {
    struct gg_dataplane *dp;
    int fd;
    uint16_t port;
};

static struct gg_route_table *current_table(struct gg_dataplane *dp)
{
    pthread_mutex_lock(&dp->mu);
    struct gg_route_table *t = gg_route_table_ref(dp->table);
    pthread_mutex_unlock(&dp->mu);
    return t;
}

static void track(struct gg_dataplane *dp, int fd, bool add)
{
    pthread_mutex_lock(&dp->mu);
    if (add) {
        if (dp->n_conn_fds == dp->cap_conn_fds) {
            dp->cap_conn_fds = dp->cap_conn_fds ? dp->cap_conn_fds * 2 : 64;
            dp->conn_fds = gg_xrealloc(dp->conn_fds, dp->cap_conn_fds * sizeof(int));
        }
        dp->conn_fds[dp->n_conn_fds++] = fd;
        if (atomic_load(&dp->stopping))
            shutdown(fd, SHUT_RDWR);
    } else {
        for (size_t i = 0; i < dp->n_conn_fds; i++)
            if (dp->conn_fds[i] == fd) {
                dp->conn_fds[i] = dp->conn_fds[--dp->n_conn_fds];
                break;
            }
        if (atomic_fetch_sub(&dp->conns, 1) == 1)
            pthread_cond_broadcast(&dp->conns_done);
    }
    pthread_mutex_unlock(&dp->mu);
}

static void serve_requests(struct client *c, uint16_t port)
{
    struct gg_dataplane *dp = c->dp;
    struct sockaddr_storage local;
    socklen_t llen = sizeof(local);
    getsockname(c->io.fd, (struct sockaddr *)&local, &llen);
    struct gg_arena a;
    gg_arena_init(&a, NULL, 0);
    struct gg_http1_request *req = gg_xmalloc(sizeof(*req));
    bool first = true;
    for (;;) {
        /* the head: idle time before its first byte, then the header timeout */
        int head = GG_HTTP1_PARTIAL;
        bool any = c->have > c->start;
        set_timeout(c->io.fd, any || first ? dp->cfg.header_timeout_ms : dp->cfg.idle_timeout_ms);
        first = false;
        for (;;) {
            head = gg_http1_parse_request(c->buf + c->start, c->have - c->start, req);
            if (head != GG_HTTP1_PARTIAL)
                break;
            ssize_t r = client_fill(c);
            if (r == -2 && c->have > c->start) {
                respond_local(dp, &c->io, 408, "request head timed out\n", (struct gg_str){0}, NULL,
                              0, false, true);
                goto out;
            }
            if (r <= 0)
                goto out;
            set_timeout(c->io.fd, dp->cfg.header_timeout_ms);
        }
        atomic_fetch_add(&dp->requests, 1);
        if (head < 0) {
            char body[160];
            snprintf(body, sizeof(body), "%s\n", req->error ? req->error : "bad request");
            respond_local(dp, &c->io, gg_http1_status(head), body, (struct gg_str){0}, NULL, 0,
                          false, true);
            goto out;
        }
        c->start += (size_t)head;
        set_timeout(c->io.fd, dp->cfg.header_timeout_ms);

        struct gg_route_table *t = current_table(dp);
        struct gg_plan p;
        if (t) {
            struct gg_plan_request pr = {0};
            pr.frontend = gg_route_table_find_frontend(t, (struct sockaddr *)&local, port);
            pr.method = req->method;
            pr.path = req->path;
            pr.query = req->query;
            pr.host = req->host;
            pr.headers = req->headers;
            pr.n_headers = req->n_headers;
            pr.is_tls = c->is_tls;
            struct table_extra *x = gg_route_table_attachment(t);
            pthread_mutex_lock(&x->plan_mu);
            gg_plan_make(t, x->plan_st, &pr, &a, &p);
            pthread_mutex_unlock(&x->plan_mu);
        } else {
            memset(&p, 0, sizeof(p));
            p.action = GG_PLAN_RESPOND;
            p.status = 503;
            p.body = "no routing table yet\n";
        }
        bool keep = req->keep_alive;
        bool head_only = req->method.len == 4 && memcmp(req->method.ptr, "HEAD", 4) == 0;
        if (p.action == GG_PLAN_FORWARD) {
            enum fwd_result fr = forward(c, req, &p, &a);
            keep = keep && fr == FWD_OK;
        } else {
            bool body_ok = pass_request_body(c, req, NULL);
            keep = keep && body_ok;
            respond_local(dp, &c->io, p.status, p.body, p.location, p.response_extra,
                          p.n_response_extra, head_only, !keep);
        }
        gg_route_table_unref(t);
        gg_arena_clear(&a);
        gg_arena_init(&a, NULL, 0);
        if (!keep || atomic_load(&dp->stopping))
            break;
    }
out:
    free(req);
    gg_arena_clear(&a);
}

static void *conn_main(void *arg)
{
    struct conn_start cs = *(struct conn_start *)arg;
    free(arg);
    struct gg_dataplane *dp = cs.dp;
    struct client c = {0};
    c.dp = dp;
    c.io.fd = cs.fd;
    struct sockaddr_storage peer;
    socklen_t plen = sizeof(peer);
    if (getpeername(cs.fd, (struct sockaddr *)&peer, &plen) == 0) {
        if (peer.ss_family == AF_INET)
            inet_ntop(AF_INET, &((struct sockaddr_in *)&peer)->sin_addr, c.peer, sizeof(c.peer));
        else if (peer.ss_family == AF_INET6)
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&peer)->sin6_addr, c.peer, sizeof(c.peer));
    }
    struct sockaddr_storage local;
    socklen_t llen = sizeof(local);
    getsockname(cs.fd, (struct sockaddr *)&local, &llen);
    /* the table whose TLS contexts this session uses lives as long as it */
    struct gg_route_table *tls_table = current_table(dp);
    const struct gg_table_frontend *fe =
        tls_table ? gg_route_table_find_frontend(tls_table, (struct sockaddr *)&local, cs.port)
                  : NULL;
    set_timeout(cs.fd, dp->cfg.header_timeout_ms);
    bool ok = true;
    if (fe && fe->is_tls) {
        SSL_CTX *base = tls_base_for(tls_table, fe);
        c.io.ssl = base ? SSL_new(base) : NULL;
        c.is_tls = true;
        ok = c.io.ssl && SSL_set_fd(c.io.ssl, cs.fd) == 1 && SSL_accept(c.io.ssl) == 1;
        ERR_clear_error();
    }
    if (ok) {
        c.buf = gg_xmalloc(BUF_SIZE);
        serve_requests(&c, cs.port);
        free(c.buf);
    }
    if (c.io.ssl) {
        if (ok)
            SSL_shutdown(c.io.ssl);
        SSL_free(c.io.ssl);
    }
    gg_route_table_unref(tls_table);
    track(dp, cs.fd, false);
    close(cs.fd);
    return NULL;
}

/* --- listeners ------------------------------------------------------------------- */

static void *accept_main(void *arg)
{
    struct listener *l = arg;
    struct gg_dataplane *dp = l->dp;
    while (!atomic_load(&l->stop)) {
        struct pollfd p = {l->fd, POLLIN, 0};
        if (poll(&p, 1, 200) <= 0)
            continue;
        int fd = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        if (atomic_fetch_add(&dp->conns, 1) >= dp->cfg.max_connections) {
            atomic_fetch_sub(&dp->conns, 1);
            atomic_fetch_add(&dp->refused, 1);
            close(fd);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        track(dp, fd, true);
        struct conn_start *cs = gg_xmalloc(sizeof(*cs));
        *cs = (struct conn_start){dp, fd, l->port};
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attr, 256 * 1024);
        if (pthread_create(&t, &attr, conn_main, cs) != 0) {
            free(cs);
            track(dp, fd, false);
            close(fd);
        }
        pthread_attr_destroy(&attr);
    }
    return NULL;
}

static bool same_bind(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
    if (a->ss_family != b->ss_family)
        return false;
    if (a->ss_family == AF_INET) {
        const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
        return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
    const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
    return x->sin6_port == y->sin6_port && !memcmp(&x->sin6_addr, &y->sin6_addr, 16);
}

static bool bind_address(const struct gg_dataplane *dp, const struct gg_table_frontend *fe,
                         struct sockaddr_storage *out)
{
    memset(out, 0, sizeof(*out));
    int port = fe->port + dp->cfg.port_offset;
    if (port <= 0 || port > 65535)
        return false;
    if (fe->addr.ss_family != AF_UNSPEC) {
        *out = fe->addr;
    } else {
        const char *a = dp->cfg.listen_address ? dp->cfg.listen_address : "0.0.0.0";
        struct sockaddr_in *v4 = (struct sockaddr_in *)out;
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)out;
        if (inet_pton(AF_INET, a, &v4->sin_addr) == 1)
            v4->sin_family = AF_INET;
        else if (inet_pton(AF_INET6, a, &v6->sin6_addr) == 1)
            v6->sin6_family = AF_INET6;
        else
            return false;
    }
    if (out->ss_family == AF_INET)
        ((struct sockaddr_in *)out)->sin_port = htons((uint16_t)port);
    else
        ((struct sockaddr_in6 *)out)->sin6_port = htons((uint16_t)port);
    return true;
}

static struct listener *open_listener(struct gg_dataplane *dp, const struct sockaddr_storage *a,
                                      uint16_t port)
{
    int fd = socket(a->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return NULL;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    socklen_t len =
        a->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
    if (bind(fd, (const struct sockaddr *)a, len) != 0 || listen(fd, 1024) != 0) {
        close(fd);
        return NULL;
    }
    struct listener *l = gg_xcalloc(1, sizeof(*l));
    l->fd = fd;
    l->addr = *a;
    l->port = port;
    l->dp = dp;
    atomic_init(&l->stop, false);
    if (pthread_create(&l->thread, NULL, accept_main, l) != 0) {
        close(fd);
        free(l);
        return NULL;
    }
    return l;
}

static void close_listener(struct listener *l)
{
    atomic_store(&l->stop, true);
    pthread_join(l->thread, NULL);
    close(l->fd);
    free(l);
}

struct gg_dataplane *gg_dataplane_new(const struct gg_dataplane_config *cfg)
{
    struct gg_dataplane *dp = gg_xcalloc(1, sizeof(*dp));
    dp->cfg = *cfg;
    if (!dp->cfg.max_connections)
        dp->cfg.max_connections = 4096;
    if (!dp->cfg.header_timeout_ms)
        dp->cfg.header_timeout_ms = 10000;
    if (!dp->cfg.idle_timeout_ms)
        dp->cfg.idle_timeout_ms = 60000;
    if (!dp->cfg.connect_timeout_ms)
        dp->cfg.connect_timeout_ms = 5000;
    if (!dp->cfg.backend_timeout_ms)
        dp->cfg.backend_timeout_ms = 60000;
    pthread_mutex_init(&dp->mu, NULL);
    pthread_cond_init(&dp->conns_done, NULL);
    /* Idle upstream connections live shorter than the usual upstream idle
     * timers (nginx 75 s, Go 90 s, libmicrohttpd 120 s here), so a taken
     * connection is rarely one the upstream is closing. */
    dp->pool = gg_upstream_pool_new(UPSTREAM_IDLE_MAX, UPSTREAM_IDLE_MS);
    return dp;
}

void gg_dataplane_publish(struct gg_dataplane *dp, struct gg_route_table *t)
{
    if (t && !gg_route_table_attachment(t))
        attach_extra(t);
    pthread_mutex_lock(&dp->mu);
    struct gg_route_table *old = dp->table;
    dp->table = gg_route_table_ref(t);
    for (size_t i = 0; i < dp->n_listeners; i++)
        dp->listeners[i]->seen = false;
    struct listener *gone[MAX_LISTENERS];
    size_t n_gone = 0;
    for (size_t i = 0; t && i < gg_route_table_count_frontends(t); i++) {
        const struct gg_table_frontend *fe = gg_route_table_frontend(t, i);
        struct sockaddr_storage a;
        if (!bind_address(dp, fe, &a))
            continue;
        struct listener *l = NULL;
        for (size_t j = 0; j < dp->n_listeners && !l; j++)
            if (same_bind(&dp->listeners[j]->addr, &a))
                l = dp->listeners[j];
        if (!l && dp->n_listeners < MAX_LISTENERS && (l = open_listener(dp, &a, fe->port)) != NULL)
            dp->listeners[dp->n_listeners++] = l;
        if (l)
            l->seen = true;
    }
    for (size_t i = 0; i < dp->n_listeners;) {
        if (!dp->listeners[i]->seen) {
            gone[n_gone++] = dp->listeners[i];
            dp->listeners[i] = dp->listeners[--dp->n_listeners];
        } else {
            i++;
        }
    }
    pthread_mutex_unlock(&dp->mu);
    for (size_t i = 0; i < n_gone; i++)
        close_listener(gone[i]);
    gg_route_table_unref(old);
}

void gg_dataplane_stats(struct gg_dataplane *dp, struct gg_dataplane_stats *out)
{
    pthread_mutex_lock(&dp->mu);
    out->listeners = (unsigned)dp->n_listeners;
    pthread_mutex_unlock(&dp->mu);
    out->requests = atomic_load(&dp->requests);
    out->responses_5xx = atomic_load(&dp->responses_5xx);
    out->upstream_errors = atomic_load(&dp->upstream_errors);
    out->refused_connections = atomic_load(&dp->refused);
    out->connections = atomic_load(&dp->conns);
}

void gg_dataplane_metrics(struct gg_dataplane *dp, struct gg_buf *out)
{
    struct gg_dataplane_stats s;
    gg_dataplane_stats(dp, &s);
    gg_buf_addf(out,
                "# HELP gateguard_proxy_requests_total Requests whose head was read.\n"
                "# TYPE gateguard_proxy_requests_total counter\n"
                "gateguard_proxy_requests_total %llu\n"
                "# HELP gateguard_proxy_responses_5xx_total Answers with a 5xx status.\n"
                "# TYPE gateguard_proxy_responses_5xx_total counter\n"
                "gateguard_proxy_responses_5xx_total %llu\n"
                "# HELP gateguard_proxy_upstream_errors_total Upstreams refused, reset, "
                "silent or garbled.\n"
                "# TYPE gateguard_proxy_upstream_errors_total counter\n"
                "gateguard_proxy_upstream_errors_total %llu\n"
                "# HELP gateguard_proxy_refused_connections_total Connections over the cap.\n"
                "# TYPE gateguard_proxy_refused_connections_total counter\n"
                "gateguard_proxy_refused_connections_total %llu\n"
                "# HELP gateguard_proxy_connections Open client connections.\n"
                "# TYPE gateguard_proxy_connections gauge\n"
                "gateguard_proxy_connections %u\n"
                "# HELP gateguard_proxy_listeners Listening sockets.\n"
                "# TYPE gateguard_proxy_listeners gauge\n"
                "gateguard_proxy_listeners %u\n"
                "# HELP gateguard_proxy_upstream_idle_connections Keep-alive upstream "
                "connections waiting in the pool.\n"
                "# TYPE gateguard_proxy_upstream_idle_connections gauge\n"
                "gateguard_proxy_upstream_idle_connections %zu\n"
                "# HELP gateguard_proxy_upstream_reused_total Requests sent on a pooled "
                "upstream connection.\n"
                "# TYPE gateguard_proxy_upstream_reused_total counter\n"
                "gateguard_proxy_upstream_reused_total %llu\n",
                (unsigned long long)s.requests, (unsigned long long)s.responses_5xx,
                (unsigned long long)s.upstream_errors, (unsigned long long)s.refused_connections,
                s.connections, s.listeners, gg_upstream_pool_idle(dp->pool),
                gg_upstream_pool_reused(dp->pool));
}

void gg_dataplane_free(struct gg_dataplane *dp)
{
    if (!dp)
        return;
    atomic_store(&dp->stopping, true);
    pthread_mutex_lock(&dp->mu);
    size_t n = dp->n_listeners;
    struct listener *ls[MAX_LISTENERS];
    memcpy(ls, dp->listeners, n * sizeof(*ls));
    dp->n_listeners = 0;
    pthread_mutex_unlock(&dp->mu);
    for (size_t i = 0; i < n; i++)
        close_listener(ls[i]);
    pthread_mutex_lock(&dp->mu);
    for (size_t i = 0; i < dp->n_conn_fds; i++)
        shutdown(dp->conn_fds[i], SHUT_RDWR);
    while (atomic_load(&dp->conns) > 0)
        pthread_cond_wait(&dp->conns_done, &dp->mu);
    pthread_mutex_unlock(&dp->mu);
    gg_route_table_unref(dp->table);
    gg_upstream_pool_free(dp->pool);
    free(dp->conn_fds);
    pthread_cond_destroy(&dp->conns_done);
    pthread_mutex_destroy(&dp->mu);
    free(dp);
}
