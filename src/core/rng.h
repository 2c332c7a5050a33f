/*
 * rng.h — a small, fast, deterministic pseudo-random generator
 * (xoshiro256** seeded through splitmix64) for synthetic data and
 * resampling. The same seed gives the same stream on every platform, which
 * `cxloop gen --seed` promises. Not for secrets: tokens and keys come from
 * libsodium's randombytes.
 */
#ifndef CX_RNG_H
#define CX_RNG_H

#include <stdint.h>

typedef struct rng {
    uint64_t s[4];
} rng_t;

void rng_seed(rng_t *r, uint64_t seed);
uint64_t rng_next(rng_t *r);
/* Uniform in [0, 1). */
double rng_uniform(rng_t *r);
/* Uniform integer in [lo, hi], hi >= lo. */
int64_t rng_range(rng_t *r, int64_t lo, int64_t hi);
/* Standard normal (Box–Muller, no cached pair, so the stream stays simple). */
double rng_normal(rng_t *r);
/* Index drawn from unnormalised weights w[0..n-1] (n >= 1, sum > 0). */
int rng_weighted(rng_t *r, const double *w, int n);

#endif
