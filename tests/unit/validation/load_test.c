/* SPDX-License-Identifier: Apache-2.0 */
/* YAML and JSON decoding: documents, lines, scalar resolution, limits. */
#include <criterion/criterion.h>
#include <string.h>

#include "validation/linemap.h"
#include "validation/load.h"

static int load(struct gg_docs *d, const char *text, char *err, size_t errlen)
{
    gg_docs_init(d);
    return gg_load_buffer(d, "t.yaml", text, strlen(text), err, errlen);
}

Test(load, splits_documents_and_keeps_their_lines)
{
    struct gg_docs d;
    char err[256];
    cr_assert_eq(load(&d, "a: 1\n---\n---\nb: 2\n\n---\n# c\nc: 3\n", err, sizeof(err)), 0, "%s",
                 err);
    cr_assert_eq(d.n, 3);
    cr_expect_eq(d.items[0].line, 1);
    cr_expect_eq(d.items[1].line, 4);
    cr_expect_eq(d.items[2].line, 8);
    cr_expect_str_eq(d.items[0].file, "t.yaml");
    gg_docs_clear(&d);
}

Test(load, records_the_line_of_every_node)
{
    struct gg_docs d;
    char err[256];
    cr_assert_eq(load(&d, "spec:\n  rules:\n  - name: a\n    port: 80\n", err, sizeof(err)), 0);
    json_t *rule =
        json_array_get(json_object_get(json_object_get(d.items[0].obj, "spec"), "rules"), 0);
    cr_expect_eq(gg_linemap_find(d.lines, rule), 3);
    cr_expect_eq(gg_linemap_find(d.lines, json_object_get(rule, "port")), 4);
    gg_docs_clear(&d);
}

Test(load, resolves_scalars_as_kubectl_does)
{
    struct gg_docs d;
    char err[256];
    cr_assert_eq(load(&d,
                      "i: 80\nq: \"80\"\nb: true\ny: yes\nn: null\nt: ~\nf: 1.5\nh: 0x1F\n"
                      "o: 0755\ns: 1.2.3\nstr: !!str 12\ne:\n",
                      err, sizeof(err)),
                 0, "%s", err);
    json_t *o = d.items[0].obj;
    cr_expect(json_is_integer(json_object_get(o, "i")));
    cr_expect_eq(json_integer_value(json_object_get(o, "i")), 80);
    cr_expect(json_is_string(json_object_get(o, "q")));
    cr_expect(json_is_true(json_object_get(o, "b")));
    cr_expect(json_is_true(json_object_get(o, "y")));
    cr_expect(json_is_null(json_object_get(o, "n")));
    cr_expect(json_is_null(json_object_get(o, "t")));
    cr_expect(json_is_real(json_object_get(o, "f")));
    cr_expect_eq(json_integer_value(json_object_get(o, "h")), 31);
    cr_expect_eq(json_integer_value(json_object_get(o, "o")), 493);
    cr_expect_str_eq(json_string_value(json_object_get(o, "s")), "1.2.3");
    cr_expect_str_eq(json_string_value(json_object_get(o, "str")), "12");
    cr_expect(json_is_null(json_object_get(o, "e")));
    gg_docs_clear(&d);
}

Test(load, reads_json_with_lines)
{
    struct gg_docs d;
    char err[256];
    cr_assert_eq(
        load(&d, "{\n  \"kind\": \"Gateway\",\n  \"spec\": {\"x\": [1, 2]}\n}\n", err, sizeof(err)),
        0, "%s", err);
    cr_assert_eq(d.n, 1);
    cr_expect_str_eq(json_string_value(json_object_get(d.items[0].obj, "kind")), "Gateway");
    cr_expect_eq(gg_linemap_find(d.lines, json_object_get(d.items[0].obj, "spec")), 3);
    gg_docs_clear(&d);
}

Test(load, expands_aliases_and_merge_keys)
{
    struct gg_docs d;
    char err[256];
    cr_assert_eq(
        load(&d, "base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\ncopy: *b\n", err, sizeof(err)),
        0, "%s", err);
    json_t *o = d.items[0].obj;
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(o, "other"), "x")), 1);
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(o, "other"), "y")), 3);
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(o, "copy"), "y")), 2);
    gg_docs_clear(&d);
}

Test(load, expands_list_kinds_into_items)
{
    struct gg_docs d;
    char err[256];
    cr_assert_eq(load(&d, "kind: List\nitems:\n- kind: A\n- kind: B\n", err, sizeof(err)), 0);
    cr_assert_eq(d.n, 2);
    cr_expect_eq(d.items[1].line, 4);
    gg_docs_clear(&d);
}

Test(load, refuses_documents_that_are_not_objects)
{
    struct gg_docs d;
    char err[256];
    cr_assert_eq(load(&d, "a: 1\n---\n- x\n", err, sizeof(err)), -1);
    cr_expect_str_eq(err, "t.yaml:3:1: document is a sequence, not an object");
    cr_expect_eq(d.n, 1, "the document before the bad one is kept");
    gg_docs_clear(&d);
}

Test(load, refuses_duplicate_keys_with_their_place)
{
    struct gg_docs d;
    char err[256];
    cr_assert_eq(load(&d, "a: 1\nb: 2\na: 3\n", err, sizeof(err)), -1);
    cr_expect_str_eq(err, "t.yaml:3:1: duplicate key \"a\"");
    gg_docs_clear(&d);
}

Test(load, reports_syntax_errors_with_line_and_column)
{
    struct gg_docs d;
    char err[256];
    cr_assert_eq(load(&d, "a:\n  b: [1, 2\n", err, sizeof(err)), -1);
    cr_expect(strncmp(err, "t.yaml:", 7) == 0, "%s", err);
    cr_expect(strstr(err, "invalid YAML") != NULL, "%s", err);
    gg_docs_clear(&d);
}

Test(load, refuses_non_string_keys)
{
    struct gg_docs d;
    char err[256];
    cr_assert_eq(load(&d, "? [a]\n: 1\n", err, sizeof(err)), -1);
    cr_expect(strstr(err, "mapping key must be a string") != NULL, "%s", err);
    gg_docs_clear(&d);
}

Test(load, refuses_unknown_aliases)
{
    struct gg_docs d;
    char err[256];
    cr_assert_eq(load(&d, "a: *nope\n", err, sizeof(err)), -1);
    cr_expect(strstr(err, "nope") != NULL, "%s", err);
    gg_docs_clear(&d);
}

Test(load, missing_files_name_the_path)
{
    struct gg_docs d;
    gg_docs_init(&d);
    char err[256];
    cr_assert_eq(gg_load_path(&d, "/nonexistent/x.yaml", err, sizeof(err)), -1);
    cr_expect_str_eq(err, "/nonexistent/x.yaml: No such file or directory");
    gg_docs_clear(&d);
}
