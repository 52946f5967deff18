/* SPDX-License-Identifier: Apache-2.0 */
/* The finding list and its Kubernetes-style rendering. */
#include "errs.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "linemap.h"
#include "xalloc.h"

static const struct {
    const char *phrase, *cause;
    int shows_value;
} types[] = {
#define GG_X(e, phrase, cause, shows_value) {phrase, cause, shows_value},
    GG_ERR_TYPE_MAP(GG_X)
#undef GG_X
};

const char *gg_err_type_phrase(enum gg_err_type t)
{
    return types[t].phrase;
}

const char *gg_err_type_cause(enum gg_err_type t)
{
    return types[t].cause;
}

void gg_errs_init(struct gg_errs *e)
{
    memset(e, 0, sizeof(*e));
}

static void entry_free(struct gg_err *it)
{
    free(it->field);
    free(it->value);
    free(it->detail);
    free(it->kind);
    free(it->ns);
    free(it->name);
    free(it->file);
}

void gg_errs_clear(struct gg_errs *e)
{
    for (size_t i = 0; i < e->n; i++)
        entry_free(&e->items[i]);
    free(e->items);
    struct gg_subject s = e->subject;
    size_t limit = e->limit;
    gg_errs_init(e);
    e->subject = s;
    e->limit = limit;
}

static char *dup_or_null(const char *s)
{
    return s ? gg_xstrdup(s) : NULL;
}

static struct gg_err *push(struct gg_errs *e, enum gg_severity sev)
{
    if (sev == GG_SEV_ERROR)
        e->n_errors++;
    size_t limit = e->limit ? e->limit : GG_ERRS_DEFAULT_LIMIT;
    if (e->n >= limit) {
        e->dropped++;
        return NULL;
    }
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 8;
        e->items = gg_xrealloc(e->items, e->cap * sizeof(*e->items));
    }
    struct gg_err *it = &e->items[e->n++];
    memset(it, 0, sizeof(*it));
    it->sev = sev;
    it->kind = dup_or_null(e->subject.kind);
    it->ns = dup_or_null(e->subject.ns);
    it->name = dup_or_null(e->subject.name);
    it->file = dup_or_null(e->subject.file);
    it->line = e->subject.line;
    it->check = e->check;
    return it;
}

static void add_entry(struct gg_errs *e, enum gg_severity sev, enum gg_err_type t,
                      const struct gg_path *p, const json_t *at, char *value_owned,
                      char *detail_owned)
{
    struct gg_err *it = push(e, sev);
    if (!it) {
        free(value_owned);
        free(detail_owned);
        return;
    }
    it->type = t;
    it->field = gg_path_dup(p);
    it->value = value_owned;
    it->detail = detail_owned;
    if (at && e->subject.lines) {
        int line = gg_linemap_find(e->subject.lines, at);
        if (line > 0)
            it->line = line;
    }
}

void gg_errs_addf(struct gg_errs *e, enum gg_severity sev, enum gg_err_type t,
                  const struct gg_path *p, const json_t *at, const char *value, const char *fmt,
                  ...)
{
    char *detail = NULL;
    if (fmt && *fmt) {
        va_list ap;
        va_start(ap, fmt);
        detail = gg_xvasprintf(fmt, ap);
        va_end(ap);
    }
    add_entry(e, sev, t, p, at, dup_or_null(value), detail);
}

void gg_errs_add(struct gg_errs *e, enum gg_err_type t, const struct gg_path *p, const json_t *at,
                 const char *detail)
{
    add_entry(e, GG_SEV_ERROR, t, p, at, NULL, dup_or_null(detail));
}

void gg_errs_add_str(struct gg_errs *e, enum gg_err_type t, const struct gg_path *p,
                     const json_t *at, const char *value, const char *detail)
{
    add_entry(e, GG_SEV_ERROR, t, p, at, value ? gg_errs_render_str(value) : NULL,
              dup_or_null(detail));
}

