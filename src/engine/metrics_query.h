/*
 * metrics_query.h — the one way a metrics question is asked and answered,
 * shared by `cxloop metrics`, GET /api/v1/metrics and the pages: parsing
 * the parameters into an engine_query_t, and turning a result into the
 * stable JSON document
 *
 *   {"metric": "nps", "by": ["month", "segment"], "fdr": "benjamini-hochberg",
 *    "rows": [{"month": "2026-01", "segment": "B2C", "value": 31.2, "n": 426,
 *              "skipped": 3, "ci_low": 25.0, "ci_high": 37.4, "change": 2.5,
 *              "p_value": 0.41, "q_value": 0.62, "small_sample": false}]}
 *
 * (one key per grouping dimension, named after it; figures that cannot be
 * computed are null). The parsers report what is wrong in err and name the
 * parameter in *field, so the API can answer with a field-level error.
 */
#ifndef CX_METRICS_QUERY_H
#define CX_METRICS_QUERY_H

#include <jansson.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/result.h"
#include "engine/engine.h"

typedef struct metrics_error {
    char message[256];
    const char *field; /* the parameter at fault */
} metrics_error_t;

/* Starts a query for a metric name (checked by engine_query). */
void metrics_query_init(engine_query_t *q, const char *metric);
/* "month,segment": at most two dimensions; "attr.KEY" names a customer
 * attribute (copied into the arena). */
cx_result metrics_query_set_by(engine_query_t *q, arena_t *arena, const char *list,
                               metrics_error_t *err);
/* "YYYY-MM-DD", inclusive, in the organisation's time zone. */
cx_result metrics_query_set_from(engine_query_t *q, const char *day, metrics_error_t *err);
cx_result metrics_query_set_to(engine_query_t *q, const char *day, metrics_error_t *err);
/* A filter on one dimension ("segment", or "attr.KEY" for a customer
 * attribute): values separated by commas, copied into the arena (which
 * must outlive the query). */
cx_result metrics_query_add_filter(engine_query_t *q, arena_t *arena, const char *dimension,
                                   const char *values, metrics_error_t *err);
/* "FIELD=VALUE[,VALUE...]" as given to --where. */
cx_result metrics_query_add_where(engine_query_t *q, arena_t *arena, const char *expression,
                                  metrics_error_t *err);

/* The JSON document of a result (new reference; NULL when out of memory). */
json_t *metrics_result_json(const engine_result_t *r);

/* The same as CSV (RFC 4180, a header row, one line per row; figures that
 * cannot be computed are empty), appended to out. */
void metrics_result_csv(const engine_result_t *r, buf_t *out);

#endif
