/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by validation/cel*.c only: CEL's three-valued booleans (true, false, runtime error),
 * field selection on the defaulted JSON as kube-apiserver's CEL sees it, and the declarations of
 * the rule predicates that cel.c's table points at. Helpers here are static and unprefixed like
 * file-local ones, so nothing outside those files may include this header. */
#ifndef GG_CEL_INTERNAL_H
#define GG_CEL_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cel.h"

/* The value of a boolean CEL sub-expression. A runtime error carries its text as two string
 * literals joined when rendered ("no such key: " "mode"), so no sub-expression allocates or
 * formats; only the error that reaches the top is written out, by cel_result().
 *
 * CEL's logical operators absorb errors commutatively: `false && error` and `error && false`
 * are false, `true || error` is true, otherwise the leftmost error wins. The comprehension
 * macros differ in which error they keep (see cel_all_step and cel_count_step). */
enum cel_kind { CEL_FALSE, CEL_TRUE, CEL_ERROR };

struct cel_bool {
    enum cel_kind kind;
    const char *err;     /* CEL_ERROR: static text, e.g. "no such key: " */
    const char *err_arg; /* CEL_ERROR: static text appended to err, e.g. a field name */
};

#define CEL_ERR_NO_SUCH_KEY "no such key: "
#define CEL_ERR_NO_OVERLOAD "no such overload"

static inline struct cel_bool cel_of(bool b)
{
    return (struct cel_bool){b ? CEL_TRUE : CEL_FALSE, NULL, NULL};
}

static inline struct cel_bool cel_error(const char *err, const char *arg)
{
    return (struct cel_bool){CEL_ERROR, err, arg};
}

static inline struct cel_bool cel_no_such_key(const char *key)
{
    return cel_error(CEL_ERR_NO_SUCH_KEY, key);
}

/* A value the schema validator would have refused (a field of the wrong type). CEL is never run
 * on such objects upstream, so the text only has to be an error, not a particular one. */
static inline struct cel_bool cel_no_overload(void)
{
    return cel_error(CEL_ERR_NO_OVERLOAD, "");
}

static inline bool cel_is_error(struct cel_bool v)
{
    return v.kind == CEL_ERROR;
}

static inline struct cel_bool cel_and(struct cel_bool a, struct cel_bool b)
{
    if (a.kind == CEL_FALSE || b.kind == CEL_FALSE)
        return cel_of(false);
    if (cel_is_error(a))
        return a;
    return b;
}

static inline struct cel_bool cel_or(struct cel_bool a, struct cel_bool b)
{
    if (a.kind == CEL_TRUE || b.kind == CEL_TRUE)
        return cel_of(true);
    if (cel_is_error(a))
        return a;
    return b;
}

static inline struct cel_bool cel_not(struct cel_bool a)
{
    if (cel_is_error(a))
        return a;
    return cel_of(a.kind == CEL_FALSE);
}

/* `c ? t : f`: an error in the condition is the result. Both branches are plain values here, so
 * computing the unused one is harmless (every accessor tolerates absent nodes). */
static inline struct cel_bool cel_cond(struct cel_bool c, struct cel_bool t, struct cel_bool f)
{
    if (cel_is_error(c))
        return c;
    return c.kind == CEL_TRUE ? t : f;
}

/* One step of `list.all(x, p)`, which folds `acc && p` and stops once acc is false: the result is
 * false if any p is, else the first error, else true. Returns whether to go on. */
static inline bool cel_all_step(struct cel_bool *acc, struct cel_bool p)
{
    *acc = cel_and(*acc, p);
    return acc->kind != CEL_FALSE;
}

/* One step of `list.exists(x, p)`, which folds `acc || p` and stops once acc is true. */
static inline bool cel_exists_step(struct cel_bool *acc, struct cel_bool p)
{
    *acc = cel_or(*acc, p);
    return acc->kind != CEL_TRUE;
}

/* `exists_one` and `filter` fold `p ? acc + 1 : acc` over every element. An error in p becomes
 * the accumulator, and a later erroring p replaces it (the ternary returns its condition's
 * error), so unlike all/exists these keep the *last* error. */
