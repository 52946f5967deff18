/* SPDX-License-Identifier: Apache-2.0 */
/* The webhook's HTTP side, on libmicrohttpd: POST /validate over TLS, and a
 * plain-HTTP admin port with /healthz, /readyz, /metrics and /violations.
 * It re-reads its certificate when the files change, without dropping a
 * connection, and drains in-flight requests on shutdown. What a review means
 * is the caller's: the server hands the body to a gg_review_cb and sends back
 * what it writes, so it knows nothing of AdmissionReview or validation. */
#ifndef GG_SERVER_H
#define GG_SERVER_H

#include <stdbool.h>
#include <stddef.h>

struct gg_buf;
struct gg_metrics;

#define GG_SERVER_DEFAULT_LISTEN ":8443"
#define GG_SERVER_DEFAULT_ADMIN_LISTEN ":8081"
#define GG_SERVER_MAX_BODY (3u << 20) /* the API server's own request limit */
#define GG_SERVER_DEFAULT_MAX_CONNECTIONS 1024u
#define GG_SERVER_DEFAULT_IDLE_TIMEOUT 30u    /* seconds without a byte, TLS or HTTP */
#define GG_SERVER_DEFAULT_REQUEST_TIMEOUT 30u /* seconds for one request to arrive */
#define GG_SERVER_DEFAULT_DRAIN_TIMEOUT 30u   /* seconds shutdown waits for requests */
#define GG_SERVER_DEFAULT_CERT_POLL_MS 1000u

/* What a review callback tells the server about the review, for the log
 * line and the metrics. The server zeroes it before the call. */
struct gg_review_meta {
    char uid[128];      /* request.uid, "" when the body had none */
    char kind[64];      /* the object's kind */
    char operation[16]; /* CREATE, UPDATE, DELETE, CONNECT */
    char ns[64];        /* the object's namespace */
    char name[254];     /* the object's name */
    bool dry_run;
    const char *verdict;      /* static: "allowed", "denied", "bad_request", "error" */
    const char *content_type; /* static; NULL means application/json */
    char reason[160];         /* why a 4xx, for the log; "" otherwise */
    size_t n_errors, n_warnings;
};

/* Answers one POST /validate whose body is <body> (<len> bytes, not
 * NUL-terminated): writes the response body to <out>, fills <meta> and
 * returns the HTTP status (200, or 4xx/5xx with a message in <out>). Called
 * from the server's worker threads, concurrently: it must be thread-safe. */
typedef int (*gg_review_cb)(void *ctx, const char *body, size_t len, struct gg_buf *out,
                            struct gg_review_meta *meta);

/* Writes the JSON body of GET /violations to <out> and returns the status. */
typedef int (*gg_violations_cb)(void *ctx, struct gg_buf *out);

struct gg_server_config {
    const char *listen;       /* "ADDR:PORT", "[V6]:PORT" or ":PORT"; NULL: default. Port 0
                                 picks a free one (see gg_server_port) */
    const char *admin_listen; /* the same for the admin port; NULL: default */
    const char *cert_file;    /* PEM chain, leaf first */
    const char *key_file;     /* PEM private key, unencrypted */
    unsigned threads;         /* worker threads for reviews; 0: one per online CPU */
    unsigned max_connections; /* on the TLS port, more are closed on arrival; 0: default */
    unsigned idle_timeout;    /* seconds; 0: default */
    unsigned request_timeout; /* seconds; 0: default */
    unsigned drain_timeout;   /* seconds; 0: default */
    unsigned cert_poll_ms;    /* how often the files are checked; 0: default */
    size_t max_body;          /* bytes; 0: GG_SERVER_MAX_BODY */
    gg_review_cb review;      /* required */
    void *review_ctx;
    gg_violations_cb violations; /* NULL: /violations answers 404 */
    void *violations_ctx;
    struct gg_metrics *metrics; /* borrowed, required: must outlive the server */
};

struct gg_server;

/* Binds both ports, loads the certificate pair and starts serving; /readyz
 * answers 503 until gg_server_set_ready. <cfg>'s strings are copied; its
 * callbacks and contexts must stay valid until gg_server_free. Registers the
 * server's metrics in cfg->metrics (once per registry). Returns NULL with the
 * reason in <err> (naming the file or address). The caller ignores SIGPIPE
 * and decides which thread gets signals (the server's threads inherit the
 * caller's signal mask). */
struct gg_server *gg_server_start(const struct gg_server_config *cfg, char *err, size_t errlen);

/* The ports actually bound (useful after port 0). */
int gg_server_port(const struct gg_server *s);
int gg_server_admin_port(const struct gg_server *s);

/* Sets whether /readyz reports ready. Thread-safe. */
void gg_server_set_ready(struct gg_server *s, bool ready);

/* Checks the certificate files now instead of at the next poll (SIGHUP).
 * Returns 0 when the pair in service is current (reloaded or unchanged), -1
 * when the files are unusable and the previous pair stays. Thread-safe. */
int gg_server_reload(struct gg_server *s);

/* Stops accepting (new connections are refused), answers /readyz with 503,
 * waits up to the drain timeout for requests in flight to finish, then stops
 * every thread and closes every socket. Returns 0 when every request
 * finished, -1 when some were cut at the deadline. Call once. */
int gg_server_shutdown(struct gg_server *s);

/* Shuts down if still running, then frees. NULL is a no-op. */
void gg_server_free(struct gg_server *s);

#endif
