/* SPDX-License-Identifier: Apache-2.0 */
/* A strict, bounded splitter for newline-delimited streams: the body of a
 * Kubernetes watch, one JSON event a line, arriving in chunks cut anywhere.
 * It finds the lines and leaves their meaning to the caller (watch.c). */
#ifndef GG_KUBE_LINES_H
#define GG_KUBE_LINES_H

#include <stdbool.h>
#include <stddef.h>

#include "validation/xalloc.h"

enum {
    GG_LINES_TOO_LONG = -1,  /* a line longer than the limit */
    GG_LINES_BAD_BYTE = -2,  /* a NUL byte, which no JSON text holds */
    GG_LINES_TRUNCATED = -3, /* the stream ended inside a line */
};

struct gg_lines {
    struct gg_buf part; /* the start of a line cut by a chunk boundary */
    size_t max;         /* longest line accepted, without its "\n" or "\r\n" */
    int failed;         /* 0, or the error every later call returns */
};

/* Receives one line, without its "\n" (and a "\r" before it); <line> is
 * borrowed for the call and not NUL-terminated. Blank lines are not passed
 * on. Returns 0 to go on; a positive value stops gg_lines_feed, which
 * returns it (and sticks, as errors do). */
typedef int (*gg_lines_cb)(void *ctx, const char *line, size_t len);

/* <max> bounds one line; memory stays below <max> + a few bytes. */
void gg_lines_init(struct gg_lines *l, size_t max);
/* Frees the buffered part, not the struct itself. */
void gg_lines_clear(struct gg_lines *l);
/* Forgets a partial line and a failure: for the next stream. */
void gg_lines_reset(struct gg_lines *l);

/* Splits <data> (<len> bytes), calling <cb> for every line it completes, in
 * order; keeps an unfinished last line for the next call. Returns 0, a
 * GG_LINES_* error, or the callback's non-zero return. Errors stick: every
 * later call returns the first one without reading. */
int gg_lines_feed(struct gg_lines *l, const char *data, size_t len, gg_lines_cb cb, void *ctx);

/* At the end of the stream: 0, or GG_LINES_TRUNCATED when a line was left
 * unfinished (blank space aside), or the sticky error. */
int gg_lines_finish(struct gg_lines *l);

/* A message for a GG_LINES_* code. */
const char *gg_lines_strerror(int code);

#endif
