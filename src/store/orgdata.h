/*
 * orgdata.h — bulk storage of an organisation's data: accounts, segments,
 * customers, the journey (journeys, stages, touchpoints), surveys and
 * questions, responses and answers, KPIs and their values, targets,
 * cases, initiatives and brand promises.
 *
 * Written for loading (synthetic data, imports): inserts take explicit ids
 * where the caller plans them (id 0 lets the database choose), the
 * response and answer inserts take whole arrays and write several rows
 * per statement, and orgdata_responses_unindex/reindex let a load into an
 * empty or small table skip index maintenance. Lookups by each table's
 * natural key make loads re-runnable. Reading for pages and reports
 * belongs to other store modules. Values are always bound, never
 * formatted into SQL; every statement is a literal.
 *
 * Every function takes the db_conn_t of a store job (store.h). Strings are
 * bound (copied) during the call; nothing is retained. Times are Unix
 * seconds; 0 stands for NULL in optional times and ids.
 */
#ifndef CX_STORE_ORGDATA_H
#define CX_STORE_ORGDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/result.h"
#include "store/db.h"

typedef enum orgdata_table {
    ORGDATA_ACCOUNTS,
    ORGDATA_SEGMENTS,
    ORGDATA_CUSTOMERS,
    ORGDATA_JOURNEYS,
    ORGDATA_STAGES,
    ORGDATA_TOUCHPOINTS,
    ORGDATA_SURVEYS,
    ORGDATA_QUESTIONS,
    ORGDATA_RESPONSES,
    ORGDATA_ANSWERS,
    ORGDATA_KPIS,
    ORGDATA_KPI_VALUES,
    ORGDATA_TARGETS,
    ORGDATA_CASES,
    ORGDATA_CASE_NOTES,
    ORGDATA_INITIATIVES,
    ORGDATA_PROMISES,
    ORGDATA_FEEDBACK_ITEMS,
    ORGDATA_TABLE_COUNT
} orgdata_table_t;

/* The table's SQL name, e.g. "kpi_values". */
const char *orgdata_table_name(orgdata_table_t table);
/* Rows in the table. */
cx_result orgdata_count(db_conn_t *db, orgdata_table_t table, int64_t *out);
/* Largest id in use (0 when empty): ORGDATA_ACCOUNTS, _CUSTOMERS or
 * _RESPONSES, whose ids loaders plan themselves. */
cx_result orgdata_max_id(db_conn_t *db, orgdata_table_t table, int64_t *out);

/* ---- accounts, segments, customers ---- */

typedef struct orgdata_account {
    int64_t id;              /* 0 = assigned */
    const char *external_id; /* NULL none */
    const char *name;
    const char *industry;
    int64_t created_at;
} orgdata_account_t;

cx_result orgdata_account_add(db_conn_t *db, const orgdata_account_t *a, int64_t *id_out);

/* rule: JSON text or NULL for an explicit list. CX_ERR_CONFLICT when the
 * name is taken. */
cx_result orgdata_segment_add(db_conn_t *db, const char *name, const char *description,
                              const char *rule, int64_t created_at, int64_t *id_out);
cx_result orgdata_segment_find(db_conn_t *db, const char *name, int64_t *id_out);

typedef struct orgdata_customer {
    int64_t id; /* 0 = assigned */
    const char *external_id;
    const char *name;
    const char *email;
    const char *language;
    int64_t segment_id; /* 0 none */
    int64_t account_id; /* 0 none */
    const char *value_tier;
    double revenue;         /* yearly, organisation's currency */
    double cost_to_serve;   /* yearly */
    int64_t joined_at;      /* 0 unknown */
    int64_t churned_at;     /* 0 still a customer */
    const char *attributes; /* JSON object text; NULL = {} */
    int64_t created_at;
} orgdata_customer_t;

/* Inserts n customers, all or none (the caller's job rolls back). */
cx_result orgdata_customers_add(db_conn_t *db, const orgdata_customer_t *rows, size_t n);

/* ---- journey ---- */

cx_result orgdata_journey_add(db_conn_t *db, const char *name, const char *description,
                              int64_t created_at, int64_t *id_out);
cx_result orgdata_journey_find(db_conn_t *db, const char *name, int64_t *id_out);

cx_result orgdata_stage_add(db_conn_t *db, int64_t journey_id, int position, const char *name,
                            int64_t *id_out);
cx_result orgdata_stage_find(db_conn_t *db, int64_t journey_id, int position, int64_t *id_out);

typedef struct orgdata_touchpoint {
    int64_t stage_id;
    const char *name;
    const char *channel;
    const char *department;
    bool back_office;
    bool has_target;
    double target_score;
    bool moment_of_truth;
} orgdata_touchpoint_t;

cx_result orgdata_touchpoint_add(db_conn_t *db, const orgdata_touchpoint_t *t, int64_t *id_out);
cx_result orgdata_touchpoint_find(db_conn_t *db, const char *name, int64_t *id_out);

/* ---- surveys ---- */

typedef struct orgdata_survey {
    const char *slug;
    const char *kind; /* nps, csat, ces, enps, custom */
    const char *name;
    int64_t touchpoint_id; /* 0 none */
    const char *channel;
    const char *languages; /* comma list */
    bool open;
    const char *thank_you; /* JSON object language -> text; NULL = {} */
    int64_t created_at;
    const char *title;     /* JSON object language -> text; NULL = {} */
    const char *intro;     /* JSON object language -> text; NULL = {} */
} orgdata_survey_t;

