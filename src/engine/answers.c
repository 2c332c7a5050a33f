/*
 * answers.c — the engine's answers to questions other than a survey's main
 * one (driver ratings, choices), for "mean:QUESTION" and
 * "share:QUESTION=VALUE" (see engine_internal.h).
 *
 * Answer sets grow as responses load: the refresher stages the answers of
 * each batch of rows without the lock (answers_stage) and adds them under
 * it (answers_apply). A set is never moved while the read lock is held.
 * Choice answers are matched against the question's declared choices; a
 * value the question does not declare is counted as an anomaly and left
 * out, never guessed.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_internal.h"
#include "store/metrics_source.h"

struct answer_staging {
    size_t count, capacity;
    struct staged_answer {
        uint32_t row;
        int64_t question_id;
        uint32_t value;
    } *items;
    /* for the callback */
    engine_t *engine;
    const int64_t *ids;
    size_t nids, first_row;
    uint64_t anomalies;
    bool incomplete; /* an answer to a question not yet known */
};

static answer_set_t *set_of(const engine_t *e, int64_t question_id)
{
    if (question_id <= 0 || (size_t)question_id >= e->nanswer_ids)
        return NULL;
    return e->answer_sets[question_id];
}

static void set_free(answer_set_t *a)
{
    if (!a)
        return;
    free(a->key);
    for (uint32_t i = 0; i < a->nchoices; i++)
        free(a->choices[i]);
    free(a->row);
    free(a->value);
    free(a);
}

void answers_free_all(engine_t *e)
{
    for (size_t i = 0; i < e->nanswer_ids; i++)
        set_free(e->answer_sets[i]);
    free(e->answer_sets);
    e->answer_sets = NULL;
    e->nanswer_ids = 0;
}

size_t answers_bytes(const engine_t *e)
{
    size_t n = e->nanswer_ids * sizeof(answer_set_t *);
    for (size_t i = 0; i < e->nanswer_ids; i++)
        if (e->answer_sets[i])
            n += sizeof(answer_set_t) + e->answer_sets[i]->capacity * 2 * sizeof(uint32_t);
    return n;
}

/* The choices a question declares: ["a", "b"] or [{"value": "a", ...}]. */
static void parse_choices(answer_set_t *a, const char *json)
{
    json_t *doc = json_loads(json ? json : "[]", 0, NULL);
    size_t i;
    json_t *item;
    json_array_foreach(doc, i, item)
    {
        const char *v = json_is_string(item) ? json_string_value(item)
                                              : json_string_value(json_object_get(item, "value"));
        if (v && a->nchoices < MAX_CHOICES) {
            a->choices[a->nchoices] = strdup(v);
            if (a->choices[a->nchoices])
                a->nchoices++;
        }
    }
    json_decref(doc);
}

cx_result answers_sync_questions(engine_t *e)
{
    const dims_t *d = e->dims;
    for (size_t i = 0; i < d->nquestions; i++) {
        const question_def_t *q = &d->questions[i];
        if (q->id <= 0 || q->id >= (int64_t)UINT32_MAX || set_of(e, q->id) ||
            strcmp(q->kind, "text") == 0)
            continue;
        if ((size_t)q->id >= e->nanswer_ids) {
            size_t n = (size_t)q->id + 1 > e->nanswer_ids * 2 ? (size_t)q->id + 1 : e->nanswer_ids * 2;
            answer_set_t **grown = realloc(e->answer_sets, n * sizeof *grown);
            if (!grown)
                return CX_ERR_NOMEM;
            memset(grown + e->nanswer_ids, 0, (n - e->nanswer_ids) * sizeof *grown);
            e->answer_sets = grown;
            e->nanswer_ids = n;
        }
        answer_set_t *a = calloc(1, sizeof *a);
        if (!a || !(a->key = strdup(q->key))) {
            free(a);
            return CX_ERR_NOMEM;
        }
        a->question_id = q->id;
        a->survey = q->survey_id > 0 && q->survey_id < UINT16_MAX ? (uint16_t)q->survey_id : 0;
        a->inverted = q->inverted;
        a->choice = strcmp(q->kind, "single") == 0 || strcmp(q->kind, "multi") == 0;
        a->low = strcmp(q->kind, "score") == 0 ? 0 : 1;
        a->high = strcmp(q->kind, "rating") == 0 ? 5 : strcmp(q->kind, "effort") == 0 ? 7 : 10;
        if (a->choice)
            parse_choices(a, q->choices);
        e->answer_sets[q->id] = a;
    }
    return CX_OK;
}

