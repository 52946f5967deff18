/* SPDX-License-Identifier: Apache-2.0 */
/* YAML and JSON manifests into jansson objects with lines. libyaml's event
 * API builds the tree directly (no intermediate document), scalars resolve as
 * kubectl's YAML 1.1 decoder resolves them, and every limit is checked before
 * the allocation it guards. JSON is read by the same parser (JSON is YAML),
 * so JSON files get lines too. */
#include "load.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "linemap.h"
#include "xalloc.h"

void gg_docs_init(struct gg_docs *d)
{
    memset(d, 0, sizeof(*d));
}

void gg_docs_clear(struct gg_docs *d)
{
    for (size_t i = 0; i < d->n; i++)
        json_decref(d->items[i].obj);
    free(d->items);
    for (size_t i = 0; i < d->nfiles; i++)
        free(d->files[i]);
    free(d->files);
    gg_linemap_free(d->lines);
    gg_docs_init(d);
}

static const char *remember_file(struct gg_docs *d, const char *name)
{
    d->files = gg_xrealloc(d->files, (d->nfiles + 1) * sizeof(*d->files));
    d->files[d->nfiles] = gg_xstrdup(name);
    return d->files[d->nfiles++];
}

static void push_doc(struct gg_docs *d, json_t *obj, const char *file, int line)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->items = gg_xrealloc(d->items, d->cap * sizeof(*d->items));
    }
    d->items[d->n].obj = obj;
    d->items[d->n].file = file;
    d->items[d->n].line = line;
    d->n++;
}

/* --- scalar resolution ----------------------------------------------------- */

static int eq_any(const char *s, const char *const *set)
{
    for (; *set; set++)
        if (strcmp(s, *set) == 0)
            return 1;
    return 0;
}

/* Integers as go-yaml v2 reads them: decimal, 0x hex, 0b binary, 0-prefixed
 * octal, '_' separators. Returns 0 when <s> is not an integer. */
static int parse_int(const char *s, json_int_t *out)
{
    int neg = 0;
    const char *p = s;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if (!*p)
        return 0;
    int base = 10;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        base = 16, p += 2;
    else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
        base = 2, p += 2;
    else if (p[0] == '0' && p[1] == 'o')
        base = 8, p += 2;
    else if (p[0] == '0' && p[1])
        base = 8, p += 1;
    if (!*p)
        return 0;
    unsigned long long v = 0;
    for (; *p; p++) {
        if (*p == '_')
            continue;
        int dv;
        if (*p >= '0' && *p <= '9')
            dv = *p - '0';
        else if (*p >= 'a' && *p <= 'f')
            dv = *p - 'a' + 10;
        else if (*p >= 'A' && *p <= 'F')
            dv = *p - 'A' + 10;
        else
            return 0;
        if (dv >= base)
            return 0;
        if (v > (0x7fffffffffffffffULL - (unsigned)dv) / (unsigned)base)
            return 0; /* overflow: go-yaml falls back to float or string */
        v = v * (unsigned)base + (unsigned)dv;
    }
    *out = neg ? -(json_int_t)v : (json_int_t)v;
    return 1;
}