cx_result orgdata_survey_add(db_conn_t *db, const orgdata_survey_t *s, int64_t *id_out);
cx_result orgdata_survey_find(db_conn_t *db, const char *slug, int64_t *id_out);

typedef struct orgdata_question {
    int64_t survey_id;
    int position;
    const char *key;
    const char *kind;    /* score, rating, effort, single, multi, text */
    const char *label;   /* JSON object language -> text */
    const char *choices; /* JSON array; NULL = [] */
    bool scale_inverted;
    bool is_main;
    const char *driver_attribute; /* NULL none */
    bool required;
} orgdata_question_t;

cx_result orgdata_question_add(db_conn_t *db, const orgdata_question_t *q, int64_t *id_out);
cx_result orgdata_question_find(db_conn_t *db, int64_t survey_id, const char *key, int64_t *id_out);

/* ---- responses and answers ---- */

typedef struct orgdata_response {
    int64_t id; /* must be set: loaders plan response ids */
    int64_t survey_id;
    int64_t customer_id;   /* 0 anonymous */
    int64_t touchpoint_id; /* 0 none */
    const char *channel;
    const char *language;
    int64_t submitted_at;
    bool completed;
    bool has_score;
    int score;
    bool has_nps_group;
    int nps_group;       /* -1, 0, 1 */
    const char *comment; /* NULL none */
    size_t comment_len;
    int64_t created_at;
} orgdata_response_t;

cx_result orgdata_responses_add(db_conn_t *db, const orgdata_response_t *rows, size_t n);

typedef struct orgdata_answer {
    int64_t response_id;
    int64_t question_id;
    bool has_num;
    double value_num;
    const char *value_text; /* NULL none */
} orgdata_answer_t;

cx_result orgdata_answers_add(db_conn_t *db, const orgdata_answer_t *rows, size_t n);

/* Drops the secondary indexes of responses, and creates them again (a
 * bulk load sorts once instead of updating three B-trees per row). Run
 * both in the same job, so a failed load cannot leave them missing;
 * reindex is harmless when the indexes exist. */
cx_result orgdata_responses_unindex(db_conn_t *db);
cx_result orgdata_responses_reindex(db_conn_t *db);

/* ---- KPIs, targets, the loop ---- */

typedef struct orgdata_kpi {
    const char *name;
    const char *unit;
    const char *kind;   /* operational, financial */
    const char *better; /* higher, lower */
    const char *description;
} orgdata_kpi_t;

cx_result orgdata_kpi_add(db_conn_t *db, const orgdata_kpi_t *k, int64_t *id_out);
cx_result orgdata_kpi_find(db_conn_t *db, const char *name, int64_t *id_out);
/* segment_id, touchpoint_id: 0 for the whole organisation. */
cx_result orgdata_kpi_value_add(db_conn_t *db, int64_t kpi_id, int64_t period_start,
                                int64_t segment_id, int64_t touchpoint_id, double value);

/* scope: whole, touchpoint, segment (scope_id 0 for whole). */
cx_result orgdata_target_add(db_conn_t *db, const char *metric, const char *scope, int64_t scope_id,
                             double value, int64_t due_date, int64_t created_at, int64_t *id_out);

typedef struct orgdata_case {
    int64_t response_id;      /* 0 none */
    int64_t feedback_item_id; /* 0 none */
    int64_t customer_id;      /* 0 none */
    const char *title;
    int64_t owner_id;     /* 0 unassigned */
    const char *status;   /* new, in_progress, resolved, closed */
    const char *priority; /* low, normal, high, urgent */
    int64_t due_at;       /* 0 none */
    bool contacted;
    const char *outcome;
    const char *rule;
    int64_t created_at;
    int64_t resolved_at; /* 0 none */
    int64_t closed_at;   /* 0 none */
} orgdata_case_t;

cx_result orgdata_case_add(db_conn_t *db, const orgdata_case_t *c, int64_t *id_out);
cx_result orgdata_case_note_add(db_conn_t *db, int64_t case_id, int64_t author_id, const char *text,
                                int64_t created_at);

typedef struct orgdata_initiative {
    const char *title;
    const char *root_cause;
    int64_t touchpoint_id; /* 0 none */
    const char *theme;
    int64_t owner_id; /* 0 none */
    double cost;
    const char *expected_effect;
    const char *status;  /* proposed, approved, in_progress, done, cancelled */
    int64_t started_at;  /* 0 none */
    int64_t finished_at; /* 0 none */
    int64_t created_at;
} orgdata_initiative_t;

cx_result orgdata_initiative_add(db_conn_t *db, const orgdata_initiative_t *i, int64_t *id_out);

/* measures: JSON array of metric names. */
cx_result orgdata_promise_add(db_conn_t *db, const char *text, const char *measures,
                              int64_t created_at, int64_t *id_out);

/* ---- checks (tests, `gen` summaries) ---- */

/* A 64-bit FNV-1a digest of every column of every row of ORGDATA_RESPONSES,
 * ORGDATA_ANSWERS or ORGDATA_CUSTOMERS in key order, and the row count:
 * equal digests mean equal contents. */
cx_result orgdata_digest(db_conn_t *db, orgdata_table_t table, uint64_t *digest, int64_t *rows);

/* How many responses of a survey have each main score 0..10. */
cx_result orgdata_score_counts(db_conn_t *db, int64_t survey_id, int64_t counts[11]);

/* Mean main score of a survey's responses from customers who later left,
 * and from those who stayed (NaN when there are none). */
cx_result orgdata_mean_score_by_churn(db_conn_t *db, int64_t survey_id, double *churned,
                                      double *stayed);

#endif