struct cel_count {
    struct cel_bool err; /* CEL_ERROR once any p failed, else CEL_TRUE */
    size_t n;
};

#define CEL_COUNT_INIT ((struct cel_count){{CEL_TRUE, NULL, NULL}, 0})

static inline void cel_count_step(struct cel_count *acc, struct cel_bool p)
{
    if (cel_is_error(p))
        acc->err = p;
    else if (p.kind == CEL_TRUE && !cel_is_error(acc->err))
        acc->n++;
}

/* `self.exists_one(...)`: exactly one. */
static inline struct cel_bool cel_count_is_one(struct cel_count c)
{
    return cel_is_error(c.err) ? c.err : cel_of(c.n == 1);
}

/* The field <key> of <obj>, or NULL when it is absent. A JSON null counts as absent: the
 * apiserver prunes nulls of non-nullable fields (no Gateway API field is nullable) before
 * defaulting, so CEL never sees one. A non-object <obj> has no fields; the schema validator
 * rejects such objects before CEL would run. */
/* Field lookups repeat: the fourteen filter rules each read the same filter's `type`, the
 * eleven path rules the same `type` and `value`. Between gg_cel_begin and gg_cel_end a small
 * per-thread cache answers a repeated (object, key) without hashing the key again; objects are
 * neither changed nor freed while CEL runs, and every begin starts a new generation, so an
 * entry never outlives the evaluation it was made in. Keys are string literals: equal keys at
 * different addresses only miss. */
struct cel_cache_entry {
    const json_t *obj;
    const char *key;
    const json_t *val;
    unsigned gen;
};

#define CEL_CACHE_SIZE 64
extern _Thread_local struct cel_cache_entry gg_cel_cache[CEL_CACHE_SIZE];
extern _Thread_local unsigned gg_cel_cache_gen; /* 0: not caching */

static inline const json_t *cel_get(const json_t *obj, const char *key)
{
    const json_t *v;

    if (!json_is_object(obj))
        return NULL;
    if (gg_cel_cache_gen) {
        uintptr_t h = ((uintptr_t)obj >> 4) ^ ((uintptr_t)key >> 2) ^ ((uintptr_t)obj >> 10);
        struct cel_cache_entry *e = &gg_cel_cache[h & (CEL_CACHE_SIZE - 1)];
        if (e->gen == gg_cel_cache_gen && e->obj == obj && e->key == key)
            return e->val;
        v = json_object_get(obj, key);
        v = json_is_null(v) ? NULL : v;
        *e = (struct cel_cache_entry){obj, key, v, gg_cel_cache_gen};
        return v;
    }
    v = json_object_get(obj, key);
    return json_is_null(v) ? NULL : v;
}

/* has(obj.key) */
static inline bool cel_has(const json_t *obj, const char *key)
{
    return cel_get(obj, key) != NULL;
}

/* CEL `==` on two present values: heterogeneous, so values of different types are unequal
 * rather than an error; int and double compare numerically. */
static inline bool cel_json_eq(const json_t *a, const json_t *b)
{
    if (json_is_number(a) && json_is_number(b)) {
        if (json_is_integer(a) && json_is_integer(b))
            return json_integer_value(a) == json_integer_value(b);
        return json_number_value(a) == json_number_value(b);
    }
    return json_equal(a, b);
}

/* `obj.key == 'lit'`; "no such key" when the field is absent. */
static inline struct cel_bool cel_str_eq(const json_t *obj, const char *key, const char *lit)
{
    const json_t *v = cel_get(obj, key);

    if (!v)
        return cel_no_such_key(key);
    return cel_of(json_is_string(v) && json_string_length(v) == strlen(lit) &&
                  memcmp(json_string_value(v), lit, strlen(lit)) == 0);
}

/* `a.key == b.key`; the left operand's error first, as CEL evaluates it. */
static inline struct cel_bool cel_field_eq(const json_t *a, const json_t *b, const char *key)
{
    const json_t *va = cel_get(a, key), *vb = cel_get(b, key);

    if (!va || !vb)
        return cel_no_such_key(key);
    return cel_of(cel_json_eq(va, vb));
}

