/*
 * page_explore.c — Explore: any metric, filtered and broken down by up to
 * two dimensions, as a chart and a table (GET /explore), and the same table
 * as CSV (GET /explore.csv).
 *
 * The view lives entirely in the query string, with the parameters of GET
 * /api/v1/metrics (metric, by, from, to, and one per filtered dimension)
 * plus by2 for the form's second breakdown, so every view is a link that
 * can be shared, bookmarked or downloaded. The figures come from the
 * metrics engine through engine/metrics_query.h — the same parsing and the
 * same numbers as the API and `cxloop metrics`.
 *
 * Relies on web/svg.h for the chart and i18n for every text. A view that
 * cannot be computed (an unknown value, a bad date) shows the form again
 * with the reason and status 400; it never falls back silently.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine/metrics_query.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/pages.h"
#include "web/svg.h"
#include "web/web.h"

#define EX_PICK_MAX 200 /* values offered in a filter's list */

static const struct {
    const char *name;
    int label;
} ex_metrics[] = {
    {"nps", T_OV_NPS}, {"csat", T_OV_CSAT}, {"ces", T_OV_CES},
    {"enps", T_OV_ENPS}, {"count", T_EX_COUNT},
};

static const struct {
    engine_dim dim;
    int label;
} ex_dims[] = {
    {DIM_DAY, T_DIM_DAY},         {DIM_WEEK, T_DIM_WEEK},
    {DIM_MONTH, T_DIM_MONTH},     {DIM_QUARTER, T_DIM_QUARTER},
    {DIM_YEAR, T_DIM_YEAR},       {DIM_SURVEY, T_DIM_SURVEY},
    {DIM_TOUCHPOINT, T_DIM_TOUCHPOINT}, {DIM_STAGE, T_DIM_STAGE},
    {DIM_CHANNEL, T_DIM_CHANNEL}, {DIM_SEGMENT, T_DIM_SEGMENT},
    {DIM_LANGUAGE, T_DIM_LANGUAGE}, {DIM_TIER, T_DIM_TIER},
};

/* The dimensions the form offers as filters, in its order. */
static const engine_dim ex_filters[] = {DIM_SURVEY,  DIM_TOUCHPOINT, DIM_STAGE, DIM_CHANNEL,
                                        DIM_SEGMENT, DIM_LANGUAGE,   DIM_TIER};

static int ex_dim_label(engine_dim dim)
{
    for (size_t i = 0; i < sizeof ex_dims / sizeof ex_dims[0]; i++)
        if (ex_dims[i].dim == dim)
            return ex_dims[i].label;
    return -1;
}

static int ex_metric_label(const char *metric)
{
    for (size_t i = 0; i < sizeof ex_metrics / sizeof ex_metrics[0]; i++)
        if (strcmp(ex_metrics[i].name, metric) == 0)
            return ex_metrics[i].label;
    return -1;
}

/* A view: the parameters as given, and the query they make. */
typedef struct ex_view {
    const char *metric;
    const char *by;  /* first breakdown (or "a,b" as in the API) */
    const char *by2; /* the form's second breakdown */
    const char *from, *to;
    engine_query_t query;
    metrics_error_t error;
    bool bad;
} ex_view_t;

static bool ex_is_form_param(const char *name)
{
    return strcmp(name, "metric") == 0 || strcmp(name, "by") == 0 || strcmp(name, "by2") == 0 ||
           strcmp(name, "from") == 0 || strcmp(name, "to") == 0 || strcmp(name, "lang") == 0;
}

