/* SPDX-License-Identifier: Apache-2.0 */
/* The offline check over a set of documents: single-object validation for
 * each, then the cross-object step over the whole set. */
#include "check.h"

#include <string.h>

#include "kinds.h"
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

void gg_check_docs(struct gg_docs *docs, const struct gg_policy *policy, struct gg_errs *errs,
                   struct gg_check_stats *st)
{
    (void)policy; /* read by the cross-object step */
    memset(st, 0, sizeof(*st));
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
        if (!gg_validate_handles(d->obj)) {
            st->context++;
            continue;
        }
        st->objects++;
        gg_validate_object(d->obj, NULL, errs);
    }
    memset(&errs->subject, 0, sizeof(errs->subject));
}
