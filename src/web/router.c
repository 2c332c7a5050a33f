/*
 * router.c — the route table and dispatch (see router.h).
 *
 * Every URL of the server is one row of web_routes below. Dispatch is the
 * same for all of them: match, then 405 with Allow when only the method is
 * wrong, then authentication by kind (session for pages, API key for the
 * API), then the capability, then the CSRF token, then the handler. A
 * handler's failure is rendered by http_render_error. Relies on auth.h,
 * http.h, html.h and the handlers of pages.h; must never call a handler
 * before every check of its row passed.
 */
#include "web/router.h"

#include <string.h>

#include "core/roles.h"
#include "sys/log.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/web.h"

#define GET HTTP_GET
#define POST HTTP_POST
#define DELETE HTTP_DELETE
#define PUT HTTP_PUT

static const route_t web_routes[] = {
    /* public */
    {GET, "/healthz", page_healthz, 0, ROUTE_PUBLIC, CSRF_NONE, AREA_NONE},
    {GET, "/static/:name", page_static, 0, ROUTE_PUBLIC, CSRF_NONE, AREA_NONE},
    {GET, "/login", page_login_form, 0, ROUTE_PUBLIC, CSRF_NONE, AREA_NONE},
    {POST, "/login", page_login_submit, 0, ROUTE_PUBLIC, CSRF_LOGIN, AREA_NONE},
    /* public survey pages and the website widget: no session, so no CSRF
     * token; CSRF_PUBLIC says the handler guards its writes (router.h) */
    {GET, "/s/:slug", page_public_survey, 0, ROUTE_PUBLIC, CSRF_NONE, AREA_NONE},
    {POST, "/s/:slug", page_public_survey_start, 0, ROUTE_PUBLIC, CSRF_PUBLIC, AREA_NONE},
    {POST, "/s/:slug/complete", page_public_survey_complete, 0, ROUTE_PUBLIC, CSRF_PUBLIC,
     AREA_NONE},
    /* a reloaded or bookmarked second step starts the survey again */
    {GET, "/s/:slug/complete", page_public_survey, 0, ROUTE_PUBLIC, CSRF_NONE, AREA_NONE},
    {GET, "/s/:slug/widget", page_widget_config, 0, ROUTE_PUBLIC, CSRF_NONE, AREA_NONE},
    {HTTP_OPTIONS, "/s/:slug/widget", page_widget_preflight, 0, ROUTE_PUBLIC, CSRF_PUBLIC,
     AREA_NONE},
    {POST, "/s/:slug/widget", page_widget_answer, 0, ROUTE_PUBLIC, CSRF_PUBLIC, AREA_NONE},
    {GET, "/widget.js", page_widget_js, 0, ROUTE_PUBLIC, CSRF_NONE, AREA_NONE},

    /* pages; every role has CAP_VIEW */
    {POST, "/logout", page_logout, CAP_VIEW, ROUTE_PAGE, CSRF_SESSION, AREA_NONE},
    {GET, "/", page_overview, CAP_VIEW, ROUTE_PAGE, CSRF_NONE, AREA_DASHBOARD},
    {GET, "/explore", page_explore, CAP_ANALYSE, ROUTE_PAGE, CSRF_NONE, AREA_EXPLORE},
    {GET, "/explore.csv", page_explore_csv, CAP_ANALYSE, ROUTE_PAGE, CSRF_NONE, AREA_EXPLORE},
    /* the overview as one self-contained file to keep or print */
    {GET, "/report.html", page_report, CAP_VIEW, ROUTE_PAGE, CSRF_NONE, AREA_DASHBOARD},
    {GET, "/journey", page_area, CAP_VIEW, ROUTE_PAGE, CSRF_NONE, AREA_JOURNEY},
    {GET, "/feedback", page_feedback, CAP_VIEW, ROUTE_PAGE, CSRF_NONE, AREA_FEEDBACK},
    {GET, "/feedback/responses/:id", page_feedback_response, CAP_VIEW, ROUTE_PAGE, CSRF_NONE,
     AREA_FEEDBACK},
    {GET, "/feedback/items/:id", page_feedback_item, CAP_VIEW, ROUTE_PAGE, CSRF_NONE,
     AREA_FEEDBACK},
    {GET, "/cases", page_area, CAP_CASES, ROUTE_PAGE, CSRF_NONE, AREA_CASES},
    {GET, "/initiatives", page_area, CAP_VIEW, ROUTE_PAGE, CSRF_NONE, AREA_INITIATIVES},
    /* the survey editor: everyone sees, CAP_MANAGE edits; /surveys/new
     * before /surveys/:id */
    {GET, "/surveys", page_surveys_list, CAP_VIEW, ROUTE_PAGE, CSRF_NONE, AREA_SURVEYS},
    {GET, "/surveys/new", page_surveys_new, CAP_MANAGE, ROUTE_PAGE, CSRF_NONE, AREA_SURVEYS},
    {POST, "/surveys", page_surveys_create, CAP_MANAGE, ROUTE_PAGE, CSRF_SESSION, AREA_SURVEYS},
    {GET, "/surveys/:id", page_surveys_edit, CAP_VIEW, ROUTE_PAGE, CSRF_NONE, AREA_SURVEYS},
    {POST, "/surveys/:id", page_surveys_save, CAP_MANAGE, ROUTE_PAGE, CSRF_SESSION, AREA_SURVEYS},
    {POST, "/surveys/:id/state", page_surveys_state, CAP_MANAGE, ROUTE_PAGE, CSRF_SESSION,
     AREA_SURVEYS},
    {POST, "/surveys/:id/delete", page_surveys_delete, CAP_MANAGE, ROUTE_PAGE, CSRF_SESSION,
     AREA_SURVEYS},
    {POST, "/surveys/:id/questions", page_surveys_question_add, CAP_MANAGE, ROUTE_PAGE,
     CSRF_SESSION, AREA_SURVEYS},
    {POST, "/surveys/:id/questions/:key", page_surveys_question_save, CAP_MANAGE, ROUTE_PAGE,
     CSRF_SESSION, AREA_SURVEYS},
    {POST, "/surveys/:id/questions/:key/delete", page_surveys_question_delete, CAP_MANAGE,
     ROUTE_PAGE, CSRF_SESSION, AREA_SURVEYS},
    {POST, "/surveys/:id/questions/:key/move", page_surveys_question_move, CAP_MANAGE, ROUTE_PAGE,
     CSRF_SESSION, AREA_SURVEYS},
    /* customer records are personal data: people who work cases or analyse */
    {GET, "/customers", page_customers, CAP_CASES | CAP_ANALYSE, ROUTE_PAGE, CSRF_NONE,
     AREA_CUSTOMERS},
    {GET, "/customers/:id", page_customer, CAP_CASES | CAP_ANALYSE, ROUTE_PAGE, CSRF_NONE,
     AREA_CUSTOMERS},
    /* distribution of a survey: QR code downloads and e-mail invitations */
    {GET, "/surveys/:id/qr.svg", page_survey_qr_svg, CAP_VIEW, ROUTE_PAGE, CSRF_NONE, AREA_SURVEYS},
    {GET, "/surveys/:id/qr.png", page_survey_qr_png, CAP_VIEW, ROUTE_PAGE, CSRF_NONE, AREA_SURVEYS},
    {GET, "/surveys/:id/invitations", page_invitations, CAP_VIEW, ROUTE_PAGE, CSRF_NONE,
     AREA_SURVEYS},
    {POST, "/surveys/:id/invitations", page_invitations_create, CAP_MANAGE, ROUTE_PAGE,
     CSRF_SESSION, AREA_SURVEYS},
    {POST, "/surveys/:id/invitations/remind", page_invitations_remind, CAP_MANAGE, ROUTE_PAGE,
     CSRF_SESSION, AREA_SURVEYS},
    {POST, "/surveys/:id/invitations/public-url", page_invitations_public_url, CAP_ADMIN,
     ROUTE_PAGE, CSRF_SESSION, AREA_SURVEYS},

    {GET, "/settings", page_settings_index, CAP_ADMIN, ROUTE_PAGE, CSRF_NONE, AREA_SETTINGS},
    {GET, "/settings/users", page_settings_users, CAP_ADMIN, ROUTE_PAGE, CSRF_NONE, AREA_SETTINGS},
    {POST, "/settings/users", page_settings_user_add, CAP_ADMIN, ROUTE_PAGE, CSRF_SESSION,
     AREA_SETTINGS},
    {POST, "/settings/users/:name/disable", page_settings_user_disable, CAP_ADMIN, ROUTE_PAGE,
     CSRF_SESSION, AREA_SETTINGS},
    {POST, "/settings/users/:name/enable", page_settings_user_enable, CAP_ADMIN, ROUTE_PAGE,
     CSRF_SESSION, AREA_SETTINGS},
    {POST, "/settings/users/:name/password", page_settings_user_password, CAP_ADMIN, ROUTE_PAGE,
     CSRF_SESSION, AREA_SETTINGS},
    {GET, "/settings/apikeys", page_settings_apikeys, CAP_ADMIN, ROUTE_PAGE, CSRF_NONE,
     AREA_SETTINGS},
    {POST, "/settings/apikeys", page_settings_apikey_create, CAP_ADMIN, ROUTE_PAGE, CSRF_SESSION,
     AREA_SETTINGS},
    {POST, "/settings/apikeys/:name/revoke", page_settings_apikey_revoke, CAP_ADMIN, ROUTE_PAGE,
     CSRF_SESSION, AREA_SETTINGS},
    {GET, "/settings/audit", page_settings_audit, CAP_ADMIN, ROUTE_PAGE, CSRF_NONE, AREA_SETTINGS},

    {GET, "/account", page_account, CAP_VIEW, ROUTE_PAGE, CSRF_NONE, AREA_ACCOUNT},
    {POST, "/account/password", page_account_password, CAP_VIEW, ROUTE_PAGE, CSRF_SESSION,
     AREA_ACCOUNT},
    {POST, "/account/language", page_account_language, CAP_VIEW, ROUTE_PAGE, CSRF_SESSION,
     AREA_ACCOUNT},

    /* import page: upload, column mapping, check and import */
    {GET, "/import", page_import, CAP_MANAGE, ROUTE_PAGE, CSRF_NONE, AREA_NONE},
    {POST, "/import/upload", page_import_upload, CAP_MANAGE, ROUTE_PAGE, CSRF_SESSION, AREA_NONE},
    {GET, "/import/:id", page_import_map, CAP_MANAGE, ROUTE_PAGE, CSRF_NONE, AREA_NONE},
    {POST, "/import/:id", page_import_run, CAP_MANAGE, ROUTE_PAGE, CSRF_SESSION, AREA_NONE},
    /* API */
    {GET, "/api/v1/me", api_me, CAP_VIEW, ROUTE_API, CSRF_NONE, AREA_NONE},
    {POST, "/api/v1/feedback", api_feedback_create, CAP_MANAGE, ROUTE_API, CSRF_NONE, AREA_NONE},
    {GET, "/api/v1/feedback/:id", api_feedback_get, CAP_VIEW, ROUTE_API, CSRF_NONE, AREA_NONE},
    {GET, "/api/v1/feedback", api_feedback_list, CAP_ANALYSE, ROUTE_API, CSRF_NONE, AREA_NONE},
    {GET, "/api/v1/audit", api_audit_list, CAP_ADMIN, ROUTE_API, CSRF_NONE, AREA_NONE},
    {GET, "/api/v1/metrics", api_metrics, CAP_VIEW, ROUTE_API, CSRF_NONE, AREA_NONE},
    {POST, "/api/v1/responses", api_responses_create, CAP_MANAGE, ROUTE_API, CSRF_NONE, AREA_NONE},
    {GET, "/api/v1/responses", api_responses_list, CAP_ANALYSE, ROUTE_API, CSRF_NONE, AREA_NONE},
    {GET, "/api/v1/responses/:id", api_responses_get, CAP_VIEW, ROUTE_API, CSRF_NONE, AREA_NONE},
    {DELETE, "/api/v1/responses/:id", api_responses_delete, CAP_MANAGE, ROUTE_API, CSRF_NONE,
     AREA_NONE},
    /* customers are personal data: reads for those who work cases or
     * analyse, writes for managers; export and erase are the privacy duties */
    {POST, "/api/v1/customers", api_customers_upsert, CAP_MANAGE, ROUTE_API, CSRF_NONE, AREA_NONE},
    {GET, "/api/v1/customers", api_customers_list, CAP_CASES | CAP_ANALYSE, ROUTE_API, CSRF_NONE,
     AREA_NONE},
    {GET, "/api/v1/customers/:id", api_customers_get, CAP_CASES | CAP_ANALYSE, ROUTE_API,
     CSRF_NONE, AREA_NONE},
    {PUT, "/api/v1/customers/:id", api_customers_update, CAP_MANAGE, ROUTE_API, CSRF_NONE,
     AREA_NONE},
    {DELETE, "/api/v1/customers/:id", api_customers_delete, CAP_MANAGE, ROUTE_API, CSRF_NONE,
     AREA_NONE},
    {GET, "/api/v1/customers/:id/export", api_customers_export, CAP_CASES | CAP_ANALYSE,
     ROUTE_API, CSRF_NONE, AREA_NONE},
    {POST, "/api/v1/customers/:id/erase", api_customers_erase, CAP_MANAGE, ROUTE_API, CSRF_NONE,
     AREA_NONE},
    {PUT, "/api/v1/feedback/:id", api_feedback_update, CAP_MANAGE, ROUTE_API, CSRF_NONE,
     AREA_NONE},
    {DELETE, "/api/v1/feedback/:id", api_feedback_delete, CAP_MANAGE, ROUTE_API, CSRF_NONE,
     AREA_NONE},
    {GET, "/api/v1/surveys", api_surveys_list, CAP_VIEW, ROUTE_API, CSRF_NONE, AREA_NONE},
    {POST, "/api/v1/surveys", api_surveys_create, CAP_MANAGE, ROUTE_API, CSRF_NONE, AREA_NONE},
    {GET, "/api/v1/surveys/:id", api_surveys_get, CAP_VIEW, ROUTE_API, CSRF_NONE, AREA_NONE},
    {PUT, "/api/v1/surveys/:id", api_surveys_update, CAP_MANAGE, ROUTE_API, CSRF_NONE, AREA_NONE},
    {DELETE, "/api/v1/surveys/:id", api_surveys_delete, CAP_MANAGE, ROUTE_API, CSRF_NONE,
     AREA_NONE},
};

