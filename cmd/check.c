/* SPDX-License-Identifier: Apache-2.0 */
/* `gateguard check`: the validation engine offline, over files, folders or
 * stdin, for CI pipelines and GitOps repositories. Exit 0 when every object
 * is valid, 1 when any is invalid, 2 when input cannot be read or the usage
 * is wrong. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "validation/errs.h"
#include "validation/load.h"
#include "validation/policy.h"
#include "validation/validate.h"
#include "validation/xalloc.h"

#include "validation/check.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: gateguard check [--policy FILE] [-o text|json] [--max-errors N] PATH...\n\n"
            "Validates Gateway API objects in YAML or JSON files, folders (recursively:\n"
            "*.yaml, *.yml, *.json) or stdin (-), each on its own (the CRDs' schema and CEL\n"
            "rules of Gateway API %s, and gateguard's own checks) and against the other\n"
            "objects in the input (attachment, hostnames, ReferenceGrants, ownership).\n"
            "Objects without a namespace are put in \"default\", as kubectl does.\n\n"
            "  --policy FILE     the ownership policy (see docs/policy.md)\n"
            "  -o, --output FMT  text (default): FILE:LINE: KIND NAMESPACE/NAME: FIELD: TYPE: "
            "MESSAGE\n"
            "                    json: {\"objects\", \"errors\": [...], \"warnings\": [...]}\n"
            "  --max-errors N    stop listing after N findings (default 1000)\n"
            "  -q, --quiet       print errors only, no warnings or summary\n\n"
            "Exit status: 0 all valid, 1 some object invalid, 2 unreadable input or bad usage.\n",
            GG_GATEWAY_API_VERSION);
}

static void print_text(const struct gg_errs *errs, int quiet)
{
    struct gg_buf b;
    gg_buf_init(&b);
    for (size_t i = 0; i < errs->n; i++) {
        const struct gg_err *e = &errs->items[i];
        if (quiet && e->sev == GG_SEV_WARNING)
            continue;
        b.len = 0;
        gg_err_render_line(e, &b);
        puts(b.data);
    }
    gg_buf_clear(&b);
}

static json_t *json_entry(const struct gg_err *e)
{
    json_t *o = json_object();
    json_object_set_new(o, "file", e->file ? json_string(e->file) : json_null());
    json_object_set_new(o, "line", json_integer(e->line));
    json_object_set_new(o, "kind", json_string(e->kind ? e->kind : ""));
    json_object_set_new(o, "namespace", e->ns ? json_string(e->ns) : json_null());
    json_object_set_new(o, "name", json_string(e->name ? e->name : ""));
    json_object_set_new(o, "field", json_string(e->field));
    json_object_set_new(
        o, "type", json_string(e->sev == GG_SEV_WARNING ? "Warning" : gg_err_type_phrase(e->type)));
    json_object_set_new(o, "value", e->value ? json_string(e->value) : json_null());
    json_object_set_new(o, "message", json_string(e->detail ? e->detail : ""));
    if (e->check)
        json_object_set_new(o, "check", json_string(e->check));
    struct gg_buf b;
    gg_buf_init(&b);
    gg_err_render(e, &b);
    json_object_set_new(o, "text", json_string(b.data));
    gg_buf_clear(&b);
    return o;
}

static void print_json(const struct gg_errs *errs, size_t objects, json_t *load_errors)
{
    json_t *root = json_object();
    json_t *errors = json_array(), *warnings = json_array();
    for (size_t i = 0; i < errs->n; i++) {
        const struct gg_err *e = &errs->items[i];
        json_array_append_new(e->sev == GG_SEV_WARNING ? warnings : errors, json_entry(e));
    }
    json_object_set_new(root, "objects", json_integer((json_int_t)objects));
    json_object_set_new(root, "errors", errors);
    json_object_set_new(root, "warnings", warnings);
    if (errs->dropped)
        json_object_set_new(root, "truncated", json_integer((json_int_t)errs->dropped));
    if (json_array_size(load_errors))
        json_object_set(root, "inputErrors", load_errors);
    char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    puts(s);
    gg_json_free(s);
    json_decref(root);
}

int gg_cmd_check(int argc, char **argv)
{
    static const struct option opts[] = {{"policy", required_argument, NULL, 'p'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"max-errors", required_argument, NULL, 'm'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *policy = NULL, *format = "text";
    long max_errors = GG_ERRS_DEFAULT_LIMIT;
    int quiet = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            policy = optarg;
            break;
        case 'o':
            format = optarg;
            break;
        case 'm':
            max_errors = strtol(optarg, NULL, 10);
            if (max_errors <= 0) {
                fprintf(stderr, "gateguard check: --max-errors needs a positive number\n");
                return 2;
            }
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (strcmp(format, "text") && strcmp(format, "json")) {
        fprintf(stderr, "gateguard check: unknown output format \"%s\" (text or json)\n", format);
        return 2;
    }
    if (optind >= argc) {
        fprintf(stderr, "gateguard check: no PATH given\n\n");
        usage(stderr);
        return 2;
    }
    char err[1024];
    struct gg_policy *pol = NULL;
    if (policy) {
        /* a policy that does not parse is refused, never half-applied */
        pol = gg_policy_load(policy, err, sizeof(err));
        if (!pol) {
            fprintf(stderr, "gateguard check: --policy: %s\n", err);
            return 2;
        }
    }
    if (gg_validate_init(err, sizeof(err)) < 0) {
        fprintf(stderr, "gateguard check: %s\n", err);
        gg_policy_unref(pol);
        return 2;
    }

    int rc = 0;
    json_t *load_errors = json_array();
    struct gg_docs docs;
    gg_docs_init(&docs);
    for (int i = optind; i < argc; i++) {
        if (gg_load_path(&docs, argv[i], err, sizeof(err)) < 0) {
            fprintf(stderr, "%s\n", err);
            json_array_append_new(load_errors, json_string(err));
            rc = 2;
        }
    }

    struct gg_errs errs;
    gg_errs_init(&errs);
    errs.limit = (size_t)max_errors;
    struct gg_check_stats st;
    gg_check_docs(&docs, pol, &errs, &st);
    size_t objects = st.objects;
    if (st.input_errors)
        rc = 2;

    if (!strcmp(format, "json")) {
        print_json(&errs, objects, load_errors);
    } else {
        print_text(&errs, quiet);
        if (errs.dropped)
            printf("... %zu more findings not shown (--max-errors)\n", errs.dropped);
        if (!quiet)
            fprintf(stderr, "%zu objects checked: %zu errors, %zu warnings\n", objects,
                    errs.n_errors, gg_errs_count(&errs, GG_SEV_WARNING));
    }
    if (rc == 0 && errs.n_errors)
        rc = 1;
    json_decref(load_errors);
    gg_errs_clear(&errs);
    gg_docs_clear(&docs);
    gg_policy_unref(pol);
    return rc;
}
