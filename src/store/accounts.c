/*
 * accounts.c — storage of users, sessions, sign-in failures, API keys, the
 * audit log and settings (see accounts.h).
 *
 * Every string handed back is copied into the caller's arena; a failed copy
 * is reported as CX_ERR_NOMEM rather than leaving NULL fields behind.
 */
#include "store/accounts.h"

#include <string.h>

#include "store/rows.h"

/* Copies column `col` into the arena; sets *ok false when out of memory. */
static const char *column_copy(db_stmt_t *st, int col, arena_t *arena, bool *ok)
{
    const char *s = arena_strdup(arena, db_column_text(st, col));
    if (!s)
        *ok = false;
    return s;
}

/* Steps a statement that returns nothing and maps the outcome. When
 * must_change is set, no changed row means CX_ERR_NOT_FOUND. */
static cx_result exec_change(db_conn_t *db, db_stmt_t *st, bool must_change)
{
    return must_change ? db_exec_changed(db, st) : db_exec_stmt(st);
}

/* ---- users ---- */

#define USER_COLUMNS                                                                               \
    "id, name, display_name, email, role, language, password_hash, disabled, created_at"

static cx_result user_from_row(db_stmt_t *st, arena_t *arena, store_user_t *u)
{
    bool ok = true;
    u->id = db_column_int(st, 0);
    u->name = column_copy(st, 1, arena, &ok);
    u->display_name = column_copy(st, 2, arena, &ok);
    u->email = column_copy(st, 3, arena, &ok);
    u->role = column_copy(st, 4, arena, &ok);
    u->language = column_copy(st, 5, arena, &ok);
    u->password_hash = column_copy(st, 6, arena, &ok);
    u->disabled = db_column_int(st, 7) != 0;
    u->created_at = db_column_int(st, 8);
    return ok ? CX_OK : CX_ERR_NOMEM;
}

/* Reads at most one user row from a prepared, bound statement. */
static cx_result user_fetch_one(db_stmt_t *st, arena_t *arena, store_user_t *out)
{
    db_step_result r = db_step(st);
    cx_result rc = r == DB_ROW    ? user_from_row(st, arena, out)
                   : r == DB_DONE ? CX_ERR_NOT_FOUND
                                  : CX_ERR_STORE;
    db_done(st);
    return rc;
}

cx_result store_user_add(db_conn_t *db, const store_user_t *user, int64_t *id_out)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO users (name, display_name, email, role,"
                                   " password_hash, language, disabled, created_at,"
                                   " password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                                   " RETURNING id");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, user->name);
    db_bind_text(st, 2, user->display_name ? user->display_name : "");
    db_bind_text(st, 3, user->email ? user->email : "");
    db_bind_text(st, 4, user->role);
    db_bind_text(st, 5, user->password_hash);
    db_bind_text(st, 6, user->language && *user->language ? user->language : "pl");
    db_bind_int(st, 7, user->disabled);
    db_bind_int(st, 8, user->created_at);
    db_bind_int(st, 9, user->created_at);
    return db_insert_id(st, id_out);
}

