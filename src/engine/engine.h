/*
 * engine.h — the metrics engine: every response held in memory as compact
 * columns, answering "metric × filters × up to two groupings" in one pass.
 *
 * Lifecycle: engine_create, then engine_refresh (loads everything the store
 * has; later calls load only what is new, so writes never trigger a full
 * rebuild), then any number of concurrent engine_query calls. Refreshes
 * may run while queries run; a query sees the rows published when it
 * started (a consistent prefix in id order). One refresh at a time.
 *
 * Per response the engine keeps 21 bytes of columns (id 8, local day 2,
 * survey 2, touchpoint 2, channel 1, language 1, customer 4, main score 1);
 * customer-level dimensions (segment, account, value tier) are looked up
 * through the customer, so a customer's new segment applies to all their
 * responses at the next dimension reload.
 *
 * Scores are stored as answered on the survey's main question, except
 * that an inverted effort scale is flipped at load so that 7 always means
 * "very easy" (the scale is stored with the question, never guessed).
 *
 * Ownership: the engine owns everything it holds; results are owned by the
 * caller and freed with engine_result_free.
 */
#ifndef CX_ENGINE_H
#define CX_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/result.h"
#include "core/stats.h"
#include "store/store.h"

typedef struct engine engine_t;

typedef enum engine_dim {
    DIM_NONE = 0,
    DIM_DAY,
    DIM_WEEK, /* ISO week */
    DIM_MONTH,
    DIM_QUARTER,
    DIM_YEAR,
    DIM_SURVEY,
    DIM_TOUCHPOINT,
    DIM_STAGE,
    DIM_CHANNEL,
    DIM_SEGMENT,
    DIM_ACCOUNT,
    DIM_LANGUAGE,
    DIM_TIER,
    DIM_ATTRIBUTE, /* a customer attribute, named in the filter or query */
    DIM_COUNT
} engine_dim;

/* "month", "segment", ...; NULL for DIM_NONE. */
const char *engine_dim_name(engine_dim dim);
/* DIM_NONE for an unknown name. */
engine_dim engine_dim_from_name(const char *name);
bool engine_dim_is_period(engine_dim dim);

cx_result engine_create(engine_t **out);
/* The usual start: sets the process's time zone to the organisation's
 * (setting "timezone", Europe/Warsaw when unset; call before starting
 * threads), creates the engine and loads every response. */
cx_result engine_open(store_t *store, engine_t **out, char *err, size_t errlen);
void engine_free(engine_t *e);

/* Loads new responses (and reloads the dimension tables when they have
 * changed). Safe to call while queries run; not from two threads at once. */
cx_result engine_refresh(engine_t *e, store_t *store);
/* Reloads the dimension tables unconditionally: customers that changed
 * segment, account or tier in place are not seen by engine_refresh's
 * change check, so a server calls this now and then (every minute). */
cx_result engine_reload_dimensions(engine_t *e, store_t *store);
/* Forgets a response that was deleted from the store (its row stays, no
 * longer counted anywhere). CX_ERR_NOT_FOUND when the engine does not
 * hold it. Thread-safe. */
cx_result engine_forget(engine_t *e, int64_t response_id);
/* Reads one response again from the store (its main score and its
 * answers) and replaces what the engine holds for it: forget, then add
 * again in the same place. engine_refresh follows new rows by id and never
 * sees a row change later, so whoever updates a response in place (a
 * survey completed after its first answer) calls this. The survey, time,
 * channel, language and customer of a response are taken as fixed.
 * CX_ERR_NOT_FOUND when the engine does not hold the row yet (the next
 * refresh loads it whole) or it was forgotten. Thread-safe, also against a
 * running refresh: the store is read without the lock, the row replaced
 * under the write lock. */
cx_result engine_reload_response(engine_t *e, store_t *store, int64_t response_id);

typedef struct engine_stats {
    size_t rows;          /* responses held */
    size_t column_bytes;  /* bytes of per-response columns */
    size_t total_bytes;   /* everything the engine allocated */
    int64_t last_id;      /* newest response id held */
    size_t cube_entries;  /* entries of the pre-aggregated cube, 0 if none */
} engine_stats_t;
void engine_get_stats(engine_t *e, engine_stats_t *out);

/* A number that changes whenever a query could answer differently: rows
 * published, a response forgotten, the dimension tables reloaded. Pages
 * that cache what they computed from the engine key it on this. */
uint64_t engine_generation(engine_t *e);

#define ENGINE_MAX_FILTERS 16
#define ENGINE_PATH_ROWS 1
#define ENGINE_PATH_CUBE 2
#define ENGINE_MAX_VALUES 64

typedef struct engine_filter {
    engine_dim dim;
    const char *attribute; /* DIM_ATTRIBUTE: the attribute's key */
    int nvalues;
    const char *values[ENGINE_MAX_VALUES]; /* names (or numeric ids) */
} engine_filter_t;

typedef struct engine_query {
    const char *metric;    /* nps, csat, ces, enps, count */
    engine_dim by[2];      /* DIM_NONE for unused */
    const char *by_attribute[2]; /* the attribute's key where by is DIM_ATTRIBUTE */
    bool has_from, has_to;
    int32_t from_day, to_day; /* local days since 1970-01-01, inclusive */
    int nfilters;
    engine_filter_t filters[ENGINE_MAX_FILTERS];
    int threads;           /* 0 = automatic */
    int path;              /* 0 = automatic, ENGINE_PATH_ROWS or _CUBE (tests) */
} engine_query_t;

typedef struct engine_row {
    const char *labels[2]; /* per grouping dimension; owned by the result */
    estimate_t estimate;
    score_hist_t hist;     /* the answers behind it (promoters are 9-10 ...) */
    bool has_change;
    double change;         /* value minus the previous period's */
    double p_value;        /* of the change */
    double q_value;        /* Benjamini–Hochberg over the rows' p-values */
} engine_row_t;

typedef struct engine_result {
    char metric[96];
    engine_dim by[2];
    char by_name[2][80];   /* "month", "segment", "attr.KEY" */
    size_t nrows;
    engine_row_t *rows;
    bool fdr_applied;      /* q_value computed over more than one row */
    size_t rows_scanned;   /* rows or cube entries the query looked at */
    bool used_cube;        /* answered from the pre-aggregated cube */
    arena_t arena;         /* labels live here */
} engine_result_t;

/* Runs a query. On CX_ERR_INVALID, err says what is wrong with it (an
 * unknown metric, dimension or filter value). */
cx_result engine_query(engine_t *e, const engine_query_t *q, engine_result_t *out, char *err,
                       size_t errlen);
void engine_result_free(engine_result_t *r);

/* The values a non-period dimension has (for pickers), in display order,
 * copied into the arena; at most max of them. CX_ERR_INVALID for a period
 * or an unknown dimension. */
cx_result engine_dim_values(engine_t *e, engine_dim dim, arena_t *arena, size_t max,
                            const char ***out, size_t *count);

/* Parses "YYYY-MM-DD" into a day number; false when malformed. */
bool engine_parse_day(const char *s, int32_t *day);

#endif
