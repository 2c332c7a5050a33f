/*
 * html.c — the layout of every page (see html.h).
 *
 * One header (logo, organisation, language switch, user menu), one side
 * navigation of the nine areas filtered by the capabilities the route
 * table gives them, one <main>, one footer. On narrow screens the
 * navigation folds behind a menu button made of a checkbox and its label,
 * so it works without JavaScript. Relies on assets.h for hashed URLs,
 * router.h for capabilities and i18n.h for every word. Must never write
 * user text with %s, an inline script, or a style attribute.
 */
#include "web/html.h"

#include <stdarg.h>
#include <string.h>

#include "core/roles.h"
#include "version.h"
#include "web/assets.h"
#include "web/i18n.h"
#include "web/web.h"

/* ---- icons ---- */

static const struct {
    const char *name;
    const char *path;
} html_icons[] = {
    {"dashboard", "M4 4h7v7H4zM13 4h7v4h-7zM13 10h7v10h-7zM4 13h7v7H4z"},
    {"explore", "M11 4a7 7 0 1 0 0 14a7 7 0 1 0 0-14zM20 20l-4.2-4.2M8 13v-2M11 13V9M14 13v-3"},
    {"journey", "M6 19a2 2 0 1 0 0-4a2 2 0 1 0 0 4zM18 9a2 2 0 1 0 0-4a2 2 0 1 0 0 4zM8 17h7a3 3 "
                "0 0 0 0-6H9a3 3 0 0 1 0-6h7"},
    {"feedback", "M4 5h16v11H10l-5 4v-4H4zM8 9h8M8 12h5"},
    {"cases", "M4 8h16v11H4zM9 8V5h6v3M4 13h16"},
    {"initiatives", "M5 21V4M5 4h12l-2.5 4L17 12H5"},
    {"surveys", "M9 3h6v3H9zM7 4.5H5V21h14V4.5h-2M9 13l2 2 4-4"},
    {"customers", "M9 11a3 3 0 1 0 0-6a3 3 0 1 0 0 6zM3 20c0-3 2.7-5 6-5s6 2 6 5M16 5.2a3 3 0 0 1 "
                  "0 5.6M18 15c1.8.6 3 2.4 3 5"},
    {"settings", "M4 6h9M17 6h3M4 12h3M11 12h9M4 18h11M19 18h1M15 4v4M9 10v4M17 16v4"},
    {"users", "M9 11a3 3 0 1 0 0-6a3 3 0 1 0 0 6zM3 20c0-3 2.7-5 6-5s6 2 6 5M16 5.2a3 3 0 0 1 "
              "0 5.6M18 15c1.8.6 3 2.4 3 5"},
    {"key", "M8 16a4 4 0 1 0 0-8a4 4 0 1 0 0 8zM12 12h9M18 12v3M21 12v2"},
    {"audit", "M6 3h9l4 4v14H6zM15 3v4h4M9 12h7M9 16h7M9 8h3"},
    {"account", "M12 12a4 4 0 1 0 0-8a4 4 0 1 0 0 8zM4 21c0-4 3.6-6 8-6s8 2 8 6"},
    {"responses", "M4 20V11M10 20V5M16 20v-6M21 20H3"},
    {"clock", "M12 21a9 9 0 1 0 0-18a9 9 0 1 0 0 18zM12 7v5l3 2"},
    {"lock", "M6 11h12v10H6zM8 11V8a4 4 0 0 1 8 0v3"},
    {"alert", "M12 4l9 16H3zM12 10v4M12 17v.5"},
    {"sparkle", "M12 3v4M12 17v4M3 12h4M17 12h4M6 6l2.5 2.5M15.5 15.5L18 18M6 18l2.5-2.5M15.5 "
                "8.5L18 6"},
    {"menu", "M4 7h16M4 12h16M4 17h16"},
    {"logout", "M14 4h5v16h-5M10 8l-4 4 4 4M6 12h10"},
    {"globe",
     "M12 21a9 9 0 1 0 0-18a9 9 0 1 0 0 18zM3 12h18M12 3c2.5 3 2.5 15 0 18M12 3c-2.5 3-2.5 "
     "15 0 18"},
};

void html_icon(buf_t *b, const char *name)
{
    for (size_t i = 0; i < sizeof html_icons / sizeof html_icons[0]; i++) {
        if (strcmp(html_icons[i].name, name) != 0)
            continue;
        /* raw: the icon's path data comes from the constant table above */
        buf_printf(b,
                   "<svg class=\"icon\" viewBox=\"0 0 24 24\" width=\"20\" height=\"20\" "
                   "aria-hidden=\"true\" focusable=\"false\" fill=\"none\" "
                   "stroke=\"currentColor\" stroke-width=\"1.8\" stroke-linecap=\"round\" "
                   "stroke-linejoin=\"round\"><path d=\"%s\"/></svg>",
                   html_icons[i].path);
        return;
    }
}