static void ex_parse(http_request_t *req, ex_view_t *v)
{
    memset(v, 0, sizeof *v);
    v->metric = http_query(req, "metric");
    if (!v->metric || !*v->metric)
        v->metric = "nps";
    v->by = http_query(req, "by");
    if (!v->by)
        v->by = "month";
    v->by2 = http_query(req, "by2");
    v->from = http_query(req, "from");
    v->to = http_query(req, "to");
    metrics_query_init(&v->query, v->metric);
    buf_t by;
    buf_init(&by, 256);
    buf_puts(&by, v->by);
    if (v->by2 && *v->by2)
        buf_printf(&by, "%s%s", v->by[0] ? "," : "", v->by2); /* raw: parsed, not shown */
    cx_result rc = metrics_query_set_by(&v->query, &req->arena, buf_str(&by), &v->error);
    buf_free(&by);
    if (!rc && v->from && *v->from)
        rc = metrics_query_set_from(&v->query, v->from, &v->error);
    if (!rc && v->to && *v->to)
        rc = metrics_query_set_to(&v->query, v->to, &v->error);
    for (size_t i = 0; !rc && i < req->query.count; i++) {
        const http_param_t *p = &req->query.items[i];
        if (ex_is_form_param(p->name) || !*p->value)
            continue; /* an empty filter is "all" */
        rc = metrics_query_add_filter(&v->query, &req->arena, p->name, p->value, &v->error);
    }
    v->bad = rc != CX_OK;
}

/* <option>s, the one equal to current selected. */
static void ex_option(buf_t *b, const char *value, const char *label, const char *current)
{
    bool selected = current && strcmp(current, value) == 0;
    buf_printf(b, "<option value=\"%a\"%s>%h</option>", value, selected ? " selected" : "",
               label);
}

static void ex_dim_select(buf_t *b, http_request_t *req, const char *name, int label,
                          const char *current, bool none)
{
    buf_printf(b, "<div class=\"field\"><label for=\"ex-%a\">%h</label><select id=\"ex-%a\" "
                  "name=\"%a\">",
               name, web_t(req, label), name, name);
    if (none)
        ex_option(b, "", web_t(req, T_EX_NONE), current ? current : "");
    for (size_t i = 0; i < sizeof ex_dims / sizeof ex_dims[0]; i++)
        ex_option(b, engine_dim_name(ex_dims[i].dim), web_t(req, ex_dims[i].label), current);
    buf_puts(b, "</select></div>");
}

static void ex_form(buf_t *b, http_request_t *req, const ex_view_t *v)
{
    buf_printf(b, "<form method=\"get\" action=\"/explore\" class=\"form explore-form\" "
                  "aria-label=\"%a\">",
               web_t(req, T_NAV_EXPLORE));
    buf_puts(b, "<div class=\"explore-row\">");
    buf_printf(b, "<div class=\"field\"><label for=\"ex-metric\">%h</label>"
                  "<select id=\"ex-metric\" name=\"metric\">",
               web_t(req, T_EX_METRIC));
    for (size_t i = 0; i < sizeof ex_metrics / sizeof ex_metrics[0]; i++)
        ex_option(b, ex_metrics[i].name, web_t(req, ex_metrics[i].label), v->metric);
    buf_puts(b, "</select></div>");
    /* an API-style "by=a,b" shows as two selects */
    const char *comma = strchr(v->by, ',');
    const char *by1 = comma ? arena_strndup(&req->arena, v->by, (size_t)(comma - v->by)) : v->by;
    const char *by2 = comma ? comma + 1 : v->by2;
    ex_dim_select(b, req, "by", T_EX_BY, by1, true);
    ex_dim_select(b, req, "by2", T_EX_BY2, by2, true);
    buf_printf(b, "<div class=\"field\"><label for=\"ex-from\">%h</label><input id=\"ex-from\" "
                  "name=\"from\" type=\"date\" value=\"%a\"></div>",
               web_t(req, T_EX_FROM), v->from ? v->from : "");
    buf_printf(b, "<div class=\"field\"><label for=\"ex-to\">%h</label><input id=\"ex-to\" "
                  "name=\"to\" type=\"date\" value=\"%a\"></div>",
               web_t(req, T_EX_TO), v->to ? v->to : "");
    buf_puts(b, "</div>");

    buf_printf(b, "<fieldset class=\"explore-row\"><legend>%h</legend>",
               web_t(req, T_EX_FILTERS));
    for (size_t f = 0; f < sizeof ex_filters / sizeof ex_filters[0]; f++) {
        engine_dim dim = ex_filters[f];
        const char *name = engine_dim_name(dim);
        const char *current = http_query(req, name);
        const char **values;
        size_t n;
        if (engine_dim_values(req->app->engine, dim, &req->arena, EX_PICK_MAX, &values, &n) ||
            n == 0)
            continue; /* nothing to choose from */
        buf_printf(b, "<div class=\"field\"><label for=\"ex-f-%a\">%h</label><select "
                      "id=\"ex-f-%a\" name=\"%a\">",
                   name, web_t(req, ex_dim_label(dim)), name, name);
        ex_option(b, "", web_t(req, T_EX_ALL), current ? current : "");
        for (size_t i = 0; i < n; i++)
            ex_option(b, values[i],
                      dim == DIM_CHANNEL ? html_channel_label(req, values[i]) : values[i],
                      current);
        buf_puts(b, "</select></div>");
    }
    buf_printf(b, "</fieldset><div class=\"actions\"><button type=\"submit\" class=\"button "
                  "primary\">%h</button>",
               web_t(req, T_EX_SHOW));
    if (!v->bad)
        buf_printf(b, " <a class=\"button\" href=\"/explore.csv?%a\" download>%h</a>",
                   req->query_string, web_t(req, T_EX_CSV));
    buf_puts(b, "</div></form>");
}

