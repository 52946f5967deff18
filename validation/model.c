/* SPDX-License-Identifier: Apache-2.0 */
/* Decoding jansson objects into the typed views of model.h. One decoder per
 * kind, dispatched by the kind table below; every list keeps its input
 * positions so findings can name spec.rules[i].backendRefs[j]. */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "xalloc.h"

typedef void (*decode_fn)(struct gg_arena *a, const json_t *obj, struct gg_object *o);

static void decode_namespace(struct gg_arena *a, const json_t *obj, struct gg_object *o);
static void decode_gatewayclass(struct gg_arena *a, const json_t *obj, struct gg_object *o);
static void decode_gateway(struct gg_arena *a, const json_t *obj, struct gg_object *o);
static void decode_listenerset(struct gg_arena *a, const json_t *obj, struct gg_object *o);
static void decode_httproute(struct gg_arena *a, const json_t *obj, struct gg_object *o);
static void decode_grpcroute(struct gg_arena *a, const json_t *obj, struct gg_object *o);
static void decode_referencegrant(struct gg_arena *a, const json_t *obj, struct gg_object *o);
static void decode_service(struct gg_arena *a, const json_t *obj, struct gg_object *o);
static void decode_secret(struct gg_arena *a, const json_t *obj, struct gg_object *o);
static void decode_endpointslice(struct gg_arena *a, const json_t *obj, struct gg_object *o);

/* {group, kind, namespaced}, from GG_KIND_MAP. */
static const struct {
    const char *group, *kind;
    bool namespaced;
} kinds[GG_KIND_COUNT] = {
#define GG_X(e, group, kind, namespaced) [GG_KIND_##e] = {group, kind, namespaced},
    GG_KIND_MAP(GG_X)
#undef GG_X
};

/* The versions each CRD serves (v1.6 standard channel) and the decoders;
 * decode NULL means metadata only. */
static const struct {
    enum gg_model_kind kind;
    const char *versions[3];
    decode_fn decode;
} served[] = {
    {GG_KIND_NAMESPACE, {"v1"}, decode_namespace},
    {GG_KIND_GATEWAYCLASS, {"v1", "v1beta1"}, decode_gatewayclass},
    {GG_KIND_GATEWAY, {"v1", "v1beta1"}, decode_gateway},
    {GG_KIND_LISTENERSET, {"v1"}, decode_listenerset},
    {GG_KIND_HTTPROUTE, {"v1", "v1beta1"}, decode_httproute},
    {GG_KIND_GRPCROUTE, {"v1"}, decode_grpcroute},
    {GG_KIND_REFERENCEGRANT, {"v1", "v1beta1"}, decode_referencegrant},
    {GG_KIND_SERVICE, {"v1"}, decode_service},
    {GG_KIND_SECRET, {"v1"}, decode_secret},
    {GG_KIND_ENDPOINTSLICE, {"v1"}, decode_endpointslice},
};

static size_t served_index(enum gg_model_kind k)
{
    for (size_t i = 0; i < sizeof(served) / sizeof(served[0]); i++)
        if (served[i].kind == k)
            return i;
    return 0;
}

const char *gg_model_kind_name(enum gg_model_kind k)
{
    return k < GG_KIND_COUNT ? kinds[k].kind : "";
}

const char *gg_model_kind_group(enum gg_model_kind k)
{
    return k < GG_KIND_COUNT ? kinds[k].group : "";
}

bool gg_model_kind_is_namespaced(enum gg_model_kind k)
{
    return k < GG_KIND_COUNT && kinds[k].namespaced;
}

bool gg_model_kind_lookup(const char *group, const char *kind, enum gg_model_kind *out)
{
    if (!group || !kind)
        return false;
    for (int k = 0; k < GG_KIND_COUNT; k++) {
        if (strcmp(kinds[k].group, group) == 0 && strcmp(kinds[k].kind, kind) == 0) {
            *out = (enum gg_model_kind)k;
            return true;
        }
    }
    return false;
}

bool gg_model_kind_of(const json_t *obj, enum gg_model_kind *out)
{
    const char *api = json_string_value(json_object_get(obj, "apiVersion"));
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    if (!api || !kind)
        return false;
    const char *slash = strrchr(api, '/');
    size_t glen = slash ? (size_t)(slash - api) : 0;
    const char *version = slash ? slash + 1 : api;
    for (int k = 0; k < GG_KIND_COUNT; k++) {
        if (strcmp(kinds[k].kind, kind) != 0 || strlen(kinds[k].group) != glen ||
            strncmp(kinds[k].group, api, glen) != 0)
            continue;
        const char *const *v = served[served_index((enum gg_model_kind)k)].versions;
        for (size_t i = 0; i < 3 && v[i]; i++) {
            if (strcmp(v[i], version) == 0) {
                *out = (enum gg_model_kind)k;
                return true;
            }
        }
        return false;
    }
    return false;
}

/* --- field access that tolerates wrong shapes --------------------------- */

static const json_t *get(const json_t *o, const char *key)
{
    return json_is_object(o) ? json_object_get(o, key) : NULL;
}

