/*
 * orgdata.c — bulk storage of an organisation's data (see orgdata.h).
 *
 * Speed matters here: `cxloop gen` pushes millions of responses through
 * these functions. Responses, answers and customers are inserted several
 * rows per statement (one VM run instead of eight), statements come from
 * the connection's cache, values are bound, never formatted into SQL.
 */
#include "store/orgdata.h"

#include <math.h>
#include <string.h>

static const char *const table_names[ORGDATA_TABLE_COUNT] = {
    [ORGDATA_ACCOUNTS] = "accounts",
    [ORGDATA_SEGMENTS] = "segments",
    [ORGDATA_CUSTOMERS] = "customers",
    [ORGDATA_JOURNEYS] = "journeys",
    [ORGDATA_STAGES] = "stages",
    [ORGDATA_TOUCHPOINTS] = "touchpoints",
    [ORGDATA_SURVEYS] = "surveys",
    [ORGDATA_QUESTIONS] = "questions",
    [ORGDATA_RESPONSES] = "responses",
    [ORGDATA_ANSWERS] = "answers",
    [ORGDATA_KPIS] = "kpis",
    [ORGDATA_KPI_VALUES] = "kpi_values",
    [ORGDATA_TARGETS] = "targets",
    [ORGDATA_CASES] = "cases",
    [ORGDATA_CASE_NOTES] = "case_notes",
    [ORGDATA_INITIATIVES] = "initiatives",
    [ORGDATA_PROMISES] = "promises",
    [ORGDATA_FEEDBACK_ITEMS] = "feedback_items",
};

const char *orgdata_table_name(orgdata_table_t table) { return table_names[table]; }

/* SQL must be a literal per statement, so each table has its own. */
static db_stmt_t *count_statement(db_conn_t *db, orgdata_table_t table)
{
    switch (table) {
    case ORGDATA_ACCOUNTS: return db_prepare(db, "SELECT count(*) FROM accounts");
    case ORGDATA_SEGMENTS: return db_prepare(db, "SELECT count(*) FROM segments");
    case ORGDATA_CUSTOMERS: return db_prepare(db, "SELECT count(*) FROM customers");
    case ORGDATA_JOURNEYS: return db_prepare(db, "SELECT count(*) FROM journeys");
    case ORGDATA_STAGES: return db_prepare(db, "SELECT count(*) FROM stages");
    case ORGDATA_TOUCHPOINTS: return db_prepare(db, "SELECT count(*) FROM touchpoints");
    case ORGDATA_SURVEYS: return db_prepare(db, "SELECT count(*) FROM surveys");
    case ORGDATA_QUESTIONS: return db_prepare(db, "SELECT count(*) FROM questions");
    case ORGDATA_RESPONSES: return db_prepare(db, "SELECT count(*) FROM responses");
    case ORGDATA_ANSWERS: return db_prepare(db, "SELECT count(*) FROM answers");
    case ORGDATA_KPIS: return db_prepare(db, "SELECT count(*) FROM kpis");
    case ORGDATA_KPI_VALUES: return db_prepare(db, "SELECT count(*) FROM kpi_values");
    case ORGDATA_TARGETS: return db_prepare(db, "SELECT count(*) FROM targets");
    case ORGDATA_CASES: return db_prepare(db, "SELECT count(*) FROM cases");
    case ORGDATA_CASE_NOTES: return db_prepare(db, "SELECT count(*) FROM case_notes");
    case ORGDATA_INITIATIVES: return db_prepare(db, "SELECT count(*) FROM initiatives");
    case ORGDATA_PROMISES: return db_prepare(db, "SELECT count(*) FROM promises");
    case ORGDATA_FEEDBACK_ITEMS: return db_prepare(db, "SELECT count(*) FROM feedback_items");
    default: return NULL;
    }
}

cx_result orgdata_count(db_conn_t *db, orgdata_table_t table, int64_t *out)
{
    db_stmt_t *st = count_statement(db, table);
    return st ? db_query_int(st, out) : CX_ERR_INTERNAL;
}

