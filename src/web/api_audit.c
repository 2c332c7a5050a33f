/*
 * api_audit.c — GET /api/v1/audit?limit=N&before=ID: the audit log, newest
 * first, for keys with CAP_ADMIN (the router checks it).
 *
 * Relies on store/accounts.h. Must never accept a limit it cannot bound.
 */
#include <stdint.h>

#include "store/accounts.h"
#include "web/pages.h"

#define API_AUDIT_DEFAULT 50
#define API_AUDIT_MAX 1000

typedef struct api_audit_job {
    http_request_t *req;
    int64_t before;
    int limit;
    store_audit_entry_t *entries;
    size_t count;
} api_audit_job_t;

static cx_result api_audit_job(db_conn_t *db, void *arg)
{
    api_audit_job_t *j = arg;
    return store_audit_list(db, &j->req->arena, j->before, j->limit, &j->entries, &j->count);
}

/* A decimal integer in [min, max]; false for anything else. */
static bool parse_bounded(const char *s, int64_t min, int64_t max, int64_t *out)
{
    if (!s || !*s)
        return false;
    int64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9' || v > (INT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (*p - '0');
    }
    if (v < min || v > max)
        return false;
    *out = v;
    return true;
}

cx_result api_audit_list(http_request_t *req, http_response_t *res)
{
    api_audit_job_t job = {.req = req, .limit = API_AUDIT_DEFAULT};
    const char *limit = http_query(req, "limit");
    const char *before = http_query(req, "before");
    int64_t v;
    if (limit) {
        if (!parse_bounded(limit, 1, API_AUDIT_MAX, &v))
            return http_fail(req, CX_ERR_INVALID, "limit",
                             "limit must be an integer from 1 to 1000");
        job.limit = (int)v;
    }
    if (before) {
        if (!parse_bounded(before, 1, INT64_MAX, &v))
            return http_fail(req, CX_ERR_INVALID, "before", "before must be a positive integer");
        job.before = v;
    }
    cx_result rc = store_read(req->store, api_audit_job, &job);
    if (rc)
        return rc;
    json_t *entries = json_array();
    if (!entries)
        return CX_ERR_NOMEM;
    for (size_t i = 0; i < job.count; i++) {
        const store_audit_entry_t *e = &job.entries[i];
        json_t *o =
            json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)e->id, "at",
                      http_iso_time(&req->arena, e->at), "actor", e->actor, "action", e->action,
                      "target", e->target, "address", e->address, "detail", e->detail);
        if (!o || json_array_append_new(entries, o)) {
            json_decref(entries);
            return CX_ERR_NOMEM;
        }
    }
    return http_json(req, res, 200, json_pack("{s:o}", "entries", entries));
}
