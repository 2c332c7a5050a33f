/*
 * arena.c — region allocator (see arena.h).
 *
 * Blocks are 16 KiB unless one allocation needs more, in which case it gets
 * a block of its own. Blocks form a list freed in one walk.
 */
#include "core/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK_SIZE 16384

struct arena_block {
    arena_block_t *next;
    size_t used;
    size_t size;
    alignas(max_align_t) unsigned char data[];
};

void arena_init(arena_t *a) { a->head = NULL; }

void arena_free(arena_t *a)
{
    arena_block_t *blk = a->head;
    while (blk) {
        arena_block_t *next = blk->next;
        free(blk);
        blk = next;
    }
    a->head = NULL;
}

void *arena_alloc(arena_t *a, size_t size)
{
    const size_t align = alignof(max_align_t);
    if (size > SIZE_MAX / 2)
        return NULL;
    size = (size + align - 1) & ~(align - 1);
    if (size == 0)
        size = align;
    arena_block_t *blk = a->head;
    if (!blk || blk->size - blk->used < size) {
        size_t want = size > ARENA_BLOCK_SIZE ? size : ARENA_BLOCK_SIZE;
        blk = malloc(sizeof *blk + want);
        if (!blk)
            return NULL;
        blk->size = want;
        blk->used = 0;
        /* keep the roomier block at the head so small allocations reuse it */
        if (a->head && size > ARENA_BLOCK_SIZE) {
            blk->next = a->head->next;
            a->head->next = blk;
        } else {
            blk->next = a->head;
            a->head = blk;
        }
    }
    void *p = blk->data + blk->used;
    blk->used += size;
    memset(p, 0, size);
    return p;
}

char *arena_strndup(arena_t *a, const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *p = arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(arena_t *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}
