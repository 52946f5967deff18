/* SPDX-License-Identifier: Apache-2.0 */
/* Request planning (route_plan.h): listener and vhost lookup by hostname, the
 * first match in precedence order, then the rule's filters and a backend.
 *
 * The path a match sees is normalized first (RFC 3986 §6.2.2: escapes of
 * unreserved characters decoded, hex digits uppercased, dot segments
 * removed; an escaped '/' stays escaped), and that normalized path is what
 * the upstream receives: a backend never sees a path that matched a rule it
 * was not meant for ("/api/../admin" is "/admin" for both). */
#include "proxy/route_plan.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/route_internal.h"
#include "validation/model.h"
#include "validation/xalloc.h"

struct gg_plan_state {
    int64_t *slots;
    uint32_t n_slots;
    uint64_t rng;
    pcre2_match_data *md;
};

struct gg_plan_state *gg_plan_state_new(const struct gg_route_table *t)
{
    struct gg_plan_state *st = gg_xcalloc(1, sizeof(*st));
    st->n_slots = t->n_slots;
    st->slots = gg_xcalloc(t->n_slots ? t->n_slots : 1, sizeof(*st->slots));
    st->rng = 0x9e3779b97f4a7c15ULL ^ (uint64_t)(uintptr_t)st;
    st->md = pcre2_match_data_create(32, NULL);
    if (!st->md)
        abort();
    return st;
}

void gg_plan_state_free(struct gg_plan_state *st)
{
    if (!st)
        return;
    pcre2_match_data_free(st->md);
    free(st->slots);
    free(st);
}

/* xorshift64*: the mirror sampler needs speed, not cryptography. */
static uint64_t rng_next(struct gg_plan_state *st)
{
    st->rng ^= st->rng >> 12;
    st->rng ^= st->rng << 25;
    st->rng ^= st->rng >> 27;
    return st->rng * 0x2545f4914f6cdd1dULL;
}

/* --- hostname lookup ------------------------------------------------------ */

static bool entry_eq(const void *v, const void *k)
{
    const struct rt_host_entry *e = v;
    const struct gg_str *key = k;
    return e->key_len == key->len && memcmp(e->key, key->ptr, key->len) == 0;
}

static const struct rt_host_entry *find_entry(const struct gg_hmap *m, const char *p, size_t n)
{
    if (m->n == 0)
        return NULL;
    struct gg_str key = {p, n};
    return gg_hmap_find(m, gg_hash_bytes(p, n, GG_HASH_SEED), entry_eq, &key);
}

/* Finds the most specific entry of <m> for <host> (<n> bytes, lowercase):
 * exact, then the longest wildcard suffix, then the catch-all; NULL if none. */
static const void *hostmap_find(const struct rt_hostmap *m, const char *host, size_t n)
{
    const struct rt_host_entry *e = find_entry(&m->exact, host, n);
    if (e)
        return e->val;
    /* "*.b.c" covers "a.b.c" and "x.a.b.c": try each suffix after a dot,
     * longest first; the wildcard's own suffix never matches itself. */
    for (size_t i = 0; i < n; i++) {
        if (host[i] != '.')
            continue;
        if (i == 0)
            break;
        e = find_entry(&m->wild, host + i + 1, n - i - 1);
        if (e)
            return e->val;
    }
    return m->any;
}

