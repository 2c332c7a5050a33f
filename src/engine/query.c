/*
 * query.c — answering a metrics query (see engine.h): planning, the scan
 * kernel, and turning score histograms into rows with intervals, change
 * and false-discovery control.
 *
 * A query is planned into an "allowed" table per filter and a key per
 * grouping dimension, then scanned in blocks of 1,024 entries: each step
 * (selection, key, histogram) is a tight loop over one column, which the
 * compiler vectorises where it can. Worker threads split the chunks. The
 * scan reads either rows or, when the query does not involve accounts, the
 * pre-aggregated cube (engine_internal.h) — the same kernel through a
 * column_view_t.
 *
 * Change. With a period grouping, each row is compared with the previous
 * period of the same other key (with --from, the scan reaches back one
 * period for this, gathering those rows apart). Without one, and with a
 * date range, each row is compared with the equally long range just
 * before, gathered in the same pass.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/engine_internal.h"
#include "sys/tz.h"


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
    const cube_t *cube;       /* scan the cube instead of rows */
    const answer_set_t *answers; /* scan a question's answers instead */
    size_t nanswers;
    uint32_t share_mask;      /* share of choices: the bit asked for */
    int share_value;          /* share of a numeric value; -1 otherwise */
    size_t nentries;          /* rows or cube entries to scan */
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

/* Key of entry i of a view for a non-period dimension. */
static inline uint32_t dim_key(const dims_t *d, engine_dim dim, const column_view_t *v, size_t i)
{
    switch (dim) {
    case DIM_SURVEY: return v->survey[i];
    case DIM_TOUCHPOINT: return v->touchpoint[i];
    case DIM_STAGE: return d->touchpoints.attr[v->touchpoint[i]];
    case DIM_CHANNEL: return v->channel[i];
    case DIM_LANGUAGE: return v->language[i];
    case DIM_SEGMENT: return v->segment ? v->segment[i] : d->customer_segment[v->customer[i]];
    case DIM_ACCOUNT: return v->customer ? d->customer_account[v->customer[i]] : 0;
    case DIM_TIER: return v->tier ? v->tier[i] : d->customer_tier[v->customer[i]];
    default:
        /* customer attributes: rows only (the planner keeps them off the cube) */
        if (dim >= DIM_ATTR_FIRST && v->customer)
            return d->attribute_of[dim - DIM_ATTR_FIRST][v->customer[i]];
        return 0;
    }
}

/* keys[i] = dim_key(entry k0 + i) for n entries: one loop per dimension,
 * so the switch is decided once per block. */
static void dim_keys(const dims_t *d, engine_dim dim, const column_view_t *v, size_t k0, size_t n,
                     uint32_t *keys)
{
    switch (dim) {
    case DIM_SURVEY:
        for (size_t i = 0; i < n; i++)
            keys[i] = v->survey[k0 + i];
        break;
    case DIM_TOUCHPOINT:
        for (size_t i = 0; i < n; i++)
            keys[i] = v->touchpoint[k0 + i];
        break;
    case DIM_STAGE:
        for (size_t i = 0; i < n; i++)
            keys[i] = d->touchpoints.attr[v->touchpoint[k0 + i]];
        break;
    case DIM_CHANNEL:
        for (size_t i = 0; i < n; i++)
            keys[i] = v->channel[k0 + i];
        break;
    case DIM_LANGUAGE:
        for (size_t i = 0; i < n; i++)
            keys[i] = v->language[k0 + i];
        break;
    case DIM_SEGMENT:
        if (v->segment)
            for (size_t i = 0; i < n; i++)
                keys[i] = v->segment[k0 + i];
        else
            for (size_t i = 0; i < n; i++)
                keys[i] = d->customer_segment[v->customer[k0 + i]];
        break;
    case DIM_TIER:
        if (v->tier)
            for (size_t i = 0; i < n; i++)
                keys[i] = v->tier[k0 + i];
        else
            for (size_t i = 0; i < n; i++)
                keys[i] = d->customer_tier[v->customer[k0 + i]];
        break;
    default:
        for (size_t i = 0; i < n; i++)
            keys[i] = dim_key(d, dim, v, k0 + i);
    }
}

