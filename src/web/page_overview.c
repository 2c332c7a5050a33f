/*
 * page_overview.c — the dashboard's first screen and the areas that are not
 * built yet.
 *
 * The overview opens with the four scores of the last 90 days (NPS, CSAT,
 * CES, eNPS: value, interval, n, change from the 90 days before with its
 * significance, a twelve-month sparkline), then the NPS trend of 18 months
 * with its interval band and the promoter/passive/detractor mix by month,
 * then the real counts from the store (store/overview.h) and, while there
 * is little data, what to do next. "The last 90 days" end on the newest
 * day with a response, not today, so a database of past data reads the
 * same whenever it is opened.
 *
 * Scores come from the metrics engine (engine/engine.h; engine_query is
 * thread-safe), charts from web/svg.h. The placeholder areas render the
 * layout with a friendly "coming in a later release" panel; the router has
 * already checked their capability. Must never show numbers that did not
 * come from the store or the engine, nor colour alone for a meaning.
 */
#include <math.h>
#include <string.h>

#include "engine/metrics_query.h"
#include "store/overview.h"
#include "sys/tz.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/router.h"
#include "web/svg.h"
#include "web/web.h"

typedef struct overview_data {
    int64_t now;
    store_overview_counts_t counts;
    store_target_t targets[4]; /* in the order of ov_metrics */
} overview_data_t;

static const char *const ov_target_metrics[4] = {"nps", "csat", "ces", "enps"};

