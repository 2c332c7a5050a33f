/*
 * stats.h — the scores a CX team acts on, with their uncertainty, computed
 * from score histograms (METHODS.md, "Scores" and "Change and comparison").
 *
 * Everything here works on a score_hist_t: counts of each integer answer
 * 0..10 plus the number who skipped the question. Histograms add, so the
 * metrics engine aggregates them per group in one pass and this module turns
 * them into figures. Skipped answers are never part of n (one definition
 * everywhere; docs/metrics.md).
 *
 * Pure computation: no I/O, no allocation. Distribution functions come
 * from GSL.
 */
#ifndef CX_STATS_H
#define CX_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCORE_MAX 10
#define SMALL_SAMPLE_N 30 /* below this a figure is flagged as a small sample */

typedef struct score_hist {
    uint64_t count[SCORE_MAX + 1]; /* answers per value */
    uint64_t skipped;              /* asked but not answered */
} score_hist_t;

typedef enum metric_kind {
    METRIC_NPS,       /* 0-10: % promoters (9-10) - % detractors (0-6) */
    METRIC_CSAT,      /* 1-5: share answering 4 or 5, in % (Wilson interval) */
    METRIC_CES,       /* 1-7: share answering 5-7 (agree it was easy), in % */
    METRIC_MEAN,      /* mean of the answers (t interval) */
    METRIC_SHARE,     /* share of answers in [share_low, share_high], in % */
    METRIC_COUNT,     /* number of answers; no interval */
} metric_kind;

typedef struct metric_spec {
    metric_kind kind;
    int share_low, share_high; /* METRIC_SHARE only */
} metric_spec_t;

typedef struct estimate {
    double value;   /* NaN when n == 0 */
    double se;      /* standard error; NaN when undefined */
    double ci_low;  /* 95 % interval */
    double ci_high;
    uint64_t n;       /* answers counted */
    uint64_t skipped; /* asked but not answered, reported beside n */
    bool small_sample; /* n < SMALL_SAMPLE_N */
} estimate_t;

typedef struct comparison {
    double difference; /* a - b */
    double se;
    double statistic;  /* z, or Welch's t */
    double df;         /* Welch's degrees of freedom; NaN for z tests */
    double p_value;    /* two-sided; NaN when not computable */
} comparison_t;

uint64_t hist_n(const score_hist_t *h);
void hist_add(score_hist_t *into, const score_hist_t *h);
/* Mean and sample variance of the answers; NaN when n (or n-1) is 0. */
double hist_mean(const score_hist_t *h);
double hist_variance(const score_hist_t *h);

/* The figure for one group. */
void stats_estimate(const metric_spec_t *spec, const score_hist_t *h, estimate_t *out);

/* Change between two groups (a is the newer or the focal one): z-test for
 * NPS and shares (unpooled SE = sqrt(SE_a² + SE_b²)), Welch's t-test for
 * means. METRIC_COUNT has no test (p_value NaN). */
void stats_compare(const metric_spec_t *spec, const score_hist_t *a, const score_hist_t *b,
                   comparison_t *out);

/* Wilson score interval for k successes of n at 95 %, as proportions. */
void stats_wilson(uint64_t k, uint64_t n, double *low, double *high);

/* Benjamini–Hochberg: q[i] is the adjusted p-value of p[i] (NaN stays NaN
 * and does not count towards m). scratch holds n entries. */
typedef struct stats_ranked {
    double p;
    size_t index;
} stats_ranked_t;
void stats_benjamini_hochberg(const double *p, double *q, size_t n, stats_ranked_t *scratch);

/* Two-sided p-values. */
double stats_p_normal(double z);
double stats_p_student(double t, double df);

#endif
