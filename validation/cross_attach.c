/* SPDX-License-Identifier: Apache-2.0 */
/* Route attachment (HTTPRoute and GRPCRoute spec.parentRefs): which
 * listeners a parentRef reaches, whether they admit the route (allowedRoutes
 * namespaces and kinds, the protocol), whether its hostnames intersect them
 * (Gateway API "Hostname" and "AllowedRoutes" docs, GEP-1713 for
 * ListenerSets), and the policy's attachment rules and required hostnames. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cross_internal.h"
#include "hostname.h"
#include "selector.h"

/* --- messages ----------------------------------------------------------- */

static void add_listener_names(struct gg_buf *b, const struct gg_object *parent)
{
    size_t n;
    const struct gg_listener *l = gg_attach_listeners(parent, &n);
    for (size_t i = 0; i < n && i < 8; i++)
        gg_buf_addf(b, "%s\"%s\"", i ? ", " : "", l[i].name ? l[i].name : "");
    if (n > 8)
        gg_buf_addf(b, " and %zu more", n - 8);
}

static void add_ports(struct gg_buf *b, const struct gg_object *parent)
{
    size_t n, shown = 0;
    const struct gg_listener *l = gg_attach_listeners(parent, &n);
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = l[k].port == l[i].port;
        if (!seen)
            gg_buf_addf(b, "%s%d", shown++ ? ", " : "", l[i].port);
    }
}

static void no_listener(struct cross *c, const struct gg_path *pr, const struct gg_ref *ref,
                        const struct gg_object *parent)
{
    struct gg_buf b;
    gg_buf_init(&b);
    gg_cross_name(parent, &b);
    size_t n;
    const struct gg_listener *l = gg_attach_listeners(parent, &n);
    const struct gg_listener *named = NULL;
    for (size_t i = 0; i < n && ref->section_name; i++)
        if (l[i].name && strcmp(l[i].name, ref->section_name) == 0)
            named = &l[i];
    char value[16];
    if (named) {
        /* the name exists: the port is what is wrong */
        struct gg_path p = gg_path_child(pr, "port");
        snprintf(value, sizeof(value), "%d", ref->port);
        gg_cross_report(c, GG_CHECK_PARENT_ATTACHMENT, GG_SEV_ERROR, GG_ERR_NOT_FOUND, &p, value,
                        "%s: listener \"%s\" of %s listens on port %d, not %d; "
                        "fix the port or leave it out",
                        gg_reason_name(GG_REASON_NO_MATCHING_PARENT), named->name, b.data,
                        named->port, ref->port);
    } else if (ref->section_name) {
        struct gg_path p = gg_path_child(pr, "sectionName");
        char *v = gg_errs_render_str(ref->section_name);
        struct gg_buf names;
        gg_buf_init(&names);
        add_listener_names(&names, parent);
        gg_cross_report(c, GG_CHECK_PARENT_ATTACHMENT, GG_SEV_ERROR, GG_ERR_NOT_FOUND, &p, v,
                        "%s: %s has no listener named \"%s\"; use one of its "
                        "listeners: %s",
                        gg_reason_name(GG_REASON_NO_MATCHING_PARENT), b.data, ref->section_name,
                        names.data ? names.data : "");
        gg_buf_clear(&names);
        free(v);
    } else {
        struct gg_path p = gg_path_child(pr, "port");
        snprintf(value, sizeof(value), "%d", ref->port);
        struct gg_buf ports;
        gg_buf_init(&ports);
        add_ports(&ports, parent);
        gg_cross_report(c, GG_CHECK_PARENT_ATTACHMENT, GG_SEV_ERROR, GG_ERR_NOT_FOUND, &p, value,
                        "%s: %s has no listener on port %d; use one of its ports: %s",
                        gg_reason_name(GG_REASON_NO_MATCHING_PARENT), b.data, ref->port,
                        ports.data ? ports.data : "");
        gg_buf_clear(&ports);
    }
    gg_buf_clear(&b);
}

static const char *from_word(uint8_t from)
{
    switch (from) {
    case GG_FROM_SAME:
        return "Same";
    case GG_FROM_ALL:
        return "All";
    case GG_FROM_SELECTOR:
        return "Selector";
    case GG_FROM_NONE:
        return "None";
    default:
        return "an unknown value";
    }
}