static int parse_float(const char *s, double *out)
{
    static const char *const inf[] = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", NULL};
    static const char *const ninf[] = {"-.inf", "-.Inf", "-.INF", NULL};
    if (eq_any(s, inf) || eq_any(s, ninf) || !strcmp(s, ".nan") || !strcmp(s, ".NaN") ||
        !strcmp(s, ".NAN"))
        return 0; /* JSON has no such numbers; keep them as strings */
    /* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    int digits = 0;
    while (*p >= '0' && *p <= '9')
        p++, digits++;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9')
            p++, digits++;
    }
    if (!digits)
        return 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p)
        return 0;
    *out = strtod(s, NULL);
    return 1;
}

static json_t *resolve_plain(const char *s, size_t len)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
    static const char *const trues[] = {"true", "True", "TRUE", "yes", "Yes", "YES",
                                        "on",   "On",   "ON",   "y",   "Y",   NULL};
    static const char *const falses[] = {"false", "False", "FALSE", "no", "No", "NO",
                                         "off",   "Off",   "OFF",   "n",  "N",  NULL};
    if (memchr(s, '\0', len)) /* an embedded NUL: only a string can hold it */
        return json_stringn_nocheck(s, len);
    /* every null and boolean word is at most five bytes and starts with one
     * of these letters: most scalars skip the word lists */
    if (len <= 5 && (len == 0 || strchr("~nNtTyYoOfF", s[0])) && eq_any(s, nulls))
        return json_null();
    if (len <= 5 && len && strchr("tTyYoOnNfF", s[0])) {
        if (eq_any(s, trues))
            return json_true();
        if (eq_any(s, falses))
            return json_false();
    }
    if ((s[0] >= '0' && s[0] <= '9') || s[0] == '-' || s[0] == '+' || s[0] == '.') {
        json_int_t i;
        if (parse_int(s, &i))
            return json_integer(i);
        double f;
        if (parse_float(s, &f))
            return json_real(f);
    }
    return json_stringn_nocheck(s, len);
}

/* --- the tree builder ------------------------------------------------------- */

struct anchor {
    char *name;
    json_t *node;  /* owned reference */
    size_t weight; /* nodes in the subtree, counted against the node budget */
};

struct builder {
    yaml_parser_t parser;
    const char *file;
    struct gg_linemap *lines;
    struct anchor *anchors;
    size_t nanchors;
    size_t nodes; /* budget used, aliases counted at their full size */
    char *err;
    size_t errlen;
};

static void clear_anchors(struct builder *b)
{
    for (size_t i = 0; i < b->nanchors; i++) {
        free(b->anchors[i].name);
        json_decref(b->anchors[i].node);
    }
    free(b->anchors);
    b->anchors = NULL;
    b->nanchors = 0;
}

static int fail(struct builder *b, const yaml_mark_t *m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct builder *b, const yaml_mark_t *m, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    gg_seterr(b->err, b->errlen, "%s:%zu:%zu: %s", b->file, m->line + 1, m->column + 1, what);
    return -1;
}

static int next_event(struct builder *b, yaml_event_t *ev)
{
    if (yaml_parser_parse(&b->parser, ev))
        return 0;
    const yaml_parser_t *p = &b->parser;
    const yaml_mark_t *m =
        p->problem_mark.line || p->problem_mark.column ? &p->problem_mark : &p->context_mark;
    char what[200];
    if (p->context)
        snprintf(what, sizeof(what), "%s %s", p->context, p->problem ? p->problem : "");
    else
        snprintf(what, sizeof(what), "%s", p->problem ? p->problem : "invalid YAML");
    return fail(b, m, "invalid YAML: %s", what);
}

static int count_budget(struct builder *b, const yaml_mark_t *m, size_t n)
{
    b->nodes += n;
    if (b->nodes > GG_LOAD_MAX_NODES)
        return fail(b, m, "more than %u nodes (aliases expanded)", GG_LOAD_MAX_NODES);
    return 0;
}

static size_t subtree_weight(const json_t *v)
{
    size_t n = 1;
    if (json_is_object(v)) {
        const char *k;
        json_t *c;
        json_object_foreach((json_t *)v, k, c) n += subtree_weight(c);
    } else if (json_is_array(v)) {
        size_t i;
        json_t *c;
        json_array_foreach(v, i, c) n += subtree_weight(c);
    }
    return n;
}

static void add_anchor(struct builder *b, const char *name, json_t *node)
{
    /* a later anchor of the same name shadows the earlier one */
    b->anchors = gg_xrealloc(b->anchors, (b->nanchors + 1) * sizeof(*b->anchors));
    b->anchors[b->nanchors].name = gg_xstrdup(name);
    b->anchors[b->nanchors].node = json_incref(node);
    b->anchors[b->nanchors].weight = subtree_weight(node);
    b->nanchors++;
}

