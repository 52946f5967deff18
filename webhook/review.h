/* SPDX-License-Identifier: Apache-2.0 */
/* The admission engine over a view (sync/view.h): single-object validation,
 * then the cross-object checks against the view's store under its policy. */
#ifndef GG_REVIEW_H
#define GG_REVIEW_H

#include "validation/errs.h"
#include "webhook/admission.h"

/* A gg_admission_validate_cb: <ctx> is a struct gg_view. Thread-safe: takes
 * the store's read lock and a reference to the policy for the review. */
void gg_review_validate(void *ctx, const struct gg_admission_request *req, struct gg_errs *errs);

#endif
