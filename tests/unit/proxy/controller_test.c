/* SPDX-License-Identifier: Apache-2.0 */
/* The status controller's loop with a counting writer: only what differs
 * from the live and the written status is written; a drifted live status
 * is written again; only the leader writes; and the kubectl-style YAML. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "proxy/controller.h"
#include "validation/store.h"
#include "tests/unit/validation/yaml_helper.h"

static const char gc_yaml[] = "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\n"
                              "metadata: {name: gg, generation: 3}\n"
                              "spec: {controllerName: gateguard.dev/gateway-controller}\n";

struct counter {
    atomic_int writes;
    json_t *last; /* the last status written, guarded by writes' ordering */
    pthread_mutex_t lock;
};

static int count_write(void *ctx, const struct gg_status_entry *e, const json_t *live, char *err,
                       size_t errlen)
{
    (void)live;
    (void)err;
    (void)errlen;
    struct counter *c = ctx;
    pthread_mutex_lock(&c->lock);
    json_decref(c->last);
    c->last = json_deep_copy(e->status);
    pthread_mutex_unlock(&c->lock);
    atomic_fetch_add(&c->writes, 1);
    return 0;
}

static bool never_leader(void *ctx)
{
    (void)ctx;
    return false;
}

/* Waits until the controller has finished <n> rounds (bounded). */
static void wait_computations(struct gg_controller *c, size_t n)
{
    struct gg_controller_stats st;
    for (int i = 0; i < 2000; i++) {
        gg_controller_stats(c, &st);
        if (st.rounds >= n)
            return;
        nanosleep(&(struct timespec){0, 5000000}, NULL);
    }
    cr_assert_fail("only %zu rounds, want %zu", st.rounds, n);
}

static struct gg_store *store_with_class(json_t **obj)
{
    struct gg_store *s = gg_store_new();
    *obj = test_yaml(gc_yaml);
    cr_assert_eq(gg_store_put_json(s, *obj), 0);
    return s;
}

Test(controller, writes_once_then_only_when_the_live_status_drifts)
{
    json_t *obj;
    struct gg_store *s = store_with_class(&obj);
    struct counter cnt = {0};
    pthread_mutex_init(&cnt.lock, NULL);
    struct gg_controller_config cfg = {
        .store = s, .write = count_write, .write_ctx = &cnt, .debounce_ms = 1};
    struct gg_controller *c = gg_controller_new(&cfg);
    json_t *objs = json_pack("[O]", obj);
    gg_controller_observe(c, GG_SOURCE_REPLACE, NULL, objs);
    wait_computations(c, 1);
    cr_expect_eq(atomic_load(&cnt.writes), 1);

    /* the watch echoes our write back: nothing to do */
    pthread_mutex_lock(&cnt.lock);
    json_t *echo = json_deep_copy(obj);
    json_object_set(echo, "status", cnt.last);
    pthread_mutex_unlock(&cnt.lock);
    gg_controller_observe(c, GG_SOURCE_UPSERT, "GatewayClass", echo);
    wait_computations(c, 2);
    cr_expect_eq(atomic_load(&cnt.writes), 1);

    /* someone else rewrote it: ours goes back */
    json_t *drift = json_deep_copy(obj);
    json_object_set_new(drift, "status", json_pack("{s:[]}", "conditions"));
    gg_controller_observe(c, GG_SOURCE_UPSERT, "GatewayClass", drift);
    wait_computations(c, 3);
    cr_expect_eq(atomic_load(&cnt.writes), 2);

    struct gg_buf b;
    gg_buf_init(&b);
    gg_controller_status_json(c, &b);
    cr_expect(strstr(b.data, "\"kind\": \"GatewayClass\""), "%s", b.data);
    gg_buf_clear(&b);
    gg_controller_free(c);
    json_decref(drift);
    json_decref(echo);
    json_decref(objs);
    json_decref(obj);
    json_decref(cnt.last);
    gg_store_free(s);
}

Test(controller, a_follower_computes_but_never_writes)
{
    json_t *obj;
    struct gg_store *s = store_with_class(&obj);
    struct counter cnt = {0};
    pthread_mutex_init(&cnt.lock, NULL);
    struct gg_controller_config cfg = {.store = s,
                                       .write = count_write,
                                       .write_ctx = &cnt,
                                       .elect = never_leader,
                                       .debounce_ms = 1,
                                       .elect_interval_ms = 10};
    struct gg_controller *c = gg_controller_new(&cfg);
    json_t *objs = json_pack("[O]", obj);
    gg_controller_observe(c, GG_SOURCE_REPLACE, NULL, objs);
    wait_computations(c, 1);
    struct gg_controller_stats st;
    gg_controller_stats(c, &st);
    cr_expect_not(st.is_leader);
    cr_expect_eq(atomic_load(&cnt.writes), 0);
    gg_controller_free(c);
    json_decref(objs);
    json_decref(obj);
    gg_store_free(s);
}

Test(controller, prints_statuses_as_kubectl_yaml)
{
    json_t *obj;
    struct gg_store *s = store_with_class(&obj);
    struct gg_controller_config cfg = {.store = s};
    struct gg_controller *c = gg_controller_new(&cfg);
    struct gg_status_set set;
    gg_controller_compute(c, &set);
    struct gg_buf b;
    gg_buf_init(&b);
    gg_status_set_yaml(&set, &b);
    cr_expect(strncmp(b.data,
                      "apiVersion: v1\nitems:\n- apiVersion: gateway.networking.k8s.io/v1\n"
                      "  kind: GatewayClass\n  metadata:\n    generation: 3\n    name: gg\n"
                      "  status:\n    conditions:\n    - lastTransitionTime: \"",
                      strlen("apiVersion: v1\nitems:\n- apiVersion: gateway.networking.k8s.io/v1\n"
                             "  kind: GatewayClass\n  metadata:\n    generation: 3\n    name: gg\n"
                             "  status:\n    conditions:\n    - lastTransitionTime: \"")) == 0,
              "%s", b.data);
    cr_expect(strstr(b.data, "      status: \"True\"\n      type: Accepted\n"), "%s", b.data);
    cr_expect(strstr(b.data, "kind: List\nmetadata: {}\n"), "%s", b.data);
    gg_buf_clear(&b);
    gg_status_set_clear(&set);
    gg_controller_free(c);
    json_decref(obj);
    gg_store_free(s);
}
