/* SPDX-License-Identifier: Apache-2.0 */
/* The bump allocator declared in arena.h. */
#include "arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define CHUNK_MIN 4096

struct gg_arena_chunk {
    struct gg_arena_chunk *next;
    /* data follows, 16-aligned because the header is two words */
    void *pad;
};

void gg_arena_init(struct gg_arena *a, void *buf, size_t size)
{
    memset(a, 0, sizeof(*a));
    if (buf) {
        /* keep the start 8-aligned whatever the caller passed */
        size_t skew = (8 - ((size_t)buf & 7)) & 7;
        if (size > skew) {
            a->cur = (char *)buf + skew;
            a->end = (char *)buf + size;
        }
    }
}

void gg_arena_init_fixed(struct gg_arena *a, void *block, size_t size)
{
    memset(a, 0, sizeof(*a));
    a->cur = block;
    a->end = (char *)block + size;
    a->is_fixed = true;
}

void gg_arena_clear(struct gg_arena *a)
{
    struct gg_arena_chunk *c = a->chunks;
    while (c) {
        struct gg_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    memset(a, 0, sizeof(*a));
}

void *gg_arena_alloc(struct gg_arena *a, size_t n)
{
    size_t need = (n + 7) & ~(size_t)7;
    if (need < n) {
        fprintf(stderr, "gateguard: arena request of %zu bytes overflows\n", n);
        abort();
    }
    if ((size_t)(a->end - a->cur) < need) {
        if (a->is_fixed) {
            fprintf(stderr, "gateguard: fixed arena overflow (%zu bytes)\n", n);
            abort();
        }
        size_t size = need > CHUNK_MIN ? need : CHUNK_MIN;
        struct gg_arena_chunk *c = gg_xmalloc(sizeof(*c) + size);
        c->next = a->chunks;
        a->chunks = c;
        a->cur = (char *)(c + 1);
        a->end = a->cur + size;
    }
    void *p = a->cur;
    a->cur += need;
    a->used += need;
    memset(p, 0, need);
    return p;
}

char *gg_arena_strndup(struct gg_arena *a, const char *s, size_t n)
{
    char *p = gg_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    return p;
}
