/* SPDX-License-Identifier: Apache-2.0 */
/* The CEL rules of the HTTPRoute and GRPCRoute CRDs (Gateway API v1.6.3, standard channel), each
 * transcribed literally from its CEL text, quirks included. cel.c maps the CRDs' rules onto these
 * functions; the schema validator decides where each one runs. */
#include <stdint.h>
#include <string.h>

#include "cel_internal.h"

/* --- spec.parentRefs (HTTPRoute, GRPCRoute) --------------------------------------------------- */

/* `(!has(p.f) || p.f == '')` */
static bool is_unset(const json_t *p, const char *key)
{
    const json_t *v = cel_get(p, key);

    return !v || (json_is_string(v) && json_string_length(v) == 0);
}

/* `((!has(p1.f) || p1.f == '') && (!has(p2.f) || p2.f == '')) ||
 *  (has(p1.f) && has(p2.f) && p1.f == p2.f)`: an absent and an empty value are the same. */
static bool same_optional(const json_t *p1, const json_t *p2, const char *key)
{
    const json_t *v1 = cel_get(p1, key), *v2 = cel_get(p2, key);

    if (is_unset(p1, key) && is_unset(p2, key))
        return true;
    return v1 && v2 && cel_json_eq(v1, v2);
}

/* `p1.group == p2.group && p1.kind == p2.kind && p1.name == p2.name && (<same namespace>)`.
 * The rules spell the namespace field `__namespace__`, CEL's escape for a reserved word. */
static struct cel_bool same_parent(const json_t *p1, const json_t *p2)
{
    struct cel_bool v = cel_field_eq(p1, p2, "group");

    v = cel_and(v, cel_field_eq(p1, p2, "kind"));
    v = cel_and(v, cel_field_eq(p1, p2, "name"));
    return cel_and(v, cel_of(same_optional(p1, p2, "namespace")));
}

/* spec.parentRefs (HTTPRoute, GRPCRoute):
 * self.all(p1, self.all(p2, <same parent> ? ((!has(p1.sectionName) || p1.sectionName == '') ==
 * (!has(p2.sectionName) || p2.sectionName == '')) : true))
 * "sectionName must be specified when parentRefs includes 2 or more references to the same
 * parent". Port plays no part in the standard channel. */
GG_CEL_PREDICATE(gg_cel_route_parent_refs_section_name_specified)
{
    struct cel_bool all = cel_of(true);
    size_t n = json_array_size(self);

    (void)old;
    if (!json_is_array(self))
        return cel_result(cel_no_overload(), err, errlen);
    for (size_t i = 0; i < n; i++) {
        const json_t *p1 = json_array_get(self, i);
        struct cel_bool inner = cel_of(true);

        for (size_t j = 0; j < n; j++) {
            const json_t *p2 = json_array_get(self, j);
            bool same_presence = is_unset(p1, "sectionName") == is_unset(p2, "sectionName");

            if (!cel_all_step(&inner,
                              cel_cond(same_parent(p1, p2), cel_of(same_presence), cel_of(true))))
                break;
        }
        if (!cel_all_step(&all, inner))
            break;
    }
    return cel_result(all, err, errlen);
}

/* spec.parentRefs (HTTPRoute, GRPCRoute):
 * self.all(p1, self.exists_one(p2, <same parent> && <same sectionName, absent == ''>))
 * "sectionName must be unique when parentRefs includes 2 or more references to the same parent".
 * Two references differing only in port fail here in the standard channel. */
GG_CEL_PREDICATE(gg_cel_route_parent_refs_section_name_unique)
{
    struct cel_bool all = cel_of(true);
    size_t n = json_array_size(self);

    (void)old;
    if (!json_is_array(self))
        return cel_result(cel_no_overload(), err, errlen);
    for (size_t i = 0; i < n; i++) {
        const json_t *p1 = json_array_get(self, i);
        struct cel_count one = CEL_COUNT_INIT;

        for (size_t j = 0; j < n; j++) {
            const json_t *p2 = json_array_get(self, j);

            cel_count_step(
                &one, cel_and(same_parent(p1, p2), cel_of(same_optional(p1, p2, "sectionName"))));
        }
        if (!cel_all_step(&all, cel_count_is_one(one)))
            break;
    }
    return cel_result(all, err, errlen);
}

/* --- spec.rules ------------------------------------------------------------------------------- */

/* The rules spell out self[0] to self[15] (maxItems is 16), so only those count. */
#define RULES_SPELLED_OUT 16
#define MAX_TOTAL_MATCHES 128

/* spec.rules (HTTPRoute):
 * (self.size() > 0 ? self[0].matches.size() : 0) + ... +
 * (self.size() > 15 ? self[15].matches.size() : 0) <= 128
 * "While 16 rules and 64 matches per rule are allowed, the total number of matches across all
 * rules in a route must be less than 128". `matches` is defaulted, so it is always there. */
GG_CEL_PREDICATE(gg_cel_httproute_rules_match_total)
{
    size_t total = 0;

    (void)old;
    if (!json_is_array(self))
        return cel_result(cel_no_overload(), err, errlen);
    for (size_t i = 0; i < json_array_size(self) && i < RULES_SPELLED_OUT; i++) {
        const json_t *matches = cel_get(json_array_get(self, i), "matches");

        if (!matches)
            return cel_result(cel_no_such_key("matches"), err, errlen);
        if (!json_is_array(matches))
            return cel_result(cel_no_overload(), err, errlen);
        total += json_array_size(matches);
    }
    return cel_result(cel_of(total <= MAX_TOTAL_MATCHES), err, errlen);
}