static const struct anchor *find_anchor(const struct builder *b, const char *name)
{
    for (size_t i = b->nanchors; i-- > 0;)
        if (strcmp(b->anchors[i].name, name) == 0)
            return &b->anchors[i];
    return NULL;
}

static int build_node(struct builder *b, yaml_event_t *ev, int depth, json_t **out);

static json_t *scalar_value(const yaml_event_t *ev)
{
    const char *s = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    const char *tag = (const char *)ev->data.scalar.tag;
    if (tag && strcmp(tag, YAML_STR_TAG) == 0)
        return json_stringn_nocheck(s, len);
    if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return json_stringn_nocheck(s, len);
    return resolve_plain(s, len);
}

static int merge_into(struct builder *b, json_t *obj, json_t *src, const yaml_mark_t *m)
{
    json_t *srcs = json_is_array(src) ? src : NULL;
    size_t n = srcs ? json_array_size(srcs) : 1;
    for (size_t i = 0; i < n; i++) {
        json_t *one = srcs ? json_array_get(srcs, i) : src;
        if (!json_is_object(one))
            return fail(b, m, "merge key \"<<\" needs a mapping or a list of mappings");
        const char *k;
        json_t *c;
        json_object_foreach(one, k, c)
        {
            if (!json_object_get(obj, k))
                json_object_set(obj, k, c);
        }
    }
    return 0;
}

static int build_mapping(struct builder *b, yaml_event_t *start, int depth, json_t **out)
{
    json_t *obj = json_object();
    json_t *merges = NULL;
    gg_linemap_set(b->lines, obj, (int)start->start_mark.line + 1);
    for (;;) {
        yaml_event_t kev;
        if (next_event(b, &kev) < 0)
            goto bad;
        if (kev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&kev);
            break;
        }
        yaml_mark_t kmark = kev.start_mark;
        char *key = NULL;
        int is_merge = 0;
        if (kev.type == YAML_SCALAR_EVENT) {
            if (strlen((const char *)kev.data.scalar.value) != kev.data.scalar.length) {
                yaml_event_delete(&kev);
                fail(b, &kmark, "mapping key contains a NUL byte");
                goto bad;
            }
            /* take libyaml's NUL-terminated copy instead of making another
             * (yaml_event_delete frees with free(), as we do) */
            key = (char *)kev.data.scalar.value;
            kev.data.scalar.value = NULL;
            is_merge = kev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !strcmp(key, "<<");
            yaml_event_delete(&kev);
        } else if (kev.type == YAML_ALIAS_EVENT) {
            const struct anchor *a = find_anchor(b, (const char *)kev.data.alias.anchor);
            if (!a || !json_is_string(a->node)) {
                yaml_event_delete(&kev);
                fail(b, &kmark, "mapping key must be a string");
                goto bad;
            }
            key = gg_xstrdup(json_string_value(a->node));
            yaml_event_delete(&kev);
        } else {
            yaml_event_delete(&kev);
            fail(b, &kmark, "mapping key must be a string, not a %s",
                 kev.type == YAML_SEQUENCE_START_EVENT ? "sequence" : "mapping");
            goto bad;
        }
        yaml_event_t vev;
        json_t *val = NULL;
        if (next_event(b, &vev) < 0) {
            free(key);
            goto bad;
        }
        int rc = build_node(b, &vev, depth + 1, &val);
        if (rc < 0) {
            free(key);
            goto bad;
        }
        if (is_merge) {
            /* "<<: *base": merged after the mapping's own keys, which win */
            if (!merges)
                merges = json_array();
            json_array_append_new(merges, val);
            free(key);
            continue;
        }
        if (json_object_get(obj, key)) {
            fail(b, &kmark, "duplicate key \"%s\"", key);
            json_decref(val);
            free(key);
            goto bad;
        }
        json_object_set_new_nocheck(obj, key, val);
        free(key);
    }
    for (size_t i = 0; i < json_array_size(merges); i++)
        if (merge_into(b, obj, json_array_get(merges, i), &start->start_mark) < 0)
            goto bad;
    json_decref(merges);
    *out = obj;
    return 0;
