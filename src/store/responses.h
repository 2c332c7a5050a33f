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

/* For the store's other listings of response ids (browse.c), so that every
 * listing reads the filter alike: the joins and the conditions of
 * store_response_ids, with the filter in parameters ?2 to ?12 (?1 is left
 * to the caller), ending in the order and the limit ... */
#define STORE_RESPONSE_FILTER_FROM                                                                 \
    " FROM responses r"                                                                            \
    " LEFT JOIN touchpoints t ON t.id = r.touchpoint_id"                                           \
    " LEFT JOIN customers c ON c.id = r.customer_id"                                               \
    " LEFT JOIN segments sg ON sg.id = c.segment_id"
#define STORE_RESPONSE_FILTER_WHERE                                                                \
    " (?2 = 0 OR r.survey_id = ?2) AND (?3 IS NULL OR t.name = ?3)"                                \
    " AND (?4 IS NULL OR r.channel = ?4) AND (?5 IS NULL OR sg.name = ?5)"                         \
    " AND (?6 IS NULL OR c.external_id = ?6)"                                                      \
    " AND (?7 IS NULL OR r.submitted_at >= ?7) AND (?8 IS NULL OR r.submitted_at < ?8)"            \
    " AND (?9 IS NULL OR r.score >= ?9) AND (?10 IS NULL OR r.score <= ?10)"                       \
    " AND r.id < ?11 ORDER BY r.id DESC LIMIT ?12"
/* ... and, for "SELECT r.id" STORE_RESPONSE_FILTER_FROM " WHERE ..."
 * STORE_RESPONSE_FILTER_WHERE prepared by the caller (NULL: CX_ERR_STORE),
 * binds f, steps and collects the ids. */
cx_result store_response_ids_run(db_stmt_t *st, arena_t *arena, const store_response_filter_t *f,
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
