/* SPDX-License-Identifier: Apache-2.0 */
/* The table of kinds gateguard validates: {group, kind, CRD plural, scope,
 * served versions, compiled schema, extra checks}, filled from the embedded
 * upstream CRDs at init. Dispatch is by this table, never by a switch. */
#ifndef GG_KINDS_H
#define GG_KINDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "errs.h"

struct gg_schema;

/* gateguard's own checks for a kind, run after the schema and CEL when the
 * schema found nothing blocking. */
typedef void (*gg_kind_check_fn)(const json_t *obj, struct gg_errs *errs);

struct gg_kind {
    const char *group;
    const char *kind;
    const char *plural;
    bool namespaced;
    gg_kind_check_fn extra; /* may be NULL */
    /* filled at init from the CRD: */
    char *versions[4]; /* served versions */
    size_t nversions;
    struct gg_schema *schema;
};

/* Loads the embedded CRDs into the table; idempotent, thread-safe. */
int gg_kinds_init(char *err, size_t errlen);

/* The entry for <api_version> ("group/version") and <kind>, or NULL when the
 * group and kind are not handled or the version is not served. */
const struct gg_kind *gg_kinds_find(const char *api_version, const char *kind);

/* The table, for listings. */
const struct gg_kind *gg_kinds_at(size_t i);
size_t gg_kinds_count(void);

#endif
