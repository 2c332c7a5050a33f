/*
 * api_responses.c — survey responses over the API: POST /api/v1/responses
 * (CAP_MANAGE) takes one JSON object, or many as NDJSON (one object per
 * line, Content-Type application/x-ndjson); GET /api/v1/responses/ID
 * (CAP_VIEW) shows one with its answers; GET /api/v1/responses lists them,
 * newest first, filtered, a page at a time (cursor); DELETE
 * /api/v1/responses/ID (CAP_MANAGE) removes one, from the metrics too, and
 * audits it.
 *
 *   {"survey": "nps-relacyjny" | 3, "score": 9, "comment": "...",
 *    "answers": {"cena": 4, "dzial": "sprzedaz"}, "customer": "C-1021",
 *    "touchpoint": "Infolinia", "channel": "email", "language": "pl",
 *    "submitted_at": "2026-11-20T10:00:00Z"}
 *
 * Only "survey" is required. A missing or null score is a response that
 * skipped the main question (it does not count in the score's n). Answers
 * are checked against the survey's questions: scales, declared choices,
 * and unknown keys are refused. A bulk request lands whole or not at all;
 * every bad line is named. An Idempotency-Key header makes a retry return
 * the first answer instead of writing twice. 201 comes only after the
 * commit and after the metrics engine has loaded the new rows, so the
 * caller's next query counts them.
 *
 * Relies on store/surveys.h and store/responses.h inside one write job
 * (validation that needs the database runs there too, so a request is
 * checked and written against the same state). The job goes to
 * store_write_async and the answer is deferred (web_defer): no worker
 * thread waits for the commit or the engine, so every open connection
 * can have a write in the same group commit. The Idempotency-Key
 * protocol, the one-or-NDJSON body and the list's paging parameters are
 * web/api_common.h's, shared with the other write endpoints.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/accounts.h"
#include "store/browse.h"
#include "store/import_refs.h"
#include "store/responses.h"
#include "store/search.h"
#include "store/surveys.h"
#include "sys/tz.h"
#include "web/api_common.h"
#include "web/pages.h"
#include "web/server.h"
#include "web/web.h"

#define RESPONSES_TEXT_MAX 10000
/* a request of this many lines is a bulk job: alone in its commit batch,
 * without a savepoint or SQLite's foreign-key checks (store.h) */
#define RESPONSES_BULK 100

static const char *const response_keys[] = {"survey",     "score",   "comment",
                                            "answers",    "customer", "touchpoint",
                                            "channel",    "language", "submitted_at"};

/* One request's worth of work, shared with the write job. */
typedef struct responses_job {
    http_request_t *req;
    api_lines_t in;          /* the objects, one per line, and the bad lines */
    bool bulk;
    int64_t *ids;            /* out: the new responses */
    store_response_t *first; /* out: the single response as stored */
    api_idempotency_t idem;
    /* the survey the previous line named: a bulk request usually names
     * one survey on every line, read once (inside the same job, so it is
     * the same state) */
    bool have_survey;
    surveys_info_t survey;
    cx_result write_rc;             /* what the deferred write returned */
    refresher_waiter_t engine_wait; /* until the engine has the rows */
} responses_job_t;

/* The survey the previous write job read, for the next job on the same
 * connection while nothing changed in between (db_change_mark): in a
 * stream of single responses the jobs of one commit batch read their
 * survey once. The writer thread runs the jobs; the lock only matters
 * with several stores in one process. A job gets a copy in its own arena:
 * the answer is rendered on another thread while later jobs run. */
static struct {
    pthread_mutex_t lock;
    db_conn_t *db;
    uint64_t mark;
    bool valid;
    arena_t arena;
    surveys_info_t survey;
} survey_cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* A copy of s whose strings and questions live in arena; false when out
 * of memory. */