#undef GET
#undef POST
#undef PUT
#undef DELETE

#define ROUTE_COUNT (sizeof web_routes / sizeof web_routes[0])

const route_t *router_routes(size_t *count)
{
    *count = ROUTE_COUNT;
    return web_routes;
}

/* The next segment of a path or pattern: *p points after a '/'. */
static size_t segment_length(const char *p)
{
    const char *slash = strchr(p, '/');
    return slash ? (size_t)(slash - p) : strlen(p);
}

cx_result router_pattern_match(arena_t *a, const char *pattern, const char *path,
                               http_params_t *params)
{
    if (pattern[0] != '/' || path[0] != '/')
        return CX_ERR_NOT_FOUND;
    const char *pp = pattern + 1;
    const char *sp = path + 1;
    size_t added = params->count;
    for (;;) {
        size_t plen = segment_length(pp);
        size_t slen = segment_length(sp);
        if (plen > 0 && pp[0] == ':') {
            if (slen == 0)
                goto no_match;
            char name[64];
            if (plen - 1 >= sizeof name)
                goto no_match; /* a pattern bug; patterns are short */
            memcpy(name, pp + 1, plen - 1);
            name[plen - 1] = '\0';
            char *value;
            size_t vlen;
            cx_result rc = http_url_decode(a, sp, slen, false, &value, &vlen);
            if (rc) {
                params->count = added;
                return rc;
            }
            rc = http_params_add(a, params, name, value, vlen);
            if (rc) {
                params->count = added;
                return rc;
            }
        } else if (plen != slen || memcmp(pp, sp, plen) != 0) {
            goto no_match;
        }
        bool pattern_more = pp[plen] == '/';
        bool path_more = sp[slen] == '/';
        if (pattern_more != path_more)
            goto no_match;
        if (!pattern_more)
            return CX_OK;
        pp += plen + 1;
        sp += slen + 1;
    }
no_match:
    params->count = added;
    return CX_ERR_NOT_FOUND;
}

