/* SPDX-License-Identifier: Apache-2.0 */
/* Allocation that aborts on exhaustion, so call sites carry no OOM branches,
 * plus the few string helpers every module needs. Sizes that come from input
 * are capped by the caller before they reach these functions. */
#ifndef GG_XALLOC_H
#define GG_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *gg_xmalloc(size_t n);
void *gg_xcalloc(size_t nmemb, size_t size);
void *gg_xrealloc(void *p, size_t n);
char *gg_xstrdup(const char *s);
char *gg_xstrndup(const char *s, size_t n);
/* printf into a new heap string; the caller frees it. */
char *gg_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *gg_xvasprintf(const char *fmt, va_list ap);

/* Frees what jansson returned (json_dumps), with the allocator jansson was
 * given: the webhook routes jansson to a per-review arena (json_arena.h), so
 * plain free() is wrong for these. */
void gg_json_free(void *p);

/* Writes a message into a caller's error buffer (<errlen> bytes), as the
 * functions that return -1 or NULL with a reason do; NULL <err> is allowed. */
void gg_seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A growable byte buffer, always NUL-terminated. gg_buf_clear frees the
 * storage but not the struct itself. */
struct gg_buf {
    char *data;
    size_t len;
    size_t cap;
};

void gg_buf_init(struct gg_buf *b);
void gg_buf_clear(struct gg_buf *b);
void gg_buf_add(struct gg_buf *b, const void *p, size_t n);
void gg_buf_adds(struct gg_buf *b, const char *s);
void gg_buf_addc(struct gg_buf *b, char c);
void gg_buf_addf(struct gg_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends <s> quoted as Go's %q does: the form Kubernetes prints values in. */
void gg_buf_add_goquoted(struct gg_buf *b, const char *s, size_t n);
/* Hands the storage to the caller (who frees it) and resets <b>. */
char *gg_buf_take(struct gg_buf *b);

#endif
