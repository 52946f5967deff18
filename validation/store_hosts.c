/* SPDX-License-Identifier: Apache-2.0 */
/* Hostname claims per parent: a trie of labels read right to left
 * ("api.example.com" is com -> example -> api). Each node counts, per
 * namespace, the routes that name it exactly (`exact`), the routes that name
 * `*.<node>` (`wild`), and all claims strictly below it (`below`). Two
 * hostnames overlap (gg_hostname_intersects) exactly when:
 *   - exact h: h is claimed exactly, or some `*.d` with d a proper ancestor
 *     of h is claimed;
 *   - `*.d`: some `*.a` with a = d or an ancestor of d is claimed, or anything
 *     strictly below d is claimed.
 * So "does another namespace claim an overlapping name" walks the labels of
 * one hostname and looks at three small per-namespace counters; the cost does
 * not depend on how many routes the parent has.
 *
 * The counters are small open-addressing maps from namespace id to count that
 * hold only non-zero counts, so "someone other than namespace N" is answered
 * by the map's size and at most one probe. */
#include <stdlib.h>
#include <string.h>

#include "hostname.h"
#include "store_internal.h"
#include "xalloc.h"

/* --- namespace counters ------------------------------------------------- */

struct nscount {
    uint32_t *slots; /* cap pairs of (id + 1, count); id + 1 == 0 marks empty */
    uint32_t cap, n;
};

struct hnode {
    struct hnode *parent; /* NULL for the root */
    uint64_t hash;        /* its key in the store's hnodes table */
    uint32_t len, n_children;
    struct nscount exact, wild, below;
    char label[]; /* inline, so a lookup reads one block, not two */
};

static uint32_t slot_of(uint32_t id, uint32_t cap)
{
    return (uint32_t)((id * 0x9E3779B1u) >> 7) & (cap - 1);
}

static uint32_t *nc_find(const struct nscount *c, uint32_t id)
{
    if (!c->cap)
        return NULL;
    for (uint32_t i = slot_of(id, c->cap);; i = (i + 1) & (c->cap - 1)) {
        uint32_t *sl = &c->slots[2 * i];
        if (sl[0] == 0)
            return NULL;
        if (sl[0] == id + 1)
            return sl;
    }
}

static void nc_insert(uint32_t *slots, uint32_t cap, uint32_t id, uint32_t count)
{
    uint32_t i = slot_of(id, cap);
    while (slots[2 * i])
        i = (i + 1) & (cap - 1);
    slots[2 * i] = id + 1;
    slots[2 * i + 1] = count;
}

static void nc_inc(struct nscount *c, uint32_t id)
{
    uint32_t *sl = nc_find(c, id);
    if (sl) {
        sl[1]++;
        return;
    }
    if ((c->n + 1) * 2 > c->cap) {
        uint32_t cap = c->cap ? c->cap * 2 : 2;
        uint32_t *slots = gg_xcalloc(cap, 2 * sizeof(uint32_t));
        for (uint32_t i = 0; i < c->cap; i++)
            if (c->slots[2 * i])
                nc_insert(slots, cap, c->slots[2 * i] - 1, c->slots[2 * i + 1]);
        free(c->slots);
        c->slots = slots;
        c->cap = cap;
    }
    nc_insert(c->slots, c->cap, id, 1);
    c->n++;
}

static void nc_dec(struct nscount *c, uint32_t id)
{
    uint32_t *sl = nc_find(c, id);
    if (!sl || --sl[1] > 0)
        return;
    /* backward-shift deletion, as in hmap.c */
    uint32_t mask = c->cap - 1;
    uint32_t hole = (uint32_t)(sl - c->slots) / 2;
    for (uint32_t j = (hole + 1) & mask; c->slots[2 * j]; j = (j + 1) & mask) {
        uint32_t home = slot_of(c->slots[2 * j] - 1, c->cap);
        bool movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
        if (movable) {
            c->slots[2 * hole] = c->slots[2 * j];
            c->slots[2 * hole + 1] = c->slots[2 * j + 1];
            hole = j;
        }
    }
    c->slots[2 * hole] = 0;
    c->slots[2 * hole + 1] = 0;
    if (--c->n == 0) {
        free(c->slots);
        c->slots = NULL;
        c->cap = 0;
    }
}

/* Some namespace other than <id> with a count, or NS_NONE. */
static uint32_t nc_other(const struct nscount *c, uint32_t id)
{
    if (c->n == 0 || (c->n == 1 && nc_find(c, id)))
        return NS_NONE;
    for (uint32_t i = 0; i < c->cap; i++)
        if (c->slots[2 * i] && c->slots[2 * i] != id + 1)
            return c->slots[2 * i] - 1;
    return NS_NONE;
}

/* --- nodes ----------------------------------------------------------------- */

struct nkey {
    const struct hnode *parent;
    const char *label;
    size_t len;
};