static bool survey_copy(arena_t *arena, const surveys_info_t *s, surveys_info_t *out)
{
    *out = *s;
    out->slug = arena_strdup(arena, s->slug);
    out->kind = arena_strdup(arena, s->kind);
    out->name = arena_strdup(arena, s->name);
    out->touchpoint = arena_strdup(arena, s->touchpoint);
    out->channel = arena_strdup(arena, s->channel);
    out->languages = arena_strdup(arena, s->languages);
    out->questions = s->question_count
                         ? arena_alloc(arena, s->question_count * sizeof *out->questions)
                         : NULL;
    bool ok = out->slug && out->kind && out->name && out->touchpoint && out->channel &&
              out->languages && (out->questions || !s->question_count);
    for (size_t i = 0; ok && i < s->question_count; i++) {
        out->questions[i] = s->questions[i];
        out->questions[i].key = arena_strdup(arena, s->questions[i].key);
        out->questions[i].kind = arena_strdup(arena, s->questions[i].kind);
        /* read_answer checks choices against these; what is not copied
         * is not used here and must not point into another arena */
        out->questions[i].choices =
            s->questions[i].choices ? arena_strdup(arena, s->questions[i].choices) : NULL;
        out->questions[i].label = NULL;
        out->questions[i].logic = NULL;
        out->questions[i].driver_attribute = NULL;
        ok = out->questions[i].key && out->questions[i].kind &&
             (out->questions[i].choices || !s->questions[i].choices);
    }
    return ok;
}

static bool survey_matches(const surveys_info_t *s, bool by_id, int64_t id, const char *slug)
{
    return by_id ? s->id == id : strcmp(s->slug, slug) == 0;
}

static bool survey_cache_get(db_conn_t *db, arena_t *arena, bool by_id, int64_t id,
                             const char *slug, surveys_info_t *out)
{
    pthread_mutex_lock(&survey_cache.lock);
    bool hit = survey_cache.valid && survey_cache.db == db &&
               survey_cache.mark == db_change_mark(db) &&
               survey_matches(&survey_cache.survey, by_id, id, slug) &&
               survey_copy(arena, &survey_cache.survey, out);
    pthread_mutex_unlock(&survey_cache.lock);
    return hit;
}

/* After a job that wrote: the survey it used, valid until anything else
 * changes on db. */
static void survey_cache_put(db_conn_t *db, const surveys_info_t *s)
{
    pthread_mutex_lock(&survey_cache.lock);
    bool same = survey_cache.valid && survey_cache.db == db && survey_cache.survey.id == s->id;
    if (!same) {
        arena_free(&survey_cache.arena);
        arena_init(&survey_cache.arena);
        survey_cache.valid = survey_copy(&survey_cache.arena, s, &survey_cache.survey);
        survey_cache.db = db;
    }
    survey_cache.mark = db_change_mark(db);
    pthread_mutex_unlock(&survey_cache.lock);
}

/* The survey a line names, by id or slug; from the job's cache when the
 * previous line named the same one, else from the previous job's. */
static cx_result job_survey(db_conn_t *db, responses_job_t *j, json_t *sv, surveys_info_t *out)
{
    bool by_id = json_is_integer(sv);
    int64_t id = by_id ? (int64_t)json_integer_value(sv) : 0;
    const char *slug = by_id ? NULL : json_string_value(sv);
    if (j->have_survey && survey_matches(&j->survey, by_id, id, slug)) {
        *out = j->survey;
        return CX_OK;
    }
    cx_result rc = CX_OK;
    if (!survey_cache_get(db, &j->req->arena, by_id, id, slug, out))
        rc = surveys_get_for_write(db, &j->req->arena, id, slug, out);
    if (!rc) {
        j->survey = *out;
        j->have_survey = true;
    }
    return rc;
}

/* Checks one answer against its question and fills *a; NULL when good,
 * else what is wrong. */