/* spec.rules (GRPCRoute): as for HTTPRoute, but `(has(self[i].matches) ? self[i].matches.size() :
 * 0)`, since GRPCRoute does not default matches. Same message. */
GG_CEL_PREDICATE(gg_cel_grpcroute_rules_match_total)
{
    size_t total = 0;

    (void)old;
    if (!json_is_array(self))
        return cel_result(cel_no_overload(), err, errlen);
    for (size_t i = 0; i < json_array_size(self) && i < RULES_SPELLED_OUT; i++) {
        const json_t *matches = cel_get(json_array_get(self, i), "matches");

        if (!matches)
            continue;
        if (!json_is_array(matches))
            return cel_result(cel_no_overload(), err, errlen);
        total += json_array_size(matches);
    }
    return cel_result(cel_of(total <= MAX_TOTAL_MATCHES), err, errlen);
}

/* spec.rules[] (HTTPRoute):
 * (has(self.backendRefs) && size(self.backendRefs) > 0) ? (!has(self.filters) ||
 * self.filters.all(f, !has(f.requestRedirect))): true
 * "RequestRedirect filter must not be used together with backendRefs". Redirects inside
 * backendRefs[].filters are not looked at. */
GG_CEL_PREDICATE(gg_cel_httproute_rule_redirect_without_backends)
{
    const json_t *backends = cel_get(self, "backendRefs");
    const json_t *filters = cel_get(self, "filters");

    (void)old;
    if (!backends)
        return GG_CEL_PASS;
    if (!json_is_array(backends))
        return cel_result(cel_no_overload(), err, errlen);
    if (json_array_size(backends) == 0 || !filters)
        return GG_CEL_PASS;
    if (!json_is_array(filters))
        return cel_result(cel_no_overload(), err, errlen);
    for (size_t i = 0; i < json_array_size(filters); i++)
        if (cel_has(json_array_get(filters, i), "requestRedirect"))
            return GG_CEL_FAIL;
    return GG_CEL_PASS;
}

/* has(f.<field>) && has(f.<field>.path) && f.<field>.path.type == 'ReplacePrefixMatch' &&
 * has(f.<field>.path.replacePrefixMatch) */
static struct cel_bool replaces_prefix_match(const json_t *f, const char *field)
{
    const json_t *mod = cel_get(f, field);
    const json_t *path = cel_get(mod, "path");
    struct cel_bool v = cel_and(cel_of(mod != NULL), cel_of(path != NULL));

    v = cel_and(v, cel_str_eq(path, "type", "ReplacePrefixMatch"));
    return cel_and(v, cel_of(cel_has(path, "replacePrefixMatch")));
}

/* has(<obj>.filters) && <obj>.filters.exists_one(f, <replaces prefix match via field>) */
static struct cel_bool one_filter_replaces_prefix(const json_t *obj, const char *field)
{
    const json_t *filters = cel_get(obj, "filters");
    struct cel_count one = CEL_COUNT_INIT;

    if (!filters)
        return cel_of(false);
    if (!json_is_array(filters))
        return cel_no_overload();
    for (size_t i = 0; i < json_array_size(filters); i++)
        cel_count_step(&one, replaces_prefix_match(json_array_get(filters, i), field));
    return cel_count_is_one(one);
}

/* has(self.backendRefs) && self.backendRefs.exists_one(b, (has(b.filters) &&
 * b.filters.exists_one(f, <replaces prefix match via field>))) */
static struct cel_bool one_backend_replaces_prefix(const json_t *rule, const char *field)
{
    const json_t *backends = cel_get(rule, "backendRefs");
    struct cel_count one = CEL_COUNT_INIT;

    if (!backends)
        return cel_of(false);
    if (!json_is_array(backends))
        return cel_no_overload();
    for (size_t i = 0; i < json_array_size(backends); i++)
        cel_count_step(&one, one_filter_replaces_prefix(json_array_get(backends, i), field));
    return cel_count_is_one(one);
}

/* (size(self.matches) != 1 || !has(self.matches[0].path) ||
 *  self.matches[0].path.type != 'PathPrefix') ? false : true */
static struct cel_bool single_path_prefix_match(const json_t *rule)
{
    const json_t *matches = cel_get(rule, "matches");
    const json_t *path;

    if (!matches)
        return cel_no_such_key("matches");
    if (!json_is_array(matches))
        return cel_no_overload();
    if (json_array_size(matches) != 1)
        return cel_of(false);
    path = cel_get(json_array_get(matches, 0), "path");
    if (!path)
        return cel_of(false);
    /* `type != 'PathPrefix' ? false : true` is `type == 'PathPrefix'`, errors included */
    return cel_str_eq(path, "type", "PathPrefix");
}

/* spec.rules[] (HTTPRoute):
 * (has(self.filters) && self.filters.exists_one(f, has(f.requestRedirect) &&
 * has(f.requestRedirect.path) && f.requestRedirect.path.type == 'ReplacePrefixMatch' &&
 * has(f.requestRedirect.path.replacePrefixMatch))) ? ((size(self.matches) != 1 ||
 * !has(self.matches[0].path) || self.matches[0].path.type != 'PathPrefix') ? false : true) : true
 * "When using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match
 * must be specified". exists_one: two such filters skip the check entirely. */
GG_CEL_PREDICATE(gg_cel_httproute_rule_redirect_prefix_match)
{
    (void)old;
    return cel_result(cel_cond(one_filter_replaces_prefix(self, "requestRedirect"),
                               single_path_prefix_match(self), cel_of(true)),
                      err, errlen);
}

