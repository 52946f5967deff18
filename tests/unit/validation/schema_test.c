/* SPDX-License-Identifier: Apache-2.0 */
/* The structural-schema validator, one constraint kind at a time, on small
 * schemas shaped like the CRDs' own. */
#include <criterion/criterion.h>
#include <string.h>

#include "validation/schema.h"
#include "validation/xalloc.h"

static const char *schema_text =
    "{\"type\":\"object\",\"properties\":{"
    " \"apiVersion\":{\"type\":\"string\"},"
    " \"status\":{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}}},"
    " \"spec\":{\"type\":\"object\",\"required\":[\"name\"],\"maxProperties\":6,\"properties\":{"
    "  \"name\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":5,\"pattern\":\"^[a-z]+$\"},"
    "  \"mode\":{\"type\":\"string\",\"enum\":[\"A\",\"B\"],\"default\":\"A\"},"
    "  \"port\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":65535},"
    "  "
    "\"tags\":{\"type\":\"array\",\"maxItems\":3,\"minItems\":1,\"x-kubernetes-list-type\":\"set\","
    "           \"items\":{\"type\":\"string\"}},"
    "  \"items\":{\"type\":\"array\",\"x-kubernetes-list-type\":\"map\","
    "            \"x-kubernetes-list-map-keys\":[\"name\"],\"items\":{\"type\":\"object\","
    "            \"required\":[\"name\"],\"properties\":{\"name\":{\"type\":\"string\"},"
    "            \"weight\":{\"type\":\"integer\",\"default\":1}}}},"
    "  "
    "\"labels\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\",\"maxLength\":3}"
    "},"
    "  \"addr\":{\"type\":\"object\",\"properties\":{\"type\":{\"type\":\"string\"},"
    "           \"value\":{\"type\":\"string\"}},"
    "           \"oneOf\":[{\"properties\":{\"type\":{\"enum\":[\"IP\"]},\"value\":{\"anyOf\":["
    "                     {\"format\":\"ipv4\"},{\"format\":\"ipv6\"}]}}},"
    "                    {\"properties\":{\"type\":{\"not\":{\"enum\":[\"IP\"]}}}}]}"
    "}}}}";

static struct gg_schema *schema;

static void setup(void)
{
    json_error_t je;
    json_t *j = json_loads(schema_text, 0, &je);
    cr_assert_not_null(j, "%s", je.text);
    char err[256];
    schema = gg_schema_compile(j, err, sizeof(err));
    json_decref(j);
    cr_assert_not_null(schema, "%s", err);
}

static void teardown(void)
{
    gg_schema_free(schema);
}

/* Validates <text> and returns the findings, one rendered line each. */
static char *run(const char *text, json_t **out)
{
    json_error_t je;
    json_t *obj = json_loads(text, 0, &je);
    cr_assert_not_null(obj, "%s", je.text);
    struct gg_errs errs;
    gg_errs_init(&errs);
    gg_schema_validate(schema, obj, NULL, NULL, &errs);
    struct gg_buf b;
    gg_buf_init(&b);
    for (size_t i = 0; i < errs.n; i++) {
        if (errs.items[i].sev == GG_SEV_WARNING)
            gg_buf_adds(&b, "warning: ");
        gg_err_render(&errs.items[i], &b);
        gg_buf_addc(&b, '\n');
    }
    gg_errs_clear(&errs);
    if (out)
        *out = obj;
    else
        json_decref(obj);
    return gg_buf_take(&b);
}

#define SKIPPED_CEL                                                                                \
    "<nil>: Invalid value: \"null\": some validation rules were not checked because the object "   \
    "was invalid; correct the existing errors to complete validation\n"

TestSuite(schema, .init = setup, .fini = teardown);

Test(schema, accepts_a_valid_object_and_applies_defaults)
{
    json_t *obj;
    char *got = run("{\"spec\":{\"name\":\"abc\",\"items\":[{\"name\":\"x\"}]}}", &obj);
    cr_expect_str_eq(got, "");
    json_t *spec = json_object_get(obj, "spec");
    cr_expect_str_eq(json_string_value(json_object_get(spec, "mode")), "A");
    cr_expect_eq(json_integer_value(
                     json_object_get(json_array_get(json_object_get(spec, "items"), 0), "weight")),
                 1);
    free(got);
    json_decref(obj);
}