/* Why listener <l> refuses the route, in words. */
static void refusal(struct cross *c, const struct gg_listener *l, const struct gg_object *parent,
                    enum gg_admit a, struct gg_buf *b)
{
    const char *kind = gg_model_kind_name(c->o->kind);
    gg_buf_addf(b, "listener \"%s\" ", l->name ? l->name : "");
    if (a == GG_ADMIT_KIND) {
        if (l->n_kinds && !gg_attach_kind_listed(l, c->o->kind)) {
            gg_buf_adds(b, "allows only kinds ");
            for (size_t i = 0; i < l->n_kinds; i++)
                gg_buf_addf(b, "%s%s", i ? ", " : "", l->kinds[i].kind ? l->kinds[i].kind : "");
        } else {
            gg_buf_addf(b, "(protocol %s) cannot carry %s", l->protocol ? l->protocol : "?", kind);
        }
        return;
    }
    if (l->from == GG_FROM_SAME) {
        gg_buf_addf(b, "admits routes from namespace \"%s\" only (from: Same)", parent->ns);
    } else if (l->from == GG_FROM_SELECTOR) {
        if (!l->selector.is_set) {
            gg_buf_adds(b, "has from: Selector but no selector, so it admits no namespace");
        } else {
            gg_buf_adds(b, "admits namespaces matching ");
            gg_selector_render(&l->selector, b);
            gg_buf_addf(b, " (from: Selector), and namespace \"%s\" %s", c->o->ns,
                        c->ns.known ? "does not match" : "is not known");
        }
    } else {
        gg_buf_addf(b, "admits no routes (from: %s)", from_word(l->from));
    }
}

static void not_allowed(struct cross *c, const struct gg_path *pr, const struct gg_ref *ref,
                        const struct gg_object *parent, bool unknown)
{
    size_t n;
    const struct gg_listener *l = gg_attach_listeners(parent, &n);
    struct gg_buf b;
    gg_buf_init(&b);
    size_t shown = 0;
    bool kind_only = true;
    for (size_t i = 0; i < n; i++) {
        if (!gg_attach_is_candidate(&l[i], ref))
            continue;
        enum gg_admit a = gg_attach_listener_admits(&l[i], parent->ns, c->o->kind, &c->ns);
        if (a == GG_ADMIT_YES)
            continue;
        kind_only = kind_only && a == GG_ADMIT_KIND;
        if (shown == 4) {
            gg_buf_adds(&b, "; ...");
            break;
        }
        if (shown++)
            gg_buf_adds(&b, "; ");
        refusal(c, &l[i], parent, a, &b);
    }
    struct gg_buf who;
    gg_buf_init(&who);
    gg_cross_name(parent, &who);
    const char *kind = gg_model_kind_name(c->o->kind);
    if (unknown) {
        gg_cross_report(c, GG_CHECK_REFERENT_EXISTS, GG_SEV_WARNING, GG_ERR_NOT_FOUND, pr, NULL,
                        "%s: %s cannot be checked: %s; the route attaches only "
                        "if Namespace \"%s\" has matching labels",
                        gg_reason_name(GG_REASON_NOT_ALLOWED_BY_LISTENERS), who.data, b.data,
                        c->o->ns);
    } else if (kind_only) {
        gg_cross_report(c, GG_CHECK_PARENT_ATTACHMENT, GG_SEV_ERROR, GG_ERR_FORBIDDEN, pr, NULL,
                        "%s: no listener of %s accepts %s: %s; attach to an "
                        "HTTP or HTTPS listener that allows %s",
                        gg_reason_name(GG_REASON_NOT_ALLOWED_BY_LISTENERS), who.data, kind, b.data,
                        kind);
    } else {
        gg_cross_report(c, GG_CHECK_PARENT_ATTACHMENT, GG_SEV_ERROR, GG_ERR_FORBIDDEN, pr, NULL,
                        "%s: no listener of %s admits %s from namespace "
                        "\"%s\": %s; have the Gateway's owner admit namespace \"%s\" in "
                        "allowedRoutes, or attach to a listener that does",
                        gg_reason_name(GG_REASON_NOT_ALLOWED_BY_LISTENERS), who.data, kind,
                        c->o->ns, b.data, c->o->ns);
    }
    gg_buf_clear(&who);
    gg_buf_clear(&b);
}

