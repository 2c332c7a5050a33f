/*
 * ratelimit.h — token buckets in memory, keyed by any short text (a client
 * address, an invitation token), for the public endpoints that write.
 *
 * Each key has a bucket of `burst` tokens refilled at `per_minute` a
 * minute; a request takes one. The table has a fixed number of slots, so
 * memory is bounded whatever the traffic: a key whose bucket has refilled
 * completely is as good as absent and its slot is reused, and when every
 * nearby slot is busy the one unused longest is evicted (a flood of fresh
 * keys can thus make the limiter forget an old key, never grow it). Keys
 * are kept only as a keyed hash, so the table holds no address or token.
 *
 * Thread-safe (one mutex; a check is a few dozen instructions). Relies on
 * libsodium for the keyed hash; must never block on anything but its lock.
 */
#ifndef CX_WEB_RATELIMIT_H
#define CX_WEB_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ratelimit ratelimit_t;

/* NULL when out of memory. slots is rounded up to a power of two. */
ratelimit_t *ratelimit_new(double per_minute, double burst, size_t slots);
void ratelimit_free(ratelimit_t *rl);

/* Takes a token from key's bucket at time now_ms (any monotonic clock in
 * milliseconds). True when allowed; otherwise *retry_after (when not NULL)
 * gets the whole seconds until a token is back (at least 1). */
bool ratelimit_take(ratelimit_t *rl, const char *key, int64_t now_ms, int *retry_after);

/* Entries in use, for tests. */
size_t ratelimit_count(ratelimit_t *rl);

#endif
