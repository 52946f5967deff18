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
    {GG_KIND_SERVICE, {"v1"}, NULL},
    {GG_KIND_SECRET, {"v1"}, NULL},
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
    o->u.gatewayclass.controller_name = str(a, get(obj, "spec"), "controllerName");
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