/* --- the path as matches see it ------------------------------------------------ */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool is_unreserved(int c)
{
    return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* Removes dot segments from <p> in place (RFC 3986 §5.2.4); <p> starts with
 * '/'. Returns the new length. */
static size_t remove_dots(char *p, size_t n)
{
    size_t out = 0, i = 0;
    while (i < n) {
        /* p[i] == '/' here: a segment starts at i + 1 */
        size_t j = i + 1;
        while (j < n && p[j] != '/')
            j++;
        size_t seg = j - i - 1;
        const char *s = p + i + 1;
        if (seg == 1 && s[0] == '.') {
            if (j == n)
                p[out++] = '/';
        } else if (seg == 2 && s[0] == '.' && s[1] == '.') {
            while (out > 0 && p[out - 1] != '/')
                out--;
            if (out > 0)
                out--; /* the slash before the dropped segment */
            if (j == n)
                p[out++] = '/';
        } else {
            memmove(p + out, p + i, j - i);
            out += j - i;
        }
        i = j;
    }
    if (out == 0)
        p[out++] = '/';
    return out;
}

static struct gg_str normalize_path(struct gg_arena *a, struct gg_str in)
{
    if (in.len == 0 || in.ptr[0] != '/')
        return in; /* "*" or an empty path: nothing to normalize */
    bool plain = true;
    for (size_t i = 0; i < in.len && plain; i++)
        if (in.ptr[i] == '%' || (in.ptr[i] == '.' && i > 0 && in.ptr[i - 1] == '/'))
            plain = false;
    if (plain)
        return in;
    char *p = gg_arena_alloc(a, in.len + 1);
    size_t n = 0;
    for (size_t i = 0; i < in.len; i++) {
        int hi, lo;
        if (in.ptr[i] == '%' && i + 2 < in.len && (hi = hexval(in.ptr[i + 1])) >= 0 &&
            (lo = hexval(in.ptr[i + 2])) >= 0) {
            int c = hi * 16 + lo;
            if (is_unreserved(c)) {
                p[n++] = (char)c;
            } else {
                p[n++] = '%';
                p[n++] = (char)toupper((unsigned char)in.ptr[i + 1]);
                p[n++] = (char)toupper((unsigned char)in.ptr[i + 2]);
            }
            i += 2;
        } else {
            p[n++] = in.ptr[i];
        }
    }
    n = remove_dots(p, n);
    p[n] = '\0';
    return (struct gg_str){p, n};
}

/* --- matching ------------------------------------------------------------------ */

static bool regex_full_match(pcre2_code *re, const char *s, size_t n, pcre2_match_data *md)
{
    int rc = pcre2_match(re, (PCRE2_SPTR)s, n, 0, PCRE2_ANCHORED | PCRE2_ENDANCHORED, md, NULL);
    return rc >= 0;
}

bool gg_rt_path_matches(const struct rt_match *m, struct gg_str path, pcre2_match_data *md)
{
    switch (m->path_type) {
    case GG_MATCH_EXACT:
        return path.len == m->path_len && memcmp(path.ptr, m->path, path.len) == 0;
    case GG_MATCH_PATH_PREFIX:
        /* element-wise: "/foo" matches "/foo", "/foo/" and "/foo/bar", not "/foobar" */
        if (path.len < m->path_len || memcmp(path.ptr, m->path, m->path_len) != 0)
            return false;
        return path.len == m->path_len || path.ptr[m->path_len] == '/' || m->path_len == 0;
    case GG_MATCH_REGULAR_EXPRESSION:
        return m->path_re && regex_full_match(m->path_re, path.ptr, path.len, md);
    default:
        return false;
    }
}

static bool str_ieq(struct gg_str a, const char *b)
{
    size_t n = strlen(b);
    return a.len == n && strncasecmp(a.ptr, b, n) == 0;
}

static bool value_matches(const struct rt_kv *kv, const char *v, size_t n, pcre2_match_data *md)
{
    if (kv->type == GG_MATCH_REGULAR_EXPRESSION)
        return kv->re && regex_full_match(kv->re, v, n, md);
    return n == kv->value_len && memcmp(v, kv->value, n) == 0;
}

static bool headers_match(const struct rt_match *m, const struct gg_plan_request *req,
                          pcre2_match_data *md)
{
    for (size_t i = 0; i < m->n_headers; i++) {
        const struct rt_kv *kv = &m->headers[i];
        const struct gg_http1_header *h = gg_http1_find(req->headers, req->n_headers, kv->name);
        if (!h || !value_matches(kv, h->value.ptr, h->value.len, md))
            return false;
    }
    return true;
}

/* The first value of query parameter <name> in <q>, as sent. */
static bool query_find(struct gg_str q, const char *name, struct gg_str *out)
{
    size_t nlen = strlen(name), i = 0;
    while (q.ptr && i <= q.len) {
        size_t j = i;
        while (j < q.len && q.ptr[j] != '&')
            j++;
        const char *eq = memchr(q.ptr + i, '=', j - i);
        size_t klen = eq ? (size_t)(eq - (q.ptr + i)) : j - i;
        if (klen == nlen && memcmp(q.ptr + i, name, nlen) == 0) {
            out->ptr = eq ? eq + 1 : q.ptr + j;
            out->len = eq ? (size_t)(q.ptr + j - (eq + 1)) : 0;
            return true;
        }
        i = j + 1;
    }
    return false;
}

static bool query_matches(const struct rt_match *m, const struct gg_plan_request *req,
                          pcre2_match_data *md)
{
    for (size_t i = 0; i < m->n_query; i++) {
        struct gg_str v;
        if (!query_find(req->query, m->query[i].name, &v) ||
            !value_matches(&m->query[i], v.ptr, v.len, md))
            return false;
    }
    return true;
}

static const struct rt_match *find_match(const struct rt_vhost *vh,
                                         const struct gg_plan_request *req, struct gg_str path,
                                         pcre2_match_data *md)
{
    for (size_t i = 0; i < vh->n_matches; i++) {
        const struct rt_match *m = &vh->matches[i];
        if (!gg_rt_path_matches(m, path, md))
            continue;
        if (m->method && !(req->method.len == strlen(m->method) &&
                           memcmp(req->method.ptr, m->method, req->method.len) == 0))
            continue;
        if (headers_match(m, req, md) && query_matches(m, req, md))
            return m;
    }
    return NULL;
}

/* --- header edits ----------------------------------------------------------------- */

static bool in_names(struct gg_str name, const struct gg_str *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (name.len == names[i].len && strncasecmp(name.ptr, names[i].ptr, name.len) == 0)
            return true;
    return false;
}

static bool in_headers(struct gg_str name, const struct gg_http1_header *h, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (name.len == h[i].name.len && strncasecmp(name.ptr, h[i].name.ptr, name.len) == 0)
            return true;
    return false;
}

void gg_header_edits_apply(const struct gg_header_edits *e, const struct gg_http1_header *in,
                           size_t n, struct gg_arena *a, const struct gg_http1_header **out,
                           size_t *n_out)
{
    if (!e || (e->n_set == 0 && e->n_add == 0 && e->n_remove == 0)) {
        *out = in;
        *n_out = n;
        return;
    }
    struct gg_http1_header *h = gg_arena_alloc(a, (n + e->n_set + e->n_add + 1) * sizeof(*h));
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!in_names(in[i].name, e->remove, e->n_remove) &&
            !in_headers(in[i].name, e->set, e->n_set))
            h[k++] = in[i];
    for (size_t i = 0; i < e->n_set; i++)
        h[k++] = e->set[i];
    /* add appends to an existing field's value, as the spec's example shows
     * ("my-header: foo" plus add "my-header: bar" is "my-header: foo,bar") */
    for (size_t i = 0; i < e->n_add; i++) {
        size_t j = 0;
        while (j < k && !(h[j].name.len == e->add[i].name.len &&
                          strncasecmp(h[j].name.ptr, e->add[i].name.ptr, h[j].name.len) == 0))
            j++;
        if (j == k) {
            h[k++] = e->add[i];
            continue;
        }
        size_t len = h[j].value.len + 1 + e->add[i].value.len;
        char *v = gg_arena_alloc(a, len + 1);
        memcpy(v, h[j].value.ptr, h[j].value.len);
        v[h[j].value.len] = ',';
        memcpy(v + h[j].value.len + 1, e->add[i].value.ptr, e->add[i].value.len);
        h[j].value = (struct gg_str){v, len};
    }
    *out = h;
    *n_out = k;
}