Test(schema, reports_a_wrong_type_as_the_api_server_does_and_blocks)
{
    char *got = run("{\"spec\":{\"name\":\"abc\",\"port\":\"80\"}}", NULL);
    cr_expect_str_eq(got, "spec.port: Invalid value: \"string\": spec.port in body must be of type "
                          "integer: \"string\"\n" SKIPPED_CEL);
    free(got);
}

Test(schema, reports_a_missing_required_field)
{
    char *got = run("{\"spec\":{}}", NULL);
    cr_expect_str_eq(got, "spec.name: Required value\n" SKIPPED_CEL);
    free(got);
}

Test(schema, reports_an_unsupported_enum_value_with_the_supported_ones)
{
    char *got = run("{\"spec\":{\"name\":\"a\",\"mode\":\"C\"}}", NULL);
    cr_expect_str_eq(
        got, "spec.mode: Unsupported value: \"C\": supported values: \"A\", \"B\"\n" SKIPPED_CEL);
    free(got);
}

Test(schema, pattern_and_min_length_do_not_block)
{
    char *got = run("{\"spec\":{\"name\":\"A1\"}}", NULL);
    cr_expect_str_eq(got, "spec.name: Invalid value: \"A1\": spec.name in body should match "
                          "'^[a-z]+$'\n");
    free(got);
    got = run("{\"spec\":{\"name\":\"\"}}", NULL);
    cr_expect_str_eq(got, "spec.name: Invalid value: \"\": spec.name in body should be at least 1 "
                          "chars long\nspec.name: Invalid value: \"\": spec.name in body should "
                          "match '^[a-z]+$'\n");
    free(got);
}

Test(schema, too_long_blocks_and_hides_the_value)
{
    char *got = run("{\"spec\":{\"name\":\"abcdef\"}}", NULL);
    cr_expect_str_eq(got, "spec.name: Too long: may not be more than 5 bytes\n" SKIPPED_CEL);
    free(got);
}

Test(schema, ranges_report_the_bound)
{
    char *got = run("{\"spec\":{\"name\":\"a\",\"port\":0}}", NULL);
    cr_expect_str_eq(got,
                     "spec.port: Invalid value: 0: spec.port in body should be greater than or "
                     "equal to 1\n");
    free(got);
    got = run("{\"spec\":{\"name\":\"a\",\"port\":70000}}", NULL);
    cr_expect_str_eq(got, "spec.port: Invalid value: 70000: spec.port in body should be less than "
                          "or equal to 65535\n");
    free(got);
}

Test(schema, item_counts_and_set_duplicates)
{
    char *got = run("{\"spec\":{\"name\":\"a\",\"tags\":[\"a\",\"b\",\"c\",\"d\"]}}", NULL);
    cr_expect_str_eq(got, "spec.tags: Too many: 4: must have at most 3 items\n" SKIPPED_CEL);
    free(got);
    got = run("{\"spec\":{\"name\":\"a\",\"tags\":[]}}", NULL);
    cr_expect_str_eq(got, "spec.tags: Invalid value: 0: spec.tags in body should have at least 1 "
                          "items\n");
    free(got);
    got = run("{\"spec\":{\"name\":\"a\",\"tags\":[\"a\",\"b\",\"a\"]}}", NULL);
    cr_expect_str_eq(got, "spec.tags[2]: Duplicate value: \"a\"\n");
    free(got);
}

Test(schema, list_map_duplicates_name_the_keys)
{
    char *got = run("{\"spec\":{\"name\":\"a\",\"items\":[{\"name\":\"x\"},{\"name\":\"y\"},"
                    "{\"name\":\"x\",\"weight\":3}]}}",
                    NULL);
    cr_expect_str_eq(got, "spec.items[2]: Duplicate value: {\"name\":\"x\"}\n");
    free(got);
}

