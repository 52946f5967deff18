/* SPDX-License-Identifier: Apache-2.0 */
/* Compiles a CRD's openAPIV3Schema into an immutable tree and validates
 * objects against it the way kube-apiserver does for custom resources.
 *
 * Design notes
 *   Validation is two walks over the object:
 *   1. walk(): per node, prune nulls and undeclared fields, insert defaults,
 *      then check type, enum, lengths, pattern, format, ranges, items,
 *      list-type keys, required fields and property counts. Errors that the
 *      API server treats as blocking (type and format, enum, required, too
 *      long, too many) set vctx.blocking.
 *   2. walk_cel(): only when nothing blocked, evaluate the x-kubernetes-
 *      validations rules, visiting only subtrees whose schema carries rules.
 *   Invariants: (1) the compiled tree is never written after compile, so any
 *   number of threads validate with it at once; (2) PCRE2 match data is per
 *   thread; (3) error paths are rendered only when an error is recorded. */
#include "schema.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <math.h>
#include <stdint.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cel.h"
#include "xalloc.h"

enum {
    T_OBJECT = 1,
    T_ARRAY = 2,
    T_STRING = 4,
    T_INTEGER = 8,
    T_NUMBER = 16,
    T_BOOLEAN = 32,
};

enum list_type { LIST_ATOMIC, LIST_SET, LIST_MAP };

struct prop {
    char *name;
    struct gg_schema *s;
};

struct cel_entry {
    const struct gg_cel_rule *impl; /* NULL when not implemented */
    char *message;
    char *rule;
};

struct pattern {
    char *src;
    pcre2_code *code;
    int jit; /* JIT compilation succeeded */
};

struct shared {
    struct pattern *pats;
    size_t npats;
    struct gg_schema_stats stats;
};

struct gg_schema {
    unsigned type; /* T_* bits; 0 accepts any type */
    const char *type_name;
    int nullable, preserve_unknown;
    struct prop *props;
    size_t nprops;
    uint16_t *prop_slots; /* open-addressing index into props, +1; 0 is empty */
    size_t nslots;        /* a power of two, at least twice nprops */
    struct gg_schema *additional;
    char **required;
    int *required_idx; /* index into props, -1 when not a declared property */
    size_t nrequired;
    size_t *default_props; /* indexes of props that carry a default */
    size_t ndefaults;
    struct gg_schema *items;
    long max_items, min_items, max_length, min_length, max_props; /* -1: none */
    int has_min, has_max;
    double minimum, maximum;
    enum list_type list_type;
    char **map_keys;
    size_t nmap_keys;
    const struct pattern *pattern;
    char *format;
    json_t *enum_vals;
    json_t *def;
    struct gg_schema **one_of, **any_of, *not_;
    size_t none_of, nany_of;
    struct cel_entry *cel;
    size_t ncel;
    int has_cel_below;     /* this node or one below carries CEL rules */
    char *where;           /* location for listings: ".spec.rules[]" */
    struct shared *shared; /* set on the root only */
};

/* --- compile ------------------------------------------------------------------ */

struct cctx {
    struct shared *sh;
    char *err;
    size_t errlen;
};

static const struct pattern *intern_pattern(struct cctx *c, const char *src)
{
    for (size_t i = 0; i < c->sh->npats; i++)
        if (strcmp(c->sh->pats[i].src, src) == 0)
            return &c->sh->pats[i];
    int errcode;
    PCRE2_SIZE erroff;
    pcre2_code *code =
        pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &errcode, &erroff, NULL);
    if (!code) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(errcode, msg, sizeof(msg));
        snprintf(c->err, c->errlen, "pattern '%s' does not compile at offset %zu: %s", src,
                 (size_t)erroff, (char *)msg);
        return NULL;
    }
    int jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
    /* patterns are interned up front in a fixed-size table so pointers stay valid */
    if (c->sh->npats == 256) {
        pcre2_code_free(code);
        snprintf(c->err, c->errlen, "more than 256 distinct patterns");
        return NULL;
    }
    struct pattern *p = &c->sh->pats[c->sh->npats++];
    p->src = gg_xstrdup(src);
    p->code = code;
    p->jit = jit;
    return p;
}

/* Length and the two end characters tell field names of one object apart
 * almost always, and cost nothing to read; strcmp settles the rest. */
static uint32_t name_hash(const char *s, size_t len)
{
    if (!len)
        return 0;
    uint32_t h = (uint32_t)len * 0x9e3779b1u;
    h ^= (uint32_t)(unsigned char)s[0] * 0x85ebca6bu;
    h ^= (uint32_t)(unsigned char)s[len - 1] * 0xc2b2ae35u;
    return h ^ (h >> 15);
}

