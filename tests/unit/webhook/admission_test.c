/* SPDX-License-Identifier: Apache-2.0 */
/* webhook/admission.c with a stand-in validator: the request checks (each a
 * 400 with its message), what the validator is handed, and the exact shape
 * of allowed, warned and denied answers. */
#include <criterion/criterion.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "validation/errs.h"
#include "validation/path.h"
#include "validation/xalloc.h"
#include "webhook/admission.h"
#include "webhook/server.h"

/* What the stand-in validator does, and what it saw. */
struct scenario {
    int calls;
    bool had_object, had_old;
    char operation[16], subject_kind[64], subject_ns[64], subject_name[64];
    bool dry_run;
    void (*add)(struct gg_errs *errs);
};

static void stand_in(void *ctx, const struct gg_admission_request *req, struct gg_errs *errs)
{
    struct scenario *sc = ctx;
    sc->calls++;
    sc->had_object = req->object != NULL;
    sc->had_old = req->old_object != NULL;
    sc->dry_run = req->dry_run;
    snprintf(sc->operation, sizeof(sc->operation), "%s", req->operation);
    snprintf(sc->subject_kind, sizeof(sc->subject_kind), "%s", errs->subject.kind);
    snprintf(sc->subject_ns, sizeof(sc->subject_ns), "%s",
             errs->subject.ns ? errs->subject.ns : "(none)");
    snprintf(sc->subject_name, sizeof(sc->subject_name), "%s", errs->subject.name);
    if (sc->add)
        sc->add(errs);
}

struct answer {
    int status;
    json_t *json; /* NULL when the body is not JSON */
    char *text;
    struct gg_review_meta meta;
};

static struct answer review(struct scenario *sc, const char *body)
{
    struct gg_admission adm = {.validate = stand_in, .ctx = sc};
    struct answer a;
    memset(&a, 0, sizeof(a));
    struct gg_buf out;
    gg_buf_init(&out);
    a.status = gg_admission_review(&adm, body, strlen(body), &out, &a.meta);
    a.text = out.data ? gg_buf_take(&out) : strdup("");
    a.json = json_loads(a.text, 0, NULL);
    return a;
}

static void answer_clear(struct answer *a)
{
    json_decref(a->json);
    free(a->text);
}

#define ROUTE                                                                                      \
    "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\","                     \
    "\"metadata\":{\"name\":\"web\",\"namespace\":\"apps\"},\"spec\":{}}"

#define REVIEW(op, extra)                                                                          \
    "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{"           \
    "\"uid\":\"705ab4f5-6393-11e8-b7cc-42010a800002\",\"operation\":\"" op "\","                   \
    "\"kind\":{\"group\":\"gateway.networking.k8s.io\",\"version\":\"v1\",\"kind\":\"HTTPRoute\"}" \
    ","                                                                                            \
    "\"namespace\":\"apps\",\"name\":\"web\"" extra "}}"

static const char *resp_str(const struct answer *a, const char *path)
{
    json_t *resp = json_object_get(a->json, "response");
    return json_string_value(json_object_get(resp, path));
}

static json_t *status_of(const struct answer *a)
{
    return json_object_get(json_object_get(a->json, "response"), "status");
}

/* --- allowed ---------------------------------------------------------------- */

Test(admission_review, allows_an_object_without_findings_and_copies_the_uid)
{
    struct scenario sc = {0};
    struct answer a = review(&sc, REVIEW("CREATE", ",\"object\":" ROUTE));
    cr_assert_eq(a.status, 200, "%s", a.text);
    cr_assert_str_eq(a.text, "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
                             "\"response\":{\"uid\":\"705ab4f5-6393-11e8-b7cc-42010a800002\","
                             "\"allowed\":true}}");
    cr_assert_eq(sc.calls, 1);
    cr_assert_str_eq(a.meta.verdict, "allowed");
    cr_assert_str_eq(a.meta.uid, "705ab4f5-6393-11e8-b7cc-42010a800002");
    cr_assert_str_eq(a.meta.kind, "HTTPRoute");
    cr_assert_str_eq(a.meta.operation, "CREATE");
    cr_assert_null(a.meta.content_type);
    answer_clear(&a);
}