/* ---- the navigation ---- */

static const struct {
    web_area_t area;
    const char *href;
    i18n_key_t label;
    const char *icon;
} html_nav[] = {
    {AREA_DASHBOARD, "/", T_NAV_DASHBOARD, "dashboard"},
    {AREA_EXPLORE, "/explore", T_NAV_EXPLORE, "explore"},
    {AREA_JOURNEY, "/journey", T_NAV_JOURNEY, "journey"},
    {AREA_FEEDBACK, "/feedback", T_NAV_FEEDBACK, "feedback"},
    {AREA_CASES, "/cases", T_NAV_CASES, "cases"},
    {AREA_INITIATIVES, "/initiatives", T_NAV_INITIATIVES, "initiatives"},
    {AREA_SURVEYS, "/surveys", T_NAV_SURVEYS, "surveys"},
    {AREA_CUSTOMERS, "/customers", T_NAV_CUSTOMERS, "customers"},
    {AREA_SETTINGS, "/settings", T_NAV_SETTINGS, "settings"},
};

static void write_nav(http_request_t *req, buf_t *b, web_area_t current)
{
    buf_printf(b, "<nav id=\"app-nav\" class=\"app-nav\" aria-label=\"%a\"><ul>",
               web_t(req, T_NAV_LABEL));
    for (size_t i = 0; i < sizeof html_nav / sizeof html_nav[0]; i++) {
        unsigned cap = router_capability(html_nav[i].href);
        if (cap && !(req->auth.caps & cap))
            continue;
        buf_printf(b, "<li><a href=\"%a\"%s>", html_nav[i].href,
                   html_nav[i].area == current ? " aria-current=\"page\"" : "");
        html_icon(b, html_nav[i].icon);
        buf_printf(b, "<span>%h</span></a></li>", web_t(req, html_nav[i].label));
    }
    buf_puts(b, "</ul></nav>");
}

/* ---- head, header, footer ---- */

/* Asset URLs are written raw: they are built from our own file names and
 * hex hashes (assets.c), and must read "?v=" in the page source. */
static void write_head(http_request_t *req, buf_t *b, const char *title)
{
    buf_printf(b,
               "<!doctype html>\n<html lang=\"%a\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
               "<meta name=\"color-scheme\" content=\"light\">\n"
               "<title>%h · %h</title>\n"
               "<link rel=\"stylesheet\" href=\"%a\">\n"
               "<link rel=\"icon\" href=\"%a\" type=\"image/svg+xml\">\n"
               "<script src=\"%a\" defer></script>\n</head>\n",
               i18n_lang_code(req->lang), title, web_org_name(req), assets_url("app.css"),
               assets_url("favicon.svg"), assets_url("app.js"));
}

static void write_lang_switch(http_request_t *req, buf_t *b)
{
    buf_printf(b, "<div class=\"lang-switch\" role=\"group\" aria-label=\"%a\">",
               web_t(req, T_LANG_LABEL));
    for (int l = 0; l < LANG_COUNT; l++) {
        const char *code = i18n_lang_code((i18n_lang_t)l);
        /* uppercase code as the visible label, the language's own name for
         * assistive technology */
        char upper[3] = {(char)(code[0] - 32), (char)(code[1] - 32), '\0'};
        buf_printf(b, "<a href=\"%a?lang=%a\" hreflang=\"%a\" lang=\"%a\" title=\"%a\"%s>%h</a>",
                   req->path, code, code, code, i18n_lang_name((i18n_lang_t)l),
                   (int)req->lang == l ? " aria-current=\"true\"" : "", upper);
    }
    buf_puts(b, "</div>");
}

/* Up to two initials of a display name, whole UTF-8 characters. */
static void write_initials(buf_t *b, const char *name)
{
    int taken = 0;
    bool at_word = true;
    for (const unsigned char *p = (const unsigned char *)name; *p && taken < 2;) {
        size_t n = 1;
        if (*p >= 0xF0)
            n = 4;
        else if (*p >= 0xE0)
            n = 3;
        else if (*p >= 0xC0)
            n = 2;
        for (size_t k = 1; k < n; k++)
            if (!p[k]) {
                n = k;
                break;
            }
        bool space = *p == ' ' || *p == '.' || *p == '-' || *p == '_';
        if (at_word && !space) {
            buf_html(b, (const char *)p, n);
            taken++;
        }
        at_word = space;
        p += n;
    }
}