static void index_props(struct gg_schema *s)
{
    s->nslots = 8;
    while (s->nslots < s->nprops * 2)
        s->nslots *= 2;
    s->prop_slots = gg_xcalloc(s->nslots, sizeof(*s->prop_slots));
    for (size_t i = 0; i < s->nprops; i++) {
        size_t j = name_hash(s->props[i].name, strlen(s->props[i].name)) & (s->nslots - 1);
        while (s->prop_slots[j])
            j = (j + 1) & (s->nslots - 1);
        s->prop_slots[j] = (uint16_t)(i + 1);
    }
}

static int prop_index_n(const struct gg_schema *s, const char *name, size_t len);

static long get_long(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (long)json_integer_value(v) : -1;
}

static struct gg_schema *compile_node(struct cctx *c, const json_t *j, const char *where);

static int compile_list(struct cctx *c, const json_t *arr, const char *where,
                        struct gg_schema ***out, size_t *n)
{
    *n = json_array_size(arr);
    *out = gg_xcalloc(*n, sizeof(**out));
    for (size_t i = 0; i < *n; i++)
        if (!((*out)[i] = compile_node(c, json_array_get(arr, i), where)))
            return -1;
    return 0;
}

static struct gg_schema *compile_node(struct cctx *c, const json_t *j, const char *where)
{
    if (!json_is_object(j)) {
        snprintf(c->err, c->errlen, "%s: schema is not an object", where);
        return NULL;
    }
    struct gg_schema *s = gg_xcalloc(1, sizeof(*s));
    s->where = gg_xstrdup(where);
    s->max_items = get_long(j, "maxItems");
    s->min_items = get_long(j, "minItems");
    s->max_length = get_long(j, "maxLength");
    s->min_length = get_long(j, "minLength");
    s->max_props = get_long(j, "maxProperties");
    c->sh->stats.nodes++;
    struct gg_schema_stats *st = &c->sh->stats;
    st->constraints += (s->max_items >= 0) + (s->min_items >= 0) + (s->max_length >= 0) +
                       (s->min_length >= 0) + (s->max_props >= 0);

    const char *t = json_string_value(json_object_get(j, "type"));
    static const struct {
        const char *name;
        unsigned bit;
    } tmap[] = {{"object", T_OBJECT},   {"array", T_ARRAY},   {"string", T_STRING},
                {"integer", T_INTEGER}, {"number", T_NUMBER}, {"boolean", T_BOOLEAN}};
    if (t) {
        for (size_t i = 0; i < sizeof(tmap) / sizeof(tmap[0]); i++)
            if (strcmp(t, tmap[i].name) == 0) {
                s->type = tmap[i].bit;
                s->type_name = tmap[i].name;
            }
        if (!s->type) {
            snprintf(c->err, c->errlen, "%s: unknown type %s", where, t);
            goto bad;
        }
        st->constraints++;
    }
    s->nullable = json_is_true(json_object_get(j, "nullable"));
    s->preserve_unknown = json_is_true(json_object_get(j, "x-kubernetes-preserve-unknown-fields"));

