/*
 * surveys.h — surveys and their questions: creating one with its standard
 * questions (command line, editor), listing them, reading one with its
 * full questions by id or slug, and writing a whole definition (the API
 * and the editor), checked field by field, with answers protected.
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

#include <jansson.h>

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
    /* the rest of the definition */
    int position;
    const char *label;   /* JSON object language -> text */
    const char *choices; /* JSON array [{"value": "v", "label": {...}}] */
    const char *logic;   /* JSON object, {"label_by_group": {...}} or {} */
    bool scale_inverted; /* lower is better */
    bool required;
    const char *driver_attribute; /* "" none */
    int64_t answers;     /* how many answers it has */
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
    const char *thank_you;       /* JSON object language -> text */
    const char *allowed_origins; /* space separated origins, "" none */
    const char *title;           /* JSON object language -> text; {} = the name */
    const char *intro;           /* JSON object language -> text */
    int64_t created_at;
    int64_t responses;     /* how many responses it has */
    surveys_question_t *questions; /* in position order (surveys_get only) */
    size_t question_count;
} surveys_info_t;

/* One survey with its questions; CX_ERR_NOT_FOUND when there is none. */
cx_result surveys_get(db_conn_t *db, arena_t *arena, int64_t id, surveys_info_t *out);
cx_result surveys_get_by_slug(db_conn_t *db, arena_t *arena, const char *slug,
                              surveys_info_t *out);
/* The survey a user named on the command line: ref is its id (a decimal
 * number from 1 to INT32_MAX) or else its slug. */
cx_result surveys_get_by_ref(db_conn_t *db, arena_t *arena, const char *ref,
                             surveys_info_t *out);

/* The same without counting the survey's responses (responses is -1)
 * or its questions' answers (each question's answers is -1):
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

/* ---- whole definitions (API and editor) ----------------------------------
 *
 * A definition is the JSON object of docs/api.md:
 *   {"name", "kind", "slug"?, "touchpoint_id"?, "channel"?, "languages"?,
 *    "open"?, "thank_you"?, "allowed_origins"?, "title"?, "intro"?,
 *    "questions": [...]}
 * with each question {"key", "kind", "label", "choices"?, "main"?,
 * "scale_inverted"?, "driver_attribute"?, "required"?, "logic"?}.
 * What surveys_to_json writes is accepted back: its read-only members (id,
 * responses, answers ...) are ignored.
 */

typedef enum surveys_problem_code {
    SURVEYS_P_NONE,
    SURVEYS_P_REQUIRED,   /* missing */
    SURVEYS_P_TYPE,       /* wrong JSON type */
    SURVEYS_P_TOO_LONG,
    SURVEYS_P_UNKNOWN,    /* not a known field */
    SURVEYS_P_KIND,       /* not a survey / question kind */
    SURVEYS_P_KEY,        /* key format */
    SURVEYS_P_KEY_TAKEN,  /* two questions with one key */
    SURVEYS_P_LANGUAGE,   /* not pl, en, ro */
    SURVEYS_P_LABEL,      /* a label without any text */
    SURVEYS_P_CHOICES,    /* choices missing, empty or repeated */
    SURVEYS_P_MAIN,       /* the main-question rule */
    SURVEYS_P_NOT_HERE,   /* a setting that does not apply to this kind */
    SURVEYS_P_ORIGIN,     /* not an origin like https://shop.example.com */
    SURVEYS_P_SLUG,       /* slug format */
    SURVEYS_P_SLUG_TAKEN,
    SURVEYS_P_TOUCHPOINT, /* names no touchpoint */
    SURVEYS_P_ANSWERED,   /* the change would lose or reinterpret answers */
    SURVEYS_P_COUNT
} surveys_problem_code_t;

/* Why a definition was refused: the field ("questions[2].label.en",
 * questions counted from 0) and an English message for the API. */
typedef struct surveys_problem {
    surveys_problem_code_t code;
    char field[128];
    const char *message; /* static */
} surveys_problem_t;

/* Checks a definition without the database; false with *p filled at the
 * first problem found. */
bool surveys_check(const json_t *def, surveys_problem_t *p);

/*
 * Writes a definition checked by surveys_check. id 0 creates a survey
 * (slug from "slug" or the name, made unique); otherwise it replaces the
 * survey's fields and questions: questions are matched by key and keep
 * their ids, new keys are added, missing ones deleted, the array order is
 * the new order; a survey without "slug" keeps its own. Refusals fill *p:
 * CX_ERR_INVALID (a touchpoint that does not exist), CX_ERR_CONFLICT (slug
 * taken; deleting or changing the kind of a question that has answers;
 * changing the kind of a survey that has responses). CX_ERR_NOT_FOUND for
 * no survey id. The caller's job rolls back on any failure.
 */
cx_result surveys_put(db_conn_t *db, int64_t id, const json_t *def, int64_t now, int64_t *id_out,
                      surveys_problem_t *p);

/* The definition of a survey read by surveys_get, with the read-only
 * members (id, slug, responses, public_url, missing_translations, question
 * ids and answer counts). Caller owns the reference; NULL when out of
 * memory. */
json_t *surveys_to_json(const surveys_info_t *s);

/* The fields of a survey whose text lacks a language of the survey
 * ("questions[1].label.ro", "thank_you.en", "title.ro"), appended to list. */
void surveys_missing_translations(const surveys_info_t *s, json_t *list);

/* Deletes a survey; CX_ERR_CONFLICT (p filled) when it has responses. */
cx_result surveys_delete(db_conn_t *db, int64_t id, surveys_problem_t *p);

/* Opens or closes a survey; CX_ERR_NOT_FOUND when there is none. */
cx_result surveys_set_open(db_conn_t *db, int64_t id, bool open);

/* Sets a question's logic (JSON text, the contract of docs/api.md). */
cx_result surveys_question_set_logic(db_conn_t *db, int64_t question_id, const char *logic);

/* The touchpoints a survey can measure, by name. */
typedef struct surveys_touchpoint {
    int64_t id;
    const char *name;
    const char *channel;
} surveys_touchpoint_t;
cx_result surveys_touchpoints(db_conn_t *db, arena_t *arena, surveys_touchpoint_t **out,
                              size_t *count);

/* True when a origin list (comma or space separated) holds only origins
 * like https://shop.example.com or http://localhost:8080. */
bool surveys_origins_valid(const char *list);

#endif