/* Writes an error's text into <err> and maps the value onto the predicate result. */
static inline enum gg_cel_result cel_result(struct cel_bool v, char *err, size_t errlen)
{
    if (v.kind == CEL_ERROR) {
        if (err && errlen > 0)
            snprintf(err, errlen, "%s%s", v.err, v.err_arg ? v.err_arg : "");
        return GG_CEL_ERROR;
    }
    return v.kind == CEL_TRUE ? GG_CEL_PASS : GG_CEL_FAIL;
}

/* The rule predicates, all of type gg_cel_fn; the macro names their parameters <self>, <old>,
 * <err> and <errlen> for the definitions too. The table in cel.c says which CRD rule each one
 * implements and where the CRDs carry it. */
#define GG_CEL_PREDICATE(name)                                                                     \
    enum gg_cel_result name(const json_t *self, const json_t *old, char *err, size_t errlen)

/* cel_route.c: HTTPRoute and GRPCRoute, and the route rules TLSRoute, TCPRoute and UDPRoute share
 */
GG_CEL_PREDICATE(gg_cel_route_parent_refs_section_name_specified);
GG_CEL_PREDICATE(gg_cel_route_parent_refs_section_name_unique);
GG_CEL_PREDICATE(gg_cel_httproute_rules_match_total);
GG_CEL_PREDICATE(gg_cel_grpcroute_rules_match_total);
GG_CEL_PREDICATE(gg_cel_httproute_rule_redirect_without_backends);
GG_CEL_PREDICATE(gg_cel_httproute_rule_redirect_prefix_match);
GG_CEL_PREDICATE(gg_cel_httproute_rule_rewrite_prefix_match);
GG_CEL_PREDICATE(gg_cel_httproute_rule_backend_redirect_prefix_match);
GG_CEL_PREDICATE(gg_cel_httproute_rule_backend_rewrite_prefix_match);
GG_CEL_PREDICATE(gg_cel_route_backend_ref_service_port);
GG_CEL_PREDICATE(gg_cel_httproute_filters_redirect_or_rewrite);
GG_CEL_PREDICATE(gg_cel_httproute_filters_cors_once);
GG_CEL_PREDICATE(gg_cel_route_filters_request_header_modifier_once);
GG_CEL_PREDICATE(gg_cel_route_filters_response_header_modifier_once);
GG_CEL_PREDICATE(gg_cel_httproute_filters_request_redirect_once);
GG_CEL_PREDICATE(gg_cel_httproute_filters_url_rewrite_once);
GG_CEL_PREDICATE(gg_cel_httproute_filter_cors_nil);
GG_CEL_PREDICATE(gg_cel_httproute_filter_cors_specified);
GG_CEL_PREDICATE(gg_cel_route_filter_request_header_modifier_nil);
GG_CEL_PREDICATE(gg_cel_route_filter_request_header_modifier_specified);
GG_CEL_PREDICATE(gg_cel_route_filter_response_header_modifier_nil);
GG_CEL_PREDICATE(gg_cel_route_filter_response_header_modifier_specified);
GG_CEL_PREDICATE(gg_cel_route_filter_request_mirror_nil);
GG_CEL_PREDICATE(gg_cel_route_filter_request_mirror_specified);
GG_CEL_PREDICATE(gg_cel_httproute_filter_request_redirect_nil);
GG_CEL_PREDICATE(gg_cel_httproute_filter_request_redirect_specified);
GG_CEL_PREDICATE(gg_cel_httproute_filter_url_rewrite_nil);
GG_CEL_PREDICATE(gg_cel_httproute_filter_url_rewrite_specified);
GG_CEL_PREDICATE(gg_cel_route_filter_extension_ref_nil);
GG_CEL_PREDICATE(gg_cel_route_filter_extension_ref_specified);
GG_CEL_PREDICATE(gg_cel_httproute_cors_wildcard_alone);
GG_CEL_PREDICATE(gg_cel_route_request_mirror_percent_or_fraction);
GG_CEL_PREDICATE(gg_cel_route_request_mirror_fraction);
GG_CEL_PREDICATE(gg_cel_httproute_path_modifier_full_path_specified);
GG_CEL_PREDICATE(gg_cel_httproute_path_modifier_full_path_type);
GG_CEL_PREDICATE(gg_cel_httproute_path_modifier_prefix_match_specified);
GG_CEL_PREDICATE(gg_cel_httproute_path_modifier_prefix_match_type);
GG_CEL_PREDICATE(gg_cel_httproute_path_match_absolute);
GG_CEL_PREDICATE(gg_cel_httproute_path_match_no_double_slash);
GG_CEL_PREDICATE(gg_cel_httproute_path_match_no_dot_segment);
GG_CEL_PREDICATE(gg_cel_httproute_path_match_no_dot_dot_segment);
GG_CEL_PREDICATE(gg_cel_httproute_path_match_no_encoded_slash_lower);
GG_CEL_PREDICATE(gg_cel_httproute_path_match_no_encoded_slash_upper);
GG_CEL_PREDICATE(gg_cel_httproute_path_match_no_fragment);
GG_CEL_PREDICATE(gg_cel_httproute_path_match_no_dot_dot_suffix);
GG_CEL_PREDICATE(gg_cel_httproute_path_match_no_dot_suffix);
GG_CEL_PREDICATE(gg_cel_httproute_path_match_type);
GG_CEL_PREDICATE(gg_cel_httproute_path_match_characters);
GG_CEL_PREDICATE(gg_cel_httproute_timeouts);
GG_CEL_PREDICATE(gg_cel_grpcroute_method_service_or_method);
GG_CEL_PREDICATE(gg_cel_grpcroute_method_service_characters);
GG_CEL_PREDICATE(gg_cel_grpcroute_method_method_characters);