/* The bit of a declared choice, 0 when undeclared. */
static uint32_t choice_bit(const answer_set_t *a, const char *value, size_t len)
{
    for (uint32_t i = 0; i < a->nchoices; i++)
        if (strlen(a->choices[i]) == len && memcmp(a->choices[i], value, len) == 0)
            return 1u << i;
    return 0;
}

/* A multi-choice answer is a JSON array of values or a comma list. */
static uint32_t choice_mask(const answer_set_t *a, const char *text)
{
    uint32_t mask = 0;
    if (text[0] == '[') {
        json_t *doc = json_loads(text, 0, NULL);
        size_t i;
        json_t *item;
        json_array_foreach(doc, i, item)
        {
            const char *v = json_string_value(item);
            if (v)
                mask |= choice_bit(a, v, strlen(v));
        }
        json_decref(doc);
        return mask;
    }
    for (const char *p = text;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        mask |= choice_bit(a, p, len);
        if (!comma)
            break;
        p = comma + 1;
    }
    return mask;
}

/* The value an answer set keeps for a stored answer; false when it does
 * not fit the question (an anomaly, left out). */
static bool answer_value(const answer_set_t *a, const store_answer_row_t *row, uint32_t *out)
{
    if (a->choice) {
        *out = row->text ? choice_mask(a, row->text) : 0;
        return *out != 0;
    }
    if (!row->has_number || row->number < a->low || row->number > a->high ||
        row->number != (double)(int)row->number)
        return false;
    int v = (int)row->number;
    *out = (uint32_t)(a->inverted ? a->low + a->high - v : v);
    return true;
}

static cx_result stage_answer(const store_answer_row_t *row, void *ctx)
{
    answer_staging_t *s = ctx;
    const answer_set_t *a = set_of(s->engine, row->question_id);
    if (!a) {
        if (row->question_id > s->engine->dims->max_question_id)
            s->incomplete = true;
        return CX_OK; /* a text question: comments are not counted here */
    }
    /* the row: ids of the batch are ascending */
    size_t lo = 0, hi = s->nids;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->ids[mid] < row->response_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == s->nids || s->ids[lo] != row->response_id)
        return CX_OK;
    uint32_t value;
    if (!answer_value(a, row, &value)) {
        s->anomalies++;
        return CX_OK;
    }
    if (s->count == s->capacity) {
        size_t cap = s->capacity ? s->capacity * 2 : 4096;
        void *grown = realloc(s->items, cap * sizeof *s->items);
        if (!grown)
            return CX_ERR_NOMEM;
        s->items = grown;
        s->capacity = cap;
    }
    s->items[s->count++] = (struct staged_answer){
        .row = (uint32_t)(s->first_row + lo), .question_id = row->question_id, .value = value};
    return CX_OK;
}

typedef struct answers_read {
    answer_staging_t *staging;
    int64_t after_id, upto_id;
} answers_read_t;

static cx_result answers_read_job(db_conn_t *db, void *arg)
{
    answers_read_t *r = arg;
    return store_answers_scan(db, r->after_id, r->upto_id, stage_answer, r->staging);
}

cx_result answers_stage(engine_t *e, store_t *store, const int64_t *ids, size_t nids,
                        size_t first_row, int64_t after_id, answer_staging_t **out)
{
    *out = NULL;
    answer_staging_t *s = calloc(1, sizeof *s);
    if (!s)
        return CX_ERR_NOMEM;
    s->engine = e;
    s->ids = ids;
    s->nids = nids;
    s->first_row = first_row;
    cx_result rc = CX_OK;
    if (nids > 0) {
        answers_read_t r = {.staging = s, .after_id = after_id, .upto_id = ids[nids - 1]};
        rc = store_read(store, answers_read_job, &r);
    }
    if (rc) {
        free(s->items);
        free(s);
        return rc;
    }
    *out = s;
    return CX_OK;
}

