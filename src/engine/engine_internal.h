/*
 * engine_internal.h — the data structures shared by the files of the
 * metrics engine (engine.c: dimensions, loading, refresh; cube.c: the
 * pre-aggregated cube; query.c: planning and scanning). Nothing outside
 * src/engine includes this header.
 *
 * Two representations answer queries:
 *  - rows: one entry per response, in chunks of 65,536 (struct chunk);
 *  - the cube: one entry per distinct (day, survey, touchpoint, channel,
 *    language, segment, value tier) with a score histogram, also in chunks.
 *    It answers every query that neither filters nor groups by account
 *    (whose cardinality can reach the number of customers), usually with
 *    tens of times fewer entries than rows.
 * Both are read through a column_view_t, so one scan kernel serves both.
 */
#ifndef CX_ENGINE_INTERNAL_H
#define CX_ENGINE_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "store/metrics_source.h"

#define CHUNK_SHIFT 16
#define CHUNK_ROWS (1u << CHUNK_SHIFT)
#define MAX_CHUNKS 65536u
#define BLOCK 1024
#define SLOTS 12 /* scores 0..10 and "skipped" */
#define SKIPPED_SLOT 11
#define MAX_GROUPS (1u << 22)
#define DICT_MAX 256 /* channels, languages, value tiers, attribute values */
/* Customer attributes become dimensions DIM_COUNT + i inside the engine. */
#define MAX_ATTRIBUTES 16
#define DIM_ATTR_FIRST ((engine_dim)DIM_COUNT)

typedef struct chunk {
    int64_t id[CHUNK_ROWS];
    uint16_t day[CHUNK_ROWS];
    uint16_t survey[CHUNK_ROWS];
    uint16_t touchpoint[CHUNK_ROWS];
    uint8_t channel[CHUNK_ROWS];
    uint8_t language[CHUNK_ROWS];
    uint32_t customer[CHUNK_ROWS];
    int8_t score[CHUNK_ROWS];
    uint16_t min_day, max_day;
} chunk_t;

typedef struct cube_chunk {
    uint16_t day[CHUNK_ROWS];
    uint16_t survey[CHUNK_ROWS];
    uint16_t touchpoint[CHUNK_ROWS];
    uint16_t segment[CHUNK_ROWS];
    uint8_t channel[CHUNK_ROWS];
    uint8_t language[CHUNK_ROWS];
    uint8_t tier[CHUNK_ROWS];
    uint32_t counts[CHUNK_ROWS * SLOTS];
    uint16_t min_day, max_day;
} cube_chunk_t;

typedef struct cube {
    cube_chunk_t **chunks;     /* MAX_CHUNKS slots */
    size_t nentries;
    uint32_t *slots;           /* open addressing: entry index + 1, 0 = empty */
    uint64_t *slot_keys;       /* the packed key beside each slot */
    uint32_t *slot_keys_hi;
    size_t nslots;             /* power of two */
} cube_t;

/* A run of entries (rows or cube entries) as the scan kernel reads them.
 * Rows reach customer-level dimensions through `customer`; cube entries
 * carry segment and tier themselves. Rows have a score each; cube entries
 * a histogram of SLOTS counts. */
typedef struct column_view {
    size_t n;
    const uint16_t *day, *survey, *touchpoint;
    const uint8_t *channel, *language;
    const uint32_t *customer;
    const uint16_t *segment;
    const uint8_t *tier;
    const int8_t *score;
    const uint32_t *counts;
    uint16_t min_day, max_day;
} column_view_t;

/* The answers to one question other than a survey's main one, for the
 * metrics "mean:QUESTION" and "share:QUESTION=VALUE". Each answer points at
 * its response's row, whose columns give its dimensions. Numeric answers
 * (score 0-10, rating 1-5, effort 1-7, inverted scales turned round) keep
 * their value; choice answers a bitmask of the choices picked. */
#define MAX_CHOICES 32

typedef struct answer_set {
    int64_t question_id;
    uint16_t survey;
    char *key;
    bool choice;         /* single or multi */
    bool inverted;
    int low, high;       /* the numeric scale */
    uint32_t nchoices;
    char *choices[MAX_CHOICES];
    size_t count, capacity;
    uint32_t *row;
    uint32_t *value;
} answer_set_t;

/* A question as the dimension tables know it, before its answers load. */
typedef struct question_def {
    int64_t id;
    int64_t survey_id;
    char *key;
    char *kind;
    bool inverted;
    char *choices; /* JSON */
} question_def_t;

enum survey_kind { KIND_NONE, KIND_NPS, KIND_CSAT, KIND_CES, KIND_ENPS, KIND_CUSTOM };