cx_result orgdata_max_id(db_conn_t *db, orgdata_table_t table, int64_t *out)
{
    db_stmt_t *st;
    switch (table) {
    case ORGDATA_ACCOUNTS: st = db_prepare(db, "SELECT coalesce(max(id), 0) FROM accounts"); break;
    case ORGDATA_CUSTOMERS:
        st = db_prepare(db, "SELECT coalesce(max(id), 0) FROM customers");
        break;
    case ORGDATA_RESPONSES:
        st = db_prepare(db, "SELECT coalesce(max(id), 0) FROM responses");
        break;
    default: return CX_ERR_INTERNAL;
    }
    return db_query_int(st, out);
}

/* ---- helpers ----------------------------------------------------------- */

static void bind_id(db_stmt_t *st, int idx, int64_t id)
{
    if (id)
        db_bind_int(st, idx, id);
    else
        db_bind_null(st, idx);
}

static const char *or_empty(const char *s) { return s ? s : ""; }

static cx_result step_result(db_step_result r)
{
    return r == DB_DONE || r == DB_ROW ? CX_OK
           : r == DB_CONSTRAINT        ? CX_ERR_CONFLICT
                                       : CX_ERR_STORE;
}

/* Steps an INSERT ... RETURNING id. */
static cx_result insert_returning(db_stmt_t *st, int64_t *id_out)
{
    if (!st)
        return CX_ERR_STORE;
    db_step_result r = db_step(st);
    if (r == DB_ROW && id_out)
        *id_out = db_column_int(st, 0);
    db_done(st);
    return r == DB_ROW ? CX_OK : step_result(r);
}

/* A "SELECT id ... WHERE key" lookup: CX_ERR_NOT_FOUND when absent. */
static cx_result find_id(db_stmt_t *st, int64_t *id_out)
{
    int64_t id = 0;
    cx_result rc = db_query_int(st, &id);
    if (rc == CX_OK && id_out)
        *id_out = id;
    return rc;
}

/* ---- accounts, segments, customers ------------------------------------- */

cx_result orgdata_account_add(db_conn_t *db, const orgdata_account_t *a, int64_t *id_out)
{
    db_stmt_t *st =
        db_prepare(db, "INSERT INTO accounts (id, external_id, name, industry, created_at)"
                       " VALUES (?, ?, ?, ?, ?) RETURNING id");
    if (!st)
        return CX_ERR_STORE;
    bind_id(st, 1, a->id);
    db_bind_text(st, 2, a->external_id);
    db_bind_text(st, 3, or_empty(a->name));
    db_bind_text(st, 4, or_empty(a->industry));
    db_bind_int(st, 5, a->created_at);
    return insert_returning(st, id_out);
}

cx_result orgdata_segment_add(db_conn_t *db, const char *name, const char *description,
                              const char *rule, int64_t created_at, int64_t *id_out)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO segments (name, description, rule, created_at)"
                                   " VALUES (?, ?, ?, ?) RETURNING id");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, name);
    db_bind_text(st, 2, or_empty(description));
    db_bind_text(st, 3, rule);
    db_bind_int(st, 4, created_at);
    return insert_returning(st, id_out);
}

