/* SPDX-License-Identifier: Apache-2.0 */
/* Field paths as apimachinery prints them (spec.rules[0].matches[1].path).
 * A path lives on the caller's stack as a chain of links while a validator
 * descends, and is rendered only when an error is recorded, so valid input
 * pays nothing for it. */
#ifndef GG_PATH_H
#define GG_PATH_H

#include <stddef.h>

struct gg_buf;

enum gg_path_step { GG_PATH_ROOT, GG_PATH_FIELD, GG_PATH_INDEX, GG_PATH_KEY };

struct gg_path {
    const struct gg_path *parent; /* borrowed: the caller's frame */
    enum gg_path_step step;
    const char *name; /* borrowed: FIELD and KEY; valid while the path is */
    size_t index;     /* INDEX */
};

/* The empty path, rendered as "<nil>" when nothing follows, as apimachinery does. */
#define GG_PATH_ROOT_INIT                                                                          \
    {                                                                                              \
        NULL, GG_PATH_ROOT, NULL, 0                                                                \
    }

static inline struct gg_path gg_path_child(const struct gg_path *p, const char *name)
{
    struct gg_path c = {p, GG_PATH_FIELD, name, 0};
    return c;
}

static inline struct gg_path gg_path_index(const struct gg_path *p, size_t i)
{
    struct gg_path c = {p, GG_PATH_INDEX, NULL, i};
    return c;
}

static inline struct gg_path gg_path_key(const struct gg_path *p, const char *key)
{
    struct gg_path c = {p, GG_PATH_KEY, key, 0};
    return c;
}

/* Appends the rendering of <p> to <out>: fields joined by '.', [i] for
 * indexes, [key] for map keys, "<nil>" for the empty path. */
void gg_path_render(const struct gg_path *p, struct gg_buf *out);

/* The rendering as a new heap string; the caller frees it. */
char *gg_path_dup(const struct gg_path *p);

#endif
