/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of validation/cel*.c: every entry of the CEL rule table on an object it admits and one it
 * denies, the runtime errors CEL raises on absent fields, and the upstream quirks the Gateway API
 * CRDs really have. Inputs are the node carrying the rule, with the CRD's defaults applied. */
#include <criterion/criterion.h>
#include <string.h>

#include "validation/cel.h"
#include "validation/cel_internal.h"

/* --- harness ---------------------------------------------------------------------------------- */

/* JSON written with single quotes, so the literals below stay readable; an apostrophe inside a
 * value is written \\u0027. */
static json_t *parse(const char *relaxed)
{
    char buf[16384];
    size_t n = strlen(relaxed);
    json_error_t jerr;
    json_t *v;

    cr_assert_lt(n, sizeof(buf), "test input too long");
    for (size_t i = 0; i <= n; i++)
        buf[i] = relaxed[i] == '\'' ? '"' : relaxed[i];
    v = json_loads(buf, JSON_DECODE_ANY, &jerr);
    cr_assert_not_null(v, "bad test JSON %s: %s", relaxed, jerr.text);
    return v;
}

/* The table entry with <message> implemented by <fn>; two messages appear twice in the table
 * (HTTPRoute/GRPCRoute, Gateway/ListenerSet), with different rule texts and predicates. */
static const struct gg_cel_rule *entry(const char *message, gg_cel_fn fn)
{
    for (size_t i = 0; i < gg_cel_rules_n; i++)
        if (strcmp(gg_cel_rules[i].message, message) == 0 && gg_cel_rules[i].fn == fn)
            return &gg_cel_rules[i];
    cr_assert_fail("no table entry for \"%s\" with that predicate", message);
    return NULL;
}

static const char *result_name(enum gg_cel_result r)
{
    return r == GG_CEL_PASS ? "PASS" : r == GG_CEL_FAIL ? "FAIL" : "ERROR";
}

static enum gg_cel_result eval_json(const char *message, gg_cel_fn fn, const json_t *self,
                                    const json_t *old, char *err, size_t errlen)
{
    return entry(message, fn)->fn(self, old, err, errlen);
}

/* Asserts the rule's result on <self> (and <old>, for transition rules; NULL otherwise). */
static void check_update(const char *message, gg_cel_fn fn, const char *self, const char *old,
                         enum gg_cel_result want)
{
    json_t *s = parse(self), *o = old ? parse(old) : NULL;
    char err[256] = "";
    enum gg_cel_result got = eval_json(message, fn, s, o, err, sizeof(err));

    cr_assert_eq(got, want, "\"%s\" on %s: got %s (%s), want %s", message, self, result_name(got),
                 err, result_name(want));
    json_decref(s);
    json_decref(o);
}

static void check(const char *message, gg_cel_fn fn, const char *self, enum gg_cel_result want)
{
    check_update(message, fn, self, NULL, want);
}

/* Asserts a CEL runtime error with exactly this text. */
static void check_error(const char *message, gg_cel_fn fn, const char *self, const char *want)
{
    json_t *s = parse(self);
    char err[256] = "";
    enum gg_cel_result got = eval_json(message, fn, s, NULL, err, sizeof(err));

    cr_assert_eq(got, GG_CEL_ERROR, "\"%s\" on %s: got %s, want ERROR", message, self,
                 result_name(got));
    cr_assert_str_eq(err, want, "\"%s\" on %s", message, self);
    json_decref(s);
}

/* --- messages, verbatim from the CRDs --------------------------------------------------------- */

#define MSG_SECTION_NAME_SPECIFIED                                                                 \
    "sectionName must be specified when parentRefs includes 2 or more references to the same "     \
    "parent"
#define MSG_SECTION_NAME_UNIQUE                                                                    \
    "sectionName must be unique when parentRefs includes 2 or more references to the same parent"
#define MSG_MATCH_TOTAL                                                                            \
    "While 16 rules and 64 matches per rule are allowed, the total number of matches across all "  \
    "rules in a route must be less than 128"
#define MSG_REDIRECT_BACKENDS "RequestRedirect filter must not be used together with backendRefs"
#define MSG_REDIRECT_PREFIX                                                                        \
    "When using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix "      \
    "match must be specified"
#define MSG_REWRITE_PREFIX                                                                         \
    "When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match "     \
    "must be specified"
#define MSG_BACKEND_REDIRECT_PREFIX                                                                \
    "Within backendRefs, when using RequestRedirect filter with path.replacePrefixMatch, exactly " \
    "one PathPrefix match must be specified"
#define MSG_BACKEND_REWRITE_PREFIX                                                                 \
    "Within backendRefs, When using URLRewrite filter with path.replacePrefixMatch, exactly one "  \
    "PathPrefix match must be specified"
#define MSG_SERVICE_PORT "Must have port for Service reference"
#define MSG_REDIRECT_OR_REWRITE                                                                    \
    "May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not " \
    "both"
#define MSG_PERCENT_OR_FRACTION                                                                    \
    "Only one of percent or fraction may be specified in HTTPRequestMirrorFilter"
#define MSG_FRACTION "numerator must be less than or equal to denominator"
#define MSG_TIMEOUTS "backendRequest timeout cannot be longer than request timeout"
#define MSG_PATH_ABSOLUTE                                                                          \
    "value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']"
#define MSG_PATH_TYPE "type must be one of ['Exact', 'PathPrefix', 'RegularExpression']"
#define MSG_PATH_CHARS                                                                             \
    "must only contain valid characters (matching "                                                \
    "^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$) for types ['Exact', 'PathPrefix']"
#define MSG_PATH(what) "must not " what " when type one of ['Exact', 'PathPrefix']"
#define MSG_GRPC_SERVICE_OR_METHOD "One or both of 'service' or 'method' must be specified"
#define MSG_GRPC_SERVICE                                                                           \
    "service must only contain valid characters (matching "                                        \
    "^(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*$)"
#define MSG_GRPC_METHOD                                                                            \
    "method must only contain valid characters (matching ^[A-Za-z_][A-Za-z_0-9]*$)"
#define HOSTNAME_RE "^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
#define MSG_ADDRESS_HOSTNAME                                                                       \
    "Hostname value must be empty or contain only valid characters (matching " HOSTNAME_RE ")"
#define MSG_STATUS_ADDRESS_HOSTNAME                                                                \
    "Hostname value must only contain valid characters (matching " HOSTNAME_RE ")"
#define MSG_KEY_FORM(kind)                                                                         \
    kind " keys must be in the form of an optional DNS subdomain prefix followed by a required "   \
         "name segment of up to 63 characters."
#define MSG_KEY_PREFIX(kind)                                                                       \
    "If specified, the " kind " key's prefix must be a DNS subdomain not longer than 253 "         \
    "characters in total."
#define MSG_TLS_FORBIDDEN "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']"
#define MSG_HTTPS_TERMINATE "tls mode must be Terminate for protocol HTTPS"
#define MSG_TLS_MODE_SET "tls mode must be set for protocol TLS"
#define MSG_HOSTNAME_FORBIDDEN "hostname must not be specified for protocols ['TCP', 'UDP']"
#define MSG_NAME_UNIQUE "Listener name must be unique within the Gateway"
#define MSG_PORT_PROTOCOL_HOSTNAME                                                                 \
    "Combination of port, protocol and hostname must be unique for each listener"
#define MSG_TLS_CERTIFICATES "certificateRefs or options must be specified when mode is Terminate"
#define MSG_PER_PORT "Port for TLS configuration must be unique within the Gateway"
#define MSG_IMMUTABLE "Value is immutable"

/* --- the table itself ------------------------------------------------------------------------- */

Test(cel_table, hashes_with_fnv1a_64)
{
    cr_assert_eq(gg_cel_hash(""), 0xcbf29ce484222325ULL);
    cr_assert_eq(gg_cel_hash("a"), 0xaf63dc4c8601ec8cULL);
    cr_assert_eq(gg_cel_hash("self == oldSelf"), 0x65b95b333fb52d08ULL);
}

Test(cel_table, finds_a_rule_by_message_and_exact_text)
{
    const char *rule = "self.mode == 'Terminate' ? size(self.certificateRefs) > 0 || "
                       "size(self.options) > 0 : true";
    const struct gg_cel_rule *r = gg_cel_find(MSG_TLS_CERTIFICATES, rule);

    cr_assert_not_null(r);
    cr_assert_eq(r->fn, gg_cel_listener_tls_certificates);
    cr_assert_not(r->is_transition);
}

Test(cel_table, finds_nothing_for_changed_text_or_message)
{
    cr_assert_null(gg_cel_find(MSG_IMMUTABLE, "self == oldSelf "));
    cr_assert_null(gg_cel_find("value is immutable", "self == oldSelf"));
    cr_assert_null(gg_cel_find(NULL, "self == oldSelf"));
    cr_assert_null(gg_cel_find(MSG_IMMUTABLE, NULL));
}

Test(cel_table, tells_apart_rules_sharing_a_message)
{
    const char *http = "(self.size() > 0 ? self[0].matches.size() : 0) + (self.size() > 1 ? "
                       "self[1].matches.size() : 0) <= 128";

    /* Same message, different text: not this table's HTTPRoute text, so no entry. */
    cr_assert_null(gg_cel_find(MSG_MATCH_TOTAL, http));
    cr_assert_neq(entry(MSG_MATCH_TOTAL, gg_cel_httproute_rules_match_total)->rule_hash,
                  entry(MSG_MATCH_TOTAL, gg_cel_grpcroute_rules_match_total)->rule_hash);
}

Test(cel_table, has_one_entry_per_distinct_rule)
{
    size_t transitions = 0;

    cr_assert_eq(gg_cel_rules_n, 83);
    for (size_t i = 0; i < gg_cel_rules_n; i++) {
        cr_assert_not_null(gg_cel_rules[i].fn);
        cr_assert_not_null(gg_cel_rules[i].message);
        transitions += gg_cel_rules[i].is_transition;
        for (size_t j = i + 1; j < gg_cel_rules_n; j++)
            cr_assert(gg_cel_rules[i].rule_hash != gg_cel_rules[j].rule_hash ||
                          strcmp(gg_cel_rules[i].message, gg_cel_rules[j].message) != 0,
                      "entries %zu and %zu are the same rule", i, j);
    }
    /* Only GatewayClass spec.controllerName reads oldSelf. */
    cr_assert_eq(transitions, 1);
    cr_assert(entry(MSG_IMMUTABLE, gg_cel_gatewayclass_controller_name_immutable)->is_transition);
}

