/*
 * engine.c — the metrics engine's state: dimension tables, loading and
 * refreshing rows from the store, the cube's upkeep, and statistics (see
 * engine.h; the layout is described in engine_internal.h, queries are in
 * query.c).
 *
 * Rows live in chunks of 65,536, each chunk a struct of column arrays with
 * a zone map (the smallest and largest local day it holds), so a
 * date-bounded query skips whole chunks. Rows arrive in id order, which is
 * nearly time order, so zone maps stay tight. The chunk directory has a
 * fixed capacity, so it never moves while queries read it.
 *
 * Concurrency: one rwlock guards everything; a query holds it for reading
 * while it scans; a refresh reads from the store without it, then takes it
 * for writing only to copy a batch of at most one chunk in (and into the
 * cube) and publish it. Only one refresh runs at a time, so the refresher
 * may read rows and dimensions without the lock.
 */
#include "engine/engine.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_internal.h"
#include "store/accounts.h"
#include "store/metrics_source.h"
#include "sys/tz.h"

static const char *const dim_names[DIM_COUNT] = {
    [DIM_NONE] = NULL,         [DIM_DAY] = "day",       [DIM_WEEK] = "week",
    [DIM_MONTH] = "month",     [DIM_QUARTER] = "quarter", [DIM_YEAR] = "year",
    [DIM_SURVEY] = "survey",   [DIM_TOUCHPOINT] = "touchpoint", [DIM_STAGE] = "stage",
    [DIM_CHANNEL] = "channel", [DIM_SEGMENT] = "segment", [DIM_ACCOUNT] = "account",
    [DIM_LANGUAGE] = "language", [DIM_TIER] = "tier", [DIM_ATTRIBUTE] = "attribute",
};

const char *engine_dim_name(engine_dim dim)
{
    return dim > DIM_NONE && dim < DIM_COUNT ? dim_names[dim] : NULL;
}

engine_dim engine_dim_from_name(const char *name)
{
    if (!name)
        return DIM_NONE;
    for (int d = DIM_NONE + 1; d < DIM_COUNT; d++)
        if (strcmp(dim_names[d], name) == 0)
            return (engine_dim)d;
    return DIM_NONE;
}

bool engine_dim_is_period(engine_dim dim) { return dim >= DIM_DAY && dim <= DIM_YEAR; }

bool engine_parse_day(const char *s, int32_t *day)
{
    int y, m, d, used = 0;
    if (!s || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != 10 || s[10])
        return false;
    if (y < 1970 || y > 2149 || m < 1 || m > 12 || d < 1 || d > 31)
        return false;
    int32_t n = tz_days_from_civil(y, m, d);
    int yy, mm, dd;
    tz_civil_from_days(n, &yy, &mm, &dd);
    if (yy != y || mm != m || dd != d)
        return false; /* 2026-02-30 */
    *day = n;
    return true;
}

/* ---- dictionaries ------------------------------------------------------ */

static void name_table_free(name_table_t *t)
{
    for (uint32_t i = 0; i < t->count; i++)
        free(t->names[i]);
    free(t->names);
    free(t->rank);
    free(t->attr);
    memset(t, 0, sizeof *t);
}

/* Makes room for index `index`; new slots are nameless. */
static bool name_table_reserve(name_table_t *t, uint32_t index)
{
    if (index < t->count)
        return true;
    uint32_t count = index + 1;
    char **names = realloc(t->names, count * sizeof *names);
    if (!names)
        return false;
    t->names = names;
    uint32_t *rank = realloc(t->rank, count * sizeof *rank);
    if (!rank)
        return false;
    t->rank = rank;
    uint32_t *attr = realloc(t->attr, count * sizeof *attr);
    if (!attr)
        return false;
    t->attr = attr;
    for (uint32_t i = t->count; i < count; i++) {
        t->names[i] = NULL;
        t->rank[i] = i;
        t->attr[i] = 0;
    }
    t->count = count;
    return true;
}

static bool name_table_set(name_table_t *t, uint32_t index, const char *name)
{
    if (!name_table_reserve(t, index))
        return false;
    free(t->names[index]);
    t->names[index] = strdup(name);
    return t->names[index] != NULL;
}

int64_t engine_name_find(const name_table_t *t, const char *name)
{
    for (uint32_t i = 1; i < t->count; i++)
        if (t->names[i] && strcmp(t->names[i], name) == 0)
            return i;
    return -1;
}

/* Orders entries by name (byte order: stable and good enough for lists;
 * the UI sorts for people where it matters). "None" comes first. */
