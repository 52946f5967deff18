/* SPDX-License-Identifier: Apache-2.0 */
/* Identity, hashing, rendering and precedence of route matches. */
#include "match.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "hmap.h"
#include "xalloc.h"

const struct gg_grpc_match gg_grpc_match_all = {NULL, NULL, NULL, 0, GG_MATCH_EXACT};

static bool str_eq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

static bool name_eq(const char *a, const char *b, bool fold)
{
    if (!a || !b)
        return a == b;
    return fold ? strcasecmp(a, b) == 0 : strcmp(a, b) == 0;
}

static uint64_t hash_opt(const char *s, uint64_t seed)
{
    return s ? gg_hash_str(s, seed) : gg_hash_u64(seed ^ 0x9e3779b97f4a7c15ULL);
}

static uint64_t hash_name(const char *s, bool fold, uint64_t seed)
{
    if (!s || !fold)
        return hash_opt(s, seed);
    char buf[256];
    size_t n = strlen(s);
    if (n >= sizeof(buf))
        n = sizeof(buf) - 1; /* header names are at most 256 bytes; a prefix hashes well */
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)tolower((unsigned char)s[i]);
    return gg_hash_bytes(buf, n, seed);
}

/* Order-free: the sum of the items' hashes. */
static uint64_t hash_kv(const struct gg_kv_match *m, size_t n, bool fold)
{
    uint64_t sum = n;
    for (size_t i = 0; i < n; i++) {
        uint64_t h = hash_name(m[i].name, fold, GG_HASH_SEED + m[i].type);
        sum += gg_hash_u64(h ^ hash_opt(m[i].value, GG_HASH_SEED));
    }
    return sum;
}

static bool kv_eq(const struct gg_kv_match *a, const struct gg_kv_match *b, bool fold)
{
    return a->type == b->type && name_eq(a->name, b->name, fold) && str_eq(a->value, b->value);
}

static bool contains(const struct gg_kv_match *set, size_t n, const struct gg_kv_match *x,
                     bool fold)
{
    for (size_t i = 0; i < n; i++)
        if (kv_eq(&set[i], x, fold))
            return true;
    return false;
}

static bool kv_set_eq(const struct gg_kv_match *a, size_t na, const struct gg_kv_match *b,
                      size_t nb, bool fold)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (!contains(b, nb, &a[i], fold) || !contains(a, na, &b[i], fold))
            return false;
    return true;
}

uint64_t gg_match_hash_http(const struct gg_http_match *m)
{
    uint64_t h = gg_hash_u64(0x48545450ULL + m->path_type);
    h = hash_opt(m->path, h);
    h = hash_opt(m->method, h);
    h ^= gg_hash_u64(hash_kv(m->headers, m->n_headers, true) + 1);
    h ^= gg_hash_u64(hash_kv(m->query_params, m->n_query_params, false) + 2);
    return gg_hash_u64(h);
}

uint64_t gg_match_hash_grpc(const struct gg_grpc_match *m)
{
    uint64_t h = gg_hash_u64(0x47525043ULL + m->method_type);
    h = hash_opt(m->service, h);
    h = hash_opt(m->method, h);
    h ^= gg_hash_u64(hash_kv(m->headers, m->n_headers, true) + 1);
    return gg_hash_u64(h);
}

bool gg_match_equal_http(const struct gg_http_match *a, const struct gg_http_match *b)
{
    return a->path_type == b->path_type && str_eq(a->path, b->path) &&
           str_eq(a->method, b->method) &&
           kv_set_eq(a->headers, a->n_headers, b->headers, b->n_headers, true) &&
           kv_set_eq(a->query_params, a->n_query_params, b->query_params, b->n_query_params, false);
}

bool gg_match_equal_grpc(const struct gg_grpc_match *a, const struct gg_grpc_match *b)
{
    return a->method_type == b->method_type && str_eq(a->service, b->service) &&
           str_eq(a->method, b->method) &&
           kv_set_eq(a->headers, a->n_headers, b->headers, b->n_headers, true);
}

const char *gg_match_type_name(uint8_t type)
{
    switch (type) {
    case GG_MATCH_EXACT:
        return "Exact";
    case GG_MATCH_PATH_PREFIX:
        return "PathPrefix";
    case GG_MATCH_REGULAR_EXPRESSION:
        return "RegularExpression";
    default:
        return "implementation-specific";
    }
}

static void render_value(struct gg_buf *out, const char *v)
{
    v = v ? v : "";
    gg_buf_add_goquoted(out, v, strlen(v));
}