cx_result orgdata_segment_find(db_conn_t *db, const char *name, int64_t *id_out)
{
    db_stmt_t *st = db_prepare(db, "SELECT id FROM segments WHERE name = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, name);
    return find_id(st, id_out);
}

#define CUSTOMER_COLUMNS 14
#define CUSTOMER_INSERT                                                                            \
    "INSERT INTO customers (id, external_id, name, email, language, segment_id, account_id,"       \
    " value_tier, revenue, cost_to_serve, joined_at, churned_at, attributes, created_at) VALUES "
#define CUSTOMER_TUPLE "(?,?,?,?,?,?,?,?,?,?,?,?,?,?)"

static void bind_customer(db_stmt_t *st, int base, const orgdata_customer_t *c)
{
    bind_id(st, base + 1, c->id);
    db_bind_text(st, base + 2, c->external_id);
    db_bind_text(st, base + 3, or_empty(c->name));
    db_bind_text(st, base + 4, or_empty(c->email));
    db_bind_text(st, base + 5, c->language ? c->language : "pl");
    bind_id(st, base + 6, c->segment_id);
    bind_id(st, base + 7, c->account_id);
    db_bind_text(st, base + 8, or_empty(c->value_tier));
    db_bind_double(st, base + 9, c->revenue);
    db_bind_double(st, base + 10, c->cost_to_serve);
    bind_id(st, base + 11, c->joined_at);
    bind_id(st, base + 12, c->churned_at);
    db_bind_text(st, base + 13, c->attributes ? c->attributes : "{}");
    db_bind_int(st, base + 14, c->created_at);
}

cx_result orgdata_customers_add(db_conn_t *db, const orgdata_customer_t *rows, size_t n)
{
    size_t i = 0;
    if (n >= 8) {
        db_stmt_t *st =
            db_prepare(db, CUSTOMER_INSERT CUSTOMER_TUPLE
                       "," CUSTOMER_TUPLE "," CUSTOMER_TUPLE "," CUSTOMER_TUPLE "," CUSTOMER_TUPLE
                       "," CUSTOMER_TUPLE "," CUSTOMER_TUPLE "," CUSTOMER_TUPLE);
        if (!st)
            return CX_ERR_STORE;
        for (; i + 8 <= n; i += 8) {
            for (int k = 0; k < 8; k++)
                bind_customer(st, k * CUSTOMER_COLUMNS, &rows[i + (size_t)k]);
            db_step_result r = db_step(st);
            db_done(st);
            if (r != DB_DONE)
                return step_result(r);
        }
    }
    for (; i < n; i++) {
        db_stmt_t *st = db_prepare(db, CUSTOMER_INSERT CUSTOMER_TUPLE);
        if (!st)
            return CX_ERR_STORE;
        bind_customer(st, 0, &rows[i]);
        cx_result rc = db_exec_stmt(st);
        if (rc)
            return rc;
    }
    return CX_OK;
}

/* ---- journey ----------------------------------------------------------- */

cx_result orgdata_journey_add(db_conn_t *db, const char *name, const char *description,
                              int64_t created_at, int64_t *id_out)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO journeys (name, description, created_at)"
                                   " VALUES (?, ?, ?) RETURNING id");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, name);
    db_bind_text(st, 2, or_empty(description));
    db_bind_int(st, 3, created_at);
    return insert_returning(st, id_out);
}

cx_result orgdata_journey_find(db_conn_t *db, const char *name, int64_t *id_out)
{
    db_stmt_t *st = db_prepare(db, "SELECT id FROM journeys WHERE name = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, name);
    return find_id(st, id_out);
}

cx_result orgdata_stage_add(db_conn_t *db, int64_t journey_id, int position, const char *name,
                            int64_t *id_out)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO stages (journey_id, position, name)"
                                   " VALUES (?, ?, ?) RETURNING id");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, journey_id);
    db_bind_int(st, 2, position);
    db_bind_text(st, 3, name);
    return insert_returning(st, id_out);
}

