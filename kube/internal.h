/* SPDX-License-Identifier: Apache-2.0 */
/* What the sources in kube/ share behind source.h: the common head of every
 * struct gg_source, through which gg_source_free and gg_source_is_synced
 * reach the implementation. Not for use outside kube/. */
#ifndef GG_KUBE_INTERNAL_H
#define GG_KUBE_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>

#include "kube/source.h"

/* The first member of each implementation's struct. */
struct gg_source {
    /* Stops the thread, joins it and frees the whole source. */
    void (*destroy)(struct gg_source *s);
    atomic_bool is_synced; /* set once, by the source's thread, after SYNCED */
};

#endif
