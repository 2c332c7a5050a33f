/*
 * json_arena.c — region allocation for jansson values (see json_arena.h).
 *
 * jansson allows one pair of allocation functions per process. Ours send a
 * thread's allocations to the arena it entered, or to malloc when it
 * entered none. A free is a no-op only while the thread is in an arena and
 * the pointer lies inside one of that arena's blocks (jansson frees its
 * scratch buffers during a parse); everything else goes to free(). Blocks
 * are large and few, so the range check walks a short list.
 *
 * Relies on jansson and the C library only. Must never hand a pointer of
 * one allocator to the other.
 */
#include "web/json_arena.h"

#include <jansson.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#define JSON_ARENA_MIN_BLOCK 4096
#define JSON_ARENA_MAX_BLOCK (16 * 1024 * 1024)

struct json_arena_block {
    json_arena_block_t *next;
    size_t used;
    size_t size;
    alignas(max_align_t) unsigned char data[];
};

static atomic_bool json_arena_installed;
static _Thread_local json_arena_t *json_arena_current;

static bool json_arena_owns(const json_arena_t *a, const void *ptr)
{
    const unsigned char *p = ptr;
    for (const json_arena_block_t *b = a->head; b; b = b->next)
        if (p >= b->data && p < b->data + b->size)
            return true;
    return false;
}

static void *json_arena_take(json_arena_t *a, size_t size)
{
    const size_t align = alignof(max_align_t);
    if (size > SIZE_MAX / 2)
        return NULL;
    size = size ? (size + align - 1) & ~(align - 1) : align;
    json_arena_block_t *b = a->head;
    if (!b || b->size - b->used < size) {
        size_t want = a->next_size;
        if (want < size)
            want = size;
        b = malloc(sizeof *b + want);
        if (!b)
            return NULL;
        b->size = want;
        b->used = 0;
        b->next = a->head;
        a->head = b;
        /* each new block twice the last, so a body needs few */
        if (a->next_size < JSON_ARENA_MAX_BLOCK)
            a->next_size *= 2;
    }
    void *p = b->data + b->used;
    b->used += size;
    return p;
}

static void *json_arena_malloc(size_t size)
{
    json_arena_t *a = json_arena_current;
    return a ? json_arena_take(a, size) : malloc(size);
}

static void json_arena_free(void *ptr)
{
    json_arena_t *a = json_arena_current;
    if (ptr && a && json_arena_owns(a, ptr))
        return; /* given back with the arena */
    free(ptr);
}

void json_arena_install(void)
{
    bool expected = false;
    if (atomic_compare_exchange_strong(&json_arena_installed, &expected, true))
        json_set_alloc_funcs(json_arena_malloc, json_arena_free);
}

void json_arena_init(json_arena_t *a, size_t size_hint)
{
    a->head = NULL;
    a->next_size = size_hint < JSON_ARENA_MIN_BLOCK   ? JSON_ARENA_MIN_BLOCK
                   : size_hint > JSON_ARENA_MAX_BLOCK ? JSON_ARENA_MAX_BLOCK
                                                      : size_hint;
}

bool json_arena_enter(json_arena_t *a)
{
    if (!atomic_load(&json_arena_installed))
        return false;
    json_arena_current = a;
    return true;
}

void json_arena_leave(void) { json_arena_current = NULL; }

void json_arena_release(json_arena_t *a)
{
    json_arena_block_t *b = a->head;
    while (b) {
        json_arena_block_t *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}
