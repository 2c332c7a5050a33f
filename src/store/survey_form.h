/*
 * survey_form.h — what the public survey page and the website widget need
 * from the store: a survey by its slug with everything needed to render
 * its questions, an invitation by its token, and a response written in two
 * steps (the first answer at once, as a partial response, then the rest).
 *
 * It relies on db.h and on responses.h's store_response_add for the first
 * write, so a response made here looks like any other. It must never hand
 * out a token in clear or find a response by anything a stranger could
 * guess: the second step is found by the hash of a random resume token.
 *
 * Every function takes the db_conn_t of a store job (store.h). Strings
 * handed out live in the caller's arena.
 */
#ifndef CX_STORE_SURVEY_FORM_H
#define CX_STORE_SURVEY_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/result.h"
#include "store/db.h"
#include "store/responses.h"

typedef struct survey_form_question {
    int64_t id;
    int position;
    const char *key;
    const char *kind;    /* score, rating, effort, single, multi, text */
    const char *label;   /* JSON {lang: text} */
    const char *choices; /* JSON [{"value": v, "label": {lang: text}}] */
    const char *logic;   /* JSON, see survey_form_group */
    bool inverted, is_main, required;
} survey_form_question_t;

typedef struct survey_form {
    int64_t id;
    const char *slug;
    const char *kind;      /* nps, csat, ces, enps, custom */
    const char *name;
    int64_t touchpoint_id; /* 0 none */
    const char *channel;
    const char *languages; /* comma list, the first is the default */
    bool open;
    const char *thank_you;       /* JSON {lang: text} */
    const char *allowed_origins; /* comma or space list */
    const char *title;           /* JSON {lang: text}; {} = show the name */
    const char *intro;           /* JSON {lang: text}; {} = none */
    survey_form_question_t *questions; /* in position order */
    size_t nquestions;
} survey_form_t;

/* A survey and its questions by slug; CX_ERR_NOT_FOUND when none. */
cx_result survey_form_get(db_conn_t *db, arena_t *arena, const char *slug, survey_form_t *out);

/* The main question (is_main), or NULL (custom surveys may have none). */
const survey_form_question_t *survey_form_main(const survey_form_t *s);

/*
 * The group of an answer to a main question, the one place it is decided:
 * -1 detractor, 0 passive, 1 promoter; false when the value is off the
 * scale. Scales are first turned so that higher is better (an inverted
 * scale is flipped), then:
 *   score 0-10 (NPS, eNPS):  0-6 detractor, 7-8 passive, 9-10 promoter;
 *   rating 1-5 (CSAT):       1-2 detractor, 3 passive, 4-5 promoter;
 *   effort 1-7 (CES, 7 easy): 1-3 detractor, 4 passive, 5-7 promoter.
 * Only NPS and eNPS surveys store the group as nps_group.
 */
bool survey_form_group(const char *question_kind, bool inverted, int value, int *group);
/* "detractor", "passive", "promoter" for -1, 0, 1. */
const char *survey_form_group_name(int group);

typedef struct survey_form_invitation {
    int64_t id;
    int64_t survey_id;
    int64_t customer_id;  /* 0 none */
    const char *language; /* the customer's, "" when none */
    bool answered;        /* completed, or a response already started */
} survey_form_invitation_t;

/* An invitation by the hash of its token (secret_token_hash);
 * CX_ERR_NOT_FOUND when none. */
cx_result survey_form_invitation_find(db_conn_t *db, arena_t *arena, const char *token_hash,
                                      survey_form_invitation_t *out);

/* Writes the first step: r (its completed flag is ignored: the row is
 * written as not completed) and, when resume_hash is not NULL, the hash of
 * the token that completes it later. With an invitation, CX_ERR_CONFLICT
 * when it was answered (or started) already: an invitation answers once;
 * the first answer marks it answered (status and answered_at).
 * complete = true writes a finished response in one step (no resume). */
cx_result survey_form_start(db_conn_t *db, const store_response_t *r, int64_t invitation_id,
                            const char *resume_hash, bool complete, int64_t *id_out);

typedef struct survey_form_pending {
    int64_t response_id;
    int64_t survey_id;
    int64_t invitation_id; /* 0 none */
    bool has_score;
    int score;
    const char *language;
} survey_form_pending_t;

/* The partial response a resume token continues; CX_ERR_NOT_FOUND when the
 * token is unknown or the response was completed already. */
cx_result survey_form_pending_find(db_conn_t *db, arena_t *arena, const char *resume_hash,
                                   survey_form_pending_t *out);

/* Completes the partial response of resume_hash: adds answers (replacing
 * any to the same questions), sets the comment when not NULL, marks it
 * completed, forgets the resume token and marks its invitation answered
 * if it is not yet.
 * CX_ERR_NOT_FOUND when the token does not (or no longer) name a partial
 * response; *id_out gets the response id. */
cx_result survey_form_complete(db_conn_t *db, const char *resume_hash, const store_answer_t *answers,
                               size_t nanswers, const char *comment, int64_t now,
                               int64_t *id_out);

#endif
