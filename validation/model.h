/* SPDX-License-Identifier: Apache-2.0 */
/* Typed views of the objects the cross-object checks, the proxy and status
 * read: Namespace, GatewayClass, Gateway, ListenerSet, HTTPRoute, GRPCRoute,
 * ReferenceGrant, Service, Secret and EndpointSlice. Decoded from jansson
 * objects that single-object validation has already defaulted; decoding fills
 * the few defaults the checks depend on itself (parentRef group/kind,
 * backendRef group/kind, path matches, allowedRoutes, TLS mode), so a raw
 * object reads the same. Wrong types never crash: a field of the wrong type
 * reads as absent, and list items keep their positions so field paths stay
 * right. Unknown fields are ignored.
 *
 * Ownership: an object and everything it points to live in one allocation
 * (gg_model_decode) or in the caller's arena (gg_model_decode_in). Strings
 * point into that block or at static defaults; nothing is shared with the
 * jansson input, which the caller may free right after decoding. */
#ifndef GG_MODEL_H
#define GG_MODEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct gg_arena;

#define GG_GROUP "gateway.networking.k8s.io"

/* The order is the store's iteration and the audit's report order. */
#define GG_KIND_MAP(X)                                                                             \
    X(NAMESPACE, "", "Namespace", false)                                                           \
    X(GATEWAYCLASS, GG_GROUP, "GatewayClass", false)                                               \
    X(GATEWAY, GG_GROUP, "Gateway", true)                                                          \
    X(LISTENERSET, GG_GROUP, "ListenerSet", true)                                                  \
    X(HTTPROUTE, GG_GROUP, "HTTPRoute", true)                                                      \
    X(GRPCROUTE, GG_GROUP, "GRPCRoute", true)                                                      \
    X(REFERENCEGRANT, GG_GROUP, "ReferenceGrant", true)                                            \
    X(SERVICE, "", "Service", true)                                                                \
    X(SECRET, "", "Secret", true)                                                                  \
    X(ENDPOINTSLICE, "discovery.k8s.io", "EndpointSlice", true)

enum gg_model_kind {
#define GG_X(e, group, kind, namespaced) GG_KIND_##e,
    GG_KIND_MAP(GG_X)
#undef GG_X
        GG_KIND_COUNT
};

/* metadata.creationTimestamp when absent (an object being created): it sorts
 * after every object that has one. */
#define GG_CREATED_UNKNOWN INT64_MAX

struct gg_label {
    const char *key, *value;
};

enum gg_selector_op {
    GG_SELECTOR_IN,
    GG_SELECTOR_NOT_IN,
    GG_SELECTOR_EXISTS,
    GG_SELECTOR_DOES_NOT_EXIST,
    GG_SELECTOR_INVALID, /* an operator LabelSelectorAsSelector refuses */
};

struct gg_selector_req {
    const char *key;
    const char *const *values;
    uint16_t n_values;
    uint8_t op; /* enum gg_selector_op */
};

/* A metav1.LabelSelector. An empty but present selector matches everything. */
struct gg_selector {
    const struct gg_label *match_labels;
    const struct gg_selector_req *exprs;
    uint16_t n_match_labels, n_exprs;
    bool is_set; /* false when the selector is absent */
};

/* A reference to another object: a parentRef, backendRef or certificateRef,
 * with the CRD defaults for group and kind filled in. */
struct gg_ref {
    const char *group;
    const char *kind;
    const char *ns;           /* NULL: the referring object's namespace */
    const char *name;         /* NULL when the reference is malformed */
    const char *section_name; /* parentRefs only; NULL when absent */
    int32_t port;             /* 0 when absent */
};

enum gg_allowed_from { GG_FROM_SAME, GG_FROM_ALL, GG_FROM_SELECTOR, GG_FROM_NONE, GG_FROM_INVALID };
enum gg_tls_mode { GG_TLS_ABSENT, GG_TLS_TERMINATE, GG_TLS_PASSTHROUGH, GG_TLS_OTHER };

struct gg_group_kind {
    const char *group, *kind;
};

/* A Gateway or ListenerSet listener. */
struct gg_listener {
    const char *name;
    const char *hostname; /* NULL: any hostname */
    const char *protocol;
    const struct gg_ref *certificate_refs;
    const struct gg_group_kind *kinds; /* allowedRoutes.kinds; none: by protocol */
    struct gg_selector selector;       /* allowedRoutes.namespaces.selector */
    int32_t port;
    uint16_t n_certificate_refs, n_kinds;
    uint8_t tls_mode; /* enum gg_tls_mode */
    uint8_t from;     /* enum gg_allowed_from; Same when absent */
    bool has_tls_options;
};

