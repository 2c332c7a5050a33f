/*
 * engine.c — the in-memory columnar metrics engine (see engine.h).
 *
 * Layout. Rows live in chunks of 65,536, each chunk a struct of column
 * arrays with a zone map (the smallest and largest local day it holds), so
 * a date-bounded query skips whole chunks. Rows arrive in id order, which
 * is nearly time order, so zone maps stay tight. The chunk directory has a
 * fixed capacity, so it is never moved while queries read it.
 *
 * Concurrency. One rwlock guards everything: a query holds it for reading
 * while it scans; a refresh reads from the store without it, then takes it
 * for writing only to copy a batch of at most one chunk in and publish it.
 *
 * Queries. A query is planned into a per-dimension "allowed" table for
 * each filter and a key per grouping dimension, then scanned in blocks of
 * 1,024 rows: each step (selection, key, histogram) is a tight loop over
 * one column, which the compiler vectorises where it can. Two worker
 * threads split the chunks. Groups accumulate score histograms
 * (core/stats.h), which become figures with intervals at the end.
 *
 * Change. With a period grouping, each row is compared with the previous
 * period of the same other key (the scan reaches back one period before
 * --from for this). Without one, and with a date range, each row is
 * compared with the equally long range just before it, gathered in the
 * same pass.
 */
#include "engine/engine.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/accounts.h"
#include "store/metrics_source.h"
#include "sys/tz.h"

#define CHUNK_SHIFT 16
#define CHUNK_ROWS (1u << CHUNK_SHIFT)
#define MAX_CHUNKS 65536u
#define BLOCK 1024
#define SLOTS 12          /* scores 0..10 and "skipped" */
#define SKIPPED_SLOT 11
#define MAX_GROUPS (1u << 22)
#define DICT_MAX 256      /* channels, languages, value tiers */

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
} dims_t;

struct engine {
    pthread_rwlock_t lock;
    chunk_t **chunks;          /* MAX_CHUNKS slots */
    size_t nrows;              /* published */
    int64_t last_id;
    dims_t *dims;
    char *channels[DICT_MAX];  /* [0] = none */
    uint32_t nchannels;
    char *languages[DICT_MAX];
    uint32_t nlanguages;
    uint64_t anomalies;        /* scores outside their scale, kept as skipped */
};

static const char *const dim_names[DIM_COUNT] = {
    [DIM_NONE] = NULL,         [DIM_DAY] = "day",       [DIM_WEEK] = "week",
    [DIM_MONTH] = "month",     [DIM_QUARTER] = "quarter", [DIM_YEAR] = "year",
    [DIM_SURVEY] = "survey",   [DIM_TOUCHPOINT] = "touchpoint", [DIM_STAGE] = "stage",
    [DIM_CHANNEL] = "channel", [DIM_SEGMENT] = "segment", [DIM_ACCOUNT] = "account",
    [DIM_LANGUAGE] = "language", [DIM_TIER] = "tier",
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

/* Index of a name, or -1. */
static int64_t name_table_find(const name_table_t *t, const char *name)
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
    int64_t stage = name_table_find(&d->stages, row->parent_name);
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
        d->ncustomers = count;
    }
    d->customer_segment[id] =
        row->parent_id > 0 && row->parent_id < UINT16_MAX ? (uint16_t)row->parent_id : 0;
    d->customer_account[id] =
        row->other_id > 0 && row->other_id < (int64_t)MAX_GROUPS ? (uint32_t)row->other_id : 0;
    uint8_t tier = 0;
    if (row->extra[0]) {
        int64_t t = name_table_find(&d->tiers, row->extra);
        if (t < 0 && d->tiers.count < DICT_MAX) {
            t = d->tiers.count ? d->tiers.count : 1;
            if (!name_table_set(&d->tiers, (uint32_t)t, row->extra))
                return CX_ERR_NOMEM;
        }
        tier = t > 0 ? (uint8_t)t : 0;
    }
    d->customer_tier[id] = tier;
    return CX_OK;
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
    pthread_rwlock_unlock(&e->lock);
    dims_free(old);
    return CX_OK;
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
    if (!staging.rows)
        return CX_ERR_NOMEM;
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
        pthread_rwlock_wrlock(&e->lock);
        rc = apply_batch(e, &staging);
        pthread_rwlock_unlock(&e->lock);
        if (rc || staging.count < staging.capacity)
            break;
    }
    for (uint32_t i = 0; i < staging.nchannels; i++)
        free(staging.new_channels[i]);
    for (uint32_t i = 0; i < staging.nlanguages; i++)
        free(staging.new_languages[i]);
    free(staging.rows);
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
                       (size_t)d->ncustomers * (2 + 4 + 1);
    pthread_rwlock_unlock(&e->lock);
}

