/*
 * arena.h — a region allocator for memory that lives exactly as long as one
 * request (or one command).
 *
 * Allocations come from large blocks and are released all at once by
 * arena_free(); there is no per-object free. Use it for parsed parameters,
 * cookies, form fields and anything else a handler needs until its response
 * is queued. Allocation failure returns NULL (callers map it to
 * CX_ERR_NOMEM); a request never aborts the process.
 */
#ifndef CX_ARENA_H
#define CX_ARENA_H

#include <stddef.h>

typedef struct arena_block arena_block_t;

typedef struct arena {
    arena_block_t *head;
} arena_t;

void arena_init(arena_t *a);
void arena_free(arena_t *a);

/* Zeroed memory aligned for any type, valid until arena_free. */
void *arena_alloc(arena_t *a, size_t size);
/* Copies; NULL in gives NULL out. */
char *arena_strdup(arena_t *a, const char *s);
char *arena_strndup(arena_t *a, const char *s, size_t n);

#endif
