/*
 * privacy.h — the data-protection duties of the store: everything about
 * one customer as one JSON document (the right of access), erasure of one
 * customer (the right to be forgotten) and the retention period after
 * which comment texts are removed.
 *
 * Erasure keeps the statistics: the customer row stays, blanked (no
 * external id, name, e-mail or attributes; erased_at set), and keeps its
 * segment, account, value tier, revenue and dates, so every response
 * still counts in the same segment and account; what a person wrote goes
 * (response comments and free-text answers to NULL, feedback item text,
 * title and external id to empty, case titles, outcomes and notes to
 * empty), invitations are detached. Scores, ratings and choices stay.
 *
 * Every function takes the db_conn_t of a store job (store.h); the write
 * functions belong in one store_write job, so each lands whole or not at
 * all. Texts are cleared with plain UPDATEs so that triggers on those
 * columns (a search index) follow. Must never delete a response: the
 * metrics engine counts them by id.
 */
#ifndef CX_STORE_PRIVACY_H
#define CX_STORE_PRIVACY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/result.h"
#include "store/db.h"

/* The setting (settings table) holding the retention period in days; unset
 * or 0 keeps comment texts forever. */
#define PRIVACY_RETENTION_SETTING "comment_retention_days"
#define PRIVACY_RETENTION_DAYS_MAX 36500

/* Everything stored about the customer: profile with attributes, segment
 * and account; responses with answers and comments; feedback items;
 * invitations (status and times, never the token hash); cases with their
 * notes. *out is a new reference (caller decrefs). CX_ERR_NOT_FOUND for no
 * such customer. */
cx_result privacy_export(db_conn_t *db, int64_t customer_id, int64_t now, json_t **out);

typedef struct privacy_counts {
    int64_t comments;       /* response comments */
    int64_t text_answers;   /* answers to free-text questions */
    int64_t feedback_texts; /* feedback items */
    int64_t case_notes;     /* (erasure only) */
    int64_t invitations;    /* (erasure only) detached */
} privacy_counts_t;

/* Erases the customer (see above). *already is true, and nothing changes,
 * when they were erased before; *erased_at is when. CX_ERR_NOT_FOUND for
 * no such customer. */
cx_result privacy_erase(db_conn_t *db, int64_t customer_id, int64_t now, bool *already,
                        int64_t *erased_at, privacy_counts_t *counts);

/* The retention period: *days 0 when unset. CX_ERR_INVALID when the
 * setting holds something that is not 0..PRIVACY_RETENTION_DAYS_MAX. */
cx_result privacy_retention_days(db_conn_t *db, int *days);
cx_result privacy_retention_set_days(db_conn_t *db, int days);

/* Texts written before `before` (Unix seconds) that retention would
 * remove, and removing them. */
cx_result privacy_retention_count(db_conn_t *db, int64_t before, privacy_counts_t *counts);
cx_result privacy_retention_apply(db_conn_t *db, int64_t before, privacy_counts_t *counts);

/* The same three actions with their line in the audit log (accounts.h),
 * so that every caller (the command line, the API, the server's daily
 * pass) writes the same one; actor and address as store_audit_add takes
 * them (address may be ""). The export's line is "customer_exported"
 * (*out is NULL when it could not be written); the erasure's
 * "customer_erased" with the counts, none when *already; the retention
 * pass's "retention_applied" with the period and the counts, removing
 * what was written more than days days before now, and when nothing was
 * removed only if audit_nothing. */
cx_result privacy_export_audited(db_conn_t *db, int64_t customer_id, int64_t now,
                                 const char *actor, const char *address, json_t **out);
cx_result privacy_erase_audited(db_conn_t *db, int64_t customer_id, int64_t now,
                                const char *actor, const char *address, bool *already,
                                int64_t *erased_at, privacy_counts_t *counts);
cx_result privacy_retention_apply_audited(db_conn_t *db, int64_t now, int days,
                                          const char *actor, bool audit_nothing,
                                          privacy_counts_t *counts);

#endif