/* ---- queries ----------------------------------------------------------- */

typedef struct metric_def {
    const char *name;
    metric_kind kind;
    enum survey_kind survey_kind; /* KIND_NONE: every survey */
} metric_def_t;

static const metric_def_t metric_defs[] = {
    {"nps", METRIC_NPS, KIND_NPS},   {"enps", METRIC_NPS, KIND_ENPS},
    {"csat", METRIC_CSAT, KIND_CSAT}, {"ces", METRIC_CES, KIND_CES},
    {"count", METRIC_COUNT, KIND_NONE},
};

/* How one grouping dimension turns a row into a key. */
typedef struct group_key {
    engine_dim dim;
    uint32_t card;        /* keys are 0..card-1 */
    uint32_t multiplier;
    const uint16_t *period_of_day; /* periods: indexed by day - day_base */
} group_key_t;

typedef struct filter_plan {
    engine_dim dim;
    uint8_t *allowed;     /* indexed by the dimension's key */
} filter_plan_t;

typedef struct plan {
    const engine_t *engine;
    const dims_t *dims;
    size_t nrows;
    uint8_t *survey_ok;   /* by survey index */
    int nfilters;
    filter_plan_t filters[ENGINE_MAX_FILTERS];
    int32_t day_lo, day_hi;   /* scanned (current plus previous) */
    int32_t current_lo;       /* rows before this go to the "previous" groups */
    bool previous_groups;     /* comparing with the range before */
    int nkeys;
    group_key_t keys[2];
    uint32_t groups;          /* per range */
    bool count_everything;    /* METRIC_COUNT: skipped answers count too */
    /* periods: day → period ordinal over [day_lo, day_hi] */
    int32_t day_base;
    uint16_t *period_of_day[2];
    uint32_t nperiods[2];
    int32_t *period_first_day[2]; /* ordinal → its first day, for labels */
} plan_t;

/* Key of one row for a non-period dimension, via the chunk's columns. */
static inline uint32_t dim_key(const plan_t *p, engine_dim dim, const chunk_t *ch, size_t k)
{
    const dims_t *d = p->dims;
    switch (dim) {
    case DIM_SURVEY: return ch->survey[k];
    case DIM_TOUCHPOINT: return ch->touchpoint[k];
    case DIM_STAGE: return d->touchpoints.attr[ch->touchpoint[k]];
    case DIM_CHANNEL: return ch->channel[k];
    case DIM_LANGUAGE: return ch->language[k];
    case DIM_SEGMENT: return d->customer_segment[ch->customer[k]];
    case DIM_ACCOUNT: return d->customer_account[ch->customer[k]];
    case DIM_TIER: return d->customer_tier[ch->customer[k]];
    default: return 0;
    }
}

static uint32_t dim_cardinality(const engine_t *e, const dims_t *d, engine_dim dim)
{
    switch (dim) {
    case DIM_SURVEY: return d->surveys.count;
    case DIM_TOUCHPOINT: return d->touchpoints.count;
    case DIM_STAGE: return d->stages.count;
    case DIM_CHANNEL: return e->nchannels;
    case DIM_LANGUAGE: return e->nlanguages;
    case DIM_SEGMENT: return d->segments.count;
    case DIM_ACCOUNT: return d->accounts.count;
    case DIM_TIER: return d->tiers.count;
    default: return 1;
    }
}

