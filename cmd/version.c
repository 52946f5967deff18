/* SPDX-License-Identifier: Apache-2.0 */
/* `gateguard version` and `gateguard rules`: what this build enforces. */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "validation/cel.h"
#include "validation/kinds.h"
#include "validation/schema.h"

int gg_cmd_version(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: gateguard version\n\nPrints gateguard's version and the Gateway API release "
               "whose CRDs it enforces.\n");
        return 0;
    }
    printf("gateguard %s (Gateway API %s, standard channel)\n", GG_VERSION, GG_GATEWAY_API_VERSION);
    return 0;
}

static void print_missing(void *ctx, const char *where, const char *message, const char *rule)
{
    const char *kind = ctx;
    printf("  missing  %s %s: %s\n           rule: %s\n", kind, where, message, rule);
}

int gg_cmd_rules(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: gateguard rules\n\n"
               "Lists, per kind, the schema constraints, defaults and CEL rules of the\n"
               "embedded Gateway API %s CRDs that gateguard enforces, and any CEL rule\n"
               "without an implementation. Exit 1 when a rule is missing.\n",
               GG_GATEWAY_API_VERSION);
        return 0;
    }
    char err[512];
    if (gg_kinds_init(err, sizeof(err)) < 0) {
        fprintf(stderr, "gateguard: %s\n", err);
        return 2;
    }
    size_t total_c = 0, total_cel = 0, total_missing = 0, total_def = 0;
    printf("Gateway API %s, standard channel\n", GG_GATEWAY_API_VERSION);
    printf("%-16s %-14s %12s %9s %10s %8s\n", "kind", "versions", "constraints", "defaults",
           "cel rules", "missing");
    for (size_t i = 0; i < gg_kinds_count(); i++) {
        const struct gg_kind *k = gg_kinds_at(i);
        struct gg_schema_stats st;
        gg_schema_stats(k->schema, &st);
        char versions[64] = "";
        for (size_t v = 0; v < k->nversions; v++) {
            strncat(versions, v ? "," : "", sizeof(versions) - strlen(versions) - 1);
            strncat(versions, k->versions[v], sizeof(versions) - strlen(versions) - 1);
        }
        printf("%-16s %-14s %12zu %9zu %10zu %8zu\n", k->kind, versions, st.constraints,
               st.defaults, st.cel_rules, st.cel_missing);
        total_c += st.constraints;
        total_def += st.defaults;
        total_cel += st.cel_rules;
        total_missing += st.cel_missing;
    }
    printf("%-16s %-14s %12zu %9zu %10zu %8zu\n", "total", "", total_c, total_def, total_cel,
           total_missing);
    printf("distinct CEL implementations: %zu\n", gg_cel_rules_n);
    for (size_t i = 0; i < gg_kinds_count(); i++) {
        const struct gg_kind *k = gg_kinds_at(i);
        gg_schema_each_missing(k->schema, print_missing, (void *)k->kind);
    }
    return total_missing ? 1 : 0;
}
