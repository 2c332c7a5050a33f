/*
 * api_surveys.c — surveys over the API: GET /api/v1/surveys (the list),
 * GET /api/v1/surveys/ID (one with its questions), POST /api/v1/surveys
 * (a survey with all its questions in one request), PUT /api/v1/surveys/ID
 * (replaces the fields and questions; questions are matched by key and
 * keep their ids), DELETE /api/v1/surveys/ID (only a survey without
 * responses). Reads need CAP_VIEW, writes CAP_MANAGE (the router checks).
 *
 * The definition format, its checks and the protection of answers live in
 * store/surveys.c, shared with the editor pages; this file turns them into
 * HTTP: field-level 400s, 409s, an Idempotency-Key on POST (as for
 * responses), and an audit entry written in the same transaction as each
 * change. The delete job (survey_jobs.h) is the editor's too. Must never answer 2xx before store_write returned CX_OK.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/surveys.h"
#include "web/api_common.h"
#include "web/auth.h"
#include "web/pages.h"
#include "web/survey_jobs.h"
#include "web/web.h"

/* A refused definition as the API's field-level error. */
static cx_result fail_problem(http_request_t *req, cx_result rc, const surveys_problem_t *p)
{
    const char *field = p->field[0] ? arena_strdup(&req->arena, p->field) : NULL;
    buf_t m;
    buf_init(&m, 512);
    if (field)
        buf_printf(&m, "%s %s", field, p->message); /* raw: JSON message text */
    else
        buf_puts(&m, p->message ? p->message : "is not a survey definition");
    const char *message = arena_strdup(&req->arena, buf_str(&m));
    buf_free(&m);
    return http_fail(req, rc, field, message ? message : "is not a survey definition");
}

/* ---- reading ---- */

typedef struct survey_read_job {
    http_request_t *req;
    int64_t id;
    surveys_info_t survey;
    surveys_info_t *rows;
    size_t count;
} survey_read_job_t;

static cx_result survey_get_job(db_conn_t *db, void *arg)
{
    survey_read_job_t *j = arg;
    return surveys_get(db, &j->req->arena, j->id, &j->survey);
}

static cx_result survey_list_job(db_conn_t *db, void *arg)
{
    survey_read_job_t *j = arg;
    return surveys_list(db, &j->req->arena, &j->rows, &j->count);
}

cx_result api_surveys_list(http_request_t *req, http_response_t *res)
{
    survey_read_job_t job = {.req = req};
    cx_result rc = store_read(req->store, survey_list_job, &job);
    if (rc)
        return rc;
    json_t *list = json_array();
    for (size_t i = 0; list && i < job.count; i++) {
        json_t *one = surveys_to_json(&job.rows[i]);
        /* the list has no questions; their translations are per survey */
        json_object_del(one, "questions");
        json_object_del(one, "missing_translations");
        json_array_append_new(list, one);
    }
    json_t *doc = json_pack("{s:o}", "surveys", list);
    return doc ? http_json(req, res, 200, doc) : CX_ERR_NOMEM;
}

cx_result api_surveys_get(http_request_t *req, http_response_t *res)
{
    survey_read_job_t job = {.req = req, .id = http_param_id(req, "id")};
    if (!job.id)
        return http_fail(req, CX_ERR_NOT_FOUND, NULL, "no such survey");
    cx_result rc = store_read(req->store, survey_get_job, &job);
    if (rc == CX_ERR_NOT_FOUND)
        return http_fail(req, rc, NULL, "no such survey");
    if (rc)
        return rc;
    json_t *doc = surveys_to_json(&job.survey);
    return doc ? http_json(req, res, 200, doc) : CX_ERR_NOMEM;
}

/* ---- writing ---- */

typedef struct survey_write_job {
    http_request_t *req;
    int64_t id; /* 0 creates */
    json_t *def;
    surveys_problem_t problem;
    json_t *result; /* out: the survey as stored */
    api_idempotency_t idem;
} survey_write_job_t;