    const json_t *v;
    if ((v = json_object_get(j, "minimum")) && json_is_number(v)) {
        s->has_min = 1;
        s->minimum = json_number_value(v);
        st->constraints++;
    }
    if ((v = json_object_get(j, "maximum")) && json_is_number(v)) {
        s->has_max = 1;
        s->maximum = json_number_value(v);
        st->constraints++;
    }
    if ((v = json_object_get(j, "pattern")) && json_is_string(v)) {
        if (!(s->pattern = intern_pattern(c, json_string_value(v))))
            goto bad;
        st->constraints++;
    }
    if ((v = json_object_get(j, "format")) && json_is_string(v)) {
        s->format = gg_xstrdup(json_string_value(v));
        st->constraints++;
    }
    if ((v = json_object_get(j, "enum")) && json_is_array(v)) {
        s->enum_vals = json_deep_copy(v);
        st->constraints++;
    }
    if ((v = json_object_get(j, "default"))) {
        s->def = json_deep_copy(v);
        st->defaults++;
    }
    const char *lt = json_string_value(json_object_get(j, "x-kubernetes-list-type"));
    if (lt && strcmp(lt, "set") == 0)
        s->list_type = LIST_SET, st->constraints++;
    else if (lt && strcmp(lt, "map") == 0)
        s->list_type = LIST_MAP, st->constraints++;
    if ((v = json_object_get(j, "x-kubernetes-list-map-keys")) && json_is_array(v)) {
        s->nmap_keys = json_array_size(v);
        s->map_keys = gg_xcalloc(s->nmap_keys, sizeof(char *));
        for (size_t i = 0; i < s->nmap_keys; i++)
            s->map_keys[i] = gg_xstrdup(json_string_value(json_array_get(v, i)) ?: "");
    }
    if ((v = json_object_get(j, "required")) && json_is_array(v)) {
        s->nrequired = json_array_size(v);
        s->required = gg_xcalloc(s->nrequired, sizeof(char *));
        for (size_t i = 0; i < s->nrequired; i++)
            s->required[i] = gg_xstrdup(json_string_value(json_array_get(v, i)) ?: "");
        st->constraints += s->nrequired;
    }
    if ((v = json_object_get(j, "properties")) && json_is_object(v)) {
        /* in key order, which is how errors are reported: stable across inputs */
        s->nprops = json_object_size(v);
        s->props = gg_xcalloc(s->nprops, sizeof(*s->props));
        const char **keys = gg_xcalloc(s->nprops, sizeof(char *));
        size_t n = 0;
        const char *k;
        json_t *child;
        json_object_foreach((json_t *)v, k, child) keys[n++] = k;
        for (size_t a = 1; a < n; a++) /* insertion sort: small maps */
            for (size_t b = a; b > 0 && strcmp(keys[b - 1], keys[b]) > 0; b--) {
                const char *tmp = keys[b];
                keys[b] = keys[b - 1];
                keys[b - 1] = tmp;
            }
        for (size_t i = 0; i < n; i++) {
            char *w = gg_xasprintf("%s.%s", where, keys[i]);
            s->props[i].name = gg_xstrdup(keys[i]);
            s->props[i].s = compile_node(c, json_object_get(v, keys[i]), w);
            free(w);
            if (!s->props[i].s) {
                free(keys);
                goto bad;
            }
            s->has_cel_below |= s->props[i].s->has_cel_below;
        }
        free(keys);
        index_props(s);
        for (size_t i = 0; i < s->nprops; i++)
            if (s->props[i].s->def) {
                s->default_props =
                    gg_xrealloc(s->default_props, (s->ndefaults + 1) * sizeof(*s->default_props));
                s->default_props[s->ndefaults++] = i;
            }
    }
    s->required_idx = gg_xcalloc(s->nrequired ? s->nrequired : 1, sizeof(int));
    for (size_t i = 0; i < s->nrequired; i++)
        s->required_idx[i] = prop_index_n(s, s->required[i], strlen(s->required[i]));
    if ((v = json_object_get(j, "additionalProperties")) && json_is_object(v)) {
        char *w = gg_xasprintf("%s{}", where);
        s->additional = compile_node(c, v, w);
        free(w);
        if (!s->additional)
            goto bad;
        s->has_cel_below |= s->additional->has_cel_below;
    }
    if ((v = json_object_get(j, "items"))) {
        char *w = gg_xasprintf("%s[]", where);
        s->items = compile_node(c, v, w);
        free(w);
        if (!s->items)
            goto bad;
        s->has_cel_below |= s->items->has_cel_below;
    }
    if ((v = json_object_get(j, "oneOf")) && compile_list(c, v, where, &s->one_of, &s->none_of))
        goto bad;
    if ((v = json_object_get(j, "anyOf")) && compile_list(c, v, where, &s->any_of, &s->nany_of))
        goto bad;
    if ((v = json_object_get(j, "not")) && !(s->not_ = compile_node(c, v, where)))
        goto bad;
    if ((v = json_object_get(j, "x-kubernetes-validations")) && json_is_array(v)) {
        s->ncel = json_array_size(v);
        s->cel = gg_xcalloc(s->ncel, sizeof(*s->cel));
        for (size_t i = 0; i < s->ncel; i++) {
            const json_t *r = json_array_get(v, i);
            const char *rule = json_string_value(json_object_get(r, "rule"));
            const char *msg = json_string_value(json_object_get(r, "message"));
            s->cel[i].rule = gg_xstrdup(rule ? rule : "");
            s->cel[i].message = gg_xstrdup(msg ? msg : (rule ? rule : ""));
            s->cel[i].impl = gg_cel_find(s->cel[i].message, s->cel[i].rule);
            st->cel_rules++;
            st->cel_missing += s->cel[i].impl == NULL;
        }
        s->has_cel_below = 1;
    }
    return s;
bad:
    gg_schema_free(s);
    return NULL;
}

struct gg_schema *gg_schema_compile(const json_t *openapi, char *err, size_t errlen)
{
    struct shared *sh = gg_xcalloc(1, sizeof(*sh));
    sh->pats = gg_xcalloc(256, sizeof(*sh->pats));
    struct cctx c = {sh, err, errlen};
    struct gg_schema *s = compile_node(&c, openapi, "");
    if (!s) {
        for (size_t i = 0; i < sh->npats; i++) {
            free(sh->pats[i].src);
            pcre2_code_free(sh->pats[i].code);
        }
        free(sh->pats);
        free(sh);
        return NULL;
    }
    s->shared = sh;
    return s;
}

