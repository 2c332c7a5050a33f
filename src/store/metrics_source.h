/*
 * metrics_source.h — what the metrics engine reads from the store: the
 * response rows (in id order, from a given id on) and the small tables that
 * give their dimensions meaning (surveys, touchpoints with their stages,
 * segments, accounts, customers).
 *
 * Scans call a callback per row; strings passed to it are valid only during
 * the call. A callback returning non-CX_OK stops the scan with that result.
 */
#ifndef CX_STORE_METRICS_SOURCE_H
#define CX_STORE_METRICS_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/result.h"
#include "store/db.h"

typedef struct store_response_row {
    int64_t id;
    int64_t survey_id;
    int64_t touchpoint_id; /* 0 = none */
    int64_t customer_id;   /* 0 = anonymous */
    const char *channel;
    const char *language;
    int64_t submitted_at;
    int score;             /* -1 when the main question was skipped */
} store_response_row_t;

typedef cx_result (*store_response_fn)(const store_response_row_t *row, void *ctx);
/* Rows with id > after_id, in id order, at most limit (0 = all). */
cx_result store_responses_scan(db_conn_t *db, int64_t after_id, int64_t limit,
                               store_response_fn fn, void *ctx);

typedef struct store_dim_row {
    int64_t id;
    const char *name;
    const char *kind;      /* surveys: nps/csat/ces/enps/custom; else "" */
    int64_t parent_id;     /* touchpoints: stage id; customers: segment id */
    const char *parent_name; /* touchpoints: stage name */
    int64_t position;      /* touchpoints: the stage's position */
    int64_t other_id;      /* customers: account id */
    const char *extra;     /* customers: value tier; surveys: main question kind */
    bool flag;             /* surveys: the main scale is inverted */
    const char *attributes; /* customers: their free attributes, a JSON object */
} store_dim_row_t;

typedef cx_result (*store_dim_fn)(const store_dim_row_t *row, void *ctx);
cx_result store_surveys_scan(db_conn_t *db, store_dim_fn fn, void *ctx);
cx_result store_touchpoints_scan(db_conn_t *db, store_dim_fn fn, void *ctx);
cx_result store_segments_scan(db_conn_t *db, store_dim_fn fn, void *ctx);
cx_result store_accounts_scan(db_conn_t *db, store_dim_fn fn, void *ctx);
cx_result store_customers_scan(db_conn_t *db, store_dim_fn fn, void *ctx);

/* Questions other than a survey's main one: id, survey, key, kind
 * (score, rating, effort, single, multi, text), whether the scale is
 * inverted, and the choices as JSON text. */
typedef struct store_question_row {
    int64_t id;
    int64_t survey_id;
    const char *key;
    const char *kind;
    bool inverted;
    const char *choices;
} store_question_row_t;
typedef cx_result (*store_question_fn)(const store_question_row_t *row, void *ctx);
cx_result store_questions_scan(db_conn_t *db, store_question_fn fn, void *ctx);

/* Answers of responses with after_id < response id <= upto_id, in
 * response order; value_text is NULL for numeric answers. */
typedef struct store_answer_row {
    int64_t response_id;
    int64_t question_id;
    bool has_number;
    double number;
    const char *text;
} store_answer_row_t;
typedef cx_result (*store_answer_fn)(const store_answer_row_t *row, void *ctx);
cx_result store_answers_scan(db_conn_t *db, int64_t after_id, int64_t upto_id,
                             store_answer_fn fn, void *ctx);

/* A number that changes whenever customers, surveys, touchpoints, segments
 * or accounts change (their row counts and largest ids folded together),
 * (and questions), so the engine knows when to reload them. */
cx_result store_dimensions_version(db_conn_t *db, int64_t *out);

#endif
