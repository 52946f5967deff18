/* SPDX-License-Identifier: Apache-2.0 */
/* One arena per AdmissionReview for jansson's allocations (STYLE: one arena
 * per review, freed in one call). Decoding a review builds a few hundred
 * small jansson nodes and frees them all at the end; with the arena each
 * allocation is a pointer bump and each free a no-op, and the whole review's
 * memory is dropped by gg_json_arena_end.
 *
 * jansson takes one process-wide pair of allocation functions, so they are
 * installed once and send every allocation made outside an arena (other
 * threads, other times) to malloc and free as before. Invariant: nothing
 * allocated by jansson between begin and end on a thread outlives end. */
#ifndef GG_JSON_ARENA_H
#define GG_JSON_ARENA_H

/* Installs the allocation functions; call once, before any thread uses jansson. */
void gg_json_arena_install(void);

/* On the calling thread, route jansson's allocations to its arena until
 * gg_json_arena_end, which releases them all. Not nestable. */
void gg_json_arena_begin(void);
void gg_json_arena_end(void);

#endif
