/* SPDX-License-Identifier: Apache-2.0 */
/* The strict HTTP/1.1 parser: every accepted form, every refusal with the
 * status it gives, any split of the input, pipelining, and the chunked
 * decoder fed in every split. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/http1.h"

static int parse(const char *text, struct gg_http1_request *r)
{
    return gg_http1_parse_request(text, strlen(text), r);
}

static void refused(const char *text, int status)
{
    struct gg_http1_request r;
    int rc = parse(text, &r);
    cr_assert_lt(rc, -1, "accepted (%d): %s", rc, text);
    cr_assert_eq(gg_http1_status(rc), status, "status %d (%s) for: %s", gg_http1_status(rc),
                 r.error ? r.error : "", text);
    cr_assert_not_null(r.error);
}

static bool eq(struct gg_str s, const char *lit)
{
    return s.len == strlen(lit) && memcmp(s.ptr, lit, s.len) == 0;
}

Test(http1_request, a_simple_get)
{
    struct gg_http1_request r;
    const char *t = "GET /a/b?x=1&y HTTP/1.1\r\nHost: Example.com:8080\r\nX-A:  v  \r\n\r\n";
    cr_assert_eq(parse(t, &r), (int)strlen(t));
    cr_assert(eq(r.method, "GET") && eq(r.path, "/a/b") && eq(r.query, "x=1&y"));
    cr_assert(eq(r.host, "Example.com") && r.port == 8080);
    cr_assert_eq(r.n_headers, 2);
    cr_assert(eq(r.headers[1].value, "v"), "values are trimmed");
    cr_assert(r.keep_alive && r.body == GG_HTTP1_BODY_NONE && r.minor_version == 1);
    const struct gg_http1_header *h = gg_http1_find(r.headers, r.n_headers, "x-a");
    cr_assert(h && eq(h->value, "v"));
    cr_assert_null(gg_http1_find(r.headers, r.n_headers, "x-b"));
}

Test(http1_request, every_prefix_is_partial)
{
    const char *t = "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n";
    struct gg_http1_request r;
    for (size_t i = 0; i < strlen(t); i++)
        cr_assert_eq(gg_http1_parse_request(t, i, &r), GG_HTTP1_PARTIAL, "prefix %zu", i);
    cr_assert_eq(parse(t, &r), (int)strlen(t));
    cr_assert(r.body == GG_HTTP1_BODY_LENGTH && r.content_length == 5);
}

Test(http1_request, pipelined_requests_follow_the_head)
{
    const char *t = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n";
    struct gg_http1_request r;
    int n = parse(t, &r);
    cr_assert(n > 0 && eq(r.path, "/1"));
    cr_assert_eq(gg_http1_parse_request(t + n, strlen(t) - (size_t)n, &r), (int)strlen(t) - n);
    cr_assert(eq(r.path, "/2"));
}

Test(http1_request, versions_forms_and_connection)
{
    struct gg_http1_request r;
    cr_assert_gt(parse("GET / HTTP/1.0\r\n\r\n", &r), 0, "1.0 needs no Host");
    cr_assert_not(r.keep_alive);
    cr_assert_gt(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", &r), 0);
    cr_assert(r.keep_alive);
    cr_assert_gt(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: x, close\r\n\r\n", &r), 0);
    cr_assert_not(r.keep_alive);
    cr_assert_gt(parse("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", &r), 0);
    cr_assert(eq(r.path, "*"));
    cr_assert_gt(parse("GET http://a.example.com:81/x?q HTTP/1.1\r\nHost: other\r\n\r\n", &r), 0);
    cr_assert(eq(r.host, "a.example.com") && r.port == 81 && eq(r.path, "/x") && eq(r.query, "q"),
              "the absolute-form authority wins");
    cr_assert_gt(parse("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", &r), 0);
    cr_assert(eq(r.host, "[::1]") && r.port == 8080);
    cr_assert_gt(parse("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
                       "Transfer-Encoding: chunked\r\n\r\n",
                       &r),
                 0);
    cr_assert(r.expect_continue && r.body == GG_HTTP1_BODY_CHUNKED);
    cr_assert_gt(parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\n"
                       "Content-Length: 5\r\n\r\n",
                       &r),
                 0, "the same length repeated is one length");
    cr_assert_eq(r.content_length, 5);
}

Test(http1_request, smuggling_forms_are_refused)
{
    refused("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
            400);
    refused("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400);
    refused("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 6\r\n\r\n", 400);
    refused("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\n", 400);
    refused("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0x5\r\n\r\n", 400);
    refused("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400);
    refused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", 400);
    refused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
            "Transfer-Encoding: chunked\r\n\r\n",
            400);
    refused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: xchunked\r\n\r\n", 501);
    refused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, identity\r\n\r\n", 400);
    refused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", 501);
    refused("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding : chunked\r\n\r\n", 400);
    refused("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n folded\r\n\r\n", 400);
    refused("GET / HTTP/1.1\nHost: h\r\n\r\n", 400);
    refused("GET / HTTP/1.1\r\nHost: h\n\r\n", 400);
    refused("GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n", 400);
    refused("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\x01b\r\n\r\n", 400);
}

Test(http1_request, a_nul_byte_anywhere_in_the_head_is_refused)
{
    const char t[] = "GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n";
    struct gg_http1_request r;
    int rc = gg_http1_parse_request(t, sizeof(t) - 1, &r);
    cr_assert_eq(rc, GG_HTTP1_BAD_REQUEST, "%d", rc);
}

Test(http1_request, malformed_lines_and_hosts_are_refused)
{
    refused("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    refused("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    refused("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 400);
    refused("GET /a b HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    refused("GET /<script> HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    refused("GET /%zz HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    refused("GET a/b HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    refused("GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    refused("GET http://u@h/ HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    refused("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505);
    refused("GET / HTTP/1.2\r\nHost: h\r\n\r\n", 505);
    refused("GET / HTTX/1.1\r\nHost: h\r\n\r\n", 400);
    refused("GET / HTTP/1.1\r\n\r\n", 400);
    refused("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);
    refused("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400);
    refused("GET / HTTP/1.1\r\nHost: a:99999\r\n\r\n", 400);
    refused("GET / HTTP/1.1\r\nHost: a:\r\n\r\n", 400);
    refused("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400);
    refused("GET / HTTP/1.1\r\n: v\r\nHost: h\r\n\r\n", 400);
}

Test(http1_request, limits_give_414_and_431)
{
    size_t n = GG_HTTP1_MAX_REQUEST_LINE + 16;
    char *t = malloc(n + 64);
    memcpy(t, "GET /", 5);
    memset(t + 5, 'a', n - 5);
    t[n] = '\0';
    refused(t, 414);
    struct gg_buf_like {
        char *p;
        size_t n;
    } b = {malloc(GG_HTTP1_MAX_HEAD + 4096), 0};
    b.n += (size_t)sprintf(b.p, "GET / HTTP/1.1\r\nHost: h\r\n");
    for (int i = 0; i <= GG_HTTP1_MAX_HEADERS; i++)
        b.n += (size_t)sprintf(b.p + b.n, "X-%d: v\r\n", i);
    strcpy(b.p + b.n, "\r\n");
    refused(b.p, 431);
    b.n = (size_t)sprintf(b.p, "GET / HTTP/1.1\r\nHost: h\r\nX: ");
    memset(b.p + b.n, 'v', GG_HTTP1_MAX_HEAD);
    strcpy(b.p + b.n + GG_HTTP1_MAX_HEAD, "\r\n\r\n");
    refused(b.p, 431);
    free(b.p);
    free(t);
}

Test(http1_response, status_lines_and_framing)
{
    struct gg_http1_response r;
    const char *t = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
    cr_assert_eq(gg_http1_parse_response(t, strlen(t), false, &r), (int)strlen(t) - 3);
    cr_assert(r.status == 200 && eq(r.reason, "OK") && r.body == GG_HTTP1_BODY_LENGTH &&
              r.content_length == 3 && r.keep_alive);
    t = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n";
    cr_assert_gt(gg_http1_parse_response(t, strlen(t), true, &r), 0);
    cr_assert_eq(r.body, GG_HTTP1_BODY_NONE, "HEAD has no body");
    t = "HTTP/1.1 204\r\n\r\n";
    cr_assert_gt(gg_http1_parse_response(t, strlen(t), false, &r), 0);
    cr_assert(r.status == 204 && r.body == GG_HTTP1_BODY_NONE);
    t = "HTTP/1.0 200 OK\r\n\r\n";
    cr_assert_gt(gg_http1_parse_response(t, strlen(t), false, &r), 0);
    cr_assert(r.body == GG_HTTP1_BODY_CLOSE && !r.keep_alive);
    t = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    cr_assert_gt(gg_http1_parse_response(t, strlen(t), false, &r), 0);
    cr_assert_eq(r.body, GG_HTTP1_BODY_CHUNKED);
    const char *bad[] = {
        "HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\nX: y\r\n\r\n", "ICY 200 OK\r\n\r\n"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert_lt(gg_http1_parse_response(bad[i], strlen(bad[i]), false, &r), -1, "%s", bad[i]);
}

Test(http1_headers, hop_by_hop_includes_what_connection_lists)
{
    struct gg_http1_request r;
    cr_assert_gt(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: X-Secret, close\r\n\r\n", &r), 0);
    struct gg_str names[] = {{"Keep-Alive", 10}, {"x-secret", 8}, {"te", 2}, {"X-Other", 7}};
    cr_assert(gg_http1_is_hop_by_hop(r.headers, r.n_headers, names[0]));
    cr_assert(gg_http1_is_hop_by_hop(r.headers, r.n_headers, names[1]));
    cr_assert(gg_http1_is_hop_by_hop(r.headers, r.n_headers, names[2]));
    cr_assert_not(gg_http1_is_hop_by_hop(r.headers, r.n_headers, names[3]));
}

/* Decodes <in> fed in pieces of <step> bytes; returns the decoded body and
 * the result of the last call. */
