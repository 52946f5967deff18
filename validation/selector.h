/* SPDX-License-Identifier: Apache-2.0 */
/* metav1.LabelSelector evaluation against a Namespace's labels, as
 * allowedRoutes and allowedListeners `from: Selector` use it. */
#ifndef GG_SELECTOR_H
#define GG_SELECTOR_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

struct gg_buf;

/* The label the API server puts on every Namespace. */
#define GG_NS_NAME_LABEL "kubernetes.io/metadata.name"

/* True when <sel> selects the namespace <ns> whose labels are <labels> (<n>
 * of them). kubernetes.io/metadata.name=<ns> is taken as present, as the API
 * server sets it. An unset selector selects nothing, an empty one
 * everything; an invalid operator makes the selector select nothing, as
 * LabelSelectorAsSelector's error does. */
bool gg_selector_matches(const struct gg_selector *sel, const char *ns,
                         const struct gg_label *labels, size_t n);

/* True when deciding <sel> needs labels other than kubernetes.io/metadata.name,
 * that is, when it cannot be decided for a namespace whose Namespace object
 * is unknown. */
bool gg_selector_needs_labels(const struct gg_selector *sel);

/* Appends <sel> as kubectl prints one: "team=web,env in (a,b),!legacy";
 * "<everything>" for an empty selector, "<unset>" for an absent one. */
void gg_selector_render(const struct gg_selector *sel, struct gg_buf *out);

#endif
