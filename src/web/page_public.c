/*
 * page_public.c — what answers without sign-in besides the login form: the
 * health check and the embedded static files (page_asset serves the widget's
 * script too).
 *
 * Relies on assets.h and store/overview.h (a trivial read proves the
 * database answers). Must never reveal anything about the organisation:
 * both answers are the same for every installation.
 */
#include <string.h>

#include "store/overview.h"
#include "web/assets.h"
#include "web/pages.h"

static cx_result healthz_job(db_conn_t *db, void *arg)
{
    (void)arg;
    return store_overview_ping(db);
}

cx_result page_healthz(http_request_t *req, http_response_t *res)
{
    cx_result rc = store_read(req->store, healthz_job, NULL);
    json_t *body = json_pack("{s:s}", "status", rc == CX_OK ? "ok" : "unavailable");
    return http_json(req, res, rc == CX_OK ? 200 : 503, body);
}

/* True when an If-None-Match list names etag (or is "*"). */
static bool etag_matches(const char *header, const char *etag)
{
    if (!header)
        return false;
    if (strcmp(header, "*") == 0)
        return true;
    size_t n = strlen(etag);
    for (const char *p = header; (p = strstr(p, etag)) != NULL; p += n) {
        bool start_ok = p == header || p[-1] == ' ' || p[-1] == ',' || p[-1] == '/';
        bool end_ok = p[n] == '\0' || p[n] == ',' || p[n] == ' ';
        if (start_ok && end_ok)
            return true;
    }
    return false;
}

cx_result page_asset(http_request_t *req, http_response_t *res, const char *name,
                     const char *cache_control)
{
    const web_asset_t *a = assets_find(name);
    if (!a)
        return CX_ERR_NOT_FOUND;
    buf_t etag;
    buf_init(&etag, 64);
    buf_printf(&etag, "\"%s\"", a->hash); /* raw: a hex digest for the ETag header */
    const char *tag = arena_strdup(&req->arena, buf_str(&etag));
    buf_free(&etag);
    if (!tag)
        return CX_ERR_NOMEM;
    http_set_header(req, res, "ETag", tag);
    http_set_header(req, res, "Cache-Control", cache_control);
    if (etag_matches(http_header(req, "If-None-Match"), tag)) {
        res->status = 304;
        return CX_OK;
    }
    res->status = 200;
    res->content_type = a->content_type;
    res->static_body = a->data;
    res->static_len = a->len;
    return CX_OK;
}

cx_result page_static(http_request_t *req, http_response_t *res)
{
    /* the URL carries the content hash (assets_url): cached for good */
    return page_asset(req, res, http_param(req, "name"), "public, max-age=31536000, immutable");
}