/* spec.rules[] (HTTPRoute): the same with f.urlRewrite.
 * "When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must
 * be specified" */
GG_CEL_PREDICATE(gg_cel_httproute_rule_rewrite_prefix_match)
{
    (void)old;
    return cel_result(cel_cond(one_filter_replaces_prefix(self, "urlRewrite"),
                               single_path_prefix_match(self), cel_of(true)),
                      err, errlen);
}

/* spec.rules[] (HTTPRoute):
 * (has(self.backendRefs) && self.backendRefs.exists_one(b, (has(b.filters) &&
 * b.filters.exists_one(f, has(f.requestRedirect) && ... )) )) ? (<single PathPrefix match> ?
 * ...) : true
 * "Within backendRefs, when using RequestRedirect filter with path.replacePrefixMatch, exactly
 * one PathPrefix match must be specified". Exactly one backendRef must carry exactly one such
 * filter for the check to apply. */
GG_CEL_PREDICATE(gg_cel_httproute_rule_backend_redirect_prefix_match)
{
    (void)old;
    return cel_result(cel_cond(one_backend_replaces_prefix(self, "requestRedirect"),
                               single_path_prefix_match(self), cel_of(true)),
                      err, errlen);
}

/* spec.rules[] (HTTPRoute): the same with f.urlRewrite.
 * "Within backendRefs, When using URLRewrite filter with path.replacePrefixMatch, exactly one
 * PathPrefix match must be specified" (upstream's capital "When"). */
GG_CEL_PREDICATE(gg_cel_httproute_rule_backend_rewrite_prefix_match)
{
    (void)old;
    return cel_result(cel_cond(one_backend_replaces_prefix(self, "urlRewrite"),
                               single_path_prefix_match(self), cel_of(true)),
                      err, errlen);
}

/* spec.rules[].backendRefs[] and every requestMirror.backendRef (HTTPRoute, GRPCRoute):
 * (size(self.group) == 0 && self.kind == 'Service') ? has(self.port) : true
 * "Must have port for Service reference". group and kind are defaulted ("" and Service). */
GG_CEL_PREDICATE(gg_cel_route_backend_ref_service_port)
{
    const json_t *group = cel_get(self, "group");
    struct cel_bool core_group;

    (void)old;
    if (!group)
        core_group = cel_no_such_key("group");
    else if (!json_is_string(group))
        core_group = cel_no_overload();
    else
        core_group = cel_of(json_string_length(group) == 0);
    return cel_result(cel_cond(cel_and(core_group, cel_str_eq(self, "kind", "Service")),
                               cel_of(cel_has(self, "port")), cel_of(true)),
                      err, errlen);
}

/* --- filters (lists) -------------------------------------------------------------------------- */

/* self.exists(f, f.type == '<type>') */
static struct cel_bool has_filter_type(const json_t *filters, const char *type)
{
    struct cel_bool any = cel_of(false);

    for (size_t i = 0; i < json_array_size(filters); i++)
        if (!cel_exists_step(&any, cel_str_eq(json_array_get(filters, i), "type", type)))
            break;
    return any;
}

/* spec.rules[].filters, spec.rules[].backendRefs[].filters (HTTPRoute):
 * !(self.exists(f, f.type == 'RequestRedirect') && self.exists(f, f.type == 'URLRewrite'))
 * "May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not
 * both" */
GG_CEL_PREDICATE(gg_cel_httproute_filters_redirect_or_rewrite)
{
    (void)old;
    if (!json_is_array(self))
        return cel_result(cel_no_overload(), err, errlen);
    return cel_result(cel_not(cel_and(has_filter_type(self, "RequestRedirect"),
                                      has_filter_type(self, "URLRewrite"))),
                      err, errlen);
}

/* self.filter(f, f.type == '<type>').size() <= 1 */
static enum gg_cel_result at_most_once(const json_t *filters, const char *type, char *err,
                                       size_t errlen)
{
    struct cel_count count = CEL_COUNT_INIT;

    if (!json_is_array(filters))
        return cel_result(cel_no_overload(), err, errlen);
    for (size_t i = 0; i < json_array_size(filters); i++)
        cel_count_step(&count, cel_str_eq(json_array_get(filters, i), "type", type));
    if (cel_is_error(count.err))
        return cel_result(count.err, err, errlen);
    return count.n <= 1 ? GG_CEL_PASS : GG_CEL_FAIL;
}

/* spec.rules[].filters, spec.rules[].backendRefs[].filters (HTTPRoute):
 * self.filter(f, f.type == 'CORS').size() <= 1
 * "CORS filter cannot be repeated" */
GG_CEL_PREDICATE(gg_cel_httproute_filters_cors_once)
{
    (void)old;
    return at_most_once(self, "CORS", err, errlen);
}

/* spec.rules[].filters, spec.rules[].backendRefs[].filters (HTTPRoute, GRPCRoute):
 * self.filter(f, f.type == 'RequestHeaderModifier').size() <= 1
 * "RequestHeaderModifier filter cannot be repeated" */
GG_CEL_PREDICATE(gg_cel_route_filters_request_header_modifier_once)
{
    (void)old;
    return at_most_once(self, "RequestHeaderModifier", err, errlen);
}

/* spec.rules[].filters, spec.rules[].backendRefs[].filters (HTTPRoute, GRPCRoute):
 * self.filter(f, f.type == 'ResponseHeaderModifier').size() <= 1
 * "ResponseHeaderModifier filter cannot be repeated" */
GG_CEL_PREDICATE(gg_cel_route_filters_response_header_modifier_once)
{
    (void)old;
    return at_most_once(self, "ResponseHeaderModifier", err, errlen);
}

