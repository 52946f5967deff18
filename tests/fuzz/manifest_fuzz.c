/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: bytes as a manifest stream through everything `gateguard
 * check` does with them: the YAML/JSON loader, defaulting, the schema, CEL,
 * gateguard's own checks and the cross-object checks. Any input must end in
 * findings or a load error, never a crash, a leak or a hang. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "validation/check.h"
#include "validation/load.h"
#include "validation/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        char err[256];
        if (gg_validate_init(err, sizeof(err)) != 0)
            abort();
        ready = 1;
    }
    struct gg_docs docs;
    gg_docs_init(&docs);
    char err[512];
    if (gg_load_buffer(&docs, "fuzz.yaml", (const char *)data, size, err, sizeof(err)) == 0) {
        struct gg_errs errs;
        gg_errs_init(&errs);
        struct gg_check_stats st;
        gg_check_docs(&docs, NULL, &errs, &st);
        gg_errs_clear(&errs);
    }
    gg_docs_clear(&docs);
    return 0;
}
