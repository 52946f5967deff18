/* SPDX-License-Identifier: Apache-2.0 */
/* A structural-schema validator that reads the CRDs' own openAPIV3Schema, so
 * every type, enum, pattern, length, item limit, range, required field,
 * list-type key and default is upstream's by construction. It reproduces the
 * API server's order: defaults (and pruning of unknown fields) first, then
 * the schema, then CEL rules, the last only when the schema found nothing
 * that blocks them (see apiextensions-apiserver's validation). Compiled
 * schemas are immutable and shared by all threads. */
#ifndef GG_SCHEMA_H
#define GG_SCHEMA_H

#include <jansson.h>
#include <stddef.h>

#include "errs.h"

struct gg_schema;

/* Compiles <openapi> (an openAPIV3Schema object). Returns NULL with a reason
 * in <err> when the schema uses something this validator does not know.
 * Every CEL rule is looked up in cel.h's table; rules with no implementation
 * are counted, not fatal (see gg_schema_stats). */
struct gg_schema *gg_schema_compile(const json_t *openapi, char *err, size_t errlen);
void gg_schema_free(struct gg_schema *s);

struct gg_schema_stats {
    size_t nodes;       /* schema nodes */
    size_t constraints; /* type, enum, pattern, format, length, items, range,
                           required, list-type and property-count constraints */
    size_t defaults;    /* nodes carrying a default */
    size_t cel_rules;   /* x-kubernetes-validations entries */
    size_t cel_missing; /* of those, rules with no C implementation */
};

void gg_schema_stats(const struct gg_schema *s, struct gg_schema_stats *out);

/* Calls <cb> for every CEL rule that has no implementation, with its schema
 * location (".spec.rules[]"), message and text. */
typedef void (*gg_schema_missing_cb)(void *ctx, const char *where, const char *message,
                                     const char *rule);
void gg_schema_each_missing(const struct gg_schema *s, gg_schema_missing_cb cb, void *ctx);

/* Applies defaults to <obj> in place, prunes fields the schema does not
 * declare (each reported as a warning, as the API server's Warn field
 * validation does), validates it, and evaluates CEL rules unless a blocking
 * schema error was found. <old> is the previous version on UPDATE or NULL.
 * <root> is where the schema applies (usually the empty path). `status` is not
 * validated: the main resource endpoint ignores it. Returns 1 when a blocking
 * error was found (so CEL did not run), else 0. */
int gg_schema_validate(const struct gg_schema *s, json_t *obj, const json_t *old,
                       const struct gg_path *root, struct gg_errs *errs);

#endif
