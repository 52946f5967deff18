/* SPDX-License-Identifier: Apache-2.0 */
/* The store's internals, shared by store.c (objects, namespaces, parents,
 * grants, labels), store_hosts.c (the hostname claim tries) and store_match.c
 * (the rule-match index). Nothing outside those files includes this. */
#ifndef GG_STORE_INTERNAL_H
#define GG_STORE_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include "hmap.h"
#include "model.h"
#include "store.h"

#define NS_NONE UINT32_MAX

struct rec;
struct hnode;

/* A namespace the store has seen (by an object in it or a Namespace object).
 * Records live as long as the store: their ids are kept in the tries. */
struct nsrec {
    const char *name; /* points at name_buf */
    uint32_t id;
    const struct gg_object *ns_obj;  /* borrowed from its rec; NULL when not stored */
    struct rec *head[GG_KIND_COUNT]; /* objects in this namespace, per kind */
    uint32_t count[GG_KIND_COUNT];
    char name_buf[]; /* inline, so a lookup reads one block */
};

/* A Gateway or ListenerSet as routes name it, whether or not it is stored. */
struct parent {
    enum gg_model_kind kind;
    char *ns, *name; /* owned */
    uint64_t hash;
    struct attach *routes; /* routes whose parentRefs name it */
    uint32_t n_routes;
    uint32_t n_grpc_routes;   /* of those, GRPCRoute parentRefs */
    struct rec *listenersets; /* for Gateways: ListenerSets whose parentRef names it */
    uint32_t n_listenersets;
    struct hnode *root; /* hostname claims of its routes; NULL when none */
};

/* The EndpointSlices labelled with one Service, whether or not it is stored. */
struct slice_group {
    char *ns, *service; /* owned */
    uint64_t hash;
    struct rec *slices;
    uint32_t n_slices;
};

/* One parentRef of a stored route, linked into its parent's list. */
struct attach {
    struct attach *prev, *next;
    struct rec *route;
    struct parent *parent;
    uint16_t index; /* into spec.parentRefs */
};

/* (target namespace, from kind, from namespace): the grants that could allow
 * the references, and the objects that make such references. */
struct xns {
    char *key;                                   /* owned: "target\0kind\0from" */
    const char *target_ns, *from_kind, *from_ns; /* into key */
    uint64_t hash;
    struct xlink *grants, *referrers;
};

struct xlink {
    struct xlink *prev, *next;
    struct rec *rec;
    struct xns *x;
};

struct label_rec {
    char *key, *value; /* owned */
    uint64_t hash;
    struct label_link *head;
};

struct label_link {
    struct label_link *prev, *next;
    struct nsrec *ns;
    struct label_rec *lr;
};

struct match_entry {
    uint64_t key;
    struct match_entry *next; /* the next entry with the same key */
    struct rec *route;
    uint16_t parent, host, rule, match; /* host GG_STORE_NO_HOST: the route has none */
};

/* One stored object and what links it into the indexes. */
struct rec {
    struct gg_object *obj; /* owned */
    uint64_t hash;         /* of (kind, ns, name) */
    struct nsrec *nsr;     /* NULL for cluster-scoped kinds */
    struct rec *ns_prev, *ns_next;
    /* ListenerSets: in their parent's list; EndpointSlices: in their
     * Service's list */
    struct rec *ls_prev, *ls_next;
    union {
        struct parent *ls_parent;     /* ListenerSets: the Gateway named, or NULL */
        struct slice_group *es_group; /* EndpointSlices: their Service's, or NULL */
    };
    struct attach *attach;       /* routes: owned array */
    struct xlink *xlinks;        /* grants and referrers: owned array */
    struct label_link *labels;   /* Namespaces: owned array */
    struct match_entry *matches; /* routes: owned array */
    uint32_t n_matches;
    uint16_t n_attach, n_xlinks, n_labels;
};

struct gg_store {
    pthread_rwlock_t lock;
    struct gg_hmap objects;    /* rec by (kind, ns, name) */
    struct gg_hmap namespaces; /* nsrec by name */
    struct nsrec **ns_by_id;
    uint32_t n_ns, cap_ns;
    struct gg_hmap parents; /* parent by (kind, ns, name) */
    struct gg_hmap xns;     /* xns by its three names */
    struct gg_hmap labels;  /* label_rec by key=value */
    struct gg_hmap hnodes;  /* trie nodes by (parent node, label) */
    struct gg_hmap matches; /* first match_entry by key */
    struct gg_hmap slices;  /* slice_group by (namespace, Service name) */
    size_t count[GG_KIND_COUNT];
};

uint64_t gg_store_key_hash(enum gg_model_kind kind, const char *ns, const char *name);

/* store_hosts.c */
void gg_store_hosts_add(struct gg_store *s, struct parent *p, const char *hostname, uint32_t ns);
void gg_store_hosts_remove(struct gg_store *s, struct parent *p, const char *hostname, uint32_t ns);
uint32_t gg_store_hosts_find_other(const struct gg_store *s, const struct parent *p,
                                   const char *hostname, uint32_t ns);
void gg_store_hosts_free_root(struct gg_store *s, struct parent *p);

/* store_match.c */
void gg_store_matches_index(struct gg_store *s, struct rec *r);
void gg_store_matches_unindex(struct gg_store *s, struct rec *r);

#endif