cx_result orgdata_stage_find(db_conn_t *db, int64_t journey_id, int position, int64_t *id_out)
{
    db_stmt_t *st = db_prepare(db, "SELECT id FROM stages WHERE journey_id = ? AND position = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, journey_id);
    db_bind_int(st, 2, position);
    return find_id(st, id_out);
}

cx_result orgdata_touchpoint_add(db_conn_t *db, const orgdata_touchpoint_t *t, int64_t *id_out)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO touchpoints (stage_id, name, channel, department,"
                                   " office, target_score, moment_of_truth)"
                                   " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, t->stage_id);
    db_bind_text(st, 2, t->name);
    db_bind_text(st, 3, or_empty(t->channel));
    db_bind_text(st, 4, or_empty(t->department));
    db_bind_text(st, 5, t->back_office ? "back" : "front");
    if (t->has_target)
        db_bind_double(st, 6, t->target_score);
    else
        db_bind_null(st, 6);
    db_bind_int(st, 7, t->moment_of_truth);
    return insert_returning(st, id_out);
}

cx_result orgdata_touchpoint_find(db_conn_t *db, const char *name, int64_t *id_out)
{
    db_stmt_t *st = db_prepare(db, "SELECT id FROM touchpoints WHERE name = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, name);
    return find_id(st, id_out);
}

/* ---- surveys ----------------------------------------------------------- */

cx_result orgdata_survey_add(db_conn_t *db, const orgdata_survey_t *s, int64_t *id_out)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO surveys (slug, kind, name, touchpoint_id, channel,"
                                   " languages, open, thank_you, created_at)"
                                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, s->slug);
    db_bind_text(st, 2, s->kind);
    db_bind_text(st, 3, s->name);
    bind_id(st, 4, s->touchpoint_id);
    db_bind_text(st, 5, or_empty(s->channel));
    db_bind_text(st, 6, s->languages ? s->languages : "pl");
    db_bind_int(st, 7, s->open);
    db_bind_text(st, 8, s->thank_you ? s->thank_you : "{}");
    db_bind_int(st, 9, s->created_at);
    int64_t id = 0;
    cx_result rc = insert_returning(st, &id);
    if (!rc && id_out)
        *id_out = id;
    /* the texts for respondents in a second statement, only when given:
     * a survey without them is written the same on every schema version */
    if (!rc && (s->title || s->intro)) {
        st = db_prepare(db, "UPDATE surveys SET title = ?, intro = ? WHERE id = ?");
        if (!st)
            return CX_ERR_STORE;
        db_bind_text(st, 1, s->title ? s->title : "{}");
        db_bind_text(st, 2, s->intro ? s->intro : "{}");
        db_bind_int(st, 3, id);
        rc = db_exec_stmt(st);
    }
    return rc;
}

cx_result orgdata_survey_find(db_conn_t *db, const char *slug, int64_t *id_out)
{
    db_stmt_t *st = db_prepare(db, "SELECT id FROM surveys WHERE slug = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, slug);
    return find_id(st, id_out);
}

cx_result orgdata_question_add(db_conn_t *db, const orgdata_question_t *q, int64_t *id_out)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO questions (survey_id, position, key, kind, label,"
                                   " choices, scale_inverted, is_main, driver_attribute, required)"
                                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, q->survey_id);
    db_bind_int(st, 2, q->position);
    db_bind_text(st, 3, q->key);
    db_bind_text(st, 4, q->kind);
    db_bind_text(st, 5, q->label ? q->label : "{}");
    db_bind_text(st, 6, q->choices ? q->choices : "[]");
    db_bind_int(st, 7, q->scale_inverted);
    db_bind_int(st, 8, q->is_main);
    db_bind_text(st, 9, q->driver_attribute);
    db_bind_int(st, 10, q->required);
    return insert_returning(st, id_out);
}

cx_result orgdata_question_find(db_conn_t *db, int64_t survey_id, const char *key, int64_t *id_out)
{
    db_stmt_t *st = db_prepare(db, "SELECT id FROM questions WHERE survey_id = ? AND key = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, survey_id);
    db_bind_text(st, 2, key);
    return find_id(st, id_out);
}

/* ---- responses and answers --------------------------------------------- */

#define RESPONSE_COLUMNS 12
#define RESPONSE_INSERT                                                                            \
    "INSERT INTO responses (id, survey_id, customer_id, touchpoint_id, channel, language,"         \
    " submitted_at, completed, score, nps_group, comment, created_at) VALUES "
#define RESPONSE_TUPLE "(?,?,?,?,?,?,?,?,?,?,?,?)"

static void bind_response(db_stmt_t *st, int base, const orgdata_response_t *r)
{
    db_bind_int(st, base + 1, r->id);
    db_bind_int(st, base + 2, r->survey_id);
    bind_id(st, base + 3, r->customer_id);
    bind_id(st, base + 4, r->touchpoint_id);
    db_bind_text(st, base + 5, or_empty(r->channel));
    db_bind_text(st, base + 6, or_empty(r->language));
    db_bind_int(st, base + 7, r->submitted_at);
    db_bind_int(st, base + 8, r->completed);
    if (r->has_score)
        db_bind_int(st, base + 9, r->score);
    else
        db_bind_null(st, base + 9);
    if (r->has_nps_group)
        db_bind_int(st, base + 10, r->nps_group);
    else
        db_bind_null(st, base + 10);
    if (r->comment)
        db_bind_textn(st, base + 11, r->comment, r->comment_len);
    else
        db_bind_null(st, base + 11);
    db_bind_int(st, base + 12, r->created_at);
}

#define RESPONSE_TUPLE8                                                                            \
    RESPONSE_TUPLE "," RESPONSE_TUPLE "," RESPONSE_TUPLE "," RESPONSE_TUPLE "," RESPONSE_TUPLE    \
                   "," RESPONSE_TUPLE "," RESPONSE_TUPLE "," RESPONSE_TUPLE
#define RESPONSE_TUPLE64                                                                           \
    RESPONSE_TUPLE8 "," RESPONSE_TUPLE8 "," RESPONSE_TUPLE8 "," RESPONSE_TUPLE8 "," RESPONSE_TUPLE8 \
                    "," RESPONSE_TUPLE8 "," RESPONSE_TUPLE8 "," RESPONSE_TUPLE8
#define RESPONSE_BIG 256 /* 3072 parameters, well under SQLite's limit */

/* Steps one statement of RESPONSE_BIG rows; false (with *rc) on an error. */
static bool responses_add_big(db_stmt_t *st, const orgdata_response_t *rows, cx_result *rc)
{
    for (int k = 0; k < RESPONSE_BIG; k++)
        bind_response(st, k * RESPONSE_COLUMNS, &rows[k]);
    db_step_result r = db_step(st);
    db_done(st);
    *rc = r == DB_DONE ? CX_OK : step_result(r);
    return !*rc;
}

cx_result orgdata_responses_add(db_conn_t *db, const orgdata_response_t *rows, size_t n)
{
    size_t i = 0;
    /* 256 rows a statement for large loads: the full-text index of the
     * comments flushes its pending terms at the end of every statement,
     * so fewer, larger statements write fewer, larger index segments */
    if (n >= RESPONSE_BIG) {
        db_stmt_t *st = db_prepare(db, RESPONSE_INSERT RESPONSE_TUPLE64 "," RESPONSE_TUPLE64
                                       "," RESPONSE_TUPLE64 "," RESPONSE_TUPLE64);
        if (!st)
            return CX_ERR_STORE;
        cx_result rc = CX_OK;
        for (; i + RESPONSE_BIG <= n; i += RESPONSE_BIG)
            if (!responses_add_big(st, &rows[i], &rc))
                return rc;
    }
    if (n >= 8) {
        db_stmt_t *st =
            db_prepare(db, RESPONSE_INSERT RESPONSE_TUPLE
                       "," RESPONSE_TUPLE "," RESPONSE_TUPLE "," RESPONSE_TUPLE "," RESPONSE_TUPLE
                       "," RESPONSE_TUPLE "," RESPONSE_TUPLE "," RESPONSE_TUPLE);
        if (!st)
            return CX_ERR_STORE;
        for (; i + 8 <= n; i += 8) {
            for (int k = 0; k < 8; k++)
                bind_response(st, k * RESPONSE_COLUMNS, &rows[i + (size_t)k]);
            db_step_result r = db_step(st);
            db_done(st);
            if (r != DB_DONE)
                return step_result(r);
        }
    }
    for (; i < n; i++) {
        db_stmt_t *st = db_prepare(db, RESPONSE_INSERT RESPONSE_TUPLE);
        if (!st)
            return CX_ERR_STORE;
        bind_response(st, 0, &rows[i]);
        cx_result rc = db_exec_stmt(st);
        if (rc)
            return rc;
    }
    return CX_OK;
}

#define ANSWER_INSERT                                                                              \
    "INSERT INTO answers (response_id, question_id, value_num, value_text) VALUES "
#define ANSWER_TUPLE "(?,?,?,?)"
#define ANSWER_TUPLE4 ANSWER_TUPLE "," ANSWER_TUPLE "," ANSWER_TUPLE "," ANSWER_TUPLE

static void bind_answer(db_stmt_t *st, int base, const orgdata_answer_t *a)
{
    db_bind_int(st, base + 1, a->response_id);
    db_bind_int(st, base + 2, a->question_id);
    if (a->has_num)
        db_bind_double(st, base + 3, a->value_num);
    else
        db_bind_null(st, base + 3);
    db_bind_text(st, base + 4, a->value_text);
}

cx_result orgdata_answers_add(db_conn_t *db, const orgdata_answer_t *rows, size_t n)
{
    size_t i = 0;
    if (n >= 64) { /* fewer statement steps for large loads */
        db_stmt_t *st = db_prepare(
            db, ANSWER_INSERT ANSWER_TUPLE4 "," ANSWER_TUPLE4 "," ANSWER_TUPLE4 "," ANSWER_TUPLE4
                "," ANSWER_TUPLE4 "," ANSWER_TUPLE4 "," ANSWER_TUPLE4 "," ANSWER_TUPLE4
                "," ANSWER_TUPLE4 "," ANSWER_TUPLE4 "," ANSWER_TUPLE4 "," ANSWER_TUPLE4
                "," ANSWER_TUPLE4 "," ANSWER_TUPLE4 "," ANSWER_TUPLE4 "," ANSWER_TUPLE4);
        if (!st)
            return CX_ERR_STORE;
        for (; i + 64 <= n; i += 64) {
            for (int k = 0; k < 64; k++)
                bind_answer(st, k * 4, &rows[i + (size_t)k]);
            db_step_result r = db_step(st);
            db_done(st);
            if (r != DB_DONE)
                return step_result(r);
        }
    }
    if (n >= 16) {
        db_stmt_t *st = db_prepare(db, ANSWER_INSERT ANSWER_TUPLE4
                                   "," ANSWER_TUPLE4 "," ANSWER_TUPLE4 "," ANSWER_TUPLE4);
        if (!st)
            return CX_ERR_STORE;
        for (; i + 16 <= n; i += 16) {
            for (int k = 0; k < 16; k++)
                bind_answer(st, k * 4, &rows[i + (size_t)k]);
            db_step_result r = db_step(st);
            db_done(st);
            if (r != DB_DONE)
                return step_result(r);
        }
    }
    for (; i < n; i++) {
        db_stmt_t *st = db_prepare(db, ANSWER_INSERT ANSWER_TUPLE);
        if (!st)
            return CX_ERR_STORE;
        bind_answer(st, 0, &rows[i]);
        cx_result rc = db_exec_stmt(st);
        if (rc)
            return rc;
    }
    return CX_OK;
}

/* The definitions must stay those of the schema (schema_sqlite.c); the
 * unit test of gen compares the schema after a load with a fresh one. */
cx_result orgdata_responses_unindex(db_conn_t *db)
{
    cx_result rc = db_exec_stmt(db_prepare(db, "DROP INDEX IF EXISTS responses_survey_time"));
    if (!rc)
        rc = db_exec_stmt(db_prepare(db, "DROP INDEX IF EXISTS responses_time"));
    if (!rc)
        rc = db_exec_stmt(db_prepare(db, "DROP INDEX IF EXISTS responses_customer"));
    return rc;
}

cx_result orgdata_responses_reindex(db_conn_t *db)
{
    cx_result rc = db_exec_stmt(db_prepare(
        db,
        "CREATE INDEX IF NOT EXISTS responses_survey_time ON responses(survey_id, submitted_at)"));
    if (!rc)
        rc = db_exec_stmt(
            db_prepare(db, "CREATE INDEX IF NOT EXISTS responses_time ON responses(submitted_at)"));
    if (!rc)
        rc = db_exec_stmt(db_prepare(
            db, "CREATE INDEX IF NOT EXISTS responses_customer ON responses(customer_id)"));
    return rc;
}

/* ---- KPIs, targets, the loop ------------------------------------------- */

cx_result orgdata_kpi_add(db_conn_t *db, const orgdata_kpi_t *k, int64_t *id_out)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO kpis (name, unit, kind, better, description)"
                                   " VALUES (?, ?, ?, ?, ?) RETURNING id");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, k->name);
    db_bind_text(st, 2, or_empty(k->unit));
    db_bind_text(st, 3, k->kind ? k->kind : "operational");
    db_bind_text(st, 4, k->better ? k->better : "higher");
    db_bind_text(st, 5, or_empty(k->description));
    return insert_returning(st, id_out);
}

