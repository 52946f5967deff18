/* SPDX-License-Identifier: Apache-2.0 */
/* An in-memory view of a cluster: the objects the cross-object checks read,
 * by (kind, namespace, name), with the indexes that keep each check's cost
 * independent of the cluster's size.
 *
 * Design notes
 *
 * Concurrency: a writer-preferring pthread rwlock kept inside store.c
 * (PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP). One writer (the source
 * feeding the store) calls gg_store_put* and gg_store_delete, which take the
 * lock for writing around the index update only (decoding happens before).
 * Readers bracket every read with gg_store_read_begin/gg_store_read_end;
 * everything a read returns is borrowed and valid until read_end.
 *
 * Policy: a waiting writer goes before readers that arrive after it, so the
 * writer is never starved by long readers that overlap (the audit, about
 * 0.23 s at 100k routes, and the proxy's table build) plus the reviews; the
 * price is that a review arriving while a writer waits behind a long reader
 * waits for both, bounded by the longest single read section. Readers
 * therefore never nest read_begin: behind a waiting writer the inner one
 * deadlocks. Immutable snapshots were the alternative; they cost a copy of
 * the indexes per change (or a persistent structure), where the lock costs
 * nothing per change and a review holds it for microseconds.
 *
 * Indexes, each kept exact by put and delete:
 *  1. objects by (kind, namespace, name);
 *  2. per namespace: its Namespace object (labels) and its objects per kind;
 *     namespaces by label key=value;
 *  3. routes by parent (Gateway or ListenerSet named in parentRefs, whether
 *     it exists or not), and ListenerSets by the Gateway they name;
 *  4. hostname claims per parent: a trie of reversed labels counting, per
 *     namespace, the routes naming each exact or wildcard hostname, so
 *     "does another namespace claim an overlapping hostname" is a walk of a
 *     few labels;
 *  5. ReferenceGrants by (target namespace, from kind, from namespace), and
 *     under the same key the objects that make such cross-namespace
 *     references (routes' backendRefs, listeners' certificateRefs);
 *  6. rule matches by (route kind, parent, hostname, match), for identical
 *     matches on one parent;
 *  7. EndpointSlices by (namespace, the Service their
 *     kubernetes.io/service-name label names).
 *
 * Invariants:
 *  1. Every stored object is in exactly the index entries its current
 *     version implies; replacing an object removes the old entries first.
 *  2. A parent record exists while any route or ListenerSet names it; a
 *     Service's slice group while any EndpointSlice names it.
 *  3. Namespace records and their ids live as long as the store.
 *
 * Memory: objects are decoded into one exact block each (model.h); a typical
 * route with its index entries takes about 1 KiB. */
#ifndef GG_STORE_H
#define GG_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct gg_store;

/* A new empty store; free it with gg_store_free (NULL is a no-op). */
struct gg_store *gg_store_new(void);
void gg_store_free(struct gg_store *s);

/* --- writer ------------------------------------------------------------- */

/* Decodes <obj> and stores it, replacing the object with the same kind,
 * namespace and name. <obj> stays the caller's. Returns 0, or -1 when <obj>
 * is not a kind the store keeps (see gg_model_kind_of) or has no name. */
int gg_store_put_json(struct gg_store *s, const json_t *obj);

/* Stores <o> (from gg_model_decode), replacing its namesake; takes <o>. */
void gg_store_put(struct gg_store *s, struct gg_object *o);

/* Removes an object; returns whether it was there. <ns> is ignored for
 * cluster-scoped kinds. */
bool gg_store_delete(struct gg_store *s, enum gg_model_kind kind, const char *ns, const char *name);

/* --- readers: call between read_begin and read_end ------------------------ */

void gg_store_read_begin(const struct gg_store *s);
void gg_store_read_end(const struct gg_store *s);

/* Callbacks return false to stop the walk. */
typedef bool (*gg_store_object_cb)(const struct gg_object *o, void *ctx);
typedef bool (*gg_store_attach_cb)(const struct gg_object *route, size_t parent_index, void *ctx);

/* The object, or NULL. <ns> is ignored for cluster-scoped kinds. */
const struct gg_object *gg_store_find(const struct gg_store *s, enum gg_model_kind kind,
                                      const char *ns, const char *name);

size_t gg_store_count(const struct gg_store *s, enum gg_model_kind kind);
/* Objects of <kind> in namespace <ns>. */
size_t gg_store_count_in(const struct gg_store *s, enum gg_model_kind kind, const char *ns);