static uint64_t node_hash(const struct hnode *parent, const char *label, size_t len)
{
    return gg_hash_bytes(label, len, gg_hash_u64((uint64_t)(uintptr_t)parent));
}

static bool node_eq(const void *v, const void *k)
{
    const struct hnode *n = v;
    const struct nkey *key = k;
    return n->parent == key->parent && n->len == key->len &&
           memcmp(n->label, key->label, key->len) == 0;
}

static struct hnode *child_find(const struct gg_store *s, const struct hnode *parent,
                                const char *label, size_t len)
{
    struct nkey key = {parent, label, len};
    return gg_hmap_find(&s->hnodes, node_hash(parent, label, len), node_eq, &key);
}

static struct hnode *child_get(struct gg_store *s, struct hnode *parent, const char *label,
                               size_t len)
{
    struct hnode *n = child_find(s, parent, label, len);
    if (n)
        return n;
    n = gg_xcalloc(1, sizeof(*n) + len + 1);
    n->parent = parent;
    memcpy(n->label, label, len);
    n->len = (uint32_t)len;
    n->hash = node_hash(parent, label, len);
    parent->n_children++;
    gg_hmap_put(&s->hnodes, n->hash, n);
    return n;
}

static bool node_is_empty(const struct hnode *n)
{
    return !n->n_children && !n->exact.n && !n->wild.n && !n->below.n;
}

static void node_free(struct hnode *n)
{
    free(n->exact.slots);
    free(n->wild.slots);
    free(n->below.slots);
    free(n);
}

/* Labels of <d> right to left: call with *end = strlen(d) until it returns false. */
static bool next_label(const char *d, size_t *end, const char **label, size_t *len, bool *is_last)
{
    if (*end == SIZE_MAX)
        return false;
    size_t e = *end, start = e;
    while (start > 0 && d[start - 1] != '.')
        start--;
    *label = d + start;
    *len = e - start;
    *is_last = start == 0;
    *end = start == 0 ? SIZE_MAX : start - 1;
    return true;
}

/* --- claims --------------------------------------------------------------- */

void gg_store_hosts_add(struct gg_store *s, struct parent *p, const char *hostname, uint32_t ns)
{
    if (!p->root)
        p->root = gg_xcalloc(1, sizeof(*p->root));
    bool wild = gg_hostname_is_wildcard(hostname);
    const char *d = wild ? hostname + 2 : hostname;
    struct hnode *n = p->root;
    size_t end = strlen(d), len;
    const char *label;
    bool is_last;
    while (next_label(d, &end, &label, &len, &is_last))
        n = child_get(s, n, label, len);
    nc_inc(wild ? &n->wild : &n->exact, ns);
    for (struct hnode *a = n->parent; a; a = a->parent)
        nc_inc(&a->below, ns);
}

void gg_store_hosts_remove(struct gg_store *s, struct parent *p, const char *hostname, uint32_t ns)
{
    if (!p->root)
        return;
    bool wild = gg_hostname_is_wildcard(hostname);
    const char *d = wild ? hostname + 2 : hostname;
    struct hnode *n = p->root;
    size_t end = strlen(d), len;
    const char *label;
    bool is_last;
    while (n && next_label(d, &end, &label, &len, &is_last))
        n = child_find(s, n, label, len);
    if (!n)
        return;
    nc_dec(wild ? &n->wild : &n->exact, ns);
    for (struct hnode *a = n->parent; a; a = a->parent)
        nc_dec(&a->below, ns);
    while (n != p->root && node_is_empty(n)) {
        struct hnode *up = n->parent;
        gg_hmap_remove(&s->hnodes, n->hash, n);
        up->n_children--;
        node_free(n);
        n = up;
    }
}

uint32_t gg_store_hosts_find_other(const struct gg_store *s, const struct parent *p,
                                   const char *hostname, uint32_t ns)
{
    if (!p->root)
        return NS_NONE;
    bool wild = gg_hostname_is_wildcard(hostname);
    const char *d = wild ? hostname + 2 : hostname;
    const struct hnode *n = p->root;
    size_t end = strlen(d), len;
    const char *label;
    bool is_last;
    uint32_t other;
    while (next_label(d, &end, &label, &len, &is_last)) {
        n = child_find(s, n, label, len);
        if (!n)
            return NS_NONE;
        /* `*.n` covers h when n is a proper ancestor of h; for a wildcard
         * `*.d`, any `*.a` on the path up to and including d overlaps */
        if ((!is_last || wild) && (other = nc_other(&n->wild, ns)) != NS_NONE)
            return other;
        if (is_last) {
            const struct nscount *c = wild ? &n->below : &n->exact;
            if ((other = nc_other(c, ns)) != NS_NONE)
                return other;
        }
    }
    return NS_NONE;
}

void gg_store_hosts_free_root(struct gg_store *s, struct parent *p)
{
    (void)s;
    if (p->root)
        node_free(p->root);
    p->root = NULL;
}
