/*
 * http.h — the request and response every handler sees, and the parsing of
 * what arrives in a request: query strings, form bodies, cookies.
 *
 * It relies on core/arena.h for everything a request owns and core/buf.h
 * for the response body. It knows nothing of libmicrohttpd: server.c fills
 * an http_request_t from the connection and turns the http_response_t into
 * the reply, so handlers and the parsers here can be tested without a
 * socket. It must never write a header value that holds CR or LF, and never
 * hand out text that was not percent-decoded and checked for UTF-8.
 *
 * Ownership: every string and array reachable from an http_request_t lives
 * in req->arena and is valid until the request ends. The response body is a
 * buf_t owned by the response; server.c hands it to the connection.
 */
#ifndef CX_WEB_HTTP_H
#define CX_WEB_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/result.h"
#include "core/roles.h"
#include "store/store.h"
#include "web/i18n.h"

/* Methods are bits so a route can accept several and 405 can list them. */
typedef enum http_method {
    HTTP_GET = 1 << 0,
    HTTP_HEAD = 1 << 1,
    HTTP_POST = 1 << 2,
    HTTP_PUT = 1 << 3,
    HTTP_PATCH = 1 << 4,
    HTTP_DELETE = 1 << 5,
    HTTP_OPTIONS = 1 << 6,
    HTTP_OTHER = 1 << 7,
} http_method_t;

/* HTTP_OTHER for anything unknown. */
http_method_t http_method_from_name(const char *name);
const char *http_method_name(http_method_t method);
/* "GET, HEAD, POST" into b for an Allow header. */
void http_methods_list(buf_t *b, unsigned methods);

/* An ordered list of name/value pairs; duplicates are kept in order. */
typedef struct http_param {
    const char *name;
    const char *value;
    size_t value_len;
} http_param_t;

typedef struct http_params {
    http_param_t *items;
    size_t count;
    size_t alloc;
} http_params_t;

/* Copies name and value into the arena. CX_ERR_NOMEM on failure. */
cx_result http_params_add(arena_t *a, http_params_t *p, const char *name, const char *value,
                          size_t value_len);
/* The first value of name, or NULL. Header names compare without case. */
const char *http_params_get(const http_params_t *p, const char *name);
const char *http_params_get_nocase(const http_params_t *p, const char *name);

/* Limits that keep a hostile request from costing more than its size. */
#define HTTP_MAX_PARAMS 1000
#define HTTP_MAX_COOKIES 100

/* Percent-decodes s[0..len) into a NUL-terminated arena string; with
 * plus_as_space, '+' becomes ' ' (query strings and form bodies). A '%' not
 * followed by two hex digits stays as it is. CX_ERR_INVALID when the result
 * holds a NUL byte or is not valid UTF-8. */
cx_result http_url_decode(arena_t *a, const char *s, size_t len, bool plus_as_space, char **out,
                          size_t *out_len);

/* Parses application/x-www-form-urlencoded text (a query string or a form
 * body) into out, appending. Empty pairs ("a=1&&b=2") are skipped; a pair
 * without '=' has an empty value. CX_ERR_INVALID for undecodable text or
 * more than HTTP_MAX_PARAMS pairs. */
cx_result http_parse_urlencoded(arena_t *a, const char *s, size_t len, http_params_t *out);

/* Parses a Cookie header ("a=1; b=2") into out. Values are taken as they
 * are, without quotes; a malformed pair is skipped, since browsers send
 * what other sites set and that must not break our pages. */
cx_result http_parse_cookies(arena_t *a, const char *header, http_params_t *out);

/* True for UTF-8 without NUL or other control bytes except tab, CR, LF. */
bool http_text_valid(const char *s, size_t len);

/* ---- the request ---- */

typedef enum web_auth_kind { WEB_AUTH_NONE, WEB_AUTH_SESSION, WEB_AUTH_APIKEY } web_auth_kind_t;

/* Who is asking; filled by auth.c. */
typedef struct web_auth {
    web_auth_kind_t kind;
    int64_t user_id; /* session user; 0 for keys */
    int64_t session_id;
    int64_t session_created_at;
    const char *session_hash; /* hash of the session token */
    const char *name;         /* user or key name */
    const char *display_name;
    const char *actor; /* for the audit log: name, or "key:NAME" */
    const char *csrf_token;
    const char *user_language;
    role_t role;
    unsigned caps;
} web_auth_t;

struct route;
typedef struct web_app web_app_t;

