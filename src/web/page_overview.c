/*
 * page_overview.c — the dashboard's first screen and the areas that are not
 * built yet.
 *
 * The overview shows real counts from the store (store/overview.h) and,
 * while there is little data, what to do next; the panels of what is to
 * come say so plainly. The placeholder areas render the layout with a
 * friendly "coming in a later release" panel; the router has already
 * checked their capability. Must never show numbers that did not come
 * from the store.
 */
#include <string.h>

#include "store/overview.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/router.h"
#include "web/web.h"

static cx_result overview_job(db_conn_t *db, void *arg) { return store_overview_counts(db, arg); }

static void stat_card(buf_t *b, http_request_t *req, const char *id, const char *icon, int label,
                      int64_t value, int hint)
{
    buf_printf(b, "<div class=\"stat\" id=\"stat-%a\"><div class=\"stat-icon\">", id);
    html_icon(b, icon);
    buf_printf(b, "</div><div class=\"stat-body\"><p class=\"stat-label\">%h</p>",
               web_t(req, label));
    buf_printf(b, "<p class=\"stat-value\" data-count=\"%lld\">", (long long)value);
    i18n_format_int(b, req->lang, (long long)value);
    buf_printf(b, "</p><p class=\"stat-hint\">%h</p></div></div>", web_t(req, hint));
}

static void step(buf_t *b, http_request_t *req, bool done, int title, int text)
{
    buf_printf(b, "<li class=\"step%s\"><span class=\"step-mark\" aria-hidden=\"true\"></span>",
               done ? " done" : "");
    buf_printf(b, "<div><p class=\"step-title\">%h", web_t(req, title));
    if (done)
        buf_printf(b, " <span class=\"badge success\">%h</span>", web_t(req, T_OVERVIEW_DONE));
    buf_printf(b, "</p><p class=\"muted\">%h</p></div></li>", web_t(req, text));
}

static void coming_panel(buf_t *b, http_request_t *req, const char *icon, int title, int text)
{
    buf_puts(b, "<section class=\"card soon\"><div class=\"card-head\">");
    html_icon(b, icon);
    buf_printf(b, "<h2>%h</h2><span class=\"badge\">%h</span></div>", web_t(req, title),
               web_t(req, T_SOON_BADGE));
    buf_printf(b, "<p class=\"muted\">%h</p></section>", web_t(req, text));
}

cx_result page_overview(http_request_t *req, http_response_t *res)
{
    store_overview_counts_t c = {0};
    cx_result rc = store_read(req->store, overview_job, &c);
    if (rc)
        return rc;

    html_begin(req, res, web_t(req, T_NAV_DASHBOARD), AREA_DASHBOARD);
    buf_t *b = &res->body;
    buf_printf(b, "<div class=\"page-head\"><h1>%h</h1><p class=\"lead\">",
               web_t(req, T_NAV_DASHBOARD));
    html_textf(b, req, T_OVERVIEW_WELCOME, req->auth.display_name);
    buf_puts(b, "</p></div>\n");

    buf_printf(b,
               "<section aria-labelledby=\"counts-h\"><h2 id=\"counts-h\" class=\"section-title\">"
               "%h</h2><div class=\"stats\">",
               web_t(req, T_OVERVIEW_COUNTS));
    stat_card(b, req, "responses", "responses", T_COUNT_RESPONSES, c.responses,
              T_COUNT_RESPONSES_HINT);
    stat_card(b, req, "feedback", "feedback", T_COUNT_FEEDBACK, c.feedback_items,
              T_COUNT_FEEDBACK_HINT);
    stat_card(b, req, "customers", "customers", T_COUNT_CUSTOMERS, c.customers,
              T_COUNT_CUSTOMERS_HINT);
    stat_card(b, req, "surveys", "surveys", T_COUNT_SURVEYS, c.surveys, T_COUNT_SURVEYS_HINT);
    stat_card(b, req, "users", "account", T_COUNT_USERS, c.users, T_COUNT_USERS_HINT);
    buf_puts(b, "</div></section>\n");

    bool little_data = c.responses == 0 || c.customers == 0 || c.surveys == 0;
    if (little_data) {
        buf_printf(b,
                   "<section class=\"card\" aria-labelledby=\"start-h\"><div class=\"card-head\">");
        html_icon(b, "sparkle");
        buf_printf(b,
                   "<h2 id=\"start-h\">%h</h2></div><p class=\"muted\">%h</p><ol class=\"steps\">",
                   web_t(req, T_OVERVIEW_START_TITLE), web_t(req, T_OVERVIEW_START_LEAD));
        step(b, req, c.touchpoints > 0, T_STEP_JOURNEY, T_STEP_JOURNEY_TEXT);
        step(b, req, c.surveys > 0, T_STEP_SURVEY, T_STEP_SURVEY_TEXT);
        step(b, req, c.customers > 0, T_STEP_CUSTOMERS, T_STEP_CUSTOMERS_TEXT);
        step(b, req, c.feedback_items > 0, T_STEP_FEEDBACK, T_STEP_FEEDBACK_TEXT);
        step(b, req, c.users > 1, T_STEP_TEAM, T_STEP_TEAM_TEXT);
        buf_puts(b, "</ol></section>\n");
    }

    buf_puts(b, "<div class=\"grid-2\">");
    coming_panel(b, req, "responses", T_PANEL_SCORES, T_PANEL_SCORES_TEXT);
    coming_panel(b, req, "feedback", T_PANEL_THEMES, T_PANEL_THEMES_TEXT);
    coming_panel(b, req, "cases", T_PANEL_CASES, T_PANEL_CASES_TEXT);
    coming_panel(b, req, "journey", T_PANEL_JOURNEY, T_PANEL_JOURNEY_TEXT);
    buf_puts(b, "</div>");
    html_end(req, res);
    return CX_OK;
}

