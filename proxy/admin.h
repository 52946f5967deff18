/* SPDX-License-Identifier: Apache-2.0 */
/* The proxy's admin port: plain HTTP GETs answered by handlers registered
 * per path (/healthz is built in), on one libmicrohttpd thread. Modules add
 * their own pages (the status controller's /status) without the server
 * knowing them. */
#ifndef GG_ADMIN_H
#define GG_ADMIN_H

#include <stddef.h>

#include "validation/xalloc.h"

struct gg_admin;

/* Fills <out> with the page body and sets *<content_type> (static);
 * returns the HTTP status. Called from the admin thread. */
typedef int (*gg_admin_cb)(void *ctx, struct gg_buf *out, const char **content_type);

/* Listens on <listen> ("127.0.0.1:9901", "[::1]:9901", ":9901"). Returns
 * NULL with the reason in <err>. */
struct gg_admin *gg_admin_new(const char *listen, char *err, size_t errlen);
/* The port bound (useful with port 0). */
int gg_admin_port(const struct gg_admin *a);
/* Serves GET <path> with <cb>. Register before the first request can need
 * it; at most 16 paths. */
void gg_admin_handle(struct gg_admin *a, const char *path, gg_admin_cb cb, void *ctx);
/* Stops serving and frees; NULL is a no-op. */
void gg_admin_free(struct gg_admin *a);

#endif