bad:
    json_decref(merges);
    json_decref(obj);
    return -1;
}

static int build_sequence(struct builder *b, yaml_event_t *start, int depth, json_t **out)
{
    json_t *arr = json_array();
    gg_linemap_set(b->lines, arr, (int)start->start_mark.line + 1);
    for (;;) {
        yaml_event_t ev;
        if (next_event(b, &ev) < 0)
            goto bad;
        if (ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        json_t *val = NULL;
        if (build_node(b, &ev, depth + 1, &val) < 0)
            goto bad;
        json_array_append_new(arr, val);
    }
    *out = arr;
    return 0;
bad:
    json_decref(arr);
    return -1;
}

/* Builds the node that starts with <ev> and deletes <ev>. */
static int build_node(struct builder *b, yaml_event_t *ev, int depth, json_t **out)
{
    int rc = 0;
    yaml_mark_t mark = ev->start_mark;
    char *anchor = NULL;
    *out = NULL;
    if (depth > GG_LOAD_MAX_DEPTH) {
        rc = fail(b, &mark, "nesting deeper than %d levels", GG_LOAD_MAX_DEPTH);
        goto out;
    }
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        if (ev->data.scalar.length > GG_LOAD_MAX_SCALAR) {
            rc = fail(b, &mark, "scalar of %zu bytes is longer than the limit of %u",
                      ev->data.scalar.length, GG_LOAD_MAX_SCALAR);
            goto out;
        }
        if ((rc = count_budget(b, &mark, 1)) < 0)
            goto out;
        *out = scalar_value(ev);
        if (ev->data.scalar.anchor)
            anchor = gg_xstrdup((const char *)ev->data.scalar.anchor);
        gg_linemap_set(b->lines, *out, (int)mark.line + 1);
        break;
    case YAML_MAPPING_START_EVENT:
    case YAML_SEQUENCE_START_EVENT: {
        int is_map = ev->type == YAML_MAPPING_START_EVENT;
        const yaml_char_t *a =
            is_map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
        if (a)
            anchor = gg_xstrdup((const char *)a);
        if ((rc = count_budget(b, &mark, 1)) < 0)
            goto out;
        rc = is_map ? build_mapping(b, ev, depth, out) : build_sequence(b, ev, depth, out);
        break;
    }
    case YAML_ALIAS_EVENT: {
        const struct anchor *a = find_anchor(b, (const char *)ev->data.alias.anchor);
        if (!a) {
            rc = fail(b, &mark, "unknown alias \"%s\"", (const char *)ev->data.alias.anchor);
            goto out;
        }
        /* the budget counts the alias at its full size, which stops
         * "billion laughs" documents before anything walks them */
        if ((rc = count_budget(b, &mark, a->weight)) < 0)
            goto out;
        *out = json_deep_copy(a->node);
        break;
    }
    default:
        rc = fail(b, &mark, "unexpected YAML event");
        goto out;
    }
    if (rc == 0 && anchor)
        add_anchor(b, anchor, *out);
out:
    free(anchor);
    yaml_event_delete(ev);
    return rc;
}

static int is_list_kind(const json_t *obj)
{
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    size_t n = kind ? strlen(kind) : 0;
    return n >= 4 && strcmp(kind + n - 4, "List") == 0 &&
           json_is_array(json_object_get(obj, "items"));
}