static unsigned route_methods(const route_t *r)
{
    return r->methods & HTTP_GET ? r->methods | HTTP_HEAD : r->methods;
}

const route_t *router_find(arena_t *a, http_method_t method, const char *path,
                           http_params_t *params, unsigned *allowed)
{
    *allowed = 0;
    for (size_t i = 0; i < ROUTE_COUNT; i++) {
        const route_t *r = &web_routes[i];
        size_t before = params->count;
        cx_result rc = router_pattern_match(a, r->pattern, path, params);
        if (rc != CX_OK)
            continue;
        if (route_methods(r) & method)
            return r;
        params->count = before;
        *allowed |= route_methods(r);
    }
    return NULL;
}

unsigned router_capability(const char *path)
{
    for (size_t i = 0; i < ROUTE_COUNT; i++)
        if ((web_routes[i].methods & HTTP_GET) && strcmp(web_routes[i].pattern, path) == 0)
            return web_routes[i].capability;
    return 0;
}

/* ---- dispatch ---- */

static void redirect_to_login(http_request_t *req, http_response_t *res)
{
    buf_t loc;
    buf_init(&loc, 16384);
    buf_puts(&loc, "/login");
    /* only a page one can GET is worth returning to */
    if (req->method == HTTP_GET || req->method == HTTP_HEAD) {
        buf_t next;
        buf_init(&next, 16384);
        buf_puts(&next, req->path);
        if (req->query_string[0])
            buf_printf(&next, "?%s", req->query_string); /* raw: URL-encoded as a whole below */
        if (!buf_failed(&next))
            buf_printf(&loc, "?next=%u", buf_str(&next));
        buf_free(&next);
    }
    http_redirect(req, res, buf_failed(&loc) ? "/login" : buf_str(&loc));
    buf_free(&loc);
}