void gg_errs_add_json(struct gg_errs *e, enum gg_err_type t, const struct gg_path *p,
                      const json_t *value, const char *detail)
{
    add_entry(e, GG_SEV_ERROR, t, p, value, value ? gg_errs_render_json(value) : NULL,
              dup_or_null(detail));
}

void gg_errs_warn(struct gg_errs *e, const struct gg_path *p, const json_t *at, const char *fmt,
                  ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *detail = gg_xvasprintf(fmt, ap);
    va_end(ap);
    add_entry(e, GG_SEV_WARNING, GG_ERR_INVALID, p, at, NULL, detail);
}

char *gg_errs_render_str(const char *s)
{
    struct gg_buf b;
    gg_buf_init(&b);
    gg_buf_add_goquoted(&b, s, strlen(s));
    return gg_buf_take(&b);
}

char *gg_errs_render_json(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_STRING: {
        struct gg_buf b;
        gg_buf_init(&b);
        gg_buf_add_goquoted(&b, json_string_value(v), json_string_length(v));
        return gg_buf_take(&b);
    }
    case JSON_INTEGER:
        return gg_xasprintf("%lld", (long long)json_integer_value(v));
    case JSON_REAL:
        return gg_xasprintf("%g", json_real_value(v));
    case JSON_TRUE:
        return gg_xstrdup("true");
    case JSON_FALSE:
        return gg_xstrdup("false");
    case JSON_NULL:
        return gg_xstrdup("null");
    default: {
        char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
        char *r = gg_xstrdup(s ? s : "null");
        gg_json_free(s);
        return r;
    }
    }
}

void gg_err_render(const struct gg_err *err, struct gg_buf *out)
{
    gg_buf_adds(out, err->field);
    gg_buf_adds(out, ": ");
    if (err->sev == GG_SEV_WARNING) {
        /* warnings are free text in Kubernetes; no phrase, no value */
        gg_buf_adds(out, err->detail ? err->detail : "");
        return;
    }
    gg_buf_adds(out, types[err->type].phrase);
    if (types[err->type].shows_value && err->value) {
        gg_buf_adds(out, ": ");
        gg_buf_adds(out, err->value);
    }
    if (err->detail) {
        gg_buf_adds(out, ": ");
        gg_buf_adds(out, err->detail);
    }
}

void gg_err_render_line(const struct gg_err *e, struct gg_buf *out)
{
    if (e->file)
        gg_buf_addf(out, "%s:%d: ", e->file, e->line);
    if (e->sev == GG_SEV_WARNING)
        gg_buf_adds(out, "warning: ");
    gg_buf_addf(out, "%s ", e->kind ? e->kind : "?");
    if (e->ns)
        gg_buf_addf(out, "%s/", e->ns);
    gg_buf_addf(out, "%s: ", e->name ? e->name : "?");
    gg_err_render(e, out);
}

size_t gg_errs_count(const struct gg_errs *e, enum gg_severity sev)
{
    size_t n = 0;
    for (size_t i = 0; i < e->n; i++)
        n += e->items[i].sev == sev;
    return n;
}

void gg_errs_take(struct gg_errs *to, struct gg_errs *from)
{
    for (size_t i = 0; i < from->n; i++) {
        size_t limit = to->limit ? to->limit : GG_ERRS_DEFAULT_LIMIT;
        if (from->items[i].sev == GG_SEV_ERROR)
            to->n_errors++;
        if (to->n >= limit) {
            to->dropped++;
            entry_free(&from->items[i]);
            continue;
        }
        if (to->n == to->cap) {
            to->cap = to->cap ? to->cap * 2 : 8;
            to->items = gg_xrealloc(to->items, to->cap * sizeof(*to->items));
        }
        to->items[to->n++] = from->items[i];
    }
    to->dropped += from->dropped;
    free(from->items);
    from->items = NULL;
    from->n = from->cap = from->dropped = from->n_errors = 0;
}
