/*
 * browse.h — reading the voice of the customer as people browse it:
 * responses and feedback items together or apart, filtered, searched
 * (full text, search.h), newest first, a page at a time; one response with
 * its answers; one customer with their whole history.
 *
 * Paging is by keyset: a cursor names the last entry shown (its time, kind
 * and id), so a page never shifts when new rows arrive. Entries are ordered
 * by time, then feedback before responses at the same second, then id,
 * all descending.
 *
 * Every function takes the db_conn_t of a store job (store.h); strings
 * handed out live in the caller's arena. Snippets carry the
 * SEARCH_MARK_OPEN/CLOSE markers of search.h around matched words and are
 * otherwise raw text: the caller escapes them.
 */
#ifndef CX_STORE_BROWSE_H
#define CX_STORE_BROWSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/result.h"
#include "store/db.h"
#include "store/responses.h"

typedef enum browse_kind { BROWSE_ALL = 0, BROWSE_RESPONSES, BROWSE_FEEDBACK } browse_kind_t;

/* A position in the list: the entries after it come next. */
typedef struct browse_cursor {
    int64_t at;
    int kind;   /* 0 response, 1 feedback item */
    int64_t id;
} browse_cursor_t;

/* Filters; 0 or NULL leaves one out. A filter that only responses have
 * (survey, score, NPS group) leaves feedback items out, and a source
 * leaves responses out. */
typedef struct browse_filter {
    browse_kind_t kind;
    int64_t survey_id;
    const char *source;      /* feedback source */
    const char *touchpoint;  /* by name */
    const char *channel;
    const char *segment;     /* the customer's, by name */
    const char *customer;    /* the customer's external id */
    int64_t customer_id;
    bool has_from, has_to;
    int64_t from, to;        /* [from, to) */
    bool has_score_min, has_score_max;
    int score_min, score_max;
    bool has_nps_group;
    int nps_group;           /* -1 detractor, 0 passive, 1 promoter */
    const char *match;       /* an FTS5 query from search_match_query */
    bool has_cursor;
    browse_cursor_t cursor;
    int limit;               /* 1..1000; 0 = 50 */
} browse_filter_t;

typedef struct browse_entry {
    int kind;                /* 0 response, 1 feedback item */
    int64_t id;
    int64_t at;
    int64_t customer_id;     /* 0 anonymous */
    const char *customer_name;
    const char *customer_external_id;
    const char *touchpoint;  /* "" when none */
    int64_t survey_id;       /* responses */
    const char *survey;      /* responses: the survey's name */
    const char *source;      /* feedback items */
    const char *channel;
    const char *language;
    bool has_score;          /* responses */
    int score;
    bool has_nps_group;
    int nps_group;
    bool has_rating;         /* feedback items */
    double rating;
    const char *title;       /* feedback items; "" for responses */
    const char *text;        /* the comment (NULL when none) or the item's text */
    const char *snippet;     /* with markers when searched; NULL otherwise */
} browse_entry_t;

/* A page of entries; *more says whether another page follows (its cursor
 * is the last entry's). */
cx_result browse_list(db_conn_t *db, arena_t *arena, const browse_filter_t *f,
                      browse_entry_t **out, size_t *count, bool *more);

/* store_response_ids (responses.h) with a full-text match on the comment:
 * newest id first, before_id paging. */
cx_result browse_response_ids_matching(db_conn_t *db, arena_t *arena,
                                       const store_response_filter_t *f, const char *match,
                                       int64_t **ids, size_t *count);

/* One entry by kind and id; CX_ERR_NOT_FOUND when there is none. */
cx_result browse_entry_get(db_conn_t *db, arena_t *arena, int kind, int64_t id,
                           browse_entry_t *out);

typedef struct browse_answer {
    const char *key;
    const char *kind;        /* the question's kind */
    const char *label_json;  /* labels by language, JSON object text */
    bool has_number;
    double number;
    const char *text;        /* NULL for numbers */
} browse_answer_t;
/* The answers of a response in question order. */
cx_result browse_answers(db_conn_t *db, arena_t *arena, int64_t response_id,
                         browse_answer_t **out, size_t *count);

typedef struct browse_customer {
    int64_t id;
    const char *external_id; /* "" when none */
    const char *name;
    const char *email;
    const char *language;
    const char *segment;     /* "" when none */
    const char *account;     /* "" when none */
    const char *value_tier;
    double revenue, cost_to_serve;
    int64_t joined_at, churned_at, erased_at; /* 0 when not */
    int64_t responses, feedback_items;
} browse_customer_t;
cx_result browse_customer_get(db_conn_t *db, arena_t *arena, int64_t id, browse_customer_t *out);
/* Customers whose name or external id contains text (ignoring case and
 * diacritics, as search_fold does; NULL or "" for all), by id, the page
 * after after_id. */
cx_result browse_customers(db_conn_t *db, arena_t *arena, const char *text, int64_t after_id,
                           int limit, browse_customer_t **out, size_t *count);

/* How many response comments match: through the full-text index (match
 * from search_match_query), or by a plain LIKE pattern scan of every
 * comment. For the benchmark (bench/search) and diagnostics. */
cx_result browse_count_matching(db_conn_t *db, const char *match, int64_t *n);
cx_result browse_count_like(db_conn_t *db, const char *pattern, int64_t *n);

/* The text form of a cursor ("AT.KIND.ID") and back; false for text that
 * is not one. */
const char *browse_cursor_format(arena_t *arena, const browse_cursor_t *c);
bool browse_cursor_parse(const char *text, browse_cursor_t *out);

#endif
