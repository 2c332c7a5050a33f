/*
 * customers.c — customer records one at a time (see customers.h).
 *
 * An update reads the stored row, applies the fields the caller set and
 * writes the whole row back, so "absent keeps, null clears" is decided in
 * C in one place rather than in coalesce() chains. Relies on import_refs.h
 * and orgdata.h to find or create segments and accounts. Must never format
 * a value into SQL; every statement is a literal with bound parameters.
 */
#include "store/customers.h"

#include <string.h>

#include "store/import_refs.h"
#include "store/orgdata.h"
#include "store/rows.h"

static const char *dup_or_null(arena_t *arena, db_stmt_t *st, int col, bool *nomem)
{
    if (db_column_is_null(st, col))
        return NULL;
    const char *s = arena_strdup(arena, db_column_text(st, col));
    if (!s)
        *nomem = true;
    return s;
}

static const char *dup_text(arena_t *arena, db_stmt_t *st, int col, bool *nomem)
{
    const char *s = arena_strdup(arena, db_column_text(st, col));
    if (!s)
        *nomem = true;
    return s ? s : "";
}

/* The columns both readers select, in this order. */
#define CUSTOMER_COLUMNS                                                                           \
    "SELECT c.id, c.external_id, c.name, c.email, c.language, c.value_tier,"                      \
    " c.attributes, c.segment_id, s.name, c.account_id, a.name, a.external_id,"                   \
    " c.revenue, c.cost_to_serve, c.joined_at, c.churned_at, c.erased_at, c.created_at"           \
    " FROM customers c LEFT JOIN segments s ON s.id = c.segment_id"                                \
    " LEFT JOIN accounts a ON a.id = c.account_id"

static bool read_row(arena_t *arena, db_stmt_t *st, store_customer_t *c)
{
    bool nomem = false;
    memset(c, 0, sizeof *c);
    c->id = db_column_int(st, 0);
    c->external_id = dup_or_null(arena, st, 1, &nomem);
    c->name = dup_text(arena, st, 2, &nomem);
    c->email = dup_text(arena, st, 3, &nomem);
    c->language = dup_text(arena, st, 4, &nomem);
    c->value_tier = dup_text(arena, st, 5, &nomem);
    c->attributes = dup_text(arena, st, 6, &nomem);
    c->segment_id = db_column_int(st, 7);
    c->segment = dup_or_null(arena, st, 8, &nomem);
    c->account_id = db_column_int(st, 9);
    c->account = dup_or_null(arena, st, 10, &nomem);
    c->account_external_id = dup_or_null(arena, st, 11, &nomem);
    c->revenue = db_column_double(st, 12);
    c->cost_to_serve = db_column_double(st, 13);
    c->joined_at = db_column_int(st, 14);
    c->churned_at = db_column_int(st, 15);
    c->erased_at = db_column_int(st, 16);
    c->created_at = db_column_int(st, 17);
    return !nomem;
}

cx_result customers_get(db_conn_t *db, arena_t *arena, int64_t id, store_customer_t *out)
{
    db_stmt_t *st = db_prepare(db, CUSTOMER_COLUMNS " WHERE c.id = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, id);
    db_step_result r = db_step(st);
    cx_result rc = r == DB_ROW    ? (read_row(arena, st, out) ? CX_OK : CX_ERR_NOMEM)
                   : r == DB_DONE ? CX_ERR_NOT_FOUND
                                  : CX_ERR_STORE;
    db_done(st);
    return rc;
}

cx_result customers_find_external(db_conn_t *db, const char *external_id, int64_t *id_out)
{
    return import_refs_customer_find(db, external_id, id_out);
}

/* An account by external id first (the stable key of a CRM), else by
 * name; made (with that name) when neither matches. */
static cx_result account_ensure(db_conn_t *db, const char *ref, int64_t now, int64_t *id_out,
                                bool *created)
{
    *created = false;
    db_stmt_t *st = db_prepare(db, "SELECT id FROM accounts WHERE external_id = ?"
                                   " UNION ALL SELECT id FROM (SELECT id FROM accounts"
                                   " WHERE name = ? ORDER BY id LIMIT 1) LIMIT 1");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, ref);
    db_bind_text(st, 2, ref);
    cx_result rc = db_query_int(st, id_out);
    if (rc != CX_ERR_NOT_FOUND)
        return rc;
    return import_refs_account_ensure(db, ref, now, id_out, created);
}

static void bind_time(db_stmt_t *st, int idx, int64_t t)
{
    if (t)
        db_bind_int(st, idx, t);
    else
        db_bind_null(st, idx);
}

