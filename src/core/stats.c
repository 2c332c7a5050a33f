/*
 * stats.c — score estimates, intervals and tests over histograms (see
 * stats.h for the contract, METHODS.md for the formulas).
 *
 * Intervals: NPS uses the normal approximation of the difference of two
 * multinomial shares, SE = 100·sqrt((p + d − (p − d)²)/n). Shares (CSAT,
 * CES, any choice) use Wilson's score interval, which stays inside 0–100 %
 * and behaves at small n; their SE for tests is the plain binomial one.
 * Means use Student's t with n − 1 degrees of freedom.
 */
#include "core/stats.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>

#define Z95 1.959963984540054

uint64_t hist_n(const score_hist_t *h)
{
    uint64_t n = 0;
    for (int v = 0; v <= SCORE_MAX; v++)
        n += h->count[v];
    return n;
}

void hist_add(score_hist_t *into, const score_hist_t *h)
{
    for (int v = 0; v <= SCORE_MAX; v++)
        into->count[v] += h->count[v];
    into->skipped += h->skipped;
}

static uint64_t hist_range(const score_hist_t *h, int low, int high)
{
    uint64_t k = 0;
    if (low < 0)
        low = 0;
    if (high > SCORE_MAX)
        high = SCORE_MAX;
    for (int v = low; v <= high; v++)
        k += h->count[v];
    return k;
}

double hist_mean(const score_hist_t *h)
{
    uint64_t n = hist_n(h);
    if (n == 0)
        return NAN;
    double sum = 0;
    for (int v = 0; v <= SCORE_MAX; v++)
        sum += (double)v * (double)h->count[v];
    return sum / (double)n;
}

double hist_variance(const score_hist_t *h)
{
    uint64_t n = hist_n(h);
    if (n < 2)
        return NAN;
    double mean = hist_mean(h), ss = 0;
    for (int v = 0; v <= SCORE_MAX; v++) {
        double d = (double)v - mean;
        ss += d * d * (double)h->count[v];
    }
    return ss / (double)(n - 1);
}

double stats_p_normal(double z)
{
    if (isnan(z))
        return NAN;
    return 2.0 * gsl_cdf_ugaussian_Q(fabs(z));
}

double stats_p_student(double t, double df)
{
    if (isnan(t) || isnan(df) || df <= 0)
        return NAN;
    return 2.0 * gsl_cdf_tdist_Q(fabs(t), df);
}

void stats_wilson(uint64_t k, uint64_t n, double *low, double *high)
{
    if (n == 0) {
        *low = *high = NAN;
        return;
    }
    double nn = (double)n, p = (double)k / nn, z2 = Z95 * Z95;
    double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
    double half = Z95 * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / (1 + z2 / nn);
    *low = centre - half < 0 ? 0 : centre - half;
    *high = centre + half > 1 ? 1 : centre + half;
}

/* The (low, high) answer range a share-type metric counts. */
static void share_range(const metric_spec_t *spec, int *low, int *high)
{
    switch (spec->kind) {
    case METRIC_CSAT: *low = 4, *high = 5; break;
    case METRIC_CES: *low = 5, *high = 7; break;
    default: *low = spec->share_low, *high = spec->share_high;
    }
}

static bool is_share(metric_kind kind)
{
    return kind == METRIC_CSAT || kind == METRIC_CES || kind == METRIC_SHARE;
}

void stats_estimate(const metric_spec_t *spec, const score_hist_t *h, estimate_t *out)
{
    uint64_t n = hist_n(h);
    out->n = n;
    out->skipped = h->skipped;
    out->small_sample = n < SMALL_SAMPLE_N;
    out->value = out->se = out->ci_low = out->ci_high = NAN;
    if (spec->kind == METRIC_COUNT) {
        out->value = (double)n;
        out->small_sample = false;
        return;
    }
    if (n == 0)
        return;
    double nn = (double)n;
    if (spec->kind == METRIC_NPS) {
        double p = (double)hist_range(h, 9, 10) / nn;
        double d = (double)hist_range(h, 0, 6) / nn;
        out->value = 100.0 * (p - d);
        out->se = 100.0 * sqrt((p + d - (p - d) * (p - d)) / nn);
        out->ci_low = fmax(-100.0, out->value - Z95 * out->se);
        out->ci_high = fmin(100.0, out->value + Z95 * out->se);
    } else if (is_share(spec->kind)) {
        int low, high;
        share_range(spec, &low, &high);
        uint64_t k = hist_range(h, low, high);
        double p = (double)k / nn, lo, hi;
        stats_wilson(k, n, &lo, &hi);
        out->value = 100.0 * p;
        out->se = 100.0 * sqrt(p * (1 - p) / nn);
        out->ci_low = 100.0 * lo;
        out->ci_high = 100.0 * hi;
    } else { /* METRIC_MEAN */
        out->value = hist_mean(h);
        if (n >= 2) {
            out->se = sqrt(hist_variance(h) / nn);
            double t = gsl_cdf_tdist_Qinv(0.025, nn - 1);
            out->ci_low = out->value - t * out->se;
            out->ci_high = out->value + t * out->se;
        }
    }
}

void stats_compare(const metric_spec_t *spec, const score_hist_t *a, const score_hist_t *b,
                   comparison_t *out)
{
    estimate_t ea, eb;
    stats_estimate(spec, a, &ea);
    stats_estimate(spec, b, &eb);
    out->difference = ea.value - eb.value;
    out->se = out->statistic = out->df = out->p_value = NAN;
    if (spec->kind == METRIC_COUNT || ea.n == 0 || eb.n == 0)
        return;
    if (spec->kind == METRIC_MEAN) {
        if (ea.n < 2 || eb.n < 2)
            return;
        double va = hist_variance(a) / (double)ea.n, vb = hist_variance(b) / (double)eb.n;
        out->se = sqrt(va + vb);
        if (out->se == 0)
            return;
        out->statistic = out->difference / out->se;
        out->df = (va + vb) * (va + vb) /
                  (va * va / (double)(ea.n - 1) + vb * vb / (double)(eb.n - 1));
        out->p_value = stats_p_student(out->statistic, out->df);
        return;
    }
    out->se = sqrt(ea.se * ea.se + eb.se * eb.se);
    if (!(out->se > 0))
        return;
    out->statistic = out->difference / out->se;
    out->p_value = stats_p_normal(out->statistic);
}

static int ranked_compare(const void *x, const void *y)
{
    double a = ((const stats_ranked_t *)x)->p, b = ((const stats_ranked_t *)y)->p;
    return (a > b) - (a < b);
}

void stats_benjamini_hochberg(const double *p, double *q, size_t n, stats_ranked_t *scratch)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        q[i] = NAN;
        if (!isnan(p[i]))
            scratch[m++] = (stats_ranked_t){.p = p[i], .index = i};
    }
    if (m == 0)
        return;
    qsort(scratch, m, sizeof *scratch, ranked_compare);
    /* q_(r) = min over k >= r of p_(k)·m/k, capped at 1 */
    double running = 1.0;
    for (size_t r = m; r-- > 0;) {
        double adjusted = scratch[r].p * (double)m / (double)(r + 1);
        if (adjusted < running)
            running = adjusted;
        q[scratch[r].index] = running;
    }
}