Test(cel_table, survives_any_json_shape)
{
    static const char *const shapes[] = {
        "null",
        "1",
        "'s'",
        "true",
        "[]",
        "{}",
        "[1, 's', null, []]",
        "[{}, {}]",
        "{'type': 5, 'value': [], 'mode': {}, 'matches': 'x', 'filters': 3}",
        "[{'type': 1, 'port': 's', 'name': null, 'filters': {}, 'matches': [[]]}]",
        "{'numerator': 'a', 'denominator': 1.5, 'request': 5, 'backendRequest': '1s'}",
        "{'group': 1, 'kind': 'Service', 'certificateRefs': 'x', 'options': 1}",
    };
    char err[8];

    for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
        json_t *v = parse(shapes[s]);

        for (size_t i = 0; i < gg_cel_rules_n; i++) {
            enum gg_cel_result r = gg_cel_rules[i].fn(v, v, err, sizeof(err));

            cr_assert(r == GG_CEL_PASS || r == GG_CEL_FAIL || r == GG_CEL_ERROR);
            r = gg_cel_rules[i].fn(NULL, NULL, NULL, 0);
            cr_assert(r == GG_CEL_PASS || r == GG_CEL_FAIL || r == GG_CEL_ERROR);
        }
        json_decref(v);
    }
}

Test(cel_table, truncates_error_text_to_the_buffer)
{
    json_t *v = parse("{'mode': 'Terminate'}");
    char err[8];

    cr_assert_eq(gg_cel_listener_tls_certificates(v, NULL, err, sizeof(err)), GG_CEL_ERROR);
    cr_assert_str_eq(err, "no such");
    json_decref(v);
}

/* --- HTTPRoute spec.parentRefs ---------------------------------------------------------------- */

#define GW "'group': 'gateway.networking.k8s.io', 'kind': 'Gateway'"

Test(httproute_parent_refs, accepts_distinct_parents_without_section_names)
{
    check(MSG_SECTION_NAME_SPECIFIED, gg_cel_route_parent_refs_section_name_specified,
          "[{" GW ", 'name': 'a'}, {" GW ", 'name': 'b'}]", GG_CEL_PASS);
    check(MSG_SECTION_NAME_UNIQUE, gg_cel_route_parent_refs_section_name_unique,
          "[{" GW ", 'name': 'a'}, {" GW ", 'name': 'b'}]", GG_CEL_PASS);
}

Test(httproute_parent_refs, accepts_one_parent_twice_with_distinct_section_names)
{
    const char *refs = "[{" GW ", 'name': 'a', 'sectionName': 'http'}, "
                       "{" GW ", 'name': 'a', 'sectionName': 'https'}]";

    check(MSG_SECTION_NAME_SPECIFIED, gg_cel_route_parent_refs_section_name_specified, refs,
          GG_CEL_PASS);
    check(MSG_SECTION_NAME_UNIQUE, gg_cel_route_parent_refs_section_name_unique, refs, GG_CEL_PASS);
}

Test(httproute_parent_refs, rejects_section_name_on_only_one_of_two_refs_to_a_parent)
{
    check(MSG_SECTION_NAME_SPECIFIED, gg_cel_route_parent_refs_section_name_specified,
          "[{" GW ", 'name': 'a', 'sectionName': 'http'}, {" GW ", 'name': 'a'}]", GG_CEL_FAIL);
}

Test(httproute_parent_refs, treats_absent_and_empty_namespace_as_one_parent)
{
    check(MSG_SECTION_NAME_SPECIFIED, gg_cel_route_parent_refs_section_name_specified,
          "[{" GW ", 'name': 'a', 'namespace': ''}, {" GW ", 'name': 'a', 'sectionName': 's'}]",
          GG_CEL_FAIL);
    check(MSG_SECTION_NAME_SPECIFIED, gg_cel_route_parent_refs_section_name_specified,
          "[{" GW ", 'name': 'a', 'namespace': 'x'}, {" GW ", 'name': 'a', 'sectionName': 's'}]",
          GG_CEL_PASS);
}

Test(httproute_parent_refs, treats_empty_section_name_as_unset)
{
    const char *refs = "[{" GW ", 'name': 'a', 'sectionName': ''}, {" GW ", 'name': 'a'}]";

    check(MSG_SECTION_NAME_SPECIFIED, gg_cel_route_parent_refs_section_name_specified, refs,
          GG_CEL_PASS);
    check(MSG_SECTION_NAME_UNIQUE, gg_cel_route_parent_refs_section_name_unique, refs, GG_CEL_FAIL);
}

Test(httproute_parent_refs, rejects_two_bare_refs_to_one_gateway)
{
    check(MSG_SECTION_NAME_UNIQUE, gg_cel_route_parent_refs_section_name_unique,
          "[{" GW ", 'name': 'a'}, {" GW ", 'name': 'a'}]", GG_CEL_FAIL);
}

Test(httproute_parent_refs, rejects_a_repeated_section_name)
{
    check(MSG_SECTION_NAME_UNIQUE, gg_cel_route_parent_refs_section_name_unique,
          "[{" GW ", 'name': 'a', 'sectionName': 's'}, {" GW ", 'name': 'a', 'sectionName': 's'}]",
          GG_CEL_FAIL);
}

/* Upstream quirk: the standard channel ignores port, so these collide. */
Test(httproute_parent_refs, rejects_refs_that_differ_only_by_port)
{
    check(MSG_SECTION_NAME_UNIQUE, gg_cel_route_parent_refs_section_name_unique,
          "[{" GW ", 'name': 'a', 'port': 80}, {" GW ", 'name': 'a', 'port': 443}]", GG_CEL_FAIL);
}

/* Upstream quirk: group and kind are defaulted before CEL runs, so a ref spelling them out and
 * one relying on the defaults name the same parent. */
Test(httproute_parent_refs, rejects_explicit_and_defaulted_group_kind_for_one_parent)
{
    check(MSG_SECTION_NAME_SPECIFIED, gg_cel_route_parent_refs_section_name_specified,
          "[{'group': 'gateway.networking.k8s.io', 'kind': 'Gateway', 'name': 'a'}, "
          "{" GW ", 'name': 'a', 'sectionName': 's'}]",
          GG_CEL_FAIL);
}

Test(httproute_parent_refs, errors_on_a_ref_without_group)
{
    check_error(MSG_SECTION_NAME_SPECIFIED, gg_cel_route_parent_refs_section_name_specified,
                "[{'kind': 'Gateway', 'name': 'a'}]", "no such key: group");
    /* the ref compared with itself always reaches the error... */
    check_error(MSG_SECTION_NAME_UNIQUE, gg_cel_route_parent_refs_section_name_unique,
                "[{" GW ", 'name': 'a'}, {'kind': 'Service', 'name': 'a'}]", "no such key: group");
    /* ...but all() is false as soon as another pair is, whatever the errors */
    check(MSG_SECTION_NAME_SPECIFIED, gg_cel_route_parent_refs_section_name_specified,
          "[{" GW ", 'name': 'a', 'sectionName': 's'}, {" GW ", 'name': 'a'}, "
          "{'kind': 'Service', 'name': 'x'}]",
          GG_CEL_FAIL);
}

Test(grpcroute_parent_refs, shares_the_httproute_rules)
{
    check(MSG_SECTION_NAME_SPECIFIED, gg_cel_route_parent_refs_section_name_specified,
          "[{" GW ", 'name': 'g', 'sectionName': 'grpc'}, {" GW ", 'name': 'g'}]", GG_CEL_FAIL);
    check(MSG_SECTION_NAME_UNIQUE, gg_cel_route_parent_refs_section_name_unique,
          "[{" GW ", 'name': 'g', 'sectionName': 'grpc'}]", GG_CEL_PASS);
}

/* --- spec.rules: total matches ---------------------------------------------------------------- */

/* <nrules> rules, each with <per_rule> default matches, plus one rule with <extra> */
static json_t *rules_with_matches(size_t nrules, size_t per_rule, size_t extra)
{
    json_t *rules = json_array();

    for (size_t i = 0; i < nrules + (extra > 0); i++) {
        json_t *matches = json_array();
        size_t n = i < nrules ? per_rule : extra;

        for (size_t j = 0; j < n; j++)
            json_array_append_new(matches, parse("{'path': {'type': 'PathPrefix', 'value': '/'}}"));
        json_array_append_new(rules, json_pack("{s:o}", "matches", matches));
    }
    return rules;
}

static enum gg_cel_result eval_rules(gg_cel_fn fn, json_t *rules)
{
    char err[64];
    enum gg_cel_result r = eval_json(MSG_MATCH_TOTAL, fn, rules, NULL, err, sizeof(err));

    json_decref(rules);
    return r;
}

Test(httproute_rules, accepts_128_matches_in_total)
{
    cr_assert_eq(eval_rules(gg_cel_httproute_rules_match_total, rules_with_matches(16, 8, 0)),
                 GG_CEL_PASS);
}

Test(httproute_rules, rejects_129_matches_in_total)
{
    cr_assert_eq(eval_rules(gg_cel_httproute_rules_match_total, rules_with_matches(15, 8, 9)),
                 GG_CEL_FAIL);
}

/* The rule spells out self[0] .. self[15]; a 17th rule (refused by maxItems) is not counted. */
Test(httproute_rules, counts_only_the_first_16_rules)
{
    cr_assert_eq(eval_rules(gg_cel_httproute_rules_match_total, rules_with_matches(16, 8, 64)),
                 GG_CEL_PASS);
}

Test(httproute_rules, errors_on_a_rule_without_defaulted_matches)
{
    check_error(MSG_MATCH_TOTAL, gg_cel_httproute_rules_match_total, "[{'matches': []}, {}]",
                "no such key: matches");
}

Test(grpcroute_rules, counts_absent_matches_as_zero)
{
    check(MSG_MATCH_TOTAL, gg_cel_grpcroute_rules_match_total, "[{}, {'matches': [{}]}]",
          GG_CEL_PASS);
}

