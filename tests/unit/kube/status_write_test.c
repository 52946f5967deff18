/* SPDX-License-Identifier: Apache-2.0 */
/* What a status write sends: the /status path per kind, and a merge patch
 * that holds only status and removes the fields we no longer set. Writes
 * themselves go to a real kube-apiserver in tests/integration/status_kube.sh. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "kube/status_write.h"

Test(status_write, paths_name_the_status_subresource)
{
    char *p = gg_kube_status_path(GG_KIND_HTTPROUTE, "apps", "web");
    cr_expect_str_eq(p, "/apis/gateway.networking.k8s.io/v1/namespaces/apps/httproutes/web/status");
    free(p);
    p = gg_kube_status_path(GG_KIND_GATEWAYCLASS, "", "gg");
    cr_expect_str_eq(p, "/apis/gateway.networking.k8s.io/v1/gatewayclasses/gg/status");
    free(p);
    cr_expect_null(gg_kube_status_path(GG_KIND_SERVICE, "apps", "web"));
}

Test(status_write, patch_carries_status_only_and_clears_dropped_fields)
{
    json_t *want = json_pack("{s:[]}", "conditions");
    json_t *live = json_pack("{s:[],s:[]}", "conditions", "addresses");
    json_t *body = gg_kube_status_patch_body(want, live);
    json_t *expect = json_pack("{s:{s:[],s:n}}", "status", "conditions", "addresses");
    cr_expect(json_equal(body, expect), "%s", json_dumps(body, 0));
    cr_expect_eq(json_object_size(body), 1);
    json_decref(expect);
    json_decref(body);
    body = gg_kube_status_patch_body(want, NULL);
    cr_expect_eq(json_object_size(json_object_get(body, "status")), 1);
    json_decref(body);
    json_decref(live);
    json_decref(want);
}
