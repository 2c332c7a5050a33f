/*
 * responses.c — single responses, their answers, and idempotency keys
 * (see responses.h).
 */
#include "store/responses.h"

#include <stdlib.h>
#include <string.h>

#include "store/orgdata.h"

cx_result store_response_add(db_conn_t *db, const store_response_t *r, int64_t *id_out)
{
    db_stmt_t *st = db_prepare(
        db, "INSERT INTO responses (survey_id, customer_id, touchpoint_id, channel, language,"
            " submitted_at, completed, score, nps_group, comment, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?) RETURNING id");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, r->survey_id);
    if (r->customer_id)
        db_bind_int(st, 2, r->customer_id);
    if (r->touchpoint_id)
        db_bind_int(st, 3, r->touchpoint_id);
    db_bind_text(st, 4, r->channel ? r->channel : "");
    db_bind_text(st, 5, r->language ? r->language : "");
    db_bind_int(st, 6, r->submitted_at);
    if (r->has_score)
        db_bind_int(st, 7, r->score);
    if (r->has_nps_group)
        db_bind_int(st, 8, r->nps_group);
    db_bind_text(st, 9, r->comment);
    db_bind_int(st, 10, r->created_at);
    int64_t id;
    cx_result rc = db_insert_id(st, &id);
    for (size_t i = 0; !rc && i < r->nanswers; i++) {
        const store_answer_t *a = &r->answers[i];
        st = db_prepare(db, "INSERT INTO answers (response_id, question_id, value_num, value_text)"
                            " VALUES (?, ?, ?, ?)");
        if (!st)
            return CX_ERR_STORE;
        db_bind_int(st, 1, id);
        db_bind_int(st, 2, a->question_id);
        if (a->has_number)
            db_bind_double(st, 3, a->number);
        db_bind_text(st, 4, a->text);
        rc = db_exec_stmt(st);
    }
    if (!rc && id_out)
        *id_out = id;
    return rc;
}

/* The first id after every one responses has ever used: AUTOINCREMENT
 * keeps the largest in sqlite_sequence, which deleted rows do not lower.
 * Inserting explicit ids above it moves it on, as a chosen id would. (A
 * PostgreSQL backend takes the ids from the table's sequence instead.) */
static cx_result next_response_id(db_conn_t *db, int64_t *out)
{
    db_stmt_t *st = db_prepare(
        db, "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'responses'), 0),"
            " coalesce((SELECT max(id) FROM responses), 0)) + 1");
    if (!st)
        return CX_ERR_STORE;
    return db_query_int(st, out);
}

cx_result store_responses_add_many(db_conn_t *db, const store_response_t *rows, size_t n,
                                   int64_t *ids)
{
    if (n == 0)
        return CX_OK;
    int64_t next;
    cx_result rc = next_response_id(db, &next);
    if (rc)
        return rc;
    size_t nanswers = 0;
    for (size_t i = 0; i < n; i++)
        nanswers += rows[i].nanswers;
    orgdata_response_t *out = malloc(n * sizeof *out);
    orgdata_answer_t *answers = malloc((nanswers ? nanswers : 1) * sizeof *answers);
    if (!out || !answers) {
        free(out);
        free(answers);
        return CX_ERR_NOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const store_response_t *r = &rows[i];
        ids[i] = next + (int64_t)i;
        out[i] = (orgdata_response_t){
            .id = ids[i],
            .survey_id = r->survey_id,
            .customer_id = r->customer_id,
            .touchpoint_id = r->touchpoint_id,
            .channel = r->channel ? r->channel : "",
            .language = r->language ? r->language : "",
            .submitted_at = r->submitted_at,
            .completed = true,
            .has_score = r->has_score,
            .score = r->score,
            .has_nps_group = r->has_nps_group,
            .nps_group = r->nps_group,
            .comment = r->comment,
            .comment_len = r->comment ? strlen(r->comment) : 0,
            .created_at = r->created_at,
        };
        for (size_t a = 0; a < r->nanswers; a++) {
            const store_answer_t *x = &r->answers[a];
            answers[k++] = (orgdata_answer_t){.response_id = ids[i],
                                              .question_id = x->question_id,
                                              .has_num = x->has_number,
                                              .value_num = x->number,
                                              .value_text = x->text};
        }
    }
    rc = orgdata_responses_add(db, out, n);
    if (!rc)
        rc = orgdata_answers_add(db, answers, nanswers);
    free(out);
    free(answers);
    return rc;
}

