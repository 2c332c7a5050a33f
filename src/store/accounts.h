/*
 * accounts.h — users, sessions, sign-in failures, API keys, the audit log
 * and organisation settings: everything about who may use cxloop.
 *
 * Every function takes the db_conn_t of a store_read/store_write job (see
 * store.h). Strings in returned structs are copied into the caller's arena
 * and stay valid until it is freed. Secrets never enter this layer in clear:
 * sessions and keys are looked up by the hash of their token (core/secret.h).
 */
#ifndef CX_STORE_ACCOUNTS_H
#define CX_STORE_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/result.h"
#include "store/db.h"

/* ---- users ---- */

typedef struct store_user {
    int64_t id;
    const char *name;
    const char *display_name;
    const char *email;
    const char *role;
    const char *language;
    const char *password_hash;
    bool disabled;
    int64_t created_at;
} store_user_t;

/* CX_ERR_CONFLICT when the name is taken. */
cx_result store_user_add(db_conn_t *db, const store_user_t *user, int64_t *id_out);
cx_result store_user_find_by_name(db_conn_t *db, arena_t *arena, const char *name,
                                  store_user_t *out);
cx_result store_user_find_by_id(db_conn_t *db, arena_t *arena, int64_t id, store_user_t *out);
/* All users by name; *out is an arena array of *count entries. */
cx_result store_user_list(db_conn_t *db, arena_t *arena, store_user_t **out, size_t *count);
/* CX_ERR_NOT_FOUND for an unknown name. */
cx_result store_user_set_password(db_conn_t *db, const char *name, const char *password_hash,
                                  int64_t now);
cx_result store_user_set_disabled(db_conn_t *db, const char *name, bool disabled);
cx_result store_user_set_role(db_conn_t *db, const char *name, const char *role);
cx_result store_user_set_language(db_conn_t *db, int64_t id, const char *language);
int64_t store_user_count_admins(db_conn_t *db); /* enabled admins */

/* ---- sessions ---- */

typedef struct store_session {
    int64_t id;
    int64_t user_id;
    const char *user_name;
    const char *display_name;
    const char *role;
    const char *language;
    const char *csrf_token;
    int64_t created_at;
    int64_t last_seen_at;
    int64_t expires_at;
} store_session_t;

cx_result store_session_create(db_conn_t *db, const char *token_hash, int64_t user_id,
                               const char *csrf_token, int64_t now, int64_t expires_at,
                               const char *address, const char *user_agent);
/* A live session: not expired, not revoked, its user enabled.
 * CX_ERR_NOT_FOUND otherwise. */
cx_result store_session_find(db_conn_t *db, arena_t *arena, const char *token_hash, int64_t now,
                             store_session_t *out);
cx_result store_session_touch(db_conn_t *db, int64_t id, int64_t now, int64_t expires_at);
cx_result store_session_revoke(db_conn_t *db, const char *token_hash, int64_t now);
/* Revokes every session of a user (password change, disable). */
cx_result store_session_revoke_user(db_conn_t *db, int64_t user_id, int64_t now);
/* Deletes sessions that ended before `before`. */
cx_result store_session_purge(db_conn_t *db, int64_t before);

/* ---- sign-in failures (throttling) ---- */

cx_result store_login_failure_add(db_conn_t *db, const char *user_name, const char *address,
                                  int64_t now);
/* Failures since `since` for the account and for the address. */
cx_result store_login_failure_count(db_conn_t *db, const char *user_name, const char *address,
                                    int64_t since, int64_t *by_user, int64_t *by_address);
cx_result store_login_failure_clear(db_conn_t *db, const char *user_name);
cx_result store_login_failure_purge(db_conn_t *db, int64_t before);

/* ---- API keys ---- */

typedef struct store_apikey {
    int64_t id;
    const char *name;
    const char *prefix;
    const char *key_hash;
    const char *role;
    const char *created_by; /* user name, "" for the CLI */
    int64_t created_at;
    int64_t last_used_at;   /* 0 when never */
    int64_t revoked_at;     /* 0 when live */
} store_apikey_t;

/* CX_ERR_CONFLICT when the name is taken. created_by may be 0. */
cx_result store_apikey_add(db_conn_t *db, const char *name, const char *prefix,
                           const char *key_hash, const char *role, int64_t created_by,
                           int64_t now, int64_t *id_out);
/* A live (not revoked) key by prefix. */
cx_result store_apikey_find(db_conn_t *db, arena_t *arena, const char *prefix,
                            store_apikey_t *out);
cx_result store_apikey_list(db_conn_t *db, arena_t *arena, store_apikey_t **out, size_t *count);
/* CX_ERR_NOT_FOUND when no live key has that name. */
cx_result store_apikey_revoke(db_conn_t *db, const char *name, int64_t now);
cx_result store_apikey_touch(db_conn_t *db, int64_t id, int64_t now);

/* ---- audit log ---- */

typedef struct store_audit_entry {
    int64_t id;
    int64_t at;
    const char *actor;
    const char *action;
    const char *target;
    const char *address;
    const char *detail;
} store_audit_entry_t;

cx_result store_audit_add(db_conn_t *db, int64_t now, const char *actor, const char *action,
                          const char *target, const char *address, const char *detail);
/* Newest first; entries with id < before_id (0 = from the newest). */
cx_result store_audit_list(db_conn_t *db, arena_t *arena, int64_t before_id, int limit,
                           store_audit_entry_t **out, size_t *count);

/* ---- settings ---- */

/* *value is NULL (and CX_OK) when the key is unset. */
cx_result store_setting_get(db_conn_t *db, arena_t *arena, const char *key, const char **value);
cx_result store_setting_set(db_conn_t *db, const char *key, const char *value);

#endif