static const char *str(struct gg_arena *a, const json_t *o, const char *key)
{
    const json_t *v = get(o, key);
    if (!json_is_string(v))
        return NULL;
    return gg_arena_strndup(a, json_string_value(v), json_string_length(v));
}

static const char *str_or(struct gg_arena *a, const json_t *o, const char *key, const char *dflt)
{
    const char *s = str(a, o, key);
    return s ? s : dflt;
}

static int32_t port_of(const json_t *o, const char *key)
{
    const json_t *v = get(o, key);
    if (!json_is_integer(v))
        return 0;
    json_int_t p = json_integer_value(v);
    return p >= 1 && p <= 65535 ? (int32_t)p : 0;
}

static size_t list_len(const json_t *v, size_t cap)
{
    if (!json_is_array(v))
        return 0;
    size_t n = json_array_size(v);
    return n < cap ? n : cap;
}

static void *alloc_array(struct gg_arena *a, size_t n, size_t size)
{
    return n ? gg_arena_alloc(a, n * size) : NULL;
}

static int32_t int32_of(const json_t *o, const char *key, int32_t dflt)
{
    const json_t *v = get(o, key);
    if (!json_is_integer(v))
        return dflt;
    json_int_t n = json_integer_value(v);
    return n >= INT32_MIN && n <= INT32_MAX ? (int32_t)n : dflt;
}

/* A list of strings; an item of the wrong type reads as NULL. */
static const char *const *str_list(struct gg_arena *a, const json_t *list, uint16_t *n_out)
{
    size_t n = list_len(list, GG_MODEL_MAX_ITEMS);
    const char **v = alloc_array(a, n, sizeof(*v));
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_array_get(list, i);
        v[i] = json_is_string(e) ? gg_arena_strndup(a, json_string_value(e), json_string_length(e))
                                 : NULL;
    }
    *n_out = (uint16_t)n;
    return v;
}

int64_t gg_model_parse_duration(const char *s)
{
    if (!s || !*s)
        return GG_DURATION_ABSENT;
    int64_t total = 0;
    int parts = 0;
    while (*s) {
        int digits = 0;
        int64_t n = 0;
        for (; *s >= '0' && *s <= '9'; s++, digits++)
            n = n * 10 + (*s - '0');
        if (digits < 1 || digits > 5 || ++parts > 4)
            return GG_DURATION_ABSENT;
        if (s[0] == 'm' && s[1] == 's') {
            s += 2;
        } else if (*s == 'h') {
            n *= 3600 * 1000;
            s++;
        } else if (*s == 'm') {
            n *= 60 * 1000;
            s++;
        } else if (*s == 's') {
            n *= 1000;
            s++;
        } else {
            return GG_DURATION_ABSENT;
        }
        total += n;
    }
    return total;
}

int64_t gg_model_parse_time(const char *s)
{
    if (!s)
        return GG_CREATED_UNKNOWN;
    int y, mo, d, h, mi, sec, used = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &used) != 6 ||
        used != 19)
        return GG_CREATED_UNKNOWN;
    const char *p = s + used;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
    long offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om, n = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) != 2 || n != 5)
            return GG_CREATED_UNKNOWN;
        offset = (oh * 3600L + om * 60L) * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return GG_CREATED_UNKNOWN;
    }
    if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return GG_CREATED_UNKNOWN;
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    return (int64_t)timegm(&tm) - offset;
}

/* --- shared pieces ------------------------------------------------------ */

static void decode_ref(struct gg_arena *a, const json_t *j, struct gg_ref *r, const char *group,
                       const char *kind)
{
    r->group = str_or(a, j, "group", group);
    r->kind = str_or(a, j, "kind", kind);
    r->ns = str(a, j, "namespace");
    r->name = str(a, j, "name");
    r->section_name = str(a, j, "sectionName");
    r->port = port_of(j, "port");
}

static void decode_local_ref(struct gg_arena *a, const json_t *j, struct gg_local_ref *r)
{
    r->group = str(a, j, "group");
    r->kind = str(a, j, "kind");
    r->name = str(a, j, "name");
}

static const struct gg_label *decode_labels(struct gg_arena *a, const json_t *m, uint16_t *n_out)
{
    *n_out = 0;
    if (!json_is_object(m) || json_object_size(m) == 0)
        return NULL;
    size_t n = json_object_size(m);
    if (n > GG_MODEL_MAX_LABELS)
        n = GG_MODEL_MAX_LABELS;
    struct gg_label *l = alloc_array(a, n, sizeof(*l));
    size_t i = 0;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)m, key, v)
    {
        if (i == n)
            break;
        l[i].key = gg_arena_strndup(a, key, strlen(key));
        /* a label value of another type matches nothing */
        l[i].value = json_is_string(v)
                         ? gg_arena_strndup(a, json_string_value(v), json_string_length(v))
                         : NULL;
        i++;
    }
    *n_out = (uint16_t)i;
    return l;
}

static uint8_t selector_op(const char *op)
{
    if (!op)
        return GG_SELECTOR_INVALID;
    if (strcmp(op, "In") == 0)
        return GG_SELECTOR_IN;
    if (strcmp(op, "NotIn") == 0)
        return GG_SELECTOR_NOT_IN;
    if (strcmp(op, "Exists") == 0)
        return GG_SELECTOR_EXISTS;
    if (strcmp(op, "DoesNotExist") == 0)
        return GG_SELECTOR_DOES_NOT_EXIST;
    return GG_SELECTOR_INVALID;
}

