/*
 * html.h — the one layout of every page, and the small pieces pages share
 * (CSRF field, notices, translated text, times, role names).
 *
 * A handler opens the page with html_begin (doctype, head, header with the
 * organisation, navigation filtered by the caller's role, language switch,
 * user menu, the opening of <main>), writes only its content into
 * res->body, and closes it with html_end. All user text goes through %h/%a
 * (core/buf.h); translated texts come from i18n.c.
 *
 * Relies on http.h, router.h (capabilities of the navigation targets),
 * assets.h (hashed URLs) and i18n.h. It must never write an inline script
 * or a style attribute: the Content-Security-Policy forbids both.
 */
#ifndef CX_WEB_HTML_H
#define CX_WEB_HTML_H

#include <stdint.h>

#include "web/http.h"
#include "web/router.h"

/* Opens a page in the full layout; title is plain text. Sets the status
 * to 200 and the content type. */
void html_begin(http_request_t *req, http_response_t *res, const char *title, web_area_t area);
/* Opens a page without navigation: sign-in and pages for visitors. */
void html_begin_bare(http_request_t *req, http_response_t *res, const char *title);
void html_end(http_request_t *req, http_response_t *res);

/* A complete error page: in the layout for a signed-in session, bare
 * otherwise. title and text are plain text. */
void html_error_page(http_request_t *req, http_response_t *res, int status, const char *title,
                     const char *text);

/* The hidden csrf_token input of the session (nothing when none). */
void html_csrf_input(const http_request_t *req, buf_t *b);
/* The translated text of key, HTML-escaped. */
void html_text(buf_t *b, const http_request_t *req, int key);
/* The translated text of key used as a buf_printf format (its arguments
 * are escaped by the conversions the text uses, %h for user text). */
void html_textf(buf_t *b, const http_request_t *req, int key, ...);
/* A notice box; kind is "success", "error" or "info"; text is plain. */
void html_notice(buf_t *b, const char *kind, const char *text);
/* <time datetime="ISO">human form</time>; "—" for 0. */
void html_time(buf_t *b, http_request_t *req, int64_t t);
/* The translated name of a role given by its code ("admin" ...). */
const char *html_role_label(const http_request_t *req, const char *role);
/* The standard page heading: <div class="page-head"><h1>..</h1><p>..</p>. */
void html_page_head(buf_t *b, const char *title, const char *lead);
/* An empty-state panel: icon name, heading, explanation (plain text). */
void html_empty_state(buf_t *b, const char *icon, const char *heading, const char *text);
/* An inline icon of the set used by the navigation ("dashboard", "users" ...). */
void html_icon(buf_t *b, const char *name);
/* For a user who may import (CAP_MANAGE): a button to the import page with
 * the file's kind chosen ("responses", "feedback", "customers"); nothing for
 * the others, so no page links to a page its reader cannot open. */
void html_import_link(buf_t *b, const http_request_t *req, const char *kind);
/* A language code as people read it: "pl" is "Polski" (each language in
 * its own name, as in the survey editor); an unknown code as it is. */
const char *html_language_label(const char *code);
/* A channel as people read it: the codes the product itself writes
 * ("email", "web", "widget" ...) in the reader's language; any other
 * channel name (the organisation's own) as it is. */
const char *html_channel_label(const http_request_t *req, const char *code);

#endif
