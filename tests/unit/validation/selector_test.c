/* SPDX-License-Identifier: Apache-2.0 */
/* Label selectors as allowedRoutes and allowedListeners evaluate them. */
#include <criterion/criterion.h>

#include "validation/selector.h"
#include "validation/xalloc.h"

static const struct gg_label labels[] = {{"team", "web"}, {"env", "prod"}};

Test(selector, match_labels_need_every_pair)
{
    struct gg_label want[] = {{"team", "web"}, {"env", "prod"}};
    struct gg_selector s = {want, NULL, 2, 0, true};
    cr_expect(gg_selector_matches(&s, "apps", labels, 2));
    want[1].value = "dev";
    cr_expect_not(gg_selector_matches(&s, "apps", labels, 2));
}

Test(selector, expressions_follow_the_four_operators)
{
    const char *prod[] = {"prod"};
    struct gg_selector_req in = {"env", prod, 1, GG_SELECTOR_IN};
    struct gg_selector_req notin = {"env", prod, 1, GG_SELECTOR_NOT_IN};
    struct gg_selector_req exists = {"team", NULL, 0, GG_SELECTOR_EXISTS};
    struct gg_selector_req absent = {"legacy", NULL, 0, GG_SELECTOR_DOES_NOT_EXIST};
    struct gg_selector_req bad = {"env", prod, 1, GG_SELECTOR_INVALID};
    struct gg_selector s = {NULL, &in, 0, 1, true};
    cr_expect(gg_selector_matches(&s, "apps", labels, 2));
    s.exprs = &notin;
    cr_expect_not(gg_selector_matches(&s, "apps", labels, 2));
    cr_expect(gg_selector_matches(&s, "apps", NULL, 0), "NotIn matches a missing label");
    s.exprs = &exists;
    cr_expect(gg_selector_matches(&s, "apps", labels, 2));
    s.exprs = &absent;
    cr_expect(gg_selector_matches(&s, "apps", labels, 2));
    s.exprs = &bad;
    cr_expect_not(gg_selector_matches(&s, "apps", labels, 2));
}

Test(selector, empty_selects_everything_and_unset_nothing)
{
    struct gg_selector empty = {NULL, NULL, 0, 0, true};
    struct gg_selector unset = {NULL, NULL, 0, 0, false};
    cr_expect(gg_selector_matches(&empty, "apps", NULL, 0));
    cr_expect_not(gg_selector_matches(&unset, "apps", labels, 2));
}

Test(selector, knows_the_implicit_namespace_name_label)
{
    struct gg_label want[] = {{GG_NS_NAME_LABEL, "apps"}};
    struct gg_selector s = {want, NULL, 1, 0, true};
    cr_expect(gg_selector_matches(&s, "apps", NULL, 0));
    cr_expect_not(gg_selector_matches(&s, "other", NULL, 0));
    cr_expect_not(gg_selector_needs_labels(&s));
    struct gg_label team[] = {{"team", "web"}};
    struct gg_selector t = {team, NULL, 1, 0, true};
    cr_expect(gg_selector_needs_labels(&t));
}

Test(selector, renders_like_kubectl)
{
    const char *vals[] = {"a", "b"};
    struct gg_label want[] = {{"team", "web"}};
    struct gg_selector_req reqs[] = {{"env", vals, 2, GG_SELECTOR_IN},
                                     {"legacy", NULL, 0, GG_SELECTOR_DOES_NOT_EXIST}};
    struct gg_selector s = {want, reqs, 1, 2, true};
    struct gg_buf b;
    gg_buf_init(&b);
    gg_selector_render(&s, &b);
    cr_expect_str_eq(b.data, "team=web,env in (a,b),!legacy");
    gg_buf_clear(&b);
}