Test(schema, map_values_are_checked_under_their_key)
{
    char *got = run("{\"spec\":{\"name\":\"a\",\"labels\":{\"k\":\"long\"}}}", NULL);
    cr_expect_str_eq(got, "spec.labels[k]: Too long: may not be more than 3 bytes\n" SKIPPED_CEL);
    free(got);
}

Test(schema, max_properties)
{
    char *got =
        run("{\"spec\":{\"name\":\"a\",\"port\":1,\"tags\":[\"a\"],\"labels\":{},\"items\":[],"
            "\"addr\":{\"type\":\"X\"}}}",
            NULL);
    cr_expect_str_eq(got, "spec: Too many: 7: must have at most 6 items\n" SKIPPED_CEL);
    free(got);
}

Test(schema, unknown_fields_are_dropped_with_a_warning)
{
    json_t *obj;
    char *got = run("{\"spec\":{\"name\":\"a\",\"nmae\":\"b\"}}", &obj);
    cr_expect_str_eq(got, "warning: spec.nmae: unknown field \"nmae\": the API server drops it; "
                          "check the spelling and the indentation\n");
    cr_expect_null(json_object_get(json_object_get(obj, "spec"), "nmae"));
    free(got);
    json_decref(obj);
}

Test(schema, nulls_are_pruned_before_defaulting)
{
    json_t *obj;
    char *got = run("{\"spec\":{\"name\":\"a\",\"mode\":null}}", &obj);
    cr_expect_str_eq(got, "");
    cr_expect_str_eq(json_string_value(json_object_get(json_object_get(obj, "spec"), "mode")), "A");
    free(got);
    json_decref(obj);
}

Test(schema, status_is_not_validated)
{
    char *got = run("{\"spec\":{\"name\":\"a\"},\"status\":{\"n\":\"x\"}}", NULL);
    cr_expect_str_eq(got, "");
    free(got);
}

Test(schema, one_of_selects_the_branch_the_value_is_for)
{
    char *got =
        run("{\"spec\":{\"name\":\"a\",\"addr\":{\"type\":\"IP\",\"value\":\"10.0.0.1\"}}}", NULL);
    cr_expect_str_eq(got, "");
    free(got);
    got = run("{\"spec\":{\"name\":\"a\",\"addr\":{\"type\":\"IP\",\"value\":\"::1\"}}}", NULL);
    cr_expect_str_eq(got, "");
    free(got);
    got = run("{\"spec\":{\"name\":\"a\",\"addr\":{\"type\":\"Host\",\"value\":\"x\"}}}", NULL);
    cr_expect_str_eq(got, "");
    free(got);
    got = run("{\"spec\":{\"name\":\"a\",\"addr\":{\"type\":\"IP\",\"value\":\"10.0.0\"}}}", NULL);
    cr_expect_str_eq(
        got, "spec.addr.value: Invalid value: \"10.0.0\": spec.addr.value in body must be "
             "of type ipv4: \"10.0.0\"\n"
             "spec.addr.value: Invalid value: \"10.0.0\": spec.addr.value in body must be "
             "of type ipv6: \"10.0.0\"\n"
             "spec.addr: Invalid value: {\"type\":\"IP\",\"value\":\"10.0.0\"}: spec.addr "
             "must validate one and only one schema (oneOf). Found none valid\n" SKIPPED_CEL);
    free(got);
}

Test(schema, stats_count_what_was_compiled)
{
    struct gg_schema_stats st;
    gg_schema_stats(schema, &st);
    cr_expect_gt(st.nodes, 15);
    cr_expect_eq(st.defaults, 2);
    cr_expect_eq(st.cel_rules, 0);
}

Test(schema_compile, refuses_a_pattern_that_does_not_compile)
{
    json_t *j = json_loads("{\"type\":\"string\",\"pattern\":\"(\"}", 0, NULL);
    char err[256];
    struct gg_schema *s = gg_schema_compile(j, err, sizeof(err));
    cr_expect_null(s);
    cr_expect(strstr(err, "does not compile") != NULL, "%s", err);
    json_decref(j);
}
