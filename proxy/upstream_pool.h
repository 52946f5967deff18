/* SPDX-License-Identifier: Apache-2.0 */
/* Idle keep-alive connections to upstream endpoints, shared by every client
 * connection of the data plane, so a request does not pay a TCP handshake
 * to a backend it spoke to a moment ago. */
#ifndef GG_UPSTREAM_POOL_H
#define GG_UPSTREAM_POOL_H

#include <stddef.h>
#include <sys/socket.h>

struct gg_upstream_pool;

/* At most <max_idle> idle connections are kept, each for at most <idle_ms>. */
struct gg_upstream_pool *gg_upstream_pool_new(size_t max_idle, unsigned idle_ms);

/* Closes every idle connection and frees the pool; p may be NULL. */
void gg_upstream_pool_free(struct gg_upstream_pool *p);

/* An idle connection to <addr>, now owned by the caller, or -1 if there is
 * none. A connection the endpoint has closed, or that holds unsolicited
 * bytes, or that has been idle too long, is closed instead of returned.
 * The connection may still turn out stale on first use (the peer may close
 * it at the same moment): callers retry a bodiless request once on a fresh
 * connection. Thread-safe. */
int gg_upstream_pool_take(struct gg_upstream_pool *p, const struct sockaddr_storage *addr,
                          socklen_t len);

/* Gives <fd>, a connection to <addr> whose last response was read whole,
 * back to the pool (or closes it when the pool is full). Thread-safe. */
void gg_upstream_pool_give(struct gg_upstream_pool *p, const struct sockaddr_storage *addr,
                           socklen_t len, int fd);

/* How many connections are idle now; how many takes found one. */
size_t gg_upstream_pool_idle(struct gg_upstream_pool *p);
unsigned long long gg_upstream_pool_reused(struct gg_upstream_pool *p);

#endif