static int rank_compare(const void *a, const void *b, void *ctx)
{
    const name_table_t *t = ctx;
    const char *x = t->names[*(const uint32_t *)a];
    const char *y = t->names[*(const uint32_t *)b];
    if (!x || !y)
        return (x != NULL) - (y != NULL);
    return strcmp(x, y);
}

static bool name_table_rank_by_name(name_table_t *t)
{
    uint32_t *order = malloc((t->count ? t->count : 1) * sizeof *order);
    if (!order)
        return false;
    for (uint32_t i = 0; i < t->count; i++)
        order[i] = i;
    qsort_r(order, t->count, sizeof *order, rank_compare, t);
    for (uint32_t r = 0; r < t->count; r++)
        t->rank[order[r]] = r;
    free(order);
    return true;
}

static void dims_free(dims_t *d)
{
    if (!d)
        return;
    name_table_free(&d->surveys);
    name_table_free(&d->touchpoints);
    name_table_free(&d->stages);
    name_table_free(&d->segments);
    name_table_free(&d->accounts);
    free(d->customer_segment);
    free(d->customer_account);
    free(d->customer_tier);
    name_table_free(&d->tiers);
    for (uint32_t i = 0; i < d->nattributes; i++) {
        free(d->attribute_keys[i]);
        name_table_free(&d->attribute_values[i]);
        free(d->attribute_of[i]);
    }
    for (size_t i = 0; i < d->nquestions; i++) {
        free(d->questions[i].key);
        free(d->questions[i].kind);
        free(d->questions[i].choices);
    }
    free(d->questions);
    free(d);
}

static enum survey_kind survey_kind_from_name(const char *kind)
{
    if (strcmp(kind, "nps") == 0)
        return KIND_NPS;
    if (strcmp(kind, "csat") == 0)
        return KIND_CSAT;
    if (strcmp(kind, "ces") == 0)
        return KIND_CES;
    if (strcmp(kind, "enps") == 0)
        return KIND_ENPS;
    return KIND_CUSTOM;
}

/* Grows a per-id array of elements to hold index `index`, zero-filling. */
static bool grow_array(void **array, size_t element, uint32_t old_count, uint32_t new_count)
{
    if (new_count <= old_count)
        return true;
    unsigned char *p = realloc(*array, (size_t)new_count * element);
    if (!p)
        return false;
    memset(p + (size_t)old_count * element, 0, (size_t)(new_count - old_count) * element);
    *array = p;
    return true;
}

static cx_result survey_row(const store_dim_row_t *row, void *ctx)
{
    dims_t *d = ctx;
    if (row->id <= 0 || row->id >= UINT16_MAX)
        return CX_OK; /* beyond the engine's survey range: not analysed */
    uint32_t id = (uint32_t)row->id;
    if (!name_table_set(&d->surveys, id, row->name))
        return CX_ERR_NOMEM;
    d->surveys.attr[id] = (uint32_t)survey_kind_from_name(row->kind) |
                          (row->flag ? SURVEY_INVERTED : 0);
    return CX_OK;
}

static cx_result touchpoint_row(const store_dim_row_t *row, void *ctx)
{
    dims_t *d = ctx;
    if (row->id <= 0 || row->id >= UINT16_MAX)
        return CX_OK;
    uint32_t id = (uint32_t)row->id;
    if (!name_table_set(&d->touchpoints, id, row->name))
        return CX_ERR_NOMEM;
    /* rows come in journey order: rank touchpoints and stages as they come */
    d->touchpoints.rank[id] = ++d->touchpoints_seen;
    int64_t stage = engine_name_find(&d->stages, row->parent_name);
    if (stage < 0) {
        stage = d->stages.count ? d->stages.count : 1;
        if (!name_table_set(&d->stages, (uint32_t)stage, row->parent_name))
            return CX_ERR_NOMEM;
    }
    d->touchpoints.attr[id] = (uint32_t)stage;
    return CX_OK;
}

static cx_result segment_row(const store_dim_row_t *row, void *ctx)
{
    dims_t *d = ctx;
    if (row->id <= 0 || row->id >= UINT16_MAX)
        return CX_OK;
    return name_table_set(&d->segments, (uint32_t)row->id, row->name) ? CX_OK : CX_ERR_NOMEM;
}

static cx_result account_row(const store_dim_row_t *row, void *ctx)
{
    dims_t *d = ctx;
    if (row->id <= 0 || row->id >= (int64_t)MAX_GROUPS)
        return CX_OK;
    return name_table_set(&d->accounts, (uint32_t)row->id, row->name) ? CX_OK : CX_ERR_NOMEM;
}

