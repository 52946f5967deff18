/* SPDX-License-Identifier: Apache-2.0 */
/* AdmissionReview (admission.k8s.io/v1) in, AdmissionReview out: decode and
 * check the request's shape, hand its objects to a validation callback, and
 * encode the verdict the way the API server and kubectl expect it. The
 * callback is the only link to the validation engine, so this file is tested
 * without it; the HTTP side is server.c's. */
#ifndef GG_ADMISSION_H
#define GG_ADMISSION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct gg_buf;
struct gg_errs;
struct gg_review_meta;

#define GG_ADMISSION_API_VERSION "admission.k8s.io/v1"

/* One review's request as a validator sees it. Every pointer is borrowed
 * from the decoded review and valid only during the callback. */
struct gg_admission_request {
    const char *uid;
    const char *operation; /* "CREATE", "UPDATE", "DELETE" or "CONNECT" */
    const char *group;     /* request.kind; "" when absent */
    const char *version;
    const char *kind;
    const char *ns;           /* request.namespace; "" when absent (cluster-scoped) */
    const char *name;         /* request.name; "" when absent (generateName) */
    bool dry_run;             /* answered the same: validation has no side effects */
    json_t *object;           /* request.object on CREATE and UPDATE, else NULL; the
                                 callback may write into it (defaults) */
    const json_t *old_object; /* request.oldObject on UPDATE and DELETE, else NULL */
};

/* Validates <req>'s objects, appending findings to <errs>, whose subject is
 * already set to the object under review (the new one; the old one on
 * DELETE). Errors deny the request, warnings travel with the answer. Called
 * concurrently from the server's threads: it must be thread-safe. */
typedef void (*gg_admission_validate_cb)(void *ctx, const struct gg_admission_request *req,
                                         struct gg_errs *errs);

struct gg_admission {
    gg_admission_validate_cb validate; /* required */
    void *ctx;
};

/* A gg_review_cb (see server.h) whose <ctx> is a struct gg_admission.
 * Decodes the AdmissionReview in <body> (<len> bytes), validates and writes
 * the answering AdmissionReview to <out>: 200 with response.uid copied,
 * `allowed`, `warnings`, and on denial a `status` with code 403, reason
 * "Forbidden" (so kubectl prints "Error from server (Forbidden): ... admission
 * webhook "<name>" denied the request: <message>") and the message of
 * gg_admission_message, plus the findings as status.details.causes. A body
 * that is not a well-formed v1 AdmissionReview gets 400 and one plain-text
 * line saying what is wrong. Fills <meta> for the server's log and metrics. */
int gg_admission_review(void *ctx, const char *body, size_t len, struct gg_buf *out,
                        struct gg_review_meta *meta);

/* Appends the denial message to <out> as apimachinery's NewInvalid renders
 * it: `<Kind>.<group> "<name>" is invalid: <errors>`, where <errors> are the
 * error entries of <errs> rendered as field.Error.Error(), duplicates dropped
 * as field.ErrorList.ToAggregate drops them, one alone or "[a, b]" for more.
 * Entries the list refused at its cap are counted at the end. Returns the
 * number of distinct messages. */
size_t gg_admission_message(const struct gg_errs *errs, const char *kind, const char *group,
                            const char *name, struct gg_buf *out);

#endif
