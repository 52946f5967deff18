/* SPDX-License-Identifier: Apache-2.0 */
/* Where each decoded JSON node began in its YAML source, so a finding names
 * the line of the field it is about. Nodes that jansson shares (true, false,
 * null) are not recorded. Not thread-safe: a lookup may reorder the table. */
#ifndef GG_LINEMAP_H
#define GG_LINEMAP_H

#include <jansson.h>

struct gg_linemap;

struct gg_linemap *gg_linemap_new(void);
void gg_linemap_free(struct gg_linemap *m);
void gg_linemap_set(struct gg_linemap *m, const json_t *node, int line);
/* The line recorded for <node>, or 0. */
int gg_linemap_find(const struct gg_linemap *m, const json_t *node);

#endif