/* <a> then <b>, as one list of edits. */
static struct gg_header_edits edits_concat(struct gg_arena *ar, const struct gg_header_edits *a,
                                           const struct gg_header_edits *b)
{
    if (b->n_set + b->n_add + b->n_remove == 0)
        return *a;
    if (a->n_set + a->n_add + a->n_remove == 0)
        return *b;
    struct gg_header_edits e = {0};
    struct gg_http1_header *set = gg_arena_alloc(ar, (a->n_set + b->n_set) * sizeof(*set) + 1);
    struct gg_http1_header *add = gg_arena_alloc(ar, (a->n_add + b->n_add) * sizeof(*add) + 1);
    struct gg_str *rm = gg_arena_alloc(ar, (a->n_remove + b->n_remove) * sizeof(*rm) + 1);
    memcpy(set, a->set, a->n_set * sizeof(*set));
    memcpy(set + a->n_set, b->set, b->n_set * sizeof(*set));
    memcpy(add, a->add, a->n_add * sizeof(*add));
    memcpy(add + a->n_add, b->add, b->n_add * sizeof(*add));
    memcpy(rm, a->remove, a->n_remove * sizeof(*rm));
    memcpy(rm + a->n_remove, b->remove, b->n_remove * sizeof(*rm));
    e.set = set;
    e.add = add;
    e.remove = rm;
    e.n_set = a->n_set + b->n_set;
    e.n_add = a->n_add + b->n_add;
    e.n_remove = a->n_remove + b->n_remove;
    return e;
}

