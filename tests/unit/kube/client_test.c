/* SPDX-License-Identifier: Apache-2.0 */
/* The client's pieces that need no server: watch event decoding, Status
 * codes, error texts and the refusal of a configuration without a server.
 * Requests themselves are tested against a real kube-apiserver in
 * tests/integration/kube_source.sh. */
#include <criterion/criterion.h>
#include <string.h>

#include "kube/client.h"

static int decode(const char *line, struct gg_kube_event *ev, char *err, size_t errlen)
{
    return gg_kube_event_decode(line, strlen(line), ev, err, errlen);
}

Test(watch_event, decodes_each_type_with_its_object)
{
    static const char *const lines[] = {
        "{\"type\":\"ADDED\",\"object\":{\"kind\":\"Service\"}}",
        "{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"Service\"}}",
        "{\"type\":\"DELETED\",\"object\":{\"kind\":\"Service\"}}",
        "{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{\"resourceVersion\":\"12\"}}}",
        "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"code\":410,"
        "\"reason\":\"Expired\"}}",
    };
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        struct gg_kube_event ev;
        char err[128];
        cr_assert_eq(decode(lines[i], &ev, err, sizeof(err)), 0, "%s", err);
        cr_expect_eq(ev.type, (enum gg_kube_event_type)i);
        cr_expect(json_is_object(ev.object));
        cr_expect_eq(ev.object->refcount, 1, "the event holds the only reference");
        if (ev.type == GG_KUBE_ERROR)
            cr_expect_eq(gg_kube_status_code(ev.object), 410);
        json_decref(ev.object);
    }
}

Test(watch_event, refuses_what_is_not_an_event)
{
    static const struct {
        const char *line, *msg;
    } cases[] = {
        {"{\"type\":\"ADDED\"", "watch event is not JSON: "},
        {"[1]", "watch event without a type"},
        {"{\"type\":\"ADDED\",\"object\":[]}", "watch event ADDED without an object"},
        {"{\"type\":\"RENAMED\",\"object\":{}}", "watch event of unknown type \"RENAMED\""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct gg_kube_event ev;
        char err[128] = "";
        cr_expect_eq(decode(cases[i].line, &ev, err, sizeof(err)), -1, "%s", cases[i].line);
        cr_expect_null(ev.object);
        cr_expect(strncmp(err, cases[i].msg, strlen(cases[i].msg)) == 0, "%s", err);
    }
}

Test(kube_status, reads_the_code_or_zero)
{
    json_t *s = json_pack("{s:i}", "code", 403);
    cr_expect_eq(gg_kube_status_code(s), 403);
    json_decref(s);
    s = json_pack("{s:s}", "code", "403");
    cr_expect_eq(gg_kube_status_code(s), 0);
    json_decref(s);
    cr_expect_eq(gg_kube_status_code(NULL), 0);
}

Test(kube_client, names_each_failure_and_needs_a_server)
{
    cr_expect_str_eq(gg_kube_strerror(GG_KUBE_EHTTP),
                     "the API server answered with an error status");
    cr_expect_str_eq(gg_kube_strerror(7), "unknown error");
    struct gg_kube_config cfg;
    gg_kube_config_init(&cfg);
    char err[128];
    cr_expect_null(gg_kube_client_new(&cfg, err, sizeof(err)));
    cr_expect_str_eq(err, "Kubernetes configuration without a server");
}
