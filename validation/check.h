/* SPDX-License-Identifier: Apache-2.0 */
/* Checking a set of loaded manifests, as `gateguard check` and the fixture
 * tests do: each Gateway API object on its own, then against the others. */
#ifndef GG_CHECK_H
#define GG_CHECK_H

#include <stddef.h>

#include "errs.h"
#include "load.h"

struct gg_policy;

struct gg_check_stats {
    size_t objects;      /* Gateway API objects checked */
    size_t context;      /* other objects read as context (Namespaces, Services, ...) */
    size_t input_errors; /* documents that could not be identified */
};

/* Puts objects without a namespace in "default" (as kubectl does), validates
 * every Gateway API object in <docs> in place, then runs the cross-object
 * checks over all of them under <policy> (may be NULL). Documents without
 * apiVersion or kind are reported as errors with check "input" and counted in
 * <st>->input_errors. */
void gg_check_docs(struct gg_docs *docs, const struct gg_policy *policy, struct gg_errs *errs,
                   struct gg_check_stats *st);

#endif