void gg_schema_free(struct gg_schema *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nprops; i++) {
        free(s->props[i].name);
        gg_schema_free(s->props[i].s);
    }
    free(s->props);
    free(s->prop_slots);
    gg_schema_free(s->additional);
    gg_schema_free(s->items);
    for (size_t i = 0; i < s->nrequired; i++)
        free(s->required[i]);
    free(s->required);
    free(s->required_idx);
    free(s->default_props);
    for (size_t i = 0; i < s->nmap_keys; i++)
        free(s->map_keys[i]);
    free(s->map_keys);
    free(s->format);
    json_decref(s->enum_vals);
    json_decref(s->def);
    for (size_t i = 0; i < s->none_of; i++)
        gg_schema_free(s->one_of[i]);
    free(s->one_of);
    for (size_t i = 0; i < s->nany_of; i++)
        gg_schema_free(s->any_of[i]);
    free(s->any_of);
    gg_schema_free(s->not_);
    for (size_t i = 0; i < s->ncel; i++) {
        free(s->cel[i].message);
        free(s->cel[i].rule);
    }
    free(s->cel);
    free(s->where);
    if (s->shared) {
        for (size_t i = 0; i < s->shared->npats; i++) {
            free(s->shared->pats[i].src);
            pcre2_code_free(s->shared->pats[i].code);
        }
        free(s->shared->pats);
        free(s->shared);
    }
    free(s);
}

void gg_schema_stats(const struct gg_schema *s, struct gg_schema_stats *out)
{
    memset(out, 0, sizeof(*out));
    if (s && s->shared)
        *out = s->shared->stats;
}

static void each_missing(const struct gg_schema *s, gg_schema_missing_cb cb, void *ctx)
{
    if (!s || !s->has_cel_below)
        return;
    for (size_t i = 0; i < s->ncel; i++)
        if (!s->cel[i].impl)
            cb(ctx, s->where[0] ? s->where : ".", s->cel[i].message, s->cel[i].rule);
    for (size_t i = 0; i < s->nprops; i++)
        each_missing(s->props[i].s, cb, ctx);
    each_missing(s->additional, cb, ctx);
    each_missing(s->items, cb, ctx);
}

void gg_schema_each_missing(const struct gg_schema *s, gg_schema_missing_cb cb, void *ctx)
{
    each_missing(s, cb, ctx);
}

/* --- validate ------------------------------------------------------------------- */

struct vctx {
    struct gg_errs *errs;
    int blocking;
    int branch; /* inside oneOf/anyOf/not: check only, never change the object */
    int discr;  /* in a branch, an enum or `not` failed: the branch is not this value's */
};

static const char *json_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "object";
    case JSON_ARRAY:
        return "array";
    case JSON_STRING:
        return "string";
    case JSON_INTEGER:
        return "integer";
    case JSON_REAL:
        return "number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "boolean";
    default:
        return "null";
    }
}

static int type_ok(unsigned want, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return want & T_OBJECT;
    case JSON_ARRAY:
        return want & T_ARRAY;
    case JSON_STRING:
        return want & T_STRING;
    case JSON_INTEGER:
        return want & (T_INTEGER | T_NUMBER);
    case JSON_REAL: {
        double d = json_real_value(v);
        return (want & T_NUMBER) || ((want & T_INTEGER) && d == floor(d) && fabs(d) < 9.0e15);
    }
    case JSON_TRUE:
    case JSON_FALSE:
        return want & T_BOOLEAN;
    default:
        return 0;
    }
}

static void add_in_body(struct vctx *c, enum gg_err_type t, const struct gg_path *p,
                        const json_t *v, const char *fmt, const char *arg)
{
    char *path = gg_path_dup(p);
    char *value = gg_errs_render_json(v);
    gg_errs_addf(c->errs, GG_SEV_ERROR, t, p, v, value, fmt, path, arg);
    free(value);
    free(path);
}

static size_t utf8_count(const char *s, size_t n)
{
    size_t r = 0;
    for (size_t i = 0; i < n; i++)
        r += ((unsigned char)s[i] & 0xc0) != 0x80;
    return r;
}

/* Match data is per thread (STYLE: shared compiled patterns, private match
 * state), made on a thread's first match and freed when the thread exits. */
static pthread_key_t md_key;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void md_free(void *md)
{
    pcre2_match_data_free(md);
}

static void md_key_init(void)
{
    pthread_key_create(&md_key, md_free);
}

static int match_pattern(const struct pattern *pat, const char *s, size_t n)
{
    static _Thread_local pcre2_match_data *md;
    if (!md) {
        md = pcre2_match_data_create(1, NULL);
        pthread_once(&md_once, md_key_init);
        pthread_setspecific(md_key, md);
    }
    /* pcre2_jit_match skips pcre2_match's argument checks: a measurable
     * share of the time on short values; it falls back when JIT failed */
    int rc = pat->jit ? pcre2_jit_match(pat->code, (PCRE2_SPTR)s, n, 0, 0, md, NULL)
                      : pcre2_match(pat->code, (PCRE2_SPTR)s, n, 0, 0, md, NULL);
    return rc >= 0;
}

static int is_ipv4(const char *s)
{
    int parts = 0;
    const char *p = s;
    for (;;) {
        if (!(*p >= '0' && *p <= '9'))
            return 0;
        int v = 0, digits = 0;
        const char *start = p;
        while (*p >= '0' && *p <= '9') {
            v = v * 10 + (*p++ - '0');
            if (++digits > 3)
                return 0;
        }
        if (v > 255 || (digits > 1 && *start == '0'))
            return 0;
        parts++;
        if (*p == '\0')
            return parts == 4;
        if (*p++ != '.' || parts == 4)
            return 0;
    }
}