bool answers_staging_incomplete(const answer_staging_t *s) { return s && s->incomplete; }

void answers_staging_free(answer_staging_t *s)
{
    if (!s)
        return;
    free(s->items);
    free(s);
}

cx_result answers_apply(engine_t *e, answer_staging_t *s)
{
    cx_result rc = CX_OK;
    for (size_t i = 0; i < s->count && !rc; i++) {
        answer_set_t *a = set_of(e, s->items[i].question_id);
        if (!a)
            continue;
        if (a->count == a->capacity) {
            size_t cap = a->capacity ? a->capacity * 2 : 1024;
            uint32_t *row = realloc(a->row, cap * sizeof *row);
            if (row)
                a->row = row;
            uint32_t *value = row ? realloc(a->value, cap * sizeof *value) : NULL;
            if (!value) {
                rc = CX_ERR_NOMEM;
                break;
            }
            a->value = value;
            a->capacity = cap;
        }
        a->row[a->count] = s->items[i].row;
        a->value[a->count] = s->items[i].value;
        a->count++;
    }
    e->anomalies += s->anomalies;
    answers_staging_free(s);
    return rc;
}

const answer_set_t *answers_find(const engine_t *e, const char *question, char *err,
                                 size_t errlen)
{
    char *end;
    long long id = strtoll(question, &end, 10);
    if (*question && !*end) {
        const answer_set_t *a = set_of(e, id);
        if (!a)
            snprintf(err, errlen, "no question %lld with answers to count (a rating, score, "
                                  "effort or choice question that is not a survey's main one)",
                     id);
        return a;
    }
    const answer_set_t *found = NULL;
    for (size_t i = 0; i < e->nanswer_ids; i++) {
        const answer_set_t *a = e->answer_sets[i];
        if (!a || strcmp(a->key, question) != 0)
            continue;
        if (found) {
            snprintf(err, errlen, "several surveys have a question '%s': give its id instead",
                     question);
            return NULL;
        }
        found = a;
    }
    if (!found)
        snprintf(err, errlen, "no question '%s' with answers to count", question);
    return found;
}

cx_result answers_replace_row(engine_t *e, uint32_t row, uint16_t survey,
                              const store_answer_row_t *answers, size_t n)
{
    /* forget what the row had: a linear pass over the survey's sets, which
     * is cheap next to a query and happens once per completed response */
    for (size_t i = 0; i < e->nanswer_ids; i++) {
        answer_set_t *a = e->answer_sets[i];
        if (!a || a->survey != survey)
            continue;
        size_t kept = 0;
        for (size_t j = 0; j < a->count; j++) {
            if (a->row[j] == row)
                continue;
            a->row[kept] = a->row[j];
            a->value[kept] = a->value[j];
            kept++;
        }
        a->count = kept;
    }
    for (size_t i = 0; i < n; i++) {
        answer_set_t *a = set_of(e, answers[i].question_id);
        uint32_t value;
        if (!a)
            continue; /* text, or a question the dimensions do not have yet */
        if (!answer_value(a, &answers[i], &value)) {
            e->anomalies++;
            continue;
        }
        if (a->count == a->capacity) {
            size_t cap = a->capacity ? a->capacity * 2 : 1024;
            uint32_t *grown_row = realloc(a->row, cap * sizeof *grown_row);
            if (grown_row)
                a->row = grown_row;
            uint32_t *grown_value = grown_row ? realloc(a->value, cap * sizeof *grown_value) : NULL;
            if (!grown_value)
                return CX_ERR_NOMEM;
            a->value = grown_value;
            a->capacity = cap;
        }
        /* sets are scanned in any order, so appending keeps them valid */
        a->row[a->count] = row;
        a->value[a->count] = value;
        a->count++;
    }
    return CX_OK;
}