cx_result store_user_find_by_name(db_conn_t *db, arena_t *arena, const char *name,
                                  store_user_t *out)
{
    db_stmt_t *st = db_prepare(db, "SELECT " USER_COLUMNS " FROM users WHERE name = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, name);
    return user_fetch_one(st, arena, out);
}

cx_result store_user_find_by_id(db_conn_t *db, arena_t *arena, int64_t id, store_user_t *out)
{
    db_stmt_t *st = db_prepare(db, "SELECT " USER_COLUMNS " FROM users WHERE id = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, id);
    return user_fetch_one(st, arena, out);
}

static cx_result user_row_reader(db_stmt_t *st, arena_t *arena, void *element)
{
    return user_from_row(st, arena, element);
}

cx_result store_user_list(db_conn_t *db, arena_t *arena, store_user_t **out, size_t *count)
{
    db_stmt_t *st = db_prepare(db, "SELECT " USER_COLUMNS " FROM users ORDER BY name");
    if (!st)
        return CX_ERR_STORE;
    return store_rows_collect(st, arena, sizeof **out, 0, user_row_reader, (void **)out, count);
}

cx_result store_user_set_password(db_conn_t *db, const char *name, const char *password_hash,
                                  int64_t now)
{
    db_stmt_t *st = db_prepare(
        db, "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE name = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, password_hash);
    db_bind_int(st, 2, now);
    db_bind_text(st, 3, name);
    return exec_change(db, st, true);
}

cx_result store_user_set_disabled(db_conn_t *db, const char *name, bool disabled)
{
    db_stmt_t *st = db_prepare(db, "UPDATE users SET disabled = ? WHERE name = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, disabled);
    db_bind_text(st, 2, name);
    return exec_change(db, st, true);
}

cx_result store_user_set_role(db_conn_t *db, const char *name, const char *role)
{
    db_stmt_t *st = db_prepare(db, "UPDATE users SET role = ? WHERE name = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, role);
    db_bind_text(st, 2, name);
    cx_result rc = exec_change(db, st, true);
    return rc == CX_ERR_CONFLICT ? CX_ERR_INVALID : rc; /* CHECK on role */
}

cx_result store_user_set_language(db_conn_t *db, int64_t id, const char *language)
{
    db_stmt_t *st = db_prepare(db, "UPDATE users SET language = ? WHERE id = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, language);
    db_bind_int(st, 2, id);
    return exec_change(db, st, true);
}

int64_t store_user_count_admins(db_conn_t *db)
{
    int64_t n = 0;
    if (db_query_int(db_prepare(db, "SELECT count(*) FROM users"
                                    " WHERE role = 'admin' AND disabled = 0"),
                     &n) != CX_OK)
        return -1;
    return n;
}

/* ---- sessions ---- */

cx_result store_session_create(db_conn_t *db, const char *token_hash, int64_t user_id,
                               const char *csrf_token, int64_t now, int64_t expires_at,
                               const char *address, const char *user_agent)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO sessions (token_hash, user_id, csrf_token,"
                                   " created_at, last_seen_at, expires_at, address, user_agent)"
                                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, token_hash);
    db_bind_int(st, 2, user_id);
    db_bind_text(st, 3, csrf_token);
    db_bind_int(st, 4, now);
    db_bind_int(st, 5, now);
    db_bind_int(st, 6, expires_at);
    db_bind_text(st, 7, address ? address : "");
    db_bind_text(st, 8, user_agent ? user_agent : "");
    return db_exec_stmt(st);
}

cx_result store_session_find(db_conn_t *db, arena_t *arena, const char *token_hash, int64_t now,
                             store_session_t *out)
{
    db_stmt_t *st = db_prepare(
        db, "SELECT s.id, s.user_id, u.name, u.display_name, u.role, u.language, s.csrf_token,"
            " s.created_at, s.last_seen_at, s.expires_at"
            " FROM sessions s JOIN users u ON u.id = s.user_id"
            " WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ?"
            " AND u.disabled = 0");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, token_hash);
    db_bind_int(st, 2, now);
    db_step_result r = db_step(st);
    cx_result rc;
    if (r == DB_ROW) {
        bool ok = true;
        out->id = db_column_int(st, 0);
        out->user_id = db_column_int(st, 1);
        out->user_name = column_copy(st, 2, arena, &ok);
        out->display_name = column_copy(st, 3, arena, &ok);
        out->role = column_copy(st, 4, arena, &ok);
        out->language = column_copy(st, 5, arena, &ok);
        out->csrf_token = column_copy(st, 6, arena, &ok);
        out->created_at = db_column_int(st, 7);
        out->last_seen_at = db_column_int(st, 8);
        out->expires_at = db_column_int(st, 9);
        rc = ok ? CX_OK : CX_ERR_NOMEM;
    } else {
        rc = r == DB_DONE ? CX_ERR_NOT_FOUND : CX_ERR_STORE;
    }
    db_done(st);
    return rc;
}

cx_result store_session_touch(db_conn_t *db, int64_t id, int64_t now, int64_t expires_at)
{
    db_stmt_t *st = db_prepare(
        db, "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, now);
    db_bind_int(st, 2, expires_at);
    db_bind_int(st, 3, id);
    return exec_change(db, st, true);
}

cx_result store_session_revoke(db_conn_t *db, const char *token_hash, int64_t now)
{
    db_stmt_t *st = db_prepare(db, "UPDATE sessions SET revoked_at = ?"
                                   " WHERE token_hash = ? AND revoked_at IS NULL");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, now);
    db_bind_text(st, 2, token_hash);
    return exec_change(db, st, false);
}

cx_result store_session_revoke_user(db_conn_t *db, int64_t user_id, int64_t now)
{
    db_stmt_t *st = db_prepare(db, "UPDATE sessions SET revoked_at = ?"
                                   " WHERE user_id = ? AND revoked_at IS NULL");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, now);
    db_bind_int(st, 2, user_id);
    return exec_change(db, st, false);
}

cx_result store_session_purge(db_conn_t *db, int64_t before)
{
    db_stmt_t *st = db_prepare(db, "DELETE FROM sessions WHERE expires_at < ?"
                                   " OR (revoked_at IS NOT NULL AND revoked_at < ?)");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, before);
    db_bind_int(st, 2, before);
    return exec_change(db, st, false);
}

/* ---- sign-in failures ---- */

cx_result store_login_failure_add(db_conn_t *db, const char *user_name, const char *address,
                                  int64_t now)
{
    db_stmt_t *st =
        db_prepare(db, "INSERT INTO login_failures (user_name, address, at) VALUES (?, ?, ?)");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, user_name ? user_name : "");
    db_bind_text(st, 2, address ? address : "");
    db_bind_int(st, 3, now);
    return db_exec_stmt(st);
}

cx_result store_login_failure_count(db_conn_t *db, const char *user_name, const char *address,
                                    int64_t since, int64_t *by_user, int64_t *by_address)
{
    db_stmt_t *st =
        db_prepare(db, "SELECT count(*) FROM login_failures WHERE user_name = ? AND at >= ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, user_name ? user_name : "");
    db_bind_int(st, 2, since);
    cx_result rc = db_query_int(st, by_user);
    if (rc)
        return rc;
    st = db_prepare(db, "SELECT count(*) FROM login_failures WHERE address = ? AND at >= ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, address ? address : "");
    db_bind_int(st, 2, since);
    return db_query_int(st, by_address);
}

cx_result store_login_failure_clear(db_conn_t *db, const char *user_name)
{
    db_stmt_t *st = db_prepare(db, "DELETE FROM login_failures WHERE user_name = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, user_name);
    return exec_change(db, st, false);
}

cx_result store_login_failure_purge(db_conn_t *db, int64_t before)
{
    db_stmt_t *st = db_prepare(db, "DELETE FROM login_failures WHERE at < ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, before);
    return exec_change(db, st, false);
}

/* ---- API keys ---- */

#define APIKEY_COLUMNS                                                                             \
    "k.id, k.name, k.prefix, k.key_hash, k.role, coalesce(u.name, ''), k.created_at,"            \
    " coalesce(k.last_used_at, 0), coalesce(k.revoked_at, 0)"

static cx_result apikey_from_row(db_stmt_t *st, arena_t *arena, void *element)
{
    store_apikey_t *k = element;
    bool ok = true;
    k->id = db_column_int(st, 0);
    k->name = column_copy(st, 1, arena, &ok);
    k->prefix = column_copy(st, 2, arena, &ok);
    k->key_hash = column_copy(st, 3, arena, &ok);
    k->role = column_copy(st, 4, arena, &ok);
    k->created_by = column_copy(st, 5, arena, &ok);
    k->created_at = db_column_int(st, 6);
    k->last_used_at = db_column_int(st, 7);
    k->revoked_at = db_column_int(st, 8);
    return ok ? CX_OK : CX_ERR_NOMEM;
}

cx_result store_apikey_add(db_conn_t *db, const char *name, const char *prefix,
                           const char *key_hash, const char *role, int64_t created_by,
                           int64_t now, int64_t *id_out)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO api_keys (name, prefix, key_hash, role,"
                                   " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)"
                                   " RETURNING id");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, name);
    db_bind_text(st, 2, prefix);
    db_bind_text(st, 3, key_hash);
    db_bind_text(st, 4, role);
    if (created_by)
        db_bind_int(st, 5, created_by);
    db_bind_int(st, 6, now);
    return db_insert_id(st, id_out);
}

cx_result store_apikey_find(db_conn_t *db, arena_t *arena, const char *prefix,
                            store_apikey_t *out)
{
    db_stmt_t *st = db_prepare(db, "SELECT " APIKEY_COLUMNS
                                   " FROM api_keys k LEFT JOIN users u ON u.id = k.created_by"
                                   " WHERE k.prefix = ? AND k.revoked_at IS NULL");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, prefix);
    db_step_result r = db_step(st);
    cx_result rc = r == DB_ROW    ? apikey_from_row(st, arena, out)
                   : r == DB_DONE ? CX_ERR_NOT_FOUND
                                  : CX_ERR_STORE;
    db_done(st);
    return rc;
}

cx_result store_apikey_list(db_conn_t *db, arena_t *arena, store_apikey_t **out, size_t *count)
{
    db_stmt_t *st = db_prepare(db, "SELECT " APIKEY_COLUMNS
                                   " FROM api_keys k LEFT JOIN users u ON u.id = k.created_by"
                                   " ORDER BY k.revoked_at IS NOT NULL, k.name");
    if (!st)
        return CX_ERR_STORE;
    return store_rows_collect(st, arena, sizeof **out, 0, apikey_from_row, (void **)out, count);
}

cx_result store_apikey_revoke(db_conn_t *db, const char *name, int64_t now)
{
    db_stmt_t *st = db_prepare(db, "UPDATE api_keys SET revoked_at = ?"
                                   " WHERE name = ? AND revoked_at IS NULL");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, now);
    db_bind_text(st, 2, name);
    return exec_change(db, st, true);
}

cx_result store_apikey_touch(db_conn_t *db, int64_t id, int64_t now)
{
    db_stmt_t *st = db_prepare(db, "UPDATE api_keys SET last_used_at = ? WHERE id = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, now);
    db_bind_int(st, 2, id);
    return exec_change(db, st, false);
}

/* ---- audit log ---- */

cx_result store_audit_add(db_conn_t *db, int64_t now, const char *actor, const char *action,
                          const char *target, const char *address, const char *detail)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO audit_log (at, actor, action, target, address,"
                                   " detail) VALUES (?, ?, ?, ?, ?, ?)");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, now);
    db_bind_text(st, 2, actor ? actor : "");
    db_bind_text(st, 3, action);
    db_bind_text(st, 4, target ? target : "");
    db_bind_text(st, 5, address ? address : "");
    db_bind_text(st, 6, detail ? detail : "");
    return db_exec_stmt(st);
}

