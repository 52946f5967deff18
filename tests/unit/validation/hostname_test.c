/* SPDX-License-Identifier: Apache-2.0 */
/* Hostname intersection and coverage, as the Gateway API defines them. */
#include <criterion/criterion.h>
#include <string.h>

#include "validation/hostname.h"

Test(hostname_intersection, follows_the_listener_and_route_table)
{
    static const struct {
        const char *a, *b;
        bool want;
    } cases[] = {
        {"foo.example.com", "*.example.com", true},
        {"*.example.com", "*.foo.example.com", true},
        {"*.foo.example.com", "*.example.com", true},
        {"example.com", "*.example.com", false},
        {"fooexample.com", "*.example.com", false},
        {"a.b.example.com", "*.example.com", true},
        {"a.example.com", "a.example.com", true},
        {"a.example.com", "b.example.com", false},
        {"*.example.com", "*.example.org", false},
        {"*.com", "*.example.com", true},
        {NULL, "x.example.com", true},
        {"x.example.com", NULL, true},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cr_expect_eq(gg_hostname_intersects(cases[i].a, cases[i].b), cases[i].want, "%s vs %s",
                     cases[i].a ? cases[i].a : "(none)", cases[i].b ? cases[i].b : "(none)");
        cr_expect_eq(gg_hostname_intersects(cases[i].b, cases[i].a), cases[i].want,
                     "symmetric for %s", cases[i].a ? cases[i].a : "(none)");
    }
}

Test(hostname_coverage, wildcards_cover_names_and_narrower_wildcards)
{
    cr_expect(gg_hostname_covers("*.example.com", "a.example.com"));
    cr_expect(gg_hostname_covers("*.example.com", "*.a.example.com"));
    cr_expect(gg_hostname_covers("*.example.com", "*.example.com"));
    cr_expect_not(gg_hostname_covers("*.a.example.com", "*.example.com"));
    cr_expect_not(gg_hostname_covers("a.example.com", "*.example.com"));
    cr_expect_not(gg_hostname_covers("*.example.com", "example.com"));
    cr_expect_str_eq(gg_hostname_narrower("*.example.com", "a.example.com"), "a.example.com");
    cr_expect_str_eq(gg_hostname_narrower(NULL, "a.example.com"), "a.example.com");
}

Test(hostname_validity, accepts_the_crd_pattern_only)
{
    static const char *good[] = {"a", "example.com", "*.example.com", "a-b.c0", "192.168.1.1"};
    static const char *bad[] = {"",     "*",    "*.",   "Example.com", "a..b",
                                "-a.b", "a-.b", "a.b.", "foo.*.com",   "a_b.com"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        cr_expect(gg_hostname_is_valid(good[i], strlen(good[i])), "%s", good[i]);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_expect_not(gg_hostname_is_valid(bad[i], strlen(bad[i])), "%s", bad[i]);
}
