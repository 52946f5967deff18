/* SPDX-License-Identifier: Apache-2.0 */
/* The finding list renders as apimachinery's field.Error does. */
#include <criterion/criterion.h>
#include <string.h>

#include "validation/errs.h"
#include "validation/xalloc.h"

static char *line_of(const struct gg_err *e)
{
    struct gg_buf b;
    gg_buf_init(&b);
    gg_err_render(e, &b);
    return gg_buf_take(&b);
}

Test(errs, renders_invalid_with_quoted_value_and_detail)
{
    struct gg_errs errs;
    gg_errs_init(&errs);
    struct gg_path root = GG_PATH_ROOT_INIT;
    struct gg_path spec = gg_path_child(&root, "spec");
    struct gg_path h = gg_path_child(&spec, "hostnames");
    struct gg_path h1 = gg_path_index(&h, 1);
    gg_errs_add_str(&errs, GG_ERR_INVALID, &h1, NULL, "Foo\"\n", "bad");
    char *s = line_of(&errs.items[0]);
    cr_assert_str_eq(s, "spec.hostnames[1]: Invalid value: \"Foo\\\"\\n\": bad");
    free(s);
    gg_errs_clear(&errs);
}

Test(errs, omits_value_for_required_forbidden_too_long_and_internal)
{
    struct gg_errs errs;
    gg_errs_init(&errs);
    struct gg_path root = GG_PATH_ROOT_INIT;
    struct gg_path n = gg_path_child(&root, "name");
    enum gg_err_type types[] = {GG_ERR_REQUIRED, GG_ERR_FORBIDDEN, GG_ERR_TOO_LONG,
                                GG_ERR_INTERNAL};
    const char *want[] = {"name: Required value", "name: Forbidden: no", "name: Too long: no",
                          "name: Internal error: no"};
    for (size_t i = 0; i < 4; i++)
        gg_errs_add_str(&errs, types[i], &n, NULL, "v", i ? "no" : NULL);
    for (size_t i = 0; i < 4; i++) {
        char *s = line_of(&errs.items[i]);
        cr_expect_str_eq(s, want[i]);
        free(s);
    }
    gg_errs_clear(&errs);
}

Test(errs, renders_json_values_as_kubernetes_prints_them)
{
    json_t *v = json_pack("{s:s}", "name", "x");
    char *obj = gg_errs_render_json(v);
    cr_expect_str_eq(obj, "{\"name\":\"x\"}");
    json_t *i = json_integer(70000);
    char *num = gg_errs_render_json(i);
    cr_expect_str_eq(num, "70000");
    free(obj);
    free(num);
    json_decref(v);
    json_decref(i);
}

Test(errs, invalid_utf8_is_escaped_like_go)
{
    char *s = gg_errs_render_str("a\xff"
                                 "b\xc3\xa9");
    cr_assert_str_eq(s, "\"a\\xffbé\"");
    free(s);
}

Test(errs, stops_at_the_limit_and_counts_the_rest)
{
    struct gg_errs errs;
    gg_errs_init(&errs);
    errs.limit = 3;
    struct gg_path root = GG_PATH_ROOT_INIT;
    for (int i = 0; i < 10; i++)
        gg_errs_add(&errs, GG_ERR_REQUIRED, &root, NULL, NULL);
    cr_assert_eq(errs.n, 3);
    cr_assert_eq(errs.dropped, 7);
    cr_assert_eq(errs.n_errors, 10);
    gg_errs_clear(&errs);
}

Test(errs, warnings_render_as_free_text_and_are_not_errors)
{
    struct gg_errs errs;
    gg_errs_init(&errs);
    struct gg_path root = GG_PATH_ROOT_INIT;
    struct gg_path f = gg_path_child(&root, "spec");
    gg_errs_warn(&errs, &f, NULL, "careful with %s", "this");
    char *s = line_of(&errs.items[0]);
    cr_assert_str_eq(s, "spec: careful with this");
    cr_assert_eq(errs.n_errors, 0);
    cr_assert_eq(gg_errs_count(&errs, GG_SEV_WARNING), 1);
    free(s);
    gg_errs_clear(&errs);
}

Test(errs, line_rendering_names_file_object_and_namespace)
{
    struct gg_errs errs;
    gg_errs_init(&errs);
    errs.subject = (struct gg_subject){"HTTPRoute", "apps", "r", "a.yaml", 7, NULL};
    struct gg_path root = GG_PATH_ROOT_INIT;
    struct gg_path f = gg_path_child(&root, "spec");
    gg_errs_add(&errs, GG_ERR_REQUIRED, &f, NULL, NULL);
    struct gg_buf b;
    gg_buf_init(&b);
    gg_err_render_line(&errs.items[0], &b);
    cr_assert_str_eq(b.data, "a.yaml:7: HTTPRoute apps/r: spec: Required value");
    gg_buf_clear(&b);
    gg_errs_clear(&errs);
}

Test(path, renders_fields_indexes_keys_and_the_empty_path)
{
    struct gg_path root = GG_PATH_ROOT_INIT;
    char *s = gg_path_dup(&root);
    cr_expect_str_eq(s, "<nil>");
    free(s);
    struct gg_path a = gg_path_child(&root, "spec");
    struct gg_path b = gg_path_child(&a, "rules");
    struct gg_path c = gg_path_index(&b, 3);
    struct gg_path d = gg_path_child(&c, "labels");
    struct gg_path e = gg_path_key(&d, "app.kubernetes.io/name");
    s = gg_path_dup(&e);
    cr_expect_str_eq(s, "spec.rules[3].labels[app.kubernetes.io/name]");
    free(s);
}
