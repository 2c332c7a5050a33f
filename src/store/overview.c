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