static uint32_t dim_cardinality(const engine_t *e, const dims_t *d, engine_dim dim)
{
    if (dim >= DIM_ATTR_FIRST)
        return d->attribute_values[dim - DIM_ATTR_FIRST].count;
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
    if (dim >= DIM_ATTR_FIRST) {
        const name_table_t *t = &d->attribute_values[dim - DIM_ATTR_FIRST];
        return k < t->count ? t->names[k] : NULL;
    }
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
    if (dim >= DIM_ATTR_FIRST)
        return d->attribute_values[dim - DIM_ATTR_FIRST].rank[k];
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
    if (dim >= DIM_ATTR_FIRST)
        return engine_name_find(&d->attribute_values[dim - DIM_ATTR_FIRST], v);
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
    int64_t k = engine_name_find(t, v);
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

/* The scan kernel over entries [k0, k0 + n) of a view, n <= BLOCK. */
static void scan_block(const plan_t *p, const column_view_t *v, size_t k0, size_t n,
                       uint32_t *hist, bool check_days)
{
    uint8_t sel[BLOCK], pass[BLOCK];
    uint32_t key[BLOCK], tmp[BLOCK];
    const dims_t *d = p->dims;
    const uint8_t *survey_ok = p->survey_ok;
    for (size_t i = 0; i < n; i++)
        sel[i] = survey_ok[v->survey[k0 + i]];
    if (check_days) {
        for (size_t i = 0; i < n; i++) {
            int32_t day = v->day[k0 + i];
            sel[i] &= (uint8_t)(day >= p->day_lo && day <= p->day_hi);
        }
    }
    for (int f = 0; f < p->nfilters; f++) {
        const uint8_t *allowed = p->filters[f].allowed;
        dim_keys(d, p->filters[f].dim, v, k0, n, tmp);
        for (size_t i = 0; i < n; i++)
            pass[i] = allowed[tmp[i]];
        for (size_t i = 0; i < n; i++)
            sel[i] &= pass[i];
    }
    for (size_t i = 0; i < n; i++)
        key[i] = 0;
    for (int g = 0; g < p->nkeys; g++) {
        const group_key_t *gk = &p->keys[g];
        uint32_t mul = gk->multiplier;
        if (gk->period_of_day) {
            const uint16_t *pod = gk->period_of_day;
            int32_t base = p->day_base, last = p->day_hi - p->day_base;
            for (size_t i = 0; i < n; i++) {
                int32_t off = (int32_t)v->day[k0 + i] - base;
                /* entries outside the range are deselected; keep the index valid */
                off = off < 0 ? 0 : off > last ? last : off;
                key[i] += pod[off] * mul;
            }
        } else {
            dim_keys(d, gk->dim, v, k0, n, tmp);
            for (size_t i = 0; i < n; i++)
                key[i] += tmp[i] * mul;
        }
    }
    if (p->previous_groups) {
        for (size_t i = 0; i < n; i++)
            key[i] += v->day[k0 + i] < p->current_lo ? p->groups : 0;
    }
    if (v->counts) {
        /* cube entries: add their histograms */
        for (size_t i = 0; i < n; i++) {
            if (!sel[i])
                continue;
            const uint32_t *c = v->counts + (k0 + i) * SLOTS;
            uint32_t *h = hist + (size_t)key[i] * SLOTS;
            if (p->count_everything) {
                uint32_t total = 0;
                for (int s = 0; s < SLOTS; s++)
                    total += c[s];
                h[0] += total;
            } else {
                for (int s = 0; s < SLOTS; s++)
                    h[s] += c[s];
            }
        }
    } else if (p->count_everything) {
        for (size_t i = 0; i < n; i++)
            hist[key[i] * SLOTS] += sel[i];
    } else {
        const int8_t *score = v->score + k0;
        for (size_t i = 0; i < n; i++) {
            unsigned slot = score[i] < 0 ? SKIPPED_SLOT : (unsigned)score[i];
            hist[key[i] * SLOTS + slot] += sel[i];
        }
    }
}

/* Scans a question's answers: each block's row columns are gathered into
 * a view, with the answer (or 0/1 for a share) as the score. */
static void scan_answers(const plan_t *p, worker_t *w)
{
    const engine_t *e = p->engine;
    const answer_set_t *a = p->answers;
    uint16_t day[BLOCK], survey[BLOCK], touchpoint[BLOCK];
    uint8_t channel[BLOCK], language[BLOCK];
    uint32_t customer[BLOCK];
    int8_t score[BLOCK];
    for (size_t a0 = 0; a0 < p->nanswers; a0 += BLOCK) {
        size_t n = p->nanswers - a0 < BLOCK ? p->nanswers - a0 : BLOCK;
        for (size_t i = 0; i < n; i++) {
            uint32_t row = a->row[a0 + i];
            const chunk_t *ch = e->chunks[row >> CHUNK_SHIFT];
            size_t k = row & (CHUNK_ROWS - 1);
            day[i] = ch->day[k];
            survey[i] = ch->survey[k];
            touchpoint[i] = ch->touchpoint[k];
            channel[i] = ch->channel[k];
            language[i] = ch->language[k];
            customer[i] = ch->customer[k];
            uint32_t v = a->value[a0 + i];
            score[i] = p->share_mask    ? (int8_t)((v & p->share_mask) != 0)
                       : p->share_value >= 0 ? (int8_t)((int)v == p->share_value)
                                             : (int8_t)v;
        }
        column_view_t v = {.n = n, .day = day, .survey = survey, .touchpoint = touchpoint,
                           .channel = channel, .language = language, .customer = customer,
                           .score = score};
        scan_block(p, &v, 0, n, w->hist, true);
        w->scanned += n;
    }
}

static void *worker_main(void *arg)
{
    worker_t *w = arg;
    const plan_t *p = w->plan;
    const engine_t *e = p->engine;
    if (p->answers) {
        scan_answers(p, w);
        return NULL;
    }
    for (size_t c = w->first_chunk; c < w->end_chunk; c++) {
        column_view_t v;
        size_t n = p->nentries - (c << CHUNK_SHIFT);
        if (n > CHUNK_ROWS)
            n = CHUNK_ROWS;
        if (p->cube)
            engine_cube_view(p->cube->chunks[c], n, &v);
        else
            engine_row_view(e->chunks[c], n, &v);
        if (v.max_day < p->day_lo || v.min_day > p->day_hi)
            continue; /* zone map: nothing here in range */
        bool check_days = v.min_day < p->day_lo || v.max_day > p->day_hi;
        for (size_t k = 0; k < n; k += BLOCK) {
            size_t m = n - k < BLOCK ? n - k : BLOCK;
            scan_block(p, &v, k, m, w->hist, check_days);
        }
        w->scanned += n;
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

/* The internal dimension of a customer attribute, by key. */
static cx_result attribute_dim(const dims_t *d, const char *key, engine_dim *out, char *err,
                               size_t errlen)
{
    for (uint32_t a = 0; key && a < d->nattributes; a++) {
        if (strcmp(d->attribute_keys[a], key) != 0)
            continue;
        if (d->attribute_overflow[a])
            return query_error(err, errlen,
                               "the customer attribute '%s' has too many values to group or "
                               "filter by",
                               key);
        *out = (engine_dim)(DIM_ATTR_FIRST + a);
        return CX_OK;
    }
    return query_error(err, errlen, "no customer has an attribute '%s'", key ? key : "");
}

/* mean:QUESTION or share:QUESTION=VALUE: finds the answers and sets the
 * plan and the figure's kind. Caller holds the read lock. */
static cx_result plan_answer_metric(const engine_t *e, const char *name, plan_t *p,
                                    metric_spec_t *spec, char *err, size_t errlen)
{
    bool share = strncmp(name, "share:", 6) == 0;
    const char *question = name + (share ? 6 : 5);
    char key[80];
    const char *value = NULL;
    size_t len = strlen(question);
    if (share) {
        const char *eq = strchr(question, '=');
        if (!eq || eq == question || !eq[1])
            return query_error(err, errlen, "'%s': write share:QUESTION=VALUE", name);
        len = (size_t)(eq - question);
        value = eq + 1;
    }
    if (len == 0 || len >= sizeof key)
        return query_error(err, errlen, "'%s': name a question by key or id", name);
    memcpy(key, question, len);
    key[len] = '\0';
    p->answers = answers_find(e, key, err, errlen);
    if (!p->answers)
        return CX_ERR_INVALID;
    p->share_value = -1;
    if (!share) {
        if (p->answers->choice)
            return query_error(err, errlen,
                               "'%s' is a choice question: ask for share:QUESTION=VALUE", key);
        spec->kind = METRIC_MEAN;
        return CX_OK;
    }
    spec->kind = METRIC_SHARE;
    spec->share_low = spec->share_high = 1;
    if (p->answers->choice) {
        for (uint32_t i = 0; i < p->answers->nchoices; i++)
            if (strcmp(p->answers->choices[i], value) == 0)
                p->share_mask = 1u << i;
        if (!p->share_mask)
            return query_error(err, errlen, "'%s' is not one of the question's choices", value);
        return CX_OK;
    }
    char *end;
    long v = strtol(value, &end, 10);
    if (*end || v < p->answers->low || v > p->answers->high)
        return query_error(err, errlen, "'%s' is not a value of the question's scale", value);
    p->share_value = (int)v;
    return CX_OK;
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
    /* mean:QUESTION and share:QUESTION=VALUE, resolved under the lock */
    bool answer_metric = q->metric && (strncmp(q->metric, "mean:", 5) == 0 ||
                                       strncmp(q->metric, "share:", 6) == 0);
    if (!metric && !answer_metric)
        return query_error(err, errlen,
                           "unknown metric '%s': use nps, enps, csat, ces, count, "
                           "mean:QUESTION or share:QUESTION=VALUE",
                           q->metric ? q->metric : "");
    if (strlen(q->metric) >= sizeof out->metric)
        return query_error(err, errlen, "%s", "the metric's name is too long");
    if (q->by[0] != DIM_NONE && q->by[0] == q->by[1] && q->by[0] != DIM_ATTRIBUTE)
        return query_error(err, errlen, "'%s' is given twice in the grouping",
                           engine_dim_name(q->by[0]));
    if (engine_dim_is_period(q->by[0]) && engine_dim_is_period(q->by[1]))
        return query_error(err, errlen, "%s", "group by at most one period");
    if (q->has_from && q->has_to && q->from_day > q->to_day)
        return query_error(err, errlen, "%s", "the date range ends before it starts");
    snprintf(out->metric, sizeof out->metric, "%s", q->metric);
    out->by[0] = q->by[0];
    out->by[1] = q->by[1];
    for (int i = 0; i < 2; i++) {
        if (q->by[i] == DIM_ATTRIBUTE)
            snprintf(out->by_name[i], sizeof out->by_name[i], "attr.%s",
                     q->by_attribute[i] ? q->by_attribute[i] : "");
        else if (q->by[i] != DIM_NONE)
            snprintf(out->by_name[i], sizeof out->by_name[i], "%s", engine_dim_name(q->by[i]));
    }

    pthread_rwlock_rdlock(&e->lock);
    plan_t p = {.engine = e, .dims = e->dims, .nrows = e->nrows};
    const dims_t *d = p.dims;
    cx_result rc = CX_OK;
    /* customer attributes become the engine's internal dimensions */
    engine_dim by[2] = {q->by[0], q->by[1]};
    bool uses_attributes = false;
    for (int i = 0; i < 2 && !rc; i++) {
        if (by[i] != DIM_ATTRIBUTE)
            continue;
        rc = attribute_dim(d, q->by_attribute[i], &by[i], err, errlen);
        uses_attributes = true;
    }
    if (!rc && by[0] != DIM_NONE && by[0] == by[1])
        rc = query_error(err, errlen, "'%s' is given twice in the grouping", out->by_name[0]);
    if (rc)
        goto done;
    metric_spec_t spec = {.kind = metric ? metric->kind : METRIC_MEAN};
    p.count_everything = spec.kind == METRIC_COUNT;
    if (answer_metric) {
        rc = plan_answer_metric(e, q->metric, &p, &spec, err, errlen);
        if (rc)
            goto done;
    }

    p.survey_ok = calloc(d->surveys.count, 1);
    if (!p.survey_ok) {
        rc = CX_ERR_NOMEM;
        goto done;
    }
    for (uint32_t s = 1; s < d->surveys.count; s++)
        p.survey_ok[s] = d->surveys.names[s] &&
                         (p.answers ? s == p.answers->survey
                                    : metric->survey_kind == KIND_NONE ||
                                          (d->surveys.attr[s] & 0xFF) ==
                                              (uint32_t)metric->survey_kind);

    for (int f = 0; f < q->nfilters && !rc; f++) {
        const engine_filter_t *flt = &q->filters[f];
        if (engine_dim_is_period(flt->dim) || flt->dim <= DIM_NONE || flt->dim >= DIM_COUNT) {
            rc = query_error(err, errlen, "cannot filter on '%s': use from and to for dates",
                             engine_dim_name(flt->dim) ? engine_dim_name(flt->dim) : "?");
            break;
        }
        engine_dim dim = flt->dim;
        if (dim == DIM_ATTRIBUTE) {
            rc = attribute_dim(d, flt->attribute, &dim, err, errlen);
            if (rc)
                break;
            uses_attributes = true;
        }
        uint32_t card = dim_cardinality(e, d, dim);
        uint8_t *allowed = calloc(card ? card : 1, 1);
        if (!allowed) {
            rc = CX_ERR_NOMEM;
            break;
        }
        p.filters[p.nfilters].dim = dim;
        p.filters[p.nfilters++].allowed = allowed;
        for (int v = 0; v < flt->nvalues; v++) {
            int64_t k = resolve_value(e, d, dim, flt->values[v]);
            if (k < 0) {
                if (flt->dim == DIM_ATTRIBUTE)
                    snprintf(err, errlen, "no customer has %s '%s'", flt->attribute,
                             flt->values[v]);
                else
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

    /* rows or the cube: the cube has no account */
    bool needs_account = by[0] == DIM_ACCOUNT || by[1] == DIM_ACCOUNT || uses_attributes;
    for (int f = 0; f < q->nfilters; f++)
        needs_account |= q->filters[f].dim == DIM_ACCOUNT;
    if (e->cube && !needs_account && !p.answers && q->path != ENGINE_PATH_ROWS) {
        p.cube = e->cube;
        p.nentries = e->cube->nentries;
    } else {
        p.nentries = p.nrows;
    }
    out->used_cube = p.cube != NULL;
    if (p.answers)
        p.nanswers = p.answers->count;

    /* the day range: the data's own, narrowed by from/to */
    int32_t data_lo = INT32_MAX, data_hi = INT32_MIN;
    size_t nchunks = (p.nentries + CHUNK_ROWS - 1) >> CHUNK_SHIFT;
    for (size_t c = 0; c < nchunks; c++) {
        uint16_t min_day = p.cube ? p.cube->chunks[c]->min_day : e->chunks[c]->min_day;
        uint16_t max_day = p.cube ? p.cube->chunks[c]->max_day : e->chunks[c]->max_day;
        if (min_day < data_lo)
            data_lo = min_day;
        if (max_day > data_hi)
            data_hi = max_day;
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
        if (engine_dim_is_period(by[i]))
            period_key = i;
    /* Rows before `from` are gathered apart (the "previous" groups): with a
     * period grouping they reach back to the start of the period before
     * the first one shown, so that one has a change too; without one they
     * are the equally long range just before. */
    if (q->has_from && period_key >= 0) {
        int32_t first = period_start(by[period_key], lo);
        p.previous_groups = true;
        p.day_lo = first > 0 ? period_start(by[period_key], first - 1) : 0;
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
        if (by[i] == DIM_NONE)
            continue;
        group_key_t *gk = &p.keys[p.nkeys];
        gk->dim = by[i];
        if (engine_dim_is_period(by[i])) {
            if (!plan_periods(&p, p.nkeys, by[i])) {
                rc = query_error(err, errlen, "%s", "the date range has too many periods");
                goto done;
            }
            gk->period_of_day = p.period_of_day[p.nkeys];
            gk->card = p.nperiods[p.nkeys];
        } else {
            gk->card = dim_cardinality(e, d, by[i]);
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
    int nthreads = q->threads > 0 ? q->threads : (p.nentries > 200000 ? 2 : 1);
    if (p.answers)
        nthreads = 1; /* answers are few; one pass over them */
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
        row->hist = h;
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

typedef struct ranked_label {
    uint32_t rank;
    const char *name;
} ranked_label_t;

static int ranked_label_order(const void *a, const void *b)
{
    uint32_t x = ((const ranked_label_t *)a)->rank, y = ((const ranked_label_t *)b)->rank;
    return (x > y) - (x < y);
}

cx_result engine_dim_values(engine_t *e, engine_dim dim, arena_t *arena, size_t max,
                            const char ***out, size_t *count)
{
    *out = NULL;
    *count = 0;
    if (dim <= DIM_NONE || dim >= DIM_ATTRIBUTE || engine_dim_is_period(dim))
        return CX_ERR_INVALID;
    pthread_rwlock_rdlock(&e->lock);
    const dims_t *d = e->dims;
    uint32_t card = dim_cardinality(e, d, dim);
    cx_result rc = CX_OK;
    ranked_label_t *items = calloc(card ? card : 1, sizeof *items);
    size_t n = 0;
    if (!items)
        rc = CX_ERR_NOMEM;
    for (uint32_t k = 1; !rc && k < card; k++) {
        const char *name = dim_label(e, d, dim, k);
        if (name)
            items[n++] = (ranked_label_t){.rank = dim_rank(d, dim, k), .name = name};
    }
    if (!rc) {
        qsort(items, n, sizeof *items, ranked_label_order);
        if (n > max)
            n = max;
        *out = arena_alloc(arena, (n ? n : 1) * sizeof **out);
        if (!*out)
            rc = CX_ERR_NOMEM;
        for (size_t i = 0; !rc && i < n; i++)
            if (!((*out)[i] = arena_strdup(arena, items[i].name)))
                rc = CX_ERR_NOMEM;
        *count = rc ? 0 : n;
    }
    pthread_rwlock_unlock(&e->lock);
    free(items);
    return rc;
}
