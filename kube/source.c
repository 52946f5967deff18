/* SPDX-License-Identifier: Apache-2.0 */
/* The two calls every source answers (source.h), dispatched through the
 * common head in internal.h. */
#include "kube/internal.h"

#include <stddef.h>

void gg_source_free(struct gg_source *s)
{
    if (s)
        s->destroy(s);
}

bool gg_source_is_synced(const struct gg_source *s)
{
    /* the flag only ever goes from false to true, so a plain acquire load is enough */
    return atomic_load_explicit(&s->is_synced, memory_order_acquire);
}
