/*
 * import_uploads.c — SQL of the import page's uploads and saved mappings
 * (see import_uploads.h). Relies on db.h; every statement is a literal
 * with bound parameters. Must never return an upload to another user or
 * past its hour.
 */
#include "store/import_uploads.h"

#include <stdlib.h>
#include <string.h>

cx_result import_uploads_add(db_conn_t *db, const import_upload_t *u, int64_t now,
                             int64_t *id_out)
{
    db_stmt_t *st = db_prepare(db, "DELETE FROM import_uploads WHERE created_at < ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, now - IMPORT_UPLOADS_TTL);
    cx_result rc = db_exec_stmt(st);
    if (rc)
        return rc;
    st = db_prepare(db, "INSERT INTO import_uploads (user_id, kind, survey_id, file_name, data,"
                        " created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, u->user_id);
    db_bind_text(st, 2, u->kind);
    if (u->survey_id)
        db_bind_int(st, 3, u->survey_id);
    else
        db_bind_null(st, 3);
    db_bind_text(st, 4, u->file_name);
    /* an empty blob binds as a zero-length blob, not NULL */
    db_bind_blob(st, 5, u->len ? u->data : "", u->len);
    db_bind_int(st, 6, now);
    return db_insert_id(st, id_out);
}

cx_result import_uploads_get(db_conn_t *db, arena_t *arena, int64_t id, int64_t user_id,
                             int64_t now, import_upload_t *out)
{
    memset(out, 0, sizeof *out);
    db_stmt_t *st = db_prepare(db, "SELECT id, user_id, kind, coalesce(survey_id, 0), file_name,"
                                   " data, created_at FROM import_uploads"
                                   " WHERE id = ? AND user_id = ? AND created_at >= ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, id);
    db_bind_int(st, 2, user_id);
    db_bind_int(st, 3, now - IMPORT_UPLOADS_TTL);
    db_step_result r = db_step(st);
    if (r != DB_ROW) {
        db_done(st);
        return r == DB_DONE ? CX_ERR_NOT_FOUND : CX_ERR_STORE;
    }
    out->id = db_column_int(st, 0);
    out->user_id = db_column_int(st, 1);
    out->kind = arena_strdup(arena, db_column_text(st, 2));
    out->survey_id = db_column_int(st, 3);
    out->file_name = arena_strdup(arena, db_column_text(st, 4));
    const void *blob = db_column_blob(st, 5);
    out->len = db_column_bytes(st, 5);
    out->created_at = db_column_int(st, 6);
    out->data = malloc(out->len ? out->len : 1);
    if (out->data && out->len)
        memcpy(out->data, blob, out->len);
    db_done(st);
    if (!out->kind || !out->file_name || !out->data) {
        free(out->data);
        out->data = NULL;
        return CX_ERR_NOMEM;
    }
    return CX_OK;
}

cx_result import_uploads_delete(db_conn_t *db, int64_t id)
{
    db_stmt_t *st = db_prepare(db, "DELETE FROM import_uploads WHERE id = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, id);
    return db_exec_stmt(st);
}

cx_result import_mappings_get(db_conn_t *db, arena_t *arena, const char *kind,
                              const char *fingerprint, const char **mapping)
{
    db_stmt_t *st = db_prepare(db, "SELECT mapping FROM import_mappings"
                                   " WHERE kind = ? AND fingerprint = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, kind);
    db_bind_text(st, 2, fingerprint);
    db_step_result r = db_step(st);
    cx_result rc = r == DB_ROW ? CX_OK : r == DB_DONE ? CX_ERR_NOT_FOUND : CX_ERR_STORE;
    if (!rc && !(*mapping = arena_strdup(arena, db_column_text(st, 0))))
        rc = CX_ERR_NOMEM;
    db_done(st);
    return rc;
}

cx_result import_mappings_put(db_conn_t *db, const char *kind, const char *fingerprint,
                              const char *mapping, const char *actor, int64_t now)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO import_mappings (kind, fingerprint, mapping,"
                                   " updated_by, updated_at) VALUES (?, ?, ?, ?, ?)"
                                   " ON CONFLICT (kind, fingerprint) DO UPDATE SET"
                                   " mapping = excluded.mapping, updated_by = excluded.updated_by,"
                                   " updated_at = excluded.updated_at");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, kind);
    db_bind_text(st, 2, fingerprint);
    db_bind_text(st, 3, mapping);
    db_bind_text(st, 4, actor);
    db_bind_int(st, 5, now);
    return db_exec_stmt(st);
}
