/*
 * import_refs.c — lookups and small writes of the CSV imports (see
 * import_refs.h).
 *
 * Relies on orgdata.c for the journey pieces. Must never format a value
 * into SQL; every statement is a literal with bound parameters.
 */
#include "store/import_refs.h"

#include <stddef.h>

#include "store/orgdata.h"
#include "store/store.h"

#define IMPORT_JOURNEY "Import"

static cx_result find_by_text(db_stmt_t *st, const char *value, int64_t *id_out)
{
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, value);
    int64_t id = 0;
    cx_result rc = db_query_int(st, &id);
    if (!rc && id_out)
        *id_out = id;
    return rc;
}

static void bind_opt_text(db_stmt_t *st, int idx, const char *s)
{
    if (s)
        db_bind_text(st, idx, s);
    else
        db_bind_null(st, idx);
}

static void bind_opt_int(db_stmt_t *st, int idx, int64_t v)
{
    if (v)
        db_bind_int(st, idx, v);
    else
        db_bind_null(st, idx);
}

cx_result import_refs_customer_find(db_conn_t *db, const char *external_id, int64_t *id_out)
{
    return find_by_text(db_prepare(db, "SELECT id FROM customers WHERE external_id = ?"),
                        external_id, id_out);
}

cx_result import_refs_customer_add(db_conn_t *db, const char *external_id, int64_t created_at,
                                   int64_t *id_out)
{
    db_stmt_t *st = db_prepare(db, "INSERT INTO customers (external_id, created_at)"
                                   " VALUES (?, ?) RETURNING id");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, external_id);
    db_bind_int(st, 2, created_at);
    return db_insert_id(st, id_out);
}

cx_result import_refs_customer_set_segment(db_conn_t *db, int64_t customer_id,
                                           int64_t segment_id)
{
    db_stmt_t *st = db_prepare(db, "UPDATE customers SET segment_id = ? WHERE id = ?");
    if (!st)
        return CX_ERR_STORE;
    db_bind_int(st, 1, segment_id);
    db_bind_int(st, 2, customer_id);
    return db_exec_stmt(st);
}

cx_result import_refs_customer_update(db_conn_t *db, const import_refs_customer_update_t *u)
{
    db_stmt_t *st = db_prepare(
        db, "UPDATE customers SET name = coalesce(?, name), email = coalesce(?, email),"
            " language = coalesce(?, language), value_tier = coalesce(?, value_tier),"
            " attributes = coalesce(?, attributes), segment_id = coalesce(?, segment_id),"
            " account_id = coalesce(?, account_id), joined_at = coalesce(?, joined_at),"
            " churned_at = coalesce(?, churned_at), revenue = coalesce(?, revenue),"
            " cost_to_serve = coalesce(?, cost_to_serve) WHERE id = ?");
    if (!st)
        return CX_ERR_STORE;
    bind_opt_text(st, 1, u->name);
    bind_opt_text(st, 2, u->email);
    bind_opt_text(st, 3, u->language);
    bind_opt_text(st, 4, u->value_tier);
    bind_opt_text(st, 5, u->attributes);
    bind_opt_int(st, 6, u->segment_id);
    bind_opt_int(st, 7, u->account_id);
    bind_opt_int(st, 8, u->joined_at);
    bind_opt_int(st, 9, u->churned_at);
    if (u->has_revenue)
        db_bind_double(st, 10, u->revenue);
    else
        db_bind_null(st, 10);
    if (u->has_cost_to_serve)
        db_bind_double(st, 11, u->cost_to_serve);
    else
        db_bind_null(st, 11);
    db_bind_int(st, 12, u->id);
    return db_exec_stmt(st);
}

cx_result import_refs_touchpoint_find(db_conn_t *db, const char *name, int64_t *id_out)
{
    return orgdata_touchpoint_find(db, name, id_out);
}

cx_result import_refs_touchpoint_ensure(db_conn_t *db, const char *name, int64_t *id_out,
                                        bool *created)
{
    *created = false;
    cx_result rc = orgdata_touchpoint_find(db, name, id_out);
    if (rc != CX_ERR_NOT_FOUND)
        return rc;
    int64_t journey = 0, stage = 0;
    rc = orgdata_journey_find(db, IMPORT_JOURNEY, &journey);
    if (rc == CX_ERR_NOT_FOUND)
        rc = orgdata_journey_add(db, IMPORT_JOURNEY,
                                 "Touchpoints named by imported data; move them to their journey.",
                                 store_now(), &journey);
    if (!rc)
        rc = orgdata_stage_find(db, journey, 1, &stage);
    if (rc == CX_ERR_NOT_FOUND)
        rc = orgdata_stage_add(db, journey, 1, IMPORT_JOURNEY, &stage);
    if (rc)
        return rc;
    orgdata_touchpoint_t t = {.stage_id = stage, .name = name};
    rc = orgdata_touchpoint_add(db, &t, id_out);
    if (!rc)
        *created = true;
    return rc;
}

cx_result import_refs_segment_find(db_conn_t *db, const char *name, int64_t *id_out)
{
    return orgdata_segment_find(db, name, id_out);
}

cx_result import_refs_segment_ensure(db_conn_t *db, const char *name, int64_t now,
                                     int64_t *id_out, bool *created)
{
    *created = false;
    cx_result rc = orgdata_segment_find(db, name, id_out);
    if (rc != CX_ERR_NOT_FOUND)
        return rc;
    rc = orgdata_segment_add(db, name, "", NULL, now, id_out);
    if (!rc)
        *created = true;
    return rc;
}

cx_result import_refs_account_find(db_conn_t *db, const char *name, int64_t *id_out)
{
    return find_by_text(db_prepare(db, "SELECT id FROM accounts WHERE name = ? ORDER BY id LIMIT 1"),
                        name, id_out);
}

cx_result import_refs_account_ensure(db_conn_t *db, const char *name, int64_t now,
                                     int64_t *id_out, bool *created)
{
    *created = false;
    cx_result rc = import_refs_account_find(db, name, id_out);
    if (rc != CX_ERR_NOT_FOUND)
        return rc;
    orgdata_account_t a = {.name = name, .created_at = now};
    rc = orgdata_account_add(db, &a, id_out);
    if (!rc)
        *created = true;
    return rc;
}
