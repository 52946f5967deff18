/* SPDX-License-Identifier: Apache-2.0 */
/* The data plane: listening sockets for the frontends of the current
 * routing table, HTTP/1.1 (and TLS, with OpenSSL) to clients, and requests
 * forwarded to the endpoints gg_plan_make chooses.
 *
 * Design notes
 *
 * Threads: one accept thread per listening socket and one thread per client
 * connection, with blocking sockets bounded by timeouts (header, idle,
 * connect, backend). Simple and correct under HTTP/1.1's one-request-at-a-
 * time framing; connections are capped (max_connections) so a flood costs
 * refused connections, not memory.
 *
 * Table handoff: gg_dataplane_publish swaps the current table under a mutex;
 * each request takes its own reference, so a request in flight finishes on
 * the table it began with, and a connection's next request uses the newest.
 * Listening sockets are opened for new frontends and closed for gone ones on
 * every publish; a port that cannot be bound is left out and tried again on
 * the next publish. Planning state (balancer weights, round-robin counters)
 * is one per table, shared by every connection under a mutex held only for
 * gg_plan_make, so weights hold across requests and connections.
 *
 * Framing: request bodies (Content-Length or chunked) are streamed to the
 * upstream as they arrive, chunked re-encoded chunk by chunk; responses are
 * streamed back the same way. Hop-by-hop fields are dropped both ways. A new
 * upstream connection serves each request (no pool yet). */
#ifndef GG_DATAPLANE_H
#define GG_DATAPLANE_H

#include <stddef.h>
#include <stdint.h>

struct gg_route_table;
struct gg_dataplane;

struct gg_dataplane_config {
    /* Where the wildcard frontends listen ("0.0.0.0" when NULL); a frontend
     * with its own address (an address pool) listens on that address. */
    const char *listen_address;
    int port_offset;             /* added to every listener port */
    unsigned max_connections;    /* 0: 4096 */
    unsigned header_timeout_ms;  /* a request head must arrive within this (0: 10 s) */
    unsigned idle_timeout_ms;    /* between requests on a connection (0: 60 s) */
    unsigned connect_timeout_ms; /* to an endpoint (0: 5 s) */
    unsigned backend_timeout_ms; /* an upstream's answer, when the route sets none (0: 60 s) */
};

/* A data plane serving nothing yet. <cfg> is copied. Never NULL. */
struct gg_dataplane *gg_dataplane_new(const struct gg_dataplane_config *cfg);

/* Serves <t> from now on (takes a reference; the caller keeps its own).
 * Thread-safe. */
void gg_dataplane_publish(struct gg_dataplane *dp, struct gg_route_table *t);

/* Counters, for logs, metrics and tests. */
struct gg_dataplane_stats {
    uint64_t requests, responses_5xx, upstream_errors, refused_connections;
    unsigned listeners, connections;
};
void gg_dataplane_stats(struct gg_dataplane *dp, struct gg_dataplane_stats *out);

/* Prometheus text for the admin port's /metrics. */
struct gg_buf;
void gg_dataplane_metrics(struct gg_dataplane *dp, struct gg_buf *out);

/* Stops accepting, waits for the connections to end (bounded by the
 * timeouts) and frees. NULL is a no-op. */
void gg_dataplane_free(struct gg_dataplane *dp);

#endif
