/* SPDX-License-Identifier: Apache-2.0 */
/* Single-object validation: object metadata as the API server checks it for
 * custom resources, then the CRD schema and CEL (schema.c), then gateguard's
 * own checks (lint.c) when nothing blocked. */
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kinds.h"
#include "schema.h"

int gg_validate_init(char *err, size_t errlen)
{
    return gg_kinds_init(err, errlen);
}

static const struct gg_kind *kind_of(const json_t *obj)
{
    return gg_kinds_find(json_string_value(json_object_get(obj, "apiVersion")),
                         json_string_value(json_object_get(obj, "kind")));
}

bool gg_validate_handles(const json_t *obj)
{
    return kind_of(obj) != NULL;
}

/* RFC 1123: labels of [a-z0-9-], alphanumeric at both ends. */
static int is_dns_label(const char *s, size_t n)
{
    if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return 0;
    return 1;
}

static int is_dns_subdomain(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 253)
        return 0;
    const char *p = s;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        if (!is_dns_label(p, len))
            return 0;
        if (!dot)
            return 1;
        p = dot + 1;
    }
}

/* ObjectMeta checks the API server makes for custom resources
 * (apimachinery ValidateObjectMeta with NameIsDNSSubdomain). */
/* apimachinery's messages for IsDNS1123Subdomain and IsDNS1123Label */
#define DNS_SUBDOMAIN_MSG                                                                          \
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "   \
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "  \
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
#define DNS_LABEL_MSG                                                                              \
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "   \
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "     \
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"

static void validate_meta(const json_t *obj, const struct gg_kind *k, struct gg_errs *errs)
{
    struct gg_path root = GG_PATH_ROOT_INIT;
    struct gg_path mp = gg_path_child(&root, "metadata");
    const json_t *meta = json_object_get(obj, "metadata");
    const json_t *name = json_object_get(meta, "name");
    const json_t *gen = json_object_get(meta, "generateName");
    struct gg_path np = gg_path_child(&mp, "name");
    errs->check = "metadata";
    if (!json_is_string(name) || !json_string_length(name)) {
        if (!json_is_string(gen))
            gg_errs_add(errs, GG_ERR_REQUIRED, &np, meta, "name or generateName is required");
    } else if (!is_dns_subdomain(json_string_value(name))) {
        gg_errs_add_json(errs, GG_ERR_INVALID, &np, name,
                         json_string_length(name) > 253 ? "must be no more than 253 characters"
                                                        : DNS_SUBDOMAIN_MSG);
    }
    const json_t *ns = json_object_get(meta, "namespace");
    if (k->namespaced && json_is_string(ns) &&
        !is_dns_label(json_string_value(ns), json_string_length(ns))) {
        struct gg_path nsp = gg_path_child(&mp, "namespace");
        gg_errs_add_json(errs, GG_ERR_INVALID, &nsp, ns, DNS_LABEL_MSG);
    }
    errs->check = NULL;
}

/* labels and annotations: an object whose values are strings */
static void check_string_map(const json_t *meta, const char *field, const struct gg_path *mp,
                             struct gg_errs *errs)
{
    const json_t *m = json_object_get(meta, field);
    if (!m || json_is_null(m))
        return;
    struct gg_path fp = gg_path_child(mp, field);
    if (!json_is_object(m)) {
        gg_errs_add_json(errs, GG_ERR_INVALID, &fp, m, "must be a map of strings");
        return;
    }
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)m, k, v)
    {
        if (!json_is_string(v)) {
            struct gg_path kp = gg_path_key(&fp, k);
            /* true, false and null are shared nodes without a line of their own */
            const json_t *at = json_is_boolean(v) || json_is_null(v) ? m : v;
            char *value = gg_errs_render_json(v);
            gg_errs_addf(errs, GG_SEV_ERROR, GG_ERR_INVALID, &kp, at, value,
                         "must be a string (quote values such as true, 1 or null)");
            free(value);
        }
    }
}

void gg_validate_core_object(const json_t *obj, struct gg_errs *errs)
{
    const char *api = json_string_value(json_object_get(obj, "apiVersion"));
    const char *kind = json_string_value(json_object_get(obj, "kind"));
    static const struct {
        const char *api, *kind;
    } kinds[] = {
        {"v1", "Namespace"},
        {"v1", "Service"},
        {"v1", "Secret"},
        {"discovery.k8s.io/v1", "EndpointSlice"},
    };
    int known = 0;
    for (size_t i = 0; kind && api && i < sizeof(kinds) / sizeof(kinds[0]); i++)
        known |= !strcmp(api, kinds[i].api) && !strcmp(kind, kinds[i].kind);
    if (!known)
        return;
    struct gg_path root = GG_PATH_ROOT_INIT;
    struct gg_path mp = gg_path_child(&root, "metadata");
    const json_t *meta = json_object_get(obj, "metadata");
    errs->check = "metadata";
    if (!json_is_object(meta)) {
        gg_errs_add(errs, GG_ERR_REQUIRED, &mp, obj, NULL);
    } else {
        const json_t *name = json_object_get(meta, "name");
        struct gg_path np = gg_path_child(&mp, "name");
        if (!json_is_string(name) || !json_string_length(name))
            gg_errs_add(errs, GG_ERR_REQUIRED, &np, meta, "name or generateName is required");
        else if (strcmp(kind, "Namespace")
                     ? !is_dns_subdomain(json_string_value(name))
                     : !is_dns_label(json_string_value(name), json_string_length(name)))
            gg_errs_add_json(errs, GG_ERR_INVALID, &np, name,
                             strcmp(kind, "Namespace") ? DNS_SUBDOMAIN_MSG : DNS_LABEL_MSG);
        check_string_map(meta, "labels", &mp, errs);
        check_string_map(meta, "annotations", &mp, errs);
    }
    errs->check = NULL;
}

void gg_validate_object(json_t *obj, const json_t *old, struct gg_errs *errs)
{
    const struct gg_kind *k = kind_of(obj);
    if (!k)
        return;
    validate_meta(obj, k, errs);
    int blocked = gg_schema_validate(k->schema, obj, old, NULL, errs);
    if (k->extra && !blocked) {
        errs->check = "gateguard";
        k->extra(obj, errs);
        errs->check = NULL;
    }
}
