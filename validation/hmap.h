/* SPDX-License-Identifier: Apache-2.0 */
/* An open-addressing hash table of pointers for the store's indexes: each slot
 * keeps the 64-bit hash of its value's key, so a probe compares hashes before
 * it calls the caller's equality function. Linear probing with backward-shift
 * deletion, so there are no tombstones and lookups stay short after churn.
 * Values are borrowed; the table never frees them. Not thread-safe: the store
 * serializes writers. */
#ifndef GG_HMAP_H
#define GG_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gg_hmap_slot {
    uint64_t hash;
    void *val; /* borrowed; NULL marks an empty slot */
};

struct gg_hmap {
    struct gg_hmap_slot *slots;
    size_t cap; /* a power of two, or 0 */
    size_t n;
};

/* True when <val> is the value stored for <key>. */
typedef bool (*gg_hmap_eq_cb)(const void *val, const void *key);

void gg_hmap_init(struct gg_hmap *m);
/* Frees the slots, not the values, not the struct itself. */
void gg_hmap_clear(struct gg_hmap *m);

/* The value whose hash is <hash> and for which <eq>(value, <key>) holds, or NULL. */
void *gg_hmap_find(const struct gg_hmap *m, uint64_t hash, gg_hmap_eq_cb eq, const void *key);

/* Adds <val> (not NULL) under <hash>; the caller has checked it is not there. */
void gg_hmap_put(struct gg_hmap *m, uint64_t hash, void *val);

/* Removes the slot holding exactly <val>; returns whether it was there. */
bool gg_hmap_remove(struct gg_hmap *m, uint64_t hash, const void *val);

/* Hashes for keys: 64-bit FNV-1a with a final avalanche, chained by <seed>. */
uint64_t gg_hash_bytes(const void *p, size_t n, uint64_t seed);
uint64_t gg_hash_str(const char *s, uint64_t seed);
uint64_t gg_hash_u64(uint64_t x);

#define GG_HASH_SEED 0xcbf29ce484222325ULL

#endif
