/* SPDX-License-Identifier: Apache-2.0 */
/* Test helper: objects written as YAML in the test itself, through the real
 * loader, so tests read like the manifests they stand for. */
#ifndef GG_TEST_YAML_HELPER_H
#define GG_TEST_YAML_HELPER_H

#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "validation/load.h"

/* The <i>th document of <text>, owned by the caller (json_decref). */
static inline json_t *test_yaml_doc(const char *text, size_t i)
{
    struct gg_docs d;
    char err[512];
    gg_docs_init(&d);
    int rc = gg_load_buffer(&d, "t.yaml", text, strlen(text), err, sizeof(err));
    cr_assert_eq(rc, 0, "fixture does not load: %s", err);
    cr_assert_lt(i, d.n, "fixture has %zu documents", d.n);
    json_t *o = json_incref(d.items[i].obj);
    gg_docs_clear(&d);
    return o;
}

static inline json_t *test_yaml(const char *text)
{
    return test_yaml_doc(text, 0);
}

#endif
