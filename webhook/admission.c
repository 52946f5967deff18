/* SPDX-License-Identifier: Apache-2.0 */
/* AdmissionReview decoding and encoding, declared in admission.h. One review
 * owns one jansson tree (the request, freed with one json_decref) and one
 * gg_errs list; both are gone when gg_admission_review returns. */
#include "webhook/admission.h"
#include "webhook/json_arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validation/errs.h"
#include "validation/xalloc.h"
#include "webhook/server.h"

/* The request fields, checked; pointers borrowed from the decoded tree. */
struct review {
    json_t *root; /* owned */
    struct gg_admission_request req;
};

static const char *str_or(const json_t *obj, const char *key, const char *dflt)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : dflt;
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

static int bad(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* An optional string field: absent is "", another type is an error. */
static int opt_string(const json_t *obj, const char *key, const char *where, const char **out,
                      char *err, size_t errlen)
{
    const json_t *v = json_object_get(obj, key);
    *out = "";
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return bad(err, errlen, "%s.%s must be a string, not %s", where, key, type_name(v));
    *out = json_string_value(v);
    return 0;
}

static int decode(const char *body, size_t len, struct review *rv, char *err, size_t errlen)
{
    json_error_t jerr;
    memset(rv, 0, sizeof(*rv));
    if (len == 0)
        return bad(err, errlen, "empty body: want an %s AdmissionReview", GG_ADMISSION_API_VERSION);
    /* JSON_DECODE_ANY: so a bare value is reported as "not an AdmissionReview"
     * rather than as a syntax error */
    rv->root = json_loadb(body, len, JSON_DECODE_ANY, &jerr);
    if (!rv->root)
        return bad(err, errlen, "body is not valid JSON: %s (line %d, column %d)", jerr.text,
                   jerr.line, jerr.column);
    const json_t *root = rv->root;
    if (!json_is_object(root))
        return bad(err, errlen, "not an AdmissionReview: the body is %s, want an object",
                   type_name(root));
    const char *api = str_or(root, "apiVersion", NULL), *kind = str_or(root, "kind", NULL);
    if (!kind || strcmp(kind, "AdmissionReview") != 0)
        return bad(err, errlen, "not an AdmissionReview: kind is %s%s%s", kind ? "\"" : "",
                   kind ? kind : "missing", kind ? "\"" : "");
    if (!api || strcmp(api, GG_ADMISSION_API_VERSION) != 0)
        return bad(err, errlen,
                   "AdmissionReview apiVersion %s%s%s is not served: want \"%s\" (set "
                   "admissionReviewVersions: [v1])",
                   api ? "\"" : "", api ? api : "missing", api ? "\"" : "",
                   GG_ADMISSION_API_VERSION);
    const json_t *rq = json_object_get(root, "request");
    if (!json_is_object(rq))
        return bad(err, errlen, "AdmissionReview has no request object");

    struct gg_admission_request *r = &rv->req;
    const json_t *uid = json_object_get(rq, "uid");
    if (!uid)
        return bad(err, errlen, "request.uid is missing");
    if (!json_is_string(uid) || json_string_length(uid) == 0)
        return bad(err, errlen, "request.uid must be a non-empty string");
    r->uid = json_string_value(uid);

    const json_t *op = json_object_get(rq, "operation");
    if (!op)
        return bad(err, errlen, "request.operation is missing");
    static const char *const ops[] = {"CREATE", "UPDATE", "DELETE", "CONNECT"};
    for (size_t i = 0; i < 4 && json_is_string(op); i++)
        if (strcmp(json_string_value(op), ops[i]) == 0)
            r->operation = ops[i];
    if (!r->operation)
        return bad(err, errlen, "request.operation must be CREATE, UPDATE, DELETE or CONNECT");

    const json_t *gvk = json_object_get(rq, "kind");
    if (gvk && !json_is_object(gvk))
        return bad(err, errlen, "request.kind must be an object, not %s", type_name(gvk));
    if (opt_string(gvk, "group", "request.kind", &r->group, err, errlen) != 0 ||
        opt_string(gvk, "version", "request.kind", &r->version, err, errlen) != 0 ||
        opt_string(gvk, "kind", "request.kind", &r->kind, err, errlen) != 0 ||
        opt_string(rq, "namespace", "request", &r->ns, err, errlen) != 0 ||
        opt_string(rq, "name", "request", &r->name, err, errlen) != 0)
        return -1;

    const json_t *dry = json_object_get(rq, "dryRun");
    if (dry && !json_is_boolean(dry) && !json_is_null(dry))
        return bad(err, errlen, "request.dryRun must be a boolean, not %s", type_name(dry));
    r->dry_run = json_is_true(dry);

    bool wants_new = r->operation == ops[0] || r->operation == ops[1];
    bool wants_old = r->operation == ops[1] || r->operation == ops[2];
    json_t *obj = json_object_get(rq, "object");
    const json_t *old = json_object_get(rq, "oldObject");
    if (wants_new && !json_is_object(obj))
        return bad(err, errlen, "request.object %s for %s: want the object",
                   obj && !json_is_null(obj) ? "is not an object" : "is missing", r->operation);
    if (wants_old && !json_is_object(old))
        return bad(err, errlen, "request.oldObject %s for %s: want the stored object",
                   old && !json_is_null(old) ? "is not an object" : "is missing", r->operation);
    r->object = wants_new ? obj : NULL;
    r->old_object = wants_old ? old : NULL;
    return 0;
}

/* "gateway.networking.k8s.io/v1" -> group "gateway.networking.k8s.io";
 * "v1" (the core group) -> "". Written into <buf>. */
static const char *group_of(const char *api_version, char *buf, size_t len)
{
    const char *slash = strchr(api_version, '/');
    if (!slash)
        return "";
    snprintf(buf, len, "%.*s", (int)(slash - api_version), api_version);
    return buf;
}

size_t gg_admission_message(const struct gg_errs *errs, const char *kind, const char *group,
                            const char *name, struct gg_buf *out)
{
    /* render every error once; a message seen before is dropped (ToAggregate) */
    char **msgs = gg_xcalloc(errs->n ? errs->n : 1, sizeof(*msgs));
    size_t n = 0, shown_errors = 0;
    for (size_t i = 0; i < errs->n; i++) {
        if (errs->items[i].sev != GG_SEV_ERROR)
            continue;
        shown_errors++;
        struct gg_buf b;
        gg_buf_init(&b);
        gg_err_render(&errs->items[i], &b);
        char *m = gg_buf_take(&b);
        bool seen = false;
        for (size_t j = 0; j < n && !seen; j++)
            seen = strcmp(msgs[j], m) == 0;
        if (seen)
            free(m);
        else
            msgs[n++] = m;
    }
    size_t cut = errs->n_errors > shown_errors ? errs->n_errors - shown_errors : 0;

    gg_buf_adds(out, kind);
    if (*group) {
        gg_buf_addc(out, '.');
        gg_buf_adds(out, group);
    }
    gg_buf_addc(out, ' ');
    gg_buf_add_goquoted(out, name, strlen(name));
    gg_buf_adds(out, " is invalid");
    size_t parts = n + (cut ? 1 : 0);
    if (parts > 0) {
        gg_buf_adds(out, ": ");
        if (parts > 1)
            gg_buf_addc(out, '[');
        for (size_t i = 0; i < n; i++) {
            if (i)
                gg_buf_adds(out, ", ");
            gg_buf_adds(out, msgs[i]);
        }
        if (cut)
            gg_buf_addf(out, "%s%zu more errors not shown", n ? ", " : "", cut);
        if (parts > 1)
            gg_buf_addc(out, ']');
    }
    for (size_t i = 0; i < n; i++)
        free(msgs[i]);
    free(msgs);
    return n;
}

/* metav1.Status for a denial. */
static json_t *denial_status(const struct gg_errs *errs, const char *kind, const char *group,
                             const char *name)
{
    struct gg_buf msg;
    gg_buf_init(&msg);
    gg_admission_message(errs, kind, group, name, &msg);
    json_t *causes = json_array();
    for (size_t i = 0; i < errs->n; i++) {
        const struct gg_err *e = &errs->items[i];
        if (e->sev != GG_SEV_ERROR)
            continue;
        struct gg_buf b;
        gg_buf_init(&b);
        gg_err_render(e, &b);
        /* a cause's message is ErrorBody(): the rendering without "<field>: " */
        size_t skip = strlen(e->field) + 2;
        json_array_append_new(
            causes, json_pack("{s:s, s:s, s:s}", "reason", gg_err_type_cause(e->type), "message",
                              b.len >= skip ? b.data + skip : b.data, "field", e->field));
        gg_buf_clear(&b);
    }
    json_t *details = json_pack("{s:s, s:s, s:s, s:o}", "name", name, "group", group, "kind", kind,
                                "causes", causes);
    json_t *st =
        json_pack("{s:{}, s:s, s:s, s:s, s:i, s:o}", "metadata", "status", "Failure", "message",
                  msg.data, "reason", "Forbidden", "code", 403, "details", details);
    gg_buf_clear(&msg);
    return st;
}

static json_t *warnings_of(const struct gg_errs *errs)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < errs->n; i++) {
        if (errs->items[i].sev != GG_SEV_WARNING)
            continue;
        struct gg_buf b;
        gg_buf_init(&b);
        gg_err_render(&errs->items[i], &b);
        bool seen = false;
        for (size_t j = 0; j < json_array_size(arr) && !seen; j++)
            seen = strcmp(json_string_value(json_array_get(arr, j)), b.data) == 0;
        if (!seen)
            json_array_append_new(arr, json_string(b.data));
        gg_buf_clear(&b);
    }
    return arr;
}