static cx_result overview_job(db_conn_t *db, void *arg)
{
    overview_data_t *d = arg;
    cx_result rc = store_overview_counts(db, &d->counts);
    for (size_t i = 0; !rc && i < 4; i++)
        rc = store_overview_target(db, ov_target_metrics[i], d->now, &d->targets[i]);
    return rc;
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

static void coming_panel(buf_t *b, http_request_t *req, const char *icon, int title, int text)
{
    buf_puts(b, "<section class=\"card soon\"><div class=\"card-head\">");
    html_icon(b, icon);
    buf_printf(b, "<h2>%h</h2><span class=\"badge\">%h</span></div>", web_t(req, title),
               web_t(req, T_SOON_BADGE));
    buf_printf(b, "<p class=\"muted\">%h</p></section>", web_t(req, text));
}

/* ---- scores of the last 90 days, trend and mix ---- */

enum { OV_WINDOW_DAYS = 90, OV_SPARK_MONTHS = 12, OV_TREND_MONTHS = 18 };

typedef struct ov_metric {
    const char *metric; /* engine name */
    int label, hint;
    bool percent;       /* a share in per cent (else a score in points) */
} ov_metric_t;

static const ov_metric_t ov_metrics[] = {
    {"nps", T_OV_NPS, T_OV_NPS_HINT, false},
    {"csat", T_OV_CSAT, T_OV_CSAT_HINT, true},
    {"ces", T_OV_CES, T_OV_CES_HINT, true},
    {"enps", T_OV_ENPS, T_OV_ENPS_HINT, false},
};

static const char *ov_percent_unit(const http_request_t *req)
{
    /* Polish and Romanian put a (no-break) space before the sign */
    return req->lang == LANG_EN ? "%" : "\xC2\xA0%";
}

static cx_result ov_query(http_request_t *req, const char *metric, engine_dim by, int32_t from,
                          int32_t to, engine_result_t *out)
{
    engine_query_t q;
    char err[256];
    metrics_query_init(&q, metric);
    q.by[0] = by;
    q.has_from = q.has_to = true;
    q.from_day = from;
    q.to_day = to;
    return engine_query(req->app->engine, &q, out, err, sizeof err);
}

/* The newest day with any response; false when there is none. */
static bool ov_newest_day(http_request_t *req, int32_t *day)
{
    engine_query_t q;
    engine_result_t r;
    char err[256];
    metrics_query_init(&q, "count");
    q.by[0] = DIM_DAY;
    if (engine_query(req->app->engine, &q, &r, err, sizeof err) != CX_OK)
        return false;
    bool found = false;
    for (size_t i = 0; i < r.nrows; i++) {
        int32_t d;
        if (r.rows[i].estimate.n > 0 && engine_parse_day(r.rows[i].labels[0], &d) &&
            (!found || d > *day)) {
            *day = d;
            found = true;
        }
    }
    engine_result_free(&r);
    return found;
}

/* The first day of the month months-1 before the month of day. */
static int32_t ov_months_back(int32_t day, int months)
{
    int y, m, d;
    tz_civil_from_days(day, &y, &m, &d);
    int index = y * 12 + (m - 1) - (months - 1);
    return tz_days_from_civil(index / 12, index % 12 + 1, 1);
}

static void ov_day(buf_t *b, const http_request_t *req, int32_t day)
{
    int y, m, d;
    tz_civil_from_days(day, &y, &m, &d);
    if (req->lang == LANG_EN)
        buf_printf(b, "%04d-%02d-%02d", y, m, d);
    else
        buf_printf(b, "%02d.%02d.%04d", d, m, y);
}

static void ov_sparkline(buf_t *b, http_request_t *req, const ov_metric_t *mt, int32_t last)
{
    engine_result_t r;
    int32_t from = ov_months_back(last, OV_SPARK_MONTHS);
    if (ov_query(req, mt->metric, DIM_MONTH, from, last, &r) != CX_OK)
        return;
    const char *cats[OV_TREND_MONTHS];
    double vals[OV_TREND_MONTHS];
    uint64_t ns[OV_TREND_MONTHS];
    size_t n = r.nrows < OV_SPARK_MONTHS ? r.nrows : OV_SPARK_MONTHS;
    size_t skip = r.nrows - n;
    for (size_t i = 0; i < n; i++) {
        cats[i] = r.rows[skip + i].labels[0];
        vals[i] = r.rows[skip + i].estimate.value;
        ns[i] = r.rows[skip + i].estimate.n;
    }
    buf_t title, desc, from_s, to_s, id;
    buf_init(&title, 0);
    buf_init(&desc, 0);
    buf_init(&from_s, 0);
    buf_init(&to_s, 0);
    buf_init(&id, 0);
    html_textf(&title, req, T_OV_SPARK_TITLE, web_t(req, mt->label));
    ov_day(&from_s, req, from);
    ov_day(&to_s, req, last);
    html_textf(&desc, req, T_OV_SPARK_DESC, buf_str(&from_s), buf_str(&to_s));
    buf_printf(&id, "spark-%a", mt->metric);
    svg_series_t series = {.name = web_t(req, mt->label), .values = vals};
    /* html_textf escaped the texts for HTML; the chart escapes again, so
     * hand it the plain forms: the arguments are digits and known names */
    svg_chart_t chart = {
        .kind = SVG_SPARKLINE,
        .id = buf_str(&id),
        .title = buf_str(&title),
        .desc = buf_str(&desc),
        .lang = req->lang,
        .ncat = n,
        .categories = cats,
        .category_heading = web_t(req, T_OV_MONTH),
        .nseries = 1,
        .series = &series,
        .n = ns,
        .n_heading = web_t(req, T_OV_ANSWERS),
        .decimals = 1,
        .unit = mt->percent ? ov_percent_unit(req) : NULL,
        .empty_text = web_t(req, T_OV_SPARK_EMPTY),
    };
    svg_render(b, &chart);
    buf_free(&title);
    buf_free(&desc);
    buf_free(&from_s);
    buf_free(&to_s);
    buf_free(&id);
    engine_result_free(&r);
}

static void ov_p_value(buf_t *b, const http_request_t *req, double p)
{
    if (p < 0.001) {
        buf_puts(b, "< ");
        svg_format_number(b, req->lang, 0.001, 3);
    } else {
        svg_format_number(b, req->lang, p, 3);
    }
}

/* "target 30 by 31.12.2026 · gap to target −5.7 pts" under a tile. */
static void ov_target_line(buf_t *b, http_request_t *req, const ov_metric_t *mt,
                           const store_target_t *target, double value)
{
    if (!target->found)
        return;
    const char *unit = mt->percent ? ov_percent_unit(req) : "";
    buf_t v, due;
    buf_init(&v, 0);
    buf_init(&due, 0);
    svg_format_number(&v, req->lang, target->value, 1);
    buf_puts(&v, unit);
    ov_day(&due, req, tz_local_day(target->due));
    buf_puts(b, "<p class=\"tile-target\"><span>");
    html_textf(b, req, T_OV_TARGET, buf_str(&v), buf_str(&due));
    buf_puts(b, "</span>");
    if (isfinite(value)) {
        buf_reset(&v);
        double gap = value - target->value;
        if (gap > 0 && round(gap * 10) != 0)
            buf_putc(&v, '+');
        svg_format_number(&v, req->lang, gap, 1);
        /* raw: catalogue text; the whole is escaped by html_textf below */
        buf_printf(&v, "\xC2\xA0%s", web_t(req, mt->percent ? T_OV_UNIT_PP : T_OV_UNIT_POINTS));
        buf_printf(b, " <span class=\"gap %s\">", gap >= 0 ? "met" : "short");
        html_textf(b, req, T_OV_GAP, buf_str(&v));
        buf_puts(b, "</span>");
    }
    buf_puts(b, "</p>");
    buf_free(&v);
    buf_free(&due);
}

static void ov_tile(buf_t *b, http_request_t *req, const ov_metric_t *mt, int32_t last,
                    const store_target_t *target)
{
    engine_result_t r;
    cx_result rc = ov_query(req, mt->metric, DIM_NONE, last - (OV_WINDOW_DAYS - 1), last, &r);
    const engine_row_t *row = rc == CX_OK && r.nrows > 0 && r.rows[0].estimate.n > 0
                                  ? &r.rows[0]
                                  : NULL;
    const char *unit = mt->percent ? ov_percent_unit(req) : "";
    buf_printf(b, "<article class=\"tile\" id=\"tile-%a\" aria-labelledby=\"tile-%a-h\">",
               mt->metric, mt->metric);
    buf_printf(b,
               "<div class=\"tile-head\"><h3 id=\"tile-%a-h\">%h</h3><p class=\"tile-hint\">%h"
               "</p></div>",
               mt->metric, web_t(req, mt->label), web_t(req, mt->hint));
    if (!row) {
        buf_puts(b, "<p class=\"tile-empty\">");
        html_textf(b, req, T_OV_TILE_EMPTY, web_t(req, mt->label));
        buf_puts(b, "</p></article>");
        if (rc == CX_OK)
            engine_result_free(&r);
        return;
    }
    const estimate_t *e = &row->estimate;
    buf_puts(b, "<p class=\"tile-value\">");
    svg_format_number(b, req->lang, e->value, 1);
    buf_printf(b, "<span class=\"tile-unit\">%h</span>", unit);
    if (e->small_sample)
        buf_printf(b, " <span class=\"badge warn\" title=\"%a\">%h</span>",
                   web_t(req, T_OV_SMALL_SAMPLE_TITLE), web_t(req, T_OV_SMALL_SAMPLE));
    buf_puts(b, "</p>");

    /* the change, marked with an arrow and a word when significant */
    buf_t tmp;
    buf_init(&tmp, 0);
    if (row->has_change && isfinite(row->change)) {
        bool sig = isfinite(row->p_value) && row->p_value < 0.05;
        const char *dir = !sig ? "flat" : row->change > 0 ? "up" : "down";
        ov_p_value(&tmp, req, row->p_value);
        buf_t title;
        buf_init(&title, 0);
        html_textf(&title, req, T_OV_CHANGE_TITLE, buf_str(&tmp));
        /* title holds HTML-escaped text already: digits and signs only */
        buf_printf(b, "<p class=\"tile-change %a\" title=\"%a\">", dir, buf_str(&title));
        buf_free(&title);
        if (sig)
            buf_printf(b, "<span class=\"arrow\" aria-hidden=\"true\">%s</span> ",
                       row->change > 0 ? "\xE2\x86\x91" : "\xE2\x86\x93");
        buf_puts(b, "<span class=\"delta\">");
        if (row->change > 0 && round(row->change * 10) != 0)
            buf_putc(b, '+');
        svg_format_number(b, req->lang, row->change, 1);
        buf_printf(b, "\xC2\xA0%h</span> <span class=\"verdict\">%h</span></p>",
                   web_t(req, mt->percent ? T_OV_UNIT_PP : T_OV_UNIT_POINTS),
                   web_t(req, !sig ? T_OV_NOT_SIG
                                   : row->change > 0 ? T_OV_SIG_UP : T_OV_SIG_DOWN));
    } else {
        buf_printf(b, "<p class=\"tile-change none\">%h</p>", web_t(req, T_OV_NO_PREVIOUS));
    }

    buf_puts(b, "<p class=\"tile-meta\">");
    buf_reset(&tmp);
    svg_format_number(&tmp, req->lang, e->ci_low, 1);
    buf_puts(&tmp, "\xE2\x80\x93");
    svg_format_number(&tmp, req->lang, e->ci_high, 1);
    buf_puts(&tmp, unit);
    buf_puts(b, "<span>");
    html_textf(b, req, T_OV_TILE_CI, buf_str(&tmp));
    buf_puts(b, "</span> <span>");
    buf_reset(&tmp);
    i18n_format_int(&tmp, req->lang, (long long)e->n);
    html_textf(b, req, T_OV_TILE_N, buf_str(&tmp));
    buf_puts(b, "</span></p>");
    buf_free(&tmp);
    ov_target_line(b, req, mt, target, e->value);
    engine_result_free(&r);

    ov_sparkline(b, req, mt, last);
    buf_puts(b, "</article>");
}

static void ov_card_open(buf_t *b, const char *id, const char *icon, const char *title)
{
    buf_printf(b, "<section class=\"card chart-card\" aria-labelledby=\"%a-h\">", id);
    buf_puts(b, "<div class=\"card-head\">");
    html_icon(b, icon);
    buf_printf(b, "<h2 id=\"%a-h\">%h</h2></div>", id, title);
}

/* NPS by month over 18 months: the trend with its band, then the mix. */
static void ov_trend(buf_t *b, http_request_t *req, int32_t last, const store_target_t *target)
{
    engine_result_t r;
    if (ov_query(req, "nps", DIM_MONTH, ov_months_back(last, OV_TREND_MONTHS), last, &r) != CX_OK)
        return;
    size_t n = r.nrows < OV_TREND_MONTHS ? r.nrows : OV_TREND_MONTHS;
    size_t skip = r.nrows - n;
    const char *cats[OV_TREND_MONTHS];
    double value[OV_TREND_MONTHS], low[OV_TREND_MONTHS], high[OV_TREND_MONTHS];
    double pro[OV_TREND_MONTHS], pas[OV_TREND_MONTHS], det[OV_TREND_MONTHS];
    uint64_t ns[OV_TREND_MONTHS];
    for (size_t i = 0; i < n; i++) {
        const engine_row_t *row = &r.rows[skip + i];
        cats[i] = row->labels[0];
        value[i] = row->estimate.value;
        low[i] = row->estimate.ci_low;
        high[i] = row->estimate.ci_high;
        const uint64_t *c = row->hist.count;
        uint64_t total = 0;
        for (int k = 0; k <= 10; k++)
            total += c[k];
        ns[i] = total;
        double t = total ? (double)total : NAN;
        pro[i] = (double)(c[9] + c[10]) * 100.0 / t;
        pas[i] = (double)(c[7] + c[8]) * 100.0 / t;
        det[i] = (double)(c[0] + c[1] + c[2] + c[3] + c[4] + c[5] + c[6]) * 100.0 / t;
    }
    buf_puts(b, "<div class=\"grid-2 charts\">");

    ov_card_open(b, "trend", "responses", web_t(req, T_OV_TREND_TITLE));
    svg_series_t line = {.name = web_t(req, T_OV_NPS), .values = value, .low = low, .high = high};
    svg_chart_t trend = {
        .kind = SVG_LINE,
        .id = "chart-trend",
        .title = web_t(req, T_OV_TREND_TITLE),
        .desc = web_t(req, T_OV_TREND_DESC),
        .lang = req->lang,
        .ncat = n,
        .categories = cats,
        .category_heading = web_t(req, T_OV_MONTH),
        .nseries = 1,
        .series = &line,
        .n = ns,
        .n_heading = web_t(req, T_OV_ANSWERS),
        .band_heading = web_t(req, T_OV_INTERVAL),
        .decimals = 1,
        .empty_text = web_t(req, T_OV_TREND_EMPTY),
        .has_target = target->found,
        .target = target->value,
        .target_label = web_t(req, T_OV_TARGET_LINE),
    };
    svg_render(b, &trend);
    buf_puts(b, "</section>");

    ov_card_open(b, "mix", "customers", web_t(req, T_OV_MIX_TITLE));
    svg_series_t parts[3] = {
        {.name = web_t(req, T_OV_DETRACTORS), .tone = "neg", .values = det},
        {.name = web_t(req, T_OV_PASSIVES), .tone = "neu", .values = pas},
        {.name = web_t(req, T_OV_PROMOTERS), .tone = "pos", .values = pro},
    };
    svg_chart_t mix = {
        .kind = SVG_STACKED,
        .id = "chart-mix",
        .title = web_t(req, T_OV_MIX_TITLE),
        .desc = web_t(req, T_OV_MIX_DESC),
        .lang = req->lang,
        .ncat = n,
        .categories = cats,
        .category_heading = web_t(req, T_OV_MONTH),
        .nseries = 3,
        .series = parts,
        .n = ns,
        .n_heading = web_t(req, T_OV_ANSWERS),
        .decimals = 1,
        .unit = ov_percent_unit(req),
        .has_y_range = true,
        .y_min = 0,
        .y_max = 100,
        .empty_text = web_t(req, T_OV_TREND_EMPTY),
    };
    svg_render(b, &mix);
    buf_puts(b, "</section></div>\n");
    engine_result_free(&r);
}

/* A number with its sign ("+3.4", "−2.1") into a fresh arena string. */
static const char *ov_signed(http_request_t *req, double x, const char *unit)
{
    buf_t t;
    buf_init(&t, 128);
    if (x > 0 && round(x * 10) != 0)
        buf_putc(&t, '+');
    svg_format_number(&t, req->lang, x, 1);
    if (unit) {
        buf_puts(&t, "\xC2\xA0");
        buf_puts(&t, unit);
    }
    const char *s = arena_strdup(&req->arena, buf_str(&t));
    buf_free(&t);
    return s ? s : "";
}

/* The plain-language summary: NPS with its interval and change over the
 * last 90 days, then the touchpoint (any score) that fell, and the one
 * that rose, most among the significant changes after Benjamini-Hochberg. */
static void ov_summary(buf_t *b, http_request_t *req, int32_t last)
{
    engine_result_t r;
    if (ov_query(req, "nps", DIM_NONE, last - (OV_WINDOW_DAYS - 1), last, &r) != CX_OK)
        return;
    const engine_row_t *row = r.nrows && r.rows[0].estimate.n ? &r.rows[0] : NULL;
    if (!row) {
        engine_result_free(&r);
        return;
    }
    buf_puts(b, "<p class=\"summary\" id=\"summary\">");
    const estimate_t *e = &row->estimate;
    buf_t v, half, n;
    buf_init(&v, 64);
    buf_init(&half, 64);
    buf_init(&n, 64);
    svg_format_number(&v, req->lang, e->value, 1);
    svg_format_number(&half, req->lang, (e->ci_high - e->ci_low) / 2, 1);
    i18n_format_int(&n, req->lang, (long long)e->n);
    bool sig = row->has_change && isfinite(row->p_value) && row->p_value < 0.05;
    if (row->has_change) {
        buf_t change;
        buf_init(&change, 64);
        svg_format_number(&change, req->lang, sig ? fabs(row->change) : row->change, 1);
        html_textf(b, req, !sig ? T_OV_SUM_FLAT : row->change > 0 ? T_OV_SUM_UP : T_OV_SUM_DOWN,
                   buf_str(&v), buf_str(&half), buf_str(&n), buf_str(&change));
        buf_free(&change);
    }
    buf_free(&v);
    buf_free(&half);
    buf_free(&n);
    engine_result_free(&r);

    const char *fall = NULL, *fall_metric = NULL, *fall_change = NULL;
    const char *rise = NULL, *rise_metric = NULL, *rise_change = NULL;
    double worst = 0, best = 0;
    for (size_t m = 0; m < 3; m++) { /* nps, csat, ces: the customer scores */
        const ov_metric_t *mt = &ov_metrics[m];
        if (ov_query(req, mt->metric, DIM_TOUCHPOINT, last - (OV_WINDOW_DAYS - 1), last, &r))
            continue;
        for (size_t i = 0; i < r.nrows; i++) {
            const engine_row_t *t = &r.rows[i];
            if (!t->has_change || !(t->q_value < 0.05) || strcmp(t->labels[0], "(none)") == 0)
                continue;
            const char *unit = web_t(req, mt->percent ? T_OV_UNIT_PP : T_OV_UNIT_POINTS);
            if (t->change < worst) {
                worst = t->change;
                fall = arena_strdup(&req->arena, t->labels[0]);
                fall_metric = web_t(req, mt->label);
                fall_change = ov_signed(req, t->change, unit);
            } else if (t->change > best) {
                best = t->change;
                rise = arena_strdup(&req->arena, t->labels[0]);
                rise_metric = web_t(req, mt->label);
                rise_change = ov_signed(req, t->change, unit);
            }
        }
        engine_result_free(&r);
    }
    if (fall) {
        buf_putc(b, ' ');
        html_textf(b, req, T_OV_SUM_FALL, fall, fall_metric, fall_change);
    }
    if (rise) {
        buf_putc(b, ' ');
        html_textf(b, req, T_OV_SUM_RISE, rise, rise_metric, rise_change);
    }
    if (!fall && !rise) {
        buf_putc(b, ' ');
        html_text(b, req, T_OV_SUM_STEADY);
    }
    buf_puts(b, "</p>");
}

static void ov_scores(buf_t *b, http_request_t *req, const store_target_t targets[4])
{
    if (!req->app || !req->app->engine)
        return;
    int32_t last;
    buf_puts(b, "<section class=\"scores\" aria-labelledby=\"scores-h\">");
    buf_printf(b, "<h2 id=\"scores-h\" class=\"section-title\">%h</h2>",
               web_t(req, T_OV_SCORES));
    if (!ov_newest_day(req, &last)) {
        buf_puts(b, "<div class=\"card\">");
        html_empty_state(b, "responses", web_t(req, T_OV_NO_DATA_TITLE), web_t(req, T_OV_NO_DATA));
        buf_puts(b, "</div></section>\n");
        return;
    }
    buf_t day;
    buf_init(&day, 0);
    ov_day(&day, req, last);
    ov_summary(b, req, last);
    buf_puts(b, "<p class=\"scores-lead muted\">");
    html_textf(b, req, T_OV_SCORES_LEAD, buf_str(&day));
    buf_puts(b, "</p><div class=\"tiles\">");
    buf_free(&day);
    for (size_t i = 0; i < sizeof ov_metrics / sizeof ov_metrics[0]; i++)
        ov_tile(b, req, &ov_metrics[i], last, &targets[i]);
    buf_puts(b, "</div></section>\n");
    ov_trend(b, req, last, &targets[0]);
}

cx_result page_overview(http_request_t *req, http_response_t *res)
{
    overview_data_t data = {.now = req->now};
    cx_result rc = store_read(req->store, overview_job, &data);
    if (rc)
        return rc;
    const store_overview_counts_t c = data.counts;

    html_begin(req, res, web_t(req, T_NAV_DASHBOARD), AREA_DASHBOARD);
    buf_t *b = &res->body;
    buf_printf(b, "<div class=\"page-head\"><h1>%h</h1><p class=\"lead\">",
               web_t(req, T_NAV_DASHBOARD));
    html_textf(b, req, T_OVERVIEW_WELCOME, req->auth.display_name);
    buf_puts(b, "</p></div>\n");

    ov_scores(b, req, data.targets);

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
