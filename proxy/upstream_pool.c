/* SPDX-License-Identifier: Apache-2.0 */
/* The pool is a flat array searched from the newest entry: a data plane has
 * few endpoints next to its idle connections, and the newest connection is
 * the one least likely to have been closed by the upstream's idle timer. */
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proxy/upstream_pool.h"

struct entry {
    struct sockaddr_storage addr;
    socklen_t len;
    int fd;
    long long since_ms;
};

struct gg_upstream_pool {
    pthread_mutex_t mu;
    struct entry *v;
    size_t n, max;
    unsigned idle_ms;
    unsigned long long reused;
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct gg_upstream_pool *gg_upstream_pool_new(size_t max_idle, unsigned idle_ms)
{
    struct gg_upstream_pool *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->v = calloc(max_idle ? max_idle : 1, sizeof(*p->v));
    if (!p->v) {
        free(p);
        return NULL;
    }
    pthread_mutex_init(&p->mu, NULL);
    p->max = max_idle;
    p->idle_ms = idle_ms;
    return p;
}

void gg_upstream_pool_free(struct gg_upstream_pool *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        close(p->v[i].fd);
    pthread_mutex_destroy(&p->mu);
    free(p->v);
    free(p);
}

static bool same(const struct entry *e, const struct sockaddr_storage *a, socklen_t len)
{
    return e->len == len && memcmp(&e->addr, a, len) == 0;
}

/* An idle HTTP connection has nothing to say: readable means closed (or a
 * misbehaving upstream), either way not reusable. */
static bool alive(int fd)
{
    struct pollfd pf = {fd, POLLIN | POLLRDHUP, 0};
    return poll(&pf, 1, 0) == 0;
}

int gg_upstream_pool_take(struct gg_upstream_pool *p, const struct sockaddr_storage *addr,
                          socklen_t len)
{
    if (!p)
        return -1;
    long long now = now_ms();
    int got = -1;
    int dead[16];
    size_t ndead = 0;
    pthread_mutex_lock(&p->mu);
    for (size_t i = p->n; i-- > 0;) {
        struct entry *e = &p->v[i];
        bool stale = now - e->since_ms > (long long)p->idle_ms;
        if (!stale && !same(e, addr, len))
            continue;
        int fd = e->fd;
        p->v[i] = p->v[--p->n];
        if (!stale && alive(fd)) {
            got = fd;
            p->reused++;
            break;
        }
        if (ndead < sizeof(dead) / sizeof(dead[0]))
            dead[ndead++] = fd;
        else
            close(fd);
    }
    pthread_mutex_unlock(&p->mu);
    for (size_t i = 0; i < ndead; i++)
        close(dead[i]);
    return got;
}

void gg_upstream_pool_give(struct gg_upstream_pool *p, const struct sockaddr_storage *addr,
                           socklen_t len, int fd)
{
    if (!p || (size_t)len > sizeof(*addr)) {
        close(fd);
        return;
    }
    pthread_mutex_lock(&p->mu);
    if (p->n < p->max) {
        struct entry *e = &p->v[p->n++];
        memset(&e->addr, 0, sizeof(e->addr));
        memcpy(&e->addr, addr, len);
        e->len = len;
        e->fd = fd;
        e->since_ms = now_ms();
        fd = -1;
    }
    pthread_mutex_unlock(&p->mu);
    if (fd >= 0)
        close(fd);
}

size_t gg_upstream_pool_idle(struct gg_upstream_pool *p)
{
    pthread_mutex_lock(&p->mu);
    size_t n = p->n;
    pthread_mutex_unlock(&p->mu);
    return n;
}

unsigned long long gg_upstream_pool_reused(struct gg_upstream_pool *p)
{
    pthread_mutex_lock(&p->mu);
    unsigned long long n = p->reused;
    pthread_mutex_unlock(&p->mu);
    return n;
}