cx_result orgdata_kpi_find(db_conn_t *db, const char *name, int64_t *id_out)
{
    db_stmt_t *st = db_prepare(db, "SELECT id FROM kpis WHERE name = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, name);
    return find_id(st, id_out);
}

cx_result orgdata_kpi_value_add(db_conn_t *db, int64_t kpi_id, int64_t period_start,
                                int64_t segment_id, int64_t touchpoint_id, double value)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO kpi_values (kpi_id, period_start, segment_id,"
                                   " touchpoint_id, value) VALUES (?, ?, ?, ?, ?)");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, kpi_id);
    db_bind_int(st, 2, period_start);
    bind_id(st, 3, segment_id);
    bind_id(st, 4, touchpoint_id);
    db_bind_double(st, 5, value);
    return db_exec_stmt(st);
}

cx_result orgdata_target_add(db_conn_t *db, const char *metric, const char *scope, int64_t scope_id,
                             double value, int64_t due_date, int64_t created_at, int64_t *id_out)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO targets (metric, scope, scope_id, value, due_date,"
                                   " created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, metric);
    db_bind_text(st, 2, scope ? scope : "whole");
    bind_id(st, 3, scope_id);
    db_bind_double(st, 4, value);
    db_bind_int(st, 5, due_date);
    db_bind_int(st, 6, created_at);
    return insert_returning(st, id_out);
}

