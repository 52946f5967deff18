/* SPDX-License-Identifier: Apache-2.0 */
/* Single-object validation, the API server's way: apply the CRD's defaults,
 * check the OpenAPI schema, then (only when the schema found nothing that
 * blocks) every CEL rule, then gateguard's own checks that upstream lost when
 * it dropped its webhook (reported as warnings). Kinds are dispatched by a
 * table of {group, versions, kind}; see kinds.h. */
#ifndef GG_VALIDATE_H
#define GG_VALIDATE_H

#include <jansson.h>
#include <stdbool.h>

#include "errs.h"

/* Loads the embedded CRDs and compiles their schemas; idempotent and safe to
 * call from several threads. Returns 0, or -1 with a reason in <err>. */
int gg_validate_init(char *err, size_t errlen);

/* True when <obj>'s apiVersion and kind name a Gateway API type that
 * gateguard validates (in any apiVersion its CRD serves). */
bool gg_validate_handles(const json_t *obj);

/* Validates <obj> in place: defaults are written into it, as the API server
 * would store it. <old> is the previous version on UPDATE (for transition
 * rules such as GatewayClass controllerName immutability), else NULL.
 * Findings go to <errs>, whose subject the caller has set. Objects of kinds
 * not handled are left untouched and produce nothing. Thread-safe after
 * gg_validate_init. */
void gg_validate_object(json_t *obj, const json_t *old, struct gg_errs *errs);

/* The core objects the store keeps (v1 Namespace, Service, Secret and
 * discovery.k8s.io/v1 EndpointSlice) have no CRD here; their metadata is
 * checked as the API server would: name a DNS name, labels and annotations
 * maps of strings. Other objects produce nothing. */
void gg_validate_core_object(const json_t *obj, struct gg_errs *errs);

#endif
