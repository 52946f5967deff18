/* SPDX-License-Identifier: Apache-2.0 */
/* The fixture table: every tests/cases/<kind>/<case>.yaml is checked as
 * `gateguard check` would check it, and its findings must equal
 * <case>.want line for line. A new rule is one new pair of files. A
 * <case>.policy next to the case is its ownership policy (--policy). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "validation/check.h"
#include "validation/load.h"
#include "validation/policy.h"
#include "validation/validate.h"
#include "validation/xalloc.h"

#ifndef GG_CASES_DIR
#define GG_CASES_DIR "tests/cases"
#endif

struct fixture {
    char *yaml; /* path, cr_malloc'd */
};

static char *cr_strdup(const char *s)
{
    char *p = cr_malloc(strlen(s) + 1);
    strcpy(p, s);
    return p;
}

static void collect(const char *dir, struct fixture **out, size_t *n, size_t *cap)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        struct stat st;
        if (stat(path, &st) < 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            collect(path, out, n, cap);
            continue;
        }
        size_t len = strlen(path);
        if (len < 5 || strcmp(path + len - 5, ".yaml"))
            continue;
        if (*n == *cap) {
            size_t ncap = *cap ? *cap * 2 : 64;
            struct fixture *grown = cr_malloc(ncap * sizeof(*grown));
            if (*n)
                memcpy(grown, *out, *n * sizeof(*grown));
            if (*out)
                cr_free(*out);
            *out = grown;
            *cap = ncap;
        }
        (*out)[(*n)++].yaml = cr_strdup(path);
    }
    closedir(d);
}

static int cmp_fixture(const void *a, const void *b)
{
    return strcmp(((const struct fixture *)a)->yaml, ((const struct fixture *)b)->yaml);
}

static void free_fixtures(struct criterion_test_params *p)
{
    struct fixture *f = p->params;
    for (size_t i = 0; i < p->length; i++)
        cr_free(f[i].yaml);
    cr_free(f);
}

ParameterizedTestParameters(fixtures, match_their_want_files)
{
    struct fixture *all = NULL;
    size_t n = 0, cap = 0;
    collect(GG_CASES_DIR, &all, &n, &cap);
    if (n)
        qsort(all, n, sizeof(*all), cmp_fixture);
    return cr_make_param_array(struct fixture, all, n, free_fixtures);
}

/* Fixtures outside cross/ test one object's rules: they run with every
 * cross-object check off, so a route fixture without its Gateway does not
 * also list "Gateway not found". cross/ fixtures run with all checks on. */
static struct gg_policy *single_object_policy(void)
{
    struct gg_buf b;
    gg_buf_init(&b);
    gg_buf_adds(&b, "checks:\n");
    for (int i = 0; i < GG_CHECK_COUNT; i++)
        gg_buf_addf(&b, "  %s: \"off\"\n", gg_check_name((enum gg_check_id)i));
    char err[256];
    struct gg_policy *p = gg_policy_parse("single-object.policy", b.data, b.len, err, sizeof(err));
    cr_assert_not_null(p, "%s", err);
    gg_buf_clear(&b);
    return p;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct gg_buf b;
    gg_buf_init(&b);
    char chunk[8192];
    size_t k;
    while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0)
        gg_buf_add(&b, chunk, k);
    fclose(f);
    *len = b.len;
    return gg_buf_take(&b);
}

ParameterizedTest(struct fixture *fx, fixtures, match_their_want_files)
{
    char err[1024];
    cr_assert_eq(gg_validate_init(err, sizeof(err)), 0, "%s", err);
    size_t ylen = 0, wlen = 0;
    char *yaml = slurp(fx->yaml, &ylen);
    cr_assert_not_null(yaml, "cannot read %s", fx->yaml);
    char want_path[4096];
    snprintf(want_path, sizeof(want_path), "%.*s.want", (int)(strlen(fx->yaml) - 5), fx->yaml);
    char *want = slurp(want_path, &wlen);
    cr_assert_not_null(want, "%s has no .want file", fx->yaml);

    const char *base = strrchr(fx->yaml, '/');
    base = base ? base + 1 : fx->yaml;
    struct gg_docs docs;
    gg_docs_init(&docs);
    struct gg_buf got;
    gg_buf_init(&got);
    if (gg_load_buffer(&docs, base, yaml, ylen, err, sizeof(err)) < 0) {
        gg_buf_addf(&got, "load error: %s\n", err);
    } else {
        /* <case>.policy, when present, is the ownership policy for the case */
        char policy_path[4096];
        snprintf(policy_path, sizeof(policy_path), "%.*s.policy", (int)(strlen(fx->yaml) - 5),
                 fx->yaml);
        struct gg_policy *pol = NULL;
        if (access(policy_path, R_OK) == 0) {
            pol = gg_policy_load(policy_path, err, sizeof(err));
            cr_assert_not_null(pol, "%s", err);
        } else if (!strstr(fx->yaml, "/cross/")) {
            pol = single_object_policy();
        }
        struct gg_errs errs;
        gg_errs_init(&errs);
        struct gg_check_stats st;
        gg_check_docs(&docs, pol, &errs, &st);
        for (size_t i = 0; i < errs.n; i++) {
            gg_err_render_line(&errs.items[i], &got);
            gg_buf_addc(&got, '\n');
        }
        gg_errs_clear(&errs);
        gg_policy_unref(pol);
    }
    cr_expect_str_eq(got.data ? got.data : "", want, "%s: findings differ from %s\n--- got\n%s",
                     fx->yaml, want_path, got.data ? got.data : "");
    gg_buf_clear(&got);
    gg_docs_clear(&docs);
    free(yaml);
    free(want);
}
