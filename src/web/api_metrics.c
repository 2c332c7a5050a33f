/*
 * api_metrics.c — GET /api/v1/metrics: the metrics engine over HTTP.
 *
 *   /api/v1/metrics?metric=nps&by=month,segment&from=2026-01-01&to=2026-06-30
 *                  &touchpoint=Infolinia,Czat&segment=B2B
 *
 * Parameters: metric (required), by, from, to, and one parameter per
 * filtered dimension (survey, touchpoint, stage, channel, segment, account,
 * language, tier, attr.KEY for a customer attribute) with comma-separated
 * values. The answer is the document
 * of engine/metrics_query.h, the same `cxloop metrics --format json`
 * prints. An unknown parameter is refused rather than ignored, so a typo
 * never silently widens the selection.
 */
#include <string.h>

#include "engine/metrics_query.h"
#include "web/pages.h"
#include "web/web.h"

cx_result api_metrics(http_request_t *req, http_response_t *res)
{
    const char *metric = http_query(req, "metric");
    if (!metric || !*metric)
        return http_fail(req, CX_ERR_INVALID, "metric",
                         "metric is required: nps, enps, csat, ces or count");
    engine_query_t q;
    metrics_query_init(&q, metric);
    metrics_error_t err = {.field = NULL};
    cx_result rc = CX_OK;
    for (size_t i = 0; !rc && i < req->query.count; i++) {
        const http_param_t *p = &req->query.items[i];
        if (strcmp(p->name, "metric") == 0)
            continue;
        if (strcmp(p->name, "by") == 0)
            rc = metrics_query_set_by(&q, &req->arena, p->value, &err);
        else if (strcmp(p->name, "from") == 0)
            rc = metrics_query_set_from(&q, p->value, &err);
        else if (strcmp(p->name, "to") == 0)
            rc = metrics_query_set_to(&q, p->value, &err);
        else
            rc = metrics_query_add_filter(&q, &req->arena, p->name, p->value, &err);
    }
    if (rc == CX_ERR_INVALID)
        return http_fail(req, rc, err.field, arena_strdup(&req->arena, err.message));
    if (rc)
        return rc;

    engine_result_t result;
    char message[256];
    rc = engine_query(req->app->engine, &q, &result, message, sizeof message);
    if (rc == CX_ERR_INVALID) {
        /* the engine names the field in its message; the metric is the
         * usual culprit, an unknown filter value the other */
        const char *field = strncmp(message, "unknown metric", 14) == 0 ? "metric" : NULL;
        for (int f = 0; !field && f < q.nfilters; f++) {
            const engine_filter_t *flt = &q.filters[f];
            if (flt->dim == DIM_ATTRIBUTE && strstr(message, flt->attribute)) {
                buf_t name;
                buf_init(&name, 256);
                buf_printf(&name, "attr.%s", flt->attribute); /* raw: a field name for JSON */
                field = arena_strdup(&req->arena, buf_str(&name));
                buf_free(&name);
            } else if (flt->dim != DIM_ATTRIBUTE && strstr(message, engine_dim_name(flt->dim))) {
                field = engine_dim_name(flt->dim);
            }
        }
        return http_fail(req, rc, field, arena_strdup(&req->arena, message));
    }
    if (rc)
        return rc;
    json_t *doc = metrics_result_json(&result);
    engine_result_free(&result);
    if (!doc)
        return CX_ERR_NOMEM;
    return http_json(req, res, 200, doc);
}
