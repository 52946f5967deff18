/* SPDX-License-Identifier: Apache-2.0 */
/* Status writes through the /status subresource (status_write.h). A merge
 * patch needs no resourceVersion, so a write never loses to an unrelated
 * spec change; a 409 (an admission plugin or a conversion racing) is
 * retried all the same, as are 429 and 5xx, with doubling delays. */
#include "kube/status_write.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *plural(enum gg_model_kind kind)
{
    switch (kind) {
    case GG_KIND_GATEWAYCLASS:
        return "gatewayclasses";
    case GG_KIND_GATEWAY:
        return "gateways";
    case GG_KIND_LISTENERSET:
        return "listenersets";
    case GG_KIND_HTTPROUTE:
        return "httproutes";
    case GG_KIND_GRPCROUTE:
        return "grpcroutes";
    default:
        return NULL;
    }
}

char *gg_kube_status_path(enum gg_model_kind kind, const char *ns, const char *name)
{
    const char *p = plural(kind);
    if (!p)
        return NULL;
    if (!gg_model_kind_is_namespaced(kind))
        return gg_xasprintf("/apis/" GG_GROUP "/v1/%s/%s/status", p, name);
    return gg_xasprintf("/apis/" GG_GROUP "/v1/namespaces/%s/%s/%s/status", ns, p, name);
}

json_t *gg_kube_status_patch_body(const json_t *status, const json_t *live)
{
    json_t *st = json_deep_copy(status);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)live, k, v)
    {
        if (!json_object_get(st, k))
            json_object_set_new(st, k, json_null());
    }
    json_t *body = json_object();
    json_object_set_new(body, "status", st); /* steals st */
    return body;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static bool retryable(int rc, long status)
{
    if (rc == GG_KUBE_ENET)
        return true;
    return rc == GG_KUBE_EHTTP && (status == 409 || status == 429 || status >= 500);
}

int gg_kube_status_write(struct gg_kube_client *c, enum gg_model_kind kind, const char *ns,
                         const char *name, const json_t *status, const json_t *live,
                         long *http_status, char *err, size_t errlen)
{
    char *path = gg_kube_status_path(kind, ns, name);
    int rc = GG_KUBE_ECONFIG;
    *http_status = 0;
    if (!path) {
        gg_seterr(err, errlen, "%s %s/%s: no status subresource is written for this kind",
                  gg_model_kind_name(kind), ns, name);
        return rc;
    }
    json_t *body = gg_kube_status_patch_body(status, live);
    long delay = GG_KUBE_STATUS_BACKOFF_MS;
    for (int attempt = 1;; attempt++) {
        rc = gg_kube_send_json(c, "PATCH", path, "application/merge-patch+json", body, 30, NULL,
                               http_status, err, errlen);
        if (rc == 0 || attempt == GG_KUBE_STATUS_ATTEMPTS || !retryable(rc, *http_status))
            break;
        sleep_ms(delay);
        delay *= 2;
    }
    json_decref(body);
    free(path);
    return rc;
}
