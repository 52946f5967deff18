/* SPDX-License-Identifier: Apache-2.0 */
/* The upstream pool: a connection comes back only for its own address,
 * once, and never after its peer has closed it or the pool is full. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proxy/upstream_pool.h"

static struct sockaddr_storage addr(uint16_t port, socklen_t *len)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    *len = sizeof(*v4);
    return ss;
}

Test(upstream_pool, by_address_once_and_live_only)
{
    struct gg_upstream_pool *p = gg_upstream_pool_new(2, 60000);
    socklen_t la, lb;
    struct sockaddr_storage a = addr(1000, &la), b = addr(1001, &lb);
    int s1[2], s2[2], s3[2];
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, s1), 0);
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, s2), 0);
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, s3), 0);

    cr_assert_eq(gg_upstream_pool_take(p, &a, la), -1);
    gg_upstream_pool_give(p, &a, la, s1[0]);
    cr_assert_eq(gg_upstream_pool_take(p, &b, lb), -1, "another address's connection");
    cr_assert_eq(gg_upstream_pool_take(p, &a, la), s1[0]);
    cr_assert_eq(gg_upstream_pool_take(p, &a, la), -1, "taken twice");
    cr_assert_eq(gg_upstream_pool_reused(p), 1);

    /* a peer that closed, or that speaks unasked, is not handed out */
    gg_upstream_pool_give(p, &a, la, s1[0]);
    close(s1[1]);
    gg_upstream_pool_give(p, &b, lb, s2[0]);
    cr_assert_eq(write(s2[1], "x", 1), 1);
    cr_assert_eq(gg_upstream_pool_take(p, &a, la), -1);
    cr_assert_eq(gg_upstream_pool_take(p, &b, lb), -1);
    cr_assert_eq(gg_upstream_pool_idle(p), 0);

    /* full: the third is closed, not kept */
    int s4[2], s5[2];
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, s4), 0);
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, s5), 0);
    gg_upstream_pool_give(p, &a, la, s3[0]);
    gg_upstream_pool_give(p, &a, la, s4[0]);
    gg_upstream_pool_give(p, &a, la, s5[0]);
    cr_assert_eq(gg_upstream_pool_idle(p), 2);
    char c;
    cr_assert_eq(read(s5[1], &c, 1), 0, "the connection over the cap was closed");
    gg_upstream_pool_free(p);
    cr_assert_eq(read(s3[1], &c, 1), 0, "free closes the idle ones");
    close(s2[1]);
    close(s3[1]);
    close(s4[1]);
    close(s5[1]);
}

Test(upstream_pool, idle_too_long_is_dropped)
{
    struct gg_upstream_pool *p = gg_upstream_pool_new(4, 0);
    socklen_t la;
    struct sockaddr_storage a = addr(1000, &la);
    int s[2];
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, s), 0);
    gg_upstream_pool_give(p, &a, la, s[0]);
    usleep(5000);
    cr_assert_eq(gg_upstream_pool_take(p, &a, la), -1);
    char c;
    cr_assert_eq(read(s[1], &c, 1), 0);
    close(s[1]);
    gg_upstream_pool_free(p);
}