static void decode_selector(struct gg_arena *a, const json_t *j, struct gg_selector *s)
{
    if (!json_is_object(j))
        return;
    s->is_set = true;
    s->match_labels = decode_labels(a, get(j, "matchLabels"), &s->n_match_labels);
    const json_t *exprs = get(j, "matchExpressions");
    size_t n = list_len(exprs, GG_MODEL_MAX_ITEMS);
    struct gg_selector_req *r = alloc_array(a, n, sizeof(*r));
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_array_get(exprs, i);
        r[i].key = str(a, e, "key");
        r[i].op = selector_op(json_string_value(get(e, "operator")));
        if (!r[i].key)
            r[i].op = GG_SELECTOR_INVALID;
        const json_t *vals = get(e, "values");
        size_t nv = list_len(vals, GG_MODEL_MAX_ITEMS);
        const char **v = alloc_array(a, nv, sizeof(*v));
        for (size_t k = 0; k < nv; k++) {
            const json_t *s1 = json_array_get(vals, k);
            v[k] = json_is_string(s1)
                       ? gg_arena_strndup(a, json_string_value(s1), json_string_length(s1))
                       : NULL;
        }
        r[i].values = v;
        r[i].n_values = (uint16_t)nv;
    }
    s->exprs = r;
    s->n_exprs = (uint16_t)n;
}

static uint8_t allowed_from(const char *from, uint8_t dflt)
{
    if (!from)
        return dflt;
    if (strcmp(from, "Same") == 0)
        return GG_FROM_SAME;
    if (strcmp(from, "All") == 0)
        return GG_FROM_ALL;
    if (strcmp(from, "Selector") == 0)
        return GG_FROM_SELECTOR;
    if (strcmp(from, "None") == 0)
        return GG_FROM_NONE;
    return GG_FROM_INVALID;
}

static void decode_listener(struct gg_arena *a, const json_t *j, struct gg_listener *l)
{
    l->name = str(a, j, "name");
    l->hostname = str(a, j, "hostname");
    l->protocol = str(a, j, "protocol");
    l->port = port_of(j, "port");

    const json_t *tls = get(j, "tls");
    if (json_is_object(tls)) {
        const char *mode = json_string_value(get(tls, "mode"));
        /* the CRD defaults mode to Terminate */
        if (!mode || strcmp(mode, "Terminate") == 0)
            l->tls_mode = GG_TLS_TERMINATE;
        else if (strcmp(mode, "Passthrough") == 0)
            l->tls_mode = GG_TLS_PASSTHROUGH;
        else
            l->tls_mode = GG_TLS_OTHER;
        const json_t *refs = get(tls, "certificateRefs");
        size_t n = list_len(refs, GG_MODEL_MAX_ITEMS);
        struct gg_ref *r = alloc_array(a, n, sizeof(*r));
        for (size_t i = 0; i < n; i++)
            decode_ref(a, json_array_get(refs, i), &r[i], "", "Secret");
        l->certificate_refs = r;
        l->n_certificate_refs = (uint16_t)n;
        const json_t *opts = get(tls, "options");
        l->has_tls_options = json_is_object(opts) && json_object_size(opts) > 0;
    }

    const json_t *ar = get(j, "allowedRoutes");
    const json_t *ns = get(ar, "namespaces");
    l->from = allowed_from(json_string_value(get(ns, "from")), GG_FROM_SAME);
    decode_selector(a, get(ns, "selector"), &l->selector);
    const json_t *kinds_j = get(ar, "kinds");
    size_t nk = list_len(kinds_j, GG_MODEL_MAX_ITEMS);
    struct gg_group_kind *k = alloc_array(a, nk, sizeof(*k));
    for (size_t i = 0; i < nk; i++) {
        const json_t *e = json_array_get(kinds_j, i);
        k[i].group = str_or(a, e, "group", GG_GROUP);
        k[i].kind = str(a, e, "kind");
    }
    l->kinds = k;
    l->n_kinds = (uint16_t)nk;
}

static const struct gg_listener *decode_listeners(struct gg_arena *a, const json_t *list,
                                                  uint16_t *n_out)
{
    size_t n = list_len(list, GG_MODEL_MAX_ITEMS);
    struct gg_listener *l = alloc_array(a, n, sizeof(*l));
    for (size_t i = 0; i < n; i++)
        decode_listener(a, json_array_get(list, i), &l[i]);
    *n_out = (uint16_t)n;
    return l;
}

/* --- kinds ---------------------------------------------------------------- */

static void decode_namespace(struct gg_arena *a, const json_t *obj, struct gg_object *o)
{
    o->u.ns.labels = decode_labels(a, get(get(obj, "metadata"), "labels"), &o->u.ns.n_labels);
}

static void decode_gatewayclass(struct gg_arena *a, const json_t *obj, struct gg_object *o)
{
    const json_t *spec = get(obj, "spec");
    o->u.gatewayclass.controller_name = str(a, spec, "controllerName");
    const json_t *params = get(spec, "parametersRef");
    if (json_is_object(params)) {
        struct gg_ref *r = gg_arena_alloc(a, sizeof(*r));
        decode_ref(a, params, r, "", "");
        o->u.gatewayclass.parameters_ref = r;
    }
}