static void no_hostname(struct cross *c, const struct gg_ref *ref, const struct gg_object *parent)
{
    size_t n;
    const struct gg_listener *l = gg_attach_listeners(parent, &n);
    struct gg_buf b, who;
    gg_buf_init(&b);
    gg_buf_init(&who);
    size_t shown = 0;
    const char *first_host = NULL;
    for (size_t i = 0; i < n && shown < 4; i++) {
        if (!gg_attach_is_candidate(&l[i], ref) ||
            gg_attach_listener_admits(&l[i], parent->ns, c->o->kind, &c->ns) != GG_ADMIT_YES)
            continue;
        gg_buf_addf(&b, "%s\"%s\" (%s)", shown++ ? ", " : "", l[i].name ? l[i].name : "",
                    l[i].hostname);
        if (!first_host)
            first_host = l[i].hostname;
    }
    gg_cross_name(parent, &who);
    struct gg_path root = GG_PATH_ROOT_INIT, spec = gg_path_child(&root, "spec");
    struct gg_path p = gg_path_child(&spec, "hostnames");
    gg_cross_report(c, GG_CHECK_HOSTNAME_INTERSECTION, GG_SEV_ERROR, GG_ERR_FORBIDDEN, &p, NULL,
                    "%s: no hostname of the route intersects %s %s of %s; "
                    "use a hostname that matches \"%s\"",
                    gg_reason_name(GG_REASON_NO_MATCHING_LISTENER_HOSTNAME),
                    shown > 1 ? "listeners" : "listener", b.data ? b.data : "", who.data,
                    first_host ? first_host : "");
    gg_buf_clear(&who);
    gg_buf_clear(&b);
}

/* The Gateway a parentRef leads to: itself, or a ListenerSet's parent. */
static bool gateway_of(struct cross *c, const struct gg_ref *ref, const struct gg_object *parent,
                       const char **gw_ns, const char **gw_name)
{
    enum gg_model_kind k;
    if (!gg_store_parent_kind(ref, &k))
        return false;
    if (k == GG_KIND_GATEWAY) {
        *gw_ns = gg_ref_ns(ref, c->o->ns);
        *gw_name = ref->name;
        return true;
    }
    if (!parent)
        return false;
    const struct gg_ref *pr = &parent->u.listenerset.parent_ref;
    if (!pr->name)
        return false;
    *gw_ns = gg_ref_ns(pr, parent->ns);
    *gw_name = pr->name;
    return true;
}

static void attachment_policy(struct cross *c, const struct gg_path *pr, const struct gg_ref *ref,
                              const struct gg_object *parent)
{
    const char *gw_ns, *gw_name;
    if (!gateway_of(c, ref, parent, &gw_ns, &gw_name))
        return;
    struct gg_policy_ns ns = {c->ns.name, c->ns.labels, c->ns.n_labels};
    struct gg_buf allowed;
    gg_buf_init(&allowed);
    if (gg_policy_attach(c->pol, &ns, gw_ns, gw_name, ref->section_name, &allowed) ==
        GG_ATTACH_DENIED) {
        gg_cross_report(c, GG_CHECK_ATTACHMENT_POLICY, GG_SEV_ERROR, GG_ERR_FORBIDDEN, pr, NULL,
                        "the ownership policy does not let namespace \"%s\" attach to Gateway "
                        "\"%s/%s\"%s%s%s; attach to one of %s%s",
                        c->o->ns, gw_ns, gw_name, ref->section_name ? " through listener \"" : "",
                        ref->section_name ? ref->section_name : "", ref->section_name ? "\"" : "",
                        allowed.data ? allowed.data : "nothing",
                        ref->section_name ? "" : " (name a single listener in sectionName)");
    }
    gg_buf_clear(&allowed);
}

/* Whether the policy wants hostnames on this route, for the parent reached
 * through <ref>. */
static bool needs_hostnames(struct cross *c, const struct gg_ref *ref,
                            const struct gg_object *parent)
{
    enum gg_require_hostnames req = gg_policy_require_hostnames(c->pol);
    const char *gw_ns, *gw_name;
    if (req == GG_REQUIRE_HOSTNAMES_NEVER || !gateway_of(c, ref, parent, &gw_ns, &gw_name))
        return false;
    return req == GG_REQUIRE_HOSTNAMES_ALWAYS || strcmp(gw_ns, c->o->ns) != 0;
}