static void render_kv(struct gg_buf *out, const char *what, const struct gg_kv_match *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        gg_buf_addf(out, ", %s %s%s", what, m[i].name ? m[i].name : "",
                    m[i].type == GG_MATCH_EXACT ? "=" : "=~");
        render_value(out, m[i].value);
    }
}

void gg_match_render_http(const struct gg_http_match *m, struct gg_buf *out)
{
    gg_buf_addf(out, "path %s ", gg_match_type_name(m->path_type));
    render_value(out, m->path);
    if (m->method)
        gg_buf_addf(out, ", method %s", m->method);
    render_kv(out, "header", m->headers, m->n_headers);
    render_kv(out, "query", m->query_params, m->n_query_params);
}

void gg_match_render_grpc(const struct gg_grpc_match *m, struct gg_buf *out)
{
    if (!m || (!m->service && !m->method)) {
        gg_buf_adds(out, "any method");
    } else {
        gg_buf_addf(out, "method %s ", gg_match_type_name(m->method_type));
        struct gg_buf tmp;
        gg_buf_init(&tmp);
        gg_buf_addf(&tmp, "%s/%s", m->service ? m->service : "*", m->method ? m->method : "*");
        render_value(out, tmp.data);
        gg_buf_clear(&tmp);
    }
    if (m)
        render_kv(out, "header", m->headers, m->n_headers);
}

/* --- precedence ------------------------------------------------------------ */

void gg_match_rank_http(const struct gg_object *route, size_t rule_index, size_t match_index,
                        struct gg_match_rank *out)
{
    const struct gg_http_match *m = &route->u.route.rules[rule_index].matches.http[match_index];
    const char *path = m->path ? m->path : "/";
    size_t len = strlen(path);
    if (m->path_type == GG_MATCH_PATH_PREFIX)
        while (len > 0 && path[len - 1] == '/')
            len--; /* "/foo/" matches what "/foo" does */
    *out = (struct gg_match_rank){
        .path_type = m->path_type,
        .path_len = len,
        .has_method = m->method != NULL,
        .n_headers = m->n_headers,
        .n_query_params = m->n_query_params,
        .created = route->created,
        .ns = route->ns,
        .name = route->name,
        .rule_index = rule_index,
        .match_index = match_index,
    };
}

static int path_rank(uint8_t type)
{
    switch (type) {
    case GG_MATCH_EXACT:
        return 0;
    case GG_MATCH_PATH_PREFIX:
        return 1;
    case GG_MATCH_REGULAR_EXPRESSION:
        return 2;
    default:
        return 3;
    }
}

/* strcmp of "<ans>/<aname>" and "<bns>/<bname>" without building them. */
static int key_cmp(const char *ans, const char *aname, const char *bns, const char *bname)
{
    const char *as[3] = {ans, "/", aname}, *bs[3] = {bns, "/", bname};
    size_t ia = 0, ib = 0;
    const char *pa = as[0], *pb = bs[0];
    for (;;) {
        while (!*pa && ia < 2)
            pa = as[++ia];
        while (!*pb && ib < 2)
            pb = bs[++ib];
        unsigned char ca = (unsigned char)*pa, cb = (unsigned char)*pb;
        if (ca != cb || !ca)
            return ca < cb ? -1 : ca > cb;
        pa++;
        pb++;
    }
}

static int cmp_size(size_t a, size_t b)
{
    return a < b ? -1 : a > b;
}

int gg_match_precedence_cmp(const struct gg_match_rank *a, const struct gg_match_rank *b)
{
    int ra = path_rank(a->path_type), rb = path_rank(b->path_type);
    if (ra != rb)
        return ra - rb;
    if (a->path_len != b->path_len)
        return -cmp_size(a->path_len, b->path_len);
    if (a->has_method != b->has_method)
        return a->has_method ? -1 : 1;
    if (a->n_headers != b->n_headers)
        return -cmp_size(a->n_headers, b->n_headers);
    if (a->n_query_params != b->n_query_params)
        return -cmp_size(a->n_query_params, b->n_query_params);
    if (a->created != b->created)
        return a->created < b->created ? -1 : 1;
    int d = key_cmp(a->ns, a->name, b->ns, b->name);
    if (d)
        return d;
    if (a->rule_index != b->rule_index)
        return cmp_size(a->rule_index, b->rule_index);
    return cmp_size(a->match_index, b->match_index);
}
