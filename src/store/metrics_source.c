/*
 * metrics_source.c — the reads behind the metrics engine (see
 * metrics_source.h). Plain table scans in id order: the engine needs every
 * row once and sorts nothing.
 */
#include "store/metrics_source.h"

#include <string.h>

static cx_result finish_scan(db_stmt_t *st, db_step_result r, cx_result rc)
{
    db_done(st);
    if (rc)
        return rc;
    return r == DB_DONE ? CX_OK : CX_ERR_STORE;
}

cx_result store_responses_scan(db_conn_t *db, int64_t after_id, int64_t limit,
                               store_response_fn fn, void *ctx)
{
    db_stmt_t *st = db_prepare(
        db, "SELECT id, survey_id, coalesce(touchpoint_id, 0), coalesce(customer_id, 0),"
            " channel, language, submitted_at, coalesce(score, -1)"
            " FROM responses WHERE id > ? ORDER BY id LIMIT ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, after_id);
    db_bind_int(st, 2, limit > 0 ? limit : INT64_MAX);
    db_step_result r;
    cx_result rc = CX_OK;
    while (!rc && (r = db_step(st)) == DB_ROW) {
        store_response_row_t row = {
            .id = db_column_int(st, 0),
            .survey_id = db_column_int(st, 1),
            .touchpoint_id = db_column_int(st, 2),
            .customer_id = db_column_int(st, 3),
            .channel = db_column_text(st, 4),
            .language = db_column_text(st, 5),
            .submitted_at = db_column_int(st, 6),
            .score = (int)db_column_int(st, 7),
        };
        rc = fn(&row, ctx);
    }
    return finish_scan(st, rc ? DB_DONE : r, rc);
}

/* Runs a dimension query whose columns follow store_dim_row_t's order:
 * id, name, kind, parent_id, parent_name, position, other_id, extra, flag,
 * attributes. */
static cx_result dim_scan(db_stmt_t *st, store_dim_fn fn, void *ctx)
{
    if (!st)
        return CX_ERR_STORE;
    db_step_result r;
    cx_result rc = CX_OK;
    while (!rc && (r = db_step(st)) == DB_ROW) {
        store_dim_row_t row = {
            .id = db_column_int(st, 0),
            .name = db_column_text(st, 1),
            .kind = db_column_text(st, 2),
            .parent_id = db_column_int(st, 3),
            .parent_name = db_column_text(st, 4),
            .position = db_column_int(st, 5),
            .other_id = db_column_int(st, 6),
            .extra = db_column_text(st, 7),
            .flag = db_column_int(st, 8) != 0,
            .attributes = db_column_text(st, 9),
        };
        rc = fn(&row, ctx);
    }
    return finish_scan(st, rc ? DB_DONE : r, rc);
}

cx_result store_surveys_scan(db_conn_t *db, store_dim_fn fn, void *ctx)
{
    return dim_scan(
        db_prepare(db, "SELECT s.id, s.name, s.kind, 0, '', 0, 0, coalesce(q.kind, ''),"
                       " coalesce(q.scale_inverted, 0), ''"
                       " FROM surveys s LEFT JOIN questions q"
                       " ON q.survey_id = s.id AND q.is_main = 1 ORDER BY s.id"),
        fn, ctx);
}

cx_result store_touchpoints_scan(db_conn_t *db, store_dim_fn fn, void *ctx)
{
    return dim_scan(db_prepare(db, "SELECT t.id, t.name, t.channel, t.stage_id, st.name,"
                                   " st.position, 0, t.department, t.moment_of_truth, ''"
                                   " FROM touchpoints t JOIN stages st ON st.id = t.stage_id"
                                   " ORDER BY st.position, t.id"),
                    fn, ctx);
}

cx_result store_segments_scan(db_conn_t *db, store_dim_fn fn, void *ctx)
{
    return dim_scan(
        db_prepare(db, "SELECT id, name, '', 0, '', 0, 0, '', 0, '' FROM segments ORDER BY id"), fn,
        ctx);
}

cx_result store_accounts_scan(db_conn_t *db, store_dim_fn fn, void *ctx)
{
    return dim_scan(
        db_prepare(db, "SELECT id, name, '', 0, '', 0, 0, '', 0, '' FROM accounts ORDER BY id"), fn,
        ctx);
}

cx_result store_customers_scan(db_conn_t *db, store_dim_fn fn, void *ctx)
{
    return dim_scan(db_prepare(db, "SELECT id, '', '', coalesce(segment_id, 0), '', 0,"
                                   " coalesce(account_id, 0), value_tier, 0, attributes"
                                   " FROM customers ORDER BY id"),
                    fn, ctx);
}

cx_result store_questions_scan(db_conn_t *db, store_question_fn fn, void *ctx)
{
    db_stmt_t *st = db_prepare(db, "SELECT id, survey_id, key, kind, scale_inverted, choices"
                                   " FROM questions WHERE is_main = 0"
                                   " ORDER BY id");
    if (!st)
        return CX_ERR_STORE;
    db_step_result r;
    cx_result rc = CX_OK;
    while (!rc && (r = db_step(st)) == DB_ROW) {
        store_question_row_t row = {
            .id = db_column_int(st, 0),
            .survey_id = db_column_int(st, 1),
            .key = db_column_text(st, 2),
            .kind = db_column_text(st, 3),
            .inverted = db_column_int(st, 4) != 0,
            .choices = db_column_text(st, 5),
        };
        rc = fn(&row, ctx);
    }
    return finish_scan(st, rc ? DB_DONE : r, rc);
}

cx_result store_answers_scan(db_conn_t *db, int64_t after_id, int64_t upto_id,
                             store_answer_fn fn, void *ctx)
{
    db_stmt_t *st = db_prepare(db, "SELECT response_id, question_id, value_num, value_text"
                                   " FROM answers WHERE response_id > ? AND response_id <= ?"
                                   " ORDER BY response_id");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, after_id);
    db_bind_int(st, 2, upto_id);
    db_step_result r;
    cx_result rc = CX_OK;
    while (!rc && (r = db_step(st)) == DB_ROW) {
        store_answer_row_t row = {
            .response_id = db_column_int(st, 0),
            .question_id = db_column_int(st, 1),
            .has_number = !db_column_is_null(st, 2),
            .number = db_column_double(st, 2),
            .text = db_column_is_null(st, 3) ? NULL : db_column_text(st, 3),
        };
        rc = fn(&row, ctx);
    }
    return finish_scan(st, rc ? DB_DONE : r, rc);
}

cx_result store_dimensions_version(db_conn_t *db, int64_t *out)
{
    return db_query_int(
        /* count(*) and max(id) each in a query of its own: together in
         * one they read every row; apart, SQLite counts pages and seeks
         * the last id (the refresher runs this after every commit) */
        db_prepare(db, "SELECT ((SELECT count(*) FROM customers)"
                       " + (SELECT coalesce(max(id), 0) FROM customers)) * 7"
                       " + ((SELECT count(*) FROM questions)"
                       " + (SELECT coalesce(max(id), 0) FROM questions)) * 23"
                       " + ((SELECT count(*) FROM surveys)"
                       " + (SELECT coalesce(max(id), 0) FROM surveys)) * 11"
                       " + ((SELECT count(*) FROM touchpoints)"
                       " + (SELECT coalesce(max(id), 0) FROM touchpoints)) * 13"
                       " + ((SELECT count(*) FROM segments)"
                       " + (SELECT coalesce(max(id), 0) FROM segments)) * 17"
                       " + ((SELECT count(*) FROM accounts)"
                       " + (SELECT coalesce(max(id), 0) FROM accounts)) * 19"),
        out);
}