static const char *read_answer(db_conn_t *db, arena_t *arena, const surveys_question_t *q,
                               json_t *v, store_answer_t *a)
{
    a->question_id = q->id;
    a->key = q->key;
    a->has_number = false;
    a->text = NULL;
    int low = 0, high = 10;
    if (strcmp(q->kind, "rating") == 0)
        low = 1, high = 5;
    else if (strcmp(q->kind, "effort") == 0)
        low = 1, high = 7;
    if (strcmp(q->kind, "score") == 0 || strcmp(q->kind, "rating") == 0 ||
        strcmp(q->kind, "effort") == 0) {
        if (!json_is_integer(v))
            return "must be a whole number";
        json_int_t n = json_integer_value(v);
        if (n < low || n > high)
            return high == 10 ? "must be from 0 to 10" : high == 5 ? "must be from 1 to 5"
                                                                   : "must be from 1 to 7";
        a->has_number = true;
        a->number = (double)n;
        return NULL;
    }
    if (strcmp(q->kind, "text") == 0) {
        if (!json_is_string(v))
            return "must be a string";
        if (json_string_length(v) > RESPONSES_TEXT_MAX)
            return "is too long";
        a->text = json_string_value(v);
        return NULL;
    }
    /* single or multiple choice: every value must be declared (the
     * survey read in this job has them; the database only if not) */
    const char *choices_text = q->choices;
    if (!choices_text && store_question_choices(db, arena, q->id, &choices_text))
        return "cannot be checked now";
    json_t *choices = json_loads(choices_text, 0, NULL);
    bool multi = strcmp(q->kind, "multi") == 0;
    const char *problem = NULL;
    json_t *values = multi ? v : json_pack("[O]", v);
    if (multi && !json_is_array(v))
        problem = "must be a list of choices";
    size_t i, k;
    json_t *item, *choice;
    json_array_foreach(values, i, item)
    {
        if (problem)
            break;
        if (!json_is_string(item)) {
            problem = multi ? "must be a list of strings" : "must be a string";
            break;
        }
        bool declared = false;
        json_array_foreach(choices, k, choice)
        {
            const char *c = json_is_string(choice) ? json_string_value(choice)
                                                   : json_string_value(json_object_get(choice, "value"));
            declared = declared || (c && strcmp(c, json_string_value(item)) == 0);
        }
        if (!declared)
            problem = "is not one of the question's choices";
    }
    if (!problem) {
        char *text = multi ? json_dumps(v, JSON_COMPACT) : NULL;
        a->text = multi ? arena_strdup(arena, text) : json_string_value(v);
        free(text);
        if (!a->text)
            problem = "cannot be stored (out of memory)";
    }
    if (!multi)
        json_decref(values);
    json_decref(choices);
    return problem;
}

/* A string field (absent and null are NULL); false when it is not one. */
static bool optional_string(json_t *o, const char *key, size_t max, const char **out)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return true;
    if (!json_is_string(v) || json_string_length(v) > max)
        return false;
    *out = json_string_value(v);
    return true;
}

/* Validates one object and turns it into a response; errors go to the
 * job's list. Returns false when the line is bad. */
