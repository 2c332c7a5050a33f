/*
 * engine_bench.c — times the metrics engine on a database: how long the
 * load takes, how many bytes per response it holds, resident memory, and
 * p50/p99 of each dashboard query over repeated runs.
 *
 *   build/bench/engine_bench DB [RUNS]
 *
 * Queries are given relative to the newest day in the data ("last 365
 * days"), so the same list works for any generated database. Output is
 * one line per query, tab-separated, for bench/metrics/run to compare with
 * SQLite and DuckDB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/engine.h"
#include "engine/metrics_query.h"
#include "store/store.h"
#include "sys/tz.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            kib = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kib;
}

typedef struct bench_query {
    const char *name;
    const char *description;
    const char *metric;
    const char *by;
    int from_days_back; /* 0 = no lower bound */
    const char *where[2];
} bench_query_t;

static const bench_query_t queries[] = {
    {"q1", "overall NPS", "nps", NULL, 0, {NULL, NULL}},
    {"q2", "NPS by month", "nps", "month", 0, {NULL, NULL}},
    {"q3", "NPS by month x segment, last 365 days", "nps", "month,segment", 365, {NULL, NULL}},
    {"q4", "NPS by touchpoint, one channel, last 90 days", "nps", "touchpoint", 90,
     {"channel=email", NULL}},
    {"q5", "CSAT by segment x quarter", "csat", "segment,quarter", 0, {NULL, NULL}},
    {"q6", "NPS one survey, two segments, by ISO week", "nps", "week", 0,
     {"survey=1", "segment=1,2"}},
    {"q7", "count by channel", "count", "channel", 0, {NULL, NULL}},
    {"q8", "NPS by stage, last 30 days", "nps", "stage", 30, {NULL, NULL}},
    {"q9", "CES by touchpoint x month, last 180 days", "ces", "touchpoint,month", 180, {NULL, NULL}},
    {"q10", "NPS by tier", "nps", "tier", 0, {NULL, NULL}},
    {"q11", "NPS by language x quarter", "nps", "language,quarter", 0, {NULL, NULL}},
    {"q12", "NPS by day, last 90 days", "nps", "day", 90, {NULL, NULL}},
    {"q13", "eNPS by quarter", "enps", "quarter", 0, {NULL, NULL}},
    {"q14", "CSAT by touchpoint, last 90 days", "csat", "touchpoint", 90, {NULL, NULL}},
    {"q15", "NPS by segment x channel", "nps", "segment,channel", 0, {NULL, NULL}},
    {"q16", "count by survey x month", "count", "survey,month", 0, {NULL, NULL}},
    {"q17", "CES by stage x quarter", "ces", "stage,quarter", 0, {NULL, NULL}},
    {"q18", "CSAT by stage, last 30 days", "csat", "stage", 30, {NULL, NULL}},
    {"q19", "NPS by tier x month, last 180 days", "nps", "tier,month", 180, {NULL, NULL}},
    {"q20", "count by language x week, last 90 days", "count", "language,week", 90,
     {NULL, NULL}},
    {"q21", "NPS by account, last 365 days (rows, no cube)", "nps", "account", 365,
     {NULL, NULL}},
    {"q22", "NPS by customer type attribute x quarter (rows)", "nps", "attr.type,quarter", 0,
     {NULL, NULL}},
};

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: engine_bench DB [RUNS]\n");
        return 2;
    }
    int runs = argc > 2 ? atoi(argv[2]) : 50;
    char err[512];
    store_options_t opt = {.path = argv[1]};
    store_t *store;
    if (store_open(&opt, &store, err, sizeof err)) {
        fprintf(stderr, "engine_bench: %s\n", err);
        return 1;
    }
    long rss_before = rss_kib();
    double t0 = now_ms();
    engine_t *engine;
    if (engine_open(store, &engine, err, sizeof err)) {
        fprintf(stderr, "engine_bench: %s\n", err);
        return 1;
    }
    double load_ms = now_ms() - t0;
    engine_stats_t st;
    engine_get_stats(engine, &st);
    printf("load\t%zu rows\t%.0f ms\t%.1f column bytes/row\t%.1f MiB engine\t%.1f MiB RSS growth"
           "\t%zu cube entries\n",
           st.rows, load_ms, (double)st.column_bytes / (double)(st.rows ? st.rows : 1),
           st.total_bytes / 1048576.0, (rss_kib() - rss_before) / 1024.0, st.cube_entries);

    /* the newest day, for "last N days" */
    engine_query_t probe;
    metrics_query_init(&probe, "count");
    metrics_error_t qerr;
    arena_t probe_arena;
    arena_init(&probe_arena);
    metrics_query_set_by(&probe, &probe_arena, "day", &qerr);
    engine_result_t days;
    engine_query(engine, &probe, &days, err, sizeof err);
    int32_t newest = 0;
    if (days.nrows)
        engine_parse_day(days.rows[days.nrows - 1].labels[0], &newest);
    engine_result_free(&days);
    arena_free(&probe_arena);

    double *times = malloc((size_t)runs * sizeof *times);
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        const bench_query_t *bq = &queries[i];
        arena_t arena;
        arena_init(&arena);
        engine_query_t q;
        metrics_query_init(&q, bq->metric);
        metrics_query_set_by(&q, &arena, bq->by, &qerr);
        if (bq->from_days_back) {
            q.has_from = true;
            q.from_day = newest - bq->from_days_back + 1;
        }
        for (int w = 0; w < 2; w++)
            if (bq->where[w] && metrics_query_add_where(&q, &arena, bq->where[w], &qerr)) {
                fprintf(stderr, "engine_bench: %s\n", qerr.message);
                return 1;
            }
        size_t nrows = 0;
        for (int r = 0; r < runs; r++) {
            engine_result_t res;
            double s = now_ms();
            if (engine_query(engine, &q, &res, err, sizeof err)) {
                fprintf(stderr, "engine_bench: %s: %s\n", bq->name, err);
                return 1;
            }
            times[r] = now_ms() - s;
            nrows = res.nrows;
            engine_result_free(&res);
        }
        qsort(times, (size_t)runs, sizeof *times, compare_double);
        size_t p99 = (size_t)(runs * 0.99) < (size_t)runs ? (size_t)(runs * 0.99) : (size_t)runs - 1;
        printf("%s\t%.3f\t%.3f\t%zu\t%s\n", bq->name, times[runs / 2], times[p99], nrows,
               bq->description);
        arena_free(&arena);
    }
    free(times);
    engine_free(engine);
    store_close(store);
    return 0;
}