/* Who is signed in (a link to their account) and a sign-out button, both
 * always visible: signing out should never take a search. */
static void write_user_menu(http_request_t *req, buf_t *b)
{
    const web_auth_t *a = &req->auth;
    buf_puts(b, "<div class=\"user-menu\"><a class=\"user-chip\" href=\"/account\" title=\"");
    html_textf(b, req, T_SIGNED_IN_AS, a->name);
    buf_puts(b, "\"><span class=\"avatar\" aria-hidden=\"true\">");
    write_initials(b, a->display_name ? a->display_name : a->name);
    buf_printf(b,
               "</span><span class=\"user-text\"><span class=\"user-name\">%h</span>"
               "<span class=\"user-role\">%h</span></span></a>",
               a->display_name, html_role_label(req, role_name(a->role)));
    buf_puts(b, "<form method=\"post\" action=\"/logout\" class=\"logout-form\">");
    html_csrf_input(req, b);
    buf_printf(b, "<button type=\"submit\" class=\"button subtle\" title=\"%a\">",
               web_t(req, T_LOGOUT));
    html_icon(b, "logout");
    buf_printf(b, "<span class=\"logout-label\">%h</span></button></form></div>",
               web_t(req, T_LOGOUT));
}

static void write_brand(http_request_t *req, buf_t *b)
{
    buf_printf(b,
               "<a class=\"brand\" href=\"/\"><img src=\"%a\" alt=\"\" width=\"32\" "
               "height=\"32\"><span class=\"brand-name\">%h</span></a>",
               assets_url("logo.svg"), web_org_name(req));
}

static void begin_response(http_response_t *res, bool full)
{
    res->full_layout = full;
    res->status = 200;
    res->content_type = HTTP_CT_HTML;
    res->static_body = NULL;
    buf_reset(&res->body);
}

void html_begin(http_request_t *req, http_response_t *res, const char *title, web_area_t area)
{
    begin_response(res, true);
    buf_t *b = &res->body;
    write_head(req, b, title);
    buf_puts(b, "<body class=\"app\">\n");
    buf_printf(b, "<a class=\"skip-link\" href=\"#main\">%h</a>\n", web_t(req, T_SKIP_LINK));
    buf_printf(b,
               "<input type=\"checkbox\" id=\"nav-toggle\" class=\"nav-toggle\" "
               "aria-controls=\"app-nav\" aria-label=\"%a\">\n",
               web_t(req, T_MENU));
    buf_puts(b, "<header class=\"app-header\">");
    buf_puts(b, "<label for=\"nav-toggle\" class=\"menu-button\" aria-hidden=\"true\">");
    html_icon(b, "menu");
    buf_printf(b, "<span>%h</span></label>", web_t(req, T_MENU));
    write_brand(req, b);
    buf_puts(b, "<div class=\"header-tools\">");
    write_lang_switch(req, b);
    if (req->auth.kind == WEB_AUTH_SESSION)
        write_user_menu(req, b);
    buf_puts(b, "</div></header>\n<div class=\"app-body\">");
    if (req->auth.kind == WEB_AUTH_SESSION)
        write_nav(req, b, area);
    buf_puts(b, "<main id=\"main\" class=\"app-main\" tabindex=\"-1\">\n");
}

void html_begin_bare(http_request_t *req, http_response_t *res, const char *title)
{
    begin_response(res, false);
    buf_t *b = &res->body;
    write_head(req, b, title);
    buf_puts(b, "<body class=\"bare\">\n");
    buf_printf(b, "<a class=\"skip-link\" href=\"#main\">%h</a>\n", web_t(req, T_SKIP_LINK));
    buf_puts(b, "<header class=\"bare-header\">");
    write_brand(req, b);
    write_lang_switch(req, b);
    buf_puts(b, "</header>\n<main id=\"main\" class=\"bare-main\" tabindex=\"-1\">\n");
}

void html_end(http_request_t *req, http_response_t *res)
{
    buf_t *b = &res->body;
    buf_puts(b, "\n</main>");
    if (res->full_layout)
        buf_puts(b, "</div>");
    buf_printf(b,
               "\n<footer class=\"app-footer\"><span>cxloop %h</span><span>%h</span></footer>\n"
               "</body>\n</html>\n",
               CXLOOP_VERSION, web_t(req, T_FOOTER_TAGLINE));
}