cx_result store_response_ids(db_conn_t *db, arena_t *arena, const store_response_filter_t *f,
                             int64_t **ids, size_t *count)
{
    return store_response_ids_run(
        db_prepare(db, "SELECT r.id" STORE_RESPONSE_FILTER_FROM " WHERE"
                       STORE_RESPONSE_FILTER_WHERE),
        arena, f, ids, count);
}

cx_result store_response_ids_run(db_stmt_t *st, arena_t *arena, const store_response_filter_t *f,
                                 int64_t **ids, size_t *count)
{
    *count = 0;
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 2, f->survey_id);
    db_bind_text(st, 3, f->touchpoint);
    db_bind_text(st, 4, f->channel);
    db_bind_text(st, 5, f->segment);
    db_bind_text(st, 6, f->customer);
    if (f->has_from)
        db_bind_int(st, 7, f->from);
    if (f->has_to)
        db_bind_int(st, 8, f->to);
    if (f->has_score_min)
        db_bind_int(st, 9, f->score_min);
    if (f->has_score_max)
        db_bind_int(st, 10, f->score_max);
    db_bind_int(st, 11, f->before_id > 0 ? f->before_id : INT64_MAX);
    int limit = f->limit > 0 ? f->limit : 100;
    db_bind_int(st, 12, limit);
    *ids = arena_alloc(arena, (size_t)limit * sizeof **ids);
    cx_result rc = *ids ? CX_OK : CX_ERR_NOMEM;
    db_step_result r = DB_DONE;
    while (!rc && *count < (size_t)limit && (r = db_step(st)) == DB_ROW)
        (*ids)[(*count)++] = db_column_int(st, 0);
    if (!rc && r != DB_ROW && r != DB_DONE)
        rc = CX_ERR_STORE;
    db_done(st);
    return rc;
}