cx_result orgdata_case_add(db_conn_t *db, const orgdata_case_t *c, int64_t *id_out)
{
    db_stmt_t *st =
        db_prepare(db, "INSERT INTO cases (response_id, feedback_item_id, customer_id,"
                       " title, owner_id, status, priority, due_at, contacted, outcome,"
                       " rule, created_at, resolved_at, closed_at)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    if (!st)
        return CX_ERR_STORE;
    bind_id(st, 1, c->response_id);
    bind_id(st, 2, c->feedback_item_id);
    bind_id(st, 3, c->customer_id);
    db_bind_text(st, 4, c->title);
    bind_id(st, 5, c->owner_id);
    db_bind_text(st, 6, c->status ? c->status : "new");
    db_bind_text(st, 7, c->priority ? c->priority : "normal");
    bind_id(st, 8, c->due_at);
    db_bind_int(st, 9, c->contacted);
    db_bind_text(st, 10, or_empty(c->outcome));
    db_bind_text(st, 11, or_empty(c->rule));
    db_bind_int(st, 12, c->created_at);
    bind_id(st, 13, c->resolved_at);
    bind_id(st, 14, c->closed_at);
    return insert_returning(st, id_out);
}

cx_result orgdata_case_note_add(db_conn_t *db, int64_t case_id, int64_t author_id, const char *text,
                                int64_t created_at)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO case_notes (case_id, author_id, text, created_at)"
                                   " VALUES (?, ?, ?, ?)");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, case_id);
    bind_id(st, 2, author_id);
    db_bind_text(st, 3, text);
    db_bind_int(st, 4, created_at);
    return db_exec_stmt(st);
}

