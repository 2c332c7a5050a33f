/*
 * json_arena.h — lets jansson build the documents of one request body in a
 * region instead of one malloc and one free per value.
 *
 * An NDJSON body of 10,000 responses parses into some 250,000 jansson
 * values; allocating and freeing each costs more than parsing it. With the
 * arena entered on a thread, every jansson allocation that thread makes
 * comes from the arena's large blocks, frees of those values do nothing,
 * and json_arena_release gives the whole region back at once.
 *
 * Ownership: values built while the arena was entered belong to the arena.
 * They may be read from any thread, but never changed or released (no
 * json_decref, no json_object_set*) after json_arena_leave: the heap's free
 * would be handed a pointer it never gave out. Values built outside the
 * arena are the heap's as always.
 *
 * json_arena_install sets jansson's allocation functions once for the
 * process. Until it is called, entering an arena changes nothing (jansson
 * keeps using malloc), so code that never installs it stays correct.
 */
#ifndef CX_WEB_JSON_ARENA_H
#define CX_WEB_JSON_ARENA_H

#include <stdbool.h>
#include <stddef.h>

typedef struct json_arena_block json_arena_block_t;

typedef struct json_arena {
    json_arena_block_t *head; /* newest block first */
    size_t next_size;         /* the size of the next block to take */
} json_arena_t;

/* Routes jansson's allocations through this module; idempotent and safe
 * to call from several threads. */
void json_arena_install(void);

/* An empty arena whose first block holds about size_hint bytes. */
void json_arena_init(json_arena_t *a, size_t size_hint);

/* This thread's jansson allocations come from a until json_arena_leave.
 * Returns false (and enters nothing) when json_arena_install was never
 * called: the caller then owns ordinary heap values. */
bool json_arena_enter(json_arena_t *a);
void json_arena_leave(void);

/* Frees every block; the arena's values are gone. */
void json_arena_release(json_arena_t *a);

#endif
