/*
 * surveys.h — surveys as the command line and imports see them: creating
 * one with its standard questions, listing them, and reading one with its
 * questions by id or slug.
 *
 * Every function takes the db_conn_t of a store job (store.h); SQL lives
 * in surveys.c only. Strings handed in are bound (copied) during the call.
 * Strings handed out are allocated in the caller's arena and valid until
 * the arena is freed.
 */
#ifndef CX_STORE_SURVEYS_H
#define CX_STORE_SURVEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/result.h"
#include "store/db.h"

/* The survey kinds the schema accepts. */
bool surveys_kind_valid(const char *kind);

typedef struct surveys_new {
    const char *kind;      /* nps, csat, ces, enps, custom */
    const char *name;
    int64_t touchpoint_id; /* 0 none */
    const char *channel;   /* NULL or "" none */
    const char *languages; /* comma list of pl, en, ro; NULL = "pl" */
    int64_t created_at;
} surveys_new_t;

/*
 * Creates a survey: a unique slug from the name (the first free of SLUG,
 * SLUG-2, SLUG-3, ...), the main question of its kind (nps/enps: score
 * 0-10 keyed nps/enps; csat: rating 1-5 keyed csat; ces: effort 1-7 keyed
 * ces; custom: none) and a text question "komentarz", with labels in
 * Polish, English and Romanian. The slug chosen is appended to slug_out
 * when it is not NULL.
 */
cx_result surveys_create(db_conn_t *db, const surveys_new_t *s, int64_t *id_out, buf_t *slug_out);

typedef struct surveys_question {
    int64_t id;
    const char *key;
    const char *kind; /* score, rating, effort, single, multi, text */
    bool is_main;
} surveys_question_t;

typedef struct surveys_info {
    int64_t id;
    const char *slug;
    const char *kind;
    const char *name;
    int64_t touchpoint_id; /* 0 none */
    const char *touchpoint;/* "" none */
    const char *channel;
    const char *languages;
    bool open;
    int64_t created_at;
    int64_t responses;     /* how many responses it has */
    surveys_question_t *questions; /* in position order (surveys_get only) */
    size_t question_count;
} surveys_info_t;

/* One survey with its questions; CX_ERR_NOT_FOUND when there is none. */
cx_result surveys_get(db_conn_t *db, arena_t *arena, int64_t id, surveys_info_t *out);
cx_result surveys_get_by_slug(db_conn_t *db, arena_t *arena, const char *slug,
                              surveys_info_t *out);

/* The same without counting the survey's responses (responses is -1):
 * for the write path, which looks a survey up per request and must not
 * pay for a count that grows with the survey. slug NULL: by id. */
cx_result surveys_get_for_write(db_conn_t *db, arena_t *arena, int64_t id, const char *slug,
                                surveys_info_t *out);

/* Every survey in id order, without questions. */
cx_result surveys_list(db_conn_t *db, arena_t *arena, surveys_info_t **out, size_t *count);

/* The question of a survey with that key, or NULL. */
const surveys_question_t *surveys_question(const surveys_info_t *s, const char *key);
/* The main question, or NULL (custom surveys). */
const surveys_question_t *surveys_main_question(const surveys_info_t *s);

#endif