/* ---- areas not built yet ---- */

static const struct {
    web_area_t area;
    int title;
    int lead;
    int text;
    const char *icon;
} area_pages[] = {
    {AREA_EXPLORE, T_NAV_EXPLORE, T_AREA_EXPLORE_LEAD, T_AREA_EXPLORE_TEXT, "explore"},
    {AREA_JOURNEY, T_NAV_JOURNEY, T_AREA_JOURNEY_LEAD, T_AREA_JOURNEY_TEXT, "journey"},
    {AREA_FEEDBACK, T_NAV_FEEDBACK, T_AREA_FEEDBACK_LEAD, T_AREA_FEEDBACK_TEXT, "feedback"},
    {AREA_CASES, T_NAV_CASES, T_AREA_CASES_LEAD, T_AREA_CASES_TEXT, "cases"},
    {AREA_INITIATIVES, T_NAV_INITIATIVES, T_AREA_INITIATIVES_LEAD, T_AREA_INITIATIVES_TEXT,
     "initiatives"},
    {AREA_SURVEYS, T_NAV_SURVEYS, T_AREA_SURVEYS_LEAD, T_AREA_SURVEYS_TEXT, "surveys"},
    {AREA_CUSTOMERS, T_NAV_CUSTOMERS, T_AREA_CUSTOMERS_LEAD, T_AREA_CUSTOMERS_TEXT, "customers"},
};

cx_result page_area(http_request_t *req, http_response_t *res)
{
    web_area_t area = req->route ? req->route->area : AREA_NONE;
    for (size_t i = 0; i < sizeof area_pages / sizeof area_pages[0]; i++) {
        if (area_pages[i].area != area)
            continue;
        const char *title = web_t(req, area_pages[i].title);
        html_begin(req, res, title, area);
        buf_t *b = &res->body;
        html_page_head(b, title, web_t(req, area_pages[i].lead));
        buf_puts(b, "<section class=\"card\">");
        html_empty_state(b, area_pages[i].icon, web_t(req, T_SOON_TITLE),
                         web_t(req, area_pages[i].text));
        buf_printf(b, "<p class=\"empty-actions\"><a class=\"button\" href=\"/\">%h</a></p>",
                   web_t(req, T_ERR_BACK_HOME));
        buf_puts(b, "</section>");
        html_end(req, res);
        return CX_OK;
    }
    return CX_ERR_NOT_FOUND;
}