Test(grpcroute_rules, rejects_129_matches_in_total)
{
    cr_assert_eq(eval_rules(gg_cel_grpcroute_rules_match_total, rules_with_matches(15, 8, 9)),
                 GG_CEL_FAIL);
    cr_assert_eq(eval_rules(gg_cel_grpcroute_rules_match_total, rules_with_matches(16, 8, 0)),
                 GG_CEL_PASS);
}

/* --- HTTPRoute spec.rules[] ------------------------------------------------------------------- */

#define PREFIX_MATCH "{'path': {'type': 'PathPrefix', 'value': '/api'}}"
#define EXACT_MATCH "{'path': {'type': 'Exact', 'value': '/api'}}"
#define REDIRECT_PREFIX                                                                            \
    "{'type': 'RequestRedirect', 'requestRedirect': {'statusCode': 302, 'path': "                  \
    "{'type': 'ReplacePrefixMatch', 'replacePrefixMatch': '/v2'}}}"
#define REWRITE_PREFIX                                                                             \
    "{'type': 'URLRewrite', 'urlRewrite': {'path': "                                               \
    "{'type': 'ReplacePrefixMatch', 'replacePrefixMatch': '/v2'}}}"
#define BACKEND "'name': 'svc', 'group': '', 'kind': 'Service', 'port': 80, 'weight': 1"

Test(httproute_rule, rejects_a_redirect_alongside_backend_refs)
{
    check(MSG_REDIRECT_BACKENDS, gg_cel_httproute_rule_redirect_without_backends,
          "{'matches': [" PREFIX_MATCH "], 'filters': [" REDIRECT_PREFIX "], "
          "'backendRefs': [{" BACKEND "}]}",
          GG_CEL_FAIL);
}

Test(httproute_rule, accepts_a_redirect_without_backend_refs)
{
    check(MSG_REDIRECT_BACKENDS, gg_cel_httproute_rule_redirect_without_backends,
          "{'matches': [" PREFIX_MATCH "], 'filters': [" REDIRECT_PREFIX "]}", GG_CEL_PASS);
    check(MSG_REDIRECT_BACKENDS, gg_cel_httproute_rule_redirect_without_backends,
          "{'filters': [" REDIRECT_PREFIX "], 'backendRefs': []}", GG_CEL_PASS);
}

/* Upstream quirk: a redirect inside backendRefs[].filters is not looked at. */
Test(httproute_rule, accepts_a_redirect_inside_backend_ref_filters)
{
    check(MSG_REDIRECT_BACKENDS, gg_cel_httproute_rule_redirect_without_backends,
          "{'backendRefs': [{" BACKEND ", 'filters': [" REDIRECT_PREFIX "]}]}", GG_CEL_PASS);
}

Test(httproute_rule, accepts_prefix_redirect_with_one_path_prefix_match)
{
    check(MSG_REDIRECT_PREFIX, gg_cel_httproute_rule_redirect_prefix_match,
          "{'matches': [" PREFIX_MATCH "], 'filters': [" REDIRECT_PREFIX "]}", GG_CEL_PASS);
}

Test(httproute_rule, rejects_prefix_redirect_with_an_exact_match)
{
    check(MSG_REDIRECT_PREFIX, gg_cel_httproute_rule_redirect_prefix_match,
          "{'matches': [" EXACT_MATCH "], 'filters': [" REDIRECT_PREFIX "]}", GG_CEL_FAIL);
}

Test(httproute_rule, rejects_prefix_redirect_with_two_matches_or_none)
{
    check(MSG_REDIRECT_PREFIX, gg_cel_httproute_rule_redirect_prefix_match,
          "{'matches': [" PREFIX_MATCH ", " PREFIX_MATCH "], 'filters': [" REDIRECT_PREFIX "]}",
          GG_CEL_FAIL);
    check(MSG_REDIRECT_PREFIX, gg_cel_httproute_rule_redirect_prefix_match,
          "{'matches': [], 'filters': [" REDIRECT_PREFIX "]}", GG_CEL_FAIL);
}

/* has(f.requestRedirect.path.replacePrefixMatch) is part of the condition */
Test(httproute_rule, ignores_prefix_redirect_without_replace_prefix_match)
{
    check(MSG_REDIRECT_PREFIX, gg_cel_httproute_rule_redirect_prefix_match,
          "{'matches': [" EXACT_MATCH "], 'filters': [{'type': 'RequestRedirect', "
          "'requestRedirect': {'path': {'type': 'ReplacePrefixMatch'}}}]}",
          GG_CEL_PASS);
}

/* Upstream quirk: exists_one, so two such filters skip the check (the repeat rule catches
 * them). */
Test(httproute_rule, skips_prefix_check_when_two_filters_replace_the_prefix)
{
    check(MSG_REDIRECT_PREFIX, gg_cel_httproute_rule_redirect_prefix_match,
          "{'matches': [" EXACT_MATCH "], 'filters': [" REDIRECT_PREFIX ", " REDIRECT_PREFIX "]}",
          GG_CEL_PASS);
    check(MSG_REWRITE_PREFIX, gg_cel_httproute_rule_rewrite_prefix_match,
          "{'matches': [" EXACT_MATCH "], 'filters': [" REWRITE_PREFIX ", " REWRITE_PREFIX "]}",
          GG_CEL_PASS);
}

Test(httproute_rule, errors_on_prefix_redirect_without_defaulted_matches)
{
    check_error(MSG_REDIRECT_PREFIX, gg_cel_httproute_rule_redirect_prefix_match,
                "{'filters': [" REDIRECT_PREFIX "]}", "no such key: matches");
}

Test(httproute_rule, checks_prefix_rewrite_like_prefix_redirect)
{
    check(MSG_REWRITE_PREFIX, gg_cel_httproute_rule_rewrite_prefix_match,
          "{'matches': [" PREFIX_MATCH "], 'filters': [" REWRITE_PREFIX "]}", GG_CEL_PASS);
    check(MSG_REWRITE_PREFIX, gg_cel_httproute_rule_rewrite_prefix_match,
          "{'matches': [" EXACT_MATCH "], 'filters': [" REWRITE_PREFIX "]}", GG_CEL_FAIL);
    /* a redirect does not trigger the rewrite rule */
    check(MSG_REWRITE_PREFIX, gg_cel_httproute_rule_rewrite_prefix_match,
          "{'matches': [" EXACT_MATCH "], 'filters': [" REDIRECT_PREFIX "]}", GG_CEL_PASS);
}

Test(httproute_rule, checks_prefix_redirect_within_one_backend_ref)
{
    check(MSG_BACKEND_REDIRECT_PREFIX, gg_cel_httproute_rule_backend_redirect_prefix_match,
          "{'matches': [" PREFIX_MATCH "], 'backendRefs': [{" BACKEND
          ", 'filters': [" REDIRECT_PREFIX "]}]}",
          GG_CEL_PASS);
    check(MSG_BACKEND_REDIRECT_PREFIX, gg_cel_httproute_rule_backend_redirect_prefix_match,
          "{'matches': [" EXACT_MATCH "], 'backendRefs': [{" BACKEND
          ", 'filters': [" REDIRECT_PREFIX "]}, {" BACKEND "}]}",
          GG_CEL_FAIL);
}

Test(httproute_rule, checks_prefix_rewrite_within_one_backend_ref)
{
    check(MSG_BACKEND_REWRITE_PREFIX, gg_cel_httproute_rule_backend_rewrite_prefix_match,
          "{'matches': [" PREFIX_MATCH "], 'backendRefs': [{" BACKEND
          ", 'filters': [" REWRITE_PREFIX "]}]}",
          GG_CEL_PASS);
    check(MSG_BACKEND_REWRITE_PREFIX, gg_cel_httproute_rule_backend_rewrite_prefix_match,
          "{'matches': [" PREFIX_MATCH ", " EXACT_MATCH "], 'backendRefs': [{" BACKEND
          ", 'filters': [" REWRITE_PREFIX "]}]}",
          GG_CEL_FAIL);
}

/* Upstream quirk: two backendRefs each carrying a prefix rewrite, with two PathPrefix matches,
 * are admitted (exists_one over backendRefs finds two). */
Test(httproute_rule, admits_two_backend_refs_each_rewriting_the_prefix)
{
    const char *rule =
        "{'matches': [" PREFIX_MATCH ", " PREFIX_MATCH "], 'backendRefs': [{" BACKEND
        ", 'filters': [" REWRITE_PREFIX "]}, {" BACKEND ", 'filters': [" REWRITE_PREFIX "]}]}";

    check(MSG_BACKEND_REWRITE_PREFIX, gg_cel_httproute_rule_backend_rewrite_prefix_match, rule,
          GG_CEL_PASS);
    check(MSG_REWRITE_PREFIX, gg_cel_httproute_rule_rewrite_prefix_match, rule, GG_CEL_PASS);
}

/* --- backendRefs[] and requestMirror.backendRef ----------------------------------------------- */

Test(httproute_backend_ref, accepts_a_service_with_a_port)
{
    check(MSG_SERVICE_PORT, gg_cel_route_backend_ref_service_port, "{" BACKEND "}", GG_CEL_PASS);
}

Test(httproute_backend_ref, rejects_a_service_without_a_port)
{
    check(MSG_SERVICE_PORT, gg_cel_route_backend_ref_service_port,
          "{'name': 'svc', 'group': '', 'kind': 'Service', 'weight': 1}", GG_CEL_FAIL);
}

Test(httproute_backend_ref, accepts_other_kinds_without_a_port)
{
    check(MSG_SERVICE_PORT, gg_cel_route_backend_ref_service_port,
          "{'name': 'b', 'group': 'example.com', 'kind': 'Service'}", GG_CEL_PASS);
    check(MSG_SERVICE_PORT, gg_cel_route_backend_ref_service_port,
          "{'name': 'b', 'group': '', 'kind': 'ServiceImport'}", GG_CEL_PASS);
}

Test(httproute_backend_ref, errors_without_defaulted_group_or_kind)
{
    check_error(MSG_SERVICE_PORT, gg_cel_route_backend_ref_service_port,
                "{'name': 'svc', 'kind': 'Service'}", "no such key: group");
    check_error(MSG_SERVICE_PORT, gg_cel_route_backend_ref_service_port,
                "{'name': 'svc', 'group': ''}", "no such key: kind");
    /* size(group) == 0 is false, so the absent kind does not matter */
    check(MSG_SERVICE_PORT, gg_cel_route_backend_ref_service_port,
          "{'name': 'svc', 'group': 'x.io'}", GG_CEL_PASS);
}

