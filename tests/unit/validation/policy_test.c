/* SPDX-License-Identifier: Apache-2.0 */
/* The ownership policy: parsing (and refusing with file:line), the answers
 * it gives, and reloading that keeps the old policy when the new one is bad. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "validation/policy.h"
#include "validation/xalloc.h"

static struct gg_policy *parse(const char *text, char *err, size_t errlen)
{
    return gg_policy_parse("policy.yaml", text, strlen(text), err, errlen);
}

static const char *full = "apiVersion: gateguard.dev/v1alpha1\n"
                          "kind: OwnershipPolicy\n"
                          "hostnames:\n"
                          "- pattern: \"*.example.com\"\n"
                          "  namespaces: [edge]\n"
                          "- pattern: \"*.shop.example.com\"\n"
                          "  namespaceSelector:\n"
                          "    matchExpressions:\n"
                          "    - {key: team, operator: In, values: [shop]}\n"
                          "- pattern: api.example.com/orders\n"
                          "  namespaces: [orders]\n"
                          "- pattern: api.example.com\n"
                          "  namespaces: [api]\n"
                          "attachments:\n"
                          "- namespaces: [apps]\n"
                          "  gateways: [infra/public, infra/internal/https, edge/*]\n"
                          "requireHostnames: sharedGateways\n"
                          "firstComeOwnership: false\n"
                          "disclose: namespaces\n"
                          "exemptNamespaces: [monitoring]\n"
                          "checks:\n"
                          "  rule-conflict: warn\n"
                          "  listener-tls: off\n";

Test(policy_parse, reads_every_section)
{
    char err[256];
    struct gg_policy *p = parse(full, err, sizeof(err));
    cr_assert_not_null(p, "%s", err);
    cr_expect_eq(gg_policy_level(p, GG_CHECK_RULE_CONFLICT), GG_LEVEL_WARN);
    cr_expect_eq(gg_policy_level(p, GG_CHECK_LISTENER_TLS), GG_LEVEL_OFF, "a bare off is false");
    cr_expect_eq(gg_policy_level(p, GG_CHECK_REFERENCE_GRANT), GG_LEVEL_DENY);
    cr_expect_eq(gg_policy_level(p, GG_CHECK_REFERENT_EXISTS), GG_LEVEL_WARN);
    cr_expect_eq(gg_policy_require_hostnames(p), GG_REQUIRE_HOSTNAMES_SHARED);
    cr_expect_not(gg_policy_first_come(p));
    cr_expect_eq(gg_policy_disclose(p), GG_DISCLOSE_NAMESPACES);
    cr_expect(gg_policy_is_exempt(p, "monitoring"));
    cr_expect_not(gg_policy_is_exempt(p, "apps"));
    gg_policy_unref(p);
}

Test(policy_parse, an_empty_file_is_the_default_policy)
{
    char err[256];
    struct gg_policy *p = parse("", err, sizeof(err));
    cr_assert_not_null(p, "%s", err);
    for (int i = 0; i < GG_CHECK_COUNT; i++)
        cr_expect_eq(gg_policy_level(p, (enum gg_check_id)i),
                     gg_policy_level(NULL, (enum gg_check_id)i));
    cr_expect(gg_policy_first_come(p));
    cr_expect_eq(gg_policy_disclose(NULL), GG_DISCLOSE_NONE);
    gg_policy_unref(p);
}

Test(policy_parse, refuses_mistakes_with_file_and_line)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"hostnames:\n- pattern: \"API.example.com\"\n  namespaces: [a]\n",
         "policy.yaml:2: hostnames[0].pattern: \"API.example.com\" is not a valid hostname"},
        {"hostnames:\n- pattern: \"*\"\n  namespaces: [a]\n",
         "policy.yaml:2: hostnames[0].pattern: \"*\" is not a valid hostname"},
        {"hostnames:\n- pattern: a.example.com//x\n  namespaces: [a]\n",
         "policy.yaml:2: hostnames[0].pattern: \"a.example.com//x\" has an invalid path prefix"},
        {"hostnames:\n- pattern: a.example.com\n", "policy.yaml:2: hostnames[0]: needs namespaces"},
        {"hostnames:\n- pattern: a.example.com\n  namespaces: [Apps]\n",
         "policy.yaml:3: hostnames[0].namespaces[0]: not a namespace name"},
        {"hostname:\n- pattern: a.example.com\n",
         "policy.yaml:2: policy: unknown field \"hostname\""},
        {"checks:\n  rule-conflicts: warn\n", "policy.yaml:2: checks: unknown check"},
        {"checks:\n  rule-conflict: maybe\n",
         "policy.yaml:2: checks.rule-conflict: must be deny, warn or off"},
        {"disclose: all\n", "policy.yaml:1: disclose: must be one of none, namespaces, objects"},
        {"attachments:\n- namespaces: [a]\n  gateways: [public]\n",
         "policy.yaml:3: attachments[0].gateways[0]: \"public\" must be"},
        {"hostnames:\n- pattern: a.example.com\n  namespaceSelector:\n    matchExpressions:\n"
         "    - {key: team, operator: Has}\n",
         "policy.yaml:5: hostnames[0].namespaceSelector.matchExpressions[0].operator: must be In"},
        {"kind: Policy\n", "policy.yaml:1: kind: must be OwnershipPolicy"},
        {"a: 1\n---\nb: 2\n", "policy.yaml:3: a policy is one YAML document; found 2"},
        {"- a\n", "policy.yaml:1:1: document is a sequence"},
        {"hostnames: [\n", "policy.yaml:"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char err[512] = "";
        struct gg_policy *p = parse(cases[i].text, err, sizeof(err));
        cr_expect_null(p, "accepted:\n%s", cases[i].text);
        cr_expect_eq(strncmp(err, cases[i].want, strlen(cases[i].want)), 0,
                     "got \"%s\", want \"%s...\"", err, cases[i].want);
        gg_policy_unref(p);
    }
}

Test(policy_owner, the_most_specific_pattern_decides)
{
    char err[256];
    struct gg_policy *p = parse(full, err, sizeof(err));
    cr_assert_not_null(p, "%s", err);
    struct gg_label shop_labels[] = {{"team", "shop"}};
    struct gg_policy_ns edge = {"edge", NULL, 0}, shop = {"shopfront", shop_labels, 1};
    struct gg_policy_ns orders = {"orders", NULL, 0}, api = {"api", NULL, 0};

    struct gg_owner_result r = gg_policy_owner(p, "www.example.com", "/", &edge);
    cr_expect_eq(r.verdict, GG_OWNER_ALLOWED);
    r = gg_policy_owner(p, "cart.shop.example.com", "/", &edge);
    cr_expect_eq(r.verdict, GG_OWNER_DENIED, "the narrower wildcard decides");
    cr_expect_str_eq(r.pattern, "*.shop.example.com");
    cr_expect_eq(gg_policy_owner(p, "cart.shop.example.com", "/", &shop).verdict, GG_OWNER_ALLOWED,
                 "owners by label");
    cr_expect_eq(gg_policy_owner(p, "api.example.com", "/", &api).verdict, GG_OWNER_ALLOWED,
                 "an exact pattern beats a wildcard");
    r = gg_policy_owner(p, "api.example.com", "/orders/1", &api);
    cr_expect_eq(r.verdict, GG_OWNER_DENIED, "a path prefix beats the bare hostname");
    cr_expect(r.has_path);
    cr_expect_eq(gg_policy_owner(p, "api.example.com", "/orders", &orders).verdict,
                 GG_OWNER_ALLOWED);
    cr_expect_eq(gg_policy_owner(p, "api.example.com", "/ordersx", &api).verdict, GG_OWNER_ALLOWED,
                 "a prefix ends at a segment");
    cr_expect_eq(gg_policy_owner(p, "www.example.org", "/", &api).verdict, GG_OWNER_UNGOVERNED);
    cr_expect(gg_policy_names_hostname(p, "*.com"));
    cr_expect_not(gg_policy_names_hostname(p, "example.org"));
    gg_policy_unref(p);
}

Test(policy_owner, a_wildcard_no_pattern_covers_may_not_reach_over_owned_names)
{
    char err[256];
    struct gg_policy *p =
        parse("hostnames:\n- pattern: api.example.com\n  namespaces: [api]\n", err, sizeof(err));
    cr_assert_not_null(p, "%s", err);
    struct gg_policy_ns web = {"web", NULL, 0}, api = {"api", NULL, 0};
    cr_expect_str_eq(gg_policy_owned_below(p, "*.example.com", &web), "api.example.com");
    cr_expect_null(gg_policy_owned_below(p, "*.example.com", &api));
    cr_expect_null(gg_policy_owned_below(p, "*.other.com", &web));
    gg_policy_unref(p);
}

Test(policy_attach, limits_listed_namespaces_to_their_gateways)
{
    char err[256];
    struct gg_policy *p = parse(full, err, sizeof(err));
    cr_assert_not_null(p, "%s", err);
    struct gg_policy_ns apps = {"apps", NULL, 0}, other = {"other", NULL, 0};
    cr_expect_eq(gg_policy_attach(p, &apps, "infra", "public", NULL, NULL), GG_ATTACH_ALLOWED);
    cr_expect_eq(gg_policy_attach(p, &apps, "infra", "internal", "https", NULL), GG_ATTACH_ALLOWED);
    cr_expect_eq(gg_policy_attach(p, &apps, "edge", "anything", NULL, NULL), GG_ATTACH_ALLOWED);
    cr_expect_eq(gg_policy_attach(p, &other, "infra", "secret", NULL, NULL), GG_ATTACH_FREE);
    struct gg_buf b;
    gg_buf_init(&b);
    cr_expect_eq(gg_policy_attach(p, &apps, "infra", "internal", NULL, &b), GG_ATTACH_DENIED,
                 "a listener-scoped entry needs sectionName");
    cr_expect_str_eq(b.data, "\"infra/public\", \"infra/internal/https\", \"edge/*\"");
    gg_buf_clear(&b);
    gg_policy_unref(p);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

Test(policy_slot, a_failed_reload_keeps_the_policy_in_force)
{
    char path[] = "/tmp/gg-policy-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    write_file(path, "checks:\n  rule-conflict: warn\n");
    char err[512];
    struct gg_policy_slot slot;
    gg_policy_slot_init(&slot, NULL);
    cr_assert_eq(gg_policy_slot_reload(&slot, path, err, sizeof(err)), 0, "%s", err);
    struct gg_policy *held = gg_policy_slot_get(&slot);
    cr_expect_eq(gg_policy_level(held, GG_CHECK_RULE_CONFLICT), GG_LEVEL_WARN);

    write_file(path, "checks:\n  rule-conflict: sometimes\n");
    cr_expect_eq(gg_policy_slot_reload(&slot, path, err, sizeof(err)), -1);
    cr_expect_not_null(strstr(err, ":2: checks.rule-conflict"), "%s", err);
    struct gg_policy *now = gg_policy_slot_get(&slot);
    cr_expect_eq(now, held, "the old policy stays in force");
    gg_policy_unref(now);

    write_file(path, "checks:\n  rule-conflict: deny\n");
    cr_expect_eq(gg_policy_slot_reload(&slot, path, err, sizeof(err)), 0, "%s", err);
    now = gg_policy_slot_get(&slot);
    cr_expect_eq(gg_policy_level(now, GG_CHECK_RULE_CONFLICT), GG_LEVEL_DENY);
    cr_expect_eq(gg_policy_level(held, GG_CHECK_RULE_CONFLICT), GG_LEVEL_WARN,
                 "a reader keeps the policy it holds until it lets go");
    gg_policy_unref(now);
    gg_policy_unref(held);
    gg_policy_slot_clear(&slot);
    unlink(path);
}

Test(policy_load, refuses_a_missing_file)
{
    char err[512];
    cr_expect_null(gg_policy_load("/nonexistent/policy.yaml", err, sizeof(err)));
    cr_expect_not_null(strstr(err, "/nonexistent/policy.yaml"), "%s", err);
}
