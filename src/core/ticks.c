/*
 * ticks.c — nice axis ticks (see ticks.h), after Heckbert's "Nice numbers
 * for graph labels" (Graphics Gems, 1990): round the range to a nice
 * number, divide it by the wanted count, round that to a nice step, and
 * take the multiples of the step that enclose the data.
 *
 * Ticks are computed as an integer times the step (or an integer divided
 * by 1/step when the step is below one, since 1/step is then an exact
 * integer), so 0.3 comes out as 0.3 and not 0.30000000000000004. Relies
 * only on libm; must never allocate or keep state.
 */
#include "core/ticks.h"

#include <math.h>

double ticks_nice_number(double x, bool round)
{
    if (!(x > 0) || !isfinite(x))
        return 0;
    double e = floor(log10(x));
    double p = pow(10, fabs(e));
    double f = e < 0 ? x * p : x / p; /* 1 <= f < 10, up to rounding */
    double nf;
    if (round)
        nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
    else
        nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return e < 0 ? nf / p : nf * p;
}

/* The k-th multiple of the step, computed so decimal steps stay exact. */
static double tick_value(double step, double inv, double k)
{
    double v = inv > 0 ? k / inv : k * step;
    return v == 0 ? 0 : v; /* no -0 */
}

static void ticks_fill(double min, double max, double step, ticks_t *t)
{
    double inv = step < 1 ? round(1 / step) : 0;
    double klo = floor(inv > 0 ? min * inv : min / step);
    /* a few steps at most: the estimate is off only by rounding */
    for (int i = 0; i < 4 && tick_value(step, inv, klo) > min; i++)
        klo--;
    for (int i = 0; i < 4 && tick_value(step, inv, klo + 1) <= min; i++)
        klo++;
    double khi = ceil(inv > 0 ? max * inv : max / step);
    for (int i = 0; i < 4 && tick_value(step, inv, khi) < max; i++)
        khi++;
    for (int i = 0; i < 4 && tick_value(step, inv, khi - 1) >= max; i++)
        khi--;
    if (khi <= klo)
        khi = klo + 1;
    double count = khi - klo + 1;
    t->step = step;
    t->n = count > TICKS_MAX ? TICKS_MAX + 1 : (int)count;
    t->lo = tick_value(step, inv, klo);
    t->hi = tick_value(step, inv, khi);
    t->decimals = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    if (t->n <= TICKS_MAX)
        for (int i = 0; i < t->n; i++)
            t->v[i] = tick_value(step, inv, klo + i);
}

cx_result ticks_nice(double min, double max, int target, ticks_t *out)
{
    if (!isfinite(min) || !isfinite(max) || min > max || target < 2 || target > TICKS_MAX)
        return CX_ERR_INVALID;
    /* a range lost in the precision of its values cannot be stepped
     * through; show it as the single value it practically is */
    if (max - min <= 1e-9 * fmax(fabs(min), fabs(max)))
        max = min;
    if (min == max) {
        double d = min == 0 ? 1 : fabs(min) * 0.1;
        min -= d;
        max += d;
    }
    double span = max - min;
    if (!isfinite(span) || !(span > 0))
        return CX_ERR_INVALID;
    double range = ticks_nice_number(span, false);
    double step = ticks_nice_number(range / (target - 1), true);
    if (!(step > 0))
        return CX_ERR_INVALID;
    ticks_t t;
    /* the rounding may leave more ticks than fit: widen the step until they do */
    for (int tries = 0; tries < 8; tries++) {
        ticks_fill(min, max, step, &t);
        if (t.n <= TICKS_MAX && isfinite(t.lo) && isfinite(t.hi) && t.lo <= min &&
            t.hi >= max) {
            *out = t;
            return CX_OK;
        }
        step = ticks_nice_number(step * 1.01, false);
        if (!(step > 0))
            break;
    }
    return CX_ERR_INVALID;
}