/* Copies what fits of <src>: the meta fields are for logs and labels. */
static void copy_cut(char *dst, size_t n, const char *src)
{
    size_t len = strnlen(src, n - 1);
    memcpy(dst, src, len);
    dst[len] = '\0';
}

static void fill_meta(struct gg_review_meta *m, const struct gg_admission_request *r,
                      const char *kind, const char *ns, const char *name)
{
    copy_cut(m->uid, sizeof(m->uid), r->uid);
    copy_cut(m->kind, sizeof(m->kind), kind);
    copy_cut(m->operation, sizeof(m->operation), r->operation);
    copy_cut(m->ns, sizeof(m->ns), ns);
    copy_cut(m->name, sizeof(m->name), name);
    m->dry_run = r->dry_run;
}

int gg_admission_review(void *ctx, const char *body, size_t len, struct gg_buf *out,
                        struct gg_review_meta *meta)
{
    const struct gg_admission *adm = ctx;
    struct review rv;
    struct gg_errs errs;
    char err[512];
    int status = 400;
    gg_errs_init(&errs);
    gg_json_arena_begin();

    if (decode(body, len, &rv, err, sizeof(err)) != 0) {
        gg_buf_adds(out, err);
        gg_buf_addc(out, '\n');
        meta->verdict = "bad_request";
        meta->content_type = "text/plain; charset=utf-8";
        copy_cut(meta->reason, sizeof(meta->reason), err);
        if (rv.req.uid)
            copy_cut(meta->uid, sizeof(meta->uid), rv.req.uid);
        goto out;
    }
    const struct gg_admission_request *r = &rv.req;