/* The text of an attribute value: strings as they are, numbers and
 * booleans written out; NULL for objects, arrays and null. */
static const char *attribute_text(json_t *v, char *scratch, size_t len)
{
    switch (json_typeof(v)) {
    case JSON_STRING: return json_string_value(v);
    case JSON_INTEGER:
        snprintf(scratch, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return scratch;
    case JSON_REAL: snprintf(scratch, len, "%g", json_real_value(v)); return scratch;
    case JSON_TRUE: return "true";
    case JSON_FALSE: return "false";
    default: return NULL;
    }
}

/* Records one customer's attributes (a JSON object) in the per-key
 * columns, making a column for a key met for the first time. */
static cx_result customer_attributes(dims_t *d, uint32_t id, const char *json)
{
    json_t *doc = json_loads(json, 0, NULL);
    if (!json_is_object(doc)) {
        json_decref(doc);
        return CX_OK; /* not an object: nothing to index */
    }
    const char *key;
    json_t *value;
    cx_result rc = CX_OK;
    json_object_foreach(doc, key, value)
    {
        char scratch[64];
        const char *text = attribute_text(value, scratch, sizeof scratch);
        if (!text || !*text)
            continue;
        uint32_t a = 0;
        while (a < d->nattributes && strcmp(d->attribute_keys[a], key) != 0)
            a++;
        if (a == d->nattributes) {
            if (a == MAX_ATTRIBUTES)
                continue; /* only the first 16 keys met are indexed */
            d->attribute_keys[a] = strdup(key);
            d->attribute_of[a] = calloc(d->ncustomers ? d->ncustomers : 1, 1);
            if (!d->attribute_keys[a] || !d->attribute_of[a] ||
                !name_table_reserve(&d->attribute_values[a], 0)) {
                free(d->attribute_keys[a]);
                free(d->attribute_of[a]);
                rc = CX_ERR_NOMEM;
                break;
            }
            d->nattributes++;
        }
        if (d->attribute_overflow[a])
            continue;
        name_table_t *values = &d->attribute_values[a];
        int64_t k = engine_name_find(values, text);
        if (k < 0) {
            if (values->count >= DICT_MAX) {
                d->attribute_overflow[a] = true; /* too many values to be a dimension */
                continue;
            }
            k = values->count;
            if (!name_table_set(values, (uint32_t)k, text)) {
                rc = CX_ERR_NOMEM;
                break;
            }
        }
        d->attribute_of[a][id] = (uint8_t)k;
    }
    json_decref(doc);
    return rc;
}

static cx_result customer_row(const store_dim_row_t *row, void *ctx)
{
    dims_t *d = ctx;
    if (row->id <= 0 || row->id >= UINT32_MAX)
        return CX_OK;
    uint32_t id = (uint32_t)row->id;
    if (id >= d->ncustomers) {
        uint32_t count = id + 1 > d->ncustomers * 2 ? id + 1 : d->ncustomers * 2;
        if (!grow_array((void **)&d->customer_segment, sizeof(uint16_t), d->ncustomers, count) ||
            !grow_array((void **)&d->customer_account, sizeof(uint32_t), d->ncustomers, count) ||
            !grow_array((void **)&d->customer_tier, 1, d->ncustomers, count))
            return CX_ERR_NOMEM;
        for (uint32_t a = 0; a < d->nattributes; a++)
            if (!grow_array((void **)&d->attribute_of[a], 1, d->ncustomers, count))
                return CX_ERR_NOMEM;
        d->ncustomers = count;
    }

    d->customer_segment[id] =
        row->parent_id > 0 && row->parent_id < UINT16_MAX ? (uint16_t)row->parent_id : 0;
    d->customer_account[id] =
        row->other_id > 0 && row->other_id < (int64_t)MAX_GROUPS ? (uint32_t)row->other_id : 0;
    uint8_t tier = 0;
    if (row->extra[0]) {
        int64_t t = engine_name_find(&d->tiers, row->extra);
        if (t < 0 && d->tiers.count < DICT_MAX) {
            t = d->tiers.count ? d->tiers.count : 1;
            if (!name_table_set(&d->tiers, (uint32_t)t, row->extra))
                return CX_ERR_NOMEM;
        }
        tier = t > 0 ? (uint8_t)t : 0;
    }
    d->customer_tier[id] = tier;
    if (row->attributes[0] == '{' && strcmp(row->attributes, "{}") != 0)
        return customer_attributes(d, id, row->attributes);
    return CX_OK;
}

static cx_result question_row(const store_question_row_t *row, void *ctx)
{
    dims_t *d = ctx;
    question_def_t *grown = realloc(d->questions, (d->nquestions + 1) * sizeof *grown);
    if (!grown)
        return CX_ERR_NOMEM;
    d->questions = grown;
    if (row->id > d->max_question_id)
        d->max_question_id = row->id;
    question_def_t *q = &d->questions[d->nquestions];
    q->id = row->id;
    q->survey_id = row->survey_id;
    q->inverted = row->inverted;
    q->key = strdup(row->key);
    q->kind = strdup(row->kind);
    q->choices = strdup(row->choices);
    d->nquestions++;
    return q->key && q->kind && q->choices ? CX_OK : CX_ERR_NOMEM;
}

typedef struct dims_load {
    dims_t *dims;
    int64_t version;
} dims_load_t;

static cx_result dims_version_job(db_conn_t *db, void *arg)
{
    return store_dimensions_version(db, arg);
}

static cx_result dims_load_job(db_conn_t *db, void *arg)
{
    dims_load_t *load = arg;
    dims_t *d = load->dims;
    cx_result rc = store_dimensions_version(db, &load->version);
    if (!rc)
        rc = store_surveys_scan(db, survey_row, d);
    if (!rc)
        rc = store_touchpoints_scan(db, touchpoint_row, d);
    if (!rc)
        rc = store_segments_scan(db, segment_row, d);
    if (!rc)
        rc = store_accounts_scan(db, account_row, d);
    if (!rc)
        rc = store_customers_scan(db, customer_row, d);
    if (!rc)
        rc = store_questions_scan(db, question_row, d);
    return rc;
}

/* Makes sure every table has at least the "none" slot, then ranks. */
static bool dims_finish(dims_t *d)
{
    name_table_t *tables[] = {&d->surveys, &d->touchpoints, &d->stages,
                              &d->segments, &d->accounts, &d->tiers};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
        if (!name_table_reserve(tables[i], 0))
            return false;
    if (d->ncustomers == 0) {
        if (!grow_array((void **)&d->customer_segment, 2, 0, 1) ||
            !grow_array((void **)&d->customer_account, 4, 0, 1) ||
            !grow_array((void **)&d->customer_tier, 1, 0, 1))
            return false;
        d->ncustomers = 1;
    }
    for (uint32_t a = 0; a < d->nattributes; a++)
        if (!name_table_rank_by_name(&d->attribute_values[a]))
            return false;
    return name_table_rank_by_name(&d->surveys) && name_table_rank_by_name(&d->segments) &&
           name_table_rank_by_name(&d->accounts) && name_table_rank_by_name(&d->tiers);
}

/* ---- lifecycle and refresh ------------------------------------------- */

cx_result engine_create(engine_t **out)
{
    engine_t *e = calloc(1, sizeof *e);
    if (!e)
        return CX_ERR_NOMEM;
    e->chunks = calloc(MAX_CHUNKS, sizeof *e->chunks);
    e->dims = calloc(1, sizeof *e->dims);
    if (!e->chunks || !e->dims || !dims_finish(e->dims)) {
        engine_free(e);
        return CX_ERR_NOMEM;
    }
    e->dims->version = -1;
    e->nchannels = e->nlanguages = 1; /* index 0 = none */
    pthread_rwlock_init(&e->lock, NULL);
    *out = e;
    return CX_OK;
}

typedef struct timezone_read {
    arena_t arena;
    const char *name;
} timezone_read_t;

static cx_result timezone_read_job(db_conn_t *db, void *arg)
{
    timezone_read_t *t = arg;
    return store_setting_get(db, &t->arena, "timezone", &t->name);
}

cx_result engine_open(store_t *store, engine_t **out, char *err, size_t errlen)
{
    *out = NULL;
    timezone_read_t zone = {.name = NULL};
    arena_init(&zone.arena);
    cx_result rc = store_read(store, timezone_read_job, &zone);
    const char *name = zone.name && *zone.name ? zone.name : "Europe/Warsaw";
    if (!rc && !tz_set(name)) {
        snprintf(err, errlen, "unknown time zone '%s' in the settings", name);
        rc = CX_ERR_INVALID;
    }
    arena_free(&zone.arena);
    if (!rc)
        rc = engine_create(out);
    if (!rc) {
        rc = engine_refresh(*out, store);
        if (rc) {
            engine_free(*out);
            *out = NULL;
        }
    }
    if (rc && rc != CX_ERR_INVALID)
        snprintf(err, errlen, "cannot load responses: %s", cx_result_text(rc));
    return rc;
}

void engine_free(engine_t *e)
{
    if (!e)
        return;
    if (e->chunks) {
        for (size_t i = 0; i < MAX_CHUNKS && e->chunks[i]; i++)
            free(e->chunks[i]);
        free(e->chunks);
    }
    dims_free(e->dims);
    cube_free(e->cube);
    answers_free_all(e);
    for (uint32_t i = 0; i < DICT_MAX; i++) {
        free(e->channels[i]);
        free(e->languages[i]);
    }
    pthread_rwlock_destroy(&e->lock);
    free(e);
}

/* One row as read from the store, before dictionary encoding. */
typedef struct staged_row {
    int64_t id;
    int64_t survey_id, touchpoint_id, customer_id;
    int64_t submitted_at;
    int score;
    uint8_t channel, language;
} staged_row_t;

typedef struct staging {
    engine_t *engine;
    staged_row_t *rows;
    int64_t *ids;            /* the rows' ids, for finding their answers */
    size_t count, capacity;
    bool unknown_dimension; /* a row names a survey, touchpoint or customer
                               the loaded dimensions do not have yet */
    /* new dictionary names met in this batch, added under the write lock */
    char *new_channels[DICT_MAX];
    uint32_t nchannels;
    char *new_languages[DICT_MAX];
    uint32_t nlanguages;
} staging_t;

/* Index of a channel or language name: existing (read without the lock:
 * only the refresher writes these tables), or newly staged. */
static uint8_t staged_dict_index(char **existing, uint32_t nexisting, char **staged,
                                 uint32_t *nstaged, const char *name)
{
    if (!name[0])
        return 0;
    for (uint32_t i = 1; i < nexisting; i++)
        if (strcmp(existing[i], name) == 0)
            return (uint8_t)i;
    for (uint32_t i = 0; i < *nstaged; i++)
        if (strcmp(staged[i], name) == 0)
            return (uint8_t)(nexisting + i);
    if (nexisting + *nstaged >= DICT_MAX)
        return 0; /* beyond 255 distinct values: counted under "none" */
    char *copy = strdup(name);
    if (!copy)
        return 0;
    staged[(*nstaged)++] = copy;
    return (uint8_t)(nexisting + *nstaged - 1);
}

static cx_result stage_response(const store_response_row_t *row, void *ctx)
{
    staging_t *s = ctx;
    engine_t *e = s->engine;
    if (s->count == s->capacity)
        return CX_ERR_INTERNAL; /* the scan's LIMIT keeps this from happening */
    staged_row_t *r = &s->rows[s->count++];
    r->id = row->id;
    r->survey_id = row->survey_id;
    r->touchpoint_id = row->touchpoint_id;
    r->customer_id = row->customer_id;
    r->submitted_at = row->submitted_at;
    r->score = row->score;
    const dims_t *d = e->dims;
    if ((row->survey_id > 0 && row->survey_id < UINT16_MAX &&
         (uint64_t)row->survey_id >= d->surveys.count) ||
        (row->touchpoint_id > 0 && row->touchpoint_id < UINT16_MAX &&
         (uint64_t)row->touchpoint_id >= d->touchpoints.count) ||
        (row->customer_id > 0 && row->customer_id < UINT32_MAX &&
         (uint64_t)row->customer_id >= d->ncustomers))
        s->unknown_dimension = true;
    r->channel = staged_dict_index(e->channels, e->nchannels, s->new_channels, &s->nchannels,
                                   row->channel);
    r->language = staged_dict_index(e->languages, e->nlanguages, s->new_languages,
                                    &s->nlanguages, row->language);
    return CX_OK;
}

typedef struct batch_read {
    staging_t *staging;
    int64_t after_id;
} batch_read_t;

static cx_result batch_read_job(db_conn_t *db, void *arg)
{
    batch_read_t *b = arg;
    return store_responses_scan(db, b->after_id, (int64_t)b->staging->capacity, stage_response,
                                b->staging);
}

/* The score as the engine keeps it: checked against the survey's scale,
 * effort flipped when the survey stores it inverted; -1 when skipped. */
static int8_t normalise_score(const dims_t *d, uint32_t survey, int score, uint64_t *anomalies)
{
    if (score < 0)
        return -1;
    int low = 0, high = 10;
    uint32_t attr = d->surveys.attr[survey];
    enum survey_kind kind = (enum survey_kind)(attr & 0xFF);
    if (kind == KIND_CSAT)
        low = 1, high = 5;
    else if (kind == KIND_CES)
        low = 1, high = 7;
    if (score < low || score > high) {
        (*anomalies)++;
        return -1;
    }
    if (kind == KIND_CES && (attr & SURVEY_INVERTED))
        score = 8 - score;
    return (int8_t)score;
}

/* Copies staged rows into chunks and publishes them; caller holds the
 * write lock. */
static cx_result apply_batch(engine_t *e, staging_t *s)
{
    for (uint32_t i = 0; i < s->nchannels; i++) {
        e->channels[e->nchannels++] = s->new_channels[i];
        s->new_channels[i] = NULL;
    }
    s->nchannels = 0;
    for (uint32_t i = 0; i < s->nlanguages; i++) {
        e->languages[e->nlanguages++] = s->new_languages[i];
        s->new_languages[i] = NULL;
    }
    s->nlanguages = 0;
    const dims_t *d = e->dims;
    for (size_t i = 0; i < s->count; i++) {
        size_t row = e->nrows;
        size_t c = row >> CHUNK_SHIFT, k = row & (CHUNK_ROWS - 1);
        if (c >= MAX_CHUNKS)
            return CX_ERR_TOO_LARGE;
        if (!e->chunks[c]) {
            e->chunks[c] = malloc(sizeof(chunk_t));
            if (!e->chunks[c])
                return CX_ERR_NOMEM;
            e->chunks[c]->min_day = UINT16_MAX;
            e->chunks[c]->max_day = 0;
        }
        chunk_t *ch = e->chunks[c];
        const staged_row_t *r = &s->rows[i];
        int32_t day = tz_local_day(r->submitted_at);
        if (day < 0)
            day = 0;
        if (day > UINT16_MAX - 1)
            day = UINT16_MAX - 1;
        uint32_t survey = r->survey_id > 0 && r->survey_id < UINT16_MAX ? (uint32_t)r->survey_id : 0;
        if (survey >= d->surveys.count)
            survey = 0; /* not in the loaded dimensions yet: next refresh */
        uint32_t touchpoint = r->touchpoint_id > 0 && r->touchpoint_id < d->touchpoints.count
                                  ? (uint32_t)r->touchpoint_id
                                  : 0;
        uint32_t customer = r->customer_id > 0 && r->customer_id < d->ncustomers
                                ? (uint32_t)r->customer_id
                                : 0;
        ch->id[k] = r->id;
        ch->day[k] = (uint16_t)day;
        ch->survey[k] = (uint16_t)survey;
        ch->touchpoint[k] = (uint16_t)touchpoint;
        ch->channel[k] = r->channel;
        ch->language[k] = r->language;
        ch->customer[k] = customer;
        ch->score[k] = normalise_score(d, survey, r->score, &e->anomalies);
        if (day < ch->min_day)
            ch->min_day = (uint16_t)day;
        if (day > ch->max_day)
            ch->max_day = (uint16_t)day;
        e->nrows = row + 1;
        e->last_id = r->id;
    }
    if (e->cube && !cube_add_rows(e->cube, e, e->nrows - s->count, e->nrows)) {
        cube_free(e->cube); /* out of memory: rows still answer everything */
        e->cube = NULL;
    }
    e->generation++;
    return CX_OK;
}

/* Reloads the dimension tables when their version moved (or always). */
static cx_result refresh_dimensions(engine_t *e, store_t *store, bool always)
{
    int64_t version = 0;
    cx_result rc = store_read(store, dims_version_job, &version);
    if (rc || (!always && version == e->dims->version))
        return rc;
    dims_load_t load = {.dims = calloc(1, sizeof(dims_t))};
    if (!load.dims)
        return CX_ERR_NOMEM;
    rc = store_read(store, dims_load_job, &load);
    if (!rc && !dims_finish(load.dims))
        rc = CX_ERR_NOMEM;
    if (rc) {
        dims_free(load.dims);
        return rc;
    }
    load.dims->version = load.version;
    pthread_rwlock_wrlock(&e->lock);
    dims_t *old = e->dims;
    e->dims = load.dims;
    /* the cube keys customers by their segment and tier: those may have
     * changed, so it is built again */
    cube_t *stale = e->cube;
    e->cube = NULL;
    cx_result sync = answers_sync_questions(e);
    e->generation++;
    pthread_rwlock_unlock(&e->lock);
    dims_free(old);
    cube_free(stale);
    e->cube_rows_tried = 0;
    return sync;
}

cx_result engine_reload_dimensions(engine_t *e, store_t *store)
{
    return refresh_dimensions(e, store, true);
}

cx_result engine_refresh(engine_t *e, store_t *store)
{
    /* dimensions first, so new rows find their survey, touchpoint, customer */
    cx_result rc = refresh_dimensions(e, store, false);
    if (rc)
        return rc;
    staging_t staging = {.engine = e, .capacity = CHUNK_ROWS};
    staging.rows = malloc(staging.capacity * sizeof *staging.rows);
    staging.ids = malloc(staging.capacity * sizeof *staging.ids);
    if (!staging.rows || !staging.ids) {
        free(staging.rows);
        free(staging.ids);
        return CX_ERR_NOMEM;
    }
    for (;;) {
        staging.count = 0;
        staging.unknown_dimension = false;
        batch_read_t batch = {.staging = &staging, .after_id = e->last_id};
        rc = store_read(store, batch_read_job, &batch);
        if (rc || staging.count == 0)
            break;
        /* rows written after the dimensions were read may name new ones;
         * those exist in the store by now (foreign keys), so read again */
        if (staging.unknown_dimension) {
            rc = refresh_dimensions(e, store, true);
            if (rc)
                break;
        }
        for (size_t i = 0; i < staging.count; i++)
            staging.ids[i] = staging.rows[i].id;
        answer_staging_t *answers = NULL;
        rc = answers_stage(e, store, staging.ids, staging.count, e->nrows, e->last_id, &answers);
        if (!rc && answers_staging_incomplete(answers)) {
            /* a question added after the dimensions were read */
            answers_staging_free(answers);
            answers = NULL;
            rc = refresh_dimensions(e, store, true);
            if (!rc)
                rc = answers_stage(e, store, staging.ids, staging.count, e->nrows, e->last_id,
                                   &answers);
        }
        if (rc) {
            answers_staging_free(answers);
            break;
        }
        pthread_rwlock_wrlock(&e->lock);
        rc = apply_batch(e, &staging);
        cx_result arc = answers_apply(e, answers);
        pthread_rwlock_unlock(&e->lock);
        if (!rc)
            rc = arc;
        if (rc || staging.count < staging.capacity)
            break;
    }
    for (uint32_t i = 0; i < staging.nchannels; i++)
        free(staging.new_channels[i]);
    for (uint32_t i = 0; i < staging.nlanguages; i++)
        free(staging.new_languages[i]);
    free(staging.rows);
    free(staging.ids);
    /* (re)build the cube when there is none, at most once per doubling of
     * the rows, since a cube that did not compress is not tried again soon */
    if (!rc && !e->cube && e->nrows > 0 && e->nrows >= 2 * e->cube_rows_tried) {
        e->cube_rows_tried = e->nrows;
        cube_t *cube = cube_build(e, e->nrows);
        if (cube) {
            pthread_rwlock_wrlock(&e->lock);
            e->cube = cube;
            pthread_rwlock_unlock(&e->lock);
        }
    }
    return rc;
}

static size_t name_table_bytes(const name_table_t *t)
{
    size_t n = t->count * (sizeof(char *) + sizeof(uint32_t));
    for (uint32_t i = 0; i < t->count; i++)
        if (t->names[i])
            n += strlen(t->names[i]) + 1;
    return n;
}

void engine_get_stats(engine_t *e, engine_stats_t *out)
{
    pthread_rwlock_rdlock(&e->lock);
    const size_t per_row = sizeof(int64_t) + 3 * sizeof(uint16_t) + 2 + sizeof(uint32_t) + 1;
    out->rows = e->nrows;
    out->column_bytes = e->nrows * per_row;
    out->last_id = e->last_id;
    size_t nchunks = (e->nrows + CHUNK_ROWS - 1) >> CHUNK_SHIFT;
    const dims_t *d = e->dims;
    out->total_bytes = MAX_CHUNKS * sizeof(chunk_t *) + nchunks * sizeof(chunk_t) +
                       name_table_bytes(&d->surveys) + name_table_bytes(&d->touchpoints) +
                       name_table_bytes(&d->stages) + name_table_bytes(&d->segments) +
                       name_table_bytes(&d->accounts) + name_table_bytes(&d->tiers) +
                       (size_t)d->ncustomers * (2 + 4 + 1) + cube_bytes(e->cube) +
                       answers_bytes(e);
    out->cube_entries = e->cube ? e->cube->nentries : 0;
    pthread_rwlock_unlock(&e->lock);
}

cx_result engine_forget(engine_t *e, int64_t response_id)
{
    pthread_rwlock_wrlock(&e->lock);
    /* rows are in id order: binary search over all of them */
    size_t lo = 0, hi = e->nrows;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e->chunks[mid >> CHUNK_SHIFT]->id[mid & (CHUNK_ROWS - 1)] < response_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    cx_result rc = CX_ERR_NOT_FOUND;
    if (lo < e->nrows) {
        chunk_t *ch = e->chunks[lo >> CHUNK_SHIFT];
        size_t k = lo & (CHUNK_ROWS - 1);
        if (ch->id[k] == response_id && ch->survey[k] != 0) {
            if (e->cube)
                cube_remove_row(e->cube, e, lo);
            /* survey 0 is no survey: no metric counts the row, nor its
             * answers, which are scanned through their row's survey */
            ch->survey[k] = 0;
            e->generation++;
            rc = CX_OK;
        }
    }
    pthread_rwlock_unlock(&e->lock);
    return rc;
}

/* ---- one response read again ---- */

/* What engine_reload_response reads: the row and its answers, copied out of
 * the store job so the lock is taken only to apply them. */
typedef struct reload {
    int64_t id;
    bool found;
    int score;
    size_t nanswers, capacity;
    store_answer_row_t *answers; /* texts are strdup'ed */
} reload_t;

static cx_result reload_row(const store_response_row_t *row, void *ctx)
{
    reload_t *r = ctx;
    if (row->id == r->id) {
        r->found = true;
        r->score = row->score;
    }
    return CX_OK;
}

static cx_result reload_answer(const store_answer_row_t *row, void *ctx)
{
    reload_t *r = ctx;
    if (row->response_id != r->id)
        return CX_OK;
    if (r->nanswers == r->capacity) {
        size_t cap = r->capacity ? r->capacity * 2 : 16;
        store_answer_row_t *grown = realloc(r->answers, cap * sizeof *grown);
        if (!grown)
            return CX_ERR_NOMEM;
        r->answers = grown;
        r->capacity = cap;
    }
    store_answer_row_t *a = &r->answers[r->nanswers];
    *a = *row;
    a->text = NULL;
    if (row->text && !(a->text = strdup(row->text)))
        return CX_ERR_NOMEM;
    r->nanswers++;
    return CX_OK;
}

static cx_result reload_job(db_conn_t *db, void *arg)
{
    reload_t *r = arg;
    cx_result rc = store_responses_scan(db, r->id - 1, 1, reload_row, r);
    if (!rc && r->found)
        rc = store_answers_scan(db, r->id - 1, r->id, reload_answer, r);
    return rc;
}

cx_result engine_reload_response(engine_t *e, store_t *store, int64_t response_id)
{
    reload_t r = {.id = response_id};
    cx_result rc = response_id > 0 ? store_read(store, reload_job, &r) : CX_ERR_NOT_FOUND;
    if (!rc && !r.found)
        rc = CX_ERR_NOT_FOUND;
    if (!rc) {
        pthread_rwlock_wrlock(&e->lock);
        size_t lo = 0, hi = e->nrows;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (e->chunks[mid >> CHUNK_SHIFT]->id[mid & (CHUNK_ROWS - 1)] < response_id)
                lo = mid + 1;
            else
                hi = mid;
        }
        chunk_t *ch = lo < e->nrows ? e->chunks[lo >> CHUNK_SHIFT] : NULL;
        size_t k = lo & (CHUNK_ROWS - 1);
        if (!ch || ch->id[k] != response_id || ch->survey[k] == 0) {
            /* not loaded yet (the next refresh reads it whole) or forgotten */
            rc = CX_ERR_NOT_FOUND;
        } else {
            /* forget, then add again: the cube entry moves with the score */
            if (e->cube)
                cube_remove_row(e->cube, e, lo);
            ch->score[k] = normalise_score(e->dims, ch->survey[k], r.score, &e->anomalies);
            if (e->cube && !cube_add_rows(e->cube, e, lo, lo + 1)) {
                cube_free(e->cube); /* out of memory: rows still answer everything */
                e->cube = NULL;
            }
            rc = answers_replace_row(e, (uint32_t)lo, ch->survey[k], r.answers, r.nanswers);
            e->generation++; /* cached pages computed before are stale */
        }
        pthread_rwlock_unlock(&e->lock);
    }
    for (size_t i = 0; i < r.nanswers; i++)
        free((char *)r.answers[i].text);
    free(r.answers);
    return rc;
}

uint64_t engine_generation(engine_t *e)
{
    pthread_rwlock_rdlock(&e->lock);
    uint64_t g = e->generation;
    pthread_rwlock_unlock(&e->lock);
    return g;
}
