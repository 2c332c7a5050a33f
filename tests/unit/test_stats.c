/*
 * test_stats.c — score estimates, intervals and tests on hand-computed
 * cases. Expected values were computed independently (scipy.stats and
 * statsmodels: ttest_ind(equal_var=False), proportion_confint(method=
 * "wilson"), multipletests(method="fdr_bh")).
 */
#include <criterion/criterion.h>
#include <math.h>

#include "core/stats.h"

#define NEAR(a, b, eps) cr_assert(fabs((a) - (b)) < (eps), "%.10f != %.10f", (double)(a), (double)(b))

Test(stats, nps_with_standard_error)
{
    score_hist_t h = {.skipped = 3};
    h.count[10] = 10; /* promoters */
    h.count[8] = 5;   /* passives */
    h.count[0] = 5;   /* detractors */
    metric_spec_t nps = {.kind = METRIC_NPS};
    estimate_t e;
    stats_estimate(&nps, &h, &e);
    cr_assert_eq(e.n, 20);
    cr_assert_eq(e.skipped, 3, "skips are reported, not counted");
    NEAR(e.value, 25.0, 1e-9);
    NEAR(e.se, 18.540496217739157, 1e-9);
    NEAR(e.ci_low, 25.0 - 1.959963984540054 * 18.540496217739157, 1e-9);
    cr_assert(e.small_sample);
}

Test(stats, nps_boundaries)
{
    score_hist_t all_promoters = {0};
    all_promoters.count[9] = 40;
    metric_spec_t nps = {.kind = METRIC_NPS};
    estimate_t e;
    stats_estimate(&nps, &all_promoters, &e);
    NEAR(e.value, 100.0, 1e-12);
    NEAR(e.se, 0.0, 1e-12);
    cr_assert_not(e.small_sample);
    score_hist_t empty = {.skipped = 5};
    stats_estimate(&nps, &empty, &e);
    cr_assert_eq(e.n, 0);
    cr_assert(isnan(e.value));
}

Test(stats, csat_top_two_box_with_wilson)
{
    score_hist_t h = {0};
    h.count[5] = 5;
    h.count[4] = 3;
    h.count[2] = 2;
    metric_spec_t csat = {.kind = METRIC_CSAT};
    estimate_t e;
    stats_estimate(&csat, &h, &e);
    NEAR(e.value, 80.0, 1e-9);
    NEAR(e.ci_low, 49.016247153664183, 1e-6);
    NEAR(e.ci_high, 94.33178485456247, 1e-6);
}

Test(stats, ces_counts_five_to_seven)
{
    score_hist_t h = {0};
    h.count[7] = 2;
    h.count[5] = 1;
    h.count[4] = 1;
    h.count[1] = 1;
    metric_spec_t ces = {.kind = METRIC_CES};
    estimate_t e;
    stats_estimate(&ces, &h, &e);
    NEAR(e.value, 60.0, 1e-9);
}

Test(stats, mean_with_t_interval_and_welch)
{
    score_hist_t a = {0}, b = {0};
    for (int v = 1; v <= 5; v++)
        a.count[v] = 4; /* [1..5] x 4 */
    b.count[3] = 3;
    b.count[4] = 3;
    b.count[5] = 9; /* [3,4,5,5,5] x 3 */
    metric_spec_t mean = {.kind = METRIC_MEAN};
    estimate_t e;
    stats_estimate(&mean, &a, &e);
    NEAR(e.value, 3.0, 1e-12);
    NEAR(e.ci_high - e.value, 0.6790666731339576, 1e-9);
    comparison_t c;
    stats_compare(&mean, &a, &b, &c);
    NEAR(c.statistic, -3.603064211632568, 1e-9);
    NEAR(c.p_value, 0.0010816189617807246, 1e-9);
}

Test(stats, nps_change_is_a_z_test)
{
    score_hist_t a = {0}, b = {0};
    a.count[10] = 60;
    a.count[7] = 20;
    a.count[3] = 20; /* NPS 40 */
    b.count[10] = 40;
    b.count[7] = 30;
    b.count[3] = 30; /* NPS 10 */
    metric_spec_t nps = {.kind = METRIC_NPS};
    estimate_t ea, eb;
    stats_estimate(&nps, &a, &ea);
    stats_estimate(&nps, &b, &eb);
    comparison_t c;
    stats_compare(&nps, &a, &b, &c);
    NEAR(c.difference, 30.0, 1e-9);
    NEAR(c.se, sqrt(ea.se * ea.se + eb.se * eb.se), 1e-12);
    NEAR(c.p_value, 2.0 * 0.5 * erfc(fabs(c.statistic) / sqrt(2.0)), 1e-12);
}

Test(stats, normal_p_value)
{
    NEAR(stats_p_normal(1.5), 0.13361440253771614, 1e-12);
    NEAR(stats_p_normal(-1.5), 0.13361440253771614, 1e-12);
    cr_assert(isnan(stats_p_normal(NAN)));
}

Test(stats, benjamini_hochberg)
{
    const double p[] = {0.01, 0.04, 0.03, 0.2, 0.001, NAN};
    const double expected[] = {0.025, 0.05, 0.05, 0.2, 0.005};
    double q[6];
    stats_ranked_t scratch[6];
    stats_benjamini_hochberg(p, q, 6, scratch);
    for (int i = 0; i < 5; i++)
        NEAR(q[i], expected[i], 1e-12);
    cr_assert(isnan(q[5]));
}

Test(stats, histograms_add)
{
    score_hist_t a = {0}, b = {0};
    a.count[1] = 2;
    a.skipped = 1;
    b.count[1] = 3;
    b.count[9] = 1;
    b.skipped = 2;
    hist_add(&a, &b);
    cr_assert_eq(a.count[1], 5);
    cr_assert_eq(a.count[9], 1);
    cr_assert_eq(a.skipped, 3);
    cr_assert_eq(hist_n(&a), 6);
}
