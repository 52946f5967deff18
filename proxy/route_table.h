/* SPDX-License-Identifier: Apache-2.0 */
/* The routing table: everything the proxy serves, built complete from a
 * store by pure code (route_build.c) with the same attachment and precedence
 * verdicts the webhook gives, then never written again. Workers share it
 * read-only and drop their reference when a newer table reaches them, so a
 * request in flight finishes on the table it began with. It knows nothing of
 * sockets or TLS libraries: certificates are PEM bytes, endpoints are socket
 * addresses, and matching a request is route_plan.h.
 *
 * Frontends. Listeners are grouped by (address, port). A Gateway has an
 * address when the build was given an address pool (--gateway-addresses);
 * otherwise every Gateway shares the wildcard address and the listeners of
 * all Gateways on one port are served together. */
#ifndef GG_ROUTE_TABLE_H
#define GG_ROUTE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct gg_store;
struct gg_route_table;

/* The controllerName gateguard owns GatewayClasses by, unless overridden. */
#define GG_CONTROLLER_NAME "gateguard.dev/gateway-controller"

struct gg_route_table_opts {
    const char *controller_name; /* NULL: GG_CONTROLLER_NAME */
    const char *gateway_class;   /* NULL: every class with our controllerName */
    /* An IPv4 pool ("10.99.0.0/16") Gateways take their addresses from, or
     * NULL: every Gateway on the wildcard address. */
    const char *address_pool;
    uint64_t generation; /* stamped on the table, for metrics and logs */
};

/* A certificate a TLS frontend presents. */
struct gg_table_cert {
    const char *hostname; /* the listener's hostname; NULL: any (the default) */
    const unsigned char *cert_pem, *key_pem;
    size_t cert_len, key_len;
    const char *secret; /* "ns/name", for logs */
};

/* One (address, port) the proxy listens on. */
struct gg_table_frontend {
    struct sockaddr_storage addr; /* port 0; AF_UNSPEC: the wildcard address */
    uint16_t port;                /* the listeners' port, before any offset */
    bool is_tls;                  /* HTTPS: terminate TLS with one of <certs> */
    const struct gg_table_cert *certs;
    size_t n_certs;
};

/* Builds a table from <s> under <opts>. Takes the store's read lock. Returns
 * NULL with the reason in <err> only when the store cannot be served at all;
 * a route or listener that cannot be served is left out (the status
 * controller says why), never a reason to fail the build. Thread-safe. The
 * result holds one reference. */
struct gg_route_table *gg_route_table_build(const struct gg_store *s,
                                            const struct gg_route_table_opts *opts, char *err,
                                            size_t errlen);

/* Atomic; gg_route_table_unref(NULL) is a no-op. The last unref frees. */
struct gg_route_table *gg_route_table_ref(struct gg_route_table *t);
void gg_route_table_unref(struct gg_route_table *t);

uint64_t gg_route_table_generation(const struct gg_route_table *t);
size_t gg_route_table_count_routes(const struct gg_route_table *t);

size_t gg_route_table_count_frontends(const struct gg_route_table *t);
/* Borrowed; valid while the table is. */
const struct gg_table_frontend *gg_route_table_frontend(const struct gg_route_table *t, size_t i);

/* The frontend a connection accepted on <local> (getsockname) for listener
 * port <port> belongs to: the one of that exact address, else the wildcard
 * one, else NULL. */
const struct gg_table_frontend *gg_route_table_find_frontend(const struct gg_route_table *t,
                                                             const struct sockaddr *local,
                                                             uint16_t port);

/* The certificate for TLS server name <sni> (NULL or "" when the client sent
 * none) on <fe>: the listener hostname that matches it most specifically
 * (exact, then the longest wildcard), else the default one, else NULL. */
const struct gg_table_cert *gg_route_table_find_cert(const struct gg_table_frontend *fe,
                                                     const char *sni);

/* Data the proxy attaches to a table before publishing it (its TLS
 * contexts, say), freed with <free_cb> when the table is. Not thread-safe:
 * call before the table is shared. */
void gg_route_table_set_attachment(struct gg_route_table *t, void *data,
                                   void (*free_cb)(void *data));
void *gg_route_table_attachment(const struct gg_route_table *t);

#endif