Test(grpcroute_backend_ref, rejects_a_mirror_service_without_a_port)
{
    check(MSG_SERVICE_PORT, gg_cel_route_backend_ref_service_port,
          "{'name': 'mirror', 'group': '', 'kind': 'Service'}", GG_CEL_FAIL);
}

/* --- filters lists ---------------------------------------------------------------------------- */

#define F_REQ_HDR "{'type': 'RequestHeaderModifier', 'requestHeaderModifier': {'set': []}}"
#define F_RESP_HDR "{'type': 'ResponseHeaderModifier', 'responseHeaderModifier': {'add': []}}"
#define F_MIRROR "{'type': 'RequestMirror', 'requestMirror': {'backendRef': {'name': 'm'}}}"
#define F_REDIRECT "{'type': 'RequestRedirect', 'requestRedirect': {'statusCode': 302}}"
#define F_REWRITE "{'type': 'URLRewrite', 'urlRewrite': {'hostname': 'a.com'}}"
#define F_EXT "{'type': 'ExtensionRef', 'extensionRef': {'group': 'g', 'kind': 'K', 'name': 'n'}}"
#define F_CORS "{'type': 'CORS', 'cors': {'maxAge': 5}}"

Test(httproute_filters, rejects_redirect_together_with_rewrite)
{
    check(MSG_REDIRECT_OR_REWRITE, gg_cel_httproute_filters_redirect_or_rewrite,
          "[" F_REDIRECT ", " F_REWRITE "]", GG_CEL_FAIL);
    check(MSG_REDIRECT_OR_REWRITE, gg_cel_httproute_filters_redirect_or_rewrite,
          "[" F_REDIRECT ", " F_REQ_HDR "]", GG_CEL_PASS);
}

/* exists() absorbs the error of a filter without type once another filter matches */
Test(httproute_filters, absorbs_a_missing_type_when_both_kinds_are_found)
{
    check(MSG_REDIRECT_OR_REWRITE, gg_cel_httproute_filters_redirect_or_rewrite,
          "[" F_REDIRECT ", {}, " F_REWRITE "]", GG_CEL_FAIL);
    check_error(MSG_REDIRECT_OR_REWRITE, gg_cel_httproute_filters_redirect_or_rewrite,
                "[" F_REDIRECT ", {}]", "no such key: type");
}

Test(httproute_filters, rejects_a_repeated_cors_filter)
{
    check("CORS filter cannot be repeated", gg_cel_httproute_filters_cors_once,
          "[" F_CORS ", " F_CORS "]", GG_CEL_FAIL);
    check("CORS filter cannot be repeated", gg_cel_httproute_filters_cors_once,
          "[" F_CORS ", " F_REQ_HDR "]", GG_CEL_PASS);
}

Test(httproute_filters, rejects_a_repeated_request_header_modifier)
{
    check("RequestHeaderModifier filter cannot be repeated",
          gg_cel_route_filters_request_header_modifier_once, "[" F_REQ_HDR ", " F_REQ_HDR "]",
          GG_CEL_FAIL);
    check("RequestHeaderModifier filter cannot be repeated",
          gg_cel_route_filters_request_header_modifier_once, "[" F_REQ_HDR ", " F_RESP_HDR "]",
          GG_CEL_PASS);
}

Test(httproute_filters, rejects_a_repeated_response_header_modifier)
{
    check("ResponseHeaderModifier filter cannot be repeated",
          gg_cel_route_filters_response_header_modifier_once, "[" F_RESP_HDR ", " F_RESP_HDR "]",
          GG_CEL_FAIL);
    check("ResponseHeaderModifier filter cannot be repeated",
          gg_cel_route_filters_response_header_modifier_once, "[" F_RESP_HDR "]", GG_CEL_PASS);
}

Test(httproute_filters, rejects_a_repeated_request_redirect)
{
    check("RequestRedirect filter cannot be repeated",
          gg_cel_httproute_filters_request_redirect_once, "[" F_REDIRECT ", " F_REDIRECT "]",
          GG_CEL_FAIL);
    check("RequestRedirect filter cannot be repeated",
          gg_cel_httproute_filters_request_redirect_once, "[" F_REDIRECT "]", GG_CEL_PASS);
}

Test(httproute_filters, rejects_a_repeated_url_rewrite)
{
    check("URLRewrite filter cannot be repeated", gg_cel_httproute_filters_url_rewrite_once,
          "[" F_REWRITE ", " F_REWRITE "]", GG_CEL_FAIL);
    check("URLRewrite filter cannot be repeated", gg_cel_httproute_filters_url_rewrite_once, "[]",
          GG_CEL_PASS);
}

Test(httproute_filters, allows_repeated_mirrors_and_extension_refs)
{
    const char *filters = "[" F_MIRROR ", " F_MIRROR ", " F_EXT ", " F_EXT "]";

    check("RequestHeaderModifier filter cannot be repeated",
          gg_cel_route_filters_request_header_modifier_once, filters, GG_CEL_PASS);
    check(MSG_REDIRECT_OR_REWRITE, gg_cel_httproute_filters_redirect_or_rewrite, filters,
          GG_CEL_PASS);
}

/* filter() keeps no partial count: one filter without type makes it an error */
Test(httproute_filters, errors_on_a_filter_without_type)
{
    check_error("CORS filter cannot be repeated", gg_cel_httproute_filters_cors_once,
                "[" F_CORS ", " F_CORS ", {}]", "no such key: type");
}

Test(grpcroute_filters, rejects_repeated_header_modifiers)
{
    check("RequestHeaderModifier filter cannot be repeated",
          gg_cel_route_filters_request_header_modifier_once,
          "[" F_REQ_HDR ", " F_MIRROR ", " F_REQ_HDR "]", GG_CEL_FAIL);
    check("ResponseHeaderModifier filter cannot be repeated",
          gg_cel_route_filters_response_header_modifier_once, "[" F_RESP_HDR ", " F_REQ_HDR "]",
          GG_CEL_PASS);
}

/* --- one filter: config field and type agree -------------------------------------------------- */

/* Asserts the "must be nil" / "must be specified" pair for one filter type: <good> is a filter of
 * that type with its config, and <other> a filter of another type. */
static void check_filter_pair(const char *field, const char *type, gg_cel_fn nil_fn,
                              gg_cel_fn specified_fn, const char *good, const char *other)
{
    char nil_msg[160], specified_msg[160], wrong[512], bare[160];

    snprintf(nil_msg, sizeof(nil_msg), "filter.%s must be nil if the filter.type is not %s", field,
             type);
    snprintf(specified_msg, sizeof(specified_msg), "filter.%s must be specified for %s filter.type",
             field, type);
    /* <other> with this type's config added */
    snprintf(wrong, sizeof(wrong), "%.*s, '%s': {}}", (int)(strlen(other) - 1), other, field);
    snprintf(bare, sizeof(bare), "{'type': '%s'}", type);

    check(nil_msg, nil_fn, good, GG_CEL_PASS);
    check(nil_msg, nil_fn, wrong, GG_CEL_FAIL);
    check(nil_msg, nil_fn, other, GG_CEL_PASS);
    check(specified_msg, specified_fn, good, GG_CEL_PASS);
    check(specified_msg, specified_fn, bare, GG_CEL_FAIL);
    check(specified_msg, specified_fn, other, GG_CEL_PASS);
}

Test(httproute_filter, requires_cors_config_exactly_for_cors)
{
    check_filter_pair("cors", "CORS", gg_cel_httproute_filter_cors_nil,
                      gg_cel_httproute_filter_cors_specified, F_CORS, F_MIRROR);
}

Test(httproute_filter, requires_request_header_modifier_exactly_for_its_type)
{
    check_filter_pair("requestHeaderModifier", "RequestHeaderModifier",
                      gg_cel_route_filter_request_header_modifier_nil,
                      gg_cel_route_filter_request_header_modifier_specified, F_REQ_HDR, F_CORS);
}

Test(httproute_filter, requires_response_header_modifier_exactly_for_its_type)
{
    check_filter_pair("responseHeaderModifier", "ResponseHeaderModifier",
                      gg_cel_route_filter_response_header_modifier_nil,
                      gg_cel_route_filter_response_header_modifier_specified, F_RESP_HDR,
                      F_REQ_HDR);
}

Test(httproute_filter, requires_request_mirror_exactly_for_its_type)
{
    check_filter_pair("requestMirror", "RequestMirror", gg_cel_route_filter_request_mirror_nil,
                      gg_cel_route_filter_request_mirror_specified, F_MIRROR, F_EXT);
}

Test(httproute_filter, requires_request_redirect_exactly_for_its_type)
{
    check_filter_pair("requestRedirect", "RequestRedirect",
                      gg_cel_httproute_filter_request_redirect_nil,
                      gg_cel_httproute_filter_request_redirect_specified, F_REDIRECT, F_REWRITE);
}

Test(httproute_filter, requires_url_rewrite_exactly_for_its_type)
{
    check_filter_pair("urlRewrite", "URLRewrite", gg_cel_httproute_filter_url_rewrite_nil,
                      gg_cel_httproute_filter_url_rewrite_specified, F_REWRITE, F_REDIRECT);
}

Test(httproute_filter, requires_extension_ref_exactly_for_its_type)
{
    check_filter_pair("extensionRef", "ExtensionRef", gg_cel_route_filter_extension_ref_nil,
                      gg_cel_route_filter_extension_ref_specified, F_EXT, F_RESP_HDR);
}

Test(httproute_filter, errors_on_a_config_without_type)
{
    check_error("filter.cors must be nil if the filter.type is not CORS",
                gg_cel_httproute_filter_cors_nil, "{'cors': {}}", "no such key: type");
    /* !has(self.cors) is false, so the missing type does not matter */
    check("filter.cors must be specified for CORS filter.type",
          gg_cel_httproute_filter_cors_specified, "{'cors': {}}", GG_CEL_PASS);
}

Test(grpcroute_filter, rejects_a_mirror_config_on_a_header_filter)
{
    check("filter.requestMirror must be nil if the filter.type is not RequestMirror",
          gg_cel_route_filter_request_mirror_nil,
          "{'type': 'RequestHeaderModifier', 'requestHeaderModifier': {}, "
          "'requestMirror': {'backendRef': {'name': 'm'}}}",
          GG_CEL_FAIL);
}

