/*
 * feedback.c — storage of feedback items (see feedback.h).
 */
#include "store/feedback.h"

#include <string.h>

static const char *const feedback_sources[] = {"complaint", "ticket", "review",
                                               "call_note", "chat",   "other"};

bool store_feedback_source_valid(const char *source)
{
    if (!source)
        return false;
    for (size_t i = 0; i < sizeof feedback_sources / sizeof feedback_sources[0]; i++)
        if (strcmp(source, feedback_sources[i]) == 0)
            return true;
    return false;
}

static const char *or_empty(const char *s) { return s ? s : ""; }

/* Parameters 1 to 11 of the INSERT and the UPDATE, which name the columns
 * in the same order: source, external_id, customer_id, touchpoint_id,
 * channel, language, title, text, rating, category, received_at. */
static void bind_item(db_stmt_t *st, const store_feedback_t *item)
{
    db_bind_text(st, 1, item->source);
    db_bind_text(st, 2, item->external_id);
    if (item->customer_id)
        db_bind_int(st, 3, item->customer_id);
    else
        db_bind_null(st, 3);
    if (item->touchpoint_id)
        db_bind_int(st, 4, item->touchpoint_id);
    else
        db_bind_null(st, 4);
    db_bind_text(st, 5, or_empty(item->channel));
    db_bind_text(st, 6, or_empty(item->language));
    db_bind_text(st, 7, or_empty(item->title));
    db_bind_text(st, 8, or_empty(item->text));
    if (item->has_rating)
        db_bind_double(st, 9, item->rating);
    else
        db_bind_null(st, 9);
    db_bind_text(st, 10, or_empty(item->category));
    db_bind_int(st, 11, item->received_at);
}

cx_result store_feedback_add(db_conn_t *db, const store_feedback_t *item, int64_t *id_out)
{
    db_stmt_t *st = db_prepare(
        db, "INSERT INTO feedback_items (source, external_id, customer_id, touchpoint_id,"
            " channel, language, title, text, rating, category, received_at, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    if (!st)
        return CX_ERR_STORE;
    bind_item(st, item);
    db_bind_int(st, 12, item->created_at);
    return db_insert_id(st, id_out);
}

cx_result store_feedback_get(db_conn_t *db, arena_t *arena, int64_t id, store_feedback_t *out)
{
    db_stmt_t *st = db_prepare(
        db, "SELECT id, source, external_id, customer_id, touchpoint_id, channel, language,"
            " title, text, rating, category, received_at, created_at"
            " FROM feedback_items WHERE id = ?");
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
    out->source = arena_strdup(arena, db_column_text(st, 1));
    out->external_id = db_column_is_null(st, 2) ? NULL : arena_strdup(arena, db_column_text(st, 2));
    out->customer_id = db_column_int(st, 3);
    out->touchpoint_id = db_column_int(st, 4);
    out->channel = arena_strdup(arena, db_column_text(st, 5));
    out->language = arena_strdup(arena, db_column_text(st, 6));
    out->title = arena_strdup(arena, db_column_text(st, 7));
    out->text = arena_strdup(arena, db_column_text(st, 8));
    out->has_rating = !db_column_is_null(st, 9);
    out->rating = db_column_double(st, 9);
    out->category = arena_strdup(arena, db_column_text(st, 10));
    out->received_at = db_column_int(st, 11);
    out->created_at = db_column_int(st, 12);
    db_done(st);
    if (!out->source || !out->channel || !out->language || !out->title || !out->text ||
        !out->category)
        return CX_ERR_NOMEM;
    return CX_OK;
}

int64_t store_feedback_count(db_conn_t *db)
{
    int64_t n = 0;
    if (db_query_int(db_prepare(db, "SELECT count(*) FROM feedback_items"), &n) != CX_OK)
        return -1;
    return n;
}

cx_result store_feedback_update(db_conn_t *db, const store_feedback_t *item)
{
    db_stmt_t *st = db_prepare(
        db, "UPDATE feedback_items SET source = ?, external_id = ?, customer_id = ?,"
            " touchpoint_id = ?, channel = ?, language = ?, title = ?, text = ?, rating = ?,"
            " category = ?, received_at = ? WHERE id = ?");
    if (!st)
        return CX_ERR_STORE;
    bind_item(st, item);
    db_bind_int(st, 12, item->id);
    return db_exec_changed(db, st);
}

cx_result store_feedback_delete(db_conn_t *db, int64_t id)
{
    db_stmt_t *st = db_prepare(db, "DELETE FROM feedback_items WHERE id = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, id);
    return db_exec_changed(db, st);
}