static int is_ipv6(const char *s)
{
    int groups = 0, dcolon = 0;
    const char *p = s;
    if (p[0] == ':') {
        if (p[1] != ':')
            return 0;
        dcolon = 1;
        p += 2;
        if (!*p)
            return 1;
    }
    for (;;) {
        const char *start = p;
        int digits = 0;
        while ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F'))
            p++, digits++;
        if (*p == '.') { /* a trailing IPv4 part counts as two groups */
            if (!is_ipv4(start))
                return 0;
            groups += 2;
            break;
        }
        if (digits == 0 || digits > 4)
            return 0;
        groups++;
        if (!*p)
            break;
        if (*p != ':')
            return 0;
        p++;
        if (*p == ':') {
            if (dcolon)
                return 0;
            dcolon = 1;
            p++;
            if (!*p)
                break;
        }
    }
    return dcolon ? groups < 8 : groups == 8;
}

static int format_ok(const char *format, const json_t *v)
{
    if (!json_is_string(v))
        return 1;
    const char *s = json_string_value(v);
    if (strcmp(format, "ipv4") == 0)
        return is_ipv4(s);
    if (strcmp(format, "ipv6") == 0)
        return is_ipv6(s);
    return 1; /* int32, int64, date-time: the API server does not reject on these here */
}

static void walk(const struct gg_schema *s, json_t *node, const struct gg_path *p, struct vctx *c);

static void branch_errors(const struct gg_schema *b, json_t *node, const struct gg_path *p,
                          struct gg_errs *out, int *ok, int *enum_failed)
{
    struct vctx bc = {out, 0, 1, 0};
    size_t before = out->n_errors;
    walk(b, node, p, &bc);
    *ok = out->n_errors == before;
    *enum_failed = bc.discr;
}

static void check_combinators(const struct gg_schema *s, json_t *node, const struct gg_path *p,
                              struct vctx *c)
{
    if (s->none_of) {
        size_t valid = 0;
        struct gg_errs keep;
        gg_errs_init(&keep);
        keep.subject = c->errs->subject;
        for (size_t i = 0; i < s->none_of; i++) {
            struct gg_errs tmp;
            gg_errs_init(&tmp);
            tmp.subject = c->errs->subject;
            int ok, enum_failed;
            branch_errors(s->one_of[i], node, p, &tmp, &ok, &enum_failed);
            valid += ok;
            if (!ok && !enum_failed) /* the branch this value was meant for */
                gg_errs_take(&keep, &tmp);
            gg_errs_clear(&tmp);
        }
        if (valid != 1) {
            gg_errs_take(c->errs, &keep);
            char *path = gg_path_dup(p);
            char *value = gg_errs_render_json(node);
            if (valid == 0)
                gg_errs_addf(c->errs, GG_SEV_ERROR, GG_ERR_INVALID, p, node, value,
                             "%s must validate one and only one schema (oneOf). Found none valid",
                             path);
            else
                gg_errs_addf(c->errs, GG_SEV_ERROR, GG_ERR_INVALID, p, node, value,
                             "%s must validate one and only one schema (oneOf). Found %zu valid "
                             "alternatives",
                             path, valid);
            free(value);
            free(path);
            c->blocking = 1;
        }
        gg_errs_clear(&keep);
    }
    if (s->nany_of) {
        struct gg_errs tmp;
        gg_errs_init(&tmp);
        tmp.subject = c->errs->subject;
        int any = 0;
        for (size_t i = 0; i < s->nany_of && !any; i++) {
            int ok, enum_failed;
            branch_errors(s->any_of[i], node, p, &tmp, &ok, &enum_failed);
            any |= ok;
        }
        if (!any) {
            gg_errs_take(c->errs, &tmp);
            c->blocking = 1;
        }
        gg_errs_clear(&tmp);
    }
    if (s->not_) {
        struct gg_errs tmp;
        gg_errs_init(&tmp);
        int ok, enum_failed;
        branch_errors(s->not_, node, p, &tmp, &ok, &enum_failed);
        gg_errs_clear(&tmp);
        if (ok) {
            c->discr = 1;
            char *path = gg_path_dup(p);
            char *value = gg_errs_render_json(node);
            gg_errs_addf(c->errs, GG_SEV_ERROR, GG_ERR_INVALID, p, node, value,
                         "%s must not validate the schema (not)", path);
            free(value);
            free(path);
            c->blocking = 1;
        }
    }
}

static const struct gg_schema *prop_schema(const struct gg_schema *s, const char *name)
{
    int i = prop_index_n(s, name, strlen(name));
    return i >= 0 ? s->props[i].s : NULL;
}

/* A default to insert: scalars are immutable and shared, containers are
 * copied because defaults are applied inside them afterwards. */