static void decode_gateway(struct gg_arena *a, const json_t *obj, struct gg_object *o)
{
    const json_t *spec = get(obj, "spec");
    struct gg_gateway *g = &o->u.gateway;
    g->gateway_class_name = str(a, spec, "gatewayClassName");
    g->listeners = decode_listeners(a, get(spec, "listeners"), &g->n_listeners);
    const json_t *ns = get(get(spec, "allowedListeners"), "namespaces");
    /* the CRD defaults allowedListeners.namespaces.from to None */
    g->allowed_listeners_from = allowed_from(json_string_value(get(ns, "from")), GG_FROM_NONE);
    decode_selector(a, get(ns, "selector"), &g->allowed_listeners_selector);

    const json_t *addrs = get(spec, "addresses");
    size_t na = list_len(addrs, GG_MODEL_MAX_ITEMS);
    struct gg_gateway_address *ad = alloc_array(a, na, sizeof(*ad));
    for (size_t i = 0; i < na; i++) {
        const json_t *e = json_array_get(addrs, i);
        ad[i].type = str_or(a, e, "type", "IPAddress");
        ad[i].value = str(a, e, "value");
    }
    g->addresses = ad;
    g->n_addresses = (uint16_t)na;
    const json_t *params = get(get(spec, "infrastructure"), "parametersRef");
    if (json_is_object(params)) {
        struct gg_local_ref *r = gg_arena_alloc(a, sizeof(*r));
        decode_local_ref(a, params, r);
        g->infra_parameters_ref = r;
    }
}

static void decode_listenerset(struct gg_arena *a, const json_t *obj, struct gg_object *o)
{
    const json_t *spec = get(obj, "spec");
    struct gg_listenerset *ls = &o->u.listenerset;
    decode_ref(a, get(spec, "parentRef"), &ls->parent_ref, GG_GROUP, "Gateway");
    ls->listeners = decode_listeners(a, get(spec, "listeners"), &ls->n_listeners);
}

static uint8_t match_type(const char *t, uint8_t dflt)
{
    if (!t)
        return dflt;
    if (strcmp(t, "Exact") == 0)
        return GG_MATCH_EXACT;
    if (strcmp(t, "PathPrefix") == 0)
        return GG_MATCH_PATH_PREFIX;
    if (strcmp(t, "RegularExpression") == 0)
        return GG_MATCH_REGULAR_EXPRESSION;
    return GG_MATCH_OTHER;
}

static const struct gg_kv_match *decode_kv(struct gg_arena *a, const json_t *list, uint16_t *n_out)
{
    size_t n = list_len(list, GG_MODEL_MAX_ITEMS);
    struct gg_kv_match *m = alloc_array(a, n, sizeof(*m));
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_array_get(list, i);
        m[i].name = str(a, e, "name");
        m[i].value = str(a, e, "value");
        m[i].type = match_type(json_string_value(get(e, "type")), GG_MATCH_EXACT);
    }
    *n_out = (uint16_t)n;
    return m;
}

static void decode_http_match(struct gg_arena *a, const json_t *j, struct gg_http_match *m)
{
    const json_t *path = get(j, "path");
    m->path_type = match_type(json_string_value(get(path, "type")), GG_MATCH_PATH_PREFIX);
    m->path = str_or(a, path, "value", "/");
    m->method = str(a, j, "method");
    m->headers = decode_kv(a, get(j, "headers"), &m->n_headers);
    m->query_params = decode_kv(a, get(j, "queryParams"), &m->n_query_params);
}

static void decode_grpc_match(struct gg_arena *a, const json_t *j, struct gg_grpc_match *m)
{
    const json_t *method = get(j, "method");
    m->method_type = match_type(json_string_value(get(method, "type")), GG_MATCH_EXACT);
    m->service = str(a, method, "service");
    m->method = str(a, method, "method");
    m->headers = decode_kv(a, get(j, "headers"), &m->n_headers);
}

static bool is_mirror(const json_t *filter)
{
    const char *t = json_string_value(get(filter, "type"));
    return t && strcmp(t, "RequestMirror") == 0 &&
           json_is_object(get(get(filter, "requestMirror"), "backendRef"));
}

static size_t count_mirrors(const json_t *filters)
{
    size_t n = 0, len = list_len(filters, GG_MODEL_MAX_ITEMS);
    for (size_t i = 0; i < len; i++)
        n += is_mirror(json_array_get(filters, i));
    return n;
}

static void add_mirrors(struct gg_arena *a, const json_t *filters, uint16_t backend_index,
                        struct gg_mirror *out, size_t *n)
{
    size_t len = list_len(filters, GG_MODEL_MAX_ITEMS);
    for (size_t i = 0; i < len; i++) {
        const json_t *f = json_array_get(filters, i);
        if (!is_mirror(f))
            continue;
        struct gg_mirror *m = &out[(*n)++];
        decode_ref(a, get(get(f, "requestMirror"), "backendRef"), &m->backend_ref, "", "Service");
        m->backend_index = backend_index;
        m->filter_index = (uint16_t)i;
    }
}

