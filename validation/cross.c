/* SPDX-License-Identifier: Apache-2.0 */
/* Cross-object validation: the entry points and the audit. The verdicts
 * are attach.c's, reporting is gg_cross_report.c's, and the checks that report them
 * are in cross_attach.c, cross_refgrant.c,
 * cross_hostname.c, cross_conflict.c, cross_listener.c and cross_impact.c.
 *
 * Objects arrive in any order (GitOps tools apply a route before its
 * Service; cert-manager issues a Secret later; a ReferenceGrant may follow
 * the route), so each check chooses between deny and warn by one principle:
 * a reference to something that does not exist yet is a warning; something
 * that exists and does not allow it is a denial. Levels below are defaults;
 * the policy's `checks` map sets any of them to deny, warn or off.
 *
 * | check (policy name)     | finding (reason word)                               | default |
 * |-------------------------|-----------------------------------------------------|---------|
 * | parent-attachment       | sectionName/port names no listener (NoMatchingParent) | deny  |
 * |                         | no listener admits the route's namespace or kind     | deny    |
 * |                         |   (NotAllowedByListeners)                            |         |
 * | hostname-intersection   | no route hostname intersects an admitting listener   | deny    |
 * |                         |   (NoMatchingListenerHostname)                       |         |
 * |                         | one hostname matches no listener: ignored            | warn    |
 * | reference-grant         | cross-namespace backendRef, mirror backendRef or     | deny    |
 * |                         |   certificateRef with no grant, where the target     |         |
 * |                         |   exists or its namespace has grants (RefNotPermitted)|        |
 * |                         | the same where neither exists yet                    | warn    |
 * | referent-exists         | parent Gateway/ListenerSet missing (NoMatchingParent)| warn    |
 * |                         | Service missing (BackendNotFound), Secret missing    | warn    |
 * |                         |   (InvalidCertificateRef), GatewayClass missing,     |         |
 * |                         |   Namespace unknown where a selector needs labels    |         |
 * | hostname-ownership      | a hostname another namespace serves on the Gateway   | deny    |
 * |                         |   (first come holds it), or one the policy gives     |         |
 * |                         |   to other namespaces                                |         |
 * | rule-conflict           | a match identical to another route's on the same     | deny    |
 * |                         |   listener and hostname: one is silently dropped     |         |
 * | route-kind-conflict     | HTTPRoute and GRPCRoute on one listener with         | warn    |
 * |                         |   intersecting hostnames: the newer is rejected      |         |
 * | listener-conflict       | listeners sharing a port with incompatible protocols | deny    |
 * |                         |   (ProtocolConflict) or an HTTPS/TLS hostname        |         |
 * |                         |   (HostnameConflict), within a Gateway or with its   |         |
 * |                         |   ListenerSets                                       |         |
 * | listener-tls            | a TLS-terminating listener with no certificateRefs   | warn    |
 * |                         |   (InvalidCertificateRef)                            |         |
 * | listenerset-attachment  | the Gateway's allowedListeners refuses the           | deny    |
 * |                         |   ListenerSet (NotAllowed)                           |         |
 * | attachment-policy       | the policy does not let the namespace use the Gateway| deny    |
 * | require-hostnames       | a route without hostnames where the policy requires  | deny    |
 * |                         |   them (only when requireHostnames is set)           |         |
 * | change-impact           | an update or delete of a Gateway, ListenerSet,       | warn    |
 * |                         |   Namespace or ReferenceGrant cuts routes off        |         |
 *
 * Competing objects (hostname holders, identical matches, HTTPRoute against
 * GRPCRoute, ListenerSet listeners) are ordered as the spec orders them: the
 * older creationTimestamp wins, then "namespace/name". An object being created
 * has no timestamp and so always loses; on UPDATE a conflict the old version
 * did not have is refused as new even if the object is older. */
#include "cross.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cross_internal.h"