static void render_method_not_allowed(http_request_t *req, http_response_t *res, unsigned allowed)
{
    buf_t allow;
    buf_init(&allow, 256);
    http_methods_list(&allow, allowed);
    http_render_status(req, res, 405, "method_not_allowed",
                       "this method is not allowed here; see the Allow header");
    http_set_header(req, res, "Allow", buf_str(&allow));
    buf_free(&allow);
}

static void render_not_found(http_request_t *req, http_response_t *res)
{
    if (!req->is_api) {
        /* the 404 page shows the navigation to someone signed in */
        (void)auth_session_load(req);
        web_resolve_language(req, res);
    }
    http_render_status(req, res, 404, "not_found",
                       req->is_api ? "no such endpoint" : "no such page");
}

/* Authentication, capability and CSRF of one matched route. CX_OK lets the
 * handler run; otherwise res holds the answer already. */
static cx_result check_route(http_request_t *req, http_response_t *res, const route_t *r)
{
    cx_result rc = CX_OK;
    switch (r->kind) {
    case ROUTE_API:
        rc = auth_apikey_load(req);
        if (rc) {
            http_render_error(req, res, rc);
            return rc;
        }
        break;
    case ROUTE_PAGE:
        rc = auth_session_load(req);
        web_resolve_language(req, res);
        if (rc == CX_ERR_UNAUTHORIZED) {
            redirect_to_login(req, res);
            return rc;
        }
        if (rc) {
            http_render_error(req, res, rc);
            return rc;
        }
        break;
    case ROUTE_PUBLIC: web_resolve_language(req, res); break;
    }
    if (r->capability && !(req->auth.caps & r->capability)) {
        http_render_error(req, res, CX_ERR_FORBIDDEN);
        return CX_ERR_FORBIDDEN;
    }
    bool csrf_ok = true;
    if (r->csrf == CSRF_SESSION)
        csrf_ok = auth_csrf_valid(req);
    else if (r->csrf == CSRF_LOGIN)
        csrf_ok = auth_login_csrf_valid(req);
    if (!csrf_ok) {
        http_fail_text(req, CX_ERR_FORBIDDEN, T_ERR_CSRF_TEXT);
        http_fail(req, CX_ERR_FORBIDDEN, "csrf_token", "the form expired");
        http_render_error(req, res, CX_ERR_FORBIDDEN);
        return CX_ERR_FORBIDDEN;
    }
    return CX_OK;
}

void router_dispatch(http_request_t *req, http_response_t *res)
{
    unsigned allowed = 0;
    const route_t *r =
        router_find(&req->arena, req->method, req->path, &req->path_params, &allowed);
    if (!r) {
        if (allowed) {
            if (!req->is_api)
                web_resolve_language(req, res);
            render_method_not_allowed(req, res, allowed);
        } else {
            render_not_found(req, res);
        }
        return;
    }
    req->route = r;
    if (check_route(req, res, r) != CX_OK)
        return;
    cx_result rc = r->handler(req, res);
    if (rc != CX_OK) {
        if (http_status_of(rc) == 500)
            log_error("%s %s: %s", req->method_name, req->path, cx_result_text(rc));
        http_render_error(req, res, rc);
    }
}