/* spec.rules[].filters, spec.rules[].backendRefs[].filters (HTTPRoute):
 * self.filter(f, f.type == 'RequestRedirect').size() <= 1
 * "RequestRedirect filter cannot be repeated" */
GG_CEL_PREDICATE(gg_cel_httproute_filters_request_redirect_once)
{
    (void)old;
    return at_most_once(self, "RequestRedirect", err, errlen);
}

/* spec.rules[].filters, spec.rules[].backendRefs[].filters (HTTPRoute):
 * self.filter(f, f.type == 'URLRewrite').size() <= 1
 * "URLRewrite filter cannot be repeated" */
GG_CEL_PREDICATE(gg_cel_httproute_filters_url_rewrite_once)
{
    (void)old;
    return at_most_once(self, "URLRewrite", err, errlen);
}

/* --- filters[] (one filter): its config field must match its type ----------------------------- */

/* !(has(self.<field>) && self.type != '<type>') */
static enum gg_cel_result field_nil_unless(const json_t *filter, const char *field,
                                           const char *type, char *err, size_t errlen)
{
    return cel_result(
        cel_not(cel_and(cel_of(cel_has(filter, field)), cel_not(cel_str_eq(filter, "type", type)))),
        err, errlen);
}

/* !(!has(self.<field>) && self.type == '<type>') */
static enum gg_cel_result field_specified_for(const json_t *filter, const char *field,
                                              const char *type, char *err, size_t errlen)
{
    return cel_result(
        cel_not(cel_and(cel_of(!cel_has(filter, field)), cel_str_eq(filter, "type", type))), err,
        errlen);
}

/* spec.rules[].filters[], spec.rules[].backendRefs[].filters[] (HTTPRoute):
 * !(has(self.cors) && self.type != 'CORS')
 * "filter.cors must be nil if the filter.type is not CORS" */
GG_CEL_PREDICATE(gg_cel_httproute_filter_cors_nil)
{
    (void)old;
    return field_nil_unless(self, "cors", "CORS", err, errlen);
}

/* !(!has(self.cors) && self.type == 'CORS')
 * "filter.cors must be specified for CORS filter.type" */
GG_CEL_PREDICATE(gg_cel_httproute_filter_cors_specified)
{
    (void)old;
    return field_specified_for(self, "cors", "CORS", err, errlen);
}

/* spec.rules[].filters[], spec.rules[].backendRefs[].filters[] (HTTPRoute, GRPCRoute):
 * !(has(self.requestHeaderModifier) && self.type != 'RequestHeaderModifier')
 * "filter.requestHeaderModifier must be nil if the filter.type is not RequestHeaderModifier" */
GG_CEL_PREDICATE(gg_cel_route_filter_request_header_modifier_nil)
{
    (void)old;
    return field_nil_unless(self, "requestHeaderModifier", "RequestHeaderModifier", err, errlen);
}

/* !(!has(self.requestHeaderModifier) && self.type == 'RequestHeaderModifier')
 * "filter.requestHeaderModifier must be specified for RequestHeaderModifier filter.type" */
GG_CEL_PREDICATE(gg_cel_route_filter_request_header_modifier_specified)
{
    (void)old;
    return field_specified_for(self, "requestHeaderModifier", "RequestHeaderModifier", err, errlen);
}

/* HTTPRoute, GRPCRoute: !(has(self.responseHeaderModifier) && self.type !=
 * 'ResponseHeaderModifier')
 * "filter.responseHeaderModifier must be nil if the filter.type is not ResponseHeaderModifier" */
GG_CEL_PREDICATE(gg_cel_route_filter_response_header_modifier_nil)
{
    (void)old;
    return field_nil_unless(self, "responseHeaderModifier", "ResponseHeaderModifier", err, errlen);
}

/* !(!has(self.responseHeaderModifier) && self.type == 'ResponseHeaderModifier')
 * "filter.responseHeaderModifier must be specified for ResponseHeaderModifier filter.type" */
GG_CEL_PREDICATE(gg_cel_route_filter_response_header_modifier_specified)
{
    (void)old;
    return field_specified_for(self, "responseHeaderModifier", "ResponseHeaderModifier", err,
                               errlen);
}

/* HTTPRoute, GRPCRoute: !(has(self.requestMirror) && self.type != 'RequestMirror')
 * "filter.requestMirror must be nil if the filter.type is not RequestMirror" */
GG_CEL_PREDICATE(gg_cel_route_filter_request_mirror_nil)
{
    (void)old;
    return field_nil_unless(self, "requestMirror", "RequestMirror", err, errlen);
}

/* !(!has(self.requestMirror) && self.type == 'RequestMirror')
 * "filter.requestMirror must be specified for RequestMirror filter.type" */
GG_CEL_PREDICATE(gg_cel_route_filter_request_mirror_specified)
{
    (void)old;
    return field_specified_for(self, "requestMirror", "RequestMirror", err, errlen);
}

/* HTTPRoute: !(has(self.requestRedirect) && self.type != 'RequestRedirect')
 * "filter.requestRedirect must be nil if the filter.type is not RequestRedirect" */
GG_CEL_PREDICATE(gg_cel_httproute_filter_request_redirect_nil)
{
    (void)old;
    return field_nil_unless(self, "requestRedirect", "RequestRedirect", err, errlen);
}

/* !(!has(self.requestRedirect) && self.type == 'RequestRedirect')
 * "filter.requestRedirect must be specified for RequestRedirect filter.type" */
