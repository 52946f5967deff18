/* SPDX-License-Identifier: Apache-2.0 */
/* `--source dir:PATH`: a folder of manifests as the cluster's state. The
 * folder is read with the project loader (recursive, .gateguardignore aware)
 * and watched with inotify; after each burst of changes it is read again and
 * sent whole. What the receiver does with the objects is left to it. */
#ifndef GG_KUBE_DIR_H
#define GG_KUBE_DIR_H

#include <stddef.h>

#include "kube/source.h"

/* Debounce: a re-read waits for this long without a change in the folder, */
#define GG_DIR_QUIET_MS 100
/* but no longer than this after the first change of a burst. */
#define GG_DIR_MAX_DELAY_MS 1000
/* Folders watched at most; changes deeper in a larger tree are missed. */
#define GG_DIR_MAX_WATCHES 8192

/* Starts a source on the folder <path> (copied) with its own thread, which
 * reads the folder and calls <cb> with <ctx>:
 *  - after a good read: REPLACE (kind NULL) with every object of the folder,
 *    namespaced kinds without a namespace given "default"; after the first
 *    good read, SYNCED once. A read that yields exactly what the previous
 *    good read sent, with no failed read in between, sends nothing.
 *  - after a failed read (a file that does not parse, a folder gone): ERROR
 *    with the loader's "file:line:col: what" and nothing else, so the last
 *    good state stays in force. The source keeps watching; if the very
 *    first read fails, SYNCED waits for a good one.
 * Changes are debounced (GG_DIR_QUIET_MS, GG_DIR_MAX_DELAY_MS). Returns the
 * source, freed (and its thread joined) by gg_source_free, or NULL with a
 * message in <err> (<errlen> bytes) when <path> is not a readable folder or
 * inotify is unavailable. */
struct gg_source *gg_source_dir_new(const char *path, gg_source_cb cb, void *ctx, char *err,
                                    size_t errlen);

#endif