static int add_document(struct gg_docs *d, struct builder *b, json_t *root, const yaml_mark_t *m)
{
    if (json_is_null(root)) { /* an empty document, e.g. a trailing "---" */
        json_decref(root);
        return 0;
    }
    if (!json_is_object(root)) {
        const char *what = json_is_array(root)    ? "sequence"
                           : json_is_string(root) ? "string"
                           : json_is_number(root) ? "number"
                                                  : "scalar";
        json_decref(root);
        return fail(b, m, "document is a %s, not an object", what);
    }
    if (!is_list_kind(root)) {
        push_doc(d, root, b->file, (int)m->line + 1);
        return 0;
    }
    json_t *items = json_object_get(root, "items");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        if (!json_is_object(it)) {
            int line = gg_linemap_find(b->lines, it);
            gg_seterr(b->err, b->errlen, "%s:%d: items[%zu] of a List is not an object", b->file,
                      line ? line : (int)m->line + 1, i);
            json_decref(root);
            return -1;
        }
        int line = gg_linemap_find(b->lines, it);
        push_doc(d, json_incref(it), b->file, line ? line : (int)m->line + 1);
    }
    json_decref(root);
    return 0;
}

static int load_stream(struct gg_docs *d, const char *file, const char *buf, size_t len, char *err,
                       size_t errlen)
{
    if (len > GG_LOAD_MAX_FILE) {
        gg_seterr(err, errlen, "%s: %zu bytes is larger than the limit of %u", file, len,
                  GG_LOAD_MAX_FILE);
        return -1;
    }
    if (!d->lines)
        d->lines = gg_linemap_new();
    struct builder b = {.file = file, .lines = d->lines, .err = err, .errlen = errlen};
    yaml_parser_initialize(&b.parser);
    yaml_parser_set_input_string(&b.parser, (const unsigned char *)buf, len);
    int rc = 0;
    for (;;) {
        yaml_event_t ev;
        if ((rc = next_event(&b, &ev)) < 0)
            break;
        yaml_event_type_t t = ev.type;
        yaml_mark_t m = ev.start_mark;
        yaml_event_delete(&ev);
        if (t == YAML_STREAM_END_EVENT)
            break;
        if (t != YAML_DOCUMENT_START_EVENT)
            continue; /* STREAM_START */
        yaml_event_t root_ev;
        if ((rc = next_event(&b, &root_ev)) < 0)
            break;
        m = root_ev.start_mark;
        json_t *root = NULL;
        if ((rc = build_node(&b, &root_ev, 0, &root)) < 0)
            break;
        yaml_event_t end;
        if ((rc = next_event(&b, &end)) < 0) {
            json_decref(root);
            break;
        }
        yaml_event_delete(&end);
        clear_anchors(&b); /* anchors do not cross documents */
        if ((rc = add_document(d, &b, root, &m)) < 0)
            break;
    }
    clear_anchors(&b);
    yaml_parser_delete(&b.parser);
    return rc;
}

int gg_load_buffer(struct gg_docs *d, const char *name, const char *buf, size_t len, char *err,
                   size_t errlen)
{
    const char *file = remember_file(d, name);
    return load_stream(d, file, buf, len, err, errlen);
}

static char *read_all(FILE *f, const char *name, size_t *len, char *err, size_t errlen)
{
    struct gg_buf b;
    gg_buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        if (b.len + n > GG_LOAD_MAX_FILE) {
            gg_seterr(err, errlen, "%s: larger than the limit of %u bytes", name, GG_LOAD_MAX_FILE);
            gg_buf_clear(&b);
            return NULL;
        }
        gg_buf_add(&b, chunk, n);
    }
    if (ferror(f)) {
        gg_seterr(err, errlen, "%s: %s", name, strerror(errno));
        gg_buf_clear(&b);
        return NULL;
    }
    *len = b.len;
    return gg_buf_take(&b);
}