Test(admission_review, sets_the_subject_from_the_object_metadata)
{
    struct scenario sc = {0};
    struct answer a = review(&sc, REVIEW("CREATE", ",\"object\":" ROUTE));
    cr_assert_str_eq(sc.subject_kind, "HTTPRoute");
    cr_assert_str_eq(sc.subject_ns, "apps");
    cr_assert_str_eq(sc.subject_name, "web");
    cr_assert(sc.had_object);
    cr_assert_not(sc.had_old);
    answer_clear(&a);
}

Test(admission_review, hands_both_versions_on_update_and_the_old_one_on_delete)
{
    struct scenario sc = {0};
    struct answer a = review(&sc, REVIEW("UPDATE", ",\"object\":" ROUTE ",\"oldObject\":" ROUTE));
    cr_assert_eq(a.status, 200);
    cr_assert(sc.had_object && sc.had_old);
    cr_assert_str_eq(sc.operation, "UPDATE");
    answer_clear(&a);

    a = review(&sc, REVIEW("DELETE", ",\"oldObject\":" ROUTE));
    cr_assert_eq(a.status, 200, "%s", a.text);
    cr_assert_not(sc.had_object);
    cr_assert(sc.had_old);
    cr_assert_str_eq(sc.subject_name, "web", "a DELETE's findings are about the old object");
    answer_clear(&a);
}

static void two_warnings(struct gg_errs *errs)
{
    struct gg_path root = GG_PATH_ROOT_INIT;
    struct gg_path spec = gg_path_child(&root, "spec");
    gg_errs_warn(errs, &spec, NULL, "no Gateway named \"%s\" in namespace \"%s\"", "gw", "apps");
    gg_errs_warn(errs, &spec, NULL, "no Gateway named \"%s\" in namespace \"%s\"", "gw", "apps");
    gg_errs_warn(errs, &root, NULL, "second");
}

Test(admission_review, returns_warnings_once_each_with_an_allowed_answer)
{
    struct scenario sc = {.add = two_warnings};
    struct answer a = review(&sc, REVIEW("CREATE", ",\"object\":" ROUTE));
    cr_assert_eq(a.status, 200);
    cr_assert_str_eq(a.text, "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
                             "\"response\":{\"uid\":\"705ab4f5-6393-11e8-b7cc-42010a800002\","
                             "\"allowed\":true,\"warnings\":[\"spec: no Gateway named \\\"gw\\\" "
                             "in namespace \\\"apps\\\"\",\"<nil>: second\"]}}");
    cr_assert_eq(a.meta.n_warnings, 2);
    cr_assert_str_eq(a.meta.verdict, "allowed");
    answer_clear(&a);
}

/* --- denied ----------------------------------------------------------------- */

static void three_errors_one_repeated(struct gg_errs *errs)
{
    struct gg_path root = GG_PATH_ROOT_INIT;
    struct gg_path spec = gg_path_child(&root, "spec");
    struct gg_path rules = gg_path_child(&spec, "rules");
    struct gg_path r0 = gg_path_index(&rules, 0);
    struct gg_path host = gg_path_child(&spec, "hostnames");
    struct gg_path h0 = gg_path_index(&host, 0);
    gg_errs_add_str(errs, GG_ERR_INVALID, &r0, NULL, "foo", "must start with '/'");
    gg_errs_add(errs, GG_ERR_REQUIRED, &h0, NULL, NULL);
    gg_errs_add_str(errs, GG_ERR_INVALID, &r0, NULL, "foo", "must start with '/'");
    gg_errs_warn(errs, &root, NULL, "a warning rides along");
}