static const struct gg_header *decode_headers(struct gg_arena *a, const json_t *list,
                                              uint16_t *n_out)
{
    size_t n = list_len(list, GG_MODEL_MAX_ITEMS);
    struct gg_header *h = alloc_array(a, n, sizeof(*h));
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_array_get(list, i);
        h[i].name = str(a, e, "name");
        h[i].value = str(a, e, "value");
    }
    *n_out = (uint16_t)n;
    return h;
}

static void decode_header_mod(struct gg_arena *a, const json_t *j, struct gg_header_mod *m)
{
    m->set = decode_headers(a, get(j, "set"), &m->n_set);
    m->add = decode_headers(a, get(j, "add"), &m->n_add);
    m->remove = str_list(a, get(j, "remove"), &m->n_remove);
}

static void decode_path_mod(struct gg_arena *a, const json_t *j, struct gg_path_mod *p)
{
    if (!json_is_object(j))
        return;
    const char *t = json_string_value(get(j, "type"));
    if (t && strcmp(t, "ReplaceFullPath") == 0) {
        p->type = GG_PATH_MOD_FULL;
        p->value = str(a, j, "replaceFullPath");
    } else if (t && strcmp(t, "ReplacePrefixMatch") == 0) {
        p->type = GG_PATH_MOD_PREFIX;
        p->value = str(a, j, "replacePrefixMatch");
    } else {
        p->type = GG_PATH_MOD_OTHER;
    }
}

static void decode_mirror_filter(struct gg_arena *a, const json_t *j, struct gg_mirror_filter *m)
{
    decode_ref(a, get(j, "backendRef"), &m->backend_ref, "", "Service");
    const json_t *fraction = get(j, "fraction");
    if (json_is_integer(get(j, "percent"))) {
        m->numerator = int32_of(j, "percent", 100);
        m->denominator = 100;
    } else if (json_is_object(fraction)) {
        m->numerator = int32_of(fraction, "numerator", 0);
        m->denominator = int32_of(fraction, "denominator", 100);
    } else {
        m->numerator = m->denominator = 100;
    }
}

static void decode_cors(struct gg_arena *a, const json_t *j, struct gg_cors *c)
{
    c->allow_origins = str_list(a, get(j, "allowOrigins"), &c->n_allow_origins);
    c->allow_methods = str_list(a, get(j, "allowMethods"), &c->n_allow_methods);
    c->allow_headers = str_list(a, get(j, "allowHeaders"), &c->n_allow_headers);
    c->expose_headers = str_list(a, get(j, "exposeHeaders"), &c->n_expose_headers);
    c->max_age = int32_of(j, "maxAge", 5);
    c->allow_credentials = json_is_true(get(j, "allowCredentials"));
}

/* {type, settings key}, in enum gg_filter_type order. */
static const struct {
    const char *type, *key;
} filter_types[] = {
    [GG_FILTER_REQUEST_HEADER_MODIFIER] = {"RequestHeaderModifier", "requestHeaderModifier"},
    [GG_FILTER_RESPONSE_HEADER_MODIFIER] = {"ResponseHeaderModifier", "responseHeaderModifier"},
    [GG_FILTER_REQUEST_REDIRECT] = {"RequestRedirect", "requestRedirect"},
    [GG_FILTER_URL_REWRITE] = {"URLRewrite", "urlRewrite"},
    [GG_FILTER_REQUEST_MIRROR] = {"RequestMirror", "requestMirror"},
    [GG_FILTER_CORS] = {"CORS", "cors"},
    [GG_FILTER_EXTENSION_REF] = {"ExtensionRef", "extensionRef"},
};

static void decode_filter(struct gg_arena *a, const json_t *j, struct gg_filter *f)
{
    f->type_name = str(a, j, "type");
    f->type = GG_FILTER_OTHER;
    const json_t *cfg = NULL;
    for (size_t t = 0; f->type_name && t < GG_FILTER_OTHER; t++) {
        if (strcmp(f->type_name, filter_types[t].type) == 0) {
            cfg = get(j, filter_types[t].key);
            if (json_is_object(cfg))
                f->type = (uint8_t)t;
            break;
        }
    }
    switch (f->type) {
    case GG_FILTER_REQUEST_HEADER_MODIFIER:
    case GG_FILTER_RESPONSE_HEADER_MODIFIER:
        decode_header_mod(a, cfg, &f->u.header);
        break;
    case GG_FILTER_REQUEST_REDIRECT:
        f->u.redirect.scheme = str(a, cfg, "scheme");
        f->u.redirect.hostname = str(a, cfg, "hostname");
        f->u.redirect.port = port_of(cfg, "port");
        f->u.redirect.status_code = 302;
        int32_t code = int32_of(cfg, "statusCode", 302);
        if (code >= 100 && code <= 599)
            f->u.redirect.status_code = (uint16_t)code;
        decode_path_mod(a, get(cfg, "path"), &f->u.redirect.path);
        break;
    case GG_FILTER_URL_REWRITE:
        f->u.rewrite.hostname = str(a, cfg, "hostname");
        decode_path_mod(a, get(cfg, "path"), &f->u.rewrite.path);
        break;
    case GG_FILTER_REQUEST_MIRROR:
        decode_mirror_filter(a, cfg, &f->u.mirror);
        break;
    case GG_FILTER_CORS:
        decode_cors(a, cfg, &f->u.cors);
        break;
    case GG_FILTER_EXTENSION_REF:
        decode_local_ref(a, cfg, &f->u.extension_ref);
        break;
    default:
        break;
    }
}

