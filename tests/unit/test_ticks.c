/*
 * test_ticks.c — nice axis ticks on hand-computed cases: the classic
 * examples of Heckbert's paper, score scales the dashboard uses, decimal
 * steps that must come out exact, and the inputs that must be refused.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "core/ticks.h"

static void expect(double min, double max, int target, double lo, double hi, double step, int n)
{
    ticks_t t;
    cr_assert_eq(ticks_nice(min, max, target, &t), CX_OK, "[%g, %g] x%d", min, max, target);
    cr_assert_eq(t.lo, lo, "[%g, %g]: lo %.17g, expected %g", min, max, t.lo, lo);
    cr_assert_eq(t.hi, hi, "[%g, %g]: hi %.17g, expected %g", min, max, t.hi, hi);
    cr_assert_eq(t.step, step, "[%g, %g]: step %.17g, expected %g", min, max, t.step, step);
    cr_assert_eq(t.n, n, "[%g, %g]: %d ticks, expected %d", min, max, t.n, n);
    cr_assert(t.lo <= min && t.hi >= max);
    cr_assert_eq(t.v[0], t.lo);
    cr_assert_eq(t.v[t.n - 1], t.hi);
}

Test(ticks, nice_numbers)
{
    cr_assert_eq(ticks_nice_number(1.0, true), 1.0);
    cr_assert_eq(ticks_nice_number(1.4, true), 1.0);
    cr_assert_eq(ticks_nice_number(1.6, true), 2.0);
    cr_assert_eq(ticks_nice_number(3.2, true), 5.0);
    cr_assert_eq(ticks_nice_number(7.5, true), 10.0);
    cr_assert_eq(ticks_nice_number(1.1, false), 2.0);
    cr_assert_eq(ticks_nice_number(2.0, false), 2.0);
    cr_assert_eq(ticks_nice_number(4.5, false), 5.0);
    cr_assert_eq(ticks_nice_number(5.5, false), 10.0);
    cr_assert_eq(ticks_nice_number(230, false), 500.0);
    cr_assert_eq(ticks_nice_number(0.013, true), 0.01);
    cr_assert_eq(ticks_nice_number(0.0032, true), 0.005);
    cr_assert_eq(ticks_nice_number(0, true), 0.0);
    cr_assert_eq(ticks_nice_number(-3, true), 0.0);
    cr_assert_eq(ticks_nice_number(NAN, true), 0.0);
    cr_assert_eq(ticks_nice_number(INFINITY, false), 0.0);
}

Test(ticks, hand_computed_ranges)
{
    /* range 100 -> nice 100, /4 = 25 -> step 20 */
    expect(0, 100, 5, 0, 100, 20, 6);
    /* range 8.3 -> 10, /4 = 2.5 -> 2: ticks 2, 4, ..., 12 */
    expect(2.7, 11.0, 5, 2, 12, 2, 6);
    /* an NPS trend that hovers around 30 */
    expect(24.6, 38.2, 5, 20, 40, 5, 5);
    /* negative and positive: NPS can be below zero */
    expect(-12.5, 41.0, 5, -20, 60, 20, 5);
    /* a five-point scale */
    expect(1, 5, 5, 1, 5, 1, 5);
    /* counts */
    expect(0, 2140, 5, 0, 3000, 1000, 4); /* range 2140 -> 5000, /4 -> 1000 */
}

Test(ticks, decimal_steps_are_exact)
{
    ticks_t t;
    cr_assert_eq(ticks_nice(0.3, 0.72, 5, &t), CX_OK);
    cr_assert_eq(t.step, 0.1);
    cr_assert_eq(t.decimals, 1);
    cr_assert_eq(t.lo, 0.3, "%.17g", t.lo);
    cr_assert_eq(t.hi, 0.8, "%.17g", t.hi);
    cr_assert_eq(t.n, 6);
    cr_assert_eq(t.v[1], 0.4);
    cr_assert_eq(t.v[4], 0.7, "%.17g", t.v[4]);
    cr_assert_eq(ticks_nice(0.0011, 0.0049, 5, &t), CX_OK);
    cr_assert_eq(t.step, 0.001);
    cr_assert_eq(t.decimals, 3);
    cr_assert_eq(t.v[2], 0.003, "%.17g", t.v[2]);
}

Test(ticks, no_negative_zero)
{
    ticks_t t;
    cr_assert_eq(ticks_nice(-1, 1, 5, &t), CX_OK);
    for (int i = 0; i < t.n; i++)
        if (t.v[i] == 0)
            cr_assert_not(signbit(t.v[i]), "tick %d is -0", i);
}

Test(ticks, a_single_value_is_widened)
{
    ticks_t t;
    cr_assert_eq(ticks_nice(0, 0, 5, &t), CX_OK);
    cr_assert(t.lo <= -1 && t.hi >= 1);
    cr_assert_eq(ticks_nice(50, 50, 5, &t), CX_OK);
    cr_assert(t.lo < 50 && t.hi > 50 && t.n >= 2);
    /* a range lost in the precision of huge values */
    cr_assert_eq(ticks_nice(1e17, 1e17 + 16, 5, &t), CX_OK);
    cr_assert(t.lo <= 1e17 && t.hi >= 1e17 + 16 && t.n >= 2 && t.n <= TICKS_MAX);
}

Test(ticks, tick_count_stays_within_bounds)
{
    double cases[][2] = {{0, 1}, {-1e6, 3}, {1e-9, 2e-9}, {-5e300, 5e300}, {0.1, 1e6},
                         {999, 1001}, {-0.004, 0.003}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (int target = 2; target <= TICKS_MAX; target++) {
            ticks_t t;
            cr_assert_eq(ticks_nice(cases[c][0], cases[c][1], target, &t), CX_OK,
                         "[%g, %g] x%d", cases[c][0], cases[c][1], target);
            cr_assert(t.n >= 2 && t.n <= TICKS_MAX);
            cr_assert(t.lo <= cases[c][0] && t.hi >= cases[c][1]);
            for (int i = 1; i < t.n; i++)
                cr_assert(t.v[i] > t.v[i - 1]);
        }
    }
}

Test(ticks, bad_input_is_refused)
{
    ticks_t t = {.n = 77};
    cr_assert_eq(ticks_nice(NAN, 1, 5, &t), CX_ERR_INVALID);
    cr_assert_eq(ticks_nice(0, INFINITY, 5, &t), CX_ERR_INVALID);
    cr_assert_eq(ticks_nice(2, 1, 5, &t), CX_ERR_INVALID);
    cr_assert_eq(ticks_nice(0, 1, 1, &t), CX_ERR_INVALID);
    cr_assert_eq(ticks_nice(0, 1, TICKS_MAX + 1, &t), CX_ERR_INVALID);
    cr_assert_eq(ticks_nice(-1.7e308, 1.7e308, 5, &t), CX_ERR_INVALID);
    cr_assert_eq(t.n, 77, "untouched on error");
}
