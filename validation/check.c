/* SPDX-License-Identifier: Apache-2.0 */
/* The offline check over a set of documents: single-object validation for
 * each, then the cross-object step over the whole set. */
#include "check.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cross.h"
#include "kinds.h"
#include "store.h"
#include "validate.h"
#include "xalloc.h"

static int is_namespaced(const json_t *obj)
{
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    const struct gg_kind *k =
        gg_kinds_find(json_string_value(json_object_get(obj, "apiVersion")), kind);
    if (k)
        return k->namespaced;
    /* of the core kinds the checks read, only Namespace is cluster-scoped */
    return kind && strcmp(kind, "Namespace") != 0;
}

static void set_default_namespace(json_t *obj)
{
    json_t *meta = json_object_get(obj, "metadata");
    if (!json_is_object(meta) || !is_namespaced(obj))
        return;
    if (!json_is_string(json_object_get(meta, "namespace")))
        json_object_set_new(meta, "namespace", json_string("default"));
}

static void subject_of(const struct gg_doc *d, const struct gg_docs *docs, struct gg_subject *s)
{
    const json_t *meta = json_object_get(d->obj, "metadata");
    s->kind = json_string_value(json_object_get(d->obj, "kind"));
    s->ns = json_string_value(json_object_get(meta, "namespace"));
    s->name = json_string_value(json_object_get(meta, "name"));
    s->file = d->file;
    s->line = d->line;
    s->lines = docs->lines;
}

/* The cross-object step: every object that passed on its own goes into a
 * store (objects with errors would not exist in a cluster), then each Gateway
 * API object among them is checked against the rest. */
static void cross_step(struct gg_docs *docs, const bool *valid, const struct gg_policy *policy,
                       struct gg_errs *errs)
{
    struct gg_store *store = gg_store_new();
    for (size_t i = 0; i < docs->n; i++)
        if (valid[i])
            gg_store_put_json(store, docs->items[i].obj);
    for (size_t i = 0; i < docs->n; i++) {
        if (!valid[i])
            continue;
        subject_of(&docs->items[i], docs, &errs->subject);
        gg_cross_check(store, policy, docs->items[i].obj, NULL, errs);
    }
    gg_store_free(store);
}

/* Two documents for one object: applied together, the later silently
 * replaces the earlier, which is rarely what a repository means. */
static void warn_duplicate(const struct gg_doc *d, json_t *seen, struct gg_errs *errs)
{
    const json_t *meta = json_object_get(d->obj, "metadata");
    const char *api = json_string_value(json_object_get(d->obj, "apiVersion"));
    const char *kind = json_string_value(json_object_get(d->obj, "kind"));
    const char *ns = json_string_value(json_object_get(meta, "namespace"));
    const char *name = json_string_value(json_object_get(meta, "name"));
    if (!api || !kind || !name)
        return;
    const char *slash = strchr(api, '/');
    int glen = slash ? (int)(slash - api) : 0; /* versions of one group are one object */
    char *key = gg_xasprintf("%.*s/%s/%s/%s", glen, api, kind, ns ? ns : "", name);
    const json_t *first = json_object_get(seen, key);
    if (first) {
        struct gg_path root = GG_PATH_ROOT_INIT;
        struct gg_path mp = gg_path_child(&root, "metadata");
        struct gg_path np = gg_path_child(&mp, "name");
        errs->check = "input";
        gg_errs_warn(errs, &np, json_object_get(meta, "name"),
                     "%s %s%s%s is also defined at %s; applied together, this one replaces it",
                     kind, ns ? ns : "", ns ? "/" : "", name, json_string_value(first));
        errs->check = NULL;
    } else {
        json_object_set_new(seen, key, json_sprintf("%s:%d", d->file, d->line));
    }
    free(key);
}

void gg_check_docs(struct gg_docs *docs, const struct gg_policy *policy, struct gg_errs *errs,
                   struct gg_check_stats *st)
{
    memset(st, 0, sizeof(*st));
    bool *valid = gg_xcalloc(docs->n ? docs->n : 1, sizeof(*valid));
    json_t *seen = json_object();
    for (size_t i = 0; i < docs->n; i++) {
        struct gg_doc *d = &docs->items[i];
        const char *api = json_string_value(json_object_get(d->obj, "apiVersion"));
        const char *kind = json_string_value(json_object_get(d->obj, "kind"));
        subject_of(d, docs, &errs->subject);
        if (!api || !kind) {
            struct gg_path root = GG_PATH_ROOT_INIT;
            struct gg_path f = gg_path_child(&root, !api ? "apiVersion" : "kind");
            errs->check = "input";
            gg_errs_add(errs, GG_ERR_REQUIRED, &f, d->obj,
                        "every object needs apiVersion and kind");
            errs->check = NULL;
            st->input_errors++;
            continue;
        }
        set_default_namespace(d->obj);
        subject_of(d, docs, &errs->subject);
        warn_duplicate(d, seen, errs);
        if (!gg_validate_handles(d->obj)) {
            st->context++;
            size_t before = errs->n_errors;
            gg_validate_core_object(d->obj, errs);
            valid[i] = errs->n_errors == before;
            continue;
        }
        st->objects++;
        size_t before = errs->n_errors;
        gg_validate_object(d->obj, NULL, errs);
        valid[i] = errs->n_errors == before;
    }
    json_decref(seen);
    cross_step(docs, valid, policy, errs);
    free(valid);
    memset(&errs->subject, 0, sizeof(errs->subject));
}
