/*
 * ratelimit.c — token buckets in a fixed table (see ratelimit.h).
 *
 * Open addressing over a power-of-two table, probing PROBE slots from the
 * key's hash. Keys are hashed with a random per-table key (BLAKE2b short
 * hash), so nobody can aim many keys at one slot. Must never allocate after
 * ratelimit_new.
 */
#include "web/ratelimit.h"

#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define PROBE 8

typedef struct bucket {
    uint64_t key; /* 0 = empty */
    double tokens;
    int64_t last_ms;
} bucket_t;

struct ratelimit {
    pthread_mutex_t lock;
    double per_ms, burst;
    size_t mask;
    unsigned char hash_key[crypto_shorthash_KEYBYTES];
    bucket_t *slots;
};

ratelimit_t *ratelimit_new(double per_minute, double burst, size_t slots)
{
    if (sodium_init() < 0 || per_minute <= 0 || burst < 1)
        return NULL;
    size_t n = 64;
    while (n < slots && n < ((size_t)1 << 30))
        n <<= 1;
    ratelimit_t *rl = calloc(1, sizeof *rl);
    if (!rl)
        return NULL;
    rl->slots = calloc(n, sizeof *rl->slots);
    if (!rl->slots) {
        free(rl);
        return NULL;
    }
    pthread_mutex_init(&rl->lock, NULL);
    rl->per_ms = per_minute / 60000.0;
    rl->burst = burst;
    rl->mask = n - 1;
    crypto_shorthash_keygen(rl->hash_key);
    return rl;
}

void ratelimit_free(ratelimit_t *rl)
{
    if (!rl)
        return;
    pthread_mutex_destroy(&rl->lock);
    free(rl->slots);
    free(rl);
}

/* The bucket's tokens at now, refilled since it was last touched. */
static double refilled(const ratelimit_t *rl, const bucket_t *b, int64_t now_ms)
{
    double elapsed = now_ms > b->last_ms ? (double)(now_ms - b->last_ms) : 0;
    double t = b->tokens + elapsed * rl->per_ms;
    return t > rl->burst ? rl->burst : t;
}

bool ratelimit_take(ratelimit_t *rl, const char *key, int64_t now_ms, int *retry_after)
{
    unsigned char h[crypto_shorthash_BYTES];
    crypto_shorthash(h, (const unsigned char *)key, strlen(key), rl->hash_key);
    uint64_t k;
    memcpy(&k, h, sizeof k);
    if (k == 0)
        k = 1;
    pthread_mutex_lock(&rl->lock);
    bucket_t *found = NULL, *free_slot = NULL, *oldest = NULL;
    for (size_t i = 0; i < PROBE; i++) {
        bucket_t *b = &rl->slots[(k + i) & rl->mask];
        if (b->key == k) {
            found = b;
            break;
        }
        /* an empty slot, or one whose bucket is full again, holds nothing
         * worth remembering */
        if (!free_slot && (b->key == 0 || refilled(rl, b, now_ms) >= rl->burst))
            free_slot = b;
        if (!oldest || b->last_ms < oldest->last_ms)
            oldest = b;
    }
    if (!found) {
        found = free_slot ? free_slot : oldest;
        found->key = k;
        found->tokens = rl->burst;
        found->last_ms = now_ms;
    }
    double tokens = refilled(rl, found, now_ms);
    found->last_ms = now_ms > found->last_ms ? now_ms : found->last_ms;
    bool allowed = tokens >= 1;
    if (allowed)
        tokens -= 1;
    found->tokens = tokens;
    pthread_mutex_unlock(&rl->lock);
    if (!allowed && retry_after) {
        double wait_s = ceil((1 - tokens) / rl->per_ms / 1000.0);
        *retry_after = wait_s < 1 ? 1 : wait_s > 86400 ? 86400 : (int)wait_s;
    }
    return allowed;
}

size_t ratelimit_count(ratelimit_t *rl)
{
    size_t n = 0;
    pthread_mutex_lock(&rl->lock);
    for (size_t i = 0; i <= rl->mask; i++)
        n += rl->slots[i].key != 0;
    pthread_mutex_unlock(&rl->lock);
    return n;
}
