/*
 * page_overview.c — the dashboard's first screen and the areas that are not
 * built yet.
 *
 * The overview shows the sections of overview.h (summary, score tiles,
 * trend and mix, breakdowns by segment and touchpoint) for the last 90
 * days or the period and segment of ?from=&to=&segment= (the same
 * parameters the "Download report" button passes to /report.html), then
 * the real counts from the store (store/overview.h), what to do next while
 * there is little data, and the panels for complaints and praises and for
 * KPIs and money with what a user can do today until those features exist.
 *
 * Relies on overview.h (engine and charts) and html.h; the router has
 * already checked the capability. Must never show numbers that did not
 * come from the store or the engine, nor colour alone for a meaning.
 */
#include <pthread.h>
#include <string.h>

#include "core/roles.h"
#include "store/overview.h"
#include "web/html.h"
#include "web/overview.h"
#include "web/pages.h"
#include "web/router.h"
#include "web/web.h"

static cx_result overview_counts_job(db_conn_t *db, void *arg)
{
    return store_overview_counts(db, arg);
}

/* The counts take a scan of the responses and customers tables (tens of
 * milliseconds with a million responses), so they are kept until this
 * server writes anything (the store's job counter), the engine sees new
 * or deleted responses, or a few seconds have passed (another process,
 * such as an import from the command line, may have written). */
enum { OV_COUNTS_TTL = 5 };

static pthread_mutex_t ov_counts_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    bool valid;
    uint64_t jobs, generation;
    int64_t at;
    store_overview_counts_t counts;
} ov_counts_cache;

static cx_result overview_counts(http_request_t *req, store_overview_counts_t *out)
{
    store_stats_t st;
    store_get_stats(req->store, &st);
    uint64_t generation = engine_generation(req->app->engine);
    int64_t now = req->now;
    pthread_mutex_lock(&ov_counts_lock);
    bool hit = ov_counts_cache.valid && ov_counts_cache.jobs == st.jobs &&
               ov_counts_cache.generation == generation && now >= ov_counts_cache.at &&
               now - ov_counts_cache.at < OV_COUNTS_TTL;
    if (hit)
        *out = ov_counts_cache.counts;
    pthread_mutex_unlock(&ov_counts_lock);
    if (hit)
        return CX_OK;
    cx_result rc = store_read(req->store, overview_counts_job, out);
    if (rc)
        return rc;
    pthread_mutex_lock(&ov_counts_lock);
    ov_counts_cache.valid = true;
    ov_counts_cache.jobs = st.jobs;
    ov_counts_cache.generation = generation;
    ov_counts_cache.at = now;
    ov_counts_cache.counts = *out;
    pthread_mutex_unlock(&ov_counts_lock);
    return CX_OK;
}

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

/* A panel whose feature is not built yet: what it will show, and what the
 * user can do today instead — links only to pages the user's role opens
 * (href2 needs CAP_ANALYSE; a viewer sees the first link alone). */
static void helpful_panel(buf_t *b, http_request_t *req, const char *id, const char *icon,
                          int title, int text, int now_text, const char *href1, unsigned cap1,
                          int link1, const char *href2, int link2)
{
    buf_printf(b, "<section class=\"card soon helpful\" id=\"%a\" aria-labelledby=\"%a-h\">"
                  "<div class=\"card-head\">",
               id, id);
    html_icon(b, icon);
    buf_printf(b, "<h2 id=\"%a-h\">%h</h2><span class=\"badge\">%h</span></div>", id,
               web_t(req, title), web_t(req, T_SOON_BADGE));
    buf_printf(b, "<p class=\"muted\">%h</p><p>%h</p><p class=\"empty-actions\">",
               web_t(req, text), web_t(req, now_text));
    if ((req->auth.caps & cap1) == cap1)
        buf_printf(b, "<a class=\"button\" href=\"%a\">%h</a> ", href1, web_t(req, link1));
    if (req->auth.caps & CAP_ANALYSE)
        buf_printf(b, "<a class=\"button subtle\" href=\"%a\">%h</a>", href2,
                   web_t(req, link2));
    buf_puts(b, "</p></section>");
}

/* The period and segment the page shows, as a form that reloads it with
 * ?from=&to=&segment= (the report button carries the same). */
