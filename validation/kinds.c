/* SPDX-License-Identifier: Apache-2.0 */
/* The kind table and the loading of the CRDs compiled into the binary
 * (build/gen/crds_blob.c, taken from the sigs.k8s.io/gateway-api module). */
#include "kinds.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "lint.h"
#include "load.h"
#include "schema.h"
#include "xalloc.h"

extern const unsigned char gg_crds_yaml[];
extern const size_t gg_crds_yaml_len;

#define GROUP "gateway.networking.k8s.io"

static struct gg_kind kinds[] = {
    {.group = GROUP,
     .kind = "GatewayClass",
     .plural = "gatewayclasses",
     .namespaced = false,
     .extra = NULL},
    {.group = GROUP,
     .kind = "Gateway",
     .plural = "gateways",
     .namespaced = true,
     .extra = gg_lint_gateway},
    {.group = GROUP,
     .kind = "HTTPRoute",
     .plural = "httproutes",
     .namespaced = true,
     .extra = gg_lint_httproute},
    {.group = GROUP,
     .kind = "GRPCRoute",
     .plural = "grpcroutes",
     .namespaced = true,
     .extra = gg_lint_grpcroute},
    {.group = GROUP,
     .kind = "ReferenceGrant",
     .plural = "referencegrants",
     .namespaced = true,
     .extra = NULL},
    {.group = GROUP,
     .kind = "ListenerSet",
     .plural = "listenersets",
     .namespaced = true,
     .extra = gg_lint_listenerset},
    {.group = GROUP, .kind = "TLSRoute", .plural = "tlsroutes", .namespaced = true, .extra = NULL},
    {.group = GROUP, .kind = "TCPRoute", .plural = "tcproutes", .namespaced = true, .extra = NULL},
    {.group = GROUP, .kind = "UDPRoute", .plural = "udproutes", .namespaced = true, .extra = NULL},
    {.group = GROUP,
     .kind = "BackendTLSPolicy",
     .plural = "backendtlspolicies",
     .namespaced = true,
     .extra = NULL},
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_rc;
static char init_err[512];

static struct gg_kind *by_crd(const json_t *crd)
{
    const json_t *spec = json_object_get(crd, "spec");
    const char *group = json_string_value(json_object_get(spec, "group"));
    const char *kind = json_string_value(json_object_get(json_object_get(spec, "names"), "kind"));
    for (size_t i = 0; group && kind && i < NKINDS; i++)
        if (!strcmp(kinds[i].group, group) && !strcmp(kinds[i].kind, kind))
            return &kinds[i];
    return NULL;
}

static int load_crd(struct gg_kind *k, const json_t *crd)
{
    const json_t *versions = json_object_get(json_object_get(crd, "spec"), "versions");
    size_t i;
    json_t *v;
    const json_t *schema = NULL;
    json_array_foreach(versions, i, v)
    {
        if (!json_is_true(json_object_get(v, "served")) || k->nversions == 4)
            continue;
        k->versions[k->nversions++] = gg_xstrdup(json_string_value(json_object_get(v, "name")));
        /* every served version of these CRDs carries the same schema */
        if (!schema)
            schema = json_object_get(json_object_get(v, "schema"), "openAPIV3Schema");
    }
    if (!schema) {
        snprintf(init_err, sizeof(init_err), "CRD for %s has no served schema", k->kind);
        return -1;
    }
    char err[256];
    k->schema = gg_schema_compile(schema, err, sizeof(err));
    if (!k->schema) {
        snprintf(init_err, sizeof(init_err), "CRD for %s: %s", k->kind, err);
        return -1;
    }
    return 0;
}

static void init_once(void)
{
    struct gg_docs docs;
    gg_docs_init(&docs);
    char err[256];
    if (gg_load_buffer(&docs, "<embedded CRDs>", (const char *)gg_crds_yaml, gg_crds_yaml_len, err,
                       sizeof(err)) < 0) {
        snprintf(init_err, sizeof(init_err), "%s", err);
        init_rc = -1;
        goto out;
    }
    for (size_t i = 0; i < docs.n; i++) {
        struct gg_kind *k = by_crd(docs.items[i].obj);
        if (k && !k->schema && load_crd(k, docs.items[i].obj) < 0) {
            init_rc = -1;
            goto out;
        }
    }
    for (size_t i = 0; i < NKINDS; i++)
        if (!kinds[i].schema) {
            snprintf(init_err, sizeof(init_err), "no CRD for %s in the embedded bundle",
                     kinds[i].kind);
            init_rc = -1;
            goto out;
        }
out:
    gg_docs_clear(&docs);
}

int gg_kinds_init(char *err, size_t errlen)
{
    pthread_once(&once, init_once);
    if (init_rc < 0 && err)
        snprintf(err, errlen, "%s", init_err);
    return init_rc;
}

const struct gg_kind *gg_kinds_find(const char *api_version, const char *kind)
{
    if (!api_version || !kind || gg_kinds_init(NULL, 0) < 0)
        return NULL;
    const char *slash = strchr(api_version, '/');
    if (!slash)
        return NULL;
    size_t glen = (size_t)(slash - api_version);
    for (size_t i = 0; i < NKINDS; i++) {
        const struct gg_kind *k = &kinds[i];
        if (strcmp(k->kind, kind) || strlen(k->group) != glen ||
            strncmp(k->group, api_version, glen))
            continue;
        for (size_t v = 0; v < k->nversions; v++)
            if (!strcmp(k->versions[v], slash + 1))
                return k;
        return NULL;
    }
    return NULL;
}

const struct gg_kind *gg_kinds_at(size_t i)
{
    if (gg_kinds_init(NULL, 0) < 0 || i >= NKINDS)
        return NULL;
    return &kinds[i];
}

size_t gg_kinds_count(void)
{
    return NKINDS;
}