static cx_result apply(db_conn_t *db, arena_t *arena, int64_t id, const customers_upsert_t *u,
                       int64_t now, customers_upsert_result_t *out)
{
    store_customer_t c;
    cx_result rc = customers_get(db, arena, id, &c);
    if (rc)
        return rc;
    if (c.erased_at)
        return CX_ERR_CONFLICT;
    if (u->external_id)
        c.external_id = u->external_id;
    if (u->has_name)
        c.name = u->name ? u->name : "";
    if (u->has_email)
        c.email = u->email ? u->email : "";
    if (u->has_language)
        c.language = u->language ? u->language : "pl";
    if (u->has_value_tier)
        c.value_tier = u->value_tier ? u->value_tier : "";
    if (u->has_attributes)
        c.attributes = u->attributes ? u->attributes : "{}";
    if (u->has_revenue)
        c.revenue = u->revenue;
    if (u->has_cost_to_serve)
        c.cost_to_serve = u->cost_to_serve;
    if (u->has_joined_at)
        c.joined_at = u->joined_at;
    if (u->has_churned_at)
        c.churned_at = u->churned_at;
    if (u->has_segment) {
        c.segment_id = 0;
        if (u->segment && (rc = import_refs_segment_ensure(db, u->segment, now, &c.segment_id,
                                                           &out->segment_created)))
            return rc;
    }
    if (u->has_account) {
        c.account_id = 0;
        if (u->account &&
            (rc = account_ensure(db, u->account, now, &c.account_id, &out->account_created)))
            return rc;
    }
    db_stmt_t *st = db_prepare(
        db, "UPDATE customers SET external_id = ?, name = ?, email = ?, language = ?,"
            " value_tier = ?, attributes = ?, segment_id = ?, account_id = ?, revenue = ?,"
            " cost_to_serve = ?, joined_at = ?, churned_at = ? WHERE id = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, c.external_id);
    db_bind_text(st, 2, c.name);
    db_bind_text(st, 3, c.email);
    db_bind_text(st, 4, c.language);
    db_bind_text(st, 5, c.value_tier);
    db_bind_text(st, 6, c.attributes);
    bind_time(st, 7, c.segment_id);
    bind_time(st, 8, c.account_id);
    db_bind_double(st, 9, c.revenue);
    db_bind_double(st, 10, c.cost_to_serve);
    bind_time(st, 11, c.joined_at);
    bind_time(st, 12, c.churned_at);
    db_bind_int(st, 13, id);
    rc = db_exec_stmt(st);
    if (!rc)
        out->id = id;
    return rc;
}

cx_result customers_upsert(db_conn_t *db, const customers_upsert_t *u, int64_t now,
                           customers_upsert_result_t *out)
{
    memset(out, 0, sizeof *out);
    if (!u->external_id || !*u->external_id)
        return CX_ERR_INVALID;
    int64_t id = 0;
    cx_result rc = import_refs_customer_find(db, u->external_id, &id);
    if (rc == CX_ERR_NOT_FOUND) {
        rc = import_refs_customer_add(db, u->external_id, now, &id);
        out->created = rc == CX_OK;
    }
    if (rc)
        return rc;
    arena_t scratch;
    arena_init(&scratch);
    rc = apply(db, &scratch, id, u, now, out);
    arena_free(&scratch);
    return rc;
}

cx_result customers_update_by_id(db_conn_t *db, int64_t id, const customers_upsert_t *u,
                                 int64_t now, customers_upsert_result_t *out)
{
    memset(out, 0, sizeof *out);
    if (u->external_id) {
        int64_t other = 0;
        cx_result rc = import_refs_customer_find(db, u->external_id, &other);
        if (rc == CX_OK && other != id)
            return CX_ERR_CONFLICT;
        if (rc && rc != CX_ERR_NOT_FOUND)
            return rc;
    }
    arena_t scratch;
    arena_init(&scratch);
    cx_result rc = apply(db, &scratch, id, u, now, out);
    arena_free(&scratch);
    return rc;
}

static cx_result list_row(db_stmt_t *st, arena_t *arena, void *element)
{
    return read_row(arena, st, element) ? CX_OK : CX_ERR_NOMEM;
}

cx_result customers_list(db_conn_t *db, arena_t *arena, const customers_filter_t *f,
                         store_customer_t **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    int limit = f->limit > 0 ? f->limit : 100;
    /* each optional filter is "(? IS NULL OR ...)", so one literal
     * statement serves every combination */
    db_stmt_t *st = db_prepare(
        db, CUSTOMER_COLUMNS " WHERE c.id > ?"
            " AND (? IS NULL OR s.name = ?)"
            " AND (? IS NULL OR a.external_id = ? OR a.name = ?)"
            " AND (? IS NULL OR (? = 1) = (c.churned_at IS NOT NULL))"
            " AND (? IS NULL OR instr(lower(c.name), lower(?)) > 0"
            "  OR instr(lower(coalesce(c.external_id, '')), lower(?)) > 0"
            "  OR instr(lower(c.email), lower(?)) > 0)"
            " ORDER BY c.id LIMIT ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, f->after_id);
    db_bind_text(st, 2, f->segment);
    db_bind_text(st, 3, f->segment);
    db_bind_text(st, 4, f->account);
    db_bind_text(st, 5, f->account);
    db_bind_text(st, 6, f->account);
    if (f->churned >= 0) {
        db_bind_int(st, 7, f->churned);
        db_bind_int(st, 8, f->churned);
    } else {
        db_bind_null(st, 7);
        db_bind_null(st, 8);
    }
    for (int i = 9; i <= 12; i++)
        db_bind_text(st, i, f->q);
    db_bind_int(st, 13, limit);
    return store_rows_collect(st, arena, sizeof **out, (size_t)limit, list_row, (void **)out,
                              count);
}

cx_result customers_history_count(db_conn_t *db, int64_t id, int64_t *responses,
                                  int64_t *feedback_items)
{
    db_stmt_t *st = db_prepare(db, "SELECT count(*) FROM responses WHERE customer_id = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, id);
    cx_result rc = db_query_int(st, responses);
    if (rc)
        return rc;
    st = db_prepare(db, "SELECT count(*) FROM feedback_items WHERE customer_id = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, id);
    return db_query_int(st, feedback_items);
}

cx_result customers_delete(db_conn_t *db, int64_t id)
{
    int64_t responses = 0, feedback = 0;
    cx_result rc = customers_history_count(db, id, &responses, &feedback);
    if (rc)
        return rc;
    if (responses || feedback)
        return CX_ERR_CONFLICT;
    db_stmt_t *st = db_prepare(db, "DELETE FROM customers WHERE id = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, id);
    return db_exec_changed(db, st);
}
