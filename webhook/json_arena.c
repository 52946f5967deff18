/* SPDX-License-Identifier: Apache-2.0 */
/* A per-thread bump allocator for jansson, active between begin and end. */
#include "webhook/json_arena.h"

#include <jansson.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>

#include "validation/xalloc.h"

#define CHUNK_SIZE (64u << 10)
#define ARENA_MAX (16u << 20) /* past this, a hostile review falls back to malloc */

struct chunk {
    struct chunk *next;
    size_t size, used;
    alignas(max_align_t) unsigned char data[];
};

struct arena {
    struct chunk *head; /* newest first; the last one is kept between reviews */
    size_t total;
    int active;
};

static _Thread_local struct arena arena;

/* The chunk a thread keeps between reviews is freed when the thread exits. */
static pthread_key_t exit_key;
static pthread_once_t exit_once = PTHREAD_ONCE_INIT;

static void on_thread_exit(void *chunk)
{
    free(chunk);
}

static void exit_key_init(void)
{
    pthread_key_create(&exit_key, on_thread_exit);
}

static int owns(const struct arena *a, const void *p)
{
    for (const struct chunk *c = a->head; c; c = c->next)
        if ((const unsigned char *)p >= c->data && (const unsigned char *)p < c->data + c->size)
            return 1;
    return 0;
}

static void *arena_malloc(size_t n)
{
    struct arena *a = &arena;
    if (!a->active)
        return malloc(n);
    n = (n + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
    struct chunk *c = a->head;
    if (!c || c->used + n > c->size) {
        if (a->total + n > ARENA_MAX)
            return malloc(n);
        size_t size = n > CHUNK_SIZE ? n : CHUNK_SIZE;
        c = gg_xmalloc(sizeof(*c) + size);
        c->size = size;
        c->used = 0;
        c->next = a->head;
        a->head = c;
        a->total += size;
    }
    void *p = c->data + c->used;
    c->used += n;
    return p;
}

static void arena_free(void *p)
{
    if (!p)
        return;
    if (arena.active && owns(&arena, p))
        return; /* released with the arena */
    free(p);
}

void gg_json_arena_install(void)
{
    json_set_alloc_funcs(arena_malloc, arena_free);
}

void gg_json_arena_begin(void)
{
    arena.active = 1;
}

static void remember_for_exit(struct chunk *c)
{
    pthread_once(&exit_once, exit_key_init);
    pthread_setspecific(exit_key, c);
}

void gg_json_arena_end(void)
{
    struct arena *a = &arena;
    a->active = 0;
    /* the oldest chunk (the list's last) stays for the next review on this
     * thread; the others go */
    struct chunk *keep = NULL;
    for (struct chunk *c = a->head, *next; c; c = next) {
        next = c->next;
        if (!next && c->size == CHUNK_SIZE) {
            keep = c;
            break;
        }
        free(c);
    }
    if (keep)
        keep->used = 0;
    remember_for_exit(keep);
    a->head = keep;
    a->total = keep ? keep->size : 0;
}