static ssize_t decode_split(const char *in, size_t step, char *out, size_t *out_len, size_t *rest)
{
    struct gg_http1_chunked c;
    gg_http1_chunked_init(&c);
    size_t n = strlen(in), off = 0;
    *out_len = 0;
    ssize_t rc = GG_HTTP1_PARTIAL;
    char buf[512];
    while (off < n && rc == GG_HTTP1_PARTIAL) {
        size_t take = n - off < step ? n - off : step;
        memcpy(buf, in + off, take);
        size_t len = take;
        rc = gg_http1_chunked_decode(&c, buf, &len);
        memcpy(out + *out_len, buf, len);
        *out_len += len;
        off += take;
        if (rc >= 0)
            *rest = (size_t)rc + (n - off);
    }
    return rc;
}

Test(http1_chunked, decodes_in_every_split)
{
    const char *in = "5;name=value;x=\"q\"\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n"
                     "0\r\nTrailer-A: 1\r\n\r\nNEXT";
    for (size_t step = 1; step <= strlen(in); step++) {
        char out[256];
        size_t len, rest = 0;
        ssize_t rc = decode_split(in, step, out, &len, &rest);
        cr_assert_geq(rc, 0, "step %zu: %zd", step, rc);
        cr_assert_eq(len, 31, "step %zu: %zu bytes", step, len);
        cr_assert(memcmp(out, "helloabcdefghijklmnopqrstuvwxyz", 31) == 0);
        cr_assert_eq(rest, 4, "step %zu: the next request's bytes", step);
    }
    char buf[] = "0\r\n\r\nGET";
    size_t len = strlen(buf);
    struct gg_http1_chunked c;
    gg_http1_chunked_init(&c);
    cr_assert_eq(gg_http1_chunked_decode(&c, buf, &len), 3);
    cr_assert(len == 0 && memcmp(buf, "GET", 3) == 0, "what follows the body is kept after it");
}

Test(http1_chunked, malformed_bodies_are_refused)
{
    const char *bad[] = {
        "x\r\n",       "5\r\nhelloXX",         "5\nhello\r\n0\r\n\r\n", "11111111111111111\r\n",
        "5 ;\x01\r\n", "0\r\n folded\r\n\r\n", "0\r\nA: b\n\r\n",       "\r\n"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char out[256];
        size_t len, rest;
        cr_assert_eq(decode_split(bad[i], 1, out, &len, &rest), GG_HTTP1_BAD_REQUEST, "%zu", i);
        cr_assert_eq(decode_split(bad[i], strlen(bad[i]), out, &len, &rest), GG_HTTP1_BAD_REQUEST,
                     "%zu whole", i);
    }
    char out[256];
    size_t len, rest;
    cr_assert_eq(decode_split("ffffffffffffffff\r\nabc", 3, out, &len, &rest), GG_HTTP1_PARTIAL,
                 "16 digits is the limit, and waits for data");
}