GG_CEL_PREDICATE(gg_cel_httproute_filter_request_redirect_specified)
{
    (void)old;
    return field_specified_for(self, "requestRedirect", "RequestRedirect", err, errlen);
}

/* HTTPRoute: !(has(self.urlRewrite) && self.type != 'URLRewrite')
 * "filter.urlRewrite must be nil if the filter.type is not URLRewrite" */
GG_CEL_PREDICATE(gg_cel_httproute_filter_url_rewrite_nil)
{
    (void)old;
    return field_nil_unless(self, "urlRewrite", "URLRewrite", err, errlen);
}

/* !(!has(self.urlRewrite) && self.type == 'URLRewrite')
 * "filter.urlRewrite must be specified for URLRewrite filter.type" */
GG_CEL_PREDICATE(gg_cel_httproute_filter_url_rewrite_specified)
{
    (void)old;
    return field_specified_for(self, "urlRewrite", "URLRewrite", err, errlen);
}

/* HTTPRoute, GRPCRoute: !(has(self.extensionRef) && self.type != 'ExtensionRef')
 * "filter.extensionRef must be nil if the filter.type is not ExtensionRef" */
GG_CEL_PREDICATE(gg_cel_route_filter_extension_ref_nil)
{
    (void)old;
    return field_nil_unless(self, "extensionRef", "ExtensionRef", err, errlen);
}

/* !(!has(self.extensionRef) && self.type == 'ExtensionRef')
 * "filter.extensionRef must be specified for ExtensionRef filter.type" */
GG_CEL_PREDICATE(gg_cel_route_filter_extension_ref_specified)
{
    (void)old;
    return field_specified_for(self, "extensionRef", "ExtensionRef", err, errlen);
}

/* --- filter configs --------------------------------------------------------------------------- */

/* ...filters[].cors.allowOrigins, .allowMethods and .allowHeaders (HTTPRoute), one rule text
 * under three messages:
 * !('*' in self && self.size() > 1)
 * "AllowOrigins cannot contain '*' alongside other origins", "AllowMethods cannot contain '*'
 * alongside other methods", "AllowHeaders cannot contain '*' alongside other methods" */
GG_CEL_PREDICATE(gg_cel_httproute_cors_wildcard_alone)
{
    bool has_star = false;

    (void)old;
    if (!json_is_array(self))
        return cel_result(cel_no_overload(), err, errlen);
    for (size_t i = 0; i < json_array_size(self); i++) {
        const json_t *v = json_array_get(self, i);

        if (json_is_string(v) && json_string_length(v) == 1 && json_string_value(v)[0] == '*')
            has_star = true;
    }
    return has_star && json_array_size(self) > 1 ? GG_CEL_FAIL : GG_CEL_PASS;
}

/* ...filters[].requestMirror (HTTPRoute, GRPCRoute):
 * !(has(self.percent) && has(self.fraction))
 * "Only one of percent or fraction may be specified in HTTPRequestMirrorFilter" */
GG_CEL_PREDICATE(gg_cel_route_request_mirror_percent_or_fraction)
{
    (void)old;
    (void)err;
    (void)errlen;
    return cel_has(self, "percent") && cel_has(self, "fraction") ? GG_CEL_FAIL : GG_CEL_PASS;
}

/* ...filters[].requestMirror.fraction (HTTPRoute, GRPCRoute):
 * self.numerator <= self.denominator
 * "numerator must be less than or equal to denominator". denominator is defaulted to 100. */
GG_CEL_PREDICATE(gg_cel_route_request_mirror_fraction)
{
    const json_t *num = cel_get(self, "numerator"), *den = cel_get(self, "denominator");

    (void)old;
    if (!num)
        return cel_result(cel_no_such_key("numerator"), err, errlen);
    if (!den)
        return cel_result(cel_no_such_key("denominator"), err, errlen);
    if (json_is_integer(num) && json_is_integer(den))
        return json_integer_value(num) <= json_integer_value(den) ? GG_CEL_PASS : GG_CEL_FAIL;
    if (json_is_number(num) && json_is_number(den))
        return json_number_value(num) <= json_number_value(den) ? GG_CEL_PASS : GG_CEL_FAIL;
    return cel_result(cel_no_overload(), err, errlen);
}

/* ...filters[].requestRedirect.path and ...filters[].urlRewrite.path (HTTPRoute, rule and
 * backendRef level):
 * self.type == 'ReplaceFullPath' ? has(self.replaceFullPath) : true
 * "replaceFullPath must be specified when type is set to 'ReplaceFullPath'" */
GG_CEL_PREDICATE(gg_cel_httproute_path_modifier_full_path_specified)
{
    (void)old;
    return cel_result(cel_cond(cel_str_eq(self, "type", "ReplaceFullPath"),
                               cel_of(cel_has(self, "replaceFullPath")), cel_of(true)),
                      err, errlen);
}

/* has(self.replaceFullPath) ? self.type == 'ReplaceFullPath' : true
 * "type must be 'ReplaceFullPath' when replaceFullPath is set" */
GG_CEL_PREDICATE(gg_cel_httproute_path_modifier_full_path_type)
{
    (void)old;
    return cel_result(cel_cond(cel_of(cel_has(self, "replaceFullPath")),
                               cel_str_eq(self, "type", "ReplaceFullPath"), cel_of(true)),
                      err, errlen);
}

/* self.type == 'ReplacePrefixMatch' ? has(self.replacePrefixMatch) : true
 * "replacePrefixMatch must be specified when type is set to 'ReplacePrefixMatch'" */