/* --- path and URL rewriting ------------------------------------------------------ */

/* The path after a ReplaceFullPath or ReplacePrefixMatch modifier. For a
 * prefix, <m>'s matched prefix is replaced: "/prefix/one/two" under prefix
 * "/prefix/one" and "/one" is "/one/two"; under "/" it is "/two", never
 * "//two"; an empty result is "/". */
static struct gg_str modify_path(struct gg_arena *a, const struct rt_match *m, uint8_t mod,
                                 const char *value, struct gg_str path)
{
    if (mod == RT_PATH_FULL)
        return (struct gg_str){value, strlen(value)};
    if (mod != RT_PATH_PREFIX || m->path_type != GG_MATCH_PATH_PREFIX)
        return path;
    struct gg_str rest = {path.ptr + m->path_len, path.len - m->path_len};
    size_t vlen = strlen(value);
    while (vlen > 0 && value[vlen - 1] == '/' && (rest.len > 0 || vlen > 1))
        vlen--;
    char *p = gg_arena_alloc(a, vlen + rest.len + 2);
    memcpy(p, value, vlen);
    memcpy(p + vlen, rest.ptr, rest.len);
    size_t n = vlen + rest.len;
    if (n == 0 || p[0] != '/') {
        memmove(p + 1, p, n);
        p[0] = '/';
        n++;
    }
    p[n] = '\0';
    return (struct gg_str){p, n};
}

static struct gg_str join_target(struct gg_arena *a, struct gg_str path, struct gg_str query)
{
    if (!query.ptr)
        return path;
    char *p = gg_arena_alloc(a, path.len + query.len + 2);
    memcpy(p, path.ptr, path.len);
    p[path.len] = '?';
    memcpy(p + path.len + 1, query.ptr, query.len);
    return (struct gg_str){p, path.len + 1 + query.len};
}

static void plan_redirect(struct gg_arena *a, const struct rt_redirect *r, const struct rt_match *m,
                          const struct gg_plan_request *req, struct gg_str path,
                          struct gg_plan *out)
{
    const char *scheme = r->scheme ? r->scheme : req->is_tls ? "https" : "http";
    int port = r->port;
    if (port == 0)
        /* the spec: a new scheme's well-known port, else the listener's */
        port = r->scheme ? (strcmp(r->scheme, "https") == 0 ? 443 : 80) : req->frontend->port;
    bool default_port = (strcmp(scheme, "http") == 0 && port == 80) ||
                        (strcmp(scheme, "https") == 0 && port == 443);
    struct gg_str host =
        r->hostname ? (struct gg_str){r->hostname, strlen(r->hostname)} : req->host;
    struct gg_str p = modify_path(a, m, r->path_mod, r->path, path);
    struct gg_str target = join_target(a, p, req->query);
    size_t cap = strlen(scheme) + host.len + target.len + 16;
    char *loc = gg_arena_alloc(a, cap);
    int n;
    if (default_port)
        n = snprintf(loc, cap, "%s://%.*s%.*s", scheme, (int)host.len, host.ptr, (int)target.len,
                     target.ptr);
    else
        n = snprintf(loc, cap, "%s://%.*s:%d%.*s", scheme, (int)host.len, host.ptr, port,
                     (int)target.len, target.ptr);
    out->action = GG_PLAN_RESPOND;
    out->status = r->status;
    out->location = (struct gg_str){loc, (size_t)n};
}