/* Name of key `k` of a non-period dimension; NULL for "none". */
static const char *dim_label(const engine_t *e, const dims_t *d, engine_dim dim, uint32_t k)
{
    switch (dim) {
    case DIM_SURVEY: return k < d->surveys.count ? d->surveys.names[k] : NULL;
    case DIM_TOUCHPOINT: return k < d->touchpoints.count ? d->touchpoints.names[k] : NULL;
    case DIM_STAGE: return k < d->stages.count ? d->stages.names[k] : NULL;
    case DIM_CHANNEL: return k > 0 && k < e->nchannels ? e->channels[k] : NULL;
    case DIM_LANGUAGE: return k > 0 && k < e->nlanguages ? e->languages[k] : NULL;
    case DIM_SEGMENT: return k < d->segments.count ? d->segments.names[k] : NULL;
    case DIM_ACCOUNT: return k < d->accounts.count ? d->accounts.names[k] : NULL;
    case DIM_TIER: return k < d->tiers.count ? d->tiers.names[k] : NULL;
    default: return NULL;
    }
}

static uint32_t dim_rank(const dims_t *d, engine_dim dim, uint32_t k)
{
    switch (dim) {
    case DIM_SURVEY: return d->surveys.rank[k];
    case DIM_TOUCHPOINT: return d->touchpoints.rank[k];
    case DIM_SEGMENT: return d->segments.rank[k];
    case DIM_ACCOUNT: return d->accounts.rank[k];
    case DIM_TIER: return d->tiers.rank[k];
    default: return k; /* stages in journey order; channels, languages as met */
    }
}

/* The first day of the period containing `day`. */
static int32_t period_start(engine_dim dim, int32_t day)
{
    int y, m, dd;
    switch (dim) {
    case DIM_DAY: return day;
    case DIM_WEEK: return day - (tz_weekday(day) - 1);
    case DIM_MONTH: tz_civil_from_days(day, &y, &m, &dd); return tz_days_from_civil(y, m, 1);
    case DIM_QUARTER:
        tz_civil_from_days(day, &y, &m, &dd);
        return tz_days_from_civil(y, (m - 1) / 3 * 3 + 1, 1);
    case DIM_YEAR: tz_civil_from_days(day, &y, &m, &dd); return tz_days_from_civil(y, 1, 1);
    default: return day;
    }
}

static void period_label(engine_dim dim, int32_t first_day, char *out, size_t len)
{
    int y, m, d;
    tz_civil_from_days(first_day, &y, &m, &d);
    switch (dim) {
    case DIM_DAY: snprintf(out, len, "%04d-%02d-%02d", y, m, d); break;
    case DIM_WEEK: {
        int iso_year, week;
        tz_iso_week(first_day, &iso_year, &week);
        snprintf(out, len, "%04d-W%02d", iso_year, week);
        break;
    }
    case DIM_MONTH: snprintf(out, len, "%04d-%02d", y, m); break;
    case DIM_QUARTER: snprintf(out, len, "%04d-Q%d", y, (m - 1) / 3 + 1); break;
    default: snprintf(out, len, "%04d", y);
    }
}

/* Resolves one filter value to a key of its dimension: by name, or by
 * numeric id for dimensions keyed by id. -1 when unknown. */