typedef struct http_request {
    arena_t arena;
    const web_app_t *app;
    store_t *store;

    http_method_t method;
    const char *method_name;
    const char *path;         /* as sent, without the query; never empty */
    const char *query_string; /* raw, "" when none */
    http_params_t query;
    http_params_t path_params; /* from the route's :name parts, decoded */
    http_params_t headers;
    http_params_t cookies;
    http_params_t form; /* form bodies only */
    const char *body;   /* NUL-terminated copy, NULL when none */
    size_t body_len;
    const char *address; /* the client, as text */
    bool tls;
    bool is_api; /* path under /api/: errors are JSON */

    const struct route *route;
    web_auth_t auth;
    i18n_lang_t lang;
    int64_t now;
    const char *org_name; /* cached by web_org_name */

    /* Details of a failure, set by http_fail and rendered by
     * http_render_error. */
    const char *fail_message; /* English, for the API */
    const char *fail_field;
    int fail_text;   /* i18n key for the HTML page, or -1 */
    int retry_after; /* seconds, for 429/503; 0 = none */
} http_request_t;

/* ---- the response ---- */

typedef struct http_response {
    int status;
    const char *content_type;
    http_params_t headers;
    buf_t body;
    /* A body that outlives the request (embedded assets); used instead of
     * body when not NULL. */
    const void *static_body;
    size_t static_len;
    bool full_layout; /* html_begin opened the layout with navigation */
} http_response_t;

#define HTTP_CT_HTML "text/html; charset=utf-8"
#define HTTP_CT_JSON "application/json"

void http_response_init(http_response_t *res);
void http_response_free(http_response_t *res);
/* Forgets status, body and every header but Set-Cookie, as when a
 * handler fails half-way. */
void http_response_reset(http_response_t *res);

/* Adds a header; CR, LF and other control bytes in the value are replaced
 * by spaces so a header can never be split. */
void http_set_header(http_request_t *req, http_response_t *res, const char *name,
                     const char *value);

/* Cookie attributes shared by every cookie we set: Path=/, HttpOnly,
 * SameSite=Lax, Secure when the request came over TLS. max_age < 0 leaves
 * it a browser-session cookie; 0 deletes it. value must be cookie-safe. */
void http_set_cookie(http_request_t *req, http_response_t *res, const char *name, const char *value,
                     long max_age);

/* 303 See Other to a local location. */
void http_redirect(http_request_t *req, http_response_t *res, const char *location);

/* A JSON body; takes the reference to value. CX_ERR_NOMEM on failure. */
cx_result http_json(http_request_t *req, http_response_t *res, int status, json_t *value);

/* Records why a handler fails and returns rc, for
 *   return http_fail(req, CX_ERR_INVALID, "text", "must not be empty");
 * field and message must outlive the request (literals or arena text). */
cx_result http_fail(http_request_t *req, cx_result rc, const char *field, const char *message);
/* The same with a translated text for the HTML page. */
cx_result http_fail_text(http_request_t *req, cx_result rc, int text);

/* The HTTP status of a result. */
int http_status_of(cx_result rc);

/* The one place an error becomes a response: JSON under /api, an HTML page
 * in the layout otherwise. Uses req->fail_* when set. */
void http_render_error(http_request_t *req, http_response_t *res, cx_result rc);
/* For failures that are not a cx_result (405, and 404/413 found by the
 * server): status, stable code and English message. */
void http_render_status(http_request_t *req, http_response_t *res, int status, const char *code,
                        const char *message);

/* Parameter shortcuts: the value or NULL. */
const char *http_query(const http_request_t *req, const char *name);
const char *http_form(const http_request_t *req, const char *name);
const char *http_param(const http_request_t *req, const char *name);
const char *http_header(const http_request_t *req, const char *name);
const char *http_cookie(const http_request_t *req, const char *name);
/* A path parameter that names a row by its id: the positive number it
 * spells in plain digits (no sign, no spaces, no overflow), else 0 — which
 * no row has, so the caller answers "not found". */
int64_t http_param_id(const http_request_t *req, const char *name);

/* Formats Unix seconds as "2026-01-31T10:00:00Z" into an arena string. */
const char *http_iso_time(arena_t *a, int64_t t);
/* Parses ISO 8601 date-times with Z or an offset ("2026-01-31T10:00:00Z",
 * "2026-01-31T11:00:00+01:00", fractional seconds allowed). */
bool http_parse_iso_time(const char *s, int64_t *out);

#endif