/* --- CORS -------------------------------------------------------------------------- */

static bool origin_allowed(const struct rt_cors *c, struct gg_str origin)
{
    for (size_t i = 0; i < c->n_origins; i++) {
        const char *o = c->origins[i];
        if (strcmp(o, "*") == 0)
            return true;
        const char *star = strstr(o, "://*.");
        if (star) {
            /* a scheme with a wildcard host: same scheme, any subdomain */
            size_t scheme_len = (size_t)(star - o) + 3, suffix_len = strlen(star + 4);
            if (origin.len > scheme_len + suffix_len &&
                strncasecmp(origin.ptr, o, scheme_len) == 0 &&
                strncasecmp(origin.ptr + origin.len - suffix_len, star + 4, suffix_len) == 0)
                return true;
        } else if (origin.len == strlen(o) && strncasecmp(origin.ptr, o, origin.len) == 0) {
            return true;
        }
    }
    return false;
}

static void add_extra(struct gg_arena *a, struct gg_http1_header *h, size_t *n, const char *name,
                      const char *value)
{
    h[*n].name = (struct gg_str){name, strlen(name)};
    h[*n].value = (struct gg_str){value, strlen(value)};
    (*n)++;
    (void)a;
}

/* Adds the CORS response fields; returns true when <req> is a preflight,
 * which the proxy answers itself. */
static bool plan_cors(struct gg_arena *a, const struct rt_cors *c,
                      const struct gg_plan_request *req, struct gg_plan *out)
{
    const struct gg_http1_header *origin = gg_http1_find(req->headers, req->n_headers, "origin");
    if (!origin || !origin_allowed(c, origin->value))
        return false;
    bool preflight =
        str_ieq(req->method, "OPTIONS") &&
        gg_http1_find(req->headers, req->n_headers, "access-control-request-method") != NULL;
    struct gg_http1_header *h = gg_arena_alloc(a, 8 * sizeof(*h));
    size_t n = 0;
    bool any = c->n_origins == 1 && strcmp(c->origins[0], "*") == 0 && !c->allow_credentials;
    add_extra(a, h, &n, "access-control-allow-origin",
              any ? "*" : gg_arena_strndup(a, origin->value.ptr, origin->value.len));
    if (c->allow_credentials)
        add_extra(a, h, &n, "access-control-allow-credentials", "true");
    if (preflight) {
        if (c->methods)
            add_extra(a, h, &n, "access-control-allow-methods", c->methods);
        if (c->headers)
            add_extra(a, h, &n, "access-control-allow-headers", c->headers);
        if (c->max_age >= 0) {
            char *v = gg_arena_alloc(a, 24);
            snprintf(v, 24, "%ld", c->max_age);
            add_extra(a, h, &n, "access-control-max-age", v);
        }
    } else if (c->expose) {
        add_extra(a, h, &n, "access-control-expose-headers", c->expose);
    }
    if (!any)
        add_extra(a, h, &n, "vary", "Origin");
    out->response_extra = h;
    out->n_response_extra = n;
    return preflight;
}

/* --- backends -------------------------------------------------------------------- */

/* Smooth weighted round-robin (nginx's): each pick adds every weight to its
 * current value, takes the largest, and subtracts the total from it, so a
 * 70/30 split interleaves instead of bursting. Weight 0 is never chosen. */
static const struct rt_backend *pick_backend(const struct rt_rule *r, struct gg_plan_state *st)
{
    if (r->total_weight == 0)
        return NULL;
    int64_t *cur = st->slots + r->wrr_slot;
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < r->n_backends; i++) {
        if (r->backends[i].weight == 0)
            continue;
        cur[i] += r->backends[i].weight;
        if (best == SIZE_MAX || cur[i] > cur[best])
            best = i;
    }
    cur[best] -= (int64_t)r->total_weight;
    return &r->backends[best];
}