Test(admission_review, denies_with_403_forbidden_and_the_aggregated_message)
{
    struct scenario sc = {.add = three_errors_one_repeated};
    struct answer a = review(&sc, REVIEW("CREATE", ",\"object\":" ROUTE));
    cr_assert_eq(a.status, 200, "a denial is still a successful review");
    json_t *resp = json_object_get(a.json, "response");
    cr_assert(json_is_false(json_object_get(resp, "allowed")));
    cr_assert_str_eq(resp_str(&a, "uid"), "705ab4f5-6393-11e8-b7cc-42010a800002");
    json_t *st = status_of(&a);
    cr_assert_eq(json_integer_value(json_object_get(st, "code")), 403);
    cr_assert_str_eq(json_string_value(json_object_get(st, "reason")), "Forbidden");
    cr_assert_str_eq(json_string_value(json_object_get(st, "status")), "Failure");
    cr_assert_str_eq(json_string_value(json_object_get(st, "message")),
                     "HTTPRoute.gateway.networking.k8s.io \"web\" is invalid: "
                     "[spec.rules[0]: Invalid value: \"foo\": must start with '/', "
                     "spec.hostnames[0]: Required value]");
    json_t *details = json_object_get(st, "details");
    cr_assert_str_eq(json_string_value(json_object_get(details, "kind")), "HTTPRoute");
    cr_assert_str_eq(json_string_value(json_object_get(details, "group")),
                     "gateway.networking.k8s.io");
    cr_assert_str_eq(json_string_value(json_object_get(details, "name")), "web");
    json_t *causes = json_object_get(details, "causes");
    cr_assert_eq(json_array_size(causes), 3, "causes list every finding, as NewInvalid does");
    json_t *c0 = json_array_get(causes, 0);
    cr_assert_str_eq(json_string_value(json_object_get(c0, "reason")), "FieldValueInvalid");
    cr_assert_str_eq(json_string_value(json_object_get(c0, "field")), "spec.rules[0]");
    cr_assert_str_eq(json_string_value(json_object_get(c0, "message")),
                     "Invalid value: \"foo\": must start with '/'");
    json_t *w = json_object_get(resp, "warnings");
    cr_assert_eq(json_array_size(w), 1);
    cr_assert_str_eq(a.meta.verdict, "denied");
    cr_assert_eq(a.meta.n_errors, 3);
    answer_clear(&a);
}

static void one_error(struct gg_errs *errs)
{
    struct gg_path root = GG_PATH_ROOT_INIT;
    struct gg_path md = gg_path_child(&root, "metadata");
    struct gg_path name = gg_path_child(&md, "name");
    gg_errs_add(errs, GG_ERR_REQUIRED, &name, NULL, NULL);
}

Test(admission_review, puts_a_single_error_without_brackets)
{
    struct scenario sc = {.add = one_error};
    struct answer a = review(&sc, REVIEW("CREATE", ",\"object\":" ROUTE));
    cr_assert_str_eq(json_string_value(json_object_get(status_of(&a), "message")),
                     "HTTPRoute.gateway.networking.k8s.io \"web\" is invalid: "
                     "metadata.name: Required value");
    answer_clear(&a);
}

Test(admission_review, answers_dry_run_exactly_as_a_real_request)
{
    struct scenario sc = {.add = one_error};
    struct answer wet = review(&sc, REVIEW("CREATE", ",\"object\":" ROUTE));
    cr_assert_not(sc.dry_run);
    struct answer dry = review(&sc, REVIEW("CREATE", ",\"dryRun\":true,\"object\":" ROUTE));
    cr_assert(sc.dry_run, "the validator is told");
    cr_assert(dry.meta.dry_run);
    cr_assert_str_eq(dry.text, wet.text);
    answer_clear(&wet);
    answer_clear(&dry);
}

/* --- 400s: each says what is wrong ------------------------------------------- */

struct bad_case {
    const char *body;
    const char *message;
};

static void check_400(const char *body, const char *want)
{
    struct scenario sc = {0};
    struct answer a = review(&sc, body);
    cr_assert_eq(a.status, 400, "%s -> %d %s", body, a.status, a.text);
    cr_assert_str_eq(a.text, want, "for %s", body);
    cr_assert_eq(sc.calls, 0, "the validator is not called for a bad request");
    cr_assert_str_eq(a.meta.verdict, "bad_request");
    cr_assert_str_eq(a.meta.content_type, "text/plain; charset=utf-8");
    answer_clear(&a);
}

Test(admission_review, rejects_a_body_that_is_not_json)
{
    check_400("{\"apiVersion\": ", "body is not valid JSON: unexpected token near end of file "
                                   "(line 1, column 15)\n");
    check_400("", "empty body: want an admission.k8s.io/v1 AdmissionReview\n");
}