/* The chart of a result: a line over periods (with the interval band for
 * one series, one line per value of the second breakdown otherwise), or
 * bars over the values of the first breakdown. */
static void ex_chart(buf_t *b, http_request_t *req, const ex_view_t *v, const engine_result_t *r)
{
    int nby = (r->by[0] != DIM_NONE) + (r->by[1] != DIM_NONE);
    if (nby == 0 || r->nrows == 0)
        return;
    arena_t *a = &req->arena;
    /* categories: the distinct first labels, in the result's order */
    const char **cats = arena_alloc(a, r->nrows * sizeof *cats);
    size_t ncat = 0;
    /* series: the distinct second labels, the busiest SVG_MAX_SERIES */
    const char *names[64];
    uint64_t weight[64];
    size_t nnames = 0;
    if (!cats)
        return;
    for (size_t i = 0; i < r->nrows; i++) {
        const char *c = r->rows[i].labels[0];
        size_t k = 0;
        while (k < ncat && strcmp(cats[k], c) != 0)
            k++;
        if (k == ncat)
            cats[ncat++] = c;
        if (nby == 2) {
            const char *s = r->rows[i].labels[1];
            size_t j = 0;
            while (j < nnames && strcmp(names[j], s) != 0)
                j++;
            if (j == nnames && nnames < 64) {
                names[nnames] = s;
                weight[nnames++] = 0;
            }
            if (j < nnames)
                weight[j] += r->rows[i].estimate.n;
        }
    }
    size_t nseries = nby == 2 ? (nnames < SVG_MAX_SERIES ? nnames : SVG_MAX_SERIES) : 1;
    if (nby == 2) { /* the busiest first */
        for (size_t i = 0; i < nnames; i++)
            for (size_t j = i + 1; j < nnames; j++)
                if (weight[j] > weight[i]) {
                    uint64_t w = weight[i];
                    const char *n = names[i];
                    weight[i] = weight[j], names[i] = names[j];
                    weight[j] = w, names[j] = n;
                }
    }
    svg_series_t series[SVG_MAX_SERIES];
    memset(series, 0, sizeof series);
    uint64_t *ns = arena_alloc(a, ncat * sizeof *ns);
    if (!ns)
        return;
    for (size_t s = 0; s < nseries; s++) {
        double *values = arena_alloc(a, ncat * sizeof *values);
        double *low = arena_alloc(a, ncat * sizeof *low);
        double *high = arena_alloc(a, ncat * sizeof *high);
        if (!values || !low || !high)
            return;
        for (size_t c = 0; c < ncat; c++)
            values[c] = low[c] = high[c] = NAN;
        series[s].name = nby == 2 ? names[s] : web_t(req, ex_metric_label(v->metric));
        series[s].values = values;
        if (nby == 1) {
            series[s].low = low;
            series[s].high = high;
        }
        for (size_t i = 0; i < r->nrows; i++) {
            const engine_row_t *row = &r->rows[i];
            if (nby == 2 && strcmp(row->labels[1], names[s]) != 0)
                continue;
            size_t c = 0;
            while (strcmp(cats[c], row->labels[0]) != 0)
                c++;
            values[c] = row->estimate.value;
            low[c] = row->estimate.ci_low;
            high[c] = row->estimate.ci_high;
            if (nby == 1)
                ns[c] = row->estimate.n;
        }
    }
    bool percent = strcmp(v->metric, "csat") == 0 || strcmp(v->metric, "ces") == 0;
    const char *title = web_t(req, ex_metric_label(v->metric));
    buf_t desc;
    buf_init(&desc, 1024);
    html_textf(&desc, req, T_EX_CHART_DESC, title);
    svg_chart_t chart = {
        .kind = engine_dim_is_period(r->by[0]) ? SVG_LINE : SVG_BARS,
        .id = "chart-explore",
        .title = title,
        .desc = arena_strdup(a, buf_str(&desc)),
        .lang = req->lang,
        .ncat = ncat,
        .categories = cats,
        .category_heading = web_t(req, ex_dim_label(r->by[0])),
        .nseries = nseries,
        .series = series,
        .n = nby == 1 ? ns : NULL,
        .n_heading = "n",
        .band_heading = web_t(req, T_OV_INTERVAL),
        .decimals = strcmp(v->metric, "count") == 0 ? 0 : 1,
        .unit = percent ? "%" : NULL,
        .empty_text = web_t(req, T_EX_EMPTY),
    };
    buf_free(&desc);
    buf_puts(b, "<section class=\"card chart-card\" aria-label=\"chart\">");
    svg_render(b, &chart);
    buf_puts(b, "</section>");
}

