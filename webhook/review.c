/* SPDX-License-Identifier: Apache-2.0 */
/* Reviews against the view: an object the API server refuses anyway gets no
 * cross-object verdicts. */
#include "webhook/review.h"

#include "sync/view.h"
#include "validation/cross.h"
#include "validation/policy.h"
#include "validation/validate.h"

void gg_review_validate(void *ctx, const struct gg_admission_request *req, struct gg_errs *errs)
{
    struct gg_view *v = ctx;
    if (req->object) {
        size_t before = errs->n_errors;
        gg_validate_object(req->object, req->old_object, errs);
        if (errs->n_errors != before)
            return; /* an object the API server refuses anyway: no cross-object verdicts */
    }
    struct gg_policy *pol = gg_view_policy(v);
    gg_cross_check(gg_view_store(v), pol, req->object, req->old_object, errs);
    gg_policy_unref(pol);
}
