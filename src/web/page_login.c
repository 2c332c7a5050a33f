/*
 * page_login.c — signing in and out.
 *
 * The form carries the cx_csrf double-submit token (the router checks it
 * on POST); auth.c does the throttling, the password check and the
 * session. Relies on html.h for the bare layout. Must never echo the
 * password, never say whether the user exists, and never redirect outside
 * this site after sign-in.
 */
#include <stdio.h>
#include <string.h>

#include "web/auth.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/web.h"

#define LOGIN_NEXT_MAX 2048

/* next only when it is a path of this site: "/x", never "//host" or a
 * backslash that browsers read as a slash. */
static const char *safe_next(const char *next)
{
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\')
        return NULL;
    size_t n = strlen(next);
    if (n > LOGIN_NEXT_MAX)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)next[i];
        if (c < 0x20 || c == 0x7F || c == '\\')
            return NULL;
    }
    return next;
}

static void render_login(http_request_t *req, http_response_t *res, int status, const char *error,
                         const char *user_name, const char *next)
{
    const char *csrf = auth_login_csrf_token(req, res);
    html_begin_bare(req, res, web_t(req, T_LOGIN_TITLE));
    res->status = status;
    buf_t *b = &res->body;
    buf_puts(b, "<section class=\"auth-card\">");
    buf_puts(b, "<div class=\"auth-mark\">");
    html_icon(b, "lock");
    buf_puts(b, "</div>");
    buf_printf(b, "<h1>%h</h1><p class=\"lead\">%h</p>", web_t(req, T_LOGIN_TITLE),
               web_t(req, T_LOGIN_LEAD));
    if (error)
        html_notice(b, "error", error);
    buf_puts(b, "<form method=\"post\" action=\"/login\" class=\"form\">");
    buf_printf(b, "<input type=\"hidden\" name=\"csrf_token\" value=\"%a\">", csrf ? csrf : "");
    if (next)
        buf_printf(b, "<input type=\"hidden\" name=\"next\" value=\"%a\">", next);
    buf_printf(b,
               "<div class=\"field\"><label for=\"username\">%h</label>"
               "<input id=\"username\" name=\"username\" type=\"text\" autocomplete=\"username\" "
               "autocapitalize=\"none\" spellcheck=\"false\" required maxlength=\"256\" "
               "value=\"%a\"%s></div>",
               web_t(req, T_LOGIN_USERNAME), user_name ? user_name : "",
               user_name && *user_name ? "" : " autofocus");
    buf_printf(b,
               "<div class=\"field\"><label for=\"password\">%h</label>"
               "<input id=\"password\" name=\"password\" type=\"password\" "
               "autocomplete=\"current-password\" required%s></div>",
               web_t(req, T_LOGIN_PASSWORD), user_name && *user_name ? " autofocus" : "");
    buf_printf(b, "<button type=\"submit\" class=\"button primary block\">%h</button></form>",
               web_t(req, T_LOGIN_SUBMIT));
    buf_printf(b, "<p class=\"auth-help\">%h</p></section>", web_t(req, T_LOGIN_HELP));
    html_end(req, res);
}

cx_result page_login_form(http_request_t *req, http_response_t *res)
{
    render_login(req, res, 200, NULL, NULL, safe_next(http_query(req, "next")));
    return CX_OK;
}

cx_result page_login_submit(http_request_t *req, http_response_t *res)
{
    const char *user = http_form(req, "username");
    const char *password = http_form(req, "password");
    const char *next = safe_next(http_form(req, "next"));
    auth_login_result_t result;
    cx_result rc = auth_login(req, res, user, password, &result);
    if (rc)
        return rc;
    switch (result) {
    case AUTH_LOGIN_OK: http_redirect(req, res, next ? next : "/"); return CX_OK;
    case AUTH_LOGIN_THROTTLED: {
        render_login(req, res, 429, web_t(req, T_LOGIN_THROTTLED), user, next);
        char v[32];
        snprintf(v, sizeof v, "%d", req->retry_after > 0 ? req->retry_after : 60);
        http_set_header(req, res, "Retry-After", v);
        return CX_OK;
    }
    case AUTH_LOGIN_INVALID:
    default: render_login(req, res, 401, web_t(req, T_LOGIN_INVALID), user, next); return CX_OK;
    }
}

cx_result page_logout(http_request_t *req, http_response_t *res)
{
    cx_result rc = auth_logout(req, res);
    if (rc)
        return rc;
    http_redirect(req, res, "/login");
    return CX_OK;
}