static void ex_number(buf_t *b, http_request_t *req, double x, int decimals)
{
    svg_format_number(b, req->lang, x, decimals);
}

static void ex_table(buf_t *b, http_request_t *req, const ex_view_t *v, const engine_result_t *r)
{
    int nby = (r->by[0] != DIM_NONE) + (r->by[1] != DIM_NONE);
    bool count = strcmp(v->metric, "count") == 0;
    buf_puts(b, "<section class=\"card\"><div class=\"table-wrap\"><table class=\"data "
                "explore-table\"><thead><tr>");
    for (int k = 0; k < nby; k++)
        buf_printf(b, "<th scope=\"col\">%h</th>", web_t(req, ex_dim_label(r->by[k])));
    buf_printf(b, "<th scope=\"col\" class=\"num\">%h</th>", web_t(req, T_EX_VALUE));
    if (!count)
        buf_printf(b, "<th scope=\"col\" class=\"num\">%h</th>", web_t(req, T_OV_INTERVAL));
    buf_printf(b,
               "<th scope=\"col\" class=\"num\">n</th><th scope=\"col\" class=\"num\">%h</th>"
               "<th scope=\"col\" class=\"num\">%h</th><th scope=\"col\" class=\"num\">p</th>"
               "<th scope=\"col\" class=\"num\">q</th></tr></thead><tbody>",
               web_t(req, T_EX_SKIPPED), web_t(req, T_EX_CHANGE));
    for (size_t i = 0; i < r->nrows; i++) {
        const engine_row_t *row = &r->rows[i];
        const estimate_t *e = &row->estimate;
        bool significant = row->has_change && isfinite(row->q_value) && row->q_value < 0.05;
        buf_puts(b, "<tr>");
        for (int k = 0; k < nby; k++)
            buf_printf(b, "<th scope=\"row\">%h</th>", row->labels[k]);
        buf_puts(b, "<td class=\"num\">");
        ex_number(b, req, e->value, count ? 0 : 1);
        if (e->small_sample && !count)
            buf_printf(b, " <span class=\"badge warn\" title=\"%a\">%h</span>",
                       web_t(req, T_OV_SMALL_SAMPLE_TITLE), web_t(req, T_OV_SMALL_SAMPLE));
        buf_puts(b, "</td>");
        if (!count) {
            buf_puts(b, "<td class=\"num\">");
            ex_number(b, req, e->ci_low, 1);
            buf_puts(b, "\xE2\x80\x93");
            ex_number(b, req, e->ci_high, 1);
            buf_puts(b, "</td>");
        }
        buf_puts(b, "<td class=\"num\">");
        i18n_format_int(b, req->lang, (long long)e->n);
        buf_puts(b, "</td><td class=\"num\">");
        i18n_format_int(b, req->lang, (long long)e->skipped);
        buf_printf(b, "</td><td class=\"num change%s\">", significant ? " significant" : "");
        if (row->has_change) {
            if (row->change > 0)
                buf_putc(b, '+');
            ex_number(b, req, row->change, 1);
            if (significant)
                buf_puts(b, " <span aria-hidden=\"true\">\xE2\x97\x8F</span>");
        } else {
            buf_puts(b, "\xE2\x80\x94");
        }
        buf_puts(b, "</td><td class=\"num\">");
        ex_number(b, req, row->p_value, 3);
        buf_puts(b, "</td><td class=\"num\">");
        ex_number(b, req, row->q_value, 3);
        buf_puts(b, "</td></tr>");
    }
    buf_puts(b, "</tbody></table></div>");
    buf_printf(b, "<p class=\"muted small\">%h</p></section>", web_t(req, T_EX_SIG_NOTE));
}