static int load_file(struct gg_docs *d, const char *path, char *err, size_t errlen)
{
    int is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        gg_seterr(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    size_t len = 0;
    char *buf = read_all(f, is_stdin ? "<stdin>" : path, &len, err, errlen);
    if (!is_stdin)
        fclose(f);
    if (!buf)
        return -1;
    int rc = gg_load_buffer(d, is_stdin ? "<stdin>" : path, buf, len, err, errlen);
    free(buf);
    return rc;
}

static int has_manifest_ext(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && !strcmp(name + n - 5, ".yaml")) || (n > 4 && !strcmp(name + n - 4, ".yml")) ||
           (n > 5 && !strcmp(name + n - 5, ".json"));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Patterns from DIR/.gateguardignore, one per line ('#' comments): entries
 * of DIR matching one are skipped (a trailing '/' matches folders only).
 * GitOps repositories keep Helm templates, kustomize patches or deliberate
 * counter-examples beside their manifests; this keeps them out of a check. */
struct ignore {
    char **pats;
    size_t n;
};

static void read_ignore(const char *dir, struct ignore *ig)
{
    ig->pats = NULL;
    ig->n = 0;
    char *path = gg_xasprintf("%s/.gateguardignore", dir);
    FILE *f = fopen(path, "r");
    free(path);
    if (!f)
        return;
    char line[1024];
    while (fgets(line, sizeof(line), f) && ig->n < 256) {
        size_t n = strcspn(line, "\r\n");
        line[n] = '\0';
        while (n && (line[n - 1] == ' ' || line[n - 1] == '\t'))
            line[--n] = '\0';
        if (!n || line[0] == '#')
            continue;
        ig->pats = gg_xrealloc(ig->pats, (ig->n + 1) * sizeof(char *));
        ig->pats[ig->n++] = gg_xstrdup(line);
    }
    fclose(f);
}

static int ignored(const struct ignore *ig, const char *name, int is_dir)
{
    for (size_t i = 0; i < ig->n; i++) {
        char *pat = ig->pats[i];
        size_t n = strlen(pat);
        if (pat[n - 1] == '/') {
            if (!is_dir)
                continue;
            pat[n - 1] = '\0';
            int m = fnmatch(pat, name, 0) == 0;
            pat[n - 1] = '/';
            if (m)
                return 1;
        } else if (fnmatch(pat, name, 0) == 0) {
            return 1;
        }
    }
    return 0;
}

static void free_ignore(struct ignore *ig)
{
    for (size_t i = 0; i < ig->n; i++)
        free(ig->pats[i]);
    free(ig->pats);
}

static int load_dir(struct gg_docs *d, const char *path, int depth, char *err, size_t errlen)
{
    if (depth > 32) {
        gg_seterr(err, errlen, "%s: directories nested deeper than 32 levels", path);
        return -1;
    }
    DIR *dir = opendir(path);
    if (!dir) {
        gg_seterr(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(dir))) {
        if (de->d_name[0] == '.') /* ., .., and hidden folders such as .git */
            continue;
        names = gg_xrealloc(names, (n + 1) * sizeof(*names));
        names[n++] = gg_xstrdup(de->d_name);
    }
    closedir(dir);
    if (n) /* the same order on every machine */
        qsort(names, n, sizeof(*names), cmp_str);
    struct ignore ig;
    read_ignore(path, &ig);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        char *full = gg_xasprintf("%s/%s", path, names[i]);
        struct stat st;
        if (rc == 0 && stat(full, &st) == 0 && !ignored(&ig, names[i], S_ISDIR(st.st_mode))) {
            if (S_ISDIR(st.st_mode))
                rc = load_dir(d, full, depth + 1, err, errlen);
            else if (S_ISREG(st.st_mode) && has_manifest_ext(names[i]))
                rc = load_file(d, full, err, errlen);
        }
        free(full);
        free(names[i]);
    }
    free(names);
    free_ignore(&ig);
    return rc;
}

int gg_load_path(struct gg_docs *d, const char *path, char *err, size_t errlen)
{
    if (strcmp(path, "-") == 0)
        return load_file(d, path, err, errlen);
    struct stat st;
    if (stat(path, &st) < 0) {
        gg_seterr(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        /* strip trailing slashes so names read "dir/file.yaml" */
        char *p = gg_xstrdup(path);
        size_t n = strlen(p);
        while (n > 1 && p[n - 1] == '/')
            p[--n] = '\0';
        int rc = load_dir(d, p, 0, err, errlen);
        free(p);
        return rc;
    }
    return load_file(d, path, err, errlen);
}
