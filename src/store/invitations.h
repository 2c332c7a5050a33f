/*
 * invitations.h — survey invitations by e-mail: who is invited to which
 * survey, and where each invitation stands (queued, sent, failed with the
 * reason, answered).
 *
 * The invitation token is a bearer secret: only its hash is stored
 * (core/secret.h). The token itself exists only in the e-mail, so it is
 * made when the invitation is claimed for sending, not when it is created:
 * invitations_claim puts a fresh token's hash in the row and hands the
 * token to the sender. A reminder carries a fresh token too (the first
 * one cannot be recovered), so after a reminder only the newest link
 * opens the survey.
 *
 * Every function takes the db_conn_t of a store job (store.h); writes
 * belong in store_write jobs. SQL lives in invitations.c only. Strings
 * handed out live in the caller's arena. Must never store a token.
 */
#ifndef CX_STORE_INVITATIONS_H
#define CX_STORE_INVITATIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/result.h"
#include "core/secret.h"
#include "store/db.h"

#define INVITATIONS_RECENT_DAYS 30   /* default: not invited again within */
#define INVITATIONS_MAX_ATTEMPTS 3   /* transient failures before 'failed' */
#define INVITATIONS_CLAIM_STALE 600  /* seconds before a claim may be taken over */

typedef enum invitations_audience {
    INVITATIONS_ALL,       /* every customer */
    INVITATIONS_SEGMENT,   /* customers of one segment (by segment or list) */
    INVITATIONS_CUSTOMERS, /* a list of external ids */
} invitations_audience_t;

typedef struct invitations_request {
    int64_t survey_id;
    invitations_audience_t audience;
    const char *segment;               /* INVITATIONS_SEGMENT: its name */
    const char *const *external_ids;   /* INVITATIONS_CUSTOMERS */
    size_t external_count;
    int recent_days;                   /* skip those invited within; 0 = none */
    bool dry_run;                      /* count only, write nothing */
    int64_t now;
} invitations_request_t;

typedef struct invitations_summary {
    int64_t matched;         /* customers the audience named */
    int64_t created;         /* invitations queued (or that would be) */
    int64_t skipped_erased;  /* personal data erased */
    int64_t skipped_no_email;
    int64_t skipped_recent;  /* invited to this survey within recent_days */
    int64_t unknown_ids;     /* external ids with no customer */
} invitations_summary_t;

/* Queues one invitation per eligible customer. CX_ERR_NOT_FOUND for an
 * unknown survey or segment (which one: *what is "survey" or "segment"),
 * CX_ERR_INVALID for a closed survey. */
cx_result invitations_create(db_conn_t *db, const invitations_request_t *r,
                             invitations_summary_t *out, const char **what);

/* ---- where they stand ---- */

typedef struct invitations_counts {
    int64_t queued, sent, failed, answered, total;
    int64_t reminded; /* of those, how many got a reminder */
} invitations_counts_t;

typedef struct invitations_row {
    int64_t id;
    int64_t customer_id;
    const char *customer_external_id;
    const char *customer_name;
    const char *email;
    const char *status;
    const char *status_detail;
    int attempts;
    int64_t created_at, sent_at, reminded_at, answered_at; /* 0 = not yet */
} invitations_row_t;

/* survey_id 0 counts every survey. */
cx_result invitations_count(db_conn_t *db, int64_t survey_id, invitations_counts_t *out);
/* The newest first, at most limit. */
cx_result invitations_list(db_conn_t *db, arena_t *arena, int64_t survey_id, int limit,
                           invitations_row_t **out, size_t *count);

/* Names of every segment, in name order (for the page's audience list). */
cx_result invitations_segment_names(db_conn_t *db, arena_t *arena, const char ***out,
                                    size_t *count);

/* ---- sending ---- */

typedef struct invitations_outgoing {
    int64_t id;
    int64_t survey_id;
    const char *email;
    const char *name;             /* the customer's, may be "" */
    const char *language;         /* the customer's */
    const char *survey_slug;
    const char *survey_name;      /* the team's own name for it */
    const char *survey_title;     /* JSON {lang: text} for respondents, "{}" none */
    const char *survey_languages; /* comma list */
    int attempts;
    char token[SECRET_TOKEN_LEN + 1];
} invitations_outgoing_t;

/*
 * Claims up to limit invitations to send now and gives each a fresh token
 * (its hash replaces the row's). Without reminder: queued ones of open
 * surveys, oldest first. With reminder: sent ones, unanswered, sent at or
 * before remind_before, never reminded. Rows claimed by another sender in
 * the last INVITATIONS_CLAIM_STALE seconds are left alone. Customers erased
 * or without e-mail are never claimed.
 */
cx_result invitations_claim(db_conn_t *db, arena_t *arena, bool reminder, int64_t remind_before,
                            int limit, int64_t now, invitations_outgoing_t **out, size_t *count);

/* The message went out: status sent (or reminded_at set), claim released. */
cx_result invitations_mark_sent(db_conn_t *db, int64_t id, bool reminder, int64_t now);

/* The message did not go out; reason is the SMTP server's answer. A
 * transient failure (permanent false) of an invitation goes back to the
 * queue, to be claimed again after INVITATIONS_CLAIM_STALE seconds, until
 * INVITATIONS_MAX_ATTEMPTS, then fails; a permanent one fails at once. A failed reminder leaves the invitation sent, with the reason
 * in status_detail; only a permanent one stops further reminders. */
cx_result invitations_mark_failed(db_conn_t *db, int64_t id, bool reminder, bool permanent,
                                  const char *reason, int64_t now);

/* Gives a claimed invitation back to the queue (or, for a reminder, back
 * to the reminder list) without counting an attempt: the server, not the
 * recipient, was the trouble. reason goes to status_detail. */
cx_result invitations_release(db_conn_t *db, int64_t id, const char *reason);

/* Invitation id was answered: status answered with answered_at, unless it
 * was already (the first answer counts). The public survey page calls it
 * with the first saved answer. */
cx_result invitations_set_answered(db_conn_t *db, int64_t id, int64_t now);

/* The same for the invitation whose token hashes to token_hash;
 * CX_ERR_NOT_FOUND for an unknown hash. */
cx_result invitations_mark_answered(db_conn_t *db, const char *token_hash, int64_t now,
                                    int64_t *id_out);

#endif