static const struct gg_filter *decode_filters(struct gg_arena *a, const json_t *list,
                                              uint16_t *n_out)
{
    size_t n = list_len(list, GG_MODEL_MAX_ITEMS);
    struct gg_filter *f = alloc_array(a, n, sizeof(*f));
    for (size_t i = 0; i < n; i++)
        decode_filter(a, json_array_get(list, i), &f[i]);
    *n_out = (uint16_t)n;
    return f;
}

static void decode_rule(struct gg_arena *a, const json_t *j, struct gg_rule *r, bool grpc)
{
    const json_t *matches = get(j, "matches");
    size_t nm = list_len(matches, GG_MODEL_MAX_ITEMS);
    if (grpc) {
        struct gg_grpc_match *m = alloc_array(a, nm, sizeof(*m));
        for (size_t i = 0; i < nm; i++)
            decode_grpc_match(a, json_array_get(matches, i), &m[i]);
        r->matches.grpc = m;
        r->n_matches = (uint16_t)nm;
        r->matches_defaulted = nm == 0;
    } else if (nm == 0) {
        /* the CRD default: one PathPrefix "/" match */
        struct gg_http_match *m = gg_arena_alloc(a, sizeof(*m));
        m->path_type = GG_MATCH_PATH_PREFIX;
        m->path = "/";
        r->matches.http = m;
        r->n_matches = 1;
        r->matches_defaulted = true;
    } else {
        struct gg_http_match *m = alloc_array(a, nm, sizeof(*m));
        for (size_t i = 0; i < nm; i++)
            decode_http_match(a, json_array_get(matches, i), &m[i]);
        r->matches.http = m;
        r->n_matches = (uint16_t)nm;
    }

    const json_t *backends = get(j, "backendRefs");
    const json_t *filters = get(j, "filters");
    size_t nb = list_len(backends, GG_MODEL_MAX_ITEMS);
    struct gg_ref *b = alloc_array(a, nb, sizeof(*b));
    size_t n_mirrors = count_mirrors(filters);
    for (size_t i = 0; i < nb; i++) {
        const json_t *e = json_array_get(backends, i);
        decode_ref(a, e, &b[i], "", "Service");
        n_mirrors += count_mirrors(get(e, "filters"));
    }
    r->backend_refs = b;
    r->n_backend_refs = (uint16_t)nb;

    struct gg_backend_extra *x = alloc_array(a, nb, sizeof(*x));
    for (size_t i = 0; i < nb; i++) {
        const json_t *e = json_array_get(backends, i);
        x[i].weight = int32_of(e, "weight", 1);
        x[i].filters = decode_filters(a, get(e, "filters"), &x[i].n_filters);
    }
    r->backend_extras = x;
    r->name = str(a, j, "name");
    r->filters = decode_filters(a, filters, &r->n_filters);
    const json_t *timeouts = grpc ? NULL : get(j, "timeouts");
    r->timeout_request_ms = gg_model_parse_duration(json_string_value(get(timeouts, "request")));
    r->timeout_backend_ms =
        gg_model_parse_duration(json_string_value(get(timeouts, "backendRequest")));

    struct gg_mirror *mirrors = alloc_array(a, n_mirrors, sizeof(*mirrors));
    size_t k = 0;
    add_mirrors(a, filters, GG_MIRROR_RULE_LEVEL, mirrors, &k);
    for (size_t i = 0; i < nb; i++)
        add_mirrors(a, get(json_array_get(backends, i), "filters"), (uint16_t)i, mirrors, &k);
    r->mirrors = mirrors;
    r->n_mirrors = (uint16_t)k;
}

static void decode_route(struct gg_arena *a, const json_t *obj, struct gg_object *o, bool grpc)
{
    const json_t *spec = get(obj, "spec");
    struct gg_route *rt = &o->u.route;

    const json_t *parents = get(spec, "parentRefs");
    size_t np = list_len(parents, GG_MODEL_MAX_ITEMS);
    struct gg_ref *p = alloc_array(a, np, sizeof(*p));
    for (size_t i = 0; i < np; i++)
        decode_ref(a, json_array_get(parents, i), &p[i], GG_GROUP, "Gateway");
    rt->parent_refs = p;
    rt->n_parent_refs = (uint16_t)np;

    const json_t *hosts = get(spec, "hostnames");
    size_t nh = list_len(hosts, GG_MODEL_MAX_ITEMS);
    const char **h = alloc_array(a, nh, sizeof(*h));
    for (size_t i = 0; i < nh; i++) {
        const json_t *e = json_array_get(hosts, i);
        h[i] = json_is_string(e) ? gg_arena_strndup(a, json_string_value(e), json_string_length(e))
                                 : NULL;
    }
    rt->hostnames = h;
    rt->n_hostnames = (uint16_t)nh;

    const json_t *rules = get(spec, "rules");
    size_t nr = list_len(rules, GG_MODEL_MAX_ITEMS);
    if (!grpc && !json_is_array(rules)) {
        /* the CRD default: one rule with the default match */
        struct gg_rule *r = gg_arena_alloc(a, sizeof(*r));
        decode_rule(a, NULL, r, false);
        rt->rules = r;
        rt->n_rules = 1;
        return;
    }
    struct gg_rule *r = alloc_array(a, nr, sizeof(*r));
    for (size_t i = 0; i < nr; i++)
        decode_rule(a, json_array_get(rules, i), &r[i], grpc);
    rt->rules = r;
    rt->n_rules = (uint16_t)nr;
}