/* --- CORS ------------------------------------------------------------------------------------- */

Test(httproute_cors, rejects_wildcard_origin_alongside_others)
{
    const char *msg = "AllowOrigins cannot contain '*' alongside other origins";

    check(msg, gg_cel_httproute_cors_wildcard_alone, "['*', 'https://a.example']", GG_CEL_FAIL);
    check(msg, gg_cel_httproute_cors_wildcard_alone, "['*']", GG_CEL_PASS);
    check(msg, gg_cel_httproute_cors_wildcard_alone, "['https://a', 'https://b']", GG_CEL_PASS);
}

Test(httproute_cors, rejects_wildcard_method_alongside_others)
{
    const char *msg = "AllowMethods cannot contain '*' alongside other methods";

    check(msg, gg_cel_httproute_cors_wildcard_alone, "['GET', '*']", GG_CEL_FAIL);
    check(msg, gg_cel_httproute_cors_wildcard_alone, "['GET', 'POST']", GG_CEL_PASS);
}

/* Upstream's message for headers says "methods". */
Test(httproute_cors, rejects_wildcard_header_alongside_others)
{
    const char *msg = "AllowHeaders cannot contain '*' alongside other methods";

    check(msg, gg_cel_httproute_cors_wildcard_alone, "['x-a', '*']", GG_CEL_FAIL);
    check(msg, gg_cel_httproute_cors_wildcard_alone, "[]", GG_CEL_PASS);
}

/* --- requestMirror ---------------------------------------------------------------------------- */

Test(httproute_request_mirror, rejects_percent_together_with_fraction)
{
    check(MSG_PERCENT_OR_FRACTION, gg_cel_route_request_mirror_percent_or_fraction,
          "{'backendRef': {'name': 'm'}, 'percent': 10, "
          "'fraction': {'numerator': 1, 'denominator': 100}}",
          GG_CEL_FAIL);
    check(MSG_PERCENT_OR_FRACTION, gg_cel_route_request_mirror_percent_or_fraction,
          "{'backendRef': {'name': 'm'}, 'percent': 10}", GG_CEL_PASS);
}

Test(httproute_request_mirror, rejects_numerator_above_denominator)
{
    check(MSG_FRACTION, gg_cel_route_request_mirror_fraction,
          "{'numerator': 101, 'denominator': 100}", GG_CEL_FAIL);
    check(MSG_FRACTION, gg_cel_route_request_mirror_fraction,
          "{'numerator': 100, 'denominator': 100}", GG_CEL_PASS);
}

Test(httproute_request_mirror, errors_without_defaulted_denominator)
{
    check_error(MSG_FRACTION, gg_cel_route_request_mirror_fraction, "{'numerator': 1}",
                "no such key: denominator");
}

Test(grpcroute_request_mirror, checks_the_fraction_as_httproute_does)
{
    check(MSG_FRACTION, gg_cel_route_request_mirror_fraction, "{'numerator': 3, 'denominator': 2}",
          GG_CEL_FAIL);
    check(MSG_PERCENT_OR_FRACTION, gg_cel_route_request_mirror_percent_or_fraction,
          "{'backendRef': {'name': 'm'}, 'fraction': {'numerator': 1, 'denominator': 2}}",
          GG_CEL_PASS);
}

/* --- requestRedirect.path / urlRewrite.path --------------------------------------------------- */

Test(httproute_path_modifier, requires_replace_full_path_for_its_type)
{
    const char *msg = "replaceFullPath must be specified when type is set to 'ReplaceFullPath'";

    check(msg, gg_cel_httproute_path_modifier_full_path_specified, "{'type': 'ReplaceFullPath'}",
          GG_CEL_FAIL);
    check(msg, gg_cel_httproute_path_modifier_full_path_specified,
          "{'type': 'ReplaceFullPath', 'replaceFullPath': '/new'}", GG_CEL_PASS);
}

Test(httproute_path_modifier, rejects_replace_full_path_with_another_type)
{
    const char *msg = "type must be 'ReplaceFullPath' when replaceFullPath is set";

    check(msg, gg_cel_httproute_path_modifier_full_path_type,
          "{'type': 'ReplacePrefixMatch', 'replacePrefixMatch': '/', 'replaceFullPath': '/x'}",
          GG_CEL_FAIL);
    check(msg, gg_cel_httproute_path_modifier_full_path_type,
          "{'type': 'ReplacePrefixMatch', 'replacePrefixMatch': '/'}", GG_CEL_PASS);
}

Test(httproute_path_modifier, requires_replace_prefix_match_for_its_type)
{
    const char *msg =
        "replacePrefixMatch must be specified when type is set to 'ReplacePrefixMatch'";

    check(msg, gg_cel_httproute_path_modifier_prefix_match_specified,
          "{'type': 'ReplacePrefixMatch'}", GG_CEL_FAIL);
    /* an empty string is set: has() is true */
    check(msg, gg_cel_httproute_path_modifier_prefix_match_specified,
          "{'type': 'ReplacePrefixMatch', 'replacePrefixMatch': ''}", GG_CEL_PASS);
}

Test(httproute_path_modifier, rejects_replace_prefix_match_with_another_type)
{
    const char *msg = "type must be 'ReplacePrefixMatch' when replacePrefixMatch is set";

    check(msg, gg_cel_httproute_path_modifier_prefix_match_type,
          "{'type': 'ReplaceFullPath', 'replaceFullPath': '/a', 'replacePrefixMatch': '/b'}",
          GG_CEL_FAIL);
    check(msg, gg_cel_httproute_path_modifier_prefix_match_type,
          "{'type': 'ReplacePrefixMatch', 'replacePrefixMatch': '/b'}", GG_CEL_PASS);
}

/* --- spec.rules[].matches[].path -------------------------------------------------------------- */

static void check_path(const char *message, gg_cel_fn fn, const char *type, const char *value,
                       enum gg_cel_result want)
{
    char path[256];

    snprintf(path, sizeof(path), "{'type': '%s', 'value': '%s'}", type, value);
    check(message, fn, path, want);
}

Test(httproute_path_match, rejects_value_without_leading_slash)
{
    check_path(MSG_PATH_ABSOLUTE, gg_cel_httproute_path_match_absolute, "Exact", "foo",
               GG_CEL_FAIL);
    check_path(MSG_PATH_ABSOLUTE, gg_cel_httproute_path_match_absolute, "PathPrefix", "/foo",
               GG_CEL_PASS);
}

Test(httproute_path_match, leaves_regular_expressions_unchecked)
{
    check_path(MSG_PATH_ABSOLUTE, gg_cel_httproute_path_match_absolute, "RegularExpression",
               "^foo//#", GG_CEL_PASS);
    check_path(MSG_PATH("contain '//'"), gg_cel_httproute_path_match_no_double_slash,
               "RegularExpression", "//", GG_CEL_PASS);
    check_path(MSG_PATH_CHARS, gg_cel_httproute_path_match_characters, "RegularExpression",
               "/(a|b) c", GG_CEL_PASS);
}

Test(httproute_path_match, rejects_a_double_slash)
{
    check_path(MSG_PATH("contain '//'"), gg_cel_httproute_path_match_no_double_slash, "Exact",
               "/a//b", GG_CEL_FAIL);
    check_path(MSG_PATH("contain '//'"), gg_cel_httproute_path_match_no_double_slash, "Exact",
               "/a/b/", GG_CEL_PASS);
}

Test(httproute_path_match, rejects_a_dot_segment)
{
    check_path(MSG_PATH("contain '/./'"), gg_cel_httproute_path_match_no_dot_segment, "PathPrefix",
               "/a/./b", GG_CEL_FAIL);
    check_path(MSG_PATH("contain '/./'"), gg_cel_httproute_path_match_no_dot_segment, "PathPrefix",
               "/a/.b/", GG_CEL_PASS);
}

Test(httproute_path_match, rejects_a_dot_dot_segment)
{
    check_path(MSG_PATH("contain '/../'"), gg_cel_httproute_path_match_no_dot_dot_segment,
               "PathPrefix", "/a/../b", GG_CEL_FAIL);
    check_path(MSG_PATH("contain '/../'"), gg_cel_httproute_path_match_no_dot_dot_segment,
               "PathPrefix", "/a/..b", GG_CEL_PASS);
}

Test(httproute_path_match, rejects_an_encoded_slash_in_either_case)
{
    check_path(MSG_PATH("contain '%2f'"), gg_cel_httproute_path_match_no_encoded_slash_lower,
               "Exact", "/a%2fb", GG_CEL_FAIL);
    check_path(MSG_PATH("contain '%2f'"), gg_cel_httproute_path_match_no_encoded_slash_lower,
               "Exact", "/a%2Fb", GG_CEL_PASS);
    check_path(MSG_PATH("contain '%2F'"), gg_cel_httproute_path_match_no_encoded_slash_upper,
               "Exact", "/a%2Fb", GG_CEL_FAIL);
    check_path(MSG_PATH("contain '%2F'"), gg_cel_httproute_path_match_no_encoded_slash_upper,
               "Exact", "/a%2fb", GG_CEL_PASS);
}

Test(httproute_path_match, rejects_a_fragment)
{
    check_path(MSG_PATH("contain '#'"), gg_cel_httproute_path_match_no_fragment, "Exact", "/a#top",
               GG_CEL_FAIL);
    check_path(MSG_PATH("contain '#'"), gg_cel_httproute_path_match_no_fragment, "Exact", "/a",
               GG_CEL_PASS);
}

Test(httproute_path_match, rejects_a_trailing_dot_dot)
{
    check_path(MSG_PATH("end with '/..'"), gg_cel_httproute_path_match_no_dot_dot_suffix,
               "PathPrefix", "/a/..", GG_CEL_FAIL);
    check_path(MSG_PATH("end with '/..'"), gg_cel_httproute_path_match_no_dot_dot_suffix,
               "PathPrefix", "/a..", GG_CEL_PASS);
}

Test(httproute_path_match, rejects_a_trailing_dot)
{
    check_path(MSG_PATH("end with '/.'"), gg_cel_httproute_path_match_no_dot_suffix, "PathPrefix",
               "/a/.", GG_CEL_FAIL);
    /* "/a/.." ends with "..", not "/." */
    check_path(MSG_PATH("end with '/.'"), gg_cel_httproute_path_match_no_dot_suffix, "PathPrefix",
               "/a/..", GG_CEL_PASS);
}

