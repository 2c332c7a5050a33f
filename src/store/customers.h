/*
 * customers.h — customer records one at a time: upsert by external id,
 * read by id or external id, list with filters a page at a time, delete.
 *
 * Bulk loading lives in orgdata.h and import_refs.h; this module serves
 * the API and the CLI, which change one record (or one small batch in one
 * transaction) and need to say what they did. Every function takes the
 * db_conn_t of a store job (store.h). Strings of a store_customer_t read
 * back are allocated in the caller's arena. Must never delete a customer
 * who has responses or feedback (that is erasure's job, privacy.h).
 */
#ifndef CX_STORE_CUSTOMERS_H
#define CX_STORE_CUSTOMERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/result.h"
#include "store/db.h"

typedef struct store_customer {
    int64_t id;
    const char *external_id; /* NULL once erased */
    const char *name, *email, *language, *value_tier;
    const char *attributes;  /* JSON object text */
    int64_t segment_id;      /* 0: none */
    const char *segment;     /* its name, NULL when none */
    int64_t account_id;      /* 0: none */
    const char *account;     /* its name, NULL when none */
    const char *account_external_id; /* NULL when none */
    double revenue, cost_to_serve;
    int64_t joined_at, churned_at, erased_at, created_at; /* 0: not set */
} store_customer_t;

/* One upsert. A field whose has_ flag is false keeps the stored value (a
 * new customer gets the default); a set string field of NULL clears it
 * ("" for text, none for segment and account); a set time of 0 clears it. */
typedef struct customers_upsert {
    const char *external_id; /* required */
    bool has_name, has_email, has_language, has_value_tier, has_attributes;
    const char *name, *email, *language, *value_tier, *attributes;
    bool has_segment, has_account;
    const char *segment; /* by name; created (an explicit list) when missing */
    const char *account; /* by external id, else by name; created when missing */
    bool has_revenue, has_cost_to_serve, has_joined_at, has_churned_at;
    double revenue, cost_to_serve;
    int64_t joined_at, churned_at;
} customers_upsert_t;

typedef struct customers_upsert_result {
    int64_t id;
    bool created;          /* a new customer */
    bool segment_created;  /* the segment named did not exist */
    bool account_created;  /* nor the account */
} customers_upsert_result_t;

/* Creates or updates the customer with u->external_id. */
cx_result customers_upsert(db_conn_t *db, const customers_upsert_t *u, int64_t now,
                           customers_upsert_result_t *out);

/* The same, for the customer with this id; u->external_id NULL keeps it,
 * else renames it (CX_ERR_CONFLICT when another customer has it).
 * CX_ERR_NOT_FOUND for no such customer, CX_ERR_CONFLICT for an erased
 * one (erasure is final). */
cx_result customers_update_by_id(db_conn_t *db, int64_t id, const customers_upsert_t *u,
                                 int64_t now, customers_upsert_result_t *out);

cx_result customers_get(db_conn_t *db, arena_t *arena, int64_t id, store_customer_t *out);
/* The id of the customer with this external id, CX_ERR_NOT_FOUND when none. */
cx_result customers_find_external(db_conn_t *db, const char *external_id, int64_t *id_out);

typedef struct customers_filter {
    const char *segment;  /* segment name, NULL for any */
    const char *account;  /* account external id or name, NULL for any */
    int churned;          /* -1 any, 0 not churned, 1 churned */
    const char *q;        /* part of name, external id or e-mail (ASCII case
                             ignored), NULL for any */
    int64_t after_id;     /* cursor: ids above this */
    int limit;
} customers_filter_t;

/* In id order; *out in the arena. */
cx_result customers_list(db_conn_t *db, arena_t *arena, const customers_filter_t *f,
                         store_customer_t **out, size_t *count);

/* Deletes a customer without history. CX_ERR_NOT_FOUND, or
 * CX_ERR_CONFLICT when responses or feedback items name them. */
cx_result customers_delete(db_conn_t *db, int64_t id);

/* Responses and feedback items of the customer (what blocks a delete). */
cx_result customers_history_count(db_conn_t *db, int64_t id, int64_t *responses,
                                  int64_t *feedback_items);

#endif
