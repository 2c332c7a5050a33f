/*
 * feedback.h — feedback items: every voice of the customer that is not a
 * survey response (complaints, tickets, reviews, call notes, chats).
 *
 * Functions take the db_conn_t of a store job (store.h). The text pipeline
 * (sentiment, themes) fills `sentiment` later; intake stores the raw item.
 */
#ifndef CX_STORE_FEEDBACK_H
#define CX_STORE_FEEDBACK_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/result.h"
#include "store/db.h"

typedef struct store_feedback {
    int64_t id;
    const char *source;      /* complaint, ticket, review, call_note, chat, other */
    const char *external_id; /* NULL when none */
    int64_t customer_id;     /* 0 when anonymous */
    int64_t touchpoint_id;   /* 0 when unknown */
    const char *channel;
    const char *language;
    const char *title;
    const char *text;
    bool has_rating;
    double rating;
    const char *category;
    int64_t received_at;
    int64_t created_at;
} store_feedback_t;

/* True for one of the source names the schema accepts. */
bool store_feedback_source_valid(const char *source);

/* Inserts; NULL strings store as empty (external_id as NULL). */
cx_result store_feedback_add(db_conn_t *db, const store_feedback_t *item, int64_t *id_out);
cx_result store_feedback_get(db_conn_t *db, arena_t *arena, int64_t id, store_feedback_t *out);
int64_t store_feedback_count(db_conn_t *db);
/* Rewrites every field of item->id from *item (NULL strings as in add).
 * CX_ERR_NOT_FOUND when there is no such item. */
cx_result store_feedback_update(db_conn_t *db, const store_feedback_t *item);
/* Deletes the item; a case made from it keeps existing without the link.
 * CX_ERR_NOT_FOUND when there is no such item. */
cx_result store_feedback_delete(db_conn_t *db, int64_t id);

#endif