struct gg_gateway_address {
    const char *type; /* "IPAddress" when absent (the CRD default) */
    const char *value;
};

struct gg_gateway {
    const char *gateway_class_name;
    const struct gg_listener *listeners;
    struct gg_selector allowed_listeners_selector;
    uint16_t n_listeners;
    uint8_t allowed_listeners_from; /* None when absent */
    uint16_t n_addresses;
    const struct gg_gateway_address *addresses; /* spec.addresses */
    /* spec.infrastructure.parametersRef; NULL when absent */
    const struct gg_local_ref *infra_parameters_ref;
};

struct gg_listenerset {
    struct gg_ref parent_ref;
    const struct gg_listener *listeners;
    uint16_t n_listeners;
};

enum gg_match_type {
    GG_MATCH_EXACT,
    GG_MATCH_PATH_PREFIX,
    GG_MATCH_REGULAR_EXPRESSION,
    GG_MATCH_OTHER, /* an implementation-specific type */
};

/* A header or query parameter match. */
struct gg_kv_match {
    const char *name, *value;
    uint8_t type; /* enum gg_match_type */
};

struct gg_http_match {
    const char *path;   /* path.value, "/" by default */
    const char *method; /* NULL: any method */
    const struct gg_kv_match *headers, *query_params;
    uint16_t n_headers, n_query_params;
    uint8_t path_type; /* enum gg_match_type, PathPrefix by default */
};

struct gg_grpc_match {
    const char *service, *method; /* NULL: any */
    const struct gg_kv_match *headers;
    uint16_t n_headers;
    uint8_t method_type; /* enum gg_match_type, Exact by default */
};

#define GG_MIRROR_RULE_LEVEL UINT16_MAX

/* The backendRef of a RequestMirror filter, and where the filter sits:
 * spec.rules[i].filters[filter_index] when backend_index is
 * GG_MIRROR_RULE_LEVEL, else spec.rules[i].backendRefs[backend_index]
 * .filters[filter_index]. */
struct gg_mirror {
    struct gg_ref backend_ref;
    uint16_t backend_index, filter_index;
};

/* HTTPRoute and GRPCRoute filters, spec.rules[i].filters[j] and
 * spec.rules[i].backendRefs[k].filters[j]. */
enum gg_filter_type {
    GG_FILTER_REQUEST_HEADER_MODIFIER,
    GG_FILTER_RESPONSE_HEADER_MODIFIER,
    GG_FILTER_REQUEST_REDIRECT,
    GG_FILTER_URL_REWRITE,
    GG_FILTER_REQUEST_MIRROR,
    GG_FILTER_CORS,
    GG_FILTER_EXTENSION_REF,
    GG_FILTER_OTHER, /* an unknown type, or its settings object is missing */
};

struct gg_header {
    const char *name, *value; /* NULL when absent or not a string */
};

/* RequestHeaderModifier and ResponseHeaderModifier. */
struct gg_header_mod {
    const struct gg_header *set, *add;
    const char *const *remove; /* an item of the wrong type reads as NULL */
    uint16_t n_set, n_add, n_remove;
};

enum gg_path_mod_type {
    GG_PATH_MOD_NONE,   /* no path modifier */
    GG_PATH_MOD_FULL,   /* ReplaceFullPath */
    GG_PATH_MOD_PREFIX, /* ReplacePrefixMatch */
    GG_PATH_MOD_OTHER,
};

struct gg_path_mod {
    const char *value; /* replaceFullPath or replacePrefixMatch; NULL when absent */
    uint8_t type;      /* enum gg_path_mod_type */
};

struct gg_redirect {
    const char *scheme, *hostname; /* NULL: keep the request's */
    struct gg_path_mod path;
    int32_t port;         /* 0: none given */
    uint16_t status_code; /* 302 when absent */
};

struct gg_rewrite {
    const char *hostname; /* NULL: keep the request's */
    struct gg_path_mod path;
};

/* RequestMirror: a share of numerator/denominator of the requests, 100/100
 * when neither percent nor fraction is given; percent reads as percent/100. */
struct gg_mirror_filter {
    struct gg_ref backend_ref; /* group "" and kind Service by default */
    int32_t numerator, denominator;
};

struct gg_cors {
    const char *const *allow_origins, *const *allow_methods, *const *allow_headers,
                                                                 *const *expose_headers;
    int32_t max_age; /* seconds; 5 when absent (the CRD default) */
    uint16_t n_allow_origins, n_allow_methods, n_allow_headers, n_expose_headers;
    bool allow_credentials;
};

/* A LocalObjectReference or LocalParametersReference. */
struct gg_local_ref {
    const char *group, *kind, *name; /* NULL when absent */
};