cx_result orgdata_initiative_add(db_conn_t *db, const orgdata_initiative_t *i, int64_t *id_out)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO initiatives (title, root_cause, touchpoint_id,"
                                   " theme, owner_id, cost, expected_effect, status, started_at,"
                                   " finished_at, created_at)"
                                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, i->title);
    db_bind_text(st, 2, or_empty(i->root_cause));
    bind_id(st, 3, i->touchpoint_id);
    db_bind_text(st, 4, or_empty(i->theme));
    bind_id(st, 5, i->owner_id);
    db_bind_double(st, 6, i->cost);
    db_bind_text(st, 7, or_empty(i->expected_effect));
    db_bind_text(st, 8, i->status ? i->status : "proposed");
    bind_id(st, 9, i->started_at);
    bind_id(st, 10, i->finished_at);
    db_bind_int(st, 11, i->created_at);
    return insert_returning(st, id_out);
}

cx_result orgdata_promise_add(db_conn_t *db, const char *text, const char *measures,
                              int64_t created_at, int64_t *id_out)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO promises (text, measures, created_at)"
                                   " VALUES (?, ?, ?) RETURNING id");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, text);
    db_bind_text(st, 2, measures ? measures : "[]");
    db_bind_int(st, 3, created_at);
    return insert_returning(st, id_out);
}

/* ---- checks ------------------------------------------------------------ */

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= FNV_PRIME;
    }
    return h;
}

/* Hashes each column with a type tag, so NULL, 0 and "" differ. kinds
 * has one letter per column: i integer, r real, t text. */