Test(admission_review, rejects_json_that_is_not_an_admission_review)
{
    check_400("42", "not an AdmissionReview: the body is a number, want an object\n");
    check_400("{\"kind\":\"Pod\"}", "not an AdmissionReview: kind is \"Pod\"\n");
    check_400("{\"apiVersion\":\"admission.k8s.io/v1\"}",
              "not an AdmissionReview: kind is missing\n");
    check_400("{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\"}",
              "AdmissionReview apiVersion \"admission.k8s.io/v1beta1\" is not served: want "
              "\"admission.k8s.io/v1\" (set admissionReviewVersions: [v1])\n");
    check_400("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}",
              "AdmissionReview has no request object\n");
}

Test(admission_review, rejects_a_request_without_uid_or_operation)
{
    check_400("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
              "\"request\":{\"operation\":\"CREATE\",\"object\":{}}}",
              "request.uid is missing\n");
    check_400("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
              "\"request\":{\"uid\":7,\"operation\":\"CREATE\",\"object\":{}}}",
              "request.uid must be a non-empty string\n");
    check_400("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
              "\"request\":{\"uid\":\"u\",\"object\":{}}}",
              "request.operation is missing\n");
    check_400("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
              "\"request\":{\"uid\":\"u\",\"operation\":\"PATCH\",\"object\":{}}}",
              "request.operation must be CREATE, UPDATE, DELETE or CONNECT\n");
}

Test(admission_review, rejects_a_request_missing_the_objects_its_operation_needs)
{
    check_400(REVIEW("CREATE", ""), "request.object is missing for CREATE: want the object\n");
    check_400(REVIEW("CREATE", ",\"object\":[]"),
              "request.object is not an object for CREATE: want the object\n");
    check_400(REVIEW("UPDATE", ",\"object\":" ROUTE),
              "request.oldObject is missing for UPDATE: want the stored object\n");
    check_400(REVIEW("DELETE", ",\"oldObject\":null"),
              "request.oldObject is missing for DELETE: want the stored object\n");
}

Test(admission_review, rejects_mistyped_optional_fields)
{
    check_400(REVIEW("CREATE", ",\"dryRun\":\"yes\",\"object\":" ROUTE),
              "request.dryRun must be a boolean, not a string\n");
    check_400("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
              "\"request\":{\"uid\":\"u\",\"operation\":\"CREATE\",\"kind\":\"HTTPRoute\","
              "\"object\":{}}}",
              "request.kind must be an object, not a string\n");
}

Test(admission_review, keeps_the_uid_of_a_bad_request_for_the_log)
{
    struct scenario sc = {0};
    struct answer a = review(&sc, REVIEW("CREATE", ""));
    cr_assert_eq(a.status, 400);
    cr_assert_str_eq(a.meta.uid, "705ab4f5-6393-11e8-b7cc-42010a800002");
    answer_clear(&a);
}

/* --- the message on its own ------------------------------------------------- */

Test(admission_message, names_core_kinds_without_a_group_and_quotes_the_name)
{
    struct gg_errs errs;
    gg_errs_init(&errs);
    errs.subject.kind = "Namespace";
    errs.subject.name = "a\"b";
    one_error(&errs);
    struct gg_buf b;
    gg_buf_init(&b);
    cr_assert_eq(gg_admission_message(&errs, "Namespace", "", "a\"b", &b), 1);
    cr_assert_str_eq(b.data, "Namespace \"a\\\"b\" is invalid: metadata.name: Required value");
    gg_buf_clear(&b);
    gg_errs_clear(&errs);
}

Test(admission_message, counts_errors_cut_at_the_list_limit)
{
    struct gg_errs errs;
    gg_errs_init(&errs);
    errs.limit = 2;
    struct gg_path root = GG_PATH_ROOT_INIT;
    struct gg_path spec = gg_path_child(&root, "spec");
    for (int i = 0; i < 5; i++) {
        struct gg_path p = gg_path_index(&spec, (size_t)i);
        gg_errs_add(&errs, GG_ERR_REQUIRED, &p, NULL, NULL);
    }
    struct gg_buf b;
    gg_buf_init(&b);
    gg_admission_message(&errs, "HTTPRoute", "gateway.networking.k8s.io", "r", &b);
    cr_assert_str_eq(b.data, "HTTPRoute.gateway.networking.k8s.io \"r\" is invalid: "
                             "[spec[0]: Required value, spec[1]: Required value, "
                             "3 more errors not shown]");
    gg_buf_clear(&b);
    gg_errs_clear(&errs);
}