/* Every object of <kind>, in no particular order. */
void gg_store_each(const struct gg_store *s, enum gg_model_kind kind, gg_store_object_cb cb,
                   void *ctx);
/* Objects of <kind> in namespace <ns>. */
void gg_store_each_in(const struct gg_store *s, enum gg_model_kind kind, const char *ns,
                      gg_store_object_cb cb, void *ctx);
/* Namespace objects with the label <key>=<value>. */
void gg_store_each_namespace_labeled(const struct gg_store *s, const char *key, const char *value,
                                     gg_store_object_cb cb, void *ctx);

/* Routes with a parentRef to the Gateway or ListenerSet (<kind>, <ns>,
 * <name>), once per such parentRef, with its index. */
void gg_store_each_route_of(const struct gg_store *s, enum gg_model_kind kind, const char *ns,
                            const char *name, gg_store_attach_cb cb, void *ctx);
/* How many parentRefs of routes of <route_kind> name that parent. */
size_t gg_store_count_routes_of(const struct gg_store *s, enum gg_model_kind kind, const char *ns,
                                const char *name, enum gg_model_kind route_kind);
/* ListenerSets whose parentRef names the Gateway <ns>/<name>. */
void gg_store_each_listenerset_of(const struct gg_store *s, const char *ns, const char *name,
                                  gg_store_object_cb cb, void *ctx);

/* EndpointSlices in <ns> whose kubernetes.io/service-name label is
 * <service>, in no particular order. */
void gg_store_each_endpointslice_of(const struct gg_store *s, const char *ns, const char *service,
                                    gg_store_object_cb cb, void *ctx);

/* ReferenceGrants in <target_ns> with a `from` entry of kind <from_kind> in
 * <from_ns> (the group is left to the caller to check). */
void gg_store_each_grant(const struct gg_store *s, const char *target_ns, const char *from_kind,
                         const char *from_ns, gg_store_object_cb cb, void *ctx);
/* Objects of kind <from_kind> in <from_ns> that reference something in
 * <target_ns> (route backendRefs and mirror backendRefs, listener
 * certificateRefs). */
void gg_store_each_referrer(const struct gg_store *s, const char *target_ns, const char *from_kind,
                            const char *from_ns, gg_store_object_cb cb, void *ctx);

/* The namespace, other than <ns>, of some route whose parentRefs name the
 * Gateway or ListenerSet (<kind>, <pns>, <pname>) and whose hostnames
 * overlap <hostname> (gg_hostname_intersects), or NULL. Costs a walk of
 * <hostname>'s labels. */
const char *gg_store_hostname_claimant(const struct gg_store *s, enum gg_model_kind kind,
                                       const char *pns, const char *pname, const char *hostname,
                                       const char *ns);

/* --- the rule-match index ------------------------------------------------ */

#define GG_STORE_NO_HOST UINT16_MAX
/* Entries past this many per route are not indexed (a hostile route). */
#define GG_STORE_MAX_MATCH_ENTRIES 8192

/* The index key of one match of a route of <route_kind> on the parent
 * (<pkind>, <pns>, <pname>) under <hostname> (NULL: the route has none);
 * <match_hash> is gg_match_hash_http or gg_match_hash_grpc. */
uint64_t gg_store_match_key(enum gg_model_kind route_kind, enum gg_model_kind pkind,
                            const char *pns, const char *pname, const char *hostname,
                            uint64_t match_hash);

struct gg_store_match {
    const struct gg_object *route;
    uint16_t parent, host, rule, match; /* host GG_STORE_NO_HOST: the route has none */
};
typedef bool (*gg_store_match_cb)(const struct gg_store_match *m, void *ctx);

/* Every indexed match whose key is <key>; the caller compares the matches
 * themselves, since different matches may share a key. */
void gg_store_each_match(const struct gg_store *s, uint64_t key, gg_store_match_cb cb, void *ctx);

/* The namespace a parentRef <ref> of an object in <ns> points into. */
static inline const char *gg_ref_ns(const struct gg_ref *ref, const char *ns)
{
    return ref->ns ? ref->ns : ns;
}

/* Whether <ref> names a parent the store indexes (a Gateway or ListenerSet of
 * gateway.networking.k8s.io), and which. */
bool gg_store_parent_kind(const struct gg_ref *ref, enum gg_model_kind *kind);

#endif
