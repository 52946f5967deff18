/* SPDX-License-Identifier: Apache-2.0 */
/* The reason words of reason.h. */
#include "reason.h"

#include <stddef.h>

static const char *const names[] = {
#define GG_REASON_NAME(e, s) s,
    GG_REASON_MAP(GG_REASON_NAME)
#undef GG_REASON_NAME
};

const char *gg_reason_name(enum gg_reason r)
{
    return (size_t)r < sizeof(names) / sizeof(names[0]) ? names[r] : "";
}