Test(httproute_path_match, rejects_an_unknown_type)
{
    check(MSG_PATH_TYPE, gg_cel_httproute_path_match_type, "{'type': 'Prefix', 'value': '/'}",
          GG_CEL_FAIL);
    check(MSG_PATH_TYPE, gg_cel_httproute_path_match_type,
          "{'type': 'RegularExpression', 'value': '.*'}", GG_CEL_PASS);
}

Test(httproute_path_match, accepts_rfc3986_path_characters_and_escapes)
{
    check_path(MSG_PATH_CHARS, gg_cel_httproute_path_match_characters, "Exact",
               "/a-Z_0.9~!$&\\u0027()*+,;=:@/%41%7e", GG_CEL_PASS);
}

Test(httproute_path_match, rejects_other_characters)
{
    check_path(MSG_PATH_CHARS, gg_cel_httproute_path_match_characters, "Exact", "/a b",
               GG_CEL_FAIL);
    check_path(MSG_PATH_CHARS, gg_cel_httproute_path_match_characters, "Exact", "/caf\\u00e9",
               GG_CEL_FAIL);
    check_path(MSG_PATH_CHARS, gg_cel_httproute_path_match_characters, "PathPrefix", "/a?b",
               GG_CEL_FAIL);
}

Test(httproute_path_match, rejects_a_broken_percent_escape)
{
    check_path(MSG_PATH_CHARS, gg_cel_httproute_path_match_characters, "Exact", "/%zz",
               GG_CEL_FAIL);
    check_path(MSG_PATH_CHARS, gg_cel_httproute_path_match_characters, "Exact", "/%4", GG_CEL_FAIL);
}

Test(httproute_path_match, errors_without_defaulted_type_or_value)
{
    check_error(MSG_PATH_ABSOLUTE, gg_cel_httproute_path_match_absolute, "{'type': 'Exact'}",
                "no such key: value");
    check_error(MSG_PATH_TYPE, gg_cel_httproute_path_match_type, "{'value': '/'}",
                "no such key: type");
    /* a RegularExpression never reads the value */
    check(MSG_PATH_CHARS, gg_cel_httproute_path_match_characters, "{'type': 'RegularExpression'}",
          GG_CEL_PASS);
}

/* --- spec.rules[].timeouts -------------------------------------------------------------------- */

static void check_timeouts(const char *request, const char *backend, enum gg_cel_result want)
{
    char t[128];

    snprintf(t, sizeof(t), "{'request': '%s', 'backendRequest': '%s'}", request, backend);
    check(MSG_TIMEOUTS, gg_cel_httproute_timeouts, t, want);
}

Test(httproute_timeouts, accepts_a_backend_timeout_within_the_request_timeout)
{
    check_timeouts("10s", "5s", GG_CEL_PASS);
    check_timeouts("1h", "59m", GG_CEL_PASS);
    check_timeouts("1s", "1000ms", GG_CEL_PASS);
}

Test(httproute_timeouts, rejects_a_backend_timeout_above_the_request_timeout)
{
    check_timeouts("5s", "10s", GG_CEL_FAIL);
    check_timeouts("1h30m", "1h30m1ms", GG_CEL_FAIL);
    check_timeouts("1s", "1001ms", GG_CEL_FAIL);
}

Test(httproute_timeouts, treats_a_zero_request_timeout_as_none)
{
    check_timeouts("0s", "10s", GG_CEL_PASS);
    check_timeouts("0ms", "10s", GG_CEL_PASS);
}

Test(httproute_timeouts, accepts_either_timeout_alone)
{
    check(MSG_TIMEOUTS, gg_cel_httproute_timeouts, "{'backendRequest': '10s'}", GG_CEL_PASS);
    check(MSG_TIMEOUTS, gg_cel_httproute_timeouts, "{'request': 'junk'}", GG_CEL_PASS);
}

/* Pattern failures do not stop CEL, and duration() is Go's ParseDuration, which takes more than
 * the schema pattern allows. */
Test(httproute_timeouts, parses_go_durations_beyond_the_schema_pattern)
{
    check_timeouts("1.5h", "90m", GG_CEL_PASS);
    check_timeouts("1.5h", "90m1ns", GG_CEL_FAIL);
    check_timeouts("2s", "2000000\\u00b5s", GG_CEL_PASS);
    check_timeouts("-1s", "1s", GG_CEL_FAIL);
}

Test(httproute_timeouts, errors_on_a_value_go_cannot_parse)
{
    check_error(MSG_TIMEOUTS, gg_cel_httproute_timeouts,
                "{'request': '10x', 'backendRequest': '1s'}",
                "type conversion error from 'string' to 'google.protobuf.Duration'");
    check_error(MSG_TIMEOUTS, gg_cel_httproute_timeouts,
                "{'request': '10s', 'backendRequest': '1'}",
                "type conversion error from 'string' to 'google.protobuf.Duration'");
    check_error(MSG_TIMEOUTS, gg_cel_httproute_timeouts,
                "{'request': '10s', 'backendRequest': '9223372036854775808ns'}",
                "type conversion error from 'string' to 'google.protobuf.Duration'");
}

/* false && error is false: with a 0s request the backend timeout is never compared */
Test(httproute_timeouts, ignores_a_broken_backend_timeout_after_a_zero_request)
{
    check_timeouts("0s", "forever", GG_CEL_PASS);
}

/* --- GRPCRoute spec.rules[].matches[].method -------------------------------------------------- */

Test(grpcroute_method_match, rejects_neither_service_nor_method)
{
    check(MSG_GRPC_SERVICE_OR_METHOD, gg_cel_grpcroute_method_service_or_method,
          "{'type': 'Exact'}", GG_CEL_FAIL);
    check(MSG_GRPC_SERVICE_OR_METHOD, gg_cel_grpcroute_method_service_or_method,
          "{'type': 'Exact', 'method': 'Get'}", GG_CEL_PASS);
    /* without the defaulted type the rule does not apply */
    check(MSG_GRPC_SERVICE_OR_METHOD, gg_cel_grpcroute_method_service_or_method, "{}", GG_CEL_PASS);
}

Test(grpcroute_method_match, accepts_dotted_service_names_in_any_case)
{
    check(MSG_GRPC_SERVICE, gg_cel_grpcroute_method_service_characters,
          "{'type': 'Exact', 'service': 'grpc.health.v1.Health'}", GG_CEL_PASS);
    check(MSG_GRPC_SERVICE, gg_cel_grpcroute_method_service_characters,
          "{'type': 'Exact', 'service': '.FOO._bar9'}", GG_CEL_PASS);
}

Test(grpcroute_method_match, rejects_invalid_service_names)
{
    check(MSG_GRPC_SERVICE, gg_cel_grpcroute_method_service_characters,
          "{'type': 'Exact', 'service': 'foo-bar'}", GG_CEL_FAIL);
    check(MSG_GRPC_SERVICE, gg_cel_grpcroute_method_service_characters,
          "{'type': 'Exact', 'service': 'foo.'}", GG_CEL_FAIL);
    check(MSG_GRPC_SERVICE, gg_cel_grpcroute_method_service_characters,
          "{'type': 'Exact', 'service': '9foo'}", GG_CEL_FAIL);
    check(MSG_GRPC_SERVICE, gg_cel_grpcroute_method_service_characters,
          "{'type': 'Exact', 'service': ''}", GG_CEL_FAIL);
}

/* RE2's (?i) folds with Unicode simple folding: U+017F (long s) and U+212A (Kelvin sign) match
 * [a-z]; other non-ASCII letters do not. */
Test(grpcroute_method_match, folds_case_as_re2_does)
{
    check(MSG_GRPC_SERVICE, gg_cel_grpcroute_method_service_characters,
          "{'type': 'Exact', 'service': '\\u017fvc.\\u212a8s'}", GG_CEL_PASS);
    check(MSG_GRPC_SERVICE, gg_cel_grpcroute_method_service_characters,
          "{'type': 'Exact', 'service': '\\u0131nfo'}", GG_CEL_FAIL);
}

Test(grpcroute_method_match, leaves_regular_expression_names_unchecked)
{
    check(MSG_GRPC_SERVICE, gg_cel_grpcroute_method_service_characters,
          "{'type': 'RegularExpression', 'service': 'foo-.*'}", GG_CEL_PASS);
    check(MSG_GRPC_METHOD, gg_cel_grpcroute_method_method_characters,
          "{'type': 'RegularExpression', 'method': 'Get.*'}", GG_CEL_PASS);
}

Test(grpcroute_method_match, rejects_invalid_method_names)
{
    check(MSG_GRPC_METHOD, gg_cel_grpcroute_method_method_characters,
          "{'type': 'Exact', 'method': 'Get_Item2'}", GG_CEL_PASS);
    check(MSG_GRPC_METHOD, gg_cel_grpcroute_method_method_characters,
          "{'type': 'Exact', 'method': '2Get'}", GG_CEL_FAIL);
    check(MSG_GRPC_METHOD, gg_cel_grpcroute_method_method_characters,
          "{'type': 'Exact', 'method': 'a.b'}", GG_CEL_FAIL);
    /* the (?i) folding of the service rule does not apply here */
    check(MSG_GRPC_METHOD, gg_cel_grpcroute_method_method_characters,
          "{'type': 'Exact', 'method': '\\u212a'}", GG_CEL_FAIL);
}

/* --- Gateway spec.addresses ------------------------------------------------------------------- */

Test(gateway_addresses, rejects_a_repeated_ip_address)
{
    check("IPAddress values must be unique", gg_cel_gateway_addresses_ip_unique,
          "[{'type': 'IPAddress', 'value': '10.0.0.1'}, "
          "{'type': 'IPAddress', 'value': '10.0.0.1'}]",
          GG_CEL_FAIL);
    check("IPAddress values must be unique", gg_cel_gateway_addresses_ip_unique,
          "[{'type': 'IPAddress', 'value': '10.0.0.1'}, "
          "{'type': 'IPAddress', 'value': '10.0.0.2'}, "
          "{'type': 'IPAddress'}, {'type': 'IPAddress'}]",
          GG_CEL_PASS);
}