/* cel_gateway.c: Gateway, ListenerSet, GatewayClass */
GG_CEL_PREDICATE(gg_cel_gateway_addresses_ip_unique);
GG_CEL_PREDICATE(gg_cel_gateway_addresses_hostname_unique);
GG_CEL_PREDICATE(gg_cel_gateway_address_hostname);
GG_CEL_PREDICATE(gg_cel_gateway_status_address_hostname);
GG_CEL_PREDICATE(gg_cel_gateway_infrastructure_key_form);
GG_CEL_PREDICATE(gg_cel_gateway_infrastructure_key_prefix_length);
GG_CEL_PREDICATE(gg_cel_listeners_tls_forbidden);
GG_CEL_PREDICATE(gg_cel_listeners_https_terminate);
GG_CEL_PREDICATE(gg_cel_listeners_tls_mode_set);
GG_CEL_PREDICATE(gg_cel_listeners_hostname_forbidden);
GG_CEL_PREDICATE(gg_cel_listeners_name_unique);
GG_CEL_PREDICATE(gg_cel_gateway_listeners_port_protocol_hostname_unique);
GG_CEL_PREDICATE(gg_cel_listenerset_listeners_port_protocol_hostname_unique);
GG_CEL_PREDICATE(gg_cel_listener_tls_certificates);
GG_CEL_PREDICATE(gg_cel_gateway_tls_per_port_unique);
GG_CEL_PREDICATE(gg_cel_gatewayclass_controller_name_immutable);

/* cel_l4.c: TLSRoute */
GG_CEL_PREDICATE(gg_cel_tlsroute_hostnames_not_ip);
GG_CEL_PREDICATE(gg_cel_tlsroute_hostnames_rfc1123);
GG_CEL_PREDICATE(gg_cel_tlsroute_hostnames_wildcard);

/* cel_policy.c: BackendTLSPolicy */
GG_CEL_PREDICATE(gg_cel_backendtlspolicy_target_refs_section_name_specified);
GG_CEL_PREDICATE(gg_cel_backendtlspolicy_target_refs_section_name_unique);
GG_CEL_PREDICATE(gg_cel_backendtlspolicy_validation_ca_exclusive);
GG_CEL_PREDICATE(gg_cel_backendtlspolicy_validation_ca_required);
GG_CEL_PREDICATE(gg_cel_backendtlspolicy_san_hostname_required);
GG_CEL_PREDICATE(gg_cel_backendtlspolicy_san_hostname_forbidden);
GG_CEL_PREDICATE(gg_cel_backendtlspolicy_san_uri_required);
GG_CEL_PREDICATE(gg_cel_backendtlspolicy_san_uri_forbidden);

#endif
