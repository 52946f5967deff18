/* SPDX-License-Identifier: Apache-2.0 */
/* Pointer-to-line table used by the YAML decoder. */
#include "linemap.h"

#include <stdint.h>
#include <stdlib.h>

#include "xalloc.h"

struct slot {
    const json_t *key;
    int line;
};

struct gg_linemap {
    struct slot *slots;
    size_t cap, n; /* cap is a power of two */
};

static size_t hash(const json_t *p, size_t cap)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x & (cap - 1);
}

struct gg_linemap *gg_linemap_new(void)
{
    struct gg_linemap *m = gg_xcalloc(1, sizeof(*m));
    m->cap = 1024;
    m->slots = gg_xcalloc(m->cap, sizeof(*m->slots));
    return m;
}

void gg_linemap_free(struct gg_linemap *m)
{
    if (!m)
        return;
    free(m->slots);
    free(m);
}

static void insert(struct slot *slots, size_t cap, const json_t *key, int line)
{
    size_t i = hash(key, cap);
    while (slots[i].key && slots[i].key != key)
        i = (i + 1) & (cap - 1);
    slots[i].key = key;
    slots[i].line = line;
}

void gg_linemap_set(struct gg_linemap *m, const json_t *node, int line)
{
    if (!node || json_is_true(node) || json_is_false(node) || json_is_null(node))
        return;
    if ((m->n + 1) * 2 > m->cap) {
        size_t cap = m->cap * 2;
        struct slot *slots = gg_xcalloc(cap, sizeof(*slots));
        for (size_t i = 0; i < m->cap; i++)
            if (m->slots[i].key)
                insert(slots, cap, m->slots[i].key, m->slots[i].line);
        free(m->slots);
        m->slots = slots;
        m->cap = cap;
    }
    size_t i = hash(node, m->cap);
    while (m->slots[i].key && m->slots[i].key != node)
        i = (i + 1) & (m->cap - 1);
    if (!m->slots[i].key)
        m->n++;
    m->slots[i].key = node;
    m->slots[i].line = line;
}

int gg_linemap_find(const struct gg_linemap *m, const json_t *node)
{
    if (!m || !node)
        return 0;
    size_t i = hash(node, m->cap);
    while (m->slots[i].key) {
        if (m->slots[i].key == node)
            return m->slots[i].line;
        i = (i + 1) & (m->cap - 1);
    }
    return 0;
}
