/*
 * overview.h — the numbers of the dashboard's first screen: how much the
 * organisation has collected so far.
 *
 * Functions take the db_conn_t of a store job (store.h). Read-only; they
 * must never be called inside a write job that expects to see its own
 * uncommitted rows counted (they would be, which is fine, but say so).
 */
#ifndef CX_STORE_OVERVIEW_H
#define CX_STORE_OVERVIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "core/result.h"
#include "store/db.h"

typedef struct store_overview_counts {
    int64_t responses; /* survey responses */
    int64_t customers; /* customers not erased */
    int64_t surveys;
    int64_t feedback_items;
    int64_t users; /* enabled users */
    int64_t touchpoints;
} store_overview_counts_t;

cx_result store_overview_counts(db_conn_t *db, store_overview_counts_t *out);

/* The organisation-wide target of a metric ("nps", "csat", "ces",
 * "enps", "kpi:NAME"): the one due soonest from `now` on, else the one
 * that fell due last. *found is false when the metric has none. */
typedef struct store_target {
    bool found;
    double value;
    int64_t due; /* Unix seconds */
} store_target_t;
cx_result store_overview_target(db_conn_t *db, const char *metric, int64_t now,
                                store_target_t *out);

/* A trivial query: CX_OK when the database answers (health checks). */
cx_result store_overview_ping(db_conn_t *db);

#endif