Test(gateway_addresses, rejects_a_repeated_hostname)
{
    check("Hostname values must be unique", gg_cel_gateway_addresses_hostname_unique,
          "[{'type': 'Hostname', 'value': 'a.example'}, "
          "{'type': 'Hostname', 'value': 'a.example'}]",
          GG_CEL_FAIL);
    /* the same value under another type is another address */
    check("Hostname values must be unique", gg_cel_gateway_addresses_hostname_unique,
          "[{'type': 'Hostname', 'value': 'a.example'}, "
          "{'type': 'NamedAddress', 'value': 'a.example'}]",
          GG_CEL_PASS);
}

Test(gateway_addresses, allows_repeated_named_addresses)
{
    const char *addrs = "[{'type': 'NamedAddress', 'value': 'x'}, "
                        "{'type': 'NamedAddress', 'value': 'x'}]";

    check("IPAddress values must be unique", gg_cel_gateway_addresses_ip_unique, addrs,
          GG_CEL_PASS);
    check("Hostname values must be unique", gg_cel_gateway_addresses_hostname_unique, addrs,
          GG_CEL_PASS);
}

Test(gateway_addresses, errors_without_defaulted_type)
{
    check_error("IPAddress values must be unique", gg_cel_gateway_addresses_ip_unique,
                "[{'value': '10.0.0.1'}]", "no such key: type");
}

Test(gateway_address, checks_hostname_values)
{
    check(MSG_ADDRESS_HOSTNAME, gg_cel_gateway_address_hostname,
          "{'type': 'Hostname', 'value': '*.example.com'}", GG_CEL_PASS);
    check(MSG_ADDRESS_HOSTNAME, gg_cel_gateway_address_hostname,
          "{'type': 'Hostname', 'value': 'Example.com'}", GG_CEL_FAIL);
    check(MSG_ADDRESS_HOSTNAME, gg_cel_gateway_address_hostname,
          "{'type': 'Hostname', 'value': 'a..b'}", GG_CEL_FAIL);
    check(MSG_ADDRESS_HOSTNAME, gg_cel_gateway_address_hostname,
          "{'type': 'Hostname', 'value': '-a.b'}", GG_CEL_FAIL);
    check(MSG_ADDRESS_HOSTNAME, gg_cel_gateway_address_hostname,
          "{'type': 'Hostname', 'value': '*'}", GG_CEL_FAIL);
}

Test(gateway_address, accepts_a_hostname_address_without_value)
{
    check(MSG_ADDRESS_HOSTNAME, gg_cel_gateway_address_hostname, "{'type': 'Hostname'}",
          GG_CEL_PASS);
    check(MSG_ADDRESS_HOSTNAME, gg_cel_gateway_address_hostname,
          "{'type': 'IPAddress', 'value': 'not a host'}", GG_CEL_PASS);
}

/* Upstream quirk: all-numeric labels are labels, so an IP passes the hostname pattern. */
Test(gateway_address, accepts_an_ip_literal_as_hostname)
{
    check(MSG_ADDRESS_HOSTNAME, gg_cel_gateway_address_hostname,
          "{'type': 'Hostname', 'value': '192.168.1.10'}", GG_CEL_PASS);
}

Test(gateway_status_address, checks_hostname_values)
{
    check(MSG_STATUS_ADDRESS_HOSTNAME, gg_cel_gateway_status_address_hostname,
          "{'type': 'Hostname', 'value': 'lb.example.com'}", GG_CEL_PASS);
    check(MSG_STATUS_ADDRESS_HOSTNAME, gg_cel_gateway_status_address_hostname,
          "{'type': 'Hostname', 'value': 'lb_1.example.com'}", GG_CEL_FAIL);
}

Test(gateway_status_address, errors_on_a_hostname_without_value)
{
    check_error(MSG_STATUS_ADDRESS_HOSTNAME, gg_cel_gateway_status_address_hostname,
                "{'type': 'Hostname'}", "no such key: value");
    check(MSG_STATUS_ADDRESS_HOSTNAME, gg_cel_gateway_status_address_hostname,
          "{'type': 'IPAddress'}", GG_CEL_PASS);
}

/* --- Gateway spec.infrastructure -------------------------------------------------------------- */

Test(gateway_infrastructure, accepts_qualified_label_keys)
{
    check(MSG_KEY_FORM("Label"), gg_cel_gateway_infrastructure_key_form,
          "{'app.kubernetes.io/name': 'x', 'tier': '', 'a': 'b', 'x9/A_b.C-d': ''}", GG_CEL_PASS);
}

Test(gateway_infrastructure, rejects_malformed_label_keys)
{
    check(MSG_KEY_FORM("Label"), gg_cel_gateway_infrastructure_key_form, "{'-tier': 'x'}",
          GG_CEL_FAIL);
    check(MSG_KEY_FORM("Label"), gg_cel_gateway_infrastructure_key_form, "{'a/b/c': 'x'}",
          GG_CEL_FAIL);
    check(MSG_KEY_FORM("Label"), gg_cel_gateway_infrastructure_key_form, "{'Example.com/a': 'x'}",
          GG_CEL_FAIL);
    check(MSG_KEY_FORM("Label"), gg_cel_gateway_infrastructure_key_form, "{'/a': 'x'}",
          GG_CEL_FAIL);
    check(MSG_KEY_FORM("Label"), gg_cel_gateway_infrastructure_key_form, "{'a/': 'x'}",
          GG_CEL_FAIL);
}

/* name segments are 1 to 63 characters */
Test(gateway_infrastructure, limits_the_name_segment_to_63_characters)
{
    char keys[256];

    snprintf(keys, sizeof(keys), "{'example.com/%063d': ''}", 0);
    check(MSG_KEY_FORM("Annotation"), gg_cel_gateway_infrastructure_key_form, keys, GG_CEL_PASS);
    snprintf(keys, sizeof(keys), "{'example.com/%064d': ''}", 0);
    check(MSG_KEY_FORM("Annotation"), gg_cel_gateway_infrastructure_key_form, keys, GG_CEL_FAIL);
}

/* "{'<prefix of n copies of c>/x': ''}" */
static void key_with_prefix(char *buf, size_t len, const char *c, size_t n)
{
    size_t at = (size_t)snprintf(buf, len, "{'");

    for (size_t i = 0; i < n; i++)
        at += (size_t)snprintf(buf + at, len - at, "%s", c);
    snprintf(buf + at, len - at, "/x': ''}");
}

Test(gateway_infrastructure, limits_the_key_prefix_below_253_characters)
{
    char keys[2048];

    key_with_prefix(keys, sizeof(keys), "a", 252);
    check(MSG_KEY_PREFIX("label"), gg_cel_gateway_infrastructure_key_prefix_length, keys,
          GG_CEL_PASS);
    key_with_prefix(keys, sizeof(keys), "a", 253);
    check(MSG_KEY_PREFIX("label"), gg_cel_gateway_infrastructure_key_prefix_length, keys,
          GG_CEL_FAIL);
    check(MSG_KEY_PREFIX("annotation"), gg_cel_gateway_infrastructure_key_prefix_length, keys,
          GG_CEL_FAIL);
}

/* CEL's size() counts code points, not bytes. */
Test(gateway_infrastructure, counts_prefix_length_in_characters)
{
    char keys[2048];

    key_with_prefix(keys, sizeof(keys), "\\u00e9", 252);
    check(MSG_KEY_PREFIX("annotation"), gg_cel_gateway_infrastructure_key_prefix_length, keys,
          GG_CEL_PASS);
}

/* Without a '/', split("/")[0] is the whole key. */
Test(gateway_infrastructure, measures_a_key_without_prefix_whole)
{
    char keys[512];
    size_t at = (size_t)snprintf(keys, sizeof(keys), "{'");

    for (size_t i = 0; i < 253; i++)
        keys[at++] = 'a';
    snprintf(keys + at, sizeof(keys) - at, "': ''}");
    check(MSG_KEY_PREFIX("label"), gg_cel_gateway_infrastructure_key_prefix_length, keys,
          GG_CEL_FAIL);
    check(MSG_KEY_PREFIX("label"), gg_cel_gateway_infrastructure_key_prefix_length, "{'short': ''}",
          GG_CEL_PASS);
}

/* --- Gateway spec.listeners ------------------------------------------------------------------- */

#define L(name, port, proto) "'name': '" name "', 'port': " #port ", 'protocol': '" proto "'"
#define ROUTES "'allowedRoutes': {'namespaces': {'from': 'Same'}}"
#define TLS_CERT "'tls': {'mode': 'Terminate', 'certificateRefs': [{'name': 'c'}]}"

Test(gateway_listeners, rejects_tls_on_plain_protocols)
{
    check(MSG_TLS_FORBIDDEN, gg_cel_listeners_tls_forbidden,
          "[{" L("a", 80, "HTTP") ", " ROUTES ", " TLS_CERT "}]", GG_CEL_FAIL);
    check(MSG_TLS_FORBIDDEN, gg_cel_listeners_tls_forbidden,
          "[{" L("a", 443, "HTTPS") ", " ROUTES ", " TLS_CERT "}, {" L("b", 80, "HTTP") "}]",
          GG_CEL_PASS);
}

/* Upstream quirk: `tls: {}` on an HTTP listener is defaulted to {mode: Terminate}, so it fails
 * tls-forbidden on the list and certificateRefs-or-options on the tls node. */
Test(gateway_listeners, rejects_empty_tls_on_http_twice)
{
    check(MSG_TLS_FORBIDDEN, gg_cel_listeners_tls_forbidden,
          "[{" L("a", 80, "HTTP") ", 'tls': {'mode': 'Terminate'}}]", GG_CEL_FAIL);
    check_error(MSG_TLS_CERTIFICATES, gg_cel_listener_tls_certificates, "{'mode': 'Terminate'}",
                "no such key: certificateRefs");
}

Test(gateway_listeners, rejects_passthrough_on_https)
{
    check(MSG_HTTPS_TERMINATE, gg_cel_listeners_https_terminate,
          "[{" L("a", 443, "HTTPS") ", 'tls': {'mode': 'Passthrough'}}]", GG_CEL_FAIL);
    check(MSG_HTTPS_TERMINATE, gg_cel_listeners_https_terminate,
          "[{" L("a", 443, "HTTPS") ", " TLS_CERT
                                    "}, {" L("b", 443, "TLS") ", 'tls': {'mode': 'Passthrough'}}]",
          GG_CEL_PASS);
}