static json_t *default_value(const json_t *def)
{
    if (json_is_object(def) || json_is_array(def))
        return json_deep_copy(def);
    return json_incref((json_t *)def);
}

static int prop_index_n(const struct gg_schema *s, const char *name, size_t len)
{
    if (!s->nprops)
        return -1;
    size_t j = name_hash(name, len) & (s->nslots - 1);
    for (uint16_t slot; (slot = s->prop_slots[j]); j = (j + 1) & (s->nslots - 1))
        if (strcmp(s->props[slot - 1].name, name) == 0)
            return slot - 1;
    return -1;
}

/* One pass over the input's keys, in the input's order so findings follow
 * the file line by line: prune, record which properties are present, and
 * descend. Then the defaults of absent properties, then required fields,
 * both answered from the presence mask rather than by hashing names again. */
static void walk_object(const struct gg_schema *s, json_t *node, const struct gg_path *p,
                        struct vctx *c)
{
    int is_root = !p || p->step == GG_PATH_ROOT;
    int use_mask = s->nprops <= 64;
    uint64_t present = 0;
    const char *k;
    size_t klen;
    json_t *v;
    void *tmp;
    json_object_keylen_foreach_safe(node, tmp, k, klen, v)
    {
        if (is_root && klen == 6 && strcmp(k, "status") == 0)
            continue;
        int idx = prop_index_n(s, k, klen);
        const struct gg_schema *cs = idx >= 0 ? s->props[idx].s : s->additional;
        if (!cs) {
            if (c->branch || s->preserve_unknown || (s->nprops == 0 && !s->type))
                continue;
            if (s->nprops == 0 && s->type == T_OBJECT)
                continue; /* a free-form object such as metadata */
            struct gg_path up = gg_path_child(p, k);
            gg_errs_warn(c->errs, &up, v,
                         "unknown field \"%s\": the API server drops it; check the spelling "
                         "and the indentation",
                         k);
            json_object_del(node, k);
            continue;
        }
        if (!c->branch && json_is_null(v) && !cs->nullable) {
            json_object_del(node, k);
            continue;
        }
        if (idx >= 0 && idx < 64)
            present |= (uint64_t)1 << idx;
        if (idx >= 0) {
            struct gg_path cp = gg_path_child(p, k);
            walk(cs, v, &cp, c);
        } else {
            struct gg_path cp = gg_path_key(p, k);
            walk(cs, v, &cp, c);
        }
    }
    if (!c->branch && s->ndefaults) {
        for (size_t d = 0; d < s->ndefaults; d++) {
            size_t i = s->default_props[d];
            int has = use_mask ? (int)((present >> i) & 1)
                               : json_object_get(node, s->props[i].name) != NULL;
            if (has)
                continue;
            json_t *dv = default_value(s->props[i].s->def);
            json_object_set_new_nocheck(node, s->props[i].name, dv);
            if (use_mask)
                present |= (uint64_t)1 << i;
            if (json_is_object(dv) || json_is_array(dv)) {
                /* defaults inside a defaulted container apply too */
                struct gg_path cp = gg_path_child(p, s->props[i].name);
                walk(s->props[i].s, dv, &cp, c);
            }
        }
    }
    for (size_t i = 0; i < s->nrequired; i++) {
        int ri = s->required_idx[i];
        int has = use_mask && ri >= 0 ? (int)((present >> ri) & 1)
                                      : json_object_get(node, s->required[i]) != NULL;
        if (!has) {
            struct gg_path rp = gg_path_child(p, s->required[i]);
            gg_errs_add(c->errs, GG_ERR_REQUIRED, &rp, node, NULL);
            c->blocking = 1;
        }
    }
    if (s->max_props >= 0 && json_object_size(node) > (size_t)s->max_props) {
        char *value = gg_xasprintf("%zu", json_object_size(node));
        gg_errs_addf(c->errs, GG_SEV_ERROR, GG_ERR_TOO_MANY, p, node, value,
                     "must have at most %ld items", s->max_props);
        free(value);
        c->blocking = 1;
    }
}

static int same_map_keys(const struct gg_schema *s, const json_t *a, const json_t *b)
{
    for (size_t k = 0; k < s->nmap_keys; k++) {
        const json_t *x = json_object_get(a, s->map_keys[k]);
        const json_t *y = json_object_get(b, s->map_keys[k]);
        if (!x != !y || (x && !json_equal(x, y)))
            return 0;
    }
    return 1;
}

