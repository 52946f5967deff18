/* SPDX-License-Identifier: Apache-2.0 */
/* A bump allocator for decoded objects. Everything handed out is zeroed and
 * 8-aligned, and its size is rounded up to 8, so that decoding the same input
 * twice uses exactly `used` bytes: the store decodes once into a scratch arena
 * to learn the size, then again into one exact block it can free in one call
 * (see gg_model_decode). */
#ifndef GG_ARENA_H
#define GG_ARENA_H

#include <stdbool.h>
#include <stddef.h>

struct gg_arena_chunk;

struct gg_arena {
    char *cur, *end;
    struct gg_arena_chunk *chunks; /* heap chunks, newest first */
    size_t used;                   /* bytes handed out, each rounded up to 8 */
    bool is_fixed;                 /* overflowing a fixed block is a bug: abort */
};

/* Starts an arena on <buf> (<size> bytes, may be NULL/0: heap only); when
 * that is used up, heap chunks follow. <buf> stays the caller's. */
void gg_arena_init(struct gg_arena *a, void *buf, size_t size);

/* Starts an arena on exactly <size> bytes of <block>, which must be 8-aligned
 * and stays the caller's; asking for more aborts. */
void gg_arena_init_fixed(struct gg_arena *a, void *block, size_t size);

/* Frees the heap chunks; not the initial buffer, not the struct itself.
 * Everything allocated from <a> is gone. */
void gg_arena_clear(struct gg_arena *a);

/* <n> zeroed bytes, 8-aligned; aborts when memory is exhausted. */
void *gg_arena_alloc(struct gg_arena *a, size_t n);

/* A NUL-terminated copy of <n> bytes of <s>. */
char *gg_arena_strndup(struct gg_arena *a, const char *s, size_t n);

#endif
