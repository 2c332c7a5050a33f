/*
 * db.h — the portable statement interface the store is written against.
 *
 * Store modules (users.c, sessions.c, ...) speak SQL only through this
 * interface, in the SQL that SQLite and PostgreSQL share: `?` placeholders
 * (a PostgreSQL backend rewrites them to $n), INSERT ... RETURNING,
 * ON CONFLICT, integers for times (Unix seconds, UTC) and booleans. What is
 * engine-specific (pragmas, DDL types, backups, the migration bookkeeping)
 * lives in the backend file, db_sqlite.c today.
 *
 * Statements are prepared once per connection and cached, keyed by the SQL
 * text's address: pass string literals, never built strings (which also
 * makes it impossible to splice values into SQL). Every value is bound.
 *
 * A db_conn_t belongs to one thread at a time; the store hands connections
 * to jobs (store_read/store_write in store.h) and takes them back.
 */
#ifndef CX_DB_H
#define CX_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/result.h"

typedef struct db_conn db_conn_t;
typedef struct db_stmt db_stmt_t;

/* Prepares (or fetches from the cache) and resets a statement. Returns NULL
 * on an SQL error, which is a bug and is logged with the SQL text. The
 * statement stays owned by the connection; call db_done() when finished. */
db_stmt_t *db_prepare(db_conn_t *db, const char *sql);
/* Resets and clears bindings so the cached statement is ready again. */
void db_done(db_stmt_t *st);

/* Parameters are numbered from 1. Text is copied. NULL text binds NULL. */
void db_bind_int(db_stmt_t *st, int idx, int64_t v);
void db_bind_double(db_stmt_t *st, int idx, double v);
void db_bind_text(db_stmt_t *st, int idx, const char *s);
void db_bind_textn(db_stmt_t *st, int idx, const char *s, size_t n);
void db_bind_blob(db_stmt_t *st, int idx, const void *p, size_t n);
void db_bind_null(db_stmt_t *st, int idx);

typedef enum db_step_result { DB_ROW, DB_DONE, DB_CONSTRAINT, DB_ERROR } db_step_result;
/* DB_CONSTRAINT: a UNIQUE/FOREIGN KEY/CHECK rule refused the row. */
db_step_result db_step(db_stmt_t *st);

/* Columns are numbered from 0; valid until the next step or db_done. */
bool db_column_is_null(db_stmt_t *st, int col);
int64_t db_column_int(db_stmt_t *st, int col);
double db_column_double(db_stmt_t *st, int col);
const char *db_column_text(db_stmt_t *st, int col); /* "" for NULL */
size_t db_column_bytes(db_stmt_t *st, int col);
const void *db_column_blob(db_stmt_t *st, int col);

/* Runs a statement that returns no rows: CX_OK, CX_ERR_CONFLICT for a
 * constraint, CX_ERR_STORE otherwise. The statement is done afterwards. */
cx_result db_exec_stmt(db_stmt_t *st);
/* Runs an INSERT ... RETURNING id: CX_OK with *id_out (may be NULL),
 * CX_ERR_CONFLICT for a constraint, CX_ERR_STORE otherwise. The statement
 * is done afterwards. */
cx_result db_insert_id(db_stmt_t *st, int64_t *id_out);
/* Rows changed by the last INSERT/UPDATE/DELETE on this connection. */
int64_t db_changes(db_conn_t *db);
/* A value that changes whenever the data this connection sees may have
 * changed: a row changed through it, or its writer began a transaction or
 * rolled one (or a job's savepoint) back. What a write job read stays
 * valid for a later job on the same connection while the mark is the
 * same. */
uint64_t db_change_mark(db_conn_t *db);

/* db_exec_stmt for an UPDATE or DELETE of rows that must exist: also
 * CX_ERR_NOT_FOUND when it changed none. */
cx_result db_exec_changed(db_conn_t *db, db_stmt_t *st);

/* Convenience for "SELECT one integer": CX_OK and *out, CX_ERR_NOT_FOUND
 * when there is no row. Parameters are bound by the caller-supplied st. */
cx_result db_query_int(db_stmt_t *st, int64_t *out);

#endif