static void walk_array(const struct gg_schema *s, json_t *node, const struct gg_path *p,
                       struct vctx *c)
{
    size_t n = json_array_size(node);
    if (s->max_items >= 0 && n > (size_t)s->max_items) {
        char *value = gg_xasprintf("%zu", n);
        gg_errs_addf(c->errs, GG_SEV_ERROR, GG_ERR_TOO_MANY, p, node, value,
                     "must have at most %ld items", s->max_items);
        free(value);
        c->blocking = 1;
        return; /* the API server does not look inside an oversized list */
    }
    if (s->min_items >= 0 && n < (size_t)s->min_items) {
        char *path = gg_path_dup(p);
        char *value = gg_xasprintf("%zu", n);
        gg_errs_addf(c->errs, GG_SEV_ERROR, GG_ERR_INVALID, p, node, value,
                     "%s in body should have at least %ld items", path, s->min_items);
        free(value);
        free(path);
    }
    if (s->items)
        for (size_t i = 0; i < n; i++) {
            struct gg_path ip = gg_path_index(p, i);
            walk(s->items, json_array_get(node, i), &ip, c);
        }
    if (s->list_type == LIST_SET || (s->list_type == LIST_MAP && s->nmap_keys)) {
        for (size_t i = 1; i < n; i++) {
            const json_t *a = json_array_get(node, i);
            for (size_t j = 0; j < i; j++) {
                const json_t *b = json_array_get(node, j);
                int dup = s->list_type == LIST_SET
                              ? json_equal((json_t *)a, (json_t *)b)
                              : (json_is_object(a) && json_is_object(b) && same_map_keys(s, a, b));
                if (!dup)
                    continue;
                struct gg_path ip = gg_path_index(p, i);
                char *value;
                if (s->list_type == LIST_SET) {
                    value = gg_errs_render_json(a);
                } else {
                    json_t *keys = json_object();
                    for (size_t k = 0; k < s->nmap_keys; k++) {
                        json_t *kv = json_object_get(a, s->map_keys[k]);
                        if (kv)
                            json_object_set(keys, s->map_keys[k], kv);
                    }
                    char *d = json_dumps(keys, JSON_COMPACT | JSON_SORT_KEYS);
                    value = gg_xstrdup(d ? d : "{}");
                    gg_json_free(d);
                    json_decref(keys);
                }
                gg_errs_addf(c->errs, GG_SEV_ERROR, GG_ERR_DUPLICATE, &ip, a, value, NULL);
                free(value);
                break;
            }
        }
    }
}

static void walk_scalar(const struct gg_schema *s, json_t *node, const struct gg_path *p,
                        struct vctx *c)
{
    if (json_is_string(node)) {
        const char *str = json_string_value(node);
        size_t len = json_string_length(node);
        if (s->max_length >= 0 && utf8_count(str, len) > (size_t)s->max_length) {
            gg_errs_addf(c->errs, GG_SEV_ERROR, GG_ERR_TOO_LONG, p, node, NULL,
                         "may not be more than %ld bytes", s->max_length);
            c->blocking = 1;
        } else {
            if (s->min_length >= 0 && utf8_count(str, len) < (size_t)s->min_length) {
                char n[32];
                snprintf(n, sizeof(n), "%ld", s->min_length);
                add_in_body(c, GG_ERR_INVALID, p, node,
                            "%s in body should be at least %s chars long", n);
            }
            if (s->pattern && !match_pattern(s->pattern, str, len))
                add_in_body(c, GG_ERR_INVALID, p, node, "%s in body should match '%s'",
                            s->pattern->src);
        }
    }
    if (json_is_number(node)) {
        double d = json_number_value(node);
        char lim[64];
        if (s->has_max && d > s->maximum) {
            snprintf(lim, sizeof(lim), "%.15g", s->maximum);
            add_in_body(c, GG_ERR_INVALID, p, node, "%s in body should be less than or equal to %s",
                        lim);
        }
        if (s->has_min && d < s->minimum) {
            snprintf(lim, sizeof(lim), "%.15g", s->minimum);
            add_in_body(c, GG_ERR_INVALID, p, node,
                        "%s in body should be greater than or equal to %s", lim);
        }
    }
    if (s->format && !format_ok(s->format, node)) {
        char *path = gg_path_dup(p);
        char *value = gg_errs_render_json(node);
        gg_errs_addf(c->errs, GG_SEV_ERROR, GG_ERR_INVALID, p, node, value,
                     "%s in body must be of type %s: %s", path, s->format, value);
        free(value);
        free(path);
        c->blocking = 1;
    }
}

static void check_enum(const struct gg_schema *s, const json_t *node, const struct gg_path *p,
                       struct vctx *c)
{
    size_t i;
    json_t *e;
    json_array_foreach(s->enum_vals, i, e)
    {
        if (json_equal(e, (json_t *)node))
            return;
    }
    struct gg_buf b;
    gg_buf_init(&b);
    gg_buf_adds(&b, "supported values: ");
    json_array_foreach(s->enum_vals, i, e)
    {
        if (i)
            gg_buf_adds(&b, ", ");
        char *r = json_is_string(e) ? NULL : gg_errs_render_json(e);
        const char *txt = r ? r : json_string_value(e);
        gg_buf_add_goquoted(&b, txt, strlen(txt));
        free(r);
    }
    char *value = gg_errs_render_json(node);
    gg_errs_addf(c->errs, GG_SEV_ERROR, GG_ERR_UNSUPPORTED, p, node, value, "%s", b.data);
    free(value);
    gg_buf_clear(&b);
    c->blocking = 1;
    c->discr = 1;
}

