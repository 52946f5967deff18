/* SPDX-License-Identifier: Apache-2.0 */
/* References into other namespaces (ReferenceGrant, GEP-709): route
 * backendRefs and RequestMirror backendRefs, and listener certificateRefs,
 * need a grant in the target namespace whose `from` names the referrer's
 * group, kind and namespace and whose `to` names the target's group and kind
 * (and name, when set). Also whether the referenced Service or Secret
 * exists. A parentRef needs no grant: allowedRoutes is its only gate. */
#include <stdlib.h>
#include <string.h>

#include "cross_internal.h"

static bool any_cb(const struct gg_object *g, void *ctx)
{
    (void)g;
    *(bool *)ctx = true;
    return false;
}

/* One reference <ref> at <p>; <target_kind> is the core kind it must name to
 * be checked (Service or Secret), <missing_reason> the status reason for a
 * missing target. */
static void check_ref(struct cross *c, const struct gg_ref *ref, const struct gg_path *p,
                      const char *core_kind, enum gg_model_kind store_kind,
                      const char *missing_reason)
{
    if (!ref->name || !ref->group || !ref->kind)
        return;
    const char *from_kind = gg_model_kind_name(c->o->kind);
    const char *target = gg_ref_ns(ref, c->o->ns);
    bool is_core = strcmp(ref->group, "") == 0 && strcmp(ref->kind, core_kind) == 0;
    bool exists = is_core && gg_store_find(c->s, store_kind, target, ref->name);

    if (strcmp(target, c->o->ns) != 0 &&
        !gg_attach_ref_permitted(c->s, GG_GROUP, from_kind, c->o->ns, target, ref->group, ref->kind,
                                 ref->name, NULL, NULL)) {
        struct gg_path np = gg_path_child(p, "namespace");
        bool from_granted = false; /* some grant names the referrer, but not this target */
        gg_store_each_grant(c->s, target, from_kind, c->o->ns, any_cb, &from_granted);
        bool ns_has_grants = gg_store_count_in(c->s, GG_KIND_REFERENCEGRANT, target) > 0;
        struct gg_buf to;
        gg_buf_init(&to);
        if (from_granted)
            gg_buf_addf(&to, " to %s \"%s\"", ref->kind, ref->name);
        if (exists || ns_has_grants) {
            gg_cross_report(c, GG_CHECK_REFERENCE_GRANT, GG_SEV_ERROR, GG_ERR_FORBIDDEN, &np, NULL,
                            "%s: no ReferenceGrant in namespace \"%s\" allows %s from "
                            "\"%s\"%s; add a ReferenceGrant in namespace \"%s\" allowing %s from "
                            "\"%s\"%s",
                            gg_reason_name(GG_REASON_REF_NOT_PERMITTED), target, from_kind,
                            c->o->ns, to.data ? to.data : "", target, from_kind, c->o->ns,
                            to.data ? to.data : "");
        } else {
            /* neither the target nor any grant is there yet: they may be
             * applied after this object */
            gg_cross_report(c, GG_CHECK_REFERENCE_GRANT, GG_SEV_WARNING, GG_ERR_FORBIDDEN, &np,
                            NULL,
                            "%s: no ReferenceGrant in namespace \"%s\" allows %s from "
                            "\"%s\" (nothing there yet); add a ReferenceGrant in namespace \"%s\" "
                            "allowing %s from \"%s\"",
                            gg_reason_name(GG_REASON_REF_NOT_PERMITTED), target, from_kind,
                            c->o->ns, target, from_kind, c->o->ns);
        }
        gg_buf_clear(&to);
        return;
    }
    /* a namespace of which the store holds none of these is one the store
     * does not watch: say nothing rather than guess */
    if (is_core && !exists && gg_store_count_in(c->s, store_kind, target) > 0) {
        char *v = gg_errs_render_str(ref->name);
        gg_cross_report(c, GG_CHECK_REFERENT_EXISTS, GG_SEV_ERROR, GG_ERR_NOT_FOUND, p, v,
                        "%s: %s \"%s/%s\" not found; create it or fix the reference",
                        missing_reason, core_kind, target, ref->name);
        free(v);
    }
}

void gg_cross_check_route_refs(struct cross *c)
{
    const struct gg_route *rt = &c->o->u.route;
    struct gg_path root = GG_PATH_ROOT_INIT, spec = gg_path_child(&root, "spec");
    struct gg_path rules = gg_path_child(&spec, "rules");
    for (size_t i = 0; i < rt->n_rules; i++) {
        const struct gg_rule *ru = &rt->rules[i];
        struct gg_path rp = gg_path_index(&rules, i);
        struct gg_path brs = gg_path_child(&rp, "backendRefs");
        for (size_t j = 0; j < ru->n_backend_refs; j++) {
            struct gg_path bp = gg_path_index(&brs, j);
            check_ref(c, &ru->backend_refs[j], &bp, "Service", GG_KIND_SERVICE,
                      gg_reason_name(GG_REASON_BACKEND_NOT_FOUND));
        }
        for (size_t j = 0; j < ru->n_mirrors; j++) {
            const struct gg_mirror *m = &ru->mirrors[j];
            struct gg_path base = rp, bi, fl;
            if (m->backend_index != GG_MIRROR_RULE_LEVEL) {
                bi = gg_path_index(&brs, m->backend_index);
                base = bi;
            }
            fl = gg_path_child(&base, "filters");
            struct gg_path fi = gg_path_index(&fl, m->filter_index);
            struct gg_path rm = gg_path_child(&fi, "requestMirror");
            struct gg_path br = gg_path_child(&rm, "backendRef");
            check_ref(c, &m->backend_ref, &br, "Service", GG_KIND_SERVICE,
                      gg_reason_name(GG_REASON_BACKEND_NOT_FOUND));
        }
    }
}

void gg_cross_check_listener_refs(struct cross *c, const struct gg_listener *l, size_t n,
                                  const struct gg_path *listeners)
{
    for (size_t i = 0; i < n; i++) {
        struct gg_path lp = gg_path_index(listeners, i);
        struct gg_path tls = gg_path_child(&lp, "tls");
        struct gg_path crs = gg_path_child(&tls, "certificateRefs");
        for (size_t k = 0; k < l[i].n_certificate_refs; k++) {
            struct gg_path cp = gg_path_index(&crs, k);
            check_ref(c, &l[i].certificate_refs[k], &cp, "Secret", GG_KIND_SECRET,
                      gg_reason_name(GG_REASON_INVALID_CERTIFICATE_REF));
        }
    }
}