static bool read_response(db_conn_t *db, responses_job_t *j, json_t *o, size_t line,
                          store_response_t *r)
{
    http_request_t *req = j->req;
    arena_t *arena = &req->arena;
    size_t before = j->in.nerrors;
    memset(r, 0, sizeof *r);
    r->created_at = req->now;
    r->submitted_at = req->now;
    const char *key;
    json_t *value;
    json_object_foreach(o, key, value)
    {
        bool known = false;
        for (size_t i = 0; i < sizeof response_keys / sizeof response_keys[0]; i++)
            known = known || strcmp(key, response_keys[i]) == 0;
        if (!known)
            api_lines_error(&j->in, line, key, "is not a known field");
    }

    /* the survey, by id or slug */
    surveys_info_t survey;
    json_t *sv = json_object_get(o, "survey");
    cx_result rc = CX_ERR_NOT_FOUND;
    if (json_is_integer(sv) || json_is_string(sv))
        rc = job_survey(db, j, sv, &survey);
    if (!sv || json_is_null(sv)) {
        api_lines_error(&j->in, line, "survey", "is required (the survey's id or slug)");
        return false;
    }
    if (rc == CX_ERR_NOT_FOUND) {
        api_lines_error(&j->in, line, "survey", "names no survey");
        return false;
    }
    if (rc) {
        api_lines_error(&j->in, line, "survey", "cannot be read now");
        return false;
    }
    if (!survey.open)
        api_lines_error(&j->in, line, "survey", "is closed");
    r->survey_id = survey.id;
    r->touchpoint_id = survey.touchpoint_id;
    r->channel = survey.channel;

    /* the main score: absent or null is a skip */
    const surveys_question_t *main_q = surveys_main_question(&survey);
    json_t *score = json_object_get(o, "score");
    if (score && !json_is_null(score)) {
        store_answer_t scratch;
        const char *problem = main_q ? read_answer(db, arena, main_q, score, &scratch)
                                     : "is not asked by this survey (it has no main question)";
        if (problem) {
            api_lines_error(&j->in, line, "score", problem);
        } else {
            r->has_score = true;
            r->score = (int)scratch.number;
            if (strcmp(survey.kind, "nps") == 0 || strcmp(survey.kind, "enps") == 0) {
                r->has_nps_group = true;
                r->nps_group = r->score >= 9 ? 1 : r->score >= 7 ? 0 : -1;
            }
        }
    }

    if (!optional_string(o, "comment", RESPONSES_TEXT_MAX, &r->comment))
        api_lines_error(&j->in, line, "comment", "must be a string of at most 10000 characters");
    const char *channel;
    if (!optional_string(o, "channel", 100, &channel))
        api_lines_error(&j->in, line, "channel", "must be a short string");
    else if (channel)
        r->channel = channel;
    const char *language;
    if (!optional_string(o, "language", 8, &language) ||
        (language && strcmp(language, "pl") && strcmp(language, "en") && strcmp(language, "ro")))
        api_lines_error(&j->in, line, "language", "must be pl, en or ro");
    else
        r->language = language ? language : "";
    const char *submitted;
    if (!optional_string(o, "submitted_at", 64, &submitted) ||
        (submitted && !http_parse_iso_time(submitted, &r->submitted_at)))
        api_lines_error(&j->in, line, "submitted_at", "must be a time like 2026-01-31T10:00:00Z");
    else if (r->submitted_at > req->now + 86400)
        api_lines_error(&j->in, line, "submitted_at", "is in the future");
    const char *touchpoint;
    if (!optional_string(o, "touchpoint", 200, &touchpoint)) {
        api_lines_error(&j->in, line, "touchpoint", "must be a touchpoint's name");
    } else if (touchpoint) {
        rc = import_refs_touchpoint_find(db, touchpoint, &r->touchpoint_id);
        if (rc)
            api_lines_error(&j->in, line, "touchpoint",
                            rc == CX_ERR_NOT_FOUND ? "names no touchpoint" : "cannot be read now");
    }
    const char *customer;
    if (!optional_string(o, "customer", 200, &customer) || (customer && !*customer))
        api_lines_error(&j->in, line, "customer", "must be the customer's external id");

    /* answers to the other questions, by key */
    json_t *answers = json_object_get(o, "answers");
    if (answers && !json_is_null(answers) && !json_is_object(answers)) {
        api_lines_error(&j->in, line, "answers", "must be an object of question keys and answers");
    } else if (answers && json_object_size(answers) > 0) {
        r->answers = arena_alloc(arena, json_object_size(answers) * sizeof *r->answers);
        if (!r->answers) {
            api_lines_error(&j->in, line, "answers", "cannot be stored (out of memory)");
            return false;
        }
        json_object_foreach(answers, key, value)
        {
            const surveys_question_t *q = surveys_question(&survey, key);
            const char *problem = NULL;
            if (!q || q->is_main)
                problem = q ? "is the main question: give it as score"
                            : "is not a question of this survey";
            else if (json_is_null(value))
                continue; /* skipped */
            else
                problem = read_answer(db, arena, q, value, &r->answers[r->nanswers]);
            if (!problem) {
                r->nanswers++;
                continue;
            }
            /* the field's name only for an error: good lines are the many */
            buf_t field;
            buf_init(&field, 512);
            buf_printf(&field, "answers.%s", key); /* raw: a field name for JSON */
            api_lines_error(&j->in, line, arena_strdup(arena, buf_str(&field)), problem);
            buf_free(&field);
        }
    }
    if (j->in.nerrors > before)
        return false;
    /* the customer last: it may be created, and only for a good line */
    if (customer) {
        rc = import_refs_customer_find(db, customer, &r->customer_id);
        if (rc == CX_ERR_NOT_FOUND)
            rc = import_refs_customer_add(db, customer, req->now, &r->customer_id);
        if (rc) {
            api_lines_error(&j->in, line, "customer", "cannot be stored now");
            return false;
        }
    }
    return true;
}