static cx_result audit_from_row(db_stmt_t *st, arena_t *arena, void *element)
{
    store_audit_entry_t *e = element;
    bool ok = true;
    e->id = db_column_int(st, 0);
    e->at = db_column_int(st, 1);
    e->actor = column_copy(st, 2, arena, &ok);
    e->action = column_copy(st, 3, arena, &ok);
    e->target = column_copy(st, 4, arena, &ok);
    e->address = column_copy(st, 5, arena, &ok);
    e->detail = column_copy(st, 6, arena, &ok);
    return ok ? CX_OK : CX_ERR_NOMEM;
}

cx_result store_audit_list(db_conn_t *db, arena_t *arena, int64_t before_id, int limit,
                           store_audit_entry_t **out, size_t *count)
{
    db_stmt_t *st = db_prepare(db, "SELECT id, at, actor, action, target, address, detail"
                                   " FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, before_id > 0 ? before_id : INT64_MAX);
    db_bind_int(st, 2, limit > 0 ? limit : 100);
    return store_rows_collect(st, arena, sizeof **out, 0, audit_from_row, (void **)out, count);
}

/* ---- settings ---- */

cx_result store_setting_get(db_conn_t *db, arena_t *arena, const char *key, const char **value)
{
    db_stmt_t *st = db_prepare(db, "SELECT value FROM settings WHERE key = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, key);
    db_step_result r = db_step(st);
    cx_result rc = CX_OK;
    *value = NULL;
    if (r == DB_ROW) {
        *value = arena_strdup(arena, db_column_text(st, 0));
        if (!*value)
            rc = CX_ERR_NOMEM;
    } else if (r != DB_DONE) {
        rc = CX_ERR_STORE;
    }
    db_done(st);
    return rc;
}

cx_result store_setting_set(db_conn_t *db, const char *key, const char *value)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO settings (key, value) VALUES (?, ?)"
                                   " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, key);
    db_bind_text(st, 2, value);
    return db_exec_stmt(st);
}