GG_CEL_PREDICATE(gg_cel_httproute_path_modifier_prefix_match_specified)
{
    (void)old;
    return cel_result(cel_cond(cel_str_eq(self, "type", "ReplacePrefixMatch"),
                               cel_of(cel_has(self, "replacePrefixMatch")), cel_of(true)),
                      err, errlen);
}

/* has(self.replacePrefixMatch) ? self.type == 'ReplacePrefixMatch' : true
 * "type must be 'ReplacePrefixMatch' when replacePrefixMatch is set" */
GG_CEL_PREDICATE(gg_cel_httproute_path_modifier_prefix_match_type)
{
    (void)old;
    return cel_result(cel_cond(cel_of(cel_has(self, "replacePrefixMatch")),
                               cel_str_eq(self, "type", "ReplacePrefixMatch"), cel_of(true)),
                      err, errlen);
}

/* --- spec.rules[].matches[].path (HTTPRoute) -------------------------------------------------- */

/* `self.type in ['Exact','PathPrefix']` */
static struct cel_bool exact_or_prefix(const json_t *path)
{
    return cel_or(cel_str_eq(path, "type", "Exact"), cel_str_eq(path, "type", "PathPrefix"));
}

/* (self.type in ['Exact','PathPrefix']) ? <test>(self.value) : true */
static enum gg_cel_result check_value(const json_t *path, bool (*test)(const char *, size_t),
                                      char *err, size_t errlen)
{
    const json_t *value = cel_get(path, "value");
    struct cel_bool ok;

    if (!value)
        ok = cel_no_such_key("value");
    else if (!json_is_string(value))
        ok = cel_no_overload();
    else
        ok = cel_of(test(json_string_value(value), json_string_length(value)));
    return cel_result(cel_cond(exact_or_prefix(path), ok, cel_of(true)), err, errlen);
}

static bool contains(const char *s, size_t n, const char *needle)
{
    return memmem(s, n, needle, strlen(needle)) != NULL;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t len = strlen(suffix);

    return n >= len && memcmp(s + n - len, suffix, len) == 0;
}

static bool starts_with_slash(const char *s, size_t n)
{
    return n > 0 && s[0] == '/';
}

static bool lacks_double_slash(const char *s, size_t n)
{
    return !contains(s, n, "//");
}

static bool lacks_dot_segment(const char *s, size_t n)
{
    return !contains(s, n, "/./");
}

static bool lacks_dot_dot_segment(const char *s, size_t n)
{
    return !contains(s, n, "/../");
}

static bool lacks_encoded_slash_lower(const char *s, size_t n)
{
    return !contains(s, n, "%2f");
}

static bool lacks_encoded_slash_upper(const char *s, size_t n)
{
    return !contains(s, n, "%2F");
}

static bool lacks_fragment(const char *s, size_t n)
{
    return memchr(s, '#', n) == NULL;
}

static bool lacks_dot_dot_suffix(const char *s, size_t n)
{
    return !ends_with(s, n, "/..");
}

static bool lacks_dot_suffix(const char *s, size_t n)
{
    return !ends_with(s, n, "/.");
}

static bool is_ascii_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$ : '%' is not in the class, so every
 * '%' must open an escape, and a single left-to-right scan decides the match. */
static bool is_path_characters(const char *s, size_t n)
{
    static const char extra[] = "-/._~!$&'()*+,;=:@";
    size_t i = 0;

    if (n == 0)
        return false;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];

        if (c == '%') {
            if (n - i < 3 || !is_hex((unsigned char)s[i + 1]) || !is_hex((unsigned char)s[i + 2]))
                return false;
            i += 3;
        } else if (is_ascii_alnum(c) || (c != '\0' && memchr(extra, c, sizeof(extra) - 1))) {
            i++;
        } else {
            return false;
        }
    }
    return true;
}

/* (self.type in ['Exact','PathPrefix']) ? self.value.startsWith('/') : true
 * "value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']" */
GG_CEL_PREDICATE(gg_cel_httproute_path_match_absolute)
{
    (void)old;
    return check_value(self, starts_with_slash, err, errlen);
}

/* (self.type in ['Exact','PathPrefix']) ? !self.value.contains('//') : true
 * "must not contain '//' when type one of ['Exact', 'PathPrefix']" */
GG_CEL_PREDICATE(gg_cel_httproute_path_match_no_double_slash)
{
    (void)old;
    return check_value(self, lacks_double_slash, err, errlen);
}

/* (self.type in ['Exact','PathPrefix']) ? !self.value.contains('/./') : true
 * "must not contain '/./' when type one of ['Exact', 'PathPrefix']" */
GG_CEL_PREDICATE(gg_cel_httproute_path_match_no_dot_segment)
{
    (void)old;
    return check_value(self, lacks_dot_segment, err, errlen);
}

/* (self.type in ['Exact','PathPrefix']) ? !self.value.contains('/../') : true
 * "must not contain '/../' when type one of ['Exact', 'PathPrefix']" */
GG_CEL_PREDICATE(gg_cel_httproute_path_match_no_dot_dot_segment)
{
    (void)old;
    return check_value(self, lacks_dot_dot_segment, err, errlen);
}

/* (self.type in ['Exact','PathPrefix']) ? !self.value.contains('%2f') : true
 * "must not contain '%2f' when type one of ['Exact', 'PathPrefix']" */
GG_CEL_PREDICATE(gg_cel_httproute_path_match_no_encoded_slash_lower)
{
    (void)old;
    return check_value(self, lacks_encoded_slash_lower, err, errlen);
}

/* (self.type in ['Exact','PathPrefix']) ? !self.value.contains('%2F') : true
 * "must not contain '%2F' when type one of ['Exact', 'PathPrefix']" */
