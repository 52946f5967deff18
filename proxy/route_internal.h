/* SPDX-License-Identifier: Apache-2.0 */
/* The routing table's insides, shared by the builder (route_build.c) and the
 * planner (route_plan.c) only. Everything hangs off one arena the table owns;
 * compiled regular expressions and the hash maps are freed with it.
 *
 * Shape: frontend (address, port) -> listener (by listener hostname, the most
 * specific wins) -> vhost (by the effective hostname, the intersection of the
 * listener's and the route's) -> matches, sorted by the spec's precedence,
 * each pointing at its rule -> backends. */
#ifndef GG_ROUTE_INTERNAL_H
#define GG_ROUTE_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdatomic.h>

#include "proxy/route_plan.h"
#include "proxy/route_table.h"
#include "validation/arena.h"
#include "validation/hmap.h"

enum rt_path_mod { RT_PATH_KEEP, RT_PATH_FULL, RT_PATH_PREFIX };

struct rt_redirect {
    const char *scheme;   /* NULL: the request's */
    const char *hostname; /* NULL: the request's */
    int port;             /* 0: derived as the spec says */
    int status;           /* 301, 302, 303, 307, 308 */
    uint8_t path_mod;     /* enum rt_path_mod */
    const char *path;
};

struct rt_rewrite {
    const char *hostname; /* NULL: keep */
    uint8_t path_mod;
    const char *path;
};

struct rt_endpoints {
    const struct gg_plan_endpoint *v; /* ready endpoints */
    size_t n;
};

struct rt_mirror {
    struct rt_endpoints eps;
    uint32_t numerator, denominator; /* sampled: numerator out of denominator */
    uint32_t rr_slot;
};

struct rt_backend {
    const char *name; /* "ns/service:port", for logs */
    uint32_t weight;
    int status; /* 0: servable; else the answer when chosen (500: invalid ref) */
    struct rt_endpoints eps;
    struct gg_header_edits req_edits, resp_edits;
    uint32_t rr_slot; /* per-worker round-robin counter over <eps> */
};

struct rt_cors {
    const char *const *origins; /* "*" allowed; exact, or a scheme with a wildcard host */
    const char *methods, *headers, *expose; /* joined with ", "; NULL: none */
    size_t n_origins;
    long max_age; /* seconds; -1: absent */
    bool allow_credentials;
};

struct rt_rule {
    const char *route; /* "ns/name" */
    int index;
    int status; /* 0: servable; 500 when a filter cannot be honoured */
    struct gg_header_edits req_edits, resp_edits;
    const struct rt_redirect *redirect;
    const struct rt_rewrite *rewrite;
    const struct rt_cors *cors;
    const struct rt_mirror *mirrors;
    size_t n_mirrors;
    const struct rt_backend *backends;
    size_t n_backends;
    uint64_t total_weight;
    uint32_t wrr_slot; /* n_backends per-worker current weights start here */
    uint32_t request_timeout_ms, backend_timeout_ms;
};

struct rt_kv {
    const char *name, *value;
    size_t value_len;
    pcre2_code *re; /* RegularExpression; owned by the table */
    uint8_t type;   /* enum gg_match_type */
};

struct rt_match {
    const struct rt_rule *rule;
    const char *path;
    size_t path_len; /* PathPrefix: without a trailing '/', "" for "/" */
    pcre2_code *path_re;
    const char *method; /* NULL: any */
    const struct rt_kv *headers, *query;
    size_t n_headers, n_query;
    uint8_t path_type; /* enum gg_match_type */
    /* for the precedence sort */
    int64_t created;
    const char *route_ns, *route_name;
    int rule_index, match_index;
};

struct rt_vhost {
    const char *hostname; /* exact, "*.suffix", or NULL: any */
    const struct rt_match *matches;
    size_t n_matches;
};

/* Hostname-keyed lookups: exact names, and wildcards by the suffix after
 * "*." (the longest matching suffix wins), and a catch-all. Keys are
 * lowercase. */
struct rt_hostmap {
    struct gg_hmap exact, wild; /* values: struct rt_host_entry */
    const void *any;
};

struct rt_host_entry {
    const char *key; /* the name, or the wildcard's suffix */
    size_t key_len;
    const void *val;
};

struct rt_listener {
    const char *hostname; /* NULL: any */
    struct rt_hostmap vhosts;
};

struct rt_frontend {
    struct gg_table_frontend pub;
    struct rt_hostmap listeners;
};

struct gg_route_table {
    atomic_int refs;
    uint64_t generation;
    struct gg_arena arena;
    struct rt_frontend *frontends;
    size_t n_frontends;
    size_t n_routes;
    uint32_t n_slots; /* per-worker counters: balancer weights, round-robin, mirrors */
    pcre2_code **regexes;
    size_t n_regexes;
    struct gg_hmap **maps; /* every hmap to clear */
    size_t n_maps;
    void *attachment;
    void (*attachment_free)(void *data);
};

/* Whether request path <path> matches match <m> (PCRE2 data from <md>). */
bool gg_rt_path_matches(const struct rt_match *m, struct gg_str path, pcre2_match_data *md);

#endif
