/*
 * report.c — the self-contained report document (see report.h) and its
 * route, GET /report.html.
 *
 * The document is the overview's sections (overview.h) between a title
 * block (organisation, period, segment, language, time of generation) and
 * a data appendix, styled by the application's stylesheet (whose last
 * block holds the report's print rules) copied into a <style> element so the
 * file needs nothing else: it can be mailed, archived or printed to PDF
 * (A4, a page break before each major section). A Content-Security-Policy
 * in the document itself forbids any script and any outside resource, so
 * even a saved copy opened from disk cannot run injected code.
 *
 * Relies on overview.h, assets.h (the embedded stylesheets) and html.h for
 * translated text. Must never write a script, an external URL or user
 * text that has not been escaped with %h/%a.
 */
#include "web/report.h"

#include <stdio.h>
#include <string.h>

#include "web/assets.h"
#include "web/html.h"
#include "sys/tz.h"
#include "web/pages.h"

static void report_style(buf_t *out, const char *name)
{
    const web_asset_t *a = assets_find(name);
    /* the embedded bytes end with a NUL after len; copy len only */
    if (a)
        buf_append(out, a->data, a->len);
    buf_putc(out, '\n');
}

static void report_meta(buf_t *out, const char *term, const char *value)
{
    buf_printf(out, "<div><dt>%h</dt><dd>%h</dd></div>", term, value);
}

cx_result report_render(http_request_t *req, const char *from, const char *to,
                        const char *segment, buf_t *out, overview_error_t *err)
{
    overview_scope_t scope;
    cx_result rc = overview_scope_init(req, from, to, segment, &scope, err);
    if (rc)
        return rc;
    overview_t ov;
    overview_prepare(req, &scope, &ov);

    const char *org = web_org_name(req);
    buf_printf(out,
               "<!DOCTYPE html>\n<html lang=\"%a\"><head><meta charset=\"utf-8\">"
               "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
               "style-src 'unsafe-inline'; img-src data:\">"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
               "<title>%h \xE2\x80\x94 %h</title><style>\n",
               i18n_lang_code(req->lang), web_t(req, T_RP_TITLE), org);
    report_style(out, "app.css");
    buf_puts(out, "</style></head><body class=\"report\"><main class=\"report-main\">");

    /* the title block */
    buf_printf(out, "<header class=\"report-title\" id=\"report-title\"><p class=\"report-org\">"
                    "%h</p><h1>%h</h1><dl class=\"report-meta\">",
               org, web_t(req, T_RP_TITLE));
    report_meta(out, web_t(req, T_RP_ORGANISATION), org);
    buf_t t;
    buf_init(&t, 0);
    if (scope.has_data || scope.custom) {
        overview_format_day(&t, req->lang, scope.from);
        buf_puts(&t, " \xE2\x80\x93 ");
        overview_format_day(&t, req->lang, scope.to);
    } else {
        buf_puts(&t, "\xE2\x80\x94");
    }
    report_meta(out, web_t(req, T_RP_PERIOD), buf_str(&t));
    report_meta(out, web_t(req, T_RP_SEGMENT),
                scope.segment ? scope.segment : web_t(req, T_RP_ALL_SEGMENTS));
    report_meta(out, web_t(req, T_RP_LANGUAGE), i18n_lang_name(req->lang));
    buf_reset(&t);
    i18n_format_time(&t, req->lang, req->now);
    report_meta(out, web_t(req, T_RP_GENERATED), buf_str(&t));
    buf_free(&t);
    buf_printf(out, "</dl><p class=\"muted report-method\">%h</p>", web_t(req, T_RP_METHOD));
    if (!scope.has_data)
        buf_printf(out, "<p class=\"report-empty\">%h</p>", web_t(req, T_RP_NO_DATA));
    buf_puts(out, "</header>\n");

    overview_render_scores(out, req, &ov);
    buf_puts(out, "<div class=\"report-section\">");
    overview_render_trend(out, req, &ov);
    buf_puts(out, "</div><div class=\"report-section\">");
    overview_render_breakdowns(out, req, &ov);
    buf_puts(out, "</div><div class=\"report-section\">");
    overview_render_appendix(out, req, &ov);
    buf_puts(out, "</div></main></body></html>\n");
    overview_release(&ov);
    return buf_failed(out) ? CX_ERR_NOMEM : CX_OK;
}

void report_context_init(http_request_t *req, web_app_t *app, store_t *store, engine_t *engine,
                         i18n_lang_t lang, int64_t now)
{
    memset(req, 0, sizeof *req);
    memset(app, 0, sizeof *app);
    app->store = store;
    app->engine = engine;
    arena_init(&req->arena);
    req->app = app;
    req->store = store;
    req->lang = lang;
    req->now = now;
    req->path = "/report.html";
    req->query_string = "";
}

void report_context_free(http_request_t *req)
{
    arena_free(&req->arena);
}

cx_result page_report(http_request_t *req, http_response_t *res)
{
    overview_error_t err;
    cx_result rc = report_render(req, http_query(req, "from"), http_query(req, "to"),
                                 http_query(req, "segment"), &res->body, &err);
    if (rc == CX_ERR_INVALID)
        return http_fail(req, rc, err.field, err.message);
    if (rc)
        return rc;
    res->status = 200;
    res->content_type = "text/html; charset=utf-8";
    char disposition[96];
    int32_t day = tz_local_day(req->now);
    int y, m, d;
    tz_civil_from_days(day, &y, &m, &d);
    snprintf(disposition, sizeof disposition,
             "attachment; filename=\"cxloop-report-%04d-%02d-%02d.html\"", y, m, d);
    http_set_header(req, res, "Content-Disposition", disposition);
    return CX_OK;
}