static json_t *response_json(arena_t *a, const store_response_t *r)
{
    json_t *answers = json_object();
    for (size_t i = 0; answers && i < r->nanswers; i++) {
        const store_answer_t *ans = &r->answers[i];
        /* an answer with neither number nor text had its text removed
         * (erasure, retention): null, never a made-up 0 */
        json_t *v = ans->text ? (ans->text[0] == '[' ? json_loads(ans->text, 0, NULL) : NULL)
                    : ans->has_number ? json_integer((json_int_t)ans->number)
                                      : json_null();
        if (ans->text && !v)
            v = json_string(ans->text);
        json_object_set_new(answers, ans->key ? ans->key : "", v);
    }
    json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)r->id, "survey_id",
                          (json_int_t)r->survey_id, "channel", r->channel ? r->channel : "",
                          "language", r->language ? r->language : "", "submitted_at",
                          http_iso_time(a, r->submitted_at), "created_at",
                          http_iso_time(a, r->created_at));
    if (!o) {
        json_decref(answers);
        return NULL;
    }
    json_object_set_new(o, "score", r->has_score ? json_integer(r->score) : json_null());
    json_object_set_new(o, "comment", r->comment ? json_string(r->comment) : json_null());
    json_object_set_new(o, "customer_id", r->customer_id ? json_integer(r->customer_id)
                                                         : json_null());
    json_object_set_new(o, "touchpoint_id", r->touchpoint_id ? json_integer(r->touchpoint_id)
                                                             : json_null());
    json_object_set_new(o, "answers", answers);
    json_object_set_new(o, "completed", json_boolean(!r->incomplete));
    return o;
}

/* The answer of a bulk request: how many and their ids. */
static json_t *responses_bulk_json(const responses_job_t *j)
{
    json_t *ids = json_array();
    for (size_t i = 0; ids && i < j->in.count; i++)
        json_array_append_new(ids, json_integer(j->ids[i]));
    return json_pack("{s:I, s:o}", "count", (json_int_t)j->in.count, "ids", ids);
}

static cx_result responses_write_job(db_conn_t *db, void *arg)
{
    responses_job_t *j = arg;
    http_request_t *req = j->req;
    cx_result rc = api_idempotency_check(db, req, &j->idem);
    if (rc || j->idem.replay_status)
        return rc;
    size_t count = j->in.count;
    store_response_t *stored = arena_alloc(&req->arena, count * sizeof *stored);
    j->ids = arena_alloc(&req->arena, count * sizeof *j->ids);
    if (!stored || !j->ids)
        return CX_ERR_NOMEM;
    for (size_t i = 0; i < count; i++)
        read_response(db, j, j->in.objects[i], j->in.lines[i], &stored[i]);
    if (j->in.nerrors)
        return CX_ERR_INVALID; /* nothing of the request stays */
    /* one response: one statement with RETURNING; many: the bulk inserts
     * the importer uses, several rows per statement (the full-text index
     * is brought up to date once per statement, not once per row) */
    rc = count == 1 ? store_response_add(db, &stored[0], &j->ids[0])
                    : store_responses_add_many(db, stored, count, j->ids);
    if (rc)
        return rc;
    for (size_t i = 0; i < count; i++)
        stored[i].id = j->ids[i];
    j->first = &stored[0];
    if (j->idem.key) { /* the answer is built twice only for a key */
        json_t *doc = j->bulk ? responses_bulk_json(j) : response_json(&req->arena, j->first);
        rc = api_idempotency_save(db, req, &j->idem, 201, doc);
        json_decref(doc);
        if (rc)
            return rc;
    }
    if (j->have_survey)
        survey_cache_put(db, &j->survey); /* after this job's own changes */
    return CX_OK;
}