void html_error_page(http_request_t *req, http_response_t *res, int status, const char *title,
                     const char *text)
{
    bool signed_in = req->auth.kind == WEB_AUTH_SESSION;
    if (signed_in)
        html_begin(req, res, title, AREA_NONE);
    else
        html_begin_bare(req, res, title);
    res->status = status;
    buf_t *b = &res->body;
    buf_printf(b,
               "<section class=\"error-page\"><p class=\"error-code\">%d</p>"
               "<h1>%h</h1><p class=\"lead\">%h</p><p>",
               status, title, text);
    if (signed_in)
        buf_printf(b, "<a class=\"button\" href=\"/\">%h</a>", web_t(req, T_ERR_BACK_HOME));
    else
        buf_printf(b, "<a class=\"button\" href=\"/login\">%h</a>", web_t(req, T_ERR_TO_LOGIN));
    buf_puts(b, "</p></section>");
    html_end(req, res);
}

/* ---- small pieces ---- */

void html_csrf_input(const http_request_t *req, buf_t *b)
{
    if (req->auth.csrf_token)
        buf_printf(b, "<input type=\"hidden\" name=\"csrf_token\" value=\"%a\">",
                   req->auth.csrf_token);
}

void html_text(buf_t *b, const http_request_t *req, int key)
{
    buf_printf(b, "%h", web_t(req, key));
}

void html_textf(buf_t *b, const http_request_t *req, int key, ...)
{
    va_list ap;
    va_start(ap, key);
    buf_vprintf(b, web_t(req, key), ap);
    va_end(ap);
}

void html_notice(buf_t *b, const char *kind, const char *text)
{
    const char *icon = strcmp(kind, "error") == 0 ? "alert" : "sparkle";
    buf_printf(b, "<div class=\"notice notice-%a\" role=\"%s\">", kind,
               strcmp(kind, "error") == 0 ? "alert" : "status");
    html_icon(b, icon);
    buf_printf(b, "<p>%h</p></div>", text);
}

void html_time(buf_t *b, http_request_t *req, int64_t t)
{
    if (t <= 0) {
        buf_puts(b, "<span class=\"muted\">—</span>");
        return;
    }
    buf_printf(b, "<time datetime=\"%a\">", http_iso_time(&req->arena, t));
    i18n_format_time(b, req->lang, t);
    buf_puts(b, "</time>");
}

const char *html_role_label(const http_request_t *req, const char *role)
{
    switch (role_from_name(role)) {
    case ROLE_ADMIN: return web_t(req, T_ROLE_ADMIN);
    case ROLE_MANAGER: return web_t(req, T_ROLE_MANAGER);
    case ROLE_ANALYST: return web_t(req, T_ROLE_ANALYST);
    case ROLE_AGENT: return web_t(req, T_ROLE_AGENT);
    case ROLE_VIEWER: return web_t(req, T_ROLE_VIEWER);
    default: return role ? role : "";
    }
}

void html_page_head(buf_t *b, const char *title, const char *lead)
{
    buf_printf(b, "<div class=\"page-head\"><h1>%h</h1>", title);
    if (lead && *lead)
        buf_printf(b, "<p class=\"lead\">%h</p>", lead);
    buf_puts(b, "</div>\n");
}

void html_import_link(buf_t *b, const http_request_t *req, const char *kind)
{
    if (!(req->auth.caps & CAP_MANAGE))
        return;
    buf_printf(b, "<a class=\"button\" href=\"/import?kind=%u\">%h</a>", kind,
               web_t(req, T_QA_IMPORT_CSV));
}

const char *html_language_label(const char *code)
{
    i18n_lang_t lang;
    return code && i18n_lang_parse(code, &lang) ? i18n_lang_name(lang) : code;
}

const char *html_channel_label(const http_request_t *req, const char *code)
{
    static const struct {
        const char *code;
        int label;
    } channels[] = {
        {"email", T_QA_CH_EMAIL}, {"sms", T_QA_CH_SMS},         {"phone", T_QA_CH_PHONE},
        {"web", T_QA_CH_WEB},     {"app", T_QA_CH_APP},         {"store", T_QA_CH_STORE},
        {"chat", T_QA_CH_CHAT},   {"field", T_QA_CH_FIELD},     {"network", T_QA_CH_NETWORK},
        {"widget", T_QA_CH_WIDGET},
    };
    for (size_t i = 0; code && i < sizeof channels / sizeof channels[0]; i++)
        if (strcmp(channels[i].code, code) == 0)
            return web_t(req, channels[i].label);
    return code;
}

void html_empty_state(buf_t *b, const char *icon, const char *heading, const char *text)
{
    buf_puts(b, "<div class=\"empty-state\"><div class=\"empty-icon\">");
    html_icon(b, icon);
    /* h2: an empty state often stands right under the page's h1, and a
     * screen reader's outline must not skip a level */
    buf_printf(b, "</div><h2>%h</h2><p>%h</p></div>", heading, text);
}
