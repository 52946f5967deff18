/* SPDX-License-Identifier: Apache-2.0 */
/* Pointer-to-line table used by the YAML decoder. Recording is an append to
 * a vector (the decoder records millions of nodes on large inputs); the
 * vector is sorted by pointer on the first lookup after a change, since
 * lookups happen only when a finding is reported. */
#include "linemap.h"

#include <stdint.h>
#include <stdlib.h>

#include "xalloc.h"

struct entry {
    uintptr_t key;
    int line;
};

struct gg_linemap {
    struct entry *v;
    size_t n, cap;
    int sorted;
};

struct gg_linemap *gg_linemap_new(void)
{
    struct gg_linemap *m = gg_xcalloc(1, sizeof(*m));
    m->sorted = 1;
    return m;
}

void gg_linemap_free(struct gg_linemap *m)
{
    if (!m)
        return;
    free(m->v);
    free(m);
}

void gg_linemap_set(struct gg_linemap *m, const json_t *node, int line)
{
    if (!node || json_is_true(node) || json_is_false(node) || json_is_null(node))
        return;
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 4096;
        m->v = gg_xrealloc(m->v, m->cap * sizeof(*m->v));
    }
    m->v[m->n].key = (uintptr_t)node;
    m->v[m->n].line = line;
    m->n++;
    m->sorted = 0;
}

static int cmp_entry(const void *a, const void *b)
{
    uintptr_t x = ((const struct entry *)a)->key, y = ((const struct entry *)b)->key;
    return x < y ? -1 : x > y;
}

int gg_linemap_find(const struct gg_linemap *cm, const json_t *node)
{
    if (!cm || !node || !cm->n)
        return 0;
    struct gg_linemap *m = (struct gg_linemap *)cm; /* sorting is a cache, see header */
    if (!m->sorted) {
        qsort(m->v, m->n, sizeof(*m->v), cmp_entry);
        m->sorted = 1;
    }
    uintptr_t key = (uintptr_t)node;
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->v[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m->n && m->v[lo].key == key ? m->v[lo].line : 0;
}
