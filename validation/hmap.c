/* SPDX-License-Identifier: Apache-2.0 */
/* The pointer hash table declared in hmap.h. */
#include "hmap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "xalloc.h"

void gg_hmap_init(struct gg_hmap *m)
{
    memset(m, 0, sizeof(*m));
}

void gg_hmap_clear(struct gg_hmap *m)
{
    free(m->slots);
    memset(m, 0, sizeof(*m));
}

void *gg_hmap_find(const struct gg_hmap *m, uint64_t hash, gg_hmap_eq_cb eq, const void *key)
{
    if (!m->cap)
        return NULL;
    size_t mask = m->cap - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        const struct gg_hmap_slot *s = &m->slots[i];
        if (!s->val)
            return NULL;
        if (s->hash == hash && eq(s->val, key))
            return s->val;
    }
}

static void insert(struct gg_hmap_slot *slots, size_t cap, uint64_t hash, void *val)
{
    size_t mask = cap - 1;
    size_t i = hash & mask;
    while (slots[i].val)
        i = (i + 1) & mask;
    slots[i].hash = hash;
    slots[i].val = val;
}

#define HUGE_PAGE (2u << 20)

/* Zeroed slots. A table of 2 MiB or more gets its own huge-page-aligned
 * mapping with transparent huge pages asked for: lookups land on random
 * slots, and at a large cluster's size the TLB misses, not the probes, are
 * what a lookup costs. */
static struct gg_hmap_slot *slots_new(size_t cap)
{
    size_t bytes = cap * sizeof(struct gg_hmap_slot);
    if (bytes < HUGE_PAGE)
        return gg_xcalloc(cap, sizeof(struct gg_hmap_slot));
    void *p = NULL;
    if (posix_memalign(&p, HUGE_PAGE, bytes) != 0)
        return gg_xcalloc(cap, sizeof(struct gg_hmap_slot));
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE); /* advice only: failure changes nothing */
#endif
    memset(p, 0, bytes);
    return p;
}

static void grow(struct gg_hmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 8;
    struct gg_hmap_slot *slots = slots_new(cap);
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].val)
            insert(slots, cap, m->slots[i].hash, m->slots[i].val);
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
}

void gg_hmap_put(struct gg_hmap *m, uint64_t hash, void *val)
{
    /* keep the load at most 1/2: a miss (the common case for the match and
     * hostname indexes) then probes about 2.5 slots instead of 8.5 */
    if ((m->n + 1) * 2 > m->cap)
        grow(m);
    insert(m->slots, m->cap, hash, val);
    m->n++;
}

bool gg_hmap_remove(struct gg_hmap *m, uint64_t hash, const void *val)
{
    if (!m->cap)
        return false;
    size_t mask = m->cap - 1;
    size_t i = hash & mask;
    for (;; i = (i + 1) & mask) {
        if (!m->slots[i].val)
            return false;
        if (m->slots[i].val == val)
            break;
    }
    /* backward-shift: move later members of the cluster into the hole when
     * their home slot is not between the hole and their position */
    size_t hole = i;
    for (size_t j = (i + 1) & mask; m->slots[j].val; j = (j + 1) & mask) {
        size_t home = m->slots[j].hash & mask;
        bool movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
        if (movable) {
            m->slots[hole] = m->slots[j];
            hole = j;
        }
    }
    m->slots[hole].val = NULL;
    m->slots[hole].hash = 0;
    m->n--;
    return true;
}

uint64_t gg_hash_u64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

uint64_t gg_hash_bytes(const void *p, size_t n, uint64_t seed)
{
    const unsigned char *b = p;
    uint64_t h = seed;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return gg_hash_u64(h ^ n);
}

uint64_t gg_hash_str(const char *s, uint64_t seed)
{
    return gg_hash_bytes(s, strlen(s), seed);
}