void gg_cross_check_route_attach(struct cross *c)
{
    const struct gg_route *rt = &c->o->u.route;
    bool exempt = gg_policy_is_exempt(c->pol, c->o->ns);
    bool has_hosts = false, any_ok = false, hostnames_required = false;
    const struct gg_object *required_by = NULL;
    const struct gg_ref *required_ref = NULL;
    for (size_t h = 0; h < rt->n_hostnames; h++)
        has_hosts = has_hosts || rt->hostnames[h];
    /* which hostnames some attached listener takes (first 64) */
    uint64_t host_used = 0;

    struct gg_path root = GG_PATH_ROOT_INIT, spec = gg_path_child(&root, "spec");
    struct gg_path refs = gg_path_child(&spec, "parentRefs");
    for (size_t i = 0; i < rt->n_parent_refs; i++) {
        const struct gg_ref *ref = &rt->parent_refs[i];
        enum gg_model_kind pk;
        if (!gg_store_parent_kind(ref, &pk))
            continue; /* another kind of parent (a Service, for mesh): not ours */
        struct gg_path pr = gg_path_index(&refs, i);
        const struct gg_object *parent = gg_attach_find_parent(c->s, ref, c->o->ns);
        if (!exempt) {
            attachment_policy(c, &pr, ref, parent);
            if (!has_hosts && !hostnames_required && needs_hostnames(c, ref, parent)) {
                hostnames_required = true;
                required_by = parent;
                required_ref = ref;
            }
        }
        if (!parent) {
            char *v = gg_xasprintf("%s/%s", gg_ref_ns(ref, c->o->ns), ref->name);
            char *q = gg_errs_render_str(v);
            gg_cross_report(c, GG_CHECK_REFERENT_EXISTS, GG_SEV_ERROR, GG_ERR_NOT_FOUND, &pr, q,
                            "%s: %s \"%s\" not found; the route stays unattached "
                            "until it exists",
                            gg_reason_name(GG_REASON_NO_MATCHING_PARENT), gg_model_kind_name(pk),
                            v);
            free(q);
            free(v);
            continue;
        }
        uint64_t mask = 0;
        switch (gg_attach_route(c->o, ref, parent, &c->ns, &mask)) {
        case GG_ATTACH_NO_LISTENER:
            no_listener(c, &pr, ref, parent);
            break;
        case GG_ATTACH_NOT_ADMITTED:
            not_allowed(c, &pr, ref, parent, false);
            break;
        case GG_ATTACH_UNKNOWN_NS:
            not_allowed(c, &pr, ref, parent, true);
            break;
        case GG_ATTACH_NO_HOSTNAME:
            no_hostname(c, ref, parent);
            break;
        case GG_ATTACH_OK: {
            any_ok = true;
            size_t n;
            const struct gg_listener *l = gg_attach_listeners(parent, &n);
            for (size_t k = 0; k < n && k < 64; k++) {
                if (!(mask & (1ULL << k)))
                    continue;
                for (size_t h = 0; h < rt->n_hostnames && h < 64; h++)
                    if (rt->hostnames[h] && gg_hostname_intersects(rt->hostnames[h], l[k].hostname))
                        host_used |= 1ULL << h;
            }
            break;
        }
        }
    }

    /* a hostname no attached listener takes is ignored by the controller */
    struct gg_path hosts = gg_path_child(&spec, "hostnames");
    for (size_t h = 0; any_ok && h < rt->n_hostnames && h < 64; h++) {
        if (!rt->hostnames[h] || (host_used & (1ULL << h)))
            continue;
        struct gg_path p = gg_path_index(&hosts, h);
        gg_cross_report(c, GG_CHECK_HOSTNAME_INTERSECTION, GG_SEV_WARNING, GG_ERR_INVALID, &p, NULL,
                        "%s: \"%s\" matches no listener the route attaches "
                        "to and is ignored; remove it or attach to a listener that serves it",
                        gg_reason_name(GG_REASON_NO_MATCHING_LISTENER_HOSTNAME), rt->hostnames[h]);
    }

    if (hostnames_required) {
        struct gg_buf who;
        gg_buf_init(&who);
        if (required_by)
            gg_cross_name(required_by, &who);
        else
            gg_buf_addf(&who, "%s \"%s/%s\"", required_ref->kind, gg_ref_ns(required_ref, c->o->ns),
                        required_ref->name);
        bool shared = gg_policy_require_hostnames(c->pol) == GG_REQUIRE_HOSTNAMES_SHARED;
        gg_cross_report(c, GG_CHECK_REQUIRE_HOSTNAMES, GG_SEV_ERROR, GG_ERR_REQUIRED, &hosts, NULL,
                        "the ownership policy requires routes%s to name their hostnames, and this "
                        "route attaches to %s without any; add spec.hostnames",
                        shared ? " on shared Gateways" : "", who.data);
        gg_buf_clear(&who);
    }
}
