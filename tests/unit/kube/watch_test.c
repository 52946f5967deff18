/* SPDX-License-Identifier: Apache-2.0 */
/* The API source where no API server answers: what it reports and that it
 * stops. Everything with a server is in tests/integration/kube_source.sh,
 * against a real kube-apiserver. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "kube/watch.h"

struct rec {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int error, other, with_kind;
    char msg[1024];
};

static void record(void *ctx, enum gg_source_event ev, const char *kind, const json_t *obj,
                   const char *message)
{
    (void)obj;
    struct rec *r = ctx;
    pthread_mutex_lock(&r->mu);
    if (ev == GG_SOURCE_ERROR) {
        if (r->error++ == 0)
            snprintf(r->msg, sizeof(r->msg), "%s", message);
        r->with_kind += kind != NULL;
    } else {
        r->other++;
    }
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

static int wait_errors(struct rec *r, int want)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 30;
    pthread_mutex_lock(&r->mu);
    while (r->error < want && pthread_cond_timedwait(&r->cv, &r->mu, &until) == 0)
        ;
    int got = r->error;
    pthread_mutex_unlock(&r->mu);
    return got;
}

Test(kube_source, an_unreachable_server_is_one_error_and_never_synced, .timeout = 60)
{
    struct rec r = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
    struct gg_kube_config cfg;
    gg_kube_config_init(&cfg);
    cfg.server = strdup("https://127.0.0.1:1"); /* nothing listens on port 1 */
    struct gg_kube_watch_opts opts = {.backoff_initial_ms = 5, .backoff_max_ms = 20};
    char err[256];
    struct gg_source *s = gg_source_kube_new_opts(&cfg, &opts, record, &r, err, sizeof(err));
    gg_kube_config_clear(&cfg);
    cr_assert(s, "%s", err);
    cr_assert_eq(wait_errors(&r, 1), 1);
    cr_expect_not(gg_source_is_synced(s));
    gg_source_free(s); /* while retrying: joins */
    cr_expect_eq(r.error, 1, "nine kinds retrying, one outage: one ERROR");
    cr_expect_eq(r.with_kind, 0, "an outage is no one kind's");
    cr_expect_eq(r.other, 0);
    cr_expect(strstr(r.msg, "127.0.0.1"), "%s", r.msg);
    cr_expect(strstr(r.msg, "serving the last state and retrying"), "%s", r.msg);
}

Test(kube_source, an_unreadable_token_is_an_error_per_kind, .timeout = 60)
{
    struct rec r = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
    struct gg_kube_config cfg;
    gg_kube_config_init(&cfg);
    cfg.server = strdup("https://127.0.0.1:1");
    cfg.token_file = strdup("/nonexistent/token");
    char err[256];
    struct gg_source *s = gg_source_kube_new(&cfg, record, &r, err, sizeof(err));
    gg_kube_config_clear(&cfg);
    cr_assert(s, "%s", err);
    cr_assert_eq(wait_errors(&r, 9), 9);
    gg_source_free(s);
    cr_expect_eq(r.error, 9, "told once per kind, not per retry");
    cr_expect_eq(r.with_kind, 9);
    cr_expect_str_eq(r.msg, "Namespace: GET /api/v1/namespaces?limit=500: /nonexistent/token: No "
                            "such file or directory; retrying");
    gg_source_free(NULL);
}

Test(kube_source, endpointslices_are_asked_for_only_when_wanted, .timeout = 60)
{
    struct rec r = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
    struct gg_kube_config cfg;
    gg_kube_config_init(&cfg);
    cfg.server = strdup("https://127.0.0.1:1");
    cfg.token_file = strdup("/nonexistent/token");
    struct gg_kube_watch_opts opts = {.watch_endpoints = true, .secret_data = true};
    char err[256];
    struct gg_source *s = gg_source_kube_new_opts(&cfg, &opts, record, &r, err, sizeof(err));
    gg_kube_config_clear(&cfg);
    cr_assert(s, "%s", err);
    cr_assert_eq(wait_errors(&r, 10), 10);
    gg_source_free(s);
    cr_expect_eq(r.error, 10, "nine kinds and EndpointSlices, told once each");
    cr_expect_eq(r.with_kind, 10);
}
