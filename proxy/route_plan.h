/* SPDX-License-Identifier: Apache-2.0 */
/* What to do with one request: the HTTPRoute semantics of the Gateway API,
 * as pure functions of a routing table and a parsed request head. The
 * listener is chosen by hostname (the most specific matching listener), the
 * route by the spec's precedence (GEP-1722 and the HTTPRouteRule docs), the
 * backend by smooth weighted round-robin, and the filters turn into a plan
 * the data plane executes without knowing the Gateway API: answer locally
 * (404, 500, a redirect, a CORS preflight) or forward to one endpoint with
 * these headers, this Host and this target.
 *
 * Per-worker state (gg_plan_state) holds what matching mutates: balancer
 * weights, the mirror sampler, PCRE2 match data. One per worker per table;
 * it is never shared between threads. */
#ifndef GG_ROUTE_PLAN_H
#define GG_ROUTE_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "proxy/http1.h"

struct gg_arena;
struct gg_route_table;
struct gg_table_frontend;

struct gg_plan_request {
    const struct gg_table_frontend *frontend; /* gg_route_table_find_frontend */
    struct gg_str method, path, query, host;  /* as in gg_http1_request */
    const struct gg_http1_header *headers;
    size_t n_headers;
    bool is_tls;
};

enum gg_plan_action {
    GG_PLAN_RESPOND, /* answer <status> here */
    GG_PLAN_FORWARD, /* send to <endpoint> */
};

/* Header edits in the spec's order: remove, then set (replacing every field
 * of that name, or adding one), then add. Names compare without case. */
struct gg_header_edits {
    const struct gg_http1_header *set, *add;
    const struct gg_str *remove;
    size_t n_set, n_add, n_remove;
};

struct gg_plan_endpoint {
    struct sockaddr_storage addr;
    socklen_t addr_len;
};

/* A copy of the request for a RequestMirror filter: sent, never awaited. */
struct gg_plan_mirror {
    const struct gg_plan_endpoint *endpoint;
};

struct gg_plan {
    uint8_t action;         /* enum gg_plan_action */
    int status;             /* RESPOND: 404, 500, 503, 3xx, 200/204 (CORS preflight) */
    const char *body;       /* RESPOND: a short text body, static; NULL for none */
    struct gg_str location; /* RESPOND with a redirect status */

    const struct gg_plan_endpoint *endpoint; /* FORWARD */
    struct gg_str host;   /* FORWARD: the Host to send (passed through unless rewritten) */
    struct gg_str target; /* FORWARD: the request-target to send, path[?query] */
    /* FORWARD: the client's header fields with RequestHeaderModifier applied
     * (the rule's, then the backendRef's). Hop-by-hop fields, Host and the
     * framing fields are the data plane's to drop and add. */
    const struct gg_http1_header *headers;
    size_t n_headers;
    struct gg_header_edits response_edits; /* ResponseHeaderModifier, for the upstream's answer */
    const struct gg_plan_mirror *mirrors;
    size_t n_mirrors;
    uint32_t request_timeout_ms; /* timeouts.request; 0: none */
    uint32_t backend_timeout_ms; /* timeouts.backendRequest; 0: none */

    /* Fields added to the answer whatever its source (CORS). */
    const struct gg_http1_header *response_extra;
    size_t n_response_extra;

    const char *route; /* "ns/name" of the matched HTTPRoute, NULL when none matched */
    int rule;          /* its rule index, -1 when none matched */
};

struct gg_plan_state;

/* State for one worker serving <t>; free it before dropping <t>. */
struct gg_plan_state *gg_plan_state_new(const struct gg_route_table *t);
void gg_plan_state_free(struct gg_plan_state *st);

/* Decides what to do with <req> under <t>. Everything <out> points to lives
 * in <a> or in <t>. Never fails: no match is a 404 plan. */
void gg_plan_make(const struct gg_route_table *t, struct gg_plan_state *st,
                  const struct gg_plan_request *req, struct gg_arena *a, struct gg_plan *out);

/* Applies <e> to the fields <in>; the result lives in <a>. */
void gg_header_edits_apply(const struct gg_header_edits *e, const struct gg_http1_header *in,
                           size_t n, struct gg_arena *a, const struct gg_http1_header **out,
                           size_t *n_out);

#endif