cx_result page_explore(http_request_t *req, http_response_t *res)
{
    ex_view_t v;
    ex_parse(req, &v);
    engine_result_t result;
    char message[256] = "";
    cx_result rc = CX_ERR_INVALID;
    if (!v.bad) {
        rc = engine_query(req->app->engine, &v.query, &result, message, sizeof message);
        if (rc && rc != CX_ERR_INVALID)
            return rc;
        v.bad = rc != CX_OK;
    } else {
        snprintf(message, sizeof message, "%s", v.error.message);
    }
    html_begin(req, res, web_t(req, T_NAV_EXPLORE), AREA_EXPLORE);
    buf_t *b = &res->body;
    html_page_head(b, web_t(req, T_NAV_EXPLORE), web_t(req, T_EX_LEAD));
    ex_form(b, req, &v);
    if (v.bad) {
        res->status = 400;
        buf_t text;
        buf_init(&text, 1024);
        html_textf(&text, req, T_EX_BAD, message);
        buf_printf(b, "<div class=\"notice notice-error\" role=\"alert\">%s</div>",
                   buf_str(&text)); /* raw: built by html_textf, which escaped the message */
        buf_free(&text);
    } else if (result.nrows == 0) {
        html_empty_state(b, "explore", web_t(req, T_NAV_EXPLORE), web_t(req, T_EX_EMPTY));
    } else {
        ex_chart(b, req, &v, &result);
        ex_table(b, req, &v, &result);
    }
    if (!v.bad)
        engine_result_free(&result);
    html_end(req, res);
    return CX_OK;
}

cx_result page_explore_csv(http_request_t *req, http_response_t *res)
{
    ex_view_t v;
    ex_parse(req, &v);
    if (v.bad)
        return http_fail(req, CX_ERR_INVALID, v.error.field,
                         arena_strdup(&req->arena, v.error.message));
    engine_result_t result;
    char message[256];
    cx_result rc = engine_query(req->app->engine, &v.query, &result, message, sizeof message);
    if (rc == CX_ERR_INVALID)
        return http_fail(req, rc, NULL, arena_strdup(&req->arena, message));
    if (rc)
        return rc;
    metrics_result_csv(&result, &res->body);
    engine_result_free(&result);
    if (buf_failed(&res->body))
        return buf_result(&res->body);
    res->status = 200;
    res->content_type = "text/csv; charset=utf-8";
    char disposition[160];
    snprintf(disposition, sizeof disposition, "attachment; filename=\"cxloop-%s.csv\"",
             ex_metric_label(v.metric) >= 0 ? v.metric : "metric");
    http_set_header(req, res, "Content-Disposition", disposition);
    return CX_OK;
}
