/*
 * api_common.h — what the JSON API endpoints share beyond http.h: the
 * Idempotency-Key protocol of the write endpoints, the request body of the
 * endpoints that take one object or many as NDJSON, and the parameters of
 * the paged lists.
 *
 * Idempotency-Key: api_idempotency_read before the write (checks the header
 * and fingerprints the request), api_idempotency_check first thing inside
 * the write job, api_idempotency_save last thing inside it (same
 * transaction as the change), api_idempotency_answer when answering. A key
 * stands for one actor's one request: the same key with another body (or
 * another actor) is a 409, never a second write.
 *
 * NDJSON: api_lines_parse splits the body into objects, a bad line is
 * collected (api_lines_error) rather than answered at once, so one 400
 * (api_lines_fail) names every bad line and nothing of the request is
 * stored.
 *
 * Relies on jansson, store/responses.h (the idempotency table) and
 * core/secret.h (the fingerprint hash). Must never answer 2xx itself: the
 * caller answers once store_write returned CX_OK.
 */
#ifndef CX_WEB_API_COMMON_H
#define CX_WEB_API_COMMON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/secret.h"
#include "store/db.h"
#include "web/http.h"
#include "web/json_arena.h"

/* ---- Idempotency-Key ---- */

typedef struct api_idempotency {
    const char *key; /* NULL: the request has none, the helpers do nothing */
    char fingerprint[SECRET_HASH_HEX_LEN + 1];
    int replay_status;       /* out of check: >0 when an earlier request answered */
    const char *replay_body; /* its answer (in the request's arena) */
    bool conflict;           /* out of check: the key was used for another request */
} api_idempotency_t;

/* Reads the Idempotency-Key header into *k: absent leaves k->key NULL; one
 * of 1 to 200 characters is kept with the fingerprint of what (the method
 * and target as the endpoint spells them; NULL or "" for none) followed by
 * the body. A bad key is answered as the API's field-level 400. */
cx_result api_idempotency_read(http_request_t *req, const char *what, api_idempotency_t *k);

/* First thing inside the write job. CX_OK with k->replay_status > 0 when
 * the same actor sent the same request with this key before: the job must
 * stop and change nothing. CX_ERR_CONFLICT (k->conflict) when the key
 * belongs to another request. CX_OK otherwise. */
cx_result api_idempotency_check(db_conn_t *db, http_request_t *req, api_idempotency_t *k);

/* Last thing inside the write job: keeps status and doc (not taken; NULL
 * is CX_ERR_NOMEM) as the key's answer. CX_OK without a key. */
cx_result api_idempotency_save(db_conn_t *db, http_request_t *req, const api_idempotency_t *k,
                               int status, const json_t *doc);

/* After the write returned *rc: true when the answer is the key's — the
 * 409 of a reused key, or the earlier answer again with the header
 * Idempotent-Replayed — with *rc what the handler returns. */
bool api_idempotency_answer(http_request_t *req, http_response_t *res,
                            const api_idempotency_t *k, cx_result *rc);

/* ---- one JSON object, or many as NDJSON ---- */

#define API_LINES_MAX 10000     /* objects in one request */
#define API_LINES_ERRORS_MAX 100 /* errors listed in one answer */

typedef struct api_lines {
    json_t **objects; /* the parsed objects (owned: api_lines_free); read
                       * only: they may live in `values` (json_arena.h) */
    size_t *lines;    /* their line numbers (1 for a single object) */
    size_t count;
    size_t capacity;
    json_t *errors;   /* [{"line", "field", "message"}], the first ERRORS_MAX */
    size_t nerrors;   /* every error, listed or not */
    json_arena_t values; /* where the objects were built, when in_arena */
    bool in_arena;
} api_lines_t;

/* An empty list; CX_ERR_NOMEM when out of memory (free it anyway). */
cx_result api_lines_init(api_lines_t *l);
void api_lines_free(api_lines_t *l);

/* Notes a bad line; field may be NULL (the line as a whole). The strings
 * are copied. */
void api_lines_error(api_lines_t *l, size_t line, const char *field, const char *message);

/* Splits the body into objects: one JSON object, or (bulk) NDJSON, one
 * object a line, blank lines allowed. A line that is not a JSON object is
 * noted as an error; a body that is empty, not an object (single), holds
 * none or more than API_LINES_MAX is answered as a 400/413. one and many
 * name the objects in those messages ("customer", "customers"). */
cx_result api_lines_parse(http_request_t *req, api_lines_t *l, bool bulk, const char *one,
                          const char *many);

/* The 400 of a request with errors: single, the first error as a
 * field-level error ("FIELD MESSAGE"); otherwise every listed error in line
 * order with their count, saying nothing was stored. */
cx_result api_lines_fail(http_request_t *req, http_response_t *res, api_lines_t *l,
                         bool single);

/* ---- paged lists ---- */

/* CX_OK when every query parameter is one of known; else the 400 naming
 * the first that is not. */
cx_result api_query_known(http_request_t *req, const char *const *known, size_t n);

/* ?limit= from 1 to max into *limit (left alone when absent); else the
 * 400 naming limit. */
cx_result api_query_limit(http_request_t *req, int max, int *limit);

/* ?cursor= as the positive row id an id-paged list gave into *id (left
 * alone when absent); else the 400 naming cursor. */
cx_result api_query_id_cursor(http_request_t *req, int64_t *id);

/* Sets doc's "next_cursor": cursor, or null when NULL (the last page). */
void api_next_cursor(json_t *doc, const char *cursor);

/* For a list searched with q: doc's "search_complete", false while ids a
 * bulk load wrote still wait for the search index (search.h). */
void api_search_complete(json_t *doc, bool searched, int64_t unindexed);

/* The same for an id-paged list: the last row's id when the page is full
 * (count == limit, count > 0), else null. */
void api_next_id_cursor(json_t *doc, size_t count, int limit, int64_t last_id);

#endif
