/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz target: bytes as a POST /validate body through the AdmissionReview
 * decoder, single-object validation and the encoder. Any input must end in an
 * answer (200 with a verdict, or 400 saying what is wrong). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "validation/validate.h"
#include "validation/xalloc.h"
#include "webhook/admission.h"
#include "webhook/json_arena.h"
#include "webhook/server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void validate(void *ctx, const struct gg_admission_request *req, struct gg_errs *errs)
{
    (void)ctx;
    if (req->object)
        gg_validate_object(req->object, req->old_object, errs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        gg_json_arena_install(); /* as the webhook runs it */
        char err[256];
        if (gg_validate_init(err, sizeof(err)) != 0)
            abort();
        ready = 1;
    }
    struct gg_admission adm = {.validate = validate};
    struct gg_buf out;
    gg_buf_init(&out);
    struct gg_review_meta meta = {0};
    int status = gg_admission_review(&adm, (const char *)data, size, &out, &meta);
    if (status != 200 && status != 400)
        abort();
    gg_buf_clear(&out);
    return 0;
}