static void walk(const struct gg_schema *s, json_t *node, const struct gg_path *p, struct vctx *c)
{
    if (json_is_null(node) && s->nullable)
        return;
    if (s->type && !type_ok(s->type, node)) {
        char *path = gg_path_dup(p);
        char *tn = gg_errs_render_str(json_type_name(node));
        gg_errs_addf(c->errs, GG_SEV_ERROR, GG_ERR_INVALID, p, node, tn,
                     "%s in body must be of type %s: %s", path, s->type_name, tn);
        free(tn);
        free(path);
        c->blocking = 1;
        return;
    }
    if (s->enum_vals)
        check_enum(s, node, p, c);
    if (json_is_object(node))
        walk_object(s, node, p, c);
    else if (json_is_array(node))
        walk_array(s, node, p, c);
    else
        walk_scalar(s, node, p, c);
    if (s->none_of || s->nany_of || s->not_)
        check_combinators(s, node, p, c);
}

/* --- CEL ------------------------------------------------------------------------------ */

static const json_t *old_item(const struct gg_schema *s, const json_t *old, const json_t *item)
{
    if (!old || !json_is_array(old) || s->list_type != LIST_MAP || !s->nmap_keys)
        return NULL; /* atomic lists and sets do not correlate items with the old object */
    size_t j;
    json_t *o;
    json_array_foreach(old, j, o)
    {
        if (json_is_object(o) && same_map_keys(s, item, o))
            return o;
    }
    return NULL;
}

static void walk_cel(const struct gg_schema *s, const json_t *node, const json_t *old,
                     const struct gg_path *p, struct vctx *c)
{
    if (!s->has_cel_below)
        return;
    for (size_t i = 0; i < s->ncel; i++) {
        const struct gg_cel_rule *r = s->cel[i].impl;
        if (!r || (r->is_transition && !old))
            continue;
        char err[256] = "";
        enum gg_cel_result res = r->fn(node, old, err, sizeof(err));
        if (res == GG_CEL_PASS)
            continue;
        char *tn = gg_errs_render_str(s->type_name ? s->type_name : json_type_name(node));
        if (res == GG_CEL_FAIL)
            gg_errs_addf(c->errs, GG_SEV_ERROR, GG_ERR_INVALID, p, node, tn, "%s",
                         s->cel[i].message);
        else
            gg_errs_addf(c->errs, GG_SEV_ERROR, GG_ERR_INVALID, p, node, tn,
                         "%s evaluating rule: %s", err, s->cel[i].message);
        free(tn);
    }
    if (json_is_object(node)) {
        int is_root = !p || p->step == GG_PATH_ROOT;
        for (size_t i = 0; i < s->nprops; i++) {
            if (!s->props[i].s->has_cel_below) /* before any lookup: most have none */
                continue;
            const json_t *v = json_object_get(node, s->props[i].name);
            if (!v || (is_root && strcmp(s->props[i].name, "status") == 0))
                continue;
            struct gg_path cp = gg_path_child(p, s->props[i].name);
            walk_cel(s->props[i].s, v, old ? json_object_get(old, s->props[i].name) : NULL, &cp, c);
        }
        if (s->additional && s->additional->has_cel_below) {
            const char *k;
            json_t *v;
            json_object_foreach((json_t *)node, k, v)
            {
                if (prop_schema(s, k))
                    continue;
                struct gg_path cp = gg_path_key(p, k);
                walk_cel(s->additional, v, old ? json_object_get(old, k) : NULL, &cp, c);
            }
        }
    } else if (json_is_array(node) && s->items && s->items->has_cel_below) {
        size_t i;
        json_t *v;
        json_array_foreach(node, i, v)
        {
            struct gg_path ip = gg_path_index(p, i);
            walk_cel(s->items, v, old_item(s, old, v), &ip, c);
        }
    }
}

int gg_schema_validate(const struct gg_schema *s, json_t *obj, const json_t *old,
                       const struct gg_path *root, struct gg_errs *errs)
{
    struct gg_path top = GG_PATH_ROOT_INIT;
    if (!root)
        root = &top;
    struct vctx c = {errs, 0, 0, 0};
    const char *saved = errs->check;
    errs->check = "schema";
    walk(s, obj, root, &c);
    if (c.blocking) {
        struct gg_path nil = GG_PATH_ROOT_INIT;
        gg_errs_addf(errs, GG_SEV_ERROR, GG_ERR_INVALID, &nil, NULL, "\"null\"",
                     "some validation rules were not checked because the object was invalid; "
                     "correct the existing errors to complete validation");
    } else {
        errs->check = "cel";
        gg_cel_begin();
        walk_cel(s, obj, old, root, &c);
        gg_cel_end();
    }
    errs->check = saved;
    return c.blocking;
}
