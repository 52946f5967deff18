/* SPDX-License-Identifier: Apache-2.0 */
/* When two route matches are the same match: same path type and value, same
 * method, the same header matches (names compared without case, as HTTP does)
 * and the same query parameter matches, in any order. GRPCRoute matches
 * compare method type, service, method and headers. The spec breaks a tie
 * between two such matches on one listener by creation time, silently, so the
 * rule-conflict check looks them up by gg_match_hash_*. */
#ifndef GG_MATCH_H
#define GG_MATCH_H

#include <stdbool.h>
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

/* "Exact", "PathPrefix", "RegularExpression". */
const char *gg_match_type_name(uint8_t type);

#endif
