/* SPDX-License-Identifier: Apache-2.0 */
/* The core objects the store keeps get the API server's metadata checks and
 * nothing more; other core objects produce nothing. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "validation/errs.h"
#include "validation/validate.h"
#include "yaml_helper.h"

static size_t core_errors(const char *text, const char **field)
{
    json_t *j = test_yaml(text);
    struct gg_errs e;
    gg_errs_init(&e);
    gg_validate_core_object(j, &e);
    size_t n = e.n_errors;
    static char first[128];
    snprintf(first, sizeof(first), "%s", e.n ? e.items[0].field : "");
    *field = first;
    gg_errs_clear(&e);
    json_decref(j);
    return n;
}

Test(validate_core, checks_endpointslice_metadata_like_service_metadata)
{
    const char *field;
    cr_expect_eq(core_errors("apiVersion: discovery.k8s.io/v1\n"
                             "kind: EndpointSlice\n"
                             "metadata:\n"
                             "  name: web-x1\n"
                             "  labels: {kubernetes.io/service-name: web}\n"
                             "addressType: IPv4\n",
                             &field),
                 0);
    cr_expect_eq(core_errors("apiVersion: discovery.k8s.io/v1\n"
                             "kind: EndpointSlice\n"
                             "metadata: {name: Web_X1}\n",
                             &field),
                 1);
    cr_expect_str_eq(field, "metadata.name");
    cr_expect_eq(core_errors("apiVersion: discovery.k8s.io/v1\n"
                             "kind: EndpointSlice\n"
                             "metadata:\n"
                             "  name: web\n"
                             "  labels: {kubernetes.io/service-name: 5}\n",
                             &field),
                 1);
    cr_expect_str_eq(field, "metadata.labels[kubernetes.io/service-name]");
    cr_expect_eq(core_errors("apiVersion: v1\nkind: Service\nmetadata: {name: Bad_Name}\n", &field),
                 1);
    /* versions the store does not keep are someone else's business */
    cr_expect_eq(core_errors("apiVersion: discovery.k8s.io/v1beta1\n"
                             "kind: EndpointSlice\n"
                             "metadata: {name: Web_X1}\n",
                             &field),
                 0);
    cr_expect_eq(
        core_errors("apiVersion: v1\nkind: EndpointSlice\nmetadata: {name: Web_X1}\n", &field), 0);
    cr_expect_eq(
        core_errors("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Bad_Name}\n", &field), 0);
}