/* The answer once the write is done (rc is what the write returned). */
static cx_result responses_answer(responses_job_t *j, http_response_t *res, cx_result rc)
{
    http_request_t *req = j->req;
    if (j->in.nerrors && (!rc || rc == CX_ERR_INVALID))
        rc = api_lines_fail(req, res, &j->in, !j->bulk && json_array_size(j->in.errors) == 1);
    else if (api_idempotency_answer(req, res, &j->idem, &rc)) {
        /* the 409 of a reused key, or the earlier answer again */
    } else if (!rc) {
        json_t *doc;
        if (j->bulk) {
            doc = responses_bulk_json(j);
        } else {
            char location[64];
            snprintf(location, sizeof location, "/api/v1/responses/%lld", (long long)j->ids[0]);
            http_set_header(req, res, "Location", location);
            doc = response_json(&req->arena, j->first);
        }
        rc = doc ? http_json(req, res, 201, doc) : CX_ERR_NOMEM;
    }
    api_lines_free(&j->in);
    return rc;
}

/* New rows the engine must load before the answer (not for a replay). */
static bool responses_need_engine(const responses_job_t *j, cx_result rc)
{
    return rc == CX_OK && !j->idem.replay_status;
}

/* The deferred path: the writer thread committed the batch (write_done),
 * the refresher loaded it into the engine (engine_done), and a worker
 * thread renders the answer (responses_resume). */
static void responses_engine_done(void *arg)
{
    responses_job_t *j = arg;
    web_wake(j->req);
}

static void responses_write_done(void *arg, cx_result rc)
{
    responses_job_t *j = arg;
    j->write_rc = rc;
    if (responses_need_engine(j, rc)) {
        /* the caller's next metrics query counts what it just wrote */
        j->engine_wait.done = responses_engine_done;
        j->engine_wait.arg = j;
        refresher_sync_async(j->req->app->refresher, &j->engine_wait);
    } else {
        web_wake(j->req);
    }
}

static cx_result responses_resume(http_request_t *req, http_response_t *res, void *arg)
{
    (void)req;
    responses_job_t *j = arg;
    return responses_answer(j, res, j->write_rc);
}

cx_result api_responses_create(http_request_t *req, http_response_t *res)
{
    const char *type = http_header(req, "Content-Type");
    /* in the request's arena: a deferred answer outlives this call */
    responses_job_t *jp = arena_alloc(&req->arena, sizeof *jp);
    if (!jp)
        return CX_ERR_NOMEM;
    responses_job_t job = {.req = req};
    job.bulk = type && strncmp(type, "application/x-ndjson", 20) == 0;
    /* an empty body is answered (by api_lines_parse) before a bad key;
     * the fingerprint is the body alone, as for the keys stored before */
    cx_result rc = req->body && req->body_len ? api_idempotency_read(req, NULL, &job.idem) : CX_OK;
    if (rc)
        return rc;
    rc = api_lines_init(&job.in);
    if (!rc)
        rc = api_lines_parse(req, &job.in, job.bulk, "response", "responses");
    /* from here on only jp is used: it owns the objects and the errors,
     * which responses_answer frees once */
    *jp = job;
    /* lines that parsed are checked too, so one answer names every bad
     * line; the write joins a group commit without holding this thread */
    if (!rc && jp->in.count > 0) {
        rc = jp->in.count >= RESPONSES_BULK
                 ? store_write_async_bulk(req->store, responses_write_job, jp,
                                           responses_write_done, jp)
                 : store_write_async(req->store, responses_write_job, jp, responses_write_done,
                                     jp);
        if (!rc) {
            web_defer(req, responses_resume, jp);
            return CX_OK;
        }
    }
    return responses_answer(jp, res, rc);
}

