/*
 * survey_jobs.h — the store jobs on one survey that the survey editor
 * (page_surveys.c) and the surveys API (api_surveys.c) both run, so a
 * change made from either is checked, written and audited the same way.
 *
 * Relies on store/surveys.h (the rules) and auth_audit (the audit entry,
 * in the same transaction as the change). Each job runs inside
 * store_write; the caller turns its result into HTML or JSON. Must never
 * change a survey without its audit entry.
 */
#ifndef CX_WEB_SURVEY_JOBS_H
#define CX_WEB_SURVEY_JOBS_H

#include <stdint.h>

#include "store/db.h"
#include "store/surveys.h"
#include "web/http.h"

typedef struct survey_delete {
    http_request_t *req;
    int64_t id;
    surveys_problem_t problem; /* out: why it was refused (CX_ERR_CONFLICT) */
} survey_delete_t;

/* store_write job (arg a survey_delete_t): deletes survey id — only one
 * without responses (surveys_delete) — and audits survey_deleted with its
 * slug. CX_ERR_NOT_FOUND when there is no such survey. */
cx_result survey_delete_job(db_conn_t *db, void *arg);

#endif
