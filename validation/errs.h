/* SPDX-License-Identifier: Apache-2.0 */
/* Findings about a user's objects, modeled on apimachinery's field.ErrorList
 * (pkg/util/validation/field/errors.go): a type, a field path, the bad value
 * rendered once, a detail. Validators append and never return codes. Each
 * entry also records the object it concerns and where it came from
 * (file:line), so `check`, the webhook and the audit can show it. */
#ifndef GG_ERRS_H
#define GG_ERRS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "path.h"

struct gg_buf;
struct gg_linemap;

/* {enum, phrase, Kubernetes CauseType, whether the value is printed} */
#define GG_ERR_TYPE_MAP(X)                                                                         \
    X(INVALID, "Invalid value", "FieldValueInvalid", 1)                                            \
    X(REQUIRED, "Required value", "FieldValueRequired", 0)                                         \
    X(UNSUPPORTED, "Unsupported value", "FieldValueNotSupported", 1)                               \
    X(DUPLICATE, "Duplicate value", "FieldValueDuplicate", 1)                                      \
    X(FORBIDDEN, "Forbidden", "FieldValueForbidden", 0)                                            \
    X(TOO_LONG, "Too long", "FieldValueTooLong", 0)                                                \
    X(TOO_MANY, "Too many", "FieldValueTooMany", 1)                                                \
    X(NOT_FOUND, "Not found", "FieldValueNotFound", 1)                                             \
    X(INTERNAL, "Internal error", "InternalError", 0)

enum gg_err_type {
#define GG_X(e, phrase, cause, shows_value) GG_ERR_##e,
    GG_ERR_TYPE_MAP(GG_X)
#undef GG_X
};

enum gg_severity { GG_SEV_ERROR, GG_SEV_WARNING };

const char *gg_err_type_phrase(enum gg_err_type t);
const char *gg_err_type_cause(enum gg_err_type t);

/* The object findings are about; set on the list before validating it. */
struct gg_subject {
    const char *kind;               /* borrowed: valid while the list records */
    const char *ns;                 /* borrowed; NULL for cluster-scoped kinds */
    const char *name;               /* borrowed */
    const char *file;               /* borrowed; NULL when not from a file */
    int line;                       /* where the object starts; 0 when unknown */
    const struct gg_linemap *lines; /* borrowed; per-node lines, may be NULL */
};

struct gg_err {
    enum gg_severity sev;
    enum gg_err_type type;
    char *field;                   /* rendered path */
    char *value;                   /* rendered as Kubernetes prints it, NULL when not shown */
    char *detail;                  /* may be NULL */
    char *kind, *ns, *name, *file; /* copies of the subject's; ns/file may be NULL */
    int line;
    const char *check; /* static: which check found it ("schema", "cel", a policy check name) */
};

struct gg_errs {
    struct gg_err *items;
    size_t n, cap;
    size_t limit;    /* entries kept at most; 0 means GG_ERRS_DEFAULT_LIMIT */
    size_t dropped;  /* entries refused once the limit was reached */
    size_t n_errors; /* entries with GG_SEV_ERROR, dropped ones included */
    struct gg_subject subject;
    const char *check; /* static: stamped on entries added while it is set */
};

#define GG_ERRS_DEFAULT_LIMIT 1000

void gg_errs_init(struct gg_errs *e);
/* Frees every entry and the storage, not the struct itself. */
void gg_errs_clear(struct gg_errs *e);

/* Appends one finding at <p>. <value> is already rendered (see
 * gg_errs_render_*) or NULL; <at> is the JSON node the finding is about, used
 * only to find its line, and may be NULL. */
void gg_errs_addf(struct gg_errs *e, enum gg_severity sev, enum gg_err_type t,
                  const struct gg_path *p, const json_t *at, const char *value, const char *fmt,
                  ...) __attribute__((format(printf, 7, 8)));

/* Shorthands for errors; values given as a C string are Go-quoted. */
void gg_errs_add(struct gg_errs *e, enum gg_err_type t, const struct gg_path *p, const json_t *at,
                 const char *detail);
void gg_errs_add_str(struct gg_errs *e, enum gg_err_type t, const struct gg_path *p,
                     const json_t *at, const char *value, const char *detail);
void gg_errs_add_json(struct gg_errs *e, enum gg_err_type t, const struct gg_path *p,
                      const json_t *value, const char *detail);
void gg_errs_warn(struct gg_errs *e, const struct gg_path *p, const json_t *at, const char *fmt,
                  ...) __attribute__((format(printf, 4, 5)));

/* Renders a JSON value as apimachinery prints a bad value: strings %q-quoted,
 * numbers and booleans plain, anything else as compact JSON. Caller frees. */
char *gg_errs_render_json(const json_t *v);
char *gg_errs_render_str(const char *s);

/* "<field>: <phrase>[: <value>][: <detail>]", as field.Error.Error() prints. */
void gg_err_render(const struct gg_err *err, struct gg_buf *out);

/* One line for people and logs:
 * "FILE:LINE: [warning: ]KIND NAMESPACE/NAME: <gg_err_render>". */
void gg_err_render_line(const struct gg_err *err, struct gg_buf *out);

size_t gg_errs_count(const struct gg_errs *e, enum gg_severity sev);

/* Moves every entry of <from> to the end of <to>; <from> is left empty. */
void gg_errs_take(struct gg_errs *to, struct gg_errs *from);

#endif
