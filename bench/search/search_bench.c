/*
 * search_bench.c — full-text search (FTS5, the cxfold tokenizer) against
 * the same search done with LIKE over every comment, on one database made
 * by `cxloop gen`. For each word: the matches found by each way, and the
 * median and worst time of RUNS repetitions; plus the time of the first
 * page of the feedback browser for the word (newest first, snippets).
 *
 *   search_bench DB RUNS WORD...
 *
 * Relies on the store's public functions only (browse.h, search.h); it
 * opens the database read-only through the store and never writes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "store/browse.h"
#include "store/search.h"
#include "store/store.h"

typedef struct bench_job {
    const char *word;
    const char *match;
    int mode; /* 0 FTS count, 1 LIKE count, 2 browser page */
    int64_t n;
} bench_job_t;

static cx_result bench_job(db_conn_t *db, void *arg)
{
    bench_job_t *j = arg;
    if (j->mode == 0)
        return browse_count_matching(db, j->match, &j->n);
    if (j->mode == 1) {
        char pattern[256];
        snprintf(pattern, sizeof pattern, "%%%s%%", j->word);
        return browse_count_like(db, pattern, &j->n);
    }
    arena_t arena;
    arena_init(&arena);
    browse_filter_t f = {.kind = BROWSE_RESPONSES, .match = j->match, .limit = 25};
    browse_entry_t *entries;
    size_t count;
    bool more;
    cx_result rc = browse_list(db, &arena, &f, &entries, &count, &more);
    j->n = (int64_t)count;
    arena_free(&arena);
    return rc;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: search_bench DB RUNS WORD...\n");
        return 2;
    }
    int runs = atoi(argv[2]);
    if (runs < 1 || runs > 1000)
        runs = 5;
    store_options_t opt = {.path = argv[1]};
    store_t *store;
    char err[256];
    if (store_open(&opt, &store, err, sizeof err) != CX_OK) {
        fprintf(stderr, "search_bench: %s\n", err);
        return 1;
    }
    arena_t arena;
    arena_init(&arena);
    printf("word\tway\tmatches\tp50_ms\tmax_ms\n");
    double *times = calloc((size_t)runs, sizeof *times);
    int status = 0;
    for (int w = 3; w < argc && times; w++) {
        bench_job_t job = {.word = argv[w]};
        if (search_match_query(&arena, argv[w], &job.match) != CX_OK || !job.match) {
            fprintf(stderr, "search_bench: no word in %s\n", argv[w]);
            status = 1;
            continue;
        }
        static const char *const ways[] = {"fts", "like", "page"};
        double p50[3];
        for (int mode = 0; mode < 3; mode++) {
            job.mode = mode;
            for (int r = 0; r < runs; r++) {
                double t0 = now_ms();
                if (store_read(store, bench_job, &job) != CX_OK) {
                    fprintf(stderr, "search_bench: %s failed for %s\n", ways[mode], argv[w]);
                    status = 1;
                }
                times[r] = now_ms() - t0;
            }
            qsort(times, (size_t)runs, sizeof *times, cmp_double);
            p50[mode] = times[runs / 2];
            printf("%s\t%s\t%lld\t%.2f\t%.2f\n", argv[w], ways[mode], (long long)job.n, p50[mode],
                   times[runs - 1]);
        }
        printf("%s\tlike/fts\t-\t%.1fx\t-\n", argv[w], p50[0] > 0 ? p50[1] / p50[0] : 0.0);
    }
    free(times);
    arena_free(&arena);
    store_close(store);
    return status;
}