static void overview_filter(buf_t *b, http_request_t *req, const char *from, const char *to,
                            const char *segment)
{
    buf_printf(b, "<form method=\"get\" action=\"/\" class=\"explore-form overview-filter\">"
                  "<fieldset class=\"explore-row\"><legend class=\"visually-hidden\">%h</legend>",
               web_t(req, T_OV_FILTER_LEGEND));
    buf_printf(b, "<div class=\"field\"><label for=\"ov-from\">%h</label><input id=\"ov-from\" "
                  "name=\"from\" type=\"date\" value=\"%a\"></div>",
               web_t(req, T_EX_FROM), from ? from : "");
    buf_printf(b, "<div class=\"field\"><label for=\"ov-to\">%h</label><input id=\"ov-to\" "
                  "name=\"to\" type=\"date\" value=\"%a\"></div>",
               web_t(req, T_EX_TO), to ? to : "");
    buf_printf(b, "<div class=\"field\"><label for=\"ov-segment\">%h</label><select "
                  "id=\"ov-segment\" name=\"segment\"><option value=\"\">%h</option>",
               web_t(req, T_RP_SEGMENT), web_t(req, T_RP_ALL_SEGMENTS));
    const char **values;
    size_t n;
    if (engine_dim_values(req->app->engine, DIM_SEGMENT, &req->arena, 200, &values, &n) == CX_OK)
        for (size_t i = 0; i < n; i++)
            buf_printf(b, "<option value=\"%a\"%s>%h</option>", values[i],
                       segment && strcmp(segment, values[i]) == 0 ? " selected" : "",
                       values[i]);
    buf_printf(b, "</select></div></fieldset><div class=\"actions\"><button type=\"submit\" "
                  "class=\"button primary\">%h</button> <a class=\"button subtle\" "
                  "href=\"/\">%h</a></div></form>\n",
               web_t(req, T_EX_SHOW), web_t(req, T_OV_FILTER_RESET));
}

cx_result page_overview(http_request_t *req, http_response_t *res)
{
    const char *from = http_query(req, "from"), *to = http_query(req, "to");
    const char *segment = http_query(req, "segment");
    /* the sections first, into their own buffer: a bad parameter is an
     * error page, not half a page */
    buf_t sections;
    buf_init(&sections, 0);
    overview_error_t err;
    cx_result rc = overview_render_cached(&sections, req, from, to, segment, &err);
    store_overview_counts_t c;
    if (!rc)
        rc = overview_counts(req, &c);
    if (rc) {
        buf_free(&sections);
        return rc == CX_ERR_INVALID ? http_fail(req, rc, err.field, err.message) : rc;
    }

    html_begin(req, res, web_t(req, T_NAV_DASHBOARD), AREA_DASHBOARD);
    buf_t *b = &res->body;
    buf_printf(b, "<div class=\"page-head with-actions\"><div><h1>%h</h1><p class=\"lead\">",
               web_t(req, T_NAV_DASHBOARD));
    html_textf(b, req, T_OVERVIEW_WELCOME, req->auth.display_name);
    buf_puts(b, "</p></div>");
    /* the report of exactly what is shown: the same parameters */
    buf_puts(b, "<p class=\"page-actions\"><a class=\"button\" id=\"download-report\" "
                "href=\"/report.html");
    const char *sep = "?";
    const char *names[3] = {"from", "to", "segment"}, *values[3] = {from, to, segment};
    for (int i = 0; i < 3; i++) {
        if (values[i] && *values[i]) {
            buf_puts(b, sep);
            buf_printf(b, "%u=%u", names[i], values[i]);
            sep = "&amp;";
        }
    }
    buf_printf(b, "\" download>%h</a></p></div>\n", web_t(req, T_RP_DOWNLOAD));
    overview_filter(b, req, from, to, segment);

    buf_append(b, sections.data, sections.len);
    buf_free(&sections);

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
    helpful_panel(b, req, "panel-voice", "feedback", T_OV_PANEL_VOICE, T_OV_PANEL_VOICE_TEXT,
                  T_OV_PANEL_VOICE_NOW, "/feedback", CAP_VIEW, T_OV_PANEL_READ_FEEDBACK,
                  "/explore", T_OV_PANEL_EXPLORE);
    helpful_panel(b, req, "panel-money", "initiatives", T_OV_PANEL_MONEY, T_OV_PANEL_MONEY_TEXT,
                  T_OV_PANEL_MONEY_NOW, "/explore?metric=nps&by=segment", CAP_ANALYSE,
                  T_OV_PANEL_EXPLORE, "/explore.csv?metric=nps&by=month", T_OV_PANEL_CSV);
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
