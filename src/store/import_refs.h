/*
 * import_refs.h — what an import (or the responses API) looks up or
 * creates by name while it loads rows: customers by external id,
 * touchpoints, segments and accounts by name, and the partial update of a
 * customer a re-import makes.
 *
 * Every function takes the db_conn_t of a store job (store.h); SQL lives
 * in import_refs.c only. Strings are bound (copied) during the call.
 * Lookups return CX_ERR_NOT_FOUND when the thing does not exist, so a dry
 * run can use them on a read-only connection.
 */
#ifndef CX_STORE_IMPORT_REFS_H
#define CX_STORE_IMPORT_REFS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/result.h"
#include "store/db.h"

cx_result import_refs_customer_find(db_conn_t *db, const char *external_id, int64_t *id_out);
/* A customer known only by its external id (a response or feedback item
 * names someone the customer list has not brought in yet). */
cx_result import_refs_customer_add(db_conn_t *db, const char *external_id, int64_t created_at,
                                   int64_t *id_out);
cx_result import_refs_customer_set_segment(db_conn_t *db, int64_t customer_id,
                                           int64_t segment_id);

/* The fields a customer import sets; NULL strings, 0 ids and times and
 * has_* false leave the stored value as it is. */
typedef struct import_refs_customer_update {
    int64_t id;
    const char *name, *email, *language, *value_tier, *attributes;
    int64_t segment_id, account_id, joined_at, churned_at;
    bool has_revenue, has_cost_to_serve;
    double revenue, cost_to_serve;
} import_refs_customer_update_t;

cx_result import_refs_customer_update(db_conn_t *db, const import_refs_customer_update_t *u);

/* Touchpoints named by an import but not yet on the journey are created
 * in the journey "Import" (stage 1, "Import"), where the journey editor
 * can move them. *created says whether it was made now. */
cx_result import_refs_touchpoint_find(db_conn_t *db, const char *name, int64_t *id_out);
cx_result import_refs_touchpoint_ensure(db_conn_t *db, const char *name, int64_t *id_out,
                                        bool *created);

cx_result import_refs_segment_find(db_conn_t *db, const char *name, int64_t *id_out);
/* An explicit-list segment (no rule) when it does not exist. */
cx_result import_refs_segment_ensure(db_conn_t *db, const char *name, int64_t now,
                                     int64_t *id_out, bool *created);

cx_result import_refs_account_find(db_conn_t *db, const char *name, int64_t *id_out);
cx_result import_refs_account_ensure(db_conn_t *db, const char *name, int64_t now,
                                     int64_t *id_out, bool *created);

#endif
