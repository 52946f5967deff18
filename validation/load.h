/* SPDX-License-Identifier: Apache-2.0 */
/* Loading manifests: YAML (libyaml) and JSON files, multi-document streams,
 * directories walked recursively (*.yaml, *.yml, *.json), and stdin as "-".
 * Every document becomes a jansson object that remembers the file and line it
 * starts at, and every node its own line (see linemap.h). `kind: List`
 * documents are expanded into their items. Hostile sizes are refused before
 * they are allocated: see the GG_LOAD_MAX_* limits. */
#ifndef GG_LOAD_H
#define GG_LOAD_H

#include <jansson.h>
#include <stddef.h>

struct gg_linemap;

#define GG_LOAD_MAX_FILE (64u << 20)  /* bytes in one file or stream */
#define GG_LOAD_MAX_SCALAR (4u << 20) /* bytes in one scalar */
#define GG_LOAD_MAX_DEPTH 64          /* nesting of mappings and sequences */
#define GG_LOAD_MAX_NODES 10000000u   /* nodes in one stream, aliases expanded */

struct gg_doc {
    json_t *obj;      /* owned: a JSON object */
    const char *file; /* borrowed: from the gg_docs that holds it */
    int line;         /* 1-based line where the document (or List item) starts */
};

struct gg_docs {
    struct gg_doc *items;
    size_t n, cap;
    char **files; /* owned names of every file read */
    size_t nfiles;
    struct gg_linemap *lines; /* owned: lines of every node of every document */
};

void gg_docs_init(struct gg_docs *d);
/* Frees the documents, their names and lines; not the struct itself. */
void gg_docs_clear(struct gg_docs *d);

/* Appends the documents of <path> (a file, a directory, or "-" for stdin).
 * Returns 0, or -1 with "<file>:<line>:<col>: <what>" in <err> (<errlen>
 * bytes); documents read before the failure stay in <d>. */
int gg_load_path(struct gg_docs *d, const char *path, char *err, size_t errlen);

/* Appends the documents in a YAML or JSON buffer, named <name> in errors. */
int gg_load_buffer(struct gg_docs *d, const char *name, const char *buf, size_t len, char *err,
                   size_t errlen);

#endif
