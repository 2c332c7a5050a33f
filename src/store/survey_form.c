/*
 * survey_form.c — surveys as the public page answers them, invitations by
 * token, and responses written in two steps (see survey_form.h).
 *
 * Relies on responses.c for inserting a response with its answers; adds
 * only the partial state (completed = 0 and a resume token hash). Must
 * never store a resume or invitation token in clear.
 */
#include "store/survey_form.h"

#include <string.h>

#include "store/invitations.h"

/* arena copy of a column; NULL only when out of memory */
static const char *column_dup(arena_t *a, db_stmt_t *st, int col)
{
    return arena_strdup(a, db_column_text(st, col));
}

cx_result survey_form_get(db_conn_t *db, arena_t *arena, const char *slug, survey_form_t *out)
{
    memset(out, 0, sizeof *out);
    db_stmt_t *st = db_prepare(db, "SELECT id, slug, kind, name, coalesce(touchpoint_id, 0),"
                                   " channel, languages, open, thank_you, allowed_origins, title, intro"
                                   " FROM surveys WHERE slug = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, slug);
    db_step_result r = db_step(st);
    if (r != DB_ROW) {
        db_done(st);
        return r == DB_DONE ? CX_ERR_NOT_FOUND : CX_ERR_STORE;
    }
    out->id = db_column_int(st, 0);
    out->slug = column_dup(arena, st, 1);
    out->kind = column_dup(arena, st, 2);
    out->name = column_dup(arena, st, 3);
    out->touchpoint_id = db_column_int(st, 4);
    out->channel = column_dup(arena, st, 5);
    out->languages = column_dup(arena, st, 6);
    out->open = db_column_int(st, 7) != 0;
    out->thank_you = column_dup(arena, st, 8);
    out->allowed_origins = column_dup(arena, st, 9);
    out->title = column_dup(arena, st, 10);
    out->intro = column_dup(arena, st, 11);
    db_done(st);
    if (!out->slug || !out->kind || !out->name || !out->channel || !out->languages ||
        !out->thank_you || !out->allowed_origins || !out->title || !out->intro)
        return CX_ERR_NOMEM;

    st = db_prepare(db, "SELECT id, position, key, kind, label, choices, logic, scale_inverted,"
                        " is_main, required FROM questions WHERE survey_id = ?"
                        " ORDER BY position, id");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, out->id);
    size_t cap = 0;
    cx_result rc = CX_OK;
    while (!rc && (r = db_step(st)) == DB_ROW) {
        if (out->nquestions == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            survey_form_question_t *grown = arena_alloc(arena, ncap * sizeof *grown);
            if (!grown) {
                rc = CX_ERR_NOMEM;
                break;
            }
            if (out->nquestions)
                memcpy(grown, out->questions, out->nquestions * sizeof *grown);
            out->questions = grown;
            cap = ncap;
        }
        survey_form_question_t *q = &out->questions[out->nquestions++];
        q->id = db_column_int(st, 0);
        q->position = (int)db_column_int(st, 1);
        q->key = column_dup(arena, st, 2);
        q->kind = column_dup(arena, st, 3);
        q->label = column_dup(arena, st, 4);
        q->choices = column_dup(arena, st, 5);
        q->logic = column_dup(arena, st, 6);
        q->inverted = db_column_int(st, 7) != 0;
        q->is_main = db_column_int(st, 8) != 0;
        q->required = db_column_int(st, 9) != 0;
        if (!q->key || !q->kind || !q->label || !q->choices || !q->logic)
            rc = CX_ERR_NOMEM;
    }
    if (!rc && r == DB_ERROR)
        rc = CX_ERR_STORE;
    db_done(st);
    return rc;
}

const survey_form_question_t *survey_form_main(const survey_form_t *s)
{
    for (size_t i = 0; i < s->nquestions; i++)
        if (s->questions[i].is_main)
            return &s->questions[i];
    return NULL;
}

bool survey_form_group(const char *question_kind, bool inverted, int value, int *group)
{
    int low, high, passive_low, passive_high;
    if (strcmp(question_kind, "score") == 0)
        low = 0, high = 10, passive_low = 7, passive_high = 8;
    else if (strcmp(question_kind, "rating") == 0)
        low = 1, high = 5, passive_low = 3, passive_high = 3;
    else if (strcmp(question_kind, "effort") == 0)
        low = 1, high = 7, passive_low = 4, passive_high = 4;
    else
        return false;
    if (value < low || value > high)
        return false;
    if (inverted)
        value = low + high - value;
    *group = value < passive_low ? -1 : value > passive_high ? 1 : 0;
    return true;
}

const char *survey_form_group_name(int group)
{
    return group < 0 ? "detractor" : group > 0 ? "promoter" : "passive";
}