static void decode_httproute(struct gg_arena *a, const json_t *obj, struct gg_object *o)
{
    decode_route(a, obj, o, false);
}

static void decode_grpcroute(struct gg_arena *a, const json_t *obj, struct gg_object *o)
{
    decode_route(a, obj, o, true);
}

static void decode_referencegrant(struct gg_arena *a, const json_t *obj, struct gg_object *o)
{
    const json_t *spec = get(obj, "spec");
    struct gg_referencegrant *g = &o->u.grant;
    const json_t *from = get(spec, "from");
    size_t nf = list_len(from, GG_MODEL_MAX_ITEMS);
    struct gg_grant_from *f = alloc_array(a, nf, sizeof(*f));
    for (size_t i = 0; i < nf; i++) {
        const json_t *e = json_array_get(from, i);
        f[i].group = str(a, e, "group");
        f[i].kind = str(a, e, "kind");
        f[i].ns = str(a, e, "namespace");
    }
    g->from = f;
    g->n_from = (uint16_t)nf;
    const json_t *to = get(spec, "to");
    size_t nt = list_len(to, GG_MODEL_MAX_ITEMS);
    struct gg_grant_to *t = alloc_array(a, nt, sizeof(*t));
    for (size_t i = 0; i < nt; i++) {
        const json_t *e = json_array_get(to, i);
        t[i].group = str(a, e, "group");
        t[i].kind = str(a, e, "kind");
        t[i].name = str(a, e, "name");
    }
    g->to = t;
    g->n_to = (uint16_t)nt;
}

static void decode_service(struct gg_arena *a, const json_t *obj, struct gg_object *o)
{
    const json_t *spec = get(obj, "spec");
    struct gg_service *sv = &o->u.service;
    sv->labels = decode_labels(a, get(get(obj, "metadata"), "labels"), &sv->n_labels);
    sv->type = str_or(a, spec, "type", "ClusterIP");
    sv->cluster_ip = str(a, spec, "clusterIP");
    sv->external_name = str(a, spec, "externalName");
    const json_t *sel = get(spec, "selector");
    sv->has_selector = json_is_object(sel) && json_object_size(sel) > 0;
    const json_t *ports = get(spec, "ports");
    size_t n = list_len(ports, GG_MODEL_MAX_ITEMS);
    struct gg_service_port *p = alloc_array(a, n, sizeof(*p));
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_array_get(ports, i);
        p[i].name = str(a, e, "name");
        p[i].protocol = str_or(a, e, "protocol", "TCP");
        p[i].app_protocol = str(a, e, "appProtocol");
        p[i].port = port_of(e, "port");
        const json_t *tp = get(e, "targetPort");
        if (json_is_string(tp))
            p[i].target_port_name = str(a, e, "targetPort");
        else if (json_is_integer(tp))
            p[i].target_port = port_of(e, "targetPort");
        else
            p[i].target_port = p[i].port;
    }
    sv->ports = p;
    sv->n_ports = (uint16_t)n;
}

/* RFC 4648 base64 with padding, as Kubernetes encodes Secret data. */
static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

static void decode_blob(struct gg_arena *a, const json_t *data, const char *key, struct gg_blob *b)
{
    const json_t *v = get(data, key);
    if (!v)
        return;
    if (!json_is_string(v)) {
        b->state = GG_BLOB_MALFORMED;
        return;
    }
    const unsigned char *in = (const unsigned char *)json_string_value(v);
    size_t len = json_string_length(v);
    if (len % 4 != 0) {
        b->state = GG_BLOB_MALFORMED;
        return;
    }
    size_t pad = len && in[len - 1] == '=' ? 1 + (len > 1 && in[len - 2] == '=') : 0;
    size_t out_len = len / 4 * 3 - pad;
    if (out_len > GG_MODEL_MAX_SECRET_VALUE) {
        b->state = GG_BLOB_TOO_LARGE;
        return;
    }
    for (size_t i = 0; i < len - pad; i++) {
        if (b64_value(in[i]) < 0) {
            b->state = GG_BLOB_MALFORMED;
            return;
        }
    }
    unsigned char *out = gg_arena_alloc(a, out_len + 1);
    size_t k = 0;
    uint32_t acc = 0;
    for (size_t i = 0; i < len - pad; i++) {
        acc = acc << 6 | (uint32_t)b64_value(in[i]);
        if (i % 4 == 3) {
            out[k++] = (unsigned char)(acc >> 16);
            out[k++] = (unsigned char)(acc >> 8);
            out[k++] = (unsigned char)acc;
            acc = 0;
        }
    }
    if (pad == 1) {
        out[k++] = (unsigned char)(acc >> 10);
        out[k++] = (unsigned char)(acc >> 2);
    } else if (pad == 2) {
        out[k++] = (unsigned char)(acc >> 4);
    }
    b->bytes = out;
    b->len = (uint32_t)out_len;
    b->state = GG_BLOB_OK;
}

