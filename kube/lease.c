/* SPDX-License-Identifier: Apache-2.0 */
/* Lease-based leader election (lease.h). States: follower (is_leader
 * false) and leader. follower -> leader in gg_kube_lease_step, when the
 * Lease is missing (create), empty, or unchanged for duration_s by our
 * clock (update with the resourceVersion read); leader -> leader on each
 * successful renewal; leader -> follower when a renewal fails or someone
 * else holds the record, and in gg_kube_lease_release. */
#include "kube/lease.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* metav1.MicroTime: RFC 3339 with microseconds. */
static void micro_now(char *buf, size_t len)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char base[32];
    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, len, "%s.%06ldZ", base, (long)tv.tv_usec);
}

void gg_kube_lease_init(struct gg_kube_lease *l, struct gg_kube_client *c, const char *ns,
                        const char *name, const char *identity, int duration_s)
{
    memset(l, 0, sizeof(*l));
    l->client = c;
    l->ns = gg_xstrdup(ns);
    l->name = gg_xstrdup(name);
    l->identity = gg_xstrdup(identity);
    l->duration_s = duration_s > 0 ? duration_s : 15;
}

void gg_kube_lease_clear(struct gg_kube_lease *l)
{
    free(l->ns);
    free(l->name);
    free(l->identity);
    free(l->observed);
    memset(l, 0, sizeof(*l));
}

static json_t *lease_spec(const struct gg_kube_lease *l, const char *holder, int transitions,
                          const char *acquired)
{
    char now[40];
    micro_now(now, sizeof(now));
    return json_pack("{s:s,s:i,s:s,s:s,s:i}", "holderIdentity", holder, "leaseDurationSeconds",
                     *holder ? l->duration_s : 1, "acquireTime", acquired ? acquired : now,
                     "renewTime", now, "leaseTransitions", transitions);
}

static int create(struct gg_kube_lease *l, char *err, size_t errlen)
{
    char *path = gg_xasprintf("/apis/coordination.k8s.io/v1/namespaces/%s/leases", l->ns);
    json_t *body = json_pack("{s:s,s:s,s:{s:s,s:s},s:o}", "apiVersion", "coordination.k8s.io/v1",
                             "kind", "Lease", "metadata", "name", l->name, "namespace", l->ns,
                             "spec", lease_spec(l, l->identity, 0, NULL));
    long status;
    int rc = gg_kube_send_json(l->client, "POST", path, "application/json", body, 10, NULL, &status,
                               err, errlen);
    json_decref(body);
    free(path);
    l->is_leader = rc == 0;
    return status == 409 ? 0 : rc; /* another candidate created it first: follow */
}

/* PUT <lease> back with its spec replaced: the resourceVersion it carries
 * makes a concurrent change a 409, which is a lost race, not an error. */
static int update(struct gg_kube_lease *l, json_t *lease, json_t *spec, bool *won, char *err,
                  size_t errlen)
{
    json_object_set_new(lease, "spec", spec);
    char *path =
        gg_xasprintf("/apis/coordination.k8s.io/v1/namespaces/%s/leases/%s", l->ns, l->name);
    long status;
    int rc = gg_kube_send_json(l->client, "PUT", path, "application/json", lease, 10, NULL, &status,
                               err, errlen);
    free(path);
    *won = rc == 0;
    return status == 409 ? 0 : rc;
}

int gg_kube_lease_step(struct gg_kube_lease *l, char *err, size_t errlen)
{
    char *path =
        gg_xasprintf("/apis/coordination.k8s.io/v1/namespaces/%s/leases/%s", l->ns, l->name);
    json_t *lease = NULL;
    long status;
    int rc = gg_kube_get_json(l->client, path, NULL, 10, &lease, &status, err, errlen);
    free(path);
    if (rc == GG_KUBE_EHTTP && status == 404)
        return create(l, err, errlen);
    if (rc) {
        l->is_leader = false;
        return rc;
    }
    json_t *spec = json_object_get(lease, "spec");
    const char *holder = json_string_value(json_object_get(spec, "holderIdentity"));
    const char *renew = json_string_value(json_object_get(spec, "renewTime"));
    const char *acquired = json_string_value(json_object_get(spec, "acquireTime"));
    int transitions = (int)json_integer_value(json_object_get(spec, "leaseTransitions"));
    char *record = gg_xasprintf("%s|%s", holder ? holder : "", renew ? renew : "");
    int64_t now = mono_ms();
    if (!l->observed || strcmp(l->observed, record) != 0) {
        free(l->observed);
        l->observed = record;
        l->observed_ms = now;
    } else {
        free(record);
    }
    bool mine = holder && strcmp(holder, l->identity) == 0;
    bool vacant = !holder || !*holder;
    bool expired = now - l->observed_ms > (int64_t)l->duration_s * 1000;
    bool won = false;
    if (mine)
        rc = update(l, lease, lease_spec(l, l->identity, transitions, acquired), &won, err, errlen);
    else if (vacant || expired)
        rc = update(l, lease, lease_spec(l, l->identity, transitions + 1, NULL), &won, err, errlen);
    l->is_leader = won;
    json_decref(lease);
    return rc;
}

int gg_kube_lease_release(struct gg_kube_lease *l, char *err, size_t errlen)
{
    if (!l->is_leader)
        return 0;
    l->is_leader = false;
    char *path =
        gg_xasprintf("/apis/coordination.k8s.io/v1/namespaces/%s/leases/%s", l->ns, l->name);
    json_t *lease = NULL;
    long status;
    int rc = gg_kube_get_json(l->client, path, NULL, 10, &lease, &status, err, errlen);
    free(path);
    if (rc)
        return rc;
    json_t *spec = json_object_get(lease, "spec");
    const char *holder = json_string_value(json_object_get(spec, "holderIdentity"));
    bool won = false;
    if (holder && strcmp(holder, l->identity) == 0)
        rc = update(l, lease,
                    lease_spec(l, "",
                               (int)json_integer_value(json_object_get(spec, "leaseTransitions")),
                               NULL),
                    &won, err, errlen);
    json_decref(lease);
    return rc;
}