static cx_result survey_write_job(db_conn_t *db, void *arg)
{
    survey_write_job_t *j = arg;
    http_request_t *req = j->req;
    cx_result rc = api_idempotency_check(db, req, &j->idem);
    if (rc || j->idem.replay_status)
        return rc;
    int64_t id = 0;
    rc = surveys_put(db, j->id, j->def, req->now, &id, &j->problem);
    surveys_info_t stored;
    if (!rc)
        rc = surveys_get(db, &req->arena, id, &stored);
    if (!rc)
        rc = auth_audit(db, req, j->id ? "survey_updated" : "survey_created", stored.slug, NULL);
    if (!rc && !(j->result = surveys_to_json(&stored)))
        rc = CX_ERR_NOMEM;
    if (!rc)
        rc = api_idempotency_save(db, req, &j->idem, 201, j->result);
    return rc;
}

/* Parses, checks and writes the body; answers with the survey as stored. */
static cx_result survey_write(http_request_t *req, http_response_t *res, int64_t id)
{
    if (!req->body || req->body_len == 0)
        return http_fail(req, CX_ERR_INVALID, NULL, "the body must be a JSON survey definition");
    survey_write_job_t job = {.req = req, .id = id};
    if (!id) {
        /* the endpoint is part of what the key stands for */
        cx_result rc = api_idempotency_read(req, "POST /api/v1/surveys\n", &job.idem);
        if (rc)
            return rc;
    }
    json_error_t err;
    job.def = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &err);
    if (!json_is_object(job.def)) {
        json_decref(job.def);
        return http_fail(req, CX_ERR_INVALID, NULL,
                         "the body must be a JSON object (a survey definition)");
    }
    cx_result rc = CX_OK;
    if (!surveys_check(job.def, &job.problem))
        rc = fail_problem(req, CX_ERR_INVALID, &job.problem);
    if (!rc)
        rc = store_write(req->store, survey_write_job, &job);
    if (api_idempotency_answer(req, res, &job.idem, &rc))
        ; /* a replay, or a key used for another request */
    else if ((rc == CX_ERR_INVALID || rc == CX_ERR_CONFLICT) && job.problem.code)
        rc = fail_problem(req, rc, &job.problem);
    else if (rc == CX_ERR_NOT_FOUND)
        rc = http_fail(req, rc, NULL, "no such survey");
    else if (!rc) {
        /* the metrics know a new survey or question by its next refresh */
        refresher_poke(req->app->refresher);
        if (!id) {
            char location[64];
            snprintf(location, sizeof location, "/api/v1/surveys/%lld",
                     (long long)json_integer_value(json_object_get(job.result, "id")));
            http_set_header(req, res, "Location", location);
        }
        rc = http_json(req, res, id ? 200 : 201, job.result);
        job.result = NULL;
    }
    json_decref(job.result);
    json_decref(job.def);
    return rc;
}

cx_result api_surveys_create(http_request_t *req, http_response_t *res)
{
    return survey_write(req, res, 0);
}

cx_result api_surveys_update(http_request_t *req, http_response_t *res)
{
    int64_t id = http_param_id(req, "id");
    if (!id)
        return http_fail(req, CX_ERR_NOT_FOUND, NULL, "no such survey");
    return survey_write(req, res, id);
}

cx_result survey_delete_job(db_conn_t *db, void *arg)
{
    survey_delete_t *j = arg;
    surveys_info_t s;
    cx_result rc = surveys_get(db, &j->req->arena, j->id, &s);
    if (!rc)
        rc = surveys_delete(db, j->id, &j->problem);
    if (!rc)
        rc = auth_audit(db, j->req, "survey_deleted", s.slug, NULL);
    return rc;
}

cx_result api_surveys_delete(http_request_t *req, http_response_t *res)
{
    survey_delete_t job = {.req = req, .id = http_param_id(req, "id")};
    if (!job.id)
        return http_fail(req, CX_ERR_NOT_FOUND, NULL, "no such survey");
    cx_result rc = store_write(req->store, survey_delete_job, &job);
    if (rc == CX_ERR_NOT_FOUND)
        return http_fail(req, rc, NULL, "no such survey");
    if (rc == CX_ERR_CONFLICT)
        return http_fail(req, rc, NULL, job.problem.message);
    if (rc)
        return rc;
    res->status = 204;
    return CX_OK;
}