static int64_t resolve_value(const engine_t *e, const dims_t *d, engine_dim dim, const char *v)
{
    const name_table_t *t = NULL;
    switch (dim) {
    case DIM_SURVEY: t = &d->surveys; break;
    case DIM_TOUCHPOINT: t = &d->touchpoints; break;
    case DIM_STAGE: t = &d->stages; break;
    case DIM_SEGMENT: t = &d->segments; break;
    case DIM_ACCOUNT: t = &d->accounts; break;
    case DIM_TIER: t = &d->tiers; break;
    case DIM_CHANNEL:
        for (uint32_t i = 1; i < e->nchannels; i++)
            if (strcmp(e->channels[i], v) == 0)
                return i;
        return -1;
    case DIM_LANGUAGE:
        for (uint32_t i = 1; i < e->nlanguages; i++)
            if (strcmp(e->languages[i], v) == 0)
                return i;
        return -1;
    default: return -1;
    }
    int64_t k = name_table_find(t, v);
    if (k >= 0)
        return k;
    if (dim == DIM_SURVEY || dim == DIM_TOUCHPOINT || dim == DIM_SEGMENT || dim == DIM_ACCOUNT) {
        char *end;
        long long id = strtoll(v, &end, 10);
        if (*v && !*end && id > 0 && (uint64_t)id < t->count && t->names[id])
            return id;
    }
    return -1;
}

static void plan_free(plan_t *p)
{
    free(p->survey_ok);
    for (int i = 0; i < p->nfilters; i++)
        free(p->filters[i].allowed);
    for (int i = 0; i < 2; i++) {
        free(p->period_of_day[i]);
        free(p->period_first_day[i]);
    }
}

typedef struct worker {
    const plan_t *plan;
    size_t first_chunk, end_chunk;
    uint32_t *hist;       /* (groups × ranges) × SLOTS */
    size_t scanned;
    pthread_t thread;
    bool started;
} worker_t;

/* The scan kernel over one block of `n` rows at offset k0 of a chunk. */
static void scan_block(const plan_t *p, const chunk_t *ch, size_t k0, size_t n, uint32_t *hist,
                       bool check_days)
{
    uint8_t sel[BLOCK];
    uint32_t key[BLOCK];
    const uint8_t *survey_ok = p->survey_ok;
    for (size_t i = 0; i < n; i++)
        sel[i] = survey_ok[ch->survey[k0 + i]];
    if (check_days) {
        for (size_t i = 0; i < n; i++) {
            int32_t day = ch->day[k0 + i];
            sel[i] &= (uint8_t)(day >= p->day_lo && day <= p->day_hi);
        }
    }
    for (int f = 0; f < p->nfilters; f++) {
        const uint8_t *allowed = p->filters[f].allowed;
        engine_dim dim = p->filters[f].dim;
        for (size_t i = 0; i < n; i++)
            sel[i] &= allowed[dim_key(p, dim, ch, k0 + i)];
    }
    for (size_t i = 0; i < n; i++)
        key[i] = 0;
    for (int g = 0; g < p->nkeys; g++) {
        const group_key_t *gk = &p->keys[g];
        uint32_t mul = gk->multiplier;
        if (gk->period_of_day) {
            const uint16_t *pod = gk->period_of_day;
            int32_t base = p->day_base;
            for (size_t i = 0; i < n; i++) {
                int32_t off = (int32_t)ch->day[k0 + i] - base;
                /* rows outside the range are deselected; keep the index valid */
                off = off < 0 ? 0 : off > p->day_hi - base ? p->day_hi - base : off;
                key[i] += pod[off] * mul;
            }
        } else {
            for (size_t i = 0; i < n; i++)
                key[i] += dim_key(p, gk->dim, ch, k0 + i) * mul;
        }
    }
    if (p->previous_groups) {
        for (size_t i = 0; i < n; i++)
            key[i] += ch->day[k0 + i] < p->current_lo ? p->groups : 0;
    }
    const int8_t *score = ch->score + k0;
    if (p->count_everything) {
        for (size_t i = 0; i < n; i++)
            hist[key[i] * SLOTS] += sel[i];
    } else {
        for (size_t i = 0; i < n; i++) {
            unsigned slot = score[i] < 0 ? SKIPPED_SLOT : (unsigned)score[i];
            hist[key[i] * SLOTS + slot] += sel[i];
        }
    }
}

