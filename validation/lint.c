/* SPDX-License-Identifier: Apache-2.0 */
/* Checks beyond the CRDs. Case-insensitive duplicates are warnings, because
 * the API server admits them and the spec says later ones are ignored; a
 * regular expression that does not compile is an error, because no
 * implementation can serve it. */
#include "lint.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "xalloc.h"

static void check_regex(const json_t *value, const struct gg_path *p, struct gg_errs *errs)
{
    const char *re = json_string_value(value);
    if (!re)
        return;
    size_t len = json_string_length(value);
    if (len > GG_LINT_MAX_REGEX) {
        gg_errs_addf(errs, GG_SEV_ERROR, GG_ERR_TOO_LONG, p, value, NULL,
                     "regular expression may not be more than %d bytes", GG_LINT_MAX_REGEX);
        return;
    }
    int code;
    PCRE2_SIZE off;
    pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, len, PCRE2_UTF, &code, &off, NULL);
    if (c) {
        pcre2_code_free(c);
        return;
    }
    PCRE2_UCHAR msg[200];
    pcre2_get_error_message(code, msg, sizeof(msg));
    char *v = gg_errs_render_json(value);
    gg_errs_addf(errs, GG_SEV_ERROR, GG_ERR_INVALID, p, value, v,
                 "invalid regular expression at offset %zu: %s", (size_t)off, (char *)msg);
    free(v);
}

/* Warns about names in <list> (objects with "name") equal but for case. */
static void case_dups(const json_t *list, const struct gg_path *p, const char *what,
                      struct gg_errs *errs)
{
    size_t n = json_array_size(list);
    for (size_t i = 1; i < n; i++) {
        const char *a = json_string_value(json_object_get(json_array_get(list, i), "name"));
        for (size_t j = 0; a && j < i; j++) {
            const char *b = json_string_value(json_object_get(json_array_get(list, j), "name"));
            if (b && strcmp(a, b) != 0 && strcasecmp(a, b) == 0) {
                struct gg_path ip = gg_path_index(p, i);
                struct gg_path np = gg_path_child(&ip, "name");
                gg_errs_warn(errs, &np, json_array_get(list, i),
                             "%s \"%s\" differs from \"%s\" at index %zu only by case; header "
                             "names are case-insensitive, so only the first is used",
                             what, a, b, j);
                break;
            }
        }
    }
}

/* Header modifiers: one header given two actions across set, add and remove,
 * compared case-insensitively (the v1.0 webhook's "cannot specify multiple
 * actions for header"). */
static void modifier_dups(const json_t *mod, const struct gg_path *p, struct gg_errs *errs)
{
    static const char *const lists[] = {"set", "add", "remove"};
    const char *seen[48];
    const char *seen_in[48];
    size_t nseen = 0;
    for (size_t l = 0; l < 3; l++) {
        const json_t *arr = json_object_get(mod, lists[l]);
        struct gg_path lp = gg_path_child(p, lists[l]);
        size_t i;
        json_t *it;
        json_array_foreach(arr, i, it)
        {
            const char *name = json_is_string(it) ? json_string_value(it)
                                                  : json_string_value(json_object_get(it, "name"));
            if (!name)
                continue;
            for (size_t s = 0; s < nseen; s++) {
                if (strcasecmp(seen[s], name) == 0) {
                    struct gg_path ip = gg_path_index(&lp, i);
                    gg_errs_warn(errs, &ip, it,
                                 "header \"%s\" already has an action in %s (\"%s\"); header "
                                 "names are case-insensitive, give each header one action",
                                 name, seen_in[s], seen[s]);
                    break;
                }
            }
            if (nseen < 48) {
                seen[nseen] = name;
                seen_in[nseen++] = lists[l];
            }
        }
    }
}

static void lint_filters(const json_t *filters, const struct gg_path *p, struct gg_errs *errs)
{
    size_t i;
    json_t *f;
    json_array_foreach(filters, i, f)
    {
        struct gg_path fp = gg_path_index(p, i);
        static const char *const mods[] = {"requestHeaderModifier", "responseHeaderModifier"};
        for (size_t m = 0; m < 2; m++) {
            const json_t *mod = json_object_get(f, mods[m]);
            if (mod) {
                struct gg_path mp = gg_path_child(&fp, mods[m]);
                modifier_dups(mod, &mp, errs);
            }
        }
    }
}

static int is_regex(const json_t *o)
{
    const char *t = json_string_value(json_object_get(o, "type"));
    return t && strcmp(t, "RegularExpression") == 0;
}