    /* the object the findings are about: the new one, or on DELETE the old */
    const json_t *subject = r->object ? r->object : r->old_object;
    const json_t *md = json_object_get(subject, "metadata");
    char gbuf[256];
    const char *kind = str_or(subject, "kind", r->kind);
    const char *api = str_or(subject, "apiVersion", NULL);
    const char *group = api ? group_of(api, gbuf, sizeof(gbuf)) : r->group;
    const char *name = str_or(md, "name", r->name);
    const char *ns = str_or(md, "namespace", r->ns);
    errs.subject.kind = kind;
    errs.subject.ns = *ns ? ns : NULL;
    errs.subject.name = name;
    fill_meta(meta, r, kind, ns, name);

    adm->validate(adm->ctx, r, &errs);

    bool allowed = errs.n_errors == 0;
    json_t *resp = json_pack("{s:s, s:b}", "uid", r->uid, "allowed", allowed);
    json_t *warnings = warnings_of(&errs);
    meta->n_warnings = json_array_size(warnings);
    meta->n_errors = errs.n_errors;
    if (json_array_size(warnings) > 0)
        json_object_set_new(resp, "warnings", warnings);
    else
        json_decref(warnings);
    if (!allowed)
        json_object_set_new(resp, "status", denial_status(&errs, kind, group, name));
    json_t *answer = json_pack("{s:s, s:s, s:o}", "apiVersion", GG_ADMISSION_API_VERSION, "kind",
                               "AdmissionReview", "response", resp);
    char *text = json_dumps(answer, JSON_COMPACT);
    json_decref(answer);
    gg_buf_adds(out, text);
    gg_json_free(text);
    meta->verdict = allowed ? "allowed" : "denied";
    status = 200;
out:
    gg_errs_clear(&errs);
    json_decref(rv.root);
    gg_json_arena_end();
    return status;
}