cx_result store_response_delete(db_conn_t *db, int64_t id)
{
    db_stmt_t *st = db_prepare(db, "DELETE FROM responses WHERE id = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, id);
    return db_exec_changed(db, st);
}

cx_result store_response_get(db_conn_t *db, arena_t *arena, int64_t id, store_response_t *out)
{
    db_stmt_t *st = db_prepare(
        db, "SELECT id, survey_id, coalesce(customer_id, 0), coalesce(touchpoint_id, 0), channel,"
            " language, submitted_at, score, nps_group, comment, created_at, completed"
            " FROM responses WHERE id = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, id);
    db_step_result r = db_step(st);
    if (r != DB_ROW) {
        db_done(st);
        return r == DB_DONE ? CX_ERR_NOT_FOUND : CX_ERR_STORE;
    }
    memset(out, 0, sizeof *out);
    out->id = db_column_int(st, 0);
    out->survey_id = db_column_int(st, 1);
    out->customer_id = db_column_int(st, 2);
    out->touchpoint_id = db_column_int(st, 3);
    out->channel = arena_strdup(arena, db_column_text(st, 4));
    out->language = arena_strdup(arena, db_column_text(st, 5));
    out->submitted_at = db_column_int(st, 6);
    out->has_score = !db_column_is_null(st, 7);
    out->score = (int)db_column_int(st, 7);
    out->has_nps_group = !db_column_is_null(st, 8);
    out->nps_group = (int)db_column_int(st, 8);
    out->comment = db_column_is_null(st, 9) ? NULL : arena_strdup(arena, db_column_text(st, 9));
    out->created_at = db_column_int(st, 10);
    out->incomplete = db_column_int(st, 11) == 0;
    db_done(st);
    if (!out->channel || !out->language)
        return CX_ERR_NOMEM;

    st = db_prepare(db, "SELECT a.question_id, q.key, a.value_num, a.value_text"
                        " FROM answers a JOIN questions q ON q.id = a.question_id"
                        " WHERE a.response_id = ? ORDER BY q.position");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, id);
    size_t cap = 8;
    out->answers = arena_alloc(arena, cap * sizeof *out->answers);
    cx_result rc = out->answers ? CX_OK : CX_ERR_NOMEM;
    while (!rc && (r = db_step(st)) == DB_ROW) {
        if (out->nanswers == cap) {
            store_answer_t *grown = arena_alloc(arena, cap * 2 * sizeof *grown);
            if (!grown) {
                rc = CX_ERR_NOMEM;
                break;
            }
            memcpy(grown, out->answers, cap * sizeof *grown);
            out->answers = grown;
            cap *= 2;
        }
        store_answer_t *a = &out->answers[out->nanswers++];
        a->question_id = db_column_int(st, 0);
        a->key = arena_strdup(arena, db_column_text(st, 1));
        a->has_number = !db_column_is_null(st, 2);
        a->number = db_column_double(st, 2);
        a->text = db_column_is_null(st, 3) ? NULL : arena_strdup(arena, db_column_text(st, 3));
        if (!a->key)
            rc = CX_ERR_NOMEM;
    }
    if (!rc && r != DB_DONE)
        rc = CX_ERR_STORE;
    db_done(st);
    return rc;
}

cx_result store_question_choices(db_conn_t *db, arena_t *arena, int64_t question_id,
                                 const char **json)
{
    db_stmt_t *st = db_prepare(db, "SELECT choices FROM questions WHERE id = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, question_id);
    db_step_result r = db_step(st);
    cx_result rc = r == DB_ROW ? CX_OK : r == DB_DONE ? CX_ERR_NOT_FOUND : CX_ERR_STORE;
    if (!rc) {
        *json = arena_strdup(arena, db_column_text(st, 0));
        if (!*json)
            rc = CX_ERR_NOMEM;
    }
    db_done(st);
    return rc;
}

cx_result store_idempotency_get(db_conn_t *db, arena_t *arena, const char *key,
                                store_idempotent_t *out)
{
    db_stmt_t *st = db_prepare(db, "SELECT actor, fingerprint, status, body"
                                   " FROM idempotency_keys WHERE key = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, key);
    db_step_result r = db_step(st);
    cx_result rc = r == DB_ROW ? CX_OK : r == DB_DONE ? CX_ERR_NOT_FOUND : CX_ERR_STORE;
    if (!rc) {
        out->actor = arena_strdup(arena, db_column_text(st, 0));
        out->fingerprint = arena_strdup(arena, db_column_text(st, 1));
        out->status = (int)db_column_int(st, 2);
        out->body = arena_strdup(arena, db_column_text(st, 3));
        if (!out->actor || !out->fingerprint || !out->body)
            rc = CX_ERR_NOMEM;
    }
    db_done(st);
    return rc;
}

cx_result store_idempotency_put(db_conn_t *db, const char *key, const store_idempotent_t *in,
                                int64_t now)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO idempotency_keys (key, actor, fingerprint,"
                                   " status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, key);
    db_bind_text(st, 2, in->actor);
    db_bind_text(st, 3, in->fingerprint);
    db_bind_int(st, 4, in->status);
    db_bind_text(st, 5, in->body);
    db_bind_int(st, 6, now);
    return db_exec_stmt(st);
}

cx_result store_idempotency_purge(db_conn_t *db, int64_t before)
{
    db_stmt_t *st = db_prepare(db, "DELETE FROM idempotency_keys WHERE created_at < ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, before);
    return db_exec_stmt(st);
}
