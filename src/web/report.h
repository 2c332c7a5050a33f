/*
 * report.h — the downloadable report: one self-contained HTML document
 * (inline CSS and SVG, no script, no reference to anything outside the
 * file) holding the overview's sections for a period and segment, laid out
 * for A4 so that a browser prints it cleanly to PDF.
 *
 * The same document comes from `cxloop report` (src/cli/cmd_report.c) and
 * GET /report.html (page_report): both render through overview.h, so the
 * report shows exactly what the overview shows. Outside the server a
 * request-shaped context (report_context_init) carries the language, the
 * store, the engine and the arena the section renderers use.
 */
#ifndef CX_WEB_REPORT_H
#define CX_WEB_REPORT_H

#include "core/buf.h"
#include "web/http.h"
#include "web/overview.h"
#include "web/web.h"

/* Appends the whole document for the period from..to (either may be NULL:
 * see overview_scope_init) and segment (NULL: every segment) to out.
 * CX_ERR_INVALID with *err set for bad parameters; nothing is appended
 * then. */
cx_result report_render(http_request_t *req, const char *from, const char *to,
                        const char *segment, buf_t *out, overview_error_t *err);

/* A context for rendering without a server: app must outlive req and hold
 * the store and the engine. Free with report_context_free. */
void report_context_init(http_request_t *req, web_app_t *app, store_t *store, engine_t *engine,
                         i18n_lang_t lang, int64_t now);
void report_context_free(http_request_t *req);

#endif
