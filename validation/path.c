/* SPDX-License-Identifier: Apache-2.0 */
/* Rendering of stack-held field paths. */
#include "path.h"

#include "xalloc.h"

static int render(const struct gg_path *p, struct gg_buf *out)
{
    if (!p || p->step == GG_PATH_ROOT)
        return 0;
    int wrote = render(p->parent, out);
    switch (p->step) {
    case GG_PATH_FIELD:
        if (wrote)
            gg_buf_addc(out, '.');
        gg_buf_adds(out, p->name);
        break;
    case GG_PATH_INDEX:
        gg_buf_addf(out, "[%zu]", p->index);
        break;
    case GG_PATH_KEY:
        gg_buf_addc(out, '[');
        gg_buf_adds(out, p->name);
        gg_buf_addc(out, ']');
        break;
    case GG_PATH_ROOT:
        break;
    }
    return 1;
}

void gg_path_render(const struct gg_path *p, struct gg_buf *out)
{
    if (!render(p, out))
        gg_buf_adds(out, "<nil>");
}

char *gg_path_dup(const struct gg_path *p)
{
    struct gg_buf b;
    gg_buf_init(&b);
    gg_path_render(p, &b);
    return gg_buf_take(&b);
}
