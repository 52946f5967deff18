/* SPDX-License-Identifier: Apache-2.0 */
/* gateguard's own single-object checks, where upstream lost ground when it
 * removed its validating webhook (v1.0 -> v1.1): header names that differ
 * only by case (gateway-api issue #2277), an HTTPS listener with no tls, and
 * RegularExpression values that PCRE2 cannot compile. They run on objects the
 * schema found no blocking error in, so types can be trusted. */
#ifndef GG_LINT_H
#define GG_LINT_H

#include <jansson.h>

#include "errs.h"

/* Longest RegularExpression accepted: bounds the cost of compiling and
 * matching patterns from untrusted objects. */
#define GG_LINT_MAX_REGEX 1024

void gg_lint_httproute(const json_t *obj, struct gg_errs *errs);
void gg_lint_grpcroute(const json_t *obj, struct gg_errs *errs);
void gg_lint_gateway(const json_t *obj, struct gg_errs *errs);
void gg_lint_listenerset(const json_t *obj, struct gg_errs *errs);

#endif