static void decode_secret(struct gg_arena *a, const json_t *obj, struct gg_object *o)
{
    struct gg_secret *sec = &o->u.secret;
    sec->type = str_or(a, obj, "type", "Opaque");
    const json_t *data = get(obj, "data");
    sec->has_data = json_is_object(data);
    decode_blob(a, data, "tls.crt", &sec->tls_crt);
    decode_blob(a, data, "tls.key", &sec->tls_key);
}

static bool bool_or(const json_t *o, const char *key, bool dflt)
{
    const json_t *v = get(o, key);
    return json_is_boolean(v) ? json_is_true(v) : dflt;
}

static uint8_t address_type(const char *t)
{
    if (!t)
        return GG_ADDRESS_OTHER;
    if (strcmp(t, "IPv4") == 0)
        return GG_ADDRESS_IPV4;
    if (strcmp(t, "IPv6") == 0)
        return GG_ADDRESS_IPV6;
    if (strcmp(t, "FQDN") == 0)
        return GG_ADDRESS_FQDN;
    return GG_ADDRESS_OTHER;
}

static void decode_endpointslice(struct gg_arena *a, const json_t *obj, struct gg_object *o)
{
    struct gg_endpointslice *es = &o->u.endpointslice;
    const json_t *labels = get(get(obj, "metadata"), "labels");
    es->labels = decode_labels(a, labels, &es->n_labels);
    es->service_name = str(a, labels, "kubernetes.io/service-name");
    es->address_type = address_type(json_string_value(get(obj, "addressType")));

    const json_t *ports = get(obj, "ports");
    size_t np = list_len(ports, GG_MODEL_MAX_ITEMS);
    struct gg_endpoint_port *p = alloc_array(a, np, sizeof(*p));
    for (size_t i = 0; i < np; i++) {
        const json_t *e = json_array_get(ports, i);
        p[i].name = str(a, e, "name");
        p[i].protocol = str_or(a, e, "protocol", "TCP");
        p[i].app_protocol = str(a, e, "appProtocol");
        p[i].port = port_of(e, "port");
    }
    es->ports = p;
    es->n_ports = (uint16_t)np;

    const json_t *eps = get(obj, "endpoints");
    size_t ne = list_len(eps, GG_MODEL_MAX_ITEMS);
    struct gg_endpoint *ep = alloc_array(a, ne, sizeof(*ep));
    for (size_t i = 0; i < ne; i++) {
        const json_t *e = json_array_get(eps, i);
        ep[i].addresses = str_list(a, get(e, "addresses"), &ep[i].n_addresses);
        const json_t *cond = get(e, "conditions");
        ep[i].is_ready = bool_or(cond, "ready", true);
        ep[i].is_serving = bool_or(cond, "serving", ep[i].is_ready);
        ep[i].is_terminating = bool_or(cond, "terminating", false);
    }
    es->endpoints = ep;
    es->n_endpoints = (uint16_t)ne;
}

/* --- entry points ------------------------------------------------------- */

struct gg_object *gg_model_decode_in(struct gg_arena *a, const json_t *obj)
{
    enum gg_model_kind k;
    if (!json_is_object(obj) || !gg_model_kind_of(obj, &k))
        return NULL;
    const json_t *meta = get(obj, "metadata");
    const json_t *name = get(meta, "name");
    if (!json_is_string(name) || json_string_length(name) == 0)
        return NULL;
    /* the object header comes first: gg_model_decode frees the block by it */
    struct gg_object *o = gg_arena_alloc(a, sizeof(*o));
    o->kind = k;
    o->name = gg_arena_strndup(a, json_string_value(name), json_string_length(name));
    if (kinds[k].namespaced)
        o->ns = str_or(a, meta, "namespace", "default");
    else
        o->ns = "";
    o->created = gg_model_parse_time(json_string_value(get(meta, "creationTimestamp")));
    const json_t *gen = get(meta, "generation");
    o->generation = json_is_integer(gen) ? (int64_t)json_integer_value(gen) : 0;
    o->uid = str(a, meta, "uid");
    decode_fn fn = served[served_index(k)].decode;
    if (fn)
        fn(a, obj, o);
    return o;
}

struct gg_object *gg_model_decode(const json_t *obj)
{
    char scratch[4096];
    struct gg_arena a;
    gg_arena_init(&a, scratch, sizeof(scratch));
    struct gg_object *o = gg_model_decode_in(&a, obj);
    size_t size = a.used;
    gg_arena_clear(&a);
    if (!o)
        return NULL;
    void *block = gg_xmalloc(size);
    gg_arena_init_fixed(&a, block, size);
    o = gg_model_decode_in(&a, obj);
    return o;
}

void gg_object_free(struct gg_object *o)
{
    free(o);
}