/* Upstream quirk: HTTPS without tls is admitted (certificates may come from elsewhere). */
Test(gateway_listeners, accepts_https_without_tls)
{
    check(MSG_HTTPS_TERMINATE, gg_cel_listeners_https_terminate, "[{" L("a", 443, "HTTPS") "}]",
          GG_CEL_PASS);
}

Test(gateway_listeners, errors_on_https_tls_without_defaulted_mode)
{
    check_error(MSG_HTTPS_TERMINATE, gg_cel_listeners_https_terminate,
                "[{" L("a", 443, "HTTPS") ", 'tls': {}}]", "no such key: mode");
}

Test(gateway_listeners, requires_tls_on_tls_listeners)
{
    check(MSG_TLS_MODE_SET, gg_cel_listeners_tls_mode_set, "[{" L("a", 443, "TLS") "}]",
          GG_CEL_FAIL);
    check(MSG_TLS_MODE_SET, gg_cel_listeners_tls_mode_set,
          "[{" L("a", 443, "TLS") ", 'tls': {'mode': ''}}]", GG_CEL_FAIL);
    check(MSG_TLS_MODE_SET, gg_cel_listeners_tls_mode_set,
          "[{" L("a", 443, "TLS") ", 'tls': {'mode': 'Passthrough'}}, {" L("b", 80, "HTTP") "}]",
          GG_CEL_PASS);
}

Test(gateway_listeners, rejects_hostname_on_tcp_and_udp)
{
    check(MSG_HOSTNAME_FORBIDDEN, gg_cel_listeners_hostname_forbidden,
          "[{" L("a", 53, "UDP") ", 'hostname': 'dns.example'}]", GG_CEL_FAIL);
    check(MSG_HOSTNAME_FORBIDDEN, gg_cel_listeners_hostname_forbidden,
          "[{" L("a", 5432, "TCP") ", 'hostname': ''}, {" L("b", 80,
                                                            "HTTP") ", 'hostname': 'a.example'}]",
          GG_CEL_PASS);
}

Test(gateway_listeners, errors_on_a_listener_without_protocol)
{
    check_error(MSG_HOSTNAME_FORBIDDEN, gg_cel_listeners_hostname_forbidden,
                "[{'name': 'a', 'port': 80}]", "no such key: protocol");
}

Test(gateway_listeners, rejects_a_repeated_listener_name)
{
    check(MSG_NAME_UNIQUE, gg_cel_listeners_name_unique,
          "[{" L("a", 80, "HTTP") "}, {" L("a", 81, "HTTP") "}]", GG_CEL_FAIL);
    check(MSG_NAME_UNIQUE, gg_cel_listeners_name_unique,
          "[{" L("a", 80, "HTTP") "}, {" L("b", 80, "HTTP") "}]", GG_CEL_PASS);
}

Test(gateway_listeners, rejects_a_repeated_port_protocol_and_hostname)
{
    check(MSG_PORT_PROTOCOL_HOSTNAME, gg_cel_gateway_listeners_port_protocol_hostname_unique,
          "[{" L("a", 80, "HTTP") ", 'hostname': 'x.example'}, {" L(
              "b", 80, "HTTP") ", 'hostname': 'x.example'}]",
          GG_CEL_FAIL);
    check(MSG_PORT_PROTOCOL_HOSTNAME, gg_cel_gateway_listeners_port_protocol_hostname_unique,
          "[{" L("a", 80, "HTTP") "}, {" L("b", 80, "HTTP") "}]", GG_CEL_FAIL);
    check(MSG_PORT_PROTOCOL_HOSTNAME, gg_cel_gateway_listeners_port_protocol_hostname_unique,
          "[{" L("a", 80, "HTTP") "}, {" L("b", 443, "HTTP") "}, {" L("c", 80, "HTTPS") "}]",
          GG_CEL_PASS);
}

/* An absent hostname is its own value, distinct even from the empty string. */
Test(gateway_listeners, tells_an_absent_hostname_from_any_other)
{
    check(MSG_PORT_PROTOCOL_HOSTNAME, gg_cel_gateway_listeners_port_protocol_hostname_unique,
          "[{" L("a", 80, "HTTP") ", 'hostname': 'x.example'}, {" L("b", 80, "HTTP") "}]",
          GG_CEL_PASS);
    check(MSG_PORT_PROTOCOL_HOSTNAME, gg_cel_gateway_listeners_port_protocol_hostname_unique,
          "[{" L("a", 80, "HTTP") ", 'hostname': ''}, {" L("b", 80, "HTTP") "}]", GG_CEL_PASS);
}

Test(gateway_listeners, errors_on_a_listener_without_port)
{
    check_error(MSG_PORT_PROTOCOL_HOSTNAME, gg_cel_gateway_listeners_port_protocol_hostname_unique,
                "[{'name': 'a', 'protocol': 'HTTP'}]", "no such key: port");
}

/* --- spec.listeners[].tls --------------------------------------------------------------------- */

Test(gateway_listener_tls, accepts_terminate_with_certificates)
{
    check(MSG_TLS_CERTIFICATES, gg_cel_listener_tls_certificates,
          "{'mode': 'Terminate', 'certificateRefs': [{'group': '', 'kind': 'Secret', "
          "'name': 'c'}]}",
          GG_CEL_PASS);
}

Test(gateway_listener_tls, rejects_terminate_with_empty_certificates_and_options)
{
    check(MSG_TLS_CERTIFICATES, gg_cel_listener_tls_certificates,
          "{'mode': 'Terminate', 'certificateRefs': [], 'options': {}}", GG_CEL_FAIL);
}

/* size() of an absent field is a runtime error: the apiserver denies with
 * "no such key: certificateRefs evaluating rule: ..." */
Test(gateway_listener_tls, errors_on_terminate_with_neither_field)
{
    check_error(MSG_TLS_CERTIFICATES, gg_cel_listener_tls_certificates, "{'mode': 'Terminate'}",
                "no such key: certificateRefs");
}

/* error || true is true */
Test(gateway_listener_tls, accepts_options_without_certificate_refs)
{
    check(MSG_TLS_CERTIFICATES, gg_cel_listener_tls_certificates,
          "{'mode': 'Terminate', 'options': {'example.com/cert': 'vault'}}", GG_CEL_PASS);
}

/* false || error is the error, now about options */
Test(gateway_listener_tls, errors_on_empty_certificate_refs_without_options)
{
    check_error(MSG_TLS_CERTIFICATES, gg_cel_listener_tls_certificates,
                "{'mode': 'Terminate', 'certificateRefs': []}", "no such key: options");
}

Test(gateway_listener_tls, accepts_passthrough_without_certificates)
{
    check(MSG_TLS_CERTIFICATES, gg_cel_listener_tls_certificates, "{'mode': 'Passthrough'}",
          GG_CEL_PASS);
}

/* --- spec.tls.frontend.perPort ---------------------------------------------------------------- */

Test(gateway_tls_per_port, rejects_a_repeated_port)
{
    check(MSG_PER_PORT, gg_cel_gateway_tls_per_port_unique,
          "[{'port': 443, 'tls': {}}, {'port': 443, 'tls': {}}]", GG_CEL_FAIL);
    check(MSG_PER_PORT, gg_cel_gateway_tls_per_port_unique,
          "[{'port': 443, 'tls': {}}, {'port': 8443, 'tls': {}}]", GG_CEL_PASS);
}

/* --- ListenerSet spec.listeners --------------------------------------------------------------- */

Test(listenerset_listeners, shares_the_gateway_listener_rules)
{
    check(MSG_NAME_UNIQUE, gg_cel_listeners_name_unique,
          "[{" L("a", 80, "HTTP") "}, {" L("a", 443, "HTTPS") "}]", GG_CEL_FAIL);
    check(MSG_TLS_FORBIDDEN, gg_cel_listeners_tls_forbidden,
          "[{" L("a", 9000, "TCP") ", " TLS_CERT "}]", GG_CEL_FAIL);
    check(MSG_TLS_CERTIFICATES, gg_cel_listener_tls_certificates,
          "{'mode': 'Terminate', 'options': {}, 'certificateRefs': []}", GG_CEL_FAIL);
}

Test(listenerset_listeners, rejects_a_repeated_port_protocol_and_hostname)
{
    check(MSG_PORT_PROTOCOL_HOSTNAME, gg_cel_listenerset_listeners_port_protocol_hostname_unique,
          "[{" L("a", 80, "HTTP") "}, {" L("b", 80, "HTTP") "}]", GG_CEL_FAIL);
    check(MSG_PORT_PROTOCOL_HOSTNAME, gg_cel_listenerset_listeners_port_protocol_hostname_unique,
          "[{" L("a", 80, "HTTP") ", 'hostname': 'a.example'}, {" L(
              "b", 80, "HTTP") ", 'hostname': 'b.example'}]",
          GG_CEL_PASS);
}

/* The ListenerSet text guards with has(port), where the Gateway's errors. */
Test(listenerset_listeners, skips_listeners_without_port)
{
    check(MSG_PORT_PROTOCOL_HOSTNAME, gg_cel_listenerset_listeners_port_protocol_hostname_unique,
          "[{'name': 'a', 'protocol': 'HTTP'}, {'name': 'b', 'protocol': 'HTTP'}]", GG_CEL_PASS);
}

/* --- GatewayClass spec.controllerName --------------------------------------------------------- */

Test(gatewayclass_controller_name, accepts_an_unchanged_controller_name)
{
    check_update(MSG_IMMUTABLE, gg_cel_gatewayclass_controller_name_immutable,
                 "'example.com/gateway'", "'example.com/gateway'", GG_CEL_PASS);
}

Test(gatewayclass_controller_name, rejects_a_changed_controller_name)
{
    check_update(MSG_IMMUTABLE, gg_cel_gatewayclass_controller_name_immutable,
                 "'example.com/gateway'", "'example.com/other'", GG_CEL_FAIL);
}

Test(gatewayclass_controller_name, is_not_checked_on_create)
{
    check_update(MSG_IMMUTABLE, gg_cel_gatewayclass_controller_name_immutable,
                 "'example.com/gateway'", NULL, GG_CEL_PASS);
}