GG_CEL_PREDICATE(gg_cel_httproute_path_match_no_encoded_slash_upper)
{
    (void)old;
    return check_value(self, lacks_encoded_slash_upper, err, errlen);
}

/* (self.type in ['Exact','PathPrefix']) ? !self.value.contains('#') : true
 * "must not contain '#' when type one of ['Exact', 'PathPrefix']" */
GG_CEL_PREDICATE(gg_cel_httproute_path_match_no_fragment)
{
    (void)old;
    return check_value(self, lacks_fragment, err, errlen);
}

/* (self.type in ['Exact','PathPrefix']) ? !self.value.endsWith('/..') : true
 * "must not end with '/..' when type one of ['Exact', 'PathPrefix']" */
GG_CEL_PREDICATE(gg_cel_httproute_path_match_no_dot_dot_suffix)
{
    (void)old;
    return check_value(self, lacks_dot_dot_suffix, err, errlen);
}

/* (self.type in ['Exact','PathPrefix']) ? !self.value.endsWith('/.') : true
 * "must not end with '/.' when type one of ['Exact', 'PathPrefix']" */
GG_CEL_PREDICATE(gg_cel_httproute_path_match_no_dot_suffix)
{
    (void)old;
    return check_value(self, lacks_dot_suffix, err, errlen);
}

/* self.type in ['Exact','PathPrefix'] || self.type == 'RegularExpression'
 * "type must be one of ['Exact', 'PathPrefix', 'RegularExpression']" (the enum says so too) */
GG_CEL_PREDICATE(gg_cel_httproute_path_match_type)
{
    (void)old;
    return cel_result(cel_or(exact_or_prefix(self), cel_str_eq(self, "type", "RegularExpression")),
                      err, errlen);
}

/* (self.type in ['Exact','PathPrefix']) ? self.value.matches(r"""^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|
 * [%][0-9a-fA-F]{2})+$""") : true
 * "must only contain valid characters (matching ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|
 * [%][0-9a-fA-F]{2})+$) for types ['Exact', 'PathPrefix']". RegularExpression values go
 * unchecked. */
GG_CEL_PREDICATE(gg_cel_httproute_path_match_characters)
{
    (void)old;
    return check_value(self, is_path_characters, err, errlen);
}

/* --- spec.rules[].timeouts (HTTPRoute) -------------------------------------------------------- */

/* cel-go's duration(string) is Go's time.ParseDuration; on failure CEL reports this. */
#define DURATION_CONVERSION_ERROR                                                                  \
    "type conversion error from 'string' to 'google.protobuf.Duration'"

/* One unit of a Go duration, in nanoseconds, or 0 when unknown. */
static uint64_t duration_unit(const char *u, size_t n)
{
    static const struct {
        const char *name;
        uint64_t ns;
    } units[] = {
        {"ns", 1},
        {"us", 1000},
        {"\xc2\xb5s", 1000}, /* U+00B5 micro sign */
        {"\xce\xbcs", 1000}, /* U+03BC Greek mu */
        {"ms", 1000000},
        {"s", 1000000000},
        {"m", 60ULL * 1000000000},
        {"h", 3600ULL * 1000000000},
    };

    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (strlen(units[i].name) == n && memcmp(units[i].name, u, n) == 0)
            return units[i].ns;
    return 0;
}

/* Go's time.ParseDuration (src/time/format.go), step for step, overflow checks included. The
 * schema pattern ^([0-9]{1,5}(h|m|s|ms)){1,4}$ is narrower, but a pattern failure does not stop
 * CEL from running, so values such as "1.5h" or "-1s" reach the rule and Go accepts them. */
static bool parse_go_duration(const char *s, size_t n, int64_t *out)
{
    const uint64_t max = 1ULL << 63;
    uint64_t d = 0;
    bool neg = false;
    size_t i = 0;

    if (n > 0 && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        i = 1;
    }
    if (n - i == 1 && s[i] == '0') {
        *out = 0;
        return true;
    }
    if (i == n)
        return false;
    while (i < n) {
        uint64_t v = 0, f = 0, unit;
        double scale = 1;
        bool pre, post = false, overflow = false;
        size_t start, ustart;

        if (!(s[i] == '.' || (s[i] >= '0' && s[i] <= '9')))
            return false;
        /* leadingInt */
        start = i;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            if (v > max / 10)
                return false;
            v = v * 10 + (uint64_t)(s[i] - '0');
            if (v > max)
                return false;
        }
        pre = i != start;
        /* leadingFraction: stops adding precision instead of failing */
        if (i < n && s[i] == '.') {
            i++;
            start = i;
            for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
                uint64_t y;

                if (overflow)
                    continue;
                if (f > (max - 1) / 10) {
                    overflow = true;
                    continue;
                }
                y = f * 10 + (uint64_t)(s[i] - '0');
                if (y > max) {
                    overflow = true;
                    continue;
                }
                f = y;
                scale *= 10;
            }
            post = i != start;
        }
        if (!pre && !post)
            return false;
        ustart = i;
        while (i < n && s[i] != '.' && !(s[i] >= '0' && s[i] <= '9'))
            i++;
        if (i == ustart)
            return false;
        unit = duration_unit(s + ustart, i - ustart);
        if (unit == 0)
            return false;
        if (v > max / unit)
            return false;
        v *= unit;
        if (f > 0) {
            v += (uint64_t)((double)f * ((double)unit / scale));
            if (v > max)
                return false;
        }
        d += v;
        if (d > max)
            return false;
    }
    if (neg) {
        *out = (int64_t)(0 - d); /* d == 1<<63 gives INT64_MIN, as in Go */
        return true;
    }
    if (d > max - 1)
        return false;
    *out = (int64_t)d;
    return true;
}