typedef struct response_get_job {
    http_request_t *req;
    int64_t id;
    store_response_t response;
} response_get_job_t;

static cx_result response_get_job(db_conn_t *db, void *arg)
{
    response_get_job_t *j = arg;
    return store_response_get(db, &j->req->arena, j->id, &j->response);
}

cx_result api_responses_get(http_request_t *req, http_response_t *res)
{
    int64_t id = http_param_id(req, "id");
    if (!id)
        return http_fail(req, CX_ERR_NOT_FOUND, NULL, "no such response");
    response_get_job_t job = {.req = req, .id = id};
    cx_result rc = store_read(req->store, response_get_job, &job);
    if (rc == CX_ERR_NOT_FOUND)
        return http_fail(req, rc, NULL, "no such response");
    if (rc)
        return rc;
    json_t *doc = response_json(&req->arena, &job.response);
    return doc ? http_json(req, res, 200, doc) : CX_ERR_NOMEM;
}

typedef struct response_delete_job {
    http_request_t *req;
    int64_t id;
} response_delete_job_t;

static cx_result response_delete_job(db_conn_t *db, void *arg)
{
    response_delete_job_t *j = arg;
    cx_result rc = store_response_delete(db, j->id);
    if (rc)
        return rc;
    char target[32];
    snprintf(target, sizeof target, "response %lld", (long long)j->id);
    return store_audit_add(db, j->req->now, j->req->auth.actor, "response_deleted", target,
                           j->req->address, "");
}

cx_result api_responses_delete(http_request_t *req, http_response_t *res)
{
    response_delete_job_t job = {.req = req, .id = http_param_id(req, "id")};
    if (!job.id)
        return http_fail(req, CX_ERR_NOT_FOUND, NULL, "no such response");
    cx_result rc = store_write(req->store, response_delete_job, &job);
    if (rc == CX_ERR_NOT_FOUND)
        return http_fail(req, rc, NULL, "no such response");
    if (rc)
        return rc;
    /* committed: the metrics stop counting it now (a response the engine
     * has not loaded yet is simply never loaded) */
    engine_forget(req->app->engine, job.id);
    res->status = 204;
    return CX_OK;
}

#define RESPONSES_PAGE_DEFAULT 100
#define RESPONSES_PAGE_MAX 1000

typedef struct response_list_job {
    http_request_t *req;
    const char *survey;  /* id or slug, NULL for any */
    store_response_filter_t filter;
    int64_t *ids;
    size_t count;
    store_response_t *rows;
    bool no_survey;
    const char *match;   /* full-text query from q (search.h), NULL for none */
    int64_t unindexed;   /* ids not yet searchable (a bulk load's, search.h) */
} response_list_job_t;

static cx_result response_list_job(db_conn_t *db, void *arg)
{
    response_list_job_t *j = arg;
    arena_t *arena = &j->req->arena;
    if (j->survey) {
        surveys_info_t s;
        char *end;
        long long id = strtoll(j->survey, &end, 10);
        cx_result rc = *j->survey && !*end && id > 0 ? surveys_get(db, arena, id, &s)
                                                     : surveys_get_by_slug(db, arena, j->survey, &s);
        if (rc == CX_ERR_NOT_FOUND) {
            j->no_survey = true;
            return CX_ERR_INVALID;
        }
        if (rc)
            return rc;
        j->filter.survey_id = s.id;
    }
    if (j->match && search_index_backlog(db, &j->unindexed) != CX_OK)
        return CX_ERR_STORE;
    cx_result rc = j->match ? browse_response_ids_matching(db, arena, &j->filter, j->match,
                                                           &j->ids, &j->count)
                            : store_response_ids(db, arena, &j->filter, &j->ids, &j->count);
    if (rc)
        return rc;
    j->rows = arena_alloc(arena, (j->count ? j->count : 1) * sizeof *j->rows);
    if (!j->rows)
        return CX_ERR_NOMEM;
    for (size_t i = 0; !rc && i < j->count; i++)
        rc = store_response_get(db, arena, j->ids[i], &j->rows[i]);
    return rc;
}