cx_result survey_form_invitation_find(db_conn_t *db, arena_t *arena, const char *token_hash,
                                      survey_form_invitation_t *out)
{
    memset(out, 0, sizeof *out);
    db_stmt_t *st = db_prepare(
        db, "SELECT i.id, i.survey_id, coalesce(i.customer_id, 0), coalesce(c.language, ''),"
            " i.status = 'answered' OR EXISTS (SELECT 1 FROM responses r"
            "   WHERE r.invitation_id = i.id)"
            " FROM invitations i LEFT JOIN customers c ON c.id = i.customer_id"
            " WHERE i.token_hash = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, token_hash);
    db_step_result r = db_step(st);
    if (r != DB_ROW) {
        db_done(st);
        return r == DB_DONE ? CX_ERR_NOT_FOUND : CX_ERR_STORE;
    }
    out->id = db_column_int(st, 0);
    out->survey_id = db_column_int(st, 1);
    out->customer_id = db_column_int(st, 2);
    out->language = column_dup(arena, st, 3);
    out->answered = db_column_int(st, 4) != 0;
    db_done(st);
    return out->language ? CX_OK : CX_ERR_NOMEM;
}

cx_result survey_form_start(db_conn_t *db, const store_response_t *r, int64_t invitation_id,
                            const char *resume_hash, bool complete, int64_t *id_out)
{
    db_stmt_t *st;
    cx_result rc;
    if (invitation_id) {
        /* checked inside the write transaction, so two tabs cannot both
         * answer one invitation */
        st = db_prepare(db, "SELECT 1 FROM invitations i WHERE i.id = ? AND"
                            " (i.status = 'answered' OR EXISTS (SELECT 1 FROM responses r"
                            "  WHERE r.invitation_id = i.id))");
        if (!st)
            return CX_ERR_STORE;
        db_bind_int(st, 1, invitation_id);
        db_step_result s = db_step(st);
        db_done(st);
        if (s == DB_ERROR)
            return CX_ERR_STORE;
        if (s == DB_ROW)
            return CX_ERR_CONFLICT;
    }
    int64_t id;
    rc = store_response_add(db, r, &id);
    if (rc)
        return rc;
    st = db_prepare(db, "UPDATE responses SET completed = ?, invitation_id = ? WHERE id = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, complete ? 1 : 0);
    if (invitation_id)
        db_bind_int(st, 2, invitation_id);
    db_bind_int(st, 3, id);
    rc = db_exec_stmt(st);
    /* the first answer is the score: from then on the invitation is
     * answered (no reminder, and its link says so) even if the respondent
     * never sends the second page */
    if (!rc && invitation_id)
        rc = invitations_set_answered(db, invitation_id, r->submitted_at);
    if (!rc && !complete && resume_hash) {
        st = db_prepare(db, "INSERT INTO response_resume (response_id, token_hash, created_at)"
                            " VALUES (?, ?, ?)");
        if (!st)
            return CX_ERR_STORE;
        db_bind_int(st, 1, id);
        db_bind_text(st, 2, resume_hash);
        db_bind_int(st, 3, r->created_at);
        rc = db_exec_stmt(st);
    }
    if (!rc && id_out)
        *id_out = id;
    return rc;
}

cx_result survey_form_pending_find(db_conn_t *db, arena_t *arena, const char *resume_hash,
                                   survey_form_pending_t *out)
{
    memset(out, 0, sizeof *out);
    db_stmt_t *st = db_prepare(
        db, "SELECT r.id, r.survey_id, coalesce(r.invitation_id, 0), r.score, r.language"
            " FROM response_resume rr JOIN responses r ON r.id = rr.response_id"
            " WHERE rr.token_hash = ? AND r.completed = 0");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, resume_hash);
    db_step_result r = db_step(st);
    if (r != DB_ROW) {
        db_done(st);
        return r == DB_DONE ? CX_ERR_NOT_FOUND : CX_ERR_STORE;
    }
    out->response_id = db_column_int(st, 0);
    out->survey_id = db_column_int(st, 1);
    out->invitation_id = db_column_int(st, 2);
    out->has_score = !db_column_is_null(st, 3);
    out->score = (int)db_column_int(st, 3);
    out->language = column_dup(arena, st, 4);
    db_done(st);
    return out->language ? CX_OK : CX_ERR_NOMEM;
}

cx_result survey_form_complete(db_conn_t *db, const char *resume_hash, const store_answer_t *answers,
                               size_t nanswers, const char *comment, int64_t now,
                               int64_t *id_out)
{
    db_stmt_t *st = db_prepare(
        db, "SELECT r.id, coalesce(r.invitation_id, 0)"
            " FROM response_resume rr JOIN responses r ON r.id = rr.response_id"
            " WHERE rr.token_hash = ? AND r.completed = 0");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, resume_hash);
    db_step_result s = db_step(st);
    if (s != DB_ROW) {
        db_done(st);
        return s == DB_DONE ? CX_ERR_NOT_FOUND : CX_ERR_STORE;
    }
    int64_t id = db_column_int(st, 0);
    int64_t invitation_id = db_column_int(st, 1);
    db_done(st);

    cx_result rc = CX_OK;
    for (size_t i = 0; !rc && i < nanswers; i++) {
        st = db_prepare(db, "INSERT INTO answers (response_id, question_id, value_num, value_text)"
                            " VALUES (?, ?, ?, ?) ON CONFLICT (response_id, question_id)"
                            " DO UPDATE SET value_num = excluded.value_num,"
                            " value_text = excluded.value_text");
        if (!st)
            return CX_ERR_STORE;
        db_bind_int(st, 1, id);
        db_bind_int(st, 2, answers[i].question_id);
        if (answers[i].has_number)
            db_bind_double(st, 3, answers[i].number);
        db_bind_text(st, 4, answers[i].text);
        rc = db_exec_stmt(st);
    }
    if (!rc) {
        st = db_prepare(db, "UPDATE responses SET completed = 1, comment = coalesce(?, comment)"
                            " WHERE id = ?");
        if (!st)
            return CX_ERR_STORE;
        db_bind_text(st, 1, comment);
        db_bind_int(st, 2, id);
        rc = db_exec_stmt(st);
    }
    if (!rc) {
        st = db_prepare(db, "DELETE FROM response_resume WHERE response_id = ?");
        if (!st)
            return CX_ERR_STORE;
        db_bind_int(st, 1, id);
        rc = db_exec_stmt(st);
    }
    if (!rc && invitation_id) /* answered at the first answer, normally */
        rc = invitations_set_answered(db, invitation_id, now);
    if (!rc && id_out)
        *id_out = id;
    return rc;
}