static void *worker_main(void *arg)
{
    worker_t *w = arg;
    const plan_t *p = w->plan;
    const engine_t *e = p->engine;
    for (size_t c = w->first_chunk; c < w->end_chunk; c++) {
        const chunk_t *ch = e->chunks[c];
        size_t rows = p->nrows - (c << CHUNK_SHIFT);
        if (rows > CHUNK_ROWS)
            rows = CHUNK_ROWS;
        if (ch->max_day < p->day_lo || ch->min_day > p->day_hi)
            continue; /* zone map: nothing here in range */
        bool check_days = ch->min_day < p->day_lo || ch->max_day > p->day_hi;
        for (size_t k = 0; k < rows; k += BLOCK) {
            size_t n = rows - k < BLOCK ? rows - k : BLOCK;
            scan_block(p, ch, k, n, w->hist, check_days);
        }
        w->scanned += rows;
    }
    return NULL;
}

/* Builds the day → period tables of the plan for a period dimension. */
static bool plan_periods(plan_t *p, int which, engine_dim dim)
{
    size_t days = (size_t)(p->day_hi - p->day_base + 1);
    p->period_of_day[which] = malloc(days * sizeof(uint16_t));
    p->period_first_day[which] = malloc(days * sizeof(int32_t));
    if (!p->period_of_day[which] || !p->period_first_day[which])
        return false;
    uint32_t ordinal = 0;
    int32_t current = period_start(dim, p->day_base);
    p->period_first_day[which][0] = current;
    for (size_t i = 0; i < days; i++) {
        int32_t start = period_start(dim, p->day_base + (int32_t)i);
        if (start != current) {
            current = start;
            p->period_first_day[which][++ordinal] = start;
        }
        p->period_of_day[which][i] = (uint16_t)ordinal;
    }
    p->nperiods[which] = ordinal + 1;
    return ordinal < UINT16_MAX;
}

typedef struct pending_row {
    uint32_t key[2];
    uint32_t rank[2];
    uint32_t group;
} pending_row_t;

static int pending_compare(const void *a, const void *b)
{
    const pending_row_t *x = a, *y = b;
    for (int i = 0; i < 2; i++) {
        if (x->rank[i] != y->rank[i])
            return x->rank[i] < y->rank[i] ? -1 : 1;
    }
    return 0;
}

static void hist_from_slots(const uint32_t *slots, bool count_everything, score_hist_t *h)
{
    memset(h, 0, sizeof *h);
    for (int v = 0; v <= SCORE_MAX; v++)
        h->count[v] = slots[v];
    h->skipped = count_everything ? 0 : slots[SKIPPED_SLOT];
}

static cx_result query_error(char *err, size_t errlen, const char *fmt, const char *what)
{
    snprintf(err, errlen, fmt, what);
    return CX_ERR_INVALID;
}