/* --- entry points ----------------------------------------------------------- */

void gg_cross_check_object(const struct gg_store *s, const struct gg_policy *pol,
                           const struct gg_object *o, const struct gg_object *old,
                           const json_t *json, struct gg_errs *errs)
{
    const struct gg_object *subject = o ? o : old;
    if (!subject)
        return;
    struct cross c = {s, pol, o, old, json, errs, {NULL, NULL, 0, false}};
    gg_attach_ns_view(s, subject->kind == GG_KIND_NAMESPACE ? subject->name : subject->ns, &c.ns);
    if (!o) {
        gg_cross_check_impact(&c);
        return;
    }
    switch (o->kind) {
    case GG_KIND_HTTPROUTE:
    case GG_KIND_GRPCROUTE:
        gg_cross_check_route_attach(&c);
        gg_cross_check_route_refs(&c);
        gg_cross_check_route_ownership(&c);
        gg_cross_check_route_conflicts(&c);
        break;
    case GG_KIND_GATEWAY:
        gg_cross_check_gateway(&c);
        break;
    case GG_KIND_LISTENERSET:
        gg_cross_check_listenerset(&c);
        break;
    default:
        break;
    }
    if (old)
        gg_cross_check_impact(&c);
}

void gg_cross_check(const struct gg_store *s, const struct gg_policy *pol, const json_t *obj,
                    const json_t *old, struct gg_errs *errs)
{
    /* most objects decode within the stack buffer; bigger ones spill to heap */
    char buf[8192];
    struct gg_arena a;
    gg_arena_init(&a, buf, sizeof(buf));
    const struct gg_object *o = obj ? gg_model_decode_in(&a, obj) : NULL;
    const struct gg_object *prev = old ? gg_model_decode_in(&a, old) : NULL;
    if (o || prev) {
        gg_store_read_begin(s);
        gg_cross_check_object(s, pol, o, prev, obj, errs);
        gg_store_read_end(s);
    }
    gg_arena_clear(&a);
}

struct collect {
    const struct gg_object **items;
    size_t n, cap;
};

static bool collect_cb(const struct gg_object *o, void *ctx)
{
    struct collect *cl = ctx;
    if (cl->n == cl->cap) {
        cl->cap = cl->cap ? cl->cap * 2 : 64;
        cl->items = gg_xrealloc(cl->items, cl->cap * sizeof(*cl->items));
    }
    cl->items[cl->n++] = o;
    return true;
}

static int by_key(const void *a, const void *b)
{
    const struct gg_object *x = *(const struct gg_object *const *)a;
    const struct gg_object *y = *(const struct gg_object *const *)b;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    int d = strcmp(x->ns, y->ns);
    return d ? d : strcmp(x->name, y->name);
}

size_t gg_cross_audit(const struct gg_store *s, const struct gg_policy *pol, struct gg_errs *errs)
{
    static const enum gg_model_kind kinds[] = {GG_KIND_GATEWAY, GG_KIND_LISTENERSET,
                                               GG_KIND_HTTPROUTE, GG_KIND_GRPCROUTE};
    struct collect cl = {NULL, 0, 0};
    size_t failing = 0;
    gg_store_read_begin(s);
    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
        gg_store_each(s, kinds[k], collect_cb, &cl);
    if (cl.n)
        qsort(cl.items, cl.n, sizeof(*cl.items), by_key);
    for (size_t i = 0; i < cl.n; i++) {
        const struct gg_object *o = cl.items[i];
        struct gg_subject subj = {gg_model_kind_name(o->kind), o->ns, o->name, NULL, 0, NULL};
        errs->subject = subj;
        size_t before = errs->n_errors;
        gg_cross_check_object(s, pol, o, NULL, NULL, errs);
        failing += errs->n_errors > before;
    }
    gg_store_read_end(s);
    memset(&errs->subject, 0, sizeof(errs->subject));
    free(cl.items);
    return failing;
}
