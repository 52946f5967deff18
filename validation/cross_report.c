/* SPDX-License-Identifier: Apache-2.0 */
/* How the cross-object checks word and file their findings: the policy's
 * level for each check, the line of the field in the source, and how much a
 * denial may say about objects of other namespaces. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cross_internal.h"

/* The node <p> names in <root>, or its nearest ancestor that exists. */
static const json_t *node_at(const json_t *root, const struct gg_path *p)
{
    const struct gg_path *steps[64];
    size_t n = 0;
    for (; p && p->step != GG_PATH_ROOT && n < 64; p = p->parent)
        steps[n++] = p;
    const json_t *cur = root;
    while (cur && n > 0) {
        const struct gg_path *s = steps[--n];
        const json_t *next = NULL;
        if (s->step == GG_PATH_INDEX)
            next = json_is_array(cur) ? json_array_get(cur, s->index) : NULL;
        else
            next = json_is_object(cur) ? json_object_get(cur, s->name) : NULL;
        if (!next)
            break;
        cur = next;
    }
    return cur;
}

void gg_cross_report(struct cross *c, enum gg_check_id id, enum gg_severity sev, enum gg_err_type t,
                     const struct gg_path *p, const char *value, const char *fmt, ...)
{
    enum gg_level level = gg_policy_level(c->pol, id);
    if (level == GG_LEVEL_OFF)
        return;
    if (sev == GG_SEV_ERROR && level == GG_LEVEL_WARN)
        sev = GG_SEV_WARNING;
    va_list ap;
    va_start(ap, fmt);
    char *detail = gg_xvasprintf(fmt, ap);
    va_end(ap);
    const char *saved = c->errs->check;
    c->errs->check = gg_check_name(id);
    gg_errs_addf(c->errs, sev, t, p, c->json ? node_at(c->json, p) : NULL, value, "%s", detail);
    c->errs->check = saved;
    free(detail);
}

void gg_cross_name(const struct gg_object *o, struct gg_buf *out)
{
    if (gg_model_kind_is_namespaced(o->kind))
        gg_buf_addf(out, "%s \"%s/%s\"", gg_model_kind_name(o->kind), o->ns, o->name);
    else
        gg_buf_addf(out, "%s \"%s\"", gg_model_kind_name(o->kind), o->name);
}

void gg_cross_name_other(struct cross *c, const struct gg_object *other, struct gg_buf *out)
{
    const struct gg_object *self = c->o ? c->o : c->old;
    if (self && strcmp(self->ns, other->ns) == 0) {
        gg_cross_name(other, out);
        return;
    }
    switch (gg_policy_disclose(c->pol)) {
    case GG_DISCLOSE_OBJECTS:
        gg_cross_name(other, out);
        break;
    case GG_DISCLOSE_NAMESPACES:
        gg_buf_addf(out, "namespace \"%s\"", other->ns);
        break;
    default:
        gg_buf_adds(out, "another namespace");
        break;
    }
}

void gg_cross_name_other_kind(struct cross *c, const struct gg_object *other, struct gg_buf *out)
{
    const struct gg_object *self = c->o ? c->o : c->old;
    enum gg_disclose d = gg_policy_disclose(c->pol);
    if ((self && strcmp(self->ns, other->ns) == 0) || d == GG_DISCLOSE_OBJECTS) {
        gg_cross_name(other, out);
        return;
    }
    const char *kind = gg_model_kind_name(other->kind);
    const char *article = strchr("AEIOUH", kind[0]) ? "an" : "a";
    if (d == GG_DISCLOSE_NAMESPACES)
        gg_buf_addf(out, "%s %s of namespace \"%s\"", article, kind, other->ns);
    else
        gg_buf_addf(out, "%s %s of another namespace", article, kind);
}