/* A dictionary of names indexed by a small integer; index 0 is "none". */
typedef struct name_table {
    uint32_t count;   /* valid indices are 0..count-1 */
    char **names;     /* names[0] is NULL: no value */
    uint32_t *rank;   /* display order */
    uint32_t *attr;   /* per entry: surveys kind | inverted << 8; touchpoints stage */
} name_table_t;

#define SURVEY_INVERTED (1u << 8)

typedef struct dims {
    int64_t version;
    name_table_t surveys;      /* by survey id */
    name_table_t touchpoints;  /* by touchpoint id, ranked in journey order */
    uint32_t touchpoints_seen;
    name_table_t stages;       /* dense, by journey position */
    name_table_t segments;     /* by segment id */
    name_table_t accounts;     /* by account id */
    uint32_t ncustomers;       /* customer arrays are indexed by id */
    uint16_t *customer_segment;
    uint32_t *customer_account;
    uint8_t *customer_tier;
    name_table_t tiers;        /* dense, value tiers by name */
    /* customer attributes: key i's value (an index into attribute_values[i])
     * per customer id; a key with more than 255 values is not kept */
    uint32_t nattributes;
    char *attribute_keys[MAX_ATTRIBUTES];
    name_table_t attribute_values[MAX_ATTRIBUTES];
    uint8_t *attribute_of[MAX_ATTRIBUTES];
    bool attribute_overflow[MAX_ATTRIBUTES];
    question_def_t *questions; /* every question but the surveys' main ones */
    size_t nquestions;
    int64_t max_question_id;
} dims_t;

struct engine {
    pthread_rwlock_t lock;
    chunk_t **chunks;          /* MAX_CHUNKS slots */
    size_t nrows;              /* published */
    int64_t last_id;
    dims_t *dims;
    cube_t *cube;              /* NULL when it would not pay */
    size_t cube_rows_tried;    /* rows when a cube was last built or tried */
    char *channels[DICT_MAX];  /* [0] = none */
    uint32_t nchannels;
    char *languages[DICT_MAX];
    uint32_t nlanguages;
    uint64_t anomalies;        /* scores outside their scale, kept as skipped */
    answer_set_t **answer_sets; /* by question id (sparse), nanswer_ids slots */
    size_t nanswer_ids;
    uint64_t generation;       /* moves whenever an answer could change (engine_generation) */
};

/* ---- answers.c ---- */

/* Makes an answer set for every question the dimensions name that has
 * none yet. Caller holds the write lock. */
cx_result answers_sync_questions(engine_t *e);
/* Reads the answers of the rows in staging order (ids ascending, the
 * first of them at row first_row) from the store and keeps them
 * aside; answers_apply adds them. Without the lock (refresher only). */
typedef struct answer_staging answer_staging_t;
cx_result answers_stage(engine_t *e, store_t *store, const int64_t *ids, size_t nids,
                        size_t first_row, int64_t after_id, answer_staging_t **out);
/* True when a staged answer named a question the dimensions do not have
 * yet: reload them and stage again. */
bool answers_staging_incomplete(const answer_staging_t *staged);
void answers_staging_free(answer_staging_t *staged);
/* Caller holds the write lock; frees the staging. */
cx_result answers_apply(engine_t *e, answer_staging_t *staged);
/* Replaces the answers of one row (of the given survey) by answers,
 * as read again from the store. Caller holds the write lock. */
cx_result answers_replace_row(engine_t *e, uint32_t row, uint16_t survey,
                              const store_answer_row_t *answers, size_t n);
void answers_free_all(engine_t *e);
size_t answers_bytes(const engine_t *e);
/* The set of a question given by id or by key; NULL with a message in err
 * when unknown or ambiguous. */
const answer_set_t *answers_find(const engine_t *e, const char *question, char *err,
                                 size_t errlen);

/* Index of a name in a table, or -1. */
int64_t engine_name_find(const name_table_t *t, const char *name);

/* The view of rows [0, n) of a row chunk, or of a cube chunk. */
void engine_row_view(const chunk_t *ch, size_t n, column_view_t *v);
void engine_cube_view(const cube_chunk_t *ch, size_t n, column_view_t *v);

/* Builds a cube over the first nrows rows; NULL when it would hold more
 * than a quarter as many entries as rows (then rows answer faster) or
 * when memory runs out. Reads rows and dims without the lock: call only
 * from the refresher. */
cube_t *cube_build(const engine_t *e, size_t nrows);
/* Takes one row out of the cube's counts (before the row is forgotten).
 * Caller holds the write lock. */
void cube_remove_row(cube_t *c, const engine_t *e, size_t row);
/* Adds rows [from, to) to the cube; false when out of memory (the caller
 * then drops the cube). Caller holds the write lock. */
bool cube_add_rows(cube_t *c, const engine_t *e, size_t from, size_t to);
void cube_free(cube_t *c);
size_t cube_bytes(const cube_t *c);

#endif
