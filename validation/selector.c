/* SPDX-License-Identifier: Apache-2.0 */
/* Label selector evaluation and rendering. */
#include "selector.h"

#include <string.h>

#include "xalloc.h"

static const char *label_value(const char *ns, const struct gg_label *labels, size_t n,
                               const char *key, bool *found)
{
    for (size_t i = 0; i < n; i++) {
        if (labels[i].key && strcmp(labels[i].key, key) == 0) {
            *found = labels[i].value != NULL;
            return labels[i].value;
        }
    }
    if (strcmp(key, GG_NS_NAME_LABEL) == 0) {
        *found = true;
        return ns;
    }
    *found = false;
    return NULL;
}

static bool in_values(const struct gg_selector_req *r, const char *v)
{
    for (size_t i = 0; i < r->n_values; i++)
        if (r->values[i] && strcmp(r->values[i], v) == 0)
            return true;
    return false;
}

bool gg_selector_matches(const struct gg_selector *sel, const char *ns,
                         const struct gg_label *labels, size_t n)
{
    if (!sel->is_set)
        return false;
    for (size_t i = 0; i < sel->n_match_labels; i++) {
        const struct gg_label *want = &sel->match_labels[i];
        bool found;
        const char *v = label_value(ns, labels, n, want->key, &found);
        if (!want->value || !found || strcmp(v, want->value) != 0)
            return false;
    }
    for (size_t i = 0; i < sel->n_exprs; i++) {
        const struct gg_selector_req *r = &sel->exprs[i];
        if (r->op == GG_SELECTOR_INVALID)
            return false;
        bool found;
        const char *v = label_value(ns, labels, n, r->key, &found);
        switch (r->op) {
        case GG_SELECTOR_IN:
            if (!found || !in_values(r, v))
                return false;
            break;
        case GG_SELECTOR_NOT_IN:
            if (found && in_values(r, v))
                return false;
            break;
        case GG_SELECTOR_EXISTS:
            if (!found)
                return false;
            break;
        case GG_SELECTOR_DOES_NOT_EXIST:
            if (found)
                return false;
            break;
        }
    }
    return true;
}

bool gg_selector_needs_labels(const struct gg_selector *sel)
{
    if (!sel->is_set)
        return false;
    for (size_t i = 0; i < sel->n_match_labels; i++)
        if (!sel->match_labels[i].key || strcmp(sel->match_labels[i].key, GG_NS_NAME_LABEL) != 0)
            return true;
    for (size_t i = 0; i < sel->n_exprs; i++)
        if (!sel->exprs[i].key || strcmp(sel->exprs[i].key, GG_NS_NAME_LABEL) != 0)
            return true;
    return false;
}

void gg_selector_render(const struct gg_selector *sel, struct gg_buf *out)
{
    if (!sel->is_set) {
        gg_buf_adds(out, "<unset>");
        return;
    }
    if (sel->n_match_labels == 0 && sel->n_exprs == 0) {
        gg_buf_adds(out, "<everything>");
        return;
    }
    bool first = true;
    for (size_t i = 0; i < sel->n_match_labels; i++) {
        const struct gg_label *l = &sel->match_labels[i];
        gg_buf_addf(out, "%s%s=%s", first ? "" : ",", l->key, l->value ? l->value : "");
        first = false;
    }
    for (size_t i = 0; i < sel->n_exprs; i++) {
        const struct gg_selector_req *r = &sel->exprs[i];
        const char *key = r->key ? r->key : "";
        if (!first)
            gg_buf_addc(out, ',');
        first = false;
        switch (r->op) {
        case GG_SELECTOR_EXISTS:
            gg_buf_adds(out, key);
            continue;
        case GG_SELECTOR_DOES_NOT_EXIST:
            gg_buf_addf(out, "!%s", key);
            continue;
        case GG_SELECTOR_INVALID:
            gg_buf_addf(out, "%s <invalid operator>", key);
            continue;
        default:
            break;
        }
        gg_buf_addf(out, "%s %s (", key, r->op == GG_SELECTOR_IN ? "in" : "notin");
        for (size_t k = 0; k < r->n_values; k++)
            gg_buf_addf(out, "%s%s", k ? "," : "", r->values[k] ? r->values[k] : "");
        gg_buf_addc(out, ')');
    }
}