cx_result engine_query(engine_t *e, const engine_query_t *q, engine_result_t *out, char *err,
                       size_t errlen)
{
    memset(out, 0, sizeof *out);
    arena_init(&out->arena);
    err[0] = '\0';
    const metric_def_t *metric = NULL;
    for (size_t i = 0; i < sizeof metric_defs / sizeof metric_defs[0]; i++)
        if (q->metric && strcmp(q->metric, metric_defs[i].name) == 0)
            metric = &metric_defs[i];
    if (!metric)
        return query_error(err, errlen, "unknown metric '%s': use nps, enps, csat, ces or count",
                           q->metric ? q->metric : "");
    if (q->by[0] != DIM_NONE && q->by[0] == q->by[1])
        return query_error(err, errlen, "'%s' is given twice in the grouping",
                           engine_dim_name(q->by[0]));
    if (engine_dim_is_period(q->by[0]) && engine_dim_is_period(q->by[1]))
        return query_error(err, errlen, "%s", "group by at most one period");
    if (q->has_from && q->has_to && q->from_day > q->to_day)
        return query_error(err, errlen, "%s", "the date range ends before it starts");
    snprintf(out->metric, sizeof out->metric, "%s", metric->name);
    out->by[0] = q->by[0];
    out->by[1] = q->by[1];

    pthread_rwlock_rdlock(&e->lock);
    plan_t p = {.engine = e, .dims = e->dims, .nrows = e->nrows};
    const dims_t *d = p.dims;
    cx_result rc = CX_OK;
    metric_spec_t spec = {.kind = metric->kind};
    p.count_everything = metric->kind == METRIC_COUNT;

    p.survey_ok = calloc(d->surveys.count, 1);
    if (!p.survey_ok) {
        rc = CX_ERR_NOMEM;
        goto done;
    }
    for (uint32_t s = 1; s < d->surveys.count; s++)
        p.survey_ok[s] = d->surveys.names[s] &&
                         (metric->survey_kind == KIND_NONE ||
                          (d->surveys.attr[s] & 0xFF) == (uint32_t)metric->survey_kind);

    for (int f = 0; f < q->nfilters && !rc; f++) {
        const engine_filter_t *flt = &q->filters[f];
        if (engine_dim_is_period(flt->dim) || flt->dim <= DIM_NONE || flt->dim >= DIM_COUNT) {
            rc = query_error(err, errlen, "cannot filter on '%s': use from and to for dates",
                             engine_dim_name(flt->dim) ? engine_dim_name(flt->dim) : "?");
            break;
        }
        uint32_t card = dim_cardinality(e, d, flt->dim);
        uint8_t *allowed = calloc(card ? card : 1, 1);
        if (!allowed) {
            rc = CX_ERR_NOMEM;
            break;
        }
        p.filters[p.nfilters].dim = flt->dim;
        p.filters[p.nfilters++].allowed = allowed;
        for (int v = 0; v < flt->nvalues; v++) {
            int64_t k = resolve_value(e, d, flt->dim, flt->values[v]);
            if (k < 0) {
                snprintf(err, errlen, "unknown %s '%s'", engine_dim_name(flt->dim),
                         flt->values[v]);
                rc = CX_ERR_INVALID;
                break;
            }
            allowed[k] = 1;
        }
    }
    if (rc)
        goto done;

    /* the day range: the data's own, narrowed by from/to */
    int32_t data_lo = INT32_MAX, data_hi = INT32_MIN;
    size_t nchunks = (p.nrows + CHUNK_ROWS - 1) >> CHUNK_SHIFT;
    for (size_t c = 0; c < nchunks; c++) {
        if (e->chunks[c]->min_day < data_lo)
            data_lo = e->chunks[c]->min_day;
        if (e->chunks[c]->max_day > data_hi)
            data_hi = e->chunks[c]->max_day;
    }
    if (nchunks == 0)
        data_lo = data_hi = 0;
    int32_t lo = q->has_from ? q->from_day : data_lo;
    int32_t hi = q->has_to ? q->to_day : data_hi;
    if (lo < 0)
        lo = 0;
    if (hi > UINT16_MAX - 1)
        hi = UINT16_MAX - 1;
    if (hi < lo)
        hi = lo;
    p.current_lo = lo;
    int period_key = -1;
    for (int i = 0; i < 2; i++)
        if (engine_dim_is_period(q->by[i]))
            period_key = i;
    /* Rows before `from` are gathered apart (the "previous" groups): with a
     * period grouping they reach back to the start of the period before
     * the first one shown, so that one has a change too; without one they
     * are the equally long range just before. */
    if (q->has_from && period_key >= 0) {
        int32_t first = period_start(q->by[period_key], lo);
        p.previous_groups = true;
        p.day_lo = first > 0 ? period_start(q->by[period_key], first - 1) : 0;
    } else if (q->has_from) {
        int32_t len = hi - lo + 1;
        p.previous_groups = true;
        p.day_lo = lo - len < 0 ? 0 : lo - len;
    } else {
        p.day_lo = lo;
    }
    p.day_hi = hi;
    p.day_base = p.day_lo;

    /* grouping keys */
    uint64_t groups = 1;
    for (int i = 0; i < 2; i++) {
        if (q->by[i] == DIM_NONE)
            continue;
        group_key_t *gk = &p.keys[p.nkeys];
        gk->dim = q->by[i];
        if (engine_dim_is_period(q->by[i])) {
            if (!plan_periods(&p, p.nkeys, q->by[i])) {
                rc = query_error(err, errlen, "%s", "the date range has too many periods");
                goto done;
            }
            gk->period_of_day = p.period_of_day[p.nkeys];
            gk->card = p.nperiods[p.nkeys];
        } else {
            gk->card = dim_cardinality(e, d, q->by[i]);
        }
        p.nkeys++;
        groups *= gk->card ? gk->card : 1;
    }
    if (groups * (p.previous_groups ? 2 : 1) > MAX_GROUPS) {
        rc = query_error(err, errlen, "%s", "too many groups: filter or group by less");
        goto done;
    }
    p.groups = (uint32_t)groups;
    if (p.nkeys == 2) {
        p.keys[0].multiplier = p.keys[1].card;
        p.keys[1].multiplier = 1;
    } else if (p.nkeys == 1) {
        p.keys[0].multiplier = 1;
    }
    uint32_t total_groups = p.groups * (p.previous_groups ? 2 : 1);

    /* scan */
    int nthreads = q->threads > 0 ? q->threads : (p.nrows > 200000 ? 2 : 1);
    if (nthreads > 8)
        nthreads = 8;
    worker_t workers[8];
    memset(workers, 0, sizeof workers);
    for (int t = 0; t < nthreads; t++) {
        workers[t].plan = &p;
        workers[t].first_chunk = nchunks * (size_t)t / (size_t)nthreads;
        workers[t].end_chunk = nchunks * (size_t)(t + 1) / (size_t)nthreads;
        workers[t].hist = calloc((size_t)total_groups * SLOTS, sizeof(uint32_t));
        if (!workers[t].hist)
            rc = CX_ERR_NOMEM;
    }
    if (!rc) {
        for (int t = 1; t < nthreads; t++)
            workers[t].started =
                pthread_create(&workers[t].thread, NULL, worker_main, &workers[t]) == 0;
        worker_main(&workers[0]);
        for (int t = 1; t < nthreads; t++) {
            if (workers[t].started)
                pthread_join(workers[t].thread, NULL);
            else
                worker_main(&workers[t]); /* no thread to be had: do it here */
        }
        for (int t = 1; t < nthreads; t++) {
            for (size_t i = 0; i < (size_t)total_groups * SLOTS; i++)
                workers[0].hist[i] += workers[t].hist[i];
            workers[0].scanned += workers[t].scanned;
        }
    }
    uint32_t *hist = workers[0].hist;
    out->rows_scanned = workers[0].scanned;

    /* rows: every group with an answer or a skip, in display order */
    pending_row_t *pending = NULL;
    size_t npending = 0;
    if (!rc) {
        pending = malloc((size_t)p.groups * sizeof *pending);
        if (!pending)
            rc = CX_ERR_NOMEM;
    }
    for (uint32_t g = 0; !rc && g < p.groups; g++) {
        const uint32_t *slots = hist + (size_t)g * SLOTS;
        uint64_t total = 0;
        for (int s = 0; s < SLOTS; s++)
            total += slots[s];
        if (total == 0)
            continue;
        pending_row_t *pr = &pending[npending];
        memset(pr, 0, sizeof *pr);
        uint32_t rest = g;
        bool keep = true;
        for (int i = 0; i < p.nkeys; i++) {
            pr->key[i] = rest / p.keys[i].multiplier;
            rest %= p.keys[i].multiplier;
            if (p.keys[i].period_of_day) {
                pr->rank[i] = pr->key[i];
                if (p.period_first_day[i][pr->key[i]] < period_start(p.keys[i].dim, lo))
                    keep = false; /* the extra period before the range */
            } else {
                pr->rank[i] = dim_rank(d, p.keys[i].dim, pr->key[i]);
            }
        }
        pr->group = g;
        if (keep)
            npending++;
    }
    if (!rc && npending > 1)
        qsort(pending, npending, sizeof *pending, pending_compare);

    if (!rc && npending) {
        out->rows = arena_alloc(&out->arena, npending * sizeof *out->rows);
        if (!out->rows)
            rc = CX_ERR_NOMEM;
    }
    for (size_t r = 0; !rc && r < npending; r++) {
        const pending_row_t *pr = &pending[r];
        engine_row_t *row = &out->rows[r];
        score_hist_t h, prev;
        hist_from_slots(hist + (size_t)pr->group * SLOTS, p.count_everything, &h);
        stats_estimate(&spec, &h, &row->estimate);
        row->p_value = row->q_value = row->change = NAN;
        int64_t prev_group = -1;
        if (period_key >= 0 && pr->key[period_key] > 0) {
            /* the period before: among the rows shown, or, for the first
             * period shown, among the rows gathered before `from` */
            prev_group = (int64_t)pr->group - p.keys[period_key].multiplier;
            uint32_t before = pr->key[period_key] - 1;
            if (p.previous_groups &&
                p.period_first_day[period_key][before] < period_start(p.keys[period_key].dim, lo))
                prev_group += p.groups;
        } else if (period_key < 0 && p.previous_groups) {
            prev_group = (int64_t)pr->group + p.groups;
        }
        if (prev_group >= 0) {
            hist_from_slots(hist + (size_t)prev_group * SLOTS, p.count_everything, &prev);
            if (hist_n(&prev) > 0 && row->estimate.n > 0) {
                comparison_t cmp;
                stats_compare(&spec, &h, &prev, &cmp);
                row->has_change = true;
                row->change = cmp.difference;
                row->p_value = cmp.p_value;
            }
        }
        for (int i = 0; i < p.nkeys; i++) {
            char label[32];
            const char *text;
            if (p.keys[i].period_of_day) {
                period_label(p.keys[i].dim, p.period_first_day[i][pr->key[i]], label,
                             sizeof label);
                text = label;
            } else {
                text = dim_label(e, d, p.keys[i].dim, pr->key[i]);
                if (!text)
                    text = "(none)";
            }
            row->labels[i] = arena_strdup(&out->arena, text);
            if (!row->labels[i])
                rc = CX_ERR_NOMEM;
        }
    }
    out->nrows = rc ? 0 : npending;

    /* false discovery rate over the rows' changes */
    if (!rc && out->nrows > 1) {
        double *pv = malloc(out->nrows * sizeof *pv);
        double *qv = malloc(out->nrows * sizeof *qv);
        stats_ranked_t *scratch = malloc(out->nrows * sizeof *scratch);
        if (pv && qv && scratch) {
            for (size_t r = 0; r < out->nrows; r++)
                pv[r] = out->rows[r].p_value;
            stats_benjamini_hochberg(pv, qv, out->nrows, scratch);
            for (size_t r = 0; r < out->nrows; r++)
                out->rows[r].q_value = qv[r];
            out->fdr_applied = true;
        } else {
            rc = CX_ERR_NOMEM;
        }
        free(pv);
        free(qv);
        free(scratch);
    } else if (!rc && out->nrows == 1) {
        out->rows[0].q_value = out->rows[0].p_value;
    }
    free(pending);
    for (int t = 0; t < nthreads; t++)
        free(workers[t].hist);
done:
    pthread_rwlock_unlock(&e->lock);
    plan_free(&p);
    if (rc && rc != CX_ERR_INVALID)
        snprintf(err, errlen, "%s", cx_result_text(rc));
    if (rc)
        engine_result_free(out);
    return rc;
}

void engine_result_free(engine_result_t *r)
{
    arena_free(&r->arena);
    r->rows = NULL;
    r->nrows = 0;
}
