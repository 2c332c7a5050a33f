/*
 * overview.c — counts for the dashboard (see overview.h).
 *
 * Plain count(*) queries on indexed or small tables; each is a string
 * literal prepared once per connection (db.h).
 */
#include "store/overview.h"

static cx_result count_into(db_stmt_t *st, int64_t *out)
{
    if (!st)
        return CX_ERR_STORE;
    cx_result rc = db_query_int(st, out);
    return rc == CX_ERR_NOT_FOUND ? CX_ERR_STORE : rc;
}

cx_result store_overview_counts(db_conn_t *db, store_overview_counts_t *out)
{
    cx_result rc;
    if ((rc = count_into(db_prepare(db, "SELECT count(*) FROM responses"), &out->responses)))
        return rc;
    if ((rc = count_into(db_prepare(db, "SELECT count(*) FROM customers WHERE erased_at IS NULL"),
                         &out->customers)))
        return rc;
    if ((rc = count_into(db_prepare(db, "SELECT count(*) FROM surveys"), &out->surveys)))
        return rc;
    if ((rc = count_into(db_prepare(db, "SELECT count(*) FROM feedback_items"),
                         &out->feedback_items)))
        return rc;
    if ((rc = count_into(db_prepare(db, "SELECT count(*) FROM users WHERE disabled = 0"),
                         &out->users)))
        return rc;
    return count_into(db_prepare(db, "SELECT count(*) FROM touchpoints"), &out->touchpoints);
}

cx_result store_overview_ping(db_conn_t *db)
{
    int64_t one = 0;
    return count_into(db_prepare(db, "SELECT 1"), &one);
}

cx_result store_overview_target(db_conn_t *db, const char *metric, int64_t now,
                                store_target_t *out)
{
    db_stmt_t *st = db_prepare(db, "SELECT value, due_date FROM targets"
                                   " WHERE metric = ? AND scope = 'whole'"
                                   " ORDER BY due_date < ?,"
                                   " CASE WHEN due_date >= ? THEN due_date ELSE -due_date END"
                                   " LIMIT 1");
    if (!st)
        return CX_ERR_STORE;
    db_bind_text(st, 1, metric);
    db_bind_int(st, 2, now);
    db_bind_int(st, 3, now);
    db_step_result r = db_step(st);
    out->found = r == DB_ROW;
    if (out->found) {
        out->value = db_column_double(st, 0);
        out->due = db_column_int(st, 1);
    }
    db_done(st);
    return r == DB_ROW || r == DB_DONE ? CX_OK : CX_ERR_STORE;
}
