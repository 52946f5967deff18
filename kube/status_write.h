/* SPDX-License-Identifier: Apache-2.0 */
/* Writing an object's `status` through the /status subresource of the
 * Kubernetes API: a JSON merge patch that carries only `status` (never
 * `spec` or metadata), retried with backoff on 409, 429 and 5xx. What to
 * write and when is proxy/controller.c's business. */
#ifndef GG_KUBE_STATUS_WRITE_H
#define GG_KUBE_STATUS_WRITE_H

#include <jansson.h>
#include <stddef.h>

#include "kube/client.h"
#include "validation/model.h"

/* Attempts per write before giving up (the first included). */
#define GG_KUBE_STATUS_ATTEMPTS 5
/* The first retry's delay; doubled per attempt. */
#define GG_KUBE_STATUS_BACKOFF_MS 100

/* The /status path of (<kind>, <ns>, <name>), owned by the caller; NULL for
 * a kind without a status we write. */
char *gg_kube_status_path(enum gg_model_kind kind, const char *ns, const char *name);

/* The merge patch making the live status <live> (may be NULL) into
 * <status>: {"status": <status>} with null for each top-level field of
 * <live> that <status> lacks, so a field we no longer set goes. Owned. */
json_t *gg_kube_status_patch_body(const json_t *status, const json_t *live);

/* PATCHes <status> onto (<kind>, <ns>, <name>). Blocks through retries
 * (sleeping between attempts). Returns 0, or a negative GG_KUBE_E* with a
 * message in <err>; a 404 (the object is gone) is returned at once with
 * *<http_status> 404. Thread-safe (the client is). */
int gg_kube_status_write(struct gg_kube_client *c, enum gg_model_kind kind, const char *ns,
                         const char *name, const json_t *status, const json_t *live,
                         long *http_status, char *err, size_t errlen);

#endif