static void lint_value_regexes(const json_t *list, const struct gg_path *p, struct gg_errs *errs)
{
    size_t i;
    json_t *it;
    json_array_foreach(list, i, it)
    {
        if (!is_regex(it))
            continue;
        struct gg_path ip = gg_path_index(p, i);
        struct gg_path vp = gg_path_child(&ip, "value");
        check_regex(json_object_get(it, "value"), &vp, errs);
    }
}

static void lint_route(const json_t *obj, int grpc, struct gg_errs *errs)
{
    const json_t *rules = json_object_get(json_object_get(obj, "spec"), "rules");
    struct gg_path root = GG_PATH_ROOT_INIT;
    struct gg_path sp = gg_path_child(&root, "spec");
    struct gg_path rp = gg_path_child(&sp, "rules");
    size_t i;
    json_t *rule;
    json_array_foreach(rules, i, rule)
    {
        struct gg_path rip = gg_path_index(&rp, i);
        struct gg_path mp = gg_path_child(&rip, "matches");
        size_t j;
        json_t *m;
        json_array_foreach(json_object_get(rule, "matches"), j, m)
        {
            struct gg_path mip = gg_path_index(&mp, j);
            struct gg_path hp = gg_path_child(&mip, "headers");
            case_dups(json_object_get(m, "headers"), &hp, "header name", errs);
            lint_value_regexes(json_object_get(m, "headers"), &hp, errs);
            if (!grpc) {
                struct gg_path qp = gg_path_child(&mip, "queryParams");
                lint_value_regexes(json_object_get(m, "queryParams"), &qp, errs);
                const json_t *path = json_object_get(m, "path");
                if (is_regex(path)) {
                    struct gg_path pp = gg_path_child(&mip, "path");
                    struct gg_path vp = gg_path_child(&pp, "value");
                    check_regex(json_object_get(path, "value"), &vp, errs);
                }
            } else {
                const json_t *method = json_object_get(m, "method");
                if (is_regex(method)) {
                    struct gg_path pp = gg_path_child(&mip, "method");
                    struct gg_path svc = gg_path_child(&pp, "service");
                    struct gg_path meth = gg_path_child(&pp, "method");
                    check_regex(json_object_get(method, "service"), &svc, errs);
                    check_regex(json_object_get(method, "method"), &meth, errs);
                }
            }
        }
        struct gg_path fp = gg_path_child(&rip, "filters");
        lint_filters(json_object_get(rule, "filters"), &fp, errs);
        struct gg_path bp = gg_path_child(&rip, "backendRefs");
        size_t k;
        json_t *b;
        json_array_foreach(json_object_get(rule, "backendRefs"), k, b)
        {
            struct gg_path bip = gg_path_index(&bp, k);
            struct gg_path bfp = gg_path_child(&bip, "filters");
            lint_filters(json_object_get(b, "filters"), &bfp, errs);
        }
    }
}

void gg_lint_httproute(const json_t *obj, struct gg_errs *errs)
{
    lint_route(obj, 0, errs);
}

void gg_lint_grpcroute(const json_t *obj, struct gg_errs *errs)
{
    lint_route(obj, 1, errs);
}

static void lint_listeners(const json_t *obj, struct gg_errs *errs)
{
    const json_t *listeners = json_object_get(json_object_get(obj, "spec"), "listeners");
    struct gg_path root = GG_PATH_ROOT_INIT;
    struct gg_path sp = gg_path_child(&root, "spec");
    struct gg_path lp = gg_path_child(&sp, "listeners");
    size_t i;
    json_t *l;
    json_array_foreach(listeners, i, l)
    {
        const char *proto = json_string_value(json_object_get(l, "protocol"));
        if (proto && strcmp(proto, "HTTPS") == 0 && !json_object_get(l, "tls")) {
            struct gg_path ip = gg_path_index(&lp, i);
            struct gg_path tp = gg_path_child(&ip, "tls");
            gg_errs_warn(errs, &tp, l,
                         "HTTPS listener \"%s\" has no tls: unless the implementation supplies "
                         "certificates another way, it cannot serve; add tls.certificateRefs",
                         json_string_value(json_object_get(l, "name")) ?: "");
        }
    }
}

void gg_lint_gateway(const json_t *obj, struct gg_errs *errs)
{
    lint_listeners(obj, errs);
}

void gg_lint_listenerset(const json_t *obj, struct gg_errs *errs)
{
    lint_listeners(obj, errs);
}