static const struct gg_plan_endpoint *pick_endpoint(const struct rt_endpoints *eps, uint32_t slot,
                                                    struct gg_plan_state *st)
{
    if (eps->n == 0)
        return NULL;
    uint64_t i = (uint64_t)st->slots[slot]++;
    return &eps->v[i % eps->n];
}

static void respond(struct gg_plan *out, int status, const char *body)
{
    out->action = GG_PLAN_RESPOND;
    out->status = status;
    out->body = body;
}

void gg_plan_make(const struct gg_route_table *t, struct gg_plan_state *st,
                  const struct gg_plan_request *req, struct gg_arena *a, struct gg_plan *out)
{
    memset(out, 0, sizeof(*out));
    out->rule = -1;
    (void)t;
    const struct rt_frontend *fe = (const struct rt_frontend *)req->frontend;
    if (!fe) {
        respond(out, 404, "no route matches\n");
        return;
    }

    /* Host names compare in lowercase, without a trailing dot. */
    size_t hlen = req->host.len;
    while (hlen > 0 && req->host.ptr[hlen - 1] == '.')
        hlen--;
    char *host = gg_arena_alloc(a, hlen + 1);
    for (size_t i = 0; i < hlen; i++)
        host[i] = (char)tolower((unsigned char)req->host.ptr[i]);

    const struct rt_listener *l = hostmap_find(&fe->listeners, host, hlen);
    const struct rt_vhost *vh = l ? hostmap_find(&l->vhosts, host, hlen) : NULL;
    struct gg_str path = normalize_path(a, req->path);
    const struct rt_match *m = vh ? find_match(vh, req, path, st->md) : NULL;
    if (!m) {
        respond(out, 404, "no route matches\n");
        return;
    }
    const struct rt_rule *r = m->rule;
    out->route = r->route;
    out->rule = r->index;
    out->request_timeout_ms = r->request_timeout_ms;
    out->backend_timeout_ms = r->backend_timeout_ms;
    if (r->status) {
        respond(out, r->status, "the matched rule cannot be served\n");
        return;
    }
    if (r->cors && plan_cors(a, r->cors, req, out)) {
        respond(out, 200, NULL);
        return;
    }
    if (r->redirect) {
        plan_redirect(a, r->redirect, m, req, path, out);
        return;
    }

    const struct rt_backend *b = pick_backend(r, st);
    if (!b) {
        respond(out, 500, "no backend to serve the matched rule\n");
        return;
    }
    if (b->status) {
        respond(out, b->status, "the chosen backend cannot be served\n");
        return;
    }
    out->endpoint = pick_endpoint(&b->eps, b->rr_slot, st);
    if (!out->endpoint) {
        respond(out, 503, "no ready endpoint\n");
        return;
    }

    struct gg_str new_path = path;
    out->host = req->host;
    if (r->rewrite) {
        if (r->rewrite->hostname)
            out->host = (struct gg_str){r->rewrite->hostname, strlen(r->rewrite->hostname)};
        new_path = modify_path(a, m, r->rewrite->path_mod, r->rewrite->path, path);
    }
    out->target = join_target(a, new_path, req->query);

    const struct gg_http1_header *h;
    size_t n;
    gg_header_edits_apply(&r->req_edits, req->headers, req->n_headers, a, &h, &n);
    gg_header_edits_apply(&b->req_edits, h, n, a, &out->headers, &out->n_headers);
    out->response_edits = edits_concat(a, &r->resp_edits, &b->resp_edits);

    if (r->n_mirrors) {
        struct gg_plan_mirror *mv = gg_arena_alloc(a, r->n_mirrors * sizeof(*mv));
        size_t k = 0;
        for (size_t i = 0; i < r->n_mirrors; i++) {
            const struct rt_mirror *mr = &r->mirrors[i];
            if (mr->denominator == 0 || rng_next(st) % mr->denominator >= mr->numerator)
                continue;
            const struct gg_plan_endpoint *ep = pick_endpoint(&mr->eps, mr->rr_slot, st);
            if (ep)
                mv[k++].endpoint = ep;
        }
        out->mirrors = mv;
        out->n_mirrors = k;
    }
    out->action = GG_PLAN_FORWARD;
}