/* duration(obj.key) of a present field */
static struct cel_bool to_duration(const json_t *v, int64_t *ns)
{
    if (!json_is_string(v))
        return cel_no_overload();
    if (!parse_go_duration(json_string_value(v), json_string_length(v), ns))
        return cel_error(DURATION_CONVERSION_ERROR, "");
    return cel_of(true);
}

/* spec.rules[].timeouts (HTTPRoute):
 * !(has(self.request) && has(self.backendRequest) && duration(self.request) != duration('0s') &&
 * duration(self.backendRequest) > duration(self.request))
 * "backendRequest timeout cannot be longer than request timeout". A request of 0s means no
 * timeout, and then backendRequest is not even parsed (false && error is false). */
GG_CEL_PREDICATE(gg_cel_httproute_timeouts)
{
    const json_t *request = cel_get(self, "request");
    const json_t *backend = cel_get(self, "backendRequest");
    int64_t req_ns = 0, be_ns = 0;
    struct cel_bool req_ok, be_ok, nonzero, longer;

    (void)old;
    if (!request || !backend)
        return GG_CEL_PASS;
    req_ok = to_duration(request, &req_ns);
    be_ok = to_duration(backend, &be_ns);
    /* duration(self.request) != duration('0s') */
    nonzero = cel_is_error(req_ok) ? req_ok : cel_of(req_ns != 0);
    /* duration(self.backendRequest) > duration(self.request): the left operand's error first */
    if (cel_is_error(be_ok))
        longer = be_ok;
    else if (cel_is_error(req_ok))
        longer = req_ok;
    else
        longer = cel_of(be_ns > req_ns);
    return cel_result(cel_not(cel_and(nonzero, longer)), err, errlen);
}

/* --- spec.rules[].matches[].method (GRPCRoute) ------------------------------------------------ */

/* has(self.type) ? has(self.service) || has(self.method) : true
 * "One or both of 'service' or 'method' must be specified". type is defaulted to Exact, so
 * `method: {}` always fails. */
GG_CEL_PREDICATE(gg_cel_grpcroute_method_service_or_method)
{
    (void)old;
    (void)err;
    (void)errlen;
    if (!cel_has(self, "type"))
        return GG_CEL_PASS;
    return cel_has(self, "service") || cel_has(self, "method") ? GG_CEL_PASS : GG_CEL_FAIL;
}

/* Length in bytes of a letter of [a-z_] under RE2's (?i) at <s>, or 0. Go folds case with
 * unicode.SimpleFold, which adds two non-ASCII members to [a-z]: U+017F (long s, folds to s)
 * and U+212A (Kelvin sign, folds to k). */
static size_t folded_letter_or_underscore(const unsigned char *s, size_t n)
{
    if ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_')
        return 1;
    if (n >= 2 && s[0] == 0xc5 && s[1] == 0xbf)
        return 2;
    if (n >= 3 && s[0] == 0xe2 && s[1] == 0x84 && s[2] == 0xaa)
        return 3;
    return 0;
}

/* ^(?i)\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$ */
static bool is_grpc_service(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;

    if (n > 0 && s[0] == '.')
        i = 1;
    for (;;) {
        size_t len = i < n ? folded_letter_or_underscore(s + i, n - i) : 0;

        if (len == 0)
            return false;
        i += len;
        while (i < n) {
            if (s[i] >= '0' && s[i] <= '9')
                len = 1;
            else
                len = folded_letter_or_underscore(s + i, n - i);
            if (len == 0)
                break;
            i += len;
        }
        if (i == n)
            return true;
        if (s[i] != '.')
            return false;
        i++;
    }
}

/* ^[A-Za-z_][A-Za-z_0-9]*$ */
static bool is_grpc_method(const char *s, size_t n)
{
    if (n == 0 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!is_ascii_alnum((unsigned char)s[i]) && s[i] != '_')
            return false;
    return true;
}

/* (!has(self.type) || self.type == 'Exact') && has(self.<key>) ? self.<key>.matches(...) : true */
static enum gg_cel_result check_exact_name(const json_t *self, const char *key,
                                           bool (*test)(const char *, size_t), char *err,
                                           size_t errlen)
{
    const json_t *v = cel_get(self, key);
    bool exact = !cel_has(self, "type") || cel_str_eq(self, "type", "Exact").kind == CEL_TRUE;

    if (!exact || !v)
        return GG_CEL_PASS;
    if (!json_is_string(v))
        return cel_result(cel_no_overload(), err, errlen);
    return test(json_string_value(v), json_string_length(v)) ? GG_CEL_PASS : GG_CEL_FAIL;
}

/* (!has(self.type) || self.type == 'Exact') && has(self.service) ?
 * self.service.matches(r"""^(?i)\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$"""): true
 * "service must only contain valid characters (matching
 * ^(?i)\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$)" */
GG_CEL_PREDICATE(gg_cel_grpcroute_method_service_characters)
{
    (void)old;
    return check_exact_name(self, "service", is_grpc_service, err, errlen);
}

/* (!has(self.type) || self.type == 'Exact') && has(self.method) ?
 * self.method.matches(r"""^[A-Za-z_][A-Za-z_0-9]*$"""): true
 * "method must only contain valid characters (matching ^[A-Za-z_][A-Za-z_0-9]*$)" */
GG_CEL_PREDICATE(gg_cel_grpcroute_method_method_characters)
{
    (void)old;
    return check_exact_name(self, "method", is_grpc_method, err, errlen);
}