static uint64_t hash_row(uint64_t h, db_stmt_t *st, const char *kinds)
{
    for (int c = 0; kinds[c]; c++) {
        unsigned char tag;
        if (db_column_is_null(st, c)) {
            tag = 0;
            h = fnv(h, &tag, 1);
            continue;
        }
        tag = (unsigned char)kinds[c];
        h = fnv(h, &tag, 1);
        if (kinds[c] == 'i') {
            int64_t v = db_column_int(st, c);
            unsigned char le[8];
            for (int k = 0; k < 8; k++)
                le[k] = (unsigned char)((uint64_t)v >> (8 * k));
            h = fnv(h, le, 8);
        } else if (kinds[c] == 'r') {
            double v = db_column_double(st, c);
            uint64_t bits;
            memcpy(&bits, &v, sizeof bits);
            unsigned char le[8];
            for (int k = 0; k < 8; k++)
                le[k] = (unsigned char)(bits >> (8 * k));
            h = fnv(h, le, 8);
        } else {
            const char *t = db_column_text(st, c);
            size_t n = db_column_bytes(st, c);
            uint64_t len = n;
            h = fnv(h, &len, sizeof len);
            h = fnv(h, t, n);
        }
    }
    return h;
}

cx_result orgdata_digest(db_conn_t *db, orgdata_table_t table, uint64_t *digest, int64_t *rows)
{
    db_stmt_t *st;
    const char *kinds;
    switch (table) {
    case ORGDATA_RESPONSES:
        st = db_prepare(db, "SELECT id, survey_id, customer_id, invitation_id, touchpoint_id,"
                            " channel, language, submitted_at, completed, score, nps_group,"
                            " comment, sentiment, created_at FROM responses ORDER BY id");
        kinds = "iiiiittiiiitii";
        break;
    case ORGDATA_ANSWERS:
        st = db_prepare(db, "SELECT response_id, question_id, value_num, value_text FROM answers"
                            " ORDER BY response_id, question_id");
        kinds = "iirt";
        break;
    case ORGDATA_CUSTOMERS:
        st = db_prepare(db, "SELECT id, external_id, name, email, language, segment_id,"
                            " account_id, value_tier, revenue, cost_to_serve, joined_at,"
                            " churned_at, attributes, erased_at, created_at FROM customers"
                            " ORDER BY id");
        kinds = "itttiiitrriitii";
        break;
    default: return CX_ERR_INTERNAL;
    }
    if (!st)
        return CX_ERR_STORE;
    uint64_t h = FNV_OFFSET;
    int64_t n = 0;
    db_step_result r;
    while ((r = db_step(st)) == DB_ROW) {
        h = hash_row(h, st, kinds);
        n++;
    }
    db_done(st);
    if (r != DB_DONE)
        return CX_ERR_STORE;
    *digest = h;
    *rows = n;
    return CX_OK;
}

cx_result orgdata_score_counts(db_conn_t *db, int64_t survey_id, int64_t counts[11])
{
    db_stmt_t *st = db_prepare(db, "SELECT score, count(*) FROM responses"
                                   " WHERE survey_id = ? AND score IS NOT NULL GROUP BY score");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, survey_id);
    memset(counts, 0, 11 * sizeof counts[0]);
    db_step_result r;
    while ((r = db_step(st)) == DB_ROW) {
        int64_t score = db_column_int(st, 0);
        if (score >= 0 && score <= 10)
            counts[score] = db_column_int(st, 1);
    }
    db_done(st);
    return r == DB_DONE ? CX_OK : CX_ERR_STORE;
}

cx_result orgdata_mean_score_by_churn(db_conn_t *db, int64_t survey_id, double *churned,
                                      double *stayed)
{
    db_stmt_t *st = db_prepare(db, "SELECT c.churned_at IS NOT NULL, avg(r.score)"
                                   " FROM responses r JOIN customers c ON c.id = r.customer_id"
                                   " WHERE r.survey_id = ? AND r.score IS NOT NULL GROUP BY 1");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, survey_id);
    *churned = *stayed = NAN;
    db_step_result r;
    while ((r = db_step(st)) == DB_ROW) {
        if (db_column_int(st, 0))
            *churned = db_column_double(st, 1);
        else
            *stayed = db_column_double(st, 1);
    }
    db_done(st);
    return r == DB_DONE ? CX_OK : CX_ERR_STORE;
}
