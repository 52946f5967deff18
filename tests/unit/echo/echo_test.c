/* SPDX-License-Identifier: Apache-2.0 */
/* The echo backend's pure parts, Go's header-name canonical form and Go's
 * duration syntax, and one real server on a free port of 127.0.0.1 answering
 * over a socket. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "echo/echo.h"

static void canon(const char *in, const char *want)
{
    char out[128];
    gg_echo_canonical_name(in, out);
    cr_assert_str_eq(out, want, "%s", in);
}

Test(echo, canonical_names_as_go)
{
    canon("x-forwarded-for", "X-Forwarded-For");
    canon("CONTENT-TYPE", "Content-Type");
    canon("x", "X");
    canon("a--b", "A--B");
    canon("x_y", "X_y");
    canon("1a-b2", "1a-B2");
    canon("bad name", "bad name"); /* not a token: left alone */
    canon("", "");
}

Test(echo, durations_as_go)
{
    cr_assert_eq(gg_echo_parse_duration("1s"), 1000000000LL);
    cr_assert_eq(gg_echo_parse_duration("250ms"), 250000000LL);
    cr_assert_eq(gg_echo_parse_duration("1.5s"), 1500000000LL);
    cr_assert_eq(gg_echo_parse_duration("1m30s"), 90000000000LL);
    cr_assert_eq(gg_echo_parse_duration("10us"), 10000LL);
    cr_assert_eq(gg_echo_parse_duration("0"), 0);
    cr_assert_eq(gg_echo_parse_duration(""), -1);
    cr_assert_eq(gg_echo_parse_duration("5"), -1);
    cr_assert_eq(gg_echo_parse_duration("-1s"), -1);
    cr_assert_eq(gg_echo_parse_duration("1x"), -1);
    cr_assert_eq(gg_echo_parse_duration("s"), -1);
    cr_assert_eq(gg_echo_parse_duration("99999999999h"), -1);
}

static char *roundtrip(const char *addr, const char *req)
{
    char host[64];
    const char *colon = strrchr(addr, ':');
    memcpy(host, addr, (size_t)(colon - addr));
    host[colon - addr] = 0;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(colon + 1))};
    inet_pton(AF_INET, host, &sa.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    cr_assert_eq(write(fd, req, strlen(req)), (ssize_t)strlen(req));
    static char buf[16384];
    size_t n = 0;
    ssize_t r;
    while (n < sizeof(buf) - 1 && (r = read(fd, buf + n, sizeof(buf) - 1 - n)) > 0)
        n += (size_t)r;
    buf[n] = 0;
    close(fd);
    return buf;
}

Test(echo, answers_in_echo_basic_shape)
{
    const char *listen[] = {"127.0.0.1:0"};
    struct gg_echo_config cfg = {.listen = listen,
                                 .nlisten = 1,
                                 .pod = "infra-backend-v1-abc",
                                 .ns = "gateway-conformance-infra"};
    char err[256];
    struct gg_echo *e = gg_echo_start(&cfg, err, sizeof(err));
    cr_assert_not_null(e, "%s", err);
    char *resp = roundtrip(gg_echo_bound(e, 0),
                           "GET /a%2Fb?q=1 HTTP/1.1\r\nHost: example.com\r\nx-one: 1\r\n"
                           "X-ONE: 2\r\nX-Echo-Set-Header: X-Out:v\r\nConnection: close\r\n\r\n");
    cr_assert(!strncmp(resp, "HTTP/1.1 200", 12), "%s", resp);
    cr_assert_not_null(strstr(resp, "\r\nX-Out: v\r\n"), "%s", resp);
    json_error_t je;
    json_t *o = json_loads(strstr(resp, "\r\n\r\n") + 4, 0, &je);
    cr_assert_not_null(o, "%s", je.text);
    cr_assert_str_eq(json_string_value(json_object_get(o, "path")), "/a%2Fb?q=1");
    cr_assert_str_eq(json_string_value(json_object_get(o, "host")), "example.com");
    cr_assert_str_eq(json_string_value(json_object_get(o, "method")), "GET");
    cr_assert_str_eq(json_string_value(json_object_get(o, "proto")), "HTTP/1.1");
    cr_assert_str_eq(json_string_value(json_object_get(o, "pod")), "infra-backend-v1-abc");
    cr_assert_str_eq(json_string_value(json_object_get(o, "namespace")),
                     "gateway-conformance-infra");
    json_t *h = json_object_get(o, "headers");
    cr_assert_null(json_object_get(h, "Host"));
    json_t *one = json_object_get(h, "X-One");
    cr_assert_eq(json_array_size(one), 2);
    cr_assert_str_eq(json_string_value(json_array_get(one, 0)), "1");
    cr_assert_str_eq(json_string_value(json_array_get(one, 1)), "2");
    json_decref(o);

    resp = roundtrip(gg_echo_bound(e, 0), "GET /status/503 HTTP/1.1\r\nHost: x\r\n"
                                          "Connection: close\r\n\r\n");
    cr_assert(!strncmp(resp, "HTTP/1.1 503", 12), "%s", resp);
    resp = roundtrip(gg_echo_bound(e, 0), "GET /?delay=nope HTTP/1.1\r\nHost: x\r\n"
                                          "Connection: close\r\n\r\n");
    cr_assert(!strncmp(resp, "HTTP/1.1 500", 12), "%s", resp);
    cr_assert_not_null(strstr(resp, "invalid duration"), "%s", resp);
    gg_echo_stop(e);
}

Test(echo, refuses_bad_addresses)
{
    const char *bad[] = {"127.0.0.1", "nohost:80", "127.0.0.1:99999", "[::1:80", ":80"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct gg_echo_config cfg = {.listen = &bad[i], .nlisten = 1};
        char err[256] = "";
        cr_assert_null(gg_echo_start(&cfg, err, sizeof(err)), "%s", bad[i]);
        cr_assert_not_null(strstr(err, bad[i]), "%s: %s", bad[i], err);
    }
}
