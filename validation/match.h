/* SPDX-License-Identifier: Apache-2.0 */
/* When two route matches are the same match: same path type and value, same
 * method, the same header matches (names compared without case, as HTTP does)
 * and the same query parameter matches, in any order. GRPCRoute matches
 * compare method type, service, method and headers. The spec breaks a tie
 * between two such matches on one listener by creation time, silently, so the
 * rule-conflict check looks them up by gg_match_hash_*. Also the spec's
 * precedence between the matches of routes on one listener. */
#ifndef GG_MATCH_H
#define GG_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct gg_buf;

/* The match a GRPCRoute rule without matches stands for: every request. */
extern const struct gg_grpc_match gg_grpc_match_all;

/* Equal matches hash equal, whatever the order of their header lists. */
uint64_t gg_match_hash_http(const struct gg_http_match *m);
uint64_t gg_match_hash_grpc(const struct gg_grpc_match *m);
bool gg_match_equal_http(const struct gg_http_match *a, const struct gg_http_match *b);
bool gg_match_equal_grpc(const struct gg_grpc_match *a, const struct gg_grpc_match *b);

/* "path PathPrefix \"/api\", method GET, header x-env=\"canary\"" and the like;
 * a NULL grpc match renders as "any method". */
void gg_match_render_http(const struct gg_http_match *m, struct gg_buf *out);
void gg_match_render_grpc(const struct gg_grpc_match *m, struct gg_buf *out);

/* --- precedence ------------------------------------------------------------ */

/* One HTTPRoute match's place in the order of all matches on a listener:
 * what the HTTPRoute spec (HTTPRouteRule "matches") ranks by. Borrowed
 * strings; fill with gg_match_rank_http, or by hand when a caller keeps its
 * own copy of the match. */
struct gg_match_rank {
    uint8_t path_type; /* enum gg_match_type */
    size_t path_len;   /* a PathPrefix's without its trailing slashes */
    bool has_method;
    size_t n_headers, n_query_params;
    int64_t created;       /* the route's, GG_CREATED_UNKNOWN sorts last */
    const char *ns, *name; /* the route's */
    size_t rule_index, match_index;
};

/* The rank of match <match_index> of rule <rule_index> of HTTPRoute <route>
 * (both in range; a defaulted rule's match is its PathPrefix "/"). */
void gg_match_rank_http(const struct gg_object *route, size_t rule_index, size_t match_index,
                        struct gg_match_rank *out);

/* Orders <a> before <b> (negative), after (positive) or not at all (0, the
 * same match of the same route) as the spec does: an Exact path before a
 * PathPrefix, a longer prefix first, a method match first, more header
 * matches first, more query parameter matches first, then the older route,
 * "namespace/name" alphabetically, rule order and match order. Regular
 * expressions, whose place the spec leaves to implementations, come after
 * prefixes, longer patterns first; other types last. A qsort comparator
 * through a one-line wrapper. */
int gg_match_precedence_cmp(const struct gg_match_rank *a, const struct gg_match_rank *b);

/* "Exact", "PathPrefix", "RegularExpression". */
const char *gg_match_type_name(uint8_t type);

#endif