struct gg_filter {
    const char *type_name; /* spec's type as written; NULL when not a string */
    uint8_t type;          /* enum gg_filter_type; the union member it selects */
    union {
        struct gg_header_mod header; /* Request/ResponseHeaderModifier */
        struct gg_redirect redirect;
        struct gg_rewrite rewrite;
        struct gg_mirror_filter mirror;
        struct gg_cors cors;
        struct gg_local_ref extension_ref;
    } u;
};

/* What serving needs of spec.rules[i].backendRefs[k], beside the reference
 * itself in gg_rule.backend_refs[k]. */
struct gg_backend_extra {
    const struct gg_filter *filters;
    int32_t weight; /* 1 when absent (the CRD default) */
    uint16_t n_filters;
};

/* A Gateway API Duration that is absent or malformed; 0 disables a timeout. */
#define GG_DURATION_ABSENT (-1)

struct gg_rule {
    union {
        const struct gg_http_match *http;
        const struct gg_grpc_match *grpc;
    } matches;
    const struct gg_ref *backend_refs;
    const struct gg_mirror *mirrors;
    uint16_t n_matches, n_backend_refs, n_mirrors;
    /* The matches were absent from the input and filled from the CRD default
     * (HTTPRoute) or stand for "everything" (GRPCRoute); findings about them
     * name the rule, since the input has no matches[] to point at. */
    bool matches_defaulted;
    uint16_t n_filters;
    const char *name;                              /* NULL when absent */
    const struct gg_filter *filters;               /* rule-level, in spec order */
    const struct gg_backend_extra *backend_extras; /* parallel to backend_refs */
    /* timeouts.request and timeouts.backendRequest in milliseconds
     * (HTTPRoute only), GG_DURATION_ABSENT when absent */
    int64_t timeout_request_ms, timeout_backend_ms;
};

/* HTTPRoute and GRPCRoute. */
struct gg_route {
    const struct gg_ref *parent_refs;
    const char *const *hostnames; /* an item of the wrong type reads as NULL */
    const struct gg_rule *rules;
    uint16_t n_parent_refs, n_hostnames, n_rules;
};

struct gg_grant_from {
    const char *group, *kind, *ns;
};

struct gg_grant_to {
    const char *group, *kind, *name; /* name NULL: any */
};

struct gg_referencegrant {
    const struct gg_grant_from *from;
    const struct gg_grant_to *to;
    uint16_t n_from, n_to;
};

struct gg_namespace {
    const struct gg_label *labels;
    uint16_t n_labels;
};

struct gg_gatewayclass {
    const char *controller_name;
    /* spec.parametersRef (group, kind, name, namespace); NULL when absent */
    const struct gg_ref *parameters_ref;
};

/* A Service port; targetPort is either a number or a name. */
struct gg_service_port {
    const char *name;             /* NULL when absent */
    const char *protocol;         /* "TCP" when absent */
    const char *app_protocol;     /* NULL when absent */
    const char *target_port_name; /* a named targetPort; NULL otherwise */
    int32_t port;                 /* 0 when absent or out of range */
    /* a numeric targetPort; the port itself when absent (the API server's
     * default), 0 when named or out of range */
    int32_t target_port;
};

struct gg_service {
    const char *type;          /* "ClusterIP" when absent */
    const char *cluster_ip;    /* spec.clusterIP; "None" for a headless Service */
    const char *external_name; /* spec.externalName */
    const struct gg_service_port *ports;
    const struct gg_label *labels; /* metadata.labels */
    uint16_t n_ports, n_labels;
    bool has_selector; /* spec.selector is a non-empty map */
};

enum gg_blob_state {
    GG_BLOB_ABSENT,    /* not in the data, or the source gave no data */
    GG_BLOB_OK,        /* decoded */
    GG_BLOB_MALFORMED, /* not a string, or not valid base64 */
    GG_BLOB_TOO_LARGE, /* over GG_MODEL_MAX_SECRET_VALUE decoded bytes */
};

/* A decoded Secret value: <len> bytes at <bytes>, followed by a NUL that is
 * not counted; bytes NULL unless state is GG_BLOB_OK. */
struct gg_blob {
    const unsigned char *bytes;
    uint32_t len;
    uint8_t state; /* enum gg_blob_state */
};

/* A Secret. Sources that fetch metadata only leave has_data false. */
struct gg_secret {
    const char *type;                /* "Opaque" when absent */
    struct gg_blob tls_crt, tls_key; /* data["tls.crt"], data["tls.key"] */
    bool has_data;                   /* the object carried a data map */
};

