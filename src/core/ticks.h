/*
 * ticks.h — "nice" axis ticks: given the range of the data and about how
 * many ticks fit, the round numbers (1, 2 or 5 times a power of ten) that
 * span it, as in Heckbert's "Nice numbers for graph labels" (Graphics Gems,
 * 1990).
 *
 * Pure and allocation-free: relies on nothing but libm. It must never
 * return a tick range that fails to cover the data, nor more than
 * TICKS_MAX ticks.
 */
#ifndef CX_TICKS_H
#define CX_TICKS_H

#include <stdbool.h>

#include "core/result.h"

#define TICKS_MAX 32

typedef struct ticks {
    double lo, hi;  /* first and last tick: lo <= data minimum, hi >= maximum */
    double step;    /* distance between ticks, 1, 2 or 5 times a power of ten */
    int n;          /* ticks from lo to hi inclusive, 2..TICKS_MAX */
    int decimals;   /* digits after the decimal point that show every tick exactly */
    double v[TICKS_MAX];
} ticks_t;

/* The nice number near x (> 0): rounded to the nearest of 1, 2, 5, 10
 * times a power of ten when round is true, else the smallest of them not
 * below x. Returns 0 for x <= 0 or a non-finite x. */
double ticks_nice_number(double x, bool round);

/* Ticks covering [min, max] with about target (2..TICKS_MAX) of them. An
 * empty range (min == max) is widened around the value. CX_ERR_INVALID
 * for a non-finite bound, min > max or a target out of range; *out is
 * then untouched. */
cx_result ticks_nice(double min, double max, int target, ticks_t *out);

#endif
