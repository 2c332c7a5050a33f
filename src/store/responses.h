/*
 * responses.h — survey responses one at a time, as the API takes and
 * shows them (bulk loading is orgdata.h's, which store_responses_add_many
 * uses for many at once): a response with its answers,
 * the customer and touchpoint it names, and the idempotency keys that make
 * API retries safe.
 *
 * Every function takes the db_conn_t of a store job (store.h). Strings
 * handed in are bound during the call; strings handed out live in the
 * caller's arena.
 */
#ifndef CX_STORE_RESPONSES_H
#define CX_STORE_RESPONSES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/result.h"
#include "store/db.h"

typedef struct store_answer {
    int64_t question_id;
    const char *key;       /* out only: the question's key */
    bool has_number;
    double number;
    const char *text;      /* NULL for numbers */
} store_answer_t;

typedef struct store_response {
    int64_t id;
    int64_t survey_id;
    int64_t customer_id;   /* 0 anonymous */
    int64_t touchpoint_id; /* 0 none */
    const char *channel;
    const char *language;
    int64_t submitted_at;
    bool has_score;        /* false: the main question was skipped */
    int score;
    int nps_group;         /* -1, 0, 1; only for NPS and eNPS surveys */
    bool has_nps_group;
    const char *comment;   /* NULL when none */
    int64_t created_at;
    size_t nanswers;
    store_answer_t *answers;
    bool incomplete;       /* out only: a survey page's first step, not finished */
} store_response_t;

/* Inserts a response and its answers; *id_out gets its id. */
cx_result store_response_add(db_conn_t *db, const store_response_t *r, int64_t *id_out);
/* Inserts n responses with their answers, all or none (the caller's job
 * rolls back on an error), through orgdata.h's bulk inserts: several rows
 * per statement, no RETURNING. ids[i] gets rows[i]'s id. The ids follow
 * the largest ever used (AUTOINCREMENT's sequence as well as the rows),
 * so none is ever reused and readers that follow ids see them in order. */
cx_result store_responses_add_many(db_conn_t *db, const store_response_t *rows, size_t n,
                                   int64_t *ids);
/* A page of response ids, newest first, matching every filter that is set
 * (0 or NULL leaves one out); before_id 0 starts at the newest. */
typedef struct store_response_filter {
    int64_t survey_id;
    const char *touchpoint;  /* by name */
    const char *channel;
    const char *segment;     /* the customer's, by name */
    const char *customer;    /* the customer's external id */
    bool has_from, has_to;
    int64_t from, to;        /* submitted_at in [from, to) */
    bool has_score_min, has_score_max;
    int score_min, score_max;
    int64_t before_id;
    int limit;
} store_response_filter_t;
cx_result store_response_ids(db_conn_t *db, arena_t *arena, const store_response_filter_t *f,
                             int64_t **ids, size_t *count);

/* Deletes a response with its answers (cases keep their history and lose
 * the link); CX_ERR_NOT_FOUND when there is none. */
cx_result store_response_delete(db_conn_t *db, int64_t id);
/* A response with its answers; CX_ERR_NOT_FOUND when there is none. */
cx_result store_response_get(db_conn_t *db, arena_t *arena, int64_t id, store_response_t *out);

/* The declared choices of a question as JSON text ("[]" when none). */
cx_result store_question_choices(db_conn_t *db, arena_t *arena, int64_t question_id,
                                 const char **json);

/* A stored answer to an API request made with an Idempotency-Key:
 * CX_ERR_NOT_FOUND when the key is new. */
typedef struct store_idempotent {
    const char *actor;
    const char *fingerprint;
    int status;
    const char *body;
} store_idempotent_t;
cx_result store_idempotency_get(db_conn_t *db, arena_t *arena, const char *key,
                                store_idempotent_t *out);
cx_result store_idempotency_put(db_conn_t *db, const char *key, const store_idempotent_t *in,
                                int64_t now);
/* Forgets keys older than `before` (they are kept for a day). */
cx_result store_idempotency_purge(db_conn_t *db, int64_t before);

#endif
