/* SPDX-License-Identifier: Apache-2.0 */
/* The table of every CEL rule in the Gateway API v1.6.3 standard-channel CRDs (all ten kinds),
 * keyed by message and a hash of the rule's text, and the lookup the schema compiler uses. One
 * entry per distinct (message, rule text); a rule repeated at several schema locations has one
 * entry. The hashes come from tools/cel-rules.py, which also checks this table against the CRDs
 * after an upgrade. */
#include <string.h>

#include "cel.h"
#include "cel_internal.h"

uint64_t gg_cel_hash(const char *rule_text)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    for (const unsigned char *p = (const unsigned char *)rule_text; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* Each entry: the CRD location(s) carrying the rule and its CEL text (or a summary where the
 * text is too long to repeat), then {message, gg_cel_hash(rule), predicate, is_transition}. */
const struct gg_cel_rule gg_cel_rules[] = {
    /* HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, UDPRoute spec.parentRefs:
     * self.all(p1, self.all(p2, <p1 and p2 have equal group, kind, name and namespace (absent ==
     * '')> ? (<p1 has no sectionName> == <p2 has no sectionName>) : true)), where "no
     * sectionName" is !has(p.sectionName) || p.sectionName == '' */
    {"sectionName must be specified when parentRefs includes 2 or more references to the same "
     "parent",
     0xf26af586acfb156eULL, gg_cel_route_parent_refs_section_name_specified, false},
    /* HTTPRoute, GRPCRoute, TLSRoute, TCPRoute, UDPRoute spec.parentRefs:
     * self.all(p1, self.exists_one(p2, <equal group, kind, name and namespace (absent == '')> &&
     * <equal sectionName (absent == '')>)) */
    {"sectionName must be unique when parentRefs includes 2 or more references to the same "
     "parent",
     0x971577ba12b60e43ULL, gg_cel_route_parent_refs_section_name_unique, false},
    /* HTTPRoute spec.rules:
     * (self.size() > 0 ? self[0].matches.size() : 0) + ... + (self.size() > 15 ?
     * self[15].matches.size() : 0) <= 128 */
    {"While 16 rules and 64 matches per rule are allowed, the total number of matches across "
     "all rules in a route must be less than 128",
     0x2534091be7b39932ULL, gg_cel_httproute_rules_match_total, false},
    /* HTTPRoute spec.rules[]:
     * (has(self.backendRefs) && size(self.backendRefs) > 0) ? (!has(self.filters) ||
     * self.filters.all(f, !has(f.requestRedirect))): true */
    {"RequestRedirect filter must not be used together with backendRefs", 0xaf29abcfe3428466ULL,
     gg_cel_httproute_rule_redirect_without_backends, false},
    /* HTTPRoute spec.rules[]:
     * (has(self.filters) && self.filters.exists_one(f, has(f.requestRedirect) &&
     * has(f.requestRedirect.path) && f.requestRedirect.path.type == 'ReplacePrefixMatch' &&
     * has(f.requestRedirect.path.replacePrefixMatch))) ? ((size(self.matches) != 1 ||
     * !has(self.matches[0].path) || self.matches[0].path.type != 'PathPrefix') ? false : true) :
     * true */
    {"When using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix "
     "match must be specified",
     0x2ce9e34559718071ULL, gg_cel_httproute_rule_redirect_prefix_match, false},
    /* HTTPRoute spec.rules[]:
     * as above with f.urlRewrite */
    {"When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match "
     "must be specified",
     0xee7d2cf5cbc37697ULL, gg_cel_httproute_rule_rewrite_prefix_match, false},
    /* HTTPRoute spec.rules[]:
     * (has(self.backendRefs) && self.backendRefs.exists_one(b, (has(b.filters) &&
     * b.filters.exists_one(f, has(f.requestRedirect) && has(f.requestRedirect.path) &&
     * f.requestRedirect.path.type == 'ReplacePrefixMatch' &&
     * has(f.requestRedirect.path.replacePrefixMatch))) )) ? <exactly one match, of path type
     * PathPrefix> : true */
    {"Within backendRefs, when using RequestRedirect filter with path.replacePrefixMatch, "
     "exactly one PathPrefix match must be specified",
     0x9dee6e276087abb5ULL, gg_cel_httproute_rule_backend_redirect_prefix_match, false},
    /* HTTPRoute spec.rules[]:
     * as above with f.urlRewrite */
    {"Within backendRefs, When using URLRewrite filter with path.replacePrefixMatch, exactly "
     "one PathPrefix match must be specified",
     0x4fda199b96844c67ULL, gg_cel_httproute_rule_backend_rewrite_prefix_match, false},
    /* HTTPRoute spec.rules[].backendRefs[],
     * spec.rules[].backendRefs[].filters[].requestMirror.backendRef,
     * spec.rules[].filters[].requestMirror.backendRef; GRPCRoute spec.rules[].backendRefs[],
     * spec.rules[].backendRefs[].filters[].requestMirror.backendRef,
     * spec.rules[].filters[].requestMirror.backendRef; TLSRoute, TCPRoute, UDPRoute
     * spec.rules[].backendRefs[]:
     * (size(self.group) == 0 && self.kind == 'Service') ? has(self.port) : true */
    {"Must have port for Service reference", 0xd7e40130b2d91413ULL,
     gg_cel_route_backend_ref_service_port, false},
    /* HTTPRoute spec.rules[].backendRefs[].filters, spec.rules[].filters:
     * !(self.exists(f, f.type == 'RequestRedirect') && self.exists(f, f.type == 'URLRewrite')) */
    {"May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but "
     "not both",
     0x2c9d116a464e9457ULL, gg_cel_httproute_filters_redirect_or_rewrite, false},
    /* HTTPRoute spec.rules[].backendRefs[].filters, spec.rules[].filters:
     * self.filter(f, f.type == 'CORS').size() <= 1 */
    {"CORS filter cannot be repeated", 0x0fae004971572cd3ULL, gg_cel_httproute_filters_cors_once,
     false},
    /* HTTPRoute spec.rules[].backendRefs[].filters, spec.rules[].filters; GRPCRoute
     * spec.rules[].backendRefs[].filters, spec.rules[].filters:
     * self.filter(f, f.type == 'RequestHeaderModifier').size() <= 1 */
    {"RequestHeaderModifier filter cannot be repeated", 0x7e37a80e480653abULL,
     gg_cel_route_filters_request_header_modifier_once, false},
    /* HTTPRoute spec.rules[].backendRefs[].filters, spec.rules[].filters; GRPCRoute
     * spec.rules[].backendRefs[].filters, spec.rules[].filters:
     * self.filter(f, f.type == 'ResponseHeaderModifier').size() <= 1 */
    {"ResponseHeaderModifier filter cannot be repeated", 0x9d00bd6eb873af39ULL,
     gg_cel_route_filters_response_header_modifier_once, false},
    /* HTTPRoute spec.rules[].backendRefs[].filters, spec.rules[].filters:
     * self.filter(f, f.type == 'RequestRedirect').size() <= 1 */
    {"RequestRedirect filter cannot be repeated", 0xb2be740b3a37f5d7ULL,
     gg_cel_httproute_filters_request_redirect_once, false},
    /* HTTPRoute spec.rules[].backendRefs[].filters, spec.rules[].filters:
     * self.filter(f, f.type == 'URLRewrite').size() <= 1 */
    {"URLRewrite filter cannot be repeated", 0xc9592ffec0bcf1bdULL,
     gg_cel_httproute_filters_url_rewrite_once, false},
    /* HTTPRoute spec.rules[].backendRefs[].filters[], spec.rules[].filters[]:
     * !(has(self.cors) && self.type != 'CORS') */
    {"filter.cors must be nil if the filter.type is not CORS", 0xa40c3987ba09fcf2ULL,
     gg_cel_httproute_filter_cors_nil, false},
    /* HTTPRoute spec.rules[].backendRefs[].filters[], spec.rules[].filters[]:
     * !(!has(self.cors) && self.type == 'CORS') */
    {"filter.cors must be specified for CORS filter.type", 0xd38b8532e1486aadULL,
     gg_cel_httproute_filter_cors_specified, false},
    /* HTTPRoute spec.rules[].backendRefs[].filters[], spec.rules[].filters[]; GRPCRoute
     * spec.rules[].backendRefs[].filters[], spec.rules[].filters[]:
     * !(has(self.requestHeaderModifier) && self.type != 'RequestHeaderModifier') */
    {"filter.requestHeaderModifier must be nil if the filter.type is not RequestHeaderModifier",
     0x81ea6e3c5fe239a4ULL, gg_cel_route_filter_request_header_modifier_nil, false},
    /* HTTPRoute spec.rules[].backendRefs[].filters[], spec.rules[].filters[]; GRPCRoute
     * spec.rules[].backendRefs[].filters[], spec.rules[].filters[]:
     * !(!has(self.requestHeaderModifier) && self.type == 'RequestHeaderModifier') */
    {"filter.requestHeaderModifier must be specified for RequestHeaderModifier filter.type",
     0xba5d2a14db73cffbULL, gg_cel_route_filter_request_header_modifier_specified, false},
    /* HTTPRoute spec.rules[].backendRefs[].filters[], spec.rules[].filters[]; GRPCRoute
     * spec.rules[].backendRefs[].filters[], spec.rules[].filters[]:
     * !(has(self.responseHeaderModifier) && self.type != 'ResponseHeaderModifier') */
    {"filter.responseHeaderModifier must be nil if the filter.type is not ResponseHeaderModifier",
     0xbd2a9fd9aa1bd81aULL, gg_cel_route_filter_response_header_modifier_nil, false},
    /* HTTPRoute spec.rules[].backendRefs[].filters[], spec.rules[].filters[]; GRPCRoute
     * spec.rules[].backendRefs[].filters[], spec.rules[].filters[]:
     * !(!has(self.responseHeaderModifier) && self.type == 'ResponseHeaderModifier') */
    {"filter.responseHeaderModifier must be specified for ResponseHeaderModifier filter.type",
     0xa6a9646a08619179ULL, gg_cel_route_filter_response_header_modifier_specified, false},
    /* HTTPRoute spec.rules[].backendRefs[].filters[], spec.rules[].filters[]; GRPCRoute
     * spec.rules[].backendRefs[].filters[], spec.rules[].filters[]:
     * !(has(self.requestMirror) && self.type != 'RequestMirror') */
    {"filter.requestMirror must be nil if the filter.type is not RequestMirror",
     0x95613978f9ea67b4ULL, gg_cel_route_filter_request_mirror_nil, false},
    /* HTTPRoute spec.rules[].backendRefs[].filters[], spec.rules[].filters[]; GRPCRoute
     * spec.rules[].backendRefs[].filters[], spec.rules[].filters[]:
     * !(!has(self.requestMirror) && self.type == 'RequestMirror') */
    {"filter.requestMirror must be specified for RequestMirror filter.type", 0x9726a96189015793ULL,
     gg_cel_route_filter_request_mirror_specified, false},
    /* HTTPRoute spec.rules[].backendRefs[].filters[], spec.rules[].filters[]:
     * !(has(self.requestRedirect) && self.type != 'RequestRedirect') */
    {"filter.requestRedirect must be nil if the filter.type is not RequestRedirect",
     0x1b5cf808cee49c54ULL, gg_cel_httproute_filter_request_redirect_nil, false},
    /* HTTPRoute spec.rules[].backendRefs[].filters[], spec.rules[].filters[]:
     * !(!has(self.requestRedirect) && self.type == 'RequestRedirect') */
    {"filter.requestRedirect must be specified for RequestRedirect filter.type",
     0xf2874cf2aa099983ULL, gg_cel_httproute_filter_request_redirect_specified, false},
    /* HTTPRoute spec.rules[].backendRefs[].filters[], spec.rules[].filters[]:
     * !(has(self.urlRewrite) && self.type != 'URLRewrite') */
    {"filter.urlRewrite must be nil if the filter.type is not URLRewrite", 0xebb27abd4e7a7312ULL,
     gg_cel_httproute_filter_url_rewrite_nil, false},
    /* HTTPRoute spec.rules[].backendRefs[].filters[], spec.rules[].filters[]:
     * !(!has(self.urlRewrite) && self.type == 'URLRewrite') */
    {"filter.urlRewrite must be specified for URLRewrite filter.type", 0x98d2bc49b2c770ddULL,
     gg_cel_httproute_filter_url_rewrite_specified, false},
    /* HTTPRoute spec.rules[].backendRefs[].filters[], spec.rules[].filters[]; GRPCRoute
     * spec.rules[].backendRefs[].filters[], spec.rules[].filters[]:
     * !(has(self.extensionRef) && self.type != 'ExtensionRef') */
    {"filter.extensionRef must be nil if the filter.type is not ExtensionRef",
     0x4796e3b7ffaeb3a8ULL, gg_cel_route_filter_extension_ref_nil, false},
    /* HTTPRoute spec.rules[].backendRefs[].filters[], spec.rules[].filters[]; GRPCRoute
     * spec.rules[].backendRefs[].filters[], spec.rules[].filters[]:
     * !(!has(self.extensionRef) && self.type == 'ExtensionRef') */
    {"filter.extensionRef must be specified for ExtensionRef filter.type", 0x831e424a0e98c337ULL,
     gg_cel_route_filter_extension_ref_specified, false},
    /* HTTPRoute spec.rules[].backendRefs[].filters[].cors.allowHeaders,
     * spec.rules[].filters[].cors.allowHeaders:
     * !('*' in self && self.size() > 1) */
    {"AllowHeaders cannot contain '*' alongside other methods", 0x6da219d54b55ab1bULL,
     gg_cel_httproute_cors_wildcard_alone, false},
    /* HTTPRoute spec.rules[].backendRefs[].filters[].cors.allowMethods,
     * spec.rules[].filters[].cors.allowMethods:
     * !('*' in self && self.size() > 1) */
    {"AllowMethods cannot contain '*' alongside other methods", 0x6da219d54b55ab1bULL,
     gg_cel_httproute_cors_wildcard_alone, false},
    /* HTTPRoute spec.rules[].backendRefs[].filters[].cors.allowOrigins,
     * spec.rules[].filters[].cors.allowOrigins:
     * !('*' in self && self.size() > 1) */
    {"AllowOrigins cannot contain '*' alongside other origins", 0x6da219d54b55ab1bULL,
     gg_cel_httproute_cors_wildcard_alone, false},
    /* HTTPRoute spec.rules[].backendRefs[].filters[].requestMirror,
     * spec.rules[].filters[].requestMirror; GRPCRoute
     * spec.rules[].backendRefs[].filters[].requestMirror, spec.rules[].filters[].requestMirror:
     * !(has(self.percent) && has(self.fraction)) */
    {"Only one of percent or fraction may be specified in HTTPRequestMirrorFilter",
     0x144fe688484a3490ULL, gg_cel_route_request_mirror_percent_or_fraction, false},
    /* HTTPRoute spec.rules[].backendRefs[].filters[].requestMirror.fraction,
     * spec.rules[].filters[].requestMirror.fraction; GRPCRoute
     * spec.rules[].backendRefs[].filters[].requestMirror.fraction,
     * spec.rules[].filters[].requestMirror.fraction:
     * self.numerator <= self.denominator */
    {"numerator must be less than or equal to denominator", 0xe46c3fab08aa7503ULL,
     gg_cel_route_request_mirror_fraction, false},
    /* HTTPRoute spec.rules[].backendRefs[].filters[].requestRedirect.path,
     * spec.rules[].backendRefs[].filters[].urlRewrite.path,
     * spec.rules[].filters[].requestRedirect.path, spec.rules[].filters[].urlRewrite.path:
     * self.type == 'ReplaceFullPath' ? has(self.replaceFullPath) : true */
    {"replaceFullPath must be specified when type is set to 'ReplaceFullPath'",
     0xc8e2e4a9b8483101ULL, gg_cel_httproute_path_modifier_full_path_specified, false},
    /* HTTPRoute spec.rules[].backendRefs[].filters[].requestRedirect.path,
     * spec.rules[].backendRefs[].filters[].urlRewrite.path,
     * spec.rules[].filters[].requestRedirect.path, spec.rules[].filters[].urlRewrite.path:
     * has(self.replaceFullPath) ? self.type == 'ReplaceFullPath' : true */
    {"type must be 'ReplaceFullPath' when replaceFullPath is set", 0x71b3ad297b3f2049ULL,
     gg_cel_httproute_path_modifier_full_path_type, false},
    /* HTTPRoute spec.rules[].backendRefs[].filters[].requestRedirect.path,
     * spec.rules[].backendRefs[].filters[].urlRewrite.path,
     * spec.rules[].filters[].requestRedirect.path, spec.rules[].filters[].urlRewrite.path:
     * self.type == 'ReplacePrefixMatch' ? has(self.replacePrefixMatch) : true */
    {"replacePrefixMatch must be specified when type is set to 'ReplacePrefixMatch'",
     0xe9f1e0baedce207bULL, gg_cel_httproute_path_modifier_prefix_match_specified, false},
    /* HTTPRoute spec.rules[].backendRefs[].filters[].requestRedirect.path,
     * spec.rules[].backendRefs[].filters[].urlRewrite.path,
     * spec.rules[].filters[].requestRedirect.path, spec.rules[].filters[].urlRewrite.path:
     * has(self.replacePrefixMatch) ? self.type == 'ReplacePrefixMatch' : true */
    {"type must be 'ReplacePrefixMatch' when replacePrefixMatch is set", 0x3c06427e5e81c323ULL,
     gg_cel_httproute_path_modifier_prefix_match_type, false},
    /* HTTPRoute spec.rules[].matches[].path:
     * (self.type in ['Exact','PathPrefix']) ? self.value.startsWith('/') : true */
    {"value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']",
     0x8668d863cca3df6eULL, gg_cel_httproute_path_match_absolute, false},
    /* HTTPRoute spec.rules[].matches[].path:
     * (self.type in ['Exact','PathPrefix']) ? !self.value.contains('//') : true */
    {"must not contain '//' when type one of ['Exact', 'PathPrefix']", 0x5487b97a29563712ULL,
     gg_cel_httproute_path_match_no_double_slash, false},
    /* HTTPRoute spec.rules[].matches[].path:
     * (self.type in ['Exact','PathPrefix']) ? !self.value.contains('/./') : true */
    {"must not contain '/./' when type one of ['Exact', 'PathPrefix']", 0xe1c18c408a388d4eULL,
     gg_cel_httproute_path_match_no_dot_segment, false},
    /* HTTPRoute spec.rules[].matches[].path:
     * (self.type in ['Exact','PathPrefix']) ? !self.value.contains('/../') : true */
    {"must not contain '/../' when type one of ['Exact', 'PathPrefix']", 0xa64dc535d5cb2cbaULL,
     gg_cel_httproute_path_match_no_dot_dot_segment, false},
    /* HTTPRoute spec.rules[].matches[].path:
     * (self.type in ['Exact','PathPrefix']) ? !self.value.contains('%2f') : true */
    {"must not contain '%2f' when type one of ['Exact', 'PathPrefix']", 0xc00ba88fadbb8f11ULL,
     gg_cel_httproute_path_match_no_encoded_slash_lower, false},
    /* HTTPRoute spec.rules[].matches[].path:
     * (self.type in ['Exact','PathPrefix']) ? !self.value.contains('%2F') : true */
    {"must not contain '%2F' when type one of ['Exact', 'PathPrefix']", 0x3958fc052cd8daf1ULL,
     gg_cel_httproute_path_match_no_encoded_slash_upper, false},
    /* HTTPRoute spec.rules[].matches[].path:
     * (self.type in ['Exact','PathPrefix']) ? !self.value.contains('#') : true */
    {"must not contain '#' when type one of ['Exact', 'PathPrefix']", 0x3e109aa3490fc1b3ULL,
     gg_cel_httproute_path_match_no_fragment, false},
    /* HTTPRoute spec.rules[].matches[].path:
     * (self.type in ['Exact','PathPrefix']) ? !self.value.endsWith('/..') : true */
    {"must not end with '/..' when type one of ['Exact', 'PathPrefix']", 0x50e9233e4ef61534ULL,
     gg_cel_httproute_path_match_no_dot_dot_suffix, false},
    /* HTTPRoute spec.rules[].matches[].path:
     * (self.type in ['Exact','PathPrefix']) ? !self.value.endsWith('/.') : true */
    {"must not end with '/.' when type one of ['Exact', 'PathPrefix']", 0x933402756f0be07aULL,
     gg_cel_httproute_path_match_no_dot_suffix, false},
    /* HTTPRoute spec.rules[].matches[].path:
     * self.type in ['Exact','PathPrefix'] || self.type == 'RegularExpression' */
    {"type must be one of ['Exact', 'PathPrefix', 'RegularExpression']", 0x19ac461569be75deULL,
     gg_cel_httproute_path_match_type, false},
    /* HTTPRoute spec.rules[].matches[].path:
     * (self.type in ['Exact','PathPrefix']) ? self.value.matches(<the regex in the message>) :
     * true */
    {"must only contain valid characters (matching "
     "^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$) for types ['Exact', 'PathPrefix']",
     0xee95b59a4a202e0aULL, gg_cel_httproute_path_match_characters, false},
    /* HTTPRoute spec.rules[].timeouts:
     * !(has(self.request) && has(self.backendRequest) && duration(self.request) !=
     * duration('0s') && duration(self.backendRequest) > duration(self.request)) */
    {"backendRequest timeout cannot be longer than request timeout", 0x17a4c0091dabd51fULL,
     gg_cel_httproute_timeouts, false},
    /* GRPCRoute spec.rules:
     * (self.size() > 0 ? (has(self[0].matches) ? self[0].matches.size() : 0) : 0) + ... up to
     * self[15] ... <= 128 */
    {"While 16 rules and 64 matches per rule are allowed, the total number of matches across "
     "all rules in a route must be less than 128",
     0x1c29c322a7bd1784ULL, gg_cel_grpcroute_rules_match_total, false},
    /* GRPCRoute spec.rules[].matches[].method:
     * has(self.type) ? has(self.service) || has(self.method) : true */
    {"One or both of 'service' or 'method' must be specified", 0xcca22bc57b94fd9dULL,
     gg_cel_grpcroute_method_service_or_method, false},
    /* GRPCRoute spec.rules[].matches[].method:
     * (!has(self.type) || self.type == 'Exact') && has(self.service) ? self.service.matches(<the
     * regex in the message>): true */
    {"service must only contain valid characters (matching "
     "^(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*$)",
     0x3205a917243833e8ULL, gg_cel_grpcroute_method_service_characters, false},
    /* GRPCRoute spec.rules[].matches[].method:
     * (!has(self.type) || self.type == 'Exact') && has(self.method) ?
     * self.method.matches(r"""^[A-Za-z_][A-Za-z_0-9]*$"""): true */
    {"method must only contain valid characters (matching ^[A-Za-z_][A-Za-z_0-9]*$)",
     0xcc7ce3920beaf37bULL, gg_cel_grpcroute_method_method_characters, false},
    /* Gateway spec.addresses:
     * self.all(a1, a1.type == 'IPAddress' && has(a1.value) ? self.exists_one(a2, a2.type ==
     * a1.type && has(a2.value) && a2.value == a1.value) : true ) */
    {"IPAddress values must be unique", 0x735bc7f77cab35b3ULL, gg_cel_gateway_addresses_ip_unique,
     false},
    /* Gateway spec.addresses:
     * self.all(a1, a1.type == 'Hostname'  && has(a1.value) ? self.exists_one(a2, a2.type ==
     * a1.type && has(a2.value) && a2.value == a1.value) : true ) */
    {"Hostname values must be unique", 0x2a2eef0e767b8445ULL,
     gg_cel_gateway_addresses_hostname_unique, false},
    /* Gateway spec.addresses[]:
     * self.type == 'Hostname' ? (!has(self.value) || self.value.matches(<the regex in the
     * message>)): true */
    {"Hostname value must be empty or contain only valid characters (matching "
     "^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$)",
     0x807bab06555fe0cfULL, gg_cel_gateway_address_hostname, false},
    /* Gateway spec.infrastructure.annotations:
     * self.all(key, key.matches(<optional DNS subdomain and '/', then a name segment:
     * ([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9], anchored>)) */
    {"Annotation keys must be in the form of an optional DNS subdomain prefix followed by a "
     "required name segment of up to 63 characters.",
     0x163499ce8f0ec63cULL, gg_cel_gateway_infrastructure_key_form, false},
    /* Gateway spec.infrastructure.annotations:
     * self.all(key, key.split("/")[0].size() < 253) */
    {"If specified, the annotation key's prefix must be a DNS subdomain not longer than 253 "
     "characters in total.",
     0x29e007c88c38b9ebULL, gg_cel_gateway_infrastructure_key_prefix_length, false},
    /* Gateway spec.infrastructure.labels:
     * self.all(key, key.matches(<optional DNS subdomain and '/', then a name segment:
     * ([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9], anchored>)) */
    {"Label keys must be in the form of an optional DNS subdomain prefix followed by a required "
     "name segment of up to 63 characters.",
     0x163499ce8f0ec63cULL, gg_cel_gateway_infrastructure_key_form, false},
    /* Gateway spec.infrastructure.labels:
     * self.all(key, key.split("/")[0].size() < 253) */
    {"If specified, the label key's prefix must be a DNS subdomain not longer than 253 "
     "characters in total.",
     0x29e007c88c38b9ebULL, gg_cel_gateway_infrastructure_key_prefix_length, false},
    /* Gateway spec.listeners; ListenerSet spec.listeners:
     * self.all(l, l.protocol in ['HTTP', 'TCP', 'UDP'] ? !has(l.tls) : true) */
    {"tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']", 0x88559602f21ecec4ULL,
     gg_cel_listeners_tls_forbidden, false},
    /* Gateway spec.listeners; ListenerSet spec.listeners:
     * self.all(l, (l.protocol == 'HTTPS' && has(l.tls)) ? (l.tls.mode == '' || l.tls.mode ==
     * 'Terminate') : true) */
    {"tls mode must be Terminate for protocol HTTPS", 0x5c2c4b1d342c24f8ULL,
     gg_cel_listeners_https_terminate, false},
    /* Gateway spec.listeners; ListenerSet spec.listeners:
     * self.all(l, (l.protocol == 'TLS' ? has(l.tls) && has(l.tls.mode) && l.tls.mode != '' :
     * true)) */
    {"tls mode must be set for protocol TLS", 0x8945748be61eca93ULL, gg_cel_listeners_tls_mode_set,
     false},
    /* Gateway spec.listeners; ListenerSet spec.listeners:
     * self.all(l, l.protocol in ['TCP', 'UDP']  ? (!has(l.hostname) || l.hostname == '') : true) */
    {"hostname must not be specified for protocols ['TCP', 'UDP']", 0x653d5dc71134afb6ULL,
     gg_cel_listeners_hostname_forbidden, false},
    /* Gateway spec.listeners; ListenerSet spec.listeners:
     * self.all(l1, self.exists_one(l2, l1.name == l2.name)) */
    {"Listener name must be unique within the Gateway", 0xd86244f8e354740dULL,
     gg_cel_listeners_name_unique, false},
    /* Gateway spec.listeners:
     * self.all(l1, self.exists_one(l2, l1.port == l2.port && l1.protocol == l2.protocol &&
     * (has(l1.hostname) && has(l2.hostname) ? l1.hostname == l2.hostname : !has(l1.hostname) &&
     * !has(l2.hostname)))) */
    {"Combination of port, protocol and hostname must be unique for each listener",
     0x5cbaab3901d454ddULL, gg_cel_gateway_listeners_port_protocol_hostname_unique, false},
    /* Gateway spec.listeners[].tls; ListenerSet spec.listeners[].tls:
     * self.mode == 'Terminate' ? size(self.certificateRefs) > 0 || size(self.options) > 0 : true */
    {"certificateRefs or options must be specified when mode is Terminate", 0x76c4eb56425b6cc7ULL,
     gg_cel_listener_tls_certificates, false},
    /* Gateway spec.tls.frontend.perPort:
     * self.all(t1, self.exists_one(t2, t1.port == t2.port)) */
    {"Port for TLS configuration must be unique within the Gateway", 0x833795ee8309b2fdULL,
     gg_cel_gateway_tls_per_port_unique, false},
    /* Gateway status.addresses[]:
     * self.type == 'Hostname' ? self.value.matches(<the regex in the message>): true */
    {"Hostname value must only contain valid characters (matching "
     "^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$)",
     0x3bd54fed5e204cb5ULL, gg_cel_gateway_status_address_hostname, false},
    /* GatewayClass spec.controllerName:
     * self == oldSelf */
    {"Value is immutable", 0x65b95b333fb52d08ULL, gg_cel_gatewayclass_controller_name_immutable,
     true},
    /* ListenerSet spec.listeners:
     * self.all(l1, !has(l1.port) || self.exists_one(l2, has(l2.port) && l1.port == l2.port &&
     * l1.protocol == l2.protocol && (<hostnames as for Gateway>))) */
    {"Combination of port, protocol and hostname must be unique for each listener",
     0xde8598ffdcc2ededULL, gg_cel_listenerset_listeners_port_protocol_hostname_unique, false},
    /* TLSRoute spec.hostnames:
     * self.all(h, !isIP(h)) */
    {"Hostnames cannot contain an IP", 0xd830c1219b13aa76ULL, gg_cel_tlsroute_hostnames_not_ip,
     false},
    /* TLSRoute spec.hostnames:
     * self.all(h, !h.contains('*') ? h.matches('^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]
     * ([-a-z0-9]*[a-z0-9])?)*)$') : true) */
    {"Hostnames must be valid based on RFC-1123", 0x86dda71fa7d9643dULL,
     gg_cel_tlsroute_hostnames_rfc1123, false},
    /* TLSRoute spec.hostnames:
     * self.all(h, h.contains('*') ? (h.startsWith('*.') && h.substring(2).matches(<the same>)) :
     * true) */
    {"Wildcards on hostnames must be the first label, and the rest of hostname must be valid "
     "based on RFC-1123",
     0x488d4b7638f564a9ULL, gg_cel_tlsroute_hostnames_wildcard, false},
    /* BackendTLSPolicy spec.targetRefs:
     * self.all(p1, self.all(p2, <equal group, kind and name> ? (<p1 has no sectionName> == <p2
     * has no sectionName>) : true)) */
    {"sectionName must be specified when targetRefs includes 2 or more references to the same "
     "target",
     0x92c3ae32b1205e05ULL, gg_cel_backendtlspolicy_target_refs_section_name_specified, false},
    /* BackendTLSPolicy spec.targetRefs:
     * self.all(p1, self.exists_one(p2, <equal group, kind and name> && <equal sectionName
     * (absent == '')>)) */
    {"sectionName must be unique when targetRefs includes 2 or more references to the same "
     "target",
     0x4a8ebb14164e1580ULL, gg_cel_backendtlspolicy_target_refs_section_name_unique, false},
    /* BackendTLSPolicy spec.validation:
     * !(has(self.caCertificateRefs) && size(self.caCertificateRefs) > 0 &&
     * has(self.wellKnownCACertificates) && self.wellKnownCACertificates != "") */
    {"must not contain both CACertificateRefs and WellKnownCACertificates", 0x268b9cf4805028d9ULL,
     gg_cel_backendtlspolicy_validation_ca_exclusive, false},
    /* BackendTLSPolicy spec.validation:
     * (has(self.caCertificateRefs) && size(self.caCertificateRefs) > 0 ||
     * has(self.wellKnownCACertificates) && self.wellKnownCACertificates != "") */
    {"must specify either CACertificateRefs or WellKnownCACertificates", 0xe8c4d75c1d83be64ULL,
     gg_cel_backendtlspolicy_validation_ca_required, false},
    /* BackendTLSPolicy spec.validation.subjectAltNames[]:
     * !(self.type == "Hostname" && (!has(self.hostname) || self.hostname == "")) */
    {"SubjectAltName element must contain Hostname, if Type is set to Hostname",
     0x1dafe9809653cbf7ULL, gg_cel_backendtlspolicy_san_hostname_required, false},
    /* BackendTLSPolicy spec.validation.subjectAltNames[]:
     * !(self.type != "Hostname" && has(self.hostname) && self.hostname != "") */
    {"SubjectAltName element must not contain Hostname, if Type is not set to Hostname",
     0xbbe73cd298f5eb0fULL, gg_cel_backendtlspolicy_san_hostname_forbidden, false},
    /* BackendTLSPolicy spec.validation.subjectAltNames[]:
     * !(self.type == "URI" && (!has(self.uri) || self.uri == "")) */
    {"SubjectAltName element must contain URI, if Type is set to URI", 0xd288b1dc8559122eULL,
     gg_cel_backendtlspolicy_san_uri_required, false},
    /* BackendTLSPolicy spec.validation.subjectAltNames[]:
     * !(self.type != "URI" && has(self.uri) && self.uri != "") */
    {"SubjectAltName element must not contain URI, if Type is not set to URI",
     0xf7ef0e63bfd1b234ULL, gg_cel_backendtlspolicy_san_uri_forbidden, false},
};

const size_t gg_cel_rules_n = sizeof(gg_cel_rules) / sizeof(gg_cel_rules[0]);

const struct gg_cel_rule *gg_cel_find(const char *message, const char *rule_text)
{
    uint64_t h;

    if (!message || !rule_text)
        return NULL;
    h = gg_cel_hash(rule_text);
    for (size_t i = 0; i < gg_cel_rules_n; i++)
        if (gg_cel_rules[i].rule_hash == h && strcmp(gg_cel_rules[i].message, message) == 0)
            return &gg_cel_rules[i];
    return NULL;
}

_Thread_local struct cel_cache_entry gg_cel_cache[CEL_CACHE_SIZE];
_Thread_local unsigned gg_cel_cache_gen;
static _Thread_local unsigned cel_cache_next;

void gg_cel_begin(void)
{
    if (++cel_cache_next == 0) { /* wrapped: forget every entry */
        memset(gg_cel_cache, 0, sizeof(gg_cel_cache));
        cel_cache_next = 1;
    }
    gg_cel_cache_gen = cel_cache_next;
}

void gg_cel_end(void)
{
    gg_cel_cache_gen = 0;
}