/* A time bound: a local date (YYYY-MM-DD: its start; for `to`, the start
 * of the next day, so the day is included) or an ISO 8601 time. */
static bool time_bound(const char *text, bool upper, int64_t *out)
{
    int32_t day;
    if (engine_parse_day(text, &day)) {
        *out = tz_day_start(upper ? day + 1 : day);
        return true;
    }
    return http_parse_iso_time(text, out);
}

static bool small_int(const char *text, long low, long high, long *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (!*text || *end || v < low || v > high)
        return false;
    *out = v;
    return true;
}

cx_result api_responses_list(http_request_t *req, http_response_t *res)
{
    static const char *const known[] = {"survey",    "touchpoint", "channel", "segment",
                                        "customer",  "from",       "to",      "score_min",
                                        "score_max", "limit",      "cursor",
                                        "q"};
    cx_result rc = api_query_known(req, known, sizeof known / sizeof known[0]);
    if (rc)
        return rc;
    response_list_job_t job = {.req = req, .survey = http_query(req, "survey")};
    store_response_filter_t *f = &job.filter;
    f->touchpoint = http_query(req, "touchpoint");
    f->channel = http_query(req, "channel");
    f->segment = http_query(req, "segment");
    f->customer = http_query(req, "customer");
    f->limit = RESPONSES_PAGE_DEFAULT;
    const char *text;
    long v;
    if ((text = http_query(req, "from")) && !(f->has_from = time_bound(text, false, &f->from)))
        return http_fail(req, CX_ERR_INVALID, "from", "must be a date (YYYY-MM-DD) or a time");
    if ((text = http_query(req, "to")) && !(f->has_to = time_bound(text, true, &f->to)))
        return http_fail(req, CX_ERR_INVALID, "to", "must be a date (YYYY-MM-DD) or a time");
    if ((text = http_query(req, "score_min"))) {
        if (!small_int(text, 0, 10, &v))
            return http_fail(req, CX_ERR_INVALID, "score_min", "must be from 0 to 10");
        f->has_score_min = true;
        f->score_min = (int)v;
    }
    if ((text = http_query(req, "score_max"))) {
        if (!small_int(text, 0, 10, &v))
            return http_fail(req, CX_ERR_INVALID, "score_max", "must be from 0 to 10");
        f->has_score_max = true;
        f->score_max = (int)v;
    }
    if ((rc = api_query_limit(req, RESPONSES_PAGE_MAX, &f->limit)))
        return rc;
    if ((text = http_query(req, "q"))) {
        if (strlen(text) > 500)
            return http_fail(req, CX_ERR_INVALID, "q", "is too long (at most 500 bytes)");
        /* the words only, quoted: q is never FTS syntax */
        cx_result qrc = search_match_query(&req->arena, text, &job.match);
        if (qrc)
            return qrc;
    }
    if ((rc = api_query_id_cursor(req, &f->before_id)))
        return rc;
    rc = store_read(req->store, response_list_job, &job);
    if (rc == CX_ERR_INVALID && job.no_survey)
        return http_fail(req, rc, "survey", "names no survey");
    if (rc)
        return rc;
    json_t *list = json_array();
    for (size_t i = 0; list && i < job.count; i++)
        json_array_append_new(list, response_json(&req->arena, &job.rows[i]));
    json_t *doc = json_pack("{s:o}", "responses", list);
    if (!doc)
        return CX_ERR_NOMEM;
    api_next_id_cursor(doc, job.count, f->limit, job.count ? job.ids[job.count - 1] : 0);
    api_search_complete(doc, job.match != NULL, job.unindexed);
    return http_json(req, res, 200, doc);
}
