/* SPDX-License-Identifier: Apache-2.0 */
/* The per-review jansson arena: what is made inside is released at the end,
 * what was made outside survives and can still be freed inside. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "validation/xalloc.h"
#include "webhook/json_arena.h"

Test(json_arena, objects_made_before_survive_and_can_be_freed_inside)
{
    gg_json_arena_install();
    json_t *outside = json_pack("{s:s}", "kept", "value");
    gg_json_arena_begin();
    json_t *inside = json_pack("{s:[i,i,i]}", "n", 1, 2, 3);
    cr_assert_eq(json_integer_value(json_array_get(json_object_get(inside, "n"), 2)), 3);
    json_decref(inside);
    gg_json_arena_end();
    cr_assert_str_eq(json_string_value(json_object_get(outside, "kept")), "value");
    gg_json_arena_begin();
    json_decref(outside); /* made outside, freed inside: a real free, no crash */
    gg_json_arena_end();
}

Test(json_arena, a_review_larger_than_a_chunk_and_many_reviews_in_a_row)
{
    gg_json_arena_install();
    for (int r = 0; r < 50; r++) {
        gg_json_arena_begin();
        json_t *arr = json_array();
        for (int i = 0; i < 5000; i++)
            json_array_append_new(arr, json_pack("{s:i, s:s}", "i", i, "s", "some text"));
        char *text = json_dumps(arr, JSON_COMPACT);
        cr_assert_not_null(text);
        cr_assert(strstr(text, "\"i\":4999") != NULL);
        gg_json_free(text);
        json_decref(arr);
        gg_json_arena_end();
    }
}

Test(json_arena, strings_jansson_returns_outside_an_arena_are_plain_allocations)
{
    gg_json_arena_install();
    json_t *v = json_pack("[s]", "x");
    char *text = json_dumps(v, JSON_COMPACT);
    cr_assert_str_eq(text, "[\"x\"]");
    gg_json_free(text);
    json_decref(v);
}
