/*
 * gen_run.h — writing the synthetic organisation (demo_org.h, drawn by
 * gen_model.h) into a store: settings, the journey, surveys, segments and
 * KPIs, then customers, responses and answers at scale, then feedback
 * items, KPI values, targets, cases, initiatives and promises. Used by
 * `cxloop gen` and `cxloop demo`.
 *
 * The whole run is one store_write job, so it lands whole or not at all.
 * A producer thread draws rows from the model while the writer inserts
 * the previous batch, so on two cores drawing costs almost nothing. With
 * the same configuration on an empty database the content is the same
 * byte for byte; only the demo's users and their audit entries carry the
 * wall clock. It must never read the clock for anything it generates.
 */
#ifndef CX_GEN_RUN_H
#define CX_GEN_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/result.h"
#include "store/orgdata.h"
#include "store/store.h"

#define GEN_DEFAULT_END "2026-10-31"
#define GEN_DEFAULT_MONTHS 18
#define GEN_MAX_RESPONSES 1000000000LL
#define GEN_MAX_CUSTOMERS 20000000LL

/* A user to create with the data (the demo's). Strings are copied. */
typedef struct gen_user {
    const char *name;
    const char *display_name;
    const char *email;
    const char *role;
    const char *password_hash;
} gen_user_t;

typedef struct gen_config {
    uint64_t seed;
    int64_t responses;
    int64_t customers;   /* 0: gen_default_customers(responses) */
    int months;          /* 0: GEN_DEFAULT_MONTHS */
    int64_t end_day;     /* last day of data, days since 1970-01-01; 0: GEN_DEFAULT_END */
    bool append;         /* allow a database that already has responses */
    double driver_share; /* NPS responses answering the drivers; 0: 0.1 */
    bool demo;           /* write the setting demo=1 */
    const gen_user_t *users;
    size_t nusers;
} gen_config_t;

typedef struct gen_summary {
    int64_t rows[ORGDATA_TABLE_COUNT]; /* rows written by this run */
    int64_t users;
    double seconds;
} gen_summary_t;

int64_t gen_default_customers(int64_t responses);

/* Runs the generation. On failure nothing is written and err holds an
 * English sentence: CX_ERR_CONFLICT when the database has responses and
 * cfg->append is not set, CX_ERR_INVALID for a bad configuration. */
cx_result gen_run(store_t *store, const gen_config_t *cfg, gen_summary_t *out, char *err,
                  size_t errlen);

/* "responses=N answers=N ... seconds=S responses_per_second=R" */
void gen_summary_format(const gen_summary_t *s, buf_t *out);

#endif
