/*
 * router.h — the one table of every URL the server answers, and dispatch.
 *
 * Each route is declared once in router.c: the methods it accepts, its path
 * pattern (literal segments and ":name" parameters), its handler, the
 * capability it needs (core/roles.h), its kind (public, page or API) and
 * whether it needs a CSRF token. Matching, 404 versus 405 with Allow, the
 * sign-in redirect, the capability check and the CSRF check all follow
 * from the table, so a handler never checks them again and never forgets
 * them either.
 *
 * Relies on http.h for the request model and auth.h for who is asking. It
 * must never let a request reach a handler whose capability the caller
 * lacks.
 */
#ifndef CX_WEB_ROUTER_H
#define CX_WEB_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "web/http.h"

typedef cx_result (*route_handler_fn)(http_request_t *req, http_response_t *res);

typedef enum route_kind {
    ROUTE_PUBLIC, /* no sign-in: login, health, static files */
    ROUTE_PAGE,   /* HTML for a signed-in browser session */
    ROUTE_API,    /* JSON for an API key; sessions are not accepted */
} route_kind_t;

typedef enum route_csrf {
    CSRF_NONE,
    CSRF_SESSION, /* csrf_token must equal the session's token */
    CSRF_LOGIN,   /* csrf_token must equal the cx_csrf cookie (double submit) */
    /* public survey writes: no session to protect; the handler guards each
     * write itself (a random resume token for the second step, the survey's
     * allowed origins for the widget, rate limits) */
    CSRF_PUBLIC,
} route_csrf_t;

/* The areas of the interface, for navigation and the placeholder pages. */
typedef enum web_area {
    AREA_NONE = 0,
    AREA_DASHBOARD,
    AREA_EXPLORE,
    AREA_JOURNEY,
    AREA_FEEDBACK,
    AREA_CASES,
    AREA_INITIATIVES,
    AREA_SURVEYS,
    AREA_CUSTOMERS,
    AREA_SETTINGS,
    AREA_ACCOUNT,
} web_area_t;

typedef struct route {
    unsigned methods;    /* http_method_t bits; GET implies HEAD */
    const char *pattern; /* "/settings/users/:name/disable" */
    route_handler_fn handler;
    unsigned capability; /* CAP_* bits, any of which suffices; 0 = none */
    route_kind_t kind;
    route_csrf_t csrf;
    web_area_t area;
} route_t;

/* The table, for tests and for the navigation. */
const route_t *router_routes(size_t *count);

/* Matches path against pattern, appending decoded :name values to params.
 * CX_OK on a match, CX_ERR_NOT_FOUND when it does not match,
 * CX_ERR_INVALID when a parameter does not decode to valid text. */
cx_result router_pattern_match(arena_t *a, const char *pattern, const char *path,
                               http_params_t *params);

/* The route for method and path, with its parameters in params. When the
 * path matches but the method does not, returns NULL with the accepted
 * methods in *allowed (0 when nothing matches the path). */
const route_t *router_find(arena_t *a, http_method_t method, const char *path,
                           http_params_t *params, unsigned *allowed);

/* The capability GET path needs, or 0 when it needs none or is unknown. */
unsigned router_capability(const char *path);

/* Routes, authenticates, checks capability and CSRF, runs the handler and
 * renders its failure. Always leaves a complete response in res. */
void router_dispatch(http_request_t *req, http_response_t *res);

#endif