enum gg_address_type { GG_ADDRESS_IPV4, GG_ADDRESS_IPV6, GG_ADDRESS_FQDN, GG_ADDRESS_OTHER };

struct gg_endpoint_port {
    const char *name;         /* NULL when absent */
    const char *protocol;     /* "TCP" when absent */
    const char *app_protocol; /* NULL when absent */
    int32_t port;             /* 0 when absent (all ports) or out of range */
};

struct gg_endpoint {
    const char *const *addresses; /* an item of the wrong type reads as NULL */
    uint16_t n_addresses;
    bool is_ready;       /* conditions.ready; true when absent */
    bool is_serving;     /* conditions.serving; as ready when absent */
    bool is_terminating; /* conditions.terminating; false when absent */
};

/* A discovery.k8s.io/v1 EndpointSlice. */
struct gg_endpointslice {
    const char *service_name; /* label kubernetes.io/service-name; NULL when absent */
    const struct gg_label *labels;
    const struct gg_endpoint_port *ports;
    const struct gg_endpoint *endpoints;
    uint16_t n_labels, n_ports, n_endpoints;
    uint8_t address_type; /* enum gg_address_type */
};

struct gg_object {
    enum gg_model_kind kind;
    const char *ns;     /* "" for cluster-scoped kinds; "default" when absent */
    const char *name;   /* never NULL */
    int64_t created;    /* seconds since the epoch, or GG_CREATED_UNKNOWN */
    int64_t generation; /* metadata.generation; 0 when absent */
    const char *uid;    /* metadata.uid; NULL when absent */
    union {
        struct gg_namespace ns;
        struct gg_gatewayclass gatewayclass;
        struct gg_gateway gateway;
        struct gg_listenerset listenerset;
        struct gg_route route; /* HTTPRoute, GRPCRoute */
        struct gg_referencegrant grant;
        struct gg_service service;
        struct gg_secret secret;
        struct gg_endpointslice endpointslice;
    } u;
};

/* Per-list caps. The CRD limits are far lower; these only bound what a
 * hostile object that skipped validation can make the decoder allocate.
 * Items past a cap are ignored. */
#define GG_MODEL_MAX_ITEMS 1024
#define GG_MODEL_MAX_LABELS 4096
/* Decoded bytes of one Secret value; a larger value reads as GG_BLOB_TOO_LARGE. */
#define GG_MODEL_MAX_SECRET_VALUE (1024 * 1024)

/* "HTTPRoute" etc.; "" for GG_KIND_COUNT. */
const char *gg_model_kind_name(enum gg_model_kind k);
/* The API group ("" for core kinds). */
const char *gg_model_kind_group(enum gg_model_kind k);
bool gg_model_kind_is_namespaced(enum gg_model_kind k);
static inline bool gg_model_kind_is_route(enum gg_model_kind k)
{
    return k == GG_KIND_HTTPROUTE || k == GG_KIND_GRPCROUTE;
}

/* The kind named by <group> and <kind> (any served version), or false. */
bool gg_model_kind_lookup(const char *group, const char *kind, enum gg_model_kind *out);

/* The kind of <obj> when its apiVersion and kind name a kind the model
 * decodes in a version the CRDs serve (gateway.networking.k8s.io v1 and
 * v1beta1 for Gateway, GatewayClass, HTTPRoute and ReferenceGrant; v1 for
 * GRPCRoute and ListenerSet; discovery.k8s.io/v1 for EndpointSlice; core v1
 * for the rest), else false. */
bool gg_model_kind_of(const json_t *obj, enum gg_model_kind *out);

/* Decodes <obj> into one heap block; free it with gg_object_free. Returns
 * NULL when <obj> is not a kind the model decodes or has no metadata.name.
 * Decodes twice (once to size the block), so the block has no slack. */
struct gg_object *gg_model_decode(const json_t *obj);

/* Decodes <obj> into <a>; the result lives as long as the arena. NULL as for
 * gg_model_decode. */
struct gg_object *gg_model_decode_in(struct gg_arena *a, const json_t *obj);

/* Frees an object from gg_model_decode; NULL is a no-op. */
void gg_object_free(struct gg_object *o);

/* Parses a Gateway API Duration (GEP-2257: ^([0-9]{1,5}(h|m|s|ms)){1,4}$,
 * e.g. "1h2m3s500ms") into milliseconds; GG_DURATION_ABSENT when NULL or
 * malformed. */
int64_t gg_model_parse_duration(const char *s);

/* Parses an RFC 3339 time ("2024-05-01T10:00:00Z", optional fraction and
 * offset) into seconds since the epoch; GG_CREATED_UNKNOWN when malformed. */
int64_t gg_model_parse_time(const char *s);

#endif
